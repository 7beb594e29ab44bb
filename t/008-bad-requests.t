# Hostile requests: no crash, no alert, an AWS-style answer.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(config => <<'_EOC_') unless defined $block->config;
    apigw_api petstore;
    apigw_stage dev {}
    large_client_header_buffers 4 16k;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body=pets'; }
    }
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_integration mock;
            add_header X-Pet $apigw_path_param_petId;
        }
    }
    location /files/ {
        apigw_resource "/files/{proxy+}";
        apigw_method GET {
            apigw_integration http_proxy
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/store/{proxy}";
        }
    }
_EOC_
    $block->set_value(no_error_log => "[alert]\n[crit]\n[emerg]\nsanitizer")
        unless defined $block->no_error_log;
});

run_tests();

__DATA__

=== TEST 1: an encoded slash in a parameter does not split it from the stage
--- request
GET /dev%2Fpets
--- error_code: 403
--- response_body: {"message":"Forbidden"}



=== TEST 2: an encoded slash stays inside its path parameter, as on AWS
--- request
GET /dev/pets/a%2Fb
--- error_code: 200
--- response_headers
X-Pet: a%2Fb



=== TEST 3: dot segments are resolved before routing
--- request eval
["GET /dev/pets/../pets", "GET /dev/x/../pets", "GET /dev/../dev/pets"]
--- error_code eval
[200, 200, 200]
--- response_body eval
["pets", "pets", "pets"]



=== TEST 4: dot segments cannot climb above the stage into another file
--- request
GET /dev/files/../../../etc/passwd
--- error_code: 400



=== TEST 5: encoded dot segments are passed on as sent, plain ones resolved
--- request eval
["GET /dev/files/a/%2e%2e/b", "GET /dev/files/a/../../b"]
--- error_code eval
[200, 403]
--- response_body_like eval
['"path":"/store/a/%2e%2e/b"', 'Missing Authentication Token']



=== TEST 6: an 8 KB path
--- request eval
"GET /dev/pets/" . ("a" x 8192)
--- error_code: 200
--- response_headers_like eval
"X-Pet: ^a{8192}\$"



=== TEST 7: a 20 KB path is refused by nginx before routing
--- request eval
"GET /dev/pets/" . ("a" x 20000)
--- error_code: 414



=== TEST 8: invalid UTF-8 in the path
--- request
GET /dev/pets/%ff%fe%c3%28
--- error_code: 200
--- response_headers
X-Pet: %ff%fe%c3%28



=== TEST 9: invalid UTF-8 in an unknown path
--- request
GET /dev/%ff%fe
--- error_code: 403
--- response_body: {"message":"Missing Authentication Token"}



=== TEST 10: a NUL byte in the path
--- request
GET /dev/pets/a%00b
--- error_code: 400



=== TEST 11: a huge header
--- request
GET /dev/pets
--- more_headers eval
"X-Big: " . ("b" x 15000)
--- error_code: 200



=== TEST 12: headers larger than the buffers
--- request
GET /dev/pets
--- more_headers eval
"X-Big: " . ("b" x 40000)
--- error_code: 400



=== TEST 13: many headers
--- request
GET /dev/pets
--- more_headers eval
CORE::join("\n", map { "X-H$_: $_" } 1 .. 500)
--- error_code: 200
--- response_body: pets



=== TEST 14: a bad method name
--- raw_request eval
"G3T /dev/pets HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
--- error_code: 400



=== TEST 15: an unknown but valid method
--- raw_request eval
"PROPFIND /dev/pets HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
--- error_code: 403
--- response_body: {"message":"Missing Authentication Token"}



=== TEST 16: a query string full of junk
--- request
GET /dev/files/x?%zz&&==&a=%ff%00&b[]=1
--- error_code: 200
--- response_body_like: "query":"%zz&&==&a=%ff%00&b\[\]=1"



=== TEST 17: an absolute URI in the request line
--- raw_request eval
"GET http://localhost/dev/pets HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
--- error_code: 200
--- response_body: pets



=== TEST 18: pipelined requests keep their own request ids
--- pipelined_requests eval
["GET /dev/pets", "GET /dev/nothing", "GET /dev/pets"]
--- error_code eval
[200, 403, 200]
--- response_body eval
["pets", '{"message":"Missing Authentication Token"}', "pets"]
