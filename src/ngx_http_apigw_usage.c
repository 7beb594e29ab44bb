
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Usage that outlives nginx, and usage to read.  The state file
 * (apigw_usage_state) holds the usage counts of the shared zone: read
 * when the zone is new (a start; a reload keeps the zone), written by
 * nginx's cache manager process every interval when something changed
 * (a temporary file, fsync, rename: never half a file, never in a
 * worker) and by the master process when nginx stops, after the last
 * worker has gone.  apigw_usage answers AWS's GetUsage and GetUsagePlans.
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_throttle.h"


#define NGX_HTTP_APIGW_STATE_MAX       (1024 * 1024 * 1024)
#define NGX_HTTP_APIGW_USAGE_RANGE     366
#define NGX_HTTP_APIGW_USAGE_PAGE      25
#define NGX_HTTP_APIGW_USAGE_PAGE_MAX  500
#define NGX_HTTP_APIGW_KEY_ID_MAX      64


static ngx_int_t ngx_http_apigw_state_save(ngx_http_apigw_main_conf_t *amcf,
    ngx_log_t *log);
static ngx_int_t ngx_http_apigw_write_all(ngx_fd_t fd, u_char *p, size_t len);
static ngx_int_t ngx_http_apigw_get_usage(ngx_http_request_t *r,
    ngx_http_apigw_main_conf_t *amcf, ngx_http_apigw_plan_t *plan);
static ngx_int_t ngx_http_apigw_get_plans(ngx_http_request_t *r,
    ngx_http_apigw_main_conf_t *amcf);
static ngx_int_t ngx_http_apigw_usage_error(ngx_http_request_t *r,
    ngx_uint_t status, char *message);


static ngx_str_t  ngx_http_apigw_period_names[] = {
    ngx_string("DAY"),
    ngx_string("WEEK"),
    ngx_string("MONTH")
};


/* at the zone's creation, in the master process (or nginx -t) */

ngx_int_t
ngx_http_apigw_state_load(ngx_http_apigw_tzone_t *zone, ngx_log_t *log)
{
    u_char                      *buf;
    char                        *reason;
    size_t                       size;
    ssize_t                      n;
    ngx_fd_t                     fd;
    ngx_err_t                    err;
    ngx_str_t                   *name;
    ngx_file_info_t              fi;
    ngx_http_apigw_main_conf_t  *amcf;

    amcf = zone->amcf;
    name = &amcf->state_file;

    if (name->len == 0) {
        return NGX_OK;
    }

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        err = ngx_errno;

        if (err == NGX_ENOENT) {
            ngx_log_error(NGX_LOG_INFO, log, 0,
                          "apigw: no state file \"%V\" yet: usage starts "
                          "from zero", name);
            return NGX_OK;
        }

        ngx_log_error(NGX_LOG_ERR, log, err,
                      "apigw: state file \"%V\" ignored: "
                      ngx_open_file_n " failed", name);
        return NGX_OK;
    }

    buf = NULL;
    reason = NULL;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                      "apigw: state file \"%V\" ignored: "
                      ngx_fd_info_n " failed", name);
        goto done;
    }

    size = (size_t) ngx_file_size(&fi);

    if (size > NGX_HTTP_APIGW_STATE_MAX) {
        reason = "too large";
        goto done;
    }

    buf = ngx_alloc(size + 1, log);
    if (buf == NULL) {
        goto done;
    }

    n = ngx_read_fd(fd, buf, size);

    if (n == -1) {
        ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                      "apigw: state file \"%V\" ignored: "
                      ngx_read_fd_n " failed", name);
        goto done;
    }

    reason = ngx_http_apigw_tzone_restore(zone, buf, (size_t) n, log);

    if (reason == NULL) {
        ngx_log_error(NGX_LOG_NOTICE, log, 0,
                      "apigw: usage restored from state file \"%V\"", name);
    }

done:

    if (reason) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "apigw: state file \"%V\" ignored: %s", name, reason);
    }

    if (buf) {
        ngx_free(buf);
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", name);
    }

    return NGX_OK;
}


/* the path's manager, in the cache manager process: every interval */

ngx_msec_t
ngx_http_apigw_state_manager(void *data)
{
    ngx_http_apigw_main_conf_t  *amcf = data;

    (void) ngx_http_apigw_state_save(amcf, ngx_cycle->log);

    return amcf->state_interval;
}


/* exit_master: the workers are gone, the counts are final */

void
ngx_http_apigw_state_exit(ngx_cycle_t *cycle)
{
    ngx_http_apigw_main_conf_t  *amcf;

    amcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_apigw_module);

    if (amcf == NULL || amcf->store == NULL || amcf->state_file.len == 0) {
        return;
    }

    (void) ngx_http_apigw_state_save(amcf, cycle->log);
}


/* a temporary file of this process, fsync, rename over the old file */

static ngx_int_t
ngx_http_apigw_state_save(ngx_http_apigw_main_conf_t *amcf, ngx_log_t *log)
{
    u_char                  *temp;
    ngx_fd_t                 fd;
    ngx_int_t                rc;
    ngx_str_t                image;
    ngx_atomic_uint_t        changes;
    ngx_http_apigw_tzone_t  *zone;

    zone = amcf->shm_zone->data;

    ngx_str_null(&image);

    rc = ngx_http_apigw_tzone_snapshot(zone, ngx_time(), &image, &changes);

    if (rc == NGX_DECLINED) {
        return NGX_OK;
    }

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    temp = ngx_alloc(amcf->state_file.len + sizeof(".tmp.") + NGX_INT64_LEN,
                     log);
    if (temp == NULL) {
        ngx_free(image.data);
        return NGX_ERROR;
    }

    ngx_sprintf(temp, "%V.tmp.%P%Z", &amcf->state_file, ngx_pid);

    fd = ngx_open_file(temp, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE,
                       NGX_FILE_OWNER_ACCESS);

    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_CRIT, log, ngx_errno,
                      "apigw: " ngx_open_file_n " \"%s\" failed", temp);
        goto done;
    }

    if (ngx_http_apigw_write_all(fd, image.data, image.len) != NGX_OK) {
        ngx_log_error(NGX_LOG_CRIT, log, ngx_errno,
                      "apigw: " ngx_write_fd_n " \"%s\" failed", temp);
        (void) ngx_close_file(fd);
        (void) ngx_delete_file(temp);
        goto done;
    }

    /* on disk before it replaces the old file: a crash leaves one whole */

    if (fsync(fd) == -1) {
        ngx_log_error(NGX_LOG_CRIT, log, ngx_errno,
                      "apigw: fsync() \"%s\" failed", temp);
        (void) ngx_close_file(fd);
        (void) ngx_delete_file(temp);
        goto done;
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      ngx_close_file_n " \"%s\" failed", temp);
    }

    if (ngx_rename_file(temp, amcf->state_file.data) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, log, ngx_errno,
                      "apigw: " ngx_rename_file_n " \"%s\" to \"%V\" failed",
                      temp, &amcf->state_file);
        (void) ngx_delete_file(temp);
        goto done;
    }

    ngx_http_apigw_tzone_saved(zone, changes);

    ngx_log_debug2(NGX_LOG_DEBUG_CORE, log, 0,
                   "apigw: state file \"%V\" written, %uz bytes",
                   &amcf->state_file, image.len);

    rc = NGX_OK;

done:

    ngx_free(temp);
    ngx_free(image.data);

    return rc;
}


static ngx_int_t
ngx_http_apigw_write_all(ngx_fd_t fd, u_char *p, size_t len)
{
    ssize_t  n;

    while (len) {
        n = ngx_write_fd(fd, p, len);

        if (n == -1) {
            if (ngx_errno == NGX_EINTR) {
                continue;
            }

            return NGX_ERROR;
        }

        p += n;
        len -= n;
    }

    return NGX_OK;
}


/*
 * apigw_usage: GET .../usageplans (GetUsagePlans, with the zone's
 * figures) and GET .../usageplans/{id}/usage?startDate=&endDate=
 * [&keyId=] (GetUsage); {id} is the plan's id or name.
 */

ngx_int_t
ngx_http_apigw_usage_handler(ngx_http_request_t *r)
{
    u_char                      *p, *last, *start;
    ngx_int_t                    rc;
    ngx_str_t                    id;
    ngx_http_apigw_plan_t       *plan;
    ngx_http_apigw_main_conf_t  *amcf;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "apigw usage: \"%V\"", &r->uri);

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    amcf = ngx_http_get_module_main_conf(r, ngx_http_apigw_module);

    last = r->uri.data + r->uri.len;

    p = ngx_strlcasestrn(r->uri.data, last, (u_char *) "/usageplans",
                         sizeof("/usageplans") - 2);

    if (p == NULL) {
        return ngx_http_apigw_usage_error(r, NGX_HTTP_NOT_FOUND, "Not Found");
    }

    p += sizeof("/usageplans") - 1;

    if (r->method != NGX_HTTP_GET && r->method != NGX_HTTP_HEAD) {
        return ngx_http_apigw_usage_error(r, NGX_HTTP_NOT_ALLOWED,
                                          "Method Not Allowed");
    }

    if (p == last || (p + 1 == last && *p == '/')) {
        return ngx_http_apigw_get_plans(r, amcf);
    }

    /* "/" {id} "/usage" */

    if (*p++ != '/') {
        return ngx_http_apigw_usage_error(r, NGX_HTTP_NOT_FOUND, "Not Found");
    }

    start = p;

    while (p < last && *p != '/') {
        p++;
    }

    id.data = start;
    id.len = p - start;

    if (id.len == 0 || last - p != sizeof("/usage") - 1
        || ngx_strncmp(p, "/usage", sizeof("/usage") - 1) != 0)
    {
        return ngx_http_apigw_usage_error(r, NGX_HTTP_NOT_FOUND, "Not Found");
    }

    plan = ngx_http_apigw_plan_find(amcf, &id);

    if (plan == NULL || amcf->store == NULL) {
        return ngx_http_apigw_usage_error(r, NGX_HTTP_NOT_FOUND,
                                          "Invalid Usage Plan ID specified");
    }

    return ngx_http_apigw_get_usage(r, amcf, plan);
}


/*
 * {"usagePlanId":..,"startDate":..,"endDate":..,"items":{KEY:[[used,
 * remaining], ...]}}: a pair for each day; remaining is what the quota
 * left at the end of that day (0 for plans without a quota)
 */

static ngx_int_t
ngx_http_apigw_get_usage(ngx_http_request_t *r,
    ngx_http_apigw_main_conf_t *amcf, ngx_http_apigw_plan_t *plan)
{
    u_char                      *p;
    size_t                       len;
    int64_t                      from, to, pfrom, d, t;
    uint64_t                     running, remaining;
    ngx_int_t                    n;
    ngx_str_t                    start, end, key, body, value, *keys;
    ngx_uint_t                   i, nkeys, period, limit, first, ndays;
    ngx_http_apigw_usage_day_t  *days;

    if (ngx_http_arg(r, (u_char *) "startDate", 9, &start) != NGX_OK
        || ngx_http_arg(r, (u_char *) "endDate", 7, &end) != NGX_OK
        || ngx_http_apigw_parse_date(start.data, start.len, &from) != NGX_OK
        || ngx_http_apigw_parse_date(end.data, end.len, &to) != NGX_OK)
    {
        return ngx_http_apigw_usage_error(r, NGX_HTTP_BAD_REQUEST,
                                          "startDate and endDate are "
                                          "required, as YYYY-MM-DD");
    }

    if (to < from || to - from >= NGX_HTTP_APIGW_USAGE_RANGE) {
        return ngx_http_apigw_usage_error(r, NGX_HTTP_BAD_REQUEST,
                                          "endDate must follow startDate, "
                                          "by at most 365 days");
    }

    if (ngx_http_arg(r, (u_char *) "keyId", 5, &key) != NGX_OK) {
        ngx_str_null(&key);
    }

    /* the days of the period before startDate count for "remaining" */

    period = plan->has_quota ? plan->period : NGX_HTTP_APIGW_PERIOD_DAY;
    pfrom = ngx_http_apigw_period_start(from * NGX_HTTP_APIGW_DAY, period)
            / NGX_HTTP_APIGW_DAY;

    ndays = (ngx_uint_t) (to - pfrom + 1);

    days = ngx_palloc(r->pool, ndays * sizeof(ngx_http_apigw_usage_day_t));
    if (days == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * A page of keys, as AWS pages them: "limit" (default 25, at most
     * 500) keys from "position", the id of the first (the keys are
     * sorted by id); "position" of the answer is the next page's.
     */

    limit = NGX_HTTP_APIGW_USAGE_PAGE;

    if (ngx_http_arg(r, (u_char *) "limit", 5, &value) == NGX_OK) {
        n = ngx_atoi(value.data, value.len);

        if (n == NGX_ERROR || n < 1 || n > NGX_HTTP_APIGW_USAGE_PAGE_MAX) {
            return ngx_http_apigw_usage_error(r, NGX_HTTP_BAD_REQUEST,
                                              "limit must be 1 to 500");
        }

        limit = n;
    }

    keys = plan->keys.elts;
    nkeys = plan->keys.nelts;
    first = 0;

    if (ngx_http_arg(r, (u_char *) "position", 8, &value) == NGX_OK) {
        while (first < nkeys
               && ngx_memn2cmp(keys[first].data, value.data, keys[first].len,
                               value.len) < 0)
        {
            first++;
        }
    }

    len = sizeof("{\"usagePlanId\":\"\",\"startDate\":\"\",\"endDate\":\"\","
                 "\"position\":\"\",\"items\":{}}") + 20
          + NGX_HTTP_APIGW_KEY_ID_MAX
          + plan->id.len + ngx_escape_json(NULL, plan->id.data, plan->id.len)
          + ngx_min(limit, nkeys)
            * (sizeof("\"\":[],") + NGX_HTTP_APIGW_KEY_ID_MAX
               + (to - from + 1) * (2 * NGX_INT64_LEN + 4));

    body.data = ngx_pnalloc(r->pool, len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(body.data, "{\"usagePlanId\":\"",
                   sizeof("{\"usagePlanId\":\"") - 1);
    p = (u_char *) ngx_escape_json(p, plan->id.data, plan->id.len);
    p = ngx_cpymem(p, "\",\"startDate\":\"", sizeof("\",\"startDate\":\"") - 1);
    p = ngx_http_apigw_format_date(p, from);
    p = ngx_cpymem(p, "\",\"endDate\":\"", sizeof("\",\"endDate\":\"") - 1);
    p = ngx_http_apigw_format_date(p, to);
    *p++ = '"';

    /* the next page's first key */

    for (i = first, n = 0; i < nkeys; i++) {
        if (key.len == 0
            || (key.len == keys[i].len
                && ngx_strncmp(key.data, keys[i].data, key.len) == 0))
        {
            if ((ngx_uint_t) n++ == limit) {
                p = ngx_sprintf(p, ",\"position\":\"%V\"", &keys[i]);
                break;
            }
        }
    }

    p = ngx_cpymem(p, ",\"items\":{", sizeof(",\"items\":{") - 1);

    for (i = first, n = 0; i < nkeys && (ngx_uint_t) n < limit; i++) {
        if (key.len && (key.len != keys[i].len
                        || ngx_strncmp(key.data, keys[i].data, key.len) != 0))
        {
            continue;
        }

        n++;

        if (amcf->store->ops->usage(amcf->store, plan, &keys[i], pfrom, to,
                                    days)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (p[-1] != '{') {
            *p++ = ',';
        }

        p = ngx_sprintf(p, "\"%V\":[", &keys[i]);

        running = 0;

        for (d = pfrom; d <= to; d++) {
            t = d * NGX_HTTP_APIGW_DAY;

            if (ngx_http_apigw_period_start(t, period) == t) {
                running = 0;
            }

            running += days[d - pfrom].count;

            if (d < from) {
                continue;
            }

            remaining = 0;

            if (plan->has_quota && running < plan->quota) {
                remaining = plan->quota - running;
            }

            p = ngx_sprintf(p, "%s[%uL,%uL]", d == from ? "" : ",",
                            days[d - pfrom].count, remaining);
        }

        *p++ = ']';
    }

    *p++ = '}';
    *p++ = '}';

    body.len = p - body.data;

    return ngx_http_apigw_send_json(r, NGX_HTTP_OK, &body);
}


/*
 * {"items":[{"id":..,"name":..,"throttle":{"burstLimit":..,"rateLimit":..},
 * "quota":{"limit":..,"offset":0,"period":..}}, ...],"zone":{...}}: the
 * plans as GetUsagePlans shows them, and the shared zone's figures
 */

static ngx_int_t
ngx_http_apigw_get_plans(ngx_http_request_t *r,
    ngx_http_apigw_main_conf_t *amcf)
{
    u_char                        *p;
    size_t                         len;
    ngx_str_t                      body;
    ngx_uint_t                     i;
    ngx_http_apigw_plan_t         *plan;
    ngx_http_apigw_store_stats_t   st;

    plan = amcf->plans.elts;

    len = sizeof("{\"items\":[],\"zone\":{\"name\":\"\",\"size\":,"
                 "\"bytes\":,\"buckets\":,\"quotas\":,\"days\":,"
                 "\"evictions\":}}") + amcf->zone_name.len
          + 7 * NGX_INT64_LEN;

    for (i = 0; i < amcf->plans.nelts; i++) {
        len += sizeof("{\"id\":\"\",\"name\":\"\",\"throttle\":{\"burstLimit\":"
                      ",\"rateLimit\":.},\"quota\":{\"limit\":,\"offset\":0,"
                      "\"period\":\"MONTH\"},\"keys\":},")
               + 2 * plan[i].id.len + 2 * plan[i].name.len
               + 4 * NGX_INT64_LEN;
    }

    body.data = ngx_pnalloc(r->pool, len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(body.data, "{\"items\":[", sizeof("{\"items\":[") - 1);

    for (i = 0; i < amcf->plans.nelts; i++) {
        p = ngx_cpymem(p, i ? ",{\"id\":\"" : "{\"id\":\"",
                       i ? sizeof(",{\"id\":\"") - 1
                         : sizeof("{\"id\":\"") - 1);
        p = (u_char *) ngx_escape_json(p, plan[i].id.data, plan[i].id.len);
        p = ngx_cpymem(p, "\",\"name\":\"", sizeof("\",\"name\":\"") - 1);
        p = (u_char *) ngx_escape_json(p, plan[i].name.data,
                                       plan[i].name.len);
        *p++ = '"';

        if (plan[i].throttle) {
            p = ngx_sprintf(p, ",\"throttle\":{\"burstLimit\":%uL,"
                            "\"rateLimit\":", plan[i].throttle->burst);
            p = ngx_http_apigw_format_rate(p, plan[i].throttle->rate, 1);
            *p++ = '}';
        }

        if (plan[i].has_quota) {
            p = ngx_sprintf(p, ",\"quota\":{\"limit\":%uL,\"offset\":0,"
                            "\"period\":\"%V\"}", plan[i].quota,
                            &ngx_http_apigw_period_names[plan[i].period]);
        }

        p = ngx_sprintf(p, ",\"keys\":%ui}", plan[i].keys.nelts);
    }

    p = ngx_cpymem(p, "]", 1);

    if (amcf->store) {
        amcf->store->ops->stats(amcf->store, &st);

        p = ngx_sprintf(p, ",\"zone\":{\"name\":\"%V\",\"size\":%uz,"
                        "\"bytes\":%uz,\"buckets\":%ui,\"quotas\":%ui,"
                        "\"days\":%ui,\"evictions\":%uA}",
                        &amcf->zone_name, st.size, st.bytes, st.buckets,
                        st.quotas, st.days, st.evictions);
    }

    *p++ = '}';

    body.len = p - body.data;

    return ngx_http_apigw_send_json(r, NGX_HTTP_OK, &body);
}


static ngx_int_t
ngx_http_apigw_usage_error(ngx_http_request_t *r, ngx_uint_t status,
    char *message)
{
    ngx_str_t  body;

    body.len = sizeof("{\"message\":\"\"}") - 1 + ngx_strlen(message);
    body.data = ngx_pnalloc(r->pool, body.len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(body.data, "{\"message\":\"%s\"}", message);

    return ngx_http_apigw_send_json(r, status, &body);
}
