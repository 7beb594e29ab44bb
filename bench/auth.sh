#!/usr/bin/env bash
#
# Benchmark of authorization: requests/s of a method behind an authorizer
# against the same method without authorization.  Run by
# `make bench-auth`; see bench/README.md.
#
#   mock              GET /dev/mock, MOCK "hello", no authorization
#   mock_lambda_auth  GET /dev/lambda, the same behind a Lambda TOKEN
#                     authorizer (ttl=300), every request with the same
#                     token: after the first call of the function (the
#                     backend nginx answers its Invoke API with a fixed
#                     IAM policy) every request is authorized from the
#                     cache, the policy evaluated again for the method
#                     ARN, as AWS does                  target >= 90 %
#
# Same gateway and pinning as bench/run.sh (one worker on CPU 0, wrk on
# CPU 1), same rounds (bench/measure.sh: warm-up, measured run, every
# other round backwards, medians).
#
# Environment (defaults in brackets): what bench/run.sh takes
# (BENCH_THREADS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_ROUNDS
# BENCH_PORT BENCH_PIN NGINX MODULE), BENCH_CASES [mock mock_lambda_auth],
# BENCH_RESULTS [bench/results/auth.md].
#
# Exit status: 0 whenever the benchmark ran, whatever the numbers (targets
# are reported as PASS/MISS); 1 only when it could not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
RESULTS=${BENCH_RESULTS:-$TOP/bench/results/auth.md}
DEFAULT_CASES="mock"

declare -A BASELINE=()
declare -A TARGET=()
ALL_CASES=(mock)
TITLE="apigw authorization benchmark results"

# the cached Lambda authorizer: MOCK behind it, against MOCK
lambda_authorizer_case() {
    DEFAULT_CASES+=" mock_lambda_auth"
    ALL_CASES+=(mock_lambda_auth)
    BASELINE[mock_lambda_auth]=mock
    TARGET[mock_lambda_auth]=90
}

lambda_authorizer_case

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/measure.sh
. "$TOP/bench/measure.sh"

# the authorizer's policy allows GET only: a POST with the token is denied
if [[ " ${CASES[*]} " == *" mock_lambda_auth "* ]]; then
    out=$(curl -s -w ' %{http_code}' -X POST \
          -H "${HEADER[mock_lambda_auth]}" "${URL[mock_lambda_auth]}") \
        || true
    want='{"Message":"User is not authorized to access this resource"} 403'
    [ "$out" = "$want" ] \
        || die "case mock_lambda_auth: a POST with the token answered '$out'"
fi

# each case right after its baseline
ORDER=()
for c in "${ALL_CASES[@]}"; do
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
