
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * libFuzzer target of the JWS engine, whose input comes straight from
 * clients (bearer tokens) or from identity providers (JWK sets fetched
 * from their URLs).  The first byte chooses what the rest is:
 *
 *   0     a bearer token: decoded, and when it decodes verified with an
 *         HS256 secret and with every key of the test JWK set (RSA, EC:
 *         the one its "kid" names and the others, as a confused client
 *         would have them), the claims checked (issuer, audiences,
 *         token_use, scopes, leeway, as the byte's other bits say) and
 *         the scopes listed, then freed;
 *   1     "header JSON\npayload JSON\nsignature bytes", base64url-encoded
 *         here into a token and then taken as 0 takes one: the claims'
 *         JSON is explored, not its base64url;
 *   2     a JWK set: parsed, each key it yields used on the test tokens
 *         and on its own kid lookup, then freed;
 *   3     base64url: decoded, the output bounded by 3/4 of the input.
 *
 * Crashes, leaks (ASan's leak check), undefined behaviour and inconsistent
 * answers (a token verified by the wrong key) abort.
 */


#include <ngx_http_apigw_jws.h>

#include <stdlib.h>
#include <string.h>

#include "../unit/jws_vectors.h"


#define SECRET  "0123456789abcdef0123456789abcdef" \
                "0123456789abcdef0123456789abcdef"

#define NOW     1700000000


typedef struct block_s  block_t;

struct block_s {
    block_t  *next;
};


static ngx_http_apigw_jwks_t  test_set;
static block_t               *test_set_blocks;
static int                    test_set_ready;


static void *
fuzz_alloc(void *data, size_t size)
{
    block_t  **head = data, *b;

    b = malloc(sizeof(block_t) + 16 + size);
    if (b == NULL) {
        return NULL;
    }

    b->next = *head;
    *head = b;

    return (u_char *) b + 16;
}


static void
fuzz_free(block_t **head)
{
    block_t  *b;

    while (*head) {
        b = *head;
        *head = b->next;
        free(b);
    }
}


static void
fuzz_skip(void *data, ngx_uint_t n, ngx_str_t *kid, const char *reason)
{
    size_t   i;
    u_char  *sum = data;

    /* a reason, and a kid whose every byte ASan may check */

    if (reason == NULL || reason[0] == '\0') {
        abort();
    }

    for (i = 0; i < kid->len; i++) {
        *sum += kid->data[i];
    }
}


static u_char *
fuzz_b64url(u_char *p, const u_char *src, size_t len)
{
    size_t        i;
    ngx_uint_t    v;

    static const char  tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789-_";

    for (i = 0; i + 2 < len; i += 3) {
        v = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2];
        *p++ = tab[v >> 18];
        *p++ = tab[(v >> 12) & 0x3f];
        *p++ = tab[(v >> 6) & 0x3f];
        *p++ = tab[v & 0x3f];
    }

    if (len - i == 1) {
        v = src[i] << 16;
        *p++ = tab[v >> 18];
        *p++ = tab[(v >> 12) & 0x3f];

    } else if (len - i == 2) {
        v = (src[i] << 16) | (src[i + 1] << 8);
        *p++ = tab[v >> 18];
        *p++ = tab[(v >> 12) & 0x3f];
        *p++ = tab[(v >> 6) & 0x3f];
    }

    return p;
}


/* three newline-separated parts made a compact JWS */

static void
fuzz_compose(ngx_str_t *in, ngx_str_t *token)
{
    u_char      *p, *last, *nl, *out;
    ngx_uint_t   n;

    out = token->data;
    p = in->data;
    last = p + in->len;

    for (n = 0; n < 3; n++) {
        nl = (n < 2) ? memchr(p, '\n', last - p) : NULL;

        if (nl == NULL) {
            nl = last;
        }

        if (n) {
            *out++ = '.';
        }

        out = fuzz_b64url(out, p, nl - p);
        p = (nl < last) ? nl + 1 : last;
    }

    token->len = out - token->data;
}


static void
fuzz_token(ngx_http_apigw_alloc_t *a, ngx_str_t *token, u_char mode,
    ngx_http_apigw_jwks_t *set)
{
    json_t                       *scope;
    ngx_int_t                     rc;
    ngx_str_t                     secret, aud[2], scopes[2], *list;
    ngx_uint_t                    i, n;
    const char                   *err;
    ngx_http_apigw_jwk_t         *key;
    ngx_http_apigw_jwt_t          jwt;
    ngx_http_apigw_jwt_checks_t   c;

    err = NULL;

    if (ngx_http_apigw_jwt_decode(a, token, &jwt, &err) != NGX_OK) {
        if (err == NULL) {
            abort();
        }

        return;
    }

    if (jwt.alg == NGX_HTTP_APIGW_JWS_NONE || jwt.alg >= NGX_HTTP_APIGW_JWS_MAX
        || !json_is_object(jwt.header) || !json_is_object(jwt.claims))
    {
        abort();
    }

    (void) ngx_http_apigw_jws_alg_name(jwt.alg);

    /* the secret: HS256 only verifies with it */

    secret.data = (u_char *) SECRET;
    secret.len = (mode & 0x04) ? sizeof(SECRET) - 1 : 16;

    rc = ngx_http_apigw_jws_verify(&jwt, NULL, &secret, &err);

    if (rc == NGX_OK && !(NGX_HTTP_APIGW_JWS_BIT(jwt.alg)
                          & NGX_HTTP_APIGW_JWS_HMAC))
    {
        abort();
    }

    (void) ngx_http_apigw_jws_verify(&jwt, NULL, NULL, &err);

    /* the key its kid names, then every key */

    key = jwt.kid.len ? ngx_http_apigw_jwks_find(set, &jwt.kid) : NULL;

    if (key) {
        rc = ngx_http_apigw_jws_verify(&jwt, key, NULL, &err);

        if (rc == NGX_OK && !(key->algs & NGX_HTTP_APIGW_JWS_BIT(jwt.alg))) {
            abort();
        }
    }

    for (i = 0; i < set->nkeys; i++) {
        rc = ngx_http_apigw_jws_verify(&jwt, &set->keys[i],
                                       (mode & 0x08) ? &secret : NULL, &err);

        if (rc == NGX_OK
            && !(set->keys[i].algs & NGX_HTTP_APIGW_JWS_BIT(jwt.alg))
            && !(NGX_HTTP_APIGW_JWS_BIT(jwt.alg) & NGX_HTTP_APIGW_JWS_HMAC))
        {
            abort();
        }
    }

    /* the claims, whatever the signature said: they are parsed anyway */

    memset(&c, 0, sizeof(c));

    c.issuer.data = (u_char *) "https://i/";
    c.issuer.len = (mode & 0x10) ? 10 : 0;

    aud[0].data = (u_char *) "x";
    aud[0].len = 1;
    aud[1].data = (u_char *) "a1";
    aud[1].len = 2;
    c.audiences = aud;
    c.naudiences = (mode & 0x20) ? 2 : 0;

    if (mode & 0x40) {
        c.token_use.data = (u_char *) ((mode & 0x04) ? "id" : "access");
        c.token_use.len = (mode & 0x04) ? 2 : 6;
    }

    scopes[0].data = (u_char *) "admin";
    scopes[0].len = 5;
    scopes[1].data = (u_char *) "write";
    scopes[1].len = 5;
    c.scopes = scopes;
    c.nscopes = (mode & 0x80) ? 2 : 0;

    c.now = (mode & 0x08) ? 1800000000 : NOW;
    c.leeway = (mode & 0x01) ? 300 : 0;

    rc = ngx_http_apigw_jwt_check(&jwt, &c, &err);

    if (rc == NGX_ERROR && err == NULL) {
        abort();
    }

    /* extreme clocks: no overflow in exp/nbf/iat + leeway arithmetic */

    c.now = (mode & 0x04) ? 0 : 0x7fffffff;
    c.leeway = (mode & 0x04) ? 0x7fffffff : 0;

    (void) ngx_http_apigw_jwt_check(&jwt, &c, &err);

    /* names of a space-separated list: none empty, none with a space */

    scope = json_object_get(jwt.claims, "scope");

    if (!json_is_string(scope)) {
        scope = json_object_get(jwt.claims, "scp");
    }

    if (ngx_http_apigw_jwt_scopes(&jwt, a, &list, &n) == NGX_OK
        && json_is_string(scope))
    {
        for (i = 0; i < n; i++) {
            if (list[i].len == 0 || memchr(list[i].data, ' ', list[i].len)) {
                abort();
            }
        }
    }

    ngx_http_apigw_jwt_free(&jwt);
}


static void
fuzz_jwks(ngx_http_apigw_alloc_t *a, u_char *text, size_t len)
{
    u_char                  sum;
    ngx_int_t               rc;
    ngx_str_t               t, kid;
    ngx_uint_t              i;
    const char             *err;
    ngx_http_apigw_jwks_t   set;

    err = NULL;

    sum = 0;

    rc = ngx_http_apigw_jwks_parse(a, text, len, &set, fuzz_skip, &sum,
                                   &err);

    if (rc != NGX_OK) {
        if (err == NULL || set.nkeys != 0) {
            abort();
        }

        return;
    }

    kid.data = (u_char *) "";
    kid.len = 0;

    if (ngx_http_apigw_jwks_find(&set, &kid) != NULL) {
        abort();
    }

    for (i = 0; i < set.nkeys; i++) {
        if (set.keys[i].pkey == NULL || set.keys[i].algs == 0
            || (set.keys[i].algs & NGX_HTTP_APIGW_JWS_HMAC)
            || (set.keys[i].kid.len
                && ngx_http_apigw_jwks_find(&set, &set.keys[i].kid) == NULL))
        {
            abort();
        }
    }

    /* the keys it made, on real tokens */

    t.data = (u_char *) vec_rs256;
    t.len = sizeof(vec_rs256) - 1;
    fuzz_token(a, &t, 0x3c, &set);

    t.data = (u_char *) vec_es256;
    t.len = sizeof(vec_es256) - 1;
    fuzz_token(a, &t, 0x3c, &set);

    ngx_http_apigw_jwks_free(&set);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                  mode, *out;
    size_t                  len;
    block_t                *blocks;
    ngx_str_t               in, tok;
    const char             *err;
    ngx_http_apigw_alloc_t  a;

    if (size == 0) {
        return 0;
    }

    blocks = NULL;
    a.alloc = fuzz_alloc;
    a.data = &blocks;

    if (!test_set_ready) {
        err = NULL;
        a.data = &test_set_blocks;

        if (ngx_http_apigw_jwks_parse(&a, (u_char *) vec_jwks,
                                      sizeof(vec_jwks) - 1, &test_set, NULL,
                                      NULL, &err)
            != NGX_OK || test_set.nkeys != 2)
        {
            abort();
        }

        /* the test set's kids and keys live as long as the process */
        a.data = &blocks;
        test_set_ready = 1;
    }

    mode = data[0];
    in.data = (u_char *) data + 1;
    in.len = size - 1;

    switch (mode & 0x03) {

    case 2:
        fuzz_jwks(&a, in.data, in.len);
        break;

    case 3:
        /* exactly 3/4 of the input: ASan sees any write past it */
        out = malloc(in.len * 3 / 4);
        if (out == NULL) {
            break;
        }

        if (ngx_http_apigw_base64url_decode(&in, out, &len) == NGX_OK
            && len > in.len * 3 / 4)
        {
            abort();
        }

        free(out);
        break;

    case 1:
        tok.data = malloc(in.len * 4 / 3 + 8);
        if (tok.data == NULL) {
            break;
        }

        fuzz_compose(&in, &tok);
        fuzz_token(&a, &tok, mode, &test_set);
        free(tok.data);
        break;

    default:
        fuzz_token(&a, &in, mode, &test_set);
    }

    fuzz_free(&blocks);

    return 0;
}
