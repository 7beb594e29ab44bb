# JWS/JWK/JWT engine: tokens minted once by PyJWT (jws_vectors.h).

UNIT_TESTS += test_jws
test_jws_SRCS := test_jws.c ../../src/ngx_http_apigw_jws.c
test_jws_LIBS := -lcrypto -ljansson
