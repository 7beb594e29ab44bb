
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * $context: one table serves mapping-style references ("requestId")
 * and the nginx variables that mirror them ($apigw_request_id).
 */


#include "ngx_http_apigw_common.h"

#include <jansson.h>


static ngx_int_t ngx_http_apigw_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_apigw_stage_variable_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_apigw_path_param_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_apigw_integration_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_apigw_aws_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_apigw_authorizer_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static json_t *ngx_http_apigw_json_member(json_t *obj, u_char *name,
    size_t len);
static ngx_int_t ngx_http_apigw_json_text(ngx_pool_t *pool, json_t *j,
    ngx_str_t *value);

static ngx_int_t ngx_http_apigw_ctx_request_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_ext_request_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_api_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_stage(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_account_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_deployment_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_resource_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_resource_path(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_http_method(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_path(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_protocol(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_request_time(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_request_time_epoch(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static u_char *ngx_http_apigw_two_digits(u_char *p, ngx_uint_t n);
static ngx_int_t ngx_http_apigw_ctx_domain_name(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_domain_prefix(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_source_ip(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_api_key(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_api_key_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_user_agent(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_access_key(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_caller_account(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_caller(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_user_arn(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_principal_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_error_message(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_error_message_string(
    ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_error_response_type(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_integration_status(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_integration_latency(
    ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_status(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_ctx_response_latency(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);

static ngx_http_upstream_state_t *ngx_http_apigw_upstream_state(
    ngx_http_request_t *r);


/* the first ones in the order of ngx_http_apigw_cv_e */

static ngx_http_apigw_context_var_t  ngx_http_apigw_context_vars[] = {

    { ngx_string("requestId"), ngx_string("apigw_request_id"),
      ngx_http_apigw_ctx_request_id },

    { ngx_string("extendedRequestId"), ngx_string("apigw_extended_request_id"),
      ngx_http_apigw_ctx_ext_request_id },

    { ngx_string("apiId"), ngx_string("apigw_api_id"),
      ngx_http_apigw_ctx_api_id },

    { ngx_string("accountId"), ngx_string("apigw_account_id"),
      ngx_http_apigw_ctx_account_id },

    { ngx_string("deploymentId"), ngx_string("apigw_deployment_id"),
      ngx_http_apigw_ctx_deployment_id },

    { ngx_string("stage"), ngx_string("apigw_stage"),
      ngx_http_apigw_ctx_stage },

    { ngx_string("resourceId"), ngx_string("apigw_resource_id"),
      ngx_http_apigw_ctx_resource_id },

    { ngx_string("resourcePath"), ngx_string("apigw_resource_path"),
      ngx_http_apigw_ctx_resource_path },

    { ngx_string("httpMethod"), ngx_string("apigw_http_method"),
      ngx_http_apigw_ctx_http_method },

    { ngx_string("path"), ngx_string("apigw_path"),
      ngx_http_apigw_ctx_path },

    { ngx_string("protocol"), ngx_string("apigw_protocol"),
      ngx_http_apigw_ctx_protocol },

    { ngx_string("requestTime"), ngx_string("apigw_request_time"),
      ngx_http_apigw_ctx_request_time },

    { ngx_string("requestTimeEpoch"), ngx_string("apigw_request_time_epoch"),
      ngx_http_apigw_ctx_request_time_epoch },

    { ngx_string("domainName"), ngx_string("apigw_domain_name"),
      ngx_http_apigw_ctx_domain_name },

    { ngx_string("domainPrefix"), ngx_string("apigw_domain_prefix"),
      ngx_http_apigw_ctx_domain_prefix },

    { ngx_string("identity.sourceIp"), ngx_string("apigw_source_ip"),
      ngx_http_apigw_ctx_source_ip },

    { ngx_string("identity.userAgent"), ngx_string("apigw_user_agent"),
      ngx_http_apigw_ctx_user_agent },

    { ngx_string("identity.apiKey"), ngx_string("apigw_api_key"),
      ngx_http_apigw_ctx_api_key },

    { ngx_string("identity.apiKeyId"), ngx_string("apigw_api_key_id"),
      ngx_http_apigw_ctx_api_key_id },

    { ngx_string("identity.accessKey"), ngx_string("apigw_access_key"),
      ngx_http_apigw_ctx_access_key },

    { ngx_string("identity.accountId"),
      ngx_string("apigw_identity_account_id"),
      ngx_http_apigw_ctx_caller_account },

    { ngx_string("identity.caller"), ngx_string("apigw_caller"),
      ngx_http_apigw_ctx_caller },

    { ngx_string("identity.user"), ngx_string("apigw_user"),
      ngx_http_apigw_ctx_caller },

    { ngx_string("identity.userArn"), ngx_string("apigw_user_arn"),
      ngx_http_apigw_ctx_user_arn },
    { ngx_string("authorizer.principalId"), ngx_string("apigw_principal_id"),
      ngx_http_apigw_ctx_principal_id },

    { ngx_string("error.message"), ngx_string("apigw_error_message"),
      ngx_http_apigw_ctx_error_message },

    { ngx_string("error.messageString"),
      ngx_string("apigw_error_message_string"),
      ngx_http_apigw_ctx_error_message_string },

    { ngx_string("error.responseType"), ngx_string("apigw_error_response_type"),
      ngx_http_apigw_ctx_error_response_type },

    { ngx_string("integration.status"), ngx_string("apigw_integration_status"),
      ngx_http_apigw_ctx_integration_status },

    { ngx_string("integrationStatus"), ngx_null_string,
      ngx_http_apigw_ctx_integration_status },

    { ngx_string("integration.latency"),
      ngx_string("apigw_integration_latency"),
      ngx_http_apigw_ctx_integration_latency },

    { ngx_string("integrationLatency"), ngx_null_string,
      ngx_http_apigw_ctx_integration_latency },

    { ngx_string("status"), ngx_string("apigw_status"),
      ngx_http_apigw_ctx_status },

    { ngx_string("responseLatency"), ngx_string("apigw_response_latency"),
      ngx_http_apigw_ctx_response_latency },

    { ngx_null_string, ngx_null_string, NULL }
};


static ngx_str_t  ngx_http_apigw_aws_variables[] = {
    ngx_string("apigw_aws_date"),
    ngx_string("apigw_aws_security_token"),
    ngx_string("apigw_aws_authorization")
};


ngx_int_t
ngx_http_apigw_add_variables(ngx_conf_t *cf)
{
    ngx_uint_t                     i;
    ngx_http_variable_t           *v;
    ngx_http_apigw_context_var_t  *cv;

    for (cv = ngx_http_apigw_context_vars; cv->name.len; cv++) {
        if (cv->variable.len == 0) {
            continue;
        }

        v = ngx_http_add_variable(cf, &cv->variable, NGX_HTTP_VAR_NOCACHEABLE);
        if (v == NULL) {
            return NGX_ERROR;
        }

        v->get_handler = ngx_http_apigw_variable;
        v->data = (uintptr_t) cv;
    }

    v = ngx_http_add_variable(cf, &(ngx_str_t)
                                  ngx_string("apigw_stage_variable_"),
                              NGX_HTTP_VAR_PREFIX|NGX_HTTP_VAR_NOCACHEABLE);
    if (v == NULL) {
        return NGX_ERROR;
    }

    v->get_handler = ngx_http_apigw_stage_variable_variable;

    v = ngx_http_add_variable(cf, &(ngx_str_t)
                                  ngx_string("apigw_path_param_"),
                              NGX_HTTP_VAR_PREFIX|NGX_HTTP_VAR_NOCACHEABLE);
    if (v == NULL) {
        return NGX_ERROR;
    }

    v->get_handler = ngx_http_apigw_path_param_variable;

    /* computed once per request: nginx caches them */

    v = ngx_http_add_variable(cf, &(ngx_str_t)
                                  ngx_string("apigw_integration_uri"), 0);
    if (v == NULL) {
        return NGX_ERROR;
    }

    v->get_handler = ngx_http_apigw_integration_variable;
    v->data = 0;

    v = ngx_http_add_variable(cf, &(ngx_str_t)
                                  ngx_string("apigw_lambda_payload"), 0);
    if (v == NULL) {
        return NGX_ERROR;
    }

    v->get_handler = ngx_http_apigw_integration_variable;
    v->data = 1;

    for (i = 0; i < 3; i++) {
        v = ngx_http_add_variable(cf, &ngx_http_apigw_aws_variables[i], 0);
        if (v == NULL) {
            return NGX_ERROR;
        }

        v->get_handler = ngx_http_apigw_aws_variable;
        v->data = i;
    }

    /* what an authorizer found: $apigw_authorizer_X */

    v = ngx_http_add_variable(cf, &(ngx_str_t)
                                  ngx_string("apigw_authorizer_"),
                              NGX_HTTP_VAR_PREFIX|NGX_HTTP_VAR_NOCACHEABLE);
    if (v == NULL) {
        return NGX_ERROR;
    }

    v->get_handler = ngx_http_apigw_authorizer_variable;

    return NGX_OK;
}


ngx_http_apigw_context_var_t *
ngx_http_apigw_context_var(ngx_str_t *name)
{
    ngx_http_apigw_context_var_t  *cv;

    for (cv = ngx_http_apigw_context_vars; cv->name.len; cv++) {
        if (cv->name.len == name->len
            && ngx_strncmp(cv->name.data, name->data, name->len) == 0)
        {
            return cv;
        }
    }

    return NULL;
}


/* a $context value by its place in the table: no lookup by name */

ngx_int_t
ngx_http_apigw_context_value(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_cv_e cv, ngx_str_t *value)
{
    ngx_str_null(value);

    return ngx_http_apigw_context_vars[cv].get(r, ctx, value);
}


static ngx_int_t
ngx_http_apigw_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_http_apigw_context_var_t *cv = (ngx_http_apigw_context_var_t *) data;

    ngx_str_t              value;
    ngx_http_apigw_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_apigw_module);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    ngx_str_null(&value);

    if (cv->get(r->main, ctx, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    if (value.data == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = value.data;
    v->len = value.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_prefix_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data, size_t prefix,
    ngx_str_t *(*lookup)(ngx_http_apigw_ctx_t *, ngx_str_t *))
{
    ngx_str_t             *name = (ngx_str_t *) data;

    ngx_str_t              key, *value;
    ngx_http_apigw_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_apigw_module);

    key.data = name->data + prefix;
    key.len = name->len - prefix;

    value = ctx ? lookup(ctx, &key) : NULL;

    if (value == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = value->data;
    v->len = value->len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_str_t *
ngx_http_apigw_stage_variable_ci(ngx_http_apigw_ctx_t *ctx, ngx_str_t *name)
{
    ngx_uint_t     i;
    ngx_keyval_t  *kv;

    /* nginx lowercases variable names: compare without case */

    if (ctx->stage == NULL) {
        return NULL;
    }

    kv = ctx->stage->variables.elts;

    for (i = 0; i < ctx->stage->variables.nelts; i++) {
        if (kv[i].key.len == name->len
            && ngx_strncasecmp(kv[i].key.data, name->data, name->len) == 0)
        {
            return &kv[i].value;
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_apigw_stage_variable_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    return ngx_http_apigw_prefix_variable(r, v, data,
                                          sizeof("apigw_stage_variable_") - 1,
                                          ngx_http_apigw_stage_variable_ci);
}


static ngx_int_t
ngx_http_apigw_path_param_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    return ngx_http_apigw_prefix_variable(r, v, data,
                                          sizeof("apigw_path_param_") - 1,
                                          ngx_http_apigw_path_param);
}


/* data 0: the integration URI (not MOCK); 1: the lambda event */

static ngx_int_t
ngx_http_apigw_integration_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_int_t                      rc;
    ngx_str_t                      value;
    ngx_http_apigw_ctx_t          *ctx;
    ngx_http_apigw_integration_t  *in;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_apigw_module);

    in = (ctx && ctx->method) ? ctx->method->integration : NULL;

    if (in == NULL
        || (data == 0 && in->type == NGX_HTTP_APIGW_INT_MOCK)
        || (data == 1 && in->type != NGX_HTTP_APIGW_INT_LAMBDA))
    {
        v->not_found = 1;
        return NGX_OK;
    }

    rc = (data == 0) ? ngx_http_apigw_integration_uri(r->main, ctx, &value)
                     : ngx_http_apigw_lambda_event(r->main, ctx, &value);

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    v->data = value.data;
    v->len = value.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


/*
 * $apigw_authorizer_KEY: ctx->authorizer's member KEY (nginx lowercases
 * the name: compared without case), $apigw_authorizer_claims_X a claim
 */

static ngx_int_t
ngx_http_apigw_authorizer_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t             *name = (ngx_str_t *) data;

    u_char                *key;
    json_t                *j, *claims;
    size_t                 len;
    ngx_str_t              value;
    ngx_http_apigw_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_apigw_module);

    key = name->data + sizeof("apigw_authorizer_") - 1;
    len = name->len - (sizeof("apigw_authorizer_") - 1);

    j = NULL;

    if (ctx && ctx->authorizer) {
        j = ngx_http_apigw_json_member(ctx->authorizer, key, len);

        claims = json_object_get(ctx->authorizer, "claims");

        if (j == NULL && claims && len > sizeof("claims_") - 1
            && ngx_strncmp(key, "claims_", sizeof("claims_") - 1) == 0)
        {
            j = ngx_http_apigw_json_member(claims,
                                           key + sizeof("claims_") - 1,
                                           len - (sizeof("claims_") - 1));
        }
    }

    if (ngx_http_apigw_json_text(r->pool, j, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    if (value.data == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = value.data;
    v->len = value.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


/* $context.authorizer.X of templates and mapping sources */

ngx_uint_t
ngx_http_apigw_authorizer_ref(ngx_str_t *name)
{
    return name->len > sizeof("authorizer.") - 1
           && ngx_strncmp(name->data, "authorizer.",
                          sizeof("authorizer.") - 1) == 0;
}


/*
 * "authorizer.principalId", "authorizer.KEY", "authorizer.claims.sub":
 * a value of what the authorizer found (ctx->authorizer), by its path;
 * data NULL when there is none
 */

ngx_int_t
ngx_http_apigw_authorizer_value(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *name, ngx_str_t *value)
{
    u_char  *p, *last, *dot;
    json_t  *j;

    ngx_str_null(value);

    if (ctx == NULL || ctx->authorizer == NULL) {
        return NGX_OK;
    }

    j = ctx->authorizer;

    p = name->data + sizeof("authorizer.") - 1;
    last = name->data + name->len;

    while (j && p < last) {
        dot = ngx_strlchr(p, last, '.');
        if (dot == NULL) {
            dot = last;
        }

        j = json_is_object(j) ? json_object_getn(j, (char *) p, dot - p)
                              : NULL;
        p = dot + 1;
    }

    return ngx_http_apigw_json_text(r->pool, j, value);
}


/* strings as they are, numbers and booleans as text, others as JSON */

static ngx_int_t
ngx_http_apigw_json_text(ngx_pool_t *pool, json_t *j, ngx_str_t *value)
{
    char    *text;
    size_t   len;

    ngx_str_null(value);

    if (j == NULL || json_is_null(j)) {
        return NGX_OK;
    }

    if (json_is_string(j)) {
        value->data = (u_char *) json_string_value(j);
        value->len = json_string_length(j);
        return NGX_OK;
    }

    text = json_dumps(j, JSON_COMPACT|JSON_ENCODE_ANY);
    if (text == NULL) {
        return NGX_ERROR;
    }

    len = ngx_strlen(text);

    value->data = ngx_pnalloc(pool, len);
    if (value->data == NULL) {
        free(text);
        return NGX_ERROR;
    }

    ngx_memcpy(value->data, text, len);
    value->len = len;

    free(text);

    return NGX_OK;
}


static json_t *
ngx_http_apigw_json_member(json_t *obj, u_char *name, size_t len)
{
    json_t      *value;
    const char  *key;

    if (!json_is_object(obj)) {
        return NULL;
    }

    json_object_foreach(obj, key, value) {
        if (ngx_strlen(key) == len
            && ngx_strncasecmp((u_char *) key, name, len) == 0)
        {
            return value;
        }
    }

    return NULL;
}


/* the SigV4 headers of the integration request; empty: not signed */

static ngx_int_t
ngx_http_apigw_aws_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_int_t              rc;
    ngx_str_t             *value;
    ngx_http_apigw_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_apigw_module);

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->len = 0;
    v->data = (u_char *) "";

    if (ctx == NULL || ctx->method == NULL
        || ctx->method->integration == NULL
        || ctx->method->integration->type != NGX_HTTP_APIGW_INT_LAMBDA)
    {
        return NGX_OK;
    }

    rc = ngx_http_apigw_aws_sign(r->main, ctx);

    if (rc == NGX_DECLINED) {
        return NGX_OK;
    }

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    value = (data == 0) ? &ctx->aws_date
            : (data == 1) ? &ctx->method->aws->session_token
            : &ctx->aws_authorization;

    v->data = value->data;
    v->len = value->len;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_request_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    value->data = ctx->request_id;
    value->len = NGX_HTTP_APIGW_REQUEST_ID_LEN;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_ext_request_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    value->data = ctx->ext_request_id;
    value->len = NGX_HTTP_APIGW_EXT_REQUEST_ID_LEN;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_api_id(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *value)
{
    ngx_http_apigw_srv_conf_t  *ascf;

    ascf = ngx_http_get_module_srv_conf(r, ngx_http_apigw_module);
    *value = ascf->id;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_account_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    ngx_http_apigw_srv_conf_t  *ascf;

    ascf = ngx_http_get_module_srv_conf(r, ngx_http_apigw_module);
    *value = ascf->account;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_deployment_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    ngx_http_apigw_srv_conf_t  *ascf;

    ascf = ngx_http_get_module_srv_conf(r, ngx_http_apigw_module);
    *value = ascf->deployment;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_stage(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *value)
{
    if (ctx->stage) {
        *value = ctx->stage->name;

    } else {
        ngx_str_set(value, "$default");
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_resource_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    if (ctx->resource) {
        *value = ctx->resource->id;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_resource_path(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    if (ctx->resource) {
        *value = ctx->resource->path;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_http_method(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    *value = r->method_name;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_path(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *value)
{
    *value = ctx->path;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_protocol(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *value)
{
    *value = r->http_protocol;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_request_time(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    u_char     *p;
    ngx_tm_t    tm;

    static const char  *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

    p = ngx_pnalloc(r->pool, sizeof("28/Sep/1970:12:00:00 +0000") - 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_gmtime(r->start_sec, &tm);

    value->data = p;

    /* "%02d/%s/%d:%02d:%02d:%02d +0000", without ngx_sprintf()'s cost */

    p = ngx_http_apigw_two_digits(p, tm.ngx_tm_mday);
    *p++ = '/';
    p = ngx_cpymem(p, months[tm.ngx_tm_mon - 1], 3);
    *p++ = '/';

    p = ngx_http_apigw_two_digits(p, tm.ngx_tm_year / 100);
    p = ngx_http_apigw_two_digits(p, tm.ngx_tm_year % 100);
    *p++ = ':';
    p = ngx_http_apigw_two_digits(p, tm.ngx_tm_hour);
    *p++ = ':';
    p = ngx_http_apigw_two_digits(p, tm.ngx_tm_min);
    *p++ = ':';
    p = ngx_http_apigw_two_digits(p, tm.ngx_tm_sec);
    p = ngx_cpymem(p, " +0000", 6);

    value->len = p - value->data;

    return NGX_OK;
}


static u_char *
ngx_http_apigw_two_digits(u_char *p, ngx_uint_t n)
{
    *p++ = (u_char) ('0' + n / 10 % 10);
    *p++ = (u_char) ('0' + n % 10);

    return p;
}


static ngx_int_t
ngx_http_apigw_ctx_request_time_epoch(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, NGX_TIME_T_LEN + 4);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value->data = p;
    value->len = ngx_sprintf(p, "%T%03M", r->start_sec, r->start_msec) - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_domain_name(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    ngx_http_core_srv_conf_t  *cscf;

    if (r->headers_in.server.len) {
        *value = r->headers_in.server;
        return NGX_OK;
    }

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    *value = cscf->server_name;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_domain_prefix(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    u_char  *dot;

    (void) ngx_http_apigw_ctx_domain_name(r, ctx, value);

    dot = ngx_strlchr(value->data, value->data + value->len, '.');

    if (dot) {
        value->len = dot - value->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_source_ip(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *value)
{
    *value = r->connection->addr_text;
    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_api_key(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *value)
{
    *value = ctx->api_key;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_api_key_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    *value = ctx->api_key_id;

    return NGX_OK;
}


/* the IAM caller's: empty (null in events) without IAM authorization */

static ngx_int_t
ngx_http_apigw_ctx_access_key(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    if (ctx->iam_caller) {
        *value = ctx->iam_caller->access_key;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_caller_account(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    if (ctx->iam_caller) {
        *value = ctx->iam_caller->account;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_caller(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *value)
{
    if (ctx->iam_caller) {
        *value = ctx->iam_caller->user_id;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_user_arn(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    if (ctx->iam_caller) {
        *value = ctx->iam_caller->arn;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_principal_id(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    *value = ctx->principal_id;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_user_agent(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    if (r->headers_in.user_agent) {
        *value = r->headers_in.user_agent->value;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_error_message(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    if (ctx->error) {
        *value = ctx->error_message;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_error_message_string(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    u_char     *p;
    uintptr_t   n;

    if (!ctx->error) {
        return NGX_OK;
    }

    if (ctx->error_message.data == NULL) {
        /* a failed Lambda authorizer's: no message */
        ngx_str_set(value, "null");
        return NGX_OK;
    }

    n = ngx_escape_json(NULL, ctx->error_message.data, ctx->error_message.len);

    p = ngx_pnalloc(r->pool, ctx->error_message.len + n + 2);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value->data = p;

    *p++ = '"';
    p = (u_char *) ngx_escape_json(p, ctx->error_message.data,
                                   ctx->error_message.len);
    *p++ = '"';

    value->len = p - value->data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_error_response_type(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    if (!ctx->error) {
        return NGX_OK;
    }

    *value = *ngx_http_apigw_gr_name(ctx->error_type);

    return NGX_OK;
}


static ngx_http_upstream_state_t *
ngx_http_apigw_upstream_state(ngx_http_request_t *r)
{
    ngx_http_upstream_state_t  *state;

    if (r->upstream_states == NULL || r->upstream_states->nelts == 0) {
        return NULL;
    }

    state = r->upstream_states->elts;

    return &state[r->upstream_states->nelts - 1];
}


static ngx_int_t
ngx_http_apigw_ctx_integration_status(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    u_char                     *p;
    ngx_uint_t                  status;
    ngx_http_upstream_state_t  *state;

    if (!ctx->integration) {
        return NGX_OK;
    }

    if (ctx->status) {
        status = ctx->status;

    } else {
        state = ngx_http_apigw_upstream_state(r);

        if (state == NULL || state->status == 0) {
            return NGX_OK;
        }

        status = state->status;
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value->data = p;
    value->len = ngx_sprintf(p, "%ui", status) - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_integration_latency(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    u_char                     *p;
    ngx_msec_t                  ms;
    ngx_http_upstream_state_t  *state;

    if (!ctx->integration) {
        return NGX_OK;
    }

    ms = 0;

    if (ctx->status == 0) {
        state = ngx_http_apigw_upstream_state(r);

        if (state == NULL) {
            return NGX_OK;
        }

        /* until the upstream finishes, the time to its response header */

        ms = (state->response_time != (ngx_msec_t) -1) ? state->response_time
                                                       : state->header_time;

        if (ms == (ngx_msec_t) -1) {
            return NGX_OK;
        }
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value->data = p;
    value->len = ngx_sprintf(p, "%M", ms) - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_status(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *value)
{
    u_char  *p;

    if (r->headers_out.status == 0) {
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value->data = p;
    value->len = ngx_sprintf(p, "%ui", r->headers_out.status) - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_ctx_response_latency(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value)
{
    u_char          *p;
    ngx_msec_int_t   ms;
    ngx_time_t      *tp;

    tp = ngx_timeofday();

    ms = (ngx_msec_int_t) ((tp->sec - r->start_sec) * 1000
                           + (tp->msec - r->start_msec));
    ms = ngx_max(ms, 0);

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value->data = p;
    value->len = ngx_sprintf(p, "%M", (ngx_msec_t) ms) - p;

    return NGX_OK;
}
