#!/usr/bin/env bash
#
# Benchmark of mapping templates: a JSON POST through an HTTP (non-proxy)
# integration with a request and a response template, against the same
# request through HTTP_PROXY, on ~1 KB and ~100 KB bodies; then the VTL
# engine's renders per second alone (bench/vtl_bench.c).  Run by
# `make bench-mapping`; see bench/README.md.
#
#   http_proxy_1k    POST /dev/hp1k?x=wrk   apigw_integration http_proxy
#                    http://backend/json1k
#   mapping_1k       POST /dev/map1k?x=wrk  apigw_integration http
#                    http://backend/json1k, bench/templates/request.vtl,
#                    and response.vtl in `apigw_integration_response default`
#   http_proxy_100k, mapping_100k: the same with ~100 KB
#
# wrk POSTs the JSON file (bench/post.lua) that the backend nginx answers
# with, whatever it was sent (a static file, error_page 405 =200).  The
# gateway and the backend are bench/lib.sh's, measuring and reporting
# bench/measure.sh's, as for bench/run.sh.
#
# Environment (defaults in brackets): what bench/run.sh takes
# (BENCH_THREADS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_ROUNDS
# BENCH_PORT BENCH_PIN BENCH_KEEPALIVE NGINX MODULE), and
#   BENCH_CASES   [http_proxy_1k mapping_1k http_proxy_100k mapping_100k]
#   BENCH_RESULTS [bench/results/mapping.md]
#   BENCH_VTL_SECONDS [2]  seconds per template, body and $context mode of
#                 vtl_bench; 0 skips the engine's part
#   CC [cc]  VTL_CFLAGS [-O2]  how vtl_bench and the engine are compiled
#
# Exit status: 0 whenever the benchmark ran, whatever the numbers (the
# target, mapping_1k >= 85 % of http_proxy_1k, is reported as PASS/MISS);
# 1 only when it could not run (missing tools, nginx failed to start, a
# case answered wrongly, vtl_bench did not build or failed).

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
RESULTS=${BENCH_RESULTS:-$TOP/bench/results/mapping.md}
VTL_SECONDS=${BENCH_VTL_SECONDS:-2}
CC=${CC:-cc}
VTL_CFLAGS=${VTL_CFLAGS:--O2}
TITLE="apigw mapping template benchmark results"

DEFAULT_CASES="http_proxy_1k mapping_1k http_proxy_100k mapping_100k"

# the target from the issue: at 1 KB, mapping >= 85 % of HTTP_PROXY;
# 100 KB is reported without one
declare -A BASELINE=([mapping_1k]=http_proxy_1k [mapping_100k]=http_proxy_100k)
declare -A TARGET=([mapping_1k]=85)

# the engine's sources, as t/unit/vtl.mk builds them
VTL_SRCS=(vtl_parse vtl_eval jsonpath util jv jv_parse)

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }
[[ $VTL_SECONDS =~ ^[0-9]+([.][0-9]+)?$ ]] \
    || { echo "bench: BENCH_VTL_SECONDS must be a number" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/measure.sh
. "$TOP/bench/measure.sh"


# --- the engine alone: vtl_bench, built now from the sources as they are ----

VTL_BENCH=$SERVROOT/vtl_bench
ENGINE_REV=
if [ "$VTL_SECONDS" != 0 ]; then
    command -v "$CC" >/dev/null || die "$CC not found (BENCH_VTL_SECONDS=0 skips the engine)"
    srcs=()
    for s in "${VTL_SRCS[@]}"; do
        srcs+=("$TOP/src/ngx_http_apigw_$s.c")
    done
    # shellcheck disable=SC2086
    "$CC" $VTL_CFLAGS -DNGX_HTTP_APIGW_UNIT -I"$TOP/src" -o "$VTL_BENCH" \
        "$TOP/bench/vtl_bench.c" "${srcs[@]}" -ljansson -lpcre2-8 -lm \
        > "$SERVROOT/vtl_bench.log" 2>&1 \
        || die "vtl_bench did not build:
$(tail -20 "$SERVROOT/vtl_bench.log")"
    ENGINE_REV=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || true)
    if [ -n "$ENGINE_REV" ] \
       && ! git -C "$TOP" diff --quiet HEAD -- "${srcs[@]}" src/*.h 2>/dev/null
    then
        ENGINE_REV+=" with uncommitted changes"
    fi
fi


# --- through nginx ----------------------------------------------------------

# each mapping case right after its HTTP_PROXY case, so a pair sees the
# same machine
ORDER=()
for c in http_proxy_1k mapping_1k http_proxy_100k mapping_100k; do
    for k in "${CASES[@]}"; do
        [ "$k" = "$c" ] && ORDER+=("$c")
    done
done

run_rounds
check_logs


# --- the engine alone ------------------------------------------------------------

# vtl_bench on the same templates and bodies, on the gateway's CPU (the
# two nginx are idle now)
engine=
if [ "$VTL_SECONDS" != 0 ]; then
    echo "bench: vtl_bench, ${VTL_SECONDS}s per template, body and \$context mode"
    vtl=("$VTL_BENCH")
    if [ "$PIN" != 0 ] && command -v taskset >/dev/null; then
        vtl=(taskset -c 0 "$VTL_BENCH")
    fi
    engine=$("${vtl[@]}" -s "$VTL_SECONDS" "$SERVROOT/templates/request.vtl" \
             "$SERVROOT/templates/response.vtl" \
             "$SERVROOT/backend/html/json1k" "$SERVROOT/backend/html/json100k" \
             2>&1) || die "vtl_bench failed: $engine"
fi

# µs of the engine per request, per body: the request template with a
# fresh $context (nginx builds one per request) plus the response
# template on it (reused)
engine_us() {
    awk -F'|' -v body="$1" '
        $3 ~ "^ *" body " " && $2 ~ /request/ && $4 ~ /fresh/ { r = $6 }
        $3 ~ "^ *" body " " && $2 ~ /response/ && $4 ~ /reused/ { s = $6 }
        END { if (r != "" && s != "") printf "%.1f", r + s }' <<< "$engine"
}

engine_report() {
    local size us base c extra
    echo
    echo "## The engine alone"
    echo
    echo "\`bench/vtl_bench.c\` built with \`$CC $VTL_CFLAGS\` from" \
         "src/ngx_http_apigw_{$(IFS=,; echo "${VTL_SRCS[*]}")}.c" \
         "(commit $ENGINE_REV), ${VTL_SECONDS} s per row, on CPU 0 with" \
         "both nginx idle; a bump-pointer arena reset after every render;" \
         "\"fresh copy\": a copy of \$context per render," \
         "included in the time; \"reused\": one \$context for all renders."
    echo
    echo "$engine"
    echo
    for size in 1k 100k; do
        us=$(engine_us "json$size")
        [ -n "$us" ] || continue
        c=mapping_$size
        base=${BASELINE[$c]}
        extra=
        if [ -n "${CPU[$c]:-}" ] && [ -n "${CPU[$base]:-}" ]; then
            # shellcheck disable=SC2086
            extra=$(awk -v a="$(median ${CPU[$c]})" \
                    -v b="$(median ${CPU[$base]})" -v e="$us" 'BEGIN {
                printf "; through nginx the mapping case costs the gateway %.1f us more CPU per request than HTTP_PROXY, of which the two renders would be %.0f%%", a - b, (a > b ? 100 * e / (a - b) : 0) }')
        fi
        echo "- $size: the request template (fresh \$context) and the" \
             "response template take $us us per request$extra."
    done
}

table=$(report)
if [ -n "$engine" ]; then
    table+=$'\n'$(engine_report)
fi

echo
echo "$table"

write_results "$RESULTS" "$table"

exit 0
