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
our $tool = File::Spec->rel2abs('t/lib/jwt_tool.py');

system('/usr/bin/python3', $tool, 'setup', $Dir) == 0
    or die "t/lib/jwt_tool.py setup failed\n";

our %T = %{ JSON::PP::decode_json(do {
    local $/;
    open my $fh, '<', "$Dir/tokens.json" or die "$Dir/tokens.json: $!";
    <$fh>;
}) };

$ENV{TEST_NGINX_JWT_DIR} = $Dir;

# a certificate for 127.0.0.1, the key-set server's over TLS
system("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
       . "-addext subjectAltName=IP:127.0.0.1 -days 2 "
       . "-keyout $Dir/key.pem -out $Dir/cert.pem >/dev/null 2>&1") == 0
    or die "openssl failed";
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
        leeway=5m;
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



=== TEST 7: leeway: a token expired 20 s ago passes a 5 min leeway, not one expired 10 min ago
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



=== TEST 25: the claims in a 1.0 Lambda event, as REST's Cognito authorizer passes them: strings, Java dates, joined arrays
--- config
    apigw_api petstore id=abc1234567;
    apigw_stage dev {}
    location = /me {
        apigw_resource /me;
        apigw_method GET {
            apigw_authorization pool;
            apigw_integration lambda echo proxy;
        }
    }
--- request
GET /dev/me
--- more_headers eval
"Authorization: Bearer $::T{cognito_id}"
--- error_code: 200
--- response_body_like eval
[[
qr/"requestContext": \{"accountId": "\d{12}", "apiId": "abc1234567", "authorizer": \{"claims": \{/,
qr/"claims": \{"sub": "c0ffee-1", "iss": "https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_TestPool1", "token_use": "id", "aud": "client-a", "cognito:username": "jane", "cognito:groups": "g1,g2", "email": "jane\@example\.com", "email_verified": "true", "auth_time": "1573022214", "exp": "Sun Mar 17 17:46:40 UTC 2030", "iat": "\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}", "event_id": "e-1"\}\}, "domainName"/,
]]
--- no_error_log
[error]



=== TEST 26: the claims in a 2.0 Lambda event, as HTTP APIs pass them: authorizer.jwt.claims and scopes
--- config
    apigw_api petstore id=abc1234567;
    apigw_stage dev {}
    location = /me {
        apigw_resource /me;
        apigw_method GET {
            apigw_authorization idp scopes=read;
            apigw_integration lambda echo proxy payload=2.0;
        }
    }
--- request
GET /dev/me
--- more_headers eval
"Authorization: Bearer $::T{good}"
--- error_code: 200
--- response_body_like eval
[[
qr/"requestContext": \{"accountId": "\d{12}", "apiId": "abc1234567", "authorizer": \{"jwt": \{"claims": \{/,
qr/"claims": \{"iss": "https:\/\/issuer\.example\.com\/", "aud": "api:\/\/default", "sub": "user-1", "exp": "\d+", "iat": "\d+", "scope": "read write", "email": "jane\@example\.com", "groups": "\[admin dev\]", "n": "42", "flag": "true", "obj": "\{\\"a\\":1\}"\}, "scopes": \["read", "write"\]\}\}, "domainName"/,
]]
--- no_error_log
[error]



=== TEST 27: a JWT authorizer's claims in a 1.0 event: strings, epoch seconds
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /me {
        apigw_resource /me;
        apigw_method GET {
            apigw_authorization idp;
            apigw_integration lambda echo proxy;
        }
    }
--- request
GET /dev/me
--- more_headers eval
"Authorization: Bearer $::T{good}"
--- error_code: 200
--- response_body_like eval
qr/"authorizer": \{"claims": \{"iss": "https:\/\/issuer\.example\.com\/", "aud": "api:\/\/default", "sub": "user-1", "exp": "\d{10}", "iat": "\d{10}", "scope": "read write", "email": "jane\@example\.com", "groups": "admin,dev", "n": "42", "flag": "true", "obj": "\{\\"a\\":1\}"\}\}/
--- no_error_log
[error]



=== TEST 28: no authorizer, no requestContext.authorizer
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /me {
        apigw_resource /me;
        apigw_method GET { apigw_integration lambda echo proxy; }
    }
--- request
GET /dev/me
--- more_headers eval
"Authorization: Bearer $::T{good}"
--- error_code: 200
--- response_body_unlike: "authorizer"
--- no_error_log
[error]



=== TEST 29: $context.authorizer.claims in mapping templates, Cognito's names with a colon too
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /me {
        apigw_resource /me;
        apigw_method GET {
            apigw_authorization pool;
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"sub": "$context.authorizer.claims.sub", "user": "$context.authorizer.claims[\'cognito:username\']", "groups": "$context.authorizer.claims[\'cognito:groups\']", "exp": "$context.authorizer.claims.exp", "none": "$context.authorizer.claims.nothing"}';
            }
        }
    }
--- request
GET /dev/me
--- more_headers eval
"Authorization: Bearer $::T{cognito_id}"
--- error_code: 200
--- response_body: {"sub": "c0ffee-1", "user": "jane", "groups": "g1,g2", "exp": "Sun Mar 17 17:46:40 UTC 2030", "none": ""}
--- no_error_log
[error]



=== TEST 30: nginx variables: $apigw_principal_id, $apigw_authorizer_claims_NAME
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /me {
        apigw_resource /me;
        apigw_method GET {
            apigw_authorization idp;
            apigw_integration mock;
            add_header X-Principal $apigw_principal_id;
            add_header X-Email $apigw_authorizer_claims_email;
            add_header X-Groups $apigw_authorizer_claims_groups;
            add_header X-Obj $apigw_authorizer_claims_obj;
            add_header X-None "[$apigw_authorizer_claims_nothing]";
            add_header X-Claims "[$apigw_authorizer_claims]";
        }
    }
--- request
GET /dev/me
--- more_headers eval
"Authorization: Bearer $::T{good}"
--- error_code: 200
--- response_headers
X-Principal: user-1
X-Email: jane@example.com
X-Groups: admin,dev
X-Obj: {"a":1}
X-None: []
--- response_headers_like
X-Claims: ^\[\{"iss":"https://issuer\.example\.com/",.*"sub":"user-1",.*\}\]$
--- no_error_log
[error]



=== TEST 31: the variables are empty without an authorizer's answer
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /me {
        apigw_resource /me;
        apigw_method GET {
            apigw_integration mock;
            add_header X-Principal "[$apigw_principal_id]";
            add_header X-Email "[$apigw_authorizer_claims_email]";
        }
    }
--- request
GET /dev/me
--- error_code: 200
--- response_headers
X-Principal: []
X-Email: []
--- no_error_log
[error]



=== TEST 32: a key set from a URL: fetched when first needed, then cached
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/jwks.json;
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
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /hits/jwks.json"]
--- more_headers eval
["Authorization: Bearer $::T{good}", "Authorization: Bearer $::T{es256}",
 "Authorization: Bearer $::T{expired}", "Host: aux"]
--- error_code eval
[200, 200, 401, 200]
--- response_body eval
["", "", '{"message":"Unauthorized"}', "1"]
--- error_log
fetching the key set of authorizer "url" from "http://127.0.0.1:
the key set of authorizer "url" has 5 keys
--- no_error_log
[error]



=== TEST 33: keys rotated: a token with a new kid fetches the set again and passes
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default jwks_refetch=0s
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/r33;
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
["GET /rotate/r33?to=jwks.json", "GET /dev/pets", "GET /dev/pets",
 "GET /rotate/r33?to=jwks-rotated.json", "GET /dev/pets", "GET /dev/pets",
 "GET /hits/r33"]
--- more_headers eval
["Host: aux", "Authorization: Bearer $::T{good}",
 "Authorization: Bearer $::T{rotated}", "Host: aux",
 "Authorization: Bearer $::T{rotated}", "Authorization: Bearer $::T{good}",
 "Host: aux"]
--- error_code eval
[200, 200, 401, 200, 200, 200, 200]
--- response_body eval
['{"rotated":true}', "", '{"message":"Unauthorized"}', '{"rotated":true}',
 "", "", "3"]
--- grep_error_log eval
qr/the key set of authorizer "url" has \d+ keys/
--- grep_error_log_out
the key set of authorizer "url" has 5 keys
the key set of authorizer "url" has 5 keys
the key set of authorizer "url" has 2 keys
--- no_error_log
[error]



=== TEST 34: an unknown kid fetches the set at most once per jwks_refetch (5 min by default): then 401
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/r34;
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
["GET /rotate/r34?to=jwks.json", "GET /dev/pets",
 "GET /rotate/r34?to=jwks-rotated.json", "GET /dev/pets", "GET /dev/pets",
 "GET /dev/pets", "GET /hits/r34"]
--- more_headers eval
["Host: aux", "Authorization: Bearer $::T{good}", "Host: aux",
 "Authorization: Bearer $::T{rotated}", "Authorization: Bearer $::T{unknown_kid2}",
 "Authorization: Bearer $::T{good}", "Host: aux"]
--- error_code eval
[200, 200, 200, 401, 401, 200, 200]
--- response_body eval
['{"rotated":true}', "", '{"rotated":true}', '{"message":"Unauthorized"}',
 '{"message":"Unauthorized"}', "", "1"]
--- no_error_log
[error]



=== TEST 35: the set cannot be fetched: AUTHORIZER_CONFIGURATION_ERROR, retried after a while, not per request
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/missing.json;
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
["GET /dev/pets", "GET /dev/pets", "GET /hits/missing.json"]
--- more_headers eval
["Authorization: Bearer $::T{good}", "Authorization: Bearer $::T{good}",
 "Host: aux"]
--- error_code eval
[500, 500, 200]
--- response_body eval
['{"message":"Internal server error"}', '{"message":"Internal server error"}',
 "1"]
--- response_headers eval
["x-amzn-ErrorType: AuthorizerConfigurationException",
 "x-amzn-ErrorType: AuthorizerConfigurationException", ""]
--- error_log
fetching the key set of authorizer "url" from "http://127.0.0.1:
/jwks/missing.json" failed: status 404
authorizer "url" has no key set



=== TEST 36: a fetched document that is not a key set
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/jwks-bad.json;
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
--- request
GET /dev/pets
--- more_headers eval
"Authorization: Bearer $::T{good}"
--- error_code: 500
--- error_log
the key set of authorizer "url" from "http://127.0.0.1:
is invalid: the key set is not a JSON object



=== TEST 37: requests arriving while the set is fetched wait for that one fetch
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/r37?delay=0.5;
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
    location = /fanout {
        apigw_resource /fanout;
        apigw_method POST { apigw_integration lambda fanout proxy; }
    }
--- request eval
["GET /rotate/r37?to=jwks.json",
 "POST /dev/fanout\n" . JSON::PP::encode_json({
     url => "http://127.0.0.1:$ENV{TEST_NGINX_SERVER_PORT}/dev/pets",
     n => 6, headers => { Authorization => "Bearer $::T{good}",
                          Host => 'localhost' } }),
 "GET /hits/r37"]
--- more_headers eval
["Host: aux", "", "Host: aux"]
--- error_code eval
[200, 200, 200]
--- response_body eval
['{"rotated":true}', "[200, 200, 200, 200, 200, 200]", "1"]
--- grep_error_log eval
qr/fetching the key set of authorizer "url"|waiting for the key set of "url"/
--- grep_error_log_out eval
"fetching the key set of authorizer \"url\"\n"
. "waiting for the key set of \"url\"\n" x 5
--- no_error_log
[error]



=== TEST 38: over TLS, verified against jwks_ca
--- http_config
    apigw_authorizer tls jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=https://127.0.0.1:$TEST_NGINX_TLS_PORT/jwks/jwks.json
        jwks_ca=$TEST_NGINX_JWT_DIR/cert.pem;
    apigw_authorizer untrusted jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=https://127.0.0.1:$TEST_NGINX_TLS_PORT/jwks/jwks.json;
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        ssl_certificate $TEST_NGINX_JWT_DIR/cert.pem;
        ssl_certificate_key $TEST_NGINX_JWT_DIR/key.pem;
        location / { proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }
    }
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /tls {
        apigw_resource /tls;
        apigw_method GET {
            apigw_authorization tls;
            apigw_integration mock;
        }
    }
    location = /untrusted {
        apigw_resource /untrusted;
        apigw_method GET {
            apigw_authorization untrusted;
            apigw_integration mock;
        }
    }
--- request eval
["GET /dev/tls", "GET /dev/untrusted"]
--- more_headers eval
main::bearer(qw(good good))
--- error_code eval
[200, 500]
--- error_log eval
qr/upstream SSL certificate verify error/



=== TEST 39: configuration errors: a jwt authorizer needs an issuer
--- http_config
    apigw_authorizer a jwt audience=x jwks=$TEST_NGINX_JWT_DIR/jwks.json;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] a jwt authorizer needs "issuer=" in \S+nginx\.conf:\d+/



=== TEST 40: an audience
--- http_config
    apigw_authorizer a jwt issuer=https://i/ jwks=$TEST_NGINX_JWT_DIR/jwks.json;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] a jwt authorizer needs "audience=" in \S+nginx\.conf:\d+/



=== TEST 41: keys or a secret
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] a jwt authorizer needs "jwks=" or "secret=" in \S+nginx\.conf:\d+/



=== TEST 42: a secret of at least 32 bytes
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x secret=short;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] "secret" must have at least 32 bytes in \S+nginx\.conf:\d+/



=== TEST 43: unknown parameters, and parameters of the other type
--- http_config
    apigw_authorizer a cognito pool=us-east-1_X issuer=https://i/;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid parameter "issuer=https:\/\/i\/" for a cognito authorizer in \S+nginx\.conf:\d+/



=== TEST 44: a key set file that does not exist
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/nothing.json;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] open\(\) "\S+nothing\.json" failed \(2: No such file or directory\) in \S+nginx\.conf:\d+/



=== TEST 45: a key set file that is not a key set
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/jwks-bad.json;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid key set "\S+jwks-bad\.json": the key set is not a JSON object in \S+nginx\.conf:\d+/



=== TEST 46: a key set without a usable key
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/jwks-empty.json;
--- config
--- must_die
--- error_log eval
[qr/\[warn\] key set "\S+jwks-empty\.json": key 0 "" left out: symmetric key \(use "secret="\) in \S+nginx\.conf:\d+/,
 qr/\[emerg\] invalid key set "\S+jwks-empty\.json": no key to verify signatures with in \S+nginx\.conf:\d+/]



=== TEST 47: a key set URL that is neither http nor https
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=ftp://127.0.0.1/jwks.json;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid key set URL "ftp:\/\/127\.0\.0\.1\/jwks\.json": http:\/\/ or https:\/\/ expected in \S+nginx\.conf:\d+/



=== TEST 48: a cognito authorizer needs a pool, REGION_ID
--- http_config
    apigw_authorizer a cognito client_id=x;
    apigw_authorizer b cognito pool=TestPool1;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] a cognito authorizer needs "pool=REGION_ID" in \S+nginx\.conf:\d+/



=== TEST 49: a user pool id is REGION_ID
--- http_config
    apigw_authorizer b cognito pool=TestPool1
        jwks=$TEST_NGINX_JWT_DIR/jwks.json;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid user pool id "TestPool1": REGION_ID expected, e\.g\. "us-east-1_AbCdEf123" in \S+nginx\.conf:\d+/



=== TEST 50: algorithms: known ones, with their keys
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/jwks.json algorithms=RS256,HS256;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] algorithm "HS256" needs "secret=" in \S+nginx\.conf:\d+/



=== TEST 51: "none" is no algorithm
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/jwks.json algorithms=none;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] unsupported algorithm "none" in \S+nginx\.conf:\d+/



=== TEST 52: jwks_ca needs a URL
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/jwks.json jwks_ca=/etc/ssl/certs/ca-certificates.crt;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] "jwks_ca" needs "jwks=URL" in \S+nginx\.conf:\d+/



=== TEST 53: an invalid leeway, identity
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/jwks.json leeway=soon;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid parameter "leeway=soon" in \S+nginx\.conf:\d+/



=== TEST 54: an identity source that is not a header
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/jwks.json
        identity=method.request.querystring.token;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid parameter "identity=method\.request\.querystring\.token": a header name expected in \S+nginx\.conf:\d+/



=== TEST 55: an empty audience in a list
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x,,y
        jwks=$TEST_NGINX_JWT_DIR/jwks.json;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid parameter "audience=x,,y": empty name in \S+nginx\.conf:\d+/



=== TEST 56: a verified token is not verified again, but still expires
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server_name aux;
        location / { proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT; }

        # the API with a token that the key-set server mints when first
        # asked, expiring 2 s later
        location = /via {
            auth_request /mint;
            auth_request_set $token $upstream_http_x_token;
            proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT$arg_path;
            proxy_set_header Host localhost;
            proxy_set_header Authorization "Bearer $token";
        }
        location = /mint {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_JWKS_PORT/token/t56?seconds=2;
        }
    }
--- request eval
["GET /via?path=/dev/idp", "GET /via?path=/dev/idp",
 "GET /via?path=/dev/idp/scoped", "GET /jwks/none?delay=3",
 "GET /via?path=/dev/idp"]
--- more_headers
Host: aux
--- error_code eval
[200, 200, 403, 404, 401]
--- response_body eval
['{"sub": "user-2"}', '{"sub": "user-2"}', '{"message":"Forbidden"}',
 '{"error":"no such set"}', '{"message":"Unauthorized"}']
--- grep_error_log eval
qr/apigw jwt: a verified token|does not authenticate the request: [^,]*|denies the request: [^,]*/
--- grep_error_log_out
apigw jwt: a verified token
denies the request: the token does not have a required scope
does not authenticate the request: the token has expired
--- timeout: 10
--- no_error_log
[error]



=== TEST 57: verified tokens are verified again with a new key set: a key gone is a token refused
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default jwks_refetch=0s
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/r57;
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
["GET /rotate/r57?to=jwks.json", "GET /dev/pets", "GET /dev/pets",
 "GET /rotate/r57?to=jwks-cognito.json", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["Host: aux", "Authorization: Bearer $::T{good}",
 "Authorization: Bearer $::T{good}", "Host: aux",
 "Authorization: Bearer $::T{unknown_kid}",
 "Authorization: Bearer $::T{good}"]
--- error_code eval
[200, 200, 200, 200, 401, 401]
--- grep_error_log eval
qr/apigw jwt: a verified token|does not authenticate the request: [^,"]*"kid"/
--- grep_error_log_out
apigw jwt: a verified token
does not authenticate the request: no key has the token's "kid"
does not authenticate the request: no key has the token's "kid"
--- no_error_log
[error]



=== TEST 58: cache=off: every request verifies the token
--- http_config
    apigw_authorizer nocache jwt issuer=https://issuer.example.com/
        audience=api://default jwks=$TEST_NGINX_JWT_DIR/jwks.json cache=off;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location = /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization nocache;
            apigw_integration mock;
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
main::bearer(qw(good good))
--- error_code eval
[200, 200]
--- no_error_log
apigw jwt: a verified token
[error]



=== TEST 59: a key set over 256 KB is not taken: nginx ends the request that fetched it; the next ones get AUTHORIZER_CONFIGURATION_ERROR
--- http_config
    apigw_authorizer url jwt issuer=https://issuer.example.com/
        audience=api://default
        jwks=http://127.0.0.1:$TEST_NGINX_JWKS_PORT/jwks/jwks-big.json;
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
["GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
main::bearer(qw(good good))
--- error_code eval
["", 500]
--- response_headers eval
["", "x-amzn-ErrorType: AuthorizerConfigurationException"]
--- error_log
too big subrequest response
authorizer "url" has no key set



=== TEST 60: cache= is off or a number of tokens
--- http_config
    apigw_authorizer a jwt issuer=https://i/ audience=x
        jwks=$TEST_NGINX_JWT_DIR/jwks.json cache=lots;
--- config
--- must_die
--- error_log eval
qr/\[emerg\] invalid parameter "cache=lots" in \S+nginx\.conf:\d+/
