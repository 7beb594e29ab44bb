# Lambda proxy integrations through the Invoke API, against the local
# runtime (tools/lambda_runtime.py) running the handler files of
# t/lib/lambda: AWS's event formats 1.0 and 2.0 and its response rules.
use lib '.';
use t::APIGW 'no_plan';

t::APIGW::start_lambda_runtime();

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config =>
        "    apigw_lambda_endpoint http://127.0.0.1:$ENV{TEST_NGINX_LAMBDA_PORT};\n"
        . ($block->http_config // ''));
});

run_tests();

__DATA__

=== TEST 1: GET /dev/hello answers "Hello from Lambda!" from AWS's tutorial handler
--- config
    apigw_api hello;
    apigw_stage dev {}
    location /hello {
        apigw_resource /hello;
        apigw_method GET { apigw_integration lambda hello proxy; }
    }
--- request
GET /dev/hello
--- error_code: 200
--- response_body: "Hello from Lambda!"
--- response_headers
Content-Type: application/json
Content-Length: 20
--- response_headers_like
x-amzn-RequestId: ^[0-9a-f-]{36}$
--- no_error_log
[error]



=== TEST 2: the 1.0 event
--- config
    apigw_api petstore id=abc1234567;
    apigw_stage dev { variable alias live; }
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method ANY { apigw_integration lambda echo proxy; }
    }
--- request
POST /dev/pets/42?a=1&a=2&b=x+y&c=%2B
{"name":"rex"}
--- more_headers
X-Custom: one
x-custom: two
Content-Type: application/json
User-Agent: tester/1.0
--- error_code: 200
--- response_body_like eval
[
qr/^\{"resource": "\/pets\/\{petId\}", "path": "\/pets\/42", "httpMethod": "POST", /,
qr/"headers": \{[^}]*"X-Custom": "two"/,
qr/"multiValueHeaders": \{[^}]*"X-Custom": \["one", "two"\]/,
qr/"queryStringParameters": \{"a": "2", "b": "x y", "c": "\+"\}, "multiValueQueryStringParameters": \{"a": \["1", "2"\], "b": \["x y"\], "c": \["\+"\]\}/,
qr/"pathParameters": \{"petId": "42"\}, "stageVariables": \{"alias": "live"\}/,
qr/"requestContext": \{"accountId": "\d{12}", "apiId": "abc1234567", /,
qr/"identity": \{"accessKey": null, .*"sourceIp": "127\.0\.0\.1", "user": null, "userAgent": "tester\/1\.0", "userArn": null\}/,
qr/"path": "\/dev\/pets\/42", "protocol": "HTTP\/1\.1", "requestId": "[0-9a-f-]{36}", "requestTime": "\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000", "requestTimeEpoch": \d{13}, "resourceId": "\w{6}", "resourcePath": "\/pets\/\{petId\}", "stage": "dev"\}/,
qr/"body": "\{\\"name\\":\\"rex\\"\}", "isBase64Encoded": false\}$/,
]
--- no_error_log
[error]



=== TEST 3: the 1.0 event of a GET without query, parameters or stage variables
--- config
    apigw_api petstore;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration lambda echo proxy; }
    }
--- request
GET /pets
--- response_body_like: "queryStringParameters": null, "multiValueQueryStringParameters": null, "pathParameters": null, "stageVariables": null, .*"stage": "\$default"\}, "body": null, "isBase64Encoded": false\}$
--- no_error_log
[error]



=== TEST 4: the 2.0 event
--- config
    apigw_api petstore;
    apigw_stage dev { variable alias live; }
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method ANY { apigw_integration lambda echo proxy payload=2.0; }
    }
--- request
PUT /dev/pets/7?a=1&a=2&b=x+y
hello
--- more_headers
X-Custom: one
X-CUSTOM: two
Cookie: c1=v1; c2=v2
--- response_body_like eval
[
qr/^\{"version": "2\.0", "routeKey": "ANY \/pets\/\{petId\}", "rawPath": "\/dev\/pets\/7", "rawQueryString": "a=1&a=2&b=x\+y", "cookies": \["c1=v1", "c2=v2"\], "headers": \{/,
qr/"x-custom": "one,two"/,
qr/"queryStringParameters": \{"a": "1,2", "b": "x y"\}, "pathParameters": \{"petId": "7"\}, "stageVariables": \{"alias": "live"\}/,
qr/"http": \{"method": "PUT", "path": "\/dev\/pets\/7", "protocol": "HTTP\/1\.1", "sourceIp": "127\.0\.0\.1", /,
qr/"routeKey": "ANY \/pets\/\{petId\}", "stage": "dev", "time": "[^"]+", "timeEpoch": \d{13}\}, "body": "hello", "isBase64Encoded": false\}$/,
]
--- response_body_unlike: "cookie"
--- no_error_log
[error]



=== TEST 5: response shapes of payload 1.0
--- config
    apigw_api petstore;
    location /shape {
        apigw_resource /shape;
        apigw_method GET { apigw_integration lambda shape proxy; }
    }
--- request eval
["GET /shape?shape=plain", "GET /shape?shape=multi", "GET /shape?shape=types",
 "GET /shape?shape=content-type", "GET /shape?shape=empty"]
--- error_code eval
[201, 200, 202, 200, 204]
--- response_body eval
["created", "multi", "", "<p>hi</p>", ""]
--- response_headers eval
["X-One: 1\nContent-Type: application/json",
 "X-Single: s\nX-Multi: a, b\nX-Both: m1, m2",
 "X-Num: 5\nX-Bool: true",
 "Content-Type: text/html; charset=utf-8",
 ""]
--- no_error_log
[error]



=== TEST 6: multiValueHeaders send every value
--- config
    apigw_api petstore;
    location /shape {
        apigw_resource /shape;
        apigw_method GET { apigw_integration lambda shape proxy; }
    }
--- request
GET /shape?shape=multi
--- raw_response_headers_like: X-Multi: a\r\nX-Multi: b\r\n
--- raw_response_headers_unlike: from-headers
--- no_error_log
[error]



=== TEST 7: base64 bodies are decoded
--- config
    apigw_api petstore;
    location /shape {
        apigw_resource /shape;
        apigw_method GET { apigw_integration lambda shape proxy; }
    }
--- request
GET /shape?shape=binary
--- response_body eval: "\x00\x01binary\xff"
--- response_headers
Content-Type: application/octet-stream
Content-Length: 9
--- no_error_log
[error]



=== TEST 8: malformed 1.0 responses are 502 Internal server error
--- config
    apigw_api petstore;
    location /shape {
        apigw_resource /shape;
        apigw_method GET { apigw_integration lambda shape proxy; }
    }
--- request eval
["GET /shape?shape=string", "GET /shape?shape=no-status",
 "GET /shape?shape=bad-status", "GET /shape?shape=body-object",
 "GET /shape?shape=bad-headers", "GET /shape?shape=bad-base64",
 "GET /shape?shape=splitting"]
--- error_code eval
[502, 502, 502, 502, 502, 502, 502]
--- response_body eval
['{"message": "Internal server error"}', '{"message": "Internal server error"}',
 '{"message": "Internal server error"}', '{"message": "Internal server error"}',
 '{"message": "Internal server error"}', '{"message": "Internal server error"}',
 '{"message": "Internal server error"}']
--- response_headers eval
["x-amzn-ErrorType: InternalServerErrorException", "", "", "", "", "", "!X-Evil"]
--- error_log
apigw: malformed lambda proxy response
--- no_error_log
[alert]



=== TEST 9: payload 2.0 infers a response when there is no statusCode
--- config
    apigw_api petstore;
    location /shape {
        apigw_resource /shape;
        apigw_method GET { apigw_integration lambda shape proxy payload=2.0; }
    }
--- request eval
["GET /shape?shape=string", "GET /shape?shape=object", "GET /shape?shape=number",
 "GET /shape?shape=cookies"]
--- error_code eval
[200, 200, 200, 200]
--- response_body eval
["just a string", '{"message": "Hello from Lambda!"}', "42", "cookies"]
--- response_headers eval
["Content-Type: application/json", "Content-Type: application/json", "",
 "!Cookie"]
--- no_error_log
[error]



=== TEST 10: payload 2.0 cookies become Set-Cookie headers
--- config
    apigw_api petstore;
    location /shape {
        apigw_resource /shape;
        apigw_method GET { apigw_integration lambda shape proxy payload=2.0; }
    }
--- request
GET /shape?shape=cookies
--- raw_response_headers_like: Set-Cookie: a=1; Path=/\r\nSet-Cookie: b=2\r\n
--- no_error_log
[error]



=== TEST 11: a function error is 502; HTTP APIs say Internal Server Error
--- config
    apigw_api petstore;
    location /fail {
        apigw_resource /fail;
        apigw_method GET { apigw_integration lambda fail proxy; }
    }
    location /fail2 {
        apigw_resource /fail2;
        apigw_method GET { apigw_integration lambda fail proxy payload=2.0; }
    }
--- request eval
["GET /fail", "GET /fail2"]
--- error_code eval
[502, 500]
--- response_body eval
['{"message": "Internal server error"}', '{"message":"Internal Server Error"}']
--- error_log
apigw: lambda function error
something went wrong



=== TEST 12: an unknown function is 500 Internal server error
--- config
    apigw_api petstore;
    apigw_stage dev { variable alias live; }
    location /nope {
        apigw_resource /nope;
        apigw_method GET {
            apigw_integration lambda "nope:${stageVariables.alias}" proxy;
        }
    }
--- request
GET /dev/nope
--- error_code: 500
--- response_body: {"message": "Internal server error"}
--- error_log
apigw: lambda invoke failed with status 404
/functions/nope/invocations?Qualifier=live



=== TEST 13: a stage variable picks the function's alias
--- config
    apigw_api petstore;
    apigw_stage dev  { variable fn echo; }
    apigw_stage prod { variable fn hello; }
    location /x {
        apigw_resource /x;
        apigw_method GET { apigw_integration lambda "${stageVariables.fn}" proxy; }
    }
--- request eval
["GET /dev/x", "GET /prod/x"]
--- response_body_like eval
['"resource": "/x"', '^"Hello from Lambda!"$']
--- no_error_log
[error]



=== TEST 14: the integration timeout gives 504
--- config
    apigw_api petstore;
    location /slow {
        apigw_resource /slow;
        apigw_method POST { apigw_integration lambda slow proxy timeout=500ms; }
    }
--- request
POST /slow
--- error_code: 504
--- response_body: {"message":"Endpoint request timed out"}
--- error_log
upstream timed out



=== TEST 15: an unreachable Lambda endpoint is 500
--- config
    apigw_api petstore;
    apigw_lambda_endpoint http://127.0.0.1:1;
    location /hello {
        apigw_resource /hello;
        apigw_method GET { apigw_integration lambda hello proxy; }
    }
--- request
GET /hello
--- error_code: 500
--- response_body: {"message": "Internal server error"}
--- error_log
connect() failed



=== TEST 16: a large request body reaches the function
--- config
    apigw_api petstore;
    location /echo {
        apigw_resource /echo;
        apigw_method POST { apigw_integration lambda echo proxy; }
    }
--- request eval
"POST /echo\n" . ("z" x 300000)
--- response_body_like: "body": "z{30000}(?:z{30000}){9}"
--- no_error_log
[error]



=== TEST 17: HEAD gets the headers of the function's response, no body
--- config
    apigw_api petstore;
    location /hello {
        apigw_resource /hello;
        apigw_method HEAD { apigw_integration lambda hello proxy; }
    }
--- request
HEAD /hello
--- error_code: 200
--- response_headers
Content-Length: 20
--- response_body eval: ""
--- no_error_log
[error]



=== TEST 18: binary media types reach the function base64-encoded
--- config
    apigw_api petstore;
    apigw_binary_media_types image/* application/octet-stream;
    location /echo {
        apigw_resource /echo;
        apigw_method POST { apigw_integration lambda echo proxy; }
    }
--- request eval
["POST /echo\n\x00\x01\xfe\xffpng", "POST /echo\n\x00\x01\xfe\xffbin",
 "POST /echo\nplain text"]
--- more_headers eval
["Content-Type: image/png", "Content-Type: application/octet-stream; x=1",
 "Content-Type: text/plain"]
--- response_body_like eval
['"body": "AAH\+/3BuZw==", "isBase64Encoded": true\}$',
 '"body": "AAH\+/2Jpbg==", "isBase64Encoded": true\}$',
 '"body": "plain text", "isBase64Encoded": false\}$']
--- no_error_log
[error]



=== TEST 19: without binary media types, invalid UTF-8 arrives as U+FFFD
--- config
    apigw_api petstore;
    location /echo {
        apigw_resource /echo;
        apigw_method POST { apigw_integration lambda echo proxy; }
    }
--- request eval
"POST /echo\nab\xffcd"
--- response_body_like: "body": "ab\\ufffdcd", "isBase64Encoded": false\}$
--- no_error_log
[error]



=== TEST 20: path and path parameters keep their percent-encoding, as on AWS
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /users/ {
        apigw_resource "/users/{email}";
        apigw_method GET { apigw_integration lambda echo proxy; }
    }
--- request
GET /dev/users/test%2Balias@gmail.com?q=test+alias%40gmail.com
--- response_body_like eval
[
qr/"path": "\/users\/test%2Balias\@gmail\.com"/,
qr/"queryStringParameters": \{"q": "test alias\@gmail\.com"\}/,
qr/"pathParameters": \{"email": "test%2Balias\@gmail\.com"\}/,
qr/"requestContext": \{.*"path": "\/dev\/users\/test%2Balias\@gmail\.com"/,
]
--- no_error_log
[error]
