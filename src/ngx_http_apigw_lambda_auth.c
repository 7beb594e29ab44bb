
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Lambda authorizers, TOKEN and REQUEST, as API Gateway runs them: the
 * identity sources must be there (and a token must match the validation
 * expression) or the caller gets 401 without the function being called;
 * then the function gets AWS's event through the Lambda Invoke API, and
 * its answer (an IAM policy, or an HTTP API's simple response) decides.
 * Answers are cached in shared memory by identity-source values for the
 * authorizer's TTL, and a cached policy is evaluated again for each
 * method ARN, as AWS does.
 *
 * The function is invoked by a subrequest of the access phase to a
 * location built at configuration time for each authorizer, where
 * nginx's proxy module calls the Invoke API as a method's Lambda
 * integration does (integration.c): never blocking, every proxy_*
 * setting and upstream feature at hand.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_mapping.h"
#include "ngx_http_apigw_policy.h"
#include "ngx_http_apigw_authorizer.h"
#include "ngx_http_apigw_auth_cache.h"
#include "ngx_http_apigw_util.h"

#include <jansson.h>
#include <openssl/evp.h>


#define NGX_HTTP_APIGW_LAUTH_TTL          300       /* AWS's defaults */
#define NGX_HTTP_APIGW_LAUTH_MAX_TTL      3600
#define NGX_HTTP_APIGW_LAUTH_MAX_SOURCES  16
#define NGX_HTTP_APIGW_LAUTH_MEMO         1000      /* per worker */
#define NGX_HTTP_APIGW_LAUTH_URI          "/.apigw-authorizer/"

#define NGX_HTTP_APIGW_LAUTH_DENY                                            \
    "User is not authorized to access this resource with an explicit deny"
#define NGX_HTTP_APIGW_LAUTH_NOT_ALLOWED                                     \
    "User is not authorized to access this resource"


/* an authorizer of type token or request: authorizer->data */
typedef struct {
    ngx_str_t                       name;
    ngx_str_t                       uri;        /* the subrequest's */
    ngx_http_apigw_tpl_t           *function;
    ngx_array_t                     identity;   /* ngx_http_apigw_tpl_t * */
    ngx_regex_t                    *validation;
    ngx_msec_t                      ttl;
    ngx_msec_t                      timeout;
    ngx_http_conf_ctx_t            *ctx;        /* where it is invoked */
    ngx_http_conf_ctx_t            *parent;     /* where it is declared */
    ngx_http_apigw_loc_conf_t      *alcf;       /* ctx's, once merged */
    ngx_http_apigw_auth_cache_t    *cache;

    /* each worker's parsed copies of cached answers (memo_t) */
    ngx_rbtree_t                    memo;
    ngx_rbtree_node_t               memo_sentinel;
    ngx_queue_t                     memo_lru;
    ngx_uint_t                      memo_n;

    u_char                         *file;
    ngx_uint_t                      line;
    unsigned                        request:1;
    unsigned                        v2:1;       /* payload format 2.0 */
    unsigned                        simple:1;   /* simple responses */
    unsigned                        merged:1;
} ngx_http_apigw_lauth_conf_t;


/* per request: ctx->auth */
typedef struct {
    ngx_http_apigw_lauth_conf_t    *conf;
    ngx_str_t                      *values;     /* identity sources' */
    ngx_str_t                       key;        /* the cache key */
    uint32_t                        hash;
    u_char                          digest[NGX_HTTP_APIGW_AUTH_CACHE_KEY_LEN];
    ngx_str_t                       arn;
    ngx_str_t                       alias;
    ngx_str_t                       uri;        /* the Invoke API's */
    ngx_str_t                       payload;    /* the event */
    ngx_str_t                       aws_date;
    ngx_str_t                       aws_authorization;
    ngx_str_t                       aws_token;
    ngx_msec_t                      start;
    ngx_msec_t                      latency;
    ngx_int_t                       rc;         /* the subrequest's */
    ngx_uint_t                      status;
    ngx_str_t                       body;
    unsigned                        done:1;
    unsigned                        function_error:1;
} ngx_http_apigw_lauth_ctx_t;


/* what the function answered, checked and parsed */
typedef struct {
    ngx_str_t                       principal;
    ngx_http_apigw_policy_t        *policy;
    ngx_str_t                       usage_key;
    json_t                         *authorizer; /* requestContext's */
    ngx_uint_t                      authorized; /* simple responses */
} ngx_http_apigw_lauth_result_t;


/*
 * A worker's copy of a cached answer, parsed once: a hit costs no JSON
 * and no digest.  It expires with the shared entry it was made from, and
 * it is keyed by the cache key itself, compared byte for byte.
 */
typedef struct {
    ngx_str_node_t                  sn;         /* sn.str: the key */
    ngx_queue_t                     queue;      /* the most recent first */
    ngx_msec_t                      expires;
    ngx_pool_t                     *pool;       /* the entry's memory */
    ngx_http_apigw_lauth_result_t   result;
} ngx_http_apigw_lauth_memo_t;


static char *ngx_http_apigw_lauth_parse_args(ngx_conf_t *cf,
    ngx_http_apigw_lauth_conf_t *la, ngx_str_t *args, ngx_uint_t nargs);
static ngx_int_t ngx_http_apigw_lauth_sources(ngx_conf_t *cf,
    ngx_http_apigw_lauth_conf_t *la, ngx_str_t *value);
static char *ngx_http_apigw_lauth_location(ngx_conf_t *cf,
    ngx_http_apigw_lauth_conf_t *la);
static ngx_int_t ngx_http_apigw_lauth_merge(ngx_conf_t *cf,
    ngx_array_t *authorizers);

static ngx_int_t ngx_http_apigw_lambda_authorize(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_authorization_t *authz);
static ngx_int_t ngx_http_apigw_lauth_identity(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st);
static ngx_int_t ngx_http_apigw_lauth_key(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st);
static ngx_int_t ngx_http_apigw_lauth_invoke(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st);
static ngx_int_t ngx_http_apigw_lauth_event(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st);
static ngx_int_t ngx_http_apigw_lauth_request_uri(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st);
static void ngx_http_apigw_lauth_run(ngx_http_request_t *sr);
static ngx_int_t ngx_http_apigw_lauth_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_apigw_lauth_finish(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st);
static ngx_int_t ngx_http_apigw_lauth_answer(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st);
static ngx_int_t ngx_http_apigw_lauth_cached(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st,
    ngx_str_t *value);
static ngx_int_t ngx_http_apigw_lauth_parse(ngx_pool_t *pool,
    ngx_http_apigw_lauth_conf_t *la, ngx_str_t *body, ngx_msec_t latency,
    ngx_http_apigw_lauth_result_t *result, const char **err);
static ngx_int_t ngx_http_apigw_lauth_apply(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st,
    ngx_http_apigw_lauth_result_t *result);
static json_t *ngx_http_apigw_lauth_context(
    ngx_http_apigw_lauth_result_t *result, json_t *context,
    ngx_msec_t latency);
static ngx_http_apigw_lauth_memo_t *ngx_http_apigw_lauth_memo_find(
    ngx_http_apigw_lauth_ctx_t *st);
static ngx_http_apigw_lauth_memo_t *ngx_http_apigw_lauth_memo_add(
    ngx_http_apigw_lauth_ctx_t *st, ngx_msec_t expires, ngx_str_t *body,
    ngx_log_t *log);
static void ngx_http_apigw_lauth_memo_free(ngx_http_apigw_lauth_conf_t *la,
    ngx_http_apigw_lauth_memo_t *m);
static void ngx_http_apigw_lauth_memo_cleanup(void *data);
static ngx_int_t ngx_http_apigw_lauth_error(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_gr_type_e type);
static void ngx_http_apigw_lauth_json_cleanup(void *data);
static json_t *ngx_http_apigw_lauth_json_str(ngx_pool_t *pool,
    ngx_str_t *s);
static ngx_int_t ngx_http_apigw_lauth_set(ngx_pool_t *pool, json_t *obj,
    const char *key, ngx_str_t *value);
static ngx_int_t ngx_http_apigw_lauth_copy(ngx_pool_t *pool, json_t *j,
    ngx_str_t *s);

static ngx_int_t ngx_http_apigw_lauth_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


extern ngx_module_t  ngx_http_proxy_module;


/* what the invocation's proxy configuration reads */
static ngx_str_t  ngx_http_apigw_lauth_variables[] = {
    ngx_string("apigw_lauth_uri"),
    ngx_string("apigw_lauth_payload"),
    ngx_string("apigw_lauth_aws_date"),
    ngx_string("apigw_lauth_aws_security_token"),
    ngx_string("apigw_lauth_aws_authorization")
};


/*
 * apigw_authorizer NAME token function=FN [identity=HEADER]
 *     [validation=REGEX] [ttl=300] [timeout=29s];
 * apigw_authorizer NAME request function=FN [identity=SOURCE,...]
 *     [ttl=300] [timeout=29s] [payload=1.0|2.0] [simple];
 */

char *
ngx_http_apigw_lambda_auth_conf(ngx_conf_t *cf,
    ngx_http_apigw_authorizer_t *a, ngx_str_t *args, ngx_uint_t nargs)
{
    char                         *rv;
    u_char                       *p;
    ngx_pool_cleanup_t           *cln;
    ngx_http_apigw_lauth_conf_t  *la;

    la = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_lauth_conf_t));
    if (la == NULL) {
        return NGX_CONF_ERROR;
    }

    la->name = a->name;
    la->request = (a->type.len == sizeof("request") - 1
                   && ngx_strncmp(a->type.data, "request", a->type.len) == 0);
    la->ttl = NGX_CONF_UNSET_MSEC;
    la->timeout = NGX_CONF_UNSET_MSEC;
    la->file = a->file;
    la->line = a->line;

    if (ngx_array_init(&la->identity, cf->pool, 1,
                       sizeof(ngx_http_apigw_tpl_t *))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_rbtree_init(&la->memo, &la->memo_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&la->memo_lru);

    /* a worker's copies go with its configuration */

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_apigw_lauth_memo_cleanup;
    cln->data = la;

    rv = ngx_http_apigw_lauth_parse_args(cf, la, args, nargs);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    p = ngx_pnalloc(cf->pool, sizeof(NGX_HTTP_APIGW_LAUTH_URI) - 1
                              + la->name.len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    la->uri.data = p;
    p = ngx_cpymem(p, NGX_HTTP_APIGW_LAUTH_URI,
                   sizeof(NGX_HTTP_APIGW_LAUTH_URI) - 1);
    p = ngx_cpymem(p, la->name.data, la->name.len);
    la->uri.len = p - la->uri.data;

    rv = ngx_http_apigw_lauth_location(cf, la);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    a->authorize = ngx_http_apigw_lambda_authorize;
    a->data = la;

    return NGX_CONF_OK;
}


static char *
ngx_http_apigw_lauth_parse_args(ngx_conf_t *cf,
    ngx_http_apigw_lauth_conf_t *la, ngx_str_t *args, ngx_uint_t nargs)
{
    u_char               *p, errstr[NGX_MAX_CONF_ERRSTR];
    ngx_int_t             n;
    ngx_str_t             v, identity, validation;
    ngx_uint_t            i;
    ngx_regex_compile_t   rc;

    ngx_str_null(&identity);
    ngx_str_null(&validation);

    for (i = 0; i < nargs; i++) {

        if (ngx_http_apigw_authorizer_arg(&args[i], "function", &v)
            == NGX_OK)
        {
            if (la->function || v.len == 0) {
                goto invalid;
            }

            /* a name, NAME:QUALIFIER or an ARN, as integrations take it */

            la->function = ngx_http_apigw_tpl_compile(cf, &v,
                                                   NGX_HTTP_APIGW_TPL_CONTEXT);
            if (la->function == NULL) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "identity", &v)
            == NGX_OK)
        {
            if (identity.data || v.len == 0) {
                goto invalid;
            }

            identity = v;
            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "validation", &v)
            == NGX_OK)
        {
            if (validation.data || v.len == 0) {
                goto invalid;
            }

            validation = v;
            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "ttl", &v) == NGX_OK) {
            n = ngx_atoi(v.data, v.len);

            if (la->ttl != NGX_CONF_UNSET_MSEC || n == NGX_ERROR) {
                goto invalid;
            }

            if (n > NGX_HTTP_APIGW_LAUTH_MAX_TTL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid \"%V\": the TTL is 0 to %d "
                                   "seconds", &args[i],
                                   NGX_HTTP_APIGW_LAUTH_MAX_TTL);
                return NGX_CONF_ERROR;
            }

            la->ttl = (ngx_msec_t) n * 1000;
            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "timeout", &v)
            == NGX_OK)
        {
            la->timeout = ngx_parse_time(&v, 0);

            if (la->timeout == (ngx_msec_t) NGX_ERROR || la->timeout == 0) {
                goto invalid;
            }

            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "payload", &v)
            == NGX_OK)
        {
            if (v.len == 3 && ngx_strncmp(v.data, "1.0", 3) == 0) {
                la->v2 = 0;

            } else if (v.len == 3 && ngx_strncmp(v.data, "2.0", 3) == 0) {
                la->v2 = 1;

            } else {
                goto invalid;
            }

            continue;
        }

        if (args[i].len == 6 && ngx_strncmp(args[i].data, "simple", 6) == 0)
        {
            la->simple = 1;
            continue;
        }

        goto invalid;
    }

    if (la->function == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "authorizer \"%V\" needs \"function=\"",
                           &la->name);
        return NGX_CONF_ERROR;
    }

    if (la->v2 && !la->request) {
        return "with \"payload=2.0\" must be of type \"request\" "
               "(HTTP APIs have no TOKEN authorizers)";
    }

    if (la->simple && !la->v2) {
        return "with \"simple\" responses needs \"payload=2.0\"";
    }

    if (validation.data && la->request) {
        return "of type \"request\" takes no \"validation=\" (AWS applies "
               "it to TOKEN authorizers only)";
    }

    ngx_conf_init_msec_value(la->ttl, NGX_HTTP_APIGW_LAUTH_TTL * 1000);
    ngx_conf_init_msec_value(la->timeout, NGX_HTTP_APIGW_DEFAULT_TIMEOUT);

    if (!la->request && identity.data == NULL) {
        ngx_str_set(&identity, "method.request.header.Authorization");
    }

    if (identity.data
        && ngx_http_apigw_lauth_sources(cf, la, &identity) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (la->ttl && la->identity.nelts == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "authorizer \"%V\" caches its results (ttl=%M) "
                           "by identity sources but has none: set "
                           "\"identity=\" or \"ttl=0\"", &la->name,
                           la->ttl / 1000);
        return NGX_CONF_ERROR;
    }

    if (validation.data) {

        /* AWS matches the whole token */

        p = ngx_pnalloc(cf->pool, validation.len + sizeof("^(?:)\\z") - 1);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

        rc.pattern.data = p;
        p = ngx_cpymem(p, "^(?:", 4);
        p = ngx_cpymem(p, validation.data, validation.len);
        p = ngx_cpymem(p, ")\\z", 3);
        rc.pattern.len = p - rc.pattern.data;
        rc.pool = cf->pool;
        rc.err.len = NGX_MAX_CONF_ERRSTR;
        rc.err.data = errstr;

        if (ngx_regex_compile(&rc) != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid validation expression \"%V\": %V",
                               &validation, &rc.err);
            return NGX_CONF_ERROR;
        }

        la->validation = rc.regex;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\" of authorizer \"%V\"",
                       &args[i], &la->name);

    return NGX_CONF_ERROR;
}


/*
 * Identity sources, as AWS's identitySource writes them: REST APIs'
 * method.request.header.X, method.request.querystring.X,
 * stageVariables.X and context.X (a TOKEN authorizer: one header, also
 * given by its name alone), or HTTP APIs' $request.header.X,
 * $request.querystring.X, $stageVariables.X and $context.X.
 */

static ngx_int_t
ngx_http_apigw_lauth_sources(ngx_conf_t *cf, ngx_http_apigw_lauth_conf_t *la,
    ngx_str_t *value)
{
    u_char                 *p, *last, *start, *end;
    ngx_str_t               src, s;
    ngx_uint_t              i;
    ngx_http_apigw_tpl_t  **tpl;
    ngx_http_apigw_ref_t   *ref;

    static struct {
        ngx_str_t           from;
        ngx_str_t           to;
    } forms[] = {
        { ngx_string("$request.header."),
          ngx_string("method.request.header.") },
        { ngx_string("$request.querystring."),
          ngx_string("method.request.querystring.") },
        { ngx_string("$stageVariables."), ngx_string("stageVariables.") },
        { ngx_string("$context."), ngx_string("context.") },
        { ngx_null_string, ngx_null_string }
    };

    last = value->data + value->len;

    for (start = value->data; start < last; start = end + 1) {

        end = ngx_strlchr(start, last, ',');
        if (end == NULL) {
            end = last;
        }

        src.data = start;
        src.len = end - start;

        while (src.len && src.data[0] == ' ') {
            src.data++;
            src.len--;
        }

        while (src.len && src.data[src.len - 1] == ' ') {
            src.len--;
        }

        if (src.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "empty identity source in \"%V\"", value);
            return NGX_ERROR;
        }

        s = src;

        for (i = 0; forms[i].from.len; i++) {
            if (src.len > forms[i].from.len
                && ngx_strncmp(src.data, forms[i].from.data,
                               forms[i].from.len) == 0)
            {
                s.len = forms[i].to.len + src.len - forms[i].from.len;
                s.data = ngx_pnalloc(cf->pool, s.len);
                if (s.data == NULL) {
                    return NGX_ERROR;
                }

                p = ngx_cpymem(s.data, forms[i].to.data, forms[i].to.len);
                ngx_memcpy(p, src.data + forms[i].from.len,
                           src.len - forms[i].from.len);
                break;
            }
        }

        if (!la->request && ngx_strlchr(s.data, s.data + s.len, '.') == NULL)
        {
            /* a TOKEN authorizer's header, by its name */

            p = ngx_pnalloc(cf->pool, sizeof("method.request.header.") - 1
                                      + s.len);
            if (p == NULL) {
                return NGX_ERROR;
            }

            s.data = p;
            p = ngx_cpymem(p, "method.request.header.",
                           sizeof("method.request.header.") - 1);
            p = ngx_cpymem(p, src.data, src.len);
            s.len = p - s.data;
        }

        if (s.data[0] == '\'') {
            goto invalid;
        }

        tpl = ngx_array_push(&la->identity);
        if (tpl == NULL) {
            return NGX_ERROR;
        }

        *tpl = ngx_http_apigw_tpl_param(cf, &s);
        if (*tpl == NULL) {
            return NGX_ERROR;
        }

        ref = (*tpl)->parts.elts;

        if (ref->type == NGX_HTTP_APIGW_REF_PATH_PARAM
            || (!la->request && ref->type != NGX_HTTP_APIGW_REF_HEADER))
        {
            goto invalid;
        }

        if (la->identity.nelts > NGX_HTTP_APIGW_LAUTH_MAX_SOURCES
            || (!la->request && la->identity.nelts > 1))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "too many identity sources in \"%V\"", value);
            return NGX_ERROR;
        }
    }

    return NGX_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid identity source \"%V\": %s", &src,
                       la->request
                       ? "method.request.header.X, "
                         "method.request.querystring.X, stageVariables.X "
                         "or context.X expected"
                       : "a header, method.request.header.X, expected");

    return NGX_ERROR;
}


/*
 * The location the function is invoked through: a location-like
 * configuration, as a method block is one (conf.c), merged later with
 * the level where the authorizer is declared (so apigw_lambda_endpoint,
 * apigw_aws_credentials, resolver and the like come from there), with
 * the proxy configured for the Invoke API.  No URI leads to it.
 */

static char *
ngx_http_apigw_lauth_location(ngx_conf_t *cf, ngx_http_apigw_lauth_conf_t *la)
{
    char                          *rv;
    u_char                        *p;
    void                          *mconf;
    ngx_str_t                      args[2];
    ngx_uint_t                     i;
    ngx_conf_t                     save;
    ngx_keyval_t                  *h;
    ngx_http_module_t             *module;
    ngx_http_conf_ctx_t           *ctx, *pctx;
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_apigw_loc_conf_t     *alcf;
    ngx_http_apigw_integration_t  *in;

    static ngx_keyval_t  headers[] = {
        { ngx_string("Content-Type"), ngx_string("application/json") },
        { ngx_string("X-Amz-Invocation-Type"),
          ngx_string("RequestResponse") },
        { ngx_string("Connection"), ngx_string("") },
        { ngx_string("X-Amz-Date"), ngx_string("$apigw_lauth_aws_date") },
        { ngx_string("X-Amz-Security-Token"),
          ngx_string("$apigw_lauth_aws_security_token") },
        { ngx_string("Authorization"),
          ngx_string("$apigw_lauth_aws_authorization") },
        { ngx_null_string, ngx_null_string }
    };

    static struct {
        char      *name;
        char      *value;
    } settings[] = {
        { "proxy_pass", "$apigw_lauth_uri" },
        { "proxy_method", "POST" },
        { "proxy_pass_request_headers", "off" },
        { "proxy_pass_request_body", "off" },
        { "proxy_set_body", "$apigw_lauth_payload" },
        { "proxy_http_version", "1.1" },
        { NULL, NULL }
    };

    pctx = cf->ctx;

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_conf_ctx_t));
    if (ctx == NULL) {
        return NGX_CONF_ERROR;
    }

    ctx->main_conf = pctx->main_conf;
    ctx->srv_conf = pctx->srv_conf;

    ctx->loc_conf = ngx_pcalloc(cf->pool, sizeof(void *) * ngx_http_max_module);
    if (ctx->loc_conf == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; cf->cycle->modules[i]; i++) {
        if (cf->cycle->modules[i]->type != NGX_HTTP_MODULE) {
            continue;
        }

        module = cf->cycle->modules[i]->ctx;

        if (module->create_loc_conf) {
            mconf = module->create_loc_conf(cf);
            if (mconf == NULL) {
                return NGX_CONF_ERROR;
            }

            ctx->loc_conf[cf->cycle->modules[i]->ctx_index] = mconf;
        }
    }

    clcf = ctx->loc_conf[ngx_http_core_module.ctx_index];
    clcf->loc_conf = ctx->loc_conf;
    clcf->name = la->uri;
    clcf->noname = 1;
    clcf->internal = 1;

    /* for the Invoke API URI and signature (lambda.c, aws.c) */

    in = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_integration_t));
    if (in == NULL) {
        return NGX_CONF_ERROR;
    }

    in->type = NGX_HTTP_APIGW_INT_LAMBDA;
    in->function = la->function;
    in->payload = 10;
    in->timeout = la->timeout;
    in->proxy = 1;

    alcf = ctx->loc_conf[ngx_http_apigw_module.ctx_index];
    alcf->integration = in;

    la->ctx = ctx;
    la->parent = pctx;
    la->alcf = alcf;

    save = *cf;
    cf->ctx = ctx;
    cf->cmd_type = NGX_HTTP_LOC_CONF;

    for (i = 0; settings[i].name; i++) {
        args[0].data = (u_char *) settings[i].value;
        args[0].len = ngx_strlen(settings[i].value);

        rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module, ctx->loc_conf,
                                     settings[i].name, args, 1, 0);
        if (rv != NGX_CONF_OK) {
            goto done;
        }
    }

    for (h = headers; h->key.len; h++) {
        args[0] = h->key;
        args[1] = h->value;

        rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module, ctx->loc_conf,
                                     "proxy_set_header", args, 2, 0);
        if (rv != NGX_CONF_OK) {
            goto done;
        }
    }

    p = ngx_pnalloc(cf->pool, NGX_INT_T_LEN + sizeof("ms"));
    if (p == NULL) {
        rv = NGX_CONF_ERROR;
        goto done;
    }

    args[0].data = p;
    args[0].len = ngx_sprintf(p, "%Mms%Z", la->timeout) - p - 1;

    rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module, ctx->loc_conf,
                                 "proxy_read_timeout", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module, ctx->loc_conf,
                                 "proxy_send_timeout", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    /* nginx caps the connect timeout at 75 s */

    p = ngx_pnalloc(cf->pool, NGX_INT_T_LEN + sizeof("ms"));
    if (p == NULL) {
        rv = NGX_CONF_ERROR;
        goto done;
    }

    args[0].data = p;
    args[0].len = ngx_sprintf(p, "%Mms%Z", ngx_min(la->timeout, 75000))
                  - p - 1;

    rv = ngx_http_apigw_conf_set(cf, &ngx_http_proxy_module, ctx->loc_conf,
                                 "proxy_connect_timeout", args, 1, 0);
    if (rv != NGX_CONF_OK) {
        goto done;
    }

    /* the answer is read into memory: policies can be long */

    ngx_str_set(&args[0], "64k");

    rv = ngx_http_apigw_conf_set(cf, &ngx_http_core_module, ctx->loc_conf,
                                 "subrequest_output_buffer_size", args, 1, 0);

done:

    *cf = save;

    return rv;
}


ngx_int_t
ngx_http_apigw_lambda_auth_add_variables(ngx_conf_t *cf)
{
    ngx_uint_t            i;
    ngx_http_variable_t  *v;

    for (i = 0; i < sizeof(ngx_http_apigw_lauth_variables)
                    / sizeof(ngx_str_t); i++)
    {
        v = ngx_http_add_variable(cf, &ngx_http_apigw_lauth_variables[i],
                                  NGX_HTTP_VAR_NOCACHEABLE);
        if (v == NULL) {
            return NGX_ERROR;
        }

        v->get_handler = ngx_http_apigw_lauth_variable;
        v->data = i;
    }

    return NGX_OK;
}


/*
 * Postconfiguration: every Lambda authorizer's location merged with the
 * level it is declared at (http's, or a server's once nginx has merged
 * it), the Lambda endpoint and the cache zone chosen.
 */

ngx_int_t
ngx_http_apigw_lambda_auth_init(ngx_conf_t *cf)
{
    ngx_uint_t                   s;
    ngx_http_core_srv_conf_t   **cscfp;
    ngx_http_core_main_conf_t   *cmcf;
    ngx_http_apigw_loc_conf_t   *alcf;

    alcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_apigw_module);

    if (alcf->authorizers != NGX_CONF_UNSET_PTR
        && ngx_http_apigw_lauth_merge(cf, alcf->authorizers) != NGX_OK)
    {
        return NGX_ERROR;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        alcf = cscfp[s]->ctx->loc_conf[ngx_http_apigw_module.ctx_index];

        if (ngx_http_apigw_lauth_merge(cf, alcf->authorizers) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_lauth_merge(ngx_conf_t *cf, ngx_array_t *authorizers)
{
    char                          *rv;
    u_char                        *p;
    ngx_uint_t                     i, m;
    ngx_conf_t                     save;
    ngx_http_module_t             *module;
    ngx_http_apigw_authorizer_t  **a;
    ngx_http_apigw_loc_conf_t     *alcf;
    ngx_http_apigw_lauth_conf_t   *la;

    if (authorizers == NULL || authorizers == NGX_CONF_UNSET_PTR) {
        return NGX_OK;
    }

    a = authorizers->elts;

    for (i = 0; i < authorizers->nelts; i++) {

        if (a[i]->authorize != ngx_http_apigw_lambda_authorize) {
            continue;
        }

        la = a[i]->data;

        if (la->merged) {
            continue;   /* http's, seen from another server */
        }

        la->merged = 1;

        save = *cf;
        cf->ctx = la->ctx;
        cf->cmd_type = NGX_HTTP_LOC_CONF;

        for (m = 0; cf->cycle->modules[m]; m++) {
            if (cf->cycle->modules[m]->type != NGX_HTTP_MODULE) {
                continue;
            }

            module = cf->cycle->modules[m]->ctx;

            if (module->merge_loc_conf == NULL) {
                continue;
            }

            rv = module->merge_loc_conf(cf,
                       la->parent->loc_conf[cf->cycle->modules[m]->ctx_index],
                       la->ctx->loc_conf[cf->cycle->modules[m]->ctx_index]);

            if (rv != NGX_CONF_OK) {
                *cf = save;
                ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                              "the authorizer \"%V\" in %s:%ui cannot be "
                              "set up", &la->name, la->file, la->line);
                return NGX_ERROR;
            }
        }

        *cf = save;

        alcf = la->alcf;

        if (alcf->lambda_endpoint.len == 0 && alcf->aws_region.len) {

            /* AWS itself: https://lambda.REGION.amazonaws.com */

            p = ngx_pnalloc(cf->pool, sizeof("https://lambda..amazonaws.com")
                                      - 1 + alcf->aws_region.len);
            if (p == NULL) {
                return NGX_ERROR;
            }

            alcf->lambda_endpoint.data = p;
            alcf->lambda_endpoint.len =
                ngx_sprintf(p, "https://lambda.%V.amazonaws.com",
                            &alcf->aws_region)
                - p;
        }

        if (alcf->lambda_endpoint.len == 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "no \"apigw_lambda_endpoint\" or "
                          "\"apigw_aws_region\" for the authorizer \"%V\" "
                          "in %s:%ui", &la->name, la->file, la->line);
            return NGX_ERROR;
        }

        if (la->ttl) {
            la->cache = alcf->authorizer_cache;

            if (la->cache == NULL) {
                la->cache = ngx_http_apigw_auth_cache_default(cf);
                if (la->cache == NULL) {
                    return NGX_ERROR;
                }
            }
        }
    }

    return NGX_OK;
}


/* the access phase; see ngx_http_apigw_authorize_pt */

static ngx_int_t
ngx_http_apigw_lambda_authorize(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_authorization_t *authz)
{
    ngx_int_t                     rc;
    ngx_str_t                     value;
    ngx_http_apigw_lauth_ctx_t   *st;
    ngx_http_apigw_lauth_conf_t  *la;
    ngx_http_apigw_lauth_memo_t  *m;
    ngx_http_apigw_loc_conf_t    *alcf;

    la = authz->authorizer->data;
    st = ctx->auth;

    if (st) {
        if (!st->done) {
            return NGX_AGAIN;
        }

        return ngx_http_apigw_lauth_finish(r, ctx, st);
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw lambda authorizer \"%V\"", &la->name);

    st = ngx_pcalloc(r->pool, sizeof(ngx_http_apigw_lauth_ctx_t));
    if (st == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    st->conf = la;

    rc = ngx_http_apigw_lauth_identity(r, ctx, st);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_apigw_lauth_error(r, ctx,
                                          NGX_HTTP_APIGW_GR_UNAUTHORIZED);
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);

    if (ngx_http_apigw_method_arn(r, ctx, alcf, &st->arn, &st->alias)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->auth = st;

    if (la->cache == NULL) {
        return ngx_http_apigw_lauth_invoke(r, ctx, st);
    }

    if (ngx_http_apigw_lauth_key(r, ctx, st) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* this worker's parsed copy, then the shared cache */

    m = ngx_http_apigw_lauth_memo_find(st);

    if (m) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "apigw lambda authorizer \"%V\": cached, parsed",
                       &la->name);

        st->done = 1;

        return ngx_http_apigw_lauth_apply(r, ctx, st, &m->result);
    }

    if (EVP_Digest(st->key.data, st->key.len, st->digest, NULL, EVP_sha256(),
                   NULL)
        != 1)
    {
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, 0,
                      "apigw: EVP_Digest() failed");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_apigw_auth_cache_get(la->cache, st->digest, r->pool,
                                       &value);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_OK) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "apigw lambda authorizer \"%V\": cached", &la->name);

        st->done = 1;

        return ngx_http_apigw_lauth_cached(r, ctx, st, &value);
    }

    return ngx_http_apigw_lauth_invoke(r, ctx, st);
}


/*
 * The identity sources' values: NGX_DECLINED when one is missing or
 * empty, or a token does not match the validation expression (AWS then
 * answers 401 without calling the function).
 */

static ngx_int_t
ngx_http_apigw_lauth_identity(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st)
{
    ngx_int_t                     n;
    ngx_uint_t                    i;
    ngx_http_apigw_tpl_t        **tpl;
    ngx_http_apigw_lauth_conf_t  *la;

    la = st->conf;

    if (la->identity.nelts == 0) {
        return NGX_OK;
    }

    st->values = ngx_palloc(r->pool, la->identity.nelts * sizeof(ngx_str_t));
    if (st->values == NULL) {
        return NGX_ERROR;
    }

    tpl = la->identity.elts;

    for (i = 0; i < la->identity.nelts; i++) {
        if (ngx_http_apigw_tpl_render(r, ctx, tpl[i], &st->values[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (st->values[i].len == 0) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "apigw: authorizer \"%V\": no identity source "
                          "\"%V\"", &la->name, &tpl[i]->source);
            return NGX_DECLINED;
        }
    }

    if (la->validation) {
        n = ngx_regex_exec(la->validation, &st->values[0], NULL, 0);

        if (n == NGX_REGEX_NO_MATCHED) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "apigw: authorizer \"%V\": the token does not "
                          "match the validation expression", &la->name);
            return NGX_DECLINED;
        }

        if (n < 0) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          ngx_regex_exec_n " failed: %i", n);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * The cache key: the authorizer, the API and stage (AWS keeps a cache
 * per stage) and the identity sources' values, each after its length,
 * so no two lists of values make the same bytes.  The shared cache is
 * keyed by its digest.
 */

static ngx_int_t
ngx_http_apigw_lauth_key(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_lauth_ctx_t *st)
{
    u_char                       *p;
    size_t                        len;
    ngx_str_t                    *v, parts[3];
    ngx_uint_t                    i, n;
    ngx_http_apigw_srv_conf_t    *ascf;
    ngx_http_apigw_lauth_conf_t  *la;

    la = st->conf;

    ascf = ngx_http_get_module_srv_conf(r, ngx_http_apigw_module);

    parts[0] = la->name;
    parts[1] = ascf->id;

    if (ctx->stage) {
        parts[2] = ctx->stage->name;

    } else {
        ngx_str_null(&parts[2]);
    }

    n = la->identity.nelts;
    len = 0;

    for (i = 0; i < 3 + n; i++) {
        v = (i < 3) ? &parts[i] : &st->values[i - 3];
        len += sizeof(uint32_t) + v->len;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    st->key.data = p;
    st->key.len = len;

    for (i = 0; i < 3 + n; i++) {
        v = (i < 3) ? &parts[i] : &st->values[i - 3];

        *p++ = (u_char) (v->len >> 24);
        *p++ = (u_char) (v->len >> 16);
        *p++ = (u_char) (v->len >> 8);
        *p++ = (u_char) v->len;

        p = ngx_cpymem(p, v->data, v->len);
    }

    st->hash = ngx_murmur_hash2(st->key.data, st->key.len);

    return NGX_OK;
}


/* a subrequest to the authorizer's location: the phase waits for it */

static ngx_int_t
ngx_http_apigw_lauth_invoke(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_lauth_ctx_t *st)
{
    ngx_http_request_t          *sr;
    ngx_http_post_subrequest_t  *ps;

    if (ngx_http_apigw_lauth_event(r, ctx, st) != NGX_OK
        || ngx_http_apigw_lauth_request_uri(r, ctx, st) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ps->handler = ngx_http_apigw_lauth_done;
    ps->data = st;

    if (ngx_http_subrequest(r, &st->conf->uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_WAITED
                            |NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* no URI finds the location: the subrequest is sent there */

    sr->loc_conf = st->conf->ctx->loc_conf;
    sr->write_event_handler = ngx_http_apigw_lauth_run;

    st->start = ngx_current_msec;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw lambda authorizer \"%V\": invoking \"%V\"",
                   &st->conf->name, &st->uri);

    return NGX_AGAIN;
}


/* as the content phase would run it */

static void
ngx_http_apigw_lauth_run(ngx_http_request_t *sr)
{
    ngx_http_update_location_config(sr);

    sr->valid_location = 1;
    sr->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_finalize_request(sr, sr->content_handler(sr));
}


static ngx_int_t
ngx_http_apigw_lauth_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_http_apigw_lauth_ctx_t *st = data;

    ngx_buf_t                 *b;
    ngx_str_t                  name;
    ngx_http_core_loc_conf_t  *clcf;

    /* a failed subrequest is finalized again, with its error page */

    if (st->done) {
        return rc;
    }

    st->done = 1;
    st->rc = rc;
    st->status = sr->headers_out.status;
    st->latency = ngx_current_msec - st->start;

    if (sr->out && sr->out->buf) {
        b = sr->out->buf;
        st->body.data = b->pos;
        st->body.len = b->last - b->pos;
    }

    ngx_str_set(&name, "X-Amz-Function-Error");

    st->function_error =
        (ngx_http_apigw_find_header(&sr->headers_out.headers, &name) != NULL);

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, sr->connection->log, 0,
                   "apigw lambda authorizer done: %i, status %ui, %M ms",
                   rc, st->status, st->latency);

    clcf = ngx_http_get_module_loc_conf(sr, ngx_http_core_module);

    if (sr->headers_out.content_length_n
        > (off_t) clcf->subrequest_output_buffer_size)
    {
        /*
         * An answer larger than the location reads: nginx's in-memory
         * output failed and marked the client's connection failed,
         * which would end the request without a response; the
         * authorizer's failure is answered instead.
         */

        ngx_log_error(NGX_LOG_ERR, sr->connection->log, 0,
                      "apigw: the answer of the authorizer \"%V\" is over "
                      "%uz bytes", &st->conf->name,
                      clcf->subrequest_output_buffer_size);

        st->rc = NGX_ERROR;
        sr->connection->error = 0;

        return NGX_OK;
    }

    return rc;
}


static ngx_int_t
ngx_http_apigw_lauth_finish(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_lauth_ctx_t *st)
{
    json_t                       *res, *msg;
    json_error_t                  err;
    ngx_http_apigw_lauth_conf_t  *la;

    la = st->conf;

    if (st->rc == NGX_ERROR || st->rc >= NGX_HTTP_SPECIAL_RESPONSE
        || st->status != NGX_HTTP_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: the authorizer \"%V\" could not be invoked: "
                      "%i, status %ui", &la->name, st->rc, st->status);

        return ngx_http_apigw_lauth_error(r, ctx,
                          NGX_HTTP_APIGW_GR_AUTHORIZER_CONFIGURATION_ERROR);
    }

    if (!st->function_error) {
        return ngx_http_apigw_lauth_answer(r, ctx, st);
    }

    /* the function failed: "Unauthorized" is how it says 401 */

    res = json_loadb((char *) st->body.data, st->body.len, JSON_DECODE_ANY,
                     &err);

    msg = json_is_object(res) ? json_object_get(res, "errorMessage") : NULL;

    if (json_is_string(msg)
        && ngx_strcmp(json_string_value(msg), "Unauthorized") == 0)
    {
        json_decref(res);

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: the authorizer \"%V\" answered Unauthorized",
                      &la->name);

        return ngx_http_apigw_lauth_error(r, ctx,
                                          NGX_HTTP_APIGW_GR_UNAUTHORIZED);
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "apigw: the authorizer \"%V\" failed: %s", &la->name,
                  json_is_string(msg) ? json_string_value(msg)
                                      : "no error message");

    json_decref(res);

    return ngx_http_apigw_lauth_error(r, ctx,
                                      NGX_HTTP_APIGW_GR_AUTHORIZER_FAILURE);
}


/*
 * The function's answer: checked, evaluated for this method, and kept
 * in the shared cache (with the time it expires, for the workers' parsed
 * copies) and in this worker's.
 */

static ngx_int_t
ngx_http_apigw_lauth_answer(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_lauth_ctx_t *st)
{
    ngx_int_t                       rc;
    ngx_str_t                       value;
    ngx_msec_t                      expires;
    const char                     *err;
    ngx_http_apigw_lauth_conf_t    *la;
    ngx_http_apigw_lauth_result_t   result;

    la = st->conf;
    err = NULL;

    rc = ngx_http_apigw_lauth_parse(r->pool, la, &st->body, st->latency,
                                    &result, &err);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "apigw: the authorizer \"%V\" answered with an "
                      "invalid response: %s", &la->name,
                      err ? err : "invalid");

        return ngx_http_apigw_lauth_error(r, ctx,
                          NGX_HTTP_APIGW_GR_AUTHORIZER_CONFIGURATION_ERROR);
    }

    if (la->cache) {
        expires = ngx_current_msec + la->ttl;

        value.len = sizeof(ngx_msec_t) + st->body.len;
        value.data = ngx_pnalloc(r->pool, value.len);

        if (value.data) {
            ngx_memcpy(value.data, &expires, sizeof(ngx_msec_t));
            ngx_memcpy(value.data + sizeof(ngx_msec_t), st->body.data,
                       st->body.len);

            if (EVP_Digest(st->key.data, st->key.len, st->digest, NULL,
                           EVP_sha256(), NULL)
                == 1)
            {
                ngx_http_apigw_auth_cache_put(la->cache, st->digest, la->ttl,
                                              &value, r->connection->log);
            }
        }

        (void) ngx_http_apigw_lauth_memo_add(st, expires, &st->body,
                                             r->connection->log);
    }

    rc = ngx_http_apigw_lauth_apply(r, ctx, st, &result);

    json_decref(result.authorizer);

    return rc;
}


/* an answer from the shared cache: parsed into this worker's copy */

static ngx_int_t
ngx_http_apigw_lauth_cached(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_lauth_ctx_t *st, ngx_str_t *value)
{
    ngx_str_t                     body;
    ngx_msec_t                    expires;
    ngx_http_apigw_lauth_memo_t  *m;

    if (value->len < sizeof(ngx_msec_t)) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(&expires, value->data, sizeof(ngx_msec_t));

    body.data = value->data + sizeof(ngx_msec_t);
    body.len = value->len - sizeof(ngx_msec_t);

    m = ngx_http_apigw_lauth_memo_add(st, expires, &body, r->connection->log);
    if (m == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_apigw_lauth_apply(r, ctx, st, &m->result);
}


/*
 * Checks an answer: NGX_DECLINED with *err when AWS would reject it
 * (AuthorizerConfigurationException).  An IAM-policy answer has a
 * principalId, a policyDocument (an object or a JSON string), maybe a
 * context of strings, numbers and booleans, maybe a
 * usageIdentifierKey; a simple one a boolean isAuthorized, maybe a
 * context of anything.  What it holds is parsed into the pool, and
 * result->authorizer is a new reference.
 */

static ngx_int_t
ngx_http_apigw_lauth_parse(ngx_pool_t *pool, ngx_http_apigw_lauth_conf_t *la,
    ngx_str_t *body, ngx_msec_t latency,
    ngx_http_apigw_lauth_result_t *result, const char **err)
{
    json_t                  *res, *v, *doc, *context;
    ngx_int_t                rc;
    const char              *key;
    json_error_t             jerr;
    ngx_http_apigw_alloc_t   a;

    ngx_memzero(result, sizeof(ngx_http_apigw_lauth_result_t));

    res = json_loadb((char *) body->data, body->len, JSON_DECODE_ANY, &jerr);

    if (res == NULL) {
        *err = "not JSON";
        return NGX_DECLINED;
    }

    rc = NGX_DECLINED;

    if (!json_is_object(res)) {
        *err = "not a JSON object";
        goto done;
    }

    context = json_object_get(res, "context");

    if (json_is_null(context)) {
        context = NULL;
    }

    if (context && !json_is_object(context)) {
        *err = "\"context\" is not an object";
        goto done;
    }

    if (la->simple) {
        v = json_object_get(res, "isAuthorized");

        if (!json_is_boolean(v)) {
            *err = "no boolean \"isAuthorized\"";
            goto done;
        }

        result->authorized = json_is_true(v);

        goto context;
    }

    v = json_object_get(res, "principalId");

    if (!json_is_string(v)) {
        *err = "no string \"principalId\"";
        goto done;
    }

    if (ngx_http_apigw_lauth_copy(pool, v, &result->principal) != NGX_OK) {
        rc = NGX_ERROR;
        goto done;
    }

    doc = json_object_get(res, "policyDocument");

    if (doc == NULL) {
        *err = "no \"policyDocument\"";
        goto done;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = pool;

    result->policy = ngx_http_apigw_policy_parse(&a, doc, err);

    if (result->policy == NULL) {
        goto done;
    }

    if (context) {
        json_object_foreach(context, key, v) {
            if (json_is_object(v) || json_is_array(v)) {
                *err = "a \"context\" value is an object or an array";
                goto done;
            }
        }
    }

    v = json_object_get(res, "usageIdentifierKey");

    if (v && !json_is_null(v)) {
        if (!json_is_string(v)) {
            *err = "\"usageIdentifierKey\" is not a string";
            goto done;
        }

        if (ngx_http_apigw_lauth_copy(pool, v, &result->usage_key)
            != NGX_OK)
        {
            rc = NGX_ERROR;
            goto done;
        }
    }

context:

    result->authorizer = ngx_http_apigw_lauth_context(result, context,
                                                      latency);

    rc = (result->authorizer == NULL) ? NGX_ERROR : NGX_OK;

done:

    json_decref(res);

    return rc;
}


/* the answer for this request: what the authorizer found, then allow/deny */

static ngx_int_t
ngx_http_apigw_lauth_apply(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_lauth_ctx_t *st, ngx_http_apigw_lauth_result_t *result)
{
    ngx_int_t                         decision;
    ngx_pool_cleanup_t               *cln;
    ngx_http_apigw_lauth_conf_t      *la;
    ngx_http_apigw_policy_request_t   req;

    la = st->conf;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* shared with the worker's copy: nothing changes it */

    ctx->authorizer = json_incref(result->authorizer);

    cln->handler = ngx_http_apigw_lauth_json_cleanup;
    cln->data = ctx->authorizer;

    /* the 2.0 event has it under "lambda" */

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->authorizer_v2 = json_pack("{sO}", "lambda", ctx->authorizer);
    if (ctx->authorizer_v2 == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_apigw_lauth_json_cleanup;
    cln->data = ctx->authorizer_v2;

    /* a worker's copy may go before the request does */

    ctx->principal_id.len = result->principal.len;
    ctx->principal_id.data = ngx_pstrdup(r->pool, &result->principal);

    ctx->usage_key.len = result->usage_key.len;
    ctx->usage_key.data = ngx_pstrdup(r->pool, &result->usage_key);

    if ((result->principal.len && ctx->principal_id.data == NULL)
        || (result->usage_key.len && ctx->usage_key.data == NULL))
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (la->simple) {
        if (result->authorized) {
            return NGX_OK;
        }

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: the authorizer \"%V\" denies \"%V\"",
                      &la->name, &st->arn);

        return ngx_http_apigw_lauth_error(r, ctx,
                                          NGX_HTTP_APIGW_GR_ACCESS_DENIED);
    }

    ngx_memzero(&req, sizeof(ngx_http_apigw_policy_request_t));

    ngx_str_set(&req.action, "execute-api:Invoke");
    req.resource = st->arn;
    req.resource_alias = st->alias;

    decision = ngx_http_apigw_policy_eval(result->policy, &req);

    if (decision == NGX_HTTP_APIGW_POLICY_ALLOW) {
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "apigw: the policy of the authorizer \"%V\" for \"%V\" "
                  "denies \"%V\"%s", &la->name, &ctx->principal_id,
                  &st->arn,
                  decision == NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY
                  ? " explicitly" : "");

    (void) ngx_http_apigw_send_error(r, ctx, NGX_HTTP_APIGW_GR_ACCESS_DENIED);

    /* AWS's words, "Message" capitalised */

    if (decision == NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY) {
        ngx_str_set(&ctx->error_message, NGX_HTTP_APIGW_LAUTH_DENY);

    } else {
        ngx_str_set(&ctx->error_message, NGX_HTTP_APIGW_LAUTH_NOT_ALLOWED);
    }

    ctx->iam_message = 1;

    return NGX_HTTP_FORBIDDEN;
}


/*
 * requestContext.authorizer: for IAM-policy answers the context's
 * values as strings (numbers and booleans too; null stays), then
 * principalId and integrationLatency, as AWS's REST events have them;
 * for simple answers the context as it is.
 */

static json_t *
ngx_http_apigw_lauth_context(ngx_http_apigw_lauth_result_t *result,
    json_t *context, ngx_msec_t latency)
{
    u_char       buf[NGX_HTTP_APIGW_UTIL_DOUBLE_LEN], *p;
    json_t      *obj, *v, *s;
    const char  *key;

    if (result->policy == NULL) {
        /* a simple response */
        return context ? json_deep_copy(context) : json_object();
    }

    obj = json_object();
    if (obj == NULL) {
        return NULL;
    }

    if (context) {
        json_object_foreach(context, key, v) {

            if (json_is_integer(v)) {
                p = ngx_sprintf(buf, "%L", (int64_t) json_integer_value(v));
                s = json_stringn((char *) buf, p - buf);

            } else if (json_is_real(v)) {
                p = ngx_http_apigw_util_format_double(buf, json_real_value(v));
                s = json_stringn((char *) buf, p - buf);

            } else if (json_is_boolean(v)) {
                s = json_string(json_is_true(v) ? "true" : "false");

            } else {
                s = json_incref(v);
            }

            if (s == NULL || json_object_set_new(obj, key, s) != 0) {
                json_decref(obj);
                return NULL;
            }
        }
    }

    /* it came from JSON: UTF-8 */

    if (json_object_set_new(obj, "principalId",
                            json_stringn((char *) result->principal.data,
                                         result->principal.len))
        != 0
        || json_object_set_new(obj, "integrationLatency",
                               json_integer((json_int_t) latency))
           != 0)
    {
        json_decref(obj);
        return NULL;
    }

    return obj;
}


/* this worker's parsed copy of a cached answer, if it has a live one */

static ngx_http_apigw_lauth_memo_t *
ngx_http_apigw_lauth_memo_find(ngx_http_apigw_lauth_ctx_t *st)
{
    ngx_http_apigw_lauth_conf_t  *la;
    ngx_http_apigw_lauth_memo_t  *m;

    la = st->conf;

    m = (ngx_http_apigw_lauth_memo_t *)
            ngx_str_rbtree_lookup(&la->memo, &st->key, st->hash);

    if (m == NULL) {
        return NULL;
    }

    if ((ngx_msec_int_t) (m->expires - ngx_current_msec) <= 0) {
        ngx_http_apigw_lauth_memo_free(la, m);
        return NULL;
    }

    ngx_queue_remove(&m->queue);
    ngx_queue_insert_head(&la->memo_lru, &m->queue);

    return m;
}


/*
 * Parses an answer into a new copy, in memory of its own: it outlives
 * the request.  The least recently used copy makes room.
 */

static ngx_http_apigw_lauth_memo_t *
ngx_http_apigw_lauth_memo_add(ngx_http_apigw_lauth_ctx_t *st,
    ngx_msec_t expires, ngx_str_t *body, ngx_log_t *log)
{
    ngx_int_t                     rc;
    ngx_pool_t                   *pool;
    ngx_queue_t                  *q;
    const char                   *err;
    ngx_http_apigw_lauth_conf_t  *la;
    ngx_http_apigw_lauth_memo_t  *m;

    la = st->conf;

    m = (ngx_http_apigw_lauth_memo_t *)
            ngx_str_rbtree_lookup(&la->memo, &st->key, st->hash);

    if (m) {
        ngx_http_apigw_lauth_memo_free(la, m);   /* an older answer */
    }

    if (la->memo_n >= NGX_HTTP_APIGW_LAUTH_MEMO) {
        q = ngx_queue_last(&la->memo_lru);
        ngx_http_apigw_lauth_memo_free(la,
                      ngx_queue_data(q, ngx_http_apigw_lauth_memo_t, queue));
    }

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    m = ngx_palloc(pool, sizeof(ngx_http_apigw_lauth_memo_t));
    if (m == NULL) {
        goto failed;
    }

    m->pool = pool;
    m->expires = expires;

    m->sn.str.len = st->key.len;
    m->sn.str.data = ngx_pstrdup(pool, &st->key);
    if (m->sn.str.data == NULL) {
        goto failed;
    }

    err = NULL;

    rc = ngx_http_apigw_lauth_parse(pool, la, body, 0, &m->result, &err);

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, log, 0,
                      "apigw: a cached answer of the authorizer \"%V\" "
                      "cannot be read: %s", &la->name,
                      err ? err : "no memory");
        goto failed;
    }

    m->sn.node.key = st->hash;

    ngx_rbtree_insert(&la->memo, &m->sn.node);
    ngx_queue_insert_head(&la->memo_lru, &m->queue);
    la->memo_n++;

    return m;

failed:

    ngx_destroy_pool(pool);

    return NULL;
}


static void
ngx_http_apigw_lauth_memo_cleanup(void *data)
{
    ngx_http_apigw_lauth_conf_t *la = data;

    ngx_queue_t  *q;

    while (!ngx_queue_empty(&la->memo_lru)) {
        q = ngx_queue_last(&la->memo_lru);
        ngx_http_apigw_lauth_memo_free(la,
                      ngx_queue_data(q, ngx_http_apigw_lauth_memo_t, queue));
    }
}


static void
ngx_http_apigw_lauth_memo_free(ngx_http_apigw_lauth_conf_t *la,
    ngx_http_apigw_lauth_memo_t *m)
{
    ngx_rbtree_delete(&la->memo, &m->sn.node);
    ngx_queue_remove(&m->queue);
    la->memo_n--;

    /* requests still holding requestContext.authorizer keep it */

    json_decref(m->result.authorizer);
    ngx_destroy_pool(m->pool);
}


/*
 * 401 {"message":"Unauthorized"}; 403 {"message":"Forbidden"} (a simple
 * response's denial); the authorizer's failures are 500 {"message": null}
 */

static ngx_int_t
ngx_http_apigw_lauth_error(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_gr_type_e type)
{
    ngx_int_t  status;

    status = ngx_http_apigw_send_error(r, ctx, type);

    if (type == NGX_HTTP_APIGW_GR_AUTHORIZER_CONFIGURATION_ERROR
        || type == NGX_HTTP_APIGW_GR_AUTHORIZER_FAILURE)
    {
        ngx_str_null(&ctx->error_message);
    }

    return status;
}


static ngx_int_t
ngx_http_apigw_lauth_event(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_lauth_ctx_t *st)
{
    char                         *text;
    u_char                       *p;
    json_t                       *event, *sources;
    ngx_str_t                     s;
    ngx_uint_t                    i;
    ngx_pool_t                   *pool;
    ngx_http_apigw_method_t      *m;
    ngx_http_apigw_lauth_conf_t  *la;

    la = st->conf;

    event = json_object();
    if (event == NULL) {
        return NGX_ERROR;
    }

    pool = r->pool;

    if (!la->request) {
        ngx_str_set(&s, "TOKEN");

        if (ngx_http_apigw_lauth_set(pool, event, "type", &s) != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "authorizationToken",
                                        &st->values[0])
               != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "methodArn", &st->arn)
               != NGX_OK)
        {
            goto failed;
        }

    } else if (!la->v2) {
        ngx_str_set(&s, "REQUEST");

        if (ngx_http_apigw_lauth_set(pool, event, "type", &s) != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "methodArn", &st->arn)
               != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "resource",
                                        &ctx->resource->path)
               != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "path", &ctx->raw_uri)
               != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "httpMethod",
                                        &r->method_name)
               != NGX_OK
            || ngx_http_apigw_lambda_event_request(r, ctx, event, 0)
               != NGX_OK)
        {
            goto failed;
        }

    } else {
        ngx_str_set(&s, "2.0");

        if (ngx_http_apigw_lauth_set(pool, event, "version", &s) != NGX_OK) {
            goto failed;
        }

        ngx_str_set(&s, "REQUEST");

        if (ngx_http_apigw_lauth_set(pool, event, "type", &s) != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "routeArn", &st->arn)
               != NGX_OK)
        {
            goto failed;
        }

        /* the values, or null */

        sources = la->identity.nelts ? json_array() : json_null();

        if (json_object_set_new(event, "identitySource", sources) != 0) {
            goto failed;
        }

        for (i = 0; i < la->identity.nelts; i++) {
            if (json_array_append_new(sources,
                                      ngx_http_apigw_lauth_json_str(pool,
                                                             &st->values[i]))
                != 0)
            {
                goto failed;
            }
        }

        m = ctx->method->method;

        s.len = m->name.len + 1 + ctx->resource->path.len;
        s.data = ngx_pnalloc(pool, s.len);
        if (s.data == NULL) {
            goto failed;
        }

        p = ngx_cpymem(s.data, m->name.data, m->name.len);
        *p++ = ' ';
        ngx_memcpy(p, ctx->resource->path.data, ctx->resource->path.len);

        if (ngx_http_apigw_lauth_set(pool, event, "routeKey", &s) != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "rawPath", &ctx->path)
               != NGX_OK
            || ngx_http_apigw_lauth_set(pool, event, "rawQueryString",
                                        &r->args)
               != NGX_OK
            || ngx_http_apigw_lambda_event_request(r, ctx, event, 1)
               != NGX_OK)
        {
            goto failed;
        }
    }

    text = json_dumps(event, JSON_COMPACT);

    json_decref(event);

    if (text == NULL) {
        return NGX_ERROR;
    }

    st->payload.len = ngx_strlen(text);
    st->payload.data = ngx_pnalloc(r->pool, st->payload.len);

    if (st->payload.data == NULL) {
        free(text);
        return NGX_ERROR;
    }

    ngx_memcpy(st->payload.data, text, st->payload.len);
    free(text);

    return NGX_OK;

failed:

    json_decref(event);

    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                  "apigw: building the event of the authorizer \"%V\" "
                  "failed", &la->name);

    return NGX_ERROR;
}


/*
 * The Invoke API URI and its SigV4 headers, by lambda.c's and aws.c's
 * functions, which read the method's configuration: the authorizer's own
 * is put in its place meanwhile, and the method's signature kept.
 */

static ngx_int_t
ngx_http_apigw_lauth_request_uri(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_lauth_ctx_t *st)
{
    ngx_int_t                   rc;
    ngx_str_t                   method, service, date, authorization;
    ngx_uint_t                  signed_request;
    ngx_http_apigw_loc_conf_t  *saved, *alcf;

    alcf = st->conf->alcf;

    saved = ctx->method;
    date = ctx->aws_date;
    authorization = ctx->aws_authorization;
    signed_request = ctx->signed_request;

    ctx->method = alcf;

    rc = ngx_http_apigw_lambda_uri(r, ctx, &st->uri);

    if (rc == NGX_OK && alcf->aws) {
        ngx_str_set(&method, "POST");
        ngx_str_set(&service, "lambda");

        rc = ngx_http_apigw_aws_sign_request(r, ctx, &method, &st->uri,
                                             &st->payload, &service, NULL, 0);

        st->aws_date = ctx->aws_date;
        st->aws_authorization = ctx->aws_authorization;
        st->aws_token = alcf->aws->session_token;
    }

    ctx->method = saved;
    ctx->aws_date = date;
    ctx->aws_authorization = authorization;
    ctx->signed_request = signed_request;

    return rc;
}


/* $apigw_lauth_*: the invocation's URI, event and signature */

static ngx_int_t
ngx_http_apigw_lauth_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t                       *value;
    ngx_http_apigw_ctx_t            *ctx;
    ngx_http_apigw_lauth_ctx_t      *st;
    ngx_http_apigw_authorization_t  *authz;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_apigw_module);

    /* only while a Lambda authorizer of the method is invoked */

    authz = (ctx && ctx->method && ctx->auth) ? ctx->method->authorization
                                              : NULL;

    if (r == r->main || authz == NULL || authz->authorizer == NULL
        || authz->authorizer->authorize != ngx_http_apigw_lambda_authorize)
    {
        v->not_found = 1;
        return NGX_OK;
    }

    st = ctx->auth;

    switch (data) {

    case 0:
        value = &st->uri;
        break;

    case 1:
        value = &st->payload;
        break;

    case 2:
        value = &st->aws_date;
        break;

    case 3:
        value = &st->aws_token;
        break;

    default: /* 4 */
        value = &st->aws_authorization;
        break;
    }

    v->data = value->data ? value->data : (u_char *) "";
    v->len = value->len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static void
ngx_http_apigw_lauth_json_cleanup(void *data)
{
    json_decref(data);
}


/* JSON strings must be UTF-8: ill-formed bytes become U+FFFD */

static json_t *
ngx_http_apigw_lauth_json_str(ngx_pool_t *pool, ngx_str_t *s)
{
    ngx_str_t               clean;
    ngx_http_apigw_alloc_t  a;

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = pool;

    if (ngx_http_apigw_util_utf8_sanitize(&a, s, &clean) != NGX_OK) {
        return NULL;
    }

    return json_stringn(clean.len ? (char *) clean.data : "", clean.len);
}


static ngx_int_t
ngx_http_apigw_lauth_set(ngx_pool_t *pool, json_t *obj, const char *key,
    ngx_str_t *value)
{
    return json_object_set_new(obj, key,
                               ngx_http_apigw_lauth_json_str(pool, value))
           == 0 ? NGX_OK : NGX_ERROR;
}


static ngx_int_t
ngx_http_apigw_lauth_copy(ngx_pool_t *pool, json_t *j, ngx_str_t *s)
{
    s->len = json_string_length(j);
    s->data = ngx_pnalloc(pool, s->len + 1);

    if (s->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(s->data, json_string_value(j), s->len);
    s->data[s->len] = '\0';

    return NGX_OK;
}
