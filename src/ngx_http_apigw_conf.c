
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Directive setters: the API, its stages, resources, methods,
 * integrations, gateway responses and CORS.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_mapping.h"
#include "ngx_http_apigw_cache.h"
#include "ngx_http_apigw_throttle.h"


typedef struct {
    ngx_str_t                           name;
    ngx_http_apigw_integration_type_e   type;
} ngx_http_apigw_integration_name_t;


static char *ngx_http_apigw_stage_block(ngx_conf_t *cf, ngx_command_t *dummy,
    void *conf);
static ngx_int_t ngx_http_apigw_stage_name_valid(ngx_str_t *name);
static ngx_int_t ngx_http_apigw_stage_value_valid(ngx_str_t *value);
static char *ngx_http_apigw_integration_aws(ngx_conf_t *cf,
    ngx_http_apigw_integration_t *in, ngx_str_t *value, ngx_uint_t nelts,
    ngx_uint_t *first);
static char *ngx_http_apigw_parse_header(ngx_conf_t *cf, ngx_str_t *arg,
    ngx_array_t **headers, ngx_uint_t param);
static char *ngx_http_apigw_comma_list(ngx_conf_t *cf, ngx_str_t *value,
    ngx_str_t *out);


static ngx_str_t  ngx_http_apigw_method_names[] = {
    ngx_string("GET"),
    ngx_string("POST"),
    ngx_string("PUT"),
    ngx_string("PATCH"),
    ngx_string("DELETE"),
    ngx_string("HEAD"),
    ngx_string("OPTIONS"),
    ngx_string("ANY"),
    ngx_null_string
};


static ngx_http_apigw_integration_name_t  ngx_http_apigw_integrations[] = {
    { ngx_string("mock"), NGX_HTTP_APIGW_INT_MOCK },
    { ngx_string("http"), NGX_HTTP_APIGW_INT_HTTP },
    { ngx_string("http_proxy"), NGX_HTTP_APIGW_INT_HTTP_PROXY },
    { ngx_string("lambda"), NGX_HTTP_APIGW_INT_LAMBDA },
    { ngx_string("aws"), NGX_HTTP_APIGW_INT_AWS },
    { ngx_null_string, 0 }
};


char *
ngx_http_apigw_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_srv_conf_t *ascf = conf;

    u_char      *p;
    ngx_str_t   *value;
    ngx_uint_t   i, n;

    if (ascf->name.len) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > 1024) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid API name \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    ascf->name = value[1];

    /* a new configuration is a new deployment */

    ascf->deployment.data = ngx_pnalloc(cf->pool, 6);
    if (ascf->deployment.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ascf->deployment.len = 6;
    ngx_http_apigw_random_id(ascf->deployment.data, 6);

    ngx_str_set(&ascf->account, "123456789012");

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "id=", 3) == 0) {
            ascf->id.data = value[i].data + 3;
            ascf->id.len = value[i].len - 3;

            if (ascf->id.len == 0 || ascf->id.len > 64) {
                goto invalid_id;
            }

            for (n = 0; n < ascf->id.len; n++) {
                p = &ascf->id.data[n];

                if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
                    goto invalid_id;
                }
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "account=", 8) == 0) {
            ascf->account.data = value[i].data + 8;
            ascf->account.len = value[i].len - 8;

            if (ascf->account.len != 12) {
                goto invalid_account;
            }

            for (n = 0; n < 12; n++) {
                if (ascf->account.data[n] < '0'
                    || ascf->account.data[n] > '9')
                {
                    goto invalid_account;
                }
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (ascf->id.len) {
        return NGX_CONF_OK;
    }

    /* AWS API ids are 10 lowercase alphanumerics; derive a stable one */

    ascf->id.data = ngx_pnalloc(cf->pool, 10);
    if (ascf->id.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ascf->id.len = 10;
    ngx_http_apigw_make_id(&ascf->name, ascf->id.data, 10);

    return NGX_CONF_OK;

invalid_account:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid account \"%V\": 12 digits expected",
                       &ascf->account);
    return NGX_CONF_ERROR;

invalid_id:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid API id \"%V\": lowercase letters and digits "
                       "only, at most 64", &ascf->id);
    return NGX_CONF_ERROR;
}


/*
 * A whole file read at configuration time (templates, API keys), into
 * memory from ngx_alloc() that the caller frees (and wipes, for secrets);
 * at most max bytes.
 */

ngx_int_t
ngx_http_apigw_conf_read_file(ngx_conf_t *cf, ngx_str_t *name, size_t max,
    ngx_str_t *out)
{
    off_t            size;
    ssize_t          n;
    ngx_fd_t         fd;
    ngx_int_t        rc;
    ngx_file_info_t  fi;

    ngx_str_null(out);

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", name);
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%V\" failed", name);
        goto done;
    }

    size = ngx_file_size(&fi);

    if (size > (off_t) max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is over %uz bytes", name, max);
        goto done;
    }

    out->data = ngx_alloc((size_t) size + 1, cf->log);
    if (out->data == NULL) {
        goto done;
    }

    n = ngx_read_fd(fd, out->data, (size_t) size);

    if (n != (ssize_t) size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_read_fd_n " \"%V\" failed", name);
        ngx_free(out->data);
        out->data = NULL;
        goto done;
    }

    out->len = (size_t) size;
    rc = NGX_OK;

done:

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", name);
    }

    return rc;
}


/* the engines' allocator (ngx_http_apigw_alloc_t) on a pool */

/*
 * A location of the module's own handler (cache admin, usage): in a
 * server without apigw_api, where requests are not API requests.
 */

char *
ngx_http_apigw_conf_handler(ngx_conf_t *cf, ngx_http_apigw_loc_conf_t *alcf,
    ngx_http_handler_pt handler)
{
    ngx_http_core_loc_conf_t   *clcf;
    ngx_http_apigw_srv_conf_t  *ascf;

    ascf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_apigw_module);

    if (ascf->name.len || alcf->resource || alcf->method) {
        return "is not allowed in a server with \"apigw_api\": every "
               "request there is an API request";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == handler) {
        return "is duplicate";
    }

    clcf->handler = handler;

    return NGX_CONF_OK;
}


/* a zone's name in the slab allocator's messages */

ngx_int_t
ngx_http_apigw_shm_log_ctx(ngx_shm_zone_t *shm_zone, ngx_slab_pool_t *shpool,
    char *kind)
{
    size_t  len;

    len = sizeof(" in apigw  zone \"\"") + ngx_strlen(kind)
          + shm_zone->shm.name.len;

    shpool->log_ctx = ngx_slab_alloc(shpool, len);
    if (shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(shpool->log_ctx, " in apigw %s zone \"%V\"%Z", kind,
                &shm_zone->shm.name);

    /* the module evicts entries when a zone is full, and says so itself */

    shpool->log_nomem = 0;

    return NGX_OK;
}


/*
 * The module's zones of the running configuration with this init, one
 * after the other: *part NULL for the first, NULL after the last.
 */

ngx_shm_zone_t *
ngx_http_apigw_shm_zone_next(ngx_shm_zone_init_pt init,
    ngx_list_part_t **part, ngx_uint_t *i)
{
    ngx_shm_zone_t  *shm_zone;

    if (*part == NULL) {
        *part = &((ngx_cycle_t *) ngx_cycle)->shared_memory.part;
        *i = 0;
    }

    for ( ;; ) {
        if (*i >= (*part)->nelts) {
            if ((*part)->next == NULL) {
                return NULL;
            }

            *part = (*part)->next;
            *i = 0;
            continue;
        }

        shm_zone = (ngx_shm_zone_t *) (*part)->elts + (*i)++;

        if (shm_zone->tag == &ngx_http_apigw_module && shm_zone->init == init)
        {
            return shm_zone;
        }
    }
}


void *
ngx_http_apigw_pool_alloc(void *pool, size_t size)
{
    return ngx_palloc((ngx_pool_t *) pool, size);
}


void
ngx_http_apigw_random_id(u_char *dst, size_t len)
{
    size_t  i;

    static u_char  digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

    for (i = 0; i < len; i++) {
        dst[i] = digits[ngx_random() % 36];
    }
}


void
ngx_http_apigw_make_id(ngx_str_t *src, u_char *dst, size_t len)
{
    size_t     i;
    uint64_t   h;

    static u_char  digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

    /* FNV-1a: stable across builds and reloads */

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < src->len; i++) {
        h ^= src->data[i];
        h *= 0x100000001b3ULL;
    }

    for (i = 0; i < len; i++) {
        dst[i] = digits[h % 36];
        h /= 36;

        if (h == 0) {
            h = 0x9e3779b97f4a7c15ULL ^ i;
        }
    }
}


char *
ngx_http_apigw_stage(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_srv_conf_t *ascf = conf;

    char                    *rv;
    ngx_str_t               *value;
    ngx_uint_t               i;
    ngx_conf_t               save;
    ngx_http_apigw_stage_t  *stage;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > 128
        || ngx_http_apigw_stage_name_valid(&value[1]) != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid stage name \"%V\": letters, digits, "
                           "\"-\" and \"_\" only, at most 128", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (ascf->stages == NULL) {
        ascf->stages = ngx_array_create(cf->pool, 4,
                                        sizeof(ngx_http_apigw_stage_t));
        if (ascf->stages == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    stage = ascf->stages->elts;

    for (i = 0; i < ascf->stages->nelts; i++) {
        if (stage[i].name.len == value[1].len
            && ngx_strncmp(stage[i].name.data, value[1].data, value[1].len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate stage \"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    stage = ngx_array_push(ascf->stages);
    if (stage == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(stage, sizeof(ngx_http_apigw_stage_t));

    stage->name = value[1];
    stage->index = ascf->stages->nelts - 1;

    if (ngx_array_init(&stage->variables, cf->pool, 4, sizeof(ngx_keyval_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    save = *cf;
    cf->handler = ngx_http_apigw_stage_block;
    cf->handler_conf = (char *) stage;

    rv = ngx_conf_parse(cf, NULL);

    *cf = save;

    return rv;
}


static char *
ngx_http_apigw_stage_block(ngx_conf_t *cf, ngx_command_t *dummy, void *conf)
{
    ngx_http_apigw_stage_t  *stage = (ngx_http_apigw_stage_t *) conf;

    ngx_str_t     *value;
    ngx_uint_t     i;
    ngx_keyval_t  *kv;

    value = cf->args->elts;

    if (value[0].len == 8 && ngx_strncmp(value[0].data, "variable", 8) == 0) {

        if (cf->args->nelts != 3) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid number of arguments in \"variable\" "
                               "of \"apigw_stage\"");
            return NGX_CONF_ERROR;
        }

        if (value[1].len == 0
            || value[1].len > NGX_HTTP_APIGW_STAGE_VAR_NAME_MAX)
        {
            goto invalid_name;
        }

        for (i = 0; i < value[1].len; i++) {
            if (!(isalnum(value[1].data[i]) || value[1].data[i] == '_')) {
                goto invalid_name;
            }
        }

        if (value[2].len > NGX_HTTP_APIGW_STAGE_VAR_VALUE_MAX
            || ngx_http_apigw_stage_value_valid(&value[2]) != NGX_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid value \"%V\" of stage variable "
                               "\"%V\": letters, digits and "
                               "\"-._~:/?#&=,\" only, at most %d",
                               &value[2], &value[1],
                               NGX_HTTP_APIGW_STAGE_VAR_VALUE_MAX);
            return NGX_CONF_ERROR;
        }

        kv = stage->variables.elts;

        for (i = 0; i < stage->variables.nelts; i++) {
            if (kv[i].key.len == value[1].len
                && ngx_strncmp(kv[i].key.data, value[1].data, value[1].len)
                   == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "duplicate stage variable \"%V\"",
                                   &value[1]);
                return NGX_CONF_ERROR;
            }
        }

        kv = ngx_array_push(&stage->variables);
        if (kv == NULL) {
            return NGX_CONF_ERROR;
        }

        kv->key = value[1];
        kv->value = value[2];

        return NGX_CONF_OK;
    }

    if (value[0].len == 5 && ngx_strncmp(value[0].data, "cache", 5) == 0) {
        return ngx_http_apigw_cache_stage(cf, stage);
    }

    if (value[0].len == 8 && ngx_strncmp(value[0].data, "throttle", 8) == 0) {
        return ngx_http_apigw_throttle_stage(cf, stage);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "unknown directive \"%V\" in \"apigw_stage\"",
                       &value[0]);
    return NGX_CONF_ERROR;

invalid_name:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid stage variable name \"%V\": letters, digits "
                       "and \"_\" only, at most %d",
                       &value[1], NGX_HTTP_APIGW_STAGE_VAR_NAME_MAX);
    return NGX_CONF_ERROR;
}


static ngx_int_t
ngx_http_apigw_stage_name_valid(ngx_str_t *name)
{
    u_char      c;
    ngx_uint_t  i;

    for (i = 0; i < name->len; i++) {
        c = name->data[i];

        if (!(isalnum(c) || c == '-' || c == '_')) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_stage_value_valid(ngx_str_t *value)
{
    u_char      c;
    ngx_uint_t  i;

    for (i = 0; i < value->len; i++) {
        c = value->data[i];

        if (!(isalnum(c) || ngx_strchr("-._~:/?#&=,", c) != NULL)) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


char *
ngx_http_apigw_resource(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t                  *value;
    ngx_http_core_loc_conf_t   *clcf;

    if (alcf->method) {
        return "is not allowed inside \"apigw_method\"";
    }

    if (alcf->resource) {
        return "is duplicate";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->named || clcf->noname) {
        return "is not allowed in a named location or an \"if\" block";
    }

    value = cf->args->elts;

    alcf->resource = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_resource_t));
    if (alcf->resource == NULL) {
        return NGX_CONF_ERROR;
    }

    return ngx_http_apigw_resource_compile(cf, alcf->resource, &value[1]);
}


char *
ngx_http_apigw_method(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *pconf = conf;

    char                       *rv;
    void                       *mconf;
    ngx_str_t                  *value, name;
    ngx_uint_t                  i;
    ngx_conf_t                  save;
    ngx_http_module_t          *module;
    ngx_http_conf_ctx_t        *ctx, *pctx;
    ngx_http_apigw_method_t    *m;
    ngx_queue_t                *q;
    ngx_http_core_loc_conf_t   *clcf, *pclcf, *nclcf;
    ngx_http_apigw_loc_conf_t  *alcf;
    ngx_http_location_queue_t  *lq;

    if (pconf->method) {
        return "is not allowed inside \"apigw_method\"";
    }

    pclcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (pclcf->named || pclcf->noname) {
        return "is not allowed in a named location or an \"if\" block";
    }

    value = cf->args->elts;

    name.len = value[1].len;
    name.data = ngx_pnalloc(cf->pool, name.len);
    if (name.data == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < name.len; i++) {
        name.data[i] = ngx_toupper(value[1].data[i]);
    }

    for (i = 0; ngx_http_apigw_method_names[i].len; i++) {
        if (ngx_http_apigw_method_names[i].len == name.len
            && ngx_strncmp(ngx_http_apigw_method_names[i].data, name.data,
                           name.len) == 0)
        {
            break;
        }
    }

    if (ngx_http_apigw_method_names[i].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid method \"%V\": GET, POST, PUT, PATCH, "
                           "DELETE, HEAD, OPTIONS or ANY", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (pconf->methods == NULL) {
        pconf->methods = ngx_array_create(cf->pool, 4,
                                          sizeof(ngx_http_apigw_method_t));
        if (pconf->methods == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    m = pconf->methods->elts;

    for (i = 0; i < pconf->methods->nelts; i++) {
        if (m[i].name.len == name.len
            && ngx_strncmp(m[i].name.data, name.data, name.len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate method \"%V\"", &name);
            return NGX_CONF_ERROR;
        }
    }

    m = ngx_array_push(pconf->methods);
    if (m == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(m, sizeof(ngx_http_apigw_method_t));

    m->name = name;
    m->file = cf->conf_file->file.name.data;
    m->line = cf->conf_file->line;

    /* a location-like context, as "limit_except" builds one */

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_conf_ctx_t));
    if (ctx == NULL) {
        return NGX_CONF_ERROR;
    }

    pctx = cf->ctx;
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

    m->loc_conf = ctx->loc_conf;

    clcf = ctx->loc_conf[ngx_http_core_module.ctx_index];
    clcf->loc_conf = ctx->loc_conf;
    clcf->name = pclcf->name;
    clcf->noname = 1;

    alcf = ctx->loc_conf[ngx_http_apigw_module.ctx_index];
    alcf->method = m;

    if (ngx_http_add_location(cf, &pclcf->locations, clcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    save = *cf;
    cf->ctx = ctx;
    cf->cmd_type = NGX_HTTP_LOC_CONF;

    rv = ngx_conf_parse(cf, NULL);

    *cf = save;

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (clcf->locations) {
        for (q = ngx_queue_head(clcf->locations);
             q != ngx_queue_sentinel(clcf->locations);
             q = ngx_queue_next(q))
        {
            lq = (ngx_http_location_queue_t *) q;
            nclcf = lq->exact ? lq->exact : lq->inclusive;

            if (!nclcf->lmt_excpt) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"location\" is not allowed inside "
                                   "\"apigw_method\"");
                return NGX_CONF_ERROR;
            }
        }
    }

    if (alcf->integration == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "no \"apigw_integration\" in \"apigw_method %V\"",
                           &name);
        return NGX_CONF_ERROR;
    }

    rv = ngx_http_apigw_mapping_check(cf, alcf);

    if (rv != NGX_CONF_OK) {
        if (rv != NGX_CONF_ERROR) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"apigw_method %V\": %s",
                               &name, rv);
        }

        return NGX_CONF_ERROR;
    }

    return ngx_http_apigw_integration_init(cf, ctx, alcf);
}


char *
ngx_http_apigw_integration(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    char                           *rv;
    ngx_int_t                       n;
    ngx_str_t                      *value, s;
    ngx_uint_t                      i, first;
    ngx_http_apigw_integration_t   *in;

    if (alcf->method == NULL) {
        return "is only allowed inside \"apigw_method\"";
    }

    if (alcf->integration) {
        return "is duplicate";
    }

    value = cf->args->elts;

    in = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_integration_t));
    if (in == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; ngx_http_apigw_integrations[i].name.len; i++) {
        if (ngx_http_apigw_integrations[i].name.len == value[1].len
            && ngx_strncasecmp(ngx_http_apigw_integrations[i].name.data,
                               value[1].data, value[1].len) == 0)
        {
            break;
        }
    }

    if (ngx_http_apigw_integrations[i].name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown integration type \"%V\": "
                           "mock, http, http_proxy, lambda or aws", &value[1]);
        return NGX_CONF_ERROR;
    }

    in->type = ngx_http_apigw_integrations[i].type;
    in->timeout = NGX_CONF_UNSET_MSEC;
    first = 2;

    if (in->type == NGX_HTTP_APIGW_INT_LAMBDA) {

        if (cf->args->nelts < 3 || value[2].len == 0
            || ngx_strchr(value[2].data, '=') != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "integration \"lambda\" needs a function "
                               "name or ARN");
            return NGX_CONF_ERROR;
        }

        in->function = ngx_http_apigw_tpl_compile(cf, &value[2],
                                                  NGX_HTTP_APIGW_TPL_CONTEXT);
        if (in->function == NULL) {
            return NGX_CONF_ERROR;
        }

        in->payload = 10;
        first = 3;

    } else if (in->type == NGX_HTTP_APIGW_INT_AWS) {

        rv = ngx_http_apigw_integration_aws(cf, in, value, cf->args->nelts,
                                            &first);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

    } else if (in->type != NGX_HTTP_APIGW_INT_MOCK) {

        if (cf->args->nelts < 3
            || (ngx_strncasecmp(value[2].data, (u_char *) "http://", 7) != 0
                && ngx_strncasecmp(value[2].data, (u_char *) "https://", 8)
                   != 0))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "integration \"%V\" needs an http:// or "
                               "https:// endpoint URI", &value[1]);
            return NGX_CONF_ERROR;
        }

        in->uri = ngx_http_apigw_tpl_compile(cf, &value[2],
                                             NGX_HTTP_APIGW_TPL_URI);
        if (in->uri == NULL) {
            return NGX_CONF_ERROR;
        }

        first = 3;
    }

    for (i = first; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "timeout=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            in->timeout = ngx_parse_time(&s, 0);

            if (in->timeout == (ngx_msec_t) NGX_ERROR
                || in->timeout < 50 || in->timeout > 300000)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid timeout \"%V\": from 50ms "
                                   "to 300s", &s);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (in->type == NGX_HTTP_APIGW_INT_LAMBDA) {

            if (ngx_strcmp(value[i].data, "proxy") == 0) {
                in->proxy = 1;
                continue;
            }

            if (ngx_strcmp(value[i].data, "payload=1.0") == 0) {
                in->payload = 10;
                continue;
            }

            if (ngx_strcmp(value[i].data, "payload=2.0") == 0) {
                in->payload = 20;
                continue;
            }

            goto invalid;
        }

        if (ngx_strncmp(value[i].data, "method=", 7) == 0
            && in->type != NGX_HTTP_APIGW_INT_MOCK)
        {
            in->http_method.data = value[i].data + 7;
            in->http_method.len = value[i].len - 7;

            if (in->http_method.len == 0) {
                goto invalid;
            }

            for (n = 0; n < (ngx_int_t) in->http_method.len; n++) {
                if (in->http_method.data[n] < 'A'
                    || in->http_method.data[n] > 'Z')
                {
                    goto invalid;
                }
            }

            continue;
        }

        if (in->type != NGX_HTTP_APIGW_INT_MOCK) {
            goto invalid;
        }

        if (ngx_strncmp(value[i].data, "status=", 7) == 0) {
            n = ngx_atoi(value[i].data + 7, value[i].len - 7);

            if (n < 100 || n > 599) {
                goto invalid;
            }

            in->status = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "body=", 5) == 0) {
            in->body.data = value[i].data + 5;
            in->body.len = value[i].len - 5;
            continue;
        }

        if (ngx_strncmp(value[i].data, "content_type=", 13) == 0) {
            in->content_type.data = value[i].data + 13;
            in->content_type.len = value[i].len - 13;

            if (in->content_type.len == 0) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "header=", 7) == 0) {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            rv = ngx_http_apigw_parse_header(cf, &s, &in->headers, 0);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        goto invalid;
    }

    if (in->timeout == NGX_CONF_UNSET_MSEC) {
        in->timeout = NGX_HTTP_APIGW_DEFAULT_TIMEOUT;
    }

    if (in->status == 0) {
        in->status = NGX_HTTP_OK;
    }

    if (in->content_type.len == 0) {
        ngx_str_set(&in->content_type, "application/json");
    }

    alcf->integration = in;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\" for integration \"%V\"",
                       &value[i], &value[1]);
    return NGX_CONF_ERROR;
}


/*
 * aws SERVICE action/ACTION | path/PATH, or the integration URI of AWS:
 * aws arn:aws:apigateway:REGION:SERVICE:(action|path)/...
 */

static char *
ngx_http_apigw_integration_aws(ngx_conf_t *cf,
    ngx_http_apigw_integration_t *in, ngx_str_t *value, ngx_uint_t nelts,
    ngx_uint_t *first)
{
    u_char     *p, *last, *colon;
    ngx_str_t   service, what;

    if (nelts < 3) {
        goto invalid;
    }

    if (value[2].len > 19
        && ngx_strncmp(value[2].data, "arn:aws:apigateway:", 19) == 0)
    {
        p = value[2].data + 19;
        last = value[2].data + value[2].len;

        colon = ngx_strlchr(p, last, ':');
        if (colon == NULL) {
            goto invalid;
        }

        in->region.data = p;
        in->region.len = colon - p;

        p = colon + 1;
        colon = ngx_strlchr(p, last, ':');
        if (colon == NULL) {
            goto invalid;
        }

        service.data = p;
        service.len = colon - p;
        what.data = colon + 1;
        what.len = last - what.data;
        *first = 3;

    } else {
        if (nelts < 4) {
            goto invalid;
        }

        service = value[2];
        what = value[3];
        *first = 4;
    }

    if (service.len == 0) {
        goto invalid;
    }

    for (p = service.data; p < service.data + service.len; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
              || *p == '-'))
        {
            goto invalid;
        }
    }

    in->service = service;

    if (what.len > 7 && ngx_strncmp(what.data, "action/", 7) == 0) {
        in->action.data = what.data + 7;
        in->action.len = what.len - 7;

        for (p = in->action.data; p < what.data + what.len; p++) {
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
                  || (*p >= '0' && *p <= '9') || *p == '_'))
            {
                goto invalid;
            }
        }

        (void) ngx_http_apigw_aws_service(&in->service, &in->target,
                                          &in->amz_type);

        if (service.len == 2 && ngx_strncmp(service.data, "s3", 2) == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "s3 takes path/BUCKET/KEY, not an action");
            return NGX_CONF_ERROR;
        }

        return NGX_CONF_OK;
    }

    if (what.len > 5 && ngx_strncmp(what.data, "path/", 5) == 0) {
        in->path.data = what.data + 5;
        in->path.len = what.len - 5;
        return NGX_CONF_OK;
    }

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "integration \"aws\" needs a service and "
                       "action/ACTION or path/PATH, or "
                       "arn:aws:apigateway:REGION:SERVICE:action/ACTION|"
                       "path/PATH");
    return NGX_CONF_ERROR;
}


/*
 * "Name:value": the value is a 'quoted literal' or, with param set,
 * an AWS mapping source (method.request.header.x, stageVariables.x, ...);
 * otherwise the text after the colon, taken literally.
 */

static char *
ngx_http_apigw_parse_header(ngx_conf_t *cf, ngx_str_t *arg,
    ngx_array_t **headers, ngx_uint_t param)
{
    u_char                   *colon;
    ngx_str_t                 value;
    ngx_uint_t                i;
    ngx_http_apigw_header_t  *h;

    colon = ngx_strlchr(arg->data, arg->data + arg->len, ':');

    if (colon == NULL || colon == arg->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid header \"%V\": \"Name:value\" expected",
                           arg);
        return NGX_CONF_ERROR;
    }

    for (i = 0; arg->data + i < colon; i++) {
        if (arg->data[i] <= ' ' || arg->data[i] >= 0x7f
            || ngx_strchr("()<>@,;\\\"/[]?={}", arg->data[i]) != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid header name in \"%V\"", arg);
            return NGX_CONF_ERROR;
        }
    }

    if (*headers == NULL) {
        *headers = ngx_array_create(cf->pool, 2,
                                    sizeof(ngx_http_apigw_header_t));
        if (*headers == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    h = ngx_array_push(*headers);
    if (h == NULL) {
        return NGX_CONF_ERROR;
    }

    h->name.data = arg->data;
    h->name.len = colon - arg->data;

    value.data = colon + 1;
    value.len = arg->data + arg->len - value.data;

    for (i = 0; i < value.len; i++) {
        if (value.data[i] == CR || value.data[i] == LF
            || value.data[i] == '\0')
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid header value in \"%V\"", arg);
            return NGX_CONF_ERROR;
        }
    }

    if (param) {
        h->value = ngx_http_apigw_tpl_param(cf, &value);

    } else {
        h->value = ngx_http_apigw_tpl_compile(cf, &value, 0);
    }

    if (h->value == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_apigw_gateway_response(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    char                               *rv;
    ngx_int_t                           type, n;
    ngx_str_t                          *value, s;
    ngx_uint_t                          i;
    ngx_http_apigw_gateway_response_t  *gr;

    value = cf->args->elts;

    type = ngx_http_apigw_gr_type(&value[1]);

    if (type == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown gateway response type \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (alcf->responses == NULL) {
        alcf->responses = ngx_pcalloc(cf->pool,
                                  sizeof(ngx_http_apigw_gateway_responses_t));
        if (alcf->responses == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (alcf->responses->responses[type]) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate gateway response \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    gr = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_gateway_response_t));
    if (gr == NULL) {
        return NGX_CONF_ERROR;
    }

    gr->type = type;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "status=", 7) == 0) {
            n = ngx_atoi(value[i].data + 7, value[i].len - 7);

            if (n < 100 || n > 599) {
                goto invalid;
            }

            gr->status = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "header=", 7) == 0) {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            rv = ngx_http_apigw_parse_header(cf, &s, &gr->headers, 1);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "body=", 5) == 0) {
            s.data = value[i].data + 5;
            s.len = value[i].len - 5;

            gr->body = ngx_http_apigw_tpl_compile(cf, &s,
                                                  NGX_HTTP_APIGW_TPL_CONTEXT);
            if (gr->body == NULL) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        goto invalid;
    }

    alcf->responses->responses[type] = gr;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


char *
ngx_http_apigw_cors(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    u_char                 *p, *last, *start;
    ngx_int_t               n;
    ngx_str_t              *value, s, *origin;
    ngx_uint_t              i;
    ngx_http_apigw_cors_t  *cors;

    static ngx_http_apigw_cors_t  ngx_http_apigw_cors_off;  /* disabled */

    if (alcf->cors) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        alcf->cors = &ngx_http_apigw_cors_off;
        return NGX_CONF_OK;
    }

    cors = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_cors_t));
    if (cors == NULL) {
        return NGX_CONF_ERROR;
    }

    cors->enabled = 1;
    cors->max_age = -1;

    /* the AWS console's "Enable CORS" defaults */
    ngx_str_set(&cors->headers, "Content-Type,X-Amz-Date,Authorization,"
                                "X-Api-Key,X-Amz-Security-Token");

    for (i = 1; i < cf->args->nelts; i++) {

        if (i == 1 && ngx_strcmp(value[i].data, "on") == 0) {
            continue;
        }

        if (ngx_strncmp(value[i].data, "origin=", 7) == 0) {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            if (s.len == 0) {
                goto invalid;
            }

            if (s.len == 1 && s.data[0] == '*') {
                continue;
            }

            cors->origins = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
            if (cors->origins == NULL) {
                return NGX_CONF_ERROR;
            }

            last = s.data + s.len;

            for (p = s.data; p < last; p++) {
                start = p;

                while (p < last && *p != ',') {
                    p++;
                }

                if (p == start) {
                    goto invalid;
                }

                origin = ngx_array_push(cors->origins);
                if (origin == NULL) {
                    return NGX_CONF_ERROR;
                }

                origin->data = start;
                origin->len = p - start;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "methods=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            if (ngx_http_apigw_comma_list(cf, &s, &cors->methods)
                != NGX_CONF_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "headers=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            if (ngx_http_apigw_comma_list(cf, &s, &cors->headers)
                != NGX_CONF_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "expose=", 7) == 0) {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            if (ngx_http_apigw_comma_list(cf, &s, &cors->expose)
                != NGX_CONF_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            n = ngx_parse_time(&s, 1);
            if (n == NGX_ERROR) {
                goto invalid;
            }

            cors->max_age = n;
            continue;
        }

        if (ngx_strcmp(value[i].data, "credentials=on") == 0) {
            cors->credentials = 1;
            continue;
        }

        if (ngx_strcmp(value[i].data, "credentials=off") == 0) {
            cors->credentials = 0;
            continue;
        }

        goto invalid;
    }

    if (cors->credentials && cors->origins == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"credentials=on\" needs explicit origins: "
                           "browsers refuse credentials with \"*\"");
        return NGX_CONF_ERROR;
    }

    alcf->cors = cors;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


/* "a, b,c" -> "a,b,c"; header-token characters only */

static char *
ngx_http_apigw_comma_list(ngx_conf_t *cf, ngx_str_t *value, ngx_str_t *out)
{
    u_char      c, *p;
    ngx_uint_t  i;

    if (value->len == 0) {
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->pool, value->len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    out->data = p;

    for (i = 0; i < value->len; i++) {
        c = value->data[i];

        if (c == ' ') {
            continue;
        }

        if (c == ',' || c == '*' || c == '-' || c == '_' || c == '.'
            || isalnum(c))
        {
            *p++ = c;
            continue;
        }

        return NGX_CONF_ERROR;
    }

    out->len = p - out->data;

    return out->len ? NGX_CONF_OK : NGX_CONF_ERROR;
}


char *
ngx_http_apigw_lambda_endpoint(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    ngx_str_t  *value;

    if (alcf->lambda_endpoint.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strncasecmp(value[1].data, (u_char *) "http://", 7) != 0
        && ngx_strncasecmp(value[1].data, (u_char *) "https://", 8) != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid lambda endpoint \"%V\": an http:// or "
                           "https:// URL expected", &value[1]);
        return NGX_CONF_ERROR;
    }

    alcf->lambda_endpoint = value[1];

    while (alcf->lambda_endpoint.len
           && alcf->lambda_endpoint.data[alcf->lambda_endpoint.len - 1] == '/')
    {
        alcf->lambda_endpoint.len--;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_apigw_binary_media_types(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    u_char      *slash;
    ngx_str_t   *value, *type;
    ngx_uint_t   i;

    if (alcf->binary_types != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    alcf->binary_types = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                          sizeof(ngx_str_t));
    if (alcf->binary_types == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        slash = ngx_strlchr(value[i].data, value[i].data + value[i].len, '/');

        if (slash == NULL || slash == value[i].data
            || slash == value[i].data + value[i].len - 1)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid media type \"%V\": \"type/subtype\" "
                               "expected, \"*\" allowed", &value[i]);
            return NGX_CONF_ERROR;
        }

        type = ngx_array_push(alcf->binary_types);
        if (type == NULL) {
            return NGX_CONF_ERROR;
        }

        type->len = value[i].len;
        type->data = ngx_pnalloc(cf->pool, type->len);
        if (type->data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_strlow(type->data, value[i].data, type->len);
    }

    return NGX_CONF_OK;
}


/* is the request's Content-Type one of the binary media types? */

ngx_int_t
ngx_http_apigw_is_binary(ngx_http_request_t *r,
    ngx_http_apigw_loc_conf_t *alcf)
{
    u_char      *p, *last, *slash;
    ngx_str_t   *type, ct;
    ngx_uint_t   i;

    if (alcf->binary_types == NULL || r->headers_in.content_type == NULL) {
        return 0;
    }

    ct = r->headers_in.content_type->value;
    last = ct.data + ct.len;

    for (p = ct.data; p < last && *p != ';' && *p != ' '; p++) {
        /* void */
    }

    ct.len = p - ct.data;
    slash = ngx_strlchr(ct.data, ct.data + ct.len, '/');

    if (slash == NULL) {
        return 0;
    }

    type = alcf->binary_types->elts;

    for (i = 0; i < alcf->binary_types->nelts; i++) {

        if (type[i].len == 3 && ngx_strncmp(type[i].data, "*/*", 3) == 0) {
            return 1;
        }

        if (type[i].len > 2 && type[i].data[type[i].len - 1] == '*'
            && type[i].data[type[i].len - 2] == '/')
        {
            if ((size_t) (slash - ct.data) == type[i].len - 2
                && ngx_strncasecmp(ct.data, type[i].data, type[i].len - 2)
                   == 0)
            {
                return 1;
            }

            continue;
        }

        if (type[i].len == ct.len
            && ngx_strncasecmp(ct.data, type[i].data, ct.len) == 0)
        {
            return 1;
        }
    }

    return 0;
}
