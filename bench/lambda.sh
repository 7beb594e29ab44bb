#!/usr/bin/env bash
#
# Benchmark of Lambda proxy integrations: what the gateway adds to a call
# of a fast local function, against the same function called directly on
# its Invoke API, and throughput against HTTP_PROXY.  Run by
# `make bench-lambda`; see bench/README.md.
#
# The function is instant: the backend nginx answers
# `POST /2015-03-31/functions/hello/invocations` with a fixed result,
# {"statusCode":200,"headers":{"Content-Type":"text/plain"},"body":"hello"},
# so the difference between the cases is the gateway's own cost.
#
#   invoke_direct  POST :BACKEND/2015-03-31/functions/hello/invocations,
#                  the ~1 KB API Gateway 1.0 event of bench/event.json
#   lambda         GET /dev/hello through the gateway:
#                  apigw_integration lambda hello proxy; with
#                  apigw_lambda_endpoint http://backend (upstream, keepalive)
#   hello_direct   GET :BACKEND/hello, the backend's "hello"
#   http_proxy     GET /dev/proxy through the gateway's HTTP_PROXY to it
#   proxy_pass     GET /proxy of the bare server (no module): nginx's own
#                  proxy_pass to it, the floor any hop through nginx costs
#
# Two phases, each with bench/measure.sh's rounds (warm-up, measured run,
# every other round backwards, medians):
#   latency     wrk -t1 -c1: one request at a time; the gateway's added
#               cost at p50 and p99 is lambda minus invoke_direct (target:
#               < 50 us at p50), HTTP_PROXY's is http_proxy minus
#               hello_direct, nginx's own hop proxy_pass minus hello_direct.  Run in two layouts (below): on this 2-vCPU
#               VM waking a process on the other CPU costs tens of us, and
#               only a request through the gateway crosses CPUs when the
#               gateway has a CPU of its own
#   throughput  wrk -t2 -c64: req/s and gateway CPU per request of lambda
#               against http_proxy (invoke_direct shows what the backend
#               alone can serve), pinned as bench/run.sh pins
#
# Environment (defaults in brackets): what bench/run.sh takes
# (BENCH_THREADS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_ROUNDS
# BENCH_PORT BENCH_PIN BENCH_KEEPALIVE NGINX MODULE; threads and
# connections apply to the throughput phase), and
#   BENCH_LATENCY_CASES    [hello_direct proxy_pass http_proxy invoke_direct
#                           lambda]
#   BENCH_LATENCY_LAYOUTS  [one split]  (with BENCH_PIN=2; see below)
#   BENCH_THROUGHPUT_CASES [invoke_direct http_proxy lambda]
#   BENCH_RESULTS [bench/results/lambda.md]
# (BENCH_CASES is not used: the two lists say what runs.)
#
# Exit status: 0 whenever the benchmark ran, whatever the numbers (the
# target is reported as PASS/MISS); 1 only when it could not run (missing
# tools, nginx failed to start, a case answered wrongly).

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
RESULTS=${BENCH_RESULTS:-$TOP/bench/results/lambda.md}
TITLE="apigw Lambda proxy benchmark results"

# the issue's target: the gateway adds less than 50 us per request at p50
TARGET_US=50

# where the latency phase runs (BENCH_LATENCY_LAYOUTS), with BENCH_PIN=2:
#   one    the gateway worker (moved with taskset -p for the phase), the
#          backend worker and wrk all on CPU 1: no request wakes another
#          CPU, in any case; the target applies to this layout
#   split  the other phases' pinning: the gateway on CPU 0, the backend
#          and wrk on CPU 1; a request through the gateway crosses CPUs
#          four times, a direct one never
read -ra LAYOUTS <<< "${BENCH_LATENCY_LAYOUTS:-one split}"

read -ra LAT_CASES <<< \
    "${BENCH_LATENCY_CASES:-hello_direct proxy_pass http_proxy invoke_direct lambda}"
read -ra TPUT_CASES <<< \
    "${BENCH_THROUGHPUT_CASES:-invoke_direct http_proxy lambda}"

# latency: case => the case it adds to; throughput: case => its baseline
# proxy_pass (bare nginx, no module) is the floor: what any proxy hop
# through nginx costs on this machine, whatever the module does
declare -A LAT_BASE=([lambda]=invoke_direct [http_proxy]=hello_direct
                     [proxy_pass]=hello_direct)
declare -A BASELINE=([lambda]=http_proxy)
declare -A TARGET=()

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }

# bench/lib.sh configures and checks the cases of both lists
all=()
for c in "${LAT_CASES[@]}" "${TPUT_CASES[@]}"; do
    [[ " ${all[*]} " == *" $c "* ]] || all+=("$c")
done
BENCH_CASES="${all[*]}"

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/measure.sh
. "$TOP/bench/measure.sh"

declare -A LAYOUT_DESC=(
    [one]="gateway worker, backend worker and wrk all on CPU 1"
    [split]="gateway worker on CPU 0, backend worker and wrk on CPU 1"
)
if [ "$PIN" = 2 ] && [ "$(nproc)" -ge 2 ]; then
    PIN_LAYOUT='split'
    for layout in "${LAYOUTS[@]}"; do
        [ -n "${LAYOUT_DESC[$layout]:-}" ] \
            || die "unknown layout '$layout' in BENCH_LATENCY_LAYOUTS"
    done
else
    # no moving workers about: every phase as BENCH_PIN says
    PIN_LAYOUT=pin$PIN
    LAYOUT_DESC[$PIN_LAYOUT]="as BENCH_PIN=$PIN pins the processes"
    LAYOUTS=("$PIN_LAYOUT")
fi
VERDICT_LAYOUT=${LAYOUTS[0]}
for layout in "${LAYOUTS[@]}"; do
    if [ "$layout" = one ]; then
        VERDICT_LAYOUT=one
    fi
done

# the lambda case answered 200 "hello" (lib.sh); the function's headers
# must have made it into the response too
if [[ " ${CASES[*]} " == *" lambda "* ]]; then
    hdrs=$(curl -s -D - -o /dev/null "${URL[lambda]}" | tr -d '\r') || true
    grep -qi '^content-type: text/plain$' <<< "$hdrs" \
        || die "case lambda: no Content-Type: text/plain from the function:
$hdrs"
    grep -qi '^x-amzn-requestid: ' <<< "$hdrs" \
        || die "case lambda: no x-amzn-RequestId header:
$hdrs"

    # 20 requests on one client connection: the gateway's Invoke calls
    # must reuse its keepalive connections to the backend (one more
    # accepted connection is the second status request's own)
    accepted() {
        curl -s "http://127.0.0.1:$BACKEND_PORT/connections" \
            | awk 'NR == 3 { print $1 }'
    }
    a0=$(accepted)
    urls=()
    for _ in $(seq 1 20); do
        urls+=(-o /dev/null "${URL[lambda]}")
    done
    curl -s "${urls[@]}" || die "case lambda: curl failed"
    a1=$(accepted)
    NEW_CONNS=$((a1 - a0 - 1))
    [ "$NEW_CONNS" -le 1 ] \
        || die "case lambda: 20 requests opened $NEW_CONNS connections to" \
               "the backend (no keepalive?)"
fi



# --- the phases -------------------------------------------------------------------

TPUT_THREADS=$THREADS
TPUT_CONNS=$CONNS

# run_phase NAME THREADS CONNS CASE...: bench/measure.sh's rounds, the raw
# wrk output of the phase under raw/NAME-
run_phase() {
    local name=$1 f
    THREADS=$2
    CONNS=$3
    shift 3
    CASES=("$@")
    ORDER=("$@")
    RPS=() P50=() P99=() CPU=() ERRS=()
    RAW=$SERVROOT/raw-$name
    run_rounds
    mkdir -p "$SERVROOT/raw"
    for f in "$RAW"/*.txt; do
        mv "$f" "$SERVROOT/raw/$name-$(basename "$f")"
    done
}

# keep SRC's entries in DST, their keys prefixed with PREFIX:
# keep_array SRC DST PREFIX
# shellcheck disable=SC2034,SC2004
keep_array() {
    local -n src=$1 dst=$2
    local k
    for k in "${!src[@]}"; do
        dst[$3$k]=${src[$k]}
    done
}

snap_all=$(cpu_snapshot)

# the latency phase, once per layout; L_* keep "layout:case" => rounds
declare -A L_RPS L_P50 L_P99 L_CPU L_ERRS L_FOREIGN
for layout in "${LAYOUTS[@]}"; do
    if [ "$layout" = one ]; then
        taskset -pc 1 "$GW_WORKER" > /dev/null \
            || die "cannot move the gateway worker to CPU 1"
    fi
    echo "bench: latency, layout '$layout': ${LAYOUT_DESC[$layout]}"
    run_phase "c1-$layout" 1 1 "${LAT_CASES[@]}"
    if [ "$layout" = one ]; then
        taskset -pc 0 "$GW_WORKER" > /dev/null \
            || die "cannot move the gateway worker back to CPU 0"
    fi
    keep_array RPS L_RPS "$layout:"
    keep_array P50 L_P50 "$layout:"
    keep_array P99 L_P99 "$layout:"
    keep_array CPU L_CPU "$layout:"
    keep_array ERRS L_ERRS "$layout:"
    L_FOREIGN[$layout]=$foreign_during
    if [ -z "${lat_started:-}" ]; then
        lat_started=$started
        lat_load_before=$load_before
        lat_foreign_before=$foreign_before
    fi
done

echo "bench: throughput, layout '$PIN_LAYOUT'"
run_phase "c$TPUT_CONNS" "$TPUT_THREADS" "$TPUT_CONNS" "${TPUT_CASES[@]}"
tput_foreign=$foreign_during

# the header covers the whole run
started=$lat_started
load_before=$lat_load_before
foreign_before=$lat_foreign_before
foreign_during=$(foreign_cpu "$snap_all" "$(cpu_snapshot)")
RAW=$SERVROOT/raw

check_logs


# --- report -------------------------------------------------------------------

# B - A per round, signed, of two lists of rounds
per_round_diff() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        n = split(a, x, " "); split(b, y, " ");
        for (i = 1; i <= n; i++)
            printf "%s%+.0f", (i > 1 ? ", " : ""), y[i] - x[i] }'
}

# median of B minus median of A, signed, with DIGITS decimals
median_diff() {
    # shellcheck disable=SC2086
    awk -v a="$(median $1)" -v b="$(median $2)" -v d="${3:-0}" \
        'BEGIN { printf "%+.*f", d, b - a }'
}

rounds_list() {
    sed 's/ $//; s/ /, /g' <<< "$1"
}

latency_report() {
    local layout c k base p50 p99 bp50 bp99 add50 verdict
    echo "## Latency: one request at a time"
    echo
    echo "\`wrk -t1 -c1 -d$DURATION --latency\` after a $WARMUP warm-up," \
         "$ROUNDS rounds per layout (medians; then the rounds in order)." \
         "Layouts:"
    echo
    for layout in "${LAYOUTS[@]}"; do
        echo "- $layout: ${LAYOUT_DESC[$layout]}; other processes used" \
             "${L_FOREIGN[$layout]}% of one CPU meanwhile"
    done
    echo
    echo "| layout | case | p50 | p99 | req/s | gateway CPU/req" \
         "| p50 per round | p99 per round |"
    echo "|---|---|---:|---:|---:|---:|---|---|"
    for layout in "${LAYOUTS[@]}"; do
        for c in "${LAT_CASES[@]}"; do
            k=$layout:$c
            # shellcheck disable=SC2086
            printf '| %s | %s | %s us | %s us | %.0f | %s us | %s | %s |\n' \
                "$layout" "${LABEL[$c]}" "$(median ${L_P50[$k]})" \
                "$(median ${L_P99[$k]})" "$(median ${L_RPS[$k]})" \
                "$(median ${L_CPU[$k]})" "$(rounds_list "${L_P50[$k]}")" \
                "$(rounds_list "${L_P99[$k]}")"
        done
    done
    echo
    echo "Added per request (median of the case minus median of what it" \
         "adds to; per round: the two ran side by side). The target applies" \
         "to layout '$VERDICT_LAYOUT':"
    echo
    for layout in "${LAYOUTS[@]}"; do
        for c in "${LAT_CASES[@]}"; do
            base=${LAT_BASE[$c]:-}
            if [ -z "$base" ] || [ -z "${L_P50[$layout:$base]:-}" ]; then
                continue
            fi
            k=$layout:$c
            base=$layout:$base
            # shellcheck disable=SC2086
            {
                p50=$(median ${L_P50[$k]}); bp50=$(median ${L_P50[$base]})
                p99=$(median ${L_P99[$k]}); bp99=$(median ${L_P99[$base]})
            }
            add50=$(median_diff "${L_P50[$base]}" "${L_P50[$k]}")
            verdict=
            if [ "$c" = lambda ] && [ "$layout" = "$VERDICT_LAYOUT" ]; then
                verdict=$(awk -v a="$add50" -v t="$TARGET_US" \
                          'BEGIN { print (a < t) ? "PASS" : "MISS" }')
                verdict="**$verdict** (target < $TARGET_US us at p50): "
            fi
            echo "- $layout: $verdict${LABEL[$c]} adds **${add50#+} us at" \
                 "p50** ($p50 against $bp50 us; per round $(per_round_diff \
                 "${L_P50[$base]}" "${L_P50[$k]}")) and **$(median_diff \
                 "${L_P99[$base]}" "${L_P99[$k]}" | tr -d +) us at p99**" \
                 "($p99 against $bp99 us; per round $(per_round_diff \
                 "${L_P99[$base]}" "${L_P99[$k]}")) to" \
                 "${LABEL[${LAT_BASE[$c]}]}"
        done
        if [ -n "${L_P50[$layout:lambda]:-}" ] \
           && [ -n "${L_P50[$layout:http_proxy]:-}" ]
        then
            echo "- $layout: ${LABEL[lambda]} against ${LABEL[http_proxy]}:" \
                 "$(median_diff "${L_P50[$layout:http_proxy]}" \
                    "${L_P50[$layout:lambda]}") us at p50," \
                 "$(median_diff "${L_P99[$layout:http_proxy]}" \
                    "${L_P99[$layout:lambda]}") us at p99," \
                 "$(median_diff "${L_CPU[$layout:http_proxy]}" \
                    "${L_CPU[$layout:lambda]}" 2) us of gateway CPU per" \
                 "request"
        fi
    done
    for k in "${!L_ERRS[@]}"; do
        echo "- errors in ${LABEL[${k#*:}]} (layout ${k%%:*}): ${L_ERRS[$k]}"
    done
}

throughput_report() {
    echo "## Throughput: $TPUT_CONNS connections"
    echo
    echo "\`wrk -t$TPUT_THREADS -c$TPUT_CONNS -d$DURATION --latency\` after" \
         "a $WARMUP warm-up, $ROUNDS rounds (medians), layout" \
         "'$PIN_LAYOUT'. Other processes used ${tput_foreign}% of one CPU" \
         "meanwhile."
    echo
    report_table
    echo
    if [ -n "${CPU[lambda]:-}" ] && [ -n "${CPU[http_proxy]:-}" ]; then
        # shellcheck disable=SC2086
        echo "Gateway CPU per request: ${LABEL[lambda]}" \
             "$(median ${CPU[lambda]}) us, ${LABEL[http_proxy]}" \
             "$(median ${CPU[http_proxy]}) us" \
             "($(median_diff "${CPU[http_proxy]}" "${CPU[lambda]}" 2) us)."
        echo
    fi
    report_targets
    if [ -n "${NEW_CONNS:-}" ]; then
        echo "- upstream keepalive: 20 requests of the lambda case on one" \
             "client connection opened $NEW_CONNS new connections to the" \
             "backend (checked before measuring)"
    fi
}

LOAD_DESC="\`wrk -t1 -c1\` (latency) and \`wrk -t$TPUT_THREADS -c$TPUT_CONNS\`"
LOAD_DESC+=" (throughput), \`-d$DURATION --latency\` after a $WARMUP warm-up,"
LOAD_DESC+=" per case; $ROUNDS rounds per phase, each case next to the one it is"
LOAD_DESC+=" compared with, every other round backwards, medians shown"

function_note() {
    echo "- the function: the backend nginx answers \`POST $INVOKE_PATH\`" \
         "with a fixed result, \`$LAMBDA_RESULT\` (\`default_type" \
         "application/json\`): an instant function, so the difference" \
         "between a direct call and one through the gateway is the" \
         "gateway's own cost. The direct call POSTs bench/event.json" \
         "($(wc -c < "$SERVROOT/event.json") bytes, an API Gateway 1.0" \
         "proxy event); through the gateway wrk GETs /dev/hello and the" \
         "gateway makes the event (\`apigw_integration lambda hello" \
         "proxy;\`, \`apigw_lambda_endpoint http://backend;\`, the upstream" \
         "with keepalive)"
}

table="$(report_header)
$(function_note)

$(latency_report)

$(throughput_report)"

echo
echo "$table"

write_results "$RESULTS" "$table"

exit 0
