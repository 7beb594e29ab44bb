
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * apigw_authorizer and apigw_authorization: declaring authorizers and
 * choosing one per method, and the access-phase step that runs it.  The
 * authorizer types themselves live in jwt.c, lambda_auth.c and iam_auth.c.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_authorizer.h"


typedef struct {
    ngx_str_t                           name;
    ngx_http_apigw_authorizer_conf_pt   conf;
} ngx_http_apigw_authorizer_type_t;


static ngx_http_apigw_authorizer_type_t  ngx_http_apigw_authorizer_types[] = {
    { ngx_string("jwt"), ngx_http_apigw_jwt_conf },
    { ngx_string("cognito"), ngx_http_apigw_jwt_conf },
    { ngx_string("token"), ngx_http_apigw_lambda_auth_conf },
    { ngx_string("request"), ngx_http_apigw_lambda_auth_conf },
    { ngx_null_string, NULL }
};


static ngx_http_apigw_authorizer_t *ngx_http_apigw_authorizer_find(
    ngx_array_t *authorizers, ngx_str_t *name);


/* apigw_authorizer NAME TYPE ARGS... (http, server) */

char *
ngx_http_apigw_authorizer(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    char                              *rv;
    ngx_str_t                         *value;
    ngx_uint_t                         i;
    ngx_http_apigw_authorizer_t       *a, **ap;
    ngx_http_apigw_authorizer_type_t  *t;

    value = cf->args->elts;

    for (i = 0; i < value[1].len; i++) {
        if (!(value[1].data[i] == '_' || value[1].data[i] == '-'
              || (value[1].data[i] >= '0' && value[1].data[i] <= '9')
              || ((value[1].data[i] | 0x20) >= 'a'
                  && (value[1].data[i] | 0x20) <= 'z')))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid authorizer name \"%V\": letters, "
                               "digits, \"-\" and \"_\" only", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    if (value[1].len == 0 || ngx_strcmp(value[1].data, "none") == 0
        || ngx_strcmp(value[1].data, "aws_iam") == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid authorizer name \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (alcf->authorizers == NGX_CONF_UNSET_PTR) {
        alcf->authorizers = ngx_array_create(cf->pool, 4,
                                       sizeof(ngx_http_apigw_authorizer_t *));
        if (alcf->authorizers == NULL) {
            return NGX_CONF_ERROR;
        }

    } else if (ngx_http_apigw_authorizer_find(alcf->authorizers, &value[1])) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate authorizer \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    for (t = ngx_http_apigw_authorizer_types; t->name.len; t++) {
        if (t->name.len == value[2].len
            && ngx_strncmp(t->name.data, value[2].data, value[2].len) == 0)
        {
            break;
        }
    }

    if (t->name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown authorizer type \"%V\" (jwt, cognito, "
                           "token or request)", &value[2]);
        return NGX_CONF_ERROR;
    }

    a = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_authorizer_t));
    if (a == NULL) {
        return NGX_CONF_ERROR;
    }

    a->name = value[1];
    a->type = t->name;
    a->file = cf->conf_file->file.name.data;
    a->line = cf->conf_file->line;

    rv = t->conf(cf, a, &value[3], cf->args->nelts - 3);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (a->authorize == NULL) {
        return "has no handler for its type";
    }

    ap = ngx_array_push(alcf->authorizers);
    if (ap == NULL) {
        return NGX_CONF_ERROR;
    }

    *ap = a;

    return NGX_CONF_OK;
}


/* apigw_authorization none | aws_iam | NAME [scopes=a,b] */

char *
ngx_http_apigw_authorization(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    u_char                          *p, *last, *start;
    ngx_str_t                       *value, scopes, *s;
    ngx_http_apigw_authorization_t  *authz;

    if (alcf->authorization != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    authz = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_authorization_t));
    if (authz == NULL) {
        return NGX_CONF_ERROR;
    }

    authz->file = cf->conf_file->file.name.data;
    authz->line = cf->conf_file->line;

    if (ngx_strcmp(value[1].data, "none") == 0) {
        authz->type = NGX_HTTP_APIGW_AUTH_NONE;

    } else if (ngx_strcmp(value[1].data, "aws_iam") == 0) {
        authz->type = NGX_HTTP_APIGW_AUTH_AWS_IAM;

    } else {
        authz->type = NGX_HTTP_APIGW_AUTH_AUTHORIZER;
        authz->name = value[1];
    }

    if (cf->args->nelts == 3) {
        if (ngx_http_apigw_authorizer_arg(&value[2], "scopes", &scopes)
            != NGX_OK
            || scopes.len == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        if (authz->type != NGX_HTTP_APIGW_AUTH_AUTHORIZER) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"scopes\" need an authorizer, not \"%V\"",
                               &value[1]);
            return NGX_CONF_ERROR;
        }

        authz->scopes = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
        if (authz->scopes == NULL) {
            return NGX_CONF_ERROR;
        }

        last = scopes.data + scopes.len;

        for (start = scopes.data; start <= last; start = p + 1) {
            p = ngx_strlchr(start, last, ',');
            if (p == NULL) {
                p = last;
            }

            if (p == start) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "empty scope in \"%V\"", &value[2]);
                return NGX_CONF_ERROR;
            }

            s = ngx_array_push(authz->scopes);
            if (s == NULL) {
                return NGX_CONF_ERROR;
            }

            s->data = start;
            s->len = p - start;
        }
    }

    alcf->authorization = authz;

    return NGX_CONF_OK;
}


/*
 * Authorizers declared at http level are seen by every server, a
 * server's own ones by its locations; a method names one of them, looked
 * up once the whole server is read, so the order of directives does not
 * matter.
 */

ngx_int_t
ngx_http_apigw_authorization_merge(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *prev, ngx_http_apigw_loc_conf_t *conf)
{
    ngx_uint_t                       i;
    ngx_http_apigw_authorizer_t    **a, **ap, *found;
    ngx_http_apigw_authorization_t  *authz;

    if (conf->authorizers == NGX_CONF_UNSET_PTR) {
        conf->authorizers = prev->authorizers == NGX_CONF_UNSET_PTR
                            ? NULL : prev->authorizers;

    } else if (prev->authorizers != NGX_CONF_UNSET_PTR
               && prev->authorizers != NULL)
    {
        /* a server's own authorizers, and those of http */

        a = prev->authorizers->elts;

        for (i = 0; i < prev->authorizers->nelts; i++) {
            if (ngx_http_apigw_authorizer_find(conf->authorizers,
                                               &a[i]->name))
            {
                continue;   /* the server's one hides http's */
            }

            ap = ngx_array_push(conf->authorizers);
            if (ap == NULL) {
                return NGX_ERROR;
            }

            *ap = a[i];
        }
    }

    ngx_conf_merge_ptr_value(conf->authorization, prev->authorization, NULL);

    authz = conf->authorization;

    if (authz == NULL || authz->type != NGX_HTTP_APIGW_AUTH_AUTHORIZER) {
        return NGX_OK;
    }

    found = conf->authorizers
            ? ngx_http_apigw_authorizer_find(conf->authorizers, &authz->name)
            : NULL;

    if (found == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "unknown authorizer \"%V\" in %s:%ui",
                      &authz->name, authz->file, authz->line);
        return NGX_ERROR;
    }

    if (authz->authorizer == NULL) {
        authz->authorizer = found;

    } else if (authz->authorizer != found) {
        /* inherited from http by servers with authorizers of that name */

        conf->authorization = ngx_palloc(cf->pool,
                                      sizeof(ngx_http_apigw_authorization_t));
        if (conf->authorization == NULL) {
            return NGX_ERROR;
        }

        *conf->authorization = *authz;
        conf->authorization->authorizer = found;
    }

    return NGX_OK;
}


static ngx_http_apigw_authorizer_t *
ngx_http_apigw_authorizer_find(ngx_array_t *authorizers, ngx_str_t *name)
{
    ngx_uint_t                     i;
    ngx_http_apigw_authorizer_t  **a;

    a = authorizers->elts;

    for (i = 0; i < authorizers->nelts; i++) {
        if (a[i]->name.len == name->len
            && ngx_strncmp(a[i]->name.data, name->data, name->len) == 0)
        {
            return a[i];
        }
    }

    return NULL;
}


/*
 * The access phase's authorization step.  NGX_DECLINED: go on (to the API
 * key check); NGX_AGAIN: the authorizer waits, the phase runs again later;
 * anything else ends the request.
 */

ngx_int_t
ngx_http_apigw_authorize(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_loc_conf_t *alcf)
{
    ngx_int_t                        rc;
    ngx_http_apigw_authorization_t  *authz;

    authz = alcf->authorization;

    if (authz == NULL || authz->type == NGX_HTTP_APIGW_AUTH_NONE
        || ctx->authorized)
    {
        return NGX_DECLINED;
    }

    if (authz->type == NGX_HTTP_APIGW_AUTH_AWS_IAM) {
        rc = ngx_http_apigw_iam_authorize(r, ctx, authz);

    } else {
        rc = authz->authorizer->authorize(r, ctx, authz);
    }

    if (rc == NGX_OK) {
        ctx->authorized = 1;
        return NGX_DECLINED;
    }

    if (rc == NGX_DECLINED) {
        /* an authorizer never lets a request through by declining */
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "apigw: authorizer declined");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return rc;
}


/* "name=value": NGX_OK and the value when arg is that parameter */

ngx_int_t
ngx_http_apigw_authorizer_arg(ngx_str_t *arg, char *name, ngx_str_t *value)
{
    size_t  len;

    len = ngx_strlen(name);

    if (arg->len <= len || arg->data[len] != '='
        || ngx_strncmp(arg->data, name, len) != 0)
    {
        return NGX_DECLINED;
    }

    value->data = arg->data + len + 1;
    value->len = arg->len - len - 1;

    return NGX_OK;
}
