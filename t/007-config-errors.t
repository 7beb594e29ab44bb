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
qr/\[emerg\] unknown integration type "lambada": mock, http, http_proxy, lambda or aws in \S+nginx\.conf:\d+/



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



=== TEST 31: a broken mapping template: its line and column
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method POST {
            apigw_integration mock;
            apigw_request_template application/json '{
  #if($a == 1)
    "x": 1
  #else
}';
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] invalid mapping template for "application\/json": line \d+, column \d+: .+ in \S+nginx\.conf:\d+/



=== TEST 32: a broken template file: the file, its line and column
--- user_files
>>> bad.vtl
{
  "a": $input.json('$.a'
}
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method POST {
            apigw_integration mock;
            apigw_request_template application/json file=../html/bad.vtl;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] invalid mapping template "\S+\/bad\.vtl": line 3, column 1: "," or "\)" expected in \S+nginx\.conf:\d+/



=== TEST 33: a template file that does not exist
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method POST {
            apigw_integration mock;
            apigw_request_template application/json file=../html/none.vtl;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] open\(\) "\S+\/none\.vtl" failed \(2: No such file or directory\) in \S+nginx\.conf:\d+/



=== TEST 34: templates on a proxy integration
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method POST {
            apigw_integration http_proxy http://127.0.0.1:1/;
            apigw_request_template application/json '{}';
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_method POST": a proxy integration takes no mapping templates or integration responses, as on AWS in \S+nginx\.conf:\d+/



=== TEST 35: a bad mapping destination
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_integration http http://127.0.0.1:1/;
            apigw_request_parameter integration.request.cookie.a "'x'";
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] invalid destination "integration\.request\.cookie\.a": integration\.request\.\(header\|querystring\|path\)\.NAME expected in \S+nginx\.conf:\d+/



=== TEST 36: a bad mapping source
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration http http://127.0.0.1:1/;
            apigw_request_parameter integration.request.header.a
                                    integration.response.header.b;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] invalid mapping source "integration\.response\.header\.b": 'static', .* expected in \S+nginx\.conf:\d+/



=== TEST 37: a bad JSONPath in a body source
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration http http://127.0.0.1:1/;
            apigw_request_parameter integration.request.header.a
                                    method.request.body.a[;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] invalid JSONPath "\$\.a\[" in "method\.request\.body\.a\[" at offset \d+: .+ in \S+nginx\.conf:\d+/



=== TEST 38: a selection pattern that is not a regular expression
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration http http://127.0.0.1:1/;
            apigw_integration_response "4(\d" status=400 {}
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] invalid selection pattern "4\(\\d": .+ in \S+nginx\.conf:\d+/



=== TEST 39: an integration response needs status=
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration http http://127.0.0.1:1/;
            apigw_integration_response default {}
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_integration_response" directive needs status= in \S+nginx\.conf:\d+/



=== TEST 40: two default integration responses
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration http http://127.0.0.1:1/;
            apigw_integration_response default status=200 {}
            apigw_integration_response default status=201 {}
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] duplicate default integration response, the first is in \S+nginx\.conf:\d+ in \S+nginx\.conf:\d+/



=== TEST 41: an unknown directive inside an integration response
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration http http://127.0.0.1:1/;
            apigw_integration_response default status=200 {
                proxy_pass http://127.0.0.1:1/;
            }
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] unknown directive "proxy_pass" in "apigw_integration_response": apigw_response_template or apigw_response_parameter expected in \S+nginx\.conf:\d+/



=== TEST 42: mapping directives outside a method
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_request_template application/json '{}';
    }
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_request_template" directive is only allowed inside "apigw_method" in \S+nginx\.conf:\d+/



=== TEST 43: request parameters on a mock integration
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration mock;
            apigw_request_parameter integration.request.header.a "'x'";
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] a mock integration takes no request parameter "a" in \S+nginx\.conf:\d+/



=== TEST 44: an unknown passthrough behavior
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration mock;
            apigw_passthrough_behavior SOMETIMES;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] invalid passthrough behavior "SOMETIMES": WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER in \S+nginx\.conf:\d+/



=== TEST 45: a content type that is not a media type
--- config
    apigw_api petstore;
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration mock;
            apigw_request_template "application/json; charset=utf-8" '{}';
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] invalid content type "application\/json; charset=utf-8": a media type such as application\/json expected in \S+nginx\.conf:\d+/



=== TEST 46: an aws integration without a service and an action or path
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method POST { apigw_integration aws sqs SendMessage; }
    }
--- must_die
--- error_log eval
qr/\[emerg\] integration "aws" needs a service and action\/ACTION or path\/PATH, or arn:aws:apigateway:REGION:SERVICE:action\/ACTION\|path\/PATH in \S+nginx\.conf:\d+/



=== TEST 47: an aws integration needs credentials and a region
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method POST { apigw_integration aws sqs action/SendMessage; }
    }
--- must_die
--- error_log eval
qr/\[emerg\] no "apigw_aws_region" for the aws integration in \S+nginx\.conf:\d+/



=== TEST 48: S3 takes a path, not an action
--- config
    apigw_api petstore;
    apigw_aws_region eu-west-1;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration aws s3 action/GetObject; }
    }
--- must_die
--- error_log eval
qr/\[emerg\] s3 takes path\/BUCKET\/KEY, not an action in \S+nginx\.conf:\d+/



=== TEST 49: a Lambda authorizer needs a Lambda endpoint or a region where it is declared
--- config
    apigw_api petstore;
    apigw_authorizer auth token function=authorizer;
--- must_die
--- error_log eval
qr/\[emerg\] no "apigw_lambda_endpoint" or "apigw_aws_region" for the authorizer "auth" in \S+nginx\.conf:\d+/



=== TEST 50: the authorizer cache zone's size
--- http_config
    apigw_authorizer_cache_zone auth:1k;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] zone "auth:1k" is too small in \S+nginx\.conf:\d+/



=== TEST 49: apigw_throttle needs both rate= and burst=
--- http_config
    apigw_throttle rate=100;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] both "rate=" and "burst=" are required in \S+nginx\.conf:\d+/



=== TEST 50: a rate is a number of requests a second, 3 decimals at most
--- http_config
    apigw_throttle rate=0.0001 burst=10;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid rate "rate=0\.0001": requests a second, at most 3 decimals and 1000000000 in \S+nginx\.conf:\d+/



=== TEST 51: a burst is a whole number of requests
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=10 burst=-1; }
--- must_die
--- error_log eval
qr/\[emerg\] invalid burst "burst=-1": a number of requests, at most 1000000000 in \S+nginx\.conf:\d+/



=== TEST 52: one account limit
--- http_config
    apigw_throttle rate=10 burst=10;
    apigw_throttle rate=20 burst=10;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_throttle" directive is duplicate in \S+nginx\.conf:\d+/



=== TEST 53: no limit of a server: the stage block has the stage's
--- config
    apigw_api petstore;
    apigw_throttle rate=10 burst=10;
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_throttle" directive is not allowed here in \S+nginx\.conf:\d+/



=== TEST 54: a method's limit needs a method
--- config
    apigw_api petstore;
    location /a { apigw_throttle rate=10 burst=10; }
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_throttle" needs "apigw_resource" in its location, or "apigw_method", in \S+nginx\.conf:\d+/



=== TEST 55: a method's limit names stages of its API
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_throttle rate=10 burst=10 stages=dev,prod;
            apigw_integration mock;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] unknown stage "prod" of API "petstore" in \S+nginx\.conf:\d+/



=== TEST 56: plan= names a usage plan
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_throttle rate=10 burst=10 plan=gold;
            apigw_integration mock;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] unknown usage plan "gold" in \S+nginx\.conf:\d+/



=== TEST 57: two limits of a method in one stage
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /a {
        apigw_resource /a;
        apigw_throttle rate=10 burst=10;
        apigw_method GET {
            apigw_throttle rate=1 burst=1;
            apigw_throttle rate=5 burst=5 stages=dev;
            apigw_integration mock;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] two "apigw_throttle" of method GET \/a in stage "dev" in \S+nginx\.conf:\d+/



=== TEST 58: one limit of a stage
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=1 burst=1; throttle rate=2 burst=2; }
--- must_die
--- error_log eval
qr/\[emerg\] duplicate "throttle" in "apigw_stage" in \S+nginx\.conf:\d+/



=== TEST 59: a quota is N a day, a week or a month
--- http_config
    apigw_usage_plan gold quota=1000/year;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid quota "quota=1000\/year": "quota=N\/day", "quota=N\/week" or "quota=N\/month" expected in \S+nginx\.conf:\d+/



=== TEST 60: a usage plan's name, and its id, once
--- http_config
    apigw_usage_plan gold quota=10/day;
    apigw_usage_plan silver id=gold quota=10/day;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] usage plan "silver" \(id "gold"\) has the name or id of the one in \S+nginx\.conf:\d+ in \S+nginx\.conf:\d+/



=== TEST 61: a usage plan's API stages exist
--- http_config
    apigw_usage_plan gold stages=petstore:dev,toystore:dev;
--- config
    apigw_api petstore;
    apigw_stage dev {}
--- must_die
--- error_log eval
qr/\[emerg\] unknown API "toystore" in "stages=" of usage plan "gold" in \S+nginx\.conf:\d+/



=== TEST 62: a usage plan's stages exist in their API
--- http_config
    apigw_usage_plan gold stages=petstore:prod;
--- config
    apigw_api petstore;
    apigw_stage dev {}
--- must_die
--- error_log eval
qr/\[emerg\] unknown stage "prod" of API "petstore" in "stages=" of usage plan "gold" in \S+nginx\.conf:\d+/



=== TEST 63: a usage plan's throttle needs rate= and burst=
--- http_config
    apigw_usage_plan gold burst=10;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] both "rate=" and "burst=" are required in \S+nginx\.conf:\d+/



=== TEST 64: a key's plans exist, once there are plans
--- http_config
    apigw_usage_plan gold quota=10/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold,platinum;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration mock; }
    }
--- must_die
--- error_log eval
qr/\[emerg\] unknown usage plan "platinum" of API key "alice"/



=== TEST 65: a key may not be in two plans of one API stage, as on AWS
--- http_config
    apigw_usage_plan gold quota=10/day stages=petstore:dev;
    apigw_usage_plan silver quota=10/day stages=petstore;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold,silver;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration mock; }
    }
--- must_die
--- error_log eval
qr/\[emerg\] API key "alice" is in usage plans "gold" and "silver", which have an API stage in common/



=== TEST 66: the shared zone: NAME:SIZE, at least 32k
--- http_config
    apigw_shared_zone state:16k;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] zone "state" is too small: at least 32k in \S+nginx\.conf:\d+/



=== TEST 67: the shared zone's name and size
--- http_config
    apigw_shared_zone state;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid zone "state": "NAME:SIZE" expected in \S+nginx\.conf:\d+/



=== TEST 68: the state file's interval is at least a second
--- http_config
    apigw_usage_state /tmp/apigw-state interval=100ms;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid interval "interval=100ms": at least 1s in \S+nginx\.conf:\d+/



=== TEST 69: apigw_usage is not for API servers
--- config
    apigw_api petstore;
    location /usageplans { apigw_usage; }
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_usage" directive is not allowed in a server with "apigw_api"/



=== TEST 70: an unknown parameter of a usage plan
--- http_config
    apigw_usage_plan gold quota=10/day offset=3;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid or duplicate parameter "offset=3" in \S+nginx\.conf:\d+/
