UNIT_TESTS += test_vtl
test_vtl_SRCS := test_vtl.c ../../src/ngx_http_apigw_vtl_parse.c \
                 ../../src/ngx_http_apigw_vtl_eval.c \
                 ../../src/ngx_http_apigw_jsonpath.c \
                 ../../src/ngx_http_apigw_util.c \
                 ../../src/ngx_http_apigw_jv.c \
                 ../../src/ngx_http_apigw_jv_parse.c
test_vtl_LIBS := -ljansson -lpcre2-8 -lm
