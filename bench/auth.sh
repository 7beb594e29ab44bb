#!/usr/bin/env bash
#
# Benchmark of authorization: requests/s of a method guarded by an API
# key and by an RS256 JWT authorizer against the same method without
# authorization.  Run by `make bench-auth`; see bench/README.md.
#
#   mock      GET /dev/mock, MOCK "hello", no authorization
#   mock_key  GET /dev/key, the same with apigw_api_key_required on and a
#             key of a file of 1,000 (x-api-key)          target >= 97 %
#   mock_jwt  GET /dev/jwt, the same with a JWT authorizer: an RS256
#             token (RSA-2048) in "Authorization: Bearer", a key set file
#                                                          target >= 80 %
#   mock_jwt_verify  the same token with the authorizer's cache of
#             verified tokens off (cache=off): every request decodes the
#             token and verifies its signature (no target: the cost of a
#             token the worker has not seen yet)
#   mock_lambda_auth  GET /dev/lambda, the same behind a Lambda TOKEN
#             authorizer (ttl=300), every request with the same token:
#             after the first call of the function (the backend nginx
#             answers its Invoke API with a fixed IAM policy) every
#             request is authorized from the cache, the policy evaluated
#             again for the method ARN, as AWS does       target >= 90 %
#
# Same gateway and pinning as bench/run.sh (one worker on CPU 0, wrk on
# CPU 1), same rounds (bench/measure.sh: warm-up, measured run, every
# other round backwards, medians).
#
# Environment (defaults in brackets): what bench/run.sh takes
# (BENCH_THREADS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_ROUNDS
# BENCH_PORT BENCH_PIN NGINX MODULE),
# BENCH_CASES [mock mock_key mock_jwt mock_jwt_verify mock_lambda_auth],
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
ALL_CASES=(mock mock_key mock_jwt mock_jwt_verify mock_lambda_auth)
DEFAULT_CASES="${ALL_CASES[*]}"

declare -A BASELINE=([mock_key]=mock [mock_jwt]=mock [mock_jwt_verify]=mock
                     [mock_lambda_auth]=mock)
declare -A TARGET=([mock_key]=97 [mock_jwt]=80 [mock_lambda_auth]=90)
TITLE="apigw authorization benchmark results"

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] \
    || { echo "bench: BENCH_ROUNDS must be a positive integer" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=bench/measure.sh
. "$TOP/bench/measure.sh"

# the Lambda authorizer's policy allows GET only: a POST with the token is
# denied
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
