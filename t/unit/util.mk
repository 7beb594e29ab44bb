UNIT_TESTS += test_util
test_util_SRCS := test_util.c ../../src/ngx_http_apigw_util.c \
                  ../../src/ngx_http_apigw_jv.c \
                  ../../src/ngx_http_apigw_jv_parse.c
test_util_LIBS := -ljansson -lm
