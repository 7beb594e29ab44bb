
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Response caching, as API Gateway's stage cache: configuration, keys,
 * lookups and storing (the store itself is cache_shm.c).  Each stage
 * with a "cache" line has a shared-memory zone that all workers see and
 * that survives a reload.  The lookup is the first thing of the content
 * phase, so whatever runs in the access phase runs on hits too, as
 * authorizers, API keys and throttling do on AWS; a hit answers from the
 * zone, a miss calls the integration and the filters store the method
 * response (after mapping) when the whole body has passed.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_cache.h"
#include "ngx_http_apigw_authorizer.h"


#define NGX_HTTP_APIGW_CACHE_KEY_PATH          0
#define NGX_HTTP_APIGW_CACHE_KEY_QUERY         1
#define NGX_HTTP_APIGW_CACHE_KEY_MULTI_QUERY   2
#define NGX_HTTP_APIGW_CACHE_KEY_HEADER        3
#define NGX_HTTP_APIGW_CACHE_KEY_MULTI_HEADER  4

#define NGX_HTTP_APIGW_CACHE_ABSENT            0xffffffff

/* key parameters whose values the key's count keeps on the stack */
#define NGX_HTTP_APIGW_CACHE_VALUES            8

#define NGX_HTTP_APIGW_CACHE_ZONE_PREFIX       "apigw_cache:"


static char *ngx_http_apigw_cache_options(ngx_conf_t *cf, ngx_str_t *value,
    ngx_uint_t n, ngx_http_apigw_cache_settings_t *s, size_t *size);
static char *ngx_http_apigw_cache_statuses(ngx_conf_t *cf, ngx_str_t *value,
    ngx_array_t **ranges);
static ngx_http_apigw_cache_conf_t *ngx_http_apigw_cache_conf(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *alcf);
static void ngx_http_apigw_cache_settings_init(
    ngx_http_apigw_cache_settings_t *s);
static ngx_int_t ngx_http_apigw_cache_check_keys(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *conf);
static ngx_int_t ngx_http_apigw_cache_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);

static ngx_uint_t ngx_http_apigw_cache_max_age_0(ngx_http_request_t *r);
static ngx_int_t ngx_http_apigw_cache_authorized(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_cache_conf_t *ccf,
    ngx_str_t *denied);
static ngx_int_t ngx_http_apigw_cache_make_key(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_cache_conf_t *ccf,
    ngx_http_apigw_cache_ctx_t *cc);
static u_char *ngx_http_apigw_cache_put_arg(u_char *p, u_char *data,
    size_t len);
static size_t ngx_http_apigw_cache_param(ngx_http_request_t *r,
    ngx_http_apigw_cache_param_t *param, u_char *p, ngx_str_t *found_value);
static ngx_inline u_char *ngx_http_apigw_cache_put(u_char *p, u_char *data,
    size_t len);
static ngx_int_t ngx_http_apigw_cache_send(ngx_http_request_t *r,
    ngx_http_apigw_cache_entry_t *e);
static ngx_int_t ngx_http_apigw_cache_status_ok(ngx_array_t *ranges,
    ngx_uint_t status);
static ngx_int_t ngx_http_apigw_cache_start(ngx_http_request_t *r,
    ngx_http_apigw_cache_ctx_t *cc);
static size_t ngx_http_apigw_cache_headers(ngx_http_request_t *r, u_char *p);
static void ngx_http_apigw_cache_store(ngx_http_request_t *r,
    ngx_http_apigw_cache_ctx_t *cc);
static void ngx_http_apigw_cache_abandon(ngx_http_apigw_cache_ctx_t *cc);
static void ngx_http_apigw_cache_cleanup(void *data);

static ngx_int_t ngx_http_apigw_cache_admin_handler(ngx_http_request_t *r);
static ngx_http_apigw_cache_zone_t *ngx_http_apigw_cache_zone_find(
    ngx_str_t *api, ngx_str_t *stage);


static ngx_str_t  ngx_http_apigw_cache_status_names[] = {
    ngx_null_string,
    ngx_string("BYPASS"),
    ngx_string("MISS"),
    ngx_string("HIT"),
    ngx_string("EXPIRED"),
    ngx_string("REFRESH")
};


static ngx_str_t  ngx_http_apigw_cache_strategies[] = {
    ngx_string("FAIL_WITH_403"),
    ngx_string("SUCCEED_WITH_RESPONSE_HEADER"),
    ngx_string("SUCCEED_WITHOUT_RESPONSE_HEADER"),
    ngx_null_string
};


static struct {
    ngx_str_t                       prefix;
    ngx_uint_t                      type;
} ngx_http_apigw_cache_sources[] = {
    { ngx_string("method.request.path."), NGX_HTTP_APIGW_CACHE_KEY_PATH },
    { ngx_string("method.request.querystring."),
      NGX_HTTP_APIGW_CACHE_KEY_QUERY },
    { ngx_string("method.request.multivaluequerystring."),
      NGX_HTTP_APIGW_CACHE_KEY_MULTI_QUERY },
    { ngx_string("method.request.header."), NGX_HTTP_APIGW_CACHE_KEY_HEADER },
    { ngx_string("method.request.multivalueheader."),
      NGX_HTTP_APIGW_CACHE_KEY_MULTI_HEADER },
    { ngx_null_string, 0 }
};


/* headers a cached response does not keep: framing, and fresh ids */

static ngx_str_t  ngx_http_apigw_cache_skip_headers[] = {
    ngx_string("Content-Length"),
    ngx_string("Transfer-Encoding"),
    ngx_string("Connection"),
    ngx_string("Keep-Alive"),
    ngx_string("x-amzn-RequestId"),
    ngx_string("x-amz-apigw-id"),
    ngx_null_string
};


static ngx_str_t  ngx_http_apigw_cache_warning =
    ngx_string("199 - \"Cache-Control: max-age=0 ignored: the caller "
               "is not authorized to invalidate the cache\"");

static ngx_str_t  ngx_http_apigw_cache_denied =
    ngx_string("User: anonymous is not authorized to perform: "
               "execute-api:InvalidateCache");

static ngx_str_t  ngx_http_apigw_cache_invalidate_action =
    ngx_string("execute-api:InvalidateCache");


/* the stage block's "cache [size=] [ttl=] ..." */

char *
ngx_http_apigw_cache_stage(ngx_conf_t *cf, ngx_http_apigw_stage_t *stage)
{
    char                    *rv;
    ngx_str_t               *value;
    ngx_http_apigw_cache_t  *cache;

    if (stage->cache) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate \"cache\" in \"apigw_stage %V\"",
                           &stage->name);
        return NGX_CONF_ERROR;
    }

    cache = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_cache_t));
    if (cache == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_http_apigw_cache_settings_init(&cache->settings);
    cache->size = NGX_CONF_UNSET_SIZE;
    cache->file = cf->conf_file->file.name.data;
    cache->line = cf->conf_file->line;

    value = cf->args->elts;

    rv = ngx_http_apigw_cache_options(cf, &value[1], cf->args->nelts - 1,
                                      &cache->settings, &cache->size);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    ngx_conf_init_size_value(cache->size, NGX_HTTP_APIGW_CACHE_DEFAULT_SIZE);
    ngx_conf_init_value(cache->settings.ttl, NGX_HTTP_APIGW_CACHE_DEFAULT_TTL);
    ngx_conf_init_value(cache->settings.require_auth, 1);
    ngx_conf_init_value(cache->settings.unauthorized,
                        NGX_HTTP_APIGW_CACHE_SUCCEED_HEADER);

    stage->cache = cache;

    return NGX_CONF_OK;
}


static void
ngx_http_apigw_cache_settings_init(ngx_http_apigw_cache_settings_t *s)
{
    s->ttl = NGX_CONF_UNSET;
    s->require_auth = NGX_CONF_UNSET;
    s->unauthorized = NGX_CONF_UNSET;
    s->statuses = NULL;
}


static char *
ngx_http_apigw_cache_options(ngx_conf_t *cf, ngx_str_t *value, ngx_uint_t n,
    ngx_http_apigw_cache_settings_t *s, size_t *size)
{
    ssize_t     sz;
    ngx_int_t   ttl;
    ngx_str_t   v;
    ngx_uint_t  i, j;

    for (i = 0; i < n; i++) {

        if (size && ngx_strncmp(value[i].data, "size=", 5) == 0) {
            v.data = value[i].data + 5;
            v.len = value[i].len - 5;

            sz = ngx_parse_size(&v);

            if (sz == NGX_ERROR || sz < (ssize_t) (8 * ngx_pagesize)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid cache size \"%V\": at least "
                                   "%uzk", &v, 8 * ngx_pagesize / 1024);
                return NGX_CONF_ERROR;
            }

            *size = sz;
            continue;
        }

        if (ngx_strncmp(value[i].data, "ttl=", 4) == 0) {
            v.data = value[i].data + 4;
            v.len = value[i].len - 4;

            ttl = ngx_parse_time(&v, 1);

            if (ttl == NGX_ERROR || ttl > NGX_HTTP_APIGW_CACHE_MAX_TTL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid cache ttl \"%V\": 0 to %d "
                                   "seconds, as on AWS", &v,
                                   NGX_HTTP_APIGW_CACHE_MAX_TTL);
                return NGX_CONF_ERROR;
            }

            s->ttl = ttl;
            continue;
        }

        if (ngx_strncmp(value[i].data, "require_authorization=", 22) == 0) {
            v.data = value[i].data + 22;
            v.len = value[i].len - 22;

            if (v.len == 2 && ngx_strncmp(v.data, "on", 2) == 0) {
                s->require_auth = 1;

            } else if (v.len == 3 && ngx_strncmp(v.data, "off", 3) == 0) {
                s->require_auth = 0;

            } else {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid require_authorization \"%V\": "
                                   "\"on\" or \"off\" expected", &v);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "unauthorized=", 13) == 0) {
            v.data = value[i].data + 13;
            v.len = value[i].len - 13;

            for (j = 0; ngx_http_apigw_cache_strategies[j].len; j++) {
                if (ngx_http_apigw_cache_strategies[j].len == v.len
                    && ngx_strncasecmp(ngx_http_apigw_cache_strategies[j].data,
                                       v.data, v.len)
                       == 0)
                {
                    break;
                }
            }

            if (ngx_http_apigw_cache_strategies[j].len == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid unauthorized \"%V\": "
                                   "FAIL_WITH_403, "
                                   "SUCCEED_WITH_RESPONSE_HEADER or "
                                   "SUCCEED_WITHOUT_RESPONSE_HEADER "
                                   "expected", &v);
                return NGX_CONF_ERROR;
            }

            s->unauthorized = j;
            continue;
        }

        if (ngx_strncmp(value[i].data, "status=", 7) == 0) {
            v.data = value[i].data + 7;
            v.len = value[i].len - 7;

            if (ngx_http_apigw_cache_statuses(cf, &v, &s->statuses)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* "2xx,404": the statuses of method responses that are stored */

static char *
ngx_http_apigw_cache_statuses(ngx_conf_t *cf, ngx_str_t *value,
    ngx_array_t **ranges)
{
    u_char                        *p, *last, *start;
    ngx_int_t                      n;
    ngx_http_apigw_cache_range_t  *range;

    *ranges = ngx_array_create(cf->pool, 2,
                               sizeof(ngx_http_apigw_cache_range_t));
    if (*ranges == NULL) {
        return NGX_CONF_ERROR;
    }

    p = value->data;
    last = value->data + value->len;

    while (p <= last) {
        start = p;

        while (p < last && *p != ',') {
            p++;
        }

        if (p - start != 3) {
            goto invalid;
        }

        range = ngx_array_push(*ranges);
        if (range == NULL) {
            return NGX_CONF_ERROR;
        }

        if ((start[1] == 'x' || start[1] == 'X')
            && (start[2] == 'x' || start[2] == 'X'))
        {
            if (start[0] < '1' || start[0] > '5') {
                goto invalid;
            }

            range->low = (start[0] - '0') * 100;
            range->high = range->low + 99;

        } else {
            n = ngx_atoi(start, 3);

            if (n < 100 || n > 599) {
                goto invalid;
            }

            range->low = n;
            range->high = n;
        }

        p++;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid cache status \"%V\": a list of statuses "
                       "(100 to 599) and classes (\"2xx\") expected", value);
    return NGX_CONF_ERROR;
}


static ngx_http_apigw_cache_conf_t *
ngx_http_apigw_cache_conf(ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *alcf)
{
    ngx_http_apigw_cache_conf_t  *ccf;

    if (alcf->cache) {
        return alcf->cache;
    }

    ccf = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_cache_conf_t));
    if (ccf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     ccf->keys = NULL;
     *     ccf->invalidate_cv = NULL;
     *     ccf->file = NULL;
     */

    ccf->enabled = NGX_CONF_UNSET;
    ccf->invalidate = NGX_CONF_UNSET;
    ngx_http_apigw_cache_settings_init(&ccf->settings);

    alcf->cache = ccf;

    return ccf;
}


char *
ngx_http_apigw_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t                    *value;
    ngx_http_apigw_cache_conf_t  *ccf;

    ccf = ngx_http_apigw_cache_conf(cf, alcf);
    if (ccf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ccf->enabled != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "on") == 0) {
        ccf->enabled = 1;

    } else if (ngx_strcmp(value[1].data, "off") == 0) {
        ccf->enabled = 0;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\": \"on\" or \"off\" "
                           "expected", &value[1]);
        return NGX_CONF_ERROR;
    }

    return ngx_http_apigw_cache_options(cf, &value[2], cf->args->nelts - 2,
                                        &ccf->settings, NULL);
}


char *
ngx_http_apigw_cache_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t                     *value, name;
    ngx_uint_t                     i, j, k;
    ngx_http_apigw_cache_conf_t   *ccf;
    ngx_http_apigw_cache_param_t  *param;

    ccf = ngx_http_apigw_cache_conf(cf, alcf);
    if (ccf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ccf->keys) {
        return "is duplicate";
    }

    ccf->keys = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                 sizeof(ngx_http_apigw_cache_param_t));
    if (ccf->keys == NULL) {
        return NGX_CONF_ERROR;
    }

    ccf->file = cf->conf_file->file.name.data;
    ccf->line = cf->conf_file->line;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        for (j = 0; ngx_http_apigw_cache_sources[j].prefix.len; j++) {
            if (value[i].len > ngx_http_apigw_cache_sources[j].prefix.len
                && ngx_strncmp(value[i].data,
                               ngx_http_apigw_cache_sources[j].prefix.data,
                               ngx_http_apigw_cache_sources[j].prefix.len)
                   == 0)
            {
                break;
            }
        }

        if (ngx_http_apigw_cache_sources[j].prefix.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid cache key parameter \"%V\": "
                               "method.request.(path|querystring|"
                               "multivaluequerystring|header|"
                               "multivalueheader).NAME expected", &value[i]);
            return NGX_CONF_ERROR;
        }

        name.data = value[i].data + ngx_http_apigw_cache_sources[j].prefix.len;
        name.len = value[i].len - ngx_http_apigw_cache_sources[j].prefix.len;

        param = ccf->keys->elts;

        for (k = 0; k < ccf->keys->nelts; k++) {
            if (param[k].type == ngx_http_apigw_cache_sources[j].type
                && param[k].name.len == name.len
                && ngx_strncasecmp(param[k].name.data, name.data, name.len)
                   == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "duplicate cache key parameter \"%V\"",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }
        }

        param = ngx_array_push(ccf->keys);
        if (param == NULL) {
            return NGX_CONF_ERROR;
        }

        param->type = ngx_http_apigw_cache_sources[j].type;
        param->name = name;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_apigw_cache_invalidate(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t                         *value;
    ngx_http_apigw_cache_conf_t       *ccf;
    ngx_http_compile_complex_value_t   ccv;

    ccf = ngx_http_apigw_cache_conf(cf, alcf);
    if (ccf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ccf->invalidate != NGX_CONF_UNSET || ccf->invalidate_cv) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "allow") == 0) {
        ccf->invalidate = 1;
        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[1].data, "deny") == 0) {
        ccf->invalidate = 0;
        return NGX_CONF_OK;
    }

    if (ngx_http_script_variables_count(&value[1]) == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\": \"allow\", \"deny\" or "
                           "a value with variables expected", &value[1]);
        return NGX_CONF_ERROR;
    }

    ccf->invalidate_cv = ngx_palloc(cf->pool,
                                    sizeof(ngx_http_complex_value_t));
    if (ccf->invalidate_cv == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = ccf->invalidate_cv;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_apigw_cache_admin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_http_apigw_conf_handler(cf, conf,
                                       ngx_http_apigw_cache_admin_handler);
}


/*
 * The zones of a server's stages, once the whole server is known (the
 * API's name may follow the stages).  The zone's name holds the API and
 * the stage, so a reload finds the same zone and its entries.
 */

char *
ngx_http_apigw_cache_zones(ngx_conf_t *cf, ngx_http_apigw_srv_conf_t *ascf)
{
    u_char                       *p;
    ngx_str_t                     name;
    ngx_uint_t                    i;
    ngx_shm_zone_t               *shm_zone;
    ngx_conf_file_t               file, *saved;
    ngx_http_apigw_cache_t       *cache;
    ngx_http_apigw_stage_t       *stage;
    ngx_http_apigw_cache_zone_t  *zone;

    if (ascf->stages == NULL) {
        return NGX_CONF_OK;
    }

    stage = ascf->stages->elts;

    for (i = 0; i < ascf->stages->nelts; i++) {
        cache = stage[i].cache;

        if (cache == NULL) {
            continue;
        }

        name.len = sizeof(NGX_HTTP_APIGW_CACHE_ZONE_PREFIX) - 1
                   + ascf->name.len + 1 + stage[i].name.len;
        name.data = ngx_pnalloc(cf->pool, name.len);
        if (name.data == NULL) {
            return NGX_CONF_ERROR;
        }

        p = ngx_cpymem(name.data, NGX_HTTP_APIGW_CACHE_ZONE_PREFIX,
                       sizeof(NGX_HTTP_APIGW_CACHE_ZONE_PREFIX) - 1);
        p = ngx_cpymem(p, ascf->name.data, ascf->name.len);
        *p++ = ':';
        ngx_memcpy(p, stage[i].name.data, stage[i].name.len);

        /* errors (a size conflict) name the "cache" line */

        saved = cf->conf_file;
        file = *saved;
        file.file.name.data = cache->file;
        file.file.name.len = ngx_strlen(cache->file);
        file.line = cache->line;
        cf->conf_file = &file;

        shm_zone = ngx_shared_memory_add(cf, &name, cache->size,
                                         &ngx_http_apigw_module);

        cf->conf_file = saved;

        if (shm_zone == NULL) {
            return NGX_CONF_ERROR;
        }

        zone = shm_zone->data;

        if (zone == NULL) {
            /* the same API and stage in another server share the zone */

            zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_cache_zone_t));
            if (zone == NULL) {
                return NGX_CONF_ERROR;
            }

            zone->api = ascf->name;
            zone->api_id = ascf->id;
            zone->stage = stage[i].name;
            zone->size = cache->size;
            zone->max_entry = ngx_min(NGX_HTTP_APIGW_CACHE_MAX_ENTRY,
                                      cache->size / 8);

            shm_zone->data = zone;
            shm_zone->init = ngx_http_apigw_cache_shm_init;
        }

        cache->zone = zone;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_apigw_cache_merge_conf(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *prev, ngx_http_apigw_loc_conf_t *conf)
{
    ngx_http_apigw_cache_conf_t  *ccf, *pcf;

    ccf = conf->cache;
    pcf = prev->cache;

    if (ccf == NULL) {
        if (conf->method == NULL) {
            conf->cache = pcf;
            return NGX_CONF_OK;
        }

        /* a method has its own: its default depends on its name */

        ccf = ngx_http_apigw_cache_conf(cf, conf);
        if (ccf == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (pcf) {
        ngx_conf_merge_value(ccf->enabled, pcf->enabled, NGX_CONF_UNSET);
        ngx_conf_merge_value(ccf->settings.ttl, pcf->settings.ttl,
                             NGX_CONF_UNSET);
        ngx_conf_merge_value(ccf->settings.require_auth,
                             pcf->settings.require_auth, NGX_CONF_UNSET);
        ngx_conf_merge_value(ccf->settings.unauthorized,
                             pcf->settings.unauthorized, NGX_CONF_UNSET);

        if (ccf->settings.statuses == NULL) {
            ccf->settings.statuses = pcf->settings.statuses;
        }

        if (ccf->keys == NULL) {
            ccf->keys = pcf->keys;
            ccf->file = pcf->file;
            ccf->line = pcf->line;
        }

        if (ccf->invalidate == NGX_CONF_UNSET && ccf->invalidate_cv == NULL) {
            ccf->invalidate = pcf->invalidate;
            ccf->invalidate_cv = pcf->invalidate_cv;
        }
    }

    if (conf->method == NULL) {
        return NGX_CONF_OK;
    }

    /* as on AWS: a stage's cache serves GET methods unless told otherwise */

    if (ccf->enabled == NGX_CONF_UNSET) {
        ccf->enabled = (conf->method->name.len == 3
                        && ngx_strncmp(conf->method->name.data, "GET", 3)
                           == 0);
    }

    if (ccf->keys && conf->resource
        && ngx_http_apigw_cache_check_keys(cf, conf) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* a path parameter of the key must be one of the resource's */

static ngx_int_t
ngx_http_apigw_cache_check_keys(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *conf)
{
    ngx_uint_t                     i, j;
    ngx_http_apigw_segment_t      *seg;
    ngx_http_apigw_cache_param_t  *param;

    param = conf->cache->keys->elts;

    for (i = 0; i < conf->cache->keys->nelts; i++) {

        if (param[i].type != NGX_HTTP_APIGW_CACHE_KEY_PATH) {
            continue;
        }

        seg = conf->resource->segments.elts;

        for (j = 0; j < conf->resource->segments.nelts; j++) {
            if (seg[j].param && seg[j].text.len == param[i].name.len
                && ngx_strncmp(seg[j].text.data, param[i].name.data,
                               param[i].name.len) == 0)
            {
                break;
            }
        }

        if (j == conf->resource->segments.nelts) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unknown path parameter \"%V\" in "
                          "\"apigw_cache_key\": resource \"%V\" has no such "
                          "parameter in %s:%ui", &param[i].name,
                          &conf->resource->path, conf->cache->file,
                          conf->cache->line);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_cache_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *v;

    v = ngx_http_add_variable(cf, &(ngx_str_t)
                                  ngx_string("apigw_cache_status"),
                              NGX_HTTP_VAR_NOCACHEABLE);
    if (v == NULL) {
        return NGX_ERROR;
    }

    v->get_handler = ngx_http_apigw_cache_status_variable;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_cache_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t             *name;
    ngx_http_apigw_ctx_t  *ctx;

    ctx = ngx_http_apigw_get_ctx(r);

    if (ctx == NULL || ctx->cache == NULL
        || ctx->cache->status == NGX_HTTP_APIGW_CACHE_NONE)
    {
        v->not_found = 1;
        return NGX_OK;
    }

    name = &ngx_http_apigw_cache_status_names[ctx->cache->status];

    v->len = name->len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = name->data;

    return NGX_OK;
}


/*
 * The content phase, before the integration: NGX_DECLINED lets the
 * integration run (and the filters store its answer when ctx->cache
 * says so); anything else is the answer.
 */

ngx_int_t
ngx_http_apigw_cache_handler(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_loc_conf_t *alcf)
{
    ngx_int_t                      rc, ttl, require, strategy;
    ngx_str_t                      denied;
    ngx_uint_t                     refresh;
    ngx_http_apigw_cache_t        *cache;
    ngx_http_apigw_cache_ctx_t    *cc;
    ngx_http_apigw_cache_conf_t   *ccf;
    ngx_http_apigw_cache_entry_t   e;

    cache = ctx->stage->cache;
    ccf = alcf->cache;

    cc = ngx_pcalloc(r->pool, sizeof(ngx_http_apigw_cache_ctx_t));
    if (cc == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->cache = cc;

    ttl = (ccf->settings.ttl != NGX_CONF_UNSET) ? ccf->settings.ttl
                                                : cache->settings.ttl;

    if (!ccf->enabled || ttl == 0) {
        cc->status = NGX_HTTP_APIGW_CACHE_BYPASS;
        return NGX_DECLINED;
    }

    cc->zone = cache->zone;
    cc->ttl = (ngx_msec_t) ttl * 1000;
    cc->statuses = ccf->settings.statuses ? ccf->settings.statuses
                                          : cache->settings.statuses;

    refresh = 0;

    if (ngx_http_apigw_cache_max_age_0(r)) {
        require = (ccf->settings.require_auth != NGX_CONF_UNSET)
                  ? ccf->settings.require_auth
                  : cache->settings.require_auth;

        denied = ngx_http_apigw_cache_denied;

        rc = require ? ngx_http_apigw_cache_authorized(r, ctx, ccf, &denied)
                     : 1;

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc) {
            refresh = 1;

        } else {
            strategy = (ccf->settings.unauthorized != NGX_CONF_UNSET)
                       ? ccf->settings.unauthorized
                       : cache->settings.unauthorized;

            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "apigw: cache invalidation by an unauthorized "
                          "caller");

            if (strategy == NGX_HTTP_APIGW_CACHE_FAIL_WITH_403) {
                rc = ngx_http_apigw_send_error(r, ctx,
                                             NGX_HTTP_APIGW_GR_ACCESS_DENIED);
                ctx->error_message = denied;
                return rc;
            }

            if (strategy == NGX_HTTP_APIGW_CACHE_SUCCEED_HEADER) {
                cc->warning = 1;
            }
        }
    }

    if (ngx_http_apigw_cache_make_key(r, ctx, ccf, cc) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (refresh) {
        ngx_http_apigw_cache_shm_miss(cc->zone);
        cc->status = NGX_HTTP_APIGW_CACHE_REFRESH;
        cc->store = 1;
        return NGX_DECLINED;
    }

    ngx_memzero(&e, sizeof(ngx_http_apigw_cache_entry_t));

    rc = ngx_http_apigw_cache_shm_get(cc->zone, &cc->key, cc->hash, r->pool,
                                      &e);

    switch (rc) {

    case NGX_OK:
        cc->status = NGX_HTTP_APIGW_CACHE_HIT;
        break;

    case NGX_DONE:
        cc->status = NGX_HTTP_APIGW_CACHE_EXPIRED;
        break;

    case NGX_DECLINED:
        cc->status = NGX_HTTP_APIGW_CACHE_MISS;
        break;

    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw cache %V",
                   &ngx_http_apigw_cache_status_names[cc->status]);

    if (rc == NGX_OK) {
        return ngx_http_apigw_cache_send(r, &e);
    }

    cc->store = 1;

    return NGX_DECLINED;
}


/* does the request ask to invalidate, with Cache-Control: max-age=0? */

static ngx_uint_t
ngx_http_apigw_cache_max_age_0(ngx_http_request_t *r)
{
    u_char           *p, *last, *start, *end;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != sizeof("Cache-Control") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "Cache-Control",
                               sizeof("Cache-Control") - 1)
               != 0)
        {
            continue;
        }

        p = h[i].value.data;
        last = p + h[i].value.len;

        while (p < last) {

            /* one directive: "max-age = 0" */

            while (p < last && (*p == ' ' || *p == '\t' || *p == ',')) {
                p++;
            }

            start = p;

            while (p < last && *p != ',') {
                p++;
            }

            end = p;

            while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
                end--;
            }

            if (end - start < 9
                || ngx_strncasecmp(start, (u_char *) "max-age", 7) != 0)
            {
                continue;
            }

            start += 7;

            while (start < end && (*start == ' ' || *start == '\t')) {
                start++;
            }

            if (start == end || *start++ != '=') {
                continue;
            }

            while (start < end && (*start == ' ' || *start == '\t')) {
                start++;
            }

            if (start < end && *start == '"' && end[-1] == '"') {
                start++;
                end--;
            }

            if (start == end) {
                continue;
            }

            while (start < end && *start == '0') {
                start++;
            }

            if (start == end) {
                return 1;
            }
        }
    }

    return 0;
}


/*
 * AWS's "authorized": execute-api:InvalidateCache, an IAM permission of
 * the caller of a method with IAM authorization (iam_auth.c).  Others,
 * and IAM callers without it, are authorized by apigw_cache_invalidate:
 * allow, deny (the default), or a value that is neither empty nor "0".
 */

static ngx_int_t
ngx_http_apigw_cache_authorized(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_cache_conf_t *ccf,
    ngx_str_t *denied)
{
    ngx_int_t  rc;
    ngx_str_t  value;

    if (ctx->iam_caller) {
        rc = ngx_http_apigw_iam_permitted(r, ctx,
                                     &ngx_http_apigw_cache_invalidate_action,
                                     denied);
        if (rc != 0) {
            return rc;
        }
    }

    if (ccf->invalidate_cv == NULL) {
        return (ccf->invalidate == 1);
    }

    if (ngx_http_complex_value(r, ccf->invalidate_cv, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    return !(value.len == 0 || (value.len == 1 && value.data[0] == '0'));
}


/*
 * The key: method, resource, path parameters, then the key parameters,
 * each as a 32-bit length and its bytes (absent: all ones), so no two
 * requests share a key by accident of concatenation.  The stage is the
 * zone.  Counting the key's length finds each parameter's value, which
 * the copy then takes as found (multivalue parameters are looked up
 * twice).
 */

static ngx_int_t
ngx_http_apigw_cache_make_key(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_cache_conf_t *ccf,
    ngx_http_apigw_cache_ctx_t *cc)
{
    u_char                        *p;
    size_t                         len;
    ngx_str_t                      local[NGX_HTTP_APIGW_CACHE_VALUES];
    ngx_str_t                     *values;
    ngx_uint_t                     i, nparams, nkeys;
    ngx_http_apigw_cache_param_t  *param;

    nparams = ctx->params ? ctx->resource->nparams : 0;

    len = 2 * sizeof(uint32_t) + r->method_name.len
          + ctx->resource->path.len;

    for (i = 0; i < nparams; i++) {
        len += sizeof(uint32_t) + ctx->params[i].value.len;
    }

    param = NULL;
    nkeys = 0;
    values = local;

    if (ccf->keys) {
        param = ccf->keys->elts;
        nkeys = ccf->keys->nelts;

        if (nkeys > NGX_HTTP_APIGW_CACHE_VALUES) {
            values = ngx_palloc(r->pool, nkeys * sizeof(ngx_str_t));
            if (values == NULL) {
                return NGX_ERROR;
            }
        }

        for (i = 0; i < nkeys; i++) {
            len += ngx_http_apigw_cache_param(r, &param[i], NULL, &values[i]);
        }
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    cc->key.data = p;

    p = ngx_http_apigw_cache_put(p, r->method_name.data, r->method_name.len);
    p = ngx_http_apigw_cache_put(p, ctx->resource->path.data,
                                 ctx->resource->path.len);

    for (i = 0; i < nparams; i++) {
        p = ngx_http_apigw_cache_put(p, ctx->params[i].value.data,
                                     ctx->params[i].value.len);
    }

    for (i = 0; i < nkeys; i++) {
        p += ngx_http_apigw_cache_param(r, &param[i], p, &values[i]);
    }

    cc->key.len = p - cc->key.data;
    cc->hash = ngx_murmur_hash2(cc->key.data, cc->key.len);

    return NGX_OK;
}


/*
 * A key parameter's value, as it arrived: the last one, or with
 * "multivalue" a count and all of them.  Counts the bytes when p is NULL,
 * keeping a single value in *found (data NULL: absent); writes them at p
 * otherwise, a single value from *found.
 */

static size_t
ngx_http_apigw_cache_param(ngx_http_request_t *r,
    ngx_http_apigw_cache_param_t *param, u_char *p, ngx_str_t *found_value)
{
    u_char           *a, *last, *begin, *count;
    size_t            len;
    uint32_t          n;
    ngx_str_t         value, *name;
    ngx_uint_t        i, multi, found;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    if (param->type == NGX_HTTP_APIGW_CACHE_KEY_PATH) {
        /* every path parameter is in the key already */
        return 0;
    }

    multi = (param->type == NGX_HTTP_APIGW_CACHE_KEY_MULTI_QUERY
             || param->type == NGX_HTTP_APIGW_CACHE_KEY_MULTI_HEADER);

    if (p && !multi) {
        if (found_value->data == NULL) {
            n = NGX_HTTP_APIGW_CACHE_ABSENT;
            ngx_memcpy(p, &n, sizeof(uint32_t));
            return sizeof(uint32_t);
        }

        if (param->type == NGX_HTTP_APIGW_CACHE_KEY_QUERY) {
            return ngx_http_apigw_cache_put_arg(p, found_value->data,
                                                found_value->len)
                   - p;
        }

        return ngx_http_apigw_cache_put(p, found_value->data,
                                        found_value->len)
               - p;
    }

    name = &param->name;
    begin = p;
    count = p;
    len = multi ? sizeof(uint32_t) : 0;
    found = 0;
    ngx_str_null(&value);

    if (p && multi) {
        p += sizeof(uint32_t);
    }

    if (param->type == NGX_HTTP_APIGW_CACHE_KEY_QUERY
        || param->type == NGX_HTTP_APIGW_CACHE_KEY_MULTI_QUERY)
    {
        a = r->args.data;
        last = a + r->args.len;

        while (ngx_http_apigw_arg_next(&a, last, name, &value) == NGX_OK) {
            found++;

            if (multi) {
                len += sizeof(uint32_t) + value.len;

                if (p) {
                    p = ngx_http_apigw_cache_put_arg(p, value.data,
                                                     value.len);
                }
            }
        }

    } else {
        part = &r->headers_in.headers.part;
        h = part->elts;

        for (i = 0; /* void */; i++) {

            if (i >= part->nelts) {
                if (part->next == NULL) {
                    break;
                }

                part = part->next;
                h = part->elts;
                i = 0;
            }

            if (h[i].key.len != name->len
                || ngx_strncasecmp(h[i].key.data, name->data, name->len)
                   != 0)
            {
                continue;
            }

            found++;
            value = h[i].value;

            if (multi) {
                len += sizeof(uint32_t) + value.len;

                if (p) {
                    p = ngx_http_apigw_cache_put(p, value.data, value.len);
                }
            }
        }
    }

    if (multi) {
        if (p) {
            n = (uint32_t) found;
            ngx_memcpy(count, &n, sizeof(uint32_t));
            return p - begin;
        }

        return len;
    }

    /* a single value, counted: the copy takes it from here */

    if (found) {
        *found_value = value;
        return sizeof(uint32_t) + value.len;
    }

    found_value->data = NULL;
    found_value->len = 0;

    return sizeof(uint32_t);
}


static ngx_inline u_char *
ngx_http_apigw_cache_put(u_char *p, u_char *data, size_t len)
{
    uint32_t  n;

    n = (uint32_t) len;
    p = ngx_cpymem(p, &n, sizeof(uint32_t));

    return ngx_cpymem(p, data, len);
}


/*
 * a query argument's value, decoded ("+" a space, %XX) as AWS passes
 * parameters: "a+b" and "a%20b" are one key.  Decoding never lengthens
 * a value, so the room counted for the raw one is enough.
 */

static u_char *
ngx_http_apigw_cache_put_arg(u_char *p, u_char *data, size_t len)
{
    uint32_t   n;
    ngx_str_t  v;

    v.data = p + sizeof(uint32_t);
    v.len = len;

    ngx_memcpy(v.data, data, len);

    if (ngx_strlchr(v.data, v.data + len, '%')
        || ngx_strlchr(v.data, v.data + len, '+'))
    {
        ngx_http_apigw_unescape_arg(&v);
    }

    n = (uint32_t) v.len;
    ngx_memcpy(p, &n, sizeof(uint32_t));

    return v.data + v.len;
}


/* a hit: the stored method response; the filters add fresh ids, CORS */

static ngx_int_t
ngx_http_apigw_cache_send(ngx_http_request_t *r,
    ngx_http_apigw_cache_entry_t *e)
{
    u_char           *p, *last;
    uint32_t          klen, vlen;
    ngx_int_t         rc;
    ngx_buf_t        *b;
    ngx_chain_t       out;
    ngx_table_elt_t  *h;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    r->headers_out.status = e->status;

    if (e->content_type.len) {
        r->headers_out.content_type = e->content_type;
        r->headers_out.content_type_len = e->content_type.len;
    }

    p = e->headers.data;
    last = p + e->headers.len;

    while (p < last) {

        if (last - p < (ssize_t) (2 * sizeof(uint32_t))) {
            goto corrupt;
        }

        ngx_memcpy(&klen, p, sizeof(uint32_t));
        ngx_memcpy(&vlen, p + sizeof(uint32_t), sizeof(uint32_t));
        p += 2 * sizeof(uint32_t);

        if ((size_t) (last - p) < (size_t) klen + vlen) {
            goto corrupt;
        }

        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        h->key.data = p;
        h->key.len = klen;
        h->value.data = p + klen;
        h->value.len = vlen;
        h->lowcase_key = NULL;

        p += klen + vlen;

        /* what later filters look for by pointer */

        if (klen == sizeof("Content-Encoding") - 1
            && ngx_strncasecmp(h->key.data, (u_char *) "Content-Encoding",
                               klen) == 0)
        {
            r->headers_out.content_encoding = h;

        } else if (klen == sizeof("Location") - 1
                   && ngx_strncasecmp(h->key.data, (u_char *) "Location",
                                      klen) == 0)
        {
            r->headers_out.location = h;

        } else if (klen == sizeof("ETag") - 1
                   && ngx_strncasecmp(h->key.data, (u_char *) "ETag", klen)
                      == 0)
        {
            r->headers_out.etag = h;
        }
    }

    r->headers_out.content_length_n = e->body.len;

    if (e->body.len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = e->body.data;
    b->last = e->body.data + e->body.len;
    b->memory = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);

corrupt:

    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                  "apigw: corrupt cache entry");

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/*
 * The method response's header, about to be sent (response.c): on a
 * miss, start storing it; with an ignored Cache-Control, warn.
 */

ngx_int_t
ngx_http_apigw_cache_header(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx)
{
    ngx_http_apigw_cache_ctx_t  *cc;

    cc = ctx->cache;

    if (cc->store) {
        cc->store = 0;

        /* integration errors and gateway responses are not stored */

        if (!ctx->error && !r->err_status && r->method != NGX_HTTP_HEAD
            && ngx_http_apigw_cache_status_ok(cc->statuses,
                                              r->headers_out.status)
            && r->headers_out.content_length_n
               <= (off_t) cc->zone->max_entry)
        {
            /* as any failure to store: the response goes on, not stored */
            (void) ngx_http_apigw_cache_start(r, cc);
        }
    }

    /* after the headers are taken: the warning is this request's */

    if (cc->warning
        && ngx_http_apigw_add_header(r, &(ngx_str_t) ngx_string("Warning"),
                                     &ngx_http_apigw_cache_warning)
           == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_cache_status_ok(ngx_array_t *ranges, ngx_uint_t status)
{
    ngx_uint_t                     i;
    ngx_http_apigw_cache_range_t  *range;

    if (ranges == NULL) {
        return (status >= 200 && status <= 299);
    }

    range = ranges->elts;

    for (i = 0; i < ranges->nelts; i++) {
        if (status >= range[i].low && status <= range[i].high) {
            return 1;
        }
    }

    return 0;
}


/*
 * The status, content type and headers of a response to store.  When
 * its length is known (Content-Length, or no body), the entry's memory
 * is reserved in the zone now and the headers, then the body as it
 * passes, are written there: one copy of the response, and none into
 * the request's pool (a pool cleanup gives the memory back if the
 * response does not complete).  Otherwise the headers and the body are
 * kept in the pool and stored at the end.  NGX_DECLINED: not stored;
 * NGX_ERROR: no memory in the pool, not stored either.
 */

static ngx_int_t
ngx_http_apigw_cache_start(ngx_http_request_t *r,
    ngx_http_apigw_cache_ctx_t *cc)
{
    u_char              *p;
    off_t                body;
    ngx_pool_cleanup_t  *cln;

    cc->entry.status = r->headers_out.status;
    cc->entry.content_type = r->headers_out.content_type;
    cc->entry.headers.len = ngx_http_apigw_cache_headers(r, NULL);

    body = r->header_only ? 0 : r->headers_out.content_length_n;

    if (cc->entry.headers.len + (body > 0 ? body : 0) > cc->zone->max_entry)
    {
        return NGX_DECLINED;
    }

    if (body < 0) {
        p = ngx_pnalloc(r->pool, cc->entry.headers.len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        cc->entry.headers.data = p;
        (void) ngx_http_apigw_cache_headers(r, p);

        cc->storing = 1;
        cc->last = &cc->entry.chain;

        /* the body filter sees buffers read from temporary files */

        r->filter_need_in_memory = 1;

        return NGX_OK;
    }

    /* the cleanup first: a reserved entry always has one */

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    cln->handler = ngx_http_apigw_cache_cleanup;
    cln->data = cc;

    cc->entry.body.len = (size_t) body;

    p = ngx_http_apigw_cache_shm_reserve(cc->zone, &cc->key, cc->hash,
                                         &cc->entry, &cc->node,
                                         r->connection->log);
    if (p == NULL) {
        return NGX_DECLINED;
    }

    p = ngx_cpymem(p, cc->entry.content_type.data,
                   cc->entry.content_type.len);
    p += ngx_http_apigw_cache_headers(r, p);

    if (r->header_only) {
        ngx_http_apigw_cache_shm_commit(cc->zone, cc->node, cc->ttl,
                                        r->connection->log);
        cc->node = NULL;
        return NGX_OK;
    }

    cc->pos = p;
    cc->end = p + body;
    cc->storing = 1;

    r->filter_need_in_memory = 1;

    return NGX_OK;
}


/*
 * The headers of the response, serialized: counted when p is NULL,
 * written at p otherwise.
 */

static size_t
ngx_http_apigw_cache_headers(ngx_http_request_t *r, u_char *p)
{
    size_t            len;
    uint32_t          n;
    ngx_str_t        *skip;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    len = 0;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0) {
            continue;
        }

        for (skip = ngx_http_apigw_cache_skip_headers; skip->len; skip++) {
            if (skip->len == h[i].key.len
                && ngx_strncasecmp(skip->data, h[i].key.data, skip->len)
                   == 0)
            {
                break;
            }
        }

        if (skip->len) {
            continue;
        }

        len += 2 * sizeof(uint32_t) + h[i].key.len + h[i].value.len;

        if (p == NULL) {
            continue;
        }

        n = (uint32_t) h[i].key.len;
        p = ngx_cpymem(p, &n, sizeof(uint32_t));
        n = (uint32_t) h[i].value.len;
        p = ngx_cpymem(p, &n, sizeof(uint32_t));
        p = ngx_cpymem(p, h[i].key.data, h[i].key.len);
        p = ngx_cpymem(p, h[i].value.data, h[i].value.len);
    }

    return len;
}


/* the body as it leaves for the client; stored at its last buffer */

void
ngx_http_apigw_cache_body(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_chain_t *in)
{
    size_t                       size;
    ngx_buf_t                   *b;
    ngx_chain_t                 *cl, *ln;
    ngx_http_apigw_cache_ctx_t  *cc;

    cc = ctx->cache;

    if (cc == NULL || !cc->storing) {
        return;
    }

    for (cl = in; cl; cl = cl->next) {
        size = ngx_buf_size(cl->buf);

        if (size && !ngx_buf_in_memory(cl->buf)) {
            ngx_http_apigw_cache_abandon(cc);
            return;
        }

        if (cc->node) {

            /* into the zone: no more than the announced length */

            if (size > (size_t) (cc->end - cc->pos)) {
                ngx_http_apigw_cache_abandon(cc);
                return;
            }

            if (size) {
                cc->pos = ngx_cpymem(cc->pos, cl->buf->pos, size);
            }

        } else if (size) {
            cc->entry.body.len += size;

            if (cc->entry.body.len + cc->entry.headers.len
                > cc->zone->max_entry)
            {
                ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                               "apigw cache: response over %uz bytes, "
                               "not stored", cc->zone->max_entry);
                cc->storing = 0;
                return;
            }

            b = ngx_create_temp_buf(r->pool, size);
            if (b == NULL) {
                cc->storing = 0;
                return;
            }

            b->last = ngx_cpymem(b->pos, cl->buf->pos, size);

            ln = ngx_alloc_chain_link(r->pool);
            if (ln == NULL) {
                cc->storing = 0;
                return;
            }

            ln->buf = b;
            ln->next = NULL;
            *cc->last = ln;
            cc->last = &ln->next;
        }

        if (cl->buf->last_buf) {
            ngx_http_apigw_cache_store(r, cc);
            return;
        }
    }
}


/* the whole response has passed: into the index */

static void
ngx_http_apigw_cache_store(ngx_http_request_t *r,
    ngx_http_apigw_cache_ctx_t *cc)
{
    cc->storing = 0;

    if (cc->node) {
        if (cc->pos != cc->end) {
            /* shorter than its Content-Length */
            ngx_http_apigw_cache_abandon(cc);
            return;
        }

        ngx_http_apigw_cache_shm_commit(cc->zone, cc->node, cc->ttl,
                                        r->connection->log);
        cc->node = NULL;
        return;
    }

    /* a response of unknown length, kept in the pool */

    ngx_http_apigw_cache_shm_put(cc->zone, &cc->key, cc->hash, cc->ttl,
                                 &cc->entry, r->connection->log);
}


/* the response will not be stored: the memory it reserved is freed */

static void
ngx_http_apigw_cache_abandon(ngx_http_apigw_cache_ctx_t *cc)
{
    cc->storing = 0;

    if (cc->node) {
        ngx_http_apigw_cache_shm_cancel(cc->zone, cc->node);
        cc->node = NULL;
    }
}


/* the request ends before its response was stored whole */

static void
ngx_http_apigw_cache_cleanup(void *data)
{
    ngx_http_apigw_cache_ctx_t  *cc = data;

    if (cc->node) {
        ngx_http_apigw_cache_shm_cancel(cc->zone, cc->node);
        cc->node = NULL;
    }
}


/*
 * apigw_cache_admin: AWS's FlushStageCache,
 * DELETE .../restapis/{api}/stages/{stage}/cache/data (202), and the
 * stage's counters, GET .../restapis/{api}/stages/{stage}/cache.  {api}
 * is the API's id or name.
 */

static ngx_int_t
ngx_http_apigw_cache_admin_handler(ngx_http_request_t *r)
{
    u_char                        *p, *last, *start;
    ngx_int_t                      rc;
    ngx_str_t                      part[5], body, api;
    ngx_uint_t                     n, flushed;
    ngx_http_apigw_cache_zone_t   *zone;
    ngx_http_apigw_cache_stats_t   stats;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw cache admin: \"%V\"", &r->uri);

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    p = ngx_strlcasestrn(r->uri.data, r->uri.data + r->uri.len,
                         (u_char *) "/restapis/", sizeof("/restapis/") - 2);

    if (p == NULL) {
        ngx_str_set(&body, "{\"message\":\"Not Found\"}");
        return ngx_http_apigw_send_json(r, NGX_HTTP_NOT_FOUND, &body);
    }

    /* {api} / "stages" / {stage} / "cache" [ / "data" ] */

    p += sizeof("/restapis/") - 1;
    last = r->uri.data + r->uri.len;
    n = 0;

    while (p <= last && n < 5) {
        start = p;

        while (p < last && *p != '/') {
            p++;
        }

        part[n].data = start;
        part[n].len = p - start;
        n++;
        p++;
    }

    if (p <= last || n < 4
        || part[1].len != 6 || ngx_strncmp(part[1].data, "stages", 6) != 0
        || part[3].len != 5 || ngx_strncmp(part[3].data, "cache", 5) != 0
        || (n == 5
            && (part[4].len != 4 || ngx_strncmp(part[4].data, "data", 4) != 0)))
    {
        ngx_str_set(&body, "{\"message\":\"Not Found\"}");
        return ngx_http_apigw_send_json(r, NGX_HTTP_NOT_FOUND, &body);
    }

    if ((n == 5 && r->method != NGX_HTTP_DELETE)
        || (n == 4 && r->method != NGX_HTTP_GET))
    {
        ngx_str_set(&body, "{\"message\":\"Method Not Allowed\"}");
        return ngx_http_apigw_send_json(r, NGX_HTTP_NOT_ALLOWED, &body);
    }

    zone = ngx_http_apigw_cache_zone_find(&part[0], &part[2]);

    if (zone == NULL || zone->sh == NULL) {
        ngx_str_set(&body, "{\"message\":\"Invalid stage identifier "
                           "specified\"}");
        return ngx_http_apigw_send_json(r, NGX_HTTP_NOT_FOUND, &body);
    }

    if (n == 5) {
        flushed = ngx_http_apigw_cache_shm_flush(zone);

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "apigw: cache of stage \"%V\" of API \"%V\" flushed, "
                      "%ui entries", &zone->stage, &zone->api, flushed);

        ngx_str_null(&body);
        return ngx_http_apigw_send_json(r, NGX_HTTP_ACCEPTED, &body);
    }

    ngx_http_apigw_cache_shm_stats(zone, &stats);

    api.len = ngx_escape_json(NULL, zone->api.data, zone->api.len)
              + zone->api.len;

    body.len = sizeof("{\"api\":\"\",\"id\":\"\",\"stage\":\"\",\"size\":,"
                      "\"entries\":,\"bytes\":,\"hits\":,\"misses\":,"
                      "\"evictions\":}") - 1
               + api.len + zone->api_id.len + zone->stage.len
               + 6 * NGX_ATOMIC_T_LEN;

    body.data = ngx_pnalloc(r->pool, body.len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(body.data, "{\"api\":\"", sizeof("{\"api\":\"") - 1);
    p = (u_char *) ngx_escape_json(p, zone->api.data, zone->api.len);

    p = ngx_sprintf(p, "\",\"id\":\"%V\",\"stage\":\"%V\",\"size\":%uz,"
                    "\"entries\":%ui,\"bytes\":%uz,\"hits\":%uA,"
                    "\"misses\":%uA,\"evictions\":%uA}",
                    &zone->api_id, &zone->stage, zone->size, stats.entries,
                    stats.bytes, stats.hits, stats.misses, stats.evictions);

    body.len = p - body.data;

    return ngx_http_apigw_send_json(r, NGX_HTTP_OK, &body);
}


/* the zone of an API (id or name) and stage, in the running cycle */

static ngx_http_apigw_cache_zone_t *
ngx_http_apigw_cache_zone_find(ngx_str_t *api, ngx_str_t *stage)
{
    ngx_uint_t                    i;
    ngx_list_part_t              *part;
    ngx_shm_zone_t               *shm_zone;
    ngx_http_apigw_cache_zone_t  *zone;

    part = NULL;

    for ( ;; ) {
        shm_zone = ngx_http_apigw_shm_zone_next(ngx_http_apigw_cache_shm_init,
                                                &part, &i);
        if (shm_zone == NULL) {
            return NULL;
        }

        zone = shm_zone->data;

        if (zone->stage.len == stage->len
            && ngx_strncmp(zone->stage.data, stage->data, stage->len) == 0
            && ((zone->api_id.len == api->len
                 && ngx_strncmp(zone->api_id.data, api->data, api->len) == 0)
                || (zone->api.len == api->len
                    && ngx_strncmp(zone->api.data, api->data, api->len)
                       == 0)))
        {
            return zone;
        }
    }
}
