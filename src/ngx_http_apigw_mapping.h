
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Mapping of non-proxy integrations, as API Gateway does it: request
 * templates and passthrough behaviours, request and response parameter
 * mappings, integration responses selected by a regex, response
 * templates, $context.requestOverride and $context.responseOverride.
 */


#ifndef _NGX_HTTP_APIGW_MAPPING_H_INCLUDED_
#define _NGX_HTTP_APIGW_MAPPING_H_INCLUDED_


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_vtl.h"
#include "ngx_http_apigw_jsonpath.h"


#define NGX_HTTP_APIGW_PASS_WHEN_NO_MATCH      0
#define NGX_HTTP_APIGW_PASS_WHEN_NO_TEMPLATES  1
#define NGX_HTTP_APIGW_PASS_NEVER              2


/* where a mapped value goes */
typedef enum {
    NGX_HTTP_APIGW_DST_HEADER = 0,
    NGX_HTTP_APIGW_DST_QUERYSTRING,
    NGX_HTTP_APIGW_DST_PATH
} ngx_http_apigw_dst_e;


/* where a mapped value comes from */
typedef enum {
    NGX_HTTP_APIGW_SRC_STATIC = 0,
    NGX_HTTP_APIGW_SRC_STAGE_VARIABLE,
    NGX_HTTP_APIGW_SRC_CONTEXT,
    NGX_HTTP_APIGW_SRC_PATH,
    NGX_HTTP_APIGW_SRC_QUERYSTRING,
    NGX_HTTP_APIGW_SRC_MULTI_QUERYSTRING,
    NGX_HTTP_APIGW_SRC_HEADER,
    NGX_HTTP_APIGW_SRC_MULTI_HEADER,
    NGX_HTTP_APIGW_SRC_BODY,
    NGX_HTTP_APIGW_SRC_BODY_PATH
} ngx_http_apigw_src_e;


typedef struct {
    ngx_str_t                       content_type;   /* lowercase */
    ngx_http_apigw_vtl_t           *vtl;
} ngx_http_apigw_mapping_tpl_t;


typedef struct {
    ngx_http_apigw_dst_e            dst;
    ngx_str_t                       name;       /* destination name */
    ngx_http_apigw_src_e            src;
    ngx_str_t                       arg;        /* source name, static */
    ngx_http_apigw_jsonpath_t      *jsonpath;   /* body.a.b */
    ngx_http_apigw_context_var_t   *context;
} ngx_http_apigw_param_map_t;


typedef struct {
    ngx_str_t                       pattern;    /* empty: the default */
    ngx_regex_t                    *regex;
    ngx_uint_t                      status;
    ngx_array_t                     templates;  /* mapping_tpl_t */
    ngx_array_t                     params;     /* param_map_t */
    u_char                         *file;
    ngx_uint_t                      line;
} ngx_http_apigw_int_response_t;


struct ngx_http_apigw_mapping_conf_s {
    ngx_array_t                     templates;  /* mapping_tpl_t */
    ngx_uint_t                      passthrough;
    ngx_array_t                     params;     /* param_map_t */
    ngx_array_t                     responses;  /* int_response_t */
    ngx_http_apigw_int_response_t  *dflt;
    ngx_uint_t                      needs;      /* of all its templates */
    ngx_array_t                     context_names;  /* $context.x named */
    ngx_array_t                     param_names;    /* params('x') named */
    size_t                          mem_hint;   /* a request's renders took */
};


/* per request */
struct ngx_http_apigw_mapping_ctx_s {
    ngx_http_apigw_jv_t            *params;     /* $input.params() */
    ngx_http_apigw_jv_t            *context;    /* $context */
    ngx_http_apigw_jv_t            *stage;      /* $stageVariables */
    ngx_http_apigw_jv_t            *body_json;  /* body sources, parsed */
    ngx_str_t                       body;       /* the method request's */
    ngx_list_t                      client_headers;
    ngx_array_t                     headers;    /* ngx_keyval_t, to send */
    ngx_array_t                     query;      /* ngx_keyval_t, to send */
    ngx_array_t                     path;       /* ngx_keyval_t, to send */
    ngx_str_t                       content_type;
    ngx_http_apigw_alloc_t          pool;       /* r->pool's */
    ngx_http_apigw_alloc_t          mem;        /* the renders' chunks */
    ngx_http_apigw_jv_chunks_t      chunks;
    unsigned                        body_read:1;
    unsigned                        chunks_ready:1;
    unsigned                        mapped:1;
};


/* directives */
char *ngx_http_apigw_request_template(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_passthrough_behavior(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_apigw_request_parameter(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_integration_response(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_apigw_mapping_check(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *alcf);

/* the request: reads the body, maps it, then calls the integration */
ngx_int_t ngx_http_apigw_mapping_handler(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);

/* the integration's response (body in memory) made the method response */
ngx_int_t ngx_http_apigw_mapping_response(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *body, ngx_chain_t **out);

/*
 * mapping_values.c: the method request as templates see it, what they
 * need of it (mcf->needs, mcf->context_names, mcf->param_names) into mctx
 */
ngx_int_t ngx_http_apigw_mapping_values(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_mapping_ctx_t *mctx,
    ngx_http_apigw_mapping_conf_t *mcf);

/* lambda_event.c: the event of a REQUEST authorizer, but its own fields */
ngx_int_t ngx_http_apigw_lambda_event_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, struct json_t *event, ngx_uint_t v2);

ngx_str_t *ngx_http_apigw_mapping_path(ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *name);
ngx_int_t ngx_http_apigw_mapping_query(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *base, ngx_str_t *uri);


#endif /* _NGX_HTTP_APIGW_MAPPING_H_INCLUDED_ */
