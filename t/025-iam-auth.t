# IAM authorization (apigw_authorization aws_iam): callers sign with
# SigV4, here with botocore (Debian's python3-botocore, an implementation
# independent of the module's) through t/lib/sigv4_sign.py; the caller's
# identity policies and the resource policy decide as AWS's tables do.
use lib '.';
use t::APIGW 'no_plan';
use Digest::SHA ();
use POSIX ();

t::APIGW::start_lambda_runtime();

our %SECRET = (
    AKIDALICE => 'alice/secret+key',
    AKIDBOB   => 'bob-secret',
    AKIDCAROL => 'carol-secret',
    AKIDDAVE  => 'dave-secret',
    ASIATEMP  => 'temp-secret',
    ASIAOLD   => 'old-secret',
);

our $TOKEN = 'FwoGZXIvYXdzEXAMPLE/token+with/slashes==';

my $ALLOW_ALL = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    . '"Action": "execute-api:Invoke", "Resource": "*"}]}';

# the credentials file most blocks use
our $CREDS = <<"JSON";
>>> creds.json
{
  "AKIDALICE": {
    "secret": "alice/secret+key",
    "arn": "arn:aws:iam::123456789012:user/alice",
    "user_id": "AIDAALICE00000000001",
    "policies": [{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "execute-api:Invoke",
       "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc1234567/*"}
    ]}]
  },
  "AKIDBOB": {
    "secret": "bob-secret",
    "arn": "arn:aws:iam::123456789012:user/bob"
  },
  "AKIDCAROL": {
    "secret": "carol-secret",
    "arn": "arn:aws:iam::111122223333:user/carol",
    "policies": [$ALLOW_ALL]
  },
  "AKIDDAVE": {
    "secret": "dave-secret",
    "arn": "arn:aws:iam::123456789012:user/dave",
    "policies": [
      {"Statement": [{"Effect": "Allow", "Action": "execute-api:*",
                      "Resource": "execute-api:/*/GET/pets*"}]},
      {"Statement": [{"Effect": "Deny", "Action": "execute-api:Invoke",
                      "Resource": "arn:aws:execute-api:*:*:*/*/*/pets/secret?"}]}
    ]
  },
  "ASIATEMP": {
    "secret": "temp-secret",
    "arn": "arn:aws:sts::123456789012:assumed-role/ops/session1",
    "user_id": "AROAOPS000000000000:session1",
    "session_token": "$TOKEN",
    "expiration": "2099-01-01T00:00:00Z",
    "policies": [$ALLOW_ALL]
  },
  "ASIAOLD": {
    "secret": "old-secret",
    "arn": "arn:aws:iam::123456789012:user/old",
    "session_token": "old-token",
    "expiration": "2020-01-01T00:00:00Z",
    "policies": [$ALLOW_ALL]
  }
}
>>> id.vtl
{"caller": "\$context.identity.caller", "user": "\$context.identity.user", "userArn": "\$context.identity.userArn", "accessKey": "\$context.identity.accessKey", "accountId": "\$context.identity.accountId", "method": "\$context.httpMethod"}
JSON

# the API most blocks use: every method needs IAM
our $CONFIG = <<'CONF';
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    apigw_iam_credentials ../html/creds.json;
    apigw_authorization aws_iam;
    location /pets {
        apigw_resource /pets;
        apigw_method ANY {
            add_header X-User-Arn $apigw_user_arn;
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json file=../html/id.vtl;
            }
        }
    }
    location /pets/ {
        apigw_resource "/pets/{id}";
        apigw_method ANY { apigw_integration mock 'body=pet'; }
    }
CONF

my %signed;

# signs once per distinct request: the request and its headers come
# from two sections of a block and must carry the same signature
sub main::signed {
    my ($method, $path, %o) = @_;
    my $id = join "\0", $method, $path,
        map { "$_=" . (ref $o{$_} ? join("\1", @{ $o{$_} }) : $o{$_}) }
        grep { !/^send_/ } sort keys %o;
    return $signed{$id} if $signed{$id};

    my $key = $o{key} // 'AKIDALICE';
    my @cmd = ('/usr/bin/python3', 't/lib/sigv4_sign.py', $method,
               "http://localhost$path", '--key', $key,
               '--secret', $o{secret} // $SECRET{$key} // 'unknown');
    push @cmd, '--token', $o{token} if defined $o{token};
    push @cmd, '--body', $o{body} if defined $o{body};
    push @cmd, '--date', $o{date} if defined $o{date};
    push @cmd, '--presign', $o{presign} if defined $o{presign};
    push @cmd, '--date-header' if $o{date_header};
    push @cmd, '--region', $o{region} if defined $o{region};
    push @cmd, '--service', $o{service} if defined $o{service};
    push @cmd, map { ('--header', $_) } @{ $o{headers} || [] };
    push @cmd, map { ('--param', $_) } @{ $o{params} || [] };

    open my $fh, '-|', @cmd or die "$cmd[1]: $!";
    my @lines = <$fh>;
    close $fh or die "signing failed: @cmd\n";
    chomp @lines;

    (my $uri = shift @lines) =~ s/^URI //;

    return $signed{$id} = { method => $method, uri => $uri,
                            body => $o{body} // '',
                            headers => join("\n", @lines) };
}

# the request line and body (send_body: another body than the signed one)
sub main::req {
    my ($method, $path, %o) = @_;
    my $s = main::signed(@_);
    return "$s->{method} $s->{uri}\n" . ($o{send_body} // $s->{body});
}

sub main::hdr { return main::signed(@_)->{headers} }

sub main::amz_date {
    my ($offset) = @_;
    return POSIX::strftime('%Y%m%dT%H%M%SZ', gmtime(time + $offset));
}

# AWS quotes a malformed Authorization header by its hash
sub main::b64 { return Digest::SHA::sha256_base64($_[0]) . '=' }

add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value(http_config =>
        "    apigw_lambda_endpoint http://127.0.0.1:"
        . "$ENV{TEST_NGINX_LAMBDA_PORT};\n" . ($block->http_config // ''));

    $block->set_value(config => $CONFIG) unless defined $block->config;

    my $files = $block->user_files // '';
    $block->set_value(user_files => $CREDS . $files)
        unless $files =~ /^>>> creds\.json$/m;
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a GET signed by botocore: the caller reaches $context.identity and $apigw_user_arn
--- request eval
::req("GET", "/dev/pets")
--- more_headers eval
::hdr("GET", "/dev/pets")
--- error_code: 200
--- response_body
{"caller": "AIDAALICE00000000001", "user": "AIDAALICE00000000001", "userArn": "arn:aws:iam::123456789012:user/alice", "accessKey": "AKIDALICE", "accountId": "123456789012", "method": "GET"}
--- response_headers
X-User-Arn: arn:aws:iam::123456789012:user/alice
--- no_error_log
[error]
[alert]



=== TEST 2: a POST with a JSON body, and the Lambda event's requestContext.identity
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    apigw_iam_credentials ../html/creds.json;
    location /pets {
        apigw_resource /pets;
        apigw_method POST {
            apigw_authorization aws_iam;
            apigw_integration lambda echo proxy;
        }
    }
--- request eval
::req("POST", "/dev/pets?kind=dog", body => '{"name": "rex", "tags": ["a", "b"]}',
      headers => ["Content-Type: application/json"])
--- more_headers eval
::hdr("POST", "/dev/pets?kind=dog", body => '{"name": "rex", "tags": ["a", "b"]}',
      headers => ["Content-Type: application/json"])
--- error_code: 200
--- response_body_like eval
[[qr/"body": "\{\\"name\\": \\"rex\\", \\"tags\\": \[\\"a\\", \\"b\\"\]\}"/,
 qr/"identity": \{"accessKey": "AKIDALICE", "accountId": "123456789012", "caller": "AIDAALICE00000000001", "cognitoAuthenticationProvider": null, "cognitoAuthenticationType": null, "cognitoIdentityId": null, "cognitoIdentityPoolId": null, "principalOrgId": null, "sourceIp": "127\.0\.0\.1", "user": "AIDAALICE00000000001", "userAgent": null, "userArn": "arn:aws:iam::123456789012:user\/alice"\}/]]
--- no_error_log
[error]
[alert]



=== TEST 3: HTTP API payload 2.0: requestContext.authorizer.iam
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    apigw_iam_credentials ../html/creds.json;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization aws_iam;
            apigw_integration lambda echo proxy payload=2.0;
        }
    }
--- request eval
::req("GET", "/dev/pets", key => "ASIATEMP", token => $::TOKEN)
--- more_headers eval
::hdr("GET", "/dev/pets", key => "ASIATEMP", token => $::TOKEN)
--- error_code: 200
--- response_body_like eval
qr/"authorizer": \{"iam": \{"accessKey": "ASIATEMP", "accountId": "123456789012", "callerId": "AROAOPS000000000000:session1", "cognitoIdentity": null, "principalOrgId": null, "userArn": "arn:aws:sts::123456789012:assumed-role\/ops\/session1", "userId": "AROAOPS000000000000:session1"\}\}/
--- no_error_log
[error]



=== TEST 4: query parameters with special characters, an encoded path, repeated names
--- request eval
[::req("GET", "/dev/pets", params => ["q=a b/c+d&e=\xc3\xa9", "empty=", "x=~*'()!"]),
 ::req("GET", "/dev/pets?b=2&a=1&a=0&c=%2F%20", headers => ["X-Multi:  spaced   out  "]),
 ::req("GET", "/dev/pets/a%20b")]
--- more_headers eval
[::hdr("GET", "/dev/pets", params => ["q=a b/c+d&e=\xc3\xa9", "empty=", "x=~*'()!"]),
 ::hdr("GET", "/dev/pets?b=2&a=1&a=0&c=%2F%20", headers => ["X-Multi:  spaced   out  "]),
 ::hdr("GET", "/dev/pets/a%20b")]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/"method": "GET"/, qr/"method": "GET"/, qr/^pet$/]
--- no_error_log
[error]



=== TEST 5: a presigned URL (X-Amz-* in the query), with and without a session token
--- request eval
[::req("GET", "/dev/pets?view=full", presign => 300),
 ::req("GET", "/dev/pets", presign => 60, key => "ASIATEMP", token => $::TOKEN)]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"userArn": "arn:aws:iam::123456789012:user\/alice"/,
 qr/"userArn": "arn:aws:sts::123456789012:assumed-role\/ops\/session1"/]
--- no_error_log
[error]



=== TEST 6: a wrong secret: AWS's message with the canonical request and the string to sign
--- request eval
::req("GET", "/dev/pets?a=1", secret => "not-the-secret")
--- more_headers eval
::hdr("GET", "/dev/pets?a=1", secret => "not-the-secret")
--- error_code: 403
--- response_body_like eval
qr/^\{"message":"The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\\n\\nThe Canonical String for this request should have been\\n'GET\\n\/dev\/pets\\na=1\\nhost:localhost\\nx-amz-date:\d{8}T\d{6}Z\\n\\nhost;x-amz-date\\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\\n\\nThe String-to-Sign should have been\\n'AWS4-HMAC-SHA256\\n\d{8}T\d{6}Z\\n\d{8}\/us-east-1\/execute-api\/aws4_request\\n[0-9a-f]{64}'\\n"\}$/
--- response_headers
x-amzn-ErrorType: InvalidSignatureException
Content-Type: application/json
--- error_log
IAM authorization refused: a signature that does not match
--- no_error_log
[error]
not-the-secret
alice/secret+key



=== TEST 7: an unknown access key
--- request eval
::req("GET", "/dev/pets", key => "AKIDNOBODY", secret => "x")
--- more_headers eval
::hdr("GET", "/dev/pets", key => "AKIDNOBODY", secret => "x")
--- error_code: 403
--- response_body: {"message":"The security token included in the request is invalid."}
--- response_headers
x-amzn-ErrorType: UnrecognizedClientException
--- error_log
IAM authorization refused: an unknown access key
--- no_error_log
[error]



=== TEST 8: a tampered body, header, query and method fail the signature
--- request eval
[::req("POST", "/dev/pets", body => '{"amount": 1}', send_body => '{"amount": 9}'),
 ::req("GET", "/dev/pets", headers => ["X-Custom: a"]),
 ::req("GET", "/dev/pets?x=1") =~ s/x=1/x=2/r,
 ::req("GET", "/dev/pets?x=1") =~ s/x=1/x=1&y=1/r,
 ::req("GET", "/dev/pets") =~ s/^GET/DELETE/r,
 ::req("GET", "/dev/pets/7") =~ s{/dev/pets/7}{/dev/pets/8}r]
--- more_headers eval
[::hdr("POST", "/dev/pets", body => '{"amount": 1}', send_body => '{"amount": 9}'),
 ::hdr("GET", "/dev/pets", headers => ["X-Custom: a"]) =~ s/X-Custom: a/X-Custom: b/r,
 ::hdr("GET", "/dev/pets?x=1"),
 ::hdr("GET", "/dev/pets?x=1"),
 ::hdr("GET", "/dev/pets"),
 ::hdr("GET", "/dev/pets/7")]
--- error_code eval
[403, 403, 403, 403, 403, 403]
--- response_body_like eval
[qr/^\{"message":"The request signature we calculated does not match .*\\n\\nhost;x-amz-date\\n@{[Digest::SHA::sha256_hex('{"amount": 9}')]}'/,
 qr/^\{"message":"The request signature we calculated does not match .*x-custom:b\\n/,
 qr/^\{"message":"The request signature we calculated does not match .*\/dev\/pets\\nx=2\\n/,
 qr/^\{"message":"The request signature we calculated does not match .*\/dev\/pets\\nx=1&y=1\\n/,
 qr/^\{"message":"The request signature we calculated does not match .*'DELETE\\n/,
 qr/^\{"message":"The request signature we calculated does not match .*'GET\\n\/dev\/pets\/8\\n/]
--- no_error_log
[error]



=== TEST 9: a date more than 15 minutes off, either way
--- request eval
[::req("GET", "/dev/pets", date => "20200101T000000Z"),
 ::req("GET", "/dev/pets", date => ::amz_date(3600))]
--- more_headers eval
[::hdr("GET", "/dev/pets", date => "20200101T000000Z"),
 ::hdr("GET", "/dev/pets", date => ::amz_date(3600))]
--- error_code eval
[403, 403]
--- response_body_like eval
[qr/^\{"message":"Signature expired: 20200101T000000Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)"\}$/,
 qr/^\{"message":"Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)"\}$/]
--- response_headers
x-amzn-ErrorType: InvalidSignatureException
--- no_error_log
[error]



=== TEST 10: a date 14 minutes old is still good
--- request eval
::req("GET", "/dev/pets", date => ::amz_date(-840))
--- more_headers eval
::hdr("GET", "/dev/pets", date => ::amz_date(-840))
--- error_code: 200
--- no_error_log
[error]



=== TEST 11: an expired presigned URL (X-Amz-Expires), and one asking for more than a week
--- request eval
[::req("GET", "/dev/pets", presign => 60, date => ::amz_date(-120)),
 ::req("GET", "/dev/pets", presign => 604801)]
--- error_code eval
[403, 403]
--- response_body_like eval
[qr/^\{"message":"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 60 sec\.\)"\}$/,
 qr/^\{"message":"X-Amz-Expires must be less than a week \(in seconds\) that is 604800"\}$/]
--- response_headers_like eval
["x-amzn-ErrorType: InvalidSignatureException", "x-amzn-ErrorType: IncompleteSignatureException"]
--- no_error_log
[error]



=== TEST 12: session tokens: the right one, none, a wrong one, one on a long-term key, an expired one
--- request eval
[::req("GET", "/dev/pets", key => "ASIATEMP", token => $::TOKEN),
 ::req("GET", "/dev/pets", key => "ASIATEMP"),
 ::req("GET", "/dev/pets", key => "ASIATEMP", token => "FwoGZXIvYXdzEXAMPLE/token+with/slashes=!"),
 ::req("GET", "/dev/pets", key => "AKIDALICE", token => $::TOKEN),
 ::req("GET", "/dev/pets", key => "ASIAOLD", token => "old-token")]
--- more_headers eval
[::hdr("GET", "/dev/pets", key => "ASIATEMP", token => $::TOKEN),
 ::hdr("GET", "/dev/pets", key => "ASIATEMP"),
 ::hdr("GET", "/dev/pets", key => "ASIATEMP", token => "FwoGZXIvYXdzEXAMPLE/token+with/slashes=!"),
 ::hdr("GET", "/dev/pets", key => "AKIDALICE", token => $::TOKEN),
 ::hdr("GET", "/dev/pets", key => "ASIAOLD", token => "old-token")]
--- error_code eval
[200, 403, 403, 403, 403]
--- response_body eval
['{"caller": "AROAOPS000000000000:session1", "user": "AROAOPS000000000000:session1", "userArn": "arn:aws:sts::123456789012:assumed-role/ops/session1", "accessKey": "ASIATEMP", "accountId": "123456789012", "method": "GET"}' . "\n",
 '{"message":"The security token included in the request is invalid."}',
 '{"message":"The security token included in the request is invalid."}',
 '{"message":"The security token included in the request is invalid."}',
 '{"message":"The security token included in the request is expired"}']
--- response_headers_like eval
["X-User-Arn: arn:aws:sts::",
 "x-amzn-ErrorType: UnrecognizedClientException",
 "x-amzn-ErrorType: UnrecognizedClientException",
 "x-amzn-ErrorType: UnrecognizedClientException",
 "x-amzn-ErrorType: ExpiredTokenException"]
--- no_error_log
[error]



=== TEST 13: no signature at all: Missing Authentication Token
--- request eval
["GET /dev/pets", "GET /dev/pets?X-Amz-Date=20200101T000000Z"]
--- more_headers eval
["", "Authorization: "]
--- error_code eval
[403, 403]
--- response_body eval
['{"message":"Missing Authentication Token"}', '{"message":"Missing Authentication Token"}']
--- response_headers
x-amzn-ErrorType: MissingAuthenticationTokenException
--- no_error_log
[error]



=== TEST 14: garbled Authorization headers and presigned queries: AWS's IncompleteSignatureException
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /dev/pets?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDALICE%2F20200101%2Fus-east-1%2Fexecute-api%2Faws4_request"]
--- more_headers eval
["Authorization: Bearer abc",
 "Authorization: AWS4-HMAC-SHA256 Credential=AKIDALICE/20200101/us-east-1/execute-api/aws4_request",
 "Authorization: AWS4-HMAC-SHA512 Credential=AKIDALICE/20200101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00\nX-Amz-Date: 20200101T000000Z",
 "Authorization: AWS4-HMAC-SHA256 Credential=AKIDALICE/20200101/us-east-1, SignedHeaders=host, Signature=00\nX-Amz-Date: 20200101T000000Z",
 ""]
--- error_code eval
[403, 403, 403, 403, 403]
--- response_body eval
['{"message":"Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): \'' . ::b64("Bearer abc") . '\'."}',
 '{"message":"Authorization header requires \'Signature\' parameter. Authorization header requires \'SignedHeaders\' parameter. Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header. (Hashed with SHA-256 and encoded with Base64) Authorization=' . ::b64("AWS4-HMAC-SHA256 Credential=AKIDALICE/20200101/us-east-1/execute-api/aws4_request") . '"}',
 '{"message":"Unsupported AWS \'algorithm\': \'AWS4-HMAC-SHA512\' (only AWS4-HMAC-SHA256 for now). "}',
 '{"message":"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got \'AKIDALICE/20200101/us-east-1\'"}',
 '{"message":"AWS query-string parameters must include \'X-Amz-Signature\'. Re-examine the query-string parameters."}']
--- response_headers
x-amzn-ErrorType: IncompleteSignatureException
--- no_error_log
[error]



=== TEST 15: signed for another region or service
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    apigw_aws_region eu-west-1;
    apigw_iam_credentials ../html/creds.json;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization aws_iam;
            apigw_integration mock 'body=ok';
        }
    }
--- request eval
[::req("GET", "/dev/pets", region => "us-east-1"),
 ::req("GET", "/dev/pets", region => "eu-west-1", service => "lambda"),
 ::req("GET", "/dev/pets", region => "eu-west-1", key => "ASIATEMP", token => $::TOKEN)]
--- more_headers eval
[::hdr("GET", "/dev/pets", region => "us-east-1"),
 ::hdr("GET", "/dev/pets", region => "eu-west-1", service => "lambda"),
 ::hdr("GET", "/dev/pets", region => "eu-west-1", key => "ASIATEMP", token => $::TOKEN)]
--- error_code eval
[403, 403, 200]
--- response_body eval
['{"message":"Credential should be scoped to a valid region. "}',
 '{"message":"Credential should be scoped to correct service: \'execute-api\'. "}',
 'ok']
--- no_error_log
[error]



=== TEST 16: identity policies: none, wildcards, an explicit Deny, a method not allowed
--- request eval
[::req("GET", "/dev/pets", key => "AKIDBOB"),
 ::req("GET", "/dev/pets", key => "AKIDDAVE"),
 ::req("GET", "/dev/pets/7", key => "AKIDDAVE"),
 ::req("GET", "/dev/pets/secret1", key => "AKIDDAVE"),
 ::req("POST", "/dev/pets", key => "AKIDDAVE")]
--- more_headers eval
[::hdr("GET", "/dev/pets", key => "AKIDBOB"),
 ::hdr("GET", "/dev/pets", key => "AKIDDAVE"),
 ::hdr("GET", "/dev/pets/7", key => "AKIDDAVE"),
 ::hdr("GET", "/dev/pets/secret1", key => "AKIDDAVE"),
 ::hdr("POST", "/dev/pets", key => "AKIDDAVE")]
--- error_code eval
[403, 200, 200, 403, 403]
--- response_body eval
['{"Message":"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/pets"}',
 '{"caller": "arn:aws:iam::123456789012:user/dave", "user": "arn:aws:iam::123456789012:user/dave", "userArn": "arn:aws:iam::123456789012:user/dave", "accessKey": "AKIDDAVE", "accountId": "123456789012", "method": "GET"}' . "\n",
 'pet',
 '{"Message":"User: arn:aws:iam::123456789012:user/dave is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/pets/secret1 with an explicit deny"}',
 '{"Message":"User: arn:aws:iam::123456789012:user/dave is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/POST/pets"}']
--- response_headers_like eval
["x-amzn-ErrorType: AccessDeniedException", "", "", "x-amzn-ErrorType: AccessDeniedException", "x-amzn-ErrorType: AccessDeniedException"]
--- error_log
may not execute-api:Invoke "arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/pets/secret1" (identity policies: explicit deny, resource policy: none, same account)
--- no_error_log
[error]



=== TEST 17: a resource policy naming AWS principals: the caller is no longer anonymous
--- user_files
>>> policy.json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:user/bob", "111122223333"]},
   "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
  {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"},
   "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"}
]}
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    apigw_iam_credentials ../html/creds.json;
    apigw_resource_policy ../html/policy.json;
    location /pets {
        apigw_resource /pets;
        apigw_method ANY {
            apigw_authorization aws_iam;
            apigw_integration mock 'body=ok';
        }
    }
--- request eval
[::req("GET", "/dev/pets", key => "AKIDBOB"),
 ::req("GET", "/dev/pets", key => "AKIDCAROL"),
 ::req("GET", "/dev/pets", key => "AKIDALICE"),
 ::req("DELETE", "/dev/pets", key => "AKIDALICE"),
 ::req("GET", "/dev/pets", key => "AKIDDAVE"),
 ::req("POST", "/dev/pets", key => "AKIDDAVE"),
 "GET /dev/pets"]
--- more_headers eval
[::hdr("GET", "/dev/pets", key => "AKIDBOB"),
 ::hdr("GET", "/dev/pets", key => "AKIDCAROL"),
 ::hdr("GET", "/dev/pets", key => "AKIDALICE"),
 ::hdr("DELETE", "/dev/pets", key => "AKIDALICE"),
 ::hdr("GET", "/dev/pets", key => "AKIDDAVE"),
 ::hdr("POST", "/dev/pets", key => "AKIDDAVE"),
 ""]
--- error_code eval
[200, 200, 200, 403, 200, 403, 403]
--- response_body eval
["ok", "ok", "ok",
 '{"Message":"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/DELETE/pets with an explicit deny"}',
 "ok",
 '{"Message":"User: arn:aws:iam::123456789012:user/dave is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/POST/pets"}',
 '{"message":"Missing Authentication Token"}']
--- no_error_log
[error]



=== TEST 18: another account's caller needs the resource policy's Allow too (AWS's table B)
--- user_files
>>> policy.json
{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
   "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/*"}]}
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    apigw_iam_credentials ../html/creds.json;
    location /open {
        apigw_resource /open;
        apigw_method GET {
            apigw_authorization aws_iam;
            apigw_integration mock 'body=open';
        }
    }
    location /pets {
        apigw_resource /pets;
        apigw_resource_policy ../html/policy.json;
        apigw_method ANY {
            apigw_authorization aws_iam;
            apigw_integration mock 'body=pets';
        }
    }
--- request eval
[::req("GET", "/dev/open", key => "AKIDCAROL"),
 ::req("GET", "/dev/pets", key => "AKIDCAROL"),
 ::req("PUT", "/dev/pets", key => "AKIDCAROL")]
--- more_headers eval
[::hdr("GET", "/dev/open", key => "AKIDCAROL"),
 ::hdr("GET", "/dev/pets", key => "AKIDCAROL"),
 ::hdr("PUT", "/dev/pets", key => "AKIDCAROL")]
--- error_code eval
[403, 200, 403]
--- response_body eval
['{"Message":"User: arn:aws:iam::111122223333:user/carol is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/open"}',
 "pets",
 '{"Message":"User: arn:aws:iam::111122223333:user/carol is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/PUT/pets"}']
--- error_log
(identity policies: allow, resource policy: none, another account)
--- no_error_log
[error]



=== TEST 19: a body larger than client_body_buffer_size is hashed from its temporary file
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    apigw_iam_credentials ../html/creds.json;
    location /pets {
        apigw_resource /pets;
        client_body_buffer_size 1k;
        apigw_method POST {
            apigw_authorization aws_iam;
            apigw_integration mock 'body=stored';
        }
    }
--- request eval
[::req("POST", "/dev/pets", body => "x" x 20000),
 ::req("POST", "/dev/pets", body => "y" x 20000, send_body => "y" x 19999 . "z")]
--- more_headers eval
[::hdr("POST", "/dev/pets", body => "x" x 20000),
 ::hdr("POST", "/dev/pets", body => "y" x 20000, send_body => "y" x 19999 . "z")]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/^stored$/, qr/The request signature we calculated does not match/]
--- no_error_log
[error]



=== TEST 20: a body that arrives later: the access phase waits for it without blocking
--- raw_request eval
my $s = ::signed("POST", "/dev/pets", body => '{"late": true}');
my $h = $s->{headers} =~ s/\n/\r\n/gr;
["POST $s->{uri} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n$h\r\nContent-Length: 14\r\n\r\n{\"late\"",
 ": true}"]
--- raw_request_middle_delay: 0.3
--- error_code: 200
--- response_body_like: "userArn": "arn:aws:iam::123456789012:user/alice"
--- error_log
apigw iam body read
--- no_error_log
[error]
[alert]



=== TEST 21: X-Amz-Content-SHA256 signed along: the body is still what is hashed
--- request eval
[::req("PUT", "/dev/pets", body => "abc", headers => ["X-Amz-Content-SHA256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]),
 ::req("PUT", "/dev/pets", body => "abc", send_body => "abd", headers => ["X-Amz-Content-SHA256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"])]
--- more_headers eval
[::hdr("PUT", "/dev/pets", body => "abc", headers => ["X-Amz-Content-SHA256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]),
 ::hdr("PUT", "/dev/pets", body => "abc", send_body => "abd", headers => ["X-Amz-Content-SHA256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"])]
--- error_code eval
[200, 403]
--- no_error_log
[error]



=== TEST 22: authorization none on one method, IAM on the other; the API key is checked after IAM
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    apigw_iam_credentials ../html/creds.json;
    apigw_api_key k a-key-of-twenty-chars-1;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body=open'; }
        apigw_method POST {
            apigw_authorization aws_iam;
            apigw_api_key_required on;
            apigw_integration mock 'body=closed';
        }
    }
--- request eval
["GET /dev/pets",
 ::req("POST", "/dev/pets", body => "1"),
 ::req("POST", "/dev/pets", body => "2", headers => ["x-api-key: a-key-of-twenty-chars-1"])]
--- more_headers eval
["",
 ::hdr("POST", "/dev/pets", body => "1"),
 ::hdr("POST", "/dev/pets", body => "2", headers => ["x-api-key: a-key-of-twenty-chars-1"])]
--- error_code eval
[200, 403, 200]
--- response_body eval
["open", '{"message":"Forbidden"}', "closed"]
--- no_error_log
[error]



=== TEST 23: aws_iam without apigw_iam_credentials fails nginx -t
--- config
    apigw_api petstore;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization aws_iam;
            apigw_integration mock;
        }
    }
--- must_die
--- error_log eval
qr/\[emerg\] "apigw_authorization aws_iam" needs "apigw_iam_credentials" in \S+nginx\.conf:\d+/



=== TEST 24: a credentials file that is not JSON names its line, and quotes no secret
--- user_files
>>> creds.json
{
  "AKIDX": {
    "secret": "half-a-secret\q",
    "arn": "arn:aws:iam::123456789012:user/x"
  }
}
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+creds\.json": line 3: invalid escape in \S+nginx\.conf:\d+/
--- no_error_log
half-a-secret



=== TEST 25: a credential without its secret
--- user_files
>>> creds.json
{"AKIDX": {"arn": "arn:aws:iam::123456789012:user/x"}}
--- config
    apigw_api petstore;
    location /a { apigw_iam_credentials ../html/creds.json; }
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+creds\.json": "AKIDX": "secret" and "arn" are required in \S+nginx\.conf:\d+/



=== TEST 26: a bad ARN
--- user_files
>>> creds.json
{"AKIDX": {"secret": "s", "arn": "arn:aws:iam::12345:user/x"}}
--- config
    apigw_api petstore;
    apigw_iam_credentials ../html/creds.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+creds\.json": "AKIDX": invalid "arn" "arn:aws:iam::12345:user\/x" \(arn:aws:iam::123456789012:user\/NAME expected\)/



=== TEST 27: an unknown field
--- user_files
>>> creds.json
{"AKIDX": {"secret": "s", "arn": "arn:aws:iam::123456789012:user/x", "Secret": "t"}}
--- config
    apigw_api petstore;
    apigw_iam_credentials ../html/creds.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+creds\.json": "AKIDX": unknown field "Secret" \(secret, arn, user_id, session_token, expiration or policies\)/



=== TEST 28: a policy the engine refuses
--- user_files
>>> creds.json
{"AKIDX": {"secret": "s", "arn": "arn:aws:iam::123456789012:user/x",
           "policies": [{"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}]}}
--- config
    apigw_api petstore;
    apigw_iam_credentials ../html/creds.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+creds\.json": "AKIDX": policy 1: /



=== TEST 29: a bad expiration
--- user_files
>>> creds.json
{"AKIDX": {"secret": "s", "arn": "arn:aws:iam::123456789012:user/x", "expiration": "tomorrow"}}
--- config
    apigw_api petstore;
    apigw_iam_credentials ../html/creds.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+creds\.json": "AKIDX": invalid "expiration" "tomorrow" \(2030-01-01T00:00:00Z expected\)/



=== TEST 30: an access key listed twice
--- user_files
>>> creds.json
{"AKIDX": {"secret": "s", "arn": "arn:aws:iam::123456789012:user/x"},
 "AKIDX": {"secret": "t", "arn": "arn:aws:iam::123456789012:user/y"}}
--- config
    apigw_api petstore;
    apigw_iam_credentials ../html/creds.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+creds\.json": line 2: duplicate object key in \S+nginx\.conf:\d+/



=== TEST 31: an access key id with a slash
--- user_files
>>> creds.json
{"AK/ID": {"secret": "s", "arn": "arn:aws:iam::123456789012:user/x"}}
--- config
    apigw_api petstore;
    apigw_iam_credentials ../html/creds.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+creds\.json": invalid access key id "AK\/ID"/



=== TEST 32: a missing file
--- config
    apigw_api petstore;
    apigw_iam_credentials ../html/nowhere.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid IAM credentials "\S+nowhere\.json": unable to open/



=== TEST 33: credentials at http level serve every server; off turns them off in a location
--- http_config
    apigw_iam_credentials ../html/creds.json;
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization aws_iam;
            apigw_integration mock 'body=ok';
        }
    }
--- request eval
::req("GET", "/dev/pets")
--- more_headers eval
::hdr("GET", "/dev/pets")
--- error_code: 200
--- response_body: ok
--- no_error_log
[error]



=== TEST 34: the Date header instead of X-Amz-Date, on time and too old
--- request eval
[::req("GET", "/dev/pets", date_header => 1),
 ::req("GET", "/dev/pets", date_header => 1, date => "20200101T000000Z")]
--- more_headers eval
[::hdr("GET", "/dev/pets", date_header => 1),
 ::hdr("GET", "/dev/pets", date_header => 1, date => "20200101T000000Z")]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/"userArn": "arn:aws:iam::123456789012:user\/alice"/,
 qr/^\{"message":"Signature expired: 20200101T000000Z is now earlier than /]
--- no_error_log
[error]



=== TEST 35: Cache-Control: max-age=0 needs execute-api:InvalidateCache, an IAM permission
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage dev { cache size=1m ttl=60 unauthorized=FAIL_WITH_403; }
    apigw_iam_credentials ../html/creds.json;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_authorization aws_iam;
            add_header X-Cache $apigw_cache_status;
            apigw_integration mock 'body=pets';
        }
    }
--- request eval
[::req("GET", "/dev/pets", key => "AKIDDAVE"),
 ::req("GET", "/dev/pets", key => "AKIDDAVE", headers => ["Cache-Control: max-age=0"]),
 ::req("GET", "/dev/pets", key => "AKIDALICE", headers => ["Cache-Control: max-age=0"]),
 ::req("GET", "/dev/pets", key => "AKIDALICE")]
--- more_headers eval
[::hdr("GET", "/dev/pets", key => "AKIDDAVE"),
 ::hdr("GET", "/dev/pets", key => "AKIDDAVE", headers => ["Cache-Control: max-age=0"]),
 ::hdr("GET", "/dev/pets", key => "AKIDALICE", headers => ["Cache-Control: max-age=0"]),
 ::hdr("GET", "/dev/pets", key => "AKIDALICE")]
--- error_code eval
[200, 200, 403, 200]
--- response_body eval
["pets", "pets",
 '{"message":"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: execute-api:InvalidateCache on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/pets"}',
 "pets"]
--- response_headers_like eval
["X-Cache: MISS", "X-Cache: REFRESH", "x-amzn-ErrorType: AccessDeniedException", "X-Cache: HIT"]
--- no_error_log
[error]
