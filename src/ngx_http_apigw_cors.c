
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * CORS: preflight answers at the gateway (what the AWS console's
 * "Enable CORS" builds as a MOCK OPTIONS method) and the headers added
 * to every response of the resource, gateway responses included.
 */


#include "ngx_http_apigw_common.h"


static ngx_int_t ngx_http_apigw_cors_origin(ngx_http_request_t *r,
    ngx_http_apigw_cors_t *cors, ngx_str_t *origin);
static ngx_int_t ngx_http_apigw_cors_methods(ngx_http_request_t *r,
    ngx_http_apigw_loc_conf_t *alcf, ngx_str_t *methods);


static ngx_str_t  ngx_http_apigw_allow_origin =
    ngx_string("Access-Control-Allow-Origin");
static ngx_str_t  ngx_http_apigw_allow_credentials =
    ngx_string("Access-Control-Allow-Credentials");
static ngx_str_t  ngx_http_apigw_allow_methods =
    ngx_string("Access-Control-Allow-Methods");
static ngx_str_t  ngx_http_apigw_allow_headers =
    ngx_string("Access-Control-Allow-Headers");
static ngx_str_t  ngx_http_apigw_expose_headers =
    ngx_string("Access-Control-Expose-Headers");
static ngx_str_t  ngx_http_apigw_max_age = ngx_string("Access-Control-Max-Age");
static ngx_str_t  ngx_http_apigw_true = ngx_string("true");
static ngx_str_t  ngx_http_apigw_any_methods =
    ngx_string("DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT");


ngx_int_t
ngx_http_apigw_cors_preflight(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_loc_conf_t *alcf)
{
    u_char                 *p;
    ngx_int_t               rc;
    ngx_str_t               origin, methods, value;
    ngx_http_apigw_cors_t  *cors;

    cors = alcf->cors;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw cors preflight");

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx->preflight = 1;
    ctx->resource = alcf->resource;

    r->headers_out.status = NGX_HTTP_OK;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_length_n = 0;

    if (ngx_http_apigw_cors_origin(r, cors, &origin) == NGX_OK) {
        if (ngx_http_apigw_add_header(r, &ngx_http_apigw_allow_origin,
                                      &origin)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (cors->methods.len) {
        methods = cors->methods;

    } else if (ngx_http_apigw_cors_methods(r, alcf, &methods) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_apigw_add_header(r, &ngx_http_apigw_allow_methods, &methods)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_apigw_add_header(r, &ngx_http_apigw_allow_headers,
                                  &cors->headers)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (cors->max_age >= 0) {
        p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        value.data = p;
        value.len = ngx_sprintf(p, "%i", cors->max_age) - p;

        if (ngx_http_apigw_add_header(r, &ngx_http_apigw_max_age, &value)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (cors->credentials) {
        if (ngx_http_apigw_add_header(r, &ngx_http_apigw_allow_credentials,
                                      &ngx_http_apigw_true)
            == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    r->header_only = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK) {
        return rc;
    }

    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


ngx_int_t
ngx_http_apigw_cors_headers(ngx_http_request_t *r, ngx_http_apigw_cors_t *cors)
{
    ngx_str_t  origin;

    if (ngx_http_apigw_find_header(&r->headers_out.headers,
                                   &ngx_http_apigw_allow_origin))
    {
        /* the integration answered CORS itself */
        return NGX_OK;
    }

    if (ngx_http_apigw_cors_origin(r, cors, &origin) != NGX_OK) {
        return NGX_OK;
    }

    if (ngx_http_apigw_add_header(r, &ngx_http_apigw_allow_origin, &origin)
        == NULL)
    {
        return NGX_ERROR;
    }

    if (cors->expose.len) {
        if (ngx_http_apigw_add_header(r, &ngx_http_apigw_expose_headers,
                                      &cors->expose)
            == NULL)
        {
            return NGX_ERROR;
        }
    }

    if (cors->credentials) {
        if (ngx_http_apigw_add_header(r, &ngx_http_apigw_allow_credentials,
                                      &ngx_http_apigw_true)
            == NULL)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* "*", or the request's Origin when it is one of the allowed origins */

static ngx_int_t
ngx_http_apigw_cors_origin(ngx_http_request_t *r, ngx_http_apigw_cors_t *cors,
    ngx_str_t *origin)
{
    ngx_str_t             *allowed, name, value;
    ngx_uint_t             i;
    ngx_table_elt_t       *h;
    ngx_http_apigw_ctx_t  *ctx;

    if (cors->origins == NULL) {
        ngx_str_set(origin, "*");
        return NGX_OK;
    }

    ngx_str_set(&name, "Origin");

    ctx = ngx_http_apigw_get_ctx(r);

    h = ngx_http_apigw_find_header(ngx_http_apigw_client_headers(r, ctx),
                                   &name);
    if (h == NULL) {
        return NGX_DECLINED;
    }

    value = h->value;

    if (value.len == 0) {
        return NGX_DECLINED;
    }

    allowed = cors->origins->elts;

    for (i = 0; i < cors->origins->nelts; i++) {
        if (allowed[i].len == value.len
            && ngx_strncasecmp(allowed[i].data, value.data, value.len) == 0)
        {
            *origin = value;

            (void) ngx_http_apigw_add_header(r, &(ngx_str_t)
                                                ngx_string("Vary"),
                                             &(ngx_str_t) ngx_string("Origin"));
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


/* the resource's methods and OPTIONS, in the AWS console's order */

static ngx_int_t
ngx_http_apigw_cors_methods(ngx_http_request_t *r,
    ngx_http_apigw_loc_conf_t *alcf, ngx_str_t *methods)
{
    u_char                   *p;
    ngx_uint_t                i, j;
    ngx_http_apigw_method_t  *m;

    static ngx_str_t  order[] = {
        ngx_string("DELETE"), ngx_string("GET"), ngx_string("HEAD"),
        ngx_string("OPTIONS"), ngx_string("PATCH"), ngx_string("POST"),
        ngx_string("PUT"), ngx_null_string
    };

    if (alcf->methods == NULL) {
        ngx_str_set(methods, "OPTIONS");
        return NGX_OK;
    }

    m = alcf->methods->elts;

    for (i = 0; i < alcf->methods->nelts; i++) {
        if (m[i].name.len == 3 && ngx_strncmp(m[i].name.data, "ANY", 3) == 0) {
            *methods = ngx_http_apigw_any_methods;
            return NGX_OK;
        }
    }

    p = ngx_pnalloc(r->pool, ngx_http_apigw_any_methods.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    methods->data = p;

    for (j = 0; order[j].len; j++) {

        for (i = 0; i < alcf->methods->nelts; i++) {
            if (m[i].name.len == order[j].len
                && ngx_strncmp(m[i].name.data, order[j].data, order[j].len)
                   == 0)
            {
                break;
            }
        }

        if (i == alcf->methods->nelts && j != 3) {
            continue;
        }

        if (p != methods->data) {
            *p++ = ',';
        }

        p = ngx_cpymem(p, order[j].data, order[j].len);
    }

    methods->len = p - methods->data;

    return NGX_OK;
}
