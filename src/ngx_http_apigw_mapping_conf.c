
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The directives of non-proxy integrations: request templates and the
 * passthrough behaviour, request parameter mappings, and integration
 * responses with their response templates and parameters.  Templates,
 * JSONPaths and selection patterns are compiled here, once.
 */


#include "ngx_http_apigw_mapping.h"


#define NGX_HTTP_APIGW_TEMPLATE_MAX  (300 * 1024)   /* AWS's limit */


static ngx_int_t ngx_http_apigw_mapping_needs(ngx_conf_t *cf,
    ngx_http_apigw_mapping_conf_t *mcf, ngx_http_apigw_vtl_t *vtl);
static ngx_int_t ngx_http_apigw_mapping_add_names(ngx_conf_t *cf,
    ngx_array_t *a, ngx_str_t *names, ngx_uint_t n);
static ngx_http_apigw_mapping_conf_t *ngx_http_apigw_mapping_conf(
    ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *alcf);
static char *ngx_http_apigw_add_template(ngx_conf_t *cf, ngx_array_t *a,
    ngx_str_t *content_type, ngx_str_t *source);
static char *ngx_http_apigw_add_param(ngx_conf_t *cf, ngx_array_t *a,
    ngx_str_t *dst, ngx_str_t *src, ngx_uint_t response);
static char *ngx_http_apigw_int_response_block(ngx_conf_t *cf,
    ngx_command_t *dummy, void *conf);


static ngx_str_t  ngx_http_apigw_passthrough_names[] = {
    ngx_string("WHEN_NO_MATCH"),
    ngx_string("WHEN_NO_TEMPLATES"),
    ngx_string("NEVER"),
    ngx_null_string
};


static ngx_http_apigw_mapping_conf_t *
ngx_http_apigw_mapping_conf(ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *alcf)
{
    ngx_http_apigw_mapping_conf_t  *mcf;

    if (alcf->mapping) {
        return alcf->mapping;
    }

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_mapping_conf_t));
    if (mcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&mcf->templates, cf->pool, 2,
                       sizeof(ngx_http_apigw_mapping_tpl_t))
        != NGX_OK
        || ngx_array_init(&mcf->params, cf->pool, 2,
                          sizeof(ngx_http_apigw_param_map_t))
           != NGX_OK
        || ngx_array_init(&mcf->responses, cf->pool, 2,
                          sizeof(ngx_http_apigw_int_response_t))
           != NGX_OK)
    {
        return NULL;
    }

    mcf->passthrough = NGX_CONF_UNSET_UINT;

    alcf->mapping = mcf;

    return mcf;
}


char *
ngx_http_apigw_request_template(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t                      *value;
    ngx_http_apigw_mapping_conf_t  *mcf;

    if (alcf->method == NULL) {
        return "is only allowed inside \"apigw_method\"";
    }

    mcf = ngx_http_apigw_mapping_conf(cf, alcf);
    if (mcf == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    return ngx_http_apigw_add_template(cf, &mcf->templates, &value[1],
                                       &value[2]);
}


char *
ngx_http_apigw_passthrough_behavior(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t                      *value;
    ngx_uint_t                      i;
    ngx_http_apigw_mapping_conf_t  *mcf;

    if (alcf->method == NULL) {
        return "is only allowed inside \"apigw_method\"";
    }

    mcf = ngx_http_apigw_mapping_conf(cf, alcf);
    if (mcf == NULL) {
        return NGX_CONF_ERROR;
    }

    if (mcf->passthrough != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 0; ngx_http_apigw_passthrough_names[i].len; i++) {
        if (ngx_http_apigw_passthrough_names[i].len == value[1].len
            && ngx_strncasecmp(ngx_http_apigw_passthrough_names[i].data,
                               value[1].data, value[1].len) == 0)
        {
            mcf->passthrough = i;
            return NGX_CONF_OK;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid passthrough behavior \"%V\": "
                       "WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER",
                       &value[1]);

    return NGX_CONF_ERROR;
}


char *
ngx_http_apigw_request_parameter(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t                      *value;
    ngx_http_apigw_mapping_conf_t  *mcf;

    if (alcf->method == NULL) {
        return "is only allowed inside \"apigw_method\"";
    }

    mcf = ngx_http_apigw_mapping_conf(cf, alcf);
    if (mcf == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    return ngx_http_apigw_add_param(cf, &mcf->params, &value[1], &value[2],
                                    0);
}


/*
 * apigw_integration_response PATTERN|default status=NNN {
 *     apigw_response_template CONTENT_TYPE TEMPLATE|file=PATH;
 *     apigw_response_parameter method.response.header.NAME SOURCE;
 * }
 */

char *
ngx_http_apigw_integration_response(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    char                           *rv;
    u_char                         *p;
    ngx_int_t                       n;
    ngx_str_t                      *value;
    ngx_uint_t                      i;
    ngx_conf_t                      save;
    ngx_regex_compile_t             rc;
    ngx_http_apigw_int_response_t  *ir, *other;
    ngx_http_apigw_mapping_conf_t  *mcf;
    u_char                          errstr[NGX_MAX_CONF_ERRSTR];

    if (alcf->method == NULL) {
        return "is only allowed inside \"apigw_method\"";
    }

    mcf = ngx_http_apigw_mapping_conf(cf, alcf);
    if (mcf == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    ir = ngx_array_push(&mcf->responses);
    if (ir == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(ir, sizeof(ngx_http_apigw_int_response_t));

    ir->file = cf->conf_file->file.name.data;
    ir->line = cf->conf_file->line;

    if (ngx_array_init(&ir->templates, cf->pool, 1,
                       sizeof(ngx_http_apigw_mapping_tpl_t))
        != NGX_OK
        || ngx_array_init(&ir->params, cf->pool, 2,
                          sizeof(ngx_http_apigw_param_map_t))
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {
        if (ngx_strncmp(value[i].data, "status=", 7) == 0) {
            n = ngx_atoi(value[i].data + 7, value[i].len - 7);

            if (n < 100 || n > 599) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid status \"%V\": from 100 to 599",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            ir->status = n;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (ir->status == 0) {
        return "needs status=";
    }

    other = mcf->responses.elts;

    if (value[1].len == 7
        && ngx_strncasecmp(value[1].data, (u_char *) "default", 7) == 0)
    {
        if (mcf->dflt) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate default integration response, "
                               "the first is in %s:%ui",
                               mcf->dflt->file, mcf->dflt->line);
            return NGX_CONF_ERROR;
        }

        /* the array may move: remember the index, resolved at the check */
        mcf->dflt = ir;

    } else {
        if (value[1].len == 0) {
            return "needs a selection pattern or \"default\"";
        }

        for (i = 0; i + 1 < mcf->responses.nelts; i++) {
            if (other[i].pattern.len == value[1].len
                && ngx_strncmp(other[i].pattern.data, value[1].data,
                               value[1].len) == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "duplicate selection pattern \"%V\"",
                                   &value[1]);
                return NGX_CONF_ERROR;
            }
        }

        ir->pattern = value[1];

        /* Java's Matcher.matches(): the pattern matches the whole text */

        p = ngx_pnalloc(cf->pool, value[1].len + sizeof("^(?:)\\z") - 1);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

        rc.pattern.data = p;
        p = ngx_cpymem(p, "^(?:", 4);
        p = ngx_cpymem(p, value[1].data, value[1].len);
        p = ngx_cpymem(p, ")\\z", 3);
        rc.pattern.len = p - rc.pattern.data;
        rc.pool = cf->pool;
        rc.err.len = NGX_MAX_CONF_ERRSTR;
        rc.err.data = errstr;

        if (ngx_regex_compile(&rc) != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid selection pattern \"%V\": %V",
                               &value[1], &rc.err);
            return NGX_CONF_ERROR;
        }

        ir->regex = rc.regex;
    }

    save = *cf;
    cf->handler = ngx_http_apigw_int_response_block;
    cf->handler_conf = (char *) ir;

    rv = ngx_conf_parse(cf, NULL);

    *cf = save;

    return rv;
}


static char *
ngx_http_apigw_int_response_block(ngx_conf_t *cf, ngx_command_t *dummy,
    void *conf)
{
    ngx_http_apigw_int_response_t *ir = conf;

    ngx_str_t  *value;

    value = cf->args->elts;

    if (value[0].len == sizeof("apigw_response_template") - 1
        && ngx_strcmp(value[0].data, "apigw_response_template") == 0)
    {
        if (cf->args->nelts != 3) {
            goto nargs;
        }

        return ngx_http_apigw_add_template(cf, &ir->templates, &value[1],
                                           &value[2]);
    }

    if (value[0].len == sizeof("apigw_response_parameter") - 1
        && ngx_strcmp(value[0].data, "apigw_response_parameter") == 0)
    {
        if (cf->args->nelts != 3) {
            goto nargs;
        }

        return ngx_http_apigw_add_param(cf, &ir->params, &value[1], &value[2],
                                        1);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "unknown directive \"%V\" in "
                       "\"apigw_integration_response\": "
                       "apigw_response_template or apigw_response_parameter "
                       "expected", &value[0]);
    return NGX_CONF_ERROR;

nargs:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid number of arguments in \"%V\" directive",
                       &value[0]);
    return NGX_CONF_ERROR;
}


/* a content type and its template, compiled */

static char *
ngx_http_apigw_add_template(ngx_conf_t *cf, ngx_array_t *a,
    ngx_str_t *content_type, ngx_str_t *source)
{
    ngx_str_t                      src, name, ct;
    ngx_uint_t                     i;
    ngx_http_apigw_alloc_t         alloc;
    ngx_http_apigw_vtl_error_t     err;
    ngx_http_apigw_mapping_tpl_t  *t;

    ct.len = content_type->len;
    ct.data = ngx_pnalloc(cf->pool, ct.len);
    if (ct.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_strlow(ct.data, content_type->data, ct.len);

    if (ct.len == 0 || ngx_strlchr(ct.data, ct.data + ct.len, '/') == NULL
        || ngx_strlchr(ct.data, ct.data + ct.len, ';') != NULL
        || ngx_strlchr(ct.data, ct.data + ct.len, ' ') != NULL)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid content type \"%V\": a media type "
                           "such as application/json expected",
                           content_type);
        return NGX_CONF_ERROR;
    }

    t = a->elts;

    for (i = 0; i < a->nelts; i++) {
        if (t[i].content_type.len == ct.len
            && ngx_strncmp(t[i].content_type.data, ct.data, ct.len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate template for \"%V\"", &ct);
            return NGX_CONF_ERROR;
        }
    }

    ngx_str_null(&name);
    src = *source;

    if (src.len > 5 && ngx_strncmp(src.data, "file=", 5) == 0) {
        name.data = src.data + 5;
        name.len = src.len - 5;

        if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        if (ngx_http_apigw_conf_read_file(cf, &name,
                                          NGX_HTTP_APIGW_TEMPLATE_MAX, &src)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (src.len > NGX_HTTP_APIGW_TEMPLATE_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "mapping template over %uz bytes",
                           (size_t) NGX_HTTP_APIGW_TEMPLATE_MAX);
        return NGX_CONF_ERROR;
    }

    alloc.alloc = ngx_http_apigw_pool_alloc;
    alloc.data = cf->pool;

    ngx_memzero(&err, sizeof(ngx_http_apigw_vtl_error_t));

    t = ngx_array_push(a);
    if (t == NULL) {
        if (name.len) {
            ngx_free(src.data);
        }

        return NGX_CONF_ERROR;
    }

    t->content_type = ct;
    t->vtl = ngx_http_apigw_vtl_parse(&alloc, &src, &err);

    /* the parsed template keeps a copy of what it needs */

    if (name.len) {
        ngx_free(src.data);
    }

    if (t->vtl == NULL) {
        if (name.len) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid mapping template \"%V\": line %ui, "
                               "column %ui: %s", &name, err.line, err.column,
                               err.message ? err.message : "error");

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid mapping template for \"%V\": "
                               "line %ui, column %ui: %s", &ct, err.line,
                               err.column,
                               err.message ? err.message : "error");
        }

        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * A parameter mapping, in AWS's own notation:
 *   integration.request.(header|querystring|path).NAME or
 *   method.response.header.NAME, from
 *   'static', stageVariables.NAME, context.NAME,
 *   method.request.(path|querystring|multivaluequerystring|header|
 *   multivalueheader).NAME, method.request.body[.JSONPATH] (requests),
 *   integration.response.(header|multivalueheader).NAME,
 *   integration.response.body[.JSONPATH] (responses)
 */

static char *
ngx_http_apigw_add_param(ngx_conf_t *cf, ngx_array_t *a, ngx_str_t *dst,
    ngx_str_t *src, ngx_uint_t response)
{
    u_char                      *p;
    size_t                       pos;
    ngx_str_t                    rest, path, *prefix;
    ngx_uint_t                   i, j;
    const char                  *err;
    ngx_http_apigw_alloc_t       alloc;
    ngx_http_apigw_param_map_t  *pm;

    static struct {
        ngx_str_t               prefix;
        ngx_http_apigw_dst_e    dst;
    } dsts[] = {
        { ngx_string("integration.request.header."),
          NGX_HTTP_APIGW_DST_HEADER },
        { ngx_string("integration.request.querystring."),
          NGX_HTTP_APIGW_DST_QUERYSTRING },
        { ngx_string("integration.request.path."),
          NGX_HTTP_APIGW_DST_PATH },
        { ngx_string("method.response.header."),
          NGX_HTTP_APIGW_DST_HEADER },
        { ngx_null_string, 0 }
    };

    static struct {
        ngx_str_t               prefix;
        ngx_http_apigw_src_e    src;
        ngx_uint_t              response;   /* 2: both */
    } srcs[] = {
        { ngx_string("stageVariables."), NGX_HTTP_APIGW_SRC_STAGE_VARIABLE,
          2 },
        { ngx_string("context."), NGX_HTTP_APIGW_SRC_CONTEXT, 2 },
        { ngx_string("method.request.path."), NGX_HTTP_APIGW_SRC_PATH, 0 },
        { ngx_string("method.request.querystring."),
          NGX_HTTP_APIGW_SRC_QUERYSTRING, 0 },
        { ngx_string("method.request.multivaluequerystring."),
          NGX_HTTP_APIGW_SRC_MULTI_QUERYSTRING, 0 },
        { ngx_string("method.request.header."), NGX_HTTP_APIGW_SRC_HEADER,
          0 },
        { ngx_string("method.request.multivalueheader."),
          NGX_HTTP_APIGW_SRC_MULTI_HEADER, 0 },
        { ngx_string("method.request.body."), NGX_HTTP_APIGW_SRC_BODY_PATH,
          0 },
        { ngx_string("method.request.body"), NGX_HTTP_APIGW_SRC_BODY, 0 },
        { ngx_string("integration.response.header."),
          NGX_HTTP_APIGW_SRC_HEADER, 1 },
        { ngx_string("integration.response.multivalueheader."),
          NGX_HTTP_APIGW_SRC_MULTI_HEADER, 1 },
        { ngx_string("integration.response.body."),
          NGX_HTTP_APIGW_SRC_BODY_PATH, 1 },
        { ngx_string("integration.response.body"), NGX_HTTP_APIGW_SRC_BODY,
          1 },
        { ngx_null_string, 0, 0 }
    };

    /* the destination */

    for (i = 0; dsts[i].prefix.len; i++) {

        /* the last one is for responses only, the others for requests */

        if ((i == 3) != (response != 0)) {
            continue;
        }

        if (dst->len > dsts[i].prefix.len
            && ngx_strncmp(dst->data, dsts[i].prefix.data,
                           dsts[i].prefix.len) == 0)
        {
            break;
        }
    }

    if (dsts[i].prefix.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid destination \"%V\": %s expected", dst,
                           response ? "method.response.header.NAME"
                                    : "integration.request.(header|"
                                      "querystring|path).NAME");
        return NGX_CONF_ERROR;
    }

    pm = a->elts;

    for (j = 0; j < a->nelts; j++) {
        if (pm[j].dst == dsts[i].dst
            && pm[j].name.len == dst->len - dsts[i].prefix.len
            && ngx_strncasecmp(pm[j].name.data,
                               dst->data + dsts[i].prefix.len,
                               pm[j].name.len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate mapping of \"%V\"", dst);
            return NGX_CONF_ERROR;
        }
    }

    pm = ngx_array_push(a);
    if (pm == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(pm, sizeof(ngx_http_apigw_param_map_t));

    pm->dst = dsts[i].dst;
    pm->name.data = dst->data + dsts[i].prefix.len;
    pm->name.len = dst->len - dsts[i].prefix.len;

    for (j = 0; j < pm->name.len; j++) {
        p = &pm->name.data[j];

        if (pm->dst == NGX_HTTP_APIGW_DST_HEADER
            ? (*p <= ' ' || *p >= 0x7f
               || ngx_strchr("()<>@,;:\\\"/[]?={}", *p) != NULL)
            : !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
                || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_'
                || *p == '$' || *p == '-'))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid name in \"%V\"", dst);
            return NGX_CONF_ERROR;
        }
    }

    /* the source */

    if (src->len >= 2 && src->data[0] == '\''
        && src->data[src->len - 1] == '\'')
    {
        pm->src = NGX_HTTP_APIGW_SRC_STATIC;
        pm->arg.data = src->data + 1;
        pm->arg.len = src->len - 2;

        for (j = 0; j < pm->arg.len; j++) {
            if (pm->arg.data[j] == CR || pm->arg.data[j] == LF
                || pm->arg.data[j] == '\0')
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid static value in \"%V\"", src);
                return NGX_CONF_ERROR;
            }
        }

        return NGX_CONF_OK;
    }

    for (i = 0; srcs[i].prefix.len; i++) {
        prefix = &srcs[i].prefix;

        if (srcs[i].response != 2 && srcs[i].response != response) {
            continue;
        }

        if (src->len < prefix->len
            || ngx_strncmp(src->data, prefix->data, prefix->len) != 0)
        {
            continue;
        }

        if (srcs[i].src == NGX_HTTP_APIGW_SRC_BODY) {
            if (src->len == prefix->len) {
                break;
            }

            continue;
        }

        if (src->len > prefix->len) {
            break;
        }
    }

    if (srcs[i].prefix.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid mapping source \"%V\": %s", src,
                           response
                           ? "'static', stageVariables.NAME, context.NAME, "
                             "integration.response.(header|multivalueheader)"
                             ".NAME or integration.response.body[.JSONPATH] "
                             "expected"
                           : "'static', stageVariables.NAME, context.NAME, "
                             "method.request.(path|querystring|"
                             "multivaluequerystring|header|multivalueheader)"
                             ".NAME or method.request.body[.JSONPATH] "
                             "expected");
        return NGX_CONF_ERROR;
    }

    pm->src = srcs[i].src;

    rest.data = src->data + srcs[i].prefix.len;
    rest.len = src->len - srcs[i].prefix.len;
    pm->arg = rest;

    if (pm->src == NGX_HTTP_APIGW_SRC_CONTEXT) {
        pm->context = ngx_http_apigw_context_var(&rest);

        /* context.authorizer.X: known per request only (mapping.c) */

        if (pm->context == NULL && !ngx_http_apigw_authorizer_ref(&rest)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown context variable \"%V\"", &rest);
            return NGX_CONF_ERROR;
        }
    }

    if (pm->src == NGX_HTTP_APIGW_SRC_BODY_PATH) {

        /* AWS writes the JSONPath without its "$." */

        path.len = rest.len + 2;
        path.data = ngx_pnalloc(cf->pool, path.len);
        if (path.data == NULL) {
            return NGX_CONF_ERROR;
        }

        path.data[0] = '$';

        if (rest.data[0] == '[') {
            ngx_memcpy(path.data + 1, rest.data, rest.len);
            path.len--;

        } else {
            path.data[1] = '.';
            ngx_memcpy(path.data + 2, rest.data, rest.len);
        }

        alloc.alloc = ngx_http_apigw_pool_alloc;
        alloc.data = cf->pool;
        err = NULL;
        pos = 0;

        pm->jsonpath = ngx_http_apigw_jsonpath_compile(&alloc, &path, &err,
                                                       &pos);
        if (pm->jsonpath == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid JSONPath \"%V\" in \"%V\" at "
                               "offset %uz: %s", &path, src, pos,
                               err ? err : "error");
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/*
 * what a template needs made for it (NGX_HTTP_APIGW_VTL_USES_*), and of
 * $context which members, added to the method's
 */

static ngx_int_t
ngx_http_apigw_mapping_needs(ngx_conf_t *cf,
    ngx_http_apigw_mapping_conf_t *mcf, ngx_http_apigw_vtl_t *vtl)
{
    ngx_str_t  *names;
    ngx_uint_t  n;

    mcf->needs |= ngx_http_apigw_vtl_needs(vtl);

    names = ngx_http_apigw_vtl_context_names(vtl, &n);

    if (ngx_http_apigw_mapping_add_names(cf, &mcf->context_names, names, n)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    names = ngx_http_apigw_vtl_param_names(vtl, &n);

    return ngx_http_apigw_mapping_add_names(cf, &mcf->param_names, names, n);
}


static ngx_int_t
ngx_http_apigw_mapping_add_names(ngx_conf_t *cf, ngx_array_t *a,
    ngx_str_t *names, ngx_uint_t n)
{
    ngx_str_t   *name, *have;
    ngx_uint_t   i, k;

    if (a->elts == NULL
        && ngx_array_init(a, cf->pool, 4, sizeof(ngx_str_t)) != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        have = a->elts;

        for (k = 0; k < a->nelts; k++) {
            if (have[k].len == names[i].len
                && ngx_strncmp(have[k].data, names[i].data, names[i].len)
                   == 0)
            {
                break;
            }
        }

        if (k < a->nelts) {
            continue;
        }

        name = ngx_array_push(a);
        if (name == NULL) {
            return NGX_ERROR;
        }

        *name = names[i];
    }

    return NGX_OK;
}


/* at the end of a method block: what its integration can use */

char *
ngx_http_apigw_mapping_check(ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *alcf)
{
    ngx_uint_t                      i, k;
    ngx_http_apigw_param_map_t     *pm;
    ngx_http_apigw_mapping_tpl_t   *t;
    ngx_http_apigw_int_response_t  *ir;
    ngx_http_apigw_integration_t   *in;
    ngx_http_apigw_mapping_conf_t  *mcf;

    mcf = alcf->mapping;
    in = alcf->integration;

    if (mcf == NULL) {
        return NGX_CONF_OK;
    }

    if (mcf->passthrough == NGX_CONF_UNSET_UINT) {
        mcf->passthrough = NGX_HTTP_APIGW_PASS_WHEN_NO_MATCH;
    }

    /* the default, found again now that the array stopped growing */

    mcf->dflt = NULL;
    ir = mcf->responses.elts;

    for (i = 0; i < mcf->responses.nelts; i++) {
        if (ir[i].regex == NULL) {
            mcf->dflt = &ir[i];
        }
    }

    /* what any of the templates uses, made for each request */

    mcf->needs = 0;
    t = mcf->templates.elts;

    for (i = 0; i < mcf->templates.nelts; i++) {
        if (ngx_http_apigw_mapping_needs(cf, mcf, t[i].vtl) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    for (i = 0; i < mcf->responses.nelts; i++) {
        t = ir[i].templates.elts;

        for (k = 0; k < ir[i].templates.nelts; k++) {
            if (ngx_http_apigw_mapping_needs(cf, mcf, t[k].vtl) != NGX_OK) {
                return NGX_CONF_ERROR;
            }
        }
    }

    if (in->type == NGX_HTTP_APIGW_INT_HTTP_PROXY
        || (in->type == NGX_HTTP_APIGW_INT_LAMBDA && in->proxy))
    {
        if (mcf->templates.nelts || mcf->responses.nelts) {
            return "a proxy integration takes no mapping templates or "
                   "integration responses, as on AWS";
        }

        if (in->type == NGX_HTTP_APIGW_INT_LAMBDA && mcf->params.nelts) {
            return "a lambda integration takes no request parameters";
        }

        return NGX_CONF_OK;
    }

    pm = mcf->params.elts;

    for (i = 0; i < mcf->params.nelts; i++) {
        if (in->type == NGX_HTTP_APIGW_INT_MOCK
            || in->type == NGX_HTTP_APIGW_INT_LAMBDA)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "a %s integration takes no request "
                               "parameter \"%V\"",
                               in->type == NGX_HTTP_APIGW_INT_MOCK
                               ? "mock" : "lambda", &pm[i].name);
            return NGX_CONF_ERROR;
        }
    }

    if (in->type == NGX_HTTP_APIGW_INT_MOCK
        && (in->body.len || in->headers || in->status != NGX_HTTP_OK)
        && (mcf->templates.nelts || mcf->responses.nelts))
    {
        return "a mock integration answers either from its status=, body= "
               "and header= or from its integration responses, not both";
    }

    return NGX_CONF_OK;
}

