# Response caching (issue 7): per-stage zones shared by both workers,
# AWS's cache keys, TTLs and per-method settings, what is stored, LRU
# eviction, Cache-Control: max-age=0 under each unauthorized strategy,
# the access phase on hits, the admin handler, configuration errors.
#
# The integration of most tests is a helper server of the same nginx
# (server_name helper, the port's default server, with reuseport so the
# kernel spreads connections over both workers): /be/... answers
# "backend URI" and logs the call to logs/calls.log, which GET /calls
# (Host: helper) returns, so a test sees how often the integration ran.
use lib '.';
use t::APIGW 'no_plan';

t::APIGW::start_lambda_runtime();

workers(2);
master_on();
no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config => <<"_EOC_" . ($block->http_config // ''));
    log_format apigw_calls '\$request_uri';
    apigw_lambda_endpoint http://127.0.0.1:\$TEST_NGINX_LAMBDA_PORT;

    server {
        listen 127.0.0.1:\$TEST_NGINX_SERVER_PORT reuseport;
        server_name helper;

        location /be/ {
            access_log \$TEST_NGINX_SERVROOT/logs/calls.log apigw_calls;
            add_header X-Backend yes;
            return 200 "backend \$request_uri\\n";
        }

        location = /be/json {
            access_log \$TEST_NGINX_SERVROOT/logs/calls.log apigw_calls;
            default_type application/json;
            return 200 '{"name":"rex"}';
        }

        location = /be/500 {
            access_log \$TEST_NGINX_SERVROOT/logs/calls.log apigw_calls;
            return 500 "boom\\n";
        }

        location = /be/404 {
            access_log \$TEST_NGINX_SERVROOT/logs/calls.log apigw_calls;
            return 404 "none\\n";
        }

        location = /calls {
            alias \$TEST_NGINX_SERVROOT/logs/calls.log;
        }

        location /restapis/ {
            apigw_cache_admin;
        }
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: hit after miss, across both workers
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
[("GET /dev/pets") x 12,
 "GET /calls", "GET /restapis/petstore/stages/dev/cache"]
--- more_headers eval
[("") x 12, "Host: helper", "Host: helper"]
--- response_headers eval
["X-Cache: MISS\nX-Backend: yes", ("X-Cache: HIT\nX-Backend: yes") x 11,
 "", "Content-Type: application/json"]
--- response_headers_like eval
[("x-amzn-RequestId: ^[0-9a-f-]{36}\$\nx-amz-apigw-id: ^[A-Za-z0-9_-]{15}=\$")
 x 12, "", ""]
--- response_body_like eval
[("^backend /be/pets\n\$") x 12, "^/be/pets\n\$",
 '^\{"api":"petstore","id":"[a-z0-9]{10}","stage":"dev","size":10485760,'
 . '"entries":1,"bytes":\d+,"hits":11,"misses":1,"evictions":0\}$']
--- no_error_log
[error]



=== TEST 2: an entry expires after its TTL
--- config
    apigw_api petstore;
    apigw_stage dev { cache ttl=1; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
    location /slow {
        apigw_resource /slow;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/sleep/1.2;
            apigw_cache off;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/slow", "GET /dev/pets",
 "GET /dev/pets", "GET /calls"]
--- more_headers eval
["", "", "", "", "", "Host: helper"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT", "X-Cache: BYPASS", "X-Cache: EXPIRED",
 "X-Cache: HIT", ""]
--- response_body_like eval
["^backend", "^backend", "sleep", "^backend", "^backend",
 "^/be/pets\n/be/pets\n\$"]
--- no_error_log
[error]



=== TEST 3: cache key parameters separate entries; other parameters do not
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
            apigw_cache_key method.request.querystring.type
                            method.request.header.Accept;
        }
    }
--- request eval
["GET /dev/pets?type=dog", "GET /dev/pets?type=cat",
 "GET /dev/pets?type=dog", "GET /dev/pets?type=dog&page=2",
 "GET /dev/pets?type=dog", "GET /dev/pets?type=dog",
 "GET /dev/pets?type=cat&type=dog", "GET /dev/pets",
 "GET /dev/pets?type=", "GET /calls"]
--- more_headers eval
["", "", "", "", "Accept: text/plain", "accept: text/plain", "", "", "",
 "Host: helper"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: MISS", "X-Cache: HIT", "X-Cache: HIT",
 "X-Cache: MISS", "X-Cache: HIT", "X-Cache: HIT", "X-Cache: MISS",
 "X-Cache: MISS", ""]
--- response_body eval
["backend /be/pets?type=dog\n", "backend /be/pets?type=cat\n",
 "backend /be/pets?type=dog\n", "backend /be/pets?type=dog\n",
 "backend /be/pets?type=dog\n", "backend /be/pets?type=dog\n",
 "backend /be/pets?type=dog\n", "backend /be/pets\n",
 "backend /be/pets?type=\n",
 "/be/pets?type=dog\n/be/pets?type=cat\n/be/pets?type=dog\n/be/pets\n"
 . "/be/pets?type=\n"]
--- no_error_log
[error]



=== TEST 3b: key parameters are compared decoded, as AWS passes them: "a+b", "a%20b" and "a b" are one entry, a name written encoded is the same name
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock 'body={"pets":[]}';
            apigw_cache_key method.request.querystring.type
                            method.request.multivaluequerystring.tag;
        }
    }
--- request eval
["GET /dev/pets?type=a+b", "GET /dev/pets?type=a%20b", "GET /dev/pets?t%79pe=a+b",
 "GET /dev/pets?type=a%2Bb", "GET /dev/pets?type=a+b&tag=x%3Fy",
 "GET /dev/pets?type=a%20b&tag=x?y", "GET /dev/pets?type=a%20b&tag=x"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT", "X-Cache: HIT", "X-Cache: MISS",
 "X-Cache: MISS", "X-Cache: HIT", "X-Cache: MISS"]
--- response_body eval
[('{"pets":[]}') x 7]
--- no_error_log
[error]



=== TEST 4: path parameters are always part of the key
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_integration http_proxy
                "http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets/{petId}";
            apigw_cache_key method.request.path.petId;
        }
    }
--- request eval
["GET /dev/pets/1", "GET /dev/pets/2", "GET /dev/pets/1", "GET /dev/pets/2",
 "GET /calls"]
--- more_headers eval
["", "", "", "", "Host: helper"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: MISS", "X-Cache: HIT", "X-Cache: HIT", ""]
--- response_body eval
["backend /be/pets/1\n", "backend /be/pets/2\n", "backend /be/pets/1\n",
 "backend /be/pets/2\n", "/be/pets/1\n/be/pets/2\n"]
--- no_error_log
[error]



=== TEST 5: multivalue parameters key on every value, in order
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock 'body={"pets":[]}';
            apigw_cache_key method.request.multivaluequerystring.tag
                            method.request.multivalueheader.X-Tag;
        }
    }
--- request eval
["GET /dev/pets?tag=a&tag=b", "GET /dev/pets?tag=b&tag=a",
 "GET /dev/pets?tag=a&x=1&tag=b", "GET /dev/pets?tag=a",
 "GET /dev/pets?tag=a&tag=b", "GET /dev/pets?tag=a&tag=b",
 "GET /dev/pets?tag=a&tag=b"]
--- more_headers eval
["", "", "", "", "X-Tag: 1\nX-Tag: 2", "X-Tag: 1\nx-tag: 2", "X-Tag: 2"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: MISS", "X-Cache: HIT", "X-Cache: MISS",
 "X-Cache: MISS", "X-Cache: HIT", "X-Cache: MISS"]
--- response_body eval
[('{"pets":[]}') x 7]
--- no_error_log
[error]



=== TEST 6: a chunked integration response is stored whole
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /chunked {
        apigw_resource /chunked;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/chunked;
        }
    }
--- request eval
["GET /dev/chunked", "GET /dev/chunked"]
--- response_headers eval
["X-Cache: MISS\nContent-Type: text/plain",
 "X-Cache: HIT\nContent-Type: text/plain\nContent-Length: 18\n"
 . "! Transfer-Encoding"]
--- response_body eval
["chunk1chunk2chunk3", "chunk1chunk2chunk3"]
--- no_error_log
[error]



=== TEST 7: a method's TTL overrides the stage's
--- config
    apigw_api petstore;
    apigw_stage dev { cache ttl=300; }
    add_header X-Cache $apigw_cache_status always;
    location /short {
        apigw_resource /short;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/short;
            apigw_cache on ttl=1;
        }
    }
    location /long {
        apigw_resource /long;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/long;
        }
    }
    location /slow {
        apigw_resource /slow;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/sleep/1.2;
            apigw_cache off;
        }
    }
--- request eval
["GET /dev/short", "GET /dev/long", "GET /dev/slow", "GET /dev/short",
 "GET /dev/long"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: MISS", "X-Cache: BYPASS", "X-Cache: EXPIRED",
 "X-Cache: HIT"]
--- no_error_log
[error]



=== TEST 8: GET is cached by default, other methods when enabled
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock 'body={"get":1}';
            apigw_cache off;
        }
        apigw_method POST { apigw_integration mock 'body={"post":1}'; }
        apigw_method PUT {
            apigw_integration mock 'body={"put":1}';
            apigw_cache on;
        }
        apigw_method ANY { apigw_integration mock 'body={"any":1}'; }
    }
    location /toys {
        apigw_resource /toys;
        apigw_method GET {
            apigw_integration mock 'body={"toys":1}';
            apigw_cache on ttl=0;
        }
    }
--- request eval
["GET /dev/pets", "POST /dev/pets", "POST /dev/pets", "PUT /dev/pets",
 "PUT /dev/pets", "DELETE /dev/pets", "GET /dev/toys", "GET /dev/toys"]
--- response_headers eval
["X-Cache: BYPASS", "X-Cache: BYPASS", "X-Cache: BYPASS", "X-Cache: MISS",
 "X-Cache: HIT", "X-Cache: BYPASS", "X-Cache: BYPASS", "X-Cache: BYPASS"]
--- response_body eval
['{"get":1}', '{"post":1}', '{"post":1}', '{"put":1}', '{"put":1}',
 '{"any":1}', '{"toys":1}', '{"toys":1}']
--- no_error_log
[error]



=== TEST 9: a stage without a cache, or with ttl=0, caches nothing
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_stage test { cache ttl=0; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body={"a":1}'; }
    }
    location /toys {
        apigw_resource /toys;
        apigw_method GET {
            apigw_integration mock 'body={"b":1}';
            apigw_cache on ttl=60;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /test/pets", "GET /test/pets",
 "GET /test/toys", "GET /test/toys", "GET /dev/toys"]
--- response_headers eval
["! X-Cache", "! X-Cache", "X-Cache: BYPASS", "X-Cache: BYPASS",
 "X-Cache: MISS", "X-Cache: HIT", "! X-Cache"]
--- no_error_log
[error]



=== TEST 10: errors are not stored, unless their status is listed
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /fail {
        apigw_resource /fail;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/500;
        }
    }
    location /missing {
        apigw_resource /missing;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/404;
            apigw_cache on status=2xx,404;
        }
    }
    location /down {
        apigw_resource /down;
        apigw_method GET {
            apigw_integration http_proxy http://127.0.0.1:1/;
        }
    }
--- request eval
["GET /dev/fail", "GET /dev/fail", "GET /dev/missing", "GET /dev/missing",
 "GET /dev/down", "GET /dev/down", "GET /calls"]
--- more_headers eval
["", "", "", "", "", "", "Host: helper"]
--- error_code eval
[500, 500, 404, 404, 500, 500, 200]
--- response_headers eval
["X-Cache: MISS", "X-Cache: MISS", "X-Cache: MISS", "X-Cache: HIT",
 "X-Cache: MISS", "X-Cache: MISS", ""]
--- response_body eval
["boom\n", "boom\n", "none\n", "none\n",
 '{"message": "Internal server error"}',
 '{"message": "Internal server error"}',
 "/be/500\n/be/500\n/be/404\n"]
--- error_log
connect() failed



=== TEST 11: max-age=0 refreshes the entry when no authorization is required
--- config
    apigw_api petstore;
    apigw_stage dev { cache require_authorization=off; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /calls", "GET /restapis/petstore/stages/dev/cache"]
--- more_headers eval
["", "Cache-Control: max-age=0", "", "Cache-Control: no-cache, MAX-AGE = 0",
 "Host: helper", "Host: helper"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: REFRESH\n! Warning", "X-Cache: HIT",
 "X-Cache: REFRESH", "", ""]
--- response_body_like eval
[("^backend /be/pets\n\$") x 4, "^/be/pets\n/be/pets\n/be/pets\n\$",
 '"entries":1,"bytes":\d+,"hits":1,"misses":3,']
--- no_error_log
[error]



=== TEST 12: which Cache-Control values ask for a refresh
--- config
    apigw_api petstore;
    apigw_stage dev { cache require_authorization=off; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body={"a":1}'; }
    }
--- request eval
[("GET /dev/pets") x 10]
--- more_headers eval
["", 'Cache-Control: max-age="0"', "Cache-Control: max-age=00",
 "Cache-Control: max-age=0x", 'Cache-Control: max-age="',
 "Cache-Control: max-age=", "Cache-Control: s-maxage=0",
 "Cache-Control: max-age=10", "Cache-Control: public,max-age=0",
 "Cache-Control: no-store\nCache-Control: max-age=0"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: REFRESH", "X-Cache: REFRESH", "X-Cache: HIT",
 "X-Cache: HIT", "X-Cache: HIT", "X-Cache: HIT", "X-Cache: HIT",
 "X-Cache: REFRESH", "X-Cache: REFRESH"]
--- no_error_log
[error]



=== TEST 13: an unauthorized max-age=0 fails with 403 under FAIL_WITH_403
--- config
    apigw_api petstore;
    apigw_stage dev { cache unauthorized=FAIL_WITH_403; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /calls"]
--- more_headers eval
["", "Cache-Control: max-age=0", "Cache-Control: max-age=60", "Host: helper"]
--- error_code eval
[200, 403, 200, 200]
--- response_headers eval
["X-Cache: MISS",
 "x-amzn-ErrorType: AccessDeniedException\nContent-Type: application/json\n! X-Cache",
 "X-Cache: HIT", ""]
--- response_body eval
["backend /be/pets\n",
 '{"message":"User: anonymous is not authorized to perform: '
 . 'execute-api:InvalidateCache"}',
 "backend /be/pets\n", "/be/pets\n"]
--- error_log
cache invalidation by an unauthorized caller
--- no_error_log
[error]



=== TEST 14: SUCCEED_WITH_RESPONSE_HEADER (the default) ignores it and warns
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /calls"]
--- more_headers eval
["Cache-Control: max-age=0", "Cache-Control: max-age=0", "", "Host: helper"]
--- response_headers eval
["X-Cache: MISS\nWarning: 199 - \"Cache-Control: max-age=0 ignored: the "
 . "caller is not authorized to invalidate the cache\"",
 "X-Cache: HIT\nWarning: 199 - \"Cache-Control: max-age=0 ignored: the "
 . "caller is not authorized to invalidate the cache\"",
 "X-Cache: HIT\n! Warning", ""]
--- response_body eval
[("backend /be/pets\n") x 3, "/be/pets\n"]
--- no_error_log
[error]



=== TEST 15: SUCCEED_WITHOUT_RESPONSE_HEADER ignores it silently
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
            apigw_cache on unauthorized=SUCCEED_WITHOUT_RESPONSE_HEADER;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /calls"]
--- more_headers eval
["", "Cache-Control: max-age=0", "Host: helper"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT\n! Warning", ""]
--- response_body eval
[("backend /be/pets\n") x 2, "/be/pets\n"]
--- no_error_log
[error]



=== TEST 16: apigw_cache_invalidate says who is authorized
--- http_config
    map $http_x_cache_admin $apigw_test_invalidator {
        s3cret  1;
        default 0;
    }
--- config
    apigw_api petstore;
    apigw_stage dev { cache unauthorized=FAIL_WITH_403; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
            apigw_cache_invalidate $apigw_test_invalidator;
        }
    }
    location /toys {
        apigw_resource /toys;
        apigw_cache_invalidate allow;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/toys;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /dev/toys", "GET /dev/toys", "GET /calls"]
--- more_headers eval
["", "Cache-Control: max-age=0\nX-Cache-Admin: s3cret",
 "Cache-Control: max-age=0\nX-Cache-Admin: guess", "",
 "", "Cache-Control: max-age=0", "Host: helper"]
--- error_code eval
[200, 200, 403, 200, 200, 200, 200]
--- response_headers eval
["X-Cache: MISS", "X-Cache: REFRESH", "", "X-Cache: HIT",
 "X-Cache: MISS", "X-Cache: REFRESH", ""]
--- response_body_like eval
["^backend", "^backend", "InvalidateCache", "^backend", "^backend",
 "^backend", "^/be/pets\n/be/pets\n/be/toys\n/be/toys\n\$"]
--- no_error_log
[error]



=== TEST 17: the access phase runs on hits (auth_basic here; authorizers later)
--- user_files
>>> htpasswd
alice:{PLAIN}wonderland
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        auth_basic "pets";
        auth_basic_user_file $TEST_NGINX_SERVROOT/html/htpasswd;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /calls"]
--- more_headers eval
["Authorization: Basic YWxpY2U6d29uZGVybGFuZA==", "",
 "Authorization: Basic YWxpY2U6bm9wZQ==",
 "Authorization: Basic YWxpY2U6d29uZGVybGFuZA==", "Host: helper"]
--- error_code eval
[200, 401, 401, 200, 200]
--- response_headers eval
["X-Cache: MISS", "! X-Cache", "! X-Cache", "X-Cache: HIT", ""]
--- response_body eval
["backend /be/pets\n", '{"message":"Unauthorized"}',
 '{"message":"Unauthorized"}', "backend /be/pets\n", "/be/pets\n"]



=== TEST 17b: API keys are checked on hits too
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    apigw_api_key alice 0123456789abcdef0123;
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_api_key_required on;
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/kpets;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /calls"]
--- more_headers eval
["x-api-key: 0123456789abcdef0123", "", "x-api-key: wrong-key-wrong-key",
 "x-api-key: 0123456789abcdef0123", "Host: helper"]
--- error_code eval
[200, 403, 403, 200, 200]
--- response_headers eval
["X-Cache: MISS", "! X-Cache", "! X-Cache", "X-Cache: HIT", ""]
--- response_body eval
["backend /be/kpets\n", '{"message":"Forbidden"}',
 '{"message":"Forbidden"}', "backend /be/kpets\n", "/be/kpets\n"]



=== TEST 18: a full zone evicts the least recently used entries
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=32k; }
    add_header X-Cache $apigw_cache_status always;
    location /big {
        apigw_resource /big;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/2000;
            apigw_cache_key method.request.querystring.n;
        }
    }
--- request eval
[(map { "GET /dev/big?n=$_" } 1 .. 3), "GET /dev/big?n=1",
 (map { "GET /dev/big?n=$_" } 4 .. 30),
 "GET /dev/big?n=30", "GET /dev/big?n=2",
 "GET /restapis/petstore/stages/dev/cache"]
--- more_headers eval
[("") x 33, "Host: helper"]
--- response_headers eval
[("X-Cache: MISS") x 3, "X-Cache: HIT", ("X-Cache: MISS") x 27,
 "X-Cache: HIT", "X-Cache: MISS", ""]
--- response_body_like eval
[("^x{2000}\$") x 33, '"evictions":[1-9]']
--- no_error_log
[error]
[alert]



=== TEST 18b: a full zone's store takes over the LRU entry of its size
Entries of 1 KB (2 KB slab chunks): once the zone is full, each store
evicts exactly the least recently used entry, as before.
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=32k; }
    add_header X-Cache $apigw_cache_status always;
    location /kb {
        apigw_resource /kb;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/1000;
            apigw_cache_key method.request.querystring.n;
        }
    }
--- request eval
[(map { "GET /dev/kb?n=$_" } 1 .. 3), "GET /dev/kb?n=1",
 (map { "GET /dev/kb?n=$_" } 4 .. 40),
 (map { "GET /dev/kb?n=$_" } 40, 39, 38, 41, 42, 38, 1, 2),
 "GET /restapis/petstore/stages/dev/cache"]
--- more_headers eval
[("") x 49, "Host: helper"]
--- response_headers eval
[("X-Cache: MISS") x 3, "X-Cache: HIT", ("X-Cache: MISS") x 37,
 ("X-Cache: HIT") x 3, ("X-Cache: MISS") x 2, "X-Cache: HIT",
 ("X-Cache: MISS") x 2, ""]
--- response_body_like eval
[("^x{1000}\$") x 49,
 '"entries":[1-9][0-9]*,"bytes":[1-9][0-9]*,"hits":5,"misses":44,'
 . '"evictions":[1-9]']
--- no_error_log
[error]
[alert]



=== TEST 18c: a full zone with entries of two sizes
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=32k; }
    add_header X-Cache $apigw_cache_status always;
    location /kb {
        apigw_resource /kb;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/1000;
            apigw_cache_key method.request.querystring.n;
        }
    }
    location /tiny {
        apigw_resource /tiny;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/300;
            apigw_cache_key method.request.querystring.n;
        }
    }
--- request eval
[(map { ("GET /dev/kb?n=$_", "GET /dev/tiny?n=$_") } 1 .. 30),
 "GET /dev/kb?n=30", "GET /dev/tiny?n=30", "GET /dev/kb?n=29",
 "GET /dev/tiny?n=29", "GET /dev/kb?n=1", "GET /dev/tiny?n=1",
 "GET /restapis/petstore/stages/dev/cache"]
--- more_headers eval
[("") x 66, "Host: helper"]
--- response_headers eval
[("X-Cache: MISS") x 60, ("X-Cache: HIT") x 4, ("X-Cache: MISS") x 2, ""]
--- response_body_like eval
[(("^x{1000}\$", "^x{300}\$") x 33),
 '"hits":4,"misses":62,"evictions":[1-9]']
--- no_error_log
[error]
[alert]



=== TEST 18d: an incomplete response gives back the zone memory it took
The integration announces 3000 bytes and sends 1500: twenty of them
would hold more than the 32 KB zone if their memory were not freed.
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=32k; }
    add_header X-Cache $apigw_cache_status always;
    location /short {
        apigw_resource /short;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/short/3000;
            apigw_cache_key method.request.querystring.n;
        }
    }
    location /ok {
        apigw_resource /ok;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/3000;
            apigw_cache_key method.request.querystring.n;
        }
    }
--- request eval
[(map { "GET /dev/short?n=$_" } 1 .. 20),
 (map { "GET /dev/ok?n=$_" } 1, 1, 2, 2, 3, 3),
 "GET /restapis/petstore/stages/dev/cache"]
--- more_headers eval
[("") x 26, "Host: helper"]
--- response_headers eval
[("X-Cache: MISS\nContent-Length: 3000") x 20,
 ("X-Cache: MISS", "X-Cache: HIT") x 3, ""]
--- response_body_like eval
[("^x{1500}\$") x 20, ("^x{3000}\$") x 6,
 '"entries":3,"bytes":[1-9][0-9]*,"hits":3,"misses":23,"evictions":0']
--- no_error_log
could not allocate
[alert]



=== TEST 19: entries over the limit are not stored: 1 MB, an eighth of the zone
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    apigw_stage small { cache size=32k; }
    add_header X-Cache $apigw_cache_status always;
    location /big {
        apigw_resource /big;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/1048577;
        }
    }
    location /fits {
        apigw_resource /fits;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/1000000;
        }
    }
    location /five {
        apigw_resource /five;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/5000;
        }
    }
--- request eval
["GET /dev/big", "GET /dev/big", "GET /dev/fits", "GET /dev/fits",
 "GET /small/five", "GET /small/five", "GET /dev/five", "GET /dev/five"]
--- response_headers eval
["X-Cache: MISS\nContent-Length: 1048577",
 "X-Cache: MISS\nContent-Length: 1048577",
 "X-Cache: MISS\nContent-Length: 1000000",
 "X-Cache: HIT\nContent-Length: 1000000",
 "X-Cache: MISS", "X-Cache: MISS", "X-Cache: MISS", "X-Cache: HIT"]
--- response_body_like eval
["^x+\$", "^x+\$", "^x+\$", "^x+\$", "^x{5000}\$", "^x{5000}\$",
 "^x{5000}\$", "^x{5000}\$"]
--- timeout: 20
--- no_error_log
[error]
[alert]



=== TEST 20: what is stored is the method response, after mapping
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/json;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"pet": $input.json(\'$.name\')}';
                apigw_response_parameter method.response.header.X-Mapped
                                         "'yes'";
            }
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /calls"]
--- more_headers eval
["", "", "Host: helper"]
--- response_headers eval
["X-Cache: MISS\nX-Mapped: yes\nContent-Type: application/json",
 "X-Cache: HIT\nX-Mapped: yes\nContent-Type: application/json", ""]
--- response_headers_like eval
[("x-amzn-RequestId: ^[0-9a-f-]{36}\$") x 2, ""]
--- response_body eval
[('{"pet": "rex"}') x 2, "/be/json\n"]
--- no_error_log
[error]



=== TEST 21: CORS headers are the request's, not the entry's
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    apigw_cors origin=https://a.example,https://b.example;
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["Origin: https://a.example", "Origin: https://b.example", ""]
--- response_headers eval
["X-Cache: MISS\nAccess-Control-Allow-Origin: https://a.example",
 "X-Cache: HIT\nAccess-Control-Allow-Origin: https://b.example",
 "X-Cache: HIT\n! Access-Control-Allow-Origin"]
--- response_body eval
[("backend /be/pets\n") x 3]
--- no_error_log
[error]



=== TEST 22: Lambda proxy responses and MOCK answers are cached; HEAD is not
--- config
    apigw_api petstore;
    apigw_stage dev { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /hello {
        apigw_resource /hello;
        apigw_method GET { apigw_integration lambda hello proxy; }
    }
    location /mock {
        apigw_resource /mock;
        apigw_method GET {
            apigw_integration mock status=201 'body={"m":1}'
                              'header=X-Mock:one';
        }
        apigw_method HEAD {
            apigw_integration mock 'body={"m":1}';
            apigw_cache on;
        }
    }
--- request eval
["GET /dev/hello", "GET /dev/hello", "GET /dev/mock", "GET /dev/mock",
 "HEAD /dev/mock", "HEAD /dev/mock"]
--- error_code eval
[200, 200, 201, 201, 200, 200]
--- response_headers eval
["X-Cache: MISS\nContent-Type: application/json\nContent-Length: 20",
 "X-Cache: HIT\nContent-Type: application/json\nContent-Length: 20",
 "X-Cache: MISS\nX-Mock: one", "X-Cache: HIT\nX-Mock: one",
 "X-Cache: MISS", "X-Cache: MISS"]
--- response_body eval
['"Hello from Lambda!"', '"Hello from Lambda!"', '{"m":1}', '{"m":1}',
 "", ""]
--- no_error_log
[error]



=== TEST 23: the admin handler flushes a stage's cache and counts
--- config
    apigw_api petstore id=abcdef1234;
    apigw_stage dev { cache; }
    apigw_stage prod { cache; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
["GET /dev/pets", "GET /prod/pets", "GET /dev/pets",
 "DELETE /restapis/abcdef1234/stages/dev/cache/data",
 "GET /dev/pets", "GET /prod/pets",
 "GET /restapis/petstore/stages/dev/cache",
 "GET /restapis/petstore/stages/beta/cache",
 "GET /restapis/other/stages/dev/cache",
 "POST /restapis/petstore/stages/dev/cache/data",
 "GET /restapis/petstore/stages/dev/cache/more",
 "GET /restapis/petstore/stages/dev"]
--- more_headers eval
["", "", "", "Host: helper", "", "", ("Host: helper") x 6]
--- error_code eval
[200, 200, 200, 202, 200, 200, 200, 404, 404, 405, 404, 404]
--- response_headers eval
["X-Cache: MISS", "X-Cache: MISS", "X-Cache: HIT", "Content-Length: 0",
 "X-Cache: MISS", "X-Cache: HIT", "", "", "", "", "", ""]
--- response_body_like eval
["^backend", "^backend", "^backend", "^\$", "^backend", "^backend",
 '"id":"abcdef1234","stage":"dev",.*"entries":1,.*"hits":1,"misses":2,',
 "Invalid stage identifier", "Invalid stage identifier",
 "Method Not Allowed", "Not Found", "Not Found"]
--- error_log
cache of stage "dev" of API "petstore" flushed, 1 entries
--- no_error_log
[error]



=== TEST 24: the cache does not change an uncached API
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
            apigw_cache on;
            apigw_cache_key method.request.querystring.a;
        }
    }
--- request eval
["GET /dev/pets?a=1", "GET /dev/pets?a=1", "GET /calls"]
--- more_headers eval
["", "", "Host: helper"]
--- response_body eval
["backend /be/pets?a=1\n", "backend /be/pets?a=1\n",
 "/be/pets?a=1\n/be/pets?a=1\n"]
--- no_error_log
[error]



=== TEST 25: invalid ttl
--- config
    apigw_api petstore;
    apigw_stage dev { cache ttl=3601; }
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid cache ttl "3601": 0 to 3600 seconds, as on AWS in .*nginx.conf:\d+/



=== TEST 26: too small a zone
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=16k; }
--- must_die
--- error_log eval
qr/invalid cache size "16k": at least 32k in .*nginx.conf:\d+/



=== TEST 27: unknown parameter of cache
--- config
    apigw_api petstore;
    apigw_stage dev { cache ttl=60 encrypted=on; }
--- must_die
--- error_log eval
qr/invalid parameter "encrypted=on" in .*nginx.conf:\d+/



=== TEST 28: two caches in one stage
--- config
    apigw_api petstore;
    apigw_stage dev {
        cache;
        cache ttl=10;
    }
--- must_die
--- error_log eval
qr/duplicate "cache" in "apigw_stage dev" in .*nginx.conf:\d+/



=== TEST 29: bad strategy, bad status list, bad require_authorization
--- config
    apigw_api petstore;
    apigw_stage dev { cache unauthorized=FAIL; }
--- must_die
--- error_log eval
qr/invalid unauthorized "FAIL": FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER or SUCCEED_WITHOUT_RESPONSE_HEADER expected/



=== TEST 30: bad status list
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock;
            apigw_cache on status=2xx,6xx;
        }
    }
--- must_die
--- error_log eval
qr/invalid cache status "2xx,6xx": a list of statuses \(100 to 599\) and classes \("2xx"\) expected in .*nginx.conf:\d+/



=== TEST 31: bad require_authorization
--- config
    apigw_api petstore;
    apigw_stage dev { cache require_authorization=yes; }
--- must_die
--- error_log eval
qr/invalid require_authorization "yes": "on" or "off" expected/



=== TEST 32: apigw_cache needs on or off
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock;
            apigw_cache ttl=10;
        }
    }
--- must_die
--- error_log eval
qr/invalid value "ttl=10": "on" or "off" expected in .*nginx.conf:\d+/



=== TEST 33: a cache key parameter AWS does not have
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock;
            apigw_cache_key method.request.body;
        }
    }
--- must_die
--- error_log eval
qr/invalid cache key parameter "method.request.body": method.request.\(path\|querystring\|multivaluequerystring\|header\|multivalueheader\).NAME expected in .*nginx.conf:\d+/



=== TEST 34: a path parameter the resource does not have
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_integration mock;
            apigw_cache_key method.request.path.id;
        }
    }
--- must_die
--- error_log eval
qr/unknown path parameter "id" in "apigw_cache_key": resource "\/pets\/\{petId\}" has no such parameter in .*nginx.conf:\d+/



=== TEST 35: a duplicate key parameter
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_cache_key method.request.header.Accept
                        method.request.header.accept;
        apigw_method GET { apigw_integration mock; }
    }
--- must_die
--- error_log eval
qr/duplicate cache key parameter "method.request.header.accept" in .*nginx.conf:\d+/



=== TEST 36: apigw_cache_invalidate with a constant
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cache_invalidate yes;
--- must_die
--- error_log eval
qr/invalid value "yes": "allow", "deny" or a value with variables expected in .*nginx.conf:\d+/



=== TEST 37: apigw_cache_admin inside an API
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /restapis/ { apigw_cache_admin; }
--- must_die
--- error_log eval
qr/"apigw_cache_admin" directive is not allowed in a server with "apigw_api": every request there is an API request in .*nginx.conf:\d+/



=== TEST 38: the same API and stage in two servers cannot differ in size
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name other;
        apigw_api petstore;
        apigw_stage dev { cache size=1m; }
    }
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=2m; }
--- must_die
--- error_log eval
qr/the size 2097152 of shared memory zone "apigw_cache:petstore:dev" conflicts with already declared size 1048576 in .*nginx.conf:\d+/
