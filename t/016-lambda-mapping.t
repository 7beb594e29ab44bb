# Non-proxy Lambda integrations: the request template makes the payload,
# integration responses are selected by the function's errorMessage and
# their templates make the method response, against the local runtime.
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

=== TEST 1: the request template is the payload; the default response passes the result on
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_integration lambda pets;
            apigw_request_template application/json
                '{"petId": "$input.params(\'petId\')", "user": "$input.params(\'user\')"}';
        }
    }
--- request
GET /dev/pets/1?user=ann
--- error_code: 200
--- response_body: {"id": 1, "type": "dog", "price": 249.99, "requestedBy": "ann"}
--- response_headers
Content-Type: application/json
--- no_error_log
[error]



=== TEST 2: errorMessage selects the integration response; a success takes the default
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_integration lambda pets;
            apigw_request_template application/json
                '{"petId": "$input.params(\'petId\')", "action": "$input.params(\'action\')"}';
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"pet": "$input.path(\'$.type\')", "cost": $input.json(\'$.price\')}';
            }
            apigw_integration_response "\[NotFound\].*" status=404 {
                apigw_response_template application/json
                    '{"error": "$input.path(\'$.errorType\')", "message": "$input.path(\'$.errorMessage\')"}';
                apigw_response_parameter method.response.header.X-Error-Type
                                         integration.response.body.errorType;
            }
            apigw_integration_response "Internal(\n|.)*" status=502 {
                apigw_response_template application/json
                    '{"message": "$util.escapeJavaScript($input.path(\'$.errorMessage\'))"}';
            }
        }
    }
--- request eval
["GET /dev/pets/2", "GET /dev/pets/9", "GET /dev/pets/1?action=crash"]
--- error_code eval
[200, 404, 502]
--- response_body eval
['{"pet": "cat", "cost": 124.99}',
 '{"error": "NotFound", "message": "[NotFound] no pet 9"}',
 '{"message": "Internal failure\nwith a second line"}']
--- response_headers_like eval
["Content-Type: ^application/json\$", "X-Error-Type: ^NotFound\$", "Content-Type: ^application/json\$"]



=== TEST 3: a function error no pattern matches takes the default, body and all, as on AWS
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_integration lambda pets;
            apigw_request_template application/json '{"petId": "$input.params(\'petId\')"}';
            apigw_integration_response "Nothing" status=400 {}
            apigw_integration_response default status=200 {}
        }
    }
--- request
GET /dev/pets/9
--- error_code: 200
--- response_body_like: ^\{"errorMessage": "\[NotFound\] no pet 9", "errorType": "NotFound", .*"stackTrace": \[
--- response_headers
!X-Amz-Function-Error



=== TEST 4: passthrough: without a template the body is the payload; without a body, {}
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /echo {
        apigw_resource /echo;
        apigw_method POST { apigw_integration lambda pets; }
    }
--- request eval
["POST /dev/echo\n{\"petId\": 1, \"user\": \"bob\"}", "POST /dev/echo"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/^\{"id": 1, "type": "dog", "price": 249.99, "requestedBy": "bob"\}$/, qr/^\{"errorMessage": "\[NotFound\] no pet ", "errorType": "NotFound"/]



=== TEST 5: the Invoke API failing (no such function) answers 500
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /none {
        apigw_resource /none;
        apigw_method GET { apigw_integration lambda no-such-function; }
    }
--- request
GET /dev/none
--- error_code: 500
--- response_body: {"message": "Internal server error"}
--- error_log
apigw: lambda invoke failed with status 404



=== TEST 6: a failed Invoke call is INTEGRATION_FAILURE, which can be customised
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_gateway_response INTEGRATION_FAILURE status=503
        'body={"message":"try again","type":"$context.error.responseType"}';
    location /none {
        apigw_resource /none;
        apigw_method GET { apigw_integration lambda no-such-function proxy; }
    }
    location /none2 {
        apigw_resource /none2;
        apigw_method GET { apigw_integration lambda no-such-function; }
    }
--- request eval
["GET /dev/none", "GET /dev/none2"]
--- error_code eval
[503, 503]
--- response_body eval
['{"message":"try again","type":"INTEGRATION_FAILURE"}', '{"message":"try again","type":"INTEGRATION_FAILURE"}']



=== TEST 7: Invoke calls keep the connection alive (no "Connection: close")
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /e {
        apigw_resource /e;
        apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        apigw_method GET { apigw_integration lambda anything; }
    }
--- request
GET /dev/e
--- error_code: 200
--- response_body_like: "path":"/2015-03-31/functions/anything/invocations"
--- response_body_unlike: "connection"
