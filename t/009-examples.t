# Every example in examples/ runs and answers as its comments say.
use lib '.';
use t::APIGW 'no_plan';
use Cwd ();

$ENV{TEST_NGINX_EXAMPLES} = Cwd::abs_path('examples');

# the example's Lambda runtime, as examples/run.sh starts it
t::APIGW::start_process(9001, Cwd::abs_path('tools/lambda_runtime.py'),
                        '--listen', '127.0.0.1:9001',
                        '--dir', Cwd::abs_path('examples/lambda'));
t::APIGW::wait_backend(9001);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: petstore: GET /dev/pets goes to the backend
--- http_config
    include $TEST_NGINX_EXAMPLES/petstore.conf;
--- config
    location = /t { proxy_pass http://127.0.0.1:8080/dev/pets; }
--- request
GET /t
--- error_code: 200
--- response_body: [{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99},{"id":3,"type":"fish","price":0.99}]
--- response_headers
Access-Control-Allow-Origin: *
--- response_headers_like
x-amzn-RequestId: ^[0-9a-f-]{36}$
--- no_error_log
[error]



=== TEST 2: petstore: a pet by id, in the prod stage
--- http_config
    include $TEST_NGINX_EXAMPLES/petstore.conf;
--- config
    location = /t { proxy_pass http://127.0.0.1:8080/prod/pets/2; }
--- request
GET /t
--- response_body: {"id":2,"type":"dog","price":249.99}
--- no_error_log
[error]



=== TEST 3: petstore: POST is a MOCK
--- http_config
    include $TEST_NGINX_EXAMPLES/petstore.conf;
--- config
    location = /t { proxy_pass http://127.0.0.1:8080/dev/pets; }
--- request
POST /t
{"type":"dog"}
--- error_code: 201
--- response_body: {"message":"pet created"}
--- no_error_log
[error]



=== TEST 4: petstore: greedy files, preflight, unknown resource and stage
--- http_config
    include $TEST_NGINX_EXAMPLES/petstore.conf;
--- config
    location /t/ { proxy_pass http://127.0.0.1:8080/; }
--- request eval
["GET /t/dev/files/docs/readme.txt", "OPTIONS /t/dev/pets",
 "GET /t/dev/unknown", "GET /t/test/pets"]
--- error_code eval
[200, 200, 403, 403]
--- response_body eval
['{"file":"/static/docs/readme.txt"}', "",
 '{"message":"Missing Authentication Token"}', '{"message":"Forbidden"}']
--- no_error_log
[error]



=== TEST 5: petstore: GET /dev/hello is answered by the Lambda function
--- http_config
    include $TEST_NGINX_EXAMPLES/petstore.conf;
--- config
    location = /t { proxy_pass http://127.0.0.1:8080/dev/hello; }
--- request
GET /t
--- error_code: 200
--- response_body: "Hello from Lambda!"
--- no_error_log
[error]
