# Self-test of the test scaffold (t/APIGW.pm, t/lib/APIGW/Runner.pm and
# t/lib/backend.py) against plain nginx features: no apigw directives here.
use lib '.';        # plain `prove` (unlike Test::Harness) does not put '.' in @INC
use t::APIGW 'no_plan';

repeat_each(2);     # every block runs twice: exercises the repeat logic too
no_shuffle();
log_level('debug');

# A preprocessor: blocks that do not look at the log at all get a
# "no [alert]/[emerg]" check for free.
add_block_preprocessor(sub {
    my $block = shift;
    if (!defined $block->error_log && !defined $block->no_error_log
        && !defined $block->must_die) {
        $block->set_value(no_error_log => "[alert]\n[emerg]\n");
    }
});

env_to_nginx('APIGW_HARNESS=hello world');

run_tests();

__DATA__

=== TEST 1: plain return
--- config
    location /t { return 200 "hi\n"; }
--- request
GET /t
--- response_body
hi
--- error_code: 200
--- response_headers
Content-Type: text/plain
Content-Length: 3
--- no_error_log
[error]



=== TEST 2: add_header, absent headers and header regexes
--- config
    location /h {
        add_header X-One 1;
        add_header X-Two "two words";
        return 200 "ok";
    }
--- request
GET /h
--- response_headers
X-One: 1
x-two: two words
!X-Three
! Set-Cookie
--- response_headers_like
Server: ^nginx
Date: \d\d:\d\d:\d\d GMT$
--- raw_response_headers_like: ^HTTP/1\.1 200 OK\r\n.*X-One: 1\r\n
--- response_body chomp
ok



=== TEST 3: more_headers reach nginx
--- config
    location /m { return 200 "foo=$http_x_foo bar=$http_x_bar ua=$http_user_agent\n"; }
--- more_headers
X-Foo: bar
X-Bar: baz
User-Agent: harness/1.0
--- request
GET /m
--- response_body
foo=bar bar=baz ua=harness/1.0



=== TEST 4: $TEST_NGINX_* variables are expanded in config and response
--- config
    location /p { return 200 "port=$TEST_NGINX_SERVER_PORT backend=${TEST_NGINX_BACKEND_PORT}\n"; }
--- request
GET /p
--- response_body
port=$TEST_NGINX_SERVER_PORT backend=$TEST_NGINX_BACKEND_PORT



=== TEST 5: proxy to the echo backend, raw path and query
--- config
    location /echo { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT; }
--- request
GET /echo/a%20b?x=1&y=%2F
--- response_headers
X-Backend: echo
Content-Type: application/json
--- response_body chomp
{"body":"","headers":{"connection":"close","host":"127.0.0.1:$TEST_NGINX_BACKEND_PORT"},"method":"GET","path":"/echo/a%20b","query":"x=1&y=%2F"}



=== TEST 6: request body and more_headers through the proxy
--- config
    location /echo { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT; }
--- more_headers
X-Foo: bar
Content-Type: text/plain
--- request
POST /echo?q
hello world
--- response_body chomp
{"body":"hello world","headers":{"connection":"close","content-length":"11","content-type":"text/plain","host":"127.0.0.1:$TEST_NGINX_BACKEND_PORT","x-foo":"bar"},"method":"POST","path":"/echo","query":"q"}



=== TEST 7: chunked request body, proxied with a length
--- config
    location /echo { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT; }
--- more_headers
Transfer-Encoding: chunked
--- request eval
"PUT /echo\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
--- response_body_like: "body":"hello world".*"method":"PUT"
--- response_body_unlike: transfer-encoding



=== TEST 8: second backend through an upstream in http_config
--- http_config
    upstream second { server 127.0.0.1:$TEST_NGINX_BACKEND_PORT2; }
--- config
    location /two {
        proxy_pass http://second;
        proxy_set_header Host $host;
    }
--- request
DELETE /two
--- response_body chomp
{"body":"","headers":{"connection":"close","host":"localhost"},"method":"DELETE","path":"/two","query":""}



=== TEST 9: backend status and headers endpoints
--- config
    location / { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT; }
--- no_root_location
--- request eval
["GET /status/503", "GET /headers?X-Custom=abc&Cache-Control=no-cache", "GET /big/70000"]
--- error_code eval
[503, 200, 200]
--- response_body eval
['{"status":503}', '{}', "x" x 70000]
--- response_headers eval
["!X-Custom", "X-Custom: abc\nCache-Control: no-cache", "Content-Length: 70000"]



=== TEST 10: chunked backend response decoded (HTTP/1.1 upstream)
--- config
    location /chunked {
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT;
        proxy_http_version 1.1;
        proxy_buffering off;
    }
--- request
GET /chunked
--- response_headers
Transfer-Encoding: chunked
!Content-Length
--- response_body chop
chunk1chunk2chunk3



=== TEST 11: backend closing the connection: 502 and an error log line
--- config
    location /close { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT; }
--- request
GET /close
--- error_code: 502
--- response_body_like: 502 Bad Gateway
--- error_log
upstream prematurely closed connection
[error]



=== TEST 12: 404 with error_page and a user file; error_log checks
--- config
    error_page 404 /404.txt;
    location = /404.txt { root html; internal; }
--- user_files
>>> 404.txt
custom not found
--- request
GET /nope.html
--- error_code: 404
--- response_body
custom not found
--- error_log eval
[qr/open\(\) "[^"]+nope\.html" failed/, "No such file or directory"]
--- no_error_log
[crit]
[alert]
--- grep_error_log eval: qr/\*\d+ open\(\) "[^"]*"/
--- grep_error_log_out eval
["*1 open() \"$ENV{TEST_NGINX_SERVROOT}/html/nope.html\"\n", qr/^\*2 open\(\) "[^"]+"\n\z/]



=== TEST 13: user files in sub-directories, served with root html
--- config
    location /f { root html; }
--- user_files
>>> f/hello.txt
hello file
>>> f/sub/two.txt 201110211456
second
file
--- request eval
["GET /f/hello.txt", "GET /f/sub/two.txt"]
--- response_body eval
["hello file\n", "second\nfile\n"]
--- response_headers eval
["Content-Length: 11", "Content-Length: 12"]
--- response_headers_like eval
["Last-Modified: GMT", "Last-Modified: Oct 2011"]



=== TEST 14: the default root location serves index.html
--- user_files
>>> index.html
<p>index</p>
--- request
GET /
--- response_body
<p>index</p>



=== TEST 15: HEAD requests carry no body
--- config
    location /t { return 200 "hello\n"; }
--- request
HEAD /t
--- response_headers
Content-Length: 6
--- response_body chomp



=== TEST 16: raw_request, sent in pieces
--- config
    location /t { return 200 "proto=$server_protocol host=$host\n"; }
--- raw_request eval
["GET /t HTTP/1.0\r\n", "Host: rawhost\r\n\r\n"]
--- raw_request_middle_delay: 0.05
--- response_body
proto=HTTP/1.0 host=rawhost



=== TEST 17: pipelined requests on one connection
--- config
    location /t { return 200 "uri=$uri req=$connection_requests\n"; }
--- pipelined_requests eval
["GET /t/1", "HEAD /t/2", "POST /t/3\nbody"]
--- response_body eval
["uri=/t/1 req=1\n", "", "uri=/t/3 req=3\n"]
--- response_headers eval
["Connection: keep-alive", "Content-Length: 15", "Connection: close"]



=== TEST 18: per-block log_level hides debug messages
--- log_level: warn
--- config
    location /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- no_error_log
[debug]
[info]
[notice]



=== TEST 19: debug log is on by default; wait before the log check
--- config
    location /t { return 200 "ok\n"; }
--- request
GET /t
--- wait: 0.1
--- error_log
[debug]
http finalize request
--- no_error_log
[error]



=== TEST 20: main_config and http_config placement
--- main_config
    worker_rlimit_nofile 4096;
--- http_config
    map $uri $mapped { default "from-map"; }
--- config
    location /t { return 200 "$mapped\n"; }
--- request
GET /t
--- response_body
from-map



=== TEST 21: must_die on an unknown directive
--- config
    location /t { foo_bar_directive on; }
--- must_die
--- error_log
[emerg] unknown directive "foo_bar_directive"
conf/nginx.conf:
--- no_error_log
[alert]



=== TEST 22: client timeout is handled (abort, ignore_response)
--- config
    location /slow { proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/sleep/1; }
--- request
GET /slow
--- timeout: 0.3
--- abort
--- ignore_response
--- no_error_log
[alert]



=== TEST 23: 413 for an over-sized body
--- config
    location /t {
        client_max_body_size 10;
        return 200 "ok\n";
    }
--- request eval
"POST /t\n" . ("a" x 100)
--- error_code: 413
--- error_log
client intended to send too large body: 100 bytes
