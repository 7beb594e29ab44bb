
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Non-proxy integrations at request time, in API Gateway's order:
 * the method request's body is read; the request template chosen by
 * its Content-Type (or the passthrough behaviour) makes the integration
 * request's body; parameter mappings and $context.requestOverride make
 * its headers, query string and path.  The integration's answer selects
 * an integration response (a regex on the status, on a Lambda function's
 * errorMessage, or a mock's statusCode), whose response template chosen
 * by the Accept header makes the body, its parameter mappings the
 * headers, and $context.responseOverride has the last word.
 *
 * Rendering, and the JSON values templates see, allocate from the
 * request pool (ngx_http_apigw_jv_t): nothing to release one by one.
 */


#include "ngx_http_apigw_mapping.h"
#include "ngx_http_apigw_util.h"


static void ngx_http_apigw_mapping_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_apigw_mapping_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
static ngx_int_t ngx_http_apigw_mapping_mock(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
static ngx_int_t ngx_http_apigw_mapping_values_once(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_mapping_ctx_t *mctx);
static ngx_int_t ngx_http_apigw_mapping_render(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_vtl_t *vtl, ngx_str_t *body,
    ngx_str_t *out);
static ngx_http_apigw_mapping_tpl_t *ngx_http_apigw_template_find(
    ngx_array_t *templates, ngx_str_t *media);
static ngx_http_apigw_mapping_tpl_t *ngx_http_apigw_response_template_find(
    ngx_http_request_t *r, ngx_http_apigw_mapping_ctx_t *mctx,
    ngx_array_t *templates);
static void ngx_http_apigw_media_type(ngx_str_t *value, ngx_str_t *media);
static ngx_int_t ngx_http_apigw_request_overrides(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_mapping_ctx_t *mctx);
static ngx_int_t ngx_http_apigw_param_values(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_param_map_t *pm,
    ngx_list_t *headers, ngx_str_t *body, ngx_http_apigw_jv_t **body_json,
    ngx_array_t *values);
static ngx_int_t ngx_http_apigw_header_values(ngx_list_t *headers,
    ngx_str_t *name, ngx_array_t *values);
static ngx_int_t ngx_http_apigw_kv_set(ngx_http_request_t *r,
    ngx_array_t *a, ngx_str_t *name, ngx_str_t *value, ngx_uint_t replace);
static ngx_int_t ngx_http_apigw_integration_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_mapping_ctx_t *mctx,
    ngx_http_apigw_mapping_tpl_t *tpl, ngx_str_t *out);
static ngx_int_t ngx_http_apigw_aws_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_list_t *list, ngx_str_t *payload);
static ngx_int_t ngx_http_apigw_list_add(ngx_http_request_t *r,
    ngx_list_t *list, ngx_str_t *name, ngx_str_t *value);
static ngx_keyval_t *ngx_http_apigw_kv_find(ngx_array_t *a, ngx_str_t *name);
static ngx_int_t ngx_http_apigw_set_response_header(ngx_http_request_t *r,
    ngx_str_t *name, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_header_name_valid(ngx_str_t *name);
static ngx_int_t ngx_http_apigw_header_value_valid(ngx_str_t *value);


static ngx_str_t  ngx_http_apigw_application_json =
    ngx_string("application/json");


/* the content handler's part: read the body, then map and call */

ngx_int_t
ngx_http_apigw_mapping_handler(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_http_read_client_request_body(r,
                                           ngx_http_apigw_mapping_body_handler);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_apigw_mapping_body_handler(ngx_http_request_t *r)
{
    ngx_int_t                      rc;
    ngx_http_apigw_ctx_t          *ctx;
    ngx_http_apigw_integration_t  *in;

    ctx = ngx_http_apigw_get_ctx(r);
    in = ctx->method->integration;

    rc = ngx_http_apigw_mapping_request(r, ctx);

    if (rc == NGX_OK) {
        if (in->type == NGX_HTTP_APIGW_INT_MOCK) {
            rc = ngx_http_apigw_mapping_mock(r, ctx);

        } else {
            rc = in->upstream_handler(r);
        }
    }

    ngx_http_finalize_request(r, rc);
}


static ngx_int_t
ngx_http_apigw_mapping_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx)
{
    ngx_int_t                       rc;
    ngx_str_t                       media, out;
    ngx_uint_t                      pass;
    ngx_http_apigw_jv_t             res, *code;
    ngx_http_apigw_alloc_t          a;
    ngx_http_apigw_mapping_tpl_t   *tpl;
    ngx_http_apigw_mapping_ctx_t   *mctx;
    ngx_http_apigw_integration_t   *in;
    ngx_http_apigw_mapping_conf_t  *mcf;

    in = ctx->method->integration;
    mcf = ctx->method->mapping;

    mctx = ngx_pcalloc(r->pool, sizeof(ngx_http_apigw_mapping_ctx_t));
    if (mctx == NULL) {
        return NGX_ERROR;
    }

    if (ngx_array_init(&mctx->headers, r->pool, 4, sizeof(ngx_keyval_t))
        != NGX_OK
        || ngx_array_init(&mctx->query, r->pool, 4, sizeof(ngx_keyval_t))
           != NGX_OK
        || ngx_array_init(&mctx->path, r->pool, 2, sizeof(ngx_keyval_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    mctx->client_headers = r->headers_in.headers;
    ctx->mapping = mctx;

    if (ngx_http_apigw_read_body(r, &mctx->body) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the request template: by Content-Type, application/json if none */

    if (r->headers_in.content_type) {
        ngx_http_apigw_media_type(&r->headers_in.content_type->value, &media);

    } else {
        media = ngx_http_apigw_application_json;
    }

    tpl = mcf ? ngx_http_apigw_template_find(&mcf->templates, &media) : NULL;

    if (tpl == NULL && mcf) {
        pass = mcf->passthrough;

        if (pass == NGX_HTTP_APIGW_PASS_NEVER
            || (pass == NGX_HTTP_APIGW_PASS_WHEN_NO_TEMPLATES
                && mcf->templates.nelts))
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "apigw: no mapping template for \"%V\" and "
                          "passthrough is %s", &media,
                          pass == NGX_HTTP_APIGW_PASS_NEVER
                          ? "NEVER" : "WHEN_NO_TEMPLATES");

            return ngx_http_apigw_send_error(r, ctx,
                                     NGX_HTTP_APIGW_GR_UNSUPPORTED_MEDIA_TYPE);
        }
    }

    /*
     * the values templates see are built once, before anything of the
     * request changes, and only those a template of the method uses
     */

    if (mcf && mcf->needs) {
        if (ngx_http_apigw_mapping_values_once(r, ctx, mctx) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (tpl) {
        if (ngx_http_apigw_mapping_render(r, ctx, tpl->vtl, &mctx->body,
                                          &out)
            != NGX_OK)
        {
            return ngx_http_apigw_send_error(r, ctx,
                                             NGX_HTTP_APIGW_GR_INTERNAL_ERROR);
        }

        mctx->mapped = 1;
        mctx->content_type = tpl->content_type;

    } else {
        out = mctx->body;
    }

    switch (in->type) {

    case NGX_HTTP_APIGW_INT_MOCK:

        /* the template's {"statusCode": NNN} selects the response */

        ctx->status = 0;

        if (tpl == NULL || out.len == 0) {
            return NGX_OK;
        }

        a.alloc = ngx_http_apigw_pool_alloc;
        a.data = r->pool;

        rc = ngx_http_apigw_jv_parse(&a, out.data, out.len, 0, &res);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        code = (rc == NGX_OK && res.type == NGX_HTTP_APIGW_JV_OBJECT)
               ? ngx_http_apigw_jv_object_get(res.u.c,
                                              (u_char *) "statusCode", 10)
               : NULL;

        if (code && code->type == NGX_HTTP_APIGW_JV_INTEGER
            && code->u.i >= 100 && code->u.i <= 599)
        {
            ctx->status = (ngx_uint_t) code->u.i;
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_INT_LAMBDA:

        /* the payload: the template's output, or the body passed through */

        if (out.len == 0) {
            ngx_str_set(&out, "{}");
        }

        ctx->payload = out;

        return NGX_OK;

    default: /* HTTP, HTTP_PROXY */
        return ngx_http_apigw_integration_request(r, ctx, mctx, tpl, &out);
    }
}


/*
 * The integration request of HTTP integrations: the mapped body, and the
 * headers as the proxy module will send them (r->headers_in.headers is
 * replaced; the client's stay in mctx->client_headers for the rest).
 */

static ngx_int_t
ngx_http_apigw_integration_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_mapping_ctx_t *mctx,
    ngx_http_apigw_mapping_tpl_t *tpl, ngx_str_t *out)
{
    ngx_str_t                       value;
    ngx_buf_t                      *b;
    ngx_uint_t                      i, j, n;
    ngx_list_t                      list;
    ngx_chain_t                    *cl;
    ngx_keyval_t                   *kv;
    ngx_list_part_t                *part;
    ngx_table_elt_t                *h, *nh;

    static ngx_str_t  content_type = ngx_string("Content-Type");
    ngx_http_apigw_param_map_t     *pm;
    ngx_http_apigw_mapping_conf_t  *mcf;
    ngx_http_apigw_integration_t   *in;

    mcf = ctx->method->mapping;
    in = ctx->method->integration;

    /* request parameters, then $context.requestOverride */

    if (mcf) {
        pm = mcf->params.elts;

        for (i = 0; i < mcf->params.nelts; i++) {
            if (ngx_http_apigw_param_values(r, ctx, &pm[i],
                                            &mctx->client_headers,
                                            &mctx->body, &mctx->body_json,
                                            NULL)
                == NGX_ERROR)
            {
                return NGX_ERROR;
            }
        }
    }

    if (mctx->context
        && ngx_http_apigw_request_overrides(r, ctx, mctx) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (tpl) {
        cl = ngx_alloc_chain_link(r->pool);
        b = ngx_calloc_buf(r->pool);

        if (cl == NULL || b == NULL) {
            return NGX_ERROR;
        }

        b->pos = out->data;
        b->last = out->data + out->len;
        b->memory = out->len ? 1 : 0;
        b->last_buf = 1;
        b->last_in_chain = 1;

        cl->buf = b;
        cl->next = NULL;

        if (r->request_body == NULL) {
            r->request_body = ngx_pcalloc(r->pool,
                                          sizeof(ngx_http_request_body_t));
            if (r->request_body == NULL) {
                return NGX_ERROR;
            }
        }

        r->request_body->bufs = out->len ? cl : NULL;
        r->headers_in.content_length_n = out->len;
        r->headers_in.chunked = 0;
    }

    if (in->type == NGX_HTTP_APIGW_INT_HTTP_PROXY && mctx->headers.nelts == 0)
    {
        return NGX_OK;
    }

    /*
     * HTTP_PROXY: the client's headers with the mapped ones instead;
     * HTTP and AWS: the mapped headers and the body's content type only
     */

    n = mctx->headers.nelts + 8;

    if (in->type == NGX_HTTP_APIGW_INT_HTTP_PROXY) {
        for (part = &mctx->client_headers.part; part; part = part->next) {
            n += part->nelts;
        }
    }

    if (ngx_list_init(&list, r->pool, n, sizeof(ngx_table_elt_t)) != NGX_OK)
    {
        return NGX_ERROR;
    }

    kv = mctx->headers.elts;

    if (in->type == NGX_HTTP_APIGW_INT_HTTP_PROXY) {
        for (part = &mctx->client_headers.part; part; part = part->next) {
            h = part->elts;

            for (i = 0; i < part->nelts; i++) {
                if (ngx_http_apigw_kv_find(&mctx->headers, &h[i].key)) {
                    continue;
                }

                nh = ngx_list_push(&list);
                if (nh == NULL) {
                    return NGX_ERROR;
                }

                *nh = h[i];
            }
        }

    } else if (ngx_http_apigw_kv_find(&mctx->headers, &content_type) == NULL)
    {
        if (in->amz_type.len) {
            value = in->amz_type;

        } else if (r->headers_in.content_type) {
            value = r->headers_in.content_type->value;

        } else if (tpl) {
            value = tpl->content_type;

        } else {
            ngx_str_null(&value);
        }

        if (value.len
            && ngx_http_apigw_list_add(r, &list, &content_type, &value)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    for (j = 0; j < mctx->headers.nelts; j++) {
        if (ngx_http_apigw_list_add(r, &list, &kv[j].key, &kv[j].value)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (in->type == NGX_HTTP_APIGW_INT_AWS
        && ngx_http_apigw_aws_request(r, ctx, &list, tpl ? out : &mctx->body)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    r->headers_in.headers = list;

    return NGX_OK;
}


/* an AWS service call: X-Amz-Target, then SigV4 over all of it */

static ngx_int_t
ngx_http_apigw_aws_request(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_list_t *list, ngx_str_t *payload)
{
    ngx_str_t                      uri, method, name, empty;
    ngx_uint_t                     n;
    ngx_keyval_t                   extra[1];
    ngx_http_apigw_integration_t  *in;

    in = ctx->method->integration;
    n = 0;

    if (in->target.len) {
        ngx_str_set(&name, "X-Amz-Target");

        extra[0].value.len = in->target.len + 1 + in->action.len;
        extra[0].value.data = ngx_pnalloc(r->pool, extra[0].value.len);
        if (extra[0].value.data == NULL) {
            return NGX_ERROR;
        }

        ngx_sprintf(extra[0].value.data, "%V.%V", &in->target, &in->action);
        ngx_str_set(&extra[0].key, "x-amz-target");
        n = 1;

        if (ngx_http_apigw_list_add(r, list, &name, &extra[0].value)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_apigw_integration_uri(r, ctx, &uri) != NGX_OK) {
        return NGX_ERROR;
    }

    if (in->http_method.len) {
        method = in->http_method;

    } else {
        ngx_str_set(&method, "POST");
    }

    if (payload->data == NULL) {
        ngx_str_set(&empty, "");
        payload = &empty;
    }

    if (ngx_http_apigw_aws_sign_request(r, ctx, &method, &uri, payload,
                                        &in->service, extra, n)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_str_set(&name, "X-Amz-Date");

    if (ngx_http_apigw_list_add(r, list, &name, &ctx->aws_date) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_str_set(&name, "Authorization");

    if (ngx_http_apigw_list_add(r, list, &name, &ctx->aws_authorization)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->method->aws->session_token.len) {
        ngx_str_set(&name, "X-Amz-Security-Token");

        if (ngx_http_apigw_list_add(r, list, &name,
                                    &ctx->method->aws->session_token)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ctx->aws_content_sha256.len) {
        ngx_str_set(&name, "x-amz-content-sha256");

        if (ngx_http_apigw_list_add(r, list, &name, &ctx->aws_content_sha256)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_list_add(ngx_http_request_t *r, ngx_list_t *list,
    ngx_str_t *name, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(list);
    if (h == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(h, sizeof(ngx_table_elt_t));

    h->hash = 1;
    h->key = *name;
    h->value = *value;

    h->lowcase_key = ngx_pnalloc(r->pool, name->len);
    if (h->lowcase_key == NULL) {
        return NGX_ERROR;
    }

    ngx_strlow(h->lowcase_key, name->data, name->len);

    return NGX_OK;
}


static ngx_keyval_t *
ngx_http_apigw_kv_find(ngx_array_t *a, ngx_str_t *name)
{
    ngx_uint_t     i;
    ngx_keyval_t  *kv;

    kv = a->elts;

    for (i = 0; i < a->nelts; i++) {
        if (kv[i].key.len == name->len
            && ngx_strncasecmp(kv[i].key.data, name->data, name->len) == 0)
        {
            return &kv[i];
        }
    }

    return NULL;
}


/* a mock answers from its integration response */

static ngx_int_t
ngx_http_apigw_mapping_mock(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx)
{
    ngx_int_t     rc;
    ngx_str_t     empty;
    ngx_buf_t    *b;
    ngx_chain_t  *out, last;

    ngx_str_set(&empty, "");
    out = NULL;

    rc = ngx_http_apigw_mapping_response(r, ctx, &empty, &out);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        /* the error raised is the answer */
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (out == NULL) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    if (out == NULL) {
        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->last_buf = 1;
        last.buf = b;
        last.next = NULL;
        out = &last;
    }

    return ngx_http_output_filter(r, out);
}


/*
 * The integration's answer (its body in memory) made the method response:
 * NGX_OK with *out (NULL: no body) and r->headers_out set, NGX_DECLINED
 * with a gateway response raised, or NGX_ERROR.
 */

ngx_int_t
ngx_http_apigw_mapping_response(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *body, ngx_chain_t **out)
{
    u_char                          buf[NGX_INT_T_LEN];
    ngx_int_t                       n, rc;
    ngx_str_t                       key, rendered, name, value, *s;
    ngx_buf_t                      *b;
    ngx_uint_t                      i, j, status, has_key;
    ngx_list_t                      upstream;
    ngx_array_t                     values, headers;
    ngx_http_apigw_jv_t             res, *ro, *v, *msg, *body_json;
    ngx_http_apigw_alloc_t          a;
    ngx_http_apigw_jv_member_t     *m;
    ngx_keyval_t                   *kv;
    ngx_http_apigw_param_map_t     *pm;
    ngx_http_apigw_mapping_tpl_t   *tpl;
    ngx_http_apigw_mapping_ctx_t   *mctx;
    ngx_http_apigw_integration_t   *in;
    ngx_http_apigw_mapping_conf_t  *mcf;
    ngx_http_apigw_int_response_t  *ir, *resp;

    in = ctx->method->integration;
    mcf = ctx->method->mapping;
    mctx = ctx->mapping;

    *out = NULL;

    if (mctx == NULL) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "apigw: a mapped response without its request");
        return NGX_ERROR;
    }

    /* what the selection patterns are matched against */

    has_key = 0;
    ngx_str_null(&key);
    body_json = NULL;

    switch (in->type) {

    case NGX_HTTP_APIGW_INT_LAMBDA:

        if (ctx->capture_status != NGX_HTTP_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "apigw: lambda invoke failed with status %ui: "
                          "\"%*s\"", ctx->capture_status,
                          ngx_min(body->len, 512), body->data);

            (void) ngx_http_apigw_send_error(r, ctx,
                                             NGX_HTTP_APIGW_GR_INTERNAL_ERROR);
            return NGX_DECLINED;
        }

        if (!ctx->function_error) {
            break;
        }

        /* a function error: its errorMessage */

        a.alloc = ngx_http_apigw_pool_alloc;
        a.data = r->pool;

        rc = ngx_http_apigw_jv_parse(&a, body->data, body->len, 0, &res);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        msg = (rc == NGX_OK && res.type == NGX_HTTP_APIGW_JV_OBJECT)
              ? ngx_http_apigw_jv_object_get(res.u.c,
                                             (u_char *) "errorMessage", 12)
              : NULL;

        if (msg && msg->type == NGX_HTTP_APIGW_JV_STRING) {
            key = msg->u.s;

        } else {
            ngx_str_set(&key, "");
        }

        has_key = 1;
        break;

    case NGX_HTTP_APIGW_INT_MOCK:

        if (ctx->status == 0) {
            break;
        }

        /* fall through */

    default:
        key.data = buf;
        key.len = ngx_sprintf(buf, "%ui",
                              in->type == NGX_HTTP_APIGW_INT_MOCK
                              ? ctx->status : ctx->capture_status)
                  - buf;
        has_key = 1;
    }

    /* the integration response */

    resp = NULL;

    if (mcf) {
        ir = mcf->responses.elts;

        for (i = 0; has_key && i < mcf->responses.nelts; i++) {
            if (ir[i].regex == NULL) {
                continue;
            }

            n = ngx_regex_exec(ir[i].regex, &key, NULL, 0);

            if (n >= 0) {
                resp = &ir[i];
                break;
            }

            if (n != NGX_REGEX_NO_MATCHED) {
                ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                              ngx_regex_exec_n " failed: %i on \"%V\" "
                              "using \"%V\"", n, &key, &ir[i].pattern);
                return NGX_ERROR;
            }
        }

        if (resp == NULL) {
            resp = mcf->dflt;
        }

        if (resp == NULL && mcf->responses.nelts) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "apigw: execution failed due to configuration "
                          "error: no match for output mapping \"%V\" and "
                          "no default output mapping", &key);

            (void) ngx_http_apigw_send_error(r, ctx,
                                             NGX_HTTP_APIGW_GR_INTERNAL_ERROR);
            return NGX_DECLINED;
        }
    }

    if (resp) {
        status = resp->status;

    } else {
        /* none configured: a mock's own status, otherwise 200 */
        status = (in->type == NGX_HTTP_APIGW_INT_MOCK && ctx->status)
                 ? ctx->status : NGX_HTTP_OK;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw integration response \"%V\": %ui", &key, status);

    /* the body: the response template, or the integration's passed on */

    tpl = resp ? ngx_http_apigw_response_template_find(r, mctx,
                                                       &resp->templates)
               : NULL;

    if (tpl) {
        if (mcf->needs
            && ngx_http_apigw_mapping_values_once(r, ctx, mctx) != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (ngx_http_apigw_mapping_render(r, ctx, tpl->vtl, body, &rendered)
            != NGX_OK)
        {
            (void) ngx_http_apigw_send_error(r, ctx,
                                             NGX_HTTP_APIGW_GR_INTERNAL_ERROR);
            return NGX_DECLINED;
        }

    } else {
        rendered = *body;
    }

    /* the response parameters, from the integration's headers and body */

    if (ngx_array_init(&headers, r->pool, 4, sizeof(ngx_keyval_t)) != NGX_OK
        || ngx_array_init(&values, r->pool, 2, sizeof(ngx_str_t)) != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the integration's Content-Type is nginx's own field: listed too */

    if (r->headers_out.content_type.len) {
        ngx_str_set(&name, "Content-Type");

        if (ngx_http_apigw_add_header(r, &name,
                                      &r->headers_out.content_type)
            == NULL)
        {
            return NGX_ERROR;
        }
    }

    upstream = r->headers_out.headers;

    if (resp) {
        pm = resp->params.elts;

        for (i = 0; i < resp->params.nelts; i++) {
            values.nelts = 0;

            if (ngx_http_apigw_param_values(r, ctx, &pm[i], &upstream, body,
                                            &body_json, &values)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            s = values.elts;

            for (j = 0; j < values.nelts; j++) {
                kv = ngx_array_push(&headers);
                if (kv == NULL) {
                    return NGX_ERROR;
                }

                kv->key = pm[i].name;
                kv->value = s[j];
            }
        }
    }

    ngx_http_apigw_clear_headers(r);

    r->headers_out.status = status;
    r->headers_out.status_line.len = 0;
    r->headers_out.content_type = tpl ? tpl->content_type
                                      : ngx_http_apigw_application_json;
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    kv = headers.elts;

    for (i = 0; i < headers.nelts; i++) {
        if (ngx_http_apigw_set_response_header(r, &kv[i].key, &kv[i].value)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    /* $context.responseOverride has the last word */

    ro = (mctx->context && mctx->context->type == NGX_HTTP_APIGW_JV_OBJECT)
         ? ngx_http_apigw_jv_object_get(mctx->context->u.c,
                                        (u_char *) "responseOverride", 16)
         : NULL;

    if (ro && ro->type == NGX_HTTP_APIGW_JV_OBJECT) {
        v = ngx_http_apigw_jv_object_get(ro->u.c, (u_char *) "status", 6);

        n = NGX_ERROR;

        if (v && v->type == NGX_HTTP_APIGW_JV_INTEGER) {
            n = (ngx_int_t) v->u.i;

        } else if (v && v->type == NGX_HTTP_APIGW_JV_STRING) {
            n = ngx_atoi(v->u.s.data, v->u.s.len);
        }

        if (n >= 100 && n <= 599) {
            r->headers_out.status = n;
        }

        v = ngx_http_apigw_jv_object_get(ro->u.c, (u_char *) "header", 6);

        for (i = 0;
             v && v->type == NGX_HTTP_APIGW_JV_OBJECT && i < v->u.c->nelts;
             i++)
        {
            m = &v->u.c->u.members[i];

            if (m->val.type != NGX_HTTP_APIGW_JV_STRING) {
                continue;
            }

            /* a name ends at a NUL byte, as a C string */

            name = m->key;
            name.len = ngx_strnlen(name.data, name.len);

            /* the request's memory, where templates wrote nothing else */

            value = m->val.u.s;

            if (ngx_http_apigw_set_response_header(r, &name, &value)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    r->headers_out.content_length_n = rendered.len;

    if (rendered.len == 0) {
        return NGX_OK;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = rendered.data;
    b->last = rendered.data + rendered.len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    *out = ngx_alloc_chain_link(r->pool);
    if (*out == NULL) {
        return NGX_ERROR;
    }

    (*out)->buf = b;
    (*out)->next = NULL;

    return NGX_OK;
}


/* a header of the method response; Content-Type is nginx's own field */

static ngx_int_t
ngx_http_apigw_set_response_header(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    if (ngx_http_apigw_header_name_valid(name) != NGX_OK
        || ngx_http_apigw_header_value_valid(value) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "apigw: invalid mapped header \"%V\" not sent", name);
        return NGX_OK;
    }

    if (name->len == sizeof("Content-Type") - 1
        && ngx_strncasecmp(name->data, (u_char *) "Content-Type", name->len)
           == 0)
    {
        r->headers_out.content_type = *value;
        r->headers_out.content_type_len = value->len;
        r->headers_out.content_type_lowcase = NULL;
        return NGX_OK;
    }

    h = ngx_http_apigw_find_header(&r->headers_out.headers, name);

    if (h) {
        h->value = *value;
        return NGX_OK;
    }

    return ngx_http_apigw_add_header(r, name, value) ? NGX_OK : NGX_ERROR;
}


/* a header name a template made: an HTTP token, nothing to inject */

static ngx_int_t
ngx_http_apigw_header_name_valid(ngx_str_t *name)
{
    ngx_uint_t  i;

    if (name->len == 0 || name->len > 256) {
        return NGX_ERROR;
    }

    for (i = 0; i < name->len; i++) {
        if (name->data[i] <= ' ' || name->data[i] >= 0x7f
            || ngx_strchr("()<>@,;:\\\"/[]?={}", name->data[i]) != NULL)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_header_value_valid(ngx_str_t *value)
{
    ngx_uint_t  i;

    for (i = 0; i < value->len; i++) {
        if (value->data[i] == CR || value->data[i] == LF
            || value->data[i] == '\0')
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* $input.params(), $context and $stageVariables of this request */

static ngx_int_t
ngx_http_apigw_mapping_values_once(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_mapping_ctx_t *mctx)
{
    if (ngx_http_apigw_mapping_values(r, ctx, mctx, ctx->method->mapping)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "apigw: building the values of mapping templates "
                      "failed");
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_mapping_render(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_vtl_t *vtl, ngx_str_t *body,
    ngx_str_t *out)
{
    ngx_http_apigw_vtl_env_t        env;
    ngx_http_apigw_vtl_error_t      err;
    ngx_http_apigw_mapping_ctx_t   *mctx;
    ngx_http_apigw_mapping_conf_t  *mcf;

    mctx = ctx->mapping;

    ngx_memzero(&env, sizeof(ngx_http_apigw_vtl_env_t));
    ngx_memzero(&err, sizeof(ngx_http_apigw_vtl_error_t));

    env.body = *body;
    env.params = mctx->params;
    env.context = mctx->context;
    env.stage_variables = mctx->stage;
    env.null_literal = ctx->method->null_literal;

    /*
     * the request's renders (request and response templates) take their
     * values from the same chunks of the pool, sized as the renders of
     * the method's last request took: one allocation, not one per render
     */

    mcf = ctx->method->mapping;

    if (!mctx->chunks_ready) {
        mctx->pool.alloc = ngx_http_apigw_pool_alloc;
        mctx->pool.data = r->pool;

        ngx_http_apigw_jv_chunks(&mctx->chunks, &mctx->pool,
                                 ngx_max(4096, ngx_min(mcf->mem_hint, 65536)),
                                 &mctx->mem);
        mctx->chunks_ready = 1;

        /* the hint forgets a large request in a few dozen small ones */
        mcf->mem_hint -= mcf->mem_hint / 16;
    }

    if (ngx_http_apigw_vtl_render(vtl, &env, &mctx->mem, out, &err)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: mapping template failed at line %ui, "
                      "column %ui: %s", err.line, err.column,
                      err.message ? err.message : "error");
        return NGX_ERROR;
    }

    if (mctx->chunks.taken > mcf->mem_hint) {
        mcf->mem_hint = mctx->chunks.taken;
    }

    return NGX_OK;
}


static ngx_http_apigw_mapping_tpl_t *
ngx_http_apigw_template_find(ngx_array_t *templates, ngx_str_t *media)
{
    ngx_uint_t                     i;
    ngx_http_apigw_mapping_tpl_t  *t;

    t = templates->elts;

    /*
     * configured media types are lowercase and distinct, so at most one
     * matches: written as configured (the usual case), it is found by
     * memcmp(), without ngx_strncasecmp()'s few instructions per byte
     */

    for (i = 0; i < templates->nelts; i++) {
        if (t[i].content_type.len == media->len
            && ngx_memcmp(t[i].content_type.data, media->data, media->len)
               == 0)
        {
            return &t[i];
        }
    }

    for (i = 0; i < templates->nelts; i++) {
        if (t[i].content_type.len == media->len
            && ngx_strncasecmp(t[i].content_type.data, media->data,
                               media->len) == 0)
        {
            return &t[i];
        }
    }

    return NULL;
}


/*
 * The response template by the client's Accept: the first media range
 * that names one; otherwise application/json's, otherwise the first.
 */

static ngx_http_apigw_mapping_tpl_t *
ngx_http_apigw_response_template_find(ngx_http_request_t *r,
    ngx_http_apigw_mapping_ctx_t *mctx, ngx_array_t *templates)
{
    u_char                        *p, *last, *start;
    ngx_str_t                      name, range, media;
    ngx_uint_t                     i;
    ngx_table_elt_t               *accept;
    ngx_http_apigw_mapping_tpl_t  *t, *json;

    t = templates->elts;

    if (templates->nelts == 0) {
        return NULL;
    }

    ngx_str_set(&name, "Accept");
    accept = ngx_http_apigw_find_header(&mctx->client_headers, &name);

    if (accept) {
        p = accept->value.data;
        last = p + accept->value.len;

        while (p < last) {
            start = p;

            while (p < last && *p != ',') {
                p++;
            }

            range.data = start;
            range.len = p - start;
            p++;

            ngx_http_apigw_media_type(&range, &media);

            if (media.len == 0
                || (media.len == 3 && ngx_strncmp(media.data, "*/*", 3) == 0))
            {
                continue;
            }

            for (i = 0; i < templates->nelts; i++) {

                if (media.len >= 2 && media.data[media.len - 1] == '*'
                    && media.data[media.len - 2] == '/')
                {
                    /* type/ * */

                    if (t[i].content_type.len > media.len - 1
                        && ngx_strncasecmp(t[i].content_type.data,
                                           media.data, media.len - 1) == 0)
                    {
                        return &t[i];
                    }

                    continue;
                }

                if (t[i].content_type.len == media.len
                    && ngx_strncasecmp(t[i].content_type.data, media.data,
                                       media.len) == 0)
                {
                    return &t[i];
                }
            }
        }
    }

    json = ngx_http_apigw_template_find(templates,
                                        &ngx_http_apigw_application_json);

    return json ? json : &t[0];
}


/* "Application/JSON; charset=utf-8 " -> "Application/JSON" */

static void
ngx_http_apigw_media_type(ngx_str_t *value, ngx_str_t *media)
{
    u_char  *p, *last;

    p = value->data;
    last = value->data + value->len;

    while (p < last && (*p == ' ' || *p == '\t')) {
        p++;
    }

    media->data = p;

    while (p < last && *p != ';' && *p != ' ' && *p != '\t') {
        p++;
    }

    media->len = p - media->data;
}


/* $context.requestOverride.header/querystring/path, after the template */

static ngx_int_t
ngx_http_apigw_request_overrides(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_mapping_ctx_t *mctx)
{
    ngx_str_t                    name, value;
    ngx_uint_t                   i, k;
    ngx_array_t                 *dst;
    ngx_http_apigw_jv_t         *ro, *group;
    ngx_http_apigw_jv_member_t  *m;

    static ngx_str_t             groups[] = {
        ngx_string("header"), ngx_string("querystring"), ngx_string("path")
    };

    if (mctx->context->type != NGX_HTTP_APIGW_JV_OBJECT) {
        return NGX_OK;
    }

    ro = ngx_http_apigw_jv_object_get(mctx->context->u.c,
                                      (u_char *) "requestOverride", 15);

    if (ro == NULL || ro->type != NGX_HTTP_APIGW_JV_OBJECT) {
        return NGX_OK;
    }

    for (i = 0; i < 3; i++) {
        group = ngx_http_apigw_jv_object_get(ro->u.c, groups[i].data,
                                             groups[i].len);

        if (group == NULL || group->type != NGX_HTTP_APIGW_JV_OBJECT) {
            continue;
        }

        dst = (i == 0) ? &mctx->headers
                       : (i == 1) ? &mctx->query : &mctx->path;

        for (k = 0; k < group->u.c->nelts; k++) {
            m = &group->u.c->u.members[k];

            if (m->val.type != NGX_HTTP_APIGW_JV_STRING) {
                continue;
            }

            /* a name ends at a NUL byte, as a C string */

            name = m->key;
            name.len = ngx_strnlen(name.data, name.len);
            value = m->val.u.s;

            if (name.len == 0
                || (i == 0
                    && (ngx_http_apigw_header_name_valid(&name) != NGX_OK
                        || ngx_http_apigw_header_value_valid(&value)
                           != NGX_OK)))
            {
                ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                              "apigw: invalid request override \"%V\" "
                              "ignored", &name);
                continue;
            }

            if (ngx_http_apigw_kv_set(r, dst, &name, &value, 1) != NGX_OK) {
                return NGX_ERROR;
            }
        }
    }

    return NGX_OK;
}


/*
 * The values of a parameter mapping.  For a request's mapping (values
 * NULL) they go to mctx's headers, query or path; otherwise to values.
 * A missing source gives nothing, and nothing is sent.
 */

static ngx_int_t
ngx_http_apigw_param_values(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_param_map_t *pm, ngx_list_t *headers, ngx_str_t *body,
    ngx_http_apigw_jv_t **body_json, ngx_array_t *values)
{
    u_char                        *dst, *src;
    ngx_int_t                      rc;
    ngx_str_t                     *s, *v, value;
    ngx_uint_t                     i;
    ngx_array_t                    local, *target;
    ngx_http_apigw_jv_t            j;
    ngx_http_apigw_alloc_t         a;
    ngx_http_apigw_mapping_ctx_t  *mctx;

    mctx = ctx->mapping;

    if (values == NULL) {
        if (ngx_array_init(&local, r->pool, 1, sizeof(ngx_str_t)) != NGX_OK) {
            return NGX_ERROR;
        }

        values = &local;
    }

    switch (pm->src) {

    case NGX_HTTP_APIGW_SRC_STATIC:
        s = ngx_array_push(values);
        if (s == NULL) {
            return NGX_ERROR;
        }

        *s = pm->arg;
        break;

    case NGX_HTTP_APIGW_SRC_STAGE_VARIABLE:
        v = ngx_http_apigw_stage_variable(ctx, &pm->arg);

        if (v) {
            s = ngx_array_push(values);
            if (s == NULL) {
                return NGX_ERROR;
            }

            *s = *v;
        }

        break;

    case NGX_HTTP_APIGW_SRC_CONTEXT:
        if ((pm->context
             ? pm->context->get(r, ctx, &value)
             : ngx_http_apigw_authorizer_value(r, ctx, &pm->arg, &value))
            == NGX_ERROR)
        {
            return NGX_ERROR;
        }

        if (value.data) {
            s = ngx_array_push(values);
            if (s == NULL) {
                return NGX_ERROR;
            }

            *s = value;
        }

        break;

    case NGX_HTTP_APIGW_SRC_PATH:
        v = ngx_http_apigw_path_param(ctx, &pm->arg);

        if (v == NULL) {
            break;
        }

        s = ngx_array_push(values);
        if (s == NULL) {
            return NGX_ERROR;
        }

        *s = *v;

        if (ctx->raw_params) {
            /*
             * as the client encoded it: decoded, as AWS gives it ("%3F"
             * too: NGX_UNESCAPE_URI would stop there)
             */

            s->data = ngx_pnalloc(r->pool, v->len);
            if (s->data == NULL) {
                return NGX_ERROR;
            }

            dst = s->data;
            src = v->data;
            ngx_unescape_uri(&dst, &src, v->len, 0);
            s->len = dst - s->data;
        }

        break;

    case NGX_HTTP_APIGW_SRC_QUERYSTRING:
        s = ngx_array_push(values);
        if (s == NULL) {
            return NGX_ERROR;
        }

        rc = ngx_http_apigw_query_arg(r, &pm->arg, s);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DECLINED) {
            values->nelts--;
        }

        break;

    case NGX_HTTP_APIGW_SRC_MULTI_QUERYSTRING:
        if (ngx_http_apigw_query_args(r, &pm->arg, values) != NGX_OK) {
            return NGX_ERROR;
        }

        break;

    case NGX_HTTP_APIGW_SRC_HEADER:
    case NGX_HTTP_APIGW_SRC_MULTI_HEADER:
        if (ngx_http_apigw_header_values(headers, &pm->arg, values) != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (pm->src == NGX_HTTP_APIGW_SRC_HEADER && values->nelts > 1) {
            s = values->elts;
            s[0] = s[values->nelts - 1];
            values->nelts = 1;
        }

        break;

    case NGX_HTTP_APIGW_SRC_BODY:
        if (body->data) {
            s = ngx_array_push(values);
            if (s == NULL) {
                return NGX_ERROR;
            }

            *s = *body;
        }

        break;

    case NGX_HTTP_APIGW_SRC_BODY_PATH:
        a.alloc = ngx_http_apigw_pool_alloc;
        a.data = r->pool;

        if (*body_json == NULL) {
            if (body->len == 0) {
                break;
            }

            *body_json = ngx_palloc(r->pool, sizeof(ngx_http_apigw_jv_t));
            if (*body_json == NULL) {
                return NGX_ERROR;
            }

            /* as jansson's json_loadb() without JSON_ALLOW_NUL */

            rc = ngx_http_apigw_jv_parse(&a, body->data, body->len, 0,
                                         *body_json);

            if (rc == NGX_ERROR) {
                return NGX_ERROR;
            }

            if (rc == NGX_DECLINED) {
                /* not JSON: nothing to select */
                ngx_http_apigw_jv_set_null(*body_json);
            }
        }

        rc = ngx_http_apigw_jsonpath_eval(pm->jsonpath, &a, *body_json, &j);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DECLINED) {
            break;
        }

        s = ngx_array_push(values);
        if (s == NULL) {
            return NGX_ERROR;
        }

        if (j.type == NGX_HTTP_APIGW_JV_STRING) {
            /* the body's own bytes or the parser's copy, kept as they are */
            *s = j.u.s;

        } else if (ngx_http_apigw_util_json_dump(&a, &j, s) != NGX_OK) {
            return NGX_ERROR;
        }

        break;
    }

    if (values != &local) {
        return NGX_OK;
    }

    /* a request's mapping: into the integration request */

    target = (pm->dst == NGX_HTTP_APIGW_DST_HEADER) ? &mctx->headers
             : (pm->dst == NGX_HTTP_APIGW_DST_QUERYSTRING) ? &mctx->query
             : &mctx->path;

    s = values->elts;

    for (i = 0; i < values->nelts; i++) {
        if (pm->dst == NGX_HTTP_APIGW_DST_HEADER
            && ngx_http_apigw_header_value_valid(&s[i]) != NGX_OK)
        {
            continue;
        }

        if (ngx_http_apigw_kv_set(r, target, &pm->name, &s[i],
                                  pm->dst == NGX_HTTP_APIGW_DST_PATH)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (pm->dst == NGX_HTTP_APIGW_DST_PATH) {
            break;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_header_values(ngx_list_t *headers, ngx_str_t *name,
    ngx_array_t *values)
{
    ngx_str_t        *s;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    for (part = &headers->part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash == 0 || h[i].key.len != name->len
                || ngx_strncasecmp(h[i].key.data, name->data, name->len) != 0)
            {
                continue;
            }

            s = ngx_array_push(values);
            if (s == NULL) {
                return NGX_ERROR;
            }

            *s = h[i].value;
        }
    }

    return NGX_OK;
}


/* adds name=value; with replace, an earlier value of the name goes */

static ngx_int_t
ngx_http_apigw_kv_set(ngx_http_request_t *r, ngx_array_t *a, ngx_str_t *name,
    ngx_str_t *value, ngx_uint_t replace)
{
    ngx_keyval_t  *kv;

    if (replace) {
        kv = ngx_http_apigw_kv_find(a, name);

        if (kv) {
            kv->value = *value;
            return NGX_OK;
        }
    }

    kv = ngx_array_push(a);
    if (kv == NULL) {
        return NGX_ERROR;
    }

    kv->key = *name;
    kv->value = *value;

    return NGX_OK;
}


/* {name} of an integration URI, mapped with integration.request.path */

ngx_str_t *
ngx_http_apigw_mapping_path(ngx_http_apigw_ctx_t *ctx, ngx_str_t *name)
{
    ngx_uint_t     i;
    ngx_keyval_t  *kv;

    if (ctx->mapping == NULL) {
        return NULL;
    }

    kv = ctx->mapping->path.elts;

    for (i = 0; i < ctx->mapping->path.nelts; i++) {
        if (kv[i].key.len == name->len
            && ngx_strncmp(kv[i].key.data, name->data, name->len) == 0)
        {
            return &kv[i].value;
        }
    }

    return NULL;
}


/*
 * The integration URI with its query: a proxy's is the client's, plus
 * the mapped arguments; a non-proxy's only the mapped ones.
 */

ngx_int_t
ngx_http_apigw_mapping_query(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *base, ngx_str_t *uri)
{
    size_t         len;
    u_char        *p, sep;
    ngx_uint_t     i, proxy;
    ngx_keyval_t  *kv;
    ngx_array_t   *query;

    proxy = (ctx->method->integration->type == NGX_HTTP_APIGW_INT_HTTP_PROXY);
    query = ctx->mapping ? &ctx->mapping->query : NULL;

    len = base->len + (proxy ? r->args.len + 1 : 0);

    if (query) {
        kv = query->elts;

        for (i = 0; i < query->nelts; i++) {
            len += 2 + kv[i].key.len + kv[i].value.len
                   + 2 * ngx_escape_uri(NULL, kv[i].key.data, kv[i].key.len,
                                        NGX_ESCAPE_URI_COMPONENT)
                   + 2 * ngx_escape_uri(NULL, kv[i].value.data,
                                        kv[i].value.len,
                                        NGX_ESCAPE_URI_COMPONENT);
        }
    }

    if (len == base->len) {
        *uri = *base;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    uri->data = p;
    p = ngx_cpymem(p, base->data, base->len);

    sep = ngx_strlchr(base->data, base->data + base->len, '?') ? '&' : '?';

    if (proxy && r->args.len) {
        *p++ = sep;
        p = ngx_cpymem(p, r->args.data, r->args.len);
        sep = '&';
    }

    if (query) {
        kv = query->elts;

        for (i = 0; i < query->nelts; i++) {
            *p++ = sep;
            p = (u_char *) ngx_escape_uri(p, kv[i].key.data, kv[i].key.len,
                                          NGX_ESCAPE_URI_COMPONENT);
            *p++ = '=';
            p = (u_char *) ngx_escape_uri(p, kv[i].value.data,
                                          kv[i].value.len,
                                          NGX_ESCAPE_URI_COMPONENT);
            sep = '&';
        }
    }

    uri->len = p - uri->data;

    return NGX_OK;
}

