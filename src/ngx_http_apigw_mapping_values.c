
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The method request as mapping templates see it: $input.params() as
 * {"path": {}, "querystring": {}, "header": {}}, $context (the
 * requestContext of a Lambda proxy 1.0 event, member for member and in
 * the same order as lambda.c writes it) and $stageVariables.  They are
 * the engines' JSON values, in the request pool, pointing to the
 * request's own strings where those are well-formed UTF-8, and made only
 * when a template of the method uses them.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_mapping.h"

#include <jansson.h>


/* the members of requestContext, in its order */

#define NGX_HTTP_APIGW_VALUES_VAR       0   /* a $context variable */
#define NGX_HTTP_APIGW_VALUES_IDENTITY  1
#define NGX_HTTP_APIGW_VALUES_EPOCH     2   /* requestTimeEpoch */
#define NGX_HTTP_APIGW_VALUES_AUTHORIZER 3  /* what the authorizer found */

typedef struct {
    ngx_str_t                       key;
    ngx_uint_t                      kind;
} ngx_http_apigw_values_field_t;


static ngx_int_t ngx_http_apigw_values_params(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_jv_t *params,
    ngx_array_t *names);
static ngx_int_t ngx_http_apigw_values_headers(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *headers, ngx_array_t *names);
static ngx_int_t ngx_http_apigw_values_query(ngx_http_request_t *r,
    ngx_http_apigw_alloc_t *a, ngx_http_apigw_jv_cont_t *query,
    ngx_array_t *names);
static ngx_uint_t ngx_http_apigw_values_named(ngx_array_t *names,
    u_char *name, size_t len, ngx_uint_t caseless);
static ngx_int_t ngx_http_apigw_values_context(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_jv_t *context,
    ngx_array_t *names);
static ngx_int_t ngx_http_apigw_values_authorizer(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *v);
static ngx_int_t ngx_http_apigw_values_identity(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *identity);
static ngx_int_t ngx_http_apigw_values_var(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *name, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_values_object(ngx_http_apigw_alloc_t *a,
    ngx_uint_t n, ngx_http_apigw_jv_t *v);
static ngx_int_t ngx_http_apigw_values_str(ngx_http_apigw_alloc_t *a,
    ngx_str_t *s, ngx_http_apigw_jv_t *v);
static ngx_int_t ngx_http_apigw_values_set(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c, char *key, ngx_str_t *value);


static ngx_http_apigw_values_field_t  ngx_http_apigw_values_fields[] = {
    { ngx_string("accountId"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("apiId"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("authorizer"), NGX_HTTP_APIGW_VALUES_AUTHORIZER },
    { ngx_string("domainName"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("domainPrefix"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("deploymentId"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("extendedRequestId"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("httpMethod"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("identity"), NGX_HTTP_APIGW_VALUES_IDENTITY },
    { ngx_string("path"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("protocol"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("requestId"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("requestTime"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("requestTimeEpoch"), NGX_HTTP_APIGW_VALUES_EPOCH },
    { ngx_string("resourceId"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("resourcePath"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_string("stage"), NGX_HTTP_APIGW_VALUES_VAR },
    { ngx_null_string, 0 }
};


/* identity members that API Gateway sends as null here */

static ngx_str_t  ngx_http_apigw_values_nulls[] = {
    ngx_string("accessKey"),
    ngx_string("accountId"),
    ngx_string("caller"),
    ngx_string("cognitoAuthenticationProvider"),
    ngx_string("cognitoAuthenticationType"),
    ngx_string("cognitoIdentityId"),
    ngx_string("cognitoIdentityPoolId"),
    ngx_string("principalOrgId"),
    ngx_null_string
};


/*
 * what the templates of the method need (NGX_HTTP_APIGW_VTL_USES_*), made
 * once, before the integration request changes anything of the request;
 * of $context only the members they name, and of $input.params() only
 * the parameters they name, unless one uses it whole
 */

ngx_int_t
ngx_http_apigw_mapping_values(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_mapping_ctx_t *mctx,
    ngx_http_apigw_mapping_conf_t *mcf)
{
    ngx_uint_t               i, needs;
    ngx_keyval_t            *kv;
    ngx_http_apigw_jv_t      v;
    ngx_http_apigw_alloc_t   a;

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    needs = mcf->needs;

    if ((needs & NGX_HTTP_APIGW_VTL_USES_PARAMS) && mctx->params == NULL) {
        mctx->params = ngx_palloc(r->pool, sizeof(ngx_http_apigw_jv_t));

        if (mctx->params == NULL
            || ngx_http_apigw_values_params(r, ctx, mctx->params,
                          (needs & NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL)
                          ? NULL : &mcf->param_names)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if ((needs & NGX_HTTP_APIGW_VTL_USES_CONTEXT) && mctx->context == NULL) {
        mctx->context = ngx_palloc(r->pool, sizeof(ngx_http_apigw_jv_t));

        if (mctx->context == NULL
            || ngx_http_apigw_values_context(r, ctx, mctx->context,
                           (needs & NGX_HTTP_APIGW_VTL_USES_CONTEXT_ALL)
                           ? NULL : &mcf->context_names)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if ((needs & NGX_HTTP_APIGW_VTL_USES_STAGE) && mctx->stage == NULL
        && ctx->stage && ctx->stage->variables.nelts)
    {
        mctx->stage = ngx_palloc(r->pool, sizeof(ngx_http_apigw_jv_t));

        if (mctx->stage == NULL
            || ngx_http_apigw_jv_new(&a, NGX_HTTP_APIGW_JV_OBJECT, mctx->stage)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        kv = ctx->stage->variables.elts;

        for (i = 0; i < ctx->stage->variables.nelts; i++) {
            /* names and values were checked at configuration time */

            ngx_http_apigw_jv_set_str(&v, kv[i].value.data, kv[i].value.len);

            if (ngx_http_apigw_jv_object_set(&a, mctx->stage->u.c,
                                             kv[i].key.data, kv[i].key.len,
                                             &v, 0)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    return NGX_OK;
}


/*
 * $input.params(); with names, only the parameters of these names (a
 * header's in any case): what $input.params('x') finds in it for one of
 * them is what it finds in all of them
 */

static ngx_int_t
ngx_http_apigw_values_params(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_jv_t *params,
    ngx_array_t *names)
{
    u_char                    name[256];
    ngx_uint_t                i;
    ngx_http_apigw_jv_t       group, v;
    ngx_http_apigw_alloc_t    a;

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    if (ngx_http_apigw_values_object(&a, 3, params) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the path's parameters */

    if (ngx_http_apigw_values_object(&a, ctx->resource
                                         ? ctx->resource->nparams : 0,
                                     &group)
        != NGX_OK
        || ngx_http_apigw_jv_object_set(&a, params->u.c, (u_char *) "path", 4,
                                        &group, 0)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->resource) {
        for (i = 0; i < ctx->resource->nparams; i++) {
            if (ctx->params[i].key.len >= sizeof(name)
                || (names
                    && !ngx_http_apigw_values_named(names,
                                                    ctx->params[i].key.data,
                                                    ctx->params[i].key.len,
                                                    0)))
            {
                continue;
            }

            if (ngx_http_apigw_values_str(&a, &ctx->params[i].value, &v)
                != NGX_OK
                || ngx_http_apigw_jv_object_set(&a, group.u.c,
                                                ctx->params[i].key.data,
                                                ctx->params[i].key.len, &v, 0)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    if (ngx_http_apigw_values_object(&a, 4, &group) != NGX_OK
        || ngx_http_apigw_jv_object_set(&a, params->u.c,
                                        (u_char *) "querystring", 11, &group,
                                        0)
           != NGX_OK
        || ngx_http_apigw_values_query(r, &a, group.u.c, names) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_values_object(&a, 8, &group) != NGX_OK
        || ngx_http_apigw_jv_object_set(&a, params->u.c,
                                        (u_char *) "header", 6, &group, 0)
           != NGX_OK
        || ngx_http_apigw_values_headers(r, ctx, &a, group.u.c, names)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * the client's headers, one value each: a repeated header (whatever the
 * case of its name) keeps its first name and its last value
 */

static ngx_int_t
ngx_http_apigw_values_headers(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *headers, ngx_array_t *names)
{
    ngx_uint_t                   i, k, n;
    ngx_list_part_t             *part;
    ngx_table_elt_t             *h;
    ngx_http_apigw_jv_t          v;
    ngx_http_apigw_jv_member_t  *m;

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

        if (h[i].key.len == 0 || h[i].key.len >= 256) {
            continue;
        }

        if (++n > 1000) {
            break;
        }

        if (names
            && !ngx_http_apigw_values_named(names, h[i].key.data,
                                            h[i].key.len, 1))
        {
            continue;
        }

        if (ngx_http_apigw_values_str(a, &h[i].value, &v) != NGX_OK) {
            return NGX_ERROR;
        }

        m = headers->u.members;

        for (k = 0; k < headers->nelts; k++) {
            if (m[k].key.len == h[i].key.len
                && ngx_strncasecmp(m[k].key.data, h[i].key.data,
                                   h[i].key.len) == 0)
            {
                break;
            }
        }

        if (k < headers->nelts) {
            m[k].val = v;
            continue;
        }

        if (ngx_http_apigw_jv_object_set(a, headers, h[i].key.data,
                                         h[i].key.len, &v, 0)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * the query string's arguments, decoded ("+" is a space), the last value
 * of each; names that decode to nothing or hold NUL are left out
 */

static ngx_int_t
ngx_http_apigw_values_query(ngx_http_request_t *r, ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *query, ngx_array_t *names)
{
    u_char               *p, *last, *start, *eq, *q;
    ngx_str_t             name, value;
    ngx_uint_t            n;
    ngx_http_apigw_jv_t   v, key;

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

        /* decoded copies of the name and the value */

        q = ngx_pnalloc(r->pool, p - start + 1);
        if (q == NULL) {
            return NGX_ERROR;
        }

        name.data = q;
        name.len = (eq ? eq : p) - start;
        ngx_memcpy(q, start, name.len);
        ngx_http_apigw_unescape_arg(&name);

        value.data = name.data + name.len;
        value.len = eq ? (size_t) (p - eq - 1) : 0;

        if (eq) {
            ngx_memcpy(value.data, eq + 1, value.len);
        }

        ngx_http_apigw_unescape_arg(&value);

        if (p < last) {
            p++;
        }

        if (name.len == 0 || ngx_strlchr(name.data, name.data + name.len, '\0'))
        {
            continue;
        }

        if (ngx_http_apigw_values_str(a, &name, &key) != NGX_OK) {
            return NGX_ERROR;
        }

        if (names
            && !ngx_http_apigw_values_named(names, key.u.s.data, key.u.s.len,
                                            0))
        {
            continue;
        }

        if (ngx_http_apigw_values_str(a, &value, &v) != NGX_OK
            || ngx_http_apigw_jv_object_set(a, query, key.u.s.data,
                                            key.u.s.len, &v, 0)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* is it one of the names (in any case: a header's) */

static ngx_uint_t
ngx_http_apigw_values_named(ngx_array_t *names, u_char *name, size_t len,
    ngx_uint_t caseless)
{
    ngx_str_t   *n;
    ngx_uint_t   i;

    n = names->elts;

    for (i = 0; i < names->nelts; i++) {
        if (n[i].len == len
            && (caseless ? ngx_strncasecmp(n[i].data, name, len)
                         : ngx_memcmp(n[i].data, name, len))
               == 0)
        {
            return 1;
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_apigw_values_context(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_jv_t *context,
    ngx_array_t *names)
{
    ngx_str_t                      value, *name;
    ngx_uint_t                     k, n;
    ngx_http_apigw_jv_t            v;
    ngx_http_apigw_alloc_t         a;
    ngx_http_apigw_values_field_t  *f;

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    n = names ? names->nelts
              : sizeof(ngx_http_apigw_values_fields)
                / sizeof(ngx_http_apigw_values_field_t);

    if (ngx_http_apigw_values_object(&a, n, context) != NGX_OK) {
        return NGX_ERROR;
    }

    for (f = ngx_http_apigw_values_fields; f->key.len; f++) {

        if (names) {
            name = names->elts;

            for (k = 0; k < names->nelts; k++) {
                if (name[k].len == f->key.len
                    && ngx_strncmp(name[k].data, f->key.data, f->key.len)
                       == 0)
                {
                    break;
                }
            }

            if (k == names->nelts) {
                continue;
            }
        }

        switch (f->kind) {

        case NGX_HTTP_APIGW_VALUES_IDENTITY:
            if (ngx_http_apigw_values_identity(r, ctx, &a, &v) != NGX_OK) {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_APIGW_VALUES_AUTHORIZER:
            if (ctx->authorizer == NULL) {
                continue;   /* no authorizer ran: no member */
            }

            if (ngx_http_apigw_values_authorizer(r, ctx, &a, &v) != NGX_OK) {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_APIGW_VALUES_EPOCH:
            ngx_http_apigw_jv_set_int(&v, (int64_t) r->start_sec * 1000
                                          + r->start_msec);
            break;

        default:
            if (ngx_http_apigw_values_var(r, ctx, &f->key, &value) != NGX_OK
                || ngx_http_apigw_values_str(&a, &value, &v) != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;
        }

        if (ngx_http_apigw_jv_object_set(&a, context->u.c, f->key.data,
                                         f->key.len, &v, 0)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_values_identity(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *identity)
{
    ngx_str_t                  value, name;
    ngx_uint_t                 i;
    ngx_http_apigw_jv_t        v;
    ngx_http_apigw_jv_cont_t  *id;

    if (ngx_http_apigw_values_object(a, 16, identity) != NGX_OK) {
        return NGX_ERROR;
    }

    id = identity->u.c;

    ngx_http_apigw_jv_set_null(&v);

    for (i = 0; ngx_http_apigw_values_nulls[i].len; i++) {
        if (ngx_http_apigw_jv_object_set(a, id,
                                         ngx_http_apigw_values_nulls[i].data,
                                         ngx_http_apigw_values_nulls[i].len,
                                         &v, 0)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    /* an IAM caller's members take the places of the nulls */

    if (ctx->iam_caller
        && (ngx_http_apigw_values_set(a, id, "accessKey",
                                      &ctx->iam_caller->access_key)
            != NGX_OK
            || ngx_http_apigw_values_set(a, id, "accountId",
                                         &ctx->iam_caller->account)
               != NGX_OK
            || ngx_http_apigw_values_set(a, id, "caller",
                                         &ctx->iam_caller->user_id)
               != NGX_OK))
    {
        return NGX_ERROR;
    }

    if (ctx->api_key.len
        && (ngx_http_apigw_values_set(a, id, "apiKey", &ctx->api_key)
            != NGX_OK
            || ngx_http_apigw_values_set(a, id, "apiKeyId", &ctx->api_key_id)
               != NGX_OK))
    {
        return NGX_ERROR;
    }

    ngx_str_set(&name, "identity.sourceIp");

    if (ngx_http_apigw_values_var(r, ctx, &name, &value) != NGX_OK
        || ngx_http_apigw_values_set(a, id, "sourceIp", &value) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->iam_caller) {
        if (ngx_http_apigw_values_set(a, id, "user",
                                      &ctx->iam_caller->user_id)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else {
        ngx_http_apigw_jv_set_null(&v);

        if (ngx_http_apigw_jv_object_set(a, id, (u_char *) "user", 4, &v, 0)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    ngx_str_set(&name, "identity.userAgent");

    if (ngx_http_apigw_values_var(r, ctx, &name, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    if (value.data == NULL) {
        ngx_http_apigw_jv_set_null(&v);

    } else if (ngx_http_apigw_values_str(a, &value, &v) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_jv_object_set(a, id, (u_char *) "userAgent", 9, &v, 0)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->iam_caller) {
        return ngx_http_apigw_values_set(a, id, "userArn",
                                         &ctx->iam_caller->arn);
    }

    ngx_http_apigw_jv_set_null(&v);

    return ngx_http_apigw_jv_object_set(a, id, (u_char *) "userArn", 7, &v, 0);
}


/*
 * requestContext.authorizer: the authorizer's jansson object, printed and
 * read back as the engine's value (it is small: claims, a context)
 */

static ngx_int_t
ngx_http_apigw_values_authorizer(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *v)
{
    char       *text;
    u_char     *p;
    size_t      len;
    ngx_int_t   rc;

    text = json_dumps(ctx->authorizer, JSON_COMPACT);
    if (text == NULL) {
        return NGX_ERROR;
    }

    len = ngx_strlen(text);

    /* the value's strings point into the text: it lives in the pool */

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        free(text);
        return NGX_ERROR;
    }

    ngx_memcpy(p, text, len);
    free(text);

    rc = ngx_http_apigw_jv_parse(a, p, len, NGX_HTTP_APIGW_JV_ALLOW_NUL, v);

    return (rc == NGX_OK) ? NGX_OK : NGX_ERROR;
}


/* a $context variable's value; none (an empty string) if unknown */

static ngx_int_t
ngx_http_apigw_values_var(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *name, ngx_str_t *value)
{
    ngx_http_apigw_context_var_t  *var;

    ngx_str_null(value);

    var = ngx_http_apigw_context_var(name);

    if (var == NULL) {
        return NGX_OK;
    }

    return (var->get(r, ctx, value) == NGX_ERROR) ? NGX_ERROR : NGX_OK;
}


/*
 * an empty object with room for about the members it will have: set one
 * by one, they are not copied again as the object grows
 */

static ngx_int_t
ngx_http_apigw_values_object(ngx_http_apigw_alloc_t *a, ngx_uint_t n,
    ngx_http_apigw_jv_t *v)
{
    v->u.c = ngx_http_apigw_jv_cont_new(a, NGX_HTTP_APIGW_JV_OBJECT, n);
    if (v->u.c == NULL) {
        return NGX_ERROR;
    }

    v->type = NGX_HTTP_APIGW_JV_OBJECT;

    return NGX_OK;
}


/*
 * a string value: the bytes themselves when well-formed UTF-8, else a
 * copy with U+FFFD for each byte that is not (as lambda.c's events)
 */

static ngx_int_t
ngx_http_apigw_values_str(ngx_http_apigw_alloc_t *a, ngx_str_t *s,
    ngx_http_apigw_jv_t *v)
{
    u_char      *p, *last, *d, *copy;
    uint32_t     c, min;
    uint64_t     w;
    ngx_uint_t   n, i, bad;

    p = s->data;
    last = p + s->len;
    bad = 0;

    /* ASCII, the usual case, 8 bytes at a time */

    while (last - p >= 8) {
        ngx_memcpy(&w, p, 8);

        if (w & NGX_HTTP_APIGW_HIGHS8) {
            break;
        }

        p += 8;
    }

    while (p < last) {
        c = *p;

        if (c < 0x80) {
            p++;
            continue;
        }

        n = (c >= 0xc2 && c <= 0xdf) ? 1
            : (c >= 0xe0 && c <= 0xef) ? 2
            : (c >= 0xf0 && c <= 0xf4) ? 3 : 0;

        c &= (n == 1) ? 0x1f : (n == 2) ? 0x0f : 0x07;
        min = (n == 1) ? 0x80 : (n == 2) ? 0x800 : 0x10000;

        if (n == 0 || (size_t) (last - p) <= n) {
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

        p += n + 1;
        continue;

    invalid:

        bad = 1;
        break;
    }

    if (!bad) {
        ngx_http_apigw_jv_set_str(v, s->len ? s->data : (u_char *) "",
                                  s->len);
        return NGX_OK;
    }

    copy = ngx_http_apigw_alloc(a, s->len * 3 + 1);
    if (copy == NULL) {
        return NGX_ERROR;
    }

    d = ngx_cpymem(copy, s->data, p - s->data);

    while (p < last) {
        c = *p;

        if (c < 0x80) {
            *d++ = *p++;
            continue;
        }

        n = (c >= 0xc2 && c <= 0xdf) ? 1
            : (c >= 0xe0 && c <= 0xef) ? 2
            : (c >= 0xf0 && c <= 0xf4) ? 3 : 0;

        c &= (n == 1) ? 0x1f : (n == 2) ? 0x0f : 0x07;
        min = (n == 1) ? 0x80 : (n == 2) ? 0x800 : 0x10000;

        if (n == 0 || (size_t) (last - p) <= n) {
            goto replace;
        }

        for (i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                goto replace;
            }

            c = (c << 6) | (p[i] & 0x3f);
        }

        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
            goto replace;
        }

        d = ngx_cpymem(d, p, n + 1);
        p += n + 1;
        continue;

    replace:

        d = ngx_cpymem(d, "\xef\xbf\xbd", 3);
        p++;
    }

    ngx_http_apigw_jv_set_str(v, copy, d - copy);

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_values_set(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c, char *key, ngx_str_t *value)
{
    ngx_http_apigw_jv_t  v;

    if (ngx_http_apigw_values_str(a, value, &v) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_apigw_jv_object_set(a, c, (u_char *) key, ngx_strlen(key),
                                        &v, 0);
}
