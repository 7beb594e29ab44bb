# shellcheck shell=bash disable=SC2034
# The cases of the response cache benchmark (issue 7), sourced before
# bench/lib.sh: by bench/cache.sh (wall clock, `make bench-cache`) and by
# bench/callgrind.sh (instructions per request, with
# BENCH_HOOKS=bench/cache_cases.sh
# BENCH_CASES="uncached cache_miss" bash bench/callgrind.sh).  See
# bench/cache.sh for what each case is.
#
# Environment: BENCH_CACHE_SIZE [10m]  the stage cache's size

CACHE_SIZE=${BENCH_CACHE_SIZE:-10m}

declare -A LABEL=(
    [return200_1k]='bare nginx `return 200` (1 KB)'
    [cache_hit]='apigw cache hit (1 KB)'
    [uncached]='apigw HTTP_PROXY, no cache'
    [cache_miss]='apigw HTTP_PROXY, cache miss'
)

# the 1 KB body every case answers
ITEM=$(head -c 1024 /dev/zero | tr '\0' 'x')

extra_backend_locations() {
    cat <<EOF

        location = /item {
            default_type application/json;
            return 200 "$ITEM";
        }
EOF
}

# the admin location reads the counters of the prod stage's cache
extra_bare_locations() {
    cat <<EOF

        location = /item {
            default_type application/json;
            return 200 "$ITEM";
        }

        location /restapis/ {
            apigw_cache_admin;
        }
EOF
}

# stage prod has a cache keyed on ?k=, dev (lib.sh's) none
extra_gateway_server() {
    cat <<EOF

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
EOF
}

declare -A UNIQUE=()

extra_urls() {
    URL[return200_1k]="http://127.0.0.1:$BARE_PORT/item"
    URL[cache_hit]="http://127.0.0.1:$GW_PORT/prod/item"
    URL[uncached]="http://127.0.0.1:$GW_PORT/dev/item"
    URL[cache_miss]="http://127.0.0.1:$GW_PORT/prod/item"
    SCRIPT[uncached]=$SERVROOT/unique.lua
    SCRIPT[cache_miss]=$SERVROOT/unique.lua
    # the same for a client other than wrk (bench/callgrind.sh): the query
    # parameter that must differ on every request
    UNIQUE[uncached]=k
    UNIQUE[cache_miss]=k
    STATS="http://127.0.0.1:$BARE_PORT/restapis/bench/stages/prod/cache"

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
}

# every case answers the 1 KB
check_case() {
    local out
    out=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' \
          "${URL[$1]}?k=check") || true
    [ "$out" = "200 1024" ] \
        || die "case $1: ${URL[$1]} answered '$out', expected '200 1024'"
}
