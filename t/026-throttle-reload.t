# Throttling state across `nginx -s reload` (issue 6): each block
# reloads the nginx of the block before (SIGHUP, new workers, the same
# shared memory), as a redeployment does.  Buckets and quota counts stay;
# a zone of a new size gets a copy of the old one's entries; a new quota
# limit applies to the count already made.  The rates are low (a token
# in 100 s) so that nothing refills between blocks.
use lib '.';
use t::APIGW 'no_plan';
use POSIX ();

workers(2);
master_on();
use_hup();
no_shuffle();

our $Today = POSIX::strftime('%Y-%m-%d', gmtime);

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config => <<"_EOC_" . ($block->http_config // ''));
    server {
        listen 127.0.0.1:\$TEST_NGINX_SERVER_PORT reuseport;
        server_name usage;
        location /usageplans { apigw_usage; }
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: the first deployment uses a stage's burst and some of a quota
--- http_config
    apigw_usage_plan gold rate=100 burst=100 quota=5/day;
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.01 burst=3; }
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST { apigw_integration mock 'body=post'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers
x-api-key: alice-key-0123456789abcdef
--- error_code eval
[200, 200, 200]
--- no_error_log
[error]



=== TEST 2: after a reload the bucket is still empty and the count goes on
--- http_config
    apigw_usage_plan gold rate=100 burst=100 quota=5/day;
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.01 burst=3; }
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST { apigw_integration mock 'body=post'; }
    }
--- request eval
["GET /dev/pets", "POST /dev/pets", "POST /dev/pets", "POST /dev/pets"]
--- more_headers
x-api-key: alice-key-0123456789abcdef
--- error_code eval
[429, 200, 200, 429]
--- response_body eval
['{"message":"Too Many Requests"}', "post", "post",
 '{"message":"Limit Exceeded"}']
--- no_error_log
[error]



=== TEST 3: a zone of a new size gets the old one's entries
--- http_config
    apigw_shared_zone apigw:2m;
    apigw_usage_plan gold rate=100 burst=100 quota=5/day;
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.01 burst=3; }
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST { apigw_integration mock 'body=post'; }
    }
--- request eval
["GET /dev/pets", "POST /dev/pets", "GET /usageplans"]
--- more_headers eval
["x-api-key: alice-key-0123456789abcdef",
 "x-api-key: alice-key-0123456789abcdef", "Host: usage"]
--- error_code eval
[429, 429, 200]
--- response_body_like eval
["Too Many Requests", "Limit Exceeded",
 '"zone":\{"name":"apigw","size":2097152,"bytes":\d+,"buckets":[23],"quotas":1,']
--- error_log
apigw: shared zone "apigw" resized from 10485760 to 2097152 bytes
--- no_error_log
[error]



=== TEST 4: a higher quota counts from what was used
--- http_config
    apigw_shared_zone apigw:2m;
    apigw_usage_plan gold rate=100 burst=100 quota=7/day;
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.01 burst=3; }
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    add_header X-Quota "$apigw_quota_limit $apigw_quota_remaining" always;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST { apigw_integration mock 'body=post'; }
    }
--- request eval
["POST /dev/pets", "POST /dev/pets", "POST /dev/pets",
 "GET /usageplans/gold/usage?startDate=$::Today&endDate=$::Today"]
--- more_headers eval
[("x-api-key: alice-key-0123456789abcdef") x 3, "Host: usage"]
--- error_code eval
[200, 429, 429, 200]
--- response_headers eval
["X-Quota: 7 1", "X-Quota: 7 1", "X-Quota: 7 1", ""]
--- response_body_like eval
["post", "Too Many Requests", "Too Many Requests",
 '"items":\{"[a-z0-9]{10}":\[\[6,1\]\]\}']
--- no_error_log
[error]



=== TEST 5: the same size again: the same zone, nothing copied
--- http_config
    apigw_shared_zone apigw:2m;
    apigw_usage_plan gold rate=100 burst=100 quota=7/day;
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.01 burst=3; }
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST { apigw_integration mock 'body=post'; }
    }
--- request eval
["GET /usageplans/gold/usage?startDate=$::Today&endDate=$::Today"]
--- more_headers
Host: usage
--- response_body_like
"items":\{"[a-z0-9]{10}":\[\[6,1\]\]\}
--- no_error_log
[error]
resized
