
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The authorizer cache (see ngx_http_apigw_auth_cache.h) on the response
 * cache's shared-memory store: an entry is a key digest and a value (the
 * authorizer's answer), no status or headers.  Keys are digests, so
 * tokens never sit in shared memory in clear.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_cache.h"
#include "ngx_http_apigw_auth_cache.h"


struct ngx_http_apigw_auth_cache_s {
    ngx_http_apigw_cache_zone_t    *zone;
    ngx_shm_zone_t                 *shm_zone;
};


static ngx_http_apigw_auth_cache_t *ngx_http_apigw_auth_cache_add(
    ngx_conf_t *cf, ngx_str_t *name, size_t size);


/* apigw_authorizer_cache_zone NAME:SIZE (http, server) */

char *
ngx_http_apigw_auth_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    u_char     *p;
    ssize_t     size;
    ngx_str_t  *value, name, s;

    if (alcf->authorizer_cache != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');

    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone \"%V\": NAME:SIZE expected",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is too small", &value[1]);
        return NGX_CONF_ERROR;
    }

    alcf->authorizer_cache = ngx_http_apigw_auth_cache_add(cf, &name, size);
    if (alcf->authorizer_cache == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * A zone of the default name; its size is the one declared with
 * apigw_authorizer_cache_zone where that name was, or the default.
 */

ngx_http_apigw_auth_cache_t *
ngx_http_apigw_auth_cache_default(ngx_conf_t *cf)
{
    ngx_str_t  name;

    ngx_str_set(&name, NGX_HTTP_APIGW_AUTH_CACHE_DEFAULT);

    return ngx_http_apigw_auth_cache_add(cf, &name, 0);
}


static ngx_http_apigw_auth_cache_t *
ngx_http_apigw_auth_cache_add(ngx_conf_t *cf, ngx_str_t *name, size_t size)
{
    ngx_shm_zone_t               *shm_zone;
    ngx_http_apigw_cache_zone_t  *zone;
    ngx_http_apigw_auth_cache_t  *cache;

    shm_zone = ngx_shared_memory_add(cf, name, size, &ngx_http_apigw_module);
    if (shm_zone == NULL) {
        return NULL;
    }

    if (shm_zone->shm.size == 0) {
        shm_zone->shm.size = NGX_HTTP_APIGW_AUTH_CACHE_SIZE;
    }

    cache = ngx_palloc(cf->pool, sizeof(ngx_http_apigw_auth_cache_t));
    if (cache == NULL) {
        return NULL;
    }

    zone = shm_zone->data;

    if (zone == NULL) {
        zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_cache_zone_t));
        if (zone == NULL) {
            return NULL;
        }

        /* what the store's messages call it */
        ngx_str_set(&zone->api, "authorizers");
        zone->stage = *name;

        shm_zone->data = zone;
        shm_zone->init = ngx_http_apigw_cache_shm_init;

    } else if (shm_zone->init != ngx_http_apigw_cache_shm_init) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is used by another directive", name);
        return NULL;
    }

    cache->zone = zone;
    cache->shm_zone = shm_zone;

    return cache;
}


ngx_int_t
ngx_http_apigw_auth_cache_get(ngx_http_apigw_auth_cache_t *cache, u_char *key,
    ngx_pool_t *pool, ngx_str_t *value)
{
    uint32_t                      hash;
    ngx_int_t                     rc;
    ngx_str_t                     k;
    ngx_http_apigw_cache_entry_t  e;

    k.data = key;
    k.len = NGX_HTTP_APIGW_AUTH_CACHE_KEY_LEN;

    ngx_memcpy(&hash, key, sizeof(uint32_t));

    rc = ngx_http_apigw_cache_shm_get(cache->zone, &k, hash, pool, &e);

    if (rc == NGX_OK) {
        *value = e.body;
        return NGX_OK;
    }

    return (rc == NGX_ERROR) ? NGX_ERROR : NGX_DECLINED;
}


void
ngx_http_apigw_auth_cache_put(ngx_http_apigw_auth_cache_t *cache, u_char *key,
    ngx_msec_t ttl, ngx_str_t *value, ngx_log_t *log)
{
    uint32_t                      hash;
    ngx_buf_t                     b;
    ngx_str_t                     k;
    ngx_chain_t                   cl;
    ngx_http_apigw_cache_entry_t  e;

    /* what cannot fit beside a few others is not kept */

    if (value->len > cache->shm_zone->shm.size / 8) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "apigw: an authorizer result of %uz bytes is too "
                      "large for the zone \"%V\"", value->len,
                      &cache->shm_zone->shm.name);
        return;
    }

    k.data = key;
    k.len = NGX_HTTP_APIGW_AUTH_CACHE_KEY_LEN;

    ngx_memcpy(&hash, key, sizeof(uint32_t));

    ngx_memzero(&b, sizeof(ngx_buf_t));
    b.pos = value->data;
    b.last = value->data + value->len;

    cl.buf = &b;
    cl.next = NULL;

    ngx_memzero(&e, sizeof(ngx_http_apigw_cache_entry_t));
    e.body.len = value->len;
    e.chain = &cl;

    ngx_http_apigw_cache_shm_put(cache->zone, &k, hash, ttl, &e, log);
}
