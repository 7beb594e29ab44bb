
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Calling AWS itself: the region, the credentials (read once, at
 * configuration time, from the environment or a credentials file) and
 * SigV4 signatures of integration requests, exposed as variables that
 * the method's proxy configuration sends as headers.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_sigv4.h"


static char *ngx_http_apigw_aws_credentials_file(ngx_conf_t *cf,
    ngx_http_apigw_aws_t *aws, ngx_str_t *path, ngx_str_t *profile);
static ngx_int_t ngx_http_apigw_aws_env(ngx_conf_t *cf, char *name,
    ngx_str_t *value);


char *
ngx_http_apigw_aws_region(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t   *value;
    ngx_uint_t   i;

    if (alcf->aws_region.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 0; i < value[1].len; i++) {
        if (!(isalnum(value[1].data[i]) || value[1].data[i] == '-')) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid AWS region \"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    alcf->aws_region = value[1];

    return NGX_CONF_OK;
}


char *
ngx_http_apigw_aws_credentials(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t              *value, path, profile;
    ngx_uint_t              i;
    ngx_http_apigw_aws_t   *aws;

    if (alcf->aws != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    aws = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_aws_t));
    if (aws == NULL) {
        return NGX_CONF_ERROR;
    }

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "env") == 0) {

        if (ngx_http_apigw_aws_env(cf, "AWS_ACCESS_KEY_ID", &aws->access_key)
            != NGX_OK
            || ngx_http_apigw_aws_env(cf, "AWS_SECRET_ACCESS_KEY",
                                      &aws->secret_key)
               != NGX_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                               "are not set in the environment");
            return NGX_CONF_ERROR;
        }

        (void) ngx_http_apigw_aws_env(cf, "AWS_SESSION_TOKEN",
                                      &aws->session_token);

        alcf->aws = aws;
        return NGX_CONF_OK;
    }

    ngx_str_null(&path);
    ngx_str_set(&profile, "default");

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "file=", 5) == 0) {
            path.data = value[i].data + 5;
            path.len = value[i].len - 5;
            continue;
        }

        if (ngx_strncmp(value[i].data, "profile=", 8) == 0) {
            profile.data = value[i].data + 8;
            profile.len = value[i].len - 8;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (path.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"apigw_aws_credentials\" takes \"env\" or "
                           "\"file=PATH [profile=NAME]\"");
        return NGX_CONF_ERROR;
    }

    if (ngx_http_apigw_aws_credentials_file(cf, aws, &path, &profile)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    alcf->aws = aws;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_apigw_aws_env(ngx_conf_t *cf, char *name, ngx_str_t *value)
{
    char    *v;
    size_t   len;

    v = getenv(name);

    if (v == NULL || *v == '\0') {
        return NGX_DECLINED;
    }

    len = ngx_strlen(v);

    value->data = ngx_pnalloc(cf->pool, len);
    if (value->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(value->data, v, len);
    value->len = len;

    return NGX_OK;
}


/* the AWS CLI's INI file: [profile] and key = value lines */

static char *
ngx_http_apigw_aws_credentials_file(ngx_conf_t *cf, ngx_http_apigw_aws_t *aws,
    ngx_str_t *path, ngx_str_t *profile)
{
    u_char           *p, *last, *line, *eol, *eq, *k, *ke, *v, *ve;
    ssize_t           n;
    ngx_str_t        *target, name;
    ngx_uint_t        in;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    name = *path;

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));

    file.name = name;
    file.log = cf->log;
    file.fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", &name);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR
        || ngx_file_size(&fi) > 1024 * 1024)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid credentials file \"%V\"", &name);
        (void) ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->temp_pool, ngx_file_size(&fi) + 1);
    if (p == NULL) {
        (void) ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_file(&file, p, ngx_file_size(&fi), 0);

    (void) ngx_close_file(file.fd);

    if (n != ngx_file_size(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "reading the credentials file \"%V\" failed",
                           &name);
        return NGX_CONF_ERROR;
    }

    last = p + n;
    in = 0;

    for (line = p; line < last; line = eol + 1) {
        eol = ngx_strlchr(line, last, '\n');
        if (eol == NULL) {
            eol = last;
        }

        while (line < eol && (*line == ' ' || *line == '\t')) {
            line++;
        }

        ve = eol;

        while (ve > line && (ve[-1] == ' ' || ve[-1] == '\r'
                             || ve[-1] == '\t'))
        {
            ve--;
        }

        if (line == ve || *line == '#' || *line == ';') {
            continue;
        }

        if (*line == '[') {
            in = (ve[-1] == ']'
                  && (size_t) (ve - line - 2) == profile->len
                  && ngx_strncmp(line + 1, profile->data, profile->len) == 0);
            continue;
        }

        if (!in) {
            continue;
        }

        eq = ngx_strlchr(line, ve, '=');
        if (eq == NULL) {
            continue;
        }

        k = line;
        ke = eq;

        while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t')) {
            ke--;
        }

        v = eq + 1;

        while (v < ve && (*v == ' ' || *v == '\t')) {
            v++;
        }

        if ((size_t) (ke - k) == sizeof("aws_access_key_id") - 1
            && ngx_strncmp(k, "aws_access_key_id", ke - k) == 0)
        {
            target = &aws->access_key;

        } else if ((size_t) (ke - k) == sizeof("aws_secret_access_key") - 1
                   && ngx_strncmp(k, "aws_secret_access_key", ke - k) == 0)
        {
            target = &aws->secret_key;

        } else if ((size_t) (ke - k) == sizeof("aws_session_token") - 1
                   && ngx_strncmp(k, "aws_session_token", ke - k) == 0)
        {
            target = &aws->session_token;

        } else {
            continue;
        }

        target->len = ve - v;
        target->data = ngx_pnalloc(cf->pool, target->len);
        if (target->data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memcpy(target->data, v, target->len);
    }

    if (aws->access_key.len == 0 || aws->secret_key.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "no aws_access_key_id and aws_secret_access_key "
                           "for profile \"%V\" in \"%V\"", profile, &name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * The services whose actions are JSON-protocol calls: X-Amz-Target and
 * its content type; the others take ?Action=NAME (the query protocol).
 */

typedef struct {
    ngx_str_t                   service;
    ngx_str_t                   prefix;
    ngx_str_t                   type;
} ngx_http_apigw_aws_service_t;


static ngx_http_apigw_aws_service_t  ngx_http_apigw_aws_services[] = {
    { ngx_string("kinesis"), ngx_string("Kinesis_20131202"),
      ngx_string("application/x-amz-json-1.1") },
    { ngx_string("firehose"), ngx_string("Firehose_20150804"),
      ngx_string("application/x-amz-json-1.1") },
    { ngx_string("dynamodb"), ngx_string("DynamoDB_20120810"),
      ngx_string("application/x-amz-json-1.0") },
    { ngx_string("states"), ngx_string("AWSStepFunctions"),
      ngx_string("application/x-amz-json-1.0") },
    { ngx_string("events"), ngx_string("AWSEvents"),
      ngx_string("application/x-amz-json-1.1") },
    { ngx_string("logs"), ngx_string("Logs_20140328"),
      ngx_string("application/x-amz-json-1.1") },
    { ngx_null_string, ngx_null_string, ngx_null_string }
};


/* the X-Amz-Target prefix and content type of a JSON-protocol service */

ngx_int_t
ngx_http_apigw_aws_service(ngx_str_t *service, ngx_str_t *target,
    ngx_str_t *type)
{
    ngx_http_apigw_aws_service_t  *svc;

    for (svc = ngx_http_apigw_aws_services; svc->service.len; svc++) {
        if (svc->service.len == service->len
            && ngx_strncmp(svc->service.data, service->data, service->len)
               == 0)
        {
            *target = svc->prefix;
            *type = svc->type;
            return NGX_OK;
        }
    }

    ngx_str_null(target);
    ngx_str_null(type);

    return NGX_DECLINED;
}


/* apigw_aws_endpoint SERVICE URL: where a service is called instead */

char *
ngx_http_apigw_aws_endpoint(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t     *value;
    ngx_uint_t     i;
    ngx_keyval_t  *kv;

    value = cf->args->elts;

    if (ngx_strncasecmp(value[2].data, (u_char *) "http://", 7) != 0
        && ngx_strncasecmp(value[2].data, (u_char *) "https://", 8) != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid endpoint \"%V\": an http:// or https:// "
                           "URL expected", &value[2]);
        return NGX_CONF_ERROR;
    }

    if (alcf->aws_endpoints == NULL) {
        alcf->aws_endpoints = ngx_array_create(cf->pool, 2,
                                               sizeof(ngx_keyval_t));
        if (alcf->aws_endpoints == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    kv = alcf->aws_endpoints->elts;

    for (i = 0; i < alcf->aws_endpoints->nelts; i++) {
        if (kv[i].key.len == value[1].len
            && ngx_strncmp(kv[i].key.data, value[1].data, value[1].len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate endpoint of \"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    kv = ngx_array_push(alcf->aws_endpoints);
    if (kv == NULL) {
        return NGX_CONF_ERROR;
    }

    kv->key = value[1];
    kv->value = value[2];

    /* no trailing slash: the path is appended */

    while (kv->value.len && kv->value.data[kv->value.len - 1] == '/') {
        kv->value.len--;
    }

    return NGX_CONF_OK;
}


/*
 * When a method's configuration is merged: the region, the endpoint
 * (apigw_aws_endpoint, or AWS's https://SERVICE.REGION.amazonaws.com)
 * and the integration URI of an aws integration, compiled.
 */

ngx_int_t
ngx_http_apigw_aws_service_conf(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *alcf)
{
    u_char                        *p;
    ngx_str_t                      endpoint, uri, *region;
    ngx_uint_t                     i;
    ngx_keyval_t                  *kv;
    ngx_http_apigw_integration_t  *in;

    in = alcf->integration;
    region = in->region.len ? &in->region : &alcf->aws_region;

    if (region->len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "no \"apigw_aws_region\" for the aws integration in "
                      "%s:%ui", alcf->method->file, alcf->method->line);
        return NGX_ERROR;
    }

    ngx_str_null(&endpoint);

    if (alcf->aws_endpoints) {
        kv = alcf->aws_endpoints->elts;

        for (i = 0; i < alcf->aws_endpoints->nelts; i++) {
            if (kv[i].key.len == in->service.len
                && ngx_strncmp(kv[i].key.data, in->service.data,
                               in->service.len) == 0)
            {
                endpoint = kv[i].value;
                break;
            }
        }
    }

    if (endpoint.len == 0) {
        p = ngx_pnalloc(cf->pool, sizeof("https://..amazonaws.com") - 1
                                  + in->service.len + region->len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        endpoint.data = p;
        endpoint.len = ngx_sprintf(p, "https://%V.%V.amazonaws.com",
                                   &in->service, region)
                       - p;
    }

    /* ENDPOINT/PATH, ENDPOINT/?Action=NAME or ENDPOINT/ */

    uri.len = endpoint.len + sizeof("/?Action=") - 1 + in->action.len
              + in->path.len;
    uri.data = ngx_pnalloc(cf->pool, uri.len);
    if (uri.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(uri.data, endpoint.data, endpoint.len);
    *p++ = '/';

    if (in->path.len) {
        p = ngx_cpymem(p, in->path.data, in->path.len);

    } else if (in->target.len == 0) {
        p = ngx_cpymem(p, "?Action=", sizeof("?Action=") - 1);
        p = ngx_cpymem(p, in->action.data, in->action.len);
    }

    uri.len = p - uri.data;

    in->uri = ngx_http_apigw_tpl_compile(cf, &uri, NGX_HTTP_APIGW_TPL_URI);
    if (in->uri == NULL) {
        return NGX_ERROR;
    }

    if (in->region.len == 0) {
        in->region = alcf->aws_region;
    }

    if (alcf->aws == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "no \"apigw_aws_credentials\" to sign the aws "
                      "integration's requests in %s:%ui",
                      alcf->method->file, alcf->method->line);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * Signs the Invoke API call the proxy module is about to send: a POST
 * with the event as its payload.  Computed once per request; the
 * variables read the result.
 */

ngx_int_t
ngx_http_apigw_aws_sign(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx)
{
    ngx_str_t  uri, payload, method, service;

    if (ctx->signed_request) {
        return NGX_OK;
    }

    if (ctx->method->aws == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_apigw_integration_uri(r, ctx, &uri) != NGX_OK
        || ngx_http_apigw_lambda_event(r, ctx, &payload) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_str_set(&method, "POST");
    ngx_str_set(&service, "lambda");

    return ngx_http_apigw_aws_sign_request(r, ctx, &method, &uri, &payload,
                                           &service, NULL, 0);
}


/*
 * SigV4 of a request to AWS: the URI as proxy_pass sends it, the
 * payload, the headers host, x-amz-date, x-amz-security-token with
 * temporary credentials, and the extra ones given (lowercase names).
 * Sets ctx->aws_date and ctx->aws_authorization (and, for S3,
 * ctx->aws_content_sha256, a header S3 requires).
 */

ngx_int_t
ngx_http_apigw_aws_sign_request(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_str_t *method, ngx_str_t *uri,
    ngx_str_t *payload, ngx_str_t *service, ngx_keyval_t *extra,
    ngx_uint_t nextra)
{
    u_char                              *p, *host, *path, *query, *last;
    ngx_tm_t                             tm;
    ngx_uint_t                           n, i;
    ngx_http_apigw_alloc_t               a;
    ngx_http_apigw_loc_conf_t           *alcf;
    ngx_http_apigw_sigv4_header_t        headers[8];
    ngx_http_apigw_sigv4_request_t       req;
    ngx_http_apigw_sigv4_credentials_t   cred;
    u_char                              *hash;

    alcf = ctx->method;

    if (nextra > 4) {
        return NGX_ERROR;
    }

    /* scheme://host[:port]/path?query, as proxy_pass sends it */

    host = ngx_strlchr(uri->data, uri->data + uri->len, ':');
    if (host == NULL || uri->data + uri->len - host < 3) {
        return NGX_ERROR;
    }

    host += 3;
    last = uri->data + uri->len;

    path = ngx_strlchr(host, last, '/');
    if (path == NULL) {
        path = last;
    }

    query = ngx_strlchr(path, last, '?');

    ngx_memzero(&req, sizeof(ngx_http_apigw_sigv4_request_t));

    req.method = *method;
    req.path.data = path;
    req.path.len = (query ? query : last) - path;

    if (req.path.len == 0) {
        ngx_str_set(&req.path, "/");
    }

    if (query) {
        req.query.data = query + 1;
        req.query.len = last - query - 1;
    }

    p = ngx_pnalloc(r->pool, sizeof("20150830T123600Z") - 1);
    hash = ngx_pnalloc(r->pool, NGX_HTTP_APIGW_SIGV4_HEX_LEN);

    if (p == NULL || hash == NULL) {
        return NGX_ERROR;
    }

    ngx_gmtime(ngx_time(), &tm);

    ctx->aws_date.data = p;
    ctx->aws_date.len = ngx_sprintf(p, "%4d%02d%02dT%02d%02d%02dZ",
                                    tm.ngx_tm_year, tm.ngx_tm_mon,
                                    tm.ngx_tm_mday, tm.ngx_tm_hour,
                                    tm.ngx_tm_min, tm.ngx_tm_sec)
                        - p;

    ngx_http_apigw_sigv4_sha256_hex(payload->data, payload->len, hash);

    n = 0;

    ngx_str_set(&headers[n].name, "host");
    headers[n].value.data = host;
    headers[n].value.len = path - host;
    n++;

    ngx_str_set(&headers[n].name, "x-amz-date");
    headers[n].value = ctx->aws_date;
    n++;

    if (alcf->aws->session_token.len) {
        ngx_str_set(&headers[n].name, "x-amz-security-token");
        headers[n].value = alcf->aws->session_token;
        n++;
    }

    if (service->len == 2 && ngx_strncmp(service->data, "s3", 2) == 0) {
        req.flags = NGX_HTTP_APIGW_SIGV4_S3;

        ctx->aws_content_sha256.data = hash;
        ctx->aws_content_sha256.len = NGX_HTTP_APIGW_SIGV4_HEX_LEN;

        ngx_str_set(&headers[n].name, "x-amz-content-sha256");
        headers[n].value = ctx->aws_content_sha256;
        n++;
    }

    for (i = 0; i < nextra; i++) {
        headers[n].name = extra[i].key;
        headers[n].value = extra[i].value;
        n++;
    }

    req.headers = headers;
    req.nheaders = n;

    req.payload_hash.data = hash;
    req.payload_hash.len = NGX_HTTP_APIGW_SIGV4_HEX_LEN;
    req.amz_date = ctx->aws_date;
    req.region = alcf->integration->region.len ? alcf->integration->region
                                               : alcf->aws_region;
    req.service = *service;

    ngx_memzero(&cred, sizeof(ngx_http_apigw_sigv4_credentials_t));

    cred.access_key = alcf->aws->access_key;
    cred.secret_key = alcf->aws->secret_key;
    cred.session_token = alcf->aws->session_token;

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    if (ngx_http_apigw_sigv4_sign(&a, &req, NULL, &cred,
                                  &ctx->aws_authorization)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: signing the integration request failed");
        return NGX_ERROR;
    }

    ctx->signed_request = 1;

    return NGX_OK;
}

