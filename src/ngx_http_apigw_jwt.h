
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The JWT and Cognito authorizers' parts: jwt.c reads the configuration
 * and authorizes requests, jwks.c keeps their key sets (from a file, or
 * fetched from a URL through a subrequest and cached).
 */


#ifndef _NGX_HTTP_APIGW_JWT_H_INCLUDED_
#define _NGX_HTTP_APIGW_JWT_H_INCLUDED_


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_jws.h"


typedef struct ngx_http_apigw_jwks_source_s  ngx_http_apigw_jwks_source_t;
typedef struct ngx_http_apigw_jwks_wait_s    ngx_http_apigw_jwks_wait_t;


/* a key set read at configuration time: bad files fail nginx -t */
ngx_int_t ngx_http_apigw_jwks_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_http_apigw_jwks_t *set);

/*
 * a key set fetched from url (http:// or https://, then verified against
 * ca) when first needed, again once older than refresh, and on an
 * unknown "kid" at most once per refetch
 */
ngx_http_apigw_jwks_source_t *ngx_http_apigw_jwks_url(ngx_conf_t *cf,
    ngx_str_t *name, ngx_str_t *url, ngx_str_t *ca, time_t refresh,
    time_t refetch);

/*
 * The key named kid.  NGX_OK: *key is set; NGX_DECLINED: no such key;
 * NGX_AGAIN: the set is being fetched, the request's access phase runs
 * again when it is here (*wait holds the request's place in the queue);
 * NGX_ERROR: there is no key set (the fetch failed).
 */
ngx_int_t ngx_http_apigw_jwks_key(ngx_http_request_t *r,
    ngx_http_apigw_jwks_source_t *src, ngx_str_t *kid,
    ngx_http_apigw_jwk_t **key, ngx_http_apigw_jwks_wait_t **wait);

/* which set is in use: a number that changes when it is replaced */
ngx_uint_t ngx_http_apigw_jwks_generation(
    ngx_http_apigw_jwks_source_t *src);


#endif /* _NGX_HTTP_APIGW_JWT_H_INCLUDED_ */
