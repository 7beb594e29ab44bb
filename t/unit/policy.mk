UNIT_TESTS += test_policy
test_policy_SRCS := test_policy.c ../../src/ngx_http_apigw_policy.c
test_policy_LIBS := -ljansson
