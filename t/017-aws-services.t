# AWS-service integrations (apigw_integration aws): SQS, Kinesis, Step
# Functions, DynamoDB and S3 calls made from templates and parameter
# mappings, SigV4-signed; a stand-in service checks every signature with
# botocore (Debian's python3-botocore) before it answers.
use lib '.';
use t::APIGW 'no_plan';
use File::Temp ();
use Digest::MD5 ();

my $dir = File::Temp::tempdir(CLEANUP => 1);
open my $fh, '>', "$dir/credentials" or die;
print $fh <<'INI';
[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY

[wrong]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = not-the-secret
INI
close $fh;
$ENV{TEST_NGINX_CREDENTIALS} = "$dir/credentials";
my $P = $ENV{TEST_NGINX_SERVICES_PORT};

t::APIGW::start_process($P, 't/lib/aws_services.py', $P, 'AKIDEXAMPLE',
                        'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
                        'eu-west-1');
t::APIGW::wait_backend($P);

add_block_preprocessor(sub {
    my $block = shift;
    my $port = $ENV{TEST_NGINX_SERVICES_PORT};
    $block->set_value(http_config =>
        "    apigw_aws_region eu-west-1;\n"
        . "    apigw_aws_credentials file=$ENV{TEST_NGINX_CREDENTIALS};\n"
        . join('', map { "    apigw_aws_endpoint $_ http://127.0.0.1:$port;\n" }
                       qw(sqs kinesis states dynamodb s3))
        . ($block->http_config // ''));
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: SQS SendMessage with a path override and a form-encoded template (AWS's tutorial)
--- config
    apigw_api orders;
    apigw_stage dev {}
    location /orders {
        apigw_resource /orders;
        apigw_method POST {
            apigw_integration aws sqs path/123456789012/orders;
            apigw_request_parameter integration.request.header.Content-Type
                                    "'application/x-www-form-urlencoded'";
            apigw_request_template application/json
                'Action=SendMessage&MessageBody=$util.urlEncode($input.body)';
            apigw_integration_response default status=200 {
                apigw_response_parameter method.response.header.X-Signed
                                         integration.response.header.X-Test-Signed;
                apigw_response_parameter method.response.header.X-Service
                                         integration.response.header.X-Test-Service;
            }
        }
    }
--- request
POST /dev/orders
{"order": "a & b = c"}
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body eval
'<SendMessageResponse><SendMessageResult><MD5OfMessageBody>'
. Digest::MD5::md5_hex('{"order": "a & b = c"}')
. '</MD5OfMessageBody><MessageId>msg-123456789012-orders</MessageId></SendMessageResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SendMessageResponse>'
--- response_headers
X-Signed: host;x-amz-date
X-Service: sqs
Content-Type: application/json
--- no_error_log
[error]



=== TEST 2: SQS SendMessage as an action, with query string parameters
--- config
    apigw_api orders;
    apigw_stage dev {}
    location /orders {
        apigw_resource /orders;
        apigw_method POST {
            apigw_integration aws sqs action/SendMessage;
            apigw_request_parameter integration.request.querystring.QueueUrl
                "'http://127.0.0.1/123456789012/orders'";
            apigw_request_parameter integration.request.querystring.MessageBody
                                    method.request.body;
            apigw_passthrough_behavior never;
            apigw_request_template application/json '';
        }
    }
--- request
POST /dev/orders
hello queue
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body eval
'<SendMessageResponse><SendMessageResult><MD5OfMessageBody>'
. Digest::MD5::md5_hex('hello queue')
. '</MD5OfMessageBody><MessageId>msg-123456789012-orders</MessageId></SendMessageResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SendMessageResponse>'
--- no_error_log
[error]



=== TEST 3: Kinesis PutRecord: X-Amz-Target, the JSON protocol, a template building the record
--- config
    apigw_api streams;
    apigw_stage dev {}
    location /streams/ {
        apigw_resource "/streams/{name}";
        apigw_method PUT {
            apigw_integration aws kinesis action/PutRecord;
            apigw_request_template application/json
                '{"StreamName": "$input.params(\'name\')", "Data": "$util.base64Encode($input.json(\'$.data\'))", "PartitionKey": "$input.path(\'$.key\')"}';
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"sequence": "$input.path(\'$.SequenceNumber\')", "shard": "$input.path(\'$.ShardId\')", "stream": "$input.path(\'$.StreamName\')", "key": "$input.path(\'$.PartitionKey\')"}';
                apigw_response_parameter method.response.header.X-Target
                                         integration.response.header.X-Test-Target;
            }
        }
    }
--- request
PUT /dev/streams/clicks
{"key": "user-1", "data": {"page": "/home"}}
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body: {"sequence": "16", "shard": "shardId-000000000000", "stream": "clicks", "key": "user-1"}
--- response_headers
X-Target: Kinesis_20131202.PutRecord
--- no_error_log
[error]



=== TEST 4: Step Functions StartExecution, the integration given as AWS's ARN
--- config
    apigw_api flows;
    apigw_stage dev {}
    location /execute {
        apigw_resource /execute;
        apigw_method POST {
            apigw_integration aws
                arn:aws:apigateway:eu-west-1:states:action/StartExecution;
            apigw_request_template application/json
                '{"input": "$util.escapeJavaScript($input.json(\'$\'))", "name": "$input.path(\'$.id\')", "stateMachineArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:orders"}';
        }
    }
--- request
POST /dev/execute
{"id": "run-7", "items": [1, 2]}
--- error_code: 200
--- response_body: {"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:orders:run-7", "startDate": 1700000000.5}
--- no_error_log
[error]



=== TEST 5: DynamoDB PutItem then GetItem, with a response template
--- config
    apigw_api pets;
    apigw_stage dev {}
    location /pets/ {
        apigw_resource "/pets/{id}";
        apigw_method PUT {
            apigw_integration aws dynamodb action/PutItem;
            apigw_request_template application/json
                '{"TableName": "pets", "Item": {"id": {"S": "$input.params(\'id\')"}, "name": {"S": "$input.path(\'$.name\')"}}}';
            apigw_integration_response default status=201 {
                apigw_response_template application/json '{"created": "$input.params(\'id\')"}';
            }
        }
        apigw_method GET {
            apigw_integration aws dynamodb action/GetItem;
            apigw_request_template application/json
                '{"TableName": "pets", "Key": {"id": {"S": "$input.params(\'id\')"}}}';
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '#if($input.path(\'$.Item\') != "")#set($context.responseOverride.status = 200){"id": "$input.path(\'$.Item.id.S\')", "name": "$input.path(\'$.Item.name.S\')"}#else#set($context.responseOverride.status = 404){"message": "no such pet"}#end';
            }
        }
    }
--- request eval
["PUT /dev/pets/p1\n{\"name\": \"Rex\"}", "GET /dev/pets/p1", "GET /dev/pets/p2"]
--- error_code eval
[201, 200, 404]
--- response_body eval
['{"created": "p1"}', '{"id": "p1", "name": "Rex"}', '{"message": "no such pet"}']
--- no_error_log
[error]



=== TEST 6: S3 PutObject and GetObject with a path override and x-amz-content-sha256
--- config
    apigw_api files;
    apigw_stage dev {}
    location /files/ {
        apigw_resource "/files/{key}";
        apigw_method PUT {
            apigw_integration aws s3 "path/my-bucket/{object}" method=PUT;
            apigw_request_parameter integration.request.path.object
                                    method.request.path.key;
            apigw_request_parameter integration.request.header.Content-Type
                                    method.request.header.Content-Type;
        }
        apigw_method GET {
            apigw_integration aws s3 "path/my-bucket/{object}" method=GET;
            apigw_request_parameter integration.request.path.object
                                    method.request.path.key;
            apigw_integration_response "404" status=404 {
                apigw_response_template application/json '{"message": "no such file"}';
            }
            apigw_integration_response default status=200 {
                apigw_response_parameter method.response.header.Content-Type
                                         integration.response.header.Content-Type;
            }
        }
    }
--- request eval
["PUT /dev/files/notes%20one.txt\nplain text body", "GET /dev/files/notes%20one.txt", "GET /dev/files/none.txt"]
--- more_headers eval
["Content-Type: text/plain", "", ""]
--- error_code eval
[200, 200, 404]
--- response_body eval
['', 'plain text body', '{"message": "no such file"}']
--- response_headers_like eval
["", "Content-Type: ^text/plain\$", "Content-Type: ^application/json\$"]
--- no_error_log
[error]



=== TEST 7: a signature the service rejects is its 403, selected like any status
--- config
    apigw_api pets;
    apigw_stage dev {}
    apigw_aws_credentials file=$TEST_NGINX_CREDENTIALS profile=wrong;
    location /pets {
        apigw_resource /pets;
        apigw_method POST {
            apigw_integration aws dynamodb action/PutItem;
            apigw_integration_response "403" status=502 {
                apigw_response_template application/json
                    '{"error": "$input.path(\'$.__type\')"}';
            }
            apigw_integration_response default status=200 {}
        }
    }
--- request
POST /dev/pets
{"TableName": "pets", "Item": {"id": {"S": "x"}}}
--- error_code: 502
--- response_body: {"error": "InvalidSignatureException"}
