UNIT_TESTS += test_json
test_json_SRCS := test_json.c ../../src/ngx_http_apigw_json.c
test_json_LIBS := -ljansson -lm
