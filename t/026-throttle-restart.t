# Usage counts across a stop and a start (issue 6): the state file of
# apigw_usage_state, in a directory that outlives the blocks (each block
# starts a new nginx in a wiped server root).  A clean stop writes it
# (the master, after the last worker); a crash (SIGKILL of every nginx
# process) loses at most what came after the last periodic write by the
# cache manager process; a corrupt or foreign file is reported and
# ignored.
use lib '.';
use t::APIGW 'no_plan';
use Compress::Zlib ();
use File::Temp ();
use POSIX ();
use Time::HiRes ();

our $Today;
our $StateDir;

BEGIN {
    $StateDir = File::Temp::tempdir(CLEANUP => 1);
    $ENV{TEST_NGINX_STATE_DIR} = "$StateDir/state";
    $Today = POSIX::strftime('%Y-%m-%d', gmtime);
}

workers(2);
master_on();
no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config => <<"_EOC_" . ($block->http_config // ''));
    server {
        listen 127.0.0.1:\$TEST_NGINX_SERVER_PORT reuseport;
        server_name usage;
        location /usageplans { apigw_usage; }
    }
_EOC_
});

# --- crash: after the block's last answer, wait for a periodic write and
# kill every process of that nginx, as a crash of the machine would
add_response_body_check(sub {
    my ($block, $body, $i) = @_;
    my $n = $block->crash;
    return unless defined $n && $i == $n;

    my $file = "$StateDir/state/usage.state";
    my $deadline = Time::HiRes::time() + 10;
    my $mtime = (stat $file)[9] // 0;

    # the cache manager writes within the interval (1 s) of a change
    Time::HiRes::sleep(2.5);
    ok((stat $file)[9], $block->name . " - the state file was written");

    open my $fh, '<', "$ENV{TEST_NGINX_SERVROOT}/logs/nginx.pid" or die $!;
    my $pid = <$fh>;
    close $fh;
    chomp $pid;
    kill 'KILL', -$pid;
    Time::HiRes::sleep(0.2) while kill(0, $pid)
                                  && Time::HiRes::time() < $deadline;
});

# a state file: header + records, as usage.c writes it
sub state_file {
    my (%o) = @_;
    my $records = $o{records} // '';
    my $crc = $o{crc} // Compress::Zlib::crc32($records);
    return ($o{magic} // "APIGWST\n")
           . pack('N N Q> N N Q>', $o{version} // 1, $o{count} // 0,
                  $o{length} // length($records), $crc, 0, time)
           . $records;
}

run_tests();

__DATA__

=== TEST 1: a first run counts 3 of a quota of 5, then stops cleanly
--- http_config
    apigw_usage_state $TEST_NGINX_STATE_DIR interval=1s;
    apigw_usage_plan gold quota=5/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers
x-api-key: alice-key-0123456789abcdef
--- error_code eval
[200, 200, 200]
--- error_log
no state file
--- no_error_log
[error]



=== TEST 2: the next run goes on from 3: two more, then 429
--- http_config
    apigw_usage_state $TEST_NGINX_STATE_DIR interval=1s;
    apigw_usage_plan gold quota=5/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers
x-api-key: alice-key-0123456789abcdef
--- error_code eval
[200, 200, 429]
--- error_log
usage restored from state file
--- no_error_log
[error]



=== TEST 3: and GetUsage has the 5 requests of today after two restarts
--- http_config
    apigw_usage_state $TEST_NGINX_STATE_DIR interval=1s;
    apigw_usage_plan gold quota=5/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /usageplans/gold/usage?startDate=$::Today&endDate=$::Today"]
--- more_headers
Host: usage
--- response_body_like
"items":\{"[a-z0-9]{10}":\[\[5,0\]\]\}
--- no_error_log
[error]



=== TEST 4: a crash after the periodic write: bob uses 4 of 10, nginx is killed
--- http_config
    apigw_usage_state $TEST_NGINX_STATE_DIR interval=1s;
    apigw_usage_plan gold quota=5/day;
    apigw_usage_plan silver quota=10/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=silver;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers
x-api-key: bob-key-0123456789abcdefgh
--- crash: 3
--- error_code eval
[200, 200, 200, 200]
--- no_error_log
[error]



=== TEST 5: after the crash, what the periodic write held is there
--- http_config
    apigw_usage_state $TEST_NGINX_STATE_DIR interval=1s;
    apigw_usage_plan gold quota=5/day;
    apigw_usage_plan silver quota=10/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=silver;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
[("GET /dev/pets") x 8]
--- more_headers eval
[("x-api-key: bob-key-0123456789abcdefgh") x 7,
 "x-api-key: alice-key-0123456789abcdef"]
--- error_code eval
[200, 200, 200, 200, 200, 200, 429, 429]
--- error_log
usage restored from state file
--- no_error_log
[error]



=== TEST 6: a foreign file is reported and ignored: counting starts at zero
--- http_config
    apigw_usage_state $TEST_NGINX_HTML_DIR/state;
    apigw_usage_plan gold quota=2/day;
--- user_files
>>> state/usage.state
{"this": "is not a state file"}
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers
x-api-key: alice-key-0123456789abcdef
--- error_code eval
[200, 200, 429]
--- error_log eval
qr{\[error\] .*apigw: state file ".*/state/usage\.state" ignored: not a state file of this module}



=== TEST 7: a file whose checksum does not match is ignored
--- http_config
    apigw_usage_state $TEST_NGINX_HTML_DIR/state;
    apigw_usage_plan gold quota=2/day;
--- user_files eval
[["state/usage.state",
  main::state_file(count => 1, crc => 12345,
                   records => pack('C C n N Q> Q> N', ord('Q'), 0, 18, 0, 0,
                                   1000, 0) . "Qxxxxxxxxxx j8y2nk")]]
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers
x-api-key: alice-key-0123456789abcdef
--- error_code eval
[200, 200, 429]
--- error_log
ignored: checksum mismatch



=== TEST 8: a truncated file is ignored
--- http_config
    apigw_usage_state $TEST_NGINX_HTML_DIR/state;
    apigw_usage_plan gold quota=2/day;
--- user_files eval
[["state/usage.state",
  substr(main::state_file(count => 1,
                          records => pack('C C n N Q> Q> N', ord('Q'), 0, 18,
                                          0, 0, 1000, 0)
                                     . "Qxxxxxxxxxx j8y2nk"), 0, 50)]]
--- config
    apigw_api petstore;
    apigw_stage dev {}
--- request
GET /dev/
--- error_code: 403
--- error_log
ignored: truncated or extended



=== TEST 9: a file of another version is ignored
--- http_config
    apigw_usage_state $TEST_NGINX_HTML_DIR/state;
    apigw_usage_plan gold quota=2/day;
--- user_files eval
[["state/usage.state", main::state_file(version => 2)]]
--- config
    apigw_api petstore;
    apigw_stage dev {}
--- request
GET /dev/
--- error_code: 403
--- error_log
ignored: unknown version



=== TEST 10: a malformed record (with a good checksum) is ignored, all of the file
--- http_config
    apigw_usage_state $TEST_NGINX_HTML_DIR/state;
    apigw_usage_plan gold quota=2/day;
--- user_files eval
[["state/usage.state",
  main::state_file(count => 2,
                   records => pack('C C n N Q> Q> N', ord('Q'), 0, 18, 0, 0,
                                   1000, 0) . "Qxxxxxxxxxx j8y2nk"
                              . pack('C C n N Q> Q> N', ord('X'), 0, 3, 0, 0,
                                     1, 0) . "Xab")]]
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
--- request
GET /usageplans
--- more_headers
Host: usage
--- response_body_like
"quotas":0,
--- error_log
ignored: malformed record
