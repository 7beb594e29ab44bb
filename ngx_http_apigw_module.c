
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Amazon API Gateway semantics as an nginx module: this file wires the
 * parts in src/ together (directives, configuration, phase handlers).
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_mapping.h"
#include "ngx_http_apigw_cache.h"
#include "ngx_http_apigw_authorizer.h"
#include "ngx_http_apigw_auth_cache.h"
#include "ngx_http_apigw_throttle.h"


static ngx_int_t ngx_http_apigw_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_apigw_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_apigw_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_apigw_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void *ngx_http_apigw_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_apigw_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_apigw_check_params(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *conf);
static ngx_int_t ngx_http_apigw_mapped_path(ngx_http_apigw_loc_conf_t *conf,
    ngx_str_t *name);
static ngx_int_t ngx_http_apigw_lambda_conf(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *conf);


static ngx_conf_enum_t  ngx_http_apigw_undefined[] = {
    { ngx_string("empty"), 0 },
    { ngx_string("literal"), 1 },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_apigw_key_sources[] = {
    { ngx_string("header"), NGX_HTTP_APIGW_KEY_SOURCE_HEADER },
    { ngx_string("authorizer"), NGX_HTTP_APIGW_KEY_SOURCE_AUTHORIZER },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_apigw_commands[] = {

    { ngx_string("apigw_api"),
      NGX_HTTP_SRV_CONF|NGX_CONF_TAKE123,
      ngx_http_apigw_api,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_stage"),
      NGX_HTTP_SRV_CONF|NGX_CONF_BLOCK|NGX_CONF_TAKE1,
      ngx_http_apigw_stage,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_resource"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_resource,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_method"),
      NGX_HTTP_LOC_CONF|NGX_CONF_BLOCK|NGX_CONF_TAKE1,
      ngx_http_apigw_method,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_integration"),
      NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_apigw_integration,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_request_template"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_apigw_request_template,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_template_undefined"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_apigw_loc_conf_t, null_literal),
      &ngx_http_apigw_undefined },

    { ngx_string("apigw_passthrough_behavior"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_passthrough_behavior,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_request_parameter"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_apigw_request_parameter,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_integration_response"),
      NGX_HTTP_LOC_CONF|NGX_CONF_BLOCK|NGX_CONF_TAKE12,
      ngx_http_apigw_integration_response,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_gateway_response"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_apigw_gateway_response,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_lambda_endpoint"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_lambda_endpoint,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_aws_endpoint"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_apigw_aws_endpoint,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_aws_region"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_aws_region,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_aws_credentials"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_apigw_aws_credentials,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_binary_media_types"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_apigw_binary_media_types,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_api_keys"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_api_keys,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_api_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_2MORE,
      ngx_http_apigw_api_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_api_key_required"),
      NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_apigw_loc_conf_t, key_required),
      NULL },

    { ngx_string("apigw_api_key_source"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_apigw_loc_conf_t, key_source),
      &ngx_http_apigw_key_sources },

    { ngx_string("apigw_resource_policy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_resource_policy,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_authorizer"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_2MORE,
      ngx_http_apigw_authorizer,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_authorization"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_apigw_authorization,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_iam_credentials"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_iam_credentials,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_authorizer_cache_zone"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_auth_cache_zone,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_cors"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_apigw_cors,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_apigw_cache,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_cache_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_apigw_cache_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_cache_invalidate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_cache_invalidate,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_cache_admin"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_apigw_cache_admin,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_throttle"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_apigw_throttle,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_usage_plan"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_apigw_usage_plan,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_shared_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_apigw_shared_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_usage_state"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_apigw_usage_state,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("apigw_usage"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_apigw_usage,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_apigw_module_ctx = {
    ngx_http_apigw_preconfiguration,       /* preconfiguration */
    ngx_http_apigw_postconfiguration,      /* postconfiguration */

    ngx_http_apigw_throttle_create_main_conf,  /* create main configuration */
    NULL,                                  /* init main configuration */

    ngx_http_apigw_create_srv_conf,        /* create server configuration */
    ngx_http_apigw_merge_srv_conf,         /* merge server configuration */

    ngx_http_apigw_create_loc_conf,        /* create location configuration */
    ngx_http_apigw_merge_loc_conf          /* merge location configuration */
};


ngx_module_t  ngx_http_apigw_module = {
    NGX_MODULE_V1,
    &ngx_http_apigw_module_ctx,            /* module context */
    ngx_http_apigw_commands,               /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_apigw_random_init,            /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    ngx_http_apigw_state_exit,             /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_apigw_preconfiguration(ngx_conf_t *cf)
{
    if (ngx_http_apigw_add_variables(cf) != NGX_OK
        || ngx_http_apigw_lambda_auth_add_variables(cf) != NGX_OK
        || ngx_http_apigw_throttle_add_variables(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_apigw_cache_add_variables(cf);
}


static ngx_int_t
ngx_http_apigw_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    /*
     * the module's variables, long names most, leave nginx's default
     * variables hash (1024 buckets of 64 bytes) too small: every start
     * would warn "could not build optimal variables_hash".  A bigger
     * table is always safe, so the default maximum is doubled; a value
     * set in nginx.conf (anything but the default) is left as it is.
     */

    if (cmcf->variables_hash_max_size == 1024) {
        cmcf->variables_hash_max_size = 2048;
    }

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_SERVER_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_apigw_stage_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_apigw_route_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PREACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_apigw_catch_all_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_apigw_access_handler;

    /* the locations Lambda authorizers are invoked through, now merged */

    if (ngx_http_apigw_lambda_auth_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_throttle_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_apigw_filter_init(cf);
}


static void *
ngx_http_apigw_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_apigw_srv_conf_t  *ascf;

    ascf = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_srv_conf_t));
    if (ascf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     ascf->name = { 0, NULL };
     *     ascf->id = { 0, NULL };
     *     ascf->stages = NULL;
     */

    return ascf;
}


static char *
ngx_http_apigw_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_apigw_srv_conf_t  *conf = child;

    if (conf->stages != NULL && conf->name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"apigw_stage\" requires \"apigw_api\" "
                           "in the same server");
        return NGX_CONF_ERROR;
    }

    return ngx_http_apigw_cache_zones(cf, conf);
}


static void *
ngx_http_apigw_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_apigw_loc_conf_t  *alcf;

    alcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_loc_conf_t));
    if (alcf == NULL) {
        return NULL;
    }

    alcf->aws = NGX_CONF_UNSET_PTR;
    alcf->binary_types = NGX_CONF_UNSET_PTR;
    alcf->null_literal = NGX_CONF_UNSET;
    alcf->keys = NGX_CONF_UNSET_PTR;
    alcf->key_required = NGX_CONF_UNSET;
    alcf->key_source = NGX_CONF_UNSET_UINT;
    alcf->resource_policy = NGX_CONF_UNSET_PTR;
    alcf->authorizers = NGX_CONF_UNSET_PTR;
    alcf->authorization = NGX_CONF_UNSET_PTR;
    alcf->iam_credentials = NGX_CONF_UNSET_PTR;
    alcf->authorizer_cache = NGX_CONF_UNSET_PTR;

    /*
     * set by ngx_pcalloc():
     *
     *     alcf->resource = NULL;
     *     alcf->methods = NULL;
     *     alcf->method = NULL;
     *     alcf->integration = NULL;
     *     alcf->cors = NULL;
     *     alcf->responses = NULL;
     *     alcf->lambda_endpoint = { 0, NULL };
     *     alcf->aws_region = { 0, NULL };
     *     alcf->cache = NULL;
     *     alcf->throttle = NULL;
     */

    return alcf;
}


static char *
ngx_http_apigw_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_apigw_loc_conf_t  *prev = parent;
    ngx_http_apigw_loc_conf_t  *conf = child;

    ngx_uint_t                           i;
    ngx_http_apigw_method_t             *m;
    ngx_http_apigw_srv_conf_t           *ascf;
    ngx_http_apigw_gateway_responses_t  *gr;

    /* a method block belongs to its resource; nested locations do not */

    if (conf->method) {
        conf->resource = prev->resource;
        conf->methods = prev->methods;
    }

    if (conf->cors == NULL) {
        conf->cors = prev->cors;
    }

    ngx_conf_merge_str_value(conf->lambda_endpoint, prev->lambda_endpoint, "");
    ngx_conf_merge_str_value(conf->aws_region, prev->aws_region, "");
    ngx_conf_merge_ptr_value(conf->aws, prev->aws, NULL);
    ngx_conf_merge_ptr_value(conf->binary_types, prev->binary_types, NULL);
    ngx_conf_merge_value(conf->null_literal, prev->null_literal, 0);
    ngx_conf_merge_ptr_value(conf->keys, prev->keys, NULL);
    ngx_conf_merge_value(conf->key_required, prev->key_required, 0);
    ngx_conf_merge_uint_value(conf->key_source, prev->key_source,
                              NGX_HTTP_APIGW_KEY_SOURCE_HEADER);
    ngx_conf_merge_ptr_value(conf->authorizer_cache, prev->authorizer_cache,
                             NULL);
    ngx_conf_merge_ptr_value(conf->resource_policy, prev->resource_policy,
                             NULL);

    if (conf->keys && ngx_http_apigw_keys_init(cf, conf->keys) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_apigw_authorization_merge(cf, prev, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_apigw_iam_merge(cf, prev, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->aws_endpoints == NULL) {
        conf->aws_endpoints = prev->aws_endpoints;
    }

    if (conf->method && conf->integration
        && conf->integration->type == NGX_HTTP_APIGW_INT_AWS
        && ngx_http_apigw_aws_service_conf(cf, conf) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->method && conf->integration
        && conf->integration->type == NGX_HTTP_APIGW_INT_LAMBDA
        && ngx_http_apigw_lambda_conf(cf, conf) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_apigw_cache_merge_conf(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_apigw_throttle_merge_conf(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->responses == NULL) {
        conf->responses = prev->responses;

    } else if (prev->responses) {
        gr = conf->responses;

        for (i = 0; i < NGX_HTTP_APIGW_GR_MAX; i++) {
            if (gr->responses[i] == NULL) {
                gr->responses[i] = prev->responses->responses[i];
            }
        }
    }

    if (conf->resource && !conf->method) {
        ascf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_apigw_module);

        if (ascf->name.len == 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"apigw_resource\" requires \"apigw_api\" in "
                          "its server in %s:%ui",
                          conf->resource->file, conf->resource->line);
            return NGX_CONF_ERROR;
        }
    }

    if (conf->method && conf->integration && conf->integration->uri
        && ngx_http_apigw_check_params(cf, conf) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->methods && conf->resource == NULL) {
        m = conf->methods->elts;
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"apigw_method\" requires \"apigw_resource\" "
                      "in the same location in %s:%ui", m->file, m->line);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* every {param} of an integration URI must be one of the resource's */

static ngx_int_t
ngx_http_apigw_check_params(ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *conf)
{
    ngx_uint_t                 i, j;
    ngx_http_apigw_ref_t      *ref;
    ngx_http_apigw_segment_t  *seg;

    ref = conf->integration->uri->parts.elts;

    for (i = 0; i < conf->integration->uri->parts.nelts; i++) {

        if (ref[i].type != NGX_HTTP_APIGW_REF_PATH_PARAM) {
            continue;
        }

        seg = conf->resource->segments.elts;

        for (j = 0; j < conf->resource->segments.nelts; j++) {
            if (seg[j].param && seg[j].text.len == ref[i].text.len
                && ngx_strncmp(seg[j].text.data, ref[i].text.data,
                               ref[i].text.len) == 0)
            {
                break;
            }
        }

        if (j == conf->resource->segments.nelts
            && ngx_http_apigw_mapped_path(conf, &ref[i].text))
        {
            continue;
        }

        if (j == conf->resource->segments.nelts) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unknown path parameter \"{%V}\" in integration "
                          "URI \"%V\": resource \"%V\" has no such "
                          "parameter in %s:%ui", &ref[i].text,
                          &conf->integration->uri->source,
                          &conf->resource->path,
                          conf->method->file, conf->method->line);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* a {param} of the integration URI may come from a request parameter */

static ngx_int_t
ngx_http_apigw_mapped_path(ngx_http_apigw_loc_conf_t *conf, ngx_str_t *name)
{
    ngx_uint_t                   i;
    ngx_http_apigw_param_map_t  *pm;

    if (conf->mapping == NULL) {
        return 0;
    }

    pm = conf->mapping->params.elts;

    for (i = 0; i < conf->mapping->params.nelts; i++) {
        if (pm[i].dst == NGX_HTTP_APIGW_DST_PATH
            && pm[i].name.len == name->len
            && ngx_strncmp(pm[i].name.data, name->data, name->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* where a lambda integration calls, and how it signs */

static ngx_int_t
ngx_http_apigw_lambda_conf(ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *conf)
{
    u_char  *p;

    if (conf->lambda_endpoint.len == 0 && conf->aws_region.len) {

        /* AWS itself: https://lambda.REGION.amazonaws.com */

        p = ngx_pnalloc(cf->pool, sizeof("https://lambda..amazonaws.com") - 1
                                  + conf->aws_region.len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        conf->lambda_endpoint.data = p;
        conf->lambda_endpoint.len =
            ngx_sprintf(p, "https://lambda.%V.amazonaws.com", &conf->aws_region)
            - p;
    }

    if (conf->lambda_endpoint.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "no \"apigw_lambda_endpoint\" or \"apigw_aws_region\" "
                      "for the lambda integration in %s:%ui",
                      conf->method->file, conf->method->line);
        return NGX_ERROR;
    }

    if (conf->aws && conf->aws_region.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"apigw_aws_credentials\" need \"apigw_aws_region\" "
                      "to sign requests in %s:%ui",
                      conf->method->file, conf->method->line);
        return NGX_ERROR;
    }

    return NGX_OK;
}
