#!/usr/bin/env bash
#
# Where the gateway worker spends its time: the benchmark's setup
# (bench/lib.sh), then for each case wrk's load while `perf record` samples
# the gateway worker, then `perf report` (flat, by symbol) per case.
# Optional, not part of `make bench`; skipped (exit 0) when perf is missing
# or cannot sample (e.g. perf_event_paranoid, no PMU in a VM is fine:
# perf falls back to the cpu-clock software event).
#
#   bash bench/profile.sh                 # MOCK and return 200, 10 s each
#   BENCH_CASES="http_proxy proxy_pass" bash bench/profile.sh
#   BENCH_CASES="mapping_1k http_proxy_1k" bash bench/profile.sh
#
# Environment: what bench/run.sh takes (BENCH_THREADS, BENCH_CONNECTIONS,
# BENCH_PORT, BENCH_PIN, NGINX, MODULE), and
#   BENCH_CASES     [mock return200]
#   BENCH_DURATION  [10s] seconds sampled per case
#   BENCH_FREQ      [2999] samples per second
#   BENCH_PROFILE_DIR [bench/results]  where profile-CASE.txt goes
#
# The nginx binary from Debian is stripped: its own functions show as
# addresses in /usr/sbin/nginx unless nginx-dbgsym is installed; the
# module's functions always have names.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DURATION=${BENCH_DURATION:-10s}
FREQ=${BENCH_FREQ:-2999}
OUT=${BENCH_PROFILE_DIR:-$TOP/bench/results}
export BENCH_CASES=${BENCH_CASES:-mock return200}

secs=${DURATION%s}
[[ $secs =~ ^[0-9]+$ ]] \
    || { echo "profile: BENCH_DURATION must be whole seconds" >&2; exit 1; }

if ! command -v perf >/dev/null; then
    echo "profile: perf not found (apt-get install linux-perf), skipped"
    exit 0
fi
if ! perf record -o /dev/null -e cpu-clock -- true >/dev/null 2>&1; then
    echo "profile: perf cannot record here, skipped"
    exit 0
fi

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"

mkdir -p "$OUT"

for c in "${CASES[@]}"; do
    data=$SERVROOT/perf-$c.data
    report=$OUT/profile-$c.txt

    wrk_case "$c" -t"$THREADS" -c"$CONNS" -d2s > /dev/null    # warm-up

    wrk_case "$c" -t"$THREADS" -c"$CONNS" -d"$((secs + 2))s" \
        > "$SERVROOT/wrk-$c.txt" &
    wrk_pid=$!
    sleep 1
    cpu0=$(cpu_ns)
    perf record -q -F "$FREQ" -e cpu-clock -p "$GW_WORKER" -o "$data" \
        -- sleep "$secs" 2>/dev/null || true
    cpu1=$(cpu_ns)
    wait "$wrk_pid"

    {
        echo "# perf profile of the gateway worker: $c (${URL[$c]})"
        echo "# wrk -t$THREADS -c$CONNS, sampled ${secs}s at ${FREQ} Hz;" \
             "worker CPU $(( (cpu1 - cpu0) / 1000000 )) ms in that time"
        grep -E 'Requests/sec' "$SERVROOT/wrk-$c.txt" | sed 's/^/# wrk: /'
        echo
        echo "## flat, by symbol (self time)"
        perf report -i "$data" --stdio --no-children --sort dso,sym \
            -g none --percent-limit 0.5 2>/dev/null | grep -v '^#' \
            | grep -v '^$' || true
        echo
        echo "## by shared object"
        perf report -i "$data" --stdio --no-children --sort dso \
            -g none 2>/dev/null | grep -v '^#' | grep -v '^$' || true
        echo
        echo "## the module's functions (self time, % of all samples)"
        perf report -i "$data" --stdio --no-children --sort sym -g none \
            --dsos ngx_http_apigw_module.so 2>/dev/null \
            | grep -v '^#' | grep -v '^$' || true
    } > "$report"

    echo "profile: $c -> ${report#"$TOP"/}"
    sed -n '/^## flat/,/^## by shared/p' "$report" | grep '%' | head -15
    echo
done

exit 0
