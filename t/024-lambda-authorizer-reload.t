# The Lambda authorizer cache is shared memory: what one worker stored,
# the workers of a reloaded nginx (new processes, the same zone, as a
# redeployment has them) find, until the entry's TTL is over.  The
# function (t/lib/lambda/authorizer.py) counts its calls per token and
# tells the count in its context; the debug log shows each invocation.
use lib '.';
use File::Temp ();
use t::APIGW 'no_plan';

$ENV{APIGW_TEST_AUTH_DIR} = File::Temp::tempdir(CLEANUP => 1);

t::APIGW::start_lambda_runtime();

workers(2);
master_on();
use_hup();
no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config =>
        "    apigw_lambda_endpoint http://127.0.0.1:$ENV{TEST_NGINX_LAMBDA_PORT};\n"
        . "    apigw_authorizer tok token function=authorizer;\n"
        . "    apigw_authorizer short token function=authorizer ttl=1;\n"
        . "    server {\n"
        . "        listen 127.0.0.1:$ENV{TEST_NGINX_SERVER_PORT};\n"
        . "        server_name sleeper;\n"
        . "        location / {\n"
        . "            proxy_pass http://127.0.0.1:$ENV{TEST_NGINX_BACKEND_PORT};\n"
        . "        }\n"
        . "    }\n");
    $block->set_value(config => <<'END');
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization tok;
            apigw_integration lambda echo proxy;
        }
        apigw_method POST {
            apigw_authorization short;
            apigw_integration lambda echo proxy;
        }
    }
END
});

run_tests();

__DATA__

=== TEST 1: the first deployment calls the function and stores its answer
--- request eval
["GET /dev/pets", "POST /dev/pets"]
--- more_headers eval
["Authorization: allow-reloaded", "Authorization: allow-short"]
--- response_body_like eval
[qr/"calls": "1", .*"principalId": "reloaded"/,
 qr/"calls": "1", .*"principalId": "short"/]
--- grep_error_log eval: qr/invoking|: cached/
--- grep_error_log_out eval
["invoking\ninvoking\n"]
--- no_error_log
[error]



=== TEST 2: new workers find it; an entry past its TTL (1 s) is not used
--- request eval
["GET /sleep/1.2", "GET /dev/pets", "POST /dev/pets",
 "POST /dev/pets"]
--- more_headers eval
["Host: sleeper", "Authorization: allow-reloaded", "Authorization: allow-short",
 "Authorization: allow-short"]
--- response_body_like eval
[qr/./, qr/"calls": "1", .*"principalId": "reloaded"/,
 qr/"calls": "2", .*"principalId": "short"/,
 qr/"calls": "2", .*"principalId": "short"/]
--- grep_error_log eval: qr/invoking|: cached/
--- grep_error_log_out eval
[": cached\ninvoking\n: cached\n"]
--- no_error_log
[error]
