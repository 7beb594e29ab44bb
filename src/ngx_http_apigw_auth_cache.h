
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The authorizer cache: results of Lambda authorizers kept across
 * workers (and reloads) for their TTL, keyed by a digest of the
 * authorizer and its identity-source values.  A small interface (zone,
 * get, put); the store is the response cache's shared-memory one
 * (cache_shm.c), the first backend behind it.
 */


#ifndef _NGX_HTTP_APIGW_AUTH_CACHE_H_INCLUDED_
#define _NGX_HTTP_APIGW_AUTH_CACHE_H_INCLUDED_


#include "ngx_http_apigw_common.h"


#define NGX_HTTP_APIGW_AUTH_CACHE_KEY_LEN   32      /* a SHA-256 digest */
#define NGX_HTTP_APIGW_AUTH_CACHE_DEFAULT   "apigw_authorizers"
#define NGX_HTTP_APIGW_AUTH_CACHE_SIZE      (1024 * 1024)


/* apigw_authorizer_cache_zone NAME:SIZE */
char *ngx_http_apigw_auth_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* the zone of authorizers that have none declared for them */
ngx_http_apigw_auth_cache_t *ngx_http_apigw_auth_cache_default(
    ngx_conf_t *cf);

/*
 * NGX_OK and the value, copied into the pool; NGX_DECLINED: none, or
 * expired; NGX_ERROR
 */
ngx_int_t ngx_http_apigw_auth_cache_get(ngx_http_apigw_auth_cache_t *cache,
    u_char *key, ngx_pool_t *pool, ngx_str_t *value);

/* stores a value for ttl milliseconds, replacing the key's old one */
void ngx_http_apigw_auth_cache_put(ngx_http_apigw_auth_cache_t *cache,
    u_char *key, ngx_msec_t ttl, ngx_str_t *value, ngx_log_t *log);


#endif /* _NGX_HTTP_APIGW_AUTH_CACHE_H_INCLUDED_ */
