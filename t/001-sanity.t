# The module loads, a MOCK method answers, and every answer carries
# AWS's request id headers.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a MOCK method answers with its configured status, headers and body
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock status=201 'body={"ok":true}'
                              header=X-Mock:yes;
        }
    }
--- request
GET /dev/pets
--- error_code: 201
--- response_body: {"ok":true}
--- response_headers
Content-Type: application/json
Content-Length: 11
X-Mock: yes
--- response_headers_like
x-amzn-RequestId: ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$
x-amz-apigw-id: ^[A-Za-z0-9_-]{15}=$
--- no_error_log
[error]



=== TEST 2: MOCK defaults: 200, JSON, empty body
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /m {
        apigw_resource /m;
        apigw_method ANY { apigw_integration mock; }
    }
--- request
POST /dev/m
hello
--- error_code: 200
--- response_body eval: ""
--- response_headers
Content-Type: application/json
Content-Length: 0
--- no_error_log
[error]



=== TEST 3: request ids differ between requests and match the variables
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /m {
        apigw_resource /m;
        apigw_method GET {
            apigw_integration mock;
            add_header X-Id $apigw_request_id;
            add_header X-Ext $apigw_extended_request_id;
        }
    }
--- request eval
["GET /dev/m", "GET /dev/m"]
--- response_headers_like eval
[
 "X-Id: ^[0-9a-f-]{36}\$",
 "X-Id: ^[0-9a-f-]{36}\$",
]
--- no_error_log
[error]



=== TEST 4: the request id headers equal the variables
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /m {
        apigw_resource /m;
        apigw_method GET {
            apigw_integration mock;
            add_header X-Same "$apigw_request_id|$apigw_extended_request_id";
        }
    }
--- request
GET /dev/m
--- raw_response_headers_like: ^(?=[\s\S]*x-amzn-RequestId: ([0-9a-f-]{36})\r\n)(?=[\s\S]*x-amz-apigw-id: (\S+)\r\n)(?=[\s\S]*X-Same: \1\|\2\r\n)
--- no_error_log
[error]



=== TEST 5: servers without apigw_api are untouched
--- config
    location /plain { return 200 "plain\n"; }
--- request
GET /plain
--- response_body
plain
--- response_headers
!x-amzn-RequestId
!x-amz-apigw-id
--- no_error_log
[error]



=== TEST 6: loading the module leaves nginx's variables hash buildable without a warning (the module raises the default variables_hash_max_size)
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /m {
        apigw_resource /m;
        apigw_method GET { apigw_integration mock 'body=ok'; }
    }
--- request
GET /dev/m
--- error_code: 200
--- response_body: ok
--- no_error_log
could not build optimal variables_hash
[error]



=== TEST 7: a variables_hash_max_size set in nginx.conf is kept: too small a table warns as nginx does
--- http_config
    variables_hash_max_size 512;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /m {
        apigw_resource /m;
        apigw_method GET { apigw_integration mock 'body=ok'; }
    }
--- request
GET /dev/m
--- error_code: 200
--- response_body: ok
--- error_log
could not build optimal variables_hash
