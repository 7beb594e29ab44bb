#!/usr/bin/env bash
#
# Benchmark of authorization: requests/s of a method behind an authorizer
# against the same method without authorization.  Run by
# `make bench-auth`; see bench/README.md.
#
#   auth_none    GET /dev/none: a MOCK method, no authorization (baseline)
#   auth_lambda  GET /dev/lambda: the same MOCK method behind a Lambda
#                TOKEN authorizer (apigw_authorizer ... token ttl=300),
#                every request with the same token: after the first call
#                of the function (the backend nginx answers its Invoke API
#                with a fixed IAM policy) every request is authorized from
#                the shared-memory cache, its policy evaluated again for
#                the method ARN, as AWS does.  Target: >= 90 % of
#                auth_none.
#
# A MOCK method is the strictest baseline: nothing else costs time, so the
# authorizer's share is the largest it can be.
#
# Environment: what bench/run.sh takes (BENCH_THREADS BENCH_CONNECTIONS
# BENCH_DURATION BENCH_WARMUP BENCH_ROUNDS BENCH_PORT BENCH_PIN NGINX
# MODULE), BENCH_CASES [auth_none auth_lambda],
# BENCH_RESULTS [bench/results/auth.md].
#
# Exit status: 0 whenever the benchmark ran, whatever the numbers (the
# targets are reported as PASS/MISS); 1 only when it could not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
RESULTS=${BENCH_RESULTS:-$TOP/bench/results/auth.md}
TITLE="apigw authorization benchmark results"
DEFAULT_CASES="auth_none auth_lambda"

# the issue's targets: case => baseline, minimum percentage
declare -A BASELINE=()
declare -A TARGET=()

# the cached Lambda authorizer
lambda_authorizer_case() {
    BASELINE[auth_lambda]=auth_none
    TARGET[auth_lambda]=90
}

lambda_authorizer_case

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/measure.sh
. "$TOP/bench/measure.sh"

# the authorizer must deny what its policy does not allow, and a request
# without a token, before anything is measured
if [[ " ${CASES[*]} " == *" auth_lambda "* ]]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' "${URL[auth_lambda]}") \
        || true
    [ "$code" = 401 ] \
        || die "case auth_lambda: a request without a token answered $code"
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
           -H "${HEADER[auth_lambda]}" "${URL[auth_lambda]}") || true
    [ "$code" = 403 ] || [ "$code" = 405 ] \
        || die "case auth_lambda: a POST answered $code"
fi

# each case right after its baseline
ORDER=()
for c in auth_none auth_lambda; do
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
