
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * AWS_IAM authorization: SigV4 verification of callers.  (Being built:
 * fails closed until it is here.)
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_authorizer.h"


ngx_int_t
ngx_http_apigw_iam_authorize(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_authorization_t *authz)
{
    return ngx_http_apigw_send_error(r, ctx, NGX_HTTP_APIGW_GR_MISSING);
}
