# API keys: AWS's CSV import format and inline keys, methods that
# require one, 403 {"message":"Forbidden"} for a missing, unknown or
# disabled key, and the key's identity in $context.
use lib '.';
use t::APIGW 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a key from AWS's CSV import format; missing, unknown, disabled
--- user_files
>>> keys.csv
Name,Key,Description,Enabled,UsagePlanIds
alice,a1b2c3d4e5f6g7h8i9j0alice,"first, with a comma",TRUE,"plan1,plan2"
bob,b1b2c3d4e5f6g7h8i9j0bobby,,false,plan1
"carol ""c""",c1b2c3d4e5f6g7h8i9j0carol,,,
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_api_keys ../html/keys.csv;
    location /pets {
        apigw_resource /pets;
        apigw_method GET {
            apigw_api_key_required on;
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json
                    '{"key": "$context.identity.apiKey", "id": "$context.identity.apiKeyId"}';
            }
        }
        apigw_method POST {
            apigw_integration mock 'body={"open":true}';
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "POST /dev/pets"]
--- more_headers eval
["x-api-key: a1b2c3d4e5f6g7h8i9j0alice", "", "x-api-key: nope-nope-nope-nope-nope",
 "X-API-Key: b1b2c3d4e5f6g7h8i9j0bobby", "x-api-key: c1b2c3d4e5f6g7h8i9j0carol", ""]
--- error_code eval
[200, 403, 403, 403, 200, 200]
--- response_body_like eval
[qr/^\{"key": "a1b2c3d4e5f6g7h8i9j0alice", "id": "[a-z0-9]{10}"\}$/,
 qr/^\{"message":"Forbidden"\}$/, qr/^\{"message":"Forbidden"\}$/,
 qr/^\{"message":"Forbidden"\}$/, qr/^\{"key": "c1b2c3d4e5f6g7h8i9j0carol"/,
 qr/^\{"open":true\}$/]
--- response_headers_like eval
["", "x-amzn-ErrorType: ^ForbiddenException\$", "x-amzn-ErrorType: ^ForbiddenException\$",
 "x-amzn-ErrorType: ^ForbiddenException\$", "", ""]
--- log_level: info
--- no_error_log
a1b2c3d4e5f6g7h8i9j0alice
b1b2c3d4e5f6g7h8i9j0bobby
nope-nope



=== TEST 2: inline keys, inherited from http; the key's id is stable; OPTIONS preflight needs none
--- http_config
    apigw_api_key service-a 0123456789abcdefghijKLMN;
    apigw_api_key old-one zyxwvutsrqponmlkjihgfedcba enabled=off;
--- config
    apigw_api petstore;
    apigw_stage dev {}
    apigw_cors on;
    location /pets {
        apigw_resource /pets;
        apigw_api_key_required on;
        apigw_method GET {
            apigw_integration mock;
            apigw_integration_response default status=200 {
                apigw_response_template application/json '$context.identity.apiKeyId';
            }
        }
    }
--- request eval
["GET /dev/pets", "GET /dev/pets", "GET /dev/pets", "OPTIONS /dev/pets"]
--- more_headers eval
["x-api-key: 0123456789abcdefghijKLMN", "x-api-key: 0123456789abcdefghijKLMN",
 "x-api-key: zyxwvutsrqponmlkjihgfedcba",
 "Origin: http://a.example\r\nAccess-Control-Request-Method: GET"]
--- error_code eval
[200, 200, 403, 200]
--- response_body_like eval
[qr/^[a-z0-9]{10}$/, qr/^[a-z0-9]{10}$/, qr/Forbidden/, qr/^$/]



=== TEST 3: bad key files and keys fail nginx -t with the reason
--- user_files
>>> short.csv
Name,Key
x,tooshort
--- config
    apigw_api petstore;
    apigw_api_keys ../html/short.csv;
--- must_die
--- error_log eval
qr/\[emerg\] invalid API key of "x" in "\S+short\.csv" line 2: 20 to 128 printable characters expected in \S+nginx\.conf:\d+/



=== TEST 4: a CSV without a Key column
--- user_files
>>> nokey.csv
Name,Value
x,abcdefghijklmnopqrstuvwxyz
--- config
    apigw_api petstore;
    apigw_api_keys ../html/nokey.csv;
--- must_die
--- error_log eval
qr/\[emerg\] no "Key" column in the header of "\S+nokey\.csv"/



=== TEST 5: two keys with the same value
--- config
    apigw_api petstore;
    apigw_api_key one abcdefghijklmnopqrstuvwxyz;
    apigw_api_key two abcdefghijklmnopqrstuvwxyz;
    location /a {
        apigw_resource /a;
        apigw_api_key_required on;
        apigw_method GET { apigw_integration mock; }
    }
--- must_die
--- error_log eval
qr/\[emerg\] duplicate API key: "(one|two)" and "(one|two)" have the same value/
