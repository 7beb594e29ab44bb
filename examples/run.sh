#!/usr/bin/env bash
# Runs the example gateway in the foreground on 127.0.0.1:8080 with
# Debian's own nginx and the module built by "make build".
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
module=${APIGW_MODULE:-$top/build/nginx/objs/ngx_http_apigw_module.so}
nginx=${NGINX_BIN:-/usr/sbin/nginx}
example=${1:-$top/examples/petstore.conf}
prefix=$top/build/run

mkdir -p "$prefix/conf" "$prefix/logs" "$prefix/tmp"

cat > "$prefix/conf/nginx.conf" <<CONF
load_module $module;
worker_processes 1;
error_log stderr notice;
pid $prefix/logs/nginx.pid;
$( [ "$(id -u)" = 0 ] && echo "user root;" )

events { worker_connections 1024; }

http {
    access_log $prefix/logs/access.log;
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;

    include $example;
}
CONF

"$nginx" -p "$prefix" -c "$prefix/conf/nginx.conf" -t

# the local Lambda runtime for examples/lambda/*.py, stopped with us
python3=$(command -v /usr/bin/python3 || command -v python3)
"$python3" "$top/tools/lambda_runtime.py" --listen 127.0.0.1:9001 \
    --dir "$top/examples/lambda" > "$prefix/logs/lambda.out" \
    2> "$prefix/logs/lambda.log" &
runtime=$!
trap 'kill $runtime 2>/dev/null' EXIT INT TERM

for _ in $(seq 100); do
    grep -q '^listening' "$prefix/logs/lambda.out" 2>/dev/null && break
    sleep 0.1
done

cat <<'HELP'

The PetStore API is up on http://127.0.0.1:8080 (Ctrl-C stops it). Try:

  curl -i http://127.0.0.1:8080/dev/hello        # Hello from Lambda!
  curl -i http://127.0.0.1:8080/dev/pets
  curl -i http://127.0.0.1:8080/prod/pets/2
  curl -i -X POST http://127.0.0.1:8080/dev/pets -d '{"type":"dog"}'
  curl -i http://127.0.0.1:8080/dev/files/docs/readme.txt
  curl -i -X OPTIONS http://127.0.0.1:8080/dev/pets
  curl -i http://127.0.0.1:8080/dev/unknown      # 403 Missing Authentication Token
  curl -i http://127.0.0.1:8080/test/pets        # 403 Forbidden: no such stage

HELP

"$nginx" -p "$prefix" -c "$prefix/conf/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
trap 'kill $runtime $nginx_pid 2>/dev/null; wait' EXIT INT TERM
wait $nginx_pid
