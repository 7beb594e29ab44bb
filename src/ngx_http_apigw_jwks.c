
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The key sets of JWT and Cognito authorizers.  A file is read at
 * configuration time.  A URL is fetched through nginx's proxy module and
 * upstream machinery: the configuration builds a location of its own
 * (proxy_pass to the URL's host, TLS verified against a CA file), and a
 * request that needs the set starts a subrequest that runs in that
 * location; the requests that arrive meanwhile wait in a queue and
 * resume when the set is here.  The set is fetched when first needed,
 * again once older than "jwks_refresh", and on a token whose "kid" the
 * set lacks at most once per "jwks_refetch" (keys are rotated; a flood
 * of made-up kids must not become a flood of fetches).
 *
 * Each worker verifies with keys of its own, made of the set's text;
 * the text, its age and the time of the last fetch are shared through
 * a shared memory zone ("apigw_jwks"): a worker that needs a fetch first
 * takes a newer set another worker fetched, and the limits apply to all
 * workers together.  The zone survives reloads, and so do the sets.
 */


#include "ngx_http_apigw_jwt.h"


/* a failed fetch is retried after this while there is no set to use */
#define NGX_HTTP_APIGW_JWKS_RETRY   10

#define NGX_HTTP_APIGW_JWKS_CA      "/etc/ssl/certs/ca-certificates.crt"

#define NGX_HTTP_APIGW_JWKS_ZONE    (1024 * 1024)


/* the zone: a list of the sets of all URLs */

typedef struct {
    ngx_queue_t                     records;
    ngx_uint_t                      full;       /* said so once */
} ngx_http_apigw_jwks_sh_t;


typedef struct {
    ngx_http_apigw_jwks_sh_t       *sh;
    ngx_slab_pool_t                *shpool;
} ngx_http_apigw_jwks_shctx_t;


typedef struct {
    ngx_queue_t                     queue;
    ngx_uint_t                      generation; /* of the text */
    time_t                          loaded;     /* fetched, 0: never */
    time_t                          attempted;
    size_t                          url_len;
    u_char                         *url;        /* and the CA file */
    size_t                          len;
    u_char                         *text;
} ngx_http_apigw_jwks_record_t;


struct ngx_http_apigw_jwks_source_s {
    ngx_str_t                       name;       /* the authorizer's */
    ngx_str_t                       url;
    ngx_str_t                       id;         /* URL and CA: the zone's */
    ngx_str_t                       uri;
    ngx_str_t                       args;
    void                          **loc_conf;   /* the fetch location */
    ngx_http_handler_pt             handler;    /* its proxy_pass */
    time_t                          refresh;
    time_t                          refetch;

    ngx_shm_zone_t                 *zone;

    /* this worker's */
    ngx_http_apigw_jwks_record_t   *record;     /* in the zone */
    ngx_uint_t                      shared;     /* its generation here */
    ngx_http_apigw_jwks_t          *set;
    ngx_pool_t                     *pool;       /* the set's memory */
    time_t                          loaded;     /* 0: never */
    ngx_uint_t                      generation; /* of the set, 0: none */
    time_t                          attempted;  /* this worker's fetch */
    time_t                          fetched;    /* any worker's */
    ngx_http_request_t             *owner;      /* fetching for it */
    ngx_http_request_t             *sr;
    ngx_queue_t                     waiters;
};


struct ngx_http_apigw_jwks_wait_s {
    ngx_queue_t                     queue;
    ngx_event_t                     event;
    ngx_http_request_t             *request;
    ngx_http_apigw_jwks_source_t   *src;
    unsigned                        queued:1;
    unsigned                        fetched:1;  /* has waited for one */
};


typedef struct {
    ngx_log_t                      *log;
    ngx_conf_t                     *cf;
    ngx_str_t                      *name;
} ngx_http_apigw_jwks_skip_ctx_t;


static void ngx_http_apigw_jwks_skip(void *data, ngx_uint_t n,
    ngx_str_t *kid, const char *reason);
static ngx_int_t ngx_http_apigw_jwks_zone(ngx_conf_t *cf,
    ngx_http_apigw_jwks_source_t *src);
static char *ngx_http_apigw_jwks_location(ngx_conf_t *cf,
    ngx_http_apigw_jwks_source_t *src, ngx_str_t *target, ngx_uint_t tls,
    ngx_str_t *ca);
static ngx_int_t ngx_http_apigw_jwks_wait(ngx_http_request_t *r,
    ngx_http_apigw_jwks_source_t *src, ngx_http_apigw_jwks_wait_t **wait);
static ngx_int_t ngx_http_apigw_jwks_fetch(ngx_http_request_t *r,
    ngx_http_apigw_jwks_source_t *src, ngx_http_apigw_jwks_wait_t *w);
static void ngx_http_apigw_jwks_run(ngx_http_request_t *sr);
static ngx_int_t ngx_http_apigw_jwks_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_apigw_jwks_load(ngx_http_apigw_jwks_source_t *src,
    ngx_str_t *text, time_t loaded, ngx_log_t *log);
static ngx_int_t ngx_http_apigw_jwks_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_http_apigw_jwks_record_t *ngx_http_apigw_jwks_record(
    ngx_http_apigw_jwks_source_t *src, ngx_log_t *log);
static void ngx_http_apigw_jwks_sync(ngx_http_apigw_jwks_source_t *src,
    ngx_log_t *log);
static void ngx_http_apigw_jwks_attempt(ngx_http_apigw_jwks_source_t *src,
    ngx_log_t *log);
static void ngx_http_apigw_jwks_share(ngx_http_apigw_jwks_source_t *src,
    ngx_str_t *text, ngx_log_t *log);
static void ngx_http_apigw_jwks_wake_all(ngx_http_apigw_jwks_source_t *src);
static void ngx_http_apigw_jwks_wake(ngx_event_t *ev);
static void ngx_http_apigw_jwks_wait_cleanup(void *data);
static void ngx_http_apigw_jwks_set_cleanup(void *data);


extern ngx_module_t  ngx_http_proxy_module;
extern ngx_module_t  ngx_http_log_module;


ngx_int_t
ngx_http_apigw_jwks_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_http_apigw_jwks_t *set)
{
    ngx_int_t                        rc;
    ngx_str_t                        text;
    const char                      *err;
    ngx_pool_cleanup_t              *cln;
    ngx_http_apigw_alloc_t           a;
    ngx_http_apigw_jwks_skip_ctx_t   skip;

    if (ngx_http_apigw_conf_read_file(cf, name, NGX_HTTP_APIGW_JWKS_MAX_SIZE,
                                      &text)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ngx_free(text.data);
        return NGX_ERROR;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = cf->pool;

    skip.log = NULL;
    skip.cf = cf;
    skip.name = name;

    err = NULL;

    rc = ngx_http_apigw_jwks_parse(&a, text.data, text.len, set,
                                   ngx_http_apigw_jwks_skip, &skip, &err);

    ngx_free(text.data);

    if (rc != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid key set \"%V\": %s",
                           name, err);
        return NGX_ERROR;
    }

    cln->handler = ngx_http_apigw_jwks_set_cleanup;
    cln->data = set;

    if (set->nkeys == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid key set \"%V\": no key to verify "
                           "signatures with", name);
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_http_apigw_jwks_skip(void *data, ngx_uint_t n, ngx_str_t *kid,
    const char *reason)
{
    ngx_http_apigw_jwks_skip_ctx_t  *skip = data;

    if (skip->cf) {
        ngx_conf_log_error(NGX_LOG_WARN, skip->cf, 0,
                           "key set \"%V\": key %ui \"%V\" left out: %s",
                           skip->name, n, kid, reason);
        return;
    }

    ngx_log_error(NGX_LOG_WARN, skip->log, 0,
                  "apigw: key set of authorizer \"%V\": key %ui \"%V\" "
                  "left out: %s", skip->name, n, kid, reason);
}


ngx_http_apigw_jwks_source_t *
ngx_http_apigw_jwks_url(ngx_conf_t *cf, ngx_str_t *name, ngx_str_t *url,
    ngx_str_t *ca, time_t refresh, time_t refetch)
{
    u_char                        *q;
    ngx_str_t                      target;
    ngx_url_t                      u;
    ngx_uint_t                     tls;
    ngx_http_apigw_jwks_source_t  *src;

    if (url->len > 8 && ngx_strncasecmp(url->data, (u_char *) "https://", 8)
                        == 0)
    {
        tls = 1;

    } else if (url->len > 7
               && ngx_strncasecmp(url->data, (u_char *) "http://", 7) == 0)
    {
        tls = 0;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid key set URL \"%V\": http:// or https:// "
                           "expected", url);
        return NULL;
    }

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url.data = url->data + (tls ? 8 : 7);
    u.url.len = url->len - (tls ? 8 : 7);
    u.default_port = tls ? 443 : 80;
    u.uri_part = 1;
    u.no_resolve = 1;

    if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.host.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid key set URL \"%V\": %s", url,
                           u.err ? u.err : "no host");
        return NULL;
    }

    src = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_jwks_source_t));
    if (src == NULL) {
        return NULL;
    }

    src->name = *name;
    src->url = *url;
    src->refresh = refresh;
    src->refetch = refetch;

    ngx_queue_init(&src->waiters);

    /* scheme://host:port for proxy_pass; the path goes as the URI */

    target.data = url->data;
    target.len = u.uri.len ? (size_t) (u.uri.data - url->data) : url->len;

    if (u.uri.len == 0) {
        ngx_str_set(&src->uri, "/");

    } else {
        q = ngx_strlchr(u.uri.data, u.uri.data + u.uri.len, '?');

        src->uri.data = u.uri.data;
        src->uri.len = q ? (size_t) (q - u.uri.data) : u.uri.len;

        if (q) {
            src->args.data = q + 1;
            src->args.len = u.uri.data + u.uri.len - q - 1;
        }

        if (src->uri.len == 0 || src->uri.data[0] != '/') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid key set URL \"%V\"", url);
            return NULL;
        }
    }

    if (ngx_http_apigw_jwks_location(cf, src, &target, tls, ca)
        != NGX_CONF_OK)
    {
        return NULL;
    }

    /* sets verified against other CAs are other sets */

    src->id.len = url->len + 1 + ca->len;
    src->id.data = ngx_pnalloc(cf->pool, src->id.len);
    if (src->id.data == NULL) {
        return NULL;
    }

    ngx_sprintf(src->id.data, "%V %V", url, ca);

    if (ngx_http_apigw_jwks_zone(cf, src) != NGX_OK) {
        return NULL;
    }

    return src;
}


/* one zone for the sets of every URL, made by the first that needs it */

static ngx_int_t
ngx_http_apigw_jwks_zone(ngx_conf_t *cf, ngx_http_apigw_jwks_source_t *src)
{
    ngx_str_t                     name;
    ngx_http_apigw_jwks_shctx_t  *ctx;

    ngx_str_set(&name, "apigw_jwks");

    src->zone = ngx_shared_memory_add(cf, &name, NGX_HTTP_APIGW_JWKS_ZONE,
                                      &ngx_http_apigw_module);
    if (src->zone == NULL) {
        return NGX_ERROR;
    }

    if (src->zone->data == NULL) {
        ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_jwks_shctx_t));
        if (ctx == NULL) {
            return NGX_ERROR;
        }

        src->zone->init = ngx_http_apigw_jwks_init_zone;
        src->zone->data = ctx;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_jwks_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_apigw_jwks_shctx_t  *octx = data;

    ngx_http_apigw_jwks_shctx_t  *ctx;

    ctx = shm_zone->data;

    if (octx) {
        /* a reload: the sets stay */
        ctx->sh = octx->sh;
        ctx->shpool = octx->shpool;
        return NGX_OK;
    }

    ctx->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        ctx->sh = ctx->shpool->data;
        return NGX_OK;
    }

    ctx->sh = ngx_slab_alloc(ctx->shpool, sizeof(ngx_http_apigw_jwks_sh_t));
    if (ctx->sh == NULL) {
        return NGX_ERROR;
    }

    ngx_queue_init(&ctx->sh->records);
    ctx->sh->full = 0;

    ctx->shpool->data = ctx->sh;

    ctx->shpool->log_ctx = ngx_slab_alloc(ctx->shpool,
                                          sizeof(" in apigw_jwks zone"));
    if (ctx->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(ctx->shpool->log_ctx, " in apigw_jwks zone%Z");

    return NGX_OK;
}


/*
 * A location of the fetch's own, as if it were written
 *
 *     location {
 *         proxy_pass scheme://host:port;
 *         proxy_pass_request_headers off;  # never the client's token
 *         ...
 *     }
 *
 * with every other setting at its default: it belongs to no server and
 * no URI reaches it; subrequests are pointed at it.
 */

static char *
ngx_http_apigw_jwks_location(ngx_conf_t *cf,
    ngx_http_apigw_jwks_source_t *src, ngx_str_t *target, ngx_uint_t tls,
    ngx_str_t *ca)
{
    char                      *rv;
    void                     **parent, *mconf;
    ngx_str_t                  args[2], file;
    ngx_uint_t                 i, n;
    ngx_conf_t                 save;
    ngx_http_module_t         *module;
    ngx_http_conf_ctx_t       *ctx, *pctx;
    ngx_http_core_loc_conf_t  *clcf;

    static ngx_keyval_t  ngx_http_apigw_jwks_settings[] = {
        { ngx_string("proxy_pass_request_headers"), ngx_string("off") },
        { ngx_string("proxy_pass_request_body"), ngx_string("off") },
        { ngx_string("proxy_connect_timeout"), ngx_string("5s") },
        { ngx_string("proxy_send_timeout"), ngx_string("10s") },
        { ngx_string("proxy_read_timeout"), ngx_string("10s") },
        { ngx_null_string, ngx_null_string }
    };

    static ngx_keyval_t  ngx_http_apigw_jwks_tls_settings[] = {
        { ngx_string("proxy_ssl_verify"), ngx_string("on") },
        { ngx_string("proxy_ssl_verify_depth"), ngx_string("5") },
        { ngx_string("proxy_ssl_server_name"), ngx_string("on") },

        /*
         * sessions are kept per upstream server, which locations with
         * the same proxy_pass share: no resumption of a session another
         * location verified against other CAs
         */
        { ngx_string("proxy_ssl_session_reuse"), ngx_string("off") },
        { ngx_null_string, ngx_null_string }
    };

    ngx_keyval_t  *kv;

    pctx = cf->ctx;

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_conf_ctx_t));
    if (ctx == NULL) {
        return NGX_CONF_ERROR;
    }

    ctx->main_conf = pctx->main_conf;
    ctx->srv_conf = pctx->srv_conf;

    ctx->loc_conf = ngx_pcalloc(cf->pool, sizeof(void *) * ngx_http_max_module);
    parent = ngx_pcalloc(cf->pool, sizeof(void *) * ngx_http_max_module);

    if (ctx->loc_conf == NULL || parent == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; cf->cycle->modules[i]; i++) {
        if (cf->cycle->modules[i]->type != NGX_HTTP_MODULE) {
            continue;
        }

        module = cf->cycle->modules[i]->ctx;
        n = cf->cycle->modules[i]->ctx_index;

        if (module->create_loc_conf) {
            mconf = module->create_loc_conf(cf);
            if (mconf == NULL) {
                return NGX_CONF_ERROR;
            }

            ctx->loc_conf[n] = mconf;

            mconf = module->create_loc_conf(cf);
            if (mconf == NULL) {
                return NGX_CONF_ERROR;
            }

            parent[n] = mconf;
        }
    }

    clcf = ctx->loc_conf[ngx_http_core_module.ctx_index];
    clcf->loc_conf = ctx->loc_conf;
    clcf->noname = 1;

    src->loc_conf = ctx->loc_conf;

    save = *cf;
    cf->ctx = ctx;
    cf->cmd_type = NGX_HTTP_LOC_CONF;

    args[0] = *target;

    rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module, ctx->loc_conf,
                                 "proxy_pass", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    for (kv = ngx_http_apigw_jwks_settings; kv->key.len; kv++) {
        rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module,
                                     ctx->loc_conf, (char *) kv->key.data,
                                     &kv->value, 1, 0);
        if (rv != NGX_CONF_OK) {
            goto done;
        }
    }

    ngx_str_set(&args[0], "Accept");
    ngx_str_set(&args[1], "application/json");

    rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module, ctx->loc_conf,
                                 "proxy_set_header", args, 2, 0);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    if (tls) {
        for (kv = ngx_http_apigw_jwks_tls_settings; kv->key.len; kv++) {
            rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module,
                                         ctx->loc_conf, (char *) kv->key.data,
                                         &kv->value, 1, 0);
            if (rv != NGX_CONF_OK) {
                goto done;
            }
        }

        if (ca->len) {
            file = *ca;

        } else {
            ngx_str_set(&file, NGX_HTTP_APIGW_JWKS_CA);
        }

        rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module,
                                     ctx->loc_conf,
                                     "proxy_ssl_trusted_certificate", &file,
                                     1, 0);
        if (rv != NGX_CONF_OK) {
            goto done;
        }
    }

    /* subrequests are not logged: no default access log to open */

    ngx_str_set(&args[0], "off");

    rv = ngx_http_apigw_conf_set(cf, &ngx_http_log_module, ctx->loc_conf,
                                 "access_log", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    /* the whole set is held in memory */

    args[0].data = (u_char *) "256k";
    args[0].len = 4;

    rv = ngx_http_apigw_conf_set(cf, &ngx_http_core_module, ctx->loc_conf,
                                 "subrequest_output_buffer_size", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    src->handler = clcf->handler;

    if (src->handler == NULL) {
        rv = "has no proxy handler";
        goto done;
    }

    /* merged with defaults: nothing else applies to it */

    for (i = 0; cf->cycle->modules[i]; i++) {
        if (cf->cycle->modules[i]->type != NGX_HTTP_MODULE
            || cf->cycle->modules[i] == &ngx_http_apigw_module)
        {
            continue;
        }

        module = cf->cycle->modules[i]->ctx;
        n = cf->cycle->modules[i]->ctx_index;

        if (module->merge_loc_conf) {
            rv = module->merge_loc_conf(cf, parent[n], ctx->loc_conf[n]);
            if (rv != NGX_CONF_OK) {
                goto done;
            }
        }
    }

done:

    *cf = save;

    return rv;
}


ngx_int_t
ngx_http_apigw_jwks_key(ngx_http_request_t *r,
    ngx_http_apigw_jwks_source_t *src, ngx_str_t *kid,
    ngx_http_apigw_jwk_t **key, ngx_http_apigw_jwks_wait_t **wait)
{
    time_t                       now, last;
    ngx_http_apigw_jwks_wait_t  *w;

    *key = NULL;
    w = *wait;

    if (w && w->event.posted) {
        /* here again before its wake-up event: that is not needed now */
        ngx_delete_posted_event(&w->event);
    }

    if (src->sr) {
        if (src->owner == r) {
            /* resumed by its own subrequest when that is done */
            return NGX_AGAIN;
        }

        return ngx_http_apigw_jwks_wait(r, src, wait);
    }

    now = ngx_time();

    if (src->loaded) {
        *key = ngx_http_apigw_jwks_find(src->set, kid);

        if (*key && now - src->loaded < src->refresh) {
            return NGX_OK;
        }
    }

    /* before any fetch: a newer set another worker has, its last fetch */

    ngx_http_apigw_jwks_sync(src, r->connection->log);

    if (src->loaded) {
        *key = ngx_http_apigw_jwks_find(src->set, kid);

        if (*key && now - src->loaded < src->refresh) {
            return NGX_OK;
        }

        /*
         * a stale set is refreshed; an unknown kid may fetch it again:
         * not long after any worker's fetch
         */

        last = ngx_max(src->attempted, src->fetched);

        if ((w && w->fetched)
            || now - last < (*key ? NGX_HTTP_APIGW_JWKS_RETRY
                                  : src->refetch))
        {
            return *key ? NGX_OK : NGX_DECLINED;
        }

    } else if ((w && w->fetched)
               || (src->attempted
                   && now - src->attempted < NGX_HTTP_APIGW_JWKS_RETRY))
    {
        return NGX_ERROR;
    }

    if (w == NULL) {
        w = ngx_pcalloc(r->pool, sizeof(ngx_http_apigw_jwks_wait_t));
        if (w == NULL) {
            return NGX_ERROR;
        }

        *wait = w;
    }

    if (ngx_http_apigw_jwks_fetch(r, src, w) != NGX_OK) {
        return *key ? NGX_OK : NGX_ERROR;
    }

    *key = NULL;

    return NGX_AGAIN;
}


/* another request fetches the set: wait for it in the queue */

static ngx_int_t
ngx_http_apigw_jwks_wait(ngx_http_request_t *r,
    ngx_http_apigw_jwks_source_t *src, ngx_http_apigw_jwks_wait_t **wait)
{
    ngx_pool_cleanup_t          *cln;
    ngx_http_apigw_jwks_wait_t  *w;

    w = *wait;

    if (w == NULL) {
        w = ngx_pcalloc(r->pool, sizeof(ngx_http_apigw_jwks_wait_t));
        if (w == NULL) {
            return NGX_ERROR;
        }

        *wait = w;
    }

    if (w->request == NULL) {
        cln = ngx_pool_cleanup_add(r->pool, 0);
        if (cln == NULL) {
            return NGX_ERROR;
        }

        cln->handler = ngx_http_apigw_jwks_wait_cleanup;
        cln->data = w;

        w->request = r;
        w->src = src;
        w->event.handler = ngx_http_apigw_jwks_wake;
        w->event.data = w;
        w->event.log = r->connection->log;
    }

    if (!w->queued) {
        ngx_queue_insert_tail(&src->waiters, &w->queue);
        w->queued = 1;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw jwks: waiting for the key set of \"%V\"",
                   &src->name);

    return NGX_AGAIN;
}


static ngx_int_t
ngx_http_apigw_jwks_fetch(ngx_http_request_t *r,
    ngx_http_apigw_jwks_source_t *src, ngx_http_apigw_jwks_wait_t *w)
{
    ngx_pool_cleanup_t           *cln;
    ngx_http_request_t           *sr;
    ngx_http_post_subrequest_t   *ps;

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_apigw_jwks_done;
    ps->data = src;

    if (w->request == NULL) {
        cln = ngx_pool_cleanup_add(r->pool, 0);
        if (cln == NULL) {
            return NGX_ERROR;
        }

        cln->handler = ngx_http_apigw_jwks_wait_cleanup;
        cln->data = w;

        w->request = r;
        w->src = src;
        w->event.handler = ngx_http_apigw_jwks_wake;
        w->event.data = w;
        w->event.log = r->connection->log;
    }

    if (ngx_http_subrequest(r, &src->uri, src->args.len ? &src->args : NULL,
                            &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_WAITED)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the subrequest runs in the fetch location, not the URI's */

    sr->write_event_handler = ngx_http_apigw_jwks_run;

    src->owner = r;
    src->sr = sr;
    src->attempted = ngx_time();

    ngx_http_apigw_jwks_attempt(src, r->connection->log);

    w->fetched = 1;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "apigw: fetching the key set of authorizer \"%V\" "
                  "from \"%V\"", &src->name, &src->url);

    return NGX_OK;
}


static void
ngx_http_apigw_jwks_run(ngx_http_request_t *sr)
{
    ngx_http_apigw_jwks_source_t  *src;

    src = sr->post_subrequest->data;

    sr->loc_conf = src->loc_conf;
    ngx_http_update_location_config(sr);

    sr->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_finalize_request(sr, src->handler(sr));
}


static ngx_int_t
ngx_http_apigw_jwks_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_http_apigw_jwks_source_t *src = data;

    ngx_str_t    body;
    ngx_buf_t   *b;
    ngx_uint_t   failed;

    failed = (rc != NGX_OK);

    /*
     * the fetch's failure (say, a set over 256 KB) is the authorizer's,
     * answered to the request as such, not an end of the connection
     */

    if (rc == NGX_ERROR && !sr->connection->error) {
        rc = NGX_OK;
    }

    if (src->sr != sr) {
        /* called again for the same subrequest */
        return rc;
    }

    src->sr = NULL;
    src->owner = NULL;

    b = sr->out ? sr->out->buf : NULL;

    if (!failed && sr->headers_out.status == NGX_HTTP_OK && b) {
        body.data = b->pos;
        body.len = b->last - b->pos;

        if (ngx_http_apigw_jwks_load(src, &body, ngx_time(),
                                     sr->connection->log)
            == NGX_OK)
        {
            ngx_http_apigw_jwks_share(src, &body, sr->connection->log);
        }

    } else {
        ngx_log_error(NGX_LOG_ERR, sr->connection->log, 0,
                      "apigw: fetching the key set of authorizer \"%V\" "
                      "from \"%V\" failed: status %ui", &src->name,
                      &src->url, sr->headers_out.status);
    }

    ngx_http_apigw_jwks_wake_all(src);

    return rc;
}


static ngx_int_t
ngx_http_apigw_jwks_load(ngx_http_apigw_jwks_source_t *src, ngx_str_t *text,
    time_t loaded, ngx_log_t *log)
{
    ngx_int_t                        rc;
    ngx_pool_t                      *pool;
    const char                      *err;
    ngx_pool_cleanup_t              *cln;
    ngx_http_apigw_jwks_t           *set;
    ngx_http_apigw_alloc_t           a;
    ngx_http_apigw_jwks_skip_ctx_t   skip;

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return NGX_ERROR;
    }

    set = ngx_pcalloc(pool, sizeof(ngx_http_apigw_jwks_t));
    cln = ngx_pool_cleanup_add(pool, 0);

    if (set == NULL || cln == NULL) {
        ngx_destroy_pool(pool);
        return NGX_ERROR;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = pool;

    skip.log = log;
    skip.cf = NULL;
    skip.name = &src->name;

    err = NULL;

    rc = ngx_http_apigw_jwks_parse(&a, text->data, text->len, set,
                                   ngx_http_apigw_jwks_skip, &skip, &err);

    if (rc != NGX_OK || set->nkeys == 0) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "apigw: the key set of authorizer \"%V\" from \"%V\" "
                      "is invalid: %s", &src->name, &src->url,
                      rc != NGX_OK ? err : "no key to verify signatures with");
        ngx_http_apigw_jwks_free(set);
        ngx_destroy_pool(pool);
        return NGX_ERROR;
    }

    cln->handler = ngx_http_apigw_jwks_set_cleanup;
    cln->data = set;

    if (src->pool) {
        ngx_destroy_pool(src->pool);
    }

    src->pool = pool;
    src->set = set;
    src->loaded = loaded;
    src->generation++;

    ngx_log_error(NGX_LOG_INFO, log, 0,
                  "apigw: the key set of authorizer \"%V\" has %ui keys",
                  &src->name, set->nkeys);

    return NGX_OK;
}


/* the zone's record of the URL (the zone's mutex held) */

static ngx_http_apigw_jwks_record_t *
ngx_http_apigw_jwks_record(ngx_http_apigw_jwks_source_t *src, ngx_log_t *log)
{
    ngx_queue_t                   *q;
    ngx_http_apigw_jwks_shctx_t   *ctx;
    ngx_http_apigw_jwks_record_t  *rec;

    if (src->record) {
        return src->record;
    }

    ctx = src->zone->data;

    for (q = ngx_queue_head(&ctx->sh->records);
         q != ngx_queue_sentinel(&ctx->sh->records);
         q = ngx_queue_next(q))
    {
        rec = ngx_queue_data(q, ngx_http_apigw_jwks_record_t, queue);

        if (rec->url_len == src->id.len
            && ngx_memcmp(rec->url, src->id.data, src->id.len) == 0)
        {
            src->record = rec;
            return rec;
        }
    }

    rec = ngx_slab_alloc_locked(ctx->shpool,
                                sizeof(ngx_http_apigw_jwks_record_t)
                                + src->id.len);
    if (rec == NULL) {
        if (!ctx->sh->full) {
            ctx->sh->full = 1;
            ngx_log_error(NGX_LOG_ALERT, log, 0,
                          "apigw: the apigw_jwks zone is full: key sets are "
                          "not shared between workers");
        }

        return NULL;
    }

    ngx_memzero(rec, sizeof(ngx_http_apigw_jwks_record_t));

    rec->url = (u_char *) rec + sizeof(ngx_http_apigw_jwks_record_t);
    rec->url_len = src->id.len;
    ngx_memcpy(rec->url, src->id.data, src->id.len);

    ngx_queue_insert_tail(&ctx->sh->records, &rec->queue);

    src->record = rec;

    return rec;
}


/* a set another worker fetched since, and the time of the last fetch */

static void
ngx_http_apigw_jwks_sync(ngx_http_apigw_jwks_source_t *src, ngx_log_t *log)
{
    time_t                         loaded;
    ngx_str_t                      text;
    ngx_uint_t                     generation;
    ngx_http_apigw_jwks_shctx_t   *ctx;
    ngx_http_apigw_jwks_record_t  *rec;

    ctx = src->zone->data;
    text.data = NULL;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    rec = ngx_http_apigw_jwks_record(src, log);

    if (rec == NULL) {
        ngx_shmtx_unlock(&ctx->shpool->mutex);
        return;
    }

    src->fetched = rec->attempted;

    generation = rec->generation;
    loaded = rec->loaded;

    if (rec->text && generation != src->shared) {
        text.len = rec->len;
        text.data = ngx_alloc(rec->len, log);

        if (text.data) {
            ngx_memcpy(text.data, rec->text, rec->len);
        }
    }

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    if (text.data == NULL) {
        return;
    }

    /* parsed out of the lock */

    if (ngx_http_apigw_jwks_load(src, &text, loaded, log) == NGX_OK) {
        src->shared = generation;

        ngx_log_error(NGX_LOG_INFO, log, 0,
                      "apigw: the key set of authorizer \"%V\" from \"%V\" "
                      "fetched by another worker", &src->name, &src->url);
    }

    ngx_free(text.data);
}


/* a fetch starts: the limits count it for every worker */

static void
ngx_http_apigw_jwks_attempt(ngx_http_apigw_jwks_source_t *src,
    ngx_log_t *log)
{
    ngx_http_apigw_jwks_shctx_t   *ctx;
    ngx_http_apigw_jwks_record_t  *rec;

    ctx = src->zone->data;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    rec = ngx_http_apigw_jwks_record(src, log);

    if (rec && rec->attempted < src->attempted) {
        rec->attempted = src->attempted;
    }

    src->fetched = src->attempted;

    ngx_shmtx_unlock(&ctx->shpool->mutex);
}


/* a set fetched: for the other workers too */

static void
ngx_http_apigw_jwks_share(ngx_http_apigw_jwks_source_t *src,
    ngx_str_t *text, ngx_log_t *log)
{
    u_char                        *p;
    ngx_http_apigw_jwks_shctx_t   *ctx;
    ngx_http_apigw_jwks_record_t  *rec;

    ctx = src->zone->data;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    rec = ngx_http_apigw_jwks_record(src, log);

    if (rec == NULL) {
        goto done;
    }

    p = ngx_slab_alloc_locked(ctx->shpool, text->len);

    if (p == NULL) {
        if (!ctx->sh->full) {
            ctx->sh->full = 1;
            ngx_log_error(NGX_LOG_ALERT, log, 0,
                          "apigw: the apigw_jwks zone is full: key sets are "
                          "not shared between workers");
        }

        goto done;
    }

    if (rec->text) {
        ngx_slab_free_locked(ctx->shpool, rec->text);
    }

    ngx_memcpy(p, text->data, text->len);

    rec->text = p;
    rec->len = text->len;
    rec->loaded = src->loaded;
    rec->generation++;

    src->shared = rec->generation;

done:

    ngx_shmtx_unlock(&ctx->shpool->mutex);
}


static void
ngx_http_apigw_jwks_wake_all(ngx_http_apigw_jwks_source_t *src)
{
    ngx_queue_t                 *q;
    ngx_http_apigw_jwks_wait_t  *w;

    while (!ngx_queue_empty(&src->waiters)) {
        q = ngx_queue_head(&src->waiters);
        ngx_queue_remove(q);

        w = ngx_queue_data(q, ngx_http_apigw_jwks_wait_t, queue);
        w->queued = 0;
        w->fetched = 1;

        ngx_post_event(&w->event, &ngx_posted_events);
    }
}


/* a waiting request's access phase runs again */

static void
ngx_http_apigw_jwks_wake(ngx_event_t *ev)
{
    ngx_connection_t            *c;
    ngx_http_request_t          *r;
    ngx_http_apigw_jwks_wait_t  *w;

    w = ev->data;
    r = w->request;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "apigw jwks: resuming \"%V\"", &r->uri);

    /* the phases, unless the request has gone past them meanwhile */

    r->write_event_handler(r);
    ngx_http_run_posted_requests(c);
}


static void
ngx_http_apigw_jwks_wait_cleanup(void *data)
{
    ngx_http_apigw_jwks_wait_t *w = data;

    ngx_http_apigw_jwks_source_t  *src;

    src = w->src;

    if (w->queued) {
        ngx_queue_remove(&w->queue);
        w->queued = 0;
    }

    if (w->event.posted) {
        ngx_delete_posted_event(&w->event);
    }

    if (src->owner == w->request) {
        /* the fetch went with its request: whoever waits tries again */

        src->owner = NULL;
        src->sr = NULL;

        ngx_http_apigw_jwks_wake_all(src);
    }
}


ngx_uint_t
ngx_http_apigw_jwks_generation(ngx_http_apigw_jwks_source_t *src)
{
    return src->generation;
}


static void
ngx_http_apigw_jwks_set_cleanup(void *data)
{
    ngx_http_apigw_jwks_t *set = data;

    ngx_http_apigw_jwks_free(set);
}
