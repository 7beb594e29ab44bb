# SigV4 engine: AWS's test suite from shared/ (beside the clone) plus
# vectors produced once with botocore (tools/sigv4_vectors.py).

UNIT_TESTS += test_sigv4
test_sigv4_SRCS := test_sigv4.c ../../src/ngx_http_apigw_sigv4.c
test_sigv4_LIBS := -lcrypto -ljansson

SIGV4_SUITE ?= $(abspath $(CURDIR)/../../../shared/aws-reference/sigv4-test-suite.json)

$(OUT)/test_sigv4: CPPFLAGS += -DNGX_HTTP_APIGW_SIGV4_SUITE='"$(SIGV4_SUITE)"'
