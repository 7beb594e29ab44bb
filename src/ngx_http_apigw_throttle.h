
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Throttling and usage plans: token buckets at every level API Gateway
 * has (account, stage and method, usage plan and usage plan per method,
 * for each API key), usage-plan quotas per day, week or month, and the
 * usage of each key and day.  The state lives in a store behind a small
 * interface (ngx_http_apigw_store_ops_t); the shared-memory zone is the
 * first backend (throttle_shm.c).
 */


#ifndef _NGX_HTTP_APIGW_THROTTLE_H_INCLUDED_
#define _NGX_HTTP_APIGW_THROTTLE_H_INCLUDED_


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_bucket.h"


#define NGX_HTTP_APIGW_ZONE_DEFAULT_NAME    "apigw"
#define NGX_HTTP_APIGW_ZONE_DEFAULT_SIZE    (10 * 1024 * 1024)
#define NGX_HTTP_APIGW_STATE_INTERVAL       10000
#define NGX_HTTP_APIGW_USAGE_DAYS           90    /* history kept */
#define NGX_HTTP_APIGW_PLAN_NAME_MAX        64
#define NGX_HTTP_APIGW_MAX_BUCKETS          4
#define NGX_HTTP_APIGW_BUCKET_IDLE          60000 /* ms full, then gone */

/* what a request is limited by: $apigw_throttled_by, logs */
#define NGX_HTTP_APIGW_LEVEL_ACCOUNT        0
#define NGX_HTTP_APIGW_LEVEL_STAGE          1
#define NGX_HTTP_APIGW_LEVEL_METHOD         2
#define NGX_HTTP_APIGW_LEVEL_PLAN           3
#define NGX_HTTP_APIGW_LEVEL_PLAN_METHOD    4
#define NGX_HTTP_APIGW_LEVEL_QUOTA          5

/* the kinds of entries of a store, the first byte of their ids */
#define NGX_HTTP_APIGW_ENTRY_BUCKET         'B'
#define NGX_HTTP_APIGW_ENTRY_QUOTA          'Q'
#define NGX_HTTP_APIGW_ENTRY_DAY            'D'


/* an API stage of a usage plan: stages=API:STAGE */
typedef struct {
    ngx_str_t                       api;
    ngx_str_t                       stage;      /* empty: all of the API */
    ngx_uint_t                      found;
} ngx_http_apigw_plan_stage_t;


/* apigw_usage_plan */
typedef struct {
    ngx_str_t                       name;
    ngx_str_t                       id;
    ngx_http_apigw_limit_t         *throttle;   /* NULL: none */
    uint64_t                        quota;
    ngx_uint_t                      period;
    ngx_array_t                    *stages;     /* plan_stage_t; NULL: all */
    ngx_array_t                     keys;       /* ngx_str_t: members' ids */
    u_char                         *file;
    ngx_uint_t                      line;
    unsigned                        has_quota:1;
} ngx_http_apigw_plan_t;


/*
 * A key's usage plan, with the ids of the key's bucket and count in it
 * and their hashes, made at configuration time: the request path only
 * looks them up
 */
typedef struct {
    ngx_http_apigw_plan_t          *plan;
    ngx_str_t                       bucket;     /* "BP" KEY " " PLAN */
    ngx_str_t                       usage;      /* "Q" KEY " " PLAN */
    uint32_t                        bucket_hash;
    uint32_t                        usage_hash;
} ngx_http_apigw_key_plan_t;


/* apigw_throttle in a location or method: a method's limits */
typedef struct ngx_http_apigw_method_limit_s  ngx_http_apigw_method_limit_t;

struct ngx_http_apigw_method_limit_s {
    ngx_http_apigw_limit_t          limit;
    ngx_array_t                    *stages;     /* ngx_str_t; NULL: all */
    ngx_http_apigw_plan_t          *plan;       /* NULL: the stage's */
    ngx_http_apigw_method_limit_t  *self;       /* a list of one */
    ngx_str_t                       plan_name;
    u_char                         *file;
    ngx_uint_t                      line;
};


/* a method's limit in one stage, resolved at configuration time */
typedef struct {
    ngx_http_apigw_limit_t         *limit;      /* NULL: none */
    ngx_str_t                       id;         /* "BM" STAGE " " METHOD.. */
    uint32_t                        hash;       /* of the id */
    ngx_uint_t                      level;      /* the stage's, own */
    ngx_array_t                    *plans;      /* method_limit_t *, plan= */
} ngx_http_apigw_stage_limit_t;


/* a location's (or method's) throttling */
struct ngx_http_apigw_throttle_conf_s {
    ngx_array_t                    *limits;     /* method_limit_t */
    ngx_str_t                       method_id;  /* "API RESOURCE METHOD" */
    ngx_http_apigw_stage_limit_t   *stages;     /* by stage index */
    ngx_uint_t                      nstages;
    ngx_uint_t                      plan_limits;  /* some with plan= */
};


/* one bucket to take a token from */
typedef struct {
    ngx_str_t                       id;
    uint32_t                        hash;       /* of the id; 0: not yet */
    ngx_http_apigw_limit_t         *limit;
    ngx_uint_t                      level;
} ngx_http_apigw_bucket_req_t;


/* a request's check: all buckets and the quota, taken together or not */
typedef struct {
    ngx_http_apigw_bucket_req_t     buckets[NGX_HTTP_APIGW_MAX_BUCKETS];
    ngx_uint_t                      nbuckets;

    ngx_str_t                       usage;      /* empty: no key's usage */
    uint32_t                        usage_hash;
    ngx_http_apigw_plan_t          *plan;

    uint64_t                        now;        /* ms, monotonic */
    time_t                          time;       /* seconds, UTC */

    /* results */
    ngx_uint_t                      level;      /* of a refusal */
    uint64_t                        remaining;  /* tokens, the fewest */
    uint64_t                        used;       /* in the quota period */
    time_t                          reset;      /* the period's end */
    ngx_uint_t                      evicted;
    ngx_uint_t                      evicted_usage;
} ngx_http_apigw_check_t;


/* one day of a key's usage, for GetUsage */
typedef struct {
    int64_t                         day;
    uint64_t                        count;
} ngx_http_apigw_usage_day_t;


typedef struct {
    ngx_uint_t                      buckets;
    ngx_uint_t                      quotas;
    ngx_uint_t                      days;
    size_t                          bytes;
    size_t                          size;
    ngx_atomic_uint_t               evictions;
} ngx_http_apigw_store_stats_t;


/*
 * A backend of throttling state.  check() takes one token of every
 * bucket and counts the request in the key's usage, all or nothing:
 * NGX_OK (accepted), NGX_BUSY (a bucket is empty: chk->level says
 * which), NGX_DECLINED (the quota is used up), NGX_ERROR.  A backend
 * reached over the network would return NGX_AGAIN and post the request
 * when the answer is in; the access handler is re-entrant for it.
 * usage() reads the counts of a key's days [from, to].
 */
typedef struct {
    ngx_str_t                       name;
    ngx_int_t                     (*check)(ngx_http_apigw_store_t *store,
                                        ngx_http_apigw_check_t *chk,
                                        ngx_log_t *log);
    ngx_int_t                     (*usage)(ngx_http_apigw_store_t *store,
                                        ngx_http_apigw_plan_t *plan,
                                        ngx_str_t *key, int64_t from,
                                        int64_t to,
                                        ngx_http_apigw_usage_day_t *days);
    void                          (*stats)(ngx_http_apigw_store_t *store,
                                        ngx_http_apigw_store_stats_t *st);
} ngx_http_apigw_store_ops_t;


struct ngx_http_apigw_store_s {
    ngx_http_apigw_store_ops_t     *ops;
    void                           *data;
};


/* the shared-memory backend's zone: shm_zone->data */
typedef struct ngx_http_apigw_tzone_sh_s  ngx_http_apigw_tzone_sh_t;

typedef struct {
    ngx_http_apigw_tzone_sh_t      *sh;
    ngx_slab_pool_t                *shpool;
    ngx_str_t                       name;
    size_t                          size;
    ngx_http_apigw_main_conf_t     *amcf;
    time_t                          logged;     /* of the last full zone */
    ngx_uint_t                      unlogged;
    ngx_uint_t                      unlogged_usage;
    int64_t                         period_day; /* today, since the epoch */
    int64_t                         period_start[3];
    int64_t                         period_end[3];
} ngx_http_apigw_tzone_t;


/* a request's: the variables' values */
struct ngx_http_apigw_throttle_ctx_s {
    ngx_http_apigw_plan_t          *plan;
    ngx_http_apigw_limit_t         *tightest;
    uint64_t                        remaining;
    uint64_t                        used;
    time_t                          reset;
    ngx_uint_t                      level;
    unsigned                        refused:1;
    unsigned                        checked:1;
};


/* throttle.c: directives */
char *ngx_http_apigw_throttle(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_usage_plan(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_shared_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_usage_state(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_apigw_usage(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* throttle.c: configuration */
void *ngx_http_apigw_throttle_create_main_conf(ngx_conf_t *cf);
char *ngx_http_apigw_throttle_stage(ngx_conf_t *cf,
    ngx_http_apigw_stage_t *stage);
char *ngx_http_apigw_throttle_merge_conf(ngx_conf_t *cf,
    ngx_http_apigw_loc_conf_t *prev, ngx_http_apigw_loc_conf_t *conf);
ngx_int_t ngx_http_apigw_throttle_init(ngx_conf_t *cf);
ngx_int_t ngx_http_apigw_throttle_add_variables(ngx_conf_t *cf);
ngx_http_apigw_plan_t *ngx_http_apigw_plan_find(
    ngx_http_apigw_main_conf_t *amcf, ngx_str_t *name);
ngx_int_t ngx_http_apigw_plan_covers(ngx_http_apigw_plan_t *plan,
    ngx_http_apigw_srv_conf_t *ascf, ngx_http_apigw_stage_t *stage);
ngx_int_t ngx_http_apigw_plans_overlap(ngx_http_apigw_plan_t *a,
    ngx_http_apigw_plan_t *b);
ngx_int_t ngx_http_apigw_usage_id(ngx_http_apigw_plan_t *plan,
    ngx_str_t *key, u_char *buf, size_t size, ngx_str_t *id);
ngx_int_t ngx_http_apigw_key_plan_init(ngx_conf_t *cf,
    ngx_http_apigw_key_plan_t *kp, ngx_http_apigw_plan_t *plan,
    ngx_str_t *key);

/* throttle_shm.c: the shared-memory backend */
extern ngx_http_apigw_store_ops_t  ngx_http_apigw_shm_store_ops;
ngx_int_t ngx_http_apigw_tzone_init(ngx_shm_zone_t *shm_zone, void *data);
ngx_int_t ngx_http_apigw_tzone_snapshot(ngx_http_apigw_tzone_t *zone,
    time_t now, ngx_str_t *image, ngx_atomic_uint_t *changes);
void ngx_http_apigw_tzone_saved(ngx_http_apigw_tzone_t *zone,
    ngx_atomic_uint_t changes);
char *ngx_http_apigw_tzone_restore(ngx_http_apigw_tzone_t *zone,
    u_char *p, size_t len, ngx_log_t *log);

/* usage.c: the state file and GetUsage */
ngx_int_t ngx_http_apigw_state_load(ngx_http_apigw_tzone_t *zone,
    ngx_log_t *log);
ngx_msec_t ngx_http_apigw_state_manager(void *data);
void ngx_http_apigw_state_exit(ngx_cycle_t *cycle);
ngx_int_t ngx_http_apigw_usage_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_APIGW_THROTTLE_H_INCLUDED_ */
