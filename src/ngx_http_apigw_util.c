
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * API Gateway's $util functions and the JSON text of $input.json().
 *
 * Where the behaviour comes from:
 *
 * - escapeJavaScript: the AWS developer guide says that it escapes with
 *   JavaScript string rules and turns ' into \' (not valid JSON); the
 *   rules are those of commons-lang StringEscapeUtils.escapeJavaScript()
 *   (escapeJavaStyleString with single quotes and "/" escaped), which
 *   writes \uXXXX with Integer.toHexString(ch).toUpperCase() for every
 *   UTF-16 unit above 0x7f and for controls without a short form.
 * - urlEncode, urlDecode: java.net.URLEncoder and URLDecoder with UTF-8.
 * - base64Decode: java.util.Base64's basic decoder.
 * - $input.json(): the AWS guide names Jayway JsonPath ("JSONPath for
 *   Java"); its json-smart provider writes compact JSON ({"a":1}, with
 *   JSONStyle.LT_COMPRESS, which does not escape "/"), and both its
 *   Java providers hold reals as Java doubles, printed by
 *   Double.toString(): 10.0 stays "10.0", 1e7 becomes "1.0E7";
 *   integers stay integers.  Strings are escaped as jansson does (the
 *   exact Java escaping of U+007F-U+009F and U+2000-U+20FF is not
 *   known).
 *
 * Everything, the output and json_dump's stack, comes from the
 * allocator.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <ngx_http_apigw_util.h>

#if (defined __SSE2__ && defined __GNUC__)
#include <emmintrin.h>
#define NGX_HTTP_APIGW_SSE2  1
#endif


typedef struct {
    ngx_http_apigw_jv_cont_t   *cont;
    ngx_uint_t                  index;
} ngx_http_apigw_util_frame_t;


typedef struct {
    ngx_http_apigw_alloc_t     *a;
    u_char                     *start;
} ngx_http_apigw_util_buf_t;


static uint32_t ngx_http_apigw_util_decode(u_char **pp, u_char *last);
static u_char *ngx_http_apigw_util_uescape(u_char *d, uint32_t unit);
static ngx_int_t ngx_http_apigw_util_alloc(ngx_http_apigw_alloc_t *a,
    ngx_str_t *out, size_t len);
static size_t ngx_http_apigw_util_sanitize(u_char *d, u_char *p, size_t len,
    ngx_uint_t *changed);
static ngx_int_t ngx_http_apigw_util_text(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);
static u_char *ngx_http_apigw_util_js_plain_end(u_char *p, u_char *last);
#if (NGX_HTTP_APIGW_SSE2)
static ngx_inline unsigned ngx_http_apigw_util_js_mask(u_char *p);
static size_t ngx_http_apigw_util_escape_js_blocks(u_char *d, u_char *p,
    u_char *last);
#endif
static u_char *ngx_http_apigw_util_js_escape(u_char *d, u_char **pp,
    u_char *last);
static size_t ngx_http_apigw_util_urlenc(u_char *d, u_char *p, size_t len);
static ngx_int_t ngx_http_apigw_util_hex(u_char c);
static size_t ngx_http_apigw_util_quote_len(u_char *p, size_t len);
static u_char *ngx_http_apigw_util_quote_copy(u_char *d, u_char *p,
    size_t len);
static ngx_int_t ngx_http_apigw_util_json_scalar(ngx_http_apigw_jv_t *v,
    ngx_http_apigw_jv_out_t *out);
static ngx_int_t ngx_http_apigw_util_grow(ngx_http_apigw_jv_out_t *out,
    size_t n);


static u_char  ngx_http_apigw_util_hexdigits[] = "0123456789ABCDEF";

static u_char  ngx_http_apigw_util_base64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";


/*
 * the next code point, or U+FFFD for a maximal ill-formed subpart
 * (which is consumed: a lead byte and the continuation bytes it allows)
 */

static uint32_t
ngx_http_apigw_util_decode(u_char **pp, u_char *last)
{
    u_char      *p, c, lo, hi;
    uint32_t     cp;
    ngx_uint_t   need;

    p = *pp;
    c = *p++;

    if (c < 0x80) {
        *pp = p;
        return c;
    }

    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        cp = c & 0x1f;

    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        cp = c & 0x0f;

        if (c == 0xe0) {
            lo = 0xa0;

        } else if (c == 0xed) {
            hi = 0x9f;          /* no surrogates */
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x07;

        if (c == 0xf0) {
            lo = 0x90;

        } else if (c == 0xf4) {
            hi = 0x8f;
        }

    } else {
        *pp = p;
        return 0xfffd;
    }

    while (need--) {
        if (p == last || *p < lo || *p > hi) {
            *pp = p;
            return 0xfffd;
        }

        cp = (cp << 6) | (*p++ & 0x3f);

        lo = 0x80;
        hi = 0xbf;
    }

    *pp = p;

    return cp;
}


static u_char *
ngx_http_apigw_util_uescape(u_char *d, uint32_t unit)
{
    *d++ = '\\';
    *d++ = 'u';
    *d++ = ngx_http_apigw_util_hexdigits[(unit >> 12) & 0xf];
    *d++ = ngx_http_apigw_util_hexdigits[(unit >> 8) & 0xf];
    *d++ = ngx_http_apigw_util_hexdigits[(unit >> 4) & 0xf];
    *d++ = ngx_http_apigw_util_hexdigits[unit & 0xf];

    return d;
}


static ngx_int_t
ngx_http_apigw_util_alloc(ngx_http_apigw_alloc_t *a, ngx_str_t *out,
    size_t len)
{
    out->len = len;
    out->data = ngx_http_apigw_alloc(a, len + 1);

    return (out->data == NULL) ? NGX_ERROR : NGX_OK;
}


/*
 * The workers below write to d, or only count with d NULL: each
 * function measures first and then fills exactly what it allocated.
 */

static size_t
ngx_http_apigw_util_sanitize(u_char *d, u_char *p, size_t len,
    ngx_uint_t *changed)
{
    u_char    buf[4], *q, *e, *last;
    size_t    n;
    uint32_t  cp;

    n = 0;
    last = p + len;
    *changed = 0;

    /* ASCII, the usual case, is what it is */

    while (p < last && *p < 0x80) {
        p++;
    }

    n = p - (last - len);

    if (d) {
        ngx_memcpy(d, last - len, n);
    }

    while (p < last) {
        q = p;
        cp = ngx_http_apigw_util_decode(&p, last);

        if (cp == 0xfffd && (p - q != 3 || q[0] != 0xef)) {
            /* a replacement, not an encoded U+FFFD */
            *changed = 1;
            e = ngx_http_apigw_jv_utf8_put(buf, cp);
            q = buf;

        } else {
            e = p;
        }

        if (d) {
            ngx_memcpy(d + n, q, e - q);
        }

        n += e - q;
    }

    return n;
}


ngx_int_t
ngx_http_apigw_util_utf8_sanitize(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_str_t *out)
{
    size_t      len;
    ngx_uint_t  changed;

    len = ngx_http_apigw_util_sanitize(NULL, in->data, in->len, &changed);

    if (!changed) {
        /* well-formed: the input itself, not a copy */
        *out = *in;
        return NGX_OK;
    }

    if (ngx_http_apigw_util_alloc(a, out, len) != NGX_OK) {
        return NGX_ERROR;
    }

    (void) ngx_http_apigw_util_sanitize(out->data, in->data, in->len,
                                        &changed);

    return NGX_OK;
}


/* a Java string's UTF-8: the input itself when it is well-formed */

static ngx_int_t
ngx_http_apigw_util_text(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_str_t *out)
{
    ngx_uint_t  changed;

    (void) ngx_http_apigw_util_sanitize(NULL, in->data, in->len, &changed);

    if (!changed) {
        *out = *in;
        return NGX_OK;
    }

    return ngx_http_apigw_util_utf8_sanitize(a, in, out);
}


/* the bytes escapeJavaScript() keeps: ASCII from 0x20 but " ' \\ / */

static const u_char  ngx_http_apigw_util_js_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
    /* 0x80 and above: 0 */
};


/*
 * what escapeJavaScript() writes after a backslash for a byte: 0 for a
 * byte kept, 'u' for \\uXXXX (other controls, and from 0x80 a code point)
 */

static const u_char  ngx_http_apigw_util_js_esc[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0, 0, '"', 0, 0, 0, 0, '\'', 0, 0, 0, 0, 0, 0, 0, '/',
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u'
};


/*
 * the end of a run of bytes escapeJavaScript() keeps, 16 or 8 at a time
 * (as ngx_http_apigw_jv_plain_end())
 */

#if (NGX_HTTP_APIGW_SSE2)

/*
 * the bytes of p[0..15] escapeJavaScript() does not keep, a bit each:
 * the bytes >= 0x80 or < 0x20 are < 0x20 signed
 */

static ngx_inline unsigned
ngx_http_apigw_util_js_mask(u_char *p)
{
    __m128i  x, special;

    x = _mm_loadu_si128((__m128i *) p);

    special = _mm_or_si128(
                  _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                               _mm_cmpeq_epi8(x, _mm_set1_epi8('\''))),
                  _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
                               _mm_cmpeq_epi8(x, _mm_set1_epi8('/'))));

    return _mm_movemask_epi8(_mm_or_si128(special,
                                 _mm_cmplt_epi8(x, _mm_set1_epi8(0x20))));
}

#endif


static u_char *
ngx_http_apigw_util_js_plain_end(u_char *p, u_char *last)
{
    uint64_t  w, m;

#if (NGX_HTTP_APIGW_SSE2)
    unsigned  bits;

    while (last - p >= 16) {
        bits = ngx_http_apigw_util_js_mask(p);

        if (bits) {
            return p + __builtin_ctz(bits);
        }

        p += 16;
    }
#endif

    while (last - p >= 8) {
        ngx_memcpy(&w, p, 8);

        m = (w & NGX_HTTP_APIGW_HIGHS8)
            | ngx_http_apigw_has_less(w, 0x20)
            | ngx_http_apigw_has_byte(w, '"')
            | ngx_http_apigw_has_byte(w, '\'')
            | ngx_http_apigw_has_byte(w, '\\')
            | ngx_http_apigw_has_byte(w, '/');

        if (m) {
#if (defined __GNUC__ && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
            return p + (__builtin_ctzll(m) >> 3);
#else
            break;
#endif
        }

        p += 8;
    }

    while (p < last && ngx_http_apigw_util_js_plain[*p]) {
        p++;
    }

    return p;
}


/* what escapeJavaScript() writes for a code point that is not kept */

static u_char *
ngx_http_apigw_util_js_escape(u_char *d, u_char **pp, u_char *last)
{
    u_char    c;
    uint32_t  cp;

    c = **pp;

    if (c < 0x80) {
        (*pp)++;

        switch (c) {
        case '\b':
            *d++ = '\\';
            *d++ = 'b';
            return d;
        case '\t':
            *d++ = '\\';
            *d++ = 't';
            return d;
        case '\n':
            *d++ = '\\';
            *d++ = 'n';
            return d;
        case '\f':
            *d++ = '\\';
            *d++ = 'f';
            return d;
        case '\r':
            *d++ = '\\';
            *d++ = 'r';
            return d;
        case '"':
        case '\'':
        case '\\':
        case '/':
            *d++ = '\\';
            *d++ = c;
            return d;
        default:
            /* the other controls (the rest is kept) */
            return ngx_http_apigw_util_uescape(d, c);
        }
    }

    cp = ngx_http_apigw_util_decode(pp, last);

    if (cp > 0xffff) {
        /* a UTF-16 surrogate pair */
        cp -= 0x10000;
        d = ngx_http_apigw_util_uescape(d, 0xd800 + (cp >> 10));
        return ngx_http_apigw_util_uescape(d, 0xdc00 + (cp & 0x3ff));
    }

    return ngx_http_apigw_util_uescape(d, cp);
}


/*
 * writes (d) or counts (d NULL) the escaped string: runs of kept bytes
 * found 8 or 16 at a time in long strings, one by one in short ones,
 * where the usual escapes are written in line.  Writing, d has room for
 * at least as many bytes as are left of the input: an escape is never
 * shorter than what it replaces.
 */

size_t
ngx_http_apigw_util_escape_js(u_char *d, u_char *p, size_t len)
{
    u_char  buf[12], *last, *q, *start, e;

    last = p + len;
    start = d;

    if (d == NULL) {
        len = 0;

        while (p < last) {
            q = p;
            p = ngx_http_apigw_util_js_plain_end(p, last);
            len += p - q;

            if (p < last) {
                len += ngx_http_apigw_util_js_escape(buf, &p, last) - buf;
            }
        }

        return len;
    }

#if (NGX_HTTP_APIGW_SSE2)
    if (len >= 16) {
        return ngx_http_apigw_util_escape_js_blocks(d, p, last);
    }
#endif

    while (p < last) {
        if (last - p >= 16) {
            q = p;
            p = ngx_http_apigw_util_js_plain_end(p, last);

            /*
             * a run is usually short: 16 bytes copied whole (there are
             * 16 from q, and as much room as input), the rest if any
             */

            ngx_memcpy(d, q, 16);

            if (p - q > 16) {
                ngx_memcpy(d + 16, q + 16, p - q - 16);
            }

            d += p - q;

            if (p == last) {
                break;
            }
        }

        while ((e = ngx_http_apigw_util_js_esc[*p]) == 0) {
            *d++ = *p++;

            if (p == last) {
                return d - start;
            }
        }

        if (e != 'u') {
            *d++ = '\\';
            *d++ = e;
            p++;
            continue;
        }

        d = ngx_http_apigw_util_js_escape(d, &p, last);
    }

    return d - start;
}


#if (NGX_HTTP_APIGW_SSE2)

/*
 * the kept bytes p[0..n-1] (n <= 16) copied to d, which has room for as
 * many bytes as are left of the input: 16 whole when there are 16 to read
 */

static ngx_inline void
ngx_http_apigw_util_js_run(u_char *d, u_char *p, size_t n, u_char *last)
{
    if (last - p >= 16) {
        ngx_memcpy(d, p, 16);
        return;
    }

    ngx_http_apigw_copy(d, p, n);
}


/*
 * ngx_http_apigw_util_escape_js() writing a string of 16 bytes or more:
 * 16 bytes at a time, the tail as the last 16 of the string, whose bytes
 * already written are shifted off the mask; the escapes of a block found
 * from its mask, one after the other, rather than by a loop over bytes
 */

static size_t
ngx_http_apigw_util_escape_js_blocks(u_char *d, u_char *p, u_char *last)
{
    u_char    *start, *end, *q, e;
    size_t     n;
    unsigned   bits;

    start = d;

    while (p < last) {

        if (last - p >= 16) {
            end = p + 16;
            bits = ngx_http_apigw_util_js_mask(p);

        } else {
            end = last;
            bits = ngx_http_apigw_util_js_mask(last - 16)
                   >> (16 - (last - p));
        }

        /* bits: the bytes from p on that are not kept */

        while (bits) {
            n = __builtin_ctz(bits);

            ngx_http_apigw_util_js_run(d, p, n, last);
            p += n;
            d += n;

            e = ngx_http_apigw_util_js_esc[*p];

            if (e != 'u') {
                *d++ = '\\';
                *d++ = e;
                p++;
                bits >>= n + 1;
                continue;
            }

            q = p;
            d = ngx_http_apigw_util_js_escape(d, &p, last);

            if (p >= end) {
                break;
            }

            bits >>= n + (p - q);
        }

        if (p < end) {
            ngx_http_apigw_util_js_run(d, p, end - p, last);
            d += end - p;
            p = end;
        }
    }

    return d - start;
}

#endif


ngx_int_t
ngx_http_apigw_util_escape_javascript(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out)
{
    /* a short string in one pass, into room for the worst: 6 bytes each */

    if (in->len <= 256) {
        if (ngx_http_apigw_util_alloc(a, out, 6 * in->len) != NGX_OK) {
            return NGX_ERROR;
        }

        out->len = ngx_http_apigw_util_escape_js(out->data, in->data,
                                                 in->len);
        return NGX_OK;
    }

    if (ngx_http_apigw_util_alloc(a, out,
                                  ngx_http_apigw_util_escape_js(NULL, in->data,
                                                                in->len))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    (void) ngx_http_apigw_util_escape_js(out->data, in->data, in->len);

    return NGX_OK;
}


static size_t
ngx_http_apigw_util_urlenc(u_char *d, u_char *p, size_t len)
{
    u_char    buf[4], *q, *e, *last;
    size_t    n;
    uint32_t  cp;

    n = 0;
    last = p + len;

    while (p < last) {
        cp = ngx_http_apigw_util_decode(&p, last);

        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')
            || (cp >= '0' && cp <= '9')
            || cp == '.' || cp == '-' || cp == '*' || cp == '_' || cp == ' ')
        {
            if (d) {
                d[n] = (cp == ' ') ? '+' : (u_char) cp;
            }

            n++;
            continue;
        }

        e = ngx_http_apigw_jv_utf8_put(buf, cp);

        for (q = buf; q < e; q++) {
            if (d) {
                d[n] = '%';
                d[n + 1] = ngx_http_apigw_util_hexdigits[*q >> 4];
                d[n + 2] = ngx_http_apigw_util_hexdigits[*q & 0xf];
            }

            n += 3;
        }
    }

    return n;
}


ngx_int_t
ngx_http_apigw_util_url_encode(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_str_t *out)
{
    if (ngx_http_apigw_util_alloc(a, out,
                                  ngx_http_apigw_util_urlenc(NULL, in->data,
                                                             in->len))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    (void) ngx_http_apigw_util_urlenc(out->data, in->data, in->len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_util_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


ngx_int_t
ngx_http_apigw_util_url_decode(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_str_t *out)
{
    u_char     *p, *last, *d;
    ngx_int_t   hi, lo;
    ngx_str_t   text, bytes;

    /*
     * the Java string first; then its bytes with "+" and %XX decoded;
     * then those bytes as UTF-8: a run of %XX cannot take in the
     * well-formed characters around it, so this decodes each run alone,
     * as URLDecoder does
     */

    if (ngx_http_apigw_util_text(a, in, &text) != NGX_OK) {
        return NGX_ERROR;
    }

    bytes.data = ngx_http_apigw_alloc(a, text.len + 1);
    if (bytes.data == NULL) {
        return NGX_ERROR;
    }

    p = text.data;
    last = p + text.len;
    d = bytes.data;

    while (p < last) {

        if (*p == '+') {
            *d++ = ' ';
            p++;
            continue;
        }

        if (*p != '%') {
            *d++ = *p++;
            continue;
        }

        /* "URLDecoder: Incomplete trailing escape (%) pattern" */

        if (last - p < 3) {
            return NGX_DECLINED;
        }

        /*
         * Integer.parseInt(two characters, 16): "+h" is h, "-0" is 0,
         * a negative value or no hex digit throws
         */

        lo = ngx_http_apigw_util_hex(p[2]);

        if (p[1] == '+' || (p[1] == '-' && lo == 0)) {
            hi = 0;

        } else {
            hi = ngx_http_apigw_util_hex(p[1]);
        }

        if (hi < 0 || lo < 0) {
            return NGX_DECLINED;
        }

        *d++ = (u_char) (hi * 16 + lo);
        p += 3;
    }

    bytes.len = d - bytes.data;

    return ngx_http_apigw_util_text(a, &bytes, out);
}


ngx_int_t
ngx_http_apigw_util_base64_encode(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_str_t *out)
{
    u_char     *s, *d;
    size_t      len;
    ngx_str_t   text;

    if (ngx_http_apigw_util_text(a, in, &text) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_util_alloc(a, out, (text.len + 2) / 3 * 4) != NGX_OK) {
        return NGX_ERROR;
    }

    s = text.data;
    len = text.len;
    d = out->data;

    while (len > 2) {
        *d++ = ngx_http_apigw_util_base64[(s[0] >> 2) & 0x3f];
        *d++ = ngx_http_apigw_util_base64[((s[0] & 3) << 4) | (s[1] >> 4)];
        *d++ = ngx_http_apigw_util_base64[((s[1] & 0x0f) << 2) | (s[2] >> 6)];
        *d++ = ngx_http_apigw_util_base64[s[2] & 0x3f];

        s += 3;
        len -= 3;
    }

    if (len) {
        *d++ = ngx_http_apigw_util_base64[(s[0] >> 2) & 0x3f];

        if (len == 1) {
            *d++ = ngx_http_apigw_util_base64[(s[0] & 3) << 4];
            *d++ = '=';

        } else {
            *d++ = ngx_http_apigw_util_base64[((s[0] & 3) << 4) | (s[1] >> 4)];
            *d++ = ngx_http_apigw_util_base64[(s[1] & 0x0f) << 2];
        }

        *d++ = '=';
    }

    out->len = d - out->data;

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_util_base64_decode(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_str_t *out)
{
    u_char      *p, *last, *d, c;
    size_t       len, pad;
    uint32_t     bits;
    ngx_int_t    v;
    ngx_str_t    bytes;
    ngx_uint_t   n;

    p = in->data;
    len = in->len;

    /* padding: optional, but then to a multiple of 4 */

    pad = 0;

    while (len && p[len - 1] == '=' && pad < 3) {
        len--;
        pad++;
    }

    if (pad && (pad > 2 || (len + pad) % 4 != 0)) {
        return NGX_DECLINED;
    }

    if (len % 4 == 1) {
        return NGX_DECLINED;
    }

    bytes.len = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
    bytes.data = ngx_http_apigw_alloc(a, bytes.len + 1);
    if (bytes.data == NULL) {
        return NGX_ERROR;
    }

    last = p + len;
    d = bytes.data;
    bits = 0;
    n = 0;

    while (p < last) {
        c = *p++;

        if (c >= 'A' && c <= 'Z') {
            v = c - 'A';

        } else if (c >= 'a' && c <= 'z') {
            v = c - 'a' + 26;

        } else if (c >= '0' && c <= '9') {
            v = c - '0' + 52;

        } else if (c == '+') {
            v = 62;

        } else if (c == '/') {
            v = 63;

        } else {
            return NGX_DECLINED;
        }

        bits = (bits << 6) | (uint32_t) v;

        if (++n == 4) {
            *d++ = (u_char) (bits >> 16);
            *d++ = (u_char) (bits >> 8);
            *d++ = (u_char) bits;
            bits = 0;
            n = 0;
        }
    }

    /* the unused low bits of a partial group are ignored, as in Java */

    if (n == 2) {
        *d++ = (u_char) (bits >> 4);

    } else if (n == 3) {
        *d++ = (u_char) (bits >> 10);
        *d++ = (u_char) (bits >> 2);
    }

    bytes.len = d - bytes.data;

    return ngx_http_apigw_util_text(a, &bytes, out);
}


/*
 * JSON strings are escaped as jansson's json_dumps() escapes them; the
 * bytes that need attention (ngx_http_apigw_jv_plain_end() skips the
 * others): '"', '\\', controls, and non-ASCII (kept when well-formed,
 * U+FFFD when not); the length of the escaped contents of a string
 */

static size_t
ngx_http_apigw_util_quote_len(u_char *p, size_t len)
{
    u_char    *last, *q;
    size_t     n;
    uint32_t   cp;

    n = len;
    last = p + len;

    for ( ;; ) {
        p = ngx_http_apigw_jv_plain_end(p, last);

        if (p == last) {
            return n;
        }

        if (*p < 0x80) {
            /* \" \\ \b \f \n \r \t, or \u00XX */
            n += (*p == '"' || *p == '\\' || *p == '\b' || *p == '\f'
                  || *p == '\n' || *p == '\r' || *p == '\t') ? 1 : 5;
            p++;
            continue;
        }

        q = p;
        cp = ngx_http_apigw_util_decode(&p, last);

        if (cp == 0xfffd && (p - q != 3 || q[0] != 0xef)) {
            /* the replacement's 3 bytes instead of the ill-formed ones */
            n = n - (p - q) + 3;
        }
    }
}


/* writes the escaped contents of a JSON string, returns the end */

static u_char *
ngx_http_apigw_util_quote_copy(u_char *d, u_char *p, size_t len)
{
    u_char    *last, *q, c;
    uint32_t   cp;

    last = p + len;

    for ( ;; ) {
        q = p;
        p = ngx_http_apigw_jv_plain_end(p, last);
        d = ngx_cpymem(d, q, p - q);

        if (p == last) {
            return d;
        }

        c = *p;

        if (c < 0x80) {
            p++;
            *d++ = '\\';

            switch (c) {
            case '"':
            case '\\':
                *d++ = c;
                break;
            case '\b':
                *d++ = 'b';
                break;
            case '\f':
                *d++ = 'f';
                break;
            case '\n':
                *d++ = 'n';
                break;
            case '\r':
                *d++ = 'r';
                break;
            case '\t':
                *d++ = 't';
                break;
            default:
                d = ngx_http_apigw_util_uescape(d - 1, c);
                break;
            }

            continue;
        }

        /* as is, or U+FFFD for what is not well-formed */

        q = p;
        cp = ngx_http_apigw_util_decode(&p, last);

        if (cp == 0xfffd && (p - q != 3 || q[0] != 0xef)) {
            d = ngx_http_apigw_jv_utf8_put(d, cp);

        } else {
            d = ngx_cpymem(d, q, p - q);
        }
    }
}


ngx_int_t
ngx_http_apigw_util_json_quote(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_str_t *out)
{
    u_char  *d;
    size_t   n;

    n = ngx_http_apigw_util_quote_len(in->data, in->len);

    if (ngx_http_apigw_util_alloc(a, out, n + 2) != NGX_OK) {
        return NGX_ERROR;
    }

    d = out->data;
    *d++ = '"';
    d = ngx_http_apigw_util_quote_copy(d, in->data, in->len);
    *d = '"';

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_util_parse_json(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_http_apigw_jv_t *out)
{
    return ngx_http_apigw_jv_parse(a, in->data, in->len,
                                   NGX_HTTP_APIGW_JV_ALLOW_NUL, out);
}


/*
 * Java's Double.toString(): plain notation for 1e-3 <= |d| < 1e7 with at
 * least one fractional digit, otherwise "d.dddE[-]n"
 */

u_char *
ngx_http_apigw_util_format_double(u_char *buf, double d)
{
    int        ex, prec, n, i, k;
    char       sci[40], digits[24], *e;
    double     s;
    u_char    *p, *end;
    uint64_t   m, q;

    static const double  pow10[] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };

    static const uint64_t  ipow10[] = {
        1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
        10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
        100000000000ULL, 1000000000000ULL, 10000000000000ULL,
        100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
        100000000000000000ULL, 1000000000000000000ULL
    };

    p = buf;

    if (d != d) {
        return ngx_cpymem(p, "NaN", 3);
    }

    if (d == 0) {
        if (signbit(d)) {
            *p++ = '-';
        }

        return ngx_cpymem(p, "0.0", 3);
    }

    if (d < 0) {
        *p++ = '-';
        d = -d;
    }

    if (d > 1.7976931348623157e308) {
        return ngx_cpymem(p, "Infinity", 8);
    }

    /*
     * as Double.toString() since JDK 19: the closest of the shortest
     * decimals that read back the same, of at least two digits (so the
     * smallest subnormal is 4.9E-324, not 5.0E-324).
     *
     * Most doubles come from short decimals: the smallest k for which
     * m = round(d * 10^k) reads back as d (m / 10^k, both exact, is one
     * correctly rounded division) gives the shortest digits.  Below 2^51
     * the product is within 0.5 of the only candidate of its length, so
     * that m is it; two digits or one are the same value for a normal
     * double.  Other doubles try precisions with snprintf() and strtod().
     */

    n = 0;
    ex = 0;

    for (k = 0; k <= 22; k++) {
        s = d * pow10[k];

        if (s >= 2251799813685248.0) {      /* 2^51 */
            break;
        }

        /* below 2^51: signed conversions, one instruction each */

        m = (uint64_t) (int64_t) (s + 0.5);

        if (m != 0 && (double) (int64_t) m / pow10[k] == d) {

            /*
             * plain notation, the usual case, written straight from m:
             * k is the smallest, so that m / 10^k has no trailing zero
             * in its k decimals (none is "X.0")
             */

            if (d >= 1e-3 && d < 1e7 && k <= 18) {

                if (k == 0) {
                    p = ngx_http_apigw_util_format_int(p, (int64_t) m);
                    *p++ = '.';
                    *p++ = '0';
                    return p;
                }

                /*
                 * m written from its last digit, the point k digits from
                 * the end, after the integer part's digits are counted
                 */

                q = m / ipow10[k];

                for (n = 1; q >= 10; n++) {
                    q /= 10;
                }

                p += n + 1 + k;
                end = p;

                for (i = 0; i < k; i++) {
                    *--p = (u_char) ('0' + m % 10);
                    m /= 10;
                }

                *--p = '.';

                do {
                    *--p = (u_char) ('0' + m % 10);
                    m /= 10;
                } while (m);

                return end;
            }

            /* the digits of m, and the exponent of the first */

            i = sizeof(digits);

            do {
                digits[--i] = (char) ('0' + m % 10);
                m /= 10;
            } while (m);

            n = sizeof(digits) - i;
            ex = n - 1 - k;
            memmove(digits, digits + i, n);
            break;
        }
    }

    if (n == 0) {
        for (prec = 2; prec < 17; prec++) {
            snprintf(sci, sizeof(sci), "%.*e", prec - 1, d);

            if (strtod(sci, NULL) == d) {
                break;
            }
        }

        snprintf(sci, sizeof(sci), "%.*e", prec - 1, d);

        /* "D.DDDe+XX" into digits and exponent */

        for (e = sci; *e != 'e'; e++) {
            if (*e >= '0' && *e <= '9') {
                digits[n++] = *e;
            }
        }

        ex = atoi(e + 1);
    }

    while (n > 1 && digits[n - 1] == '0') {
        n--;
    }

    if (d >= 1e-3 && d < 1e7) {

        if (ex < 0) {
            *p++ = '0';
            *p++ = '.';

            for (i = ex + 1; i < 0; i++) {
                *p++ = '0';
            }

            return ngx_cpymem(p, digits, n);
        }

        for (i = 0; i <= ex; i++) {
            *p++ = (i < n) ? digits[i] : '0';
        }

        *p++ = '.';

        if (n <= ex + 1) {
            *p++ = '0';
            return p;
        }

        return ngx_cpymem(p, digits + ex + 1, n - ex - 1);
    }

    *p++ = digits[0];
    *p++ = '.';

    if (n == 1) {
        *p++ = '0';

    } else {
        p = ngx_cpymem(p, digits + 1, n - 1);
    }

    *p++ = 'E';

    return ngx_http_apigw_util_format_int(p, ex);
}


u_char *
ngx_http_apigw_util_format_int(u_char *buf, int64_t i)
{
    u_char    *p;
    uint64_t   u, v;

    if (i < 0) {
        *buf++ = '-';
        u = 0 - (uint64_t) i;

    } else {
        u = (uint64_t) i;
    }

    /* the digits counted first, then written from the last, in place */

    p = buf + 1;

    for (v = u; v >= 10; v /= 10) {
        p++;
    }

    buf = p;

    do {
        *--p = (u_char) ('0' + u % 10);
        u /= 10;
    } while (u);

    return buf;
}


/* JSON text into out; the stack of open containers from a */

#define ngx_http_apigw_util_room(out, n)                                     \
    if ((size_t) ((out)->last - (out)->pos) < (size_t) (n)                  \
        && (out)->grow(out, n) != NGX_OK)                                    \
    {                                                                        \
        return NGX_ERROR;                                                    \
    }


static ngx_int_t
ngx_http_apigw_util_json_scalar(ngx_http_apigw_jv_t *v,
    ngx_http_apigw_jv_out_t *out)
{
    size_t  n;

    switch (v->type) {

    case NGX_HTTP_APIGW_JV_STRING:
        n = ngx_http_apigw_util_quote_len(v->u.s.data, v->u.s.len);

        ngx_http_apigw_util_room(out, n + 2);

        *out->pos++ = '"';
        out->pos = ngx_http_apigw_util_quote_copy(out->pos, v->u.s.data,
                                                  v->u.s.len);
        *out->pos++ = '"';
        return NGX_OK;

    case NGX_HTTP_APIGW_JV_INTEGER:
        ngx_http_apigw_util_room(out, 24);
        out->pos = ngx_http_apigw_util_format_int(out->pos, v->u.i);
        return NGX_OK;

    case NGX_HTTP_APIGW_JV_REAL:
        ngx_http_apigw_util_room(out, NGX_HTTP_APIGW_UTIL_DOUBLE_LEN);
        out->pos = ngx_http_apigw_util_format_double(out->pos, v->u.d);
        return NGX_OK;

    case NGX_HTTP_APIGW_JV_TRUE:
        ngx_http_apigw_util_room(out, 4);
        out->pos = ngx_cpymem(out->pos, "true", 4);
        return NGX_OK;

    case NGX_HTTP_APIGW_JV_FALSE:
        ngx_http_apigw_util_room(out, 5);
        out->pos = ngx_cpymem(out->pos, "false", 5);
        return NGX_OK;

    default: /* NGX_HTTP_APIGW_JV_NULL */
        ngx_http_apigw_util_room(out, 4);
        out->pos = ngx_cpymem(out->pos, "null", 4);
        return NGX_OK;
    }
}


ngx_int_t
ngx_http_apigw_util_json_write(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *v, ngx_http_apigw_jv_out_t *out)
{
    size_t                        n, klen;
    ngx_uint_t                    nframes, nalloc;
    ngx_http_apigw_jv_t          *child;
    ngx_http_apigw_jv_cont_t     *c;
    ngx_http_apigw_util_frame_t  *stack, *f, frames[32];

    stack = frames;
    nalloc = sizeof(frames) / sizeof(frames[0]);
    nframes = 0;
    child = v;

    for ( ;; ) {

        if (child != NULL) {

            if (!ngx_http_apigw_jv_is_cont(child)) {
                if (ngx_http_apigw_util_json_scalar(child, out) != NGX_OK) {
                    return NGX_ERROR;
                }

            } else if (ngx_http_apigw_jv_text(child->u.c)) {

                /* parsed, and written the same way: its text as it is */

                ngx_http_apigw_util_room(out, child->u.c->text_len);
                out->pos = ngx_cpymem(out->pos, child->u.c->text,
                                      child->u.c->text_len);

            } else {
                ngx_http_apigw_util_room(out, 1);
                *out->pos++ = (child->type == NGX_HTTP_APIGW_JV_ARRAY)
                              ? '[' : '{';

                if (nframes == nalloc) {
                    n = 2 * nalloc * sizeof(ngx_http_apigw_util_frame_t);

                    f = ngx_http_apigw_alloc(a, n);
                    if (f == NULL) {
                        return NGX_ERROR;
                    }

                    ngx_memcpy(f, stack,
                               nframes * sizeof(ngx_http_apigw_util_frame_t));
                    stack = f;
                    nalloc *= 2;
                }

                f = &stack[nframes++];
                f->cont = child->u.c;
                f->index = 0;
            }
        }

        if (nframes == 0) {
            return NGX_OK;
        }

        /* the next element of the innermost container */

        f = &stack[nframes - 1];
        c = f->cont;

        if (f->index == c->nelts) {
            ngx_http_apigw_util_room(out, 1);
            *out->pos++ = (c->type == NGX_HTTP_APIGW_JV_ARRAY) ? ']' : '}';
            nframes--;
            child = NULL;
            continue;
        }

        if (c->type == NGX_HTTP_APIGW_JV_ARRAY) {
            child = &c->u.elts[f->index];

            if (f->index++ > 0) {
                ngx_http_apigw_util_room(out, 1);
                *out->pos++ = ',';
            }

            continue;
        }

        child = &c->u.members[f->index].val;
        klen = c->u.members[f->index].key.len;

        n = ngx_http_apigw_util_quote_len(c->u.members[f->index].key.data,
                                          klen);

        ngx_http_apigw_util_room(out, n + 4);

        if (f->index > 0) {
            *out->pos++ = ',';
        }

        *out->pos++ = '"';
        out->pos = ngx_http_apigw_util_quote_copy(out->pos,
                                        c->u.members[f->index].key.data, klen);
        *out->pos++ = '"';
        *out->pos++ = ':';

        f->index++;
    }
}


/* the output of ngx_http_apigw_util_json_dump(): pool memory, doubled */

static ngx_int_t
ngx_http_apigw_util_grow(ngx_http_apigw_jv_out_t *out, size_t n)
{
    u_char                  *p;
    size_t                   used, size;
    ngx_http_apigw_util_buf_t  *b;

    b = out->data;
    used = out->pos - b->start;
    size = (out->last - b->start) * 2;

    if (size < used + n) {
        size = used + n + 64;
    }

    p = ngx_http_apigw_alloc(b->a, size);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, b->start, used);

    b->start = p;
    out->pos = p + used;
    out->last = p + size;

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_util_json_dump(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *v, ngx_str_t *s)
{
    ngx_http_apigw_jv_out_t    out;
    ngx_http_apigw_util_buf_t  b;

    /* a parsed container written as it was: its text itself, no copy */

    if (ngx_http_apigw_jv_is_cont(v) && ngx_http_apigw_jv_text(v->u.c)) {
        s->data = v->u.c->text;
        s->len = v->u.c->text_len;
        return NGX_OK;
    }

    b.a = a;
    b.start = ngx_http_apigw_alloc(a, 128);
    if (b.start == NULL) {
        return NGX_ERROR;
    }

    out.pos = b.start;
    out.last = b.start + 128;
    out.grow = ngx_http_apigw_util_grow;
    out.data = &b;

    if (ngx_http_apigw_util_json_write(a, v, &out) != NGX_OK) {
        return NGX_ERROR;
    }

    s->data = b.start;
    s->len = out.pos - b.start;

    return NGX_OK;
}


/* the escaped contents of a JSON string, without the quotes */

size_t
ngx_http_apigw_util_json_escape(u_char *d, u_char *p, size_t len)
{
    u_char    buf[6], *b, *last;
    size_t    n;
    uint32_t  cp;
    uint64_t  w, t;

    /* the bytes a JSON string holds as they are: U+0020-U+007F but " \ */

    static uint32_t  plain[] = {
        0x00000000, /* 0000 0000 0000 0000  0000 0000 0000 0000 */

                    /* ?>=< ;:98 7654 3210  /.-, +*)( '&%$ #"!  */
        0xfffffffb, /* 1111 1111 1111 1111  1111 1111 1111 1011 */

                    /* _^]\ [ZYX WVUT SRQP  ONML KJIH GFED CBA@ */
        0xefffffff, /* 1110 1111 1111 1111  1111 1111 1111 1111 */

                    /*  ~}| {zyx wvut srqp  onml kjih gfed cba` */
        0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */

        0x00000000, 0x00000000, 0x00000000, 0x00000000
    };

    n = 0;
    last = p + len;

    while (p < last) {

        /*
         * runs of them, the usual case, are copied eight bytes at a
         * time: eight of them leave every high bit of t clear, any other
         * byte (0x80 or above, below 0x20, '"', '\') sets one
         */

        while (last - p >= 8) {
            ngx_memcpy(&w, p, 8);

            t = (w & NGX_HTTP_APIGW_HIGHS8)
                | ngx_http_apigw_has_less(w, 0x20)
                | ngx_http_apigw_has_byte(w, '"')
                | ngx_http_apigw_has_byte(w, '\\');

            if (t) {
                break;
            }

            if (d) {
                ngx_memcpy(d + n, &w, 8);
            }

            n += 8;
            p += 8;
        }

        while (p < last && (plain[*p >> 5] & (1U << (*p & 0x1f)))) {
            if (d) {
                d[n] = *p;
            }

            n++;
            p++;
        }

        if (p == last) {
            break;
        }

        cp = ngx_http_apigw_util_decode(&p, last);
        b = buf;

        switch (cp) {

        case '"':
        case '\\':
            *b++ = '\\';
            *b++ = (u_char) cp;
            break;

        case '\b':
            *b++ = '\\';
            *b++ = 'b';
            break;

        case '\f':
            *b++ = '\\';
            *b++ = 'f';
            break;

        case '\n':
            *b++ = '\\';
            *b++ = 'n';
            break;

        case '\r':
            *b++ = '\\';
            *b++ = 'r';
            break;

        case '\t':
            *b++ = '\\';
            *b++ = 't';
            break;

        default:
            if (cp < 0x20) {
                b = ngx_http_apigw_util_uescape(b, cp);

            } else {
                /* as is, or U+FFFD for what is not well-formed */
                b = ngx_http_apigw_jv_utf8_put(b, cp);
            }
        }

        if (d) {
            ngx_memcpy(d + n, buf, b - buf);
        }

        n += b - buf;
    }

    return n;
}
