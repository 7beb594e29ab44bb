
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Gateway responses and the response filters.  Every error of an API
 * request, whether the module raised it or nginx did (a failed upstream,
 * a body too large), leaves as AWS's JSON gateway response; every
 * response carries the request ids and the CORS headers.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_mapping.h"
#include "ngx_http_apigw_cache.h"


typedef struct {
    ngx_str_t                   name;
    ngx_uint_t                  status;
    ngx_str_t                   error_type;   /* x-amzn-ErrorType */
    ngx_str_t                   message;
} ngx_http_apigw_gr_info_t;


static ngx_int_t ngx_http_apigw_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_apigw_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_apigw_gateway_response_build(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
static void ngx_http_apigw_error_from_status(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
static ngx_int_t ngx_http_apigw_send_headers(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
static ngx_int_t ngx_http_apigw_capture(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_chain_t *in);
static ngx_int_t ngx_http_apigw_capture_buf(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, size_t size);
static ngx_int_t ngx_http_apigw_capture_finish(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);
static ngx_int_t ngx_http_apigw_id_headers(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


#define ngx_http_apigw_gr(name, status, type, message)                        \
    { ngx_string(name), status, ngx_string(type), ngx_string(message) }

/* indexed by ngx_http_apigw_gr_type_e */

static ngx_http_apigw_gr_info_t  ngx_http_apigw_gr_info[] = {
    ngx_http_apigw_gr("ACCESS_DENIED", 403, "AccessDeniedException",
                      "Forbidden"),
    ngx_http_apigw_gr("API_CONFIGURATION_ERROR", 500,
                      "InternalServerErrorException",
                      "Internal server error"),
    ngx_http_apigw_gr("AUTHORIZER_CONFIGURATION_ERROR", 500,
                      "AuthorizerConfigurationException",
                      "Internal server error"),
    ngx_http_apigw_gr("AUTHORIZER_FAILURE", 500,
                      "AuthorizerFailureException",
                      "Internal server error"),
    ngx_http_apigw_gr("BAD_REQUEST_BODY", 400, "BadRequestException",
                      "Invalid request body"),
    ngx_http_apigw_gr("BAD_REQUEST_PARAMETERS", 400, "BadRequestException",
                      "Invalid request parameters"),
    ngx_http_apigw_gr("DEFAULT_4XX", 400, "BadRequestException",
                      "Bad Request"),
    ngx_http_apigw_gr("DEFAULT_5XX", 500, "InternalServerErrorException",
                      "Internal server error"),
    ngx_http_apigw_gr("EXPIRED_TOKEN", 403, "ExpiredTokenException",
                      "The security token included in the request "
                      "is expired"),
    ngx_http_apigw_gr("INTEGRATION_FAILURE", 504,
                      "InternalServerErrorException",
                      "Internal server error"),
    ngx_http_apigw_gr("INTEGRATION_TIMEOUT", 504, "",
                      "Endpoint request timed out"),
    ngx_http_apigw_gr("INVALID_API_KEY", 403, "ForbiddenException",
                      "Forbidden"),
    ngx_http_apigw_gr("INVALID_SIGNATURE", 403, "InvalidSignatureException",
                      "The request signature we calculated does not match "
                      "the signature you provided"),
    ngx_http_apigw_gr("MISSING_AUTHENTICATION_TOKEN", 403,
                      "MissingAuthenticationTokenException",
                      "Missing Authentication Token"),
    ngx_http_apigw_gr("QUOTA_EXCEEDED", 429, "LimitExceededException",
                      "Limit Exceeded"),
    ngx_http_apigw_gr("REQUEST_TOO_LARGE", 413, "RequestTooLargeException",
                      "Request Too Long"),
    ngx_http_apigw_gr("RESOURCE_NOT_FOUND", 404, "NotFoundException",
                      "Not Found"),
    ngx_http_apigw_gr("THROTTLED", 429, "TooManyRequestsException",
                      "Too Many Requests"),
    ngx_http_apigw_gr("UNAUTHORIZED", 401, "UnauthorizedException",
                      "Unauthorized"),
    ngx_http_apigw_gr("UNSUPPORTED_MEDIA_TYPE", 415,
                      "UnsupportedMediaTypeException",
                      "Unsupported Media Type"),
    ngx_http_apigw_gr("WAF_FILTERED", 403, "ForbiddenException",
                      "Forbidden"),

    /* NGX_HTTP_APIGW_GR_MAX: not a type */
    ngx_http_apigw_gr("", 500, "", ""),

    /* answers that come before the API is known: not customisable */
    ngx_http_apigw_gr("DEFAULT_4XX", 403, "ForbiddenException",
                      "Forbidden"),

    /*
     * integration errors (AWS's INTEGRATION_FAILURE, with status 500):
     * AWS sends these bytes, a space after the colon
     */
    ngx_http_apigw_gr("INTEGRATION_FAILURE", 500,
                      "InternalServerErrorException",
                      "Internal server error"),

    /* HTTP APIs' integration errors */
    ngx_http_apigw_gr("DEFAULT_5XX", 500, "", "Internal Server Error"),
};


typedef struct {
    ngx_uint_t                  status;
    ngx_str_t                   text;
} ngx_http_apigw_reason_t;


static ngx_http_apigw_reason_t  ngx_http_apigw_reasons[] = {
    { 400, ngx_string("Bad Request") },
    { 402, ngx_string("Payment Required") },
    { 405, ngx_string("Method Not Allowed") },
    { 406, ngx_string("Not Acceptable") },
    { 408, ngx_string("Request Timeout") },
    { 409, ngx_string("Conflict") },
    { 410, ngx_string("Gone") },
    { 411, ngx_string("Length Required") },
    { 412, ngx_string("Precondition Failed") },
    { 416, ngx_string("Requested Range Not Satisfiable") },
    { 421, ngx_string("Misdirected Request") },
    { 501, ngx_string("Not Implemented") },
    { 503, ngx_string("Service Unavailable") },
    { 505, ngx_string("HTTP Version Not Supported") },
    { 507, ngx_string("Insufficient Storage") },
    { 0, ngx_null_string }
};


static ngx_str_t  ngx_http_apigw_internal_error_body =
    ngx_string("{\"message\": \"Internal server error\"}");
static ngx_str_t  ngx_http_apigw_null_message_body =
    ngx_string("{\"message\": null}");

static ngx_str_t  ngx_http_apigw_json = ngx_string("application/json");
static ngx_str_t  ngx_http_apigw_function_error =
    ngx_string("X-Amz-Function-Error");


ngx_int_t
ngx_http_apigw_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_apigw_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_apigw_body_filter;

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_gr_type(ngx_str_t *name)
{
    ngx_int_t  i;

    for (i = 0; i < NGX_HTTP_APIGW_GR_MAX; i++) {
        if (ngx_http_apigw_gr_info[i].name.len == name->len
            && ngx_strncasecmp(ngx_http_apigw_gr_info[i].name.data,
                               name->data, name->len) == 0)
        {
            return i;
        }
    }

    return NGX_ERROR;
}


ngx_str_t *
ngx_http_apigw_gr_name(ngx_http_apigw_gr_type_e type)
{
    return &ngx_http_apigw_gr_info[type].name;
}


/*
 * Raises a gateway response: the returned status makes nginx finalize
 * the request with a special response (discarding the body, keepalive
 * rules), which the header filter turns into AWS's answer.
 */

ngx_int_t
ngx_http_apigw_send_error(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_gr_type_e type)
{
    ctx->error = 1;
    ctx->error_type = type;
    ctx->error_message = ngx_http_apigw_gr_info[type].message;
    ctx->error_amzn_type.len = 0;

    return ngx_http_apigw_gr_info[type].status;
}


static ngx_int_t
ngx_http_apigw_header_filter(ngx_http_request_t *r)
{
    ngx_http_apigw_ctx_t          *ctx;
    ngx_http_apigw_integration_t  *in;

    ctx = ngx_http_apigw_get_ctx(r);

    if (ctx == NULL) {
        return ngx_http_next_header_filter(r);
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw header filter: %ui, error: %d",
                   r->headers_out.status, ctx->error);

    in = (ctx->method && ctx->integration) ? ctx->method->integration : NULL;

    if (in && (in->type == NGX_HTTP_APIGW_INT_LAMBDA
               || in->type == NGX_HTTP_APIGW_INT_HTTP
               || in->type == NGX_HTTP_APIGW_INT_AWS)
        && r->upstream && !ctx->error && !r->err_status)
    {
        /*
         * the Invoke API's answer, or a non-proxy integration's, becomes
         * the method response once the whole of it is here: hold the
         * header, collect the body
         */

        ctx->capture_status = r->headers_out.status;
        ctx->captured = NULL;
        ctx->captured_last = &ctx->captured;
        ctx->capture_buf = NULL;
        ctx->captured_size = 0;

        /* a body of a known length goes into one buffer, copied once */

        if (r->headers_out.content_length_n > 0
            && r->headers_out.content_length_n <= NGX_HTTP_APIGW_MAX_PAYLOAD
            && ngx_http_apigw_capture_buf(r, ctx,
                                      (size_t) r->headers_out.content_length_n)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        ctx->function_error =
            (ngx_http_apigw_find_header(&r->headers_out.headers,
                                        &ngx_http_apigw_function_error)
             != NULL);

        ctx->capturing = 1;
        r->filter_need_in_memory = 1;

        return NGX_OK;
    }

    return ngx_http_apigw_send_headers(r, ctx);
}


/* errors made gateway responses, the request ids, CORS; then the header */

static ngx_int_t
ngx_http_apigw_send_headers(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx)
{
    ngx_http_apigw_loc_conf_t  *alcf;

    if (ctx->error || r->err_status) {

        if (!ctx->error) {
            ngx_http_apigw_error_from_status(r, ctx);
        }

        if (ngx_http_apigw_gateway_response_build(r, ctx) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    /* what a cache stores: the method response without ids and CORS */

    if (ctx->cache && ngx_http_apigw_cache_header(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_id_headers(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);

    if (!ctx->preflight && alcf->cors && alcf->cors->enabled) {
        if (ngx_http_apigw_cors_headers(r, alcf->cors) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_apigw_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t           *cl;
    ngx_http_apigw_ctx_t  *ctx;

    ctx = ngx_http_apigw_get_ctx(r);

    if (ctx == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    if (ctx->capturing) {
        return ngx_http_apigw_capture(r, ctx, in);
    }

    if (!ctx->replace_body) {
        if (ctx->cache) {
            ngx_http_apigw_cache_body(r, ctx, in);
        }

        return ngx_http_next_body_filter(r, in);
    }

    /* nginx's own error page is replaced by the gateway response */

    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }

    if (ctx->body_sent || r->header_only) {
        return NGX_OK;
    }

    ctx->body_sent = 1;

    return ngx_http_next_body_filter(r, ctx->error_body);
}


/* collects an integration's response body, up to AWS's 10 MB */

static ngx_int_t
ngx_http_apigw_capture(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_chain_t *in)
{
    size_t        size;
    ngx_buf_t    *b;
    ngx_uint_t    last;
    ngx_chain_t  *cl;

    last = 0;

    for (cl = in; cl; cl = cl->next) {
        size = cl->buf->last - cl->buf->pos;

        if (size && ngx_buf_in_memory(cl->buf)) {
            ctx->captured_size += size;

            if (ctx->captured_size > NGX_HTTP_APIGW_MAX_PAYLOAD) {
                ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                              "apigw: integration response over %uz bytes",
                              (size_t) NGX_HTTP_APIGW_MAX_PAYLOAD);
                return NGX_ERROR;
            }

            b = ctx->capture_buf;

            if (b == NULL || (size_t) (b->end - b->last) < size) {
                if (ngx_http_apigw_capture_buf(r, ctx, size) != NGX_OK) {
                    return NGX_ERROR;
                }

                b = ctx->capture_buf;
            }

            b->last = ngx_cpymem(b->last, cl->buf->pos, size);
        }

        cl->buf->pos = cl->buf->last;

        if (cl->buf->last_buf) {
            last = 1;
        }
    }

    if (!last) {
        return NGX_OK;
    }

    ctx->capturing = 0;

    return ngx_http_apigw_capture_finish(r, ctx);
}


/* a buffer for size more bytes of the captured body, at its end */

static ngx_int_t
ngx_http_apigw_capture_buf(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    size_t size)
{
    ngx_chain_t  *ln;

    ln = ngx_alloc_chain_link(r->pool);
    if (ln == NULL) {
        return NGX_ERROR;
    }

    ln->buf = ngx_create_temp_buf(r->pool, size);
    if (ln->buf == NULL) {
        return NGX_ERROR;
    }

    ln->next = NULL;
    *ctx->captured_last = ln;
    ctx->captured_last = &ln->next;
    ctx->capture_buf = ln->buf;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_capture_finish(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx)
{
    u_char                        *p;
    ngx_int_t                      rc;
    ngx_str_t                      body;
    ngx_buf_t                     *b;
    ngx_chain_t                   *cl, *out, last;
    ngx_http_apigw_integration_t  *in;

    body.len = ctx->captured_size;

    if (ctx->captured && ctx->captured->next == NULL) {
        /* all of it in one buffer, the usual case */
        body.data = ctx->captured->buf->pos;

    } else {
        body.data = ngx_pnalloc(r->pool, body.len + 1);
        if (body.data == NULL) {
            return NGX_ERROR;
        }

        p = body.data;

        for (cl = ctx->captured; cl; cl = cl->next) {
            p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
        }
    }

    out = NULL;

    in = ctx->method->integration;

    if (in->type == NGX_HTTP_APIGW_INT_LAMBDA && in->proxy) {
        rc = ngx_http_apigw_lambda_response(r, ctx, &body, &out);

    } else {
        rc = ngx_http_apigw_mapping_response(r, ctx, &body, &out);
    }

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    rc = ngx_http_apigw_send_headers(r, ctx);

    if (rc == NGX_ERROR || rc > NGX_OK) {
        return rc;
    }

    if (ctx->replace_body) {
        ctx->body_sent = 1;
        out = ctx->error_body;
    }

    if (r->header_only || out == NULL) {
        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->last_buf = 1;

        last.buf = b;
        last.next = NULL;
        out = &last;
    }

    if (ctx->cache && !ctx->replace_body) {
        ngx_http_apigw_cache_body(r, ctx, out);
    }

    return ngx_http_next_body_filter(r, out);
}


static void
ngx_http_apigw_error_from_status(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx)
{
    ngx_http_apigw_reason_t   *reason;
    ngx_http_apigw_gr_type_e   type;

    switch (r->headers_out.status) {

    case NGX_HTTP_UNAUTHORIZED:
        type = NGX_HTTP_APIGW_GR_UNAUTHORIZED;
        break;

    case NGX_HTTP_FORBIDDEN:
        type = NGX_HTTP_APIGW_GR_ACCESS_DENIED;
        break;

    case NGX_HTTP_NOT_FOUND:
        type = NGX_HTTP_APIGW_GR_RESOURCE_NOT_FOUND;
        break;

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
    case NGX_HTTP_REQUEST_URI_TOO_LARGE:
        type = NGX_HTTP_APIGW_GR_REQUEST_TOO_LARGE;
        break;

    case NGX_HTTP_UNSUPPORTED_MEDIA_TYPE:
        type = NGX_HTTP_APIGW_GR_UNSUPPORTED_MEDIA_TYPE;
        break;

    case NGX_HTTP_TOO_MANY_REQUESTS:
        type = NGX_HTTP_APIGW_GR_THROTTLED;
        break;

    case NGX_HTTP_GATEWAY_TIME_OUT:
        type = NGX_HTTP_APIGW_GR_INTEGRATION_TIMEOUT;
        break;

    case NGX_HTTP_BAD_GATEWAY:
    case NGX_HTTP_INTERNAL_SERVER_ERROR:
        type = NGX_HTTP_APIGW_GR_INTERNAL_ERROR;
        break;

    default:
        type = (r->headers_out.status >= 500) ? NGX_HTTP_APIGW_GR_DEFAULT_5XX
                                              : NGX_HTTP_APIGW_GR_DEFAULT_4XX;
    }

    (void) ngx_http_apigw_send_error(r, ctx, type);

    if (type == NGX_HTTP_APIGW_GR_DEFAULT_4XX
        || type == NGX_HTTP_APIGW_GR_DEFAULT_5XX)
    {
        /* keep nginx's status and its reason: 405, 408, 503 ... */

        ctx->status_override = r->headers_out.status;

        for (reason = ngx_http_apigw_reasons; reason->status; reason++) {
            if (reason->status == r->headers_out.status) {
                ctx->error_message = reason->text;
                break;
            }
        }
    }
}


static ngx_int_t
ngx_http_apigw_gateway_response_build(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx)
{
    ngx_str_t                           body, value, *name;
    ngx_buf_t                          *b;
    ngx_uint_t                          i, status;
    ngx_array_t                        *headers;
    ngx_http_apigw_tpl_t               *tpl;
    ngx_http_apigw_header_t            *h;
    ngx_http_apigw_gr_info_t           *info;
    ngx_http_apigw_loc_conf_t          *alcf;
    ngx_http_apigw_gateway_response_t  *custom, *fallback;

    info = &ngx_http_apigw_gr_info[ctx->error_type];
    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);

    custom = NULL;
    fallback = NULL;

    if (alcf->responses && ctx->error_type != NGX_HTTP_APIGW_GR_UNKNOWN_STAGE)
    {
        if (ctx->error_type < NGX_HTTP_APIGW_GR_MAX) {
            custom = alcf->responses->responses[ctx->error_type];

        } else if (ctx->error_type == NGX_HTTP_APIGW_GR_INTERNAL_ERROR) {
            /* an integration's failure: AWS's INTEGRATION_FAILURE */
            custom = alcf->responses->responses[
                                       NGX_HTTP_APIGW_GR_INTEGRATION_FAILURE];
        }

        fallback = alcf->responses->responses[info->status >= 500
                                              ? NGX_HTTP_APIGW_GR_DEFAULT_5XX
                                              : NGX_HTTP_APIGW_GR_DEFAULT_4XX];
    }

    status = ctx->status_override ? ctx->status_override : info->status;

    if (fallback && fallback->status) {
        status = fallback->status;
    }

    if (custom && custom->status) {
        status = custom->status;
    }

    tpl = NULL;
    headers = NULL;

    if (fallback) {
        tpl = fallback->body;
        headers = fallback->headers;
    }

    if (custom) {
        if (custom->body) {
            tpl = custom->body;
        }

        if (custom->headers) {
            headers = custom->headers;
        }
    }

    if (tpl) {
        if (ngx_http_apigw_tpl_render(r, ctx, tpl, &body) != NGX_OK) {
            return NGX_ERROR;
        }

    } else if (ctx->error_type == NGX_HTTP_APIGW_GR_INTERNAL_ERROR) {
        body = ngx_http_apigw_internal_error_body;

    } else if (ctx->error_message.data == NULL) {
        /* no message: a failed Lambda authorizer, AWS sends these bytes */
        body = ngx_http_apigw_null_message_body;

    } else {
        /* the default template: {"message":$context.error.messageString} */

        name = &ctx->error_message;

        body.len = sizeof("{\"message\":\"\"}") - 1 + name->len
                   + ngx_escape_json(NULL, name->data, name->len);
        body.data = ngx_pnalloc(r->pool, body.len);
        if (body.data == NULL) {
            return NGX_ERROR;
        }

        /* IAM's denials say "Message" */

        value.data = ngx_cpymem(body.data,
                                ctx->iam_message ? "{\"Message\":\""
                                                 : "{\"message\":\"",
                                sizeof("{\"message\":\"") - 1);
        value.data = (u_char *) ngx_escape_json(value.data, name->data,
                                                name->len);
        *value.data++ = '"';
        *value.data++ = '}';
    }

    ngx_http_apigw_clear_headers(r);

    r->headers_out.status = status;
    r->headers_out.status_line.len = 0;
    r->headers_out.content_type = ngx_http_apigw_json;
    r->headers_out.content_type_len = ngx_http_apigw_json.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.content_length_n = body.len;

    /* IAM's errors tell apart what one gateway response type covers */

    if (ctx->error_amzn_type.len || info->error_type.len) {
        if (ngx_http_apigw_add_header(r, &(ngx_str_t)
                                          ngx_string("x-amzn-ErrorType"),
                                      ctx->error_amzn_type.len
                                      ? &ctx->error_amzn_type
                                      : &info->error_type)
            == NULL)
        {
            return NGX_ERROR;
        }
    }

    if (headers) {
        h = headers->elts;

        for (i = 0; i < headers->nelts; i++) {
            if (ngx_http_apigw_tpl_render(r, ctx, h[i].value, &value)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (value.len == 0) {
                continue;
            }

            if (ngx_http_apigw_add_header(r, &h[i].name, &value) == NULL) {
                return NGX_ERROR;
            }
        }
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = body.data;
    b->last = body.data + body.len;
    b->memory = body.len ? 1 : 0;
    b->last_buf = 1;
    b->last_in_chain = 1;

    ctx->error_body = ngx_alloc_chain_link(r->pool);
    if (ctx->error_body == NULL) {
        return NGX_ERROR;
    }

    ctx->error_body->buf = b;
    ctx->error_body->next = NULL;
    ctx->replace_body = 1;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw gateway response %V: %ui", &info->name, status);

    return NGX_OK;
}


void
ngx_http_apigw_clear_headers(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        h[i].hash = 0;
    }

    r->headers_out.server = NULL;
    r->headers_out.date = NULL;
    r->headers_out.content_length = NULL;
    r->headers_out.content_encoding = NULL;
    r->headers_out.location = NULL;
    r->headers_out.refresh = NULL;
    r->headers_out.last_modified = NULL;
    r->headers_out.content_range = NULL;
    r->headers_out.accept_ranges = NULL;
    r->headers_out.www_authenticate = NULL;
    r->headers_out.expires = NULL;
    r->headers_out.etag = NULL;
    r->headers_out.last_modified_time = -1;
    r->headers_out.charset.len = 0;
}


static ngx_int_t
ngx_http_apigw_id_headers(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx)
{
    ngx_str_t  value;

    value.data = ctx->request_id;
    value.len = NGX_HTTP_APIGW_REQUEST_ID_LEN;

    if (ngx_http_apigw_add_header(r, &(ngx_str_t)
                                      ngx_string("x-amzn-RequestId"),
                                  &value)
        == NULL)
    {
        return NGX_ERROR;
    }

    value.data = ctx->ext_request_id;
    value.len = NGX_HTTP_APIGW_EXT_REQUEST_ID_LEN;

    if (ngx_http_apigw_add_header(r, &(ngx_str_t)
                                      ngx_string("x-amz-apigw-id"),
                                  &value)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_table_elt_t *
ngx_http_apigw_add_header(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
    h->key = *name;
    h->value = *value;
    h->lowcase_key = NULL;

    return h;
}


/*
 * A whole JSON answer of the module's own handlers (cache admin, usage):
 * no body is a header-only answer (a 202).
 */

ngx_int_t
ngx_http_apigw_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *body)
{
    ngx_int_t    rc;
    ngx_buf_t   *b;
    ngx_chain_t  out;

    r->headers_out.status = status;
    r->headers_out.content_length_n = body->len;

    if (body->len) {
        ngx_str_set(&r->headers_out.content_type, "application/json");
        r->headers_out.content_type_len = r->headers_out.content_type.len;

    } else {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = body->data;
    b->last = body->data + body->len;
    b->memory = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
