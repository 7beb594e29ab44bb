
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
 * Temporary memory of json_dump (its stack) comes from malloc() and is
 * freed before it returns; the output comes from the allocator.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <ngx_http_apigw_util.h>


typedef struct {
    json_t      *node;
    void        *iter;
    size_t       index;
} ngx_http_apigw_util_frame_t;


static uint32_t ngx_http_apigw_util_decode(u_char **pp, u_char *last);
static u_char *ngx_http_apigw_util_utf8(u_char *d, uint32_t cp);
static u_char *ngx_http_apigw_util_uescape(u_char *d, uint32_t unit);
static ngx_int_t ngx_http_apigw_util_alloc(ngx_http_apigw_alloc_t *a,
    ngx_str_t *out, size_t len);
static size_t ngx_http_apigw_util_sanitize(u_char *d, u_char *p, size_t len,
    ngx_uint_t *changed);
static ngx_int_t ngx_http_apigw_util_text(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);
static size_t ngx_http_apigw_util_escape_js(u_char *d, u_char *p,
    size_t len);
static size_t ngx_http_apigw_util_urlenc(u_char *d, u_char *p, size_t len);
static ngx_int_t ngx_http_apigw_util_hex(u_char c);
static size_t ngx_http_apigw_util_scalar(json_t *v, u_char *d);
static size_t ngx_http_apigw_util_dump(json_t *v, u_char *d);


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
ngx_http_apigw_util_utf8(u_char *d, uint32_t cp)
{
    if (cp < 0x80) {
        *d++ = (u_char) cp;

    } else if (cp < 0x800) {
        *d++ = (u_char) (0xc0 | (cp >> 6));
        *d++ = (u_char) (0x80 | (cp & 0x3f));

    } else if (cp < 0x10000) {
        *d++ = (u_char) (0xe0 | (cp >> 12));
        *d++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
        *d++ = (u_char) (0x80 | (cp & 0x3f));

    } else {
        *d++ = (u_char) (0xf0 | (cp >> 18));
        *d++ = (u_char) (0x80 | ((cp >> 12) & 0x3f));
        *d++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
        *d++ = (u_char) (0x80 | (cp & 0x3f));
    }

    return d;
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
            e = ngx_http_apigw_util_utf8(buf, cp);
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


static size_t
ngx_http_apigw_util_escape_js(u_char *d, u_char *p, size_t len)
{
    u_char    buf[12], *b, *last;
    size_t    n;
    uint32_t  cp;

    n = 0;
    last = p + len;

    while (p < last) {
        cp = ngx_http_apigw_util_decode(&p, last);
        b = buf;

        if (cp > 0xffff) {
            /* a UTF-16 surrogate pair */
            cp -= 0x10000;
            b = ngx_http_apigw_util_uescape(b, 0xd800 + (cp >> 10));
            b = ngx_http_apigw_util_uescape(b, 0xdc00 + (cp & 0x3ff));

        } else if (cp > 0x7f) {
            b = ngx_http_apigw_util_uescape(b, cp);

        } else {

            switch (cp) {

            case '\b':
                *b++ = '\\';
                *b++ = 'b';
                break;

            case '\t':
                *b++ = '\\';
                *b++ = 't';
                break;

            case '\n':
                *b++ = '\\';
                *b++ = 'n';
                break;

            case '\f':
                *b++ = '\\';
                *b++ = 'f';
                break;

            case '\r':
                *b++ = '\\';
                *b++ = 'r';
                break;

            case '"':
            case '\'':
            case '\\':
            case '/':
                *b++ = '\\';
                *b++ = (u_char) cp;
                break;

            default:
                if (cp < 0x20) {
                    b = ngx_http_apigw_util_uescape(b, cp);

                } else {
                    *b++ = (u_char) cp;
                }
            }
        }

        if (d) {
            ngx_memcpy(d + n, buf, b - buf);
        }

        n += b - buf;
    }

    return n;
}


ngx_int_t
ngx_http_apigw_util_escape_javascript(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out)
{
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

        e = ngx_http_apigw_util_utf8(buf, cp);

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

            t = w
                | ((w - 0x2020202020202020ULL) & ~w)
                | (((w ^ 0x2222222222222222ULL) - 0x0101010101010101ULL)
                   & ~(w ^ 0x2222222222222222ULL))
                | (((w ^ 0x5c5c5c5c5c5c5c5cULL) - 0x0101010101010101ULL)
                   & ~(w ^ 0x5c5c5c5c5c5c5c5cULL));

            if (t & 0x8080808080808080ULL) {
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
                b = ngx_http_apigw_util_utf8(b, cp);
            }
        }

        if (d) {
            ngx_memcpy(d + n, buf, b - buf);
        }

        n += b - buf;
    }

    return n;
}


ngx_int_t
ngx_http_apigw_util_json_quote(ngx_http_apigw_alloc_t *a, ngx_str_t *in,
    ngx_str_t *out)
{
    size_t  n;

    n = ngx_http_apigw_util_json_escape(NULL, in->data, in->len);

    if (ngx_http_apigw_util_alloc(a, out, n + 2) != NGX_OK) {
        return NGX_ERROR;
    }

    out->data[0] = '"';
    (void) ngx_http_apigw_util_json_escape(out->data + 1, in->data, in->len);
    out->data[n + 1] = '"';

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_util_parse_json(ngx_str_t *in, json_t **out)
{
    json_error_t  error;

    *out = json_loadb((const char *) in->data, in->len,
                      JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);

    return (*out == NULL) ? NGX_DECLINED : NGX_OK;
}


/*
 * Java's Double.toString(): plain notation for 1e-3 <= |d| < 1e7 with at
 * least one fractional digit, otherwise "d.dddE[-]n"
 */

u_char *
ngx_http_apigw_util_format_double(u_char *buf, double d)
{
    int      ex, prec, n, i;
    char     sci[40], digits[20], *e;
    u_char  *p;

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
     * smallest subnormal is 4.9E-324, not 5.0E-324)
     */

    for (prec = 2; prec < 17; prec++) {
        snprintf(sci, sizeof(sci), "%.*e", prec - 1, d);

        if (strtod(sci, NULL) == d) {
            break;
        }
    }

    snprintf(sci, sizeof(sci), "%.*e", prec - 1, d);

    /* "D.DDDe+XX" into digits and exponent */

    n = 0;

    for (e = sci; *e != 'e'; e++) {
        if (*e >= '0' && *e <= '9') {
            digits[n++] = *e;
        }
    }

    ex = atoi(e + 1);

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

    p += snprintf((char *) p, 8, "E%d", ex);

    return p;
}


/* scalars; with d NULL, only the length */

static size_t
ngx_http_apigw_util_scalar(json_t *v, u_char *d)
{
    size_t  n;
    u_char  buf[NGX_HTTP_APIGW_UTIL_DOUBLE_LEN + 8], *p;

    switch (json_typeof(v)) {

    case JSON_STRING:
        n = ngx_http_apigw_util_json_escape(d ? d + 1 : NULL,
                                      (u_char *) json_string_value(v),
                                      json_string_length(v));
        if (d) {
            d[0] = '"';
            d[n + 1] = '"';
        }

        return n + 2;

    case JSON_INTEGER:
        p = buf + snprintf((char *) buf, sizeof(buf),
                           "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;

    case JSON_REAL:
        p = ngx_http_apigw_util_format_double(buf, json_real_value(v));
        break;

    case JSON_TRUE:
        p = ngx_cpymem(buf, "true", 4);
        break;

    case JSON_FALSE:
        p = ngx_cpymem(buf, "false", 5);
        break;

    default: /* JSON_NULL */
        p = ngx_cpymem(buf, "null", 4);
        break;
    }

    n = p - buf;

    if (d != NULL) {
        ngx_memcpy(d, buf, n);
    }

    return n;
}


/*
 * the JSON text, iteratively; with d NULL, its length only;
 * (size_t) -1 on allocation failure
 */

static size_t
ngx_http_apigw_util_dump(json_t *v, u_char *d)
{
    size_t                        len, n, nalloc, klen;
    json_t                       *child;
    const char                   *key;
    ngx_http_apigw_util_frame_t  *stack, *f;

    stack = NULL;
    n = 0;
    nalloc = 0;
    len = 0;
    child = v;

    for ( ;; ) {

        if (child != NULL) {

            if (json_is_array(child) || json_is_object(child)) {

                if (d) {
                    d[len] = json_is_array(child) ? '[' : '{';
                }

                len++;

                if (n == nalloc) {
                    nalloc = nalloc ? nalloc * 2 : 16;

                    f = realloc(stack,
                                nalloc * sizeof(ngx_http_apigw_util_frame_t));
                    if (f == NULL) {
                        free(stack);
                        return (size_t) -1;
                    }

                    stack = f;
                }

                f = &stack[n++];
                f->node = child;
                f->index = 0;
                f->iter = json_is_object(child) ? json_object_iter(child)
                                                : NULL;

            } else {
                len += ngx_http_apigw_util_scalar(child, d ? d + len : NULL);
            }
        }

        if (n == 0) {
            break;
        }

        f = &stack[n - 1];
        child = NULL;

        if (json_is_array(f->node)) {
            if (f->index < json_array_size(f->node)) {
                child = json_array_get(f->node, f->index);
            }

        } else if (f->iter != NULL) {
            child = json_object_iter_value(f->iter);
        }

        if (child == NULL) {
            if (d) {
                d[len] = json_is_array(f->node) ? ']' : '}';
            }

            len++;
            n--;
            continue;
        }

        if (f->index++ > 0) {
            if (d) {
                d[len] = ',';
            }

            len++;
        }

        if (json_is_object(f->node)) {
            key = json_object_iter_key(f->iter);
            klen = json_object_iter_key_len(f->iter);

            klen = ngx_http_apigw_util_json_escape(d ? d + len + 1 : NULL,
                                             (u_char *) key, klen);
            if (d) {
                d[len] = '"';
                d[len + klen + 1] = '"';
                d[len + klen + 2] = ':';
            }

            len += klen + 3;

            f->iter = json_object_iter_next(f->node, f->iter);
        }
    }

    free(stack);

    return len;
}


ngx_int_t
ngx_http_apigw_util_json_dump(ngx_http_apigw_alloc_t *a, json_t *v,
    ngx_str_t *out)
{
    size_t  len;

    len = ngx_http_apigw_util_dump(v, NULL);
    if (len == (size_t) -1) {
        return NGX_ERROR;
    }

    out->data = ngx_http_apigw_alloc(a, len + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    len = ngx_http_apigw_util_dump(v, out->data);
    if (len == (size_t) -1) {
        return NGX_ERROR;
    }

    out->len = len;

    return NGX_OK;
}
