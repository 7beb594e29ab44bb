# JWT authorizers with two workers: each verifies tokens with the key
# set of a file; a URL's set is fetched by a worker when first needed
# (its requests arriving meanwhile wait for that fetch) and shared with
# the other worker through the apigw_jwks zone, which survives reloads
# (the blocks after the first reload the running nginx).
use lib '.';
use t::APIGW 'no_plan';
use File::Spec ();
use File::Temp ();
use JSON::PP ();

our $Dir = File::Temp::tempdir(CLEANUP => 1);
my $tool = File::Spec->rel2abs('t/lib/jwt_tool.py');

system('/usr/bin/python3', $tool, 'setup', $Dir) == 0
    or die "t/lib/jwt_tool.py setup failed\n";

our %T = %{ JSON::PP::decode_json(do {
    local $/;
    open my $fh, '<', "$Dir/tokens.json" or die "$Dir/tokens.json: $!";
    <$fh>;
}) };

$ENV{TEST_NGINX_JWT_DIR} = $Dir;
$ENV{TEST_NGINX_JWKS_PORT} ||= ($ENV{TEST_NGINX_PORT_BASE} || 1984) + 8;
$ENV{TEST_NGINX_AUX_PORT} ||= ($ENV{TEST_NGINX_PORT_BASE} || 1984) + 9;

t::APIGW::start_process($ENV{TEST_NGINX_JWKS_PORT}, $tool, 'serve',
                        $ENV{TEST_NGINX_JWKS_PORT}, $Dir);
t::APIGW::wait_backend($ENV{TEST_NGINX_JWKS_PORT});

t::APIGW::start_lambda_runtime();

master_on();
workers(2);
use_hup();
no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config =>
        "    apigw_lambda_endpoint http://127.0.0.1:$ENV{TEST_NGINX_LAMBDA_PORT};\n"
        . ($block->http_config // ''));
});

# 16 requests at once through the fanout function (t/lib/lambda), to the
# API on a reuseport listener so that both workers take some
sub fanout {
    my ($token) = @_;
    return "POST /dev/fanout\n" . JSON::PP::encode_json({
        url => "http://127.0.0.1:$ENV{TEST_NGINX_AUX_PORT}/dev/pets",
        n => 16, header => 'X-Pid',
        headers => { Authorization => "Bearer $T{$token}" } });
}

run_tests();

__DATA__

=== TEST 1: both workers verify tokens with a file's key set
--- http_config
    apigw_authorizer idp jwt issuer=https://issuer.example.com/
        audience=api://default jwks=$TEST_NGINX_JWT_DIR/jwks.json;
    server {
        listen 127.0.0.1:$TEST_NGINX_AUX_PORT reuseport;
        apigw_api petstore;
        apigw_stage dev {}
        location = /pets {
            apigw_resource /pets;
            apigw_method GET {
                apigw_authorization idp;
                apigw_integration mock;
                add_header X-Pid $pid always;
            }
        }
    }
--- config
    apigw_api fan;
    apigw_stage dev {}
    location = /fanout {
        apigw_resource /fanout;
        apigw_method POST { apigw_integration lambda fanout proxy; }
    }
--- request eval
[main::fanout('good'), main::fanout('expired')]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/^\{"statuses": \[200(?:, 200){15}\], "values": \["(\d+)"(?:, "\d+")*, "(?!\1")\d+"(?:, "\d+")*\]\}$/,
 qr/^\{"statuses": \[401(?:, 401){15}\], "values": \["\d+"(?:, "\d+")*\]\}$/]
--- no_error_log
[error]



=== TEST 2: at most a fetch per worker when both need the set at once; their requests wait for it
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/w2?delay=0.3;
    server {
        listen 127.0.0.1:$TEST_NGINX_AUX_PORT reuseport;
        apigw_api petstore;
        apigw_stage dev {}
        location = /pets {
            apigw_resource /pets;
            apigw_method GET {
                apigw_authorization url;
                apigw_integration mock;
                add_header X-Pid $pid always;
            }
        }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name aux;
        location / { proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    }
--- config
    apigw_api fan;
    apigw_stage dev {}
    location = /fanout {
        apigw_resource /fanout;
        apigw_method POST { apigw_integration lambda fanout proxy; }
    }
--- request eval
["GET /rotate/w2?to=jwks.json", main::fanout('good'), main::fanout('es256'),
 "GET /hits/w2"]
--- more_headers eval
["Host: aux", "", "", "Host: aux"]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/rotated/,
 qr/^\{"statuses": \[200(?:, 200){15}\], "values": \["(\d+)"(?:, "\d+")*, "(?!\1")\d+"(?:, "\d+")*\]\}$/,
 qr/^\{"statuses": \[200(?:, 200){15}\]/,
 qr/^[12]$/]
--- no_error_log
[error]



=== TEST 3: a set one worker fetched serves the other; unknown kids do not fetch again in either
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/w3;
    server {
        listen 127.0.0.1:$TEST_NGINX_AUX_PORT reuseport;
        apigw_api petstore;
        apigw_stage dev {}
        location = /pets {
            apigw_resource /pets;
            apigw_method GET {
                apigw_authorization url;
                apigw_integration mock;
                add_header X-Pid $pid always;
            }
        }
    }
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name aux;
        location / { proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    }
--- config
    apigw_api fan;
    apigw_stage dev {}
    location = /fanout {
        apigw_resource /fanout;
        apigw_method POST { apigw_integration lambda fanout proxy; }
    }
    location = /one {
        apigw_resource /one;
        apigw_method GET {
            apigw_authorization url;
            apigw_integration mock;
        }
    }
--- request eval
["GET /rotate/w3?to=jwks.json", "GET /dev/one", main::fanout('good'),
 main::fanout('unknown_kid'), "GET /hits/w3"]
--- more_headers eval
["Host: aux", "Authorization: Bearer $::T{good}", "", "", "Host: aux"]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[qr/rotated/, qr/^$/,
 qr/^\{"statuses": \[200(?:, 200){15}\], "values": \["(\d+)"(?:, "\d+")*, "(?!\1")\d+"(?:, "\d+")*\]\}$/,
 qr/^\{"statuses": \[401(?:, 401){15}\]/,
 qr/^1$/]
--- error_log
fetched by another worker
--- no_error_log
[error]



=== TEST 4: after a reload, the set is still there: no fetch
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/w3;
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name aux;
        location / { proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    }
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization url;
            apigw_integration mock;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /hits/w3"]
--- more_headers eval
["Authorization: Bearer $::T{good}", "Authorization: Bearer $::T{es256}",
 "Host: aux"]
--- error_code eval
[200, 200, 200]
--- response_body eval
["", "", "1"]
--- no_error_log
[error]
