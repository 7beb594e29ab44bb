
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Integrations: MOCK answers from the configuration; HTTP and HTTP_PROXY
 * go through nginx's proxy module and upstream machinery, which the
 * method block configures (proxy_pass to the integration URI built per
 * request, AWS's 29 s timeout), so every proxy_* directive and
 * upstream{} block works inside a method as users expect.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_mapping.h"
#include "ngx_http_apigw_cache.h"


static ngx_int_t ngx_http_apigw_mock(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_integration_t *in);
static char *ngx_http_apigw_lambda_init(ngx_conf_t *cf,
    ngx_http_conf_ctx_t *ctx, ngx_http_apigw_integration_t *in);

#define ngx_http_apigw_proxy_set(cf, ctx, name, args, nargs, dflt)            \
    ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module, (ctx)->loc_conf,     \
                            name, args, nargs, dflt)


extern ngx_module_t  ngx_http_proxy_module;


ngx_int_t
ngx_http_apigw_content_handler(ngx_http_request_t *r)
{
    ngx_int_t                      rc;
    ngx_http_apigw_ctx_t          *ctx;
    ngx_http_apigw_loc_conf_t     *alcf;
    ngx_http_apigw_integration_t  *in;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);
    in = alcf->integration;

    ctx = ngx_http_apigw_get_ctx(r);

    if (ctx == NULL || in == NULL) {
        /* reached without the API's routing, e.g. by an internal redirect */
        return NGX_HTTP_FORBIDDEN;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw content handler, integration %ui", in->type);

    /* the stage's cache, after the access phase, before the integration */

    if (ctx->stage && ctx->stage->cache && ctx->cache == NULL) {
        rc = ngx_http_apigw_cache_handler(r, ctx, alcf);

        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    ctx->integration = 1;

    switch (in->type) {

    case NGX_HTTP_APIGW_INT_MOCK:
        if (alcf->mapping == NULL) {
            return ngx_http_apigw_mock(r, ctx, in);
        }

        break;

    case NGX_HTTP_APIGW_INT_HTTP_PROXY:
        if (alcf->mapping == NULL) {
            return in->upstream_handler(r);
        }

        break;

    case NGX_HTTP_APIGW_INT_LAMBDA:
        if (in->proxy) {
            return in->upstream_handler(r);
        }

        break;

    default: /* HTTP, AWS */
        break;
    }

    /* non-proxy integrations, and proxies with parameter mappings */

    return ngx_http_apigw_mapping_handler(r, ctx);
}


static ngx_int_t
ngx_http_apigw_mock(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_integration_t *in)
{
    ngx_int_t                 rc;
    ngx_str_t                 value;
    ngx_buf_t                *b;
    ngx_uint_t                i;
    ngx_chain_t               out;
    ngx_http_apigw_header_t  *h;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx->status = in->status;

    r->headers_out.status = in->status;
    r->headers_out.content_type = in->content_type;
    r->headers_out.content_type_len = in->content_type.len;
    r->headers_out.content_length_n = in->body.len;

    if (in->headers) {
        h = in->headers->elts;

        for (i = 0; i < in->headers->nelts; i++) {
            if (ngx_http_apigw_tpl_render(r, ctx, h[i].value, &value)
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (ngx_http_apigw_add_header(r, &h[i].name, &value) == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }
    }

    if (in->body.len == 0) {
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

    b->pos = in->body.data;
    b->last = in->body.data + in->body.len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* the URI proxy_pass uses: the integration URI, and the query for proxies */

ngx_int_t
ngx_http_apigw_integration_uri(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *uri)
{
    u_char                        *p;
    ngx_str_t                      base;
    ngx_http_apigw_integration_t  *in;

    in = ctx->method->integration;

    if (in->type == NGX_HTTP_APIGW_INT_LAMBDA) {
        return ngx_http_apigw_lambda_uri(r, ctx, uri);
    }

    if (ngx_http_apigw_tpl_render(r, ctx, in->uri, &base) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ctx->mapping) {
        return ngx_http_apigw_mapping_query(r, ctx, &base, uri);
    }

    if (in->type != NGX_HTTP_APIGW_INT_HTTP_PROXY || r->args.len == 0) {
        *uri = base;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, base.len + 1 + r->args.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    uri->data = p;

    p = ngx_cpymem(p, base.data, base.len);
    *p++ = (ngx_strlchr(base.data, base.data + base.len, '?') ? '&' : '?');
    p = ngx_cpymem(p, r->args.data, r->args.len);

    uri->len = p - uri->data;

    return NGX_OK;
}


/*
 * Called when a method block is parsed: wires the integration to its
 * transport.  Defaults are applied only where the block left them unset.
 */

char *
ngx_http_apigw_integration_init(ngx_conf_t *cf, ngx_http_conf_ctx_t *ctx,
    ngx_http_apigw_loc_conf_t *alcf)
{
    char                          *rv;
    u_char                        *p;
    ngx_str_t                      args[2];
    ngx_msec_t                     connect;
    ngx_conf_t                     save;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_apigw_integration_t  *in;

    in = alcf->integration;
    clcf = ctx->loc_conf[ngx_http_core_module.ctx_index];

    if (in->type == NGX_HTTP_APIGW_INT_MOCK) {
        clcf->handler = ngx_http_apigw_content_handler;
        return NGX_CONF_OK;
    }

    save = *cf;
    cf->ctx = ctx;

    ngx_str_set(&args[0], "$apigw_integration_uri");

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_pass", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    in->upstream_handler = clcf->handler;
    clcf->handler = ngx_http_apigw_content_handler;

    p = ngx_pnalloc(cf->pool, NGX_INT_T_LEN + sizeof("ms"));
    if (p == NULL) {
        rv = NGX_CONF_ERROR;
        goto done;
    }

    args[0].data = p;
    args[0].len = ngx_sprintf(p, "%Mms%Z", in->timeout) - p - 1;

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_read_timeout", args, 1, 1);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_send_timeout", args, 1, 1);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    /* nginx caps the connect timeout at 75 s */

    connect = ngx_min(in->timeout, 75000);

    p = ngx_pnalloc(cf->pool, NGX_INT_T_LEN + sizeof("ms"));
    if (p == NULL) {
        rv = NGX_CONF_ERROR;
        goto done;
    }

    args[0].data = p;
    args[0].len = ngx_sprintf(p, "%Mms%Z", connect) - p - 1;

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_connect_timeout", args, 1,
                                  1);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    ngx_str_set(&args[0], "1.1");

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_http_version", args, 1, 1);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    if (in->http_method.len) {
        p = ngx_pnalloc(cf->pool, in->http_method.len + 1);
        if (p == NULL) {
            rv = NGX_CONF_ERROR;
            goto done;
        }

        args[0].data = p;
        args[0].len = in->http_method.len;
        ngx_memcpy(p, in->http_method.data, in->http_method.len);
        p[in->http_method.len] = '\0';

        rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_method", args, 1, 0);
        if (rv != NGX_CONF_OK) {
            goto done;
        }
    }

    if (in->type == NGX_HTTP_APIGW_INT_LAMBDA) {
        rv = ngx_http_apigw_lambda_init(cf, ctx, in);

    } else if (in->type == NGX_HTTP_APIGW_INT_AWS) {

        /* AWS's APIs take POST unless told otherwise (method=) */

        if (in->http_method.len == 0) {
            ngx_str_set(&args[0], "POST");

            rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_method", args, 1,
                                          0);
            if (rv != NGX_CONF_OK) {
                goto done;
            }
        }

        /* keepalive to AWS's endpoints: no "Connection: close" */

        ngx_str_set(&args[0], "Connection");
        ngx_str_set(&args[1], "");

        rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_set_header", args, 2,
                                      0);
        if (rv != NGX_CONF_OK) {
            goto done;
        }

        ngx_str_set(&args[0], "256k");

        rv = ngx_http_apigw_conf_set(cf, &ngx_http_core_module, ctx->loc_conf,
                                     "client_body_buffer_size", args, 1, 1);

    } else if (in->type == NGX_HTTP_APIGW_INT_HTTP) {

        /*
         * non-proxy: the mapping replaces the request's headers with the
         * mapped ones and the body's content type (mapping.c); usual
         * bodies stay in memory for the templates
         */

        ngx_str_set(&args[0], "256k");

        rv = ngx_http_apigw_conf_set(cf, &ngx_http_core_module, ctx->loc_conf,
                                     "client_body_buffer_size", args, 1, 1);
    }

done:

    *cf = save;

    return rv;
}


/* the Invoke API: POST the event, nothing of the client's request */

static char *
ngx_http_apigw_lambda_init(ngx_conf_t *cf, ngx_http_conf_ctx_t *ctx,
    ngx_http_apigw_integration_t *in)
{
    char          *rv;
    ngx_str_t      args[2];
    ngx_keyval_t  *h;

    static ngx_keyval_t  ngx_http_apigw_aws_headers[] = {
        { ngx_string("X-Amz-Date"), ngx_string("$apigw_aws_date") },
        { ngx_string("X-Amz-Security-Token"),
          ngx_string("$apigw_aws_security_token") },
        { ngx_string("Authorization"), ngx_string("$apigw_aws_authorization") },
        { ngx_null_string, ngx_null_string }
    };

    ngx_str_set(&args[0], "POST");

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_method", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    ngx_str_set(&args[0], "off");

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_pass_request_headers", args,
                                  1, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_pass_request_body", args, 1,
                                  0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    ngx_str_set(&args[0], "$apigw_lambda_payload");

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_set_body", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    ngx_str_set(&args[0], "Content-Type");
    ngx_str_set(&args[1], "application/json");

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_set_header", args, 2, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    ngx_str_set(&args[0], "X-Amz-Invocation-Type");
    ngx_str_set(&args[1], "RequestResponse");

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_set_header", args, 2, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    /* keepalive to the Invoke API's upstream: no "Connection: close" */

    ngx_str_set(&args[0], "Connection");
    ngx_str_set(&args[1], "");

    rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_set_header", args, 2, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    /* SigV4, with apigw_aws_credentials; empty values are not sent */

    for (h = ngx_http_apigw_aws_headers; h->key.len; h++) {
        args[0] = h->key;
        args[1] = h->value;

        rv = ngx_http_apigw_proxy_set(cf, ctx, "proxy_set_header", args, 2,
                                      0);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    /*
     * the event carries the body: keep usual ones in memory; a larger
     * one is read back from its temporary file
     */

    ngx_str_set(&args[0], "256k");

    return ngx_http_apigw_conf_set(cf, &ngx_http_core_module, ctx->loc_conf,
                                   "client_body_buffer_size", args, 1, 1);
}


/*
 * Runs a directive of another module on a method's configuration, as
 * if it were written there; with dflt, a value already set there stays.
 */

char *
ngx_http_apigw_conf_set(ngx_conf_t *cf, ngx_module_t *module,
    void **loc_conf, char *name, ngx_str_t *args, ngx_uint_t nargs,
    ngx_uint_t dflt)
{
    char           *rv;
    size_t          len;
    void           *conf;
    ngx_str_t      *value;
    ngx_uint_t      i;
    ngx_array_t     a, *saved;
    ngx_command_t  *cmd;

    len = ngx_strlen(name);
    conf = loc_conf[module->ctx_index];

    for (cmd = module->commands; cmd->name.len; cmd++) {
        if (cmd->name.len == len
            && ngx_strncmp(cmd->name.data, name, len) == 0)
        {
            break;
        }
    }

    if (cmd->name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "apigw: no directive \"%s\"", name);
        return NGX_CONF_ERROR;
    }

    if (ngx_array_init(&a, cf->temp_pool, nargs + 1, sizeof(ngx_str_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    value = ngx_array_push_n(&a, nargs + 1);
    if (value == NULL) {
        return NGX_CONF_ERROR;
    }

    value[0] = cmd->name;

    for (i = 0; i < nargs; i++) {
        value[i + 1] = args[i];
    }

    saved = cf->args;
    cf->args = &a;

    rv = cmd->set(cf, cmd, conf);

    cf->args = saved;

    if (rv == NGX_CONF_OK || rv == NGX_CONF_ERROR) {
        return rv;
    }

    if (ngx_strcmp(rv, "is duplicate") == 0) {
        if (dflt) {
            /* set in the method block: the user's value stays */
            return NGX_CONF_OK;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%s\" cannot be combined with "
                           "\"apigw_integration\" in the same method", name);
        return NGX_CONF_ERROR;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%s\" %s", name, rv);

    return NGX_CONF_ERROR;
}
