# CORS: preflights answered at the gateway, headers on every response of
# the resource, gateway error responses included.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a preflight gets the console's defaults and the resource's methods
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors on;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
        apigw_method POST { apigw_integration mock; }
    }
--- request
OPTIONS /dev/pets
--- more_headers
Origin: https://example.com
Access-Control-Request-Method: POST
--- error_code: 200
--- response_body eval: ""
--- response_headers
Access-Control-Allow-Origin: *
Access-Control-Allow-Methods: GET,OPTIONS,POST
Access-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token
Content-Type: application/json
Content-Length: 0
!Access-Control-Max-Age
!Access-Control-Allow-Credentials
--- response_headers_like
x-amzn-RequestId: ^[0-9a-f-]{36}$
--- no_error_log
[error]



=== TEST 2: ANY lists every method
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors on;
    location /pets {
        apigw_resource /pets;
        apigw_method ANY { apigw_integration mock; }
    }
--- request eval
["OPTIONS /dev/pets", "GET /dev/pets"]
--- response_headers eval
["Access-Control-Allow-Methods: DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT",
 "Access-Control-Allow-Origin: *\n!Access-Control-Allow-Methods"]
--- no_error_log
[error]



=== TEST 3: explicit origins are reflected, others get no CORS headers
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors origin=https://a.example,https://b.example
               methods=GET,PUT headers=X-One,X-Two expose=X-Request-Id
               max_age=10m credentials=on;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
--- request eval
["OPTIONS /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["Origin: https://b.example", "Origin: https://a.example", "Origin: https://evil.example"]
--- response_headers eval
["Access-Control-Allow-Origin: https://b.example
Access-Control-Allow-Methods: GET,PUT
Access-Control-Allow-Headers: X-One,X-Two
Access-Control-Max-Age: 600
Access-Control-Allow-Credentials: true
Vary: Origin",
"Access-Control-Allow-Origin: https://a.example
Access-Control-Expose-Headers: X-Request-Id
Access-Control-Allow-Credentials: true",
"!Access-Control-Allow-Origin
!Access-Control-Expose-Headers"]
--- no_error_log
[error]



=== TEST 4: gateway error responses carry CORS headers too
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors on;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
--- request
DELETE /dev/pets
--- error_code: 403
--- response_headers
Access-Control-Allow-Origin: *
x-amzn-ErrorType: MissingAuthenticationTokenException
--- no_error_log
[error]



=== TEST 5: an explicit OPTIONS method is not replaced by the preflight
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors on;
    location /pets {
        apigw_resource /pets;
        apigw_method OPTIONS { apigw_integration mock status=204 header=X-Own:1; }
    }
--- request
OPTIONS /dev/pets
--- error_code: 204
--- response_headers
X-Own: 1
!Access-Control-Allow-Methods
--- no_error_log
[error]



=== TEST 6: CORS off on one resource, on for the API
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors on;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration mock; }
    }
    location /b {
        apigw_resource /b;
        apigw_cors off;
        apigw_method GET { apigw_integration mock; }
    }
--- request eval
["GET /dev/a", "GET /dev/b", "OPTIONS /dev/b"]
--- error_code eval
[200, 200, 403]
--- response_headers eval
["Access-Control-Allow-Origin: *", "!Access-Control-Allow-Origin", "!Access-Control-Allow-Origin"]
--- no_error_log
[error]



=== TEST 7: a backend's own CORS header is not duplicated
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors on;
    location /h {
        apigw_resource /h;
        apigw_method GET {
            apigw_integration http_proxy
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/headers?Access-Control-Allow-Origin=https://x.example";
        }
    }
--- request
GET /dev/h
--- raw_response_headers_like: ^(?![\s\S]*Access-Control-Allow-Origin[\s\S]*Access-Control-Allow-Origin)[\s\S]*Access-Control-Allow-Origin: https://x\.example\r\n
--- no_error_log
[error]
