
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * A minimal TAP producer for the engines' unit tests; the summary line
 * is "N passed, N failed".
 */


#ifndef _NGX_HTTP_APIGW_TAP_H_INCLUDED_
#define _NGX_HTTP_APIGW_TAP_H_INCLUDED_


#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int  tap_run, tap_failed;


/* cond is evaluated once: it may parse, allocate or count */

#define tap_ok(cond, ...)                                                    \
    do {                                                                     \
        int  tap_ok_;                                                        \
                                                                             \
        tap_run++;                                                           \
        tap_ok_ = (cond) ? 1 : 0;                                            \
        if (tap_ok_) {                                                       \
            printf("ok %d - ", tap_run);                                     \
        } else {                                                             \
            tap_failed++;                                                    \
            printf("not ok %d - ", tap_run);                                 \
        }                                                                    \
        printf(__VA_ARGS__);                                                 \
        printf("\n");                                                        \
        if (!tap_ok_) {                                                      \
            printf("#   at %s line %d\n", __FILE__, __LINE__);               \
        }                                                                    \
    } while (0)


/* compares byte strings; shows both on failure */

#define tap_is(got, got_len, exp, exp_len, ...)                              \
    do {                                                                     \
        int  same_ = ((size_t) (got_len) == (size_t) (exp_len)              \
                      && memcmp(got, exp, exp_len) == 0);                    \
        tap_ok(same_, __VA_ARGS__);                                          \
        if (!same_) {                                                        \
            printf("#          got: '%.*s'\n", (int) (got_len),             \
                   (const char *) (got));                                    \
            printf("#     expected: '%.*s'\n", (int) (exp_len),             \
                   (const char *) (exp));                                    \
        }                                                                    \
    } while (0)


static int
tap_done(void)
{
    printf("1..%d\n", tap_run);
    printf("%d passed, %d failed\n", tap_run - tap_failed, tap_failed);

    return tap_failed ? 1 : 0;
}


#endif /* _NGX_HTTP_APIGW_TAP_H_INCLUDED_ */
