# Lambda integrations that call AWS sign their requests with SigV4; a
# stand-in endpoint checks each signature with botocore (Debian's
# python3-botocore), an implementation independent of the module's.
use lib '.';
use t::APIGW 'no_plan';
use File::Temp ();

my $dir = File::Temp::tempdir(CLEANUP => 1);
open my $fh, '>', "$dir/credentials" or die;
print $fh <<'INI';
# the AWS CLI's format
[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY

[temporary]
aws_access_key_id=ASIAEXAMPLETEMP
aws_secret_access_key=temporary/secret+key
aws_session_token=FwoGZXIvYXdzEXAMPLESESSIONTOKEN
INI
close $fh;
$ENV{TEST_NGINX_CREDENTIALS} = "$dir/credentials";

my ($P1, $P2) = @ENV{qw(TEST_NGINX_AWS_PORT TEST_NGINX_AWS_PORT2)};

# one endpoint with long-term credentials, one with a session token
t::APIGW::start_process($P1, 't/lib/aws_endpoint.py', $P1, 'AKIDEXAMPLE',
                        'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
                        'eu-west-1');
t::APIGW::start_process($P2, 't/lib/aws_endpoint.py', $P2,
                        'ASIAEXAMPLETEMP', 'temporary/secret+key',
                        'eu-west-1', 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN');
t::APIGW::wait_backend($_) for $P1, $P2;

# Lambda authorizers (TEST 11, 12) run on the local runtime
t::APIGW::start_lambda_runtime();

$ENV{AWS_ACCESS_KEY_ID} = 'AKIDEXAMPLE';
$ENV{AWS_SECRET_ACCESS_KEY} = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
delete $ENV{AWS_SESSION_TOKEN};

no_shuffle();
run_tests();

__DATA__

=== TEST 1: credentials from a file sign the Invoke API call
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_aws_region eu-west-1;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT;
    location /pets {
        apigw_resource /pets;
        apigw_method POST { apigw_integration lambda pets proxy; }
    }
--- request
POST /dev/pets?x=1
{"name":"rex","note":"a body with unicode \u00e9 and / slashes"}
--- error_code: 200
--- response_body: {"signed": ["host", "x-amz-date"], "path": "/2015-03-31/functions/pets/invocations"}
--- no_error_log
[error]



=== TEST 2: a qualifier and an ARN are signed as they are sent
--- config
    apigw_api petstore;
    apigw_stage live { variable alias v2; }
    apigw_aws_region eu-west-1;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS profile=default;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT;
    location /a {
        apigw_resource /a;
        apigw_method GET { apigw_integration lambda "pets:${stageVariables.alias}" proxy; }
    }
    location /b {
        apigw_resource /b;
        apigw_method GET {
            apigw_integration lambda
                "arn:aws:lambda:eu-west-1:123456789012:function:pets:prod" proxy;
        }
    }
--- request eval
["GET /live/a", "GET /live/b"]
--- error_code eval
[200, 200]
--- response_body eval
['{"signed": ["host", "x-amz-date"], "path": "/2015-03-31/functions/pets/invocations?Qualifier=v2"}',
 '{"signed": ["host", "x-amz-date"], "path": "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Apets%3Aprod/invocations"}']
--- no_error_log
[error]



=== TEST 3: temporary credentials send and sign the session token
--- config
    apigw_api petstore;
    apigw_aws_region eu-west-1;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS profile=temporary;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT2;
    location /t {
        apigw_resource /t;
        apigw_method GET { apigw_integration lambda fn proxy payload=2.0; }
    }
--- request
GET /t
--- error_code: 200
--- response_body: {"signed": ["host", "x-amz-date", "x-amz-security-token"], "path": "/2015-03-31/functions/fn/invocations"}
--- no_error_log
[error]



=== TEST 4: credentials from the environment
--- main_config
    env AWS_ACCESS_KEY_ID;
    env AWS_SECRET_ACCESS_KEY;
--- config
    apigw_api petstore;
    apigw_aws_region eu-west-1;
    apigw_aws_credentials env;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT;
    location /t {
        apigw_resource /t;
        apigw_method GET { apigw_integration lambda fn proxy; }
    }
--- request
GET /t
--- error_code: 200
--- response_body_like: "signed"
--- no_error_log
[error]



=== TEST 5: wrong credentials fail the signature check: 500 at the gateway
--- config
    apigw_api petstore;
    apigw_aws_region eu-west-1;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS profile=temporary;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT;
    location /t {
        apigw_resource /t;
        apigw_method GET { apigw_integration lambda fn proxy; }
    }
--- request
GET /t
--- error_code: 500
--- response_body: {"message": "Internal server error"}
--- error_log
apigw: lambda invoke failed with status 403



=== TEST 6: the secret never reaches the logs
--- config
    apigw_api petstore;
    apigw_aws_region eu-west-1;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT;
    location /t {
        apigw_resource /t;
        apigw_method GET { apigw_integration lambda fn proxy; }
    }
--- request
GET /t
--- error_code: 200
--- no_error_log
wJalrXUtnFEMI
[error]



=== TEST 7: without apigw_lambda_endpoint, the region names AWS's endpoint
--- config
    apigw_api petstore;
    apigw_aws_region eu-west-1;
    location /t {
        apigw_resource /t;
        apigw_method GET {
            apigw_integration lambda fn proxy;
            add_header X-Uri $apigw_integration_uri always;
            return 200;
        }
    }
--- request
GET /t
--- response_headers
X-Uri: https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/fn/invocations



=== TEST 8: configuration errors
--- config
    apigw_api petstore;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS profile=nope;
--- must_die
--- error_log eval
qr/no aws_access_key_id and aws_secret_access_key for profile "nope" in "\S+credentials" in \S+nginx\.conf:\d+/



=== TEST 9: credentials need a region
--- config
    apigw_api petstore;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT;
    location /t {
        apigw_resource /t;
        apigw_method GET { apigw_integration lambda fn proxy; }
    }
--- must_die
--- error_log eval
qr/"apigw_aws_credentials" need "apigw_aws_region" to sign requests/



=== TEST 10: a lambda integration needs an endpoint or a region
--- config
    apigw_api petstore;
    location /t {
        apigw_resource /t;
        apigw_method GET { apigw_integration lambda fn proxy; }
    }
--- must_die
--- error_log eval
qr/no "apigw_lambda_endpoint" or "apigw_aws_region" for the lambda integration in \S+nginx\.conf:\d+/



=== TEST 11: a Lambda authorizer signs its Invoke call with the credentials where it is declared
--- http_config
    apigw_aws_region eu-west-1;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS;
    apigw_authorizer signed token function=auth ttl=0;
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name temporary;
        apigw_api petstore;
        apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT2;
        apigw_authorizer mismatch token function=auth ttl=0;
        location /pets {
            apigw_resource /pets;
            apigw_method GET {
                apigw_authorization mismatch;
                apigw_integration mock;
            }
        }
    }
--- config
    apigw_api petstore;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization signed;
            apigw_integration mock;
        }
    }
--- request eval
["GET /pets", "GET /pets"]
--- more_headers eval
["Authorization: token", "Authorization: token\nHost: temporary"]
--- error_code eval
[500, 500]
--- error_log eval
[qr/the authorizer "signed" answered with an invalid response: no string "principalId"/,
 qr/the authorizer "mismatch" could not be invoked: 0, status 403/]



=== TEST 12: the integration's own signature, after the authorizer's
--- http_config
    apigw_aws_region eu-west-1;
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS;
    apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_LAMBDA_PORT;
    apigw_authorizer tok token function=authorizer ttl=0;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method POST {
            apigw_authorization tok;
            apigw_lambda_endpoint http://127.0.0.1:$TEST_NGINX_AWS_PORT;
            apigw_integration lambda pets proxy;
        }
    }
--- request
POST /dev/pets
{"name":"rex"}
--- more_headers
Authorization: allow-signer
--- error_code: 200
--- response_body: {"signed": ["host", "x-amz-date"], "path": "/2015-03-31/functions/pets/invocations"}
--- error_log
apigw lambda authorizer "tok": invoking
--- no_error_log
[error]
