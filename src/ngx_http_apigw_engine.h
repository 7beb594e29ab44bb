
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The base of the pure engines (VTL, JSONPath, SigV4, policies, token
 * buckets): nginx's basic types and an allocator, nothing else of nginx,
 * so that each engine also builds alone for unit tests and fuzzing
 * (-DNGX_HTTP_APIGW_UNIT).
 */


#ifndef _NGX_HTTP_APIGW_ENGINE_H_INCLUDED_
#define _NGX_HTTP_APIGW_ENGINE_H_INCLUDED_


#ifdef NGX_HTTP_APIGW_UNIT

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

typedef unsigned char  u_char;
typedef intptr_t       ngx_int_t;
typedef uintptr_t      ngx_uint_t;

typedef struct {
    size_t      len;
    u_char     *data;
} ngx_str_t;

#define NGX_OK          0
#define NGX_ERROR      -1
#define NGX_AGAIN      -2
#define NGX_DECLINED   -5

#define ngx_string(str)     { sizeof(str) - 1, (u_char *) str }
#define ngx_null_string     { 0, NULL }
#define ngx_str_set(str, text)                                               \
    (str)->len = sizeof(text) - 1; (str)->data = (u_char *) text
#define ngx_str_null(str)   (str)->len = 0; (str)->data = NULL

#define ngx_memcpy(dst, src, n)   (void) memcpy(dst, src, n)
#define ngx_cpymem(dst, src, n)   (((u_char *) memcpy(dst, src, n)) + (n))
#define ngx_memzero(buf, n)       (void) memset(buf, 0, n)
#define ngx_memset(buf, c, n)     (void) memset(buf, c, n)
#define ngx_min(val1, val2)  ((val1 > val2) ? (val2) : (val1))
#define ngx_max(val1, val2)  ((val1 < val2) ? (val2) : (val1))

#define ngx_inline          inline

#else

#include <ngx_config.h>
#include <ngx_core.h>

#endif


/* engines allocate through this: a request pool in nginx, an arena alone */

typedef struct {
    void     *(*alloc)(void *data, size_t size);
    void       *data;
} ngx_http_apigw_alloc_t;

#define ngx_http_apigw_alloc(a, size)  (a)->alloc((a)->data, size)


/*
 * eight bytes of a word at a time (SWAR): the bytes below n (1 to 0x80)
 * or equal to c marked by their high bit.  The lowest mark is always
 * right (a borrow may mark bytes above it); on a little-endian machine
 * the lowest is the first byte in memory.
 */

#define NGX_HTTP_APIGW_ONES8   0x0101010101010101ULL
#define NGX_HTTP_APIGW_HIGHS8  0x8080808080808080ULL

#define ngx_http_apigw_has_less(w, n)                                        \
    (((w) - NGX_HTTP_APIGW_ONES8 * (n)) & ~(w) & NGX_HTTP_APIGW_HIGHS8)

#define ngx_http_apigw_has_byte(w, c)                                        \
    ngx_http_apigw_has_less((w) ^ (NGX_HTTP_APIGW_ONES8 * (c)), 1)


/*
 * a copy of n bytes: most of what the engines write is short, and is
 * copied in line by a few loads, the first and the last of them
 * overlapping, not by a call of memcpy()
 */

static ngx_inline void
ngx_http_apigw_copy(u_char *d, const u_char *s, size_t n)
{
    uint32_t  a4, b4;
    uint64_t  a8, b8, c8, d8;

    if (n >= 8) {
        if (n > 32) {
            ngx_memcpy(d, s, n);
            return;
        }

        if (n > 16) {
            ngx_memcpy(&a8, s, 8);
            ngx_memcpy(&b8, s + 8, 8);
            ngx_memcpy(&c8, s + n - 16, 8);
            ngx_memcpy(&d8, s + n - 8, 8);
            ngx_memcpy(d, &a8, 8);
            ngx_memcpy(d + 8, &b8, 8);
            ngx_memcpy(d + n - 16, &c8, 8);
            ngx_memcpy(d + n - 8, &d8, 8);
            return;
        }

        ngx_memcpy(&a8, s, 8);
        ngx_memcpy(&b8, s + n - 8, 8);
        ngx_memcpy(d, &a8, 8);
        ngx_memcpy(d + n - 8, &b8, 8);
        return;
    }

    if (n >= 4) {
        ngx_memcpy(&a4, s, 4);
        ngx_memcpy(&b4, s + n - 4, 4);
        ngx_memcpy(d, &a4, 4);
        ngx_memcpy(d + n - 4, &b4, 4);
        return;
    }

    while (n--) {
        *d++ = *s++;
    }
}


#endif /* _NGX_HTTP_APIGW_ENGINE_H_INCLUDED_ */
