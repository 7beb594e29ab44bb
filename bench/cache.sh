#!/usr/bin/env bash
#
# Benchmark of the response cache (issue 7): a cache hit against bare
# nginx returning the same 1 KB body, and a cache miss against the same
# method without a cache.  Run by `make bench-cache`; the gateway and the
# backend are bench/lib.sh's, measuring and reporting bench/measure.sh's,
# as for bench/run.sh; see docs/performance.md, "Response cache".
#
#   return200_1k  bare nginx `return 200` of a 1 KB body
#   cache_hit     apigw HTTP_PROXY with a stage cache, every request a hit
#                 (GET /prod/item)
#   uncached      apigw HTTP_PROXY to a backend answering the same 1 KB, no
#                 cache (GET /dev/item?k=UNIQUE)
#   cache_miss    the same method in a stage with a cache, a new key per
#                 request (GET /prod/item?k=UNIQUE; the key is the query
#                 parameter k), so every request misses, stores its answer
#                 and, once the zone is full, evicts the oldest entry
#
# uncached and cache_miss send a unique query string per request (a wrk Lua
# script), both of them, so they differ only in the cache.
#
# Environment (defaults in brackets): what bench/run.sh takes
# (BENCH_THREADS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_ROUNDS
# BENCH_PORT BENCH_PIN BENCH_KEEPALIVE NGINX MODULE), and
#   BENCH_CASES      [return200_1k cache_hit uncached cache_miss]
#   BENCH_CACHE_SIZE [10m]  the stage cache's size
#   BENCH_RESULTS    [bench/results/cache.md]
#
# Exit status: 0 whenever the benchmark ran (targets are reported as
# PASS/MISS, not enforced); 1 when it could not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
RESULTS=${BENCH_RESULTS:-$TOP/bench/results/cache.md}
TITLE="apigw response cache benchmark results"

DEFAULT_CASES="return200_1k cache_hit uncached cache_miss"

# the targets of the issue: a hit >= 80 % of bare nginx; a miss "no
# measurable cost" over the same method without a cache, taken as 95 %
declare -A BASELINE=([cache_hit]=return200_1k [cache_miss]=uncached)
declare -A TARGET=([cache_hit]=80 [cache_miss]=95)

# each case right after its baseline, so a pair sees the same machine
ORDER=(return200_1k cache_hit uncached cache_miss)

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }

# the cases, the configuration they need, their URLs and checks
# shellcheck source=bench/cache_cases.sh
. "$TOP/bench/cache_cases.sh"

# a counter of the prod stage's cache
counter() {
    curl -s "$STATS" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

declare -A HITS MISSES
case_started() {
    H0=$(counter hits)
    M0=$(counter misses)
}
case_finished() {
    local h m
    h=$(counter hits)
    m=$(counter misses)
    HITS[$1]+="$((h - H0)) "
    MISSES[$1]+="$((m - M0)) "
    echo "           cache: $((h - H0)) hits, $((m - M0)) misses"
}

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/measure.sh
. "$TOP/bench/measure.sh"

run_rounds
check_logs

table=$(report)
table+=$'\n\n'"Cache counters of the prod stage, per measured run (medians):"
table+=$'\n'
for c in "${CASES[@]}"; do
    # shellcheck disable=SC2086
    table+=$'\n'$(printf -- '- %s: %s hits, %s misses' "${LABEL[$c]}" \
                   "$(median ${HITS[$c]})" "$(median ${MISSES[$c]})")
done
table+=$'\n'"- at the end: $(curl -s "$STATS")"

echo
echo "$table"

write_results "$RESULTS" "$table"

exit 0
