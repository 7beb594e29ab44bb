# Lambda authorizers (TOKEN and REQUEST, payload 1.0 and 2.0): real
# functions (t/lib/lambda/authorizer.py, request_authorizer.py) run by the
# local Lambda runtime; AWS's events, answers, cache and errors.  Two
# workers: the cache is shared memory.  The functions count their calls
# (per identity) and tell the count in their context, so a cached answer
# shows the count of the call that made it; and the debug log shows each
# invocation ("invoking").
use lib '.';
use File::Temp ();
use t::APIGW 'no_plan';

# where the authorizers count their calls, one file per identity
$ENV{APIGW_TEST_AUTH_DIR} = File::Temp::tempdir(CLEANUP => 1);

t::APIGW::start_lambda_runtime();

workers(2);
master_on();
no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config =>
        "    apigw_lambda_endpoint http://127.0.0.1:$ENV{TEST_NGINX_LAMBDA_PORT};\n"
        . ($block->http_config // ''));
});

run_tests();

__DATA__

=== TEST 1: TOKEN: allowed; principal and context (stringified) in the event, nginx variables
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore id=abc1234567;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
            add_header X-Principal $apigw_principal_id;
            add_header X-Str $apigw_authorizer_str;
            add_header X-Num $apigw_authorizer_num;
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: allow-alice
--- error_code: 200
--- response_body_like: "authorizer": \{"calls": "1", "str": "text", "num": "7", "real": "1\.5", "yes": "true", "none": null, "principalId": "alice", "integrationLatency": \d+\}
--- response_headers
X-Principal: alice
X-Str: text
X-Num: 7
--- error_log
apigw lambda authorizer "tok": invoking "http://127.0.0.1:
--- no_error_log
[error]



=== TEST 2: TOKEN: AWS's event
--- http_config
    apigw_authorizer tok token function=authorizer ttl=0;
--- config
    apigw_api petstore id=abc1234567;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration mock;
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: allow-alice
--- error_code: 200
--- grep_error_log eval: qr/^\{"type":"TOKEN".*?\}/m
--- grep_error_log_out
{"type":"TOKEN","authorizationToken":"allow-alice","methodArn":"arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/pets"}
--- no_error_log
[error]



=== TEST 3: the function's name from a stage variable, with a qualifier
--- http_config
    apigw_authorizer tok token function=${stageVariables.auth}:live ttl=0;
--- config
    apigw_api petstore;
    apigw_stage dev { variable auth authorizer; }
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration mock 'body={"ok":true}';
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: allow-judy
--- response_body: {"ok":true}
--- error_log
invoking "http://127.0.0.1:$TEST_NGINX_LAMBDA_PORT/2015-03-31/functions/authorizer/invocations?Qualifier=live"
--- no_error_log
[error]



=== TEST 4: TOKEN: no token is 401 without a call
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["", "Authorization: "]
--- error_code eval
[401, 401]
--- response_body eval
['{"message":"Unauthorized"}', '{"message":"Unauthorized"}']
--- response_headers
x-amzn-ErrorType: UnauthorizedException
Content-Type: application/json
--- error_log
apigw: authorizer "tok": no identity source "method.request.header.Authorization"
--- no_error_log
invoking
[error]



=== TEST 5: TOKEN: another header, and the validation expression (the whole token must match)
--- http_config
    apigw_authorizer tok token function=authorizer identity=X-Token
        validation=allow-[a-z]+;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["X-Token: allow-validated", "X-Token: deny-mallory", "X-Token: allow-x1",
 "Authorization: allow-validated"]
--- error_code eval
[200, 401, 401, 401]
--- response_body_like eval
[qr/"principalId": "validated"/, qr/^\{"message":"Unauthorized"\}$/,
 qr/^\{"message":"Unauthorized"\}$/, qr/^\{"message":"Unauthorized"\}$/]
--- grep_error_log eval: qr/invoking|does not match|no identity source/
--- grep_error_log_out
invoking
does not match
does not match
no identity source
--- no_error_log
[error]



=== TEST 6: TOKEN: an explicit Deny is 403 with AWS's message
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: deny-mallory
--- error_code: 403
--- response_body: {"Message":"User is not authorized to access this resource with an explicit deny"}
--- response_headers
x-amzn-ErrorType: AccessDeniedException
--- error_log
denies "arn:aws:execute-api:us-east-1:123456789012:
--- no_error_log
[error]



=== TEST 7: TOKEN: a policy that allows other methods only is 403 too
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: elsewhere-bob
--- error_code: 403
--- response_body: {"Message":"User is not authorized to access this resource"}
--- response_headers
x-amzn-ErrorType: AccessDeniedException
--- no_error_log
[error]



=== TEST 8: TOKEN: the function fails with "Unauthorized": 401
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: unauthorized
--- error_code: 401
--- response_body: {"message":"Unauthorized"}
--- error_log
the authorizer "tok" answered Unauthorized
--- no_error_log
[error]



=== TEST 9: TOKEN: any other error of the function: 500 {"message": null}
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: error
--- error_code: 500
--- response_body: {"message": null}
--- response_headers
x-amzn-ErrorType: AuthorizerFailureException
Content-Type: application/json
--- error_log
[error]
apigw: the authorizer "tok" failed: the token store is down



=== TEST 10: TOKEN: answers AWS rejects: 500 {"message": null}, AuthorizerConfigurationException
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /dev/pets"]
--- more_headers eval
["Authorization: noprincipal", "Authorization: nopolicy",
 "Authorization: badpolicy", "Authorization: nested", "Authorization: list"]
--- error_code eval
[500, 500, 500, 500, 500]
--- response_body eval
['{"message": null}', '{"message": null}', '{"message": null}',
 '{"message": null}', '{"message": null}']
--- response_headers
x-amzn-ErrorType: AuthorizerConfigurationException
--- grep_error_log eval: qr/invalid response: .*?(?=,)/
--- grep_error_log_out eval
[qr/no string "principalId"/, qr/no "policyDocument"/, qr/invalid response: /,
 qr/a "context" value is an object or an array/, qr/not a JSON object/]



=== TEST 11: the function does not answer in time (timeout=), or does not exist, or Lambda is down: 500
--- http_config
    apigw_authorizer slow token function=authorizer timeout=300ms ttl=0;
    apigw_authorizer none404 token function=no_such_function;
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name down;
        apigw_api down;
        apigw_lambda_endpoint http://127.0.0.1:1;
        apigw_authorizer tok token function=authorizer;
        location /pets {
            apigw_resource /pets;
            apigw_method GET {
                apigw_authorization tok;
                apigw_integration mock;
            }
        }
    }
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization slow;
            apigw_integration lambda echo proxy;
        }
        apigw_method POST {
            apigw_authorization none404;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "POST /dev/pets", "GET /pets", "GET /dev/pets"]
--- more_headers eval
["Authorization: sleep-1.5", "Authorization: allow-x",
 "Authorization: allow-x\nHost: down", "Authorization: big"]
--- error_code eval
[500, 500, 500, 500]
--- response_body eval
['{"message": null}', '{"message": null}', '{"message": null}',
 '{"message": null}']
--- response_headers
x-amzn-ErrorType: AuthorizerConfigurationException
--- error_log eval
[qr/upstream timed out .* subrequest: "\/\.apigw-authorizer\/slow"/,
 qr/apigw: the authorizer "slow" could not be invoked: 504, status 0/,
 qr/apigw: the authorizer "none404" could not be invoked: 0, status 404/,
 qr/apigw: the authorizer "tok" could not be invoked: 502/,
 qr/too big subrequest response/,
 qr/apigw: the answer of the authorizer "slow" is over 65536 bytes/,
 qr/apigw: the authorizer "slow" could not be invoked: -1, status 200/]



=== TEST 12: the cache: one call for the same token, across connections and workers
--- http_config
    apigw_authorizer tok token function=authorizer ttl=300;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
[("GET /dev/pets") x 8, "GET /dev/pets"]
--- more_headers eval
[("Authorization: allow-cached") x 8, "Authorization: allow-other"]
--- error_code eval
[(200) x 9]
--- response_body_like eval
[(qr/"authorizer": \{"calls": "1", .*"principalId": "cached", "integrationLatency": \d+\}/) x 8,
 qr/"calls": "1", .*"principalId": "other"/]
--- grep_error_log eval: qr/invoking|: cached/
--- grep_error_log_out eval
["invoking\n" . (": cached\n" x 7) . "invoking\n"]
--- no_error_log
[error]



=== TEST 13: the cache: an entry expires after its TTL; ttl=0 caches nothing
--- http_config
    apigw_authorizer tok token function=authorizer ttl=1;
    apigw_authorizer nocache token function=authorizer ttl=0;
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name sleeper;
        location / {
            proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        }
    }
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
        apigw_method POST {
            apigw_authorization nocache;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /sleep/1.3", "GET /dev/pets",
 "POST /dev/pets", "POST /dev/pets"]
--- more_headers eval
["Authorization: allow-expiring", "Authorization: allow-expiring",
 "Host: sleeper",
 "Authorization: allow-expiring",
 "Authorization: allow-uncached", "Authorization: allow-uncached"]
--- response_body_like eval
[qr/"calls": "1"/, qr/"calls": "1"/, qr/./, qr/"calls": "2"/,
 qr/"calls": "1"/, qr/"calls": "2"/]
--- no_error_log
[error]



=== TEST 14: a cached policy is evaluated again for each method ARN
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
        apigw_method DELETE {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "DELETE /dev/pets", "GET /dev/pets", "DELETE /dev/pets"]
--- more_headers eval
[("Authorization: get-carol") x 4]
--- error_code eval
[200, 403, 200, 403]
--- response_body_like eval
[qr/"calls": "1", "principalId": "carol"/,
 qr/^\{"Message":"User is not authorized to access this resource"\}$/,
 qr/"calls": "1", "principalId": "carol"/,
 qr/^\{"Message":"User is not authorized to access this resource"\}$/]
--- grep_error_log eval: qr/invoking|: cached/
--- grep_error_log_out eval
["invoking\n: cached\n: cached\n: cached\n"]
--- no_error_log
[error]



=== TEST 15: policy wildcards ("*", "?"), explicit Deny winning over Allow
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method ANY {
            apigw_authorization tok;
            apigw_integration mock 'body={"ok":true}';
        }
    }
    location /admin {
        apigw_resource /admin;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration mock 'body={"ok":true}';
        }
    }
--- request eval
["GET /dev/pets", "PUT /dev/pets", "POST /dev/pets", "GET /dev/admin"]
--- more_headers eval
[("Authorization: wild-dave") x 4]
--- error_code eval
[200, 200, 403, 403]
--- response_body eval
['{"ok":true}', '{"ok":true}',
 '{"Message":"User is not authorized to access this resource"}',
 '{"Message":"User is not authorized to access this resource with an explicit deny"}']
--- no_error_log
[error]



=== TEST 16: a policy document sent as a JSON string
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration mock 'body={"ok":true}';
            add_header X-Principal $apigw_principal_id;
        }
    }
--- request
GET /pets
--- more_headers
Authorization: string-erin
--- response_body: {"ok":true}
--- response_headers
X-Principal: erin
--- no_error_log
[error]



=== TEST 17: usageIdentifierKey with apigw_api_key_source authorizer; the header is then ignored
--- http_config
    apigw_authorizer tok token function=authorizer;
    apigw_api_key partner 0123456789abcdefghijKLMN;
    apigw_api_key old zyxwvutsrqponmlkjihgfedcba enabled=off;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key_source authorizer;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_api_key_required on;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["Authorization: key-0123456789abcdefghijKLMN",
 "Authorization: key-zyxwvutsrqponmlkjihgfedcba",
 "Authorization: key-unknown-unknown-unknown",
 "Authorization: allow-frank\nx-api-key: 0123456789abcdefghijKLMN"]
--- error_code eval
[200, 403, 403, 403]
--- response_body_like eval
[qr/"apiKey": "0123456789abcdefghijKLMN", "apiKeyId": "\w{10}"/,
 qr/^\{"message":"Forbidden"\}$/, qr/^\{"message":"Forbidden"\}$/,
 qr/^\{"message":"Forbidden"\}$/]
--- no_error_log
[error]



=== TEST 18: with the header as key source (the default) the authorizer's key is not used
--- http_config
    apigw_authorizer tok token function=authorizer;
    apigw_api_key partner 0123456789abcdefghijKLMN;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_api_key_required on;
            apigw_integration mock 'body={"ok":true}';
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["Authorization: key-0123456789abcdefghijKLMN",
 "Authorization: key-0123456789abcdefghijKLMN\nx-api-key: 0123456789abcdefghijKLMN"]
--- error_code eval
[403, 200]
--- no_error_log
[error]



=== TEST 19: REQUEST: identity sources from a header, the query string (its names case-sensitive), a stage variable; AWS's 1.0 event
--- http_config
    apigw_authorizer req request function=request_authorizer
        identity=method.request.header.X-User,method.request.querystring.q,stageVariables.who;
--- config
    apigw_api petstore id=abc1234567;
    apigw_stage dev { variable who me; }
    location /pets/ {
        apigw_resource "/pets/{petId}";
        apigw_method GET {
            apigw_authorization req;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets/7?q=find", "GET /dev/pets/7?q=find", "GET /dev/pets/7",
 "GET /dev/pets/7?q=find", "GET /dev/pets/7?Q=find"]
--- more_headers eval
["X-User: alice", "X-User: bob", "X-User: alice", "", "X-User: alice"]
--- error_code eval
[200, 403, 401, 401, 401]
--- response_body_like eval
[qr/"authorizer": \{"calls": "1", "type": "REQUEST", "fields": "headers,httpMethod,methodArn,multiValueHeaders,multiValueQueryStringParameters,path,pathParameters,queryStringParameters,requestContext,resource,stageVariables,type", "user": "alice", "q": "find", "stagevar": "me", "arn": "arn:aws:execute-api:us-east-1:123456789012:abc1234567\/dev\/GET\/pets\/7", "resource": "\/pets\/\{petId\}", "sources": "null", "rcstage": "dev", "principalId": "alice", "integrationLatency": \d+\}/,
 qr/with an explicit deny/, qr/^\{"message":"Unauthorized"\}$/,
 qr/^\{"message":"Unauthorized"\}$/, qr/^\{"message":"Unauthorized"\}$/]
--- grep_error_log eval: qr/invoking|no identity source "[^"]+"/
--- grep_error_log_out
invoking
invoking
no identity source "method.request.querystring.q"
no identity source "method.request.header.X-User"
no identity source "method.request.querystring.q"
--- no_error_log
[error]



=== TEST 20: REQUEST: the cache key holds every identity source (a context variable too)
--- http_config
    apigw_authorizer req request function=request_authorizer
        identity=method.request.header.X-User,context.httpMethod;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method ANY {
            apigw_authorization req;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "POST /dev/pets", "GET /dev/pets?x=1"]
--- more_headers eval
[("X-User: alice") x 4]
--- error_code eval
[200, 200, 200, 200]
--- grep_error_log eval: qr/invoking|: cached/
--- grep_error_log_out eval
["invoking\n: cached\ninvoking\n: cached\n"]
--- no_error_log
[error]



=== TEST 21: HTTP API (payload=2.0): simple responses, isAuthorized; the 2.0 event; requestContext.authorizer.lambda
--- http_config
    apigw_authorizer simple request function=request_authorizer payload=2.0
        simple identity=$request.header.X-User,$request.querystring.mode;
--- config
    apigw_api petstore id=abc1234567;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization simple;
            apigw_integration lambda echo proxy payload=2.0;
        }
    }
--- request eval
["GET /dev/pets?mode=simple", "GET /dev/pets?mode=simple"]
--- more_headers eval
["X-User: alice", "X-User: bob"]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/"authorizer": \{"lambda": \{"calls": \d+, "type": "REQUEST", "fields": "headers,identitySource,queryStringParameters,rawPath,rawQueryString,requestContext,routeArn,routeKey,type,version", "user": "alice", "q": null, "stagevar": null, "arn": "arn:aws:execute-api:us-east-1:123456789012:abc1234567\/dev\/GET\/pets", "resource": "GET \/pets", "sources": "\[\\"alice\\", \\"simple\\"\]", "rcstage": "dev", "list": \[1, 2\]\}\}/,
 qr/^\{"message":"Forbidden"\}$/]
--- no_error_log
[error]



=== TEST 22: HTTP API (payload=2.0) with IAM-policy responses
--- http_config
    apigw_authorizer pol request function=request_authorizer payload=2.0
        identity=$request.header.X-User;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization pol;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["X-User: alice", "X-User: bob"]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/"authorizer": \{"calls": "\d+", .*"principalId": "alice"/,
 qr/^\{"Message":"User is not authorized to access this resource with an explicit deny"\}$/]
--- no_error_log
[error]



=== TEST 23: $context.authorizer.principalId and .KEY in mapping templates
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration mock;
            apigw_request_template application/json '{"statusCode": 200}';
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"who": "$context.authorizer.principalId", "str": "$context.authorizer.str", "num": $context.authorizer.num}';
            }
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: allow-grace
--- response_body: {"who": "grace", "str": "text", "num": 7}
--- no_error_log
[error]



=== TEST 24: context.authorizer.* in parameter mappings and gateway responses
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_gateway_response ACCESS_DENIED
        'body={"denied": "$context.authorizer.principalId"}';
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration http_proxy
                http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/pets;
            apigw_request_parameter integration.request.header.X-User
                                    context.authorizer.principalId;
            apigw_request_parameter integration.request.header.X-Num
                                    context.authorizer.num;
            apigw_request_parameter integration.request.querystring.calls
                                    context.authorizer.calls;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["Authorization: allow-heidi", "Authorization: deny-ivan"]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/"x-num":"7","x-user":"heidi"\},"method":"GET","path":"\/pets","query":"calls=1"/,
 qr/^\{"denied": "ivan"\}$/]
--- no_error_log
[error]



=== TEST 25: a declared cache zone; authorizers at server level, hiding http's
--- http_config
    apigw_authorizer_cache_zone auth:1m;
    apigw_authorizer tok token function=no_such_function;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_authorizer tok token function=authorizer;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration mock 'body={"ok":true}';
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
[("Authorization: allow-zone") x 2]
--- response_body eval
['{"ok":true}', '{"ok":true}']
--- grep_error_log eval: qr/invoking|: cached/
--- grep_error_log_out eval
["invoking\n: cached\n"]
--- no_error_log
[error]



=== TEST 26: a failed authorizer's body can be customised as AUTHORIZER_* gateway responses
--- http_config
    apigw_authorizer tok token function=authorizer;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_gateway_response AUTHORIZER_FAILURE status=503
        'body={"error": $context.error.messageString}';
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration mock;
        }
    }
--- request
GET /dev/pets
--- more_headers
Authorization: error
--- error_code: 503
--- response_body: {"error": null}



=== TEST 27: configuration errors
--- http_config
    apigw_authorizer tok token function=authorizer ttl=3601;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] invalid "ttl=3601": the TTL is 0 to 3600 seconds in \S+nginx\.conf:\d+/



=== TEST 28: a function is needed
--- http_config
    apigw_authorizer tok token identity=X-Token;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] authorizer "tok" needs "function=" in \S+nginx\.conf:\d+/



=== TEST 29: unknown parameters
--- http_config
    apigw_authorizer tok token function=authorizer cache=on;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] invalid parameter "cache=on" of authorizer "tok" in \S+nginx\.conf:\d+/



=== TEST 30: payload=2.0 is for REQUEST authorizers; simple needs payload=2.0
--- http_config
    apigw_authorizer a request function=f identity=$request.header.A simple;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_authorizer" directive with "simple" responses needs "payload=2\.0" in \S+nginx\.conf:\d+/



=== TEST 31: TOKEN authorizers only on payload 1.0
--- http_config
    apigw_authorizer a token function=f payload=2.0;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_authorizer" directive with "payload=2\.0" must be of type "request"/



=== TEST 32: REQUEST authorizers take no validation expression
--- http_config
    apigw_authorizer a request function=f identity=method.request.header.A
        validation=x;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_authorizer" directive of type "request" takes no "validation="/



=== TEST 33: a cached REQUEST authorizer needs identity sources
--- http_config
    apigw_authorizer a request function=f;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] authorizer "a" caches its results \(ttl=300\) by identity sources but has none: set "identity=" or "ttl=0" in \S+nginx\.conf:\d+/



=== TEST 34: identity sources AWS does not take
--- http_config
    apigw_authorizer a request function=f identity=method.request.path.id;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] invalid identity source "method\.request\.path\.id": method\.request\.header\.X, method\.request\.querystring\.X, stageVariables\.X or context\.X expected in \S+nginx\.conf:\d+/



=== TEST 35: a TOKEN authorizer's identity is a header
--- http_config
    apigw_authorizer a token function=f identity=method.request.querystring.t;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] invalid identity source "method\.request\.querystring\.t": a header, method\.request\.header\.X, expected/



=== TEST 36: an unknown context variable as identity source
--- http_config
    apigw_authorizer a request function=f identity=context.nope;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] unknown context variable "nope" in \S+nginx\.conf:\d+/



=== TEST 37: a bad validation expression
--- http_config
    apigw_authorizer a token function=f validation=(;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] invalid validation expression "\(": /



=== TEST 38: apigw_authorizer_cache_zone needs NAME:SIZE
--- http_config
    apigw_authorizer_cache_zone auth;
--- config
    apigw_api petstore;
--- must_die
--- error_log eval
qr/\[emerg\] invalid zone "auth": NAME:SIZE expected in \S+nginx\.conf:\d+/



=== TEST 39: apigw_api_key_source takes header or authorizer
--- config
    apigw_api petstore;
    apigw_api_key_source query;
--- must_die
--- error_log eval
qr/\[emerg\] invalid value "query" in \S+nginx\.conf:\d+/
