# apigw_authorizer / apigw_authorization: declaring authorizers and
# choosing one per method; configuration errors name file and line.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a method naming no declared authorizer fails nginx -t
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_authorization nobody;
            apigw_integration mock;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] unknown authorizer "nobody" in \S+nginx\.conf:\d+/



=== TEST 2: an unknown authorizer type
--- config
    apigw_api petstore;
    apigw_authorizer a oauth1;
--- must_die
--- error_log eval
qr/\[emerg\] unknown authorizer type "oauth1" \(jwt, cognito, token or request\) in \S+nginx\.conf:\d+/



=== TEST 3: reserved and invalid authorizer names
--- config
    apigw_api petstore;
    apigw_authorizer aws_iam jwt;
--- must_die
--- error_log eval
qr/\[emerg\] invalid authorizer name "aws_iam" in \S+nginx\.conf:\d+/



=== TEST 4: names are letters, digits, - and _
--- config
    apigw_api petstore;
    apigw_authorizer "a b" jwt;
--- must_die
--- error_log eval
qr/\[emerg\] invalid authorizer name "a b": letters, digits, "-" and "_" only in \S+nginx\.conf:\d+/



=== TEST 5: scopes need an authorizer
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_authorization aws_iam scopes=read;
            apigw_integration mock;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] "scopes" need an authorizer, not "aws_iam" in \S+nginx\.conf:\d+/



=== TEST 6: an empty scope
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_authorization x scopes=a,,b;
            apigw_integration mock;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] empty scope in "scopes=a,,b" in \S+nginx\.conf:\d+/



=== TEST 7: authorization none lets the method run
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_authorization none;
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_integration mock 'body={"ok":true}';
        }
    }
--- request
GET /dev/a
--- error_code: 200
--- response_body: {"ok":true}



=== TEST 8: a duplicate apigw_authorization
--- config
    apigw_api petstore;
    location /a {
        apigw_resource /a;
        apigw_method GET {
            apigw_authorization none;
            apigw_authorization aws_iam;
            apigw_integration mock;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_authorization" directive is duplicate in \S+nginx\.conf:\d+/
