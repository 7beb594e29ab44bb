
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Authorizers and the authorization of methods, as API Gateway has them:
 * a method's authorizationType (NONE, AWS_IAM, or an authorizer: JWT,
 * Cognito user pools, Lambda TOKEN and REQUEST) and its scopes.
 *
 * Each authorizer type lives in a file of its own and provides two
 * functions: one that reads its "apigw_authorizer NAME TYPE ..." line at
 * configuration time, and one that authorizes a request.  The access
 * phase (access.c) calls ngx_http_apigw_authorize() after the resource
 * policy and before the API key check, since an authorizer may supply the
 * key (usageIdentifierKey).
 */


#ifndef _NGX_HTTP_APIGW_AUTHORIZER_H_INCLUDED_
#define _NGX_HTTP_APIGW_AUTHORIZER_H_INCLUDED_


#include "ngx_http_apigw_common.h"


typedef enum {
    NGX_HTTP_APIGW_AUTH_NONE = 0,
    NGX_HTTP_APIGW_AUTH_AWS_IAM,
    NGX_HTTP_APIGW_AUTH_AUTHORIZER
} ngx_http_apigw_auth_type_e;


/*
 * Returns NGX_OK when the request is authorized (the authorizer has set
 * ctx->principal_id, ctx->authorizer, ...), NGX_AGAIN when it waits for
 * something (a subrequest, a JWKS fetch): the access phase runs again when
 * it is done, and the function is called again; or an HTTP status after
 * ngx_http_apigw_send_error() chose AWS's answer.
 */
typedef ngx_int_t (*ngx_http_apigw_authorize_pt)(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_authorization_t *authz);

/* reads "apigw_authorizer NAME TYPE ARGS...": args are ARGS */
typedef char *(*ngx_http_apigw_authorizer_conf_pt)(ngx_conf_t *cf,
    ngx_http_apigw_authorizer_t *authorizer, ngx_str_t *args,
    ngx_uint_t nargs);


struct ngx_http_apigw_authorizer_s {
    ngx_str_t                         name;
    ngx_str_t                         type;     /* "jwt", "token", ... */
    ngx_http_apigw_authorize_pt       authorize;
    void                             *data;     /* the type's own */
    u_char                           *file;     /* where it was declared */
    ngx_uint_t                        line;
};


struct ngx_http_apigw_authorization_s {
    ngx_http_apigw_auth_type_e        type;
    ngx_str_t                         name;       /* the authorizer's */
    ngx_http_apigw_authorizer_t      *authorizer;
    ngx_array_t                      *scopes;     /* ngx_str_t, or NULL */
    u_char                           *file;
    ngx_uint_t                        line;
};


/* authorizer.c */
char *ngx_http_apigw_authorizer(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_authorization(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_apigw_authorization_merge(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *prev, ngx_http_apigw_loc_conf_t *conf);
ngx_int_t ngx_http_apigw_authorize(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_loc_conf_t *alcf);
ngx_int_t ngx_http_apigw_authorizer_arg(ngx_str_t *arg, char *name,
    ngx_str_t *value);

/* jwt.c: JWT and Cognito user-pool authorizers */
char *ngx_http_apigw_jwt_conf(ngx_conf_t *cf,
    ngx_http_apigw_authorizer_t *authorizer, ngx_str_t *args,
    ngx_uint_t nargs);

/* lambda_auth.c: Lambda TOKEN and REQUEST authorizers */
char *ngx_http_apigw_lambda_auth_conf(ngx_conf_t *cf,
    ngx_http_apigw_authorizer_t *authorizer, ngx_str_t *args,
    ngx_uint_t nargs);
ngx_int_t ngx_http_apigw_lambda_auth_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_apigw_lambda_auth_init(ngx_conf_t *cf);

/* iam_auth.c: AWS_IAM, SigV4 verification of callers */
ngx_int_t ngx_http_apigw_iam_authorize(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_authorization_t *authz);
char *ngx_http_apigw_iam_credentials(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_apigw_iam_merge(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *prev, ngx_http_apigw_loc_conf_t *conf);
ngx_int_t ngx_http_apigw_iam_permitted(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *action, ngx_str_t *message);
ngx_int_t ngx_http_apigw_iam_missing(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);

/* access.c */
ngx_int_t ngx_http_apigw_method_arn(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_loc_conf_t *alcf,
    ngx_str_t *arn, ngx_str_t *alias);


#endif /* _NGX_HTTP_APIGW_AUTHORIZER_H_INCLUDED_ */
