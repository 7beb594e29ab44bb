UNIT_TESTS += test_jsonpath
test_jsonpath_SRCS := test_jsonpath.c ../../src/ngx_http_apigw_jsonpath.c \
                      ../../src/ngx_http_apigw_jv.c \
                      ../../src/ngx_http_apigw_jv_parse.c
test_jsonpath_LIBS := -ljansson -lm
