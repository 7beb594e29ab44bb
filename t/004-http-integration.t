# HTTP_PROXY and HTTP integrations through nginx's upstream machinery:
# what reaches the backend, what comes back, and AWS's answers when the
# backend fails or is slow.
use lib '.';
use t::APIGW 'no_plan';
use File::Temp ();

# a self-signed certificate for the TLS backend of TEST 15
my $certs = File::Temp::tempdir(CLEANUP => 1);
system("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost "
       . "-days 2 -keyout $certs/key.pem -out $certs/cert.pem "
       . ">/dev/null 2>&1") == 0 or die "openssl failed";
$ENV{TEST_NGINX_CERTS} = $certs;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: HTTP_PROXY passes method, path, query, headers and body
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method ANY {
            apigw_integration http_proxy
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/pets/{petId}";
        }
    }
--- request
PUT /dev/pets/42?a=1&b=two%20words
{"name":"rex"}
--- more_headers
X-Custom: hello
Content-Type: application/json
--- error_code: 200
--- response_body_like: ^\{"body":"\{\\"name\\":\\"rex\\"\}","headers":\{.*"content-type":"application/json".*"x-custom":"hello"\},"method":"PUT","path":"/pets/42","query":"a=1&b=two%20words"\}$
--- response_headers
X-Backend: echo
Content-Type: application/json
--- no_error_log
[error]



=== TEST 2: the backend's status and headers come back unchanged
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /s/ {
        apigw_resource "/s/{code}";
        apigw_method GET {
            apigw_integration http_proxy
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/status/{code}";
        }
    }
    location /h {
        apigw_resource /h;
        apigw_method GET {
            apigw_integration http_proxy
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/headers";
        }
    }
--- request eval
["GET /dev/s/404", "GET /dev/s/503", "GET /dev/h?X-Thing=1&Cache-Control=no-store"]
--- error_code eval
[404, 503, 200]
--- response_body eval
['{"status":404}', '{"status":503}', '{}']
--- response_headers eval
["!x-amzn-ErrorType", "!x-amzn-ErrorType", "X-Thing: 1\nCache-Control: no-store"]
--- no_error_log
[error]



=== TEST 3: path parameters are URI-encoded again in the integration URI
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /files/ {
        apigw_resource "/files/{proxy+}";
        apigw_method ANY {
            apigw_integration http_proxy
                "http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/store/{proxy}";
        }
    }
--- request
GET /dev/files/a%20b/c%3Fd.txt?x=%2F
--- response_body_like: "path":"/store/a%20b/c%3Fd.txt","query":"x=%2F"
--- no_error_log
[error]



=== TEST 4: upstream{} blocks are reachable by name, with keepalive
--- http_config
    upstream petstore_backend {
        server 127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        keepalive 4;
    }
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy http://petstore_backend/pets;
            proxy_set_header Connection "";
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- response_body_like eval
['"host":"petstore_backend".*"path":"/pets"', '"path":"/pets"']
--- no_error_log
[error]



=== TEST 5: an unreachable backend is 500 Internal server error
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /down {
        apigw_resource /down;
        apigw_method GET {
            apigw_integration http_proxy http://127.0.0.1:1/;
        }
    }
--- request
GET /dev/down
--- error_code: 500
--- response_body: {"message": "Internal server error"}
--- response_headers
x-amzn-ErrorType: InternalServerErrorException
Content-Type: application/json
Content-Length: 36
--- error_log
connect() failed



=== TEST 6: a backend that closes without answering is 500 too
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /close {
        apigw_resource /close;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/close;
        }
    }
--- request
GET /dev/close
--- error_code: 500
--- response_body: {"message": "Internal server error"}
--- error_log
upstream prematurely closed connection



=== TEST 7: the integration timeout gives 504 Endpoint request timed out
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /slow {
        apigw_resource /slow;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/sleep/3 timeout=300ms;
        }
    }
--- request
GET /dev/slow
--- error_code: 504
--- response_body: {"message":"Endpoint request timed out"}
--- response_headers
Content-Type: application/json
--- error_log
upstream timed out



=== TEST 8: proxy timeouts set in the method block win over timeout=
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /slow {
        apigw_resource /slow;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/sleep/0.5 timeout=100ms;
            proxy_read_timeout 5s;
        }
    }
--- request
GET /dev/slow
--- error_code: 200
--- response_body_like: "method":"GET"
--- no_error_log
[error]



=== TEST 9: a chunked backend response is passed through
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /c {
        apigw_resource /c;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/chunked;
        }
    }
--- request
GET /dev/c
--- response_body: chunk1chunk2chunk3
--- no_error_log
[error]



=== TEST 10: HTTP (non-proxy) forwards the body, not the headers or query
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /np {
        apigw_resource /np;
        apigw_method POST {
            apigw_integration http
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/target method=PUT;
        }
    }
--- request
POST /dev/np?q=1
payload
--- more_headers
X-Custom: hello
Content-Type: text/plain
--- error_code: 200
--- response_body_like: ^\{"body":"payload","headers":\{[^}]*"content-type":"text/plain"[^}]*\},"method":"PUT","path":"/target","query":""\}$
--- response_body_unlike: x-custom
--- response_headers
Content-Type: application/json
!X-Backend
--- no_error_log
[error]



=== TEST 11: HTTP (non-proxy) answers the default integration response: 200
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /np {
        apigw_resource /np;
        apigw_method GET {
            apigw_integration http
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/status/404;
        }
    }
--- request
GET /dev/np
--- error_code: 200
--- response_body: {"status":404}
--- no_error_log
[error]



=== TEST 12: integration status and latency reach the variables
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /s {
        apigw_resource /s;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/status/201;
            add_header X-Integration "$apigw_integration_status $apigw_integration_latency" always;
        }
    }
    location /m {
        apigw_resource /m;
        apigw_method GET {
            apigw_integration mock status=202;
            add_header X-Integration "$apigw_integration_status $apigw_integration_latency" always;
        }
    }
--- request eval
["GET /dev/s", "GET /dev/m"]
--- error_code eval
[201, 202]
--- response_headers_like eval
["X-Integration: ^201 \\d+\$", "X-Integration: ^202 0\$"]
--- no_error_log
[error]



=== TEST 13: large responses stream through
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /big {
        apigw_resource /big;
        apigw_method GET {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/big/1000000;
        }
    }
--- request
GET /dev/big
--- response_body eval: "x" x 1000000
--- no_error_log
[error]



=== TEST 14: a large request body reaches the backend
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /up {
        apigw_resource /up;
        apigw_method POST {
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/up;
            client_body_buffer_size 1k;
        }
    }
--- request eval
"POST /dev/up\n" . ("y" x 100000)
--- response_body_like: "body":"(?:y{50000}){2}"
--- no_error_log
[error]



=== TEST 15: https:// integrations go over TLS
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        ssl_certificate $TEST_NGINX_CERTS/cert.pem;
        ssl_certificate_key $TEST_NGINX_CERTS/key.pem;
        location / { return 200 "tls $ssl_protocol $request_uri"; }
    }
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /secure {
        apigw_resource /secure;
        apigw_method GET {
            apigw_integration http_proxy https://127.0.0.1:$TEST_NGINX_TLS_PORT/backend;
        }
    }
--- request
GET /dev/secure?x=1
--- response_body_like: ^tls TLSv1\.[23] /backend\?x=1$
--- no_error_log
[error]
