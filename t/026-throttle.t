# Throttling and usage plans (issue 6), with 2 workers sharing one zone:
# token buckets at every level (account, stage, method in a stage, usage
# plan, usage plan per method, for each key), the most restrictive
# winning; quotas exact to the request under concurrent clients; AWS's
# 429 answers and their customisation; keys and plans (CSV and inline);
# GetUsage and GetUsagePlans; the variables; LRU eviction of a full zone.
#
# The rate tests run concurrent clients (t/lib/APIGW/Load.pm) against
# low rates for seconds and count what was accepted against
# burst + rate x (the time the clients measured); a stalled machine only
# gives tokens that the burst keeps, so it cannot make the count wrong.
# A helper server (Host: usage, reuseport: the kernel spreads the
# connections over both workers) serves GetUsage and logs which worker
# answered each API request.
use lib '.';
use t::APIGW 'no_plan';
use APIGW::Load;
use Digest::SHA ();
use POSIX ();
use Time::HiRes ();

workers(2);
master_on();
no_shuffle();

our $Today = POSIX::strftime('%Y-%m-%d', gmtime);

# an API key's id, as the module derives it from the key's SHA-256
sub key_id {
    my $h = Digest::SHA::sha256(shift);
    my $digits = 'abcdefghijklmnopqrstuvwxyz0123456789';
    return join '', map { substr($digits, ord(substr($h, 31 - $_, 1)) % 36, 1) }
                        0 .. 9;
}

# alice and bob of TEST 12, by id (the order of GetUsage), and their usage
our %Used = (key_id('alice-key-0123456789abcdef') => '2,8',
             key_id('bob-key-0123456789abcdefgh') => '1,9');
our ($First, $Second) = sort keys %Used;
our $Midnight = (int(time / 86400) + 1) * 86400;

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value(http_config => <<"_EOC_" . ($block->http_config // ''));
    log_format apigw_pids '\$pid \$status \$msec \$apigw_api_key_id';

    server {
        listen 127.0.0.1:\$TEST_NGINX_SERVER_PORT reuseport;
        server_name usage;

        location /usageplans {
            apigw_usage;
        }

        location = /ping {
            return 200 "pong\\n";
        }

        location = /pids {
            alias \$TEST_NGINX_SERVROOT/logs/pids.log;
        }
    }
_EOC_
});

# --- load: concurrent clients after the block's first answer.  With
# rate and burst, the count accepted is compared with burst + rate x T
# for each key (or for all: "-"), where T is the time between the first
# and the last request the workers handled (their $msec, the clock the
# buckets use): the clients' own time would also hold the time their
# last answers took to come back.  With quota, the count is exact.
add_response_body_check(sub {
    my ($block, $body, $i) = @_;
    my $load = $block->load;
    return unless $load && $i == 0;

    my $port = $ENV{TEST_NGINX_SERVER_PORT};
    my $res = APIGW::Load::run(port => $port, %$load);
    my $name = $block->name;

    if (my $q = $load->{quota}) {
        is($res->{status}{200} // 0, $q,
           "$name - exactly the quota accepted");
        is($res->{status}{429} // 0, $load->{count} - $q,
           "$name - the rest refused");
        return;
    }

    Time::HiRes::sleep(0.2);        # the last lines of the access logs

    my (%ok, %all, %first, %last, %pids);
    open my $fh, '<', "$ENV{TEST_NGINX_SERVROOT}/logs/pids.log" or die $!;
    while (my $line = <$fh>) {
        my ($pid, $status, $msec, $key) = split ' ', $line;
        $all{$key}++;
        $first{$key} = $msec if !defined $first{$key} || $msec < $first{$key};
        $last{$key} = $msec if !defined $last{$key} || $msec > $last{$key};
        next unless $status == 200;
        $ok{$key}++;
        $pids{$pid}++;
    }
    close $fh;

    is(scalar(keys %all), $load->{keys} || 1, "$name - keys seen");

    for my $key (sort keys %all) {
        my $t = $last{$key} - $first{$key};
        my $want = $load->{burst} + $load->{rate} * $t;
        my $ok = $ok{$key} // 0;
        diag(sprintf "%s: key %s: %d of %d accepted in %.3f s "
                     . "(clients: %.3f s), burst + rate x time = %.1f "
                     . "(%+.2f %%)", $name, $key, $ok, $all{$key}, $t,
                     $res->{seconds}, $want, 100 * ($ok - $want) / $want);
        ok($all{$key} > 1.5 * $want, "$name - key $key: the clients asked "
                                     . "for more than the limit");
        ok($ok <= $want + 1, "$name - key $key: no more than "
                             . "burst + rate x time");
        ok($ok >= 0.99 * $want, "$name - key $key: within 1 % of "
                                . "burst + rate x time");
    }

    is(scalar(keys %pids), 2, "$name - both workers accepted requests");
});

run_tests();

__DATA__

=== TEST 1: the account's limit (apigw_throttle at http level): AWS's 429
--- http_config
    apigw_throttle rate=0.1 burst=3;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body=[]'; }
    }
    location /toys {
        apigw_resource /toys;
        apigw_method GET { apigw_integration mock 'body=[]'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/toys", "GET /dev/pets", "GET /dev/toys",
 "GET /dev/pets"]
--- error_code eval
[200, 200, 200, 429, 429]
--- response_headers eval
["", "", "",
 "Content-Type: application/json\nx-amzn-ErrorType: TooManyRequestsException",
 "x-amzn-ErrorType: TooManyRequestsException\n!Retry-After"]
--- response_headers_like eval
["", "", "", "x-amzn-RequestId: ^[0-9a-f-]{36}\$", ""]
--- response_body eval
["[]", "[]", "[]", '{"message":"Too Many Requests"}',
 '{"message":"Too Many Requests"}']
--- error_log
apigw: throttled by the account limit
--- no_error_log
[error]



=== TEST 2: the stage's limit is each method's: GET and POST apart; another stage free
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.1 burst=2; }
    apigw_stage prod {}
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST { apigw_integration mock 'body=post'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "POST /dev/pets", "POST /dev/pets", "POST /dev/pets",
 "GET /prod/pets", "GET /prod/pets", "GET /prod/pets", "GET /prod/pets"]
--- error_code eval
[200, 200, 429, 200, 200, 429, 200, 200, 200, 200]
--- error_log
apigw: throttled by the stage limit
--- no_error_log
[error]



=== TEST 3: a method's own limit in a stage replaces the stage's there only
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.1 burst=1; }
    apigw_stage prod { throttle rate=0.1 burst=1; }
    add_header X-Limit "$apigw_throttle_rate $apigw_throttle_burst $apigw_throttled_by" always;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_throttle rate=0.5 burst=3 stages=dev;
            apigw_integration mock 'body=get';
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /prod/pets", "GET /prod/pets"]
--- error_code eval
[200, 200, 200, 429, 200, 429]
--- response_headers eval
["X-Limit: 0.5 3 ", "X-Limit: 0.5 3 ", "X-Limit: 0.5 3 ",
 "X-Limit: 0.5 3 method", "X-Limit: 0.1 1 ", "X-Limit: 0.1 1 stage"]
--- no_error_log
[error]



=== TEST 4: a location's limit is its methods'; a method may have its own
--- config
    apigw_api petstore;
    apigw_stage dev {}
    location /pets {
        apigw_resource /pets;
        apigw_throttle rate=0.1 burst=1;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST {
            apigw_throttle rate=0.1 burst=2;
            apigw_integration mock 'body=post';
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "POST /dev/pets", "POST /dev/pets",
 "POST /dev/pets"]
--- error_code eval
[200, 429, 200, 200, 429]
--- no_error_log
[error]



=== TEST 5: a usage plan's limit is each key's; its quota too; CSV and inline keys
--- http_config
    apigw_usage_plan gold rate=0.1 burst=2 quota=3/day;
--- user_files
>>> keys.csv
Name,Key,Description,Enabled,UsagePlanIds
alice,alice-key-0123456789abcdef,,true,gold
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_keys ../html/keys.csv;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=ok'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["x-api-key: alice-key-0123456789abcdef", "x-api-key: alice-key-0123456789abcdef",
 "x-api-key: alice-key-0123456789abcdef",
 "x-api-key: bob-key-0123456789abcdefgh", "x-api-key: bob-key-0123456789abcdefgh",
 "x-api-key: bob-key-0123456789abcdefgh"]
--- error_code eval
[200, 200, 429, 200, 200, 429]
--- response_body eval
["ok", "ok", '{"message":"Too Many Requests"}', "ok", "ok",
 '{"message":"Too Many Requests"}']
--- error_log
apigw: throttled by the usage_plan limit
--- no_error_log
[error]



=== TEST 6: the quota: AWS's 429 Limit Exceeded, and the variables
--- http_config
    apigw_usage_plan silver id=s1lv3r quota=2/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key carol carol-key-0123456789abcdef plans=silver;
    add_header X-Quota "$apigw_usage_plan_id $apigw_quota_limit $apigw_quota_remaining $apigw_quota_reset $apigw_throttled_by" always;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=ok'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers
x-api-key: carol-key-0123456789abcdef
--- error_code eval
[200, 200, 429]
--- response_headers eval
["X-Quota: s1lv3r 2 1 $::Midnight ", "X-Quota: s1lv3r 2 0 $::Midnight ",
 "X-Quota: s1lv3r 2 0 $::Midnight quota\nx-amzn-ErrorType: LimitExceededException\nContent-Type: application/json\n!Retry-After"]
--- response_body eval
["ok", "ok", '{"message":"Limit Exceeded"}']
--- error_log
apigw: quota of usage plan "silver" used up by API key
--- no_error_log
[error]



=== TEST 7: the usage plan's limit of a method (plan=), for each key
--- http_config
    apigw_usage_plan gold rate=100 burst=100;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=gold;
    add_header X-By $apigw_throttled_by always;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST {
            apigw_throttle rate=0.1 burst=1 plan=gold;
            apigw_integration mock 'body=post';
        }
    }
--- request eval
["POST /dev/pets", "POST /dev/pets", "GET /dev/pets", "POST /dev/pets"]
--- more_headers eval
["x-api-key: alice-key-0123456789abcdef", "x-api-key: alice-key-0123456789abcdef",
 "x-api-key: alice-key-0123456789abcdef", "x-api-key: bob-key-0123456789abcdefgh"]
--- error_code eval
[200, 429, 200, 200]
--- response_headers eval
["!X-By", "X-By: usage_plan_method", "!X-By", "!X-By"]
--- no_error_log
[error]



=== TEST 8: every level at once: the most restrictive wins, whichever it is
--- http_config
    apigw_throttle rate=0.1 burst=6;
    apigw_usage_plan gold rate=0.1 burst=5 quota=100/month;
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.1 burst=6; }
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=gold;
    add_header X-Limit "$apigw_throttle_rate $apigw_throttle_burst $apigw_throttle_remaining $apigw_throttled_by" always;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET {
            apigw_throttle rate=0.1 burst=2 plan=gold;
            apigw_integration mock 'body=get';
        }
        apigw_method POST {
            apigw_throttle rate=0.1 burst=2;
            apigw_integration mock 'body=post';
        }
        apigw_method PUT { apigw_integration mock 'body=put'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "POST /dev/pets", "POST /dev/pets", "POST /dev/pets",
 "PUT /dev/pets", "PUT /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
[("x-api-key: alice-key-0123456789abcdef") x 8,
 ("x-api-key: bob-key-0123456789abcdefgh") x 2]
--- error_code eval
[200, 200, 429, 200, 200, 429, 200, 429, 200, 429]
--- response_headers eval
["X-Limit: 0.1 2 1 ", "X-Limit: 0.1 2 0 ",
 "X-Limit: 0.1 2 0 usage_plan_method",
 "X-Limit: 0.1 2 1 ", "X-Limit: 0.1 2 0 ", "X-Limit: 0.1 2 0 method",
 "X-Limit: 0.1 5 0 ", "X-Limit: 0.1 5 0 usage_plan",
 "X-Limit: 0.1 2 0 ", "X-Limit: 0.1 2 0 account"]
--- no_error_log
[error]



=== TEST 9: nothing is taken from a bucket by a request another refuses
--- http_config
    apigw_usage_plan gold rate=0.1 burst=2 quota=1/day;
--- config
    apigw_api petstore;
    apigw_stage dev { throttle rate=0.1 burst=2; }
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["x-api-key: alice-key-0123456789abcdef", "x-api-key: alice-key-0123456789abcdef",
 "x-api-key: alice-key-0123456789abcdef", "x-api-key: bob-key-0123456789abcdefgh"]
--- error_code eval
[200, 429, 429, 200]
--- response_body eval
["get", '{"message":"Limit Exceeded"}', '{"message":"Limit Exceeded"}', "get"]
--- no_error_log
[error]



=== TEST 10: a key in no usage plan of a stage that has plans is forbidden
--- http_config
    apigw_usage_plan devplan stages=petstore:dev quota=10/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_stage prod {}
    apigw_api_key alice alice-key-0123456789abcdef plans=devplan;
    apigw_api_key bob bob-key-0123456789abcdefgh;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /prod/pets", "GET /prod/pets"]
--- more_headers eval
["x-api-key: alice-key-0123456789abcdef", "x-api-key: bob-key-0123456789abcdefgh",
 "x-api-key: alice-key-0123456789abcdef", "x-api-key: bob-key-0123456789abcdefgh"]
--- error_code eval
[200, 403, 200, 200]
--- response_body eval
["get", '{"message":"Forbidden"}', "get", "get"]
--- error_log
is in no usage plan of stage "dev"
--- no_error_log
[error]



=== TEST 11: THROTTLED and QUOTA_EXCEEDED are customisable gateway responses
--- http_config
    apigw_usage_plan gold rate=0.1 burst=1 quota=1/week;
    apigw_usage_plan bronze quota=1/month;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=bronze;
    apigw_gateway_response THROTTLED status=503
        'body={"error":"slow down","type":"$context.error.responseType"}'
        "header=Retry-After:'10'";
    apigw_gateway_response QUOTA_EXCEEDED
        'body={"error":$context.error.messageString}';
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
        apigw_method POST {
            apigw_throttle rate=0.1 burst=1 plan=bronze;
            apigw_integration mock 'body=post';
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets"]
--- more_headers eval
["x-api-key: alice-key-0123456789abcdef", "x-api-key: alice-key-0123456789abcdef",
 "x-api-key: bob-key-0123456789abcdefgh", "x-api-key: bob-key-0123456789abcdefgh"]
--- error_code eval
[200, 503, 200, 429]
--- response_headers eval
["", "Retry-After: 10", "", ""]
--- response_body eval
["get", '{"error":"slow down","type":"THROTTLED"}', "get",
 '{"error":"Limit Exceeded"}']
--- no_error_log
[error]



=== TEST 12: GetUsage: used and remaining per key and day; GetUsagePlans
--- http_config
    apigw_usage_plan gold id=g0ld quota=10/month;
    apigw_usage_plan free;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=gold;
    apigw_api_key dave dave-key-0123456789abcdefg plans=free;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /usageplans/g0ld/usage?startDate=$::Today&endDate=$::Today",
 "GET /usageplans/gold/usage?startDate=$::Today&endDate=$::Today&keyId=x",
 "GET /usageplans/gold/usage?startDate=$::Today&endDate=$::Today&limit=1",
 "GET /usageplans/gold/usage?startDate=$::Today&endDate=$::Today&limit=1&position=$::Second",
 "GET /usageplans/gold/usage?startDate=$::Today&endDate=$::Today&limit=0",
 "GET /usageplans/free/usage?startDate=$::Today&endDate=$::Today",
 "GET /usageplans/none/usage?startDate=$::Today&endDate=$::Today",
 "GET /usageplans/gold/usage?startDate=$::Today",
 "GET /usageplans/gold/usage?startDate=2026-02-30&endDate=2026-03-01",
 "GET /usageplans/gold/usage?startDate=2026-03-01&endDate=2026-02-01",
 "POST /usageplans/gold/usage",
 "GET /usageplans"]
--- more_headers eval
["x-api-key: alice-key-0123456789abcdef", "x-api-key: alice-key-0123456789abcdef",
 "x-api-key: bob-key-0123456789abcdefgh", "x-api-key: dave-key-0123456789abcdefg",
 ("Host: usage") x 12]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200, 400, 200, 404, 400, 400, 400, 405, 200]
--- response_body_like eval
["get", "get", "get", "get",
 qr/^\{"usagePlanId":"g0ld","startDate":"$::Today","endDate":"$::Today","items":\{"$::First":\[\[$::Used{$::First}\]\],"$::Second":\[\[$::Used{$::Second}\]\]\}\}$/,
 qr/^\{"usagePlanId":"g0ld",.*"items":\{\}\}$/,
 qr/^\{"usagePlanId":"g0ld",.*"position":"$::Second","items":\{"$::First":\[\[$::Used{$::First}\]\]\}\}$/,
 qr/^\{"usagePlanId":"g0ld",.*"endDate":"$::Today","items":\{"$::Second":\[\[$::Used{$::Second}\]\]\}\}$/,
 qr/^\{"message":"limit must be 1 to 500"\}$/,
 qr/^\{"usagePlanId":"[a-z0-9]{6}",.*"items":\{"[a-z0-9]{10}":\[\[1,0\]\]\}\}$/,
 qr/^\{"message":"Invalid Usage Plan ID specified"\}$/,
 qr/^\{"message":"startDate and endDate are required/,
 qr/^\{"message":"startDate and endDate are required/,
 qr/^\{"message":"endDate must follow startDate/,
 qr/^\{"message":"Method Not Allowed"\}$/,
 qr/^\{"items":\[\{"id":"g0ld","name":"gold","quota":\{"limit":10,"offset":0,"period":"MONTH"\},"keys":2\},\{"id":"[a-z0-9]{6}","name":"free","keys":1\}\],"zone":\{"name":"apigw","size":10485760,"bytes":384,"buckets":0,"quotas":3,"days":0,"evictions":0\}\}$/]
--- no_error_log
[error]



=== TEST 13: memory: a tracked key with a plan's limit and quota takes 256 bytes
--- http_config
    apigw_usage_plan gold rate=10 burst=10 quota=1000/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key k1 key1-0123456789abcdefghij plans=gold;
    apigw_api_key k2 key2-0123456789abcdefghij plans=gold;
    apigw_api_key k3 key3-0123456789abcdefghij plans=gold;
    apigw_api_key k4 key4-0123456789abcdefghij plans=gold;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets",
 "GET /usageplans"]
--- more_headers eval
["x-api-key: key1-0123456789abcdefghij", "x-api-key: key2-0123456789abcdefghij",
 "x-api-key: key3-0123456789abcdefghij", "x-api-key: key4-0123456789abcdefghij",
 "Host: usage"]
--- response_body_like eval
["get", "get", "get", "get",
 qr/"zone":\{"name":"apigw","size":10485760,"bytes":1024,"buckets":4,"quotas":4,"days":0,"evictions":0\}/]
--- no_error_log
[error]



=== TEST 14: a full zone evicts the least recently used entries, logs it, and goes on
--- http_config
    apigw_shared_zone tiny:32k;
    apigw_usage_plan one rate=1000 burst=1000 quota=1/day;
--- user_files eval
[["keys.csv", "Name,Key,UsagePlanIds\n"
  . CORE::join("", map { sprintf "k%03d,key-%03d-0123456789abcdefgh,one\n",
                                  $_, $_ } 1 .. 300)]]
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_keys ../html/keys.csv;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request eval
[(map { "GET /dev/pets" } 1 .. 300), "GET /dev/pets", "GET /dev/pets",
 "GET /usageplans"]
--- more_headers eval
[(map { sprintf "x-api-key: key-%03d-0123456789abcdefgh", $_ } 1 .. 300),
 "x-api-key: key-001-0123456789abcdefgh",
 "x-api-key: key-300-0123456789abcdefgh", "Host: usage"]
--- error_code eval
[(200) x 300, 200, 429, 200]
--- response_body_like eval
[("get") x 301, "Limit Exceeded",
 qr/"zone":\{"name":"tiny","size":32768,"bytes":\d+,"buckets":\d+,"quotas":\d+,"days":0,"evictions":[1-9]\d+\}/]
--- timeout: 60
--- error_log
apigw: shared zone "tiny" is full: evicted
--- no_error_log
[alert]
[crit]
exited on signal



=== TEST 15: the account's rate over 8 s under 6 concurrent clients, both workers
--- http_config
    apigw_throttle rate=25 burst=25;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    access_log $TEST_NGINX_SERVROOT/logs/pids.log apigw_pids;
    location /pets {
        apigw_resource /pets;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request
GET /ping
--- more_headers
Host: usage
--- load eval
{ clients => 6, seconds => 8, rate => 25, burst => 25,
  requests => ["GET /dev/pets HTTP/1.1\r\nHost: localhost\r\n\r\n"] }
--- timeout: 30
--- response_body
pong
--- no_error_log
[error]



=== TEST 16: each key's plan limit over 8 s, two keys at once, 3 clients each
--- http_config
    apigw_usage_plan gold rate=20 burst=20;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    apigw_api_key bob bob-key-0123456789abcdefgh plans=gold;
    access_log $TEST_NGINX_SERVROOT/logs/pids.log apigw_pids;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request
GET /ping
--- more_headers
Host: usage
--- load eval
{ clients => 6, seconds => 8, rate => 20, burst => 20, keys => 2,
  requests => ["GET /dev/pets HTTP/1.1\r\nHost: localhost\r\nx-api-key: alice-key-0123456789abcdef\r\n\r\n",
               "GET /dev/pets HTTP/1.1\r\nHost: localhost\r\nx-api-key: bob-key-0123456789abcdefgh\r\n\r\n"] }
--- timeout: 30
--- response_body
pong
--- no_error_log
[error]



=== TEST 17: a quota is exact to the request under 4 concurrent clients
--- http_config
    apigw_usage_plan gold quota=100/day;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    access_log $TEST_NGINX_SERVROOT/logs/pids.log apigw_pids;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock 'body=get'; }
    }
--- request
GET /ping
--- more_headers
Host: usage
--- load eval
{ clients => 4, count => 160, quota => 100,
  requests => ["GET /dev/pets HTTP/1.1\r\nHost: localhost\r\nx-api-key: alice-key-0123456789abcdef\r\n\r\n"] }
--- timeout: 30
--- response_body
pong
--- no_error_log
[error]



=== TEST 18: an API without stages: the plan's limits and the method's, per key
--- http_config
    apigw_usage_plan gold rate=100 burst=100 quota=3/day;
--- config
    apigw_api petstore;
    apigw_api_key alice alice-key-0123456789abcdef plans=gold;
    add_header X-By $apigw_throttled_by always;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET {
            apigw_throttle rate=0.1 burst=1 plan=gold;
            apigw_integration mock 'body=get';
        }
        apigw_method POST { apigw_integration mock 'body=post'; }
    }
--- request eval
["GET /pets", "GET /pets", "POST /pets", "POST /pets", "POST /pets"]
--- more_headers
x-api-key: alice-key-0123456789abcdef
--- error_code eval
[200, 429, 200, 200, 429]
--- response_headers eval
["!X-By", "X-By: usage_plan_method", "!X-By", "!X-By", "X-By: quota"]
--- no_error_log
[error]
