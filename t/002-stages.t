# Stages: the first path segment selects the stage, stage variables feed
# integration URIs, unknown stages are refused as on AWS.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the stage prefix is stripped before location matching
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_stage prod {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock;
            add_header X-Stage $apigw_stage;
            add_header X-Path $apigw_path;
            add_header X-Uri $uri;
        }
    }
--- request eval
["GET /dev/pets", "GET /prod/pets"]
--- response_headers eval
["X-Stage: dev\nX-Path: /dev/pets\nX-Uri: /pets",
 "X-Stage: prod\nX-Path: /prod/pets\nX-Uri: /pets"]
--- error_code eval
[200, 200]
--- no_error_log
[error]



=== TEST 2: an unknown stage is 403 Forbidden
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock; }
    }
--- request
GET /test/pets
--- error_code: 403
--- response_body: {"message":"Forbidden"}
--- response_headers
x-amzn-ErrorType: ForbiddenException
Content-Type: application/json
--- error_log
apigw: unknown stage "test"
--- no_error_log
[error]



=== TEST 3: no stage at all is 403 Forbidden
--- config
    apigw_api petstore;
    apigw_stage dev {}
--- request eval
["GET /", "GET //pets"]
--- error_code eval
[403, 403]
--- response_body eval
['{"message":"Forbidden"}', '{"message":"Forbidden"}']
--- no_error_log
[error]



=== TEST 4: stage names are case-sensitive
--- config
    apigw_api petstore;
    apigw_stage Prod {}
    location /p { apigw_resource /p; apigw_method GET { apigw_integration mock; } }
--- request eval
["GET /Prod/p", "GET /prod/p"]
--- error_code eval
[200, 403]
--- no_error_log
[error]



=== TEST 5: the stage root is the resource "/"
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = / {
        apigw_resource /;
        apigw_method GET { apigw_integration mock 'body=root'; }
    }
--- request eval
["GET /dev", "GET /dev/"]
--- response_body eval
["root", "root"]
--- no_error_log
[error]



=== TEST 6: without stages the API is served from the root as $default
--- config
    apigw_api petstore;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration mock;
            add_header X-Stage $apigw_stage;
        }
    }
--- request
GET /pets
--- response_headers
X-Stage: $default
--- no_error_log
[error]



=== TEST 7: stage variables select the backend of each stage
--- config
    apigw_api petstore;
    apigw_stage dev  { variable backend 127.0.0.1:$TEST_NGINX_BACKEND_PORT; variable tag one; }
    apigw_stage prod { variable backend 127.0.0.1:$TEST_NGINX_BACKEND_PORT2; variable tag two; }
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy "http://${stageVariables.backend}/pets/${stageVariables.tag}";
            add_header X-Var $apigw_stage_variable_tag;
        }
    }
--- request eval
["GET /dev/pets", "GET /prod/pets"]
--- response_body_like eval
['"host":"127.0.0.1:\d+".*"path":"/pets/one"', '"path":"/pets/two"']
--- response_headers eval
["X-Var: one", "X-Var: two"]
--- no_error_log
[error]



=== TEST 8: an undefined stage variable renders empty
--- config
    apigw_api petstore;
    apigw_stage dev { variable backend 127.0.0.1:$TEST_NGINX_BACKEND_PORT; }
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_integration http_proxy "http://${stageVariables.backend}/x${stageVariables.nope}y";
        }
    }
--- request
GET /dev/pets
--- response_body_like: "path":"/xy"
--- no_error_log
[error]
