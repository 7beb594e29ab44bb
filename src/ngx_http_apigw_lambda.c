
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Lambda integrations: the Invoke API URI, the request body as events
 * take it, and the conversion of a proxy
 * function's result into the method response, with AWS's 502 rules.
 * The event itself: ngx_http_apigw_lambda_event.c.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_json.h"


#define NGX_HTTP_APIGW_LAMBDA_PATH  "/2015-03-31/functions/"

/* "%L" and "%.17g" of a header's number */
#define NGX_HTTP_APIGW_LAMBDA_NUMBER_LEN  32


/* the members of a proxy function's result, by their place in the table */
typedef enum {
    NGX_HTTP_APIGW_LAMBDA_STATUS = 0,
    NGX_HTTP_APIGW_LAMBDA_HEADERS,
    NGX_HTTP_APIGW_LAMBDA_MULTI,
    NGX_HTTP_APIGW_LAMBDA_BODY,
    NGX_HTTP_APIGW_LAMBDA_BASE64,
    NGX_HTTP_APIGW_LAMBDA_COOKIES,
    NGX_HTTP_APIGW_LAMBDA_NMEMBERS
} ngx_http_apigw_lambda_member_e;


typedef struct {
    ngx_str_t                       name;
    ngx_uint_t                      types;      /* 1 << type, for each */
} ngx_http_apigw_lambda_member_t;


typedef struct {
    ngx_str_t                       name;
    ngx_uint_t                      hash;
    ngx_http_apigw_json_t           value;
} ngx_http_apigw_lambda_kv_t;


static ngx_int_t ngx_http_apigw_lambda_result(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_json_t *res, ngx_str_t *raw,
    ngx_chain_t **out);
static ngx_int_t ngx_http_apigw_lambda_object(ngx_http_request_t *r,
    ngx_http_apigw_json_t *obj, ngx_http_apigw_lambda_kv_t **members);
static ngx_int_t ngx_http_apigw_lambda_header(ngx_http_request_t *r,
    ngx_str_t *name, ngx_http_apigw_json_t *value);


#define NGX_HTTP_APIGW_LAMBDA_TYPE(t)  (1 << NGX_HTTP_APIGW_JSON_##t)

/* the types each member may have */

static ngx_http_apigw_lambda_member_t  ngx_http_apigw_lambda_members[] = {
    { ngx_string("statusCode"),
      NGX_HTTP_APIGW_LAMBDA_TYPE(INTEGER)
      | NGX_HTTP_APIGW_LAMBDA_TYPE(STRING) },
    { ngx_string("headers"),
      NGX_HTTP_APIGW_LAMBDA_TYPE(OBJECT) | NGX_HTTP_APIGW_LAMBDA_TYPE(NULL) },
    { ngx_string("multiValueHeaders"),
      NGX_HTTP_APIGW_LAMBDA_TYPE(OBJECT) | NGX_HTTP_APIGW_LAMBDA_TYPE(NULL) },
    { ngx_string("body"),
      NGX_HTTP_APIGW_LAMBDA_TYPE(STRING) | NGX_HTTP_APIGW_LAMBDA_TYPE(NULL) },
    { ngx_string("isBase64Encoded"),
      NGX_HTTP_APIGW_LAMBDA_TYPE(TRUE) | NGX_HTTP_APIGW_LAMBDA_TYPE(FALSE)
      | NGX_HTTP_APIGW_LAMBDA_TYPE(NULL) },
    { ngx_string("cookies"),
      NGX_HTTP_APIGW_LAMBDA_TYPE(ARRAY) | NGX_HTTP_APIGW_LAMBDA_TYPE(NULL) }
};


/* the Invoke API URI: endpoint, function name and qualifier */

ngx_int_t
ngx_http_apigw_lambda_uri(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *uri)
{
    size_t                         len;
    u_char                        *p, *colon;
    ngx_str_t                      fn, qualifier;
    ngx_http_apigw_loc_conf_t     *alcf;
    ngx_http_apigw_integration_t  *in;

    in = ctx->method->integration;
    alcf = ctx->method;

    if (ngx_http_apigw_tpl_render(r, ctx, in->function, &fn) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_str_null(&qualifier);

    /* "name:qualifier"; an ARN keeps its own, as the Invoke API takes it */

    if (fn.len < 4 || ngx_strncmp(fn.data, "arn:", 4) != 0) {
        colon = ngx_strlchr(fn.data, fn.data + fn.len, ':');

        if (colon) {
            qualifier.data = colon + 1;
            qualifier.len = fn.data + fn.len - qualifier.data;
            fn.len = colon - fn.data;
        }
    }

    len = alcf->lambda_endpoint.len + sizeof(NGX_HTTP_APIGW_LAMBDA_PATH) - 1
          + fn.len + 2 * ngx_escape_uri(NULL, fn.data, fn.len,
                                        NGX_ESCAPE_URI_COMPONENT)
          + sizeof("/invocations?Qualifier=") - 1
          + qualifier.len + 2 * ngx_escape_uri(NULL, qualifier.data,
                                               qualifier.len,
                                               NGX_ESCAPE_URI_COMPONENT);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    uri->data = p;

    p = ngx_cpymem(p, alcf->lambda_endpoint.data, alcf->lambda_endpoint.len);
    p = ngx_cpymem(p, NGX_HTTP_APIGW_LAMBDA_PATH,
                   sizeof(NGX_HTTP_APIGW_LAMBDA_PATH) - 1);
    p = (u_char *) ngx_escape_uri(p, fn.data, fn.len,
                                  NGX_ESCAPE_URI_COMPONENT);
    p = ngx_cpymem(p, "/invocations", sizeof("/invocations") - 1);

    if (qualifier.len) {
        p = ngx_cpymem(p, "?Qualifier=", sizeof("?Qualifier=") - 1);
        p = (u_char *) ngx_escape_uri(p, qualifier.data, qualifier.len,
                                      NGX_ESCAPE_URI_COMPONENT);
    }

    uri->len = p - uri->data;

    return NGX_OK;
}


/*
 * the request body in one piece of memory; data is NULL when there is
 * none.  A body that outgrew client_body_buffer_size is read back from
 * the temporary file nginx has just written (the methods that need the
 * body default to a buffer large enough for usual payloads).
 */

ngx_int_t
ngx_http_apigw_read_body(ngx_http_request_t *r, ngx_str_t *body)
{
    size_t        len;
    u_char       *p;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ngx_str_null(body);

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;
        len += b->in_file ? (size_t) (b->file_last - b->file_pos)
                          : (size_t) (b->last - b->pos);
    }

    p = ngx_pnalloc(r->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->data = p;
    body->len = len;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (!b->in_file) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
            continue;
        }

        n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                          b->file_pos);

        if (n != b->file_last - b->file_pos) {
            ngx_log_error(NGX_LOG_CRIT, r->connection->log, 0,
                          "apigw: reading the request body file failed");
            return NGX_ERROR;
        }

        p += n;
    }

    return NGX_OK;
}


/* converts the Invoke API's response (body) into the method response */

ngx_int_t
ngx_http_apigw_lambda_response(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *body, ngx_chain_t **out)
{
    ngx_int_t                      rc;
    const char                    *err;
    ngx_http_apigw_json_t          res;
    ngx_http_apigw_alloc_t         a;
    ngx_http_apigw_integration_t  *in;

    in = ctx->method->integration;

    if (ctx->capture_status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: lambda invoke failed with status %ui: \"%*s\"",
                      ctx->capture_status, ngx_min(body->len, 512),
                      body->data);
        goto internal;
    }

    if (ctx->function_error) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: lambda function error: \"%*s\"",
                      ngx_min(body->len, 512), body->data);
        goto malformed;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    /* read in place: the captured body lives as long as the request */

    rc = ngx_http_apigw_json_check(&a, body, 0, &res, &err);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: malformed lambda response: %s", err);
        goto malformed;
    }

    rc = ngx_http_apigw_lambda_result(r, ctx, &res, body, out);

    if (rc == NGX_OK) {
        return NGX_OK;
    }

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

malformed:

    if (in->payload == 20) {
        (void) ngx_http_apigw_send_error(r, ctx,
                                         NGX_HTTP_APIGW_GR_HTTP_API_ERROR);
        return NGX_DECLINED;
    }

    (void) ngx_http_apigw_send_error(r, ctx, NGX_HTTP_APIGW_GR_INTERNAL_ERROR);
    ctx->status_override = NGX_HTTP_BAD_GATEWAY;

    return NGX_DECLINED;

internal:

    (void) ngx_http_apigw_send_error(r, ctx,
                                     in->payload == 20
                                     ? NGX_HTTP_APIGW_GR_HTTP_API_ERROR
                                     : NGX_HTTP_APIGW_GR_INTERNAL_ERROR);
    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_apigw_lambda_result(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_json_t *res, ngx_str_t *raw, ngx_chain_t **out)
{
    ngx_int_t                      code;
    ngx_str_t                      text, decoded, name;
    ngx_buf_t                     *b;
    ngx_uint_t                     i, n;
    ngx_http_apigw_json_t          key, v, item;
    ngx_http_apigw_json_t         *member[NGX_HTTP_APIGW_LAMBDA_NMEMBERS];
    ngx_http_apigw_json_t          value[NGX_HTTP_APIGW_LAMBDA_NMEMBERS];
    ngx_http_apigw_alloc_t         a;
    ngx_http_apigw_json_iter_t     it;
    ngx_http_apigw_lambda_kv_t    *headers, *multi;
    ngx_http_apigw_integration_t  *in;

    in = ctx->method->integration;

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    /* the members the result may have; of a repeated one the last counts */

    ngx_memzero(member, sizeof(member));

    if (res->type == NGX_HTTP_APIGW_JSON_OBJECT) {
        ngx_http_apigw_json_iter(res, &it);

        while (ngx_http_apigw_json_next(&it, &key, &v) == NGX_OK) {
            for (i = 0; i < NGX_HTTP_APIGW_LAMBDA_NMEMBERS; i++) {
                if (ngx_http_apigw_json_is(&key,
                                    ngx_http_apigw_lambda_members[i].name.data,
                                    ngx_http_apigw_lambda_members[i].name.len))
                {
                    value[i] = v;
                    member[i] = &value[i];
                    break;
                }
            }
        }
    }

    ngx_http_apigw_clear_headers(r);

    if (member[NGX_HTTP_APIGW_LAMBDA_STATUS] == NULL) {

        if (in->payload != 20) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "apigw: malformed lambda proxy response: "
                          "no statusCode");
            return NGX_DECLINED;
        }

        /* 2.0 infers a response: a string is the body, JSON otherwise */

        code = NGX_HTTP_OK;
        ngx_str_set(&r->headers_out.content_type, "application/json");

        if (res->type == NGX_HTTP_APIGW_JSON_STRING) {
            if (ngx_http_apigw_json_string(&a, res, &text) != NGX_OK) {
                return NGX_ERROR;
            }

        } else {
            text = *raw;
        }

        goto send;
    }

    /* each member of its types; a null one is as good as none */

    for (i = 0; i < NGX_HTTP_APIGW_LAMBDA_NMEMBERS; i++) {
        if (member[i] == NULL) {
            continue;
        }

        if (!(ngx_http_apigw_lambda_members[i].types
              & (1 << member[i]->type)))
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "apigw: malformed lambda proxy response: %s",
                          i == NGX_HTTP_APIGW_LAMBDA_STATUS
                          ? "invalid statusCode"
                          : "a field of the wrong type");
            return NGX_DECLINED;
        }

        if (member[i]->type == NGX_HTTP_APIGW_JSON_NULL) {
            member[i] = NULL;
        }
    }

    v = *member[NGX_HTTP_APIGW_LAMBDA_STATUS];

    if (v.type == NGX_HTTP_APIGW_JSON_INTEGER) {
        code = (ngx_int_t) ngx_http_apigw_json_integer(&v);

    } else {
        if (ngx_http_apigw_json_string(&a, &v, &text) != NGX_OK) {
            return NGX_ERROR;
        }

        code = ngx_atoi(text.data, text.len);
    }

    if (code < 100 || code > 599) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: malformed lambda proxy response: "
                      "invalid statusCode");
        return NGX_DECLINED;
    }

    /* multiValueHeaders win over headers of the same name */

    headers = NULL;
    multi = NULL;

    if (member[NGX_HTTP_APIGW_LAMBDA_HEADERS]
        && ngx_http_apigw_lambda_object(r,
                                        member[NGX_HTTP_APIGW_LAMBDA_HEADERS],
                                        &headers)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (member[NGX_HTTP_APIGW_LAMBDA_MULTI]
        && ngx_http_apigw_lambda_object(r, member[NGX_HTTP_APIGW_LAMBDA_MULTI],
                                        &multi)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    for ( /* void */ ; headers && headers->name.data; headers++) {
        for (n = 0; multi && multi[n].name.data; n++) {
            if (multi[n].name.len == headers->name.len
                && ngx_strncmp(multi[n].name.data, headers->name.data,
                               headers->name.len)
                   == 0)
            {
                break;
            }
        }

        if (multi && multi[n].name.data) {
            continue;
        }

        if (ngx_http_apigw_lambda_header(r, &headers->name, &headers->value)
            != NGX_OK)
        {
            return NGX_DECLINED;
        }
    }

    for ( /* void */ ; multi && multi->name.data; multi++) {
        if (multi->value.type != NGX_HTTP_APIGW_JSON_ARRAY) {
            if (ngx_http_apigw_lambda_header(r, &multi->name, &multi->value)
                != NGX_OK)
            {
                return NGX_DECLINED;
            }

            continue;
        }

        ngx_http_apigw_json_iter(&multi->value, &it);

        while (ngx_http_apigw_json_next(&it, NULL, &item) == NGX_OK) {
            if (ngx_http_apigw_lambda_header(r, &multi->name, &item)
                != NGX_OK)
            {
                return NGX_DECLINED;
            }
        }
    }

    if (in->payload == 20 && member[NGX_HTTP_APIGW_LAMBDA_COOKIES]) {
        ngx_str_set(&name, "Set-Cookie");
        ngx_http_apigw_json_iter(member[NGX_HTTP_APIGW_LAMBDA_COOKIES], &it);

        while (ngx_http_apigw_json_next(&it, NULL, &item) == NGX_OK) {
            if (ngx_http_apigw_lambda_header(r, &name, &item) != NGX_OK) {
                return NGX_DECLINED;
            }
        }
    }

    ngx_str_null(&text);

    if (member[NGX_HTTP_APIGW_LAMBDA_BODY]
        && ngx_http_apigw_json_string(&a, member[NGX_HTTP_APIGW_LAMBDA_BODY],
                                      &text)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (member[NGX_HTTP_APIGW_LAMBDA_BASE64]
        && member[NGX_HTTP_APIGW_LAMBDA_BASE64]->type
           == NGX_HTTP_APIGW_JSON_TRUE
        && text.len)
    {
        decoded.len = ngx_base64_decoded_length(text.len);
        decoded.data = ngx_pnalloc(r->pool, decoded.len);
        if (decoded.data == NULL) {
            return NGX_ERROR;
        }

        if (ngx_decode_base64(&decoded, &text) != NGX_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "apigw: lambda proxy response: invalid base64 body");
            return NGX_DECLINED;
        }

        text = decoded;
    }

    if (r->headers_out.content_type.len == 0) {
        ngx_str_set(&r->headers_out.content_type, "application/json");
    }

send:

    r->headers_out.status = code;
    r->headers_out.status_line.len = 0;
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.content_length_n = text.len;

    /* the body where it is: in the captured response or a decoded copy */

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (text.len) {
        b->pos = text.data;
        b->last = text.data + text.len;
        b->memory = 1;
    }

    b->last_buf = 1;
    b->last_in_chain = 1;

    *out = ngx_alloc_chain_link(r->pool);
    if (*out == NULL) {
        return NGX_ERROR;
    }

    (*out)->buf = b;
    (*out)->next = NULL;

    ctx->status = code;

    return NGX_OK;
}


/*
 * the members of an object, a NULL name after the last, as jansson
 * holds them: a repeated name where it came first, with its last value
 */

static ngx_int_t
ngx_http_apigw_lambda_object(ngx_http_request_t *r, ngx_http_apigw_json_t *obj,
    ngx_http_apigw_lambda_kv_t **members)
{
    ngx_str_t                     name;
    ngx_uint_t                    i, n, hash;
    ngx_http_apigw_json_t         key, v;
    ngx_http_apigw_alloc_t        a;
    ngx_http_apigw_lambda_kv_t   *kv;
    ngx_http_apigw_json_iter_t    it;

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    n = 0;
    ngx_http_apigw_json_iter(obj, &it);

    while (ngx_http_apigw_json_next(&it, &key, &v) == NGX_OK) {
        n++;
    }

    kv = ngx_palloc(r->pool, (n + 1) * sizeof(ngx_http_apigw_lambda_kv_t));
    if (kv == NULL) {
        return NGX_ERROR;
    }

    n = 0;
    ngx_http_apigw_json_iter(obj, &it);

    while (ngx_http_apigw_json_next(&it, &key, &v) == NGX_OK) {
        if (ngx_http_apigw_json_string(&a, &key, &name) != NGX_OK) {
            return NGX_ERROR;
        }

        hash = ngx_hash_key(name.data, name.len);

        for (i = 0; i < n; i++) {
            if (kv[i].hash == hash
                && kv[i].name.len == name.len
                && ngx_strncmp(kv[i].name.data, name.data, name.len) == 0)
            {
                break;
            }
        }

        if (i == n) {
            kv[n].name = name;
            kv[n++].hash = hash;
        }

        kv[i].value = v;
    }

    kv[n].name.data = NULL;

    *members = kv;

    return NGX_OK;
}


/* a header of the function's response: a string, number or boolean */

static ngx_int_t
ngx_http_apigw_lambda_header(ngx_http_request_t *r, ngx_str_t *name,
    ngx_http_apigw_json_t *value)
{
    u_char                  *p;
    double                   d;
    ngx_str_t                val;
    ngx_uint_t               i;
    ngx_http_apigw_alloc_t   a;
    u_char                   buf[NGX_HTTP_APIGW_LAMBDA_NUMBER_LEN];

    if (name->len == 0) {
        return NGX_ERROR;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    switch (value->type) {

    case NGX_HTTP_APIGW_JSON_STRING:
        if (ngx_http_apigw_json_string(&a, value, &val) != NGX_OK) {
            return NGX_ERROR;
        }

        break;

    case NGX_HTTP_APIGW_JSON_INTEGER:
        val.data = buf;
        val.len = ngx_sprintf(buf, "%L", ngx_http_apigw_json_integer(value))
                  - buf;
        break;

    case NGX_HTTP_APIGW_JSON_REAL:

        /* as jansson's json_real_value() printed with "%.17g" */

        if (ngx_http_apigw_json_real(&a, value, &d) != NGX_OK) {
            return NGX_ERROR;
        }

        val.data = buf;
        val.len = snprintf((char *) buf, sizeof(buf), "%.17g", d);
        break;

    case NGX_HTTP_APIGW_JSON_TRUE:
        ngx_str_set(&val, "true");
        break;

    case NGX_HTTP_APIGW_JSON_FALSE:
        ngx_str_set(&val, "false");
        break;

    case NGX_HTTP_APIGW_JSON_NULL:
        return NGX_OK;

    default:
        return NGX_ERROR;
    }

    /* no response splitting */

    for (i = 0; i < name->len; i++) {
        if (name->data[i] <= ' ' || name->data[i] == ':'
            || name->data[i] >= 0x7f)
        {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < val.len; i++) {
        if (val.data[i] == CR || val.data[i] == LF || val.data[i] == '\0') {
            return NGX_ERROR;
        }
    }

    /* numbers were written on the stack */

    if (val.data == buf) {
        p = ngx_pnalloc(r->pool, val.len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        val.data = ngx_cpymem(p, buf, val.len) - val.len;
    }

    if (name->len == sizeof("Content-Type") - 1
        && ngx_strncasecmp(name->data, (u_char *) "Content-Type", name->len)
           == 0)
    {
        r->headers_out.content_type = val;
        return NGX_OK;
    }

    if (name->len == sizeof("Content-Length") - 1
        && ngx_strncasecmp(name->data, (u_char *) "Content-Length",
                           name->len)
           == 0)
    {
        /* the gateway sets its own */
        return NGX_OK;
    }

    if (ngx_http_apigw_add_header(r, name, &val) == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}
