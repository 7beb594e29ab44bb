
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * JWK sets, JWS signatures and JWT claims (see ngx_http_apigw_jws.h),
 * with OpenSSL's EVP interface: keys are built once from their JWK
 * members, per request only the signature is verified.
 */


#include "ngx_http_apigw_jws.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>


typedef struct {
    const char                 *name;
    size_t                      len;
    const char                 *md;       /* the digest's name */
    size_t                      coord;    /* ES*: bytes of r and of s */
} ngx_http_apigw_jws_alg_t;


typedef struct {
    const char                 *name;     /* JWK "crv" */
    const char                 *group;    /* OpenSSL's name */
    size_t                      coord;
    ngx_http_apigw_jws_alg_e    alg;
} ngx_http_apigw_jwk_curve_t;


static ngx_int_t ngx_http_apigw_jwk_parse(ngx_http_apigw_alloc_t *a,
    json_t *j, ngx_http_apigw_jwk_t *key, const char **reason);
static EVP_PKEY *ngx_http_apigw_jwk_rsa(ngx_http_apigw_alloc_t *a, json_t *j,
    const char **reason);
static EVP_PKEY *ngx_http_apigw_jwk_ec(ngx_http_apigw_alloc_t *a, json_t *j,
    ngx_http_apigw_jwk_curve_t *curve, const char **reason);
static ngx_int_t ngx_http_apigw_jwk_member(ngx_http_apigw_alloc_t *a,
    json_t *j, const char *name, size_t max, ngx_str_t *out);
static json_t *ngx_http_apigw_jwt_part(ngx_http_apigw_alloc_t *a,
    u_char *start, u_char *end, const char **err);
static EVP_MD *ngx_http_apigw_jws_md(ngx_http_apigw_jws_alg_e alg);
static ngx_int_t ngx_http_apigw_jws_hmac(ngx_http_apigw_jwt_t *jwt,
    ngx_str_t *secret, const char **err);
static ngx_int_t ngx_http_apigw_jws_ecdsa_der(ngx_http_apigw_jwt_t *jwt,
    size_t coord, u_char *der, size_t *len);
static ngx_int_t ngx_http_apigw_jwt_audience(json_t *claims,
    ngx_http_apigw_jwt_checks_t *checks);
static ngx_uint_t ngx_http_apigw_jwt_string_is(json_t *v, ngx_str_t *s);
static ngx_uint_t ngx_http_apigw_jwt_list_has(const char *list, size_t len,
    ngx_str_t *s);


/* indexed by ngx_http_apigw_jws_alg_e */

static ngx_http_apigw_jws_alg_t  ngx_http_apigw_jws_algs[] = {
    { "none", 4, NULL, 0 },
    { "RS256", 5, "SHA256", 0 },
    { "RS384", 5, "SHA384", 0 },
    { "RS512", 5, "SHA512", 0 },
    { "PS256", 5, "SHA256", 0 },
    { "PS384", 5, "SHA384", 0 },
    { "PS512", 5, "SHA512", 0 },
    { "ES256", 5, "SHA256", 32 },
    { "ES384", 5, "SHA384", 48 },
    { "ES512", 5, "SHA512", 66 },
    { "HS256", 5, "SHA256", 0 },
    { "HS384", 5, "SHA384", 0 },
    { "HS512", 5, "SHA512", 0 }
};


/*
 * digests fetched once per process: an implicit fetch on each
 * verification costs OpenSSL 3 a provider lookup
 */
static EVP_MD  *ngx_http_apigw_jws_mds[NGX_HTTP_APIGW_JWS_MAX];


static ngx_http_apigw_jwk_curve_t  ngx_http_apigw_jwk_curves[] = {
    { "P-256", "P-256", 32, NGX_HTTP_APIGW_JWS_ES256 },
    { "P-384", "P-384", 48, NGX_HTTP_APIGW_JWS_ES384 },
    { "P-521", "P-521", 66, NGX_HTTP_APIGW_JWS_ES512 },
    { NULL, NULL, 0, 0 }
};


static const u_char  ngx_http_apigw_b64url[256] = {
    /* 255: not in the alphabet; "-" is 62, "_" is 63, no padding */
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255,  62, 255, 255,
     52,  53,  54,  55,  56,  57,  58,  59,
     60,  61, 255, 255, 255, 255, 255, 255,
    255,   0,   1,   2,   3,   4,   5,   6,
      7,   8,   9,  10,  11,  12,  13,  14,
     15,  16,  17,  18,  19,  20,  21,  22,
     23,  24,  25, 255, 255, 255, 255,  63,
    255,  26,  27,  28,  29,  30,  31,  32,
     33,  34,  35,  36,  37,  38,  39,  40,
     41,  42,  43,  44,  45,  46,  47,  48,
     49,  50,  51, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255
};


ngx_int_t
ngx_http_apigw_jwks_parse(ngx_http_apigw_alloc_t *a, u_char *text,
    size_t len, ngx_http_apigw_jwks_t *set, ngx_http_apigw_jwks_skip_pt skip,
    void *data, const char **err)
{
    json_t                *doc, *keys, *k, *kid;
    size_t                 i, n;
    ngx_str_t              name;
    const char            *reason;
    ngx_http_apigw_jwk_t  *key;

    set->keys = NULL;
    set->nkeys = 0;

    if (len > NGX_HTTP_APIGW_JWKS_MAX_SIZE) {
        *err = "the key set is too large";
        return NGX_ERROR;
    }

    doc = json_loadb((char *) text, len, JSON_REJECT_DUPLICATES, NULL);

    if (doc == NULL || !json_is_object(doc)) {
        *err = "the key set is not a JSON object";
        goto failed;
    }

    keys = json_object_get(doc, "keys");

    if (!json_is_array(keys)) {
        *err = "the key set has no \"keys\" array";
        goto failed;
    }

    n = json_array_size(keys);

    if (n > NGX_HTTP_APIGW_JWKS_MAX_KEYS) {
        *err = "the key set has too many keys";
        goto failed;
    }

    if (n) {
        set->keys = ngx_http_apigw_alloc(a, n * sizeof(ngx_http_apigw_jwk_t));
        if (set->keys == NULL) {
            *err = "out of memory";
            goto failed;
        }
    }

    for (i = 0; i < n; i++) {
        k = json_array_get(keys, i);
        key = &set->keys[set->nkeys];

        reason = NULL;

        if (ngx_http_apigw_jwk_parse(a, k, key, &reason) == NGX_OK) {
            set->nkeys++;
            continue;
        }

        if (reason == NULL) {
            *err = "out of memory";
            goto failed;
        }

        if (skip) {
            kid = json_is_object(k) ? json_object_get(k, "kid") : NULL;

            name.data = (u_char *) (json_is_string(kid)
                                    ? json_string_value(kid) : "");
            name.len = json_is_string(kid) ? json_string_length(kid) : 0;

            skip(data, i, &name, reason);
        }
    }

    json_decref(doc);

    return NGX_OK;

failed:

    json_decref(doc);
    ngx_http_apigw_jwks_free(set);

    return NGX_ERROR;
}


/* NGX_ERROR with reason: the key is left out; without: out of memory */

static ngx_int_t
ngx_http_apigw_jwk_parse(ngx_http_apigw_alloc_t *a, json_t *j,
    ngx_http_apigw_jwk_t *key, const char **reason)
{
    json_t                      *v, *op;
    size_t                       i;
    ngx_str_t                    kty, alg, crv;
    ngx_uint_t                   verify;
    ngx_http_apigw_jws_alg_e     id;
    ngx_http_apigw_jwk_curve_t  *curve;

    ngx_memzero(key, sizeof(ngx_http_apigw_jwk_t));

    if (!json_is_object(j)) {
        *reason = "not a JSON object";
        return NGX_ERROR;
    }

    v = json_object_get(j, "kid");

    if (v) {
        if (!json_is_string(v) || json_string_length(v) == 0
            || json_string_length(v) > 1024)
        {
            *reason = "invalid \"kid\"";
            return NGX_ERROR;
        }

        key->kid.len = json_string_length(v);
        key->kid.data = ngx_http_apigw_alloc(a, key->kid.len);
        if (key->kid.data == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(key->kid.data, json_string_value(v), key->kid.len);
    }

    v = json_object_get(j, "use");

    if (v && !(json_is_string(v) && strcmp(json_string_value(v), "sig") == 0))
    {
        *reason = "\"use\" is not \"sig\"";
        return NGX_ERROR;
    }

    v = json_object_get(j, "key_ops");

    if (v) {
        verify = 0;

        if (json_is_array(v)) {
            json_array_foreach(v, i, op) {
                if (json_is_string(op)
                    && strcmp(json_string_value(op), "verify") == 0)
                {
                    verify = 1;
                }
            }
        }

        if (!verify) {
            *reason = "\"key_ops\" has no \"verify\"";
            return NGX_ERROR;
        }
    }

    id = NGX_HTTP_APIGW_JWS_NONE;
    v = json_object_get(j, "alg");

    if (v) {
        if (!json_is_string(v)) {
            *reason = "invalid \"alg\"";
            return NGX_ERROR;
        }

        alg.data = (u_char *) json_string_value(v);
        alg.len = json_string_length(v);

        id = ngx_http_apigw_jws_alg(&alg);

        if (id == NGX_HTTP_APIGW_JWS_NONE) {
            *reason = "unsupported \"alg\"";
            return NGX_ERROR;
        }
    }

    v = json_object_get(j, "kty");

    if (!json_is_string(v)) {
        *reason = "no \"kty\"";
        return NGX_ERROR;
    }

    kty.data = (u_char *) json_string_value(v);
    kty.len = json_string_length(v);

    if (kty.len == 3 && strncmp((const char *) kty.data, "RSA", 3) == 0) {
        key->algs = NGX_HTTP_APIGW_JWS_RSA;

        if (id != NGX_HTTP_APIGW_JWS_NONE) {
            if (!(key->algs & NGX_HTTP_APIGW_JWS_BIT(id))) {
                *reason = "\"alg\" is not an RSA algorithm";
                return NGX_ERROR;
            }

            key->algs = NGX_HTTP_APIGW_JWS_BIT(id);
        }

        key->pkey = ngx_http_apigw_jwk_rsa(a, j, reason);

        return key->pkey ? NGX_OK : NGX_ERROR;
    }

    if (kty.len == 2 && strncmp((const char *) kty.data, "EC", 2) == 0) {
        v = json_object_get(j, "crv");

        if (!json_is_string(v)) {
            *reason = "no \"crv\"";
            return NGX_ERROR;
        }

        crv.data = (u_char *) json_string_value(v);
        crv.len = json_string_length(v);

        for (curve = ngx_http_apigw_jwk_curves; curve->name; curve++) {
            if (strlen(curve->name) == crv.len
                && strncmp(curve->name, (const char *) crv.data, crv.len)
                   == 0)
            {
                break;
            }
        }

        if (curve->name == NULL) {
            *reason = "unsupported curve";
            return NGX_ERROR;
        }

        if (id != NGX_HTTP_APIGW_JWS_NONE && id != curve->alg) {
            *reason = "\"alg\" does not match the curve";
            return NGX_ERROR;
        }

        key->algs = NGX_HTTP_APIGW_JWS_BIT(curve->alg);
        key->pkey = ngx_http_apigw_jwk_ec(a, j, curve, reason);

        return key->pkey ? NGX_OK : NGX_ERROR;
    }

    if (kty.len == 3 && strncmp((const char *) kty.data, "oct", 3) == 0) {
        /* an HMAC secret is configured, never taken from a key set */
        *reason = "symmetric key (use \"secret=\")";
        return NGX_ERROR;
    }

    *reason = "unsupported \"kty\"";

    return NGX_ERROR;
}


static EVP_PKEY *
ngx_http_apigw_jwk_rsa(ngx_http_apigw_alloc_t *a, json_t *j,
    const char **reason)
{
    BIGNUM          *n, *e;
    EVP_PKEY        *pkey;
    ngx_str_t        nb, eb;
    OSSL_PARAM      *params;
    EVP_PKEY_CTX    *ctx;
    OSSL_PARAM_BLD  *bld;

    if (ngx_http_apigw_jwk_member(a, j, "n", 2048, &nb) != NGX_OK
        || ngx_http_apigw_jwk_member(a, j, "e", 8, &eb) != NGX_OK)
    {
        *reason = "invalid \"n\" or \"e\"";
        return NULL;
    }

    if (nb.data[0] == 0 || eb.data[0] == 0 || !(eb.data[eb.len - 1] & 1)
        || !(nb.data[nb.len - 1] & 1) || (eb.len == 1 && eb.data[0] == 1))
    {
        /*
         * leading zeros are not minimal; n and e are odd; and e = 1 would
         * make any padded hash its own signature: OpenSSL takes all that
         */
        *reason = "invalid \"n\" or \"e\"";
        return NULL;
    }

    if (nb.len * 8 < NGX_HTTP_APIGW_JWK_MIN_RSA_BITS) {
        *reason = "RSA modulus shorter than 2048 bits";
        return NULL;
    }

    pkey = NULL;
    params = NULL;
    ctx = NULL;

    n = BN_bin2bn(nb.data, nb.len, NULL);
    e = BN_bin2bn(eb.data, eb.len, NULL);
    bld = OSSL_PARAM_BLD_new();

    if (n == NULL || e == NULL || bld == NULL
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n)
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
    {
        goto failed;
    }

    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);

    if (params == NULL || ctx == NULL
        || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        pkey = NULL;
        goto failed;
    }

failed:

    if (pkey == NULL) {
        *reason = "OpenSSL refused the RSA key";
    }

    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);

    return pkey;
}


static EVP_PKEY *
ngx_http_apigw_jwk_ec(ngx_http_apigw_alloc_t *a, json_t *j,
    ngx_http_apigw_jwk_curve_t *curve, const char **reason)
{
    u_char          *pub;
    EVP_PKEY        *pkey;
    ngx_str_t        x, y;
    OSSL_PARAM      *params;
    EVP_PKEY_CTX    *ctx, *check;
    OSSL_PARAM_BLD  *bld;

    if (ngx_http_apigw_jwk_member(a, j, "x", curve->coord, &x) != NGX_OK
        || ngx_http_apigw_jwk_member(a, j, "y", curve->coord, &y) != NGX_OK
        || x.len != curve->coord || y.len != curve->coord)
    {
        *reason = "invalid \"x\" or \"y\"";
        return NULL;
    }

    /* an uncompressed point: 0x04, x, y */

    pub = ngx_http_apigw_alloc(a, 1 + 2 * curve->coord);
    if (pub == NULL) {
        *reason = NULL;
        return NULL;
    }

    pub[0] = 0x04;
    ngx_memcpy(pub + 1, x.data, x.len);
    ngx_memcpy(pub + 1 + x.len, y.data, y.len);

    pkey = NULL;
    params = NULL;
    ctx = NULL;
    check = NULL;

    bld = OSSL_PARAM_BLD_new();

    if (bld == NULL
        || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                            curve->group, 0)
        || !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                             pub, 1 + 2 * curve->coord))
    {
        goto failed;
    }

    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);

    if (params == NULL || ctx == NULL
        || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        pkey = NULL;
        goto failed;
    }

    /* the point must be on the curve */

    check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);

    if (check == NULL || EVP_PKEY_public_check(check) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }

failed:

    if (pkey == NULL) {
        *reason = "OpenSSL refused the EC key";
    }

    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);

    return pkey;
}


/* a base64url member of a JWK, decoded, 1..max bytes */

static ngx_int_t
ngx_http_apigw_jwk_member(ngx_http_apigw_alloc_t *a, json_t *j,
    const char *name, size_t max, ngx_str_t *out)
{
    json_t     *v;
    ngx_str_t   src;

    v = json_object_get(j, name);

    if (!json_is_string(v)) {
        return NGX_ERROR;
    }

    src.data = (u_char *) json_string_value(v);
    src.len = json_string_length(v);

    if (src.len == 0 || src.len > (max + 2) / 3 * 4) {
        return NGX_ERROR;
    }

    out->data = ngx_http_apigw_alloc(a, src.len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_base64url_decode(&src, out->data, &out->len)
        != NGX_OK
        || out->len == 0 || out->len > max)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_apigw_jwks_free(ngx_http_apigw_jwks_t *set)
{
    ngx_uint_t  i;

    for (i = 0; i < set->nkeys; i++) {
        EVP_PKEY_free(set->keys[i].pkey);
        set->keys[i].pkey = NULL;
    }

    set->nkeys = 0;
}


ngx_http_apigw_jwk_t *
ngx_http_apigw_jwks_find(ngx_http_apigw_jwks_t *set, ngx_str_t *kid)
{
    ngx_uint_t  i;

    /*
     * no "kid" names no key: a set's keys without one are never picked
     * by a token without one (and memcmp() must not see their NULL)
     */

    if (kid->len == 0) {
        return NULL;
    }

    for (i = 0; i < set->nkeys; i++) {
        if (set->keys[i].kid.len == kid->len
            && memcmp(set->keys[i].kid.data, kid->data, kid->len) == 0)
        {
            return &set->keys[i];
        }
    }

    return NULL;
}


ngx_http_apigw_jws_alg_e
ngx_http_apigw_jws_alg(ngx_str_t *name)
{
    ngx_uint_t  i;

    /* "none" is never an algorithm here */

    for (i = NGX_HTTP_APIGW_JWS_NONE + 1; i < NGX_HTTP_APIGW_JWS_MAX; i++) {
        if (ngx_http_apigw_jws_algs[i].len == name->len
            && memcmp(ngx_http_apigw_jws_algs[i].name, name->data,
                          name->len)
               == 0)
        {
            return i;
        }
    }

    return NGX_HTTP_APIGW_JWS_NONE;
}


const char *
ngx_http_apigw_jws_alg_name(ngx_http_apigw_jws_alg_e alg)
{
    return ngx_http_apigw_jws_algs[alg].name;
}


ngx_int_t
ngx_http_apigw_jwt_decode(ngx_http_apigw_alloc_t *a, ngx_str_t *token,
    ngx_http_apigw_jwt_t *jwt, const char **err)
{
    u_char     *p, *dot1, *dot2, *last;
    json_t     *v;
    ngx_str_t   s;

    ngx_memzero(jwt, sizeof(ngx_http_apigw_jwt_t));

    if (token->len == 0 || token->len > NGX_HTTP_APIGW_JWT_MAX_TOKEN) {
        *err = "the token is empty or too long";
        return NGX_ERROR;
    }

    last = token->data + token->len;
    dot1 = NULL;
    dot2 = NULL;

    for (p = token->data; p < last; p++) {
        if (*p != '.') {
            continue;
        }

        if (dot1 == NULL) {
            dot1 = p;

        } else if (dot2 == NULL) {
            dot2 = p;

        } else {
            *err = "the token is not a compact JWS";
            return NGX_ERROR;
        }
    }

    if (dot2 == NULL || dot1 == token->data || dot2 == dot1 + 1
        || dot2 + 1 == last)
    {
        *err = "the token is not a compact JWS";
        return NGX_ERROR;
    }

    jwt->header = ngx_http_apigw_jwt_part(a, token->data, dot1, err);
    if (jwt->header == NULL) {
        goto failed;
    }

    v = json_object_get(jwt->header, "alg");

    if (!json_is_string(v)) {
        *err = "the token has no \"alg\"";
        goto failed;
    }

    s.data = (u_char *) json_string_value(v);
    s.len = json_string_length(v);

    jwt->alg = ngx_http_apigw_jws_alg(&s);

    if (jwt->alg == NGX_HTTP_APIGW_JWS_NONE) {
        *err = "the token's algorithm is not supported";
        goto failed;
    }

    if (json_object_get(jwt->header, "crit")) {
        /* no extension is understood here */
        *err = "the token has critical header parameters";
        goto failed;
    }

    v = json_object_get(jwt->header, "kid");

    if (v) {
        if (!json_is_string(v) || json_string_length(v) == 0) {
            *err = "the token's \"kid\" is invalid";
            goto failed;
        }

        jwt->kid.data = (u_char *) json_string_value(v);
        jwt->kid.len = json_string_length(v);
    }

    v = json_object_get(jwt->header, "typ");

    if (v && !json_is_string(v)) {
        *err = "the token's \"typ\" is invalid";
        goto failed;
    }

    jwt->claims = ngx_http_apigw_jwt_part(a, dot1 + 1, dot2, err);
    if (jwt->claims == NULL) {
        goto failed;
    }

    s.data = dot2 + 1;
    s.len = last - s.data;

    jwt->signature.data = ngx_http_apigw_alloc(a, s.len);
    if (jwt->signature.data == NULL) {
        *err = "out of memory";
        goto failed;
    }

    if (ngx_http_apigw_base64url_decode(&s, jwt->signature.data,
                                        &jwt->signature.len)
        != NGX_OK)
    {
        *err = "the token's signature is not base64url";
        goto failed;
    }

    jwt->signing_input.data = token->data;
    jwt->signing_input.len = dot2 - token->data;

    return NGX_OK;

failed:

    ngx_http_apigw_jwt_free(jwt);

    return NGX_ERROR;
}


static json_t *
ngx_http_apigw_jwt_part(ngx_http_apigw_alloc_t *a, u_char *start,
    u_char *end, const char **err)
{
    json_t     *j;
    ngx_str_t   src, json;

    src.data = start;
    src.len = end - start;

    json.data = ngx_http_apigw_alloc(a, src.len);
    if (json.data == NULL) {
        *err = "out of memory";
        return NULL;
    }

    if (ngx_http_apigw_base64url_decode(&src, json.data, &json.len)
        != NGX_OK)
    {
        *err = "the token is not base64url";
        return NULL;
    }

    j = json_loadb((char *) json.data, json.len, JSON_REJECT_DUPLICATES,
                   NULL);

    if (j == NULL || !json_is_object(j)) {
        json_decref(j);
        *err = "the token's header or payload is not a JSON object";
        return NULL;
    }

    return j;
}


void
ngx_http_apigw_jwt_free(ngx_http_apigw_jwt_t *jwt)
{
    json_decref(jwt->header);
    json_decref(jwt->claims);

    jwt->header = NULL;
    jwt->claims = NULL;
}


ngx_int_t
ngx_http_apigw_jws_verify(ngx_http_apigw_jwt_t *jwt,
    ngx_http_apigw_jwk_t *key, ngx_str_t *secret, const char **err)
{
    int                        rc;
    u_char                     der[160];
    size_t                     len;
    EVP_MD                    *md;
    EVP_MD_CTX                *mctx;
    EVP_PKEY_CTX              *pctx;
    ngx_http_apigw_jws_alg_t  *alg;

    alg = &ngx_http_apigw_jws_algs[jwt->alg];
    len = 0;

    if (NGX_HTTP_APIGW_JWS_BIT(jwt->alg) & NGX_HTTP_APIGW_JWS_HMAC) {
        return ngx_http_apigw_jws_hmac(jwt, secret, err);
    }

    /* an asymmetric algorithm: only with a key that may use it */

    if (key == NULL || key->pkey == NULL
        || !(key->algs & NGX_HTTP_APIGW_JWS_BIT(jwt->alg)))
    {
        *err = "the token's algorithm does not match the key";
        return NGX_ERROR;
    }

    if (alg->coord) {
        if (jwt->signature.len != 2 * alg->coord
            || ngx_http_apigw_jws_ecdsa_der(jwt, alg->coord, der, &len)
               != NGX_OK)
        {
            *err = "the token's signature is invalid";
            return NGX_ERROR;
        }

    } else if (jwt->signature.len != (size_t) EVP_PKEY_get_size(key->pkey)) {
        *err = "the token's signature is invalid";
        return NGX_ERROR;
    }

    md = ngx_http_apigw_jws_md(jwt->alg);
    mctx = EVP_MD_CTX_new();

    if (md == NULL || mctx == NULL) {
        EVP_MD_CTX_free(mctx);
        *err = "OpenSSL failed";
        return NGX_ERROR;
    }

    pctx = NULL;
    rc = EVP_DigestVerifyInit(mctx, &pctx, md, NULL, key->pkey);

    if (rc == 1
        && jwt->alg >= NGX_HTTP_APIGW_JWS_PS256
        && jwt->alg <= NGX_HTTP_APIGW_JWS_PS512)
    {
        /* RFC 7518: MGF1 with the same hash, a salt as long as the hash */

        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST)
               != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
        {
            rc = 0;
        }

    } else if (rc == 1 && alg->coord == 0) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
            rc = 0;
        }
    }

    if (rc == 1) {
        if (alg->coord) {
            rc = EVP_DigestVerify(mctx, der, len, jwt->signing_input.data,
                                  jwt->signing_input.len);

        } else {
            rc = EVP_DigestVerify(mctx, jwt->signature.data,
                                  jwt->signature.len,
                                  jwt->signing_input.data,
                                  jwt->signing_input.len);
        }
    }

    EVP_MD_CTX_free(mctx);

    if (rc != 1) {
        *err = "the token's signature is invalid";
        return NGX_ERROR;
    }

    return NGX_OK;
}


static EVP_MD *
ngx_http_apigw_jws_md(ngx_http_apigw_jws_alg_e alg)
{
    if (ngx_http_apigw_jws_mds[alg] == NULL) {
        ngx_http_apigw_jws_mds[alg] = EVP_MD_fetch(NULL,
                                         ngx_http_apigw_jws_algs[alg].md, NULL);
    }

    return ngx_http_apigw_jws_mds[alg];
}


static ngx_int_t
ngx_http_apigw_jws_hmac(ngx_http_apigw_jwt_t *jwt, ngx_str_t *secret,
    const char **err)
{
    u_char        mac[EVP_MAX_MD_SIZE];
    unsigned int  len;
    EVP_MD       *md;

    md = ngx_http_apigw_jws_md(jwt->alg);
    if (md == NULL) {
        *err = "OpenSSL failed";
        return NGX_ERROR;
    }

    /* RFC 7518: a key at least as long as the hash */

    if (secret == NULL || secret->len == 0
        || secret->len < (size_t) EVP_MD_get_size(md))
    {
        *err = "the token's algorithm does not match the key";
        return NGX_ERROR;
    }

    if (HMAC(md, secret->data, (int) secret->len, jwt->signing_input.data,
             jwt->signing_input.len, mac, &len)
        == NULL)
    {
        *err = "OpenSSL failed";
        return NGX_ERROR;
    }

    if (jwt->signature.len != len
        || CRYPTO_memcmp(mac, jwt->signature.data, len) != 0)
    {
        *err = "the token's signature is invalid";
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* JWS's r || s as the DER SEQUENCE OpenSSL verifies */

static ngx_int_t
ngx_http_apigw_jws_ecdsa_der(ngx_http_apigw_jwt_t *jwt, size_t coord,
    u_char *der, size_t *len)
{
    int         n;
    u_char     *p;
    BIGNUM     *r, *s;
    ECDSA_SIG  *sig;

    sig = ECDSA_SIG_new();
    r = BN_bin2bn(jwt->signature.data, coord, NULL);
    s = BN_bin2bn(jwt->signature.data + coord, coord, NULL);

    if (sig == NULL || r == NULL || s == NULL
        || ECDSA_SIG_set0(sig, r, s) != 1)
    {
        ECDSA_SIG_free(sig);
        BN_free(r);
        BN_free(s);
        return NGX_ERROR;
    }

    n = i2d_ECDSA_SIG(sig, NULL);

    if (n <= 0 || n > 160) {
        ECDSA_SIG_free(sig);
        return NGX_ERROR;
    }

    p = der;
    n = i2d_ECDSA_SIG(sig, &p);

    ECDSA_SIG_free(sig);

    if (n <= 0) {
        return NGX_ERROR;
    }

    *len = n;

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_jwt_check(ngx_http_apigw_jwt_t *jwt,
    ngx_http_apigw_jwt_checks_t *checks, const char **err)
{
    json_t      *v, *scp, *s;
    size_t       k;
    double       now, leeway;
    ngx_uint_t   i;

    now = (double) checks->now;
    leeway = (double) checks->leeway;

    v = json_object_get(jwt->claims, "exp");

    if (!json_is_number(v)) {
        *err = "the token has no \"exp\"";
        return NGX_ERROR;
    }

    if (now >= json_number_value(v) + leeway) {
        *err = "the token has expired";
        return NGX_ERROR;
    }

    v = json_object_get(jwt->claims, "nbf");

    if (v) {
        if (!json_is_number(v)) {
            *err = "the token's \"nbf\" is invalid";
            return NGX_ERROR;
        }

        if (now + leeway < json_number_value(v)) {
            *err = "the token is not valid yet";
            return NGX_ERROR;
        }
    }

    v = json_object_get(jwt->claims, "iat");

    if (v) {
        if (!json_is_number(v)) {
            *err = "the token's \"iat\" is invalid";
            return NGX_ERROR;
        }

        if (now + leeway < json_number_value(v)) {
            *err = "the token was issued in the future";
            return NGX_ERROR;
        }
    }

    if (!ngx_http_apigw_jwt_string_is(json_object_get(jwt->claims, "iss"),
                                      &checks->issuer))
    {
        *err = "the token has an invalid issuer";
        return NGX_ERROR;
    }

    if (checks->naudiences
        && ngx_http_apigw_jwt_audience(jwt->claims, checks) != NGX_OK)
    {
        *err = "the token does not have a valid audience";
        return NGX_ERROR;
    }

    if (checks->token_use.len
        && !ngx_http_apigw_jwt_string_is(json_object_get(jwt->claims,
                                                         "token_use"),
                                         &checks->token_use))
    {
        *err = "the token has an invalid \"token_use\"";
        return NGX_ERROR;
    }

    if (checks->nscopes == 0) {
        return NGX_OK;
    }

    /* one of the method's scopes, in "scope" or "scp" */

    v = json_object_get(jwt->claims, "scope");
    scp = json_object_get(jwt->claims, "scp");

    for (i = 0; i < checks->nscopes; i++) {
        if (json_is_string(v)
            && ngx_http_apigw_jwt_list_has(json_string_value(v),
                                           json_string_length(v),
                                           &checks->scopes[i]))
        {
            return NGX_OK;
        }

        if (json_is_string(scp)
            && ngx_http_apigw_jwt_list_has(json_string_value(scp),
                                           json_string_length(scp),
                                           &checks->scopes[i]))
        {
            return NGX_OK;
        }

        if (json_is_array(scp)) {
            json_array_foreach(scp, k, s) {
                if (ngx_http_apigw_jwt_string_is(s, &checks->scopes[i])) {
                    return NGX_OK;
                }
            }
        }
    }

    *err = "the token does not have a required scope";

    return NGX_DECLINED;
}


/* aud (a string or an array of strings); client_id only without aud */

static ngx_int_t
ngx_http_apigw_jwt_audience(json_t *claims,
    ngx_http_apigw_jwt_checks_t *checks)
{
    json_t      *aud, *v;
    size_t       k;
    ngx_uint_t   i;

    aud = json_object_get(claims, "aud");

    if (aud == NULL) {
        aud = json_object_get(claims, "client_id");

        if (!json_is_string(aud)) {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < checks->naudiences; i++) {
        if (json_is_string(aud)) {
            if (ngx_http_apigw_jwt_string_is(aud, &checks->audiences[i])) {
                return NGX_OK;
            }

            continue;
        }

        if (!json_is_array(aud)) {
            return NGX_ERROR;
        }

        json_array_foreach(aud, k, v) {
            if (ngx_http_apigw_jwt_string_is(v, &checks->audiences[i])) {
                return NGX_OK;
            }
        }
    }

    return NGX_ERROR;
}


ngx_int_t
ngx_http_apigw_jwt_scopes(ngx_http_apigw_jwt_t *jwt,
    ngx_http_apigw_alloc_t *a, ngx_str_t **scopes, ngx_uint_t *n)
{
    json_t      *v, *s;
    size_t       i, len, count;
    ngx_str_t   *list;
    const char  *p, *last, *start;

    *scopes = NULL;
    *n = 0;

    v = json_object_get(jwt->claims, "scope");

    if (!json_is_string(v)) {
        v = json_object_get(jwt->claims, "scp");
    }

    if (json_is_array(v)) {
        count = json_array_size(v);

        if (count == 0) {
            return NGX_OK;
        }

        list = ngx_http_apigw_alloc(a, count * sizeof(ngx_str_t));
        if (list == NULL) {
            return NGX_ERROR;
        }

        json_array_foreach(v, i, s) {
            if (json_is_string(s)) {
                list[*n].data = (u_char *) json_string_value(s);
                list[*n].len = json_string_length(s);
                (*n)++;
            }
        }

        *scopes = list;

        return NGX_OK;
    }

    if (!json_is_string(v)) {
        return NGX_OK;
    }

    p = json_string_value(v);
    len = json_string_length(v);
    last = p + len;

    /* at most (len + 1) / 2 names in a space-separated list */

    list = ngx_http_apigw_alloc(a, ((len + 1) / 2 + 1) * sizeof(ngx_str_t));
    if (list == NULL) {
        return NGX_ERROR;
    }

    while (p < last) {
        while (p < last && *p == ' ') {
            p++;
        }

        start = p;

        while (p < last && *p != ' ') {
            p++;
        }

        if (p > start) {
            list[*n].data = (u_char *) start;
            list[*n].len = p - start;
            (*n)++;
        }
    }

    *scopes = list;

    return NGX_OK;
}


static ngx_uint_t
ngx_http_apigw_jwt_string_is(json_t *v, ngx_str_t *s)
{
    return json_is_string(v)
           && json_string_length(v) == s->len
           && memcmp(json_string_value(v), s->data, s->len) == 0;
}


/* s is one of the names of a space-separated list */

static ngx_uint_t
ngx_http_apigw_jwt_list_has(const char *list, size_t len, ngx_str_t *s)
{
    const char  *p, *last, *start;

    p = list;
    last = list + len;

    while (p < last) {
        while (p < last && *p == ' ') {
            p++;
        }

        start = p;

        while (p < last && *p != ' ') {
            p++;
        }

        if ((size_t) (p - start) == s->len
            && memcmp(start, s->data, s->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


ngx_int_t
ngx_http_apigw_base64url_decode(ngx_str_t *src, u_char *dst, size_t *len)
{
    u_char      *p;
    ngx_uint_t   i, v, acc, bits;

    acc = 0;
    bits = 0;
    p = dst;

    for (i = 0; i < src->len; i++) {
        v = ngx_http_apigw_b64url[src->data[i]];

        if (v == 0xff) {
            return NGX_ERROR;
        }

        acc = (acc << 6) | v;
        bits += 6;

        if (bits >= 8) {
            bits -= 8;
            *p++ = (u_char) (acc >> bits);
        }

        acc &= ((ngx_uint_t) 1 << bits) - 1;
    }

    /* a lone 6-bit tail (length 4n + 1), or unused bits set: not canonical */

    if (bits >= 6 || acc != 0) {
        return NGX_ERROR;
    }

    *len = p - dst;

    return NGX_OK;
}
