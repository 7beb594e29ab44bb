# Response caching across `nginx -s reload`: each block reloads the nginx
# of the block before (use_hup: SIGHUP, new workers, same shared memory),
# as a redeployment does.  The integration is a server of the same nginx
# whose answer changes with the configuration ("v1", "v2"), so an answer
# of the old configuration after a reload comes from the zone.
use lib '.';
use t::APIGW 'no_plan';

workers(2);
master_on();
use_hup();
no_shuffle();

run_tests();

__DATA__

=== TEST 1: the first deployment stores its answer
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name helper;
        location /be/ { return 200 "v1\n"; }
        location /restapis/ { apigw_cache_admin; }
    }
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=1m ttl=300; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT"]
--- response_body eval
["v1\n", "v1\n"]
--- no_error_log
[error]



=== TEST 2: after a reload the entry and the counters are still there
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name helper;
        location /be/ { return 200 "v2\n"; }
        location /restapis/ { apigw_cache_admin; }
    }
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=1m ttl=300; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
    location /toys {
        apigw_resource /toys;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/toys;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/toys", "GET /dev/toys",
 "GET /restapis/petstore/stages/dev/cache"]
--- more_headers eval
["", "", "", "Host: helper"]
--- response_headers eval
["X-Cache: HIT", "X-Cache: MISS", "X-Cache: HIT", ""]
--- response_body_like eval
["^v1\n\$", "^v2\n\$", "^v2\n\$",
 '"entries":2,"bytes":\d+,"hits":3,"misses":2,']
--- no_error_log
[error]



=== TEST 3: a new size is a new cache, as a new capacity is on AWS
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name helper;
        location /be/ { return 200 "v3\n"; }
    }
--- config
    apigw_api petstore;
    apigw_stage dev { cache size=2m ttl=300; }
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT"]
--- response_body eval
["v3\n", "v3\n"]
--- no_error_log
[error]



=== TEST 4: a stage without a cache after a reload answers from its integration
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name helper;
        location /be/ { return 200 "v4\n"; }
    }
--- config
    apigw_api petstore;
    apigw_stage dev {}
    add_header X-Cache $apigw_cache_status always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_SERVER_PORT/be/pets;
        }
    }
--- request
GET /dev/pets
--- response_headers
! X-Cache
--- response_body
v4
--- no_error_log
[error]
