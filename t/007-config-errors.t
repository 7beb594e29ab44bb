# A bad configuration fails "nginx -t" with the file, the line and the
# reason.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: unknown integration type
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration lambada; }
    }
--- must_die
--- error_log eval
qr/\[emerg\] unknown integration type "lambada": mock, http, http_proxy or lambda in \S+nginx\.conf:\d+/



=== TEST 2: unbalanced braces in a path template
--- config
    apigw_api petstore;
    location /a { apigw_resource "/a/{id"; }
--- must_die
--- error_log eval
qr/\[emerg\] invalid resource path "\/a\/\{id": unbalanced braces in "\{id" in \S+nginx\.conf:\d+/



=== TEST 3: a stray closing brace
--- config
    apigw_api petstore;
    location /a { apigw_resource "/a/id}"; }
--- must_die
--- error_log eval
qr/unbalanced braces in "id\}" in \S+nginx\.conf:\d+/



=== TEST 4: a greedy parameter that is not last
--- config
    apigw_api petstore;
    location /a { apigw_resource "/a/{p+}/b"; }
--- must_die
--- error_log eval
qr/the greedy parameter "\{p\+\}" must be the last path part in \S+nginx\.conf:\d+/



=== TEST 5: duplicate parameter names
--- config
    apigw_api petstore;
    location /a { apigw_resource "/a/{id}/b/{id}"; }
--- must_die
--- error_log eval
qr/duplicate parameter "id" in \S+nginx\.conf:\d+/



=== TEST 6: a path that does not start with a slash, and empty parts
--- config
    apigw_api petstore;
    location /a { apigw_resource a/b; }
--- must_die
--- error_log eval
qr/invalid resource path "a\/b": must start with "\/" in \S+nginx\.conf:\d+/



=== TEST 7: empty path part
--- config
    apigw_api petstore;
    location /a { apigw_resource /a//b; }
--- must_die
--- error_log eval
qr/empty path part in \S+nginx\.conf:\d+/



=== TEST 8: a method block outside a resource
--- config
    apigw_api petstore;
    location /a {
        apigw_method GET { apigw_integration mock; }
    }
--- must_die
--- error_log eval
qr/"apigw_method" requires "apigw_resource" in the same location in \S+nginx\.conf:\d+/



=== TEST 9: a method block at server level
--- config
    apigw_api petstore;
    apigw_method GET { apigw_integration mock; }
--- must_die
--- error_log eval
qr/"apigw_method" directive is not allowed here in \S+nginx\.conf:\d+/



=== TEST 10: duplicate method
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration mock; }
        apigw_method get { apigw_integration mock; }
    }
--- must_die
--- error_log eval
qr/duplicate method "GET" in \S+nginx\.conf:\d+/



=== TEST 11: invalid method
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method FETCH { apigw_integration mock; }
    }
--- must_die
--- error_log eval
qr/invalid method "FETCH": GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY in \S+nginx\.conf:\d+/



=== TEST 12: duplicate stage
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_stage dev {}
--- must_die
--- error_log eval
qr/duplicate stage "dev" in \S+nginx\.conf:\d+/



=== TEST 13: stage variable names AWS would reject
--- config
    apigw_api petstore;
    apigw_stage dev { variable bad-name x; }
--- must_die
--- error_log eval
qr/invalid stage variable name "bad-name": letters, digits and "_" only, at most 64 in \S+nginx\.conf:\d+/



=== TEST 14: stage variable values AWS would reject
--- config
    apigw_api petstore;
    apigw_stage dev { variable ok "a b"; }
--- must_die
--- error_log eval
qr/invalid value "a b" of stage variable "ok"/



=== TEST 15: invalid stage name
--- config
    apigw_api petstore;
    apigw_stage "d v" {}
--- must_die
--- error_log eval
qr/invalid stage name "d v"/



=== TEST 16: a method without an integration
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET { add_header X-A 1; }
    }
--- must_die
--- error_log eval
qr/no "apigw_integration" in "apigw_method GET" in \S+nginx\.conf:\d+/



=== TEST 17: an integration outside a method
--- config
    apigw_api petstore;
    location /a { apigw_resource /a; apigw_integration mock; }
--- must_die
--- error_log eval
qr/"apigw_integration" directive is only allowed inside "apigw_method" in \S+nginx\.conf:\d+/



=== TEST 18: an integration URI naming an unknown path parameter
--- config
    apigw_api petstore;
    location /a/ {
        apigw_resource "/a/{id}";
        apigw_method GET { apigw_integration http_proxy "http://127.0.0.1/{nope}"; }
    }
--- must_die
--- error_log eval
qr/unknown path parameter "\{nope\}" in integration URI "http:\/\/127\.0\.0\.1\/\{nope\}": resource "\/a\/\{id\}" has no such parameter in \S+nginx\.conf:\d+/



=== TEST 19: a resource in a server that is not an API
--- config
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration mock; }
    }
--- must_die
--- error_log eval
qr/"apigw_resource" requires "apigw_api" in its server in \S+nginx\.conf:\d+/



=== TEST 20: an integration without an endpoint, and a bad timeout
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration http_proxy; }
    }
--- must_die
--- error_log eval
qr/integration "http_proxy" needs an http:\/\/ or https:\/\/ endpoint URI in \S+nginx\.conf:\d+/



=== TEST 21: timeout out of AWS's range
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration http_proxy http://127.0.0.1/ timeout=10ms; }
    }
--- must_die
--- error_log eval
qr/invalid timeout "10ms": from 50ms to 300s in \S+nginx\.conf:\d+/



=== TEST 22: proxy_pass cannot be combined with an integration
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET {
            proxy_pass http://127.0.0.1;
            apigw_integration http_proxy http://127.0.0.1/;
        }
    }
--- must_die
--- error_log eval
qr/"proxy_pass" cannot be combined with "apigw_integration" in the same method in \S+nginx\.conf:\d+/



=== TEST 23: unknown gateway response type and bad status
--- config
    apigw_api petstore;
    apigw_gateway_response NOT_A_TYPE status=400;
--- must_die
--- error_log eval
qr/unknown gateway response type "NOT_A_TYPE" in \S+nginx\.conf:\d+/



=== TEST 24: bad gateway response status
--- config
    apigw_api petstore;
    apigw_gateway_response DEFAULT_4XX status=99;
--- must_die
--- error_log eval
qr/invalid parameter "status=99" in \S+nginx\.conf:\d+/



=== TEST 25: bad gateway response header source
--- config
    apigw_api petstore;
    apigw_gateway_response DEFAULT_4XX header=X-A:method.response.x;
--- must_die
--- error_log eval
qr/invalid mapping source "method.response.x"/



=== TEST 26: CORS credentials need explicit origins
--- config
    apigw_api petstore;
    apigw_cors credentials=on;
--- must_die
--- error_log eval
qr/"credentials=on" needs explicit origins/



=== TEST 27: unknown directive inside a stage block
--- config
    apigw_api petstore;
    apigw_stage dev { varible x y; }
--- must_die
--- error_log eval
qr/unknown directive "varible" in "apigw_stage" in \S+nginx\.conf:\d+/



=== TEST 28: a location inside a method block
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_integration mock;
            location /a/b { }
        }
    }
--- must_die
--- error_log eval
qr/"location" is not allowed inside "apigw_method"/



=== TEST 29: a stage without an API
--- config
    apigw_stage dev {}
--- must_die
--- error_log eval
qr/"apigw_stage" requires "apigw_api" in the same server/



=== TEST 30: duplicate apigw_api
--- config
    apigw_api a;
    apigw_api b;
--- must_die
--- error_log eval
qr/"apigw_api" directive is duplicate in \S+nginx\.conf:\d+/
