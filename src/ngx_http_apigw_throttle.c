
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Throttling and usage plans, as API Gateway applies them after the API
 * key: the account's limit (apigw_throttle at http level), the stage's
 * limit of each method or the method's own in that stage (the stage
 * block's "throttle", apigw_throttle in a method), and for a key of a
 * usage plan the plan's limit, its limit of the method, and its quota
 * (apigw_usage_plan).  Each limit is a token bucket; a request passes
 * when every bucket has a token and the quota is not used up, and only
 * then takes them: the most restrictive limit wins.  What a request
 * needs is worked out at configuration time down to the buckets' ids;
 * the store (ngx_http_apigw_store_ops_t) checks them.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_throttle.h"


typedef struct {
    ngx_http_apigw_limit_t         *limit;
    ngx_array_t                   **stages;     /* stages=, NULL: refused */
    ngx_str_t                      *plan;       /* plan=, NULL: refused */
} ngx_http_apigw_limit_args_t;


static char *ngx_http_apigw_limit_args(ngx_conf_t *cf, ngx_str_t *value,
    ngx_uint_t n, ngx_http_apigw_limit_args_t *args);
static char *ngx_http_apigw_stage_list(ngx_conf_t *cf, ngx_str_t *value,
    ngx_array_t **list);
static ngx_int_t ngx_http_apigw_plan_valid(ngx_str_t *name);
static ngx_int_t ngx_http_apigw_plan_find_one(ngx_http_apigw_plan_t *plan,
    ngx_str_t *name);
static char *ngx_http_apigw_method_limits(ngx_conf_t *cf,
    ngx_http_apigw_throttle_conf_t *tc, ngx_http_apigw_loc_conf_t *conf);
static ngx_int_t ngx_http_apigw_limit_covers(ngx_array_t *stages,
    ngx_str_t *stage);
static ngx_int_t ngx_http_apigw_plans_resolve(ngx_conf_t *cf,
    ngx_http_apigw_main_conf_t *amcf);
static int ngx_libc_cdecl ngx_http_apigw_str_cmp(const void *a,
    const void *b);
static ngx_int_t ngx_http_apigw_bucket_add(ngx_http_request_t *r,
    ngx_http_apigw_check_t *chk, ngx_http_apigw_limit_t *limit,
    ngx_str_t *key, ngx_str_t *method, ngx_str_t *plan);
static ngx_http_apigw_key_plan_t *ngx_http_apigw_key_plan(
    ngx_http_apigw_ctx_t *ctx, ngx_http_apigw_srv_conf_t *ascf);
static ngx_int_t ngx_http_apigw_throttle_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


#define NGX_HTTP_APIGW_VAR_THROTTLED_BY     0
#define NGX_HTTP_APIGW_VAR_RATE             1
#define NGX_HTTP_APIGW_VAR_BURST            2
#define NGX_HTTP_APIGW_VAR_REMAINING        3
#define NGX_HTTP_APIGW_VAR_PLAN             4
#define NGX_HTTP_APIGW_VAR_QUOTA_LIMIT      5
#define NGX_HTTP_APIGW_VAR_QUOTA_REMAINING  6
#define NGX_HTTP_APIGW_VAR_QUOTA_RESET      7


static ngx_http_variable_t  ngx_http_apigw_throttle_vars[] = {

    { ngx_string("apigw_throttled_by"), NULL,
      ngx_http_apigw_throttle_variable, NGX_HTTP_APIGW_VAR_THROTTLED_BY,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("apigw_throttle_rate"), NULL,
      ngx_http_apigw_throttle_variable, NGX_HTTP_APIGW_VAR_RATE,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("apigw_throttle_burst"), NULL,
      ngx_http_apigw_throttle_variable, NGX_HTTP_APIGW_VAR_BURST,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("apigw_throttle_remaining"), NULL,
      ngx_http_apigw_throttle_variable, NGX_HTTP_APIGW_VAR_REMAINING,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("apigw_usage_plan_id"), NULL,
      ngx_http_apigw_throttle_variable, NGX_HTTP_APIGW_VAR_PLAN,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("apigw_quota_limit"), NULL,
      ngx_http_apigw_throttle_variable, NGX_HTTP_APIGW_VAR_QUOTA_LIMIT,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("apigw_quota_remaining"), NULL,
      ngx_http_apigw_throttle_variable, NGX_HTTP_APIGW_VAR_QUOTA_REMAINING,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("apigw_quota_reset"), NULL,
      ngx_http_apigw_throttle_variable, NGX_HTTP_APIGW_VAR_QUOTA_RESET,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_str_t  ngx_http_apigw_levels[] = {
    ngx_string("account"),
    ngx_string("stage"),
    ngx_string("method"),
    ngx_string("usage_plan"),
    ngx_string("usage_plan_method"),
    ngx_string("quota")
};


static ngx_str_t  ngx_http_apigw_periods[] = {
    ngx_string("day"),
    ngx_string("week"),
    ngx_string("month")
};


void *
ngx_http_apigw_throttle_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_apigw_main_conf_t  *amcf;

    amcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_main_conf_t));
    if (amcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     amcf->account = NULL;
     *     amcf->zone_name = { 0, NULL };
     *     amcf->zone_size = 0;
     *     amcf->shm_zone = NULL;
     *     amcf->store = NULL;
     *     amcf->state_path = { 0, NULL };
     *     amcf->state_file = { 0, NULL };
     *     amcf->state_dir = NULL;
     *     amcf->used = 0;
     */

    if (ngx_array_init(&amcf->plans, cf->pool, 4,
                       sizeof(ngx_http_apigw_plan_t))
        != NGX_OK)
    {
        return NULL;
    }

    amcf->state_interval = NGX_CONF_UNSET_MSEC;

    return amcf;
}


/*
 * apigw_throttle rate=R burst=B: at http level the account's limit; in
 * a location or method the method's, in all or some stages (stages=),
 * for all callers or for the keys of a usage plan (plan=)
 */

char *
ngx_http_apigw_throttle(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_loc_conf_t *alcf = conf;

    char                           *rv;
    ngx_str_t                      *value;
    ngx_http_apigw_main_conf_t     *amcf;
    ngx_http_apigw_limit_args_t     args;
    ngx_http_apigw_method_limit_t  *ml;

    value = cf->args->elts;
    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_apigw_module);

    ngx_memzero(&args, sizeof(ngx_http_apigw_limit_args_t));

    if (cf->cmd_type == NGX_HTTP_MAIN_CONF) {
        if (amcf->account) {
            return "is duplicate";
        }

        amcf->account = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_limit_t));
        if (amcf->account == NULL) {
            return NGX_CONF_ERROR;
        }

        args.limit = amcf->account;

        rv = ngx_http_apigw_limit_args(cf, &value[1], cf->args->nelts - 1,
                                       &args);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        amcf->used = 1;

        return NGX_CONF_OK;
    }

    if (alcf->throttle == NULL) {
        alcf->throttle = ngx_pcalloc(cf->pool,
                                     sizeof(ngx_http_apigw_throttle_conf_t));
        if (alcf->throttle == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (alcf->throttle->limits == NULL) {
        alcf->throttle->limits = ngx_array_create(cf->pool, 2,
                                       sizeof(ngx_http_apigw_method_limit_t));
        if (alcf->throttle->limits == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    ml = ngx_array_push(alcf->throttle->limits);
    if (ml == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(ml, sizeof(ngx_http_apigw_method_limit_t));

    ml->file = cf->conf_file->file.name.data;
    ml->line = cf->conf_file->line;

    args.limit = &ml->limit;
    args.stages = &ml->stages;
    args.plan = &ml->plan_name;

    rv = ngx_http_apigw_limit_args(cf, &value[1], cf->args->nelts - 1, &args);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    amcf->used = 1;

    return NGX_CONF_OK;
}


/* the stage block's "throttle rate=R burst=B": each method's default */

char *
ngx_http_apigw_throttle_stage(ngx_conf_t *cf, ngx_http_apigw_stage_t *stage)
{
    ngx_str_t                    *value;
    ngx_http_apigw_main_conf_t   *amcf;
    ngx_http_apigw_limit_args_t   args;

    if (stage->throttle) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate \"throttle\" in \"apigw_stage\"");
        return NGX_CONF_ERROR;
    }

    stage->throttle = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_limit_t));
    if (stage->throttle == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    ngx_memzero(&args, sizeof(ngx_http_apigw_limit_args_t));
    args.limit = stage->throttle;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_apigw_module);
    amcf->used = 1;

    return ngx_http_apigw_limit_args(cf, &value[1], cf->args->nelts - 1,
                                     &args);
}


/* rate=R burst=B [stages=...] [plan=...]: rate and burst both required */

static char *
ngx_http_apigw_limit_args(ngx_conf_t *cf, ngx_str_t *value, ngx_uint_t n,
    ngx_http_apigw_limit_args_t *args)
{
    ngx_int_t   burst;
    ngx_str_t   s;
    ngx_uint_t  i, rate;

    rate = 0;
    burst = -1;

    for (i = 0; i < n; i++) {

        if (ngx_strncmp(value[i].data, "rate=", 5) == 0 && !rate) {
            if (ngx_http_apigw_parse_rate(value[i].data + 5,
                                          value[i].len - 5,
                                          &args->limit->rate)
                != NGX_OK)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid rate \"%V\": requests a second, "
                                   "at most 3 decimals and 1000000000",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            rate = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "burst=", 6) == 0 && burst == -1) {
            burst = ngx_atoi(value[i].data + 6, value[i].len - 6);

            if (burst == NGX_ERROR
                || (uint64_t) burst > NGX_HTTP_APIGW_BURST_MAX)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid burst \"%V\": a number of "
                                   "requests, at most 1000000000",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            args->limit->burst = burst;
            continue;
        }

        if (ngx_strncmp(value[i].data, "stages=", 7) == 0 && args->stages
            && *args->stages == NULL)
        {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            if (ngx_http_apigw_stage_list(cf, &s, args->stages)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "plan=", 5) == 0 && args->plan
            && args->plan->len == 0)
        {
            args->plan->data = value[i].data + 5;
            args->plan->len = value[i].len - 5;

            if (args->plan->len == 0) {
                goto invalid;
            }

            continue;
        }

        goto invalid;
    }

    if (!rate || burst == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "both \"rate=\" and \"burst=\" are required");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid or duplicate parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


/* "dev,prod" into an array of ngx_str_t */

static char *
ngx_http_apigw_stage_list(ngx_conf_t *cf, ngx_str_t *value,
    ngx_array_t **list)
{
    u_char     *p, *last, *start;
    ngx_str_t  *s;

    *list = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
    if (*list == NULL) {
        return NGX_CONF_ERROR;
    }

    p = value->data;
    last = p + value->len;

    while (p <= last) {
        start = p;

        while (p < last && *p != ',') {
            p++;
        }

        if (p == start) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "empty stage in \"%V\"", value);
            return NGX_CONF_ERROR;
        }

        s = ngx_array_push(*list);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        s->data = start;
        s->len = p - start;

        p++;
    }

    return NGX_CONF_OK;
}


/*
 * apigw_usage_plan NAME [id=ID] [rate=R burst=B] [quota=N/day|week|month]
 *     [stages=API:STAGE,...]
 */

char *
ngx_http_apigw_usage_plan(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    u_char                       *p, *slash;
    ngx_int_t                     n;
    ngx_str_t                    *value, s, period, limit_args[2];
    ngx_uint_t                    i, j, nlimit;
    ngx_http_apigw_plan_t        *plan, *other;
    ngx_http_apigw_main_conf_t   *amcf = conf;
    ngx_http_apigw_plan_stage_t  *ps;
    ngx_http_apigw_limit_args_t   args;

    value = cf->args->elts;

    if (ngx_http_apigw_plan_valid(&value[1]) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid usage plan name \"%V\": printable "
                           "characters without spaces, at most %d",
                           &value[1], NGX_HTTP_APIGW_PLAN_NAME_MAX);
        return NGX_CONF_ERROR;
    }

    plan = ngx_array_push(&amcf->plans);
    if (plan == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(plan, sizeof(ngx_http_apigw_plan_t));

    plan->name = value[1];
    plan->file = cf->conf_file->file.name.data;
    plan->line = cf->conf_file->line;

    if (ngx_array_init(&plan->keys, cf->pool, 4, sizeof(ngx_str_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    nlimit = 0;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "id=", 3) == 0 && plan->id.len == 0) {
            plan->id.data = value[i].data + 3;
            plan->id.len = value[i].len - 3;

            if (ngx_http_apigw_plan_valid(&plan->id) != NGX_OK) {
                goto invalid;
            }

            continue;
        }

        if ((ngx_strncmp(value[i].data, "rate=", 5) == 0
             || ngx_strncmp(value[i].data, "burst=", 6) == 0)
            && nlimit < 2)
        {
            limit_args[nlimit++] = value[i];
            continue;
        }

        if (ngx_strncmp(value[i].data, "quota=", 6) == 0 && !plan->has_quota) {
            s.data = value[i].data + 6;
            s.len = value[i].len - 6;

            slash = ngx_strlchr(s.data, s.data + s.len, '/');
            if (slash == NULL) {
                goto invalid_quota;
            }

            n = ngx_atoi(s.data, slash - s.data);
            if (n == NGX_ERROR || n > NGX_MAX_INT32_VALUE) {
                goto invalid_quota;
            }

            period.data = slash + 1;
            period.len = s.data + s.len - period.data;

            for (j = 0; j < 3; j++) {
                if (period.len == ngx_http_apigw_periods[j].len
                    && ngx_strncasecmp(period.data,
                                       ngx_http_apigw_periods[j].data,
                                       period.len)
                       == 0)
                {
                    break;
                }
            }

            if (j == 3) {
                goto invalid_quota;
            }

            plan->quota = n;
            plan->period = j;
            plan->has_quota = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "stages=", 7) == 0
            && plan->stages == NULL)
        {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            if (ngx_http_apigw_stage_list(cf, &s, &plan->stages)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            /* "API:STAGE", or "API" for all its stages */

            for (j = 0; j < plan->stages->nelts; j++) {
                s = ((ngx_str_t *) plan->stages->elts)[j];

                ps = ngx_pcalloc(cf->pool,
                                 sizeof(ngx_http_apigw_plan_stage_t));
                if (ps == NULL) {
                    return NGX_CONF_ERROR;
                }

                p = ngx_strlchr(s.data, s.data + s.len, ':');

                ps->api.data = s.data;
                ps->api.len = p ? (size_t) (p - s.data) : s.len;

                if (p) {
                    ps->stage.data = p + 1;
                    ps->stage.len = s.data + s.len - (p + 1);
                }

                if (ps->api.len == 0 || (p && ps->stage.len == 0)) {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid API stage \"%V\": "
                                       "\"API:STAGE\" or \"API\" expected",
                                       &s);
                    return NGX_CONF_ERROR;
                }

                ((ngx_str_t *) plan->stages->elts)[j].data = (u_char *) ps;
            }

            continue;
        }

        goto invalid;
    }

    if (nlimit) {
        plan->throttle = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_limit_t));
        if (plan->throttle == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&args, sizeof(ngx_http_apigw_limit_args_t));
        args.limit = plan->throttle;

        if (ngx_http_apigw_limit_args(cf, limit_args, nlimit, &args)
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (plan->id.len == 0) {
        /* a stable id of 6 characters, as AWS's look */

        plan->id.data = ngx_pnalloc(cf->pool, 6);
        if (plan->id.data == NULL) {
            return NGX_CONF_ERROR;
        }

        plan->id.len = 6;
        ngx_http_apigw_make_id(&plan->name, plan->id.data, 6);
    }

    /* a plan is found by its name or its id: none may be another's */

    other = amcf->plans.elts;

    for (i = 0; i + 1 < amcf->plans.nelts; i++) {
        if (ngx_http_apigw_plan_find_one(&other[i], &plan->name)
            || ngx_http_apigw_plan_find_one(&other[i], &plan->id))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "usage plan \"%V\" (id \"%V\") has the name "
                               "or id of the one in %s:%ui", &plan->name,
                               &plan->id, other[i].file, other[i].line);
            return NGX_CONF_ERROR;
        }
    }

    amcf->used = 1;

    return NGX_CONF_OK;

invalid_quota:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid quota \"%V\": \"quota=N/day\", "
                       "\"quota=N/week\" or \"quota=N/month\" expected",
                       &value[i]);
    return NGX_CONF_ERROR;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid or duplicate parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


static ngx_int_t
ngx_http_apigw_plan_valid(ngx_str_t *name)
{
    ngx_uint_t  i;

    if (name->len == 0 || name->len > NGX_HTTP_APIGW_PLAN_NAME_MAX) {
        return NGX_ERROR;
    }

    for (i = 0; i < name->len; i++) {
        if (name->data[i] <= ' ' || name->data[i] >= 0x7f
            || name->data[i] == ',' || name->data[i] == '/')
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* apigw_shared_zone NAME:SIZE */

char *
ngx_http_apigw_shared_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_main_conf_t *amcf = conf;

    u_char     *p;
    ssize_t     size;
    ngx_str_t  *value, s;

    if (amcf->zone_name.len) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');

    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone \"%V\": \"NAME:SIZE\" expected",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    amcf->zone_name.data = value[1].data;
    amcf->zone_name.len = p - value[1].data;

    if (amcf->zone_name.len >= 12
        && ngx_strncmp(amcf->zone_name.data, "apigw_cache:", 12) == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone name \"%V\": \"apigw_cache:\" "
                           "names the stage caches' zones",
                           &amcf->zone_name);
        return NGX_CONF_ERROR;
    }

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is too small: at least %uik",
                           &amcf->zone_name, 8 * ngx_pagesize / 1024);
        return NGX_CONF_ERROR;
    }

    amcf->zone_size = size;
    amcf->zone_file = cf->conf_file->file.name.data;
    amcf->zone_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/* apigw_usage_state PATH [interval=TIME]: a directory of its own */

char *
ngx_http_apigw_usage_state(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_apigw_main_conf_t *amcf = conf;

    u_char     *p;
    ngx_str_t  *value, s;

    if (amcf->state_path.len) {
        return "is duplicate";
    }

    value = cf->args->elts;

    s = value[1];

    while (s.len > 1 && s.data[s.len - 1] == '/') {
        s.len--;
    }

    if (ngx_conf_full_name(cf->cycle, &s, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /* nginx's mkdir() wants it NUL-terminated */

    p = ngx_pnalloc(cf->pool, s.len + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(p, s.data, s.len);
    p[s.len] = '\0';
    s.data = p;

    amcf->state_path = s;

    /* PATH/usage.state */

    amcf->state_file.len = s.len + sizeof("/usage.state") - 1;
    amcf->state_file.data = ngx_pnalloc(cf->pool, amcf->state_file.len + 1);
    if (amcf->state_file.data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_cpymem(amcf->state_file.data, s.data, s.len);
    p = ngx_cpymem(p, "/usage.state", sizeof("/usage.state") - 1);
    *p = '\0';

    amcf->state_dir = ngx_pcalloc(cf->pool, sizeof(ngx_path_t));
    if (amcf->state_dir == NULL) {
        return NGX_CONF_ERROR;
    }

    amcf->state_dir->name = s;
    amcf->state_dir->conf_file = cf->conf_file->file.name.data;
    amcf->state_dir->line = cf->conf_file->line;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "interval=", 9) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        s.data = value[2].data + 9;
        s.len = value[2].len - 9;

        amcf->state_interval = ngx_parse_time(&s, 0);

        if (amcf->state_interval == (ngx_msec_t) NGX_ERROR
            || amcf->state_interval < 1000)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid interval \"%V\": at least 1s",
                               &value[2]);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/* apigw_usage: AWS's GetUsage, in a location of its own */

char *
ngx_http_apigw_usage(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_http_apigw_conf_handler(cf, conf,
                                       ngx_http_apigw_usage_handler);
}


ngx_http_apigw_plan_t *
ngx_http_apigw_plan_find(ngx_http_apigw_main_conf_t *amcf, ngx_str_t *name)
{
    ngx_uint_t              i;
    ngx_http_apigw_plan_t  *plan;

    plan = amcf->plans.elts;

    for (i = 0; i < amcf->plans.nelts; i++) {
        if (ngx_http_apigw_plan_find_one(&plan[i], name)) {
            return &plan[i];
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_apigw_plan_find_one(ngx_http_apigw_plan_t *plan, ngx_str_t *name)
{
    return (plan->id.len == name->len
            && ngx_strncmp(plan->id.data, name->data, name->len) == 0)
           || (plan->name.len == name->len
               && ngx_strncmp(plan->name.data, name->data, name->len) == 0);
}


/* does the plan hold this API stage (ascf's; stage NULL: the API's root) */

ngx_int_t
ngx_http_apigw_plan_covers(ngx_http_apigw_plan_t *plan,
    ngx_http_apigw_srv_conf_t *ascf, ngx_http_apigw_stage_t *stage)
{
    ngx_uint_t                    i;
    ngx_http_apigw_plan_stage_t  *ps;

    if (plan->stages == NULL) {
        return 1;
    }

    for (i = 0; i < plan->stages->nelts; i++) {
        ps = (ngx_http_apigw_plan_stage_t *)
                 ((ngx_str_t *) plan->stages->elts)[i].data;

        if (!((ps->api.len == ascf->name.len
               && ngx_strncmp(ps->api.data, ascf->name.data, ps->api.len)
                  == 0)
              || (ps->api.len == ascf->id.len
                  && ngx_strncmp(ps->api.data, ascf->id.data, ps->api.len)
                     == 0)))
        {
            continue;
        }

        if (ps->stage.len == 0) {
            return 1;
        }

        if (stage && ps->stage.len == stage->name.len
            && ngx_strncmp(ps->stage.data, stage->name.data,
                           stage->name.len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* two plans that share an API stage: a key may not be in both */

ngx_int_t
ngx_http_apigw_plans_overlap(ngx_http_apigw_plan_t *a,
    ngx_http_apigw_plan_t *b)
{
    ngx_uint_t                    i, j;
    ngx_http_apigw_plan_stage_t  *pa, *pb;

    if (a->stages == NULL || b->stages == NULL) {
        return 1;
    }

    for (i = 0; i < a->stages->nelts; i++) {
        pa = (ngx_http_apigw_plan_stage_t *)
                 ((ngx_str_t *) a->stages->elts)[i].data;

        for (j = 0; j < b->stages->nelts; j++) {
            pb = (ngx_http_apigw_plan_stage_t *)
                     ((ngx_str_t *) b->stages->elts)[j].data;

            if (pa->api.len == pb->api.len
                && ngx_strncmp(pa->api.data, pb->api.data, pa->api.len) == 0
                && (pa->stage.len == 0 || pb->stage.len == 0
                    || (pa->stage.len == pb->stage.len
                        && ngx_strncmp(pa->stage.data, pb->stage.data,
                                       pa->stage.len) == 0)))
            {
                return 1;
            }
        }
    }

    return 0;
}


/* "Q" KEY " " PLAN: a key's usage in a plan, the id of its count */

ngx_int_t
ngx_http_apigw_usage_id(ngx_http_apigw_plan_t *plan, ngx_str_t *key,
    u_char *buf, size_t size, ngx_str_t *id)
{
    u_char  *p;

    if (2 + key->len + plan->id.len > size) {
        return NGX_ERROR;
    }

    p = buf;
    *p++ = NGX_HTTP_APIGW_ENTRY_QUOTA;
    p = ngx_cpymem(p, key->data, key->len);
    *p++ = ' ';
    p = ngx_cpymem(p, plan->id.data, plan->id.len);

    id->data = buf;
    id->len = p - buf;

    return NGX_OK;
}


/* a key's plan: its ids in the store and their hashes, once */

ngx_int_t
ngx_http_apigw_key_plan_init(ngx_conf_t *cf, ngx_http_apigw_key_plan_t *kp,
    ngx_http_apigw_plan_t *plan, ngx_str_t *key)
{
    u_char  *p;
    size_t   len;

    len = 2 + key->len + plan->id.len;

    p = ngx_pnalloc(cf->pool, 2 * len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    kp->plan = plan;

    if (ngx_http_apigw_usage_id(plan, key, p, len, &kp->usage) != NGX_OK) {
        return NGX_ERROR;
    }

    kp->usage_hash = ngx_murmur_hash2(kp->usage.data, kp->usage.len);

    p += len;

    kp->bucket.data = p;
    *p++ = NGX_HTTP_APIGW_ENTRY_BUCKET;
    *p++ = 'P';
    p = ngx_cpymem(p, key->data, key->len);
    *p++ = ' ';
    p = ngx_cpymem(p, plan->id.data, plan->id.len);
    kp->bucket.len = p - kp->bucket.data;

    kp->bucket_hash = ngx_murmur_hash2(kp->bucket.data, kp->bucket.len);

    return NGX_OK;
}


/*
 * A method's limits in each stage of its API, resolved once: its own
 * (apigw_throttle without plan=) or else the stage's default, and the
 * id of its bucket, "BM" STAGE " " METHOD " " RESOURCE " " API.
 */

char *
ngx_http_apigw_throttle_merge_conf(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *prev, ngx_http_apigw_loc_conf_t *conf)
{
    ngx_uint_t                      i;
    ngx_http_apigw_throttle_conf_t *tc, *pc;
    ngx_http_apigw_method_limit_t  *ml;

    tc = conf->throttle;
    pc = prev->throttle;

    if (tc && tc->limits && conf->resource == NULL && conf->method == NULL) {
        ml = tc->limits->elts;
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"apigw_throttle\" needs \"apigw_resource\" in its "
                      "location, or \"apigw_method\", in %s:%ui",
                      ml->file, ml->line);
        return NGX_CONF_ERROR;
    }

    if (conf->method == NULL) {
        if (tc == NULL) {
            conf->throttle = pc;
        }

        return NGX_CONF_OK;
    }

    if (tc == NULL) {
        tc = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_throttle_conf_t));
        if (tc == NULL) {
            return NGX_CONF_ERROR;
        }

        conf->throttle = tc;
    }

    if (tc->limits == NULL && pc) {
        tc->limits = pc->limits;
    }

    if (tc->limits) {
        ml = tc->limits->elts;

        for (i = 0; i < tc->limits->nelts; i++) {
            if (ml[i].plan_name.len) {
                tc->plan_limits = 1;
            }
        }
    }

    return ngx_http_apigw_method_limits(cf, tc, conf);
}


static char *
ngx_http_apigw_method_limits(ngx_conf_t *cf,
    ngx_http_apigw_throttle_conf_t *tc, ngx_http_apigw_loc_conf_t *conf)
{
    u_char                         *p;
    ngx_uint_t                      i, j, k;
    ngx_str_t                      *name;
    ngx_http_apigw_stage_t         *stage;
    ngx_http_apigw_main_conf_t     *amcf;
    ngx_http_apigw_srv_conf_t      *ascf;
    ngx_http_apigw_stage_limit_t   *sl;
    ngx_http_apigw_method_limit_t  *ml, **pml;

    ascf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_apigw_module);
    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_apigw_module);

    /* METHOD " " RESOURCE " " API */

    tc->method_id.len = conf->method->name.len + 1
                        + conf->resource->path.len + 1 + ascf->name.len;
    tc->method_id.data = ngx_pnalloc(cf->pool, tc->method_id.len);
    if (tc->method_id.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(tc->method_id.data, "%V %V %V", &conf->method->name,
                &conf->resource->path, &ascf->name);

    ml = tc->limits ? tc->limits->elts : NULL;
    k = tc->limits ? tc->limits->nelts : 0;

    /* every stage named exists; every plan named exists */

    for (i = 0; i < k; i++) {
        ml[i].self = &ml[i];

        if (ml[i].plan_name.len && ml[i].plan == NULL) {
            ml[i].plan = ngx_http_apigw_plan_find(amcf, &ml[i].plan_name);

            if (ml[i].plan == NULL) {
                ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                              "unknown usage plan \"%V\" in %s:%ui",
                              &ml[i].plan_name, ml[i].file, ml[i].line);
                return NGX_CONF_ERROR;
            }
        }

        if (ml[i].stages == NULL) {
            continue;
        }

        name = ml[i].stages->elts;

        for (j = 0; j < ml[i].stages->nelts; j++) {
            stage = ascf->stages ? ascf->stages->elts : NULL;

            for (p = NULL; stage && p == NULL
                           && stage < (ngx_http_apigw_stage_t *)
                                      ascf->stages->elts
                                      + ascf->stages->nelts;
                 stage++)
            {
                if (stage->name.len == name[j].len
                    && ngx_strncmp(stage->name.data, name[j].data,
                                   name[j].len) == 0)
                {
                    p = name[j].data;
                }
            }

            if (p == NULL) {
                ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                              "unknown stage \"%V\" of API \"%V\" in "
                              "%s:%ui", &name[j], &ascf->name, ml[i].file,
                              ml[i].line);
                return NGX_CONF_ERROR;
            }
        }
    }

    if (ascf->stages == NULL) {
        return NGX_CONF_OK;
    }

    tc->nstages = ascf->stages->nelts;
    tc->stages = ngx_pcalloc(cf->pool,
                      tc->nstages * sizeof(ngx_http_apigw_stage_limit_t));
    if (tc->stages == NULL) {
        return NGX_CONF_ERROR;
    }

    stage = ascf->stages->elts;

    for (i = 0; i < tc->nstages; i++) {
        sl = &tc->stages[i];

        for (j = 0; j < k; j++) {
            if (ml[j].plan_name.len
                || !ngx_http_apigw_limit_covers(ml[j].stages, &stage[i].name))
            {
                continue;
            }

            if (sl->limit) {
                ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                              "two \"apigw_throttle\" of method %V %V in "
                              "stage \"%V\" in %s:%ui", &conf->method->name,
                              &conf->resource->path, &stage[i].name,
                              ml[j].file, ml[j].line);
                return NGX_CONF_ERROR;
            }

            sl->limit = &ml[j].limit;
            sl->level = NGX_HTTP_APIGW_LEVEL_METHOD;
        }

        if (sl->limit == NULL) {
            sl->limit = stage[i].throttle;
            sl->level = NGX_HTTP_APIGW_LEVEL_STAGE;
        }

        /* the plans' limits of the method in this stage */

        for (j = 0; j < k; j++) {
            if (ml[j].plan == NULL
                || !ngx_http_apigw_limit_covers(ml[j].stages, &stage[i].name))
            {
                continue;
            }

            if (sl->plans == NULL) {
                sl->plans = ngx_array_create(cf->pool, 2,
                                    sizeof(ngx_http_apigw_method_limit_t *));
                if (sl->plans == NULL) {
                    return NGX_CONF_ERROR;
                }
            }

            pml = ngx_array_push(sl->plans);
            if (pml == NULL) {
                return NGX_CONF_ERROR;
            }

            *pml = &ml[j];
        }

        /* also the base of the ids of the plans' buckets of the method */

        sl->id.len = 3 + stage[i].name.len + tc->method_id.len;
        sl->id.data = ngx_pnalloc(cf->pool, sl->id.len);
        if (sl->id.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_sprintf(sl->id.data, "%cM%V %V", NGX_HTTP_APIGW_ENTRY_BUCKET,
                    &stage[i].name, &tc->method_id);

        sl->hash = ngx_murmur_hash2(sl->id.data, sl->id.len);
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_apigw_limit_covers(ngx_array_t *stages, ngx_str_t *stage)
{
    ngx_str_t   *s;
    ngx_uint_t   i;

    if (stages == NULL) {
        return 1;
    }

    s = stages->elts;

    for (i = 0; i < stages->nelts; i++) {
        if (s[i].len == stage->len
            && ngx_strncmp(s[i].data, stage->data, stage->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * postconfiguration: the plans' API stages checked against the APIs,
 * the stages that keys need a plan for, the members of each plan for
 * GetUsage; the zone and the state file's writer when something is to
 * be counted.
 */

ngx_int_t
ngx_http_apigw_throttle_init(ngx_conf_t *cf)
{
    ngx_shm_zone_t              *shm_zone;
    ngx_conf_file_t              file, *saved;
    ngx_http_apigw_tzone_t      *zone;
    ngx_http_apigw_main_conf_t  *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_apigw_module);

    if (ngx_http_apigw_plans_resolve(cf, amcf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (!amcf->used) {
        if (amcf->zone_name.len || amcf->state_path.len) {
            ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                          "\"apigw_shared_zone\" and \"apigw_usage_state\" "
                          "are unused without limits or usage plans");
        }

        return NGX_OK;
    }

    if (amcf->zone_name.len == 0) {
        ngx_str_set(&amcf->zone_name, NGX_HTTP_APIGW_ZONE_DEFAULT_NAME);
        amcf->zone_size = NGX_HTTP_APIGW_ZONE_DEFAULT_SIZE;
    }

    /* a size conflict names the apigw_shared_zone line */

    saved = cf->conf_file;

    if (amcf->zone_file) {
        file = *saved;
        file.file.name.data = amcf->zone_file;
        file.file.name.len = ngx_strlen(amcf->zone_file);
        file.line = amcf->zone_line;
        cf->conf_file = &file;
    }

    shm_zone = ngx_shared_memory_add(cf, &amcf->zone_name, amcf->zone_size,
                                     &ngx_http_apigw_module);

    cf->conf_file = saved;

    if (shm_zone == NULL) {
        return NGX_ERROR;
    }

    if (shm_zone->data) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "shared zone \"%V\" is already used", &amcf->zone_name);
        return NGX_ERROR;
    }

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_apigw_tzone_t));
    if (zone == NULL) {
        return NGX_ERROR;
    }

    zone->name = amcf->zone_name;
    zone->size = amcf->zone_size;
    zone->amcf = amcf;

    shm_zone->data = zone;
    shm_zone->init = ngx_http_apigw_tzone_init;

    amcf->shm_zone = shm_zone;

    amcf->store = ngx_palloc(cf->pool, sizeof(ngx_http_apigw_store_t));
    if (amcf->store == NULL) {
        return NGX_ERROR;
    }

    amcf->store->ops = &ngx_http_apigw_shm_store_ops;
    amcf->store->data = zone;

    if (amcf->state_interval == NGX_CONF_UNSET_MSEC) {
        amcf->state_interval = NGX_HTTP_APIGW_STATE_INTERVAL;
    }

    if (amcf->state_dir == NULL) {
        return NGX_OK;
    }

    /*
     * The file is written by nginx's cache manager process, which calls
     * the managers of paths periodically: never by a worker.  nginx
     * creates the directory and gives it to the workers' user, as it
     * does for cache directories.
     */

    amcf->state_dir->manager = ngx_http_apigw_state_manager;
    amcf->state_dir->data = amcf;

    if (ngx_add_path(cf, &amcf->state_dir) != NGX_OK) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_plans_resolve(ngx_conf_t *cf, ngx_http_apigw_main_conf_t *amcf)
{
    ngx_str_t                    *key;
    ngx_uint_t                    s, i, j, n;
    ngx_http_apigw_plan_t        *plan, **pp;
    ngx_http_apigw_stage_t       *stage;
    ngx_http_core_srv_conf_t    **cscfp;
    ngx_http_core_main_conf_t    *cmcf;
    ngx_http_apigw_srv_conf_t    *ascf;
    ngx_http_apigw_plan_stage_t  *ps;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;
    plan = amcf->plans.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        ascf = cscfp[s]->ctx->srv_conf[ngx_http_apigw_module.ctx_index];

        if (ascf->name.len == 0) {
            continue;
        }

        for (i = 0; i < amcf->plans.nelts; i++) {

            for (j = 0; plan[i].stages && j < plan[i].stages->nelts; j++) {
                ps = (ngx_http_apigw_plan_stage_t *)
                         ((ngx_str_t *) plan[i].stages->elts)[j].data;

                if (!((ps->api.len == ascf->name.len
                       && ngx_strncmp(ps->api.data, ascf->name.data,
                                      ps->api.len) == 0)
                      || (ps->api.len == ascf->id.len
                          && ngx_strncmp(ps->api.data, ascf->id.data,
                                         ps->api.len) == 0)))
                {
                    continue;
                }

                /* 1: the API is there, 2: and the stage */

                ps->found |= 1;

                stage = ascf->stages ? ascf->stages->elts : NULL;

                for (n = 0; stage && n < ascf->stages->nelts; n++) {
                    if (stage[n].name.len == ps->stage.len
                        && ngx_strncmp(stage[n].name.data, ps->stage.data,
                                       ps->stage.len) == 0)
                    {
                        ps->found |= 2;
                    }
                }
            }

            if (ascf->stages == NULL) {
                continue;
            }

            stage = ascf->stages->elts;

            for (j = 0; j < ascf->stages->nelts; j++) {
                if (!ngx_http_apigw_plan_covers(&plan[i], ascf, &stage[j])) {
                    continue;
                }

                if (stage[j].plans == NULL) {
                    stage[j].plans = ngx_array_create(cf->pool, 2,
                                             sizeof(ngx_http_apigw_plan_t *));
                    if (stage[j].plans == NULL) {
                        return NGX_ERROR;
                    }
                }

                pp = ngx_array_push(stage[j].plans);
                if (pp == NULL) {
                    return NGX_ERROR;
                }

                *pp = &plan[i];
            }
        }
    }

    for (i = 0; i < amcf->plans.nelts; i++) {

        for (j = 0; plan[i].stages && j < plan[i].stages->nelts; j++) {
            ps = (ngx_http_apigw_plan_stage_t *)
                     ((ngx_str_t *) plan[i].stages->elts)[j].data;

            if (ps->found == 0) {
                ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                              "unknown API \"%V\" in \"stages=\" of usage "
                              "plan \"%V\" in %s:%ui", &ps->api,
                              &plan[i].name, plan[i].file, plan[i].line);
                return NGX_ERROR;
            }

            if (ps->stage.len && !(ps->found & 2)) {
                ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                              "unknown stage \"%V\" of API \"%V\" in "
                              "\"stages=\" of usage plan \"%V\" in %s:%ui",
                              &ps->stage, &ps->api, &plan[i].name,
                              plan[i].file, plan[i].line);
                return NGX_ERROR;
            }
        }

        /* the same key may be declared in several servers: once each */

        key = plan[i].keys.elts;
        n = plan[i].keys.nelts;

        ngx_qsort(key, n, sizeof(ngx_str_t), ngx_http_apigw_str_cmp);

        for (j = 1, s = 1; j < n; j++) {
            if (ngx_http_apigw_str_cmp(&key[j], &key[s - 1]) != 0) {
                key[s++] = key[j];
            }
        }

        plan[i].keys.nelts = n ? s : 0;
    }

    return NGX_OK;
}


static int ngx_libc_cdecl
ngx_http_apigw_str_cmp(const void *a, const void *b)
{
    ngx_str_t  *sa = (ngx_str_t *) a;
    ngx_str_t  *sb = (ngx_str_t *) b;

    return ngx_memn2cmp(sa->data, sb->data, sa->len, sb->len);
}


ngx_int_t
ngx_http_apigw_throttle_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_apigw_throttle_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/*
 * The access phase, after the API key: NGX_DECLINED lets the request
 * go on; 429 with AWS's THROTTLED or QUOTA_EXCEEDED response; 403 for a
 * key in no usage plan of the stage when the stage has plans.
 */

ngx_int_t
ngx_http_apigw_throttle_handler(ngx_http_request_t *r,
    ngx_http_apigw_ctx_t *ctx)
{
    ngx_int_t                       rc;
    ngx_str_t                       id;
    ngx_uint_t                      i, n, idx;
    ngx_http_apigw_plan_t          *plan;
    ngx_http_apigw_key_plan_t      *kp;
    ngx_http_apigw_bucket_req_t    *b;
    ngx_http_apigw_stage_limit_t   *sl;
    ngx_http_apigw_check_t          chk;
    ngx_http_apigw_loc_conf_t      *alcf;
    ngx_http_apigw_srv_conf_t      *ascf;
    ngx_http_apigw_main_conf_t     *amcf;
    ngx_http_apigw_throttle_ctx_t  *tctx;
    ngx_http_apigw_throttle_conf_t *tc;
    ngx_http_apigw_method_limit_t  *ml, **pml;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_apigw_module);

    if (amcf->store == NULL || ctx->throttle) {
        return NGX_DECLINED;
    }

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw throttle handler");

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_apigw_module);
    ascf = ngx_http_get_module_srv_conf(r, ngx_http_apigw_module);
    tc = alcf->throttle;

    chk.nbuckets = 0;
    chk.usage.len = 0;
    chk.usage_hash = 0;
    chk.plan = NULL;
    chk.evicted = 0;
    chk.evicted_usage = 0;
    chk.used = 0;
    chk.reset = 0;

    if (amcf->account) {
        chk.buckets[0].limit = amcf->account;
        chk.buckets[0].level = NGX_HTTP_APIGW_LEVEL_ACCOUNT;
        ngx_str_set(&chk.buckets[0].id, "BA");
        chk.buckets[0].hash = 0;
        chk.nbuckets = 1;
    }

    if (ctx->stage && tc && ctx->stage->index < tc->nstages
        && tc->stages[ctx->stage->index].limit)
    {
        idx = ctx->stage->index;
        chk.buckets[chk.nbuckets].limit = tc->stages[idx].limit;
        chk.buckets[chk.nbuckets].level = tc->stages[idx].level;
        chk.buckets[chk.nbuckets].id = tc->stages[idx].id;
        chk.buckets[chk.nbuckets].hash = tc->stages[idx].hash;
        chk.nbuckets++;
    }

    kp = NULL;
    plan = NULL;

    if (ctx->api_key_id.len && !ctx->preflight) {
        kp = ngx_http_apigw_key_plan(ctx, ascf);
        plan = kp ? kp->plan : NULL;

        if (plan == NULL && ctx->stage && ctx->stage->plans) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "apigw: API key \"%V\" is in no usage plan of "
                          "stage \"%V\"", &ctx->api_key_id,
                          &ctx->stage->name);
            return ngx_http_apigw_send_error(r, ctx,
                                             NGX_HTTP_APIGW_GR_INVALID_API_KEY);
        }
    }

    if (plan) {
        chk.plan = plan;

        if (plan->throttle) {
            b = &chk.buckets[chk.nbuckets++];
            b->id = kp->bucket;
            b->hash = kp->bucket_hash;
            b->limit = plan->throttle;
            b->level = NGX_HTTP_APIGW_LEVEL_PLAN;
        }

        if (tc && tc->plan_limits) {
            if (ctx->stage && ctx->stage->index < tc->nstages) {
                sl = &tc->stages[ctx->stage->index];
                pml = sl->plans ? sl->plans->elts : NULL;
                n = sl->plans ? sl->plans->nelts : 0;

                /* STAGE " " METHOD ...: the stage's bucket's id past "BM" */

                id.data = sl->id.data + 2;
                id.len = sl->id.len - 2;

            } else {
                pml = NULL;
                n = 0;
                id = tc->method_id;

                ml = tc->limits->elts;

                for (i = 0; i < tc->limits->nelts; i++) {
                    if (ml[i].plan == plan) {
                        pml = &ml[i].self;
                        n = 1;
                        break;
                    }
                }
            }

            for (i = 0; i < n; i++) {
                if (pml[i]->plan != plan) {
                    continue;
                }

                if (ngx_http_apigw_bucket_add(r, &chk, &pml[i]->limit,
                                              &ctx->api_key_id, &id,
                                              &plan->id)
                    != NGX_OK)
                {
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                }

                break;
            }
        }

        chk.usage = kp->usage;
        chk.usage_hash = kp->usage_hash;
    }

    if (chk.nbuckets == 0 && chk.usage.len == 0) {
        return NGX_DECLINED;
    }

    tctx = ngx_pcalloc(r->pool, sizeof(ngx_http_apigw_throttle_ctx_t));
    if (tctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->throttle = tctx;
    tctx->plan = plan;

    for (i = 0; i < chk.nbuckets; i++) {
        if (tctx->tightest == NULL
            || chk.buckets[i].limit->rate < tctx->tightest->rate
            || (chk.buckets[i].limit->rate == tctx->tightest->rate
                && chk.buckets[i].limit->burst < tctx->tightest->burst))
        {
            tctx->tightest = chk.buckets[i].limit;
        }
    }

    chk.now = ngx_current_msec;
    chk.time = ngx_time();

    rc = amcf->store->ops->check(amcf->store, &chk, r->connection->log);

    tctx->remaining = chk.remaining;
    tctx->used = chk.used;
    tctx->reset = chk.reset;
    tctx->checked = (chk.nbuckets != 0);

    switch (rc) {

    case NGX_OK:
        return NGX_DECLINED;

    case NGX_BUSY:
        tctx->refused = 1;
        tctx->level = chk.level;

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: throttled by the %V limit",
                      &ngx_http_apigw_levels[chk.level]);

        return ngx_http_apigw_send_error(r, ctx, NGX_HTTP_APIGW_GR_THROTTLED);

    case NGX_DECLINED:
        tctx->refused = 1;
        tctx->level = NGX_HTTP_APIGW_LEVEL_QUOTA;

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "apigw: quota of usage plan \"%V\" used up by API key "
                      "\"%V\"", &plan->name, &ctx->api_key_id);

        return ngx_http_apigw_send_error(r, ctx,
                                         NGX_HTTP_APIGW_GR_QUOTA_EXCEEDED);

    case NGX_AGAIN:
        return NGX_AGAIN;

    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}


/*
 * A bucket of a key in its plan: "BP" KEY " " PLAN, or for a method
 * "Bp" KEY " " STAGE " " METHOD " " RESOURCE " " API " " PLAN
 */

static ngx_int_t
ngx_http_apigw_bucket_add(ngx_http_request_t *r, ngx_http_apigw_check_t *chk,
    ngx_http_apigw_limit_t *limit, ngx_str_t *key, ngx_str_t *method,
    ngx_str_t *plan)
{
    u_char                       *p;
    size_t                        len;
    ngx_http_apigw_bucket_req_t  *b;

    b = &chk->buckets[chk->nbuckets++];

    len = 3 + key->len + plan->len + (method ? method->len + 1 : 0);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    b->id.data = p;
    b->hash = 0;
    b->limit = limit;
    b->level = method ? NGX_HTTP_APIGW_LEVEL_PLAN_METHOD
                      : NGX_HTTP_APIGW_LEVEL_PLAN;

    *p++ = NGX_HTTP_APIGW_ENTRY_BUCKET;
    *p++ = method ? 'p' : 'P';
    p = ngx_cpymem(p, key->data, key->len);

    if (method) {
        *p++ = ' ';
        p = ngx_cpymem(p, method->data, method->len);
    }

    *p++ = ' ';
    p = ngx_cpymem(p, plan->data, plan->len);

    b->id.len = p - b->id.data;

    return NGX_OK;
}


/* the key's usage plan of this API stage (AWS: at most one) */

static ngx_http_apigw_key_plan_t *
ngx_http_apigw_key_plan(ngx_http_apigw_ctx_t *ctx,
    ngx_http_apigw_srv_conf_t *ascf)
{
    ngx_uint_t                  i, j;
    ngx_http_apigw_plan_t     **sp;
    ngx_http_apigw_key_plan_t  *kp;

    if (ctx->api_key_plans == NULL) {
        return NULL;
    }

    kp = ctx->api_key_plans->elts;

    if (ctx->stage == NULL) {
        for (i = 0; i < ctx->api_key_plans->nelts; i++) {
            if (ngx_http_apigw_plan_covers(kp[i].plan, ascf, NULL)) {
                return &kp[i];
            }
        }

        return NULL;
    }

    /* the stage knows its plans (configuration time) */

    if (ctx->stage->plans == NULL) {
        return NULL;
    }

    sp = ctx->stage->plans->elts;

    for (i = 0; i < ctx->api_key_plans->nelts; i++) {
        for (j = 0; j < ctx->stage->plans->nelts; j++) {
            if (kp[i].plan == sp[j]) {
                return &kp[i];
            }
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_apigw_throttle_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                         *p;
    uint64_t                        n;
    ngx_str_t                      *s;
    ngx_http_apigw_ctx_t           *ctx;
    ngx_http_apigw_throttle_ctx_t  *tctx;

    ctx = ngx_http_apigw_get_ctx(r);
    tctx = ctx ? ctx->throttle : NULL;

    v->not_found = 1;

    if (tctx == NULL) {
        return NGX_OK;
    }

    s = NULL;
    n = 0;

    switch (data) {

    case NGX_HTTP_APIGW_VAR_THROTTLED_BY:
        if (!tctx->refused) {
            return NGX_OK;
        }

        s = &ngx_http_apigw_levels[tctx->level];
        break;

    case NGX_HTTP_APIGW_VAR_RATE:
    case NGX_HTTP_APIGW_VAR_BURST:
    case NGX_HTTP_APIGW_VAR_REMAINING:
        if (tctx->tightest == NULL) {
            return NGX_OK;
        }

        if (data == NGX_HTTP_APIGW_VAR_REMAINING) {
            n = tctx->remaining;
            break;
        }

        if (data == NGX_HTTP_APIGW_VAR_BURST) {
            n = tctx->tightest->burst;
            break;
        }

        /* a rate with its decimals, "0.5" */

        p = ngx_pnalloc(r->pool, NGX_INT64_LEN + 4);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v->data = p;
        v->len = ngx_http_apigw_format_rate(p, tctx->tightest->rate, 0) - p;
        v->valid = 1;
        v->no_cacheable = 0;
        v->not_found = 0;

        return NGX_OK;

    case NGX_HTTP_APIGW_VAR_PLAN:
        if (tctx->plan == NULL) {
            return NGX_OK;
        }

        s = &tctx->plan->id;
        break;

    default: /* the quota's */
        if (tctx->plan == NULL || !tctx->plan->has_quota) {
            return NGX_OK;
        }

        if (data == NGX_HTTP_APIGW_VAR_QUOTA_LIMIT) {
            n = tctx->plan->quota;

        } else if (data == NGX_HTTP_APIGW_VAR_QUOTA_REMAINING) {
            n = (tctx->used < tctx->plan->quota)
                ? tctx->plan->quota - tctx->used : 0;

        } else {
            n = (uint64_t) tctx->reset;
        }
    }

    if (s) {
        v->data = s->data;
        v->len = s->len;

    } else {
        p = ngx_pnalloc(r->pool, NGX_INT64_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v->data = p;
        v->len = ngx_sprintf(p, "%uL", n) - p;
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}
