# Resources and methods: path templates, path parameters, greedy
# parameters, method selection, and AWS's answer to everything else.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    return if defined $block->http_config;
    $block->set_value(http_config => <<'_EOC_');
    log_format apigw '$apigw_resource_path $apigw_http_method';
_EOC_
});

run_tests();

__DATA__

=== TEST 1: path parameters are extracted
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_integration mock;
            add_header X-Pet $apigw_path_param_petId;
            add_header X-Resource $apigw_resource_path;
            add_header X-Resource-Id $apigw_resource_id;
        }
    }
--- request
GET /dev/pets/42
--- error_code: 200
--- response_headers
X-Pet: 42
X-Resource: /pets/{petId}
--- response_headers_like
X-Resource-Id: ^[a-z0-9]{6}$
--- no_error_log
[error]



=== TEST 2: several parameters, percent-encoded as sent (as on AWS)
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /users/ {
        apigw_resource "/users/{userId}/orders/{orderId}";
        apigw_method GET {
            apigw_integration mock;
            add_header X-Ids "$apigw_path_param_userId:$apigw_path_param_orderId";
        }
    }
--- request
GET /dev/users/a%20b/orders/7
--- response_headers
X-Ids: a%20b:7
--- no_error_log
[error]



=== TEST 3: a location match that the template refuses is an unknown resource
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
--- request eval
["GET /dev/petsfoo", "GET /dev/pets/1", "GET /dev/pets"]
--- error_code eval
[403, 403, 200]
--- response_body eval
['{"message":"Missing Authentication Token"}',
 '{"message":"Missing Authentication Token"}', ""]
--- no_error_log
[error]



=== TEST 4: the unknown-resource answer, headers included
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
--- request
GET /dev/random-non-existing
--- error_code: 403
--- response_body: {"message":"Missing Authentication Token"}
--- response_headers
x-amzn-ErrorType: MissingAuthenticationTokenException
Content-Type: application/json
Content-Length: 42
--- response_headers_like
x-amzn-RequestId: ^[0-9a-f-]{36}$
--- no_error_log
[error]



=== TEST 5: an undefined method is an unknown resource too
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
--- request eval
["POST /dev/pets\nbody", "DELETE /dev/pets", "HEAD /dev/pets"]
--- error_code eval
[403, 403, 403]
--- response_headers eval
["x-amzn-ErrorType: MissingAuthenticationTokenException",
 "x-amzn-ErrorType: MissingAuthenticationTokenException",
 "x-amzn-ErrorType: MissingAuthenticationTokenException"]
--- no_error_log
[error]



=== TEST 6: a specific method wins over ANY
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method ANY { apigw_integration mock 'body=any'; }
        apigw_method POST { apigw_integration mock 'body=post'; }
    }
--- request eval
["GET /dev/pets", "POST /dev/pets\nx", "PATCH /dev/pets", "DELETE /dev/pets"]
--- response_body eval
["any", "post", "any", "any"]
--- no_error_log
[error]



=== TEST 7: greedy parameters take the rest of the path
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /files/ {
        apigw_resource "/files/{proxy+}";
        apigw_method ANY {
            apigw_integration mock;
            add_header X-Proxy $apigw_path_param_proxy;
        }
    }
--- request eval
["GET /dev/files/a", "GET /dev/files/a/b/c.txt", "GET /dev/files/"]
--- error_code eval
[200, 200, 403]
--- response_headers eval
["X-Proxy: a", "X-Proxy: a/b/c.txt", "!X-Proxy"]
--- no_error_log
[error]



=== TEST 8: a trailing slash matches the resource
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body=pets'; }
    }
--- request
GET /dev/pets/
--- response_body: pets
--- no_error_log
[error]



=== TEST 9: locations of the API without a resource or handler are unknown
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
    location /static/ { root html; }
--- user_files
>>> static/a.txt
secret
--- request eval
["GET /dev/static/a.txt", "GET /dev/"]
--- error_code eval
[403, 403]
--- no_error_log
[error]



=== TEST 10: locations with a handler of their own stay the user's
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /health { return 200 "up\n"; }
--- request
GET /dev/health
--- response_body
up
--- no_error_log
[error]



=== TEST 11: ordinary nginx directives work inside a method block
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock;
            add_header X-In-Method get;
        }
        apigw_method DELETE {
            deny all;
            apigw_integration mock;
        }
    }
--- request eval
["GET /dev/pets", "DELETE /dev/pets"]
--- error_code eval
[200, 403]
--- response_headers eval
["X-In-Method: get", "x-amzn-ErrorType: AccessDeniedException"]
--- response_body eval
["", '{"message":"Forbidden"}']



=== TEST 12: methods are matched case-sensitively, as HTTP says
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method get { apigw_integration mock; }
    }
--- raw_request eval
"get /dev/pets HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
--- error_code: 400
--- no_error_log
[alert]
