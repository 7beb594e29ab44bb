
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * A JSON reader without a tree: the check of a text in one pass, then
 * reading values in place (see ngx_http_apigw_json.h).
 *
 * What jansson's json_loadb() (2.14, JSON_DECODE_ANY) rejects, and so
 * the check: anything but one value with whitespace (space, tab, CR,
 * LF) around it; literals other than true, false, null; numbers other
 * than -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, integers (no
 * fraction, no exponent) beyond 64 bits, reals that strtod() overflows;
 * in strings control characters (below U+0020), escapes other than
 * \" \\ \/ \b \f \n \r \t \uXXXX, "\u0000", surrogates not in a pair;
 * ill-formed UTF-8 anywhere; a value nested in 2048 others.
 */


#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <ngx_http_apigw_json.h>


#define ngx_http_apigw_json_digit(c)  ((c) >= '0' && (c) <= '9')

/* characters that a string holds as they are: U+0020-U+007F but " \ */
#define ngx_http_apigw_json_plain(c)                                         \
    (ngx_http_apigw_json_plain_chars[(c) >> 5] & (1U << ((c) & 0x1f)))


static u_char *ngx_http_apigw_json_check_string(u_char *p, u_char *last,
    ngx_uint_t nul, ngx_uint_t *escaped, const char **err);
static u_char *ngx_http_apigw_json_check_utf8(u_char *p, u_char *last);
static u_char *ngx_http_apigw_json_check_number(ngx_http_apigw_alloc_t *a,
    u_char *p, u_char *last, ngx_uint_t *integer, const char **err);
static ngx_int_t ngx_http_apigw_json_strtod(ngx_http_apigw_alloc_t *a,
    u_char *p, size_t len, double *d);
static ngx_int_t ngx_http_apigw_json_hex(u_char *p, u_char *last,
    uint32_t *value);
static u_char *ngx_http_apigw_json_space(u_char *p, u_char *last);
static u_char *ngx_http_apigw_json_read(u_char *p, u_char *last,
    ngx_http_apigw_json_t *v);
static u_char *ngx_http_apigw_json_skip(u_char *p);
static size_t ngx_http_apigw_json_decode(u_char *d, u_char *p, u_char *last);


static uint32_t  ngx_http_apigw_json_plain_chars[] = {
    0x00000000, /* 0000 0000 0000 0000  0000 0000 0000 0000 */

                /* ?>=< ;:98 7654 3210  /.-, +*)( '&%$ #"!  */
    0xfffffffb, /* 1111 1111 1111 1111  1111 1111 1111 1011 */

                /* _^]\ [ZYX WVUT SRQP  ONML KJIH GFED CBA@ */
    0xefffffff, /* 1110 1111 1111 1111  1111 1111 1111 1111 */

                /*  ~}| {zyx wvut srqp  onml kjih gfed cba` */
    0xffffffff, /* 1111 1111 1111 1111  1111 1111 1111 1111 */

    0x00000000, 0x00000000, 0x00000000, 0x00000000
};


ngx_int_t
ngx_http_apigw_json_check(ngx_http_apigw_alloc_t *a, ngx_str_t *text,
    ngx_uint_t flags, ngx_http_apigw_json_t *value, const char **err)
{
    u_char                      *p, *last, *start, *end;
    ngx_uint_t                   depth, escaped, integer, object;
    ngx_http_apigw_json_type_e   type;

    /* what each open container is: a bit set for an object */
    uint32_t  objects[NGX_HTTP_APIGW_JSON_MAX_DEPTH / 32];

    p = text->data;
    last = p + text->len;
    depth = 0;
    start = NULL;
    end = NULL;
    escaped = 0;
    type = NGX_HTTP_APIGW_JSON_NULL;

value:

    p = ngx_http_apigw_json_space(p, last);

    if (p == last) {
        *err = "premature end of input";
        return NGX_DECLINED;
    }

    if (depth == NGX_HTTP_APIGW_JSON_MAX_DEPTH) {
        *err = "maximum parsing depth reached";
        return NGX_DECLINED;
    }

    if (depth == 0) {
        start = p;
    }

    switch (*p) {

    case '{':
    case '[':
        object = (*p == '{');

        if (object) {
            objects[depth >> 5] |= 1U << (depth & 0x1f);

        } else {
            objects[depth >> 5] &= ~(1U << (depth & 0x1f));
        }

        depth++;
        p = ngx_http_apigw_json_space(p + 1, last);

        if (p < last && *p == (object ? '}' : ']')) {
            p++;
            depth--;
            end = p;
            type = object ? NGX_HTTP_APIGW_JSON_OBJECT
                          : NGX_HTTP_APIGW_JSON_ARRAY;
            goto next;
        }

        if (object) {
            goto key;
        }

        goto value;

    case '"':
        p = ngx_http_apigw_json_check_string(p, last,
                                        flags & NGX_HTTP_APIGW_JSON_ALLOW_NUL,
                                        &escaped, err);
        if (p == NULL) {
            return NGX_DECLINED;
        }

        end = p;
        type = NGX_HTTP_APIGW_JSON_STRING;
        goto next;

    case 't':
        if (last - p < 4 || memcmp(p, "true", 4) != 0) {
            goto invalid;
        }

        p += 4;
        type = NGX_HTTP_APIGW_JSON_TRUE;
        goto scalar;

    case 'f':
        if (last - p < 5 || memcmp(p, "false", 5) != 0) {
            goto invalid;
        }

        p += 5;
        type = NGX_HTTP_APIGW_JSON_FALSE;
        goto scalar;

    case 'n':
        if (last - p < 4 || memcmp(p, "null", 4) != 0) {
            goto invalid;
        }

        p += 4;
        type = NGX_HTTP_APIGW_JSON_NULL;
        goto scalar;

    default:
        if (*p != '-' && !ngx_http_apigw_json_digit(*p)) {
            goto invalid;
        }

        p = ngx_http_apigw_json_check_number(a, p, last, &integer, err);
        if (p == NULL) {
            return (*err == NULL) ? NGX_ERROR : NGX_DECLINED;
        }

        type = integer ? NGX_HTTP_APIGW_JSON_INTEGER
                       : NGX_HTTP_APIGW_JSON_REAL;
        goto scalar;
    }

scalar:

    /*
     * jansson reads one character past a number or a literal and puts
     * it back, and a NUL put back is lost: it takes "1\0" as 1
     */

    end = p;

    if (p < last && *p == '\0') {
        p++;
    }

    goto next;

key:

    /* after "{" or a member's ",": a name, ":" and the value */

    if (p == last || *p != '"') {
        *err = "string or '}' expected";
        return NGX_DECLINED;
    }

    p = ngx_http_apigw_json_check_string(p, last, 0, &escaped, err);
    if (p == NULL) {
        return NGX_DECLINED;
    }

    p = ngx_http_apigw_json_space(p, last);

    if (p == last || *p != ':') {
        *err = "':' expected";
        return NGX_DECLINED;
    }

    p++;
    goto value;

next:

    /* after a value: the end of the text, or what its container allows */

    if (depth == 0) {
        value->type = type;
        value->start = start;
        value->end = end;
        value->escaped = escaped;

        if (ngx_http_apigw_json_space(p, last) != last) {
            *err = "end of file expected";
            return NGX_DECLINED;
        }

        return NGX_OK;
    }

    p = ngx_http_apigw_json_space(p, last);

    object = objects[(depth - 1) >> 5] & (1U << ((depth - 1) & 0x1f));

    if (p < last && *p == ',') {
        p = ngx_http_apigw_json_space(p + 1, last);

        if (object) {
            goto key;
        }

        goto value;
    }

    if (p < last && *p == (object ? '}' : ']')) {
        p++;
        depth--;
        end = p;
        type = object ? NGX_HTTP_APIGW_JSON_OBJECT : NGX_HTTP_APIGW_JSON_ARRAY;
        escaped = 0;
        goto next;
    }

    *err = object ? "'}' expected" : "']' expected";
    return NGX_DECLINED;

invalid:

    *err = "invalid token";
    return NGX_DECLINED;
}


/* a string from its opening quote; returns what follows it */

static u_char *
ngx_http_apigw_json_check_string(u_char *p, u_char *last, ngx_uint_t nul,
    ngx_uint_t *escaped, const char **err)
{
    u_char    c;
    uint32_t  u, u2;

    *escaped = 0;
    p++;

    for ( ;; ) {

        while (p < last && ngx_http_apigw_json_plain(*p)) {
            p++;
        }

        if (p == last) {
            *err = "premature end of input";
            return NULL;
        }

        c = *p;

        if (c == '"') {
            return p + 1;
        }

        if (c < 0x20) {
            *err = "control character in a string";
            return NULL;
        }

        if (c >= 0x80) {
            p = ngx_http_apigw_json_check_utf8(p, last);
            if (p == NULL) {
                *err = "ill-formed UTF-8";
                return NULL;
            }

            continue;
        }

        /* a backslash */

        *escaped = 1;

        if (last - p < 2) {
            *err = "premature end of input";
            return NULL;
        }

        switch (p[1]) {

        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            p += 2;
            continue;

        case 'u':
            break;

        default:
            *err = "invalid escape";
            return NULL;
        }

        if (ngx_http_apigw_json_hex(p + 2, last, &u) != NGX_OK) {
            *err = "invalid escape";
            return NULL;
        }

        p += 6;

        if (u == 0 && !nul) {
            *err = "\\u0000 is not allowed";
            return NULL;
        }

        if (u >= 0xdc00 && u <= 0xdfff) {
            *err = "invalid Unicode: a lone low surrogate";
            return NULL;
        }

        if (u < 0xd800 || u > 0xdbff) {
            continue;
        }

        /* a high surrogate: a low one must follow */

        if (last - p < 2 || p[0] != '\\' || p[1] != 'u') {
            *err = "invalid Unicode: a lone high surrogate";
            return NULL;
        }

        if (ngx_http_apigw_json_hex(p + 2, last, &u2) != NGX_OK) {
            *err = "invalid escape";
            return NULL;
        }

        if (u2 < 0xdc00 || u2 > 0xdfff) {
            *err = "invalid Unicode: no low surrogate";
            return NULL;
        }

        p += 6;
    }
}


/* a well-formed UTF-8 sequence from its lead byte; returns its end */

static u_char *
ngx_http_apigw_json_check_utf8(u_char *p, u_char *last)
{
    u_char      c, lo, hi;
    ngx_uint_t  n;

    c = *p++;
    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;

        if (c == 0xe0) {
            lo = 0xa0;      /* no overlong forms */

        } else if (c == 0xed) {
            hi = 0x9f;      /* no surrogates */
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;

        if (c == 0xf0) {
            lo = 0x90;

        } else if (c == 0xf4) {
            hi = 0x8f;      /* nothing above U+10FFFF */
        }

    } else {
        return NULL;
    }

    if ((size_t) (last - p) < n || *p < lo || *p > hi) {
        return NULL;
    }

    p++;

    while (--n) {
        if (*p < 0x80 || *p > 0xbf) {
            return NULL;
        }

        p++;
    }

    return p;
}


/*
 * a number; *err NULL when it fails for want of memory.  Its end must
 * be that of the text or what follows a number: the caller checks that.
 */

static u_char *
ngx_http_apigw_json_check_number(ngx_http_apigw_alloc_t *a, u_char *p,
    u_char *last, ngx_uint_t *integer, const char **err)
{
    u_char     *start, *digits;
    size_t      n;
    double      d;
    ngx_int_t   rc;

    static u_char  max[] = "9223372036854775807";

    start = p;

    if (*p == '-') {
        p++;
    }

    digits = p;

    if (p == last) {
        goto invalid;
    }

    if (*p == '0') {
        p++;

        if (p < last && ngx_http_apigw_json_digit(*p)) {
            goto invalid;
        }

    } else if (ngx_http_apigw_json_digit(*p)) {
        while (p < last && ngx_http_apigw_json_digit(*p)) {
            p++;
        }

    } else {
        goto invalid;
    }

    *integer = 1;

    if (p < last && *p == '.') {
        p++;

        if (p == last || !ngx_http_apigw_json_digit(*p)) {
            goto invalid;
        }

        while (p < last && ngx_http_apigw_json_digit(*p)) {
            p++;
        }

        *integer = 0;
    }

    if (p < last && (*p == 'e' || *p == 'E')) {
        p++;

        if (p < last && (*p == '+' || *p == '-')) {
            p++;
        }

        if (p == last || !ngx_http_apigw_json_digit(*p)) {
            goto invalid;
        }

        while (p < last && ngx_http_apigw_json_digit(*p)) {
            p++;
        }

        *integer = 0;
    }

    if (*integer) {

        /* what strtoll() takes: -9223372036854775808 .. ..807 */

        n = p - digits;

        if (n > sizeof(max) - 1
            || (n == sizeof(max) - 1
                && memcmp(digits, max, n) > 0
                && (start == digits
                    || memcmp(digits, "9223372036854775808", n) != 0)))
        {
            *err = "too big integer";
            return NULL;
        }

        return p;
    }

    rc = ngx_http_apigw_json_strtod(a, start, p - start, &d);

    if (rc == NGX_ERROR) {
        *err = NULL;
        return NULL;
    }

    if (rc == NGX_DECLINED) {
        *err = "real number overflow";
        return NULL;
    }

    return p;

invalid:

    *err = "invalid token";
    return NULL;
}


/* strtod() of a number's text: NGX_DECLINED when it overflows */

static ngx_int_t
ngx_http_apigw_json_strtod(ngx_http_apigw_alloc_t *a, u_char *p, size_t len,
    double *d)
{
    u_char  *s;
    u_char   buf[64];

    if (len < sizeof(buf)) {
        s = buf;

    } else {
        s = ngx_http_apigw_alloc(a, len + 1);
        if (s == NULL) {
            return NGX_ERROR;
        }
    }

    ngx_memcpy(s, p, len);
    s[len] = '\0';

    errno = 0;
    *d = strtod((char *) s, NULL);

    if ((*d == HUGE_VAL || *d == -HUGE_VAL) && errno == ERANGE) {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_json_hex(u_char *p, u_char *last, uint32_t *value)
{
    u_char      c;
    ngx_uint_t  i;

    if (last - p < 4) {
        return NGX_ERROR;
    }

    *value = 0;

    for (i = 0; i < 4; i++) {
        c = p[i];

        if (c >= '0' && c <= '9') {
            c -= '0';

        } else if (c >= 'a' && c <= 'f') {
            c -= 'a' - 10;

        } else if (c >= 'A' && c <= 'F') {
            c -= 'A' - 10;

        } else {
            return NGX_ERROR;
        }

        *value = (*value << 4) | c;
    }

    return NGX_OK;
}


static u_char *
ngx_http_apigw_json_space(u_char *p, u_char *last)
{
    while (p < last
           && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    {
        p++;
    }

    return p;
}


void
ngx_http_apigw_json_iter(ngx_http_apigw_json_t *container,
    ngx_http_apigw_json_iter_t *it)
{
    it->pos = container->start + 1;
    it->end = container->end - 1;
    it->object = (container->type == NGX_HTTP_APIGW_JSON_OBJECT);
}


ngx_int_t
ngx_http_apigw_json_next(ngx_http_apigw_json_iter_t *it,
    ngx_http_apigw_json_t *key, ngx_http_apigw_json_t *value)
{
    u_char  *p;

    p = it->pos;

    if (p < it->end && *p == '\0') {
        p++;                /* what jansson drops, see above */
    }

    p = ngx_http_apigw_json_space(p, it->end);

    if (p < it->end && *p == ',') {
        p = ngx_http_apigw_json_space(p + 1, it->end);
    }

    if (p >= it->end) {
        return NGX_DECLINED;
    }

    if (it->object) {
        p = ngx_http_apigw_json_read(p, it->end, key);

        /* the ":" */
        p = ngx_http_apigw_json_space(p, it->end) + 1;
        p = ngx_http_apigw_json_space(p, it->end);
    }

    it->pos = ngx_http_apigw_json_read(p, it->end, value);

    return NGX_OK;
}


/* the value at p of a checked text; returns what follows it */

static u_char *
ngx_http_apigw_json_read(u_char *p, u_char *last, ngx_http_apigw_json_t *v)
{
    v->start = p;
    v->escaped = 0;

    switch (*p) {

    case '"':
        v->type = NGX_HTTP_APIGW_JSON_STRING;

        for (p++; *p != '"'; p++) {
            if (*p == '\\') {
                v->escaped = 1;
                p++;
            }
        }

        p++;
        break;

    case '{':
    case '[':
        v->type = (*p == '{') ? NGX_HTTP_APIGW_JSON_OBJECT
                              : NGX_HTTP_APIGW_JSON_ARRAY;
        p = ngx_http_apigw_json_skip(p);
        break;

    case 't':
        v->type = NGX_HTTP_APIGW_JSON_TRUE;
        p += 4;
        break;

    case 'f':
        v->type = NGX_HTTP_APIGW_JSON_FALSE;
        p += 5;
        break;

    case 'n':
        v->type = NGX_HTTP_APIGW_JSON_NULL;
        p += 4;
        break;

    default:
        v->type = NGX_HTTP_APIGW_JSON_INTEGER;

        while (p < last
               && (ngx_http_apigw_json_digit(*p) || *p == '-' || *p == '+'
                   || *p == '.' || *p == 'e' || *p == 'E'))
        {
            if (*p == '.' || *p == 'e' || *p == 'E') {
                v->type = NGX_HTTP_APIGW_JSON_REAL;
            }

            p++;
        }
    }

    v->end = p;

    return p;
}


/* a checked object or array from its bracket; returns what follows it */

static u_char *
ngx_http_apigw_json_skip(u_char *p)
{
    ngx_uint_t  depth;

    depth = 0;

    for ( ;; ) {
        switch (*p++) {

        case '"':
            while (*p != '"') {
                p += (*p == '\\') ? 2 : 1;
            }

            p++;
            break;

        case '{':
        case '[':
            depth++;
            break;

        case '}':
        case ']':
            if (--depth == 0) {
                return p;
            }

            break;

        default:
            break;
        }
    }
}


ngx_int_t
ngx_http_apigw_json_string(ngx_http_apigw_alloc_t *a, ngx_http_apigw_json_t *s,
    ngx_str_t *out)
{
    size_t  len;

    len = s->end - s->start - 2;

    if (!s->escaped) {
        out->data = s->start + 1;
        out->len = len;
        return NGX_OK;
    }

    /* what escapes stand for is never longer than they are */

    out->data = ngx_http_apigw_alloc(a, len + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    out->len = ngx_http_apigw_json_decode(out->data, s->start + 1,
                                          s->end - 1);

    return NGX_OK;
}


ngx_uint_t
ngx_http_apigw_json_is(ngx_http_apigw_json_t *s, u_char *name, size_t len)
{
    size_t  n;
    u_char  buf[6 * NGX_HTTP_APIGW_JSON_MAX_NAME];

    n = s->end - s->start - 2;

    if (!s->escaped) {
        return n == len && memcmp(s->start + 1, name, len) == 0;
    }

    /* an escape makes at most 6 bytes of one */

    if (n > 6 * len || n > sizeof(buf)) {
        return 0;
    }

    n = ngx_http_apigw_json_decode(buf, s->start + 1, s->end - 1);

    return n == len && memcmp(buf, name, len) == 0;
}


/* a checked string's contents, its escapes decoded */

static size_t
ngx_http_apigw_json_decode(u_char *d, u_char *p, u_char *last)
{
    u_char    *start, *q;
    uint32_t   u, u2;

    start = d;

    while (p < last) {

        q = p;

        while (p < last && *p != '\\') {
            p++;
        }

        if (p != q) {
            ngx_memcpy(d, q, p - q);
            d += p - q;
            continue;
        }

        switch (p[1]) {

        case 'b':
            *d++ = '\b';
            break;

        case 'f':
            *d++ = '\f';
            break;

        case 'n':
            *d++ = '\n';
            break;

        case 'r':
            *d++ = '\r';
            break;

        case 't':
            *d++ = '\t';
            break;

        case 'u':
            (void) ngx_http_apigw_json_hex(p + 2, last, &u);

            if (u >= 0xd800 && u <= 0xdbff) {
                p += 6;
                (void) ngx_http_apigw_json_hex(p + 2, last, &u2);
                u = 0x10000 + ((u - 0xd800) << 10) + (u2 - 0xdc00);
            }

            if (u < 0x80) {
                *d++ = (u_char) u;

            } else if (u < 0x800) {
                *d++ = (u_char) (0xc0 | (u >> 6));
                *d++ = (u_char) (0x80 | (u & 0x3f));

            } else if (u < 0x10000) {
                *d++ = (u_char) (0xe0 | (u >> 12));
                *d++ = (u_char) (0x80 | ((u >> 6) & 0x3f));
                *d++ = (u_char) (0x80 | (u & 0x3f));

            } else {
                *d++ = (u_char) (0xf0 | (u >> 18));
                *d++ = (u_char) (0x80 | ((u >> 12) & 0x3f));
                *d++ = (u_char) (0x80 | ((u >> 6) & 0x3f));
                *d++ = (u_char) (0x80 | (u & 0x3f));
            }

            p += 4;
            break;

        default:            /* " \ / */
            *d++ = p[1];
        }

        p += 2;
    }

    return d - start;
}


int64_t
ngx_http_apigw_json_integer(ngx_http_apigw_json_t *v)
{
    u_char    *p;
    uint64_t   n;

    p = v->start;
    n = 0;

    if (*p == '-') {
        p++;
    }

    while (p < v->end) {
        n = n * 10 + (*p++ - '0');
    }

    return (*v->start == '-') ? (int64_t) (0 - n) : (int64_t) n;
}


ngx_int_t
ngx_http_apigw_json_real(ngx_http_apigw_alloc_t *a, ngx_http_apigw_json_t *v,
    double *d)
{
    if (ngx_http_apigw_json_strtod(a, v->start, v->end - v->start, d)
        == NGX_ERROR)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}
