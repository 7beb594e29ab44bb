
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Compiled strings: integration URIs ("http://${stageVariables.host}/
 * pets/{petId}"), gateway response bodies ("$context.error.messageString")
 * and AWS parameter-mapping sources ("method.request.header.x").
 * Parsed once at configuration time into literal and reference parts.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_mapping.h"


#define NGX_HTTP_APIGW_TPL_PARTS  16


static ngx_int_t ngx_http_apigw_tpl_add(ngx_http_apigw_tpl_t *tpl,
    ngx_http_apigw_ref_type_e type, u_char *start, u_char *end);
static u_char *ngx_http_apigw_tpl_name(u_char *p, u_char *last);
static ngx_int_t ngx_http_apigw_tpl_ref(ngx_str_t *ref, ngx_uint_t flags,
    ngx_http_apigw_ref_type_e *type, ngx_str_t *name,
    ngx_http_apigw_context_var_t **var);
static ngx_int_t ngx_http_apigw_tpl_value(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_ref_t *ref, ngx_str_t *value);


ngx_http_apigw_tpl_t *
ngx_http_apigw_tpl_compile(ngx_conf_t *cf, ngx_str_t *src, ngx_uint_t flags)
{
    u_char                        *p, *last, *lit, *start, *end, *dollar,
                                  *next;
    ngx_str_t                      ref, name;
    ngx_http_apigw_tpl_t          *tpl;
    ngx_http_apigw_ref_t          *part;
    ngx_http_apigw_ref_type_e      type;
    ngx_http_apigw_context_var_t  *var;

    tpl = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_tpl_t));
    if (tpl == NULL) {
        return NULL;
    }

    tpl->source = *src;

    if (ngx_array_init(&tpl->parts, cf->pool, 4, sizeof(ngx_http_apigw_ref_t))
        != NGX_OK)
    {
        return NULL;
    }

    p = src->data;
    last = src->data + src->len;
    lit = p;

    while (p < last) {

        if (*p == '$' && flags) {

            /* "${a.b}" or "$a.b" */

            dollar = p;

            if (p + 1 < last && p[1] == '{') {
                start = p + 2;
                end = ngx_strlchr(start, last, '}');

                if (end == NULL) {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "unbalanced \"${\" in \"%V\"", src);
                    return NULL;
                }

                next = end + 1;

            } else {
                start = p + 1;
                end = ngx_http_apigw_tpl_name(start, last);
                next = end;
            }

            ref.data = start;
            ref.len = end - start;

            if (ngx_http_apigw_tpl_ref(&ref, flags, &type, &name, &var)
                != NGX_OK)
            {
                /* not ours: the text stays, as Velocity renders it */
                p++;
                continue;
            }

            if (lit < dollar) {
                if (ngx_http_apigw_tpl_add(tpl, NGX_HTTP_APIGW_REF_LITERAL,
                                           lit, dollar)
                    != NGX_OK)
                {
                    return NULL;
                }
            }

            if (ngx_http_apigw_tpl_add(tpl, type, name.data,
                                       name.data + name.len)
                != NGX_OK)
            {
                return NULL;
            }

            part = tpl->parts.elts;
            part[tpl->parts.nelts - 1].context = var;

            p = next;
            lit = p;
            continue;
        }

        if (*p == '{' && (flags & NGX_HTTP_APIGW_TPL_URI)) {
            start = p + 1;
            end = ngx_strlchr(start, last, '}');

            if (end == NULL || end == start) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "unbalanced \"{\" in \"%V\"", src);
                return NULL;
            }

            if (lit < p) {
                if (ngx_http_apigw_tpl_add(tpl, NGX_HTTP_APIGW_REF_LITERAL,
                                           lit, p)
                    != NGX_OK)
                {
                    return NULL;
                }
            }

            if (end[-1] == '+') {
                end--;
            }

            if (ngx_http_apigw_tpl_name(start, end) != end
                || ngx_strlchr(start, end, '.') != NULL)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid path parameter in \"%V\"", src);
                return NULL;
            }

            if (ngx_http_apigw_tpl_add(tpl, NGX_HTTP_APIGW_REF_PATH_PARAM,
                                       start, end)
                != NGX_OK)
            {
                return NULL;
            }

            part = tpl->parts.elts;
            part[tpl->parts.nelts - 1].escape = 1;

            p = ngx_strlchr(start, last, '}') + 1;
            lit = p;
            continue;
        }

        if (*p == '}' && (flags & NGX_HTTP_APIGW_TPL_URI)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unbalanced \"}\" in \"%V\"", src);
            return NULL;
        }

        p++;
    }

    if (lit < last || tpl->parts.nelts == 0) {
        if (ngx_http_apigw_tpl_add(tpl, NGX_HTTP_APIGW_REF_LITERAL, lit, last)
            != NGX_OK)
        {
            return NULL;
        }
    }

    return tpl;
}


/* a reference name: letters, digits, "_", "-" and inner dots */

static u_char *
ngx_http_apigw_tpl_name(u_char *p, u_char *last)
{
    while (p < last
           && (isalnum(*p) || *p == '_' || *p == '-'
               || (*p == '.' && p + 1 < last && isalnum(p[1]))))
    {
        p++;
    }

    return p;
}


static ngx_int_t
ngx_http_apigw_tpl_ref(ngx_str_t *ref, ngx_uint_t flags,
    ngx_http_apigw_ref_type_e *type, ngx_str_t *name,
    ngx_http_apigw_context_var_t **var)
{
    *var = NULL;

    if (ref->len > 15 && ngx_strncmp(ref->data, "stageVariables.", 15) == 0) {
        *type = NGX_HTTP_APIGW_REF_STAGE_VARIABLE;
        name->data = ref->data + 15;
        name->len = ref->len - 15;
        return NGX_OK;
    }

    if ((flags & NGX_HTTP_APIGW_TPL_CONTEXT)
        && ref->len > 8 && ngx_strncmp(ref->data, "context.", 8) == 0)
    {
        name->data = ref->data + 8;
        name->len = ref->len - 8;

        *var = ngx_http_apigw_context_var(name);

        /* what an authorizer found: known per request only */

        if (*var == NULL && !ngx_http_apigw_authorizer_ref(name)) {
            return NGX_DECLINED;
        }

        *type = NGX_HTTP_APIGW_REF_CONTEXT;
        return NGX_OK;
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_apigw_tpl_add(ngx_http_apigw_tpl_t *tpl,
    ngx_http_apigw_ref_type_e type, u_char *start, u_char *end)
{
    ngx_http_apigw_ref_t  *part;

    part = ngx_array_push(&tpl->parts);
    if (part == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(part, sizeof(ngx_http_apigw_ref_t));

    part->type = type;
    part->text.data = start;
    part->text.len = end - start;

    if (type == NGX_HTTP_APIGW_REF_LITERAL) {
        tpl->literal_len += part->text.len;
    }

    return NGX_OK;
}


/* an AWS parameter-mapping source, as one reference */

ngx_http_apigw_tpl_t *
ngx_http_apigw_tpl_param(ngx_conf_t *cf, ngx_str_t *src)
{
    ngx_str_t                      name;
    ngx_uint_t                     i;
    ngx_http_apigw_tpl_t          *tpl;
    ngx_http_apigw_ref_type_e      type;
    ngx_http_apigw_context_var_t  *var;

    static struct {
        ngx_str_t                   prefix;
        ngx_http_apigw_ref_type_e   type;
    } sources[] = {
        { ngx_string("method.request.header."), NGX_HTTP_APIGW_REF_HEADER },
        { ngx_string("method.request.querystring."),
          NGX_HTTP_APIGW_REF_QUERYSTRING },
        { ngx_string("method.request.path."), NGX_HTTP_APIGW_REF_PATH_PARAM },
        { ngx_string("stageVariables."), NGX_HTTP_APIGW_REF_STAGE_VARIABLE },
        { ngx_string("context."), NGX_HTTP_APIGW_REF_CONTEXT },
        { ngx_null_string, 0 }
    };

    tpl = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_tpl_t));
    if (tpl == NULL) {
        return NULL;
    }

    tpl->source = *src;

    if (ngx_array_init(&tpl->parts, cf->pool, 1, sizeof(ngx_http_apigw_ref_t))
        != NGX_OK)
    {
        return NULL;
    }

    if (src->len >= 2 && src->data[0] == '\''
        && src->data[src->len - 1] == '\'')
    {
        if (ngx_http_apigw_tpl_add(tpl, NGX_HTTP_APIGW_REF_LITERAL,
                                   src->data + 1, src->data + src->len - 1)
            != NGX_OK)
        {
            return NULL;
        }

        return tpl;
    }

    for (i = 0; sources[i].prefix.len; i++) {
        if (src->len > sources[i].prefix.len
            && ngx_strncmp(src->data, sources[i].prefix.data,
                           sources[i].prefix.len) == 0)
        {
            break;
        }
    }

    if (sources[i].prefix.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid mapping source \"%V\": a 'quoted "
                           "literal', method.request.(header|querystring|"
                           "path).NAME, stageVariables.NAME or context.NAME "
                           "expected", src);
        return NULL;
    }

    type = sources[i].type;
    name.data = src->data + sources[i].prefix.len;
    name.len = src->len - sources[i].prefix.len;

    if (ngx_http_apigw_tpl_add(tpl, type, name.data, name.data + name.len)
        != NGX_OK)
    {
        return NULL;
    }

    if (type == NGX_HTTP_APIGW_REF_CONTEXT) {
        var = ngx_http_apigw_context_var(&name);

        if (var == NULL && !ngx_http_apigw_authorizer_ref(&name)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown context variable \"%V\"", &name);
            return NULL;
        }

        ((ngx_http_apigw_ref_t *) tpl->parts.elts)->context = var;
    }

    return tpl;
}


ngx_int_t
ngx_http_apigw_tpl_render(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_tpl_t *tpl, ngx_str_t *out)
{
    size_t                 len;
    u_char                *p;
    ngx_str_t             *values, buf[NGX_HTTP_APIGW_TPL_PARTS];
    ngx_uint_t             i, n;
    ngx_http_apigw_ref_t  *part;

    part = tpl->parts.elts;
    n = tpl->parts.nelts;

    if (n == 1 && part[0].type == NGX_HTTP_APIGW_REF_LITERAL) {
        *out = part[0].text;
        return NGX_OK;
    }

    if (n <= NGX_HTTP_APIGW_TPL_PARTS) {
        values = buf;

    } else {
        values = ngx_palloc(r->pool, n * sizeof(ngx_str_t));
        if (values == NULL) {
            return NGX_ERROR;
        }
    }

    len = 0;

    for (i = 0; i < n; i++) {
        if (ngx_http_apigw_tpl_value(r, ctx, &part[i], &values[i]) != NGX_OK) {
            return NGX_ERROR;
        }

        len += values[i].len;

        /* raw parameters are encoded already, mapped ones are not */

        if (part[i].escape && ctx && ctx->raw_params
            && (part[i].type != NGX_HTTP_APIGW_REF_PATH_PARAM
                || ngx_http_apigw_mapping_path(ctx, &part[i].text) == NULL))
        {
            continue;
        }

        if (part[i].escape) {
            len += 2 * ngx_escape_uri(NULL, values[i].data, values[i].len,
                                      NGX_ESCAPE_URI);
        }
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    for (i = 0; i < n; i++) {
        if (part[i].escape
            && (!(ctx && ctx->raw_params)
                || (part[i].type == NGX_HTTP_APIGW_REF_PATH_PARAM
                    && ngx_http_apigw_mapping_path(ctx, &part[i].text))))
        {
            p = (u_char *) ngx_escape_uri(p, values[i].data, values[i].len,
                                          NGX_ESCAPE_URI);

        } else {
            p = ngx_cpymem(p, values[i].data, values[i].len);
        }
    }

    out->len = p - out->data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_tpl_value(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_ref_t *ref, ngx_str_t *value)
{
    ngx_str_t        *v;
    ngx_table_elt_t  *h;

    ngx_str_null(value);

    switch (ref->type) {

    case NGX_HTTP_APIGW_REF_LITERAL:
        *value = ref->text;
        return NGX_OK;

    case NGX_HTTP_APIGW_REF_CONTEXT:
        if (ctx == NULL) {
            return NGX_OK;
        }

        if (ref->context == NULL) {
            /* "authorizer.principalId", "authorizer.claims.sub" ... */
            return ngx_http_apigw_authorizer_value(r, ctx, &ref->text,
                                                   value);
        }

        if (ref->context->get(r, ctx, value) == NGX_ERROR) {
            return NGX_ERROR;
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_REF_STAGE_VARIABLE:
        v = ctx ? ngx_http_apigw_stage_variable(ctx, &ref->text) : NULL;
        break;

    case NGX_HTTP_APIGW_REF_PATH_PARAM:
        v = ctx ? ngx_http_apigw_mapping_path(ctx, &ref->text) : NULL;

        if (v == NULL && ctx) {
            v = ngx_http_apigw_path_param(ctx, &ref->text);
        }

        break;

    case NGX_HTTP_APIGW_REF_HEADER:

        h = ngx_http_apigw_find_header(ngx_http_apigw_client_headers(r, ctx),
                                       &ref->text);

        if (h) {
            *value = h->value;
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_REF_QUERYSTRING:
        if (ngx_http_apigw_query_arg(r, &ref->text, value) == NGX_ERROR) {
            return NGX_ERROR;
        }

        return NGX_OK;

    default:
        return NGX_OK;
    }

    if (v) {
        *value = *v;
    }

    return NGX_OK;
}


/*
 * the headers the client sent: a non-proxy mapping replaces the request's
 * with the integration request's (mapping.c)
 */

ngx_list_t *
ngx_http_apigw_client_headers(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx)
{
    if (ctx && ctx->mapping) {
        return &ctx->mapping->client_headers;
    }

    return &r->headers_in.headers;
}


/* a header of a list (headers_in or headers_out), whatever its case */

ngx_table_elt_t *
ngx_http_apigw_find_header(ngx_list_t *headers, ngx_str_t *name)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

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

        if (h[i].hash && h[i].key.len == name->len
            && ngx_strncasecmp(h[i].key.data, name->data, name->len) == 0)
        {
            return &h[i];
        }
    }

    return NULL;
}
