UNIT_TESTS += test_jv
test_jv_SRCS := test_jv.c ../../src/ngx_http_apigw_jv.c \
                ../../src/ngx_http_apigw_jv_parse.c \
                ../../src/ngx_http_apigw_util.c
test_jv_LIBS := -ljansson -lm
