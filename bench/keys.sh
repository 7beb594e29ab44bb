#!/usr/bin/env bash
#
# How long nginx takes to load API keys (apigw_api_keys, AWS's CSV import
# format) and how much memory they take: `nginx -t` on a configuration
# with BENCH_KEYS keys (default 1,000,000) against the same configuration
# with one key.  Run by `make bench-keys`; prints a Markdown table and
# writes it to bench/results/keys.md.
#
# Environment: BENCH_KEYS [1000000]  NGINX [/usr/sbin/nginx]
#              MODULE [build/nginx/objs/ngx_http_apigw_module.so]

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${BENCH_KEYS:-1000000}
NGINX_BIN=${NGINX:-/usr/sbin/nginx}
export -n NGINX
MODULE=${MODULE:-$TOP/build/nginx/objs/ngx_http_apigw_module.so}
RESULTS=$TOP/bench/results/keys.md

[ -f "$MODULE" ] || { echo "bench: $MODULE not found (make build)" >&2; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/apigw-keys.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
mkdir -p "$DIR/logs"

# N distinct 40-character keys, and a file of one
python3 - "$DIR/keys.csv" "$N" <<'PY'
import hashlib, sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, 'w') as f:
    f.write('Name,Key,Description,Enabled,UsagePlanIds\n')
    for i in range(n):
        key = hashlib.sha1(b'key-%d' % i).hexdigest()
        f.write('user-%d,%s,,true,plan-a\n' % (i, key))
PY
head -2 "$DIR/keys.csv" > "$DIR/one.csv"

conf() {
    cat <<CONF
load_module $MODULE;
error_log $DIR/logs/error.log;
pid $DIR/logs/nginx.pid;
events {}
http {
    client_body_temp_path $DIR/b;
    server {
        listen 127.0.0.1:18999;
        apigw_api bench;
        apigw_stage dev {}
        apigw_api_keys $1;
        location /a {
            apigw_resource /a;
            apigw_api_key_required on;
            apigw_method GET { apigw_integration mock; }
        }
    }
}
CONF
}

measure() {   # prints: seconds max-RSS-KB
    local csv=$1 out
    conf "$csv" > "$DIR/nginx.conf"
    if [ -x /usr/bin/time ]; then
        out=$( { /usr/bin/time -f '%e %M' "$NGINX_BIN" -p "$DIR" \
                 -c "$DIR/nginx.conf" -t -q; } 2>&1 | tail -1)
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$NGINX_BIN" -p "$DIR" -c "$DIR/nginx.conf" -t -q
        t1=$(date +%s.%N)
        out="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') ?"
    fi
    echo "$out"
}

read -r t1 m1 <<< "$(measure "$DIR/one.csv")"
read -r tn mn <<< "$(measure "$DIR/keys.csv")"

size=$(stat -c %s "$DIR/keys.csv")
per_key=$(awk -v a="$m1" -v b="$mn" -v n="$N" \
          'BEGIN { if (a == "?" || b == "?") print "?";
                   else printf "%.0f", (b - a) * 1024 / n }')

mkdir -p "$(dirname "$RESULTS")"
{
    echo "# API key loading"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); $(nproc) CPUs"
    echo "- file: $N keys of 40 characters, $((size / 1024 / 1024)) MB of CSV"
    echo
    echo "| keys | nginx -t time | max RSS |"
    echo "|---:|---:|---:|"
    echo "| 1 | ${t1} s | ${m1} KB |"
    echo "| $N | ${tn} s | ${mn} KB |"
    echo
    echo "Memory per key (RSS difference / keys): ${per_key} bytes."
} | tee "$RESULTS"
