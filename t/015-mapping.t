# Mapping templates and integration responses through nginx: MOCK
# integrations answering from templates, HTTP non-proxy integrations
# mapped both ways against the echo backend, parameter mappings,
# passthrough behaviours and $context overrides.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: MOCK: the request template's statusCode selects the response (AWS's example)
--- user_files
>>> mock-request.vtl
{
  #if( $input.params('scope') == "internal" )
    "statusCode": 200
  #else
    "statusCode": 500
  #end
}
--- config
    apigw_api mock;
    apigw_stage dev {}
    location /scope {
        apigw_resource /scope;
        apigw_method GET {
            apigw_integration mock;
            apigw_request_template application/json
                file=../html/mock-request.vtl;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"statusCode": 200, "message": "Go ahead without me"}';
            }
            apigw_integration_response "5\d{2}" status=500 {
                apigw_response_template application/json
                    '{"statusCode": 500, "message": "The invoked method is not supported on the API resource."}';
            }
        }
    }
--- request eval
["GET /dev/scope?scope=internal", "GET /dev/scope?scope=external", "GET /dev/scope"]
--- error_code eval
[200, 500, 500]
--- response_body eval
['{"statusCode": 200, "message": "Go ahead without me"}',
 '{"statusCode": 500, "message": "The invoked method is not supported on the API resource."}',
 '{"statusCode": 500, "message": "The invoked method is not supported on the API resource."}']
--- response_headers
Content-Type: application/json
--- no_error_log
[error]



=== TEST 2: MOCK without a request template: the default response
--- config
    apigw_api mock;
    apigw_stage dev {}
    location /d {
        apigw_resource /d;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response "5\d{2}" status=500 {}
            apigw_integration_response default status=201 {
                apigw_response_parameter method.response.header.X-Static
                                         "'yes'";
            }
        }
    }
--- request
GET /dev/d
--- error_code: 201
--- response_body:
--- response_headers
X-Static: yes
Content-Length: 0
--- no_error_log
[error]



=== TEST 3: MOCK: $context, $input.params() and $stageVariables in a response template
--- user_files
>>> r.vtl
{"stage": "$context.stage", "method": "$context.httpMethod", "resourcePath": "$context.resourcePath", "path": "$context.path", "id": "$input.params('id')", "q": "$input.params().querystring.q", "h": "$input.params('X-Thing')", "v": "$stageVariables.color", "sourceIp": "$context.identity.sourceIp", "ua": "$context.identity.userAgent", "rid": #if($context.requestId.length() == 36)true#{else}false#end, "missing": "$input.params('nope')"}
--- config
    apigw_api mock;
    apigw_stage dev { variable color blue; }
    location /things/ {
        apigw_resource "/things/{id}";
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json file=../html/r.vtl;
            }
        }
    }
--- request
GET /dev/things/7?q=a+b
--- more_headers
X-Thing: thing
User-Agent: agent/1
--- error_code: 200
--- response_body
{"stage": "dev", "method": "GET", "resourcePath": "/things/{id}", "path": "/dev/things/7", "id": "7", "q": "a b", "h": "thing", "v": "blue", "sourceIp": "127.0.0.1", "ua": "agent/1", "rid": true, "missing": ""}
--- no_error_log
[error]



=== TEST 4: MOCK: $context.responseOverride.status and headers are applied last
--- user_files
>>> o.vtl
#set($context.responseOverride.status = 418)
#set($context.responseOverride.header.X-Override = "over")
#set($context.responseOverride.header.X-Static = "replaced")
{"teapot": true}
--- config
    apigw_api mock;
    apigw_stage dev {}
    location /o {
        apigw_resource /o;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_parameter method.response.header.X-Static
                                         "'static'";
                apigw_response_template application/json file=../html/o.vtl;
            }
        }
    }
--- request
GET /dev/o
--- error_code: 418
--- response_body
{"teapot": true}
--- response_headers
X-Override: over
X-Static: replaced
--- no_error_log
[error]



=== TEST 5: HTTP: the request template makes the integration request's body
--- user_files
>>> req.vtl
#set($body = $input.path('$'))
{
  "name": "$util.escapeJavaScript($body.name)",
  "tags": [#foreach($t in $body.tags)"$t"#if($foreach.hasNext), #end#end],
  "count": $body.tags.size(),
  "raw": $input.json('$.nested')
}
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_request_template application/json file=../html/req.vtl;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '$input.path(\'$.body\')';
            }
        }
    }
--- request
POST /dev/pets
{"name": "Rex \"the\" dog", "tags": ["a", "b", "c"], "nested": {"x": [1, 2.5, null, true]}}
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body
{
  "name": "Rex \"the\" dog",
  "tags": ["a", "b", "c"],
  "count": 3,
  "raw": {"x":[1,2.5,null,true]}
}
--- no_error_log
[error]



=== TEST 6: HTTP: the integration request: method, path, mapped headers and query, no client headers
--- config
    apigw_api petstore;
    apigw_stage dev { variable version v2; }
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_integration http
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/${stageVariables.version}/items/{id}"
                method=POST;
            apigw_request_parameter integration.request.path.id
                                    method.request.path.petId;
            apigw_request_parameter integration.request.header.X-Pet
                                    method.request.querystring.pet;
            apigw_request_parameter integration.request.header.X-Static
                                    "'static value'";
            apigw_request_parameter integration.request.header.X-Stage
                                    stageVariables.version;
            apigw_request_parameter integration.request.header.X-Method
                                    context.httpMethod;
            apigw_request_parameter integration.request.querystring.kind
                                    method.request.header.X-Kind;
            apigw_request_parameter integration.request.querystring.all
                                    method.request.multivaluequerystring.a;
            apigw_request_parameter integration.request.header.X-Absent
                                    method.request.header.X-None;
        }
    }
--- request
GET /dev/pets/42?pet=rex&a=1&a=2%263&secret=1
--- more_headers
X-Kind: big dog
X-Client-Secret: s3cr3t
--- error_code: 200
--- response_body_like eval
[[
qr/"method":"POST","path":"\/v2\/items\/42","query":"kind=big%20dog&all=1&all=2%263"/,
qr/"x-pet":"rex"/,
qr/"x-static":"static value"/,
qr/"x-stage":"v2"/,
qr/"x-method":"GET"/,
qr/"body":""/,
]]
--- response_body_unlike eval
[qr/x-client-secret|secret=|x-absent|x-kind/i]
--- no_error_log
[error]



=== TEST 7: HTTP: request parameters from the body, by JSONPath
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_request_parameter integration.request.header.X-Name
                                    method.request.body.petstore.pets[0].name;
            apigw_request_parameter integration.request.header.X-Obj
                                    method.request.body.petstore.owner;
            apigw_request_parameter integration.request.header.X-None
                                    method.request.body.nothing.here;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '$input.json(\'$.headers\')';
            }
        }
    }
--- request
POST /dev/pets
{"petstore": {"pets": [{"name": "rex"}, {"name": "tom"}], "owner": {"id": 1}}}
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like eval
[[qr/"x-name":"rex"/, qr/"x-obj":"\{\\"id\\":1\}"/, qr/"content-type":"application\/json"/]]
--- response_body_unlike: x-none
--- no_error_log
[error]



=== TEST 8: passthrough WHEN_NO_MATCH: an unmapped content type goes through as is
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_request_template application/json '{"mapped": true}';
        }
    }
--- request eval
["POST /dev/pets\nplain text", "POST /dev/pets\nno content type"]
--- more_headers eval
["Content-Type: text/plain", ""]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/^\{"body":"plain text","headers":\{[^}]*"content-type":"text\/plain"/,
 qr/^\{"body":"\{\\"mapped\\": true\}","headers":\{[^}]*"content-type":"application\/json"/]
--- no_error_log
[error]



=== TEST 9: passthrough WHEN_NO_TEMPLATES and NEVER answer 415 as AWS does
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /a {
        apigw_resource /a;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_request_template application/xml '<mapped/>';
            apigw_passthrough_behavior WHEN_NO_TEMPLATES;
        }
    }
    location /b {
        apigw_resource /b;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_passthrough_behavior never;
        }
    }
    location /c {
        apigw_resource /c;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_passthrough_behavior WHEN_NO_TEMPLATES;
        }
    }
--- request eval
["POST /dev/a\n{}", "POST /dev/a\n<x/>", "POST /dev/b\n{}", "POST /dev/c\n{}"]
--- more_headers eval
["Content-Type: application/json", "Content-Type: application/xml; charset=utf-8",
 "Content-Type: application/json", "Content-Type: application/json"]
--- error_code eval
[415, 200, 415, 200]
--- response_body_like eval
[qr/^\{"message":"Unsupported Media Type"\}$/, qr/^\{"body":"<mapped\/>"/,
 qr/^\{"message":"Unsupported Media Type"\}$/, qr/^\{"body":"\{\}"/]
--- response_headers_like eval
["x-amzn-ErrorType: ^UnsupportedMediaTypeException\$", "", "x-amzn-ErrorType: ^UnsupportedMediaTypeException\$", ""]



=== TEST 10: integration responses selected by the backend's status
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /s/ {
        apigw_resource "/s/{code}";
        apigw_method GET {
            apigw_integration http
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/status/{code}";
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"ok": true, "was": $input.json(\'$.status\')}';
            }
            apigw_integration_response "4\d{2}" status=400 {
                apigw_response_template application/json
                    '{"error": "client", "was": $input.json(\'$.status\')}';
            }
            apigw_integration_response "404" status=404 {
                apigw_response_template application/json '{"error": "not found"}';
            }
            apigw_integration_response "50[23]" status=503 {}
        }
    }
--- request eval
["GET /dev/s/200", "GET /dev/s/404", "GET /dev/s/409", "GET /dev/s/500", "GET /dev/s/503"]
--- error_code eval
[200, 400, 400, 200, 503]
--- response_body eval
['{"ok": true, "was": 200}', '{"error": "client", "was": 404}',
 '{"error": "client", "was": 409}', '{"ok": true, "was": 500}',
 '{"status":503}']
--- no_error_log
[error]



=== TEST 11: response parameters from the integration's headers and body
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /h {
        apigw_resource /h;
        apigw_method GET {
            apigw_integration http
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/headers?X-Up=up-value&X-Hidden=no";
            apigw_integration_response default status=200 {
                apigw_response_parameter method.response.header.X-From-Up
                                         integration.response.header.X-Up;
                apigw_response_parameter method.response.header.X-Body
                                         integration.response.body;
                apigw_response_parameter method.response.header.Content-Type
                                         "'text/x-custom'";
                apigw_response_parameter method.response.header.X-Stage
                                         context.stage;
            }
        }
    }
--- request
GET /dev/h
--- error_code: 200
--- response_body: {}
--- response_headers
X-From-Up: up-value
X-Body: {}
Content-Type: text/x-custom
X-Stage: dev
!X-Hidden
!X-Backend
--- no_error_log
[error]



=== TEST 12: the response template is chosen by Accept
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/xml '<pet>rex</pet>';
                apigw_response_template application/json '{"pet": "rex"}';
                apigw_response_template text/plain 'rex';
            }
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["", "Accept: application/xml", "Accept: text/html, text/*;q=0.9",
 "Accept: */*", "Accept: image/png"]
--- response_body eval
['{"pet": "rex"}', '<pet>rex</pet>', 'rex', '{"pet": "rex"}', '{"pet": "rex"}']
--- response_headers_like eval
["Content-Type: ^application/json\$", "Content-Type: ^application/xml\$",
 "Content-Type: ^text/plain\$", "Content-Type: ^application/json\$",
 "Content-Type: ^application/json\$"]



=== TEST 13: a template that fails at run time answers 500 as AWS does
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /e {
        apigw_resource /e;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_request_template application/json '$util.parseJson($input.body)';
        }
    }
--- request
POST /dev/e
{not json
--- more_headers
Content-Type: application/json
--- error_code: 500
--- response_body: {"message": "Internal server error"}
--- error_log eval
qr/\[error\] .*apigw: mapping template failed at line 1, column \d+/



=== TEST 14: no integration response matches and none is the default: 500
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /s/ {
        apigw_resource "/s/{code}";
        apigw_method GET {
            apigw_integration http
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/status/{code}";
            apigw_integration_response "2\d{2}" status=200 {}
        }
    }
--- request eval
["GET /dev/s/201", "GET /dev/s/404"]
--- error_code eval
[200, 500]
--- response_body eval
['{"status":201}', '{"message": "Internal server error"}']



=== TEST 15: $context.requestOverride changes the integration request
--- user_files
>>> ro.vtl
#set($context.requestOverride.header.X-Over = "header-$input.params('n')")
#set($context.requestOverride.querystring.page = "2")
#set($context.requestOverride.path.item = "over ride")
{"n": "$input.params('n')"}
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /r {
        apigw_resource /r;
        apigw_method GET {
            apigw_integration http
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/items/{item}";
            apigw_request_parameter integration.request.path.item "'static'";
            apigw_request_parameter integration.request.header.X-Over "'mapped'";
            apigw_request_template application/json file=../html/ro.vtl;
        }
    }
--- request
GET /dev/r?n=7
--- error_code: 200
--- response_body_like eval
[[qr/"path":"\/items\/over%20ride","query":"page=2"/, qr/"x-over":"header-7"/,
 qr/^\{"body":"\{\\"n\\": \\"7\\"\}\\n"/]]
--- no_error_log
[error]



=== TEST 16: escaping: quotes, newlines, unicode and </script> through $util and $input.json
--- user_files
>>> esc.vtl
{"js": "$util.escapeJavaScript($input.path('$.s'))", "json": $input.json('$.s'), "url": "$util.urlEncode($input.path('$.s'))", "b64": "$util.base64Encode($input.path('$.u'))", "n": $input.json('$.n'), "b": $input.path('$.b'), "nul": "$input.path('$.z')", "missing": "$input.path('$.none')"}
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /esc {
        apigw_resource /esc;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_request_template application/json file=../html/esc.vtl;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '$input.path(\'$.body\')';
            }
        }
    }
--- request
POST /dev/esc
{"s": "a \"q\" 'b'\n</script> \u00e9", "u": "h\u00e9llo", "n": 1.50, "b": false, "z": null}
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body
{"js": "a \"q\" \'b\'\n<\/script> \u00E9", "json": "a \"q\" 'b'\n</script> é", "url": "a+%22q%22+%27b%27%0A%3C%2Fscript%3E+%C3%A9", "b64": "aMOpbGxv", "n": 1.5, "b": false, "nul": "", "missing": ""}
--- no_error_log
[error]



=== TEST 17: an HTTP integration with no integration response: 200, the body as it came, as JSON
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /s/ {
        apigw_resource "/s/{code}";
        apigw_method GET {
            apigw_integration http
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/status/{code}";
        }
    }
--- request
GET /dev/s/404
--- error_code: 200
--- response_body: {"status":404}
--- response_headers
Content-Type: application/json
--- no_error_log
[error]



=== TEST 18: HTTP_PROXY with request parameters: the client's request plus the mapped ones
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /p {
        apigw_resource /p;
        apigw_method GET {
            apigw_integration http_proxy http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/p;
            apigw_request_parameter integration.request.header.X-Added "'added'";
            apigw_request_parameter integration.request.header.X-Replaced "'new'";
            apigw_request_parameter integration.request.querystring.extra
                                    method.request.header.X-Extra;
        }
    }
--- request
GET /dev/p?q=1
--- more_headers
X-Replaced: old
X-Client: kept
X-Extra: e
--- error_code: 200
--- response_body_like eval
[[qr/"query":"q=1&extra=e"/, qr/"x-added":"added"/, qr/"x-replaced":"new"/,
 qr/"x-client":"kept"/]]
--- response_headers
X-Backend: echo
--- no_error_log
[error]



=== TEST 19: a large body through a request template (read back from the body file)
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /big {
        apigw_resource /big;
        client_max_body_size 2m;
        apigw_method POST {
            apigw_integration mock;
            client_body_buffer_size 1k;
            apigw_request_template application/json
                '{"statusCode": #if($input.body.length() == 300009)200#{else}500#end}';
            apigw_integration_response "200" status=200 {
                apigw_response_template application/json
                    '{"size": $input.params().header.get("Content-Length")}';
            }
            apigw_integration_response default status=500 {}
        }
    }
--- request eval
"POST /dev/big\n" . '{"a": "' . ("x" x 300000) . '"}'
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body: {"size": 300009}
--- no_error_log
[error]



=== TEST 20: HEAD through a mapped HTTP integration and a mapped MOCK
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /h {
        apigw_resource /h;
        apigw_method HEAD {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_integration_response default status=200 {
                apigw_response_template application/json '{"x": 1}';
            }
        }
    }
    location /m {
        apigw_resource /m;
        apigw_method HEAD {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json '{"x": 1}';
            }
        }
    }
--- request eval
["HEAD /dev/h", "HEAD /dev/m"]
--- error_code eval
[200, 200]
--- response_body eval
["", ""]
--- response_headers eval
["Content-Length: 8", "Content-Length: 8"]
--- no_error_log
[error]



=== TEST 21: a chunked request body through a request template
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /c {
        apigw_resource /c;
        apigw_method POST {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
            apigw_request_template application/json '{"got": $input.json(\'$.a\')}';
            apigw_integration_response default status=200 {
                apigw_response_template application/json '$input.path(\'$.body\')';
            }
        }
    }
--- raw_request eval
"POST /dev/c HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{\"a\":\r\n4\r\n [1]\r\n1\r\n}\r\n0\r\n\r\n"
--- error_code: 200
--- response_body: {"got": [1]}
--- no_error_log
[error]



=== TEST 22: apigw_template_undefined: empty (API Gateway's) or literal (Velocity's)
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /e {
        apigw_resource /e;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"a": "$foo", "b": "$!foo", "c": "$context.nothing", "d": "${bar.baz}"}';
            }
        }
    }
    location /l {
        apigw_resource /l;
        apigw_template_undefined literal;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"a": "$foo", "b": "$!foo", "c": "$context.nothing", "d": "${bar.baz}"}';
            }
        }
    }
--- request eval
["GET /dev/e", "GET /dev/l"]
--- response_body eval
['{"a": "", "b": "", "c": "", "d": ""}',
 '{"a": "$foo", "b": "", "c": "$context.nothing", "d": "${bar.baz}"}']



=== TEST 23: header names and values a template makes from client input cannot inject headers
--- user_files
>>> inj.vtl
#set($context.responseOverride.header[$input.params('n')] = $input.params('v'))
#set($context.requestOverride.header[$input.params('n')] = "x")
{}
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /i {
        apigw_resource /i;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json file=../html/inj.vtl;
            }
        }
    }
--- request eval
["GET /dev/i?n=X-Ok&v=fine", "GET /dev/i?n=X-Bad%0d%0aSet-Cookie:%20a=b&v=1", "GET /dev/i?n=X-V&v=a%0d%0aSet-Cookie:%20a=b"]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Ok: fine", "!Set-Cookie", "!Set-Cookie\n!X-V"]
--- error_log
invalid mapped header



=== TEST 24: CORS with a list of origins reads the client's Origin, though the mapping replaced the integration's headers
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors on origin=http://a.example,http://b.example;
    location /c {
        apigw_resource /c;
        apigw_method GET {
            apigw_integration http http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/echo;
        }
    }
--- request
GET /dev/c
--- more_headers
Origin: http://b.example
--- error_code: 200
--- response_headers
Access-Control-Allow-Origin: http://b.example



=== TEST 25: $context as a whole has every member of requestContext in its order; a template that names members gets those
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /w {
        apigw_resource /w;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '$context.keySet()|$context.identity.keySet()|$context.stage';
            }
        }
    }
    location /p {
        apigw_resource /p;
        apigw_method GET {
            apigw_integration mock;
            apigw_request_template application/json '{"statusCode": 200}';
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '$context.stage|$context.httpMethod|$context.resourcePath|$context.identity.sourceIp|$context.requestTimeEpoch.class.simpleName|[$!context.nothing]';
            }
        }
    }
--- request eval
["GET /dev/w", "GET /dev/p"]
--- response_body eval
["[accountId, apiId, domainName, domainPrefix, deploymentId, extendedRequestId, httpMethod, identity, path, protocol, requestId, requestTime, requestTimeEpoch, resourceId, resourcePath, stage, requestOverride, responseOverride]|[accessKey, accountId, caller, cognitoAuthenticationProvider, cognitoAuthenticationType, cognitoIdentityId, cognitoIdentityPoolId, principalOrgId, sourceIp, user, userAgent, userArn]|dev",
 "dev|GET|/p|127.0.0.1|Long|[]"]
--- no_error_log
[error]



=== TEST 26: $input.params() of odd input: ill-formed UTF-8 in names and values, NUL
The values come from the same text as a Lambda event: ill-formed UTF-8
is U+FFFD, "%00" a NUL character.
--- user_files
>>> odd.vtl
{"q": "$util.escapeJavaScript($input.params('q'))", "n": $input.params().querystring.size(), "keys": "#foreach($k in $input.params().querystring.keySet())$util.escapeJavaScript($k);#end", "h": "$util.escapeJavaScript($input.params('X-Utf'))", "nul": $input.params('z').length()}
--- config
    apigw_api mock;
    apigw_stage dev {}
    location /odd {
        apigw_resource /odd;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json file=../html/odd.vtl;
            }
        }
    }
--- request
GET /dev/odd?q=%C3%A9%FF&%FF=bad&z=a%00b
--- more_headers eval
"X-Utf: caf\xc3\xa9 \xff"
--- error_code: 200
--- response_body
{"q": "\u00E9\uFFFD", "n": 3, "keys": "q;\uFFFD;z;", "h": "caf\u00E9 \uFFFD", "nul": 3}
--- no_error_log
[error]
[alert]



=== TEST 27: method.request.querystring.NAME as AWS reads it: the name case-sensitive and decoded, the last of repeated arguments, "+" and %XX decoded in the value ("?" and %3F too)
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /q {
        apigw_resource /q;
        apigw_method GET {
            apigw_integration http "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/q";
            apigw_request_parameter integration.request.header.X-Kind
                                    method.request.querystring.kind;
            apigw_request_parameter integration.request.header.X-Upper
                                    method.request.querystring.Kind;
            apigw_request_parameter integration.request.header.X-Spaced
                                    "method.request.querystring.my key";
            apigw_request_parameter integration.request.header.X-None
                                    method.request.querystring.none;
            apigw_request_parameter integration.request.header.X-Question
                                    method.request.querystring.q;
        }
    }
--- request
GET /dev/q?Kind=Upper&kind=first&kind=big+dog%21&my%20key=v&KIND=x&q=why?so%3Fsure
--- error_code: 200
--- response_body_like eval
[[qr/"x-kind":"big dog!"/, qr/"x-upper":"Upper"/, qr/"x-spaced":"v"/,
  qr/"x-question":"why\?so\?sure"/]]
--- response_body_unlike eval
[qr/x-none|first/]
--- no_error_log
[error]



=== TEST 28: $input.params('x') alone: only the parameters named are made, and found as in the whole map (path, query string, header in any case; the last of repeated ones)
--- user_files
>>> np.vtl
{"id": "$input.params('id')", "x": "$input.params('x')", "h": "$input.params('h')", "hdr": "$input.params('x-hdr')", "HDR": "$input.params('X-HDR')", "y": "$input.params('y')", "Y": "$input.params('Y')", "none": "$input.params('none')", "e": "$util.escapeJavaScript($input.params('é'))"}
--- config
    apigw_api mock;
    apigw_stage dev {}
    location /np/ {
        apigw_resource "/np/{id}";
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json file=../html/np.vtl;
            }
        }
    }
--- request
GET /dev/np/7?x=q1&%78=q2&h=qh&Y=qy&id=fromquery&%C3%A9=%C3%A8
--- more_headers
X-Hdr: one
x-hdr: two
H: hh
Y-Other: o
--- error_code: 200
--- response_body
{"id": "7", "x": "q2", "h": "qh", "hdr": "two", "HDR": "two", "y": "", "Y": "qy", "none": "", "e": "\u00E8"}
--- no_error_log
[error]



=== TEST 29: the same lookups when a template uses $input.params() whole
--- user_files
>>> np.vtl
{"id": "$input.params('id')", "x": "$input.params('x')", "h": "$input.params('h')", "hdr": "$input.params('x-hdr')", "HDR": "$input.params('X-HDR')", "y": "$input.params('y')", "Y": "$input.params('Y')", "none": "$input.params('none')", "e": "$util.escapeJavaScript($input.params('é'))", "n": $input.params().querystring.size()}
--- config
    apigw_api mock;
    apigw_stage dev {}
    location /np/ {
        apigw_resource "/np/{id}";
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json file=../html/np.vtl;
            }
        }
    }
--- request
GET /dev/np/7?x=q1&%78=q2&h=qh&Y=qy&id=fromquery&%C3%A9=%C3%A8
--- more_headers
X-Hdr: one
x-hdr: two
H: hh
Y-Other: o
--- error_code: 200
--- response_body
{"id": "7", "x": "q2", "h": "qh", "hdr": "two", "HDR": "two", "y": "", "Y": "qy", "none": "", "e": "\u00E8", "n": 5}
--- no_error_log
[error]
