# shellcheck shell=bash disable=SC2016,SC2034
# Shared by bench/run.sh, bench/mapping.sh, bench/lambda.sh and
# bench/profile.sh (sourced, not run): starts the backend and gateway nginx
# described in bench/run.sh in a fresh servroot, checks every case
# answers, and stops both on exit.
#
# The JSON body cases of bench/mapping.sh (POST of ~1 KB and ~100 KB JSON
# through HTTP_PROXY, or through an HTTP integration with a request and a
# response mapping template) are configured only when BENCH_CASES (or the
# sourcing script's DEFAULT_CASES) names one of them, so the other cases
# run in exactly the configuration they always had.  So are the Lambda
# cases of bench/lambda.sh: a fixed Invoke API answer in the backend (an
# instant function, "hello"), POSTed to directly with bench/event.json or
# invoked through a lambda proxy integration of the gateway.  And the
# throttling cases of bench/throttle.sh: MOCK methods, with and without
# an API key, in stages without limits, with a stage limit, with a usage
# plan's limit and quota, and with every level (a plan of THROTTLE_KEYS
# keys).
#
# A benchmark with cases of its own (bench/cache.sh) declares their
# LABELs before sourcing this file and defines any of these functions,
# each optional, which this file calls at the right places:
#   extra_backend_locations   locations of the backend's server
#   extra_bare_locations      locations of the gateway's bare server
#   extra_gateway_server      directives and locations of the apigw server
#   extra_urls                sets URL[case] (and SCRIPT[case], a wrk Lua
#                             script for a GET case) once the ports are known
#   check_case C              checks that case C answers; returns 1 for a
#                             case it leaves to the default check
# and measure.sh's run_case calls case_started C / case_finished C ROUND
# around each measured run.
#
# The authorization cases of bench/auth.sh (MOCK with an API key, with an
# RS256 JWT) are configured only when a case names one of them too: an
# API key file and a JWT authorizer with a key set and a token made for
# the run (python3-cryptography), sent as a header (HEADER).
#
# The Lambda authorizer case of bench/auth.sh (MOCK behind a Lambda TOKEN
# authorizer whose answer, a fixed Invoke API answer of the backend, is
# cached) is configured only when a case names it too; its token is sent
# as a header (HEADER).
#
# Sets: TOP SERVROOT GW_PORT BARE_PORT BACKEND_PORT GW_WORKER BACKEND_WORKER
#       CASES URL LABEL BODY SCRIPT HEADER
# Functions: die, port_busy, wrk_case (wrk on a case, with its body),
#       cpu_ns (gateway worker CPU time in ns),
#       cpu_snapshot / foreign_cpu (CPU used by other processes)

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

NGINX=${NGINX:-/usr/sbin/nginx}
# nginx reads an environment variable NGINX as sockets inherited from a
# binary upgrade (and then does not daemonize): never pass ours on
export -n NGINX
MODULE=${MODULE:-$TOP/build/nginx/objs/ngx_http_apigw_module.so}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}
PORT=${BENCH_PORT:-18480}
PIN=${BENCH_PIN:-2}
KEEPALIVE=${BENCH_KEEPALIVE:-$(( ${BENCH_CONNECTIONS:-64} > 32 ? ${BENCH_CONNECTIONS:-64} : 32 ))}
read -ra CASES <<< \
    "${BENCH_CASES:-${DEFAULT_CASES:-return200 proxy_pass mock http_proxy}}"

declare -A LABEL
LABEL+=(
    [return200]='bare nginx `return 200`'
    [proxy_pass]='bare nginx `proxy_pass`'
    [mock]='apigw MOCK'
    [http_proxy]='apigw HTTP_PROXY'
    [http_proxy_1k]='apigw HTTP_PROXY, 1 KB'
    [mapping_1k]='apigw HTTP + templates, 1 KB'
    [http_proxy_100k]='apigw HTTP_PROXY, 100 KB'
    [mapping_100k]='apigw HTTP + templates, 100 KB'
    [hello_direct]='backend GET, direct (no gateway)'
    [invoke_direct]='Invoke API POST, direct (no gateway)'
    [lambda]='apigw Lambda proxy'
    [mock_key]='apigw MOCK, API key'
    [mock_jwt]='apigw MOCK, RS256 JWT'
    [mock_jwt_verify]='apigw MOCK, RS256 JWT, no cache'
    [mock_lambda_auth]='apigw MOCK, cached Lambda authorizer'
    [mock_stage]='apigw MOCK, stage throttle'
    [keyed]='apigw MOCK + API key'
    [keyed_plan]='apigw MOCK + API key, plan throttle + quota'
    [keyed_all]='apigw MOCK + API key, 3 buckets + quota'
)

# the JSON body cases: POSTed with bench/post.lua, answered by a static
# JSON file of about the same size (at most SIZE_BYTES) from the backend
declare -A SIZE_BYTES=([1k]=1024 [100k]=102400)
BODY_CASES=0

# the Lambda cases: the function's answer, the Invoke API's path
LAMBDA_RESULT='{"statusCode":200,"headers":{"Content-Type":"text/plain"},"body":"hello"}'
INVOKE_PATH=/2015-03-31/functions/hello/invocations
LAMBDA_CASES=0

# the authorization cases: a key of the API key file, a JWT authorizer
AUTH_CASES=0
# the Lambda authorizer case: the function's answer, an IAM policy allowing
# GET on the stage, and a context
AUTHZ_RESULT='{"principalId":"bench","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn:aws:execute-api:*:*:*/dev/GET/*"}]},"context":{"tier":"gold"}}'
AUTHZ_PATH=/2015-03-31/functions/authz/invocations
LAUTH_CASES=0
# the throttling cases: the API key wrk sends, the keys of the usage plan
THROTTLE_KEY=bench-key-00000-0123456789abcdef
THROTTLE_KEYS=${THROTTLE_KEYS:-1000}
THROTTLE_CASES=0

die() { echo "bench: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
command -v curl >/dev/null || die "curl not found"
[ -x "$NGINX" ] || die "$NGINX not found"
[ -f "$MODULE" ] || die "$MODULE not found (run: make build)"
for c in "${CASES[@]}"; do
    [ -n "${LABEL[$c]:-}" ] || die "unknown case '$c' in BENCH_CASES"
    case $c in
        http_proxy_*|mapping_*) BODY_CASES=1 ;;
        lambda|invoke_direct) LAMBDA_CASES=1 ;;
        mock_key|mock_jwt*) AUTH_CASES=1 ;;
        mock_lambda_auth) LAUTH_CASES=1 ;;
        mock_stage|keyed|keyed_plan|keyed_all) THROTTLE_CASES=1 ;;
    esac
done
if [ "$BODY_CASES" = 1 ] || [ "$LAMBDA_CASES" = 1 ] \
   || [ "$AUTH_CASES" = 1 ]
then
    command -v python3 >/dev/null \
        || die "python3 not found (makes and checks the JSON bodies)"
fi


# --- ports -----------------------------------------------------------------

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
port_busy "$PORT" && die "no free ports found from ${BENCH_PORT:-18480} up"

GW_PORT=$PORT                   # apigw server
BARE_PORT=$((PORT + 1))         # bare server, same nginx
BACKEND_PORT=$((PORT + 2))      # backend nginx


# --- servroot, cleanup ---------------------------------------------------------

SERVROOT=$(mktemp -d "${TMPDIR:-/tmp}/apigw-bench.XXXXXX")
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
cp "$MODULE" "$SERVROOT/ngx_http_apigw_module.so" \
    || die "cannot copy $MODULE"
MODULE_SUM=$(sha256sum "$SERVROOT/ngx_http_apigw_module.so" | cut -c1-12)


# --- JSON bodies and templates of the body cases ----------------------------------

# $SERVROOT/backend/html/json1k, json100k: {"customer": {..}, "note": "..",
# "items": [{"id", "name", "price", "qty", "tags", "description"}, ..]}
# of at most SIZE_BYTES bytes, as many items as fit; names hold quotes and
# slashes for $util.escapeJavaScript to escape.  The same file is the body
# wrk POSTs and the backend's answer.
make_bodies() {
    local dir=$SERVROOT/backend/html
    mkdir -p "$dir"
    python3 - "$dir" "${SIZE_BYTES[1k]}" "${SIZE_BYTES[100k]}" <<'PY'
import json, sys

out, sizes = sys.argv[1], [int(a) for a in sys.argv[2:]]
colours = ["red", "green", "blue", "black", "white"]

def item(i):
    return {"id": "item-%05d" % i,
            "name": 'Widget "%d" / %s' % (i, colours[i % 5]),
            "price": round(1.25 + (i % 97) * 0.5, 2),
            "qty": i % 7 + 1,
            "tags": [colours[i % 5], "size-%d" % (i % 3)],
            "description": "A widget for the benchmark, number %d." % i}

for size in sizes:
    doc = {"customer": {"name": 'Jane "JD" Doe', "email": "jane@example.com"},
           "note": "Leave at the door.\nRing twice.", "items": []}
    while True:
        doc["items"].append(item(len(doc["items"]) + 1))
        if len(json.dumps(doc, separators=(",", ":"))) > size:
            doc["items"].pop()
            break
    with open("%s/json%dk" % (out, size // 1024), "w") as f:
        f.write(json.dumps(doc, separators=(",", ":")))
PY
    # the backend's worker (nobody, when started as root) reads the files
    chmod go+x "$SERVROOT"
    chmod -R a+rX "$SERVROOT/backend"

    # private copies of the templates, as of the module
    mkdir -p "$SERVROOT/templates"
    cp "$TOP"/bench/templates/*.vtl "$SERVROOT/templates/" \
        || die "cannot copy bench/templates"
}

if [ "$BODY_CASES" = 1 ]; then
    make_bodies
fi

# the authorization cases: 1,000 API keys (AWS's CSV import format), an
# RSA-2048 key set and an RS256 token of its key for the JWT authorizer;
# $SERVROOT/auth/key and token hold what the requests send
make_auth() {
    local dir=$SERVROOT/auth
    mkdir -p "$dir"
    python3 - "$dir" <<'PY' || die "cannot make the keys and the token"
import base64, hashlib, json, sys, time
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

d = sys.argv[1]
with open(d + "/keys.csv", "w") as f:
    f.write("Name,Key,Description,Enabled,UsagePlanIds\n")
    for i in range(1000):
        key = hashlib.sha1(b"bench-key-%d" % i).hexdigest()
        f.write("user-%d,%s,,true,plan-a\n" % (i, key))
with open(d + "/key", "w") as f:
    f.write(hashlib.sha1(b"bench-key-500").hexdigest())

def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

k = rsa.generate_private_key(65537, 2048)
n = k.public_key().public_numbers()
jwk = {"kty": "RSA", "kid": "bench", "alg": "RS256", "use": "sig",
       "n": b64(n.n.to_bytes(256, "big")), "e": b64(n.e.to_bytes(3, "big"))}
with open(d + "/jwks.json", "w") as f:
    json.dump({"keys": [jwk]}, f)

now = int(time.time())
claims = {"iss": "https://issuer.example.com/", "aud": "bench",
          "sub": "user-1", "iat": now, "exp": now + 86400,
          "scope": "read write", "email": "jane@example.com"}
h = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "bench"}).encode())
c = b64(json.dumps(claims).encode())
sig = k.sign(("%s.%s" % (h, c)).encode(), padding.PKCS1v15(),
             hashes.SHA256())
with open(d + "/token", "w") as f:
    f.write("%s.%s.%s" % (h, c, b64(sig)))
PY
}

if [ "$AUTH_CASES" = 1 ]; then
    make_auth
fi

# the keys of the throttling cases' usage plan, AWS's import format
if [ "$THROTTLE_CASES" = 1 ]; then
    {
        echo "Name,Key,Enabled,UsagePlanIds"
        for i in $(seq 0 $((THROTTLE_KEYS - 1))); do
            printf 'k%05d,bench-key-%05d-0123456789abcdef,true,bench\n' \
                "$i" "$i"
        done
    } > "$SERVROOT/keys.csv"
fi

# the event wrk POSTs to the Invoke API directly: a private copy
if [ "$LAMBDA_CASES" = 1 ]; then
    cp "$TOP/bench/event.json" "$SERVROOT/event.json" \
        || die "cannot copy bench/event.json"
fi


# --- configuration ---------------------------------------------------------------

# BENCH_PIN=2 (default): the gateway worker on CPU 0, the backend worker
# and wrk on CPU 1, so the gateway, the thing measured, has a CPU of its
# own and the scheduler cannot move the load generator onto it (on 2
# cores this gave the steadiest numbers).  BENCH_PIN=1: the two workers
# pinned, wrk wherever the scheduler puts it.  BENCH_PIN=0: nothing pinned.
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

# what both nginx instances share: one worker, no access log, warn-level
# error log and temp dirs inside the servroot, no request limit on a
# keepalive connection (wrk keeps its 64 connections for the whole run)
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
            return 200 "hello";
        }
EOF
        if [ "$BODY_CASES" = 1 ]; then
            # a static file answers POST with 405; the error page is the
            # file itself, fetched by an internal redirect as a GET
            cat <<EOF

        location /json {
            root $dir/html;
            default_type application/json;
            error_page 405 =200 \$uri;
        }
EOF
        fi
        if [ "$LAMBDA_CASES" = 1 ]; then
            # an instant function: the Invoke API's answer, fixed
            cat <<EOF

        location = $INVOKE_PATH {
            default_type application/json;
            return 200 '$LAMBDA_RESULT';
        }

        # connections accepted: do Invoke calls reuse theirs?
        location = /connections {
            stub_status;
        }
EOF
        fi
        if declare -F extra_backend_locations > /dev/null; then
            extra_backend_locations
        fi
        if [ "$LAUTH_CASES" = 1 ]; then
            # an instant Lambda authorizer: its answer, fixed
            cat <<EOF

        location = $AUTHZ_PATH {
            default_type application/json;
            return 200 '$AUTHZ_RESULT';
        }
EOF
        fi
        echo "    }"
        echo "}"
    } > "$dir/conf/nginx.conf"
}

# the body cases in the apigw server: SIZE through HTTP_PROXY (/hpSIZE)
# and through an HTTP integration with the two templates (/mapSIZE).  Both
# keep the whole request body (client_body_buffer_size) and response
# (proxy_buffers) in memory, so that neither writes temporary files.
body_locations() {
    local size
    for size in 1k 100k; do
        cat <<EOF

        location /hp$size {
            apigw_resource /hp$size;
            client_body_buffer_size 128k;
            proxy_buffers 32 4k;
            apigw_method POST {
                apigw_integration http_proxy http://backend/json$size;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
            }
        }

        location /map$size {
            apigw_resource /map$size;
            client_body_buffer_size 128k;
            proxy_buffers 32 4k;
            apigw_method POST {
                apigw_integration http http://backend/json$size;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                apigw_request_template application/json
                    file=$SERVROOT/templates/request.vtl;
                apigw_integration_response default status=200 {
                    apigw_response_template application/json
                        file=$SERVROOT/templates/response.vtl;
                }
            }
        }
EOF
    done
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
EOF
        if [ "$THROTTLE_CASES" = 1 ]; then
            cat <<EOF

    apigw_shared_zone apigw:16m;
    apigw_usage_plan bench rate=1000000000 burst=1000000000
                     quota=2000000000/month stages=bench:plan,bench:all;
EOF
        fi
        cat <<EOF

    # cases 1 and 2: bare nginx, no apigw directive in this server
    server {
        listen 127.0.0.1:$BARE_PORT;

        location = /hello {
            return 200 "hello";
        }

        location = /proxy {
            proxy_pass http://backend/hello;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
EOF
        if declare -F extra_bare_locations > /dev/null; then
            extra_bare_locations
        fi
        if [ "$THROTTLE_CASES" = 1 ]; then
            cat <<EOF

        location /usageplans {
            apigw_usage;
        }
EOF
        fi
        cat <<EOF
    }

    # cases 3 and 4: the same two answers through the API Gateway module
    server {
        listen 127.0.0.1:$GW_PORT;

        apigw_api bench;
        apigw_stage dev {}
EOF
        if [ "$THROTTLE_CASES" = 1 ]; then
            # limits that never refuse: what a check costs, not a 429.
            # lim: a stage limit; plan: the usage plan's; all: both and
            # the plan's limit of the method
            cat <<EOF
        apigw_stage lim { throttle rate=1000000000 burst=1000000000; }
        apigw_stage plan {}
        apigw_stage all { throttle rate=1000000000 burst=1000000000; }
        apigw_api_keys $SERVROOT/keys.csv;

        location /keyed {
            apigw_resource /keyed;
            apigw_api_key_required on;
            apigw_method GET {
                apigw_throttle rate=1000000000 burst=1000000000 plan=bench
                               stages=all;
                apigw_integration mock 'body=hello';
            }
        }
EOF
        fi
        cat <<EOF

        location /mock {
            apigw_resource /mock;
            apigw_method GET {
                apigw_integration mock 'body=hello';
            }
        }

        location /proxy {
            apigw_resource /proxy;
            apigw_method GET {
                apigw_integration http_proxy http://backend/hello;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
            }
        }
EOF
        if [ "$BODY_CASES" = 1 ]; then
            body_locations
        fi
        if [ "$AUTH_CASES" = 1 ]; then
            cat <<EOF

        apigw_api_keys $SERVROOT/auth/keys.csv;
        apigw_authorizer bench jwt issuer=https://issuer.example.com/
            audience=bench jwks=$SERVROOT/auth/jwks.json;

        location /key {
            apigw_resource /key;
            apigw_method GET {
                apigw_api_key_required on;
                apigw_integration mock 'body=hello';
            }
        }

        location /jwt {
            apigw_resource /jwt;
            apigw_method GET {
                apigw_authorization bench;
                apigw_integration mock 'body=hello';
            }
        }

        # the same without the cache of verified tokens: every request
        # decodes the token and verifies its signature
        apigw_authorizer bench_verify jwt issuer=https://issuer.example.com/
            audience=bench jwks=$SERVROOT/auth/jwks.json cache=off;

        location /jwtv {
            apigw_resource /jwtv;
            apigw_method GET {
                apigw_authorization bench_verify;
                apigw_integration mock 'body=hello';
            }
        }
EOF
        fi
        if [ "$LAMBDA_CASES" = 1 ]; then
            cat <<EOF

        location /hello {
            apigw_resource /hello;
            apigw_lambda_endpoint http://backend;
            apigw_method GET {
                apigw_integration lambda hello proxy;
                proxy_set_header Connection "";
            }
        }
EOF
        fi
        if declare -F extra_gateway_server > /dev/null; then
            extra_gateway_server
        fi
        if [ "$LAUTH_CASES" = 1 ]; then
            # MOCK behind a Lambda authorizer (its Invoke calls to the
            # backend upstream, keepalive)
            cat <<EOF

        apigw_lambda_endpoint http://backend;
        apigw_authorizer_cache_zone bench_authorizers:1m;
        apigw_authorizer bench_lambda token function=authz ttl=300;

        location /lambda {
            apigw_resource /lambda;
            apigw_method GET {
                apigw_authorization bench_lambda;
                apigw_integration mock 'body=hello';
            }
            apigw_method POST {
                apigw_authorization bench_lambda;
                apigw_integration mock 'body=hello';
            }
        }
EOF
        fi
        echo "    }"
        echo "}"
    } > "$dir/conf/nginx.conf"
}

start_nginx() {
    local dir=$SERVROOT/$1 port=$2
    "$NGINX" -p "$dir/" -e "$dir/logs/error.log" -c "$dir/conf/nginx.conf" \
        -t -q || die "$1: configuration test failed"
    "$NGINX" -p "$dir/" -e "$dir/logs/error.log" -c "$dir/conf/nginx.conf" \
        || die "$1: nginx did not start"
    for _ in $(seq 1 50); do
        port_busy "$port" && return 0
        sleep 0.1
    done
    die "$1: nothing listens on port $port"
}

declare -A URL=(
    [return200]="http://127.0.0.1:$BARE_PORT/hello"
    [proxy_pass]="http://127.0.0.1:$BARE_PORT/proxy"
    [mock]="http://127.0.0.1:$GW_PORT/dev/mock"
    [http_proxy]="http://127.0.0.1:$GW_PORT/dev/proxy"
    [http_proxy_1k]="http://127.0.0.1:$GW_PORT/dev/hp1k?x=wrk"
    [mapping_1k]="http://127.0.0.1:$GW_PORT/dev/map1k?x=wrk"
    [http_proxy_100k]="http://127.0.0.1:$GW_PORT/dev/hp100k?x=wrk"
    [mapping_100k]="http://127.0.0.1:$GW_PORT/dev/map100k?x=wrk"
    [hello_direct]="http://127.0.0.1:$BACKEND_PORT/hello"
    [invoke_direct]="http://127.0.0.1:$BACKEND_PORT$INVOKE_PATH"
    [lambda]="http://127.0.0.1:$GW_PORT/dev/hello"
    [mock_key]="http://127.0.0.1:$GW_PORT/dev/key"
    [mock_jwt]="http://127.0.0.1:$GW_PORT/dev/jwt"
    [mock_jwt_verify]="http://127.0.0.1:$GW_PORT/dev/jwtv"
    [mock_lambda_auth]="http://127.0.0.1:$GW_PORT/dev/lambda"
    [mock_stage]="http://127.0.0.1:$GW_PORT/lim/mock"
    [keyed]="http://127.0.0.1:$GW_PORT/dev/keyed"
    [keyed_plan]="http://127.0.0.1:$GW_PORT/plan/keyed"
    [keyed_all]="http://127.0.0.1:$GW_PORT/all/keyed"
)

# a wrk Lua script of a GET case (none: plain GETs of its URL)
declare -A SCRIPT=()
if declare -F extra_urls > /dev/null; then
    extra_urls
fi

# a header a case sends
declare -A HEADER=()
if [ "$THROTTLE_CASES" = 1 ]; then
    HEADER[keyed]="x-api-key: $THROTTLE_KEY"
    HEADER[keyed_plan]="x-api-key: $THROTTLE_KEY"
    HEADER[keyed_all]="x-api-key: $THROTTLE_KEY"
fi
if [ "$AUTH_CASES" = 1 ]; then
    HEADER[mock_key]="x-api-key: $(cat "$SERVROOT/auth/key")"
    HEADER[mock_jwt]="Authorization: Bearer $(cat "$SERVROOT/auth/token")"
    HEADER[mock_jwt_verify]=${HEADER[mock_jwt]}
fi
if [ "$LAUTH_CASES" = 1 ]; then
    HEADER[mock_lambda_auth]="Authorization: Bearer bench-token"
fi

# what a case POSTs (none: a GET)
declare -A BODY=()
for c in "${CASES[@]}"; do
    case $c in
        http_proxy_*|mapping_*)
            BODY[$c]=$SERVROOT/backend/html/json${c##*_} ;;
        invoke_direct)
            BODY[$c]=$SERVROOT/event.json ;;
    esac
done

# wrk on case C: wrk_case C [wrk options]; a body case POSTs its body,
# and waits up to 30 s for an answer (wrk's default is 2 s: the slowest
# case, 64 connections queued on one worker, gets near that)
wrk_case() {
    local c=$1
    shift
    if [ -n "${HEADER[$c]:-}" ]; then
        set -- "$@" -H "${HEADER[$c]}"
    fi
    if [ -n "${BODY[$c]:-}" ]; then
        "${WRK[@]}" "$@" --timeout 30s -s "$TOP/bench/post.lua" "${URL[$c]}" \
            -- "${BODY[$c]}"
    elif [ -n "${SCRIPT[$c]:-}" ]; then
        "${WRK[@]}" "$@" -s "${SCRIPT[$c]}" "${URL[$c]}"
    else
        "${WRK[@]}" "$@" "${URL[$c]}"
    fi
}

# a body case must answer 200 with valid JSON: HTTP_PROXY with the
# backend's file unchanged, the templates with one entry per item of that
# file, the request's id and its ?x= parameter; the Invoke API with the
# function's result
check_body_case() {
    local c=$1 got code
    got=$SERVROOT/check-$c.json
    code=$(curl -s -o "$got" -w '%{http_code}' -X POST \
           -H 'Content-Type: application/json' \
           --data-binary "@${BODY[$c]}" "${URL[$c]}") || true
    [ "$code" = 200 ] \
        || die "case $c: ${URL[$c]} answered $code: $(head -c 300 "$got")"
    python3 -m json.tool "$got" > /dev/null 2>&1 \
        || die "case $c: the answer is not JSON: $(head -c 300 "$got")"
    case $c in
        invoke_direct)
            [ "$(cat "$got")" = "$LAMBDA_RESULT" ] \
                || die "case $c: unexpected answer: $(head -c 300 "$got")"
            ;;
        http_proxy_*)
            cmp -s "$got" "${BODY[$c]}" \
                || die "case $c: the answer is not the backend's file"
            ;;
        mapping_*)
            python3 - "$got" "${BODY[$c]}" <<'PY' || die "case $c: wrong answer"
import json, sys
got, sent = (json.load(open(f)) for f in sys.argv[1:])
want = [{"id": i["id"], "name": i["name"], "price": i["price"],
         "qty": i["qty"], "tags": i["tags"]} for i in sent["items"]]
if got.get("items") != want or got.get("source") != "wrk" \
        or not got.get("requestId"):
    print("bench: unexpected answer: %s" % json.dumps(got)[:300],
          file=sys.stderr)
    sys.exit(1)
PY
            ;;
    esac
}

write_backend_conf
write_gateway_conf
start_nginx backend "$BACKEND_PORT"
start_nginx gateway "$GW_PORT"

# every case must answer 200 "hello" (a body case: see above) before it
# is measured
for c in "${CASES[@]}"; do
    if declare -F check_case > /dev/null && check_case "$c"; then
        continue
    fi
    if [ -n "${BODY[$c]:-}" ]; then
        check_body_case "$c"
        continue
    fi
    if [ -n "${HEADER[$c]:-}" ]; then
        # without its key or token, the case must be refused
        out=$(curl -s -o /dev/null -w '%{http_code}' "${URL[$c]}") || true
        case $out in
            401|403) ;;
            *) die "case $c: ${URL[$c]} answered $out without credentials" ;;
        esac
        out=$(curl -s -o - -w ' %{http_code}' -H "${HEADER[$c]}" \
              "${URL[$c]}") || true
    else
        out=$(curl -s -o - -w ' %{http_code}' "${URL[$c]}") || true
    fi
    [ "$out" = "hello 200" ] \
        || die "case $c: ${URL[$c]} answered '$out', expected 'hello 200'"
done

# the worker processes: the only child of each master
worker_of() {
    ps -o pid= --ppid "$(cat "$SERVROOT/$1/logs/nginx.pid")" \
        | head -1 | tr -d ' '
}
GW_WORKER=$(worker_of gateway)
BACKEND_WORKER=$(worker_of backend)
[ -n "$GW_WORKER" ] || die "gateway: no worker process"
[ -n "$BACKEND_WORKER" ] || die "backend: no worker process"

# CPU clock ticks (user + system): of a process; of the reaped children
# of this shell (wrk, curl); of the whole machine (busy, not idle/iowait)
proc_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
children_ticks() {
    awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$$/stat"
}
box_ticks() {
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# CPU the rest of the machine (not our nginx workers, not our wrk/curl)
# used between two snapshots, in percent of one CPU; snapshots are
# "box gateway backend children uptime_ticks"
cpu_snapshot() {
    echo "$(box_ticks) $(proc_ticks "$GW_WORKER")" \
         "$(proc_ticks "$BACKEND_WORKER") $(children_ticks)" \
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

# CPU time the gateway worker has used so far, in nanoseconds: from
# schedstat (ns), else from stat (utime + stime, clock ticks)
cpu_ns() {
    if [ -r "/proc/$GW_WORKER/schedstat" ]; then
        awk '{ print $1 }' "/proc/$GW_WORKER/schedstat"
    else
        awk -v hz="$(getconf CLK_TCK)" '{
            sub(/^.*\) /, "");   # fields after "(comm) ", from state on
            printf "%.0f\n", ($12 + $13) * 1e9 / hz }' "/proc/$GW_WORKER/stat"
    fi
}
