# JWT and Cognito user-pool authorizers: tokens minted by an independent
# implementation (PyJWT, t/lib/jwt_tool.py) with keys made for this run;
# every way a token can be wrong, every algorithm family, key sets from
# files and from URLs (fetched, cached, rotated), the claims in Lambda
# events, mapping templates and variables.
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

t::APIGW::start_process($ENV{TEST_NGINX_JWKS_PORT}, $tool, 'serve',
                        $ENV{TEST_NGINX_JWKS_PORT}, $Dir);
t::APIGW::wait_backend($ENV{TEST_NGINX_JWKS_PORT});

t::APIGW::start_lambda_runtime();

no_shuffle();

# authorizers of every kind, and an API using them, unless a block has
# its own; tokens are $::T{name} (see t/lib/jwt_tool.py)
our $Authorizers = <<'END';
    apigw_authorizer idp jwt issuer=https://issuer.example.com/
        audience=api://default jwks=$TEST_NGINX_JWT_DIR/jwks.json;
    apigw_authorizer hs jwt issuer=https://issuer.example.com/
        audience=api://default
        secret=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef;
    apigw_authorizer lee jwt issuer=https://issuer.example.com/
        audience=api://default,api://other jwks=$TEST_NGINX_JWT_DIR/jwks.json
        leeway=30s;
    apigw_authorizer es jwt issuer=https://issuer.example.com/
        audience=api://default jwks=$TEST_NGINX_JWT_DIR/jwks.json
        algorithms=ES256;
    apigw_authorizer xt jwt issuer=https://issuer.example.com/
        audience=api://default jwks=$TEST_NGINX_JWT_DIR/jwks.json
        identity=$request.header.X-Token;
    apigw_authorizer pool cognito pool=us-east-1_TestPool1
        jwks=$TEST_NGINX_JWT_DIR/jwks-cognito.json;
    apigw_authorizer pool_a cognito pool=us-east-1_TestPool1
        client_id=client-a identity=method.request.header.Authorization
        jwks=$TEST_NGINX_JWT_DIR/jwks-cognito.json;
END

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config =>
        "    apigw_lambda_endpoint http://127.0.0.1:$ENV{TEST_NGINX_LAMBDA_PORT};\n"
        . $Authorizers . ($block->http_config // ''));
    $block->set_value(config => api()) unless defined $block->config;
});

# one resource per authorizer, /NAME and /NAME/scoped (scopes=write,admin
# or, for Cognito, orders/read)
sub api {
    my $conf = "    apigw_api petstore;\n    apigw_stage dev {}\n";
    for my $n (qw(idp hs lee es xt pool pool_a)) {
        my $scopes = $n =~ /^pool/ ? 'orders/read' : 'write,admin';
        for my $s ('', '/scoped') {
            $conf .= <<"END";
    location = /$n$s {
        apigw_resource /$n$s;
        apigw_method GET {
            apigw_authorization $n@{[ $s ? " scopes=$scopes" : '' ]};
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"sub": "\$context.authorizer.claims.sub"}';
            }
        }
    }
END
        }
    }
    return $conf;
}

# n requests of the same method, one token each
sub reqs {
    my ($path, @names) = @_;
    return [ map { "GET $path" } @names ];
}

sub bearer {
    return [ map { "Authorization: Bearer $::T{$_}" } @_ ];
}

run_tests();

__DATA__

=== TEST 1: a good RS256 token passes; the claims reach the template
--- request
GET /dev/idp
--- more_headers eval
"Authorization: Bearer $::T{good}"
--- error_code: 200
--- response_body: {"sub": "user-1"}
--- no_error_log
[error]



=== TEST 2: no token, an empty one, a "Bearer" without token: 401
--- request eval
["GET /dev/idp", "GET /dev/idp", "GET /dev/idp", "GET /dev/idp"]
--- more_headers eval
["", "Authorization: ", "Authorization: Bearer", "Authorization: Bearer   "]
--- error_code eval
[401, 401, 401, 401]
--- response_body eval
['{"message":"Unauthorized"}', '{"message":"Unauthorized"}',
 '{"message":"Unauthorized"}', '{"message":"Unauthorized"}']
--- response_headers
Content-Type: application/json
x-amzn-ErrorType: UnauthorizedException
--- error_log
authorizer "idp" does not authenticate the request: no token
--- no_error_log
[error]



=== TEST 3: the token with or without "Bearer ", any case
--- request eval
["GET /dev/idp", "GET /dev/idp", "GET /dev/idp"]
--- more_headers eval
["Authorization: $::T{good}", "Authorization: bearer $::T{good}",
 "Authorization: BEARER  $::T{good}"]
--- error_code eval
[200, 200, 200]
--- no_error_log
[error]



=== TEST 4: every algorithm family verifies with its key
--- request eval
main::reqs("/dev/idp", qw(rs384 rs512 ps256 ps384 ps512 ps512_3072 es256
                          es384 es512))
--- more_headers eval
main::bearer(qw(rs384 rs512 ps256 ps384 ps512 ps512_3072 es256 es384 es512))
--- error_code eval
[(200) x 9]
--- response_body eval
[('{"sub": "user-1"}') x 9]
--- no_error_log
[error]



=== TEST 5: HS256, HS384, HS512 with the configured secret; not another one
--- request eval
main::reqs("/dev/hs", qw(hs256 hs384 hs512 hs256_wrong_secret good))
--- more_headers eval
main::bearer(qw(hs256 hs384 hs512 hs256_wrong_secret good))
--- error_code eval
[200, 200, 200, 401, 401]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token's signature is invalid
does not authenticate the request: the token's algorithm is not allowed
--- no_error_log
[error]



=== TEST 6: expired, not yet valid, issued in the future: 401
--- request eval
main::reqs("/dev/idp", qw(expired expired_20s nbf_future iat_future nbf_past))
--- more_headers eval
main::bearer(qw(expired expired_20s nbf_future iat_future nbf_past))
--- error_code eval
[401, 401, 401, 401, 200]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token has expired
does not authenticate the request: the token has expired
does not authenticate the request: the token is not valid yet
does not authenticate the request: the token was issued in the future
--- no_error_log
[error]



=== TEST 7: leeway: a token expired 20 s ago passes a 30 s leeway, not 100 s
--- request eval
main::reqs("/dev/lee", qw(expired_20s expired))
--- more_headers eval
main::bearer(qw(expired_20s expired))
--- error_code eval
[200, 401]
--- no_error_log
[error]



=== TEST 8: exp is required, and a number
--- request eval
main::reqs("/dev/idp", qw(no_exp exp_string))
--- more_headers eval
main::bearer(qw(no_exp exp_string))
--- error_code eval
[401, 401]
--- no_error_log
[error]



=== TEST 9: the issuer must match exactly
--- request eval
main::reqs("/dev/idp", qw(wrong_iss iss_slash))
--- more_headers eval
main::bearer(qw(wrong_iss iss_slash))
--- error_code eval
[401, 401]
--- error_log
the token has an invalid issuer
--- no_error_log
[error]



=== TEST 10: aud, an aud list, client_id when there is no aud
--- request eval
main::reqs("/dev/idp", qw(wrong_aud aud_list client_id aud_wrong_client_id
                          no_aud))
--- more_headers eval
main::bearer(qw(wrong_aud aud_list client_id aud_wrong_client_id no_aud))
--- error_code eval
[401, 200, 200, 401, 401]
--- error_log
the token does not have a valid audience
--- no_error_log
[error]



=== TEST 11: a second audience of the authorizer
--- request eval
main::reqs("/dev/lee", qw(wrong_aud good))
--- more_headers eval
main::bearer(qw(wrong_aud good))
--- error_code eval
[200, 200]
--- no_error_log
[error]



=== TEST 12: tampered payload or signature, no signature, not base64url
--- request eval
main::reqs("/dev/idp", qw(tampered_payload tampered_signature no_signature
                          padded))
--- more_headers eval
main::bearer(qw(tampered_payload tampered_signature no_signature padded))
--- error_code eval
[401, 401, 401, 401]
--- response_body eval
[('{"message":"Unauthorized"}') x 4]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token's signature is invalid
does not authenticate the request: the token's signature is invalid
does not authenticate the request: the token is not a compact JWS
does not authenticate the request: the token's signature is not base64url
--- no_error_log
[error]



=== TEST 13: not a JWS: two or four parts, a header that is not JSON, a header with a duplicate name, critical extensions
--- request eval
main::reqs("/dev/idp", qw(two_parts four_parts not_json dup_header crit))
--- more_headers eval
[map({ "Authorization: Bearer $::T{$_}" }
     qw(two_parts four_parts not_json dup_header crit))]
--- error_code eval
[401, 401, 401, 401, 401]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token is not a compact JWS
does not authenticate the request: the token is not a compact JWS
does not authenticate the request: the token's header or payload is not a JSON object
does not authenticate the request: the token's header or payload is not a JSON object
does not authenticate the request: the token has critical header parameters
--- no_error_log
[error]



=== TEST 14: alg "none", with or without a signature, and "None"
--- request eval
main::reqs("/dev/idp", qw(alg_none alg_none_signed alg_None))
--- more_headers eval
main::bearer(qw(alg_none alg_none_signed alg_None))
--- error_code eval
[401, 401, 401]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token is not a compact JWS
does not authenticate the request: the token's algorithm is not supported
does not authenticate the request: the token's algorithm is not supported
--- no_error_log
[error]



=== TEST 15: HS256 signed with the RSA public key's PEM: refused with a key set, and with a secret
--- request eval
["GET /dev/idp", "GET /dev/hs"]
--- more_headers eval
main::bearer(qw(hs256_pubkey hs256_pubkey))
--- error_code eval
[401, 401]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token's algorithm is not allowed
does not authenticate the request: the token's signature is invalid
--- no_error_log
[error]



=== TEST 16: the algorithm must match the key: RS256 with an EC key's kid, ES256 with an RSA key's, ES384 with a P-256 key, RS256 with a key for PS512 only
--- request eval
main::reqs("/dev/idp", qw(rs256_ec_kid es256_rsa_kid es384_ec256_kid
                          rs256_3072 rs256_ps_only_key))
--- more_headers eval
main::bearer(qw(rs256_ec_kid es256_rsa_kid es384_ec256_kid rs256_3072
                rs256_ps_only_key))
--- error_code eval
[401, 401, 401, 401, 401]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token's algorithm does not match the key
does not authenticate the request: the token's algorithm does not match the key
does not authenticate the request: the token's algorithm does not match the key
does not authenticate the request: the token's algorithm does not match the key
does not authenticate the request: the token's algorithm does not match the key
--- no_error_log
[error]



=== TEST 17: unknown kid, no kid, keys left out of the set (RSA-1024, oct)
--- request eval
main::reqs("/dev/idp", qw(unknown_kid no_kid rsa1024 hmac_kid))
--- more_headers eval
main::bearer(qw(unknown_kid no_kid rsa1024 hmac_kid))
--- error_code eval
[401, 401, 401, 401]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: no key has the token's "kid"
does not authenticate the request: the token has no "kid"
does not authenticate the request: no key has the token's "kid"
does not authenticate the request: the token's algorithm is not allowed
--- no_error_log
[error]



=== TEST 18: algorithms=ES256 allows only ES256
--- request eval
main::reqs("/dev/es", qw(es256 good es384))
--- more_headers eval
main::bearer(qw(es256 good es384))
--- error_code eval
[200, 401, 401]
--- no_error_log
[error]



=== TEST 19: scopes: one of the method's in "scope" or "scp", else 403
--- request eval
main::reqs("/dev/idp/scoped", qw(good scope_admin scp_array scope_none
                                 scope_prefix))
--- more_headers eval
main::bearer(qw(good scope_admin scp_array scope_none scope_prefix))
--- error_code eval
[200, 200, 200, 403, 403]
--- response_body eval
['{"sub": "user-1"}', '{"sub": "user-1"}', '{"sub": "user-1"}',
 '{"message":"Forbidden"}', '{"message":"Forbidden"}']
--- grep_error_log eval
qr/authorizer "idp" denies the request: [^,]*/
--- grep_error_log_out
authorizer "idp" denies the request: the token does not have a required scope
authorizer "idp" denies the request: the token does not have a required scope
--- no_error_log
[error]



=== TEST 20: the 403 of a missing scope is AWS's ACCESS_DENIED
--- request
GET /dev/idp/scoped
--- more_headers eval
"Authorization: Bearer $::T{scope_none}"
--- error_code: 403
--- response_body: {"message":"Forbidden"}
--- response_headers
x-amzn-ErrorType: AccessDeniedException
--- no_error_log
[error]



=== TEST 21: another identity source header, with or without "Bearer "
--- request eval
["GET /dev/xt", "GET /dev/xt", "GET /dev/xt"]
--- more_headers eval
["X-Token: $::T{good}", "x-token: Bearer $::T{good}",
 "Authorization: Bearer $::T{good}"]
--- error_code eval
[200, 200, 401]
--- no_error_log
[error]



=== TEST 22: customised gateway responses: UNAUTHORIZED with a WWW-Authenticate header, ACCESS_DENIED with a body
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_gateway_response UNAUTHORIZED
        "header=WWW-Authenticate:'Bearer realm=\"petstore\"'"
        'body={"error":"$context.error.message","type":"$context.error.responseType"}';
    apigw_gateway_response ACCESS_DENIED status=401
        'body={"error":"insufficient scope"}';
    location = /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization idp scopes=admin;
            apigw_integration mock;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["Authorization: Bearer $::T{expired}", "Authorization: Bearer $::T{good}"]
--- error_code eval
[401, 401]
--- response_body eval
['{"error":"Unauthorized","type":"UNAUTHORIZED"}',
 '{"error":"insufficient scope"}']
--- response_headers eval
["WWW-Authenticate: Bearer realm=\"petstore\"", "! WWW-Authenticate"]
--- no_error_log
[error]



=== TEST 23: Cognito: an ID token without scopes; an access token only for scopes
--- request eval
["GET /dev/pool", "GET /dev/pool", "GET /dev/pool/scoped",
 "GET /dev/pool/scoped"]
--- more_headers eval
main::bearer(qw(cognito_id cognito_access cognito_access cognito_id))
--- error_code eval
[200, 401, 200, 401]
--- response_body eval
['{"sub": "c0ffee-1"}', '{"message":"Unauthorized"}', '{"sub": "c0ffee-1"}',
 '{"message":"Unauthorized"}']
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token has an invalid "token_use"
does not authenticate the request: the token has an invalid "token_use"
--- no_error_log
[error]



=== TEST 24: Cognito: the pool's issuer, the app client (aud or client_id), expiry
--- request eval
["GET /dev/pool_a", "GET /dev/pool_a/scoped", "GET /dev/pool_a/scoped",
 "GET /dev/pool_a", "GET /dev/pool_a", "GET /dev/pool", "GET /dev/pool"]
--- more_headers eval
main::bearer(qw(cognito_id cognito_access cognito_access_other_client
                cognito_other_pool cognito_id_expired good
                cognito_access_other_client))
--- error_code eval
[200, 200, 401, 401, 401, 401, 401]
--- grep_error_log eval
qr/does not authenticate the request: [^,]*/
--- grep_error_log_out
does not authenticate the request: the token does not have a valid audience
does not authenticate the request: the token has an invalid issuer
does not authenticate the request: the token has expired
does not authenticate the request: no key has the token's "kid"
does not authenticate the request: the token has an invalid "token_use"
--- no_error_log
[error]
