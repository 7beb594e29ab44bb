
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The access phase of API methods, in API Gateway's order: the resource
 * policy first (apigw_resource_policy), then the method's authorizer
 * (apigw_authorization), then the API key (an authorizer may give it),
 * then usage plans and throttling (throttle.c).  With IAM authorization
 * the resource policy waits for the caller: it is evaluated with the
 * caller's own policies (iam_auth.c).  Each check fails closed with
 * AWS's answer.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_policy.h"
#include "ngx_http_apigw_authorizer.h"


/* $context.accountId and apiId, looked up once, at configuration time */
static ngx_http_apigw_context_var_t  *ngx_http_apigw_account_var;
static ngx_http_apigw_context_var_t  *ngx_http_apigw_api_var;


static ngx_int_t ngx_http_apigw_resource_policy_check(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_loc_conf_t *alcf);


/* apigw_resource_policy FILE: an IAM resource policy, JSON */

char *
ngx_http_apigw_resource_policy(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    json_t                  *doc;
    ngx_str_t               *value, name, var;
    const char              *err;
    json_error_t             jerr;
    ngx_http_apigw_alloc_t   a;

    if (alcf->resource_policy != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (ngx_strcmp(name.data, "off") == 0) {
        alcf->resource_policy = NULL;
        return NGX_CONF_OK;
    }

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_apigw_account_var == NULL) {
        ngx_str_set(&var, "accountId");
        ngx_http_apigw_account_var = ngx_http_apigw_context_var(&var);

        ngx_str_set(&var, "apiId");
        ngx_http_apigw_api_var = ngx_http_apigw_context_var(&var);
    }

    doc = json_load_file((char *) name.data, 0, &jerr);

    if (doc == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid resource policy \"%V\": line %d: %s",
                           &name, jerr.line, jerr.text);
        return NGX_CONF_ERROR;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = cf->pool;
    err = NULL;

    alcf->resource_policy = ngx_http_apigw_policy_parse(&a, doc, &err);

    json_decref(doc);

    if (alcf->resource_policy == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid resource policy \"%V\": %s", &name,
                           err ? err : "error");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


ngx_int_t
ngx_http_apigw_access_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_apigw_ctx_t       *ctx;
    ngx_http_apigw_loc_conf_t  *alcf;

    ctx = ngx_http_apigw_get_ctx(r);

    if (ctx == NULL || !ctx->routed || r != r->main) {
        return NGX_DECLINED;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);

    if (alcf->resource_policy
        && (alcf->authorization == NULL
            || alcf->authorization->type != NGX_HTTP_APIGW_AUTH_AWS_IAM))
    {
        rc = ngx_http_apigw_resource_policy_check(r, ctx, alcf);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    rc = ngx_http_apigw_authorize(r, ctx, alcf);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_http_apigw_keys_handler(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_apigw_throttle_handler(r, ctx);
}


/*
 * The caller is anonymous (IAM callers come with IAM auth): statements
 * with Principal "*" apply.  aws:SourceIp is the client's address.
 */

static ngx_int_t
ngx_http_apigw_resource_policy_check(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_loc_conf_t *alcf)
{
    u_char                           *p;
    ngx_int_t                         result;
    ngx_str_t                         arn, alias;
    ngx_http_apigw_policy_kv_t        kv;
    ngx_http_apigw_policy_request_t   req;

    if (ngx_http_apigw_method_arn(r, ctx, alcf, &arn, &alias) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&req, sizeof(ngx_http_apigw_policy_request_t));

    ngx_str_set(&req.action, "execute-api:Invoke");
    req.resource = arn;
    req.resource_alias = alias;

    ngx_str_set(&kv.key, "aws:SourceIp");
    kv.value = r->connection->addr_text;

    req.context = &kv;
    req.ncontext = 1;

    result = ngx_http_apigw_policy_eval(alcf->resource_policy, &req);

    if (result == NGX_HTTP_APIGW_POLICY_ALLOW) {
        return NGX_DECLINED;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "apigw: the resource policy denies \"%V\"%s", &arn,
                  result == NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY
                  ? " explicitly" : "");

    /* AWS's words, "Message" capitalised */

    p = ngx_pnalloc(r->pool, sizeof("User: anonymous is not authorized to "
                                    "perform: execute-api:Invoke on "
                                    "resource:  with an explicit deny")
                             + arn.len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) ngx_http_apigw_send_error(r, ctx, NGX_HTTP_APIGW_GR_ACCESS_DENIED);

    ctx->error_message.data = p;
    ctx->error_message.len =
        ngx_sprintf(p, "User: anonymous is not authorized to perform: "
                    "execute-api:Invoke on resource: %V%s", &arn,
                    result == NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY
                    ? " with an explicit deny" : "")
        - p;
    ctx->iam_message = 1;

    return NGX_HTTP_FORBIDDEN;
}


/*
 * arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH, and the
 * short form policies may use, execute-api:/STAGE/METHOD/PATH
 */

ngx_int_t
ngx_http_apigw_method_arn(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_loc_conf_t *alcf, ngx_str_t *arn, ngx_str_t *alias)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   account, api, region, path, stage, var;

    if (ngx_http_apigw_account_var == NULL) {
        /* authorizers need the ARN without a resource policy too */

        ngx_str_set(&var, "accountId");
        ngx_http_apigw_account_var = ngx_http_apigw_context_var(&var);

        ngx_str_set(&var, "apiId");
        ngx_http_apigw_api_var = ngx_http_apigw_context_var(&var);
    }

    if (ngx_http_apigw_account_var->get(r, ctx, &account) != NGX_OK
        || ngx_http_apigw_api_var->get(r, ctx, &api) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (alcf->aws_region.len) {
        region = alcf->aws_region;

    } else {
        ngx_str_set(&region, "us-east-1");
    }

    stage = ctx->stage ? ctx->stage->name : (ngx_str_t) ngx_null_string;
    path = ctx->raw_uri;

    if (path.len && path.data[0] == '/') {
        path.data++;
        path.len--;
    }

    len = sizeof("arn:aws:execute-api:::///") - 1 + region.len + account.len
          + api.len + stage.len + r->method_name.len + path.len;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    /* per request, for every authorizer: copies rather than a format */

    arn->data = p;

    p = ngx_cpymem(p, "arn:aws:execute-api:", sizeof("arn:aws:execute-api:")
                                              - 1);
    p = ngx_cpymem(p, region.data, region.len);
    *p++ = ':';
    p = ngx_cpymem(p, account.data, account.len);
    *p++ = ':';
    p = ngx_cpymem(p, api.data, api.len);
    *p++ = '/';
    p = ngx_cpymem(p, stage.data, stage.len);
    *p++ = '/';
    p = ngx_cpymem(p, r->method_name.data, r->method_name.len);
    *p++ = '/';
    p = ngx_cpymem(p, path.data, path.len);

    arn->len = p - arn->data;

    len = sizeof("execute-api:////") - 1 + stage.len + r->method_name.len
          + path.len;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    alias->data = p;
    p = ngx_cpymem(p, "execute-api:/", sizeof("execute-api:/") - 1);
    p = ngx_cpymem(p, stage.data, stage.len);
    *p++ = '/';
    p = ngx_cpymem(p, r->method_name.data, r->method_name.len);
    *p++ = '/';
    p = ngx_cpymem(p, path.data, path.len);

    alias->len = p - alias->data;

    return NGX_OK;
}

