
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * JWT and Cognito user-pool authorizers:
 *
 *     apigw_authorizer NAME jwt issuer=URL audience=A[,B]
 *                      jwks=FILE|URL [secret=S] [identity=HEADER] ...;
 *     apigw_authorizer NAME cognito pool=REGION_ID [client_id=A[,B]] ...;
 *
 * The token comes from the identity source header, with or without
 * "Bearer "; its signature is verified with the key its "kid" names (or
 * the configured secret for HS256/384/512), with an algorithm that key
 * may use; then iss, aud or client_id, exp, nbf, iat (with leeway),
 * Cognito's token_use, and the method's scopes.  A missing or bad token
 * is AWS's 401 UNAUTHORIZED, a valid token without the method's scopes
 * its 403 ACCESS_DENIED.  The claims reach $context.authorizer.claims,
 * the Lambda proxy events and the nginx variables.
 */


#include "ngx_http_apigw_jwt.h"
#include "ngx_http_apigw_authorizer.h"


typedef struct {
    ngx_str_t                       name;
    ngx_str_t                       issuer;
    ngx_array_t                    *audiences;  /* ngx_str_t */
    ngx_str_t                       header;     /* the identity source */
    ngx_str_t                       secret;
    time_t                          leeway;
    ngx_uint_t                      algs;       /* allowed ones */
    ngx_http_apigw_jwks_t           keys;       /* from a file */
    ngx_http_apigw_jwks_source_t   *source;     /* from a URL */

    /* this worker's verified tokens, most recently used first */
    ngx_uint_t                      cache_max;
    ngx_uint_t                      cache_n;
    ngx_rbtree_t                    cache;
    ngx_rbtree_node_t               sentinel;
    ngx_queue_t                     lru;

    unsigned                        cognito:1;
    unsigned                        authorization:1;
} ngx_http_apigw_jwt_conf_t;


/*
 * A token verified, with its claims and the requestContext.authorizer
 * made of them; kept until evicted, expired, or the key set it was
 * verified with is replaced.  Its time and scope checks are made again
 * for every request.
 */
typedef struct {
    ngx_str_node_t                  sn;       /* the token */
    ngx_queue_t                     queue;
    json_t                         *claims;
    json_t                         *authorizer;
    ngx_uint_t                      keys;     /* the set's generation */
} ngx_http_apigw_jwt_entry_t;


/* longer tokens are verified every time */
#define NGX_HTTP_APIGW_JWT_CACHE_TOKEN  8192


static ngx_int_t ngx_http_apigw_jwt_authorize(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_authorization_t *authz);
static ngx_int_t ngx_http_apigw_jwt_token(ngx_http_request_t *r,
    ngx_http_apigw_jwt_conf_t *jc, ngx_str_t *token);
static ngx_int_t ngx_http_apigw_jwt_reject(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_jwt_conf_t *jc,
    ngx_http_apigw_gr_type_e type, const char *why);
static void ngx_http_apigw_jwt_checks(ngx_http_request_t *r,
    ngx_http_apigw_jwt_conf_t *jc, ngx_http_apigw_authorization_t *authz,
    ngx_http_apigw_jwt_checks_t *checks);
static ngx_uint_t ngx_http_apigw_jwt_keys(ngx_http_apigw_jwt_conf_t *jc);
static void ngx_http_apigw_jwt_cache_add(ngx_http_request_t *r,
    ngx_http_apigw_jwt_conf_t *jc, ngx_str_t *token, uint32_t hash,
    json_t *claims, json_t *authorizer, ngx_uint_t keys);
static void ngx_http_apigw_jwt_cache_remove(ngx_http_apigw_jwt_conf_t *jc,
    ngx_http_apigw_jwt_entry_t *e);
static void ngx_http_apigw_jwt_cache_cleanup(void *data);
static ngx_int_t ngx_http_apigw_jwt_context(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_jwt_conf_t *jc, json_t *token,
    json_t *authorizer);
static json_t *ngx_http_apigw_jwt_claims(ngx_http_apigw_jwt_conf_t *jc,
    json_t *claims, ngx_uint_t v2);
static json_t *ngx_http_apigw_jwt_claim(json_t *v, ngx_uint_t v2,
    ngx_uint_t date);
static void ngx_http_apigw_jwt_cleanup(void *data);
static char *ngx_http_apigw_jwt_list(ngx_conf_t *cf, ngx_str_t *arg,
    ngx_str_t *value, ngx_array_t **list);
static char *ngx_http_apigw_jwt_pool(ngx_conf_t *cf,
    ngx_http_apigw_jwt_conf_t *jc, ngx_str_t *arg, ngx_str_t *pool,
    ngx_str_t *jwks);
static char *ngx_http_apigw_jwt_identity(ngx_conf_t *cf,
    ngx_http_apigw_jwt_conf_t *jc, ngx_str_t *arg, ngx_str_t *value);
static char *ngx_http_apigw_jwt_algorithms(ngx_conf_t *cf,
    ngx_http_apigw_jwt_conf_t *jc, ngx_str_t *arg, ngx_str_t *value);


static const char  *ngx_http_apigw_jwt_days[] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};

static const char  *ngx_http_apigw_jwt_months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};


char *
ngx_http_apigw_jwt_conf(ngx_conf_t *cf, ngx_http_apigw_authorizer_t *a,
    ngx_str_t *args, ngx_uint_t nargs)
{
    char                       *rv;
    time_t                      refresh, refetch, *tp;
    ngx_pool_cleanup_t         *cln;
    ngx_str_t                   value, jwks, ca, pool, algorithms;
    ngx_int_t                   n;
    ngx_uint_t                  i;
    ngx_http_apigw_jwt_conf_t  *jc;

    jc = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_jwt_conf_t));
    if (jc == NULL) {
        return NGX_CONF_ERROR;
    }

    jc->name = a->name;
    jc->cognito = (a->type.len == sizeof("cognito") - 1
                   && ngx_strncmp(a->type.data, "cognito", a->type.len) == 0);
    jc->authorization = 1;
    ngx_str_set(&jc->header, "authorization");

    jc->cache_max = 1024;
    ngx_rbtree_init(&jc->cache, &jc->sentinel, ngx_str_rbtree_insert_value);
    ngx_queue_init(&jc->lru);

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_apigw_jwt_cache_cleanup;
    cln->data = jc;

    ngx_str_null(&jwks);
    ngx_str_null(&ca);
    ngx_str_null(&pool);
    ngx_str_null(&algorithms);

    refresh = 7200;     /* AWS caches the keys of JWT authorizers for 2 h */
    refetch = 300;

    for (i = 0; i < nargs; i++) {

        if (!jc->cognito
            && ngx_http_apigw_authorizer_arg(&args[i], "issuer", &value)
               == NGX_OK)
        {
            jc->issuer = value;
            continue;
        }

        if ((!jc->cognito
             && ngx_http_apigw_authorizer_arg(&args[i], "audience", &value)
                == NGX_OK)
            || (jc->cognito
                && ngx_http_apigw_authorizer_arg(&args[i], "client_id",
                                                 &value)
                   == NGX_OK))
        {
            rv = ngx_http_apigw_jwt_list(cf, &args[i], &value,
                                         &jc->audiences);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        if (jc->cognito
            && ngx_http_apigw_authorizer_arg(&args[i], "pool", &value)
               == NGX_OK)
        {
            pool = value;
            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "jwks", &value)
            == NGX_OK)
        {
            jwks = value;
            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "jwks_ca", &value)
            == NGX_OK)
        {
            ca = value;
            continue;
        }

        if (!jc->cognito
            && ngx_http_apigw_authorizer_arg(&args[i], "secret", &value)
               == NGX_OK)
        {
            if (value.len < NGX_HTTP_APIGW_JWT_MIN_SECRET) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"secret\" must have at least %d bytes",
                                   NGX_HTTP_APIGW_JWT_MIN_SECRET);
                return NGX_CONF_ERROR;
            }

            jc->secret = value;
            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "identity", &value)
            == NGX_OK)
        {
            rv = ngx_http_apigw_jwt_identity(cf, jc, &args[i], &value);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "algorithms", &value)
            == NGX_OK)
        {
            algorithms = value;
            continue;
        }

        if (ngx_http_apigw_authorizer_arg(&args[i], "cache", &value)
            == NGX_OK)
        {
            if (value.len == 3 && ngx_strncmp(value.data, "off", 3) == 0) {
                jc->cache_max = 0;
                continue;
            }

            n = ngx_atoi(value.data, value.len);

            if (n == NGX_ERROR || n == 0 || n > 1000000) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid parameter \"%V\"", &args[i]);
                return NGX_CONF_ERROR;
            }

            jc->cache_max = n;
            continue;
        }

        tp = NULL;

        if (ngx_http_apigw_authorizer_arg(&args[i], "leeway", &value)
            == NGX_OK)
        {
            tp = &jc->leeway;

        } else if (ngx_http_apigw_authorizer_arg(&args[i], "jwks_refresh",
                                                 &value)
                   == NGX_OK)
        {
            tp = &refresh;

        } else if (ngx_http_apigw_authorizer_arg(&args[i], "jwks_refetch",
                                                 &value)
                   == NGX_OK)
        {
            tp = &refetch;
        }

        if (tp) {
            n = ngx_parse_time(&value, 1);

            if (n == NGX_ERROR || n > 86400 * 365) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid parameter \"%V\"", &args[i]);
                return NGX_CONF_ERROR;
            }

            *tp = n;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\" for a %V authorizer",
                           &args[i], &a->type);
        return NGX_CONF_ERROR;
    }

    if (jc->cognito) {
        if (pool.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "a cognito authorizer needs "
                               "\"pool=REGION_ID\"");
            return NGX_CONF_ERROR;
        }

        rv = ngx_http_apigw_jwt_pool(cf, jc, &args[0], &pool, &jwks);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

    } else {
        if (jc->issuer.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "a jwt authorizer needs \"issuer=\"");
            return NGX_CONF_ERROR;
        }

        if (jc->audiences == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "a jwt authorizer needs \"audience=\"");
            return NGX_CONF_ERROR;
        }

        if (jwks.len == 0 && jc->secret.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "a jwt authorizer needs \"jwks=\" or "
                               "\"secret=\"");
            return NGX_CONF_ERROR;
        }
    }

    if (jwks.len) {
        jc->algs = ~NGX_HTTP_APIGW_JWS_HMAC
                   & ~NGX_HTTP_APIGW_JWS_BIT(NGX_HTTP_APIGW_JWS_NONE);

        if (ngx_strlcasestrn(jwks.data, jwks.data + jwks.len,
                             (u_char *) "://", 3 - 1)
            != NULL)
        {
            jc->source = ngx_http_apigw_jwks_url(cf, &a->name, &jwks, &ca,
                                                 refresh, refetch);
            if (jc->source == NULL) {
                return NGX_CONF_ERROR;
            }

        } else {
            if (ngx_conf_full_name(cf->cycle, &jwks, 1) != NGX_OK
                || ngx_http_apigw_jwks_file(cf, &jwks, &jc->keys) != NGX_OK)
            {
                return NGX_CONF_ERROR;
            }
        }

    }

    if (ca.len && jc->source == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"jwks_ca\" needs \"jwks=URL\"");
        return NGX_CONF_ERROR;
    }

    if (jc->secret.len) {
        jc->algs |= NGX_HTTP_APIGW_JWS_HMAC;
    }

    if (algorithms.len) {
        rv = ngx_http_apigw_jwt_algorithms(cf, jc, &args[0], &algorithms);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    a->authorize = ngx_http_apigw_jwt_authorize;
    a->data = jc;

    return NGX_CONF_OK;
}


/* a,b,c: a list of names */

static char *
ngx_http_apigw_jwt_list(ngx_conf_t *cf, ngx_str_t *arg, ngx_str_t *value,
    ngx_array_t **list)
{
    u_char     *p, *last, *start;
    ngx_str_t  *s;

    if (*list == NULL) {
        *list = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
        if (*list == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    last = value->data + value->len;

    for (start = value->data; start <= last; start = p + 1) {
        p = ngx_strlchr(start, last, ',');
        if (p == NULL) {
            p = last;
        }

        if (p == start) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\": empty name", arg);
            return NGX_CONF_ERROR;
        }

        s = ngx_array_push(*list);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        s->data = start;
        s->len = p - start;
    }

    return NGX_CONF_OK;
}


/*
 * pool=us-east-1_AbCdEf123: the issuer is
 * https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123 and
 * the key set is at ISSUER/.well-known/jwks.json
 */

static char *
ngx_http_apigw_jwt_pool(ngx_conf_t *cf, ngx_http_apigw_jwt_conf_t *jc,
    ngx_str_t *arg, ngx_str_t *pool, ngx_str_t *jwks)
{
    u_char      *p, *us;
    ngx_str_t    region;
    ngx_uint_t   i;

    us = ngx_strlchr(pool->data, pool->data + pool->len, '_');

    if (us == NULL || us == pool->data || us == pool->data + pool->len - 1)
    {
        goto invalid;
    }

    region.data = pool->data;
    region.len = us - pool->data;

    for (i = 0; i < pool->len; i++) {
        if (pool->data + i == us) {
            continue;
        }

        if (pool->data + i < us) {
            if (!((pool->data[i] >= 'a' && pool->data[i] <= 'z')
                  || (pool->data[i] >= '0' && pool->data[i] <= '9')
                  || pool->data[i] == '-'))
            {
                goto invalid;
            }

            continue;
        }

        if (!((pool->data[i] | 0x20) >= 'a' && (pool->data[i] | 0x20) <= 'z')
            && !(pool->data[i] >= '0' && pool->data[i] <= '9'))
        {
            goto invalid;
        }
    }

    jc->issuer.len = sizeof("https://cognito-idp..amazonaws.com/") - 1
                     + region.len + pool->len;
    jc->issuer.data = ngx_pnalloc(cf->pool, jc->issuer.len);
    if (jc->issuer.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(jc->issuer.data, "https://cognito-idp.%V.amazonaws.com/%V",
                &region, pool);

    if (jwks->len) {
        return NGX_CONF_OK;
    }

    jwks->len = jc->issuer.len + sizeof("/.well-known/jwks.json") - 1;
    jwks->data = ngx_pnalloc(cf->pool, jwks->len);
    if (jwks->data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_cpymem(jwks->data, jc->issuer.data, jc->issuer.len);
    ngx_memcpy(p, "/.well-known/jwks.json", sizeof("/.well-known/jwks.json")
                                            - 1);

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid user pool id \"%V\": REGION_ID expected, "
                       "e.g. \"us-east-1_AbCdEf123\"", pool);
    return NGX_CONF_ERROR;
}


/*
 * identity=$request.header.NAME (HTTP APIs), method.request.header.NAME
 * (REST APIs), or NAME
 */

static char *
ngx_http_apigw_jwt_identity(ngx_conf_t *cf, ngx_http_apigw_jwt_conf_t *jc,
    ngx_str_t *arg, ngx_str_t *value)
{
    size_t       len;
    ngx_str_t    name;
    ngx_uint_t   i;

    name = *value;

    len = sizeof("$request.header.") - 1;

    if (name.len > len
        && ngx_strncmp(name.data, "$request.header.", len) == 0)
    {
        name.data += len;
        name.len -= len;

    } else {
        len = sizeof("method.request.header.") - 1;

        if (name.len > len
            && ngx_strncmp(name.data, "method.request.header.", len) == 0)
        {
            name.data += len;
            name.len -= len;
        }
    }

    if (name.len == 0) {
        goto invalid;
    }

    for (i = 0; i < name.len; i++) {
        if (!((name.data[i] | 0x20) >= 'a' && (name.data[i] | 0x20) <= 'z')
            && !(name.data[i] >= '0' && name.data[i] <= '9')
            && name.data[i] != '-' && name.data[i] != '_')
        {
            goto invalid;
        }
    }

    jc->header.data = ngx_pnalloc(cf->pool, name.len);
    if (jc->header.data == NULL) {
        return NGX_CONF_ERROR;
    }

    jc->header.len = name.len;
    ngx_strlow(jc->header.data, name.data, name.len);

    jc->authorization = (name.len == sizeof("authorization") - 1
                         && ngx_strncmp(jc->header.data, "authorization",
                                        name.len)
                            == 0);

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\": a header name expected",
                       arg);
    return NGX_CONF_ERROR;
}


static char *
ngx_http_apigw_jwt_algorithms(ngx_conf_t *cf, ngx_http_apigw_jwt_conf_t *jc,
    ngx_str_t *arg, ngx_str_t *value)
{
    ngx_str_t                 *names;
    ngx_uint_t                 i, algs;
    ngx_array_t               *list;
    ngx_http_apigw_jws_alg_e   alg;

    list = NULL;

    if (ngx_http_apigw_jwt_list(cf, value, value, &list) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    names = list->elts;
    algs = 0;

    for (i = 0; i < list->nelts; i++) {
        alg = ngx_http_apigw_jws_alg(&names[i]);

        if (alg == NGX_HTTP_APIGW_JWS_NONE) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unsupported algorithm \"%V\"", &names[i]);
            return NGX_CONF_ERROR;
        }

        if (!(jc->algs & NGX_HTTP_APIGW_JWS_BIT(alg))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "algorithm \"%V\" needs %s", &names[i],
                               (NGX_HTTP_APIGW_JWS_BIT(alg)
                                & NGX_HTTP_APIGW_JWS_HMAC)
                               ? "\"secret=\"" : "\"jwks=\"");
            return NGX_CONF_ERROR;
        }

        algs |= NGX_HTTP_APIGW_JWS_BIT(alg);
    }

    jc->algs = algs;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_apigw_jwt_authorize(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_authorization_t *authz)
{
    uint32_t                      hash;
    ngx_uint_t                    keys;
    ngx_int_t                     rc;
    ngx_str_t                     token, *secret;
    const char                   *err;
    ngx_http_apigw_jwt_t          jwt;
    ngx_http_apigw_jwk_t         *key;
    ngx_http_apigw_alloc_t        a;
    ngx_http_apigw_jwt_conf_t    *jc;
    ngx_http_apigw_jwt_entry_t   *e;
    ngx_http_apigw_jwt_checks_t   checks;

    jc = authz->authorizer->data;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw jwt authorizer \"%V\"", &jc->name);

    if (ngx_http_apigw_jwt_token(r, jc, &token) != NGX_OK) {
        return ngx_http_apigw_jwt_reject(r, ctx, jc,
                                         NGX_HTTP_APIGW_GR_UNAUTHORIZED,
                                         "no token");
    }

    ngx_http_apigw_jwt_checks(r, jc, authz, &checks);

    /* a token this worker has verified with the keys it still has */

    e = NULL;
    hash = 0;

    if (jc->cache_max && token.len <= NGX_HTTP_APIGW_JWT_CACHE_TOKEN) {
        hash = ngx_murmur_hash2(token.data, token.len);

        e = (ngx_http_apigw_jwt_entry_t *)
                ngx_str_rbtree_lookup(&jc->cache, &token, hash);

        if (e && e->keys != ngx_http_apigw_jwt_keys(jc)) {
            ngx_http_apigw_jwt_cache_remove(jc, e);
            e = NULL;
        }
    }

    if (e) {
        ngx_memzero(&jwt, sizeof(ngx_http_apigw_jwt_t));
        jwt.claims = e->claims;

        rc = ngx_http_apigw_jwt_check(&jwt, &checks, &err);

        if (rc == NGX_DECLINED) {
            return ngx_http_apigw_jwt_reject(r, ctx, jc,
                                             NGX_HTTP_APIGW_GR_ACCESS_DENIED,
                                             err);
        }

        if (rc != NGX_OK) {
            /* expired since, most likely: verified again if ever sent */
            ngx_http_apigw_jwt_cache_remove(jc, e);

            return ngx_http_apigw_jwt_reject(r, ctx, jc,
                                             NGX_HTTP_APIGW_GR_UNAUTHORIZED,
                                             err);
        }

        ngx_queue_remove(&e->queue);
        ngx_queue_insert_head(&jc->lru, &e->queue);

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "apigw jwt: a verified token");

        if (ngx_http_apigw_jwt_context(r, ctx, jc, e->claims, e->authorizer)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_OK;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    err = NULL;

    if (ngx_http_apigw_jwt_decode(&a, &token, &jwt, &err) != NGX_OK) {
        return ngx_http_apigw_jwt_reject(r, ctx, jc,
                                         NGX_HTTP_APIGW_GR_UNAUTHORIZED, err);
    }

    if (!(jc->algs & NGX_HTTP_APIGW_JWS_BIT(jwt.alg))) {
        err = "the token's algorithm is not allowed";
        goto unauthorized;
    }

    key = NULL;
    secret = NULL;

    if (NGX_HTTP_APIGW_JWS_BIT(jwt.alg) & NGX_HTTP_APIGW_JWS_HMAC) {
        secret = &jc->secret;

    } else if (jwt.kid.len == 0) {
        err = "the token has no \"kid\"";
        goto unauthorized;

    } else if (jc->source) {
        rc = ngx_http_apigw_jwks_key(r, jc->source, &jwt.kid, &key,
                                     (ngx_http_apigw_jwks_wait_t **)
                                         &ctx->auth);

        if (rc == NGX_AGAIN) {
            ngx_http_apigw_jwt_free(&jwt);
            return NGX_AGAIN;
        }

        if (rc == NGX_ERROR) {
            ngx_http_apigw_jwt_free(&jwt);

            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "apigw: authorizer \"%V\" has no key set",
                          &jc->name);

            return ngx_http_apigw_send_error(r, ctx,
                             NGX_HTTP_APIGW_GR_AUTHORIZER_CONFIGURATION_ERROR);
        }

    } else {
        key = ngx_http_apigw_jwks_find(&jc->keys, &jwt.kid);
    }

    if (secret == NULL && key == NULL) {
        err = "no key has the token's \"kid\"";
        goto unauthorized;
    }

    /* the set the key came from: a fetched one may be replaced */

    keys = ngx_http_apigw_jwt_keys(jc);

    if (ngx_http_apigw_jws_verify(&jwt, key, secret, &err) != NGX_OK) {
        goto unauthorized;
    }

    rc = ngx_http_apigw_jwt_check(&jwt, &checks, &err);

    if (rc == NGX_DECLINED) {
        ngx_http_apigw_jwt_free(&jwt);
        return ngx_http_apigw_jwt_reject(r, ctx, jc,
                                         NGX_HTTP_APIGW_GR_ACCESS_DENIED, err);
    }

    if (rc != NGX_OK) {
        goto unauthorized;
    }

    rc = ngx_http_apigw_jwt_context(r, ctx, jc, jwt.claims, NULL);

    if (rc == NGX_OK && hash) {
        ngx_http_apigw_jwt_cache_add(r, jc, &token, hash, jwt.claims,
                                     ctx->authorizer, keys);
    }

    ngx_http_apigw_jwt_free(&jwt);

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;

unauthorized:

    ngx_http_apigw_jwt_free(&jwt);

    return ngx_http_apigw_jwt_reject(r, ctx, jc,
                                     NGX_HTTP_APIGW_GR_UNAUTHORIZED, err);
}


/* what the claims must say for this method */

static void
ngx_http_apigw_jwt_checks(ngx_http_request_t *r,
    ngx_http_apigw_jwt_conf_t *jc, ngx_http_apigw_authorization_t *authz,
    ngx_http_apigw_jwt_checks_t *checks)
{
    ngx_memzero(checks, sizeof(ngx_http_apigw_jwt_checks_t));

    checks->issuer = jc->issuer;

    if (jc->audiences) {
        checks->audiences = jc->audiences->elts;
        checks->naudiences = jc->audiences->nelts;
    }

    if (authz->scopes) {
        checks->scopes = authz->scopes->elts;
        checks->nscopes = authz->scopes->nelts;
    }

    if (jc->cognito) {
        /* REST APIs take ID tokens, and access tokens for scopes */

        if (checks->nscopes) {
            ngx_str_set(&checks->token_use, "access");

        } else {
            ngx_str_set(&checks->token_use, "id");
        }
    }

    checks->now = ngx_time();
    checks->leeway = jc->leeway;
}


/*
 * which key set tokens are verified with now (a fetched one is replaced
 * in time; a file's and a secret stay)
 */

static ngx_uint_t
ngx_http_apigw_jwt_keys(ngx_http_apigw_jwt_conf_t *jc)
{
    if (jc->source) {
        return ngx_http_apigw_jwks_generation(jc->source);
    }

    return 1;
}


static void
ngx_http_apigw_jwt_cache_add(ngx_http_request_t *r,
    ngx_http_apigw_jwt_conf_t *jc, ngx_str_t *token, uint32_t hash,
    json_t *claims, json_t *authorizer, ngx_uint_t keys)
{
    ngx_queue_t                 *q;
    ngx_http_apigw_jwt_entry_t  *e;

    if (jc->cache_n >= jc->cache_max) {
        q = ngx_queue_last(&jc->lru);
        e = ngx_queue_data(q, ngx_http_apigw_jwt_entry_t, queue);
        ngx_http_apigw_jwt_cache_remove(jc, e);
    }

    e = ngx_alloc(sizeof(ngx_http_apigw_jwt_entry_t) + token->len,
                  r->connection->log);
    if (e == NULL) {
        return;
    }

    e->sn.node.key = hash;
    e->sn.str.len = token->len;
    e->sn.str.data = (u_char *) e + sizeof(ngx_http_apigw_jwt_entry_t);
    ngx_memcpy(e->sn.str.data, token->data, token->len);

    e->claims = json_incref(claims);
    e->authorizer = json_incref(authorizer);
    e->keys = keys;

    ngx_rbtree_insert(&jc->cache, &e->sn.node);
    ngx_queue_insert_head(&jc->lru, &e->queue);

    jc->cache_n++;
}


static void
ngx_http_apigw_jwt_cache_remove(ngx_http_apigw_jwt_conf_t *jc,
    ngx_http_apigw_jwt_entry_t *e)
{
    ngx_rbtree_delete(&jc->cache, &e->sn.node);
    ngx_queue_remove(&e->queue);

    json_decref(e->claims);
    json_decref(e->authorizer);
    ngx_free(e);

    jc->cache_n--;
}


/* the configuration is released: so are the tokens its workers cached */

static void
ngx_http_apigw_jwt_cache_cleanup(void *data)
{
    ngx_http_apigw_jwt_conf_t *jc = data;

    ngx_queue_t                 *q;
    ngx_http_apigw_jwt_entry_t  *e;

    while (!ngx_queue_empty(&jc->lru)) {
        q = ngx_queue_head(&jc->lru);
        e = ngx_queue_data(q, ngx_http_apigw_jwt_entry_t, queue);
        ngx_http_apigw_jwt_cache_remove(jc, e);
    }
}


/* the identity source's value, without "Bearer " */

static ngx_int_t
ngx_http_apigw_jwt_token(ngx_http_request_t *r, ngx_http_apigw_jwt_conf_t *jc,
    ngx_str_t *token)
{
    u_char           *p, *last;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *found;

    found = NULL;

    if (jc->authorization) {
        found = r->headers_in.authorization;

    } else {
        part = &r->headers_in.headers.part;
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

            if (h[i].key.len == jc->header.len
                && ngx_strncasecmp(h[i].key.data, jc->header.data,
                                   jc->header.len)
                   == 0)
            {
                found = &h[i];
                break;
            }
        }
    }

    if (found == NULL) {
        return NGX_DECLINED;
    }

    p = found->value.data;
    last = p + found->value.len;

    if (last - p > 7 && ngx_strncasecmp(p, (u_char *) "bearer ", 7) == 0) {
        p += 7;

        while (p < last && *p == ' ') {
            p++;
        }
    }

    while (last > p && last[-1] == ' ') {
        last--;
    }

    if (p == last) {
        return NGX_DECLINED;
    }

    token->data = p;
    token->len = last - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_jwt_reject(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_jwt_conf_t *jc, ngx_http_apigw_gr_type_e type,
    const char *why)
{
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "apigw: authorizer \"%V\" %s the request: %s", &jc->name,
                  type == NGX_HTTP_APIGW_GR_UNAUTHORIZED
                  ? "does not authenticate" : "denies",
                  why);

    return ngx_http_apigw_send_error(r, ctx, type);
}


/*
 * What the integration learns: REST's requestContext.authorizer,
 * {"claims": {...}} with each claim a string, as the Cognito user-pool
 * authorizer passes them (Cognito's exp and iat as Java dates,
 * "Wed Nov 06 07:36:54 UTC 2019"; arrays joined with ","), and for
 * payload 2.0 events HTTP APIs' {"jwt": {"claims": {...}, "scopes":
 * [...]}} (numbers as integers, arrays as "[a b]").
 */

static ngx_int_t
ngx_http_apigw_jwt_context(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_jwt_conf_t *jc, json_t *token, json_t *authorizer)
{
    json_t                        *v, *claims, *jwt2, *scopes, *s;
    ngx_str_t                     *list;
    ngx_uint_t                     i, n;
    ngx_pool_cleanup_t            *cln;
    ngx_http_apigw_jwt_t           jwt;
    ngx_http_apigw_alloc_t         a;
    ngx_http_apigw_integration_t  *in;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    cln->handler = ngx_http_apigw_jwt_cleanup;
    cln->data = ctx;

    v = json_object_get(token, "sub");

    if (json_is_string(v)) {
        ctx->principal_id.len = json_string_length(v);
        ctx->principal_id.data = ngx_pnalloc(r->pool, ctx->principal_id.len);
        if (ctx->principal_id.data == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(ctx->principal_id.data, json_string_value(v),
                   ctx->principal_id.len);
    }

    if (authorizer) {
        /* the cached answer: shared, never changed */
        ctx->authorizer = json_incref(authorizer);

    } else {
        claims = ngx_http_apigw_jwt_claims(jc, token, 0);
        ctx->authorizer = json_object();

        if (claims == NULL || ctx->authorizer == NULL
            || json_object_set_new(ctx->authorizer, "claims", claims) != 0)
        {
            json_decref(claims);
            return NGX_ERROR;
        }
    }

    in = ctx->method ? ctx->method->integration : NULL;

    if (in == NULL || in->type != NGX_HTTP_APIGW_INT_LAMBDA
        || in->payload != 20)
    {
        return NGX_OK;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    ngx_memzero(&jwt, sizeof(ngx_http_apigw_jwt_t));
    jwt.claims = token;

    if (ngx_http_apigw_jwt_scopes(&jwt, &a, &list, &n) != NGX_OK) {
        return NGX_ERROR;
    }

    if (n) {
        scopes = json_array();
        if (scopes == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < n; i++) {
            s = json_stringn((char *) list[i].data, list[i].len);

            if (s == NULL || json_array_append_new(scopes, s) != 0) {
                json_decref(scopes);
                return NGX_ERROR;
            }
        }

    } else {
        scopes = json_null();
    }

    claims = ngx_http_apigw_jwt_claims(jc, token, 1);
    jwt2 = json_object();
    ctx->authorizer_v2 = json_object();

    if (claims == NULL || jwt2 == NULL || ctx->authorizer_v2 == NULL
        || json_object_set_new(jwt2, "claims", claims) != 0
        || json_object_set_new(jwt2, "scopes", scopes) != 0
        || json_object_set_new(ctx->authorizer_v2, "jwt", jwt2) != 0)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static json_t *
ngx_http_apigw_jwt_claims(ngx_http_apigw_jwt_conf_t *jc, json_t *claims,
    ngx_uint_t v2)
{
    json_t      *out, *v, *s;
    ngx_uint_t   date;
    const char  *name;

    out = json_object();
    if (out == NULL) {
        return NULL;
    }

    json_object_foreach(claims, name, v) {
        date = jc->cognito && !v2
               && (strcmp(name, "exp") == 0 || strcmp(name, "iat") == 0);

        s = ngx_http_apigw_jwt_claim(v, v2, date);

        if (s == NULL || json_object_set_new(out, name, s) != 0) {
            json_decref(out);
            return NULL;
        }
    }

    return out;
}


static json_t *
ngx_http_apigw_jwt_claim(json_t *v, ngx_uint_t v2, ngx_uint_t date)
{
    char        *text;
    json_t      *s, *e;
    size_t       i;
    ngx_tm_t     tm;
    ngx_str_t    str;
    ngx_uint_t   first;
    u_char       buf[64], *p, *last;

    switch (json_typeof(v)) {

    case JSON_STRING:
        return json_incref(v);

    case JSON_INTEGER:
    case JSON_REAL:
        if (date && json_number_value(v) >= 0
            && json_number_value(v) < 253402300800.0)
        {
            ngx_gmtime((time_t) json_number_value(v), &tm);

            p = ngx_sprintf(buf, "%s %s %02d %02d:%02d:%02d UTC %d",
                            ngx_http_apigw_jwt_days[tm.ngx_tm_wday],
                            ngx_http_apigw_jwt_months[tm.ngx_tm_mon - 1],
                            tm.ngx_tm_mday, tm.ngx_tm_hour, tm.ngx_tm_min,
                            tm.ngx_tm_sec, tm.ngx_tm_year);

            return json_stringn((char *) buf, p - buf);
        }

        if (json_is_integer(v)) {
            p = ngx_sprintf(buf, "%L", (int64_t) json_integer_value(v));
            return json_stringn((char *) buf, p - buf);
        }

        break;

    case JSON_TRUE:
        return json_string("true");

    case JSON_FALSE:
        return json_string("false");

    case JSON_ARRAY:

        /* REST: "a,b"; HTTP APIs: "[a b]" */

        s = json_string("");
        if (s == NULL) {
            return NULL;
        }

        str.len = 0;

        json_array_foreach(v, i, e) {
            e = ngx_http_apigw_jwt_claim(e, v2, 0);
            if (e == NULL) {
                json_decref(s);
                return NULL;
            }

            str.len += json_string_length(e) + 1;
            json_decref(e);
        }

        text = malloc(str.len + 2);
        if (text == NULL) {
            json_decref(s);
            return NULL;
        }

        p = (u_char *) text;
        last = p + str.len + 2;

        if (v2) {
            *p++ = '[';
        }

        first = 1;

        json_array_foreach(v, i, e) {
            e = ngx_http_apigw_jwt_claim(e, v2, 0);
            if (e == NULL) {
                free(text);
                json_decref(s);
                return NULL;
            }

            if (!first) {
                *p++ = v2 ? ' ' : ',';
            }

            first = 0;

            p = ngx_cpymem(p, json_string_value(e), json_string_length(e));
            json_decref(e);
        }

        if (v2) {
            *p++ = ']';
        }

        if (p > last || json_string_setn(s, text, p - (u_char *) text) != 0)
        {
            free(text);
            json_decref(s);
            return NULL;
        }

        free(text);

        return s;

    default:
        break;
    }

    /* objects, nulls and non-integer numbers: JSON text */

    text = json_dumps(v, JSON_ENCODE_ANY|JSON_COMPACT);
    if (text == NULL) {
        return NULL;
    }

    s = json_string(text);
    free(text);

    return s;
}


static void
ngx_http_apigw_jwt_cleanup(void *data)
{
    ngx_http_apigw_ctx_t *ctx = data;

    json_decref(ctx->authorizer);
    json_decref(ctx->authorizer_v2);

    ctx->authorizer = NULL;
    ctx->authorizer_v2 = NULL;
}
