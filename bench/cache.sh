#!/usr/bin/env bash
#
# Benchmark of the response cache (issue 7): a cache hit against bare
# nginx returning the same 1 KB body, and a cache miss against the same
# method without a cache.  Standalone (it does not source bench/lib.sh),
# in the same style as bench/run.sh; see docs/performance.md,
# "Response cache".
#
#   case 1  return200    bare nginx `return 200` of a 1 KB body
#   case 2  cache_hit    apigw HTTP_PROXY with a stage cache, every request
#                        a hit (GET /prod/item)
#   case 3  uncached     apigw HTTP_PROXY to a backend answering the same
#                        1 KB, no cache (GET /dev/item?k=UNIQUE)
#   case 4  cache_miss   the same method in a stage with a cache, a new key
#                        per request (GET /prod/item?k=UNIQUE; the key is
#                        the query parameter k), so every request misses,
#                        stores its answer and, once the zone is full,
#                        evicts the oldest entry
#
# Cases 3 and 4 send a unique query string per request (a wrk Lua script),
# both of them, so they differ only in the cache.  One gateway nginx (one
# worker) serves every case; the backend is a second nginx (one worker).
#
# Environment (defaults in brackets):
#   BENCH_THREADS [2]  BENCH_CONNECTIONS [64]  BENCH_DURATION [10s]
#   BENCH_WARMUP [2s]  BENCH_ROUNDS [3]
#   BENCH_PORT   [18580]  first of three ports; moved up if one is taken
#   BENCH_PIN    [2]   2: gateway worker on CPU 0, backend worker and wrk on
#                      CPU 1; 1: only the two workers pinned; 0: nothing
#   BENCH_CACHE_SIZE [10m]  the stage cache's size
#   NGINX_BIN [/usr/sbin/nginx]  MODULE [build/nginx/objs/...so]
#   BENCH_RESULTS [bench/results/cache.md]
#
# Exit status: 0 whenever the benchmark ran (targets are reported as
# PASS/MISS, not enforced); 1 when it could not run.

# shellcheck disable=SC2016,SC2317
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
MODULE=${MODULE:-$TOP/build/nginx/objs/ngx_http_apigw_module.so}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
PORT=${BENCH_PORT:-18580}
PIN=${BENCH_PIN:-2}
CACHE_SIZE=${BENCH_CACHE_SIZE:-10m}
RESULTS=${BENCH_RESULTS:-$TOP/bench/results/cache.md}
KEEPALIVE=$(( CONNS > 32 ? CONNS : 32 ))

# nginx reads an environment variable NGINX as inherited sockets
export -n NGINX 2>/dev/null || true
unset NGINX

CASES=(return200 cache_hit uncached cache_miss)

declare -A LABEL=(
    [return200]='bare nginx `return 200` (1 KB)'
    [cache_hit]='apigw cache hit (1 KB)'
    [uncached]='apigw HTTP_PROXY, no cache'
    [cache_miss]='apigw HTTP_PROXY, cache miss'
)

# targets of the issue: case => baseline, minimum percentage
declare -A BASELINE=([cache_hit]=return200 [cache_miss]=uncached)
declare -A TARGET=([cache_hit]=80 [cache_miss]=95)

die() { echo "bench: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
command -v curl >/dev/null || die "curl not found"
[ -x "$NGINX_BIN" ] || die "$NGINX_BIN not found"
[ -f "$MODULE" ] || die "$MODULE not found (run: make build)"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer"


# --- ports, servroot, cleanup ----------------------------------------------------

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

for _ in $(seq 1 50); do
    if ! port_busy "$PORT" && ! port_busy $((PORT + 1)) \
       && ! port_busy $((PORT + 2))
    then
        break
    fi
    PORT=$((PORT + 10))
done
port_busy "$PORT" && die "no free ports found from ${BENCH_PORT:-18580} up"

GW_PORT=$PORT                   # apigw server
BARE_PORT=$((PORT + 1))         # bare server, same nginx
BACKEND_PORT=$((PORT + 2))      # backend nginx

SERVROOT=$(mktemp -d "${TMPDIR:-/tmp}/apigw-bench-cache.XXXXXX")
RAW=$SERVROOT/raw

stop_nginx() {
    local pidfile=$1 pid
    [ -s "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    kill -QUIT "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_nginx "$SERVROOT/gateway/logs/nginx.pid"
    stop_nginx "$SERVROOT/backend/logs/nginx.pid"
    if [ "$rc" != 0 ] && [ -d "$SERVROOT" ]; then
        for f in "$SERVROOT"/*/logs/error.log; do
            [ -s "$f" ] && { echo "--- $f"; tail -20 "$f"; } >&2
        done
    fi
    rm -rf "$SERVROOT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# a private copy of the module: others may rebuild build/ during the run
cp "$MODULE" "$SERVROOT/ngx_http_apigw_module.so" || die "cannot copy $MODULE"
MODULE_SUM=$(sha256sum "$SERVROOT/ngx_http_apigw_module.so" | cut -c1-12)

# the 1 KB body every case answers
BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')


# --- configuration ---------------------------------------------------------------

WRK=(wrk)
GW_AFFINITY=''
BACKEND_AFFINITY=''
if [ "$PIN" != 0 ] && [ "$(nproc)" -ge 2 ]; then
    GW_AFFINITY='worker_cpu_affinity 01;'
    BACKEND_AFFINITY='worker_cpu_affinity 10;'
    if [ "$PIN" = 2 ]; then
        command -v taskset >/dev/null || die "BENCH_PIN=2 needs taskset"
        WRK=(taskset -c 1 wrk)
    fi
fi

common_conf() {
    local dir=$1
    cat <<EOF
daemon on;
master_process on;
worker_processes 1;
pid $dir/logs/nginx.pid;
error_log $dir/logs/error.log warn;

events {
    worker_connections 4096;
}
EOF
}

http_common() {
    local dir=$1
    cat <<EOF
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path $dir/temp/client_body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
EOF
}

write_backend_conf() {
    local dir=$SERVROOT/backend
    mkdir -p "$dir/logs" "$dir/temp" "$dir/conf"
    {
        common_conf "$dir"
        echo "$BACKEND_AFFINITY"
        echo "http {"
        http_common "$dir"
        cat <<EOF

    server {
        listen 127.0.0.1:$BACKEND_PORT reuseport;
        location / {
            default_type application/json;
            return 200 "$BODY";
        }
    }
}
EOF
    } > "$dir/conf/nginx.conf"
}

write_gateway_conf() {
    local dir=$SERVROOT/gateway
    mkdir -p "$dir/logs" "$dir/temp" "$dir/conf"
    {
        echo "load_module $SERVROOT/ngx_http_apigw_module.so;"
        common_conf "$dir"
        echo "$GW_AFFINITY"
        echo "http {"
        http_common "$dir"
        cat <<EOF

    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive $KEEPALIVE;
        keepalive_requests 1000000;
    }

    # case 1: bare nginx, no apigw directive in this server; the admin
    # location reads the cache counters
    server {
        listen 127.0.0.1:$BARE_PORT;

        location = /item {
            default_type application/json;
            return 200 "$BODY";
        }

        location /restapis/ {
            apigw_cache_admin;
        }
    }

    # cases 2-4: one method; stage prod has a cache keyed on ?k=, dev none
    server {
        listen 127.0.0.1:$GW_PORT;

        apigw_api bench;
        apigw_stage dev {}
        apigw_stage prod { cache size=$CACHE_SIZE ttl=3600; }

        location /item {
            apigw_resource /item;
            apigw_method GET {
                apigw_integration http_proxy http://backend/item;
                apigw_cache_key method.request.querystring.k;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
            }
        }
    }
}
EOF
    } > "$dir/conf/nginx.conf"
}

start_nginx() {
    local dir=$SERVROOT/$1 port=$2
    "$NGINX_BIN" -p "$dir/" -e "$dir/logs/error.log" \
        -c "$dir/conf/nginx.conf" -t -q \
        || die "$1: configuration test failed"
    "$NGINX_BIN" -p "$dir/" -e "$dir/logs/error.log" \
        -c "$dir/conf/nginx.conf" \
        || die "$1: nginx did not start"
    for _ in $(seq 1 50); do
        port_busy "$port" && return 0
        sleep 0.1
    done
    die "$1: nothing listens on port $port"
}

# a query string per request, unique across wrk's threads and rounds
cat > "$SERVROOT/unique.lua" <<'EOF'
local counter = 1

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
end

function init(args)
    n = 0
    prefix = string.format("%d-%d-", os.time(), id)
end

function request()
    n = n + 1
    return wrk.format("GET", wrk.path .. "?k=" .. prefix .. n)
end
EOF

declare -A URL=(
    [return200]="http://127.0.0.1:$BARE_PORT/item"
    [cache_hit]="http://127.0.0.1:$GW_PORT/prod/item"
    [uncached]="http://127.0.0.1:$GW_PORT/dev/item"
    [cache_miss]="http://127.0.0.1:$GW_PORT/prod/item"
)

declare -A SCRIPT=(
    [uncached]="$SERVROOT/unique.lua"
    [cache_miss]="$SERVROOT/unique.lua"
)

write_backend_conf
write_gateway_conf
start_nginx backend "$BACKEND_PORT"
start_nginx gateway "$GW_PORT"

# every case answers the 1 KB; the hit case is a hit, the others are not
for c in "${CASES[@]}"; do
    out=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' \
          "${URL[$c]}?k=check") || true
    [ "$out" = "200 1024" ] \
        || die "case $c: ${URL[$c]} answered '$out', expected '200 1024'"
done

STATS="http://127.0.0.1:$BARE_PORT/restapis/bench/stages/prod/cache"

worker_of() {
    ps -o pid= --ppid "$(cat "$SERVROOT/$1/logs/nginx.pid")" \
        | head -1 | tr -d ' '
}
GW_WORKER=$(worker_of gateway)
BACKEND_WORKER=$(worker_of backend)
[ -n "$GW_WORKER" ] || die "gateway: no worker process"
[ -n "$BACKEND_WORKER" ] || die "backend: no worker process"

cpu_ns() {
    if [ -r "/proc/$GW_WORKER/schedstat" ]; then
        awk '{ print $1 }' "/proc/$GW_WORKER/schedstat"
    else
        awk -v hz="$(getconf CLK_TCK)" '{
            sub(/^.*\) /, "");
            printf "%.0f\n", ($12 + $13) * 1e9 / hz }' "/proc/$GW_WORKER/stat"
    fi
}

# CPU the rest of the machine used (not our two nginx workers, not our
# wrk and curl), in % of one CPU, between two snapshots "box gateway
# backend children uptime" (clock ticks)
proc_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
cpu_snapshot() {
    echo "$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)" \
         "$(proc_ticks "$GW_WORKER") $(proc_ticks "$BACKEND_WORKER")" \
         "$(awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$$/stat")" \
         "$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", $1 * hz }' \
            /proc/uptime)"
}
foreign_cpu() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        split(a, x, " "); split(b, y, " ");
        t = y[5] - x[5];
        f = (y[1] - x[1]) - (y[2] - x[2]) - (y[3] - x[3]) - (y[4] - x[4]);
        printf "%.0f", (t > 0 && f > 0) ? 100 * f / t : 0 }'
}


# --- measuring -------------------------------------------------------------

to_us() {
    awk -v t="$1" 'BEGIN {
        n = t + 0; u = t; sub(/^[0-9.]+/, "", u);
        f = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 \
          : (u == "m") ? 60000000 : -1;
        if (f < 0) { print "nan"; exit }
        printf "%.0f\n", n * f }'
}

fmt_ms() {
    awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'
}

median() {
    printf '%s\n' "$@" | sort -g | awk '
        { v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2];
              else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

pct() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'
}

# a counter of the prod stage's cache
counter() {
    curl -s "$STATS" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

declare -A RPS P50 P99 CPU ERRS HITS MISSES

run_case() {
    local c=$1 round=$2 log rps p50 p99 non2xx sockerr cpu0 cpu1 reqs cpu
    local script=() h0 m0 h1 m1
    log=$RAW/$round-$c.txt

    if [ -n "${SCRIPT[$c]:-}" ]; then
        script=(-s "${SCRIPT[$c]}")
    fi

    "${WRK[@]}" -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${script[@]}" \
        "${URL[$c]}" > /dev/null
    h0=$(counter hits)
    m0=$(counter misses)
    cpu0=$(cpu_ns)
    "${WRK[@]}" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency \
        "${script[@]}" "${URL[$c]}" > "$log"
    cpu1=$(cpu_ns)
    h1=$(counter hits)
    m1=$(counter misses)

    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$log")
    p50=$(awk '/^ +50% / { print $2 }' "$log")
    p99=$(awk '/^ +99% / { print $2 }' "$log")
    reqs=$(awk '/ requests in / { print $1 }' "$log")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$log")
    sockerr=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' \
              "$log")

    if [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ] || [ -z "$reqs" ]; then
        die "case $c: could not parse wrk output:
$(cat "$log")"
    fi

    cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$reqs" \
          'BEGIN { printf "%.2f", (n > 0 ? (b - a) / n / 1000 : 0) }')

    RPS[$c]+="$rps "
    CPU[$c]+="$cpu "
    P50[$c]+="$(to_us "$p50") "
    P99[$c]+="$(to_us "$p99") "
    HITS[$c]+="$((h1 - h0)) "
    MISSES[$c]+="$((m1 - m0)) "
    if [ -n "$non2xx" ] || [ -n "$sockerr" ]; then
        ERRS[$c]+="round $round: ${non2xx:+non-2xx $non2xx }${sockerr:+socket errors $sockerr}; "
    fi

    printf '  round %d  %-11s %9s req/s  p50 %-9s p99 %-9s %6s us CPU/req' \
        "$round" "$c" "$rps" "$p50" "$p99" "$cpu"
    printf '  cache: %s hits, %s misses\n' "$((h1 - h0))" "$((m1 - m0))"
}

mkdir -p "$RAW"

started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# is the machine quiet? what other processes use, over one second
snap=$(cpu_snapshot)
sleep 1
foreign_before=$(foreign_cpu "$snap" "$(cpu_snapshot)")
if [ "$foreign_before" -ge 20 ]; then
    echo "bench: other processes use ${foreign_before}% of a CPU;" \
         "the results will be noisy" >&2
fi

snap_start=$(cpu_snapshot)

# pairs side by side; every other round backwards
ORDER=(return200 cache_hit uncached cache_miss)

for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then
        order=("${ORDER[@]}")
    else
        order=()
        for ((i = ${#ORDER[@]} - 1; i >= 0; i--)); do
            order+=("${ORDER[$i]}")
        done
    fi
    for c in "${order[@]}"; do
        run_case "$c" "$round"
    done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
foreign_during=$(foreign_cpu "$snap_start" "$(cpu_snapshot)")
stats_end=$(curl -s "$STATS")


# --- report ----------------------------------------------------------------

for f in "$SERVROOT"/*/logs/error.log; do
    if grep -q '\[\(warn\|error\|crit\|alert\|emerg\)\]' "$f"; then
        echo "bench: warnings in $f:" >&2
        grep '\[\(warn\|error\|crit\|alert\|emerg\)\]' "$f" | tail -5 >&2
    fi
done

report() {
    local c base rps cpu pr pc verdict pairs rounds model
    model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

    echo "# apigw response cache benchmark"
    echo
    echo "- date: $started"
    echo "- machine: $(nproc) CPUs${model:+, $model}; $(uname -sr)"
    echo "- nginx: $("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: //')," \
         "gateway and backend 1 worker each (BENCH_PIN=$PIN)"
    echo "- module: ${MODULE#"$TOP"/} (sha256 $MODULE_SUM...)"
    echo "- load: \`wrk -t$THREADS -c$CONNS -d$DURATION --latency\`" \
         "after a $WARMUP warm-up, per case; $ROUNDS rounds; medians shown"
    echo "- stage cache: size=$CACHE_SIZE; at the end: $stats_end"
    echo "- load average before/after: $load_before / $load_after;" \
         "CPU used by other processes: ${foreign_before}% of one CPU" \
         "just before, ${foreign_during}% on average during the run" \
         "$([ "$foreign_during" -ge 20 ] && echo '(**noisy run**)')"
    echo
    echo "| case | req/s (median) | p50 | p99 | % of its baseline" \
         "| gateway CPU/req | cache hits/misses (median) | req/s per round |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    for c in "${CASES[@]}"; do
        # shellcheck disable=SC2086
        rps=$(median ${RPS[$c]})
        # shellcheck disable=SC2086
        cpu=$(median ${CPU[$c]})
        base=${BASELINE[$c]:-}
        if [ -n "$base" ]; then
            # shellcheck disable=SC2086
            pr="$(pct "$rps" "$(median ${RPS[$base]})")%"
        else
            pr="(baseline)"
        fi
        rounds=${RPS[$c]% }
        # shellcheck disable=SC2086
        printf '| %s | %.0f | %s | %s | %s | %s us | %.0f / %.0f | %s |\n' \
            "${LABEL[$c]}" "$rps" "$(fmt_ms "$(median ${P50[$c]})")" \
            "$(fmt_ms "$(median ${P99[$c]})")" "$pr" "$cpu" \
            "$(median ${HITS[$c]})" "$(median ${MISSES[$c]})" \
            "${rounds// /, }"
    done
    echo
    echo "Targets (req/s medians; the CPU ratio is the baseline's gateway" \
         "CPU per request over the case's):"
    echo
    for c in cache_hit cache_miss; do
        base=${BASELINE[$c]}
        # shellcheck disable=SC2086
        pr=$(pct "$(median ${RPS[$c]})" "$(median ${RPS[$base]})")
        # shellcheck disable=SC2086
        pc=$(pct "$(median ${CPU[$base]})" "$(median ${CPU[$c]})")
        verdict=$(awk -v p="$pr" -v t="${TARGET[$c]}" \
                  'BEGIN { print (p >= t) ? "PASS" : "MISS" }')
        pairs=$(awk -v a="${RPS[$c]}" -v b="${RPS[$base]}" 'BEGIN {
            n = split(a, x, " "); split(b, y, " ");
            for (i = 1; i <= n; i++)
                printf "%s%.0f%%", (i > 1 ? ", " : ""), 100 * x[i] / y[i] }')
        echo "- $verdict: ${LABEL[$c]} at $pr% of ${LABEL[$base]}" \
             "(target >= ${TARGET[$c]}%); per round: $pairs;" \
             "CPU ratio $pc%"
    done
    for c in "${CASES[@]}"; do
        if [ -n "${ERRS[$c]:-}" ]; then
            echo "- errors in ${LABEL[$c]}: ${ERRS[$c]}"
        fi
    done
    return 0
}

table=$(report)
echo
echo "$table"

mkdir -p "$(dirname "$RESULTS")"
{
    echo "$table"
    echo
    echo "## raw wrk output"
    for f in "$RAW"/*.txt; do
        echo
        echo "### $(basename "$f" .txt)"
        echo
        echo '```'
        cat "$f"
        echo '```'
    done
} > "$RESULTS"
echo
echo "bench: written to ${RESULTS#"$TOP"/}"

exit 0
