
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the JWS engine: strict base64url, JWK sets (keys left
 * out and why), tokens of every kind of key verified, and every way a
 * token is refused: algorithms, key confusion, tampering, claims.
 */


#include <ngx_http_apigw_jws.h>
#include "tap.h"
#include "arena.h"
#include "jws_vectors.h"


#define SECRET "0123456789abcdef0123456789abcdef" \
               "0123456789abcdef0123456789abcdef"

#define NOW  1700000000


static ngx_http_apigw_jwks_t  set;
static int                    skipped;


static void
skip(void *data, ngx_uint_t n, ngx_str_t *kid, const char *reason)
{
    skipped++;
}


static ngx_int_t
b64(const char *in, char *out, size_t *len)
{
    ngx_str_t  s;

    s.data = (u_char *) in;
    s.len = strlen(in);

    return ngx_http_apigw_base64url_decode(&s, (u_char *) out, len);
}


/* decode, find the key, verify, check: 0 ok, 1 refused, 2 scope */

static int
run(const char *token, const char *secret, ngx_http_apigw_jwt_checks_t *c,
    const char **err)
{
    int                    rc;
    ngx_str_t              t, s;
    ngx_http_apigw_jwk_t  *key;
    ngx_http_apigw_jwt_t   jwt;

    t.data = (u_char *) token;
    t.len = strlen(token);

    *err = NULL;

    if (ngx_http_apigw_jwt_decode(&alloc, &t, &jwt, err) != NGX_OK) {
        return 1;
    }

    key = jwt.kid.len ? ngx_http_apigw_jwks_find(&set, &jwt.kid) : NULL;

    s.data = (u_char *) secret;
    s.len = secret ? strlen(secret) : 0;

    rc = 0;

    if (ngx_http_apigw_jws_verify(&jwt, key, secret ? &s : NULL, err)
        != NGX_OK)
    {
        rc = 1;

    } else if (c) {
        switch (ngx_http_apigw_jwt_check(&jwt, c, err)) {
        case NGX_OK:
            break;
        case NGX_DECLINED:
            rc = 2;
            break;
        default:
            rc = 1;
        }
    }

    ngx_http_apigw_jwt_free(&jwt);

    return rc;
}


/* the token with one character of part n (0, 1, 2) changed */

static char *
tamper(const char *token, int part)
{
    char    *t, *p;
    int      n;

    t = strdup(token);

    for (p = t, n = 0; *p && n < part; p++) {
        if (*p == '.') {
            n++;
        }
    }

    p += 5;
    *p = (*p == 'A') ? 'B' : 'A';

    return t;
}


static char *
replace_header(const char *token, const char *header)
{
    char        *t;
    const char  *dot;

    dot = strchr(token, '.');
    t = malloc(strlen(header) + strlen(dot) + 1);
    strcpy(t, header);
    strcat(t, dot);

    return t;
}


int
main(void)
{
    int                          rc;
    char                         out[64], *t;
    size_t                       len;
    ngx_str_t                    aud[2], scopes[2], kid;
    const char                  *err;
    ngx_http_apigw_jwt_checks_t  c;

    /* base64url */

    tap_ok(b64("QQ", out, &len) == NGX_OK && len == 1 && out[0] == 'A',
           "base64url: QQ is A");
    tap_ok(b64("QR", out, &len) == NGX_ERROR, "unused bits set: refused");
    tap_ok(b64("QQ==", out, &len) == NGX_ERROR, "padding: refused");
    tap_ok(b64("Q", out, &len) == NGX_ERROR, "4n+1 characters: refused");
    tap_ok(b64("a+b/", out, &len) == NGX_ERROR, "base64's + and /: refused");
    tap_ok(b64("-_-_", out, &len) == NGX_OK && len == 3,
           "base64url's - and _");
    tap_ok(b64("", out, &len) == NGX_OK && len == 0, "empty");

    /* the key set: RSA, EC; oct and use=enc left out */

    skipped = 0;
    err = NULL;

    rc = ngx_http_apigw_jwks_parse(&alloc, (u_char *) vec_jwks,
                                   strlen(vec_jwks), &set, skip, NULL, &err);

    tap_ok(rc == NGX_OK && set.nkeys == 2 && skipped == 2,
           "jwks: 2 keys, 2 left out (%s)", err ? err : "");

    kid.data = (u_char *) "o1";
    kid.len = 2;
    tap_ok(ngx_http_apigw_jwks_find(&set, &kid) == NULL, "no oct key");

    /*
     * seen reading beside fuzz_jwt: an RSA key with e = 1 was taken, and
     * with it any padded hash verified as its own signature
     */

    {
        char                   *doc, *e;
        ngx_http_apigw_jwks_t   one;

        doc = strdup(vec_jwks);
        e = strstr(doc, "\"e\":\"AQAB\"");
        memcpy(e, "\"e\":\"AQ\"  ", 10);

        skipped = 0;
        rc = ngx_http_apigw_jwks_parse(&alloc, (u_char *) doc, strlen(doc),
                                       &one, skip, NULL, &err);

        kid.data = (u_char *) "r1";
        kid.len = 2;

        tap_ok(rc == NGX_OK && one.nkeys == 1 && skipped == 3
               && ngx_http_apigw_jwks_find(&one, &kid) == NULL,
               "jwks: an RSA key with e = 1 is left out");

        ngx_http_apigw_jwks_free(&one);
        free(doc);
    }

    /*
     * found by t/fuzz/fuzz_jwt: a key without "kid" and a lookup without
     * one went to memcmp(NULL, ..., 0) and picked that key
     */

    {
        const char             *doc;
        ngx_http_apigw_jwks_t   nokid;

        doc = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":"
              "\"4Ksf2K47ieoxK-R4E6PipjRlJd_bKDP-ILDpqD5Szrw\",\"y\":"
              "\"opkNVH5of6_aq2tiw3ILsjjyV7R0cuO6nkY9KtOa4jg\"}]}";

        kid.len = 0;

        rc = ngx_http_apigw_jwks_parse(&alloc, (u_char *) doc, strlen(doc),
                                       &nokid, NULL, NULL, &err);

        tap_ok(rc == NGX_OK && nokid.nkeys == 1
               && ngx_http_apigw_jwks_find(&nokid, &kid) == NULL,
               "jwks: a key without kid is not found by an empty kid");

        ngx_http_apigw_jwks_free(&nokid);
    }

    {
        const char             *doc;
        ngx_http_apigw_jwks_t   bad;

        doc = "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
              "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\","
              "\"y\":\"AAAA\"},{\"kty\":\"EC\",\"crv\":\"P-192\"},"
              "{\"kty\":\"RSA\",\"alg\":\"ES256\"},{\"kty\":\"OKP\"},"
              "5]}";

        tap_ok(ngx_http_apigw_jwks_parse(&alloc, (u_char *) "[1]", 3, &bad,
                                         NULL, NULL, &err)
               == NGX_ERROR, "jwks: not an object: %s", err);
        tap_ok(ngx_http_apigw_jwks_parse(&alloc, (u_char *) "{}", 2, &bad,
                                         NULL, NULL, &err)
               == NGX_ERROR, "jwks: no keys: %s", err);

        skipped = 0;

        tap_ok(ngx_http_apigw_jwks_parse(&alloc, (u_char *) doc, strlen(doc),
                                         &bad, skip, NULL, &err)
               == NGX_OK && bad.nkeys == 0 && skipped == 6,
               "jwks: short RSA, short EC point, unknown curve, RSA for "
               "ES256, OKP, not an object: all left out (%d)", skipped);
    }

    /* every kind of key */

    tap_ok(run(vec_rs256, NULL, NULL, &err) == 0, "RS256 (%s)",
           err ? err : "");
    tap_ok(run(vec_ps256, NULL, NULL, &err) == 0, "PS256 (%s)",
           err ? err : "");
    tap_ok(run(vec_es256, NULL, NULL, &err) == 0, "ES256 (%s)",
           err ? err : "");
    tap_ok(run(vec_hs256, SECRET, NULL, &err) == 0, "HS256 (%s)",
           err ? err : "");

    /* refused */

    tap_ok(run(vec_hs256, NULL, NULL, &err) == 1, "HS256 without secret: %s",
           err);
    tap_ok(run(vec_hs256, SECRET "x", NULL, &err) == 1,
           "HS256, another secret: %s", err);
    tap_ok(run(vec_hs256, "0123456789abcdef", NULL, &err) == 1,
           "HS256, a secret shorter than the hash: %s", err);

    t = tamper(vec_rs256, 1);
    tap_ok(run(t, NULL, NULL, &err) == 1, "RS256, payload changed: %s", err);
    free(t);

    t = tamper(vec_rs256, 2);
    tap_ok(run(t, NULL, NULL, &err) == 1, "RS256, signature changed: %s",
           err);
    free(t);

    t = tamper(vec_es256, 2);
    tap_ok(run(t, NULL, NULL, &err) == 1, "ES256, signature changed: %s",
           err);
    free(t);

    /* {"alg":"ES256","kid":"r1"}: an EC algorithm with an RSA key */
    t = replace_header(vec_rs256, "eyJhbGciOiJFUzI1NiIsImtpZCI6InIxIn0");
    tap_ok(run(t, NULL, NULL, &err) == 1, "ES256 with an RSA key: %s", err);
    free(t);

    /* {"alg":"RS256","kid":"e1"} */
    t = replace_header(vec_es256, "eyJhbGciOiJSUzI1NiIsImtpZCI6ImUxIn0");
    tap_ok(run(t, NULL, NULL, &err) == 1, "RS256 with an EC key: %s", err);
    free(t);

    /* {"alg":"HS256","kid":"r1"}, no secret */
    t = replace_header(vec_rs256, "eyJhbGciOiJIUzI1NiIsImtpZCI6InIxIn0");
    tap_ok(run(t, NULL, NULL, &err) == 1, "HS256 with an RSA kid: %s", err);
    free(t);

    /* {"alg":"none","kid":"r1"} */
    t = replace_header(vec_rs256, "eyJhbGciOiJub25lIiwia2lkIjoicjEifQ");
    tap_ok(run(t, NULL, NULL, &err) == 1, "alg none: %s", err);
    free(t);

    /* {"alg":"RS256","alg":"none"} */
    t = replace_header(vec_rs256,
                       "eyJhbGciOiJSUzI1NiIsImFsZyI6Im5vbmUifQ");
    tap_ok(run(t, NULL, NULL, &err) == 1, "a name twice: %s", err);
    free(t);

    /* {"alg":"RS256","kid":"r1","crit":["x"]} */
    t = replace_header(vec_rs256,
                       "eyJhbGciOiJSUzI1NiIsImtpZCI6InIxIiwiY3JpdCI6WyJ4Il19");
    tap_ok(run(t, NULL, NULL, &err) == 1, "crit: %s", err);
    free(t);

    tap_ok(run("a.b", NULL, NULL, &err) == 1, "two parts: %s", err);
    tap_ok(run("a.b.c.d", NULL, NULL, &err) == 1, "four parts: %s", err);
    tap_ok(run("..", NULL, NULL, &err) == 1, "empty parts: %s", err);

    /* claims */

    memset(&c, 0, sizeof(c));
    c.issuer.data = (u_char *) "https://i/";
    c.issuer.len = 10;
    aud[0].data = (u_char *) "x";
    aud[0].len = 1;
    aud[1].data = (u_char *) "a1";
    aud[1].len = 2;
    c.audiences = aud;
    c.naudiences = 2;
    c.now = NOW;

    tap_ok(run(vec_rs256, NULL, &c, &err) == 0, "claims (%s)",
           err ? err : "");

    c.now = 1800000000;
    tap_ok(run(vec_rs256, NULL, &c, &err) == 1, "at exp: %s", err);
    c.leeway = 1;
    tap_ok(run(vec_rs256, NULL, &c, &err) == 0, "at exp, leeway 1 s");
    c.leeway = 0;

    c.now = 1599999999;
    tap_ok(run(vec_rs256, NULL, &c, &err) == 1, "before nbf: %s", err);
    c.now = NOW;

    c.naudiences = 1;
    tap_ok(run(vec_rs256, NULL, &c, &err) == 1, "another audience: %s", err);
    tap_ok(run(vec_client, NULL, &c, &err) == 1,
           "another client_id: %s", err);
    c.naudiences = 2;
    tap_ok(run(vec_client, NULL, &c, &err) == 0, "client_id without aud");

    c.issuer.len = 9;
    tap_ok(run(vec_rs256, NULL, &c, &err) == 1, "another issuer: %s", err);
    c.issuer.len = 10;

    c.token_use.data = (u_char *) "id";
    c.token_use.len = 2;
    tap_ok(run(vec_rs256, NULL, &c, &err) == 1, "no token_use: %s", err);
    c.token_use.len = 0;

    scopes[0].data = (u_char *) "admin";
    scopes[0].len = 5;
    scopes[1].data = (u_char *) "writ";
    scopes[1].len = 4;
    c.scopes = scopes;
    c.nscopes = 2;
    tap_ok(run(vec_rs256, NULL, &c, &err) == 2, "no scope: %s", err);
    tap_ok(run(vec_client, NULL, &c, &err) == 0, "scp array: admin");
    scopes[1].data = (u_char *) "write";
    scopes[1].len = 5;
    tap_ok(run(vec_rs256, NULL, &c, &err) == 0, "scope: write");

    ngx_http_apigw_jwks_free(&set);
    ngx_http_apigw_test_free_all();

    return tap_done();
}
