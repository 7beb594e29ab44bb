
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * AWS_IAM authorization ("apigw_authorization aws_iam"): callers sign
 * their requests with SigV4, in the Authorization header or in a
 * presigned query, for the service "execute-api" of the API's region.
 * The access keys, the callers they belong to and the callers' identity
 * policies come from "apigw_iam_credentials FILE".  The SigV4 engine
 * (sigv4.c) parses, checks and verifies; the policy engine (policy.c)
 * evaluates the caller's policies and the API's resource policy, which
 * AWS combines this way:
 *
 *     an explicit Deny in either               denied
 *     a caller of the API's account            one Allow is enough
 *     a caller of another account              both must allow
 *
 * The body is signed too.  It is read without blocking (the access phase
 * runs again once it is here), after every check that needs no body, so
 * that a request without a valid key never makes the gateway buffer it.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_authorizer.h"
#include "ngx_http_apigw_policy.h"
#include "ngx_http_apigw_sigv4.h"

#include <openssl/crypto.h>


/* how far a signature's date may be from the gateway's clock, as AWS */
#define NGX_HTTP_APIGW_IAM_SKEW          900

#define NGX_HTTP_APIGW_IAM_MAX_KEY_ID    128


typedef struct {
    ngx_http_apigw_iam_caller_t     caller;     /* access_key: the id */
    ngx_str_t                       root;       /* arn:aws:iam::ACCT:root */
    ngx_str_t                       secret;
    ngx_str_t                       session_token;
    time_t                          expiration; /* 0: never */
    ngx_http_apigw_policy_t       **policies;
    ngx_uint_t                      npolicies;

    /*
     * the signing key of the last date and region seen: derived once a
     * day instead of four HMACs a request (each worker has its own copy)
     */
    u_char                          key[NGX_HTTP_APIGW_SIGV4_KEY_LEN];
    u_char                          key_scope[64];
    size_t                          key_scope_len;
} ngx_http_apigw_iam_key_t;


struct ngx_http_apigw_iam_credentials_s {
    ngx_str_t                       file;
    ngx_http_apigw_iam_key_t       *keys;       /* sorted by id */
    ngx_uint_t                      nkeys;
};


typedef struct {
    unsigned                        reading:1;
    unsigned                        body_read:1;
} ngx_http_apigw_iam_ctx_t;


static ngx_int_t ngx_http_apigw_iam_key(ngx_conf_t *cf, ngx_str_t *file,
    const char *id, json_t *j, ngx_http_apigw_iam_key_t *k);
static ngx_int_t ngx_http_apigw_iam_conf_str(ngx_conf_t *cf, ngx_str_t *file,
    const char *id, const char *name, json_t *v, ngx_str_t *s);
static ngx_int_t ngx_http_apigw_iam_arn(ngx_str_t *arn, ngx_str_t *account);
static time_t ngx_http_apigw_iam_parse_time(const char *s);
static int ngx_libc_cdecl ngx_http_apigw_iam_cmp_keys(const void *one,
    const void *two);
static void ngx_http_apigw_iam_cleanup(void *data);

static ngx_int_t ngx_http_apigw_iam_date(ngx_http_request_t *r,
    ngx_str_t *amz_date);
static ngx_int_t ngx_http_apigw_iam_reject(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_gr_type_e type,
    ngx_str_t *amzn_type, ngx_str_t *message, const char *why);
static ngx_http_apigw_iam_key_t *ngx_http_apigw_iam_find(
    ngx_http_apigw_iam_credentials_t *creds, ngx_str_t *id);
static ngx_int_t ngx_http_apigw_iam_token_valid(ngx_http_apigw_iam_key_t *k,
    ngx_str_t *token);
static ngx_int_t ngx_http_apigw_iam_has_body(ngx_http_request_t *r);
static void ngx_http_apigw_iam_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_apigw_iam_body_hash(ngx_http_request_t *r,
    u_char *hash);
static ngx_int_t ngx_http_apigw_iam_headers(ngx_http_request_t *r,
    ngx_http_apigw_sigv4_request_t *req);
static u_char *ngx_http_apigw_iam_signing_key(ngx_http_apigw_iam_key_t *k,
    ngx_http_apigw_sigv4_auth_t *auth);
static ngx_int_t ngx_http_apigw_iam_decide(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_loc_conf_t *alcf,
    ngx_http_apigw_iam_key_t *k);
static ngx_int_t ngx_http_apigw_iam_evaluate(ngx_http_request_t *r,
    ngx_http_apigw_loc_conf_t *alcf, ngx_http_apigw_iam_key_t *k,
    ngx_str_t *action, ngx_str_t *arn, ngx_str_t *alias);
static ngx_int_t ngx_http_apigw_iam_denial(ngx_http_request_t *r,
    ngx_http_apigw_iam_key_t *k, ngx_str_t *action, ngx_str_t *arn,
    ngx_int_t result, ngx_str_t *message);


static ngx_str_t  ngx_http_apigw_iam_service = ngx_string("execute-api");
static ngx_str_t  ngx_http_apigw_iam_invoke = ngx_string("execute-api:Invoke");
static ngx_str_t  ngx_http_apigw_iam_region = ngx_string("us-east-1");

static ngx_str_t  ngx_http_apigw_iam_unrecognized =
    ngx_string("UnrecognizedClientException");
static ngx_str_t  ngx_http_apigw_iam_invalid_token =
    ngx_string("The security token included in the request is invalid.");

static ngx_str_t  ngx_http_apigw_iam_amz_date = ngx_string("X-Amz-Date");
static ngx_str_t  ngx_http_apigw_iam_token_header =
    ngx_string("X-Amz-Security-Token");


/*
 * apigw_iam_credentials FILE | off: a JSON object of access key ids,
 *
 *     {"AKIAIOSFODNN7EXAMPLE": {
 *          "secret": "...", "arn": "arn:aws:iam::123456789012:user/alice",
 *          "user_id": "AIDA...", "session_token": "...",
 *          "expiration": "2030-01-01T00:00:00Z", "policies": [{...}]}}
 *
 * read when the configuration loads; no secret ever reaches a log.
 */

char *
ngx_http_apigw_iam_credentials(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    char                              *near;
    json_t                            *doc, *v;
    ngx_str_t                         *value, name;
    ngx_uint_t                         i;
    const char                        *id;
    json_error_t                       jerr;
    ngx_pool_cleanup_t                *cln;
    ngx_http_apigw_iam_credentials_t  *creds;

    if (alcf->iam_credentials != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (ngx_strcmp(name.data, "off") == 0) {
        alcf->iam_credentials = NULL;
        return NGX_CONF_OK;
    }

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    doc = json_load_file((char *) name.data, JSON_REJECT_DUPLICATES, &jerr);

    if (doc == NULL) {

        /* jansson quotes the text "near" the error: it may be a secret */

        near = strstr(jerr.text, " near '");
        if (near) {
            *near = '\0';
        }

        if (jerr.line > 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid IAM credentials \"%V\": line %d: %s",
                               &name, jerr.line, jerr.text);

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid IAM credentials \"%V\": %s",
                               &name, jerr.text);
        }

        return NGX_CONF_ERROR;
    }

    if (!json_is_object(doc)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid IAM credentials \"%V\": an object of "
                           "access key ids expected", &name);
        json_decref(doc);
        return NGX_CONF_ERROR;
    }

    creds = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_iam_credentials_t));
    if (creds == NULL) {
        json_decref(doc);
        return NGX_CONF_ERROR;
    }

    creds->file = name;
    creds->nkeys = json_object_size(doc);

    if (creds->nkeys) {
        creds->keys = ngx_pcalloc(cf->pool, creds->nkeys
                                            * sizeof(ngx_http_apigw_iam_key_t));
        if (creds->keys == NULL) {
            json_decref(doc);
            return NGX_CONF_ERROR;
        }
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        json_decref(doc);
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_apigw_iam_cleanup;
    cln->data = creds;

    i = 0;

    json_object_foreach(doc, id, v) {
        if (ngx_http_apigw_iam_key(cf, &name, id, v, &creds->keys[i])
            != NGX_OK)
        {
            json_decref(doc);
            return NGX_CONF_ERROR;
        }

        i++;
    }

    json_decref(doc);

    ngx_qsort(creds->keys, creds->nkeys, sizeof(ngx_http_apigw_iam_key_t),
              ngx_http_apigw_iam_cmp_keys);

    alcf->iam_credentials = creds;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_apigw_iam_key(ngx_conf_t *cf, ngx_str_t *file, const char *id,
    json_t *j, ngx_http_apigw_iam_key_t *k)
{
    u_char                  *p;
    json_t                  *v, *pol;
    size_t                   i, len;
    ngx_str_t                expiration;
    const char              *name, *err;
    ngx_http_apigw_alloc_t   a;

    len = ngx_strlen(id);

    for (i = 0; i < len; i++) {
        if (id[i] <= ' ' || id[i] >= 0x7f || id[i] == '/' || id[i] == ','
            || id[i] == '=')
        {
            break;
        }
    }

    if (len == 0 || len > NGX_HTTP_APIGW_IAM_MAX_KEY_ID || i < len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid IAM credentials \"%V\": invalid access "
                           "key id \"%s\"", file, id);
        return NGX_ERROR;
    }

    if (!json_is_object(j)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid IAM credentials \"%V\": \"%s\": an object "
                           "expected", file, id);
        return NGX_ERROR;
    }

    k->caller.access_key.len = len;
    k->caller.access_key.data = ngx_pnalloc(cf->pool, len);
    if (k->caller.access_key.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(k->caller.access_key.data, id, len);

    ngx_str_null(&expiration);

    json_object_foreach(j, name, v) {

        if (ngx_strcmp(name, "secret") == 0) {
            if (ngx_http_apigw_iam_conf_str(cf, file, id, name, v, &k->secret)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

        } else if (ngx_strcmp(name, "arn") == 0) {
            if (ngx_http_apigw_iam_conf_str(cf, file, id, name, v,
                                            &k->caller.arn)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

        } else if (ngx_strcmp(name, "user_id") == 0) {
            if (ngx_http_apigw_iam_conf_str(cf, file, id, name, v,
                                            &k->caller.user_id)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

        } else if (ngx_strcmp(name, "session_token") == 0) {
            if (ngx_http_apigw_iam_conf_str(cf, file, id, name, v,
                                            &k->session_token)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

        } else if (ngx_strcmp(name, "expiration") == 0) {
            if (ngx_http_apigw_iam_conf_str(cf, file, id, name, v,
                                            &expiration)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            k->expiration = ngx_http_apigw_iam_parse_time(json_string_value(v));

            if (k->expiration <= 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid IAM credentials \"%V\": \"%s\": "
                                   "invalid \"expiration\" \"%V\" "
                                   "(2030-01-01T00:00:00Z expected)",
                                   file, id, &expiration);
                return NGX_ERROR;
            }

        } else if (ngx_strcmp(name, "policies") == 0) {
            if (!json_is_array(v)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid IAM credentials \"%V\": \"%s\": "
                                   "\"policies\" must be an array of policy "
                                   "documents", file, id);
                return NGX_ERROR;
            }

            k->npolicies = json_array_size(v);
            k->policies = ngx_palloc(cf->pool, (k->npolicies + 1)
                                          * sizeof(ngx_http_apigw_policy_t *));
            if (k->policies == NULL) {
                return NGX_ERROR;
            }

            a.alloc = ngx_http_apigw_pool_alloc;
            a.data = cf->pool;

            json_array_foreach(v, i, pol) {
                err = NULL;
                k->policies[i] = ngx_http_apigw_policy_parse(&a, pol, &err);

                if (k->policies[i] == NULL) {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid IAM credentials \"%V\": "
                                       "\"%s\": policy %uz: %s", file, id,
                                       i + 1, err ? err : "error");
                    return NGX_ERROR;
                }
            }

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid IAM credentials \"%V\": \"%s\": "
                               "unknown field \"%s\" (secret, arn, user_id, "
                               "session_token, expiration or policies)",
                               file, id, name);
            return NGX_ERROR;
        }
    }

    if (k->secret.len == 0 || k->caller.arn.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid IAM credentials \"%V\": \"%s\": "
                           "\"secret\" and \"arn\" are required", file, id);
        return NGX_ERROR;
    }

    if (ngx_http_apigw_iam_arn(&k->caller.arn, &k->caller.account) != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid IAM credentials \"%V\": \"%s\": invalid "
                           "\"arn\" \"%V\" (arn:aws:iam::123456789012:"
                           "user/NAME expected)", file, id, &k->caller.arn);
        return NGX_ERROR;
    }

    /* the caller's account as a resource policy may name it */

    k->root.len = sizeof("arn:aws:iam:::root") - 1 + k->caller.account.len;
    k->root.data = ngx_pnalloc(cf->pool, k->root.len);
    if (k->root.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(k->root.data, "arn:aws:iam::%V:root",
                    &k->caller.account);
    k->root.len = p - k->root.data;

    if (k->caller.user_id.len == 0) {
        k->caller.user_id = k->caller.arn;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_iam_conf_str(ngx_conf_t *cf, ngx_str_t *file, const char *id,
    const char *name, json_t *v, ngx_str_t *s)
{
    if (!json_is_string(v) || json_string_length(v) == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid IAM credentials \"%V\": \"%s\": \"%s\" "
                           "must be a non-empty string", file, id, name);
        return NGX_ERROR;
    }

    s->len = json_string_length(v);
    s->data = ngx_pnalloc(cf->pool, s->len);
    if (s->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(s->data, json_string_value(v), s->len);

    return NGX_OK;
}


/* arn:PARTITION:iam|sts::ACCOUNT:RESOURCE; the account is 12 digits */

static ngx_int_t
ngx_http_apigw_iam_arn(ngx_str_t *arn, ngx_str_t *account)
{
    u_char      *p, *last, *field[6];
    ngx_uint_t   n;

    p = arn->data;
    last = p + arn->len;
    n = 0;

    field[n++] = p;

    while (p < last && n < 6) {
        if (*p++ == ':') {
            field[n++] = p;
        }
    }

    if (n < 6 || last - field[5] == 0
        || field[1] - field[0] != 4 || ngx_strncmp(field[0], "arn:", 4) != 0
        || field[2] - field[1] < 2
        || !((field[3] - field[2] == 4
              && ngx_strncmp(field[2], "iam:", 4) == 0)
             || (field[3] - field[2] == 4
                 && ngx_strncmp(field[2], "sts:", 4) == 0))
        || field[4] - field[3] != 1
        || field[5] - field[4] != 13)
    {
        return NGX_ERROR;
    }

    for (p = field[4]; p < field[5] - 1; p++) {
        if (*p < '0' || *p > '9') {
            return NGX_ERROR;
        }
    }

    account->data = field[4];
    account->len = 12;

    return NGX_OK;
}


/* "2030-01-01T00:00:00Z" (or "+00:00"), as STS's Expiration */

static time_t
ngx_http_apigw_iam_parse_time(const char *s)
{
    size_t      len;
    ngx_int_t   year, month, day, hour, min, sec, days, i;

    static const u_char  digits[] = { 0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15,
                                      17, 18 };

    len = ngx_strlen(s);

    if (len < 20
        || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':'
        || s[16] != ':'
        || !((len == 20 && s[19] == 'Z')
             || (len == 25 && ngx_strcmp(s + 19, "+00:00") == 0)))
    {
        return 0;
    }

    for (i = 0; i < (ngx_int_t) sizeof(digits); i++) {
        if (s[digits[i]] < '0' || s[digits[i]] > '9') {
            return 0;
        }
    }

    year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10
           + s[3] - '0';
    month = (s[5] - '0') * 10 + s[6] - '0';
    day = (s[8] - '0') * 10 + s[9] - '0';
    hour = (s[11] - '0') * 10 + s[12] - '0';
    min = (s[14] - '0') * 10 + s[15] - '0';
    sec = (s[17] - '0') * 10 + s[18] - '0';

    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31
        || hour > 23 || min > 59 || sec > 60)
    {
        return 0;
    }

    /* days since 1970-01-01 of a proleptic Gregorian date */

    if (month <= 2) {
        year--;
        month += 12;
    }

    days = 365 * year + year / 4 - year / 100 + year / 400
           + (153 * (month - 3) + 2) / 5 + day - 719469;

    return (time_t) days * 86400 + hour * 3600 + min * 60 + sec;
}


static int ngx_libc_cdecl
ngx_http_apigw_iam_cmp_keys(const void *one, const void *two)
{
    const ngx_http_apigw_iam_key_t  *k1 = one;
    const ngx_http_apigw_iam_key_t  *k2 = two;

    size_t     len;
    ngx_int_t  rc;

    len = ngx_min(k1->caller.access_key.len, k2->caller.access_key.len);

    rc = ngx_memcmp(k1->caller.access_key.data, k2->caller.access_key.data,
                    len);

    if (rc == 0) {
        return (int) k1->caller.access_key.len
               - (int) k2->caller.access_key.len;
    }

    return (int) rc;
}


/* the secrets do not outlive their configuration in memory */

static void
ngx_http_apigw_iam_cleanup(void *data)
{
    ngx_http_apigw_iam_credentials_t  *creds = data;

    ngx_uint_t                 i;
    ngx_http_apigw_iam_key_t  *k;

    for (i = 0; i < creds->nkeys; i++) {
        k = &creds->keys[i];

        if (k->secret.data) {
            OPENSSL_cleanse(k->secret.data, k->secret.len);
        }

        OPENSSL_cleanse(k->key, sizeof(k->key));
    }
}


/*
 * A method with aws_iam must have credentials to check callers against:
 * without, nginx -t fails rather than every call.
 */

ngx_int_t
ngx_http_apigw_iam_merge(ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *prev,
    ngx_http_apigw_loc_conf_t *conf)
{
    ngx_http_apigw_authorization_t  *authz;

    ngx_conf_merge_ptr_value(conf->iam_credentials, prev->iam_credentials,
                             NULL);

    authz = conf->authorization;

    if (conf->method && authz && authz->type == NGX_HTTP_APIGW_AUTH_AWS_IAM
        && conf->iam_credentials == NULL)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"apigw_authorization aws_iam\" needs "
                      "\"apigw_iam_credentials\" in %s:%ui",
                      authz->file, authz->line);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * AWS's order: a signature at all, its form, its date and scope, the
 * access key and its token, the signature itself (with the body), then
 * the policies.
 */

ngx_int_t
ngx_http_apigw_iam_authorize(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_authorization_t *authz)
{
    u_char                              *p, *key;
    time_t                               now;
    ngx_int_t                            rc;
    ngx_str_t                            value, amz_date, token, region;
    ngx_table_elt_t                     *h;
    ngx_http_apigw_alloc_t               a;
    ngx_http_apigw_iam_ctx_t            *ictx;
    ngx_http_apigw_iam_key_t            *k;
    ngx_http_apigw_loc_conf_t           *alcf;
    ngx_http_apigw_sigv4_auth_t          auth;
    ngx_http_apigw_sigv4_error_t         err;
    ngx_http_apigw_sigv4_request_t       req;
    ngx_http_apigw_sigv4_credentials_t   cred;
    u_char                               hash[NGX_HTTP_APIGW_SIGV4_HEX_LEN];

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw iam authorize");

    ictx = ctx->auth;

    if (ictx && ictx->reading) {
        /* the body handler runs the phases again */
        return NGX_AGAIN;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    region = alcf->aws_region.len ? alcf->aws_region
                                  : ngx_http_apigw_iam_region;

    /* what the client signed: the request line's path and query */

    ngx_memzero(&req, sizeof(ngx_http_apigw_sigv4_request_t));

    req.method = r->method_name;
    req.path = r->unparsed_uri;

    p = ngx_strlchr(r->unparsed_uri.data,
                    r->unparsed_uri.data + r->unparsed_uri.len, '?');

    if (p) {
        req.path.len = p - r->unparsed_uri.data;
        req.query.data = p + 1;
        req.query.len = r->unparsed_uri.data + r->unparsed_uri.len - p - 1;
    }

    ngx_str_null(&amz_date);

    h = r->headers_in.authorization;

    if (h && h->value.len) {

        if (ngx_http_apigw_iam_date(r, &amz_date) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        value = r->headers_in.authorization->value;

        rc = ngx_http_apigw_sigv4_parse_authorization(&a, &value,
                                              amz_date.len ? &amz_date : NULL,
                                              &auth, &err);

    } else {
        rc = ngx_http_apigw_sigv4_parse_query(&a, &req.query, &auth, &err);

        if (rc == NGX_DECLINED && err.type.len == 0) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "apigw: IAM: the request is not signed");

            return ngx_http_apigw_send_error(r, ctx,
                                             NGX_HTTP_APIGW_GR_MISSING);
        }
    }

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_apigw_iam_reject(r, ctx,
                                         NGX_HTTP_APIGW_GR_INVALID_SIGNATURE,
                                         &err.type, &err.message,
                                         "a malformed signature");
    }

    now = ngx_time();

    rc = ngx_http_apigw_sigv4_check(&a, &auth,
                                    auth.presigned ? NULL : &amz_date,
                                    &region, &ngx_http_apigw_iam_service,
                                    now, NGX_HTTP_APIGW_IAM_SKEW, &err);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_apigw_iam_reject(r, ctx,
                                         NGX_HTTP_APIGW_GR_INVALID_SIGNATURE,
                                         &err.type, &err.message,
                                         "the signature's date or scope");
    }

    /* the key and its session token */

    k = ngx_http_apigw_iam_find(alcf->iam_credentials, &auth.access_key);

    if (auth.presigned) {
        token = auth.security_token;

    } else {
        h = ngx_http_apigw_find_header(&r->headers_in.headers,
                                       &ngx_http_apigw_iam_token_header);
        if (h) {
            token = h->value;

        } else {
            ngx_str_null(&token);
        }
    }

    if (k == NULL || !ngx_http_apigw_iam_token_valid(k, &token)) {
        return ngx_http_apigw_iam_reject(r, ctx,
                                         NGX_HTTP_APIGW_GR_INVALID_SIGNATURE,
                                         &ngx_http_apigw_iam_unrecognized,
                                         &ngx_http_apigw_iam_invalid_token,
                                         k ? "a wrong session token"
                                           : "an unknown access key");
    }

    if (k->expiration && now >= k->expiration) {
        return ngx_http_apigw_iam_reject(r, ctx,
                                         NGX_HTTP_APIGW_GR_EXPIRED_TOKEN,
                                         NULL, NULL,
                                         "an expired session token");
    }

    /* the body, which the signature covers */

    if (ngx_http_apigw_iam_has_body(r) && (ictx == NULL || !ictx->body_read))
    {
        if (ictx == NULL) {
            ictx = ngx_pcalloc(r->pool, sizeof(ngx_http_apigw_iam_ctx_t));
            if (ictx == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ctx->auth = ictx;
        }

        ictx->reading = 1;

        rc = ngx_http_read_client_request_body(r,
                                              ngx_http_apigw_iam_body_handler);

        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            ictx->reading = 0;
            return rc;
        }

        /*
         * the reference the read took: the body handler (called already,
         * or when the body is here) runs the phases again, as the mirror
         * module does
         */

        ngx_http_finalize_request(r, NGX_DONE);

        return NGX_DONE;
    }

    if (ictx == NULL || !ictx->body_read) {
        ngx_memcpy(hash, NGX_HTTP_APIGW_SIGV4_EMPTY_SHA256, sizeof(hash));

    } else if (ngx_http_apigw_iam_body_hash(r, hash) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    req.payload_hash.data = hash;
    req.payload_hash.len = sizeof(hash);
    req.amz_date = amz_date;
    req.region = region;
    req.service = ngx_http_apigw_iam_service;

    if (ngx_http_apigw_iam_headers(r, &req) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key = ngx_http_apigw_iam_signing_key(k, &auth);

    ngx_memzero(&cred, sizeof(ngx_http_apigw_sigv4_credentials_t));

    cred.access_key = k->caller.access_key;
    cred.secret_key = k->secret;
    cred.signing_key = key;

    rc = ngx_http_apigw_sigv4_verify(&a, &req, &auth, &cred, &err);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_apigw_iam_reject(r, ctx,
                                         NGX_HTTP_APIGW_GR_INVALID_SIGNATURE,
                                         &err.type, &err.message,
                                         "a signature that does not match");
    }

    /* authenticated: who the caller is, whatever the policies say */

    ctx->iam_caller = &k->caller;
    ctx->principal_id = k->caller.user_id;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw iam caller \"%V\" key \"%V\"",
                   &k->caller.arn, &k->caller.access_key);

    return ngx_http_apigw_iam_decide(r, ctx, alcf, k);
}


/* X-Amz-Date, or the Date header as a basic ISO 8601 date; empty: neither */

static ngx_int_t
ngx_http_apigw_iam_date(ngx_http_request_t *r, ngx_str_t *amz_date)
{
    u_char            iso[16];
    ngx_table_elt_t  *h;

    ngx_str_null(amz_date);

    h = ngx_http_apigw_find_header(&r->headers_in.headers,
                                   &ngx_http_apigw_iam_amz_date);
    if (h) {
        *amz_date = h->value;

    } else if (r->headers_in.date) {
        *amz_date = r->headers_in.date->value;

        if (ngx_http_apigw_sigv4_http_date(amz_date, iso) == NGX_OK) {
            amz_date->data = ngx_pnalloc(r->pool, sizeof(iso));
            if (amz_date->data == NULL) {
                return NGX_ERROR;
            }

            amz_date->len = ngx_cpymem(amz_date->data, iso, sizeof(iso))
                            - amz_date->data;
        }
    }

    return NGX_OK;
}


/*
 * A request for no resource or method: API Gateway answers 403 "Missing
 * Authentication Token", but when the request has an Authorization header
 * it reads it as a SigV4 one first, and a header that is none (Bearer,
 * Basic ...) gets the SigV4 parser's complaint instead, as an
 * IncompleteSignatureException.  A well-formed SigV4 header changes
 * nothing: there is no method whose policy it could be checked against.
 */

ngx_int_t
ngx_http_apigw_iam_missing(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx)
{
    ngx_int_t                      rc;
    ngx_str_t                      amz_date, value;
    ngx_http_apigw_alloc_t         a;
    ngx_http_apigw_sigv4_auth_t    auth;
    ngx_http_apigw_sigv4_error_t   err;

    if (r->headers_in.authorization == NULL
        || r->headers_in.authorization->value.len == 0)
    {
        return ngx_http_apigw_send_error(r, ctx, NGX_HTTP_APIGW_GR_MISSING);
    }

    if (ngx_http_apigw_iam_date(r, &amz_date) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a.alloc = ngx_http_apigw_pool_alloc;
    a.data = r->pool;

    value = r->headers_in.authorization->value;

    rc = ngx_http_apigw_sigv4_parse_authorization(&a, &value,
                                          amz_date.len ? &amz_date : NULL,
                                          &auth, &err);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED && err.type.len) {
        return ngx_http_apigw_iam_reject(r, ctx,
                                         NGX_HTTP_APIGW_GR_MISSING,
                                         &err.type, &err.message,
                                         "no resource or method, and an "
                                         "Authorization header that is no "
                                         "SigV4 one");
    }

    return ngx_http_apigw_send_error(r, ctx, NGX_HTTP_APIGW_GR_MISSING);
}


static ngx_int_t
ngx_http_apigw_iam_reject(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_gr_type_e type, ngx_str_t *amzn_type, ngx_str_t *message,
    const char *why)
{
    ngx_int_t  status;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "apigw: IAM authorization refused: %s", why);

    status = ngx_http_apigw_send_error(r, ctx, type);

    if (message) {
        ctx->error_message = *message;
    }

    if (amzn_type) {
        ctx->error_amzn_type = *amzn_type;
    }

    return status;
}


static ngx_http_apigw_iam_key_t *
ngx_http_apigw_iam_find(ngx_http_apigw_iam_credentials_t *creds,
    ngx_str_t *id)
{
    ngx_int_t                  rc;
    ngx_uint_t                 lo, hi, mid;
    ngx_http_apigw_iam_key_t   key;

    if (creds == NULL || id->len == 0) {
        return NULL;
    }

    key.caller.access_key = *id;

    lo = 0;
    hi = creds->nkeys;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        rc = ngx_http_apigw_iam_cmp_keys(&key, &creds->keys[mid]);

        if (rc == 0) {
            return &creds->keys[mid];
        }

        if (rc < 0) {
            hi = mid;

        } else {
            lo = mid + 1;
        }
    }

    return NULL;
}


/*
 * Temporary credentials need their token, the very one; long-term ones
 * take none.  Compared in constant time.
 */

static ngx_int_t
ngx_http_apigw_iam_token_valid(ngx_http_apigw_iam_key_t *k, ngx_str_t *token)
{
    if (k->session_token.len == 0) {
        return token->len == 0;
    }

    return token->len == k->session_token.len
           && CRYPTO_memcmp(token->data, k->session_token.data, token->len)
              == 0;
}


static ngx_int_t
ngx_http_apigw_iam_has_body(ngx_http_request_t *r)
{
    return r->headers_in.content_length_n > 0 || r->headers_in.chunked;
}


static void
ngx_http_apigw_iam_body_handler(ngx_http_request_t *r)
{
    ngx_http_apigw_ctx_t      *ctx;
    ngx_http_apigw_iam_ctx_t  *ictx;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw iam body read");

    ctx = ngx_http_apigw_get_ctx(r);
    ictx = ctx->auth;

    ictx->reading = 0;
    ictx->body_read = 1;

    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}


/* the body's SHA-256, without copying what is in memory */

static ngx_int_t
ngx_http_apigw_iam_body_hash(ngx_http_request_t *r, u_char *hash)
{
    ngx_str_t    *parts, body;
    ngx_uint_t    n;
    ngx_chain_t  *cl;

    n = 0;

    if (r->request_body) {
        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            if (cl->buf->in_file) {
                goto file;
            }

            n++;
        }
    }

    parts = ngx_palloc(r->pool, (n + 1) * sizeof(ngx_str_t));
    if (parts == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    if (r->request_body) {
        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            parts[n].data = cl->buf->pos;
            parts[n++].len = cl->buf->last - cl->buf->pos;
        }
    }

    ngx_http_apigw_sigv4_sha256_hex_parts(parts, n, hash);

    return NGX_OK;

file:

    /* a body larger than client_body_buffer_size, in a temporary file */

    if (ngx_http_apigw_read_body(r, &body) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_apigw_sigv4_sha256_hex(body.data, body.len, hash);

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_iam_headers(ngx_http_request_t *r,
    ngx_http_apigw_sigv4_request_t *req)
{
    ngx_uint_t                      i, n;
    ngx_list_part_t                *part;
    ngx_table_elt_t                *h;
    ngx_http_apigw_sigv4_header_t  *sh;

    n = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        n += part->nelts;
    }

    sh = ngx_palloc(r->pool, (n + 1) * sizeof(ngx_http_apigw_sigv4_header_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash == 0) {
                continue;
            }

            sh[n].name = h[i].key;
            sh[n++].value = h[i].value;
        }
    }

    req->headers = sh;
    req->nheaders = n;

    return NGX_OK;
}


/* the key of the request's date and region, derived once a day */

static u_char *
ngx_http_apigw_iam_signing_key(ngx_http_apigw_iam_key_t *k,
    ngx_http_apigw_sigv4_auth_t *auth)
{
    size_t  len;

    len = auth->date.len + 1 + auth->region.len;

    if (len > sizeof(k->key_scope)) {
        return NULL;    /* the engine derives it from the secret */
    }

    if (len == k->key_scope_len
        && ngx_strncmp(k->key_scope, auth->date.data, auth->date.len) == 0
        && ngx_strncmp(k->key_scope + auth->date.len + 1, auth->region.data,
                       auth->region.len)
           == 0)
    {
        return k->key;
    }

    ngx_http_apigw_sigv4_signing_key(&k->secret, &auth->date, &auth->region,
                                     &auth->service, k->key);

    ngx_memcpy(k->key_scope, auth->date.data, auth->date.len);
    k->key_scope[auth->date.len] = '/';
    ngx_memcpy(k->key_scope + auth->date.len + 1, auth->region.data,
               auth->region.len);
    k->key_scope_len = len;

    return k->key;
}


/* execute-api:Invoke on the method: NGX_OK, or AWS's 403 */

static ngx_int_t
ngx_http_apigw_iam_decide(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_loc_conf_t *alcf, ngx_http_apigw_iam_key_t *k)
{
    ngx_int_t  result, rc;
    ngx_str_t  arn, alias, message;

    if (ngx_http_apigw_method_arn(r, ctx, alcf, &arn, &alias) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->method_arn = arn;

    result = ngx_http_apigw_iam_evaluate(r, alcf, k,
                                         &ngx_http_apigw_iam_invoke, &arn,
                                         &alias);

    if (result == NGX_HTTP_APIGW_POLICY_ALLOW) {
        return NGX_OK;
    }

    if (ngx_http_apigw_iam_denial(r, k, &ngx_http_apigw_iam_invoke, &arn,
                                  result, &message)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* AWS's words, "Message" capitalised */

    rc = ngx_http_apigw_send_error(r, ctx, NGX_HTTP_APIGW_GR_ACCESS_DENIED);

    ctx->error_message = message;
    ctx->iam_message = 1;

    return rc;
}


/*
 * May the IAM caller of this request perform another action on its
 * method, e.g. execute-api:InvalidateCache (cache.c)?  1 or 0, with
 * AWS's denial in message; 0 without an IAM caller.
 */

ngx_int_t
ngx_http_apigw_iam_permitted(ngx_http_request_t *r, ngx_http_apigw_ctx_t *ctx,
    ngx_str_t *action, ngx_str_t *message)
{
    ngx_int_t                   result;
    ngx_str_t                   arn, alias;
    ngx_http_apigw_iam_key_t   *k;
    ngx_http_apigw_loc_conf_t  *alcf;

    if (ctx->iam_caller == NULL) {
        return 0;
    }

    /* the caller is the first member of its key */

    k = (ngx_http_apigw_iam_key_t *) ((u_char *) ctx->iam_caller
                                 - offsetof(ngx_http_apigw_iam_key_t, caller));

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);

    if (ngx_http_apigw_method_arn(r, ctx, alcf, &arn, &alias) != NGX_OK) {
        return NGX_ERROR;
    }

    result = ngx_http_apigw_iam_evaluate(r, alcf, k, action, &arn, &alias);

    if (result == NGX_HTTP_APIGW_POLICY_ALLOW) {
        return 1;
    }

    if (message
        && ngx_http_apigw_iam_denial(r, k, action, &arn, result, message)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return 0;
}


/*
 * The caller's identity policies and the API's resource policy, as
 * AWS's tables A (same account) and B (another account) combine them.
 */

static ngx_int_t
ngx_http_apigw_iam_evaluate(ngx_http_request_t *r,
    ngx_http_apigw_loc_conf_t *alcf, ngx_http_apigw_iam_key_t *k,
    ngx_str_t *action, ngx_str_t *arn, ngx_str_t *alias)
{
    ngx_int_t                         identity, resource, result, rc;
    ngx_str_t                         aliases[2];
    ngx_uint_t                        i, same;
    ngx_http_apigw_srv_conf_t        *ascf;
    ngx_http_apigw_policy_kv_t        kv[4];
    ngx_http_apigw_policy_request_t   req;

    static const char  *results[] = { "none", "allow", "explicit deny" };

    ngx_memzero(&req, sizeof(ngx_http_apigw_policy_request_t));

    req.action = *action;
    req.resource = *arn;
    req.resource_alias = *alias;

    /* the caller, and its account: {"AWS": "123456789012"} or its root */

    req.principal = k->caller.arn;
    aliases[0] = k->caller.account;
    aliases[1] = k->root;
    req.principal_aliases = aliases;
    req.nprincipal_aliases = 2;

    ngx_str_set(&kv[0].key, "aws:SourceIp");
    kv[0].value = r->connection->addr_text;
    ngx_str_set(&kv[1].key, "aws:PrincipalArn");
    kv[1].value = k->caller.arn;
    ngx_str_set(&kv[2].key, "aws:PrincipalAccount");
    kv[2].value = k->caller.account;
    ngx_str_set(&kv[3].key, "aws:userid");
    kv[3].value = k->caller.user_id;

    req.context = kv;
    req.ncontext = 4;

    identity = NGX_HTTP_APIGW_POLICY_IMPLICIT_DENY;

    for (i = 0; i < k->npolicies; i++) {
        rc = ngx_http_apigw_policy_eval(k->policies[i], &req);

        if (rc == NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY) {
            identity = rc;
            break;
        }

        if (rc == NGX_HTTP_APIGW_POLICY_ALLOW) {
            identity = rc;
        }
    }

    resource = alcf->resource_policy
               ? ngx_http_apigw_policy_eval(alcf->resource_policy, &req)
               : NGX_HTTP_APIGW_POLICY_IMPLICIT_DENY;

    ascf = ngx_http_get_module_srv_conf(r, ngx_http_apigw_module);

    same = (ascf->account.len == k->caller.account.len
            && ngx_strncmp(ascf->account.data, k->caller.account.data,
                           ascf->account.len)
               == 0);

    if (identity == NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY
        || resource == NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY)
    {
        result = NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY;

    } else if (same) {
        result = (identity == NGX_HTTP_APIGW_POLICY_ALLOW
                  || resource == NGX_HTTP_APIGW_POLICY_ALLOW)
                 ? NGX_HTTP_APIGW_POLICY_ALLOW
                 : NGX_HTTP_APIGW_POLICY_IMPLICIT_DENY;

    } else {
        result = (identity == NGX_HTTP_APIGW_POLICY_ALLOW
                  && resource == NGX_HTTP_APIGW_POLICY_ALLOW)
                 ? NGX_HTTP_APIGW_POLICY_ALLOW
                 : NGX_HTTP_APIGW_POLICY_IMPLICIT_DENY;
    }

    if (result != NGX_HTTP_APIGW_POLICY_ALLOW) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: IAM: \"%V\" may not %V \"%V\" (identity "
                      "policies: %s, resource policy: %s, %s account)",
                      &k->caller.arn, action, arn, results[identity],
                      results[resource], same ? "same" : "another");
    }

    return result;
}


/* User: ARN is not authorized to perform: ACTION on resource: ARN ... */

static ngx_int_t
ngx_http_apigw_iam_denial(ngx_http_request_t *r, ngx_http_apigw_iam_key_t *k,
    ngx_str_t *action, ngx_str_t *arn, ngx_int_t result, ngx_str_t *message)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, sizeof("User:  is not authorized to perform:  "
                                    "on resource:  with an explicit deny")
                             + k->caller.arn.len + action->len + arn->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    message->data = p;
    message->len =
        ngx_sprintf(p, "User: %V is not authorized to perform: %V on "
                    "resource: %V%s", &k->caller.arn, action, arn,
                    result == NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY
                    ? " with an explicit deny" : "")
        - p;

    return NGX_OK;
}
