
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Routing: the stage from the first path segment (server rewrite phase),
 * the resource from the location and its path template, and the method
 * block (rewrite phase); everything else is an unknown resource.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_authorizer.h"

#include <openssl/rand.h>


static ngx_int_t ngx_http_apigw_request_ids(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
static ngx_int_t ngx_http_apigw_param_name_valid(ngx_str_t *name);


static ngx_str_t  ngx_http_apigw_root_uri = ngx_string("/");

/*
 * Request ids come from a per-process xoshiro256** generator seeded from
 * OpenSSL in each worker: RAND_bytes() for every request cost a sixth of
 * a MOCK request's time.  Ids are unique, not secret.
 */
static uint64_t   ngx_http_apigw_rng[4];


ngx_int_t
ngx_http_apigw_random_init(ngx_cycle_t *cycle)
{
    if (RAND_bytes((u_char *) ngx_http_apigw_rng, sizeof(ngx_http_apigw_rng))
        != 1)
    {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "apigw: RAND_bytes() failed");
        return NGX_ERROR;
    }

    return NGX_OK;
}


static uint64_t
ngx_http_apigw_random64(void)
{
    uint64_t   r, t, *s;

    s = ngx_http_apigw_rng;

    r = s[1] * 5;
    r = ((r << 7) | (r >> 57)) * 9;
    t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);

    return r;
}


ngx_http_apigw_ctx_t *
ngx_http_apigw_get_ctx(ngx_http_request_t *r)
{
    if (r != r->main) {
        return NULL;
    }

    return ngx_http_get_module_ctx(r, ngx_http_apigw_module);
}


ngx_int_t
ngx_http_apigw_stage_handler(ngx_http_request_t *r)
{
    u_char                     *p, *last;
    ngx_str_t                   name;
    ngx_uint_t                  i;
    ngx_http_apigw_ctx_t       *ctx;
    ngx_http_apigw_stage_t     *stage;
    ngx_http_apigw_srv_conf_t  *ascf;

    ascf = ngx_http_get_module_srv_conf(r, ngx_http_apigw_module);

    if (ascf->name.len == 0 || r != r->main || r->internal) {
        return NGX_DECLINED;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw stage handler: \"%V\"", &r->uri);

    ctx = ngx_http_get_module_ctx(r, ngx_http_apigw_module);
    if (ctx) {
        return NGX_DECLINED;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_apigw_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_set_ctx(r, ctx, ngx_http_apigw_module);

    if (ngx_http_apigw_request_ids(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* $context.path: the path of the request line, still encoded */

    ctx->path = r->unparsed_uri;

    p = ngx_strlchr(ctx->path.data, ctx->path.data + ctx->path.len, '?');
    if (p) {
        ctx->path.len = p - ctx->path.data;
    }

    if (ctx->path.len == 0 || ctx->path.data[0] != '/') {
        ctx->path = r->uri;
    }

    ctx->raw_uri = ctx->path;

    if (ascf->stages == NULL) {
        /* no stages: the API is served from the root, as "$default" */
        return NGX_DECLINED;
    }

    p = r->uri.data + 1;
    last = r->uri.data + r->uri.len;

    name.data = p;

    while (p < last && *p != '/') {
        p++;
    }

    name.len = p - name.data;

    stage = ascf->stages->elts;

    for (i = 0; i < ascf->stages->nelts; i++) {
        if (stage[i].name.len == name.len
            && ngx_strncmp(stage[i].name.data, name.data, name.len) == 0)
        {
            break;
        }
    }

    /* the stage is a raw path segment: "/dev%2Fpets" names no stage */

    if (i < ascf->stages->nelts
        && (r->unparsed_uri.len < name.len + 1
            || r->unparsed_uri.data[0] != '/'
            || ngx_strncmp(r->unparsed_uri.data + 1, name.data, name.len) != 0
            || (r->unparsed_uri.len > name.len + 1
                && r->unparsed_uri.data[name.len + 1] != '/'
                && r->unparsed_uri.data[name.len + 1] != '?')))
    {
        i = ascf->stages->nelts;
    }

    if (name.len == 0 || i == ascf->stages->nelts) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: unknown stage \"%V\"", &name);

        return ngx_http_apigw_send_error(r, ctx,
                                         NGX_HTTP_APIGW_GR_UNKNOWN_STAGE);
    }

    ctx->stage = &stage[i];

    if (p == last) {
        r->uri = ngx_http_apigw_root_uri;

    } else {
        r->uri.len = last - p;
        r->uri.data = p;
    }

    /* the raw path lost the same "/stage" (checked above) */

    ctx->raw_uri.data = ctx->path.data + 1 + name.len;
    ctx->raw_uri.len = ctx->path.len - 1 - name.len;

    if (ctx->raw_uri.len == 0) {
        ctx->raw_uri = ngx_http_apigw_root_uri;
    }

    r->valid_unparsed_uri = 0;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw stage \"%V\", uri \"%V\"", &name, &r->uri);

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_apigw_request_ids(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx)
{
    u_char      rnd[32], *p;
    uint64_t    v;
    ngx_str_t   src, dst;
    ngx_uint_t  i;

    for (i = 0; i < sizeof(rnd); i += sizeof(uint64_t)) {
        v = ngx_http_apigw_random64();
        ngx_memcpy(rnd + i, &v, sizeof(uint64_t));
    }

    /* a version 4 UUID */

    rnd[6] = (rnd[6] & 0x0f) | 0x40;
    rnd[8] = (rnd[8] & 0x3f) | 0x80;

    p = ctx->request_id;
    p = ngx_hex_dump(p, rnd, 4);
    *p++ = '-';
    p = ngx_hex_dump(p, rnd + 4, 2);
    *p++ = '-';
    p = ngx_hex_dump(p, rnd + 6, 2);
    *p++ = '-';
    p = ngx_hex_dump(p, rnd + 8, 2);
    *p++ = '-';
    (void) ngx_hex_dump(p, rnd + 10, 6);

    /* the extended id looks like AWS's: 15 base64url characters and "=" */

    src.data = rnd + 16;
    src.len = 11;
    dst.data = ctx->ext_request_id;

    ngx_encode_base64url(&dst, &src);

    ctx->ext_request_id[NGX_HTTP_APIGW_EXT_REQUEST_ID_LEN - 1] = '=';

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_route_handler(ngx_http_request_t *r)
{
    ngx_uint_t                  i;
    ngx_http_apigw_ctx_t       *ctx;
    ngx_http_apigw_method_t    *m, *any;
    ngx_http_apigw_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);

    if (alcf->resource == NULL || alcf->method) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_apigw_get_ctx(r);
    if (ctx == NULL) {
        return NGX_DECLINED;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw route handler: \"%V\" \"%V\"",
                   &alcf->resource->path, &r->uri);

    if (ctx->params == NULL && alcf->resource->nparams) {
        ctx->params = ngx_pcalloc(r->pool,
                              alcf->resource->nparams * sizeof(ngx_keyval_t));
        if (ctx->params == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    /*
     * as on AWS, parameters keep their percent-encoding: match the raw
     * path; nginx's normalised URI decides when the raw one cannot
     * ("//", dot segments)
     */

    ctx->raw_params = (ngx_http_apigw_resource_match(r, alcf->resource,
                                                     &ctx->raw_uri,
                                                     ctx->params)
                       == NGX_OK);

    if (!ctx->raw_params
        && ngx_http_apigw_resource_match(r, alcf->resource, &r->uri,
                                         ctx->params)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: no resource for \"%V\"", &r->uri);

        return ngx_http_apigw_iam_missing(r, ctx);
    }

    ctx->resource = alcf->resource;

    any = NULL;
    m = NULL;

    if (alcf->methods) {
        m = alcf->methods->elts;

        for (i = 0; i < alcf->methods->nelts; i++) {
            if (m[i].name.len == r->method_name.len
                && ngx_strncmp(m[i].name.data, r->method_name.data,
                               r->method_name.len) == 0)
            {
                break;
            }

            if (m[i].name.len == 3
                && ngx_strncmp(m[i].name.data, "ANY", 3) == 0)
            {
                any = &m[i];
            }
        }

        m = (i < alcf->methods->nelts) ? &m[i] : any;
    }

    /* CORS answers preflights unless the resource has its own OPTIONS */

    if (r->method == NGX_HTTP_OPTIONS && (m == NULL || m == any)
        && alcf->cors && alcf->cors->enabled)
    {
        return ngx_http_apigw_cors_preflight(r, ctx, alcf);
    }

    if (m == NULL) {

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: no method \"%V\" for resource \"%V\"",
                      &r->method_name, &alcf->resource->path);

        return ngx_http_apigw_iam_missing(r, ctx);
    }

    r->loc_conf = m->loc_conf;
    ngx_http_update_location_config(r);

    ctx->method = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);
    ctx->routed = 1;

    return NGX_DECLINED;
}


ngx_int_t
ngx_http_apigw_catch_all_handler(ngx_http_request_t *r)
{
    ngx_http_apigw_ctx_t  *ctx;

    ctx = ngx_http_apigw_get_ctx(r);

    if (ctx == NULL || ctx->routed || r->content_handler) {
        return NGX_DECLINED;
    }

    /* a location of the API with neither a resource nor a handler */

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "apigw: no resource for \"%V\"", &r->uri);

    return ngx_http_apigw_iam_missing(r, ctx);
}


char *
ngx_http_apigw_resource_compile(ngx_conf_t *cf, ngx_http_apigw_resource_t *res,
    ngx_str_t *path)
{
    u_char                    *p, *last, *start;
    ngx_str_t                  name;
    ngx_uint_t                 i;
    ngx_http_apigw_segment_t  *seg, *s;

    res->path = *path;
    res->file = cf->conf_file->file.name.data;
    res->line = cf->conf_file->line;

    res->id.data = ngx_pnalloc(cf->pool, 6);
    if (res->id.data == NULL) {
        return NGX_CONF_ERROR;
    }

    res->id.len = 6;
    ngx_http_apigw_make_id(path, res->id.data, 6);

    if (ngx_array_init(&res->segments, cf->pool, 4,
                       sizeof(ngx_http_apigw_segment_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (path->len == 0 || path->data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid resource path \"%V\": must start "
                           "with \"/\"", path);
        return NGX_CONF_ERROR;
    }

    p = path->data + 1;
    last = path->data + path->len;

    while (p < last) {
        start = p;

        while (p < last && *p != '/') {
            p++;
        }

        if (p == start || (p + 1 == last && *p == '/')) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid resource path \"%V\": empty "
                               "path part", path);
            return NGX_CONF_ERROR;
        }

        seg = ngx_array_push(&res->segments);
        if (seg == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(seg, sizeof(ngx_http_apigw_segment_t));

        seg->text.data = start;
        seg->text.len = p - start;

        if (*start == '{') {

            if (p[-1] != '}' || seg->text.len < 3
                || ngx_strlchr(start + 1, p - 1, '{') != NULL
                || ngx_strlchr(start + 1, p - 1, '}') != NULL)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid resource path \"%V\": "
                                   "unbalanced braces in \"%V\"",
                                   path, &seg->text);
                return NGX_CONF_ERROR;
            }

            name.data = start + 1;
            name.len = seg->text.len - 2;

            if (name.data[name.len - 1] == '+') {
                name.len--;
                seg->greedy = 1;

                if (p != last) {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid resource path \"%V\": the "
                                       "greedy parameter \"%V\" must be "
                                       "the last path part", path,
                                       &seg->text);
                    return NGX_CONF_ERROR;
                }
            }

            if (ngx_http_apigw_param_name_valid(&name) != NGX_OK) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid resource path \"%V\": invalid "
                                   "parameter name in \"%V\"",
                                   path, &seg->text);
                return NGX_CONF_ERROR;
            }

            s = res->segments.elts;

            for (i = 0; i < res->segments.nelts - 1; i++) {
                if (s[i].param && s[i].text.len == name.len
                    && ngx_strncmp(s[i].text.data, name.data, name.len) == 0)
                {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid resource path \"%V\": "
                                       "duplicate parameter \"%V\"",
                                       path, &name);
                    return NGX_CONF_ERROR;
                }
            }

            seg->param = 1;
            seg->text = name;
            res->nparams++;

        } else {
            for (i = 0; i < seg->text.len; i++) {
                if (seg->text.data[i] == '{' || seg->text.data[i] == '}') {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid resource path \"%V\": "
                                       "unbalanced braces in \"%V\"",
                                       path, &seg->text);
                    return NGX_CONF_ERROR;
                }

                if (seg->text.data[i] <= ' ' || seg->text.data[i] >= 0x7f
                    || seg->text.data[i] == '?' || seg->text.data[i] == '#')
                {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid resource path \"%V\": "
                                       "invalid character in \"%V\"",
                                       path, &seg->text);
                    return NGX_CONF_ERROR;
                }
            }
        }

        p++;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_apigw_param_name_valid(ngx_str_t *name)
{
    ngx_uint_t  i;

    if (name->len == 0) {
        return NGX_ERROR;
    }

    for (i = 0; i < name->len; i++) {
        if (!(isalnum(name->data[i]) || name->data[i] == '_'
              || name->data[i] == '-'))
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * Matches the stage-less URI against the template; a trailing slash is
 * ignored as on AWS.  Parameter values point into the URI (decoded).
 */

ngx_int_t
ngx_http_apigw_resource_match(ngx_http_request_t *r,
    ngx_http_apigw_resource_t *res, ngx_str_t *uri, ngx_keyval_t *params)
{
    u_char                    *p, *last, *start;
    ngx_uint_t                 i, n;
    ngx_http_apigw_segment_t  *seg;

    if (uri->len == 0 || uri->data[0] != '/') {
        return NGX_DECLINED;
    }

    p = uri->data + 1;
    last = uri->data + uri->len;

    seg = res->segments.elts;
    n = 0;

    for (i = 0; i < res->segments.nelts; i++) {

        if (p >= last) {
            return NGX_DECLINED;
        }

        start = p;

        if (seg[i].greedy) {
            p = last;

        } else {
            while (p < last && *p != '/') {
                p++;
            }
        }

        if (p == start) {
            return NGX_DECLINED;
        }

        if (seg[i].param) {
            params[n].key = seg[i].text;
            params[n].value.data = start;
            params[n].value.len = p - start;
            n++;

        } else if (seg[i].text.len != (size_t) (p - start)
                   || ngx_strncmp(seg[i].text.data, start, p - start) != 0)
        {
            return NGX_DECLINED;
        }

        if (p < last) {
            p++;   /* the slash */
        }
    }

    if (p < last) {
        return NGX_DECLINED;
    }

    /* "/pets/" for "/pets": p passed the slash; "/" for "/" is fine */

    return NGX_OK;
}


ngx_str_t *
ngx_http_apigw_stage_variable(ngx_http_apigw_ctx_t *ctx, ngx_str_t *name)
{
    ngx_uint_t     i;
    ngx_keyval_t  *kv;

    if (ctx->stage == NULL) {
        return NULL;
    }

    kv = ctx->stage->variables.elts;

    for (i = 0; i < ctx->stage->variables.nelts; i++) {
        if (kv[i].key.len == name->len
            && ngx_strncmp(kv[i].key.data, name->data, name->len) == 0)
        {
            return &kv[i].value;
        }
    }

    return NULL;
}


ngx_str_t *
ngx_http_apigw_path_param(ngx_http_apigw_ctx_t *ctx, ngx_str_t *name)
{
    ngx_uint_t  i;

    if (ctx->resource == NULL || ctx->params == NULL) {
        return NULL;
    }

    for (i = 0; i < ctx->resource->nparams; i++) {
        if (ctx->params[i].key.len == name->len
            && ngx_strncasecmp(ctx->params[i].key.data, name->data,
                               name->len) == 0)
        {
            return &ctx->params[i].value;
        }
    }

    return NULL;
}
