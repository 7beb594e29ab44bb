#!/usr/bin/env bash
#
# Benchmark of throttling and usage plans (issue 6): the same MOCK method
# with its limits and its key's quota checked on every request, against
# the same method where none applies.  Run by `make bench-throttle`; see
# bench/README.md and docs/performance.md, "Throttling and usage plans".
#
#   mock           GET /dev/mock     MOCK, stage dev without limits
#   mock_stage     GET /lim/mock     the same method in stage lim, whose
#                                    `throttle` gives it a bucket
#   keyed          GET /dev/keyed    MOCK with apigw_api_key_required; the
#                                    key's usage plan does not have dev
#   keyed_plan     GET /plan/keyed   the same in stage plan, which the
#                                    key's plan has: the plan's bucket of
#                                    the key and its quota
#   keyed_all      GET /all/keyed    the same in stage all: the stage's
#                                    bucket of the method, the plan's
#                                    bucket of the key, the plan's bucket
#                                    of the key for the method, the quota
#
# The limits are far above what one worker serves (a billion a second, a
# quota of 2e9 a month): every request is checked and none refused.  The
# gateway and the backend are bench/lib.sh's (one worker each, pinned),
# measuring and reporting bench/measure.sh's, as for bench/run.sh.  Then:
#
# - memory: one request of keyed_all with each of the plan's other keys
#   (THROTTLE_KEYS, default 1000), and the zone's bytes before and after
#   (GetUsagePlans' "zone"): the bytes each tracked key takes with every
#   level;
# - instructions (when valgrind is installed and BENCH_CALLGRIND is not
#   0): the gateway alone under `valgrind --tool=callgrind`
#   (master_process off), BENCH_CALLGRIND_REQUESTS (default 2000)
#   requests per case on one keepalive connection between
#   `callgrind_control -z` and `-d`: user-space instructions per request,
#   and what a check adds.
#
# Environment (defaults in brackets): what bench/run.sh takes
# (BENCH_THREADS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_ROUNDS
# BENCH_PORT BENCH_PIN NGINX MODULE), and
#   BENCH_CASES   [mock mock_stage keyed keyed_plan keyed_all]
#   BENCH_RESULTS [bench/results/throttle.md]
#   THROTTLE_KEYS [1000]  BENCH_CALLGRIND [1]  BENCH_CALLGRIND_REQUESTS [2000]
#
# Exit status: 0 whenever the benchmark ran (the targets, mock_stage and
# keyed_plan >= 97 % of the same method without limits, are reported as
# PASS/MISS; keyed_all has none); 1 when it could not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
RESULTS=${BENCH_RESULTS:-$TOP/bench/results/throttle.md}
CALLGRIND=${BENCH_CALLGRIND:-1}
CG_REQUESTS=${BENCH_CALLGRIND_REQUESTS:-2000}
TITLE="apigw throttling benchmark results"

DEFAULT_CASES="mock mock_stage keyed keyed_plan keyed_all"

# the target: throttling and a quota on >= 97 % of the same method off
declare -A BASELINE=([mock_stage]=mock [keyed_plan]=keyed [keyed_all]=keyed)
declare -A TARGET=([mock_stage]=97 [keyed_plan]=97)

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }
[[ $CG_REQUESTS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_CALLGRIND_REQUESTS must be a number" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/measure.sh
. "$TOP/bench/measure.sh"

USAGE="http://127.0.0.1:$BARE_PORT/usageplans"

# the gateway under callgrind, if any, stops with the others
shopt -s nullglob
cg_cleanup() {
    local rc=$?
    stop_nginx "$SERVROOT/gateway-cg/logs/nginx.pid"
    (exit "$rc")
    cleanup
}
trap cg_cleanup EXIT

# a figure of the zone, from GetUsagePlans
zone_figure() {
    curl -s "$USAGE" | sed -n "s/.*\"zone\":{.*\"$1\":\([0-9]*\).*/\1/p"
}

# curl's config for N requests of a case on one connection; with KEYS,
# each with another key of the plan (1 to N)
curl_config() {
    local c=$1 n=$2 keys=${3:-} i
    for i in $(seq 1 "$n"); do
        echo "url = \"${URL[$c]}\""
        echo "output = /dev/null"
        if [ -n "$keys" ]; then
            printf 'header = "x-api-key: bench-key-%05d-0123456789abcdef"\n' \
                "$i"
            echo 'write-out = "%{http_code}\n"'
        elif [ -n "${HEADER[$c]:-}" ]; then
            echo "header = \"${HEADER[$c]}\""
        fi
        if [ "$i" -lt "$n" ]; then
            echo "next"
        fi
    done
}


# --- requests/s -------------------------------------------------------------------

ORDER=()
for c in mock mock_stage keyed keyed_plan keyed_all; do
    for k in "${CASES[@]}"; do
        [ "$k" = "$c" ] && ORDER+=("$c")
    done
done

# the gateway worker's user and system CPU (clock ticks): how much of a
# request's CPU is the module's code at all
user_sys() {
    awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$GW_WORKER/stat"
}
us0=$(user_sys)

run_rounds
check_logs

us1=$(user_sys)
USER_SHARE=$(awk -v a="$us0" -v b="$us1" 'BEGIN {
    split(a, x, " "); split(b, y, " ");
    u = y[1] - x[1]; s = y[2] - x[2];
    printf "%.0f", (u + s > 0) ? 100 * u / (u + s) : 0 }')


# --- memory: each of the plan's other keys once --------------------------------

MEMORY=
if [[ " ${CASES[*]} " == *" keyed_all "* ]]; then
    n=$((THROTTLE_KEYS - 1))
    b0=$(zone_figure bytes)
    q0=$(zone_figure quotas)
    k0=$(zone_figure buckets)
    curl_config keyed_all "$n" keys > "$SERVROOT/keys.curl"
    curl -s -K "$SERVROOT/keys.curl" | sort | uniq -c \
        > "$SERVROOT/keys.codes"
    [ "$(wc -l < "$SERVROOT/keys.codes")" = 1 ] \
        && grep -qx " *$n 200" "$SERVROOT/keys.codes" \
        || die "memory: not every key was answered 200: $(cat "$SERVROOT/keys.codes")"
    b1=$(zone_figure bytes)
    q1=$(zone_figure quotas)
    k1=$(zone_figure buckets)
    MEMORY="$n keys more tracked: the zone went from $b0 to $b1 bytes"
    MEMORY+=" ($((q1 - q0)) quotas, $((k1 - k0)) buckets more):"
    MEMORY+=" $(( (b1 - b0) / n )) bytes per key"
    echo "bench: memory: $MEMORY"
fi


# --- instructions: the gateway under callgrind ---------------------------------

declare -A IR=()
CG_NOTE=
if [ "$CALLGRIND" != 0 ] && command -v valgrind >/dev/null \
   && command -v callgrind_control >/dev/null
then
    stop_nginx "$SERVROOT/gateway/logs/nginx.pid"
    for _ in $(seq 1 50); do
        port_busy "$GW_PORT" || break
        sleep 0.1
    done

    cg=$SERVROOT/gateway-cg
    mkdir -p "$cg/logs"
    sed -e 's/^daemon on;/daemon off;/' \
        -e 's/^master_process on;/master_process off;/' \
        -e "s|$SERVROOT/gateway/logs|$cg/logs|g" \
        -e '/worker_cpu_affinity/d' \
        "$SERVROOT/gateway/conf/nginx.conf" > "$cg/nginx.conf"

    valgrind --tool=callgrind --callgrind-out-file="$cg/callgrind.out" \
        "$NGINX" -p "$cg/" -e "$cg/logs/error.log" -c "$cg/nginx.conf" \
        > "$cg/valgrind.log" 2>&1 &
    cg_pid=$!

    for _ in $(seq 1 300); do
        port_busy "$GW_PORT" && break
        sleep 0.1
    done
    port_busy "$GW_PORT" || die "callgrind: the gateway did not start"

    for c in "${ORDER[@]}"; do
        curl_config "$c" 200 > "$cg/warm.curl"
        curl_config "$c" "$CG_REQUESTS" > "$cg/$c.curl"
        curl -s -K "$cg/warm.curl" > /dev/null
        callgrind_control -z "$cg_pid" > /dev/null
        curl -s -K "$cg/$c.curl" > /dev/null
        dumps=("$cg"/callgrind.out.*)
        callgrind_control -d "$c" "$cg_pid" > /dev/null
        for _ in $(seq 1 100); do
            now=("$cg"/callgrind.out.*)
            [ "${#now[@]}" -gt "${#dumps[@]}" ] && break
            sleep 0.1
        done
        dump=$(ls -t "$cg"/callgrind.out.* | head -1)
        total=$(awk '/^(summary|totals):/ { print $2; exit }' "$dump")
        [ -n "$total" ] || die "callgrind: no total in $dump"
        IR[$c]=$(( total / CG_REQUESTS ))
        echo "bench: callgrind: $c: ${IR[$c]} instructions per request"
    done

    kill -QUIT "$cg_pid" 2>/dev/null || true
    wait "$cg_pid" 2>/dev/null || true
else
    CG_NOTE="(callgrind skipped: valgrind not installed or BENCH_CALLGRIND=0)"
fi


# --- report ------------------------------------------------------------------------

# the ratio of each pair within each round (the two ran side by side),
# and its median: steadier than the ratio of the medians when other
# processes come and go between rounds
pair_medians() {
    local c base ratios
    for c in "${ORDER[@]}"; do
        base=${BASELINE[$c]:-}
        [ -n "$base" ] && [ -n "${RPS[$base]:-}" ] || continue
        ratios=$(awk -v a="${RPS[$c]}" -v b="${RPS[$base]}" 'BEGIN {
            n = split(a, x, " "); split(b, y, " ");
            for (i = 1; i <= n; i++) printf "%.1f ", 100 * x[i] / y[i] }')
        # shellcheck disable=SC2086
        echo "- ${LABEL[$c]} against ${LABEL[$base]}: median of the" \
             "rounds' ratios $(median $ratios)%${TARGET[$c]:+ (target >= ${TARGET[$c]}%)}"
    done
}

table=$(
    report
    echo
    echo "Ratios within each round, median over the rounds:"
    echo
    pair_medians
    echo
    echo "The gateway worker's CPU time during the rounds: $USER_SHARE %" \
         "user space, the rest the kernel's."
    echo
    if [ -n "$MEMORY" ]; then
        echo "Memory per tracked key (GetUsagePlans' zone figures): $MEMORY."
        echo
    fi
    if [ -n "$CG_NOTE" ]; then
        echo "$CG_NOTE"
    else
        echo "User-space instructions per request (callgrind, $CG_REQUESTS" \
             "requests per case on one keepalive connection):"
        echo
        echo "| case | instructions/request | more than its baseline |"
        echo "|---|---:|---:|"
        for c in "${ORDER[@]}"; do
            base=${BASELINE[$c]:-}
            more=
            if [ -n "$base" ] && [ -n "${IR[$base]:-}" ]; then
                more="+$(( IR[$c] - IR[$base] ))"
            fi
            echo "| ${LABEL[$c]} | ${IR[$c]} | $more |"
        done
    fi
)
echo
echo "$table"

write_results "$RESULTS" "$table"

exit 0
