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
--- request eval
[("POST /dev/pets/42?a=1&a=2&b=x+y&c=%2B\n{\"name\":\"rex\"}") x 9]
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
--- request eval
[("PUT /dev/pets/7?a=1&a=2&b=x+y\nhello") x 5]
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
--- request eval
[("GET /dev/users/test%2Balias\@gmail.com?q=test+alias%40gmail.com") x 4]
--- response_body_like eval
[
qr/"path": "\/users\/test%2Balias\@gmail\.com"/,
qr/"queryStringParameters": \{"q": "test alias\@gmail\.com"\}/,
qr/"pathParameters": \{"email": "test%2Balias\@gmail\.com"\}/,
qr/"requestContext": \{.*"path": "\/dev\/users\/test%2Balias\@gmail\.com"/,
]
--- no_error_log
[error]



=== TEST 21: the 1.0 event escapes what JSON must; ill-formed UTF-8 becomes U+FFFD
Headers, query arguments (names and values, decoded) and the body:
quotes, backslashes, control characters, UTF-8 as it is, and U+FFFD for
each maximal ill-formed subpart (as Java's decoder on AWS makes them).
The echo function parses the event, so it must be valid JSON; it dumps
it back with Python's ensure_ascii.
--- config
    apigw_api petstore;
    location /echo {
        apigw_resource /echo;
        apigw_method POST { apigw_integration lambda echo proxy; }
    }
--- request eval
[("POST /echo?q=%01%22%5C%C3%A9%FF%E2%82x&%FF%22=v&z=%00&u=%F0%9F%98%80\n"
  . "a\"b\\c\x01\x1f\t\x7f\xc3\xa9\xf0\x9f\x98\x80\xff\xe2\x82|\xed\xa0\x80|\xc0\xaf") x 7]
--- more_headers eval
"X-Quote: say \"hi\" \\ back\nX-Utf: caf\xc3\xa9 \xff\xfe end\nX-Tab: a\tb\nContent-Type: text/plain"
--- error_code: 200
--- response_body_like eval
[map { qr/\Q$_\E/ }
 '"X-Quote": "say \"hi\" \\\\ back"',
 '"X-Utf": "caf\u00e9 \ufffd\ufffd end", "X-Tab": "a\tb"',
 '"X-Utf": ["caf\u00e9 \ufffd\ufffd end"]',
 '"queryStringParameters": {"q": "\u0001\"\\\\\u00e9\ufffd\ufffdx", "\ufffd\"": "v", "z": "\u0000", "u": "\ud83d\ude00"}',
 '"multiValueQueryStringParameters": {"q": ["\u0001\"\\\\\u00e9\ufffd\ufffdx"], "\ufffd\"": ["v"], "z": ["\u0000"], "u": ["\ud83d\ude00"]}',
 '"body": "a\"b\\\\c\u0001\u001f\t\u007f\u00e9\ud83d\ude00\ufffd\ufffd|\ufffd\ufffd\ufffd|\ufffd\ufffd", "isBase64Encoded": false}',
 '"queryStringParameters": {"q"']
--- no_error_log
[error]



=== TEST 22: the 2.0 event: repeated headers joined, cookies apart, escaped
--- config
    apigw_api petstore;
    location /echo2 {
        apigw_resource /echo2;
        apigw_method PUT {
            apigw_integration lambda echo proxy payload=2.0;
        }
    }
--- request eval
[("PUT /echo2?a=%22x%22&a=%5C&b=%C3%A9\nbody") x 5]
--- more_headers eval
"X-Multi: one\nx-multi: \"two\"\nX-MULTI: thr\xc3\xa9e\nCookie: c1=\"v 1\"; c2=v\\2\nCookie: c3=v3\nContent-Type: text/plain"
--- error_code: 200
--- response_body_like eval
[map { qr/\Q$_\E/ }
 '"rawQueryString": "a=%22x%22&a=%5C&b=%C3%A9", "cookies": ["c1=\"v 1\"", "c2=v\\\\2", "c3=v3"], "headers": {',
 '"x-multi": "one,\"two\",thr\u00e9e"',
 '"queryStringParameters": {"a": "\"x\",\\\\", "b": "\u00e9"}, "requestContext": {',
 '"body": "body", "isBase64Encoded": false}',
 '"content-type": "text/plain"']
--- response_body_unlike: "(?i:cookie)":
--- no_error_log
[error]



=== TEST 23: a repeated 1.0 header keeps its first name and place, its last value
--- config
    apigw_api petstore;
    location /echo {
        apigw_resource /echo;
        apigw_method GET { apigw_integration lambda echo proxy; }
    }
--- request eval
[("GET /echo") x 2]
--- more_headers
X-A: 1
X-B: b
x-a: 2
X-A: 3
--- response_body_like eval
[qr/"headers": \{[^}]*"X-A": "3", "X-B": "b"[,}]/,
 qr/"multiValueHeaders": \{[^}]*"X-A": \["1", "2", "3"\], "X-B": \["b"\][,}]/]
--- response_body_unlike: "x-a"
--- no_error_log
[error]



=== TEST 24: no query arguments, no body: null in 1.0, left out in 2.0
"?", "?&&" and "?=x" hold no argument: queryStringParameters and
multiValueQueryStringParameters are null, as AWS sends absent values.
--- config
    apigw_api petstore;
    location /echo {
        apigw_resource /echo;
        apigw_method GET { apigw_integration lambda echo proxy; }
    }
    location /echo2 {
        apigw_resource /echo2;
        apigw_method GET { apigw_integration lambda echo proxy payload=2.0; }
    }
--- request eval
["GET /echo?", "GET /echo?&&", "GET /echo?=x", "GET /echo?a",
 "GET /echo2?&", "GET /echo2?&", "GET /echo2?a&a=1"]
--- response_body_like eval
['"queryStringParameters": null, "multiValueQueryStringParameters": null, "pathParameters": null, "stageVariables": null, ',
 '"queryStringParameters": null, "multiValueQueryStringParameters": null, ',
 '"queryStringParameters": null, "multiValueQueryStringParameters": null, ',
 '"queryStringParameters": \{"a": ""\}, "multiValueQueryStringParameters": \{"a": \[""\]\}, .*"body": null, "isBase64Encoded": false\}$',
 '"rawQueryString": "&", "headers": \{[^}]*\}, "requestContext": \{',
 '"timeEpoch": \d+\}, "isBase64Encoded": false\}$',
 '"queryStringParameters": \{"a": ",1"\}, "requestContext"']
--- no_error_log
[error]



=== TEST 25: a 2.0 event carries a binary body base64-encoded
--- config
    apigw_api petstore;
    apigw_binary_media_types application/octet-stream;
    location /echo2 {
        apigw_resource /echo2;
        apigw_method POST { apigw_integration lambda echo proxy payload=2.0; }
    }
--- request eval
"POST /echo2\n\x00\x01\xfe\xff"
--- more_headers
Content-Type: application/octet-stream
--- response_body_like: "body": "AAH\+/w==", "isBase64Encoded": true\}$
--- no_error_log
[error]



=== TEST 26: a large body full of escapes, there and back
The function's result holds the event as a string: every quote and
backslash of the body is escaped twice on the way back.
--- config
    apigw_api petstore;
    location /echo {
        apigw_resource /echo;
        apigw_method POST { apigw_integration lambda echo proxy; }
    }
--- request eval
"POST /echo\n" . ("\"\\\xc3\xa9\x01" x 50000)
--- more_headers
Content-Type: text/plain
--- response_body_like: "body": "(?:\\"\\\\\\u00e9\\u0001){50000}", "isBase64Encoded": false\}$
--- no_error_log
[error]



=== TEST 27: the function's result read as jansson reads it
Of a repeated member the last counts, names may be escaped, header
values may be numbers and booleans.
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name helper;
        default_type application/json;

        location = /2015-03-31/functions/dup/invocations {
            return 200 '{"statusCode":200,"headers":{"X-A":"1","X-B":"b","X-A":"2"},"body":"first","body":"last"}';
        }

        location = /2015-03-31/functions/escaped/invocations {
            return 200 '{"status\u0043ode":201,"he\u0061ders":{"X-\u0041":"caf\u00e9 \\\"q\\\" \\\\"},"body":"\ud83d\ude00\\t\u002F"}';
        }

        location = /2015-03-31/functions/numbers/invocations {
            return 200 ' { "statusCode" : "202" , "headers" : { "X-I" : -0 , "X-R" : 0.1 , "X-E" : 1e3 , "X-B" : false , "X-N" : null } } ';
        }
    }
--- config
    apigw_api petstore;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    location /fn/dup {
        apigw_resource /fn/dup;
        apigw_method GET { apigw_integration lambda dup proxy; }
    }
    location /fn/escaped {
        apigw_resource /fn/escaped;
        apigw_method GET { apigw_integration lambda escaped proxy; }
    }
    location /fn/numbers {
        apigw_resource /fn/numbers;
        apigw_method GET { apigw_integration lambda numbers proxy; }
    }
--- request eval
["GET /fn/dup", "GET /fn/escaped", "GET /fn/numbers"]
--- error_code eval
[200, 201, 202]
--- response_body eval
["last", "\xf0\x9f\x98\x80\t/", ""]
--- response_headers eval
["X-A: 2\nX-B: b",
 "X-A: caf\xc3\xa9 \"q\" \\",
 "X-I: 0\nX-R: 0.10000000000000001\nX-E: 1000\nX-B: false\n!X-N"]
--- raw_response_headers_like eval
[qr/X-A: 2\r\nX-B: b\r\n/, qr/X-A: /, qr/X-I: /]
--- no_error_log
[error]



=== TEST 28: a result jansson rejects is malformed, whatever else it holds
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name helper;
        default_type application/json;

        location = /2015-03-31/functions/big-real/invocations {
            return 200 '{"statusCode":200,"body":"x","n":1e999}';
        }

        location = /2015-03-31/functions/big-int/invocations {
            return 200 '{"statusCode":200,"body":"x","n":99999999999999999999}';
        }

        location = /2015-03-31/functions/nul/invocations {
            return 200 '{"statusCode":200,"body":"x","s":"\u0000"}';
        }

        location = /2015-03-31/functions/surrogate/invocations {
            return 200 '{"statusCode":200,"body":"\ud800"}';
        }

        location = /2015-03-31/functions/trailing/invocations {
            return 200 '{"statusCode":200,"body":"x"} {}';
        }

        location = /2015-03-31/functions/comma/invocations {
            return 200 '{"statusCode":200,"body":"x",}';
        }

        location = /2015-03-31/functions/deep/invocations {
            return 200 '{"statusCode":200,"body":"x","d":[[[[[[[[[[]]]]]]]]]]}';
        }
    }
--- config
    apigw_api petstore;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    location /fn/big-real {
        apigw_resource /fn/big-real;
        apigw_method GET { apigw_integration lambda big-real proxy; }
    }
    location /fn/big-int {
        apigw_resource /fn/big-int;
        apigw_method GET { apigw_integration lambda big-int proxy; }
    }
    location /fn/nul {
        apigw_resource /fn/nul;
        apigw_method GET { apigw_integration lambda nul proxy; }
    }
    location /fn/surrogate {
        apigw_resource /fn/surrogate;
        apigw_method GET { apigw_integration lambda surrogate proxy; }
    }
    location /fn/trailing {
        apigw_resource /fn/trailing;
        apigw_method GET { apigw_integration lambda trailing proxy; }
    }
    location /fn/comma {
        apigw_resource /fn/comma;
        apigw_method GET { apigw_integration lambda comma proxy; }
    }
    location /fn/deep {
        apigw_resource /fn/deep;
        apigw_method GET { apigw_integration lambda deep proxy; }
    }
--- request eval
["GET /fn/big-real", "GET /fn/big-int", "GET /fn/nul", "GET /fn/surrogate",
 "GET /fn/trailing", "GET /fn/comma", "GET /fn/deep"]
--- error_code eval
[502, 502, 502, 502, 502, 502, 200]
--- response_body eval
[('{"message": "Internal server error"}') x 6, "x"]
--- error_log eval
[qr/malformed lambda response: real number overflow/,
 qr/malformed lambda response: too big integer/,
 qr/malformed lambda response: \\u0000 is not allowed/,
 qr/malformed lambda response: invalid Unicode/,
 qr/malformed lambda response: end of file expected/,
 qr/malformed lambda response: string or '\}' expected/]
--- no_error_log
[alert]



=== TEST 29: 2.0 passes a result without statusCode on as the function wrote it
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name helper;
        default_type application/json;

        location = /2015-03-31/functions/object/invocations {
            return 200 ' {"message" : "hi\u0021"}\n';
        }

        location = /2015-03-31/functions/string/invocations {
            return 200 '"caf\u00e9 \\"x\\""';
        }
    }
--- config
    apigw_api petstore;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    location /fn/object {
        apigw_resource /fn/object;
        apigw_method GET { apigw_integration lambda object proxy payload=2.0; }
    }
    location /fn/string {
        apigw_resource /fn/string;
        apigw_method GET { apigw_integration lambda string proxy payload=2.0; }
    }
--- request eval
["GET /fn/object", "GET /fn/string"]
--- error_code eval
[200, 200]
--- response_body eval
[" {\"message\" : \"hi\\u0021\"}\n", "caf\xc3\xa9 \"x\""]
--- response_headers eval
["Content-Type: application/json", "Content-Type: application/json"]
--- no_error_log
[error]



=== TEST 30: escapes that make the event several times larger than its first estimate
--- config
    apigw_api petstore;
    location /echo {
        apigw_resource /echo;
        apigw_method GET { apigw_integration lambda echo proxy; }
    }
--- request eval
[("GET /echo?q=" . ("%01" x 800) . "&r=" . ("%22" x 800)) x 3]
--- more_headers eval
"X-Ctl: " . ("\x01" x 3000) . "\nX-Ctl2: " . ("\x1f" x 3000)
--- response_body_like eval
[qr/"X-Ctl": "(?:\\u0001){3000}", "X-Ctl2": "(?:\\u001f){3000}"/,
 qr/"X-Ctl": \["(?:\\u0001){3000}"\], "X-Ctl2": \["(?:\\u001f){3000}"\]/,
 qr/"queryStringParameters": \{"q": "(?:\\u0001){800}", "r": "(?:\\"){800}"\}/]
--- no_error_log
[error]
