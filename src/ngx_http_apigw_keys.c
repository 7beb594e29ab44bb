
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * API keys: loaded once at configuration time from AWS's CSV import
 * format (apigw_api_keys) or written inline (apigw_api_key), kept only
 * as SHA-256 digests in a sorted array, and checked in the access phase
 * of methods with apigw_api_key_required: a missing, unknown or disabled
 * key is AWS's INVALID_API_KEY, 403 {"message":"Forbidden"}.  The key
 * itself is never kept in memory or logged.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_throttle.h"
#include "ngx_http_apigw_sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>


#define NGX_HTTP_APIGW_KEY_MIN      20      /* AWS's bounds of a key */
#define NGX_HTTP_APIGW_KEY_MAX      128
#define NGX_HTTP_APIGW_KEY_ID_LEN   10


struct ngx_http_apigw_api_key_s {
    u_char                      hash[32];
    u_char                      id[NGX_HTTP_APIGW_KEY_ID_LEN];
    ngx_str_t                   name;
    ngx_str_t                   plans;      /* UsagePlanIds, as written */
    ngx_array_t                *usage_plans;  /* key_plan_t */
    unsigned                    enabled:1;
};


static char *ngx_http_apigw_keys_csv(ngx_conf_t *cf,
    ngx_http_apigw_keys_t *keys, ngx_str_t *name, u_char *start,
    u_char *end);
static u_char *ngx_http_apigw_csv_field(u_char *p, u_char *end,
    ngx_str_t *field, ngx_uint_t *last);
static char *ngx_http_apigw_key_add(ngx_conf_t *cf,
    ngx_http_apigw_keys_t *keys, ngx_str_t *name, ngx_str_t *key,
    ngx_uint_t enabled, ngx_str_t *plans, ngx_str_t *file, ngx_uint_t line);
static ngx_http_apigw_keys_t *ngx_http_apigw_keys_get(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *alcf);
static int ngx_libc_cdecl ngx_http_apigw_key_cmp(const void *a,
    const void *b);
static void ngx_http_apigw_key_hash(u_char *key, size_t len, u_char *hash);
static ngx_int_t ngx_http_apigw_key_plans(ngx_conf_t *cf,
    ngx_http_apigw_api_key_t *k);


static ngx_http_apigw_keys_t *
ngx_http_apigw_keys_get(ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *alcf)
{
    ngx_http_apigw_keys_t  *keys;

    if (alcf->keys != NGX_CONF_UNSET_PTR && alcf->keys != NULL) {
        return alcf->keys;
    }

    keys = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_keys_t));
    if (keys == NULL) {
        return NULL;
    }

    if (ngx_array_init(&keys->keys, cf->pool, 16,
                       sizeof(ngx_http_apigw_api_key_t))
        != NGX_OK)
    {
        return NULL;
    }

    alcf->keys = keys;

    return keys;
}


/* apigw_api_keys FILE: AWS's CSV import format */

char *
ngx_http_apigw_api_keys(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    char                   *rv;
    ngx_str_t              *value, name, buf;
    ngx_http_apigw_keys_t  *keys;

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    keys = ngx_http_apigw_keys_get(cf, alcf);
    if (keys == NULL) {
        return NGX_CONF_ERROR;
    }

    /* a buffer wiped after loading: keys must not stay in memory */

    if (ngx_http_apigw_conf_read_file(cf, &name, NGX_MAX_SIZE_T_VALUE, &buf)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    rv = ngx_http_apigw_keys_csv(cf, keys, &name, buf.data,
                                 buf.data + buf.len);

    ngx_explicit_memzero(buf.data, buf.len);
    ngx_free(buf.data);

    return rv;
}


static char *
ngx_http_apigw_keys_csv(ngx_conf_t *cf, ngx_http_apigw_keys_t *keys,
    ngx_str_t *name, u_char *start, u_char *end)
{
    char        *rv;
    u_char      *p;
    ngx_int_t    col_name, col_key, col_enabled, col_plans;
    ngx_str_t    field, kname, key, plans;
    ngx_uint_t   line, col, last, enabled, header;

    col_name = -1;
    col_key = -1;
    col_enabled = -1;
    col_plans = -1;

    p = start;
    line = 0;
    header = 1;

    /* a UTF-8 byte order mark, as spreadsheets write */

    if (end - p >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        p += 3;
    }

    while (p < end) {
        line++;

        if (*p == '\n' || *p == '\r') {
            p++;
            continue;
        }

        ngx_str_null(&kname);
        ngx_str_null(&key);
        ngx_str_null(&plans);
        enabled = 1;

        for (col = 0; /* void */; col++) {
            p = ngx_http_apigw_csv_field(p, end, &field, &last);

            if (p == NULL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "unterminated quote in \"%V\" line %ui",
                                   name, line);
                return NGX_CONF_ERROR;
            }

            if (header) {
                if (field.len == 4
                    && ngx_strncasecmp(field.data, (u_char *) "name", 4) == 0)
                {
                    col_name = col;

                } else if (field.len == 3
                           && ngx_strncasecmp(field.data, (u_char *) "key", 3)
                              == 0)
                {
                    col_key = col;

                } else if (field.len == 7
                           && ngx_strncasecmp(field.data,
                                              (u_char *) "enabled", 7) == 0)
                {
                    col_enabled = col;

                } else if (field.len == 12
                           && ngx_strncasecmp(field.data,
                                              (u_char *) "usageplanids", 12)
                              == 0)
                {
                    col_plans = col;
                }

            } else if ((ngx_int_t) col == col_name) {
                kname = field;

            } else if ((ngx_int_t) col == col_key) {
                key = field;

            } else if ((ngx_int_t) col == col_enabled) {
                if (field.len == 5
                    && ngx_strncasecmp(field.data, (u_char *) "false", 5) == 0)
                {
                    enabled = 0;

                } else if (!(field.len == 0
                             || (field.len == 4
                                 && ngx_strncasecmp(field.data,
                                                    (u_char *) "true", 4)
                                    == 0)))
                {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid Enabled \"%V\" in \"%V\" "
                                       "line %ui: true or false expected",
                                       &field, name, line);
                    return NGX_CONF_ERROR;
                }

            } else if ((ngx_int_t) col == col_plans) {
                plans = field;
            }

            if (last) {
                break;
            }
        }

        if (header) {
            header = 0;

            if (col_key == -1) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "no \"Key\" column in the header of "
                                   "\"%V\": AWS's import format is "
                                   "Name,Key,Description,Enabled,"
                                   "UsagePlanIds", name);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        rv = ngx_http_apigw_key_add(cf, keys, &kname, &key, enabled, &plans,
                                    name, line);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    return NGX_CONF_OK;
}


/*
 * One CSV field (RFC 4180: "quoted", "" inside quotes); *last is set at
 * the end of a line.  NULL: an unterminated quote.
 */

static u_char *
ngx_http_apigw_csv_field(u_char *p, u_char *end, ngx_str_t *field,
    ngx_uint_t *last)
{
    u_char  *dst;

    *last = 0;

    if (p < end && *p == '"') {
        p++;
        field->data = p;
        dst = p;

        for ( ;; ) {
            if (p == end) {
                return NULL;
            }

            if (*p == '"') {
                if (p + 1 < end && p[1] == '"') {
                    *dst++ = '"';
                    p += 2;
                    continue;
                }

                p++;
                break;
            }

            *dst++ = *p++;
        }

        field->len = dst - field->data;

        while (p < end && *p != ',' && *p != '\n') {
            p++;
        }

    } else {
        field->data = p;

        while (p < end && *p != ',' && *p != '\n') {
            p++;
        }

        field->len = p - field->data;
    }

    while (field->len && (field->data[field->len - 1] == '\r'
                          || field->data[field->len - 1] == ' '))
    {
        field->len--;
    }

    while (field->len && field->data[0] == ' ') {
        field->data++;
        field->len--;
    }

    if (p == end || *p == '\n') {
        *last = 1;
    }

    if (p < end) {
        p++;
    }

    return p;
}


/* apigw_api_key NAME KEY [enabled=on|off] [plans=ID,...] */

char *
ngx_http_apigw_api_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t              *value, plans;
    ngx_uint_t              i, enabled;
    ngx_http_apigw_keys_t  *keys;

    value = cf->args->elts;

    keys = ngx_http_apigw_keys_get(cf, alcf);
    if (keys == NULL) {
        return NGX_CONF_ERROR;
    }

    enabled = 1;
    ngx_str_null(&plans);

    for (i = 3; i < cf->args->nelts; i++) {

        if (ngx_strcmp(value[i].data, "enabled=off") == 0) {
            enabled = 0;
            continue;
        }

        if (ngx_strcmp(value[i].data, "enabled=on") == 0) {
            enabled = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "plans=", 6) == 0) {
            plans.data = value[i].data + 6;
            plans.len = value[i].len - 6;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return ngx_http_apigw_key_add(cf, keys, &value[1], &value[2], enabled,
                                  &plans, NULL, 0);
}


static char *
ngx_http_apigw_key_add(ngx_conf_t *cf, ngx_http_apigw_keys_t *keys,
    ngx_str_t *name, ngx_str_t *key, ngx_uint_t enabled, ngx_str_t *plans,
    ngx_str_t *file, ngx_uint_t line)
{
    ngx_uint_t                 i;
    ngx_http_apigw_api_key_t  *k;

    if (key->len < NGX_HTTP_APIGW_KEY_MIN
        || key->len > NGX_HTTP_APIGW_KEY_MAX)
    {
        goto invalid;
    }

    for (i = 0; i < key->len; i++) {
        if (key->data[i] <= ' ' || key->data[i] >= 0x7f) {
            goto invalid;
        }
    }

    if (keys->sorted) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "API keys must be declared before the locations "
                           "that use them");
        return NGX_CONF_ERROR;
    }

    k = ngx_array_push(&keys->keys);
    if (k == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(k, sizeof(ngx_http_apigw_api_key_t));

    ngx_http_apigw_key_hash(key->data, key->len, k->hash);

    if (name->len) {
        k->name.data = ngx_pstrdup(cf->pool, name);
        if (k->name.data == NULL) {
            return NGX_CONF_ERROR;
        }

        k->name.len = name->len;
    }

    if (plans->len) {
        k->plans.data = ngx_pstrdup(cf->pool, plans);
        if (k->plans.data == NULL) {
            return NGX_CONF_ERROR;
        }

        k->plans.len = plans->len;
    }

    k->enabled = enabled ? 1 : 0;

    /* AWS's ids are 10 characters of [a-z0-9]: derived from the digest */

    for (i = 0; i < NGX_HTTP_APIGW_KEY_ID_LEN; i++) {
        k->id[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[k->hash[31 - i]
                                                        % 36];
    }

    return NGX_CONF_OK;

invalid:

    if (file) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid API key of \"%V\" in \"%V\" line %ui: "
                           "%d to %d printable characters expected", name,
                           file, line, NGX_HTTP_APIGW_KEY_MIN,
                           NGX_HTTP_APIGW_KEY_MAX);

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid API key of \"%V\": %d to %d printable "
                           "characters expected", name,
                           NGX_HTTP_APIGW_KEY_MIN, NGX_HTTP_APIGW_KEY_MAX);
    }

    return NGX_CONF_ERROR;
}


/* at merge time, once per set of keys: sorted by digest, no duplicates */

ngx_int_t
ngx_http_apigw_keys_init(ngx_conf_t *cf, ngx_http_apigw_keys_t *keys)
{
    ngx_uint_t                 i;
    ngx_http_apigw_api_key_t  *k;

    if (keys->sorted) {
        return NGX_OK;
    }

    keys->sorted = 1;

    k = keys->keys.elts;

    ngx_qsort(k, keys->keys.nelts, sizeof(ngx_http_apigw_api_key_t),
              ngx_http_apigw_key_cmp);

    for (i = 1; i < keys->keys.nelts; i++) {
        if (ngx_memcmp(k[i - 1].hash, k[i].hash, 32) == 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "duplicate API key: \"%V\" and \"%V\" have the "
                          "same value", &k[i - 1].name, &k[i].name);
            return NGX_ERROR;
        }
    }

    for (i = 0; i < keys->keys.nelts; i++) {
        if (k[i].plans.len && ngx_http_apigw_key_plans(cf, &k[i]) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * A key's UsagePlanIds (ids or names of apigw_usage_plan), once the
 * whole configuration is read: the plans, and the key among their
 * members.  Without any usage plan the column is ignored, as before
 * plans existed; with plans, a plan that does not exist is an error, and
 * so are two plans with an API stage in common (AWS refuses both).
 */

static ngx_int_t
ngx_http_apigw_key_plans(ngx_conf_t *cf, ngx_http_apigw_api_key_t *k)
{
    u_char                      *p, *last, *start;
    ngx_str_t                    name, key, *id;
    ngx_uint_t                   i;
    ngx_http_apigw_plan_t       *plan;
    ngx_http_apigw_key_plan_t   *kp;
    ngx_http_apigw_main_conf_t  *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_apigw_module);

    if (amcf->plans.nelts == 0) {
        return NGX_OK;
    }

    p = k->plans.data;
    last = p + k->plans.len;

    while (p < last) {
        while (p < last && (*p == ' ' || *p == ',')) {
            p++;
        }

        start = p;

        while (p < last && *p != ',' && *p != ' ') {
            p++;
        }

        if (p == start) {
            break;
        }

        name.data = start;
        name.len = p - start;

        plan = ngx_http_apigw_plan_find(amcf, &name);

        if (plan == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unknown usage plan \"%V\" of API key \"%V\"",
                          &name, &k->name);
            return NGX_ERROR;
        }

        if (k->usage_plans == NULL) {
            k->usage_plans = ngx_array_create(cf->pool, 1,
                                          sizeof(ngx_http_apigw_key_plan_t));
            if (k->usage_plans == NULL) {
                return NGX_ERROR;
            }
        }

        kp = k->usage_plans->elts;

        for (i = 0; i < k->usage_plans->nelts; i++) {
            if (kp[i].plan == plan) {
                break;
            }

            if (ngx_http_apigw_plans_overlap(kp[i].plan, plan)) {
                ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                              "API key \"%V\" is in usage plans \"%V\" and "
                              "\"%V\", which have an API stage in common",
                              &k->name, &kp[i].plan->name, &plan->name);
                return NGX_ERROR;
            }
        }

        if (i < k->usage_plans->nelts) {
            continue;
        }

        kp = ngx_array_push(k->usage_plans);
        if (kp == NULL) {
            return NGX_ERROR;
        }

        key.data = k->id;
        key.len = NGX_HTTP_APIGW_KEY_ID_LEN;

        if (ngx_http_apigw_key_plan_init(cf, kp, plan, &key) != NGX_OK) {
            return NGX_ERROR;
        }

        id = ngx_array_push(&plan->keys);
        if (id == NULL) {
            return NGX_ERROR;
        }

        id->data = k->id;
        id->len = NGX_HTTP_APIGW_KEY_ID_LEN;
    }

    return NGX_OK;
}


static int ngx_libc_cdecl
ngx_http_apigw_key_cmp(const void *a, const void *b)
{
    return ngx_memcmp(((ngx_http_apigw_api_key_t *) a)->hash,
                      ((ngx_http_apigw_api_key_t *) b)->hash, 32);
}


/*
 * SHA-256 of a key.  One digest context per process, reused: EVP_Digest()
 * allocates and frees one for every call, which is most of the cost of
 * hashing a key of 20-40 bytes (a worker is single-threaded).
 */

static void
ngx_http_apigw_key_hash(u_char *key, size_t len, u_char *hash)
{
    unsigned int         n;

    static EVP_MD_CTX  *md;

    n = 32;

    if (md == NULL) {
        md = EVP_MD_CTX_new();
    }

    if (md == NULL
        || EVP_DigestInit_ex(md, ngx_http_apigw_sigv4_md(), NULL) != 1
        || EVP_DigestUpdate(md, key, len) != 1
        || EVP_DigestFinal_ex(md, hash, &n) != 1)
    {
        (void) EVP_Digest(key, len, hash, &n, ngx_http_apigw_sigv4_md(),
                          NULL);
    }
}


/*
 * The access phase: the x-api-key header of a method that requires one.
 * The lookup is by digest (what an attacker does not know), the final
 * comparison of digests in constant time.
 */

ngx_int_t
ngx_http_apigw_keys_handler(ngx_http_request_t *r)
{
    u_char                     hash[32];
    ngx_str_t                  name, key;
    ngx_uint_t                 lo, hi, mid;
    ngx_int_t                  c;
    ngx_table_elt_t           *h;
    ngx_http_apigw_ctx_t      *ctx;
    ngx_http_apigw_api_key_t  *k, *found;
    ngx_http_apigw_loc_conf_t *alcf;

    ctx = ngx_http_apigw_get_ctx(r);

    if (ctx == NULL || !ctx->routed || r != r->main) {
        return NGX_DECLINED;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);

    if (!alcf->key_required || ctx->preflight) {
        return NGX_DECLINED;
    }

    /* AWS's apiKeySource: the header, or a Lambda authorizer's answer */

    if (alcf->key_source == NGX_HTTP_APIGW_KEY_SOURCE_AUTHORIZER) {
        key = ctx->usage_key;

    } else {
        ngx_str_set(&name, "x-api-key");
        h = ngx_http_apigw_find_header(&r->headers_in.headers, &name);

        if (h) {
            key = h->value;

        } else {
            ngx_str_null(&key);
        }
    }

    if (key.len == 0 || alcf->keys == NULL) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: %s API key", key.len ? "unknown" : "no");
        return ngx_http_apigw_send_error(r, ctx,
                                         NGX_HTTP_APIGW_GR_INVALID_API_KEY);
    }

    ngx_http_apigw_key_hash(key.data, key.len, hash);

    k = alcf->keys->keys.elts;
    lo = 0;
    hi = alcf->keys->keys.nelts;
    found = NULL;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = ngx_memcmp(hash, k[mid].hash, 32);

        if (c == 0) {
            found = &k[mid];
            break;
        }

        if (c < 0) {
            hi = mid;

        } else {
            lo = mid + 1;
        }
    }

    if (found == NULL || CRYPTO_memcmp(hash, found->hash, 32) != 0
        || !found->enabled)
    {
        if (found) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "apigw: disabled API key \"%V\"", &found->name);

        } else {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "apigw: unknown API key");
        }

        return ngx_http_apigw_send_error(r, ctx,
                                         NGX_HTTP_APIGW_GR_INVALID_API_KEY);
    }

    ctx->api_key = key;
    ctx->api_key_id.data = found->id;
    ctx->api_key_id.len = NGX_HTTP_APIGW_KEY_ID_LEN;
    ctx->api_key_plans = found->usage_plans;

    return NGX_DECLINED;
}
