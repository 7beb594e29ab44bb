
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Tokens and a key set for test_jws.c, made once with PyJWT and
 * python3-cryptography (an RSA-2048 and a P-256 key; exp 1800000000).
 */



static const char  vec_jwks[] =
    "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r1\",\"use\":\"sig\",\"n\":\"rnK5WU0ef4bqV4"
    "qIqTRry1ajAq1TzwDKTwzTdbUZesRrfk9d1gLGXwuBBqdRZo3QQMuj8FjF9GwNcj"
    "eFSTpM-uaUAhafJEUe-iQqkjsOizPjmFCkJdM0dy9INMwlJtcz3EtvKsKXWyTVQE"
    "CmlsNaLTQcSBnF5RN2tBG8byaWoDyGl01pU12GDVsXu2fAjVjOIO7flVWbA6olew"
    "xgVlq17kPESbbg95yCXeupWA3SSeo5ulhzHsiJg4CX3naXGyEGDU7ec5kIRWlxtj"
    "0x1O3KLjmtsNV2iSE2pORdqRrlg5LLB0AIsdX9JDL2kSmyJ2J7AsuTwgbzmjOYnE"
    "EXnC6Evw\",\"e\":\"AQAB\"},{\"kty\":\"EC\",\"kid\":\"e1\",\"use\":\"sig\",\"crv\":\""
    "P-256\",\"x\":\"4Ksf2K47ieoxK-R4E6PipjRlJd_bKDP-ILDpqD5Szrw\",\"y\":\"op"
    "kNVH5of6_aq2tiw3ILsjjyV7R0cuO6nkY9KtOa4jg\",\"alg\":\"ES256\"},{\"kty\""
    ":\"oct\",\"kid\":\"o1\",\"k\":\"AAAA\"},{\"kty\":\"RSA\",\"kid\":\"enc\",\"use\":\"en"
    "c\",\"n\":\"rnK5WU0ef4bqV4qIqTRry1ajAq1TzwDKTwzTdbUZesRrfk9d1gLGXwuB"
    "BqdRZo3QQMuj8FjF9GwNcjeFSTpM-uaUAhafJEUe-iQqkjsOizPjmFCkJdM0dy9I"
    "NMwlJtcz3EtvKsKXWyTVQECmlsNaLTQcSBnF5RN2tBG8byaWoDyGl01pU12GDVsX"
    "u2fAjVjOIO7flVWbA6olewxgVlq17kPESbbg95yCXeupWA3SSeo5ulhzHsiJg4CX"
    "3naXGyEGDU7ec5kIRWlxtj0x1O3KLjmtsNV2iSE2pORdqRrlg5LLB0AIsdX9JDL2"
    "kSmyJ2J7AsuTwgbzmjOYnEEXnC6Evw\",\"e\":\"AQAB\"}]}";

static const char  vec_rs256[] =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InIxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJo"
    "dHRwczovL2kvIiwiYXVkIjoiYTEiLCJzdWIiOiJzIiwiZXhwIjoxODAwMDAwMDAw"
    "LCJuYmYiOjE2MDAwMDAwMDAsImlhdCI6MTYwMDAwMDAwMCwic2NvcGUiOiJyZWFk"
    "IHdyaXRlIn0.j4MQnVxN15E2JejYClfv1PQ88Ode1i-3mnlicS5Wk_filAV2RmNf"
    "7EZfoZS3gvjbWBJQKp9e9EjlDrzAlHjO245kbOF5M2X2Qz_JVPNvc_vE-FhGrBTa"
    "pfRu0FafZqmYNilwvYt3XQcLVqwNro9r8aAGYLCk07A7NYMBuv8XDhxbUOGNf4wp"
    "Y-ACBINU_ymUwIlqOYkVsS_dVyHupV-qyC9o9z6lXj7C1bkCo1JqoBVzrZBlfGks"
    "Gr8tDkRAFv1QwSVypehffh0egYTHkT1rxtR_AChq-hUuBCe4HkUKUvS-LknUHJmL"
    "F0tER28JnA7gxgv02UL8yv1VEf9gXYwhpA";

static const char  vec_ps256[] =
    "eyJhbGciOiJQUzI1NiIsImtpZCI6InIxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJo"
    "dHRwczovL2kvIiwiYXVkIjoiYTEiLCJzdWIiOiJzIiwiZXhwIjoxODAwMDAwMDAw"
    "LCJuYmYiOjE2MDAwMDAwMDAsImlhdCI6MTYwMDAwMDAwMCwic2NvcGUiOiJyZWFk"
    "IHdyaXRlIn0.Zw901AKIIUzgzGMgv2tjKCN9pEfLVGz7jpBTkC0f63GyderTqmZg"
    "SFVYrb0N6g8VoMQsrFNHmOS0XjZ2EwcZ580W3dcoWMuduTUOZqyxPsIKkomF0sB_"
    "AeesAf3rIhNBIzE_8bsfUR9pEiNtxShzwZSgfkkgNB0CUXOE5SnRcvA7mSJViA8G"
    "JUMxMu2ad0wsQLiErKxQSpFOttufi95TJZO7ghx6Pt8LszOP72Nf2v4W3vgx9yf7"
    "DdwYMj9X0Thz1TGQEKu0G77f1h6a68sa6y7kxJvIR4mAMjIGLDcHLz72kvVpbSV0"
    "tfa5YmxExRkAfMrZyIZVV2WM0hiGvaNjVA";

static const char  vec_es256[] =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImUxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJo"
    "dHRwczovL2kvIiwiYXVkIjoiYTEiLCJzdWIiOiJzIiwiZXhwIjoxODAwMDAwMDAw"
    "LCJuYmYiOjE2MDAwMDAwMDAsImlhdCI6MTYwMDAwMDAwMCwic2NvcGUiOiJyZWFk"
    "IHdyaXRlIn0.BVT_MiOWgDsPC4nZI4-Zf1cs7iLXhnqLxft28GEzi8mCi-JgzDae"
    "OXiSrvEh9jWL-yPSuFsKANgBxhZ-la--2g";

static const char  vec_hs256[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2kvIiw"
    "iYXVkIjoiYTEiLCJzdWIiOiJzIiwiZXhwIjoxODAwMDAwMDAwLCJuYmYiOjE2MDA"
    "wMDAwMDAsImlhdCI6MTYwMDAwMDAwMCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.69I"
    "tV5ucdEjRc7ag0W8TgtcFReW6b0_V-OJd3Q6eHnQ";

static const char  vec_client[] =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InIxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJo"
    "dHRwczovL2kvIiwic3ViIjoicyIsImV4cCI6MTgwMDAwMDAwMCwibmJmIjoxNjAw"
    "MDAwMDAwLCJpYXQiOjE2MDAwMDAwMDAsInNjb3BlIjoicmVhZCB3cml0ZSIsImNs"
    "aWVudF9pZCI6ImExIiwic2NwIjpbImFkbWluIl19.OuFLpi3x3ny4RSX0a3KjxbQ"
    "ftFU9a_c0Rxflp1Yq8m3gaIjUTD_LQtEUvnbRg5J75lYEV_vOtfcWXNlG5R8pO-X"
    "Wp-xuXidFJQ6veqSUF7zBAqmCrgrmioT54ffNSQzxsS0pHPsacHxT9hhuTl_hVCD"
    "Pnqgn2u5w0Jl80FSfa4VpMG7gG3lT4zBJ2fZdUO5ucTer5tWJJcx9oD8S4DlNMKS"
    "FdFuYvQs9P_raekLIAATePtCE7jkIAe2hqkfg5Q7Z0BqbMm-HZxQwazVd724nY6B"
    "a8phTcj0KB4HdGWMkcY4tzscScYj2StOq0F1N5VOZ4JkI_W-du2vQ7ioZB3eJ5Q";

