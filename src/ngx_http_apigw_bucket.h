
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The arithmetic of throttling and quotas, apart from nginx so that it
 * is unit-tested alone (t/unit/test_bucket.c): token buckets in exact
 * integers, and the UTC periods of usage-plan quotas as AWS counts them
 * (days from midnight, weeks from Sunday, months from the 1st).
 */


#ifndef _NGX_HTTP_APIGW_BUCKET_H_INCLUDED_
#define _NGX_HTTP_APIGW_BUCKET_H_INCLUDED_


#include "ngx_http_apigw_engine.h"


/*
 * Tokens are counted in millionths of a request and rates in
 * thousandths of a request per second, so that a refill is
 * rate * elapsed milliseconds with no division and no rounding: nothing
 * is lost or gained however often a bucket is refilled.
 */
#define NGX_HTTP_APIGW_TOKEN            1000000
#define NGX_HTTP_APIGW_RATE_SCALE       1000

#define NGX_HTTP_APIGW_RATE_MAX         (1000000000ULL * 1000)
#define NGX_HTTP_APIGW_BURST_MAX        1000000000ULL

#define NGX_HTTP_APIGW_PERIOD_DAY       0
#define NGX_HTTP_APIGW_PERIOD_WEEK      1
#define NGX_HTTP_APIGW_PERIOD_MONTH     2

#define NGX_HTTP_APIGW_DAY              86400


typedef struct ngx_http_apigw_limit_s {
    uint64_t                    rate;       /* milli-requests a second */
    uint64_t                    burst;      /* requests */
} ngx_http_apigw_limit_t;


typedef struct {
    uint64_t                    tokens;     /* micro-requests */
    uint64_t                    last;       /* ms of the last refill */
} ngx_http_apigw_bucket_t;


void ngx_http_apigw_bucket_init(ngx_http_apigw_bucket_t *b,
    ngx_http_apigw_limit_t *limit, uint64_t now);
void ngx_http_apigw_bucket_refill(ngx_http_apigw_bucket_t *b,
    ngx_http_apigw_limit_t *limit, uint64_t now);
uint64_t ngx_http_apigw_bucket_full_after(ngx_http_apigw_bucket_t *b,
    ngx_http_apigw_limit_t *limit);

#define ngx_http_apigw_bucket_available(b)                                   \
    ((b)->tokens / NGX_HTTP_APIGW_TOKEN)

#define ngx_http_apigw_bucket_take(b)                                        \
    (b)->tokens -= NGX_HTTP_APIGW_TOKEN

int64_t ngx_http_apigw_period_start(int64_t now, ngx_uint_t period);
int64_t ngx_http_apigw_period_end(int64_t start, ngx_uint_t period);

int64_t ngx_http_apigw_days_from_civil(int64_t y, ngx_uint_t m,
    ngx_uint_t d);
void ngx_http_apigw_civil_from_days(int64_t days, int64_t *y,
    ngx_uint_t *m, ngx_uint_t *d);
ngx_int_t ngx_http_apigw_parse_date(u_char *p, size_t len, int64_t *days);
u_char *ngx_http_apigw_format_date(u_char *p, int64_t days);

ngx_int_t ngx_http_apigw_parse_rate(u_char *p, size_t len, uint64_t *rate);
u_char *ngx_http_apigw_format_rate(u_char *p, uint64_t rate,
    ngx_uint_t point);


#endif /* _NGX_HTTP_APIGW_BUCKET_H_INCLUDED_ */
