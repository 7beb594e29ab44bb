
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The proxy event of a Lambda integration (payload formats 1.0 and
 * 2.0), written straight into one buffer of the request pool: members
 * in the order API Gateway sends them, strings escaped as they are
 * copied, as jansson's json_dumps() escapes them, ill-formed UTF-8 as
 * U+FFFD.  REQUEST Lambda authorizers take their event's members from
 * the same text (without the body).  (Mapping templates build their own
 * values: mapping_values.c.)
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_mapping.h"
#include "ngx_http_apigw_util.h"
#include "ngx_http_apigw_json.h"

#include <jansson.h>


/* the most headers and query arguments an event takes, as on AWS */
#define NGX_HTTP_APIGW_EVENT_MAX_ITEMS  1000

/* header names this long or longer are left out */
#define NGX_HTTP_APIGW_EVENT_MAX_NAME   256

/* what an event takes besides its headers, query and body */
#define NGX_HTTP_APIGW_EVENT_BASE       1536

/* a literal: its length known, the copy inlined */
#define ngx_http_apigw_ew_lit(ew, s)                                         \
    do {                                                                     \
        if ((size_t) ((ew)->end - (ew)->pos) >= sizeof(s) - 1               \
            || ngx_http_apigw_ew_reserve(ew, sizeof(s) - 1) == NGX_OK)       \
        {                                                                    \
            (ew)->pos = ngx_cpymem((ew)->pos, s, sizeof(s) - 1);             \
        }                                                                    \
    } while (0)


/* the text being written; failed: out of memory, the rest is skipped */

typedef struct {
    u_char                        *start;
    u_char                        *pos;
    u_char                        *end;
    ngx_pool_t                    *pool;
    ngx_uint_t                     failed;
} ngx_http_apigw_ew_t;


/*
 * a header or a query argument; the items of one name are chained from
 * the first of them (first) through next, 0 after the last
 */
typedef struct {
    ngx_str_t                      name;
    ngx_str_t                      value;
    ngx_uint_t                     hash;
    ngx_uint_t                     next;
    ngx_uint_t                     last;
    unsigned                       first:1;
    unsigned                       cookie:1;
} ngx_http_apigw_event_item_t;


typedef struct {
    ngx_http_apigw_event_item_t   *items;
    ngx_uint_t                     nitems;
    size_t                         size;    /* bytes of names and values */
} ngx_http_apigw_event_list_t;


static ngx_int_t ngx_http_apigw_event_write(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_uint_t v2, ngx_uint_t with_body,
    ngx_str_t *out);
static ngx_int_t ngx_http_apigw_event_headers(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_uint_t v2,
    ngx_http_apigw_event_list_t *list);
static ngx_int_t ngx_http_apigw_event_query(ngx_http_request_t *r,
    ngx_http_apigw_event_list_t *list);
static void ngx_http_apigw_event_group(ngx_http_apigw_event_list_t *list,
    ngx_uint_t caseless);
static ngx_int_t ngx_http_apigw_event_body(ngx_http_request_t *r,
    ngx_str_t *body);
static void ngx_http_apigw_write_cookies(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_event_list_t *list);
static void ngx_http_apigw_write_single(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_event_list_t *list, ngx_uint_t join);
static void ngx_http_apigw_write_multi(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_event_list_t *list);
static void ngx_http_apigw_write_params(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_ctx_t *ctx, ngx_uint_t v2);
static void ngx_http_apigw_write_context(ngx_http_apigw_ew_t *ew,
    ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx, ngx_uint_t v2);
static void ngx_http_apigw_write_authorizer(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_ctx_t *ctx, ngx_uint_t v2);
static void ngx_http_apigw_write_body(ngx_http_apigw_ew_t *ew,
    ngx_str_t *body, ngx_uint_t binary, ngx_uint_t v2);

static ngx_int_t ngx_http_apigw_ew_reserve(ngx_http_apigw_ew_t *ew,
    size_t n);
static void ngx_http_apigw_ew_escaped(ngx_http_apigw_ew_t *ew,
    ngx_str_t *s);
static void ngx_http_apigw_ew_str(ngx_http_apigw_ew_t *ew, ngx_str_t *s);
static void ngx_http_apigw_ew_key(ngx_http_apigw_ew_t *ew, ngx_str_t *s);
static void ngx_http_apigw_ew_json(ngx_http_apigw_ew_t *ew, json_t *j);
static int ngx_http_apigw_ew_dumped(const char *buf, size_t size,
    void *data);
static void ngx_http_apigw_ew_cv(ngx_http_apigw_ew_t *ew,
    ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_cv_e cv,
    ngx_uint_t null);
static void ngx_http_apigw_ew_epoch(ngx_http_apigw_ew_t *ew,
    ngx_http_request_t *r);


/* the proxy event, written once per request */

ngx_int_t
ngx_http_apigw_lambda_event(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *out)
{
    ngx_uint_t  v2;

    if (ctx->payload.data) {
        *out = ctx->payload;
        return NGX_OK;
    }

    v2 = (ctx->method->integration->payload == 20);

    if (ngx_http_apigw_event_write(r, ctx, v2, 1, out) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "apigw: writing the lambda event failed");
        return NGX_ERROR;
    }

    ctx->payload = *out;

    return NGX_OK;
}


/*
 * The method request as an event describes it, without the body: what
 * a REQUEST authorizer receives (lambda_auth.c) besides its own members:
 * headers (2.0: and cookies), query string, path parameters, stage
 * variables, requestContext; the members event already has keep their
 * place, as json_object_update() keeps it.
 */

ngx_int_t
ngx_http_apigw_lambda_event_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, json_t *event, ngx_uint_t v2)
{
    json_t        *j;
    ngx_int_t      rc;
    ngx_str_t      text;
    json_error_t   err;

    if (ngx_http_apigw_event_write(r, ctx, v2, 0, &text) != NGX_OK) {
        return NGX_ERROR;
    }

    /* query arguments may decode to NUL: jansson takes them as "\u0000" */

    j = json_loadb((char *) text.data, text.len, JSON_ALLOW_NUL, &err);

    if (j == NULL) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "apigw: reading the authorizer event failed: %s",
                      err.text);
        return NGX_ERROR;
    }

    rc = (json_object_update(event, j) == 0) ? NGX_OK : NGX_ERROR;

    json_decref(j);

    return rc;
}


/*
 * the event; with_body: the proxy event, without: a REQUEST authorizer's
 * members
 */

static ngx_int_t
ngx_http_apigw_event_write(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_uint_t v2, ngx_uint_t with_body, ngx_str_t *out)
{
    size_t                        size;
    ngx_str_t                     body;
    ngx_uint_t                    binary;
    ngx_http_apigw_ew_t           ew;
    ngx_http_apigw_method_t      *m;
    ngx_http_apigw_event_list_t   headers, query;

    if (ngx_http_apigw_event_headers(r, ctx, v2, &headers) != NGX_OK
        || ngx_http_apigw_event_query(r, &query) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_str_null(&body);
    binary = 0;

    if (with_body) {
        if (ngx_http_apigw_event_body(r, &body) != NGX_OK) {
            return NGX_ERROR;
        }

        binary = body.data && ngx_http_apigw_is_binary(r, ctx->method);
    }

    /* one allocation in the usual case: the body measured exactly */

    size = NGX_HTTP_APIGW_EVENT_BASE + 2 * headers.size + 3 * query.size
           + 2 * ctx->path.len;

    if (binary) {
        size += ngx_base64_encoded_length(body.len);

    } else if (body.len) {
        size += ngx_http_apigw_util_json_escape(NULL, body.data, body.len);
    }

    ew.start = ngx_pnalloc(r->pool, size);
    if (ew.start == NULL) {
        return NGX_ERROR;
    }

    ew.pos = ew.start;
    ew.end = ew.start + size;
    ew.pool = r->pool;
    ew.failed = 0;

    if (v2) {
        m = ctx->method->method;

        ngx_http_apigw_ew_lit(&ew, "{\"version\":\"2.0\",\"routeKey\":\"");
        ngx_http_apigw_ew_escaped(&ew, &m->name);
        ngx_http_apigw_ew_lit(&ew, " ");
        ngx_http_apigw_ew_escaped(&ew, &ctx->resource->path);
        ngx_http_apigw_ew_lit(&ew, "\",\"rawPath\":");
        ngx_http_apigw_ew_str(&ew, &ctx->path);
        ngx_http_apigw_ew_lit(&ew, ",\"rawQueryString\":");
        ngx_http_apigw_ew_str(&ew, &r->args);

    } else {
        ngx_http_apigw_ew_lit(&ew, "{\"resource\":");
        ngx_http_apigw_ew_str(&ew, &ctx->resource->path);
        ngx_http_apigw_ew_lit(&ew, ",\"path\":");
        ngx_http_apigw_ew_str(&ew, &ctx->raw_uri);
        ngx_http_apigw_ew_lit(&ew, ",\"httpMethod\":");
        ngx_http_apigw_ew_str(&ew, &r->method_name);
    }

    if (v2) {
        ngx_http_apigw_write_cookies(&ew, &headers);
        ngx_http_apigw_ew_lit(&ew, ",\"headers\":");
        ngx_http_apigw_write_single(&ew, &headers, 1);

    } else {
        ngx_http_apigw_ew_lit(&ew, ",\"headers\":");
        ngx_http_apigw_write_single(&ew, &headers, 0);
        ngx_http_apigw_ew_lit(&ew, ",\"multiValueHeaders\":");
        ngx_http_apigw_write_multi(&ew, &headers);
    }

    /* no arguments ("?", "?&", "?=x" too): null in 1.0, 2.0 omits them */

    if (v2) {
        if (query.nitems) {
            ngx_http_apigw_ew_lit(&ew, ",\"queryStringParameters\":");
            ngx_http_apigw_write_single(&ew, &query, 1);
        }

    } else if (query.nitems) {
        ngx_http_apigw_ew_lit(&ew, ",\"queryStringParameters\":");
        ngx_http_apigw_write_single(&ew, &query, 0);
        ngx_http_apigw_ew_lit(&ew, ",\"multiValueQueryStringParameters\":");
        ngx_http_apigw_write_multi(&ew, &query);

    } else {
        ngx_http_apigw_ew_lit(&ew, ",\"queryStringParameters\":null"
                                   ",\"multiValueQueryStringParameters\":null");
    }

    ngx_http_apigw_write_params(&ew, ctx, v2);

    ngx_http_apigw_ew_lit(&ew, ",\"requestContext\":");
    ngx_http_apigw_write_context(&ew, r, ctx, v2);

    if (with_body) {
        ngx_http_apigw_write_body(&ew, &body, binary, v2);
    }

    ngx_http_apigw_ew_lit(&ew, "}");

    if (ew.failed) {
        return NGX_ERROR;
    }

    out->data = ew.start;
    out->len = ew.pos - ew.start;

    return NGX_OK;
}


/*
 * The client's headers, whatever the integration request became: names
 * as sent (2.0: lowercase), repeated ones grouped without regard to
 * case; 2.0 keeps Cookie headers apart, for "cookies".
 */

static ngx_int_t
ngx_http_apigw_event_headers(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_uint_t v2, ngx_http_apigw_event_list_t *list)
{
    u_char                        *p;
    ngx_str_t                      name;
    ngx_uint_t                     i, n;
    ngx_list_t                    *headers;
    ngx_list_part_t               *part;
    ngx_table_elt_t               *h;
    ngx_http_apigw_alloc_t         a;
    ngx_http_apigw_event_item_t   *it;

    headers = ngx_http_apigw_client_headers(r, ctx);

    n = 0;

    for (part = &headers->part; part; part = part->next) {
        n += part->nelts;
    }

    n = ngx_min(n, NGX_HTTP_APIGW_EVENT_MAX_ITEMS);

    list->nitems = 0;
    list->size = 0;
    list->items = NULL;

    if (n == 0) {
        return NGX_OK;
    }

    list->items = ngx_palloc(r->pool, n * sizeof(ngx_http_apigw_event_item_t));
    if (list->items == NULL) {
        return NGX_ERROR;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    part = &headers->part;
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

        if (h[i].key.len == 0 || h[i].key.len >= NGX_HTTP_APIGW_EVENT_MAX_NAME)
        {
            continue;
        }

        if (list->nitems == n) {
            break;
        }

        name = h[i].key;

        if (v2) {
            p = ngx_pnalloc(r->pool, name.len);
            if (p == NULL) {
                return NGX_ERROR;
            }

            ngx_strlow(p, name.data, name.len);
            name.data = p;
        }

        it = &list->items[list->nitems++];

        if (ngx_http_apigw_util_utf8_sanitize(&a, &name, &it->name) != NGX_OK)
        {
            return NGX_ERROR;
        }

        it->value = h[i].value;
        it->cookie = (v2 && name.len == 6
                      && ngx_strncmp(name.data, "cookie", 6) == 0);

        list->size += it->name.len + it->value.len + 8;
    }

    ngx_http_apigw_event_group(list, 1);

    return NGX_OK;
}


/* query arguments, decoded ("+" is a space), grouped by their names */

static ngx_int_t
ngx_http_apigw_event_query(ngx_http_request_t *r,
    ngx_http_apigw_event_list_t *list)
{
    u_char                        *p, *last, *start, *eq, *q;
    ngx_str_t                      name;
    ngx_uint_t                     n, seen;
    ngx_http_apigw_alloc_t         a;
    ngx_http_apigw_event_item_t   *it;

    list->nitems = 0;
    list->size = 0;
    list->items = NULL;

    if (r->args.len == 0) {
        return NGX_OK;
    }

    n = 1;
    last = r->args.data + r->args.len;

    for (p = r->args.data; p < last; p++) {
        if (*p == '&') {
            n++;
        }
    }

    n = ngx_min(n, NGX_HTTP_APIGW_EVENT_MAX_ITEMS);

    list->items = ngx_palloc(r->pool, n * sizeof(ngx_http_apigw_event_item_t));
    if (list->items == NULL) {
        return NGX_ERROR;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    p = r->args.data;
    seen = 0;

    while (p < last) {
        start = p;

        while (p < last && *p != '&') {
            p++;
        }

        if (p == start) {
            p++;
            continue;
        }

        if (++seen > NGX_HTTP_APIGW_EVENT_MAX_ITEMS) {
            break;
        }

        eq = ngx_strlchr(start, p, '=');

        /* a decoded copy of the name and of the value */

        q = ngx_pnalloc(r->pool, p - start);
        if (q == NULL) {
            return NGX_ERROR;
        }

        it = &list->items[list->nitems];

        name.data = q;
        name.len = (eq ? eq : p) - start;
        ngx_memcpy(q, start, name.len);
        ngx_http_apigw_unescape_arg(&name);

        it->value.data = q + name.len;
        it->value.len = eq ? (size_t) (p - eq - 1) : 0;

        if (eq) {
            ngx_memcpy(it->value.data, eq + 1, it->value.len);
        }

        ngx_http_apigw_unescape_arg(&it->value);

        if (p < last) {
            p++;
        }

        if (name.len == 0 || ngx_strlchr(name.data, name.data + name.len, '\0'))
        {
            continue;
        }

        if (ngx_http_apigw_util_utf8_sanitize(&a, &name, &it->name) != NGX_OK)
        {
            return NGX_ERROR;
        }

        it->cookie = 0;
        list->nitems++;
        list->size += it->name.len + it->value.len + 8;
    }

    ngx_http_apigw_event_group(list, 0);

    return NGX_OK;
}


/* chains the items of each name, with or without regard to case */

static void
ngx_http_apigw_event_group(ngx_http_apigw_event_list_t *list,
    ngx_uint_t caseless)
{
    ngx_uint_t                     i, j;
    ngx_http_apigw_event_item_t   *it, *f;

    it = list->items;

    for (i = 0; i < list->nitems; i++) {
        it[i].hash = caseless ? ngx_hash_key_lc(it[i].name.data,
                                                it[i].name.len)
                              : ngx_hash_key(it[i].name.data, it[i].name.len);
        it[i].next = 0;
        it[i].first = 1;

        if (it[i].cookie) {
            continue;
        }

        for (j = 0; j < i; j++) {
            f = &it[j];

            if (!f->first
                || f->cookie
                || f->hash != it[i].hash
                || f->name.len != it[i].name.len
                || (caseless
                    ? ngx_strncasecmp(f->name.data, it[i].name.data,
                                      f->name.len)
                    : ngx_strncmp(f->name.data, it[i].name.data,
                                  f->name.len))
                   != 0)
            {
                continue;
            }

            it[f->last].next = i;
            f->last = i;
            it[i].first = 0;
            break;
        }

        if (it[i].first) {
            it[i].last = i;
        }
    }
}


/*
 * the request body in one piece: the buffer itself when it is one in
 * memory, the usual case; data is NULL when there is none
 */

static ngx_int_t
ngx_http_apigw_event_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_buf_t  *b;

    if (r->request_body
        && r->request_body->bufs
        && r->request_body->bufs->next == NULL
        && !r->request_body->bufs->buf->in_file)
    {
        b = r->request_body->bufs->buf;

        body->len = b->last - b->pos;
        body->data = body->len ? b->pos : (u_char *) "";

        return NGX_OK;
    }

    return ngx_http_apigw_read_body(r, body);
}


/* 2.0: "cookies", each of the Cookie headers' "name=value" pairs */

static void
ngx_http_apigw_write_cookies(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_event_list_t *list)
{
    u_char                        *p, *last, *start;
    ngx_str_t                      cookie;
    ngx_uint_t                     i, n;
    ngx_http_apigw_event_item_t   *it;

    n = 0;

    for (i = 0; i < list->nitems; i++) {
        it = &list->items[i];

        if (!it->cookie) {
            continue;
        }

        p = it->value.data;
        last = p + it->value.len;

        while (p < last) {
            while (p < last && (*p == ' ' || *p == ';')) {
                p++;
            }

            start = p;

            while (p < last && *p != ';') {
                p++;
            }

            if (p == start) {
                continue;
            }

            if (n++ == 0) {
                ngx_http_apigw_ew_lit(ew, ",\"cookies\":[");

            } else {
                ngx_http_apigw_ew_lit(ew, ",");
            }

            cookie.data = start;
            cookie.len = p - start;

            ngx_http_apigw_ew_str(ew, &cookie);
        }
    }

    if (n) {
        ngx_http_apigw_ew_lit(ew, "]");
    }
}


/*
 * {"name": "value"}: the last value of each name, or (join) all of them
 * joined with commas, as 2.0 does
 */

static void
ngx_http_apigw_write_single(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_event_list_t *list, ngx_uint_t join)
{
    ngx_uint_t                     i, j, n;
    ngx_http_apigw_event_item_t   *it;

    it = list->items;
    n = 0;

    ngx_http_apigw_ew_lit(ew, "{");

    for (i = 0; i < list->nitems; i++) {
        if (!it[i].first || it[i].cookie) {
            continue;
        }

        if (n++) {
            ngx_http_apigw_ew_lit(ew, ",");
        }

        ngx_http_apigw_ew_key(ew, &it[i].name);

        if (!join || it[i].last == i) {
            ngx_http_apigw_ew_str(ew, &it[it[i].last].value);
            continue;
        }

        ngx_http_apigw_ew_lit(ew, "\"");

        for (j = i; /* void */; j = it[j].next) {
            ngx_http_apigw_ew_escaped(ew, &it[j].value);

            if (it[j].next == 0) {
                break;
            }

            ngx_http_apigw_ew_lit(ew, ",");
        }

        ngx_http_apigw_ew_lit(ew, "\"");
    }

    ngx_http_apigw_ew_lit(ew, "}");
}


/* {"name": ["value", ...]}: every value of each name */

static void
ngx_http_apigw_write_multi(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_event_list_t *list)
{
    ngx_uint_t                     i, j, n;
    ngx_http_apigw_event_item_t   *it;

    it = list->items;
    n = 0;

    ngx_http_apigw_ew_lit(ew, "{");

    for (i = 0; i < list->nitems; i++) {
        if (!it[i].first || it[i].cookie) {
            continue;
        }

        if (n++) {
            ngx_http_apigw_ew_lit(ew, ",");
        }

        ngx_http_apigw_ew_key(ew, &it[i].name);
        ngx_http_apigw_ew_lit(ew, "[");

        for (j = i; /* void */; j = it[j].next) {
            ngx_http_apigw_ew_str(ew, &it[j].value);

            if (it[j].next == 0) {
                break;
            }

            ngx_http_apigw_ew_lit(ew, ",");
        }

        ngx_http_apigw_ew_lit(ew, "]");
    }

    ngx_http_apigw_ew_lit(ew, "}");
}


/* "pathParameters" and "stageVariables": null in 1.0 when none, 2.0 omits */

static void
ngx_http_apigw_write_params(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_ctx_t *ctx, ngx_uint_t v2)
{
    ngx_uint_t     i, n;
    ngx_keyval_t  *kv;

    if (ctx->resource && ctx->resource->nparams) {
        ngx_http_apigw_ew_lit(ew, ",\"pathParameters\":");
        ngx_http_apigw_ew_lit(ew, "{");

        for (i = 0, n = 0; i < ctx->resource->nparams; i++) {
            if (ctx->params[i].key.len >= NGX_HTTP_APIGW_EVENT_MAX_NAME) {
                continue;
            }

            if (n++) {
                ngx_http_apigw_ew_lit(ew, ",");
            }

            ngx_http_apigw_ew_key(ew, &ctx->params[i].key);
            ngx_http_apigw_ew_str(ew, &ctx->params[i].value);
        }

        ngx_http_apigw_ew_lit(ew, "}");

    } else if (!v2) {
        ngx_http_apigw_ew_lit(ew, ",\"pathParameters\":null");
    }

    if (ctx->stage && ctx->stage->variables.nelts) {
        ngx_http_apigw_ew_lit(ew, ",\"stageVariables\":");
        ngx_http_apigw_ew_lit(ew, "{");

        kv = ctx->stage->variables.elts;

        for (i = 0; i < ctx->stage->variables.nelts; i++) {
            if (i) {
                ngx_http_apigw_ew_lit(ew, ",");
            }

            ngx_http_apigw_ew_key(ew, &kv[i].key);
            ngx_http_apigw_ew_str(ew, &kv[i].value);
        }

        ngx_http_apigw_ew_lit(ew, "}");

    } else if (!v2) {
        ngx_http_apigw_ew_lit(ew, ",\"stageVariables\":null");
    }
}


static void
ngx_http_apigw_write_context(ngx_http_apigw_ew_t *ew, ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_uint_t v2)
{
    ngx_http_apigw_ew_lit(ew, "{\"accountId\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_ACCOUNT_ID, 0);
    ngx_http_apigw_ew_lit(ew, ",\"apiId\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_API_ID, 0);

    /* what an authorizer found out, after "apiId" as AWS orders it */
    ngx_http_apigw_write_authorizer(ew, ctx, v2);
    ngx_http_apigw_ew_lit(ew, ",\"domainName\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_DOMAIN_NAME, 0);
    ngx_http_apigw_ew_lit(ew, ",\"domainPrefix\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_DOMAIN_PREFIX, 0);

    if (v2) {
        ngx_http_apigw_ew_lit(ew, ",\"http\":{\"method\":");
        ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_HTTP_METHOD, 0);
        ngx_http_apigw_ew_lit(ew, ",\"path\":");
        ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_PATH, 0);
        ngx_http_apigw_ew_lit(ew, ",\"protocol\":");
        ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_PROTOCOL, 0);
        ngx_http_apigw_ew_lit(ew, ",\"sourceIp\":");
        ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_SOURCE_IP, 0);
        ngx_http_apigw_ew_lit(ew, ",\"userAgent\":");
        ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_USER_AGENT, 0);
        ngx_http_apigw_ew_lit(ew, "},\"requestId\":");
        ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_REQUEST_ID, 0);

        ngx_http_apigw_ew_lit(ew, ",\"routeKey\":\"");
        ngx_http_apigw_ew_escaped(ew, &ctx->method->method->name);
        ngx_http_apigw_ew_lit(ew, " ");
        ngx_http_apigw_ew_escaped(ew, &ctx->resource->path);

        ngx_http_apigw_ew_lit(ew, "\",\"stage\":");
        ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_STAGE, 0);
        ngx_http_apigw_ew_lit(ew, ",\"time\":");
        ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_REQUEST_TIME, 0);
        ngx_http_apigw_ew_lit(ew, ",\"timeEpoch\":");
        ngx_http_apigw_ew_epoch(ew, r);
        ngx_http_apigw_ew_lit(ew, "}");

        return;
    }

    ngx_http_apigw_ew_lit(ew, ",\"deploymentId\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_DEPLOYMENT_ID, 0);
    ngx_http_apigw_ew_lit(ew, ",\"extendedRequestId\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_EXTENDED_REQUEST_ID,
                         0);
    ngx_http_apigw_ew_lit(ew, ",\"httpMethod\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_HTTP_METHOD, 0);

    /* an IAM caller's keys are there, null, otherwise */

    if (ctx->iam_caller) {
        ngx_http_apigw_ew_lit(ew, ",\"identity\":{\"accessKey\":");
        ngx_http_apigw_ew_str(ew, &ctx->iam_caller->access_key);
        ngx_http_apigw_ew_lit(ew, ",\"accountId\":");
        ngx_http_apigw_ew_str(ew, &ctx->iam_caller->account);
        ngx_http_apigw_ew_lit(ew, ",\"caller\":");
        ngx_http_apigw_ew_str(ew, &ctx->iam_caller->user_id);

    } else {
        ngx_http_apigw_ew_lit(ew, ",\"identity\":{\"accessKey\":null"
                                  ",\"accountId\":null"
                                  ",\"caller\":null");
    }

    ngx_http_apigw_ew_lit(ew, ",\"cognitoAuthenticationProvider\":null"
                              ",\"cognitoAuthenticationType\":null"
                              ",\"cognitoIdentityId\":null"
                              ",\"cognitoIdentityPoolId\":null"
                              ",\"principalOrgId\":null");

    if (ctx->api_key.len) {
        ngx_http_apigw_ew_lit(ew, ",\"apiKey\":");
        ngx_http_apigw_ew_str(ew, &ctx->api_key);
        ngx_http_apigw_ew_lit(ew, ",\"apiKeyId\":");
        ngx_http_apigw_ew_str(ew, &ctx->api_key_id);
    }

    ngx_http_apigw_ew_lit(ew, ",\"sourceIp\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_SOURCE_IP, 0);
    ngx_http_apigw_ew_lit(ew, ",\"user\":");

    if (ctx->iam_caller) {
        ngx_http_apigw_ew_str(ew, &ctx->iam_caller->user_id);

    } else {
        ngx_http_apigw_ew_lit(ew, "null");
    }

    ngx_http_apigw_ew_lit(ew, ",\"userAgent\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_USER_AGENT, 1);
    ngx_http_apigw_ew_lit(ew, ",\"userArn\":");

    if (ctx->iam_caller) {
        ngx_http_apigw_ew_str(ew, &ctx->iam_caller->arn);

    } else {
        ngx_http_apigw_ew_lit(ew, "null");
    }

    ngx_http_apigw_ew_lit(ew, "},\"path\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_PATH, 0);
    ngx_http_apigw_ew_lit(ew, ",\"protocol\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_PROTOCOL, 0);
    ngx_http_apigw_ew_lit(ew, ",\"requestId\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_REQUEST_ID, 0);
    ngx_http_apigw_ew_lit(ew, ",\"requestTime\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_REQUEST_TIME, 0);
    ngx_http_apigw_ew_lit(ew, ",\"requestTimeEpoch\":");
    ngx_http_apigw_ew_epoch(ew, r);
    ngx_http_apigw_ew_lit(ew, ",\"resourceId\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_RESOURCE_ID, 0);
    ngx_http_apigw_ew_lit(ew, ",\"resourcePath\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_RESOURCE_PATH, 0);
    ngx_http_apigw_ew_lit(ew, ",\"stage\":");
    ngx_http_apigw_ew_cv(ew, r, ctx, NGX_HTTP_APIGW_CV_STAGE, 0);
    ngx_http_apigw_ew_lit(ew, "}");
}


/*
 * "authorizer": what an authorizer found (ctx->authorizer, 2.0:
 * ctx->authorizer_v2 if it has its own), or 2.0's {"iam": {...}} of an
 * IAM caller (1.0 has that in "identity")
 */

static void
ngx_http_apigw_write_authorizer(ngx_http_apigw_ew_t *ew,
    ngx_http_apigw_ctx_t *ctx, ngx_uint_t v2)
{
    ngx_http_apigw_iam_caller_t  *caller;

    if (ctx->authorizer) {
        ngx_http_apigw_ew_lit(ew, ",\"authorizer\":");
        ngx_http_apigw_ew_json(ew, (v2 && ctx->authorizer_v2)
                                   ? ctx->authorizer_v2 : ctx->authorizer);
        return;
    }

    if (!v2 || ctx->iam_caller == NULL) {
        return;
    }

    caller = ctx->iam_caller;

    ngx_http_apigw_ew_lit(ew, ",\"authorizer\":{\"iam\":{\"accessKey\":");
    ngx_http_apigw_ew_str(ew, &caller->access_key);
    ngx_http_apigw_ew_lit(ew, ",\"accountId\":");
    ngx_http_apigw_ew_str(ew, &caller->account);
    ngx_http_apigw_ew_lit(ew, ",\"callerId\":");
    ngx_http_apigw_ew_str(ew, &caller->user_id);
    ngx_http_apigw_ew_lit(ew, ",\"cognitoIdentity\":null"
                              ",\"principalOrgId\":null,\"userArn\":");
    ngx_http_apigw_ew_str(ew, &caller->arn);
    ngx_http_apigw_ew_lit(ew, ",\"userId\":");
    ngx_http_apigw_ew_str(ew, &caller->user_id);
    ngx_http_apigw_ew_lit(ew, "}}");
}


/*
 * "body" (1.0: null when there is none; 2.0 omits it) and
 * "isBase64Encoded": a binary media type's body goes base64-encoded
 */

static void
ngx_http_apigw_write_body(ngx_http_apigw_ew_t *ew, ngx_str_t *body,
    ngx_uint_t binary, ngx_uint_t v2)
{
    ngx_str_t  encoded;

    if (body->data == NULL) {
        if (v2) {
            ngx_http_apigw_ew_lit(ew, ",\"isBase64Encoded\":false");

        } else {
            ngx_http_apigw_ew_lit(ew, ",\"body\":null"
                                      ",\"isBase64Encoded\":false");
        }

        return;
    }

    ngx_http_apigw_ew_lit(ew, ",\"body\":");

    if (!binary) {
        ngx_http_apigw_ew_str(ew, body);
        ngx_http_apigw_ew_lit(ew, ",\"isBase64Encoded\":false");
        return;
    }

    if (ngx_http_apigw_ew_reserve(ew, ngx_base64_encoded_length(body->len)
                                      + 2)
        != NGX_OK)
    {
        return;
    }

    encoded.data = ew->pos + 1;
    ngx_encode_base64(&encoded, body);

    *ew->pos = '"';
    ew->pos += 1 + encoded.len;
    *ew->pos++ = '"';

    ngx_http_apigw_ew_lit(ew, ",\"isBase64Encoded\":true");
}


/* makes room for n more bytes: a larger buffer, the text moved there */

static ngx_int_t
ngx_http_apigw_ew_reserve(ngx_http_apigw_ew_t *ew, size_t n)
{
    u_char  *p;
    size_t   used, size;

    if (ew->failed) {
        return NGX_ERROR;
    }

    if ((size_t) (ew->end - ew->pos) >= n) {
        return NGX_OK;
    }

    used = ew->pos - ew->start;
    size = ngx_max(2 * (size_t) (ew->end - ew->start), used + n);

    p = ngx_pnalloc(ew->pool, size);
    if (p == NULL) {
        ew->failed = 1;
        return NGX_ERROR;
    }

    ngx_memcpy(p, ew->start, used);

    /* a large allocation is given back at once */
    (void) ngx_pfree(ew->pool, ew->start);

    ew->start = p;
    ew->pos = p + used;
    ew->end = p + size;

    return NGX_OK;
}


/* a string's escaped bytes, without quotes */

static void
ngx_http_apigw_ew_escaped(ngx_http_apigw_ew_t *ew, ngx_str_t *s)
{
    size_t  n;

    /* escaping makes at most 6 bytes of one ("\u001F") */

    if ((size_t) (ew->end - ew->pos) < 6 * s->len) {
        n = ngx_http_apigw_util_json_escape(NULL, s->data, s->len);

        if (ngx_http_apigw_ew_reserve(ew, n) != NGX_OK) {
            return;
        }
    }

    ew->pos += ngx_http_apigw_util_json_escape(ew->pos, s->data, s->len);
}


static void
ngx_http_apigw_ew_str(ngx_http_apigw_ew_t *ew, ngx_str_t *s)
{
    size_t  n;

    if ((size_t) (ew->end - ew->pos) < 6 * s->len + 2) {
        n = ngx_http_apigw_util_json_escape(NULL, s->data, s->len);

        if (ngx_http_apigw_ew_reserve(ew, n + 2) != NGX_OK) {
            return;
        }
    }

    *ew->pos++ = '"';
    ew->pos += ngx_http_apigw_util_json_escape(ew->pos, s->data, s->len);
    *ew->pos++ = '"';
}


/* "name": */

static void
ngx_http_apigw_ew_key(ngx_http_apigw_ew_t *ew, ngx_str_t *s)
{
    ngx_http_apigw_ew_str(ew, s);
    ngx_http_apigw_ew_lit(ew, ":");
}


/* a jansson value, as json_dumps() writes it, straight into the text */

static void
ngx_http_apigw_ew_json(ngx_http_apigw_ew_t *ew, json_t *j)
{
    if (json_dump_callback(j, ngx_http_apigw_ew_dumped, ew,
                           JSON_COMPACT | JSON_ENCODE_ANY)
        != 0)
    {
        ew->failed = 1;
    }
}


static int
ngx_http_apigw_ew_dumped(const char *buf, size_t size, void *data)
{
    ngx_http_apigw_ew_t  *ew;

    ew = data;

    if (ngx_http_apigw_ew_reserve(ew, size) != NGX_OK) {
        return -1;
    }

    ew->pos = ngx_cpymem(ew->pos, buf, size);

    return 0;
}


/* a $context value; null (or "") when it has none */

static void
ngx_http_apigw_ew_cv(ngx_http_apigw_ew_t *ew, ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_cv_e cv, ngx_uint_t null)
{
    ngx_str_t  value;

    if (ngx_http_apigw_context_value(r, ctx, cv, &value) != NGX_OK) {
        ew->failed = 1;
        return;
    }

    if (null && value.data == NULL) {
        ngx_http_apigw_ew_lit(ew, "null");
        return;
    }

    ngx_http_apigw_ew_str(ew, &value);
}


/* the request's time in milliseconds since the epoch, a JSON number */

static void
ngx_http_apigw_ew_epoch(ngx_http_apigw_ew_t *ew, ngx_http_request_t *r)
{
    u_char    *p;
    uint64_t   ms;
    u_char     buf[NGX_INT64_LEN];

    if (ngx_http_apigw_ew_reserve(ew, NGX_INT64_LEN) != NGX_OK) {
        return;
    }

    ms = (uint64_t) r->start_sec * 1000 + r->start_msec;
    p = buf + sizeof(buf);

    do {
        *--p = (u_char) ('0' + ms % 10);
        ms /= 10;
    } while (ms);

    ew->pos = ngx_cpymem(ew->pos, p, buf + sizeof(buf) - p);
}
