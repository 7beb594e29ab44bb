#!/usr/bin/env bash
#
# Instructions per request of the gateway worker, exact and free of
# machine noise: bench/lib.sh's two nginx, then the gateway restarted
# under `valgrind --tool=callgrind` (master_process off, in the
# foreground), N requests per case on one keepalive connection after a
# warm-up, `callgrind_control -z` / `-d` around them, and
# `callgrind_annotate` (inclusive and self) per case.  Optional, not part
# of `make bench`; counts only user-space instructions.  The raw
# profile is kept as callgrind-CASE.out, for callgrind_annotate.
#
#   bash bench/callgrind.sh                          # lambda, http_proxy
#   BENCH_CASES="mock http_proxy" bash bench/callgrind.sh
#
# Environment: what bench/lib.sh takes (BENCH_PORT, NGINX, MODULE), and
#   BENCH_CASES        [lambda http_proxy]  (a body case POSTs its body)
#   BENCH_REQUESTS     [2000] measured requests per case
#   BENCH_WARMUP_REQUESTS [200]
#   BENCH_PROFILE_DIR  [bench/results]  where callgrind-CASE.txt goes
#   BENCH_CALLGRIND_ARGS  more valgrind options, e.g. a cache simulation:
#                      "--cache-sim=yes --LL=1048576,16,64" (the PROGRAM
#                      TOTALS line then has the D1/LL misses, per request
#                      in the output)
#   BENCH_HOOKS        a file of cases sourced before bench/lib.sh, as
#                      bench/cache_cases.sh: its cases' UNIQUE[case] names a
#                      query parameter given a new value on every request
#
#   BENCH_HOOKS=bench/cache_cases.sh BENCH_CASES="uncached cache_miss" \
#       BENCH_WARMUP_REQUESTS=6000 bash bench/callgrind.sh
#                      # a miss against the uncached method, the 10 MB zone
#                      # full (evicting) before the measured requests

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

N=${BENCH_REQUESTS:-2000}
WARM=${BENCH_WARMUP_REQUESTS:-200}
OUT=${BENCH_PROFILE_DIR:-$TOP/bench/results}
export BENCH_CASES=${BENCH_CASES:-lambda http_proxy}
export BENCH_PIN=0

for t in valgrind callgrind_control callgrind_annotate; do
    command -v "$t" >/dev/null \
        || { echo "callgrind: $t not found (apt-get install valgrind)" >&2
             exit 1; }
done

declare -A UNIQUE=()
if [ -n "${BENCH_HOOKS:-}" ]; then
    # shellcheck disable=SC1090
    . "$BENCH_HOOKS"
fi

# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"

# the daemon gateway lib.sh started gives way to one under callgrind
GW=$SERVROOT/gateway
stop_nginx "$GW/logs/nginx.pid"
for _ in $(seq 1 50); do
    port_busy "$GW_PORT" || break
    sleep 0.1
done
sed -i -e 's/^daemon on;/daemon off;/' \
       -e 's/^master_process on;/master_process off;/' \
       "$GW/conf/nginx.conf"

# shellcheck disable=SC2086
valgrind --tool=callgrind --callgrind-out-file="$SERVROOT/callgrind.%p" \
    ${BENCH_CALLGRIND_ARGS:-} \
    "$NGINX" -p "$GW/" -e "$GW/logs/error.log" -c "$GW/conf/nginx.conf" \
    > "$SERVROOT/valgrind.log" 2>&1 &
VG_PID=$!

stop_vg() {
    kill -QUIT "$VG_PID" 2>/dev/null || true
    wait "$VG_PID" 2>/dev/null || true
}
trap 'rc=$?; stop_vg; (exit $rc); cleanup' EXIT

for _ in $(seq 1 300); do
    port_busy "$GW_PORT" && break
    sleep 0.1
done
port_busy "$GW_PORT" || die "gateway under valgrind did not start"

# N requests of case C on one connection: requests C N; a case with a
# UNIQUE parameter sends a value no earlier request of the run sent
RUN=0
requests() {
    local c=$1 n=$2 cfg=$SERVROOT/curl.cfg url=${URL[$1]}
    RUN=$((RUN + 1))
    : > "$cfg"
    for i in $(seq 1 "$n"); do
        [ -z "${UNIQUE[$c]:-}" ] \
            || url="${URL[$c]}?${UNIQUE[$c]}=cg-$$-$RUN-$i"
        if [ -n "${BODY[$c]:-}" ]; then
            [ "$i" = 1 ] || echo "next"
            echo "data-binary = \"@${BODY[$c]}\""
            echo "header = \"Content-Type: application/json\""
        fi
        echo "url = \"$url\""
        echo "output = /dev/null"
    done >> "$cfg"
    curl -s -K "$cfg" || die "curl failed on ${URL[$c]}"
}

mkdir -p "$OUT"

for c in "${CASES[@]}"; do
    requests "$c" "$WARM"
    callgrind_control -z "$VG_PID" > /dev/null 2>&1
    requests "$c" "$N"
    callgrind_control -d "$c" "$VG_PID" > /dev/null 2>&1
    sleep 1
    f=$(ls -t "$SERVROOT"/callgrind."$VG_PID".* | head -1)
    total=$(callgrind_annotate "$f" 2>/dev/null \
            | awk '/PROGRAM TOTALS/ { gsub(/,/, "", $1); print $1 }')
    {
        echo "# callgrind of the gateway worker: $c (${URL[$c]})"
        echo "# $N requests on one connection after $WARM of warm-up;" \
             "$((total / N)) instructions per request"
        echo
        echo "## inclusive"
        callgrind_annotate --inclusive=yes --threshold=99.5 "$f" 2>/dev/null
        echo
        echo "## self"
        # after -z, the frames on the stack at the time (main and below)
        # show as 100 % self and would end a --threshold=99 list at once:
        # the whole list without them, its first 60 functions
        callgrind_annotate --inclusive=no --threshold=100 "$f" 2>/dev/null \
            | awk '(!/\(100\.0%\)/ || /PROGRAM TOTALS/) && n++ < 80'
    } > "$OUT/callgrind-$c.txt"
    cp "$f" "$OUT/callgrind-$c.out"
    echo "callgrind: $c: $((total / N)) instructions per request" \
         "($OUT/callgrind-$c.txt)"
    # with a cache simulation: every event of the totals, per request
    callgrind_annotate "$f" 2>/dev/null \
        | awk -v n="$N" '/^Events shown/ { for (i = 3; i <= NF; i++) ev[i - 2] = $i }
              /PROGRAM TOTALS/ && ev[2] != "" {
                  s = "callgrind: per request:"
                  for (i = 1; ev[i] != ""; i++) {
                      v = $(2 * i - 1); gsub(/,/, "", v)
                      s = s sprintf(" %s %.1f", ev[i], v / n)
                  }
                  print s
              }' 
done
