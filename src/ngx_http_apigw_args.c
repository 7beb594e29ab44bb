
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Query string arguments as API Gateway reads them, for parameter
 * mappings, identity sources, cache keys, templates and events: names
 * compared case-sensitively once decoded, the last of repeated ones for
 * a single value, values decoded with "+" as a space.
 */


#include "ngx_http_apigw_common.h"


/*
 * query arguments decode "+" as a space, as AWS does; plain decoding (0,
 * not NGX_UNESCAPE_URI, which stops at the first "?" or "%3F" and drops
 * the rest of the value)
 */

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

    ngx_unescape_uri(&dst, &src, s->len, 0);

    s->len = dst - s->data;
}


/*
 * Is a query argument's raw name "name"?  Names compare case sensitively
 * after decoding, as in AWS's queryStringParameters.
 */

ngx_int_t
ngx_http_apigw_arg_name_is(u_char *raw, size_t len, ngx_str_t *name)
{
    ngx_str_t  arg;
    u_char     buf[256];

    if (ngx_strlchr(raw, raw + len, '%') == NULL
        && ngx_strlchr(raw, raw + len, '+') == NULL)
    {
        return len == name->len && ngx_strncmp(raw, name->data, len) == 0;
    }

    /*
     * decoding never lengthens a name, so a shorter one cannot match; a
     * name encoded beyond the buffer is skipped (names compared are short)
     */

    if (len > sizeof(buf) || len < name->len) {
        return 0;
    }

    ngx_memcpy(buf, raw, len);
    arg.data = buf;
    arg.len = len;
    ngx_http_apigw_unescape_arg(&arg);

    return arg.len == name->len
           && ngx_strncmp(arg.data, name->data, name->len) == 0;
}


/*
 * The next argument named "name" in [*pos, last): its raw value, empty
 * for a name without "="; NGX_DECLINED when none is left.  *pos moves
 * past it.  The name is what precedes the first "=".
 */

ngx_int_t
ngx_http_apigw_arg_next(u_char **pos, u_char *last, ngx_str_t *name,
    ngx_str_t *raw)
{
    u_char  *p, *end, *eq;

    for (p = *pos; p < last; p = end + 1) {

        /* memchr() is vectorized, ngx_strlchr() a byte at a time */

        end = memchr(p, '&', last - p);
        if (end == NULL) {
            end = last;
        }

        eq = memchr(p, '=', end - p);

        if (ngx_http_apigw_arg_name_is(p, (eq ? eq : end) - p, name)) {
            raw->data = eq ? eq + 1 : end;
            raw->len = end - raw->data;
            *pos = end + 1;

            return NGX_OK;
        }
    }

    *pos = last;

    return NGX_DECLINED;
}


/* a raw value decoded into a copy from the pool */

static ngx_int_t
ngx_http_apigw_arg_copy(ngx_pool_t *pool, ngx_str_t *raw, ngx_str_t *value)
{
    value->len = raw->len;
    value->data = ngx_pnalloc(pool, raw->len + 1);
    if (value->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(value->data, raw->data, raw->len);
    ngx_http_apigw_unescape_arg(value);

    return NGX_OK;
}


/*
 * method.request.querystring.NAME as AWS reads it: the last of repeated
 * arguments, the value decoded ("+" a space) into a copy; NGX_DECLINED
 * if there is none
 */

ngx_int_t
ngx_http_apigw_query_arg(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value)
{
    u_char     *p, *last;
    ngx_str_t   raw, found;

    p = r->args.data;
    last = p + r->args.len;
    found.data = NULL;

    while (ngx_http_apigw_arg_next(&p, last, name, &raw) == NGX_OK) {
        found = raw;
    }

    if (found.data == NULL) {
        return NGX_DECLINED;
    }

    return ngx_http_apigw_arg_copy(r->pool, &found, value);
}


/*
 * method.request.multivaluequerystring.NAME: every value, in order,
 * decoded into copies pushed onto "values"
 */

ngx_int_t
ngx_http_apigw_query_args(ngx_http_request_t *r, ngx_str_t *name,
    ngx_array_t *values)
{
    u_char     *p, *last;
    ngx_str_t   raw, *s;

    p = r->args.data;
    last = p + r->args.len;

    while (ngx_http_apigw_arg_next(&p, last, name, &raw) == NGX_OK) {
        s = ngx_array_push(values);
        if (s == NULL) {
            return NGX_ERROR;
        }

        if (ngx_http_apigw_arg_copy(r->pool, &raw, s) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}
