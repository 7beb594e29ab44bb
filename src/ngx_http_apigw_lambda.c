
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Lambda proxy integrations: the event API Gateway sends (payload
 * formats 1.0 and 2.0), the Invoke API URI, and the conversion of the
 * function's result into the method response, with AWS's 502 rules.
 */


#include "ngx_http_apigw_common.h"

#include <jansson.h>


#define NGX_HTTP_APIGW_LAMBDA_PATH  "/2015-03-31/functions/"


static json_t *ngx_http_apigw_json_str(ngx_str_t *s);
static json_t *ngx_http_apigw_json_str_or_null(ngx_str_t *s);
static ngx_int_t ngx_http_apigw_json_set(json_t *obj, const char *key,
    json_t *value);
static ngx_int_t ngx_http_apigw_event_headers(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, json_t *event, ngx_uint_t v2);
static ngx_int_t ngx_http_apigw_event_query(ngx_http_request_t *r,
    json_t *event, ngx_uint_t v2);
static ngx_int_t ngx_http_apigw_event_params(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, json_t *event, ngx_uint_t v2);
static ngx_int_t ngx_http_apigw_event_context(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, json_t *event, ngx_uint_t v2);
static ngx_int_t ngx_http_apigw_event_iam(json_t *obj,
    ngx_http_apigw_iam_caller_t *caller, ngx_uint_t v2);
static ngx_int_t ngx_http_apigw_event_body(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, json_t *event, ngx_uint_t v2);
static ngx_int_t ngx_http_apigw_ctx_string(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, char *name, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_lambda_result(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, json_t *res, ngx_str_t *raw,
    ngx_chain_t **out);
static ngx_int_t ngx_http_apigw_lambda_header(ngx_http_request_t *r,
    const char *name, json_t *value);


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


/* the proxy event, built once per request */

ngx_int_t
ngx_http_apigw_lambda_event(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *out)
{
    char                          *text;
    json_t                        *event;
    ngx_str_t                      s;
    ngx_uint_t                     v2;
    ngx_http_apigw_integration_t  *in;

    if (ctx->payload.data) {
        *out = ctx->payload;
        return NGX_OK;
    }

    in = ctx->method->integration;
    v2 = (in->payload == 20);

    event = json_object();
    if (event == NULL) {
        return NGX_ERROR;
    }

    if (v2) {
        ngx_str_set(&s, "2.0");

        if (ngx_http_apigw_json_set(event, "version",
                                    ngx_http_apigw_json_str(&s))
            != NGX_OK)
        {
            goto failed;
        }

        if (ngx_http_apigw_ctx_string(r, ctx, "routeKey", &s) != NGX_OK
            || ngx_http_apigw_json_set(event, "routeKey",
                                       ngx_http_apigw_json_str(&s))
               != NGX_OK
            || ngx_http_apigw_json_set(event, "rawPath",
                                       ngx_http_apigw_json_str(&ctx->path))
               != NGX_OK
            || ngx_http_apigw_json_set(event, "rawQueryString",
                                       ngx_http_apigw_json_str(&r->args))
               != NGX_OK)
        {
            goto failed;
        }

    } else {
        if (ngx_http_apigw_json_set(event, "resource",
                                 ngx_http_apigw_json_str(&ctx->resource->path))
            != NGX_OK
            || ngx_http_apigw_json_set(event, "path",
                                       ngx_http_apigw_json_str(&ctx->raw_uri))
               != NGX_OK
            || ngx_http_apigw_json_set(event, "httpMethod",
                                       ngx_http_apigw_json_str(&r->method_name))
               != NGX_OK)
        {
            goto failed;
        }
    }

    if (ngx_http_apigw_event_headers(r, ctx, event, v2) != NGX_OK
        || ngx_http_apigw_event_query(r, event, v2) != NGX_OK
        || ngx_http_apigw_event_params(r, ctx, event, v2) != NGX_OK
        || ngx_http_apigw_event_context(r, ctx, event, v2) != NGX_OK
        || ngx_http_apigw_event_body(r, ctx, event, v2) != NGX_OK)
    {
        goto failed;
    }

    text = json_dumps(event, JSON_COMPACT);
    if (text == NULL) {
        goto failed;
    }

    json_decref(event);

    out->len = ngx_strlen(text);
    out->data = ngx_pnalloc(r->pool, out->len);

    if (out->data == NULL) {
        free(text);
        return NGX_ERROR;
    }

    ngx_memcpy(out->data, text, out->len);
    free(text);

    ctx->payload = *out;

    return NGX_OK;

failed:

    json_decref(event);

    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                  "apigw: building the lambda event failed");

    return NGX_ERROR;
}


static ngx_int_t
ngx_http_apigw_event_headers(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    json_t *event, ngx_uint_t v2)
{
    u_char           *p, *last, *start;
    json_t           *headers, *multi, *list, *cookies, *old;
    ngx_str_t         name, value, joined, cookie;
    ngx_uint_t        i, k, n;
    const char       *key;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    u_char            buf[256];

    headers = json_object();
    multi = v2 ? NULL : json_object();
    cookies = v2 ? json_array() : NULL;

    if (headers == NULL || (!v2 && multi == NULL) || (v2 && cookies == NULL))
    {
        goto failed;
    }

    /* what the client sent, whatever the integration request became */

    part = &ngx_http_apigw_client_headers(r, ctx)->part;
    h = part->elts;
    n = 0;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == 0 || h[i].key.len >= sizeof(buf)) {
            continue;
        }

        if (++n > 1000) {
            break;
        }

        /* a NUL-terminated name: lowercased for 2.0, as the client sent it */

        if (v2) {
            ngx_strlow(buf, h[i].key.data, h[i].key.len);

        } else {
            ngx_memcpy(buf, h[i].key.data, h[i].key.len);
        }

        buf[h[i].key.len] = '\0';
        name.data = buf;
        name.len = h[i].key.len;
        value = h[i].value;

        if (v2 && name.len == 6 && ngx_strncmp(buf, "cookie", 6) == 0) {
            p = value.data;
            last = value.data + value.len;

            while (p < last) {
                while (p < last && (*p == ' ' || *p == ';')) {
                    p++;
                }

                start = p;

                while (p < last && *p != ';') {
                    p++;
                }

                if (p > start) {
                    cookie.data = start;
                    cookie.len = p - start;

                    if (json_array_append_new(cookies,
                                              ngx_http_apigw_json_str(&cookie))
                        != 0)
                    {
                        goto failed;
                    }
                }
            }

            continue;
        }

        /* a repeated header: the same name whatever its case */

        key = (const char *) buf;

        json_object_foreach(headers, key, old) {
            if (ngx_strcasecmp((u_char *) key, buf) == 0) {
                break;
            }
        }

        if (key == NULL) {
            key = (const char *) buf;
            old = NULL;
        }

        if (v2 && old) {
            /* 2.0 joins repeated headers with commas */

            k = ngx_strlen(json_string_value(old));
            joined.len = k + 1 + value.len;
            joined.data = ngx_pnalloc(r->pool, joined.len);
            if (joined.data == NULL) {
                goto failed;
            }

            p = ngx_cpymem(joined.data, json_string_value(old), k);
            *p++ = ',';
            ngx_memcpy(p, value.data, value.len);
            value = joined;
        }

        if (ngx_http_apigw_json_set(headers, key,
                                    ngx_http_apigw_json_str(&value))
            != NGX_OK)
        {
            goto failed;
        }

        if (!v2) {
            list = json_object_get(multi, key);

            if (list == NULL) {
                list = json_array();
                if (ngx_http_apigw_json_set(multi, key, list) != NGX_OK) {
                    goto failed;
                }
            }

            if (json_array_append_new(list, ngx_http_apigw_json_str(&value))
                != 0)
            {
                goto failed;
            }
        }
    }

    if (v2) {
        if (json_array_size(cookies)) {
            if (ngx_http_apigw_json_set(event, "cookies", cookies) != NGX_OK) {
                cookies = NULL;
                goto failed;
            }

        } else {
            json_decref(cookies);
        }

        cookies = NULL;

        if (ngx_http_apigw_json_set(event, "headers", headers) != NGX_OK) {
            return NGX_ERROR;
        }

        return NGX_OK;
    }

    if (ngx_http_apigw_json_set(event, "headers", headers) != NGX_OK) {
        headers = NULL;
        goto failed;
    }

    return ngx_http_apigw_json_set(event, "multiValueHeaders", multi);

failed:

    json_decref(headers);
    json_decref(multi);
    json_decref(cookies);

    return NGX_ERROR;
}


static ngx_int_t
ngx_http_apigw_event_query(ngx_http_request_t *r, json_t *event,
    ngx_uint_t v2)
{
    u_char      *p, *last, *start, *eq, *q;
    json_t      *single, *multi, *list, *old;
    ngx_str_t    name, value, joined;
    ngx_uint_t   n;

    if (r->args.len == 0) {
        if (v2) {
            return NGX_OK;
        }

        if (ngx_http_apigw_json_set(event, "queryStringParameters",
                                    json_null())
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        return ngx_http_apigw_json_set(event,
                                       "multiValueQueryStringParameters",
                                       json_null());
    }

    single = json_object();
    multi = v2 ? NULL : json_object();

    if (single == NULL || (!v2 && multi == NULL)) {
        goto failed;
    }

    p = r->args.data;
    last = r->args.data + r->args.len;
    n = 0;

    while (p < last) {
        start = p;

        while (p < last && *p != '&') {
            p++;
        }

        if (p == start) {
            p++;
            continue;
        }

        if (++n > 1000) {
            break;
        }

        eq = ngx_strlchr(start, p, '=');

        /* a decoded, NUL-terminated copy of the name and the value */

        q = ngx_pnalloc(r->pool, p - start + 2);
        if (q == NULL) {
            goto failed;
        }

        name.data = q;
        name.len = (eq ? eq : p) - start;
        ngx_memcpy(q, start, name.len);
        ngx_http_apigw_unescape_arg(&name);
        name.data[name.len] = '\0';

        value.data = name.data + name.len + 1;
        value.len = eq ? (size_t) (p - eq - 1) : 0;

        if (eq) {
            ngx_memcpy(value.data, eq + 1, value.len);
        }

        ngx_http_apigw_unescape_arg(&value);

        if (p < last) {
            p++;
        }

        if (name.len == 0 || ngx_strlen(name.data) != name.len) {
            continue;
        }

        old = json_object_get(single, (char *) name.data);

        if (v2 && old) {
            joined.len = ngx_strlen(json_string_value(old)) + 1 + value.len;
            joined.data = ngx_pnalloc(r->pool, joined.len);
            if (joined.data == NULL) {
                goto failed;
            }

            q = ngx_cpymem(joined.data, json_string_value(old),
                           joined.len - 1 - value.len);
            *q++ = ',';
            ngx_memcpy(q, value.data, value.len);
            value = joined;
        }

        if (ngx_http_apigw_json_set(single, (char *) name.data,
                                    ngx_http_apigw_json_str(&value))
            != NGX_OK)
        {
            goto failed;
        }

        if (!v2) {
            list = json_object_get(multi, (char *) name.data);

            if (list == NULL) {
                list = json_array();
                if (ngx_http_apigw_json_set(multi, (char *) name.data, list)
                    != NGX_OK)
                {
                    goto failed;
                }
            }

            if (json_array_append_new(list, ngx_http_apigw_json_str(&value))
                != 0)
            {
                goto failed;
            }
        }
    }

    if (ngx_http_apigw_json_set(event, "queryStringParameters", single)
        != NGX_OK)
    {
        single = NULL;
        goto failed;
    }

    if (v2) {
        return NGX_OK;
    }

    return ngx_http_apigw_json_set(event, "multiValueQueryStringParameters",
                                   multi);

failed:

    json_decref(single);
    json_decref(multi);

    return NGX_ERROR;
}


/* query arguments decode "+" as a space, as AWS does */

void
ngx_http_apigw_unescape_arg(ngx_str_t *s)
{
    u_char      *dst, *src;
    ngx_uint_t   i;

    for (i = 0; i < s->len; i++) {
        if (s->data[i] == '+') {
            s->data[i] = ' ';
        }
    }

    dst = s->data;
    src = s->data;

    ngx_unescape_uri(&dst, &src, s->len, NGX_UNESCAPE_URI);

    s->len = dst - s->data;
}


static ngx_int_t
ngx_http_apigw_event_params(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    json_t *event, ngx_uint_t v2)
{
    json_t        *obj, *value;
    ngx_uint_t     i;
    ngx_keyval_t  *kv;
    u_char         name[256];

    obj = NULL;

    if (ctx->resource && ctx->resource->nparams) {
        obj = json_object();
        if (obj == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < ctx->resource->nparams; i++) {
            if (ctx->params[i].key.len >= sizeof(name)) {
                continue;
            }

            ngx_memcpy(name, ctx->params[i].key.data, ctx->params[i].key.len);
            name[ctx->params[i].key.len] = '\0';

            value = ngx_http_apigw_json_str(&ctx->params[i].value);

            if (ngx_http_apigw_json_set(obj, (char *) name, value) != NGX_OK)
            {
                json_decref(obj);
                return NGX_ERROR;
            }
        }
    }

    if (obj || !v2) {
        if (ngx_http_apigw_json_set(event, "pathParameters",
                                    obj ? obj : json_null())
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    obj = NULL;

    if (ctx->stage && ctx->stage->variables.nelts) {
        obj = json_object();
        if (obj == NULL) {
            return NGX_ERROR;
        }

        kv = ctx->stage->variables.elts;

        for (i = 0; i < ctx->stage->variables.nelts; i++) {
            /* names were checked at configuration time: short, NUL-ended */

            if (ngx_http_apigw_json_set(obj, (char *) kv[i].key.data,
                                        ngx_http_apigw_json_str(&kv[i].value))
                != NGX_OK)
            {
                json_decref(obj);
                return NGX_ERROR;
            }
        }
    }

    if (obj || !v2) {
        return ngx_http_apigw_json_set(event, "stageVariables",
                                       obj ? obj : json_null());
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_event_context(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    json_t *event, ngx_uint_t v2)
{
    json_t      *rc, *sub;
    ngx_str_t    value;
    ngx_uint_t   i;

    static char  *common[] = {
        "accountId", "apiId", "domainName", "domainPrefix", NULL
    };

    static char  *v1[] = {
        "deploymentId", "extendedRequestId", "httpMethod", NULL
    };

    static char  *v1_tail[] = {
        "path", "protocol", "requestId", "requestTime", NULL
    };

    static char  *identity[] = {
        "accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
        "cognitoAuthenticationType", "cognitoIdentityId",
        "cognitoIdentityPoolId", "principalOrgId", NULL
    };

    rc = json_object();
    if (rc == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; common[i]; i++) {
        if (ngx_http_apigw_ctx_string(r, ctx, common[i], &value) != NGX_OK
            || ngx_http_apigw_json_set(rc, common[i],
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK)
        {
            goto failed;
        }

        /* what an authorizer found out, after "apiId" as AWS orders it */

        if (i == 1 && ctx->authorizer
            && ngx_http_apigw_json_set(rc, "authorizer",
                                       json_incref((v2 && ctx->authorizer_v2)
                                                   ? ctx->authorizer_v2
                                                   : ctx->authorizer))
               != NGX_OK)
        {
            goto failed;
        }
    }

    if (v2) {
        sub = json_object();

        if (sub == NULL
            || ngx_http_apigw_json_set(rc, "http", sub) != NGX_OK
            || ngx_http_apigw_json_set(sub, "method",
                                      ngx_http_apigw_json_str(&r->method_name))
               != NGX_OK
            || ngx_http_apigw_json_set(sub, "path",
                                       ngx_http_apigw_json_str(&ctx->path))
               != NGX_OK
            || ngx_http_apigw_json_set(sub, "protocol",
                                    ngx_http_apigw_json_str(&r->http_protocol))
               != NGX_OK
            || ngx_http_apigw_ctx_string(r, ctx, "identity.sourceIp", &value)
               != NGX_OK
            || ngx_http_apigw_json_set(sub, "sourceIp",
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK
            || ngx_http_apigw_ctx_string(r, ctx, "identity.userAgent", &value)
               != NGX_OK
            || ngx_http_apigw_json_set(sub, "userAgent",
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK)
        {
            goto failed;
        }

        if (ngx_http_apigw_ctx_string(r, ctx, "requestId", &value) != NGX_OK
            || ngx_http_apigw_json_set(rc, "requestId",
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK
            || ngx_http_apigw_ctx_string(r, ctx, "routeKey", &value) != NGX_OK
            || ngx_http_apigw_json_set(rc, "routeKey",
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK
            || ngx_http_apigw_ctx_string(r, ctx, "stage", &value) != NGX_OK
            || ngx_http_apigw_json_set(rc, "stage",
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK
            || ngx_http_apigw_ctx_string(r, ctx, "requestTime", &value)
               != NGX_OK
            || ngx_http_apigw_json_set(rc, "time",
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK
            || ngx_http_apigw_json_set(rc, "timeEpoch",
                        json_integer((json_int_t) r->start_sec * 1000
                                     + r->start_msec))
               != NGX_OK)
        {
            goto failed;
        }

        if (ctx->iam_caller
            && ngx_http_apigw_event_iam(rc, ctx->iam_caller, 1) != NGX_OK)
        {
            goto failed;
        }

        return ngx_http_apigw_json_set(event, "requestContext", rc);
    }

    for (i = 0; v1[i]; i++) {
        if (ngx_http_apigw_ctx_string(r, ctx, v1[i], &value) != NGX_OK
            || ngx_http_apigw_json_set(rc, v1[i],
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK)
        {
            goto failed;
        }
    }

    sub = json_object();

    if (sub == NULL || ngx_http_apigw_json_set(rc, "identity", sub) != NGX_OK) {
        goto failed;
    }

    for (i = 0; identity[i]; i++) {
        if (ngx_http_apigw_json_set(sub, identity[i], json_null()) != NGX_OK) {
            goto failed;
        }
    }

    if (ctx->api_key.len
        && (ngx_http_apigw_json_set(sub, "apiKey",
                                    ngx_http_apigw_json_str(&ctx->api_key))
            != NGX_OK
            || ngx_http_apigw_json_set(sub, "apiKeyId",
                                     ngx_http_apigw_json_str(&ctx->api_key_id))
               != NGX_OK))
    {
        goto failed;
    }

    if (ngx_http_apigw_ctx_string(r, ctx, "identity.sourceIp", &value)
        != NGX_OK
        || ngx_http_apigw_json_set(sub, "sourceIp",
                                   ngx_http_apigw_json_str(&value))
           != NGX_OK
        || ngx_http_apigw_json_set(sub, "user", json_null()) != NGX_OK
        || ngx_http_apigw_ctx_string(r, ctx, "identity.userAgent", &value)
           != NGX_OK
        || ngx_http_apigw_json_set(sub, "userAgent",
                                   ngx_http_apigw_json_str_or_null(&value))
           != NGX_OK
        || ngx_http_apigw_json_set(sub, "userArn", json_null()) != NGX_OK)
    {
        goto failed;
    }

    if (ctx->iam_caller
        && ngx_http_apigw_event_iam(sub, ctx->iam_caller, 0) != NGX_OK)
    {
        goto failed;
    }

    for (i = 0; v1_tail[i]; i++) {
        if (ngx_http_apigw_ctx_string(r, ctx, v1_tail[i], &value) != NGX_OK
            || ngx_http_apigw_json_set(rc, v1_tail[i],
                                       ngx_http_apigw_json_str(&value))
               != NGX_OK)
        {
            goto failed;
        }
    }

    if (ngx_http_apigw_json_set(rc, "requestTimeEpoch",
                                json_integer((json_int_t) r->start_sec * 1000
                                             + r->start_msec))
        != NGX_OK
        || ngx_http_apigw_ctx_string(r, ctx, "resourceId", &value) != NGX_OK
        || ngx_http_apigw_json_set(rc, "resourceId",
                                   ngx_http_apigw_json_str(&value))
           != NGX_OK
        || ngx_http_apigw_ctx_string(r, ctx, "resourcePath", &value)
           != NGX_OK
        || ngx_http_apigw_json_set(rc, "resourcePath",
                                   ngx_http_apigw_json_str(&value))
           != NGX_OK
        || ngx_http_apigw_ctx_string(r, ctx, "stage", &value) != NGX_OK
        || ngx_http_apigw_json_set(rc, "stage",
                                   ngx_http_apigw_json_str(&value))
           != NGX_OK)
    {
        goto failed;
    }

    return ngx_http_apigw_json_set(event, "requestContext", rc);

failed:

    json_decref(rc);

    return NGX_ERROR;
}


/*
 * An IAM caller: 1.0's requestContext.identity (its keys are there,
 * null, and keep their place), 2.0's requestContext.authorizer.iam
 */

static ngx_int_t
ngx_http_apigw_event_iam(json_t *obj, ngx_http_apigw_iam_caller_t *caller,
    ngx_uint_t v2)
{
    json_t  *authorizer, *iam;

    if (v2) {
        /* json_object_set_new() takes the reference even when it fails */

        authorizer = json_object();

        if (ngx_http_apigw_json_set(obj, "authorizer", authorizer) != NGX_OK)
        {
            return NGX_ERROR;
        }

        iam = json_object();

        if (ngx_http_apigw_json_set(authorizer, "iam", iam) != NGX_OK) {
            return NGX_ERROR;
        }

        obj = iam;
    }

    if (ngx_http_apigw_json_set(obj, "accessKey",
                                ngx_http_apigw_json_str(&caller->access_key))
        != NGX_OK
        || ngx_http_apigw_json_set(obj, "accountId",
                                   ngx_http_apigw_json_str(&caller->account))
           != NGX_OK
        || ngx_http_apigw_json_set(obj, v2 ? "callerId" : "caller",
                                   ngx_http_apigw_json_str(&caller->user_id))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (v2) {
        return (ngx_http_apigw_json_set(obj, "cognitoIdentity", json_null())
                != NGX_OK
                || ngx_http_apigw_json_set(obj, "principalOrgId",
                                           json_null())
                   != NGX_OK
                || ngx_http_apigw_json_set(obj, "userArn",
                                       ngx_http_apigw_json_str(&caller->arn))
                   != NGX_OK
                || ngx_http_apigw_json_set(obj, "userId",
                                   ngx_http_apigw_json_str(&caller->user_id))
                   != NGX_OK)
               ? NGX_ERROR : NGX_OK;
    }

    if (ngx_http_apigw_json_set(obj, "user",
                                ngx_http_apigw_json_str(&caller->user_id))
        != NGX_OK
        || ngx_http_apigw_json_set(obj, "userArn",
                                   ngx_http_apigw_json_str(&caller->arn))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The method request as an event describes it, without the body: what
 * a REQUEST authorizer receives (lambda_auth.c): headers, query string,
 * path parameters, stage variables, requestContext
 */

ngx_int_t
ngx_http_apigw_lambda_event_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, json_t *event, ngx_uint_t v2)
{
    if (ngx_http_apigw_event_headers(r, ctx, event, v2) != NGX_OK
        || ngx_http_apigw_event_query(r, event, v2) != NGX_OK
        || ngx_http_apigw_event_params(r, ctx, event, v2) != NGX_OK
        || ngx_http_apigw_event_context(r, ctx, event, v2) != NGX_OK)
    {
        return NGX_ERROR;
    }

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


static ngx_int_t
ngx_http_apigw_event_body(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    json_t *event, ngx_uint_t v2)
{
    ngx_str_t  body, encoded;

    if (ngx_http_apigw_read_body(r, &body) != NGX_OK) {
        return NGX_ERROR;
    }

    if (body.data == NULL) {
        if (!v2
            && ngx_http_apigw_json_set(event, "body", json_null()) != NGX_OK)
        {
            return NGX_ERROR;
        }

        return ngx_http_apigw_json_set(event, "isBase64Encoded",
                                       json_false());
    }

    if (ngx_http_apigw_is_binary(r, ctx->method)) {

        /* a binary media type: the event carries the body base64-encoded */

        encoded.len = ngx_base64_encoded_length(body.len);
        encoded.data = ngx_pnalloc(r->pool, encoded.len);
        if (encoded.data == NULL) {
            return NGX_ERROR;
        }

        ngx_encode_base64(&encoded, &body);

        if (ngx_http_apigw_json_set(event, "body",
                                    ngx_http_apigw_json_str(&encoded))
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        return ngx_http_apigw_json_set(event, "isBase64Encoded", json_true());
    }

    if (ngx_http_apigw_json_set(event, "body", ngx_http_apigw_json_str(&body))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_apigw_json_set(event, "isBase64Encoded", json_false());
}


static ngx_int_t
ngx_http_apigw_ctx_string(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    char *name, ngx_str_t *value)
{
    u_char                        *p;
    ngx_str_t                      n;
    ngx_http_apigw_method_t       *m;
    ngx_http_apigw_context_var_t  *var;

    n.data = (u_char *) name;
    n.len = ngx_strlen(name);

    ngx_str_null(value);

    if (n.len == 8 && ngx_strncmp(name, "routeKey", 8) == 0) {
        m = ctx->method->method;

        value->len = m->name.len + 1 + ctx->resource->path.len;
        value->data = ngx_pnalloc(r->pool, value->len);
        if (value->data == NULL) {
            return NGX_ERROR;
        }

        p = ngx_cpymem(value->data, m->name.data, m->name.len);
        *p++ = ' ';
        ngx_memcpy(p, ctx->resource->path.data, ctx->resource->path.len);

        return NGX_OK;
    }

    var = ngx_http_apigw_context_var(&n);
    if (var == NULL) {
        return NGX_OK;
    }

    return var->get(r, ctx, value);
}


/* converts the Invoke API's response (body) into the method response */

ngx_int_t
ngx_http_apigw_lambda_response(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *body, ngx_chain_t **out)
{
    json_t                        *res;
    ngx_int_t                      rc;
    json_error_t                   err;
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

    res = json_loadb((char *) body->data, body->len, JSON_DECODE_ANY, &err);

    if (res == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: malformed lambda response: %s", err.text);
        goto malformed;
    }

    rc = ngx_http_apigw_lambda_result(r, ctx, res, body, out);

    json_decref(res);

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
    json_t *res, ngx_str_t *raw, ngx_chain_t **out)
{
    json_t                        *status, *headers, *multi, *body, *b64,
                                  *cookies, *v, *item;
    size_t                         i;
    ngx_int_t                      code;
    ngx_str_t                      text, decoded;
    ngx_buf_t                     *b;
    const char                    *key;
    ngx_http_apigw_integration_t  *in;

    in = ctx->method->integration;

    status = json_is_object(res) ? json_object_get(res, "statusCode") : NULL;

    ngx_http_apigw_clear_headers(r);

    if (status == NULL) {

        if (in->payload != 20) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "apigw: malformed lambda proxy response: "
                          "no statusCode");
            return NGX_DECLINED;
        }

        /* 2.0 infers a response: a string is the body, JSON otherwise */

        code = NGX_HTTP_OK;
        ngx_str_set(&r->headers_out.content_type, "application/json");

        if (json_is_string(res)) {
            text.data = (u_char *) json_string_value(res);
            text.len = json_string_length(res);

        } else {
            text = *raw;
        }

        goto send;
    }

    if (json_is_integer(status)) {
        code = json_integer_value(status);

    } else if (json_is_string(status)) {
        code = ngx_atoi((u_char *) json_string_value(status),
                        json_string_length(status));

    } else {
        code = NGX_ERROR;
    }

    if (code < 100 || code > 599) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: malformed lambda proxy response: "
                      "invalid statusCode");
        return NGX_DECLINED;
    }

    headers = json_object_get(res, "headers");
    multi = json_object_get(res, "multiValueHeaders");
    body = json_object_get(res, "body");
    b64 = json_object_get(res, "isBase64Encoded");
    cookies = json_object_get(res, "cookies");

    if ((headers && !json_is_object(headers) && !json_is_null(headers))
        || (multi && !json_is_object(multi) && !json_is_null(multi))
        || (body && !json_is_string(body) && !json_is_null(body))
        || (b64 && !json_is_boolean(b64) && !json_is_null(b64))
        || (cookies && !json_is_array(cookies) && !json_is_null(cookies)))
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: malformed lambda proxy response: "
                      "a field of the wrong type");
        return NGX_DECLINED;
    }

    /* multiValueHeaders win over headers of the same name */

    if (json_is_object(headers)) {
        json_object_foreach(headers, key, v) {
            if (json_is_object(multi) && json_object_get(multi, key)) {
                continue;
            }

            if (ngx_http_apigw_lambda_header(r, key, v) != NGX_OK) {
                return NGX_DECLINED;
            }
        }
    }

    if (json_is_object(multi)) {
        json_object_foreach(multi, key, v) {
            if (!json_is_array(v)) {
                if (ngx_http_apigw_lambda_header(r, key, v) != NGX_OK) {
                    return NGX_DECLINED;
                }

                continue;
            }

            json_array_foreach(v, i, item) {
                if (ngx_http_apigw_lambda_header(r, key, item) != NGX_OK) {
                    return NGX_DECLINED;
                }
            }
        }
    }

    if (in->payload == 20 && json_is_array(cookies)) {
        json_array_foreach(cookies, i, item) {
            if (ngx_http_apigw_lambda_header(r, "Set-Cookie", item)
                != NGX_OK)
            {
                return NGX_DECLINED;
            }
        }
    }

    if (json_is_string(body)) {
        text.data = (u_char *) json_string_value(body);
        text.len = json_string_length(body);

    } else {
        ngx_str_null(&text);
    }

    if (json_is_true(b64) && text.len) {
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

    /* the function's strings are freed with the JSON: copy the body */

    b = ngx_create_temp_buf(r->pool, text.len ? text.len : 1);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->last = ngx_cpymem(b->pos, text.data, text.len);
    b->last_buf = 1;
    b->last_in_chain = 1;

    if (text.len == 0) {
        b->temporary = 0;
    }

    *out = ngx_alloc_chain_link(r->pool);
    if (*out == NULL) {
        return NGX_ERROR;
    }

    (*out)->buf = b;
    (*out)->next = NULL;

    ctx->status = code;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_lambda_header(ngx_http_request_t *r, const char *name,
    json_t *value)
{
    u_char      *p;
    size_t       len;
    ngx_str_t    key, val;
    ngx_uint_t   i;
    u_char       buf[64];

    key.len = ngx_strlen(name);

    if (key.len == 0) {
        return NGX_ERROR;
    }

    if (json_is_string(value)) {
        val.data = (u_char *) json_string_value(value);
        val.len = json_string_length(value);

    } else if (json_is_integer(value) || json_is_real(value)
               || json_is_boolean(value))
    {
        len = json_is_integer(value)
              ? (size_t) (ngx_sprintf(buf, "%L",
                                 (int64_t) json_integer_value(value)) - buf)
              : json_is_real(value)
                ? (size_t) snprintf((char *) buf, sizeof(buf), "%.17g",
                                    json_real_value(value))
                : (size_t) (ngx_cpymem(buf, json_is_true(value) ? "true"
                                                                 : "false",
                                       json_is_true(value) ? 4 : 5) - buf);
        val.data = buf;
        val.len = len;

    } else if (json_is_null(value)) {
        return NGX_OK;

    } else {
        return NGX_ERROR;
    }

    /* no response splitting */

    for (i = 0; i < key.len; i++) {
        if (name[i] <= ' ' || name[i] == ':' || name[i] >= 0x7f) {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < val.len; i++) {
        if (val.data[i] == CR || val.data[i] == LF || val.data[i] == '\0') {
            return NGX_ERROR;
        }
    }

    p = ngx_pnalloc(r->pool, key.len + val.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    key.data = ngx_cpymem(p, name, key.len) - key.len;
    val.data = ngx_cpymem(p + key.len, val.data, val.len) - val.len;

    if (key.len == sizeof("Content-Type") - 1
        && ngx_strncasecmp(key.data, (u_char *) "Content-Type", key.len) == 0)
    {
        r->headers_out.content_type = val;
        return NGX_OK;
    }

    if (key.len == sizeof("Content-Length") - 1
        && ngx_strncasecmp(key.data, (u_char *) "Content-Length", key.len)
           == 0)
    {
        /* the gateway sets its own */
        return NGX_OK;
    }

    if (ngx_http_apigw_add_header(r, &key, &val) == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* JSON strings must be UTF-8: invalid sequences become U+FFFD */

static json_t *
ngx_http_apigw_json_str(ngx_str_t *s)
{
    u_char      *p, *last, *dst, *copy;
    json_t      *j;
    uint32_t     c, min;
    ngx_uint_t   n, i;

    j = json_stringn(s->len ? (char *) s->data : "", s->len);
    if (j) {
        return j;
    }

    copy = malloc(s->len * 3);
    if (copy == NULL) {
        return NULL;
    }

    p = s->data;
    last = s->data + s->len;
    dst = copy;

    while (p < last) {
        c = *p;

        if (c < 0x80) {
            *dst++ = *p++;
            continue;
        }

        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            c &= 0x1f;
            min = 0x80;

        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            c &= 0x0f;
            min = 0x800;

        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            c &= 0x07;
            min = 0x10000;

        } else {
            goto invalid;
        }

        if ((size_t) (last - p) <= n) {
            goto invalid;
        }

        for (i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                goto invalid;
            }

            c = (c << 6) | (p[i] & 0x3f);
        }

        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
            goto invalid;
        }

        dst = ngx_cpymem(dst, p, n + 1);
        p += n + 1;
        continue;

    invalid:

        dst = ngx_cpymem(dst, "\xef\xbf\xbd", 3);
        p++;
    }

    j = json_stringn((char *) copy, dst - copy);

    free(copy);

    return j;
}


static json_t *
ngx_http_apigw_json_str_or_null(ngx_str_t *s)
{
    return s->data ? ngx_http_apigw_json_str(s) : json_null();
}


static ngx_int_t
ngx_http_apigw_json_set(json_t *obj, const char *key, json_t *value)
{
    if (value == NULL) {
        return NGX_ERROR;
    }

    return json_object_set_new(obj, key, value) == 0 ? NGX_OK : NGX_ERROR;
}
