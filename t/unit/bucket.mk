UNIT_TESTS += test_bucket
test_bucket_SRCS := test_bucket.c ../../src/ngx_http_apigw_bucket.c
test_bucket_LIBS :=
