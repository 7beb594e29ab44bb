
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Response caching, as API Gateway's stage cache: one shared-memory zone
 * per stage (rbtree + LRU queue), keys from the method request, TTLs and
 * per-method settings, Cache-Control: max-age=0 invalidation.
 */


#ifndef _NGX_HTTP_APIGW_CACHE_H_INCLUDED_
#define _NGX_HTTP_APIGW_CACHE_H_INCLUDED_


#include "ngx_http_apigw_common.h"


#define NGX_HTTP_APIGW_CACHE_MAX_ENTRY     (1024 * 1024)
#define NGX_HTTP_APIGW_CACHE_MAX_TTL       3600
#define NGX_HTTP_APIGW_CACHE_DEFAULT_TTL   300
#define NGX_HTTP_APIGW_CACHE_DEFAULT_SIZE  (10 * 1024 * 1024)

/* $apigw_cache_status */
#define NGX_HTTP_APIGW_CACHE_NONE          0
#define NGX_HTTP_APIGW_CACHE_BYPASS        1
#define NGX_HTTP_APIGW_CACHE_MISS          2
#define NGX_HTTP_APIGW_CACHE_HIT           3
#define NGX_HTTP_APIGW_CACHE_EXPIRED       4
#define NGX_HTTP_APIGW_CACHE_REFRESH       5

/* AWS's unauthorizedCacheControlHeaderStrategy */
#define NGX_HTTP_APIGW_CACHE_FAIL_WITH_403     0
#define NGX_HTTP_APIGW_CACHE_SUCCEED_HEADER    1
#define NGX_HTTP_APIGW_CACHE_SUCCEED_SILENT    2


/* what a stage sets for all its methods and a method may override */
typedef struct {
    ngx_int_t                       ttl;          /* seconds */
    ngx_int_t                       require_auth;
    ngx_int_t                       unauthorized;
    ngx_array_t                    *statuses;     /* cache_range_t */
} ngx_http_apigw_cache_settings_t;


typedef struct {
    ngx_uint_t                      low;
    ngx_uint_t                      high;
} ngx_http_apigw_cache_range_t;


/* a cache key parameter: method.request.(querystring|header|...).NAME */
typedef struct {
    ngx_uint_t                      type;
    ngx_str_t                       name;
} ngx_http_apigw_cache_param_t;


/* a method's (or location's) settings: apigw_cache, _key, _invalidate */
struct ngx_http_apigw_cache_conf_s {
    ngx_flag_t                      enabled;
    ngx_http_apigw_cache_settings_t settings;
    ngx_array_t                    *keys;         /* cache_param_t */
    ngx_int_t                       invalidate;   /* allow, deny */
    ngx_http_complex_value_t       *invalidate_cv;
    u_char                         *file;         /* apigw_cache_key */
    ngx_uint_t                      line;
};


typedef struct ngx_http_apigw_cache_sh_s  ngx_http_apigw_cache_sh_t;
typedef struct ngx_http_apigw_cache_node_s  ngx_http_apigw_cache_node_t;


/* a zone: shm_zone->data, kept in the configuration's pool */
typedef struct {
    ngx_http_apigw_cache_sh_t      *sh;
    ngx_slab_pool_t                *shpool;
    ngx_str_t                       api;
    ngx_str_t                       api_id;
    ngx_str_t                       stage;
    size_t                          size;
    size_t                          max_entry;
} ngx_http_apigw_cache_zone_t;


/* a stage's cache: the "cache" line of its block */
struct ngx_http_apigw_cache_s {
    ngx_http_apigw_cache_settings_t settings;
    size_t                          size;
    ngx_http_apigw_cache_zone_t    *zone;
    u_char                         *file;
    ngx_uint_t                      line;
};


/* a response, as the store keeps it */
typedef struct {
    ngx_uint_t                      status;
    ngx_str_t                       content_type;
    ngx_str_t                       headers;      /* serialized */
    ngx_str_t                       body;         /* get: one piece */
    ngx_chain_t                    *chain;        /* put: its buffers */
} ngx_http_apigw_cache_entry_t;


typedef struct {
    ngx_uint_t                      entries;
    size_t                          bytes;
    ngx_atomic_uint_t               hits;
    ngx_atomic_uint_t               misses;
    ngx_atomic_uint_t               evictions;
} ngx_http_apigw_cache_stats_t;


/* per request */
struct ngx_http_apigw_cache_ctx_s {
    ngx_http_apigw_cache_zone_t    *zone;
    ngx_array_t                    *statuses;
    ngx_str_t                       key;
    uint32_t                        hash;
    ngx_msec_t                      ttl;
    ngx_uint_t                      status;       /* HIT, MISS, ... */

    ngx_http_apigw_cache_entry_t    entry;        /* being stored */
    ngx_chain_t                   **last;         /* of entry.chain */

    /* a response of known length goes straight into the zone */
    ngx_http_apigw_cache_node_t    *node;         /* reserved */
    u_char                         *pos;          /* where its body goes */
    u_char                         *end;

    unsigned                        store:1;
    unsigned                        storing:1;
    unsigned                        warning:1;
};


/* directives */
char *ngx_http_apigw_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_apigw_cache_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_cache_invalidate(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_cache_admin(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* configuration: the stage block's "cache", zones, merging */
char *ngx_http_apigw_cache_stage(ngx_conf_t *cf,
    ngx_http_apigw_stage_t *stage);
char *ngx_http_apigw_cache_zones(ngx_conf_t *cf,
    ngx_http_apigw_srv_conf_t *ascf);
char *ngx_http_apigw_cache_merge_conf(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *prev, ngx_http_apigw_loc_conf_t *conf);
ngx_int_t ngx_http_apigw_cache_add_variables(ngx_conf_t *cf);

/* cache_shm.c: the store */
ngx_int_t ngx_http_apigw_cache_shm_init(ngx_shm_zone_t *shm_zone, void *data);
ngx_int_t ngx_http_apigw_cache_shm_get(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, uint32_t hash, ngx_pool_t *pool,
    ngx_http_apigw_cache_entry_t *e);
void ngx_http_apigw_cache_shm_miss(ngx_http_apigw_cache_zone_t *zone);
void ngx_http_apigw_cache_shm_put(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, uint32_t hash, ngx_msec_t ttl,
    ngx_http_apigw_cache_entry_t *e, ngx_log_t *log);
u_char *ngx_http_apigw_cache_shm_reserve(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, uint32_t hash, ngx_http_apigw_cache_entry_t *e,
    ngx_http_apigw_cache_node_t **node, ngx_log_t *log);
void ngx_http_apigw_cache_shm_commit(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn, ngx_msec_t ttl, ngx_log_t *log);
void ngx_http_apigw_cache_shm_cancel(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn);
ngx_uint_t ngx_http_apigw_cache_shm_flush(ngx_http_apigw_cache_zone_t *zone);
void ngx_http_apigw_cache_shm_stats(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_stats_t *stats);

/* requests: lookup before the integration, storing from the filters */
ngx_int_t ngx_http_apigw_cache_handler(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_loc_conf_t *alcf);
ngx_int_t ngx_http_apigw_cache_header(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
void ngx_http_apigw_cache_body(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_chain_t *in);


#endif /* _NGX_HTTP_APIGW_CACHE_H_INCLUDED_ */
