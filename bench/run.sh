#!/usr/bin/env bash
#
# Benchmarks: the apigw module against bare nginx, in one run, with the same
# wrk parameters for every case.  Run by `make bench`; see bench/README.md.
#
#   case 1  return-200   bare nginx `return 200 "hello"` (no apigw directives)
#   case 2  proxy_pass   bare nginx proxy_pass to the backend (keepalive)
#   case 3  MOCK         apigw MOCK integration, body "hello"   (GET /dev/mock)
#   case 4  HTTP_PROXY   apigw HTTP_PROXY to the same backend   (GET /dev/proxy)
#
# The four cases are served by ONE gateway nginx (one worker, the module
# loaded): the bare cases on one port without apigw_api, the apigw cases on
# another port.  The backend for the two proxy cases is a second nginx
# (one worker) that answers `return 200 "hello"`.
#
# Environment (defaults in brackets):
#   BENCH_THREADS [2]  BENCH_CONNECTIONS [64]  BENCH_DURATION [10s]
#   BENCH_WARMUP [2s]  BENCH_ROUNDS [3]
#   BENCH_PORT   [18480]  first of three ports (gateway apigw, gateway bare,
#                         backend); moved up if one is taken
#   BENCH_PIN    [2]   2: gateway worker on CPU 0, backend worker and wrk on
#                      CPU 1 (worker_cpu_affinity, taskset); 1: only the two
#                      workers pinned; 0: nothing pinned
#   BENCH_KEEPALIVE [max(32, BENCH_CONNECTIONS)]  idle upstream connections
#                      kept per worker: at least one per client connection,
#                      or nginx closes the surplus after every request and
#                      the proxy cases measure TCP handshakes
#   BENCH_CASES  [all] space-separated subset: return200 proxy_pass mock
#                      http_proxy
#   NGINX [/usr/sbin/nginx]  MODULE [build/nginx/objs/ngx_http_apigw_module.so]
#   BENCH_RESULTS [bench/results/latest.md]
#
# Exit status: 0 whenever the benchmark ran, whatever the numbers (targets
# are reported as PASS/MISS, not enforced); 1 only when it could not run
# (missing wrk/nginx/module, nginx failed to start, a case answered wrongly).

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
RESULTS=${BENCH_RESULTS:-$TOP/bench/results/latest.md}

# targets from the issue: case => baseline case, minimum percentage
declare -A BASELINE=([mock]=return200 [http_proxy]=proxy_pass)
declare -A TARGET=([mock]=85 [http_proxy]=90)
TITLE="apigw benchmark results"

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/measure.sh
. "$TOP/bench/measure.sh"

# the order the cases run in: each apigw case right next to its baseline,
# so a pair sees the same machine
ORDER=()
for c in return200 mock proxy_pass http_proxy; do
    for k in "${CASES[@]}"; do
        [ "$k" = "$c" ] && ORDER+=("$c")
    done
done

run_rounds
check_logs

table=$(report)
echo
echo "$table"

write_results "$RESULTS" "$table"

exit 0
