
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Lambda authorizers, TOKEN and REQUEST.  (Being built: the
 * configuration is refused until they are here.)
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_authorizer.h"


char *
ngx_http_apigw_lambda_auth_conf(ngx_conf_t *cf,
    ngx_http_apigw_authorizer_t *a, ngx_str_t *args, ngx_uint_t nargs)
{
    return "type is not supported yet";
}
