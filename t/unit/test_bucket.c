
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the throttling arithmetic: token buckets (start full,
 * exact refills at whole and fractional rates, the burst as a ceiling,
 * clocks that go back, long idle times, a smaller burst after a reload)
 * and the UTC quota periods (days, weeks from Sunday, months), checked
 * against the C library's gmtime() over more than 500 years.
 */


#include <time.h>

#include <ngx_http_apigw_bucket.h>
#include "tap.h"


#define TOKEN  NGX_HTTP_APIGW_TOKEN


static ngx_http_apigw_limit_t
limit(const char *rate, uint64_t burst)
{
    ngx_http_apigw_limit_t  l;

    if (ngx_http_apigw_parse_rate((u_char *) rate, strlen(rate), &l.rate)
        != NGX_OK)
    {
        l.rate = (uint64_t) -1;
    }

    l.burst = burst;

    return l;
}


/* take as many requests as the bucket allows at "now" */

static uint64_t
drain(ngx_http_apigw_bucket_t *b, ngx_http_apigw_limit_t *l, uint64_t now)
{
    uint64_t  n;

    ngx_http_apigw_bucket_refill(b, l, now);

    for (n = 0; ngx_http_apigw_bucket_available(b) > 0; n++) {
        ngx_http_apigw_bucket_take(b);
    }

    return n;
}


static int64_t
date(const char *s)
{
    int64_t  days;

    if (ngx_http_apigw_parse_date((u_char *) s, strlen(s), &days) != NGX_OK) {
        return -999999;
    }

    return days;
}


static void
test_rates(void)
{
    u_char                  buf[32];
    uint64_t                r;
    ngx_http_apigw_limit_t  l;

    l = limit("10", 5);
    tap_ok(l.rate == 10000, "rate 10 is 10000 thousandths");
    l = limit("0.5", 5);
    tap_ok(l.rate == 500, "rate 0.5 is 500 thousandths");
    l = limit("2.125", 5);
    tap_ok(l.rate == 2125, "rate 2.125 is 2125 thousandths");
    l = limit("0", 5);
    tap_ok(l.rate == 0, "rate 0");

    tap_ok(ngx_http_apigw_parse_rate((u_char *) "1.2345", 6, &r) == NGX_ERROR,
           "four decimals are refused");
    tap_ok(ngx_http_apigw_parse_rate((u_char *) "1.", 2, &r) == NGX_ERROR,
           "a bare point is refused");
    tap_ok(ngx_http_apigw_parse_rate((u_char *) ".5", 2, &r) == NGX_ERROR,
           "no integer part is refused");
    tap_ok(ngx_http_apigw_parse_rate((u_char *) "-1", 2, &r) == NGX_ERROR,
           "a sign is refused");
    tap_ok(ngx_http_apigw_parse_rate((u_char *) "10r", 3, &r) == NGX_ERROR,
           "a unit is refused");
    tap_ok(ngx_http_apigw_parse_rate((u_char *) "1000000000", 10, &r)
           == NGX_OK && r == NGX_HTTP_APIGW_RATE_MAX,
           "a billion a second is the most");
    tap_ok(ngx_http_apigw_parse_rate((u_char *) "1000000001", 10, &r)
           == NGX_ERROR, "more is refused");
    tap_ok(ngx_http_apigw_parse_rate((u_char *) "99999999999999999999", 20,
                                     &r)
           == NGX_ERROR, "no overflow");

    *ngx_http_apigw_format_rate(buf, 10000, 0) = '\0';
    tap_is(buf, strlen((char *) buf), "10", 2, "10 formatted");
    *ngx_http_apigw_format_rate(buf, 10000, 1) = '\0';
    tap_is(buf, strlen((char *) buf), "10.0", 4, "10.0 as a JSON double");
    *ngx_http_apigw_format_rate(buf, 500, 1) = '\0';
    tap_is(buf, strlen((char *) buf), "0.5", 3, "0.5 formatted");
    *ngx_http_apigw_format_rate(buf, 2125, 0) = '\0';
    tap_is(buf, strlen((char *) buf), "2.125", 5, "2.125 formatted");
    *ngx_http_apigw_format_rate(buf, 2050, 0) = '\0';
    tap_is(buf, strlen((char *) buf), "2.05", 4, "2.05 formatted");
    *ngx_http_apigw_format_rate(buf, NGX_HTTP_APIGW_RATE_MAX, 0) = '\0';
    tap_is(buf, strlen((char *) buf), "1000000000", 10, "the most");
}


static void
test_buckets(void)
{
    uint64_t                 n, t, total;
    ngx_http_apigw_bucket_t  b;
    ngx_http_apigw_limit_t   l, small;

    l = limit("10", 5);

    ngx_http_apigw_bucket_init(&b, &l, 1000);
    tap_ok(ngx_http_apigw_bucket_available(&b) == 5, "a new bucket is full");
    n = drain(&b, &l, 1000);
    tap_ok(n == 5, "the burst at once");
    n = drain(&b, &l, 1099);
    tap_ok(n == 0, "nothing 99 ms later at 10/s");
    n = drain(&b, &l, 1100);
    tap_ok(n == 1, "one token 100 ms later");
    n = drain(&b, &l, 1350);
    tap_ok(n == 2, "two more 250 ms later, half kept");
    n = drain(&b, &l, 1400);
    tap_ok(n == 1, "the half and a half make one");
    n = drain(&b, &l, 100000);
    tap_ok(n == 5, "a long idle time gives the burst");

    /* refilled every millisecond or once: the same tokens */

    ngx_http_apigw_bucket_init(&b, &l, 0);
    total = drain(&b, &l, 0);

    for (t = 1; t <= 10000; t++) {
        total += drain(&b, &l, t);
    }

    tap_ok(total == 5 + 100, "10 s at 10/s, drained every ms: burst + 100 "
           "(got %llu)", (unsigned long long) total);

    l = limit("0.5", 2);
    ngx_http_apigw_bucket_init(&b, &l, 0);
    total = drain(&b, &l, 0);

    for (t = 0; t <= 60000; t += 7) {
        total += drain(&b, &l, t);
    }

    total += drain(&b, &l, 60000);

    tap_ok(total == 2 + 30, "60 s at 0.5/s, drained every 7 ms: burst + 30 "
           "(got %llu)", (unsigned long long) total);

    l = limit("3.333", 2);
    ngx_http_apigw_bucket_init(&b, &l, 0);
    total = drain(&b, &l, 0);

    for (t = 1; t <= 3000000; t += 13) {
        total += drain(&b, &l, t);
    }

    total += drain(&b, &l, 3000000);

    tap_ok(total == 2 + 9999, "3000 s at 3.333/s: burst + 9999 (got %llu)",
           (unsigned long long) total);

    /* another worker's clock a little behind */

    l = limit("10", 5);
    ngx_http_apigw_bucket_init(&b, &l, 5000);
    (void) drain(&b, &l, 5000);
    n = drain(&b, &l, 4900);
    tap_ok(n == 0, "a clock behind adds nothing");
    tap_ok(b.last == 5000, "and does not move the bucket back");
    n = drain(&b, &l, 5100);
    tap_ok(n == 1, "time counts from the latest clock");

    /* a smaller burst after a reload */

    ngx_http_apigw_bucket_init(&b, &l, 0);
    small = limit("10", 2);
    ngx_http_apigw_bucket_refill(&b, &small, 0);
    tap_ok(ngx_http_apigw_bucket_available(&b) == 2,
           "a smaller burst caps a full bucket at once");

    /* rate 0: the burst, once */

    l = limit("0", 3);
    ngx_http_apigw_bucket_init(&b, &l, 0);
    n = drain(&b, &l, 0);
    t = drain(&b, &l, 1000000000);
    tap_ok(n == 3 && t == 0, "rate 0 allows the burst and nothing after");
    tap_ok(ngx_http_apigw_bucket_full_after(&b, &l) == (uint64_t) -1,
           "an empty bucket of rate 0 is never full again");

    /* burst 0 refuses everything, as AWS does */

    l = limit("100", 0);
    ngx_http_apigw_bucket_init(&b, &l, 0);
    n = drain(&b, &l, 0);
    t = drain(&b, &l, 100000);
    tap_ok(n == 0 && t == 0, "burst 0 refuses every request");

    /* the highest rate and burst do not overflow */

    l = limit("1000000000", NGX_HTTP_APIGW_BURST_MAX);
    ngx_http_apigw_bucket_init(&b, &l, 0);
    b.tokens = 0;
    ngx_http_apigw_bucket_refill(&b, &l, (uint64_t) 1 << 62);
    tap_ok(ngx_http_apigw_bucket_available(&b) == NGX_HTTP_APIGW_BURST_MAX,
           "no overflow at the highest rate after 2^62 ms");

    b.tokens = 0;
    b.last = 0;
    ngx_http_apigw_bucket_refill(&b, &l, 1);
    tap_ok(ngx_http_apigw_bucket_available(&b) == 1000000,
           "a billion a second is a million in a ms");

    /* when a bucket may be forgotten */

    l = limit("10", 5);
    ngx_http_apigw_bucket_init(&b, &l, 0);
    tap_ok(ngx_http_apigw_bucket_full_after(&b, &l) == 0, "full: at once");
    n = drain(&b, &l, 0);
    tap_ok(n == 5 && ngx_http_apigw_bucket_full_after(&b, &l) == 500,
           "empty at 10/s, burst 5: full after 500 ms");
    b.tokens = 4 * TOKEN + 1;
    tap_ok(ngx_http_apigw_bucket_full_after(&b, &l) == 100,
           "a part of a token missing rounds up to a ms");
}


static void
test_dates(void)
{
    u_char      buf[16];
    int64_t     d, y;
    ngx_uint_t  m, dd;

    tap_ok(date("1970-01-01") == 0, "the epoch is day 0");
    tap_ok(date("1970-01-02") == 1, "the next day is 1");
    tap_ok(date("1969-12-31") == -1, "the day before is -1");
    tap_ok(date("2000-03-01") - date("2000-02-28") == 2,
           "2000 is a leap year");
    tap_ok(date("1900-03-01") - date("1900-02-28") == 1,
           "1900 is not");
    tap_ok(date("2024-02-29") != -999999, "2024-02-29 exists");
    tap_ok(date("2023-02-29") == -999999, "2023-02-29 does not");
    tap_ok(date("2023-04-31") == -999999, "April has 30 days");
    tap_ok(date("2023-13-01") == -999999, "no 13th month");
    tap_ok(date("2023-00-10") == -999999, "no month 0");
    tap_ok(date("2023-1-01") == -999999, "two digits for the month");
    tap_ok(date("2023-01-01x") == -999999, "nothing after the day");
    tap_ok(date("20230101") == -999999, "dashes are needed");

    d = date("2026-11-21");
    ngx_http_apigw_civil_from_days(d, &y, &m, &dd);
    tap_ok(y == 2026 && m == 11 && dd == 21, "2026-11-21 round trip");

    *ngx_http_apigw_format_date(buf, d) = '\0';
    tap_is(buf, strlen((char *) buf), "2026-11-21", 10, "formatted");

    *ngx_http_apigw_format_date(buf, date("0001-01-01")) = '\0';
    tap_is(buf, strlen((char *) buf), "0001-01-01", 10, "year 1");
}


static void
test_periods(void)
{
    int64_t    t, s, e, days;
    time_t     tt;
    struct tm  tm;
    ngx_uint_t bad_day, bad_week, bad_month, bad_civil;

#define DAY  NGX_HTTP_APIGW_PERIOD_DAY
#define WEEK NGX_HTTP_APIGW_PERIOD_WEEK
#define MONTH NGX_HTTP_APIGW_PERIOD_MONTH
#define AT(s, h, mi) (date(s) * 86400 + (h) * 3600 + (mi) * 60)

    /* 2024-01-03 is a Wednesday; its week began on Sunday 2023-12-31 */

    t = AT("2024-01-03", 15, 30);
    tap_ok(ngx_http_apigw_period_start(t, DAY) == AT("2024-01-03", 0, 0),
           "a day starts at midnight UTC");
    tap_ok(ngx_http_apigw_period_start(t, WEEK) == AT("2023-12-31", 0, 0),
           "a week starts on Sunday, across the year's end");
    tap_ok(ngx_http_apigw_period_start(t, MONTH) == AT("2024-01-01", 0, 0),
           "a month starts on the 1st");

    t = AT("2024-01-07", 0, 0);
    tap_ok(ngx_http_apigw_period_start(t, WEEK) == t,
           "Sunday midnight starts a week");
    tap_ok(ngx_http_apigw_period_start(t - 1, WEEK) == AT("2023-12-31", 0, 0),
           "the second before is the week before");

    s = ngx_http_apigw_period_start(AT("2024-02-29", 23, 59), MONTH);
    e = ngx_http_apigw_period_end(s, MONTH);
    tap_ok(s == AT("2024-02-01", 0, 0) && e == AT("2024-03-01", 0, 0),
           "February 2024 has 29 days");

    s = ngx_http_apigw_period_start(AT("2023-12-31", 23, 59), MONTH);
    e = ngx_http_apigw_period_end(s, MONTH);
    tap_ok(e == AT("2024-01-01", 0, 0), "December ends in January");

    e = ngx_http_apigw_period_end(AT("2024-03-09", 0, 0), DAY);
    tap_ok(e == AT("2024-03-10", 0, 0), "a day is 86400 s (UTC: no DST)");

    e = ngx_http_apigw_period_end(AT("2023-12-31", 0, 0), WEEK);
    tap_ok(e == AT("2024-01-07", 0, 0), "a week is 7 days");

    tap_ok(ngx_http_apigw_period_start(-1, DAY) == -86400,
           "a second before the epoch is the day before");
    tap_ok(ngx_http_apigw_period_start(0, WEEK) == AT("1969-12-28", 0, 0),
           "the epoch's week began on Sunday 1969-12-28");

    /* against gmtime(), every 7 h 13 min from 1900 to 2438 */

    bad_day = bad_week = bad_month = bad_civil = 0;

    for (t = -2208988800LL; t < 15000000000LL; t += 7 * 3600 + 13 * 60) {
        tt = (time_t) t;

        if (gmtime_r(&tt, &tm) == NULL) {
            continue;
        }

        s = ngx_http_apigw_period_start(t, DAY);
        if (s != t - (tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec)) {
            bad_day++;
        }

        if (ngx_http_apigw_period_start(t, WEEK) != s - tm.tm_wday * 86400LL)
        {
            bad_week++;
        }

        if (ngx_http_apigw_period_start(t, MONTH)
            != s - (tm.tm_mday - 1) * 86400LL)
        {
            bad_month++;
        }

        days = s / 86400;
        if (ngx_http_apigw_days_from_civil(tm.tm_year + 1900,
                                           (ngx_uint_t) tm.tm_mon + 1,
                                           (ngx_uint_t) tm.tm_mday)
            != days)
        {
            bad_civil++;
        }
    }

    tap_ok(bad_day == 0, "days agree with gmtime (%lu wrong)",
           (unsigned long) bad_day);
    tap_ok(bad_week == 0, "weeks agree with gmtime's Sundays (%lu wrong)",
           (unsigned long) bad_week);
    tap_ok(bad_month == 0, "months agree with gmtime (%lu wrong)",
           (unsigned long) bad_month);
    tap_ok(bad_civil == 0, "dates agree with gmtime (%lu wrong)",
           (unsigned long) bad_civil);

    /* every month's end is the next month's start */

    bad_month = 0;

    for (s = AT("1999-01-01", 0, 0); s < AT("2101-01-01", 0, 0); s = e) {
        e = ngx_http_apigw_period_end(s, MONTH);

        if (ngx_http_apigw_period_start(e, MONTH) != e
            || ngx_http_apigw_period_start(e - 1, MONTH) != s
            || e - s < 28 * 86400 || e - s > 31 * 86400)
        {
            bad_month++;
        }
    }

    tap_ok(bad_month == 0, "1999 to 2100: months follow each other");
}


int
main(void)
{
    test_rates();
    test_buckets();
    test_dates();
    test_periods();

    return tap_done();
}
