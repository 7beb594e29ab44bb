# Gateway responses: AWS's defaults and apigw_gateway_response overrides,
# DEFAULT_4XX/DEFAULT_5XX fallbacks, and nginx's own errors made AWS-shaped.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a type's status, headers and body are overridden
--- config
    apigw_api petstore;
    apigw_stage dev { variable env development; }
    apigw_gateway_response MISSING_AUTHENTICATION_TOKEN status=404
        'body={"error":$context.error.messageString,"type":"$context.error.responseType","stage":"$stageVariables.env"}'
        "header=X-Stage:stageVariables.env"
        "header=X-Fixed:'fixed value'"
        "header=X-Agent:method.request.header.User-Agent";
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
--- request
GET /dev/nothing
--- more_headers
User-Agent: tester/1.0
--- error_code: 404
--- response_body: {"error":"Missing Authentication Token","type":"MISSING_AUTHENTICATION_TOKEN","stage":"development"}
--- response_headers
X-Stage: development
X-Fixed: fixed value
X-Agent: tester/1.0
x-amzn-ErrorType: MissingAuthenticationTokenException
Content-Type: application/json
--- no_error_log
[error]



=== TEST 2: only the status changed keeps the default template
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_gateway_response MISSING_AUTHENTICATION_TOKEN status=404;
--- request
GET /dev/x
--- error_code: 404
--- response_body: {"message":"Missing Authentication Token"}
--- no_error_log
[error]



=== TEST 3: DEFAULT_4XX applies to 4XX types not customised themselves
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_gateway_response DEFAULT_4XX status=418 "header=X-Default:'4xx'"
        'body={"oops":$context.error.messageString}';
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
--- request
GET /dev/nope
--- error_code: 418
--- response_body: {"oops":"Missing Authentication Token"}
--- response_headers
X-Default: 4xx
--- no_error_log
[error]



=== TEST 4: DEFAULT_5XX applies to integration failures
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_gateway_response DEFAULT_5XX 'body={"down":true}';
    location /down {
        apigw_resource /down;
        apigw_method GET { apigw_integration http_proxy http://127.0.0.1:1/; }
    }
--- request
GET /dev/down
--- error_code: 500
--- response_body: {"down":true}
--- error_log
connect() failed



=== TEST 5: a customised type wins over DEFAULT_4XX
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_gateway_response DEFAULT_4XX status=400;
    apigw_gateway_response MISSING_AUTHENTICATION_TOKEN status=404;
--- request
GET /dev/x
--- error_code: 404
--- no_error_log
[error]



=== TEST 6: gateway responses are inherited from http{} and overridden per location
--- http_config
    apigw_gateway_response INTEGRATION_TIMEOUT 'body={"slow":1}';
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_integration http_proxy http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/sleep/2 timeout=100ms;
        }
    }
    location /b {
        apigw_resource /b;
        apigw_gateway_response INTEGRATION_TIMEOUT status=503 'body={"slow":2}';
        apigw_method GET {
            apigw_integration http_proxy http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/sleep/2 timeout=100ms;
        }
    }
--- request eval
["GET /dev/a", "GET /dev/b"]
--- error_code eval
[504, 503]
--- response_body eval
['{"slow":1}', '{"slow":2}']



=== TEST 7: a body too large is 413 Request Too Long
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /up {
        apigw_resource /up;
        client_max_body_size 10;
        apigw_method POST { apigw_integration http_proxy http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/; }
    }
--- request
POST /dev/up
0123456789abcdef
--- error_code: 413
--- response_body: {"message":"Request Too Long"}
--- response_headers
Content-Type: application/json
--- error_log
client intended to send too large body



=== TEST 8: gateway responses to HEAD requests have no body
--- config
    apigw_api petstore;
    apigw_stage dev {}
--- request
HEAD /dev/nothing
--- error_code: 403
--- response_body eval: ""
--- response_headers
Content-Length: 42
Content-Type: application/json
--- no_error_log
[error]



=== TEST 9: the error message reaches the variables
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
    add_header X-Error "$apigw_error_message|$apigw_error_response_type" always;
--- request
GET /dev/none
--- error_code: 403
--- response_headers
X-Error: Missing Authentication Token|MISSING_AUTHENTICATION_TOKEN
--- no_error_log
[error]



=== TEST 10: an error status set by the user's own nginx directives is AWS-shaped
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock;
            limit_except POST { deny all; }
        }
        apigw_method PUT {
            apigw_integration http_proxy http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/;
            return 405;
        }
    }
--- request eval
["GET /dev/pets", "PUT /dev/pets"]
--- error_code eval
[403, 405]
--- response_body eval
['{"message":"Forbidden"}', '{"message":"Method Not Allowed"}']



=== TEST 11: no resource or method and an Authorization header that is no SigV4 one: AWS parses it as SigV4 and answers its complaint (IncompleteSignatureException); without the header, or on a route that exists, nothing changes
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body=pets'; }
    }
--- request eval
["GET /dev/nowhere", "GET /dev/nowhere", "POST /dev/pets", "GET /dev/nowhere", "GET /dev/pets"]
--- more_headers eval
["Authorization: Bearer abc.def",
 "Authorization: Basic dXNlcjpwYXNzd29yZA==",
 "Authorization: Basic dXNlcjpwYXNzd29yZA==\r\nX-Amz-Date: 20261121T000000Z",
 "",
 "Authorization: Bearer abc.def"]
--- error_code eval
[403, 403, 403, 403, 200]
--- response_body eval
[qq|{"message":"Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '31xUL9zZyAlSdEwUtwhnc4s/kOVbd/iPF7n4gXswkoE='."}|,
 qq|{"message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. (Hashed with SHA-256 and encoded with Base64) Authorization=nAbVMu3wgTZZq0HSari6nKU7mFKW7kWEp580/pzXQ6Q="}|,
 qq|{"message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. (Hashed with SHA-256 and encoded with Base64) Authorization=nAbVMu3wgTZZq0HSari6nKU7mFKW7kWEp580/pzXQ6Q="}|,
 qq|{"message":"Missing Authentication Token"}|,
 "pets"]
--- raw_response_headers_like eval
["x-amzn-ErrorType: IncompleteSignatureException\r\n",
 "x-amzn-ErrorType: IncompleteSignatureException\r\n",
 "x-amzn-ErrorType: IncompleteSignatureException\r\n",
 "x-amzn-ErrorType: MissingAuthenticationTokenException\r\n",
 "HTTP/1.1 200 OK\r\n"]
--- no_error_log
[error]
