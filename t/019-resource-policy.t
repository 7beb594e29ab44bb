# Resource policies (apigw_resource_policy): IAM policies on the API's
# method ARNs, checked before anything else, with AWS's 403 answers.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: an IP allow list (AWS's example): inside allowed, outside denied explicitly
--- user_files
>>> inside.json
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
     "Resource": "execute-api:/*"},
    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
     "Resource": "execute-api:/*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["127.0.0.0/8"]}}}
  ]
}
>>> outside.json
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
     "Resource": "execute-api:/*"},
    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
     "Resource": "execute-api:/*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}}
  ]
}
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage prod {}
    apigw_aws_region eu-west-1;
    location /in {
        apigw_resource /in;
        apigw_resource_policy ../html/inside.json;
        apigw_method GET { apigw_integration mock 'body=in'; }
    }
    location /out {
        apigw_resource "/out/{id}";
        apigw_resource_policy ../html/outside.json;
        apigw_method GET { apigw_integration mock 'body=out'; }
    }
--- request eval
["GET /prod/in", "GET /prod/out/7"]
--- error_code eval
[200, 403]
--- response_body eval
["in", '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:123456789012:abc1234567/prod/GET/out/7 with an explicit deny"}']
--- response_headers_like eval
["", "x-amzn-ErrorType: ^AccessDeniedException\$"]



=== TEST 2: full ARNs with wildcards; what no statement allows is denied implicitly
--- user_files
>>> arns.json
{"Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "execute-api:*",
   "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc1234567/*/GET/pets*"},
  {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
   "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/*"}
]}
--- config
    apigw_api petstore id=abc1234567 account=123456789012;
    apigw_stage prod {}
    apigw_stage dev {}
    apigw_resource_policy ../html/arns.json;
    location /pets {
        apigw_resource /pets;
        apigw_method ANY { apigw_integration mock 'body=ok'; }
    }
--- request eval
["GET /prod/pets", "POST /prod/pets", "GET /dev/pets"]
--- error_code eval
[200, 403, 403]
--- response_body eval
["ok",
 '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/prod/POST/pets"}',
 '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/pets with an explicit deny"}']



=== TEST 3: the resource policy comes before the API key; off in a location
--- user_files
>>> deny.json
{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}
--- config
    apigw_api petstore;
    apigw_stage prod {}
    apigw_resource_policy ../html/deny.json;
    location /a {
        apigw_resource /a;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=a'; }
    }
    location /b {
        apigw_resource /b;
        apigw_resource_policy off;
        apigw_method GET { apigw_integration mock 'body=b'; }
    }
--- request eval
["GET /prod/a", "GET /prod/b"]
--- error_code eval
[403, 200]
--- response_body_like eval
[qr/^\{"Message":"User: anonymous is not authorized .* with an explicit deny"\}$/, qr/^b$/]



=== TEST 4: a policy that does not parse fails nginx -t
--- user_files
>>> bad.json
{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
  "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}]}
--- config
    apigw_api petstore;
    apigw_resource_policy ../html/bad.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid resource policy "\S+bad\.json": an unsupported condition operator in \S+nginx\.conf:\d+/



=== TEST 5: a file that is not JSON
--- user_files
>>> notjson.json
{"Statement": [
--- config
    apigw_api petstore;
    apigw_resource_policy ../html/notjson.json;
--- must_die
--- error_log eval
qr/\[emerg\] invalid resource policy "\S+notjson\.json": line \d+: .+ in \S+nginx\.conf:\d+/
