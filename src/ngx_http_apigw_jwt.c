
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * JWT and Cognito user-pool authorizers.  (Being built: the
 * configuration is refused until the verifier is here.)
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_authorizer.h"


char *
ngx_http_apigw_jwt_conf(ngx_conf_t *cf, ngx_http_apigw_authorizer_t *a,
    ngx_str_t *args, ngx_uint_t nargs)
{
    return "type is not supported yet";
}
