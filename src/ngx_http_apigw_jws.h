
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * JSON Web Tokens as API Gateway's JWT and Cognito authorizers check
 * them, a pure engine (see docs/dev/engines.md): JWK sets made OpenSSL
 * keys once, compact JWS tokens decoded strictly, signatures verified
 * with the key their "kid" names and only with an algorithm that key
 * may use, and the claims checked (iss, aud or client_id, exp, nbf, iat,
 * token_use, scopes).  Tokens are untrusted input: every length is
 * bounded, every JSON value's type checked, and what is not understood
 * is rejected.
 */


#ifndef _NGX_HTTP_APIGW_JWS_H_INCLUDED_
#define _NGX_HTTP_APIGW_JWS_H_INCLUDED_


#include <ngx_http_apigw_engine.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <time.h>


#define NGX_HTTP_APIGW_JWT_MAX_TOKEN     16384     /* bytes, compact form */
#define NGX_HTTP_APIGW_JWKS_MAX_SIZE     (256 * 1024)
#define NGX_HTTP_APIGW_JWKS_MAX_KEYS     100
#define NGX_HTTP_APIGW_JWK_MIN_RSA_BITS  2048
#define NGX_HTTP_APIGW_JWT_MIN_SECRET    32        /* bytes, HS* */


/* JWA signature algorithms; bit (1 << alg) in masks of allowed ones */
typedef enum {
    NGX_HTTP_APIGW_JWS_NONE = 0,
    NGX_HTTP_APIGW_JWS_RS256,
    NGX_HTTP_APIGW_JWS_RS384,
    NGX_HTTP_APIGW_JWS_RS512,
    NGX_HTTP_APIGW_JWS_PS256,
    NGX_HTTP_APIGW_JWS_PS384,
    NGX_HTTP_APIGW_JWS_PS512,
    NGX_HTTP_APIGW_JWS_ES256,
    NGX_HTTP_APIGW_JWS_ES384,
    NGX_HTTP_APIGW_JWS_ES512,
    NGX_HTTP_APIGW_JWS_HS256,
    NGX_HTTP_APIGW_JWS_HS384,
    NGX_HTTP_APIGW_JWS_HS512,
    NGX_HTTP_APIGW_JWS_MAX
} ngx_http_apigw_jws_alg_e;

#define NGX_HTTP_APIGW_JWS_BIT(alg)  ((ngx_uint_t) 1 << (alg))

#define NGX_HTTP_APIGW_JWS_RSA                                               \
    (NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_RS256)                        \
     |NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_RS384)                       \
     |NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_RS512)                       \
     |NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_PS256)                       \
     |NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_PS384)                       \
     |NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_PS512))

#define NGX_HTTP_APIGW_JWS_HMAC                                              \
    (NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_HS256)                        \
     |NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_HS384)                       \
     |NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_HS512))


/* a public key of a JWK set */
typedef struct {
    ngx_str_t                   kid;
    ngx_uint_t                  algs;     /* the algorithms it verifies */
    EVP_PKEY                   *pkey;
} ngx_http_apigw_jwk_t;


typedef struct {
    ngx_http_apigw_jwk_t       *keys;
    ngx_uint_t                  nkeys;
} ngx_http_apigw_jwks_t;


/* a key of a set that was left out, and why */
typedef void (*ngx_http_apigw_jwks_skip_pt)(void *data, ngx_uint_t n,
    ngx_str_t *kid, const char *reason);


/* a decoded token; the JSON values are the caller's to free */
typedef struct {
    ngx_str_t                   signing_input;  /* header.payload */
    ngx_str_t                   signature;      /* decoded */
    ngx_http_apigw_jws_alg_e    alg;
    ngx_str_t                   kid;            /* empty: none */
    json_t                     *header;
    json_t                     *claims;
} ngx_http_apigw_jwt_t;


/* what the claims must say */
typedef struct {
    ngx_str_t                   issuer;
    ngx_str_t                  *audiences;  /* aud, or client_id without */
    ngx_uint_t                  naudiences;
    ngx_str_t                   token_use;  /* Cognito: "id", "access" */
    ngx_str_t                  *scopes;     /* one of them, or none */
    ngx_uint_t                  nscopes;
    time_t                      now;
    time_t                      leeway;
} ngx_http_apigw_jwt_checks_t;


/*
 * A JWK set ({"keys": [...]}) made keys.  Keys that cannot verify
 * signatures here (symmetric, encryption-only, unknown types or curves,
 * short RSA moduli, malformed) are left out and reported to skip;
 * NGX_ERROR with *err when the document is not a JWK set.  The keys
 * hold OpenSSL objects: ngx_http_apigw_jwks_free() releases them.
 */
ngx_int_t ngx_http_apigw_jwks_parse(ngx_http_apigw_alloc_t *a, u_char *text,
    size_t len, ngx_http_apigw_jwks_t *set, ngx_http_apigw_jwks_skip_pt skip,
    void *data, const char **err);
void ngx_http_apigw_jwks_free(ngx_http_apigw_jwks_t *set);
ngx_http_apigw_jwk_t *ngx_http_apigw_jwks_find(ngx_http_apigw_jwks_t *set,
    ngx_str_t *kid);

ngx_http_apigw_jws_alg_e ngx_http_apigw_jws_alg(ngx_str_t *name);
const char *ngx_http_apigw_jws_alg_name(ngx_http_apigw_jws_alg_e alg);

/*
 * splits and decodes a compact JWS: strict base64url, JSON objects
 * without duplicate names, a known "alg" other than "none", no "crit";
 * NGX_ERROR with *err otherwise (jwt holds nothing to free then)
 */
ngx_int_t ngx_http_apigw_jwt_decode(ngx_http_apigw_alloc_t *a,
    ngx_str_t *token, ngx_http_apigw_jwt_t *jwt, const char **err);
void ngx_http_apigw_jwt_free(ngx_http_apigw_jwt_t *jwt);

/*
 * the signature of jwt with key (asymmetric algorithms) or secret (HS*);
 * the algorithm must be one the key may use
 */
ngx_int_t ngx_http_apigw_jws_verify(ngx_http_apigw_jwt_t *jwt,
    ngx_http_apigw_jwk_t *key, ngx_str_t *secret, const char **err);

/*
 * NGX_OK; NGX_DECLINED when the token is valid but carries none of the
 * scopes; NGX_ERROR with *err when a claim is missing or wrong
 */
ngx_int_t ngx_http_apigw_jwt_check(ngx_http_apigw_jwt_t *jwt,
    ngx_http_apigw_jwt_checks_t *checks, const char **err);

/* the token's scopes, from "scope" (space-separated) or "scp" */
ngx_int_t ngx_http_apigw_jwt_scopes(ngx_http_apigw_jwt_t *jwt,
    ngx_http_apigw_alloc_t *a, ngx_str_t **scopes, ngx_uint_t *n);

/* strict base64url without padding; NGX_ERROR on any other input */
ngx_int_t ngx_http_apigw_base64url_decode(ngx_str_t *src, u_char *dst,
    size_t *len);


#endif /* _NGX_HTTP_APIGW_JWS_H_INCLUDED_ */
