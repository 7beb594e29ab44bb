
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Token buckets and quota periods: see ngx_http_apigw_bucket.h.
 */


#include "ngx_http_apigw_bucket.h"


static int64_t ngx_http_apigw_floor_div(int64_t a, int64_t b);


/* a new bucket is full: a client's first burst is allowed at once */

void
ngx_http_apigw_bucket_init(ngx_http_apigw_bucket_t *b,
    ngx_http_apigw_limit_t *limit, uint64_t now)
{
    b->tokens = limit->burst * NGX_HTTP_APIGW_TOKEN;
    b->last = now;
}


/*
 * Adds what the rate gave since the last refill, up to the burst.  A
 * clock behind the last refill (another worker's cached time) adds
 * nothing and does not move the bucket back; a smaller burst after a
 * reload takes effect at once.
 */

void
ngx_http_apigw_bucket_refill(ngx_http_apigw_bucket_t *b,
    ngx_http_apigw_limit_t *limit, uint64_t now)
{
    uint64_t  cap, need, elapsed;

    cap = limit->burst * NGX_HTTP_APIGW_TOKEN;

    if (b->tokens >= cap) {
        b->tokens = cap;

        if (now > b->last) {
            b->last = now;
        }

        return;
    }

    if (now <= b->last) {
        return;
    }

    elapsed = now - b->last;
    b->last = now;

    if (limit->rate == 0) {
        return;
    }

    need = cap - b->tokens;

    /* compared by division first: rate * elapsed may not fit */

    if (elapsed >= (need + limit->rate - 1) / limit->rate) {
        b->tokens = cap;
        return;
    }

    b->tokens += limit->rate * elapsed;
}


/*
 * Milliseconds after b->last when the bucket is full again, when it is
 * the same as a new one and may be forgotten; (uint64_t) -1: never.
 */

uint64_t
ngx_http_apigw_bucket_full_after(ngx_http_apigw_bucket_t *b,
    ngx_http_apigw_limit_t *limit)
{
    uint64_t  cap;

    cap = limit->burst * NGX_HTTP_APIGW_TOKEN;

    if (b->tokens >= cap) {
        return 0;
    }

    if (limit->rate == 0) {
        return (uint64_t) -1;
    }

    return (cap - b->tokens + limit->rate - 1) / limit->rate;
}


/*
 * The start of the quota period that holds "now" (seconds since the
 * epoch, UTC): midnight; the Sunday of the week (AWS's offset 0); the
 * 1st of the month.
 */

int64_t
ngx_http_apigw_period_start(int64_t now, ngx_uint_t period)
{
    int64_t     days, y, weekday;
    ngx_uint_t  m, d;

    days = ngx_http_apigw_floor_div(now, NGX_HTTP_APIGW_DAY);

    switch (period) {

    case NGX_HTTP_APIGW_PERIOD_WEEK:
        /* 1970-01-01 was a Thursday: day 0 is weekday 4, Sunday is 0 */
        weekday = days + 4 - 7 * ngx_http_apigw_floor_div(days + 4, 7);
        days -= weekday;
        break;

    case NGX_HTTP_APIGW_PERIOD_MONTH:
        ngx_http_apigw_civil_from_days(days, &y, &m, &d);
        days = ngx_http_apigw_days_from_civil(y, m, 1);
        break;

    default: /* NGX_HTTP_APIGW_PERIOD_DAY */
        break;
    }

    return days * NGX_HTTP_APIGW_DAY;
}


/* the start of the next period, for a start of ngx_http_apigw_period_start */

int64_t
ngx_http_apigw_period_end(int64_t start, ngx_uint_t period)
{
    int64_t     days, y;
    ngx_uint_t  m, d;

    switch (period) {

    case NGX_HTTP_APIGW_PERIOD_WEEK:
        return start + 7 * NGX_HTTP_APIGW_DAY;

    case NGX_HTTP_APIGW_PERIOD_MONTH:
        days = ngx_http_apigw_floor_div(start, NGX_HTTP_APIGW_DAY);
        ngx_http_apigw_civil_from_days(days, &y, &m, &d);

        if (m == 12) {
            y++;
            m = 1;

        } else {
            m++;
        }

        return ngx_http_apigw_days_from_civil(y, m, 1) * NGX_HTTP_APIGW_DAY;

    default: /* NGX_HTTP_APIGW_PERIOD_DAY */
        return start + NGX_HTTP_APIGW_DAY;
    }
}


/*
 * Days since 1970-01-01 of a date of the proleptic Gregorian calendar,
 * and back: years of 400 years ("eras") of 146097 days, each year
 * counted from March so that February's length comes last.
 */

int64_t
ngx_http_apigw_days_from_civil(int64_t y, ngx_uint_t m, ngx_uint_t d)
{
    int64_t  era, yoe, doy, doe;

    y -= (m <= 2);
    era = ngx_http_apigw_floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (int64_t) (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


void
ngx_http_apigw_civil_from_days(int64_t days, int64_t *y, ngx_uint_t *m,
    ngx_uint_t *d)
{
    int64_t  era, doe, yoe, doy, mp;

    days += 719468;
    era = ngx_http_apigw_floor_div(days, 146097);
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;

    *d = (ngx_uint_t) (doy - (153 * mp + 2) / 5 + 1);
    *m = (ngx_uint_t) (mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}


/* "YYYY-MM-DD", a real date: the days since the epoch */

ngx_int_t
ngx_http_apigw_parse_date(u_char *p, size_t len, int64_t *days)
{
    int64_t     y, yy;
    ngx_uint_t  i, m, d, mm, dd;

    if (len != 10 || p[4] != '-' || p[7] != '-') {
        return NGX_ERROR;
    }

    for (i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (p[i] < '0' || p[i] > '9')) {
            return NGX_ERROR;
        }
    }

    y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10
        + (p[3] - '0');
    m = (p[5] - '0') * 10 + (p[6] - '0');
    d = (p[8] - '0') * 10 + (p[9] - '0');

    if (m < 1 || m > 12 || d < 1 || d > 31) {
        return NGX_ERROR;
    }

    *days = ngx_http_apigw_days_from_civil(y, m, d);

    /* the 30th of February comes back as a day of March */

    ngx_http_apigw_civil_from_days(*days, &yy, &mm, &dd);

    if (yy != y || mm != m || dd != d) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* "YYYY-MM-DD" into p (10 bytes), for years 0 to 9999 */

u_char *
ngx_http_apigw_format_date(u_char *p, int64_t days)
{
    int64_t     y;
    ngx_uint_t  m, d;

    ngx_http_apigw_civil_from_days(days, &y, &m, &d);

    if (y < 0 || y > 9999) {
        y = 0;
    }

    *p++ = (u_char) ('0' + y / 1000);
    *p++ = (u_char) ('0' + y / 100 % 10);
    *p++ = (u_char) ('0' + y / 10 % 10);
    *p++ = (u_char) ('0' + y % 10);
    *p++ = '-';
    *p++ = (u_char) ('0' + m / 10);
    *p++ = (u_char) ('0' + m % 10);
    *p++ = '-';
    *p++ = (u_char) ('0' + d / 10);
    *p++ = (u_char) ('0' + d % 10);

    return p;
}


/* "10", "0.5", "2.125": requests a second, in thousandths */

ngx_int_t
ngx_http_apigw_parse_rate(u_char *p, size_t len, uint64_t *rate)
{
    u_char      *last;
    uint64_t     n;
    ngx_uint_t   frac, digits;

    last = p + len;
    n = 0;
    digits = 0;

    while (p < last && *p >= '0' && *p <= '9') {
        n = n * 10 + (*p++ - '0');
        digits++;

        if (n > NGX_HTTP_APIGW_RATE_MAX / NGX_HTTP_APIGW_RATE_SCALE) {
            return NGX_ERROR;
        }
    }

    if (digits == 0) {
        return NGX_ERROR;
    }

    n *= NGX_HTTP_APIGW_RATE_SCALE;

    if (p < last && *p == '.') {
        p++;

        if (p == last) {
            return NGX_ERROR;
        }

        for (frac = NGX_HTTP_APIGW_RATE_SCALE / 10; p < last; frac /= 10) {
            if (*p < '0' || *p > '9' || frac == 0) {
                return NGX_ERROR;
            }

            n += (*p++ - '0') * frac;
        }
    }

    if (p != last || n > NGX_HTTP_APIGW_RATE_MAX) {
        return NGX_ERROR;
    }

    *rate = n;

    return NGX_OK;
}


/*
 * The other way: "10", "0.5" (at most 24 bytes); with
 * point, a whole rate keeps a decimal, "10.0", as JSON doubles of AWS
 */

u_char *
ngx_http_apigw_format_rate(u_char *p, uint64_t rate, ngx_uint_t point)
{
    u_char    digits[24];
    size_t    n;
    uint64_t  whole, frac;

    whole = rate / NGX_HTTP_APIGW_RATE_SCALE;
    frac = rate % NGX_HTTP_APIGW_RATE_SCALE;

    n = 0;

    do {
        digits[n++] = (u_char) ('0' + whole % 10);
        whole /= 10;
    } while (whole);

    while (n) {
        *p++ = digits[--n];
    }

    if (frac == 0) {
        if (point) {
            *p++ = '.';
            *p++ = '0';
        }

        return p;
    }

    *p++ = '.';

    for (n = NGX_HTTP_APIGW_RATE_SCALE / 10; frac; n /= 10) {
        *p++ = (u_char) ('0' + frac / n);
        frac %= n;
    }

    return p;
}


static int64_t
ngx_http_apigw_floor_div(int64_t a, int64_t b)
{
    int64_t  q;

    q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q--;
    }

    return q;
}
