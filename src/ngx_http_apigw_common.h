
/*
 * Copyright (C) ngx_http_apigw_module authors
 */


#ifndef _NGX_HTTP_APIGW_COMMON_H_INCLUDED_
#define _NGX_HTTP_APIGW_COMMON_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


#define NGX_HTTP_APIGW_REQUEST_ID_LEN       36
#define NGX_HTTP_APIGW_EXT_REQUEST_ID_LEN   16
#define NGX_HTTP_APIGW_DEFAULT_TIMEOUT      29000
#define NGX_HTTP_APIGW_MAX_PAYLOAD          (10 * 1024 * 1024)

#define NGX_HTTP_APIGW_STAGE_VAR_NAME_MAX   64
#define NGX_HTTP_APIGW_STAGE_VAR_VALUE_MAX  512


/* integration types, as AWS names them */
typedef enum {
    NGX_HTTP_APIGW_INT_MOCK = 0,
    NGX_HTTP_APIGW_INT_HTTP,
    NGX_HTTP_APIGW_INT_HTTP_PROXY,
    NGX_HTTP_APIGW_INT_LAMBDA,
    NGX_HTTP_APIGW_INT_AWS
} ngx_http_apigw_integration_type_e;


/* gateway response types; keep in the order of the table in response.c */
typedef enum {
    NGX_HTTP_APIGW_GR_ACCESS_DENIED = 0,
    NGX_HTTP_APIGW_GR_API_CONFIGURATION_ERROR,
    NGX_HTTP_APIGW_GR_AUTHORIZER_CONFIGURATION_ERROR,
    NGX_HTTP_APIGW_GR_AUTHORIZER_FAILURE,
    NGX_HTTP_APIGW_GR_BAD_REQUEST_BODY,
    NGX_HTTP_APIGW_GR_BAD_REQUEST_PARAMETERS,
    NGX_HTTP_APIGW_GR_DEFAULT_4XX,
    NGX_HTTP_APIGW_GR_DEFAULT_5XX,
    NGX_HTTP_APIGW_GR_EXPIRED_TOKEN,
    NGX_HTTP_APIGW_GR_INTEGRATION_FAILURE,
    NGX_HTTP_APIGW_GR_INTEGRATION_TIMEOUT,
    NGX_HTTP_APIGW_GR_INVALID_API_KEY,
    NGX_HTTP_APIGW_GR_INVALID_SIGNATURE,
    NGX_HTTP_APIGW_GR_MISSING_AUTHENTICATION_TOKEN,
    NGX_HTTP_APIGW_GR_QUOTA_EXCEEDED,
    NGX_HTTP_APIGW_GR_REQUEST_TOO_LARGE,
    NGX_HTTP_APIGW_GR_RESOURCE_NOT_FOUND,
    NGX_HTTP_APIGW_GR_THROTTLED,
    NGX_HTTP_APIGW_GR_UNAUTHORIZED,
    NGX_HTTP_APIGW_GR_UNSUPPORTED_MEDIA_TYPE,
    NGX_HTTP_APIGW_GR_WAF_FILTERED,
    NGX_HTTP_APIGW_GR_MAX,

    /* not gateway response types: fixed answers AWS gives */
    NGX_HTTP_APIGW_GR_UNKNOWN_STAGE,
    NGX_HTTP_APIGW_GR_INTERNAL_ERROR,
    NGX_HTTP_APIGW_GR_HTTP_API_ERROR
} ngx_http_apigw_gr_type_e;

#define NGX_HTTP_APIGW_GR_MISSING                                            \
    NGX_HTTP_APIGW_GR_MISSING_AUTHENTICATION_TOKEN


/* $context values read by index; keep in the order of variables.c's table */
typedef enum {
    NGX_HTTP_APIGW_CV_REQUEST_ID = 0,
    NGX_HTTP_APIGW_CV_EXTENDED_REQUEST_ID,
    NGX_HTTP_APIGW_CV_API_ID,
    NGX_HTTP_APIGW_CV_ACCOUNT_ID,
    NGX_HTTP_APIGW_CV_DEPLOYMENT_ID,
    NGX_HTTP_APIGW_CV_STAGE,
    NGX_HTTP_APIGW_CV_RESOURCE_ID,
    NGX_HTTP_APIGW_CV_RESOURCE_PATH,
    NGX_HTTP_APIGW_CV_HTTP_METHOD,
    NGX_HTTP_APIGW_CV_PATH,
    NGX_HTTP_APIGW_CV_PROTOCOL,
    NGX_HTTP_APIGW_CV_REQUEST_TIME,
    NGX_HTTP_APIGW_CV_REQUEST_TIME_EPOCH,
    NGX_HTTP_APIGW_CV_DOMAIN_NAME,
    NGX_HTTP_APIGW_CV_DOMAIN_PREFIX,
    NGX_HTTP_APIGW_CV_SOURCE_IP,
    NGX_HTTP_APIGW_CV_USER_AGENT
} ngx_http_apigw_cv_e;


/* a reference inside a compiled string: $context.x, {param}, ... */
typedef enum {
    NGX_HTTP_APIGW_REF_LITERAL = 0,
    NGX_HTTP_APIGW_REF_CONTEXT,
    NGX_HTTP_APIGW_REF_STAGE_VARIABLE,
    NGX_HTTP_APIGW_REF_PATH_PARAM,
    NGX_HTTP_APIGW_REF_HEADER,
    NGX_HTTP_APIGW_REF_QUERYSTRING
} ngx_http_apigw_ref_type_e;


typedef struct ngx_http_apigw_ctx_s  ngx_http_apigw_ctx_t;
typedef struct ngx_http_apigw_mapping_conf_s  ngx_http_apigw_mapping_conf_t;
typedef struct ngx_http_apigw_mapping_ctx_s  ngx_http_apigw_mapping_ctx_t;
typedef struct ngx_http_apigw_api_key_s  ngx_http_apigw_api_key_t;
typedef struct ngx_http_apigw_policy_s  ngx_http_apigw_policy_t;
typedef struct ngx_http_apigw_cache_s  ngx_http_apigw_cache_t;
typedef struct ngx_http_apigw_cache_ctx_s  ngx_http_apigw_cache_ctx_t;
typedef struct ngx_http_apigw_cache_conf_s  ngx_http_apigw_cache_conf_t;
typedef struct ngx_http_apigw_authorizer_s  ngx_http_apigw_authorizer_t;
typedef struct ngx_http_apigw_authorization_s
    ngx_http_apigw_authorization_t;
typedef struct ngx_http_apigw_iam_credentials_s
    ngx_http_apigw_iam_credentials_t;
typedef struct ngx_http_apigw_auth_cache_s  ngx_http_apigw_auth_cache_t;
typedef struct ngx_http_apigw_throttle_conf_s  ngx_http_apigw_throttle_conf_t;
typedef struct ngx_http_apigw_throttle_ctx_s  ngx_http_apigw_throttle_ctx_t;
typedef struct ngx_http_apigw_store_s  ngx_http_apigw_store_t;


typedef struct {
    ngx_array_t                     keys;     /* ngx_http_apigw_api_key_t */
    ngx_uint_t                      sorted;
} ngx_http_apigw_keys_t;


typedef ngx_int_t (*ngx_http_apigw_context_get_pt)(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *value);


typedef struct {
    ngx_str_t                       name;     /* "requestId" */
    ngx_str_t                       variable; /* "apigw_request_id" */
    ngx_http_apigw_context_get_pt   get;
} ngx_http_apigw_context_var_t;


typedef struct {
    ngx_http_apigw_ref_type_e       type;
    ngx_str_t                       text;     /* literal, or name */
    ngx_http_apigw_context_var_t   *context;
    ngx_uint_t                      escape;   /* URI-escape the value */
} ngx_http_apigw_ref_t;


/* a string compiled once: literals and references */
typedef struct {
    ngx_str_t                       source;
    ngx_array_t                     parts;    /* ngx_http_apigw_ref_t */
    size_t                          literal_len;
} ngx_http_apigw_tpl_t;


typedef struct {
    ngx_str_t                       name;
    ngx_array_t                     variables;  /* ngx_keyval_t */
    ngx_http_apigw_cache_t         *cache;      /* NULL: no cache */
    struct ngx_http_apigw_limit_s  *throttle;   /* NULL: no limit */
    ngx_uint_t                      index;      /* in its server's */
    ngx_array_t                    *plans;      /* usage plans with it */
} ngx_http_apigw_stage_t;


typedef struct {
    ngx_str_t                       text;     /* literal, or parameter name */
    unsigned                        param:1;
    unsigned                        greedy:1;
} ngx_http_apigw_segment_t;


typedef struct {
    ngx_str_t                       path;     /* "/pets/{petId}" */
    ngx_str_t                       id;       /* AWS-like resource id */
    ngx_array_t                     segments; /* ngx_http_apigw_segment_t */
    ngx_uint_t                      nparams;
    u_char                         *file;     /* where it was declared */
    ngx_uint_t                      line;
} ngx_http_apigw_resource_t;


typedef struct {
    ngx_str_t                       name;     /* "origin" header name */
    ngx_http_apigw_tpl_t           *value;
} ngx_http_apigw_header_t;


typedef struct {
    ngx_http_apigw_integration_type_e  type;
    ngx_http_apigw_tpl_t          *uri;
    ngx_str_t                      http_method;  /* empty: the client's */
    ngx_msec_t                     timeout;
    ngx_uint_t                     status;       /* MOCK */
    ngx_str_t                      body;         /* MOCK */
    ngx_str_t                      content_type; /* MOCK */
    ngx_array_t                   *headers;      /* ngx_http_apigw_header_t */
    ngx_http_apigw_tpl_t          *function;     /* lambda */
    ngx_uint_t                     payload;      /* 10 or 20 */
    ngx_str_t                      service;      /* aws: "sqs" */
    ngx_str_t                      action;       /* aws: action/NAME */
    ngx_str_t                      path;         /* aws: path/PATH */
    ngx_str_t                      region;       /* aws: from the ARN */
    ngx_str_t                      target;       /* aws: X-Amz-Target */
    ngx_str_t                      amz_type;     /* aws: JSON protocol */
    unsigned                       proxy:1;
    ngx_http_handler_pt            upstream_handler;
} ngx_http_apigw_integration_t;


typedef struct {
    ngx_str_t                       name;     /* "GET", "ANY" */
    void                          **loc_conf;
    u_char                         *file;     /* where it was declared */
    ngx_uint_t                      line;
} ngx_http_apigw_method_t;


typedef struct {
    ngx_flag_t                      enabled;
    ngx_array_t                    *origins;    /* ngx_str_t, NULL: "*" */
    ngx_str_t                       methods;    /* empty: the resource's */
    ngx_str_t                       headers;
    ngx_str_t                       expose;
    ngx_int_t                       max_age;    /* -1: not sent */
    ngx_flag_t                      credentials;
} ngx_http_apigw_cors_t;


typedef struct {
    ngx_http_apigw_gr_type_e        type;
    ngx_uint_t                      status;     /* 0: the type's default */
    ngx_array_t                    *headers;    /* ngx_http_apigw_header_t */
    ngx_http_apigw_tpl_t           *body;       /* NULL: default template */
} ngx_http_apigw_gateway_response_t;


typedef struct {
    ngx_http_apigw_gateway_response_t  *responses[NGX_HTTP_APIGW_GR_MAX];
} ngx_http_apigw_gateway_responses_t;


typedef struct {
    ngx_str_t                       access_key;
    ngx_str_t                       secret_key;
    ngx_str_t                       session_token;
} ngx_http_apigw_aws_t;


/* a caller authenticated by SigV4 (iam_auth.c): $context.identity.* */
typedef struct {
    ngx_str_t                       access_key;
    ngx_str_t                       account;    /* from the ARN */
    ngx_str_t                       user_id;    /* caller, user */
    ngx_str_t                       arn;        /* userArn */
} ngx_http_apigw_iam_caller_t;


/* the http block's */
typedef struct {
    /* throttling and usage plans: throttle.c */
    struct ngx_http_apigw_limit_s  *account;    /* apigw_throttle */
    ngx_array_t                     plans;      /* ngx_http_apigw_plan_t */
    ngx_str_t                       zone_name;  /* apigw_shared_zone */
    size_t                          zone_size;
    u_char                         *zone_file;
    ngx_uint_t                      zone_line;
    ngx_shm_zone_t                 *shm_zone;
    ngx_http_apigw_store_t         *store;      /* NULL: nothing counted */
    ngx_str_t                       state_path; /* apigw_usage_state */
    ngx_str_t                       state_file;
    ngx_msec_t                      state_interval;
    ngx_path_t                     *state_dir;
    ngx_uint_t                      used;       /* some limit or plan */
} ngx_http_apigw_main_conf_t;


typedef struct {
    ngx_str_t                       name;       /* apigw_api NAME */
    ngx_str_t                       id;         /* $context.apiId */
    ngx_str_t                       account;    /* $context.accountId */
    ngx_str_t                       deployment; /* $context.deploymentId */
    ngx_array_t                    *stages;     /* ngx_http_apigw_stage_t */
} ngx_http_apigw_srv_conf_t;


typedef struct {
    ngx_http_apigw_resource_t      *resource;
    ngx_array_t                    *methods;    /* ngx_http_apigw_method_t */
    ngx_http_apigw_method_t        *method;     /* set in a method block */
    ngx_http_apigw_integration_t   *integration;
    ngx_http_apigw_cors_t          *cors;
    ngx_http_apigw_gateway_responses_t  *responses;
    ngx_str_t                       lambda_endpoint;
    ngx_array_t                    *aws_endpoints;  /* ngx_keyval_t */
    ngx_str_t                       aws_region;
    ngx_http_apigw_aws_t           *aws;
    ngx_array_t                    *binary_types;  /* ngx_str_t */
    ngx_http_apigw_mapping_conf_t  *mapping;    /* non-proxy mapping */
    ngx_flag_t                      null_literal;  /* undefined $x */
    ngx_http_apigw_keys_t          *keys;
    ngx_flag_t                      key_required;
    ngx_uint_t                      key_source; /* AWS's apiKeySource */
    ngx_http_apigw_policy_t        *resource_policy;
    ngx_http_apigw_cache_conf_t    *cache;
    ngx_array_t                    *authorizers;
                                    /* ngx_http_apigw_authorizer_t * */
    ngx_http_apigw_authorization_t *authorization;
    ngx_http_apigw_iam_credentials_t  *iam_credentials;
    ngx_http_apigw_auth_cache_t    *authorizer_cache;
    ngx_http_apigw_throttle_conf_t *throttle;
} ngx_http_apigw_loc_conf_t;


struct ngx_http_apigw_ctx_s {
    u_char                          request_id[NGX_HTTP_APIGW_REQUEST_ID_LEN];
    u_char                          ext_request_id[
                                        NGX_HTTP_APIGW_EXT_REQUEST_ID_LEN];
    ngx_str_t                       path;       /* as the client sent it */
    ngx_str_t                       raw_uri;    /* the same, no stage */
    ngx_http_apigw_stage_t         *stage;
    ngx_http_apigw_resource_t      *resource;
    ngx_http_apigw_loc_conf_t      *method;     /* the method's conf */
    ngx_keyval_t                   *params;     /* resource->nparams */

    ngx_http_apigw_gr_type_e        error_type;
    ngx_str_t                       error_message;
    ngx_str_t                       error_amzn_type; /* if not the type's */
    ngx_chain_t                    *error_body;

    ngx_uint_t                      status;     /* MOCK, lambda */
    ngx_uint_t                      status_override;

    ngx_http_apigw_mapping_ctx_t   *mapping;    /* non-proxy mapping */
    ngx_http_apigw_cache_ctx_t     *cache;      /* a stage with a cache */

    ngx_str_t                       api_key;    /* a valid one */
    ngx_str_t                       api_key_id;
    ngx_array_t                    *api_key_plans;  /* its usage plans */
    ngx_http_apigw_throttle_ctx_t  *throttle;   /* checked: the results */

    /* what an authorizer (or IAM) found out about the caller */
    ngx_str_t                       principal_id;
    struct json_t                  *authorizer; /* requestContext.
                                                   authorizer, 1.0 event */
    struct json_t                  *authorizer_v2; /* the same, 2.0 event;
                                                      NULL: authorizer */
    ngx_str_t                       usage_key;  /* usageIdentifierKey */
    void                           *auth;       /* the authorizer's state */
    ngx_str_t                       method_arn;
    ngx_http_apigw_iam_caller_t    *iam_caller;

    ngx_str_t                       payload;    /* lambda event */
    ngx_str_t                       aws_date;
    ngx_str_t                       aws_authorization;
    ngx_str_t                       aws_content_sha256;
    ngx_uint_t                      capture_status;
    ngx_chain_t                    *captured;
    ngx_chain_t                   **captured_last;
    ngx_buf_t                      *capture_buf;   /* the one filled */
    size_t                          captured_size;

    unsigned                        routed:1;
    unsigned                        raw_params:1;
    unsigned                        integration:1;
    unsigned                        error:1;
    unsigned                        replace_body:1;
    unsigned                        body_sent:1;
    unsigned                        preflight:1;
    unsigned                        capturing:1;
    unsigned                        function_error:1;
    unsigned                        signed_request:1;
    unsigned                        iam_message:1;
    unsigned                        authorized:1;
};


extern ngx_module_t  ngx_http_apigw_module;


/* conf.c: directive setters */
char *ngx_http_apigw_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_apigw_stage(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_apigw_resource(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_method(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_apigw_integration(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_gateway_response(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_cors(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_apigw_lambda_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_binary_media_types(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_apigw_is_binary(ngx_http_request_t *r,
    ngx_http_apigw_loc_conf_t *alcf);

/* conf.c */
char *ngx_http_apigw_conf_handler(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *alcf, ngx_http_handler_pt handler);
ngx_int_t ngx_http_apigw_shm_log_ctx(ngx_shm_zone_t *shm_zone,
    ngx_slab_pool_t *shpool, char *kind);
ngx_shm_zone_t *ngx_http_apigw_shm_zone_next(ngx_shm_zone_init_pt init,
    ngx_list_part_t **part, ngx_uint_t *i);
void *ngx_http_apigw_pool_alloc(void *pool, size_t size);
ngx_int_t ngx_http_apigw_conf_read_file(ngx_conf_t *cf, ngx_str_t *name,
    size_t max, ngx_str_t *out);
void ngx_http_apigw_make_id(ngx_str_t *src, u_char *dst, size_t len);
void ngx_http_apigw_random_id(u_char *dst, size_t len);

/* router.c */
ngx_int_t ngx_http_apigw_random_init(ngx_cycle_t *cycle);
ngx_int_t ngx_http_apigw_stage_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_apigw_route_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_apigw_catch_all_handler(ngx_http_request_t *r);
char *ngx_http_apigw_resource_compile(ngx_conf_t *cf,
    ngx_http_apigw_resource_t *res, ngx_str_t *path);
ngx_int_t ngx_http_apigw_resource_match(ngx_http_request_t *r,
    ngx_http_apigw_resource_t *res, ngx_str_t *uri, ngx_keyval_t *params);
ngx_http_apigw_ctx_t *ngx_http_apigw_get_ctx(ngx_http_request_t *r);
ngx_str_t *ngx_http_apigw_stage_variable(ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *name);
ngx_str_t *ngx_http_apigw_path_param(ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *name);

/* template.c: compiled strings */
ngx_http_apigw_tpl_t *ngx_http_apigw_tpl_compile(ngx_conf_t *cf,
    ngx_str_t *src, ngx_uint_t flags);
ngx_int_t ngx_http_apigw_tpl_render(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_tpl_t *tpl, ngx_str_t *out);
ngx_http_apigw_tpl_t *ngx_http_apigw_tpl_param(ngx_conf_t *cf,
    ngx_str_t *src);
ngx_table_elt_t *ngx_http_apigw_find_header(ngx_list_t *headers,
    ngx_str_t *name);
ngx_list_t *ngx_http_apigw_client_headers(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);

#define NGX_HTTP_APIGW_TPL_CONTEXT      0x01   /* $context.x, $stageVar.. */
#define NGX_HTTP_APIGW_TPL_URI          0x02   /* ${stageVariables.x}, {p} */

/* integration.c */
ngx_int_t ngx_http_apigw_content_handler(ngx_http_request_t *r);
char *ngx_http_apigw_integration_init(ngx_conf_t *cf,
    ngx_http_conf_ctx_t *ctx, ngx_http_apigw_loc_conf_t *alcf);
ngx_int_t ngx_http_apigw_integration_uri(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *uri);
char *ngx_http_apigw_conf_set(ngx_conf_t *cf, ngx_module_t *module,
    void **loc_conf, char *name, ngx_str_t *args, ngx_uint_t nargs,
    ngx_uint_t dflt);

/* aws.c */
char *ngx_http_apigw_aws_region(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_aws_credentials(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_aws_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_apigw_aws_sign(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
ngx_int_t ngx_http_apigw_aws_sign_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *method, ngx_str_t *uri,
    ngx_str_t *payload, ngx_str_t *service, ngx_keyval_t *extra,
    ngx_uint_t nextra);
ngx_int_t ngx_http_apigw_aws_service_conf(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *alcf);
ngx_int_t ngx_http_apigw_aws_service(ngx_str_t *service, ngx_str_t *target,
    ngx_str_t *type);

/* args.c: query string arguments as AWS reads them */
void ngx_http_apigw_unescape_arg(ngx_str_t *s);
ngx_int_t ngx_http_apigw_arg_name_is(u_char *raw, size_t len,
    ngx_str_t *name);
ngx_int_t ngx_http_apigw_arg_next(u_char **pos, u_char *last,
    ngx_str_t *name, ngx_str_t *raw);
ngx_int_t ngx_http_apigw_query_arg(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value);
ngx_int_t ngx_http_apigw_query_args(ngx_http_request_t *r, ngx_str_t *name,
    ngx_array_t *values);

/* lambda.c */
ngx_int_t ngx_http_apigw_lambda_uri(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *uri);
ngx_int_t ngx_http_apigw_read_body(ngx_http_request_t *r, ngx_str_t *body);
ngx_int_t ngx_http_apigw_lambda_response(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *body, ngx_chain_t **out);

/* lambda_event.c */
ngx_int_t ngx_http_apigw_lambda_event(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *out);

/* response.c: gateway responses and the filters */
ngx_int_t ngx_http_apigw_send_error(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_gr_type_e type);
ngx_int_t ngx_http_apigw_gr_type(ngx_str_t *name);
ngx_str_t *ngx_http_apigw_gr_name(ngx_http_apigw_gr_type_e type);
ngx_int_t ngx_http_apigw_filter_init(ngx_conf_t *cf);
ngx_table_elt_t *ngx_http_apigw_add_header(ngx_http_request_t *r,
    ngx_str_t *name, ngx_str_t *value);
void ngx_http_apigw_clear_headers(ngx_http_request_t *r);
ngx_int_t ngx_http_apigw_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *body);

/* keys.c */
#define NGX_HTTP_APIGW_KEY_SOURCE_HEADER      1
#define NGX_HTTP_APIGW_KEY_SOURCE_AUTHORIZER  2

char *ngx_http_apigw_api_keys(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_api_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_apigw_keys_init(ngx_conf_t *cf,
    ngx_http_apigw_keys_t *keys);
ngx_int_t ngx_http_apigw_keys_handler(ngx_http_request_t *r);

/* access.c */
char *ngx_http_apigw_resource_policy(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_apigw_access_handler(ngx_http_request_t *r);

/* throttle.c */
ngx_int_t ngx_http_apigw_throttle_handler(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);

/* cors.c */
ngx_int_t ngx_http_apigw_cors_preflight(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_loc_conf_t *alcf);
ngx_int_t ngx_http_apigw_cors_headers(ngx_http_request_t *r,
    ngx_http_apigw_cors_t *cors);

/* variables.c */
ngx_int_t ngx_http_apigw_add_variables(ngx_conf_t *cf);
ngx_http_apigw_context_var_t *ngx_http_apigw_context_var(ngx_str_t *name);
ngx_int_t ngx_http_apigw_context_value(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_cv_e cv, ngx_str_t *value);
ngx_uint_t ngx_http_apigw_authorizer_ref(ngx_str_t *name);
ngx_int_t ngx_http_apigw_authorizer_value(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *name, ngx_str_t *value);


#endif /* _NGX_HTTP_APIGW_COMMON_H_INCLUDED_ */
