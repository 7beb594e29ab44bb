
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the $util engine.
 */


#include <math.h>
#include <stdio.h>
#include <ngx_http_apigw_util.h>
#include "tap.h"
#include "arena.h"
#include "jv_jansson.h"


typedef ngx_int_t (*ngx_http_apigw_test_fn_pt)(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);


/* a byte string for a test name: printable ASCII, the rest as \xNN */

static const char *
ngx_http_apigw_test_show(const char *in, size_t len)
{
    static char  buf[512];

    size_t  i, n;

    n = 0;

    for (i = 0; i < len && n < sizeof(buf) - 5; i++) {
        if (in[i] >= 0x20 && in[i] < 0x7f) {
            buf[n++] = in[i];

        } else {
            n += sprintf(buf + n, "\\x%02x", (unsigned char) in[i]);
        }
    }

    buf[n] = '\0';

    return buf;
}


/* in and expected as byte strings with lengths (they may hold NUL) */

static void
ngx_http_apigw_test_fn(const char *name, ngx_http_apigw_test_fn_pt fn,
    const char *in, size_t in_len, ngx_int_t expected_rc,
    const char *expected, size_t expected_len)
{
    ngx_int_t  rc;
    ngx_str_t  s, out;

    s.data = (u_char *) in;
    s.len = in_len;

    out.data = NULL;
    out.len = 0;

    rc = fn(&alloc, &s, &out);

    if (expected_rc != NGX_OK) {
        tap_ok(rc == expected_rc, "%s('%s') declined", name,
               ngx_http_apigw_test_show(in, in_len));
        return;
    }

    if (rc != NGX_OK) {
        tap_ok(0, "%s('%s') returned %d", name,
               ngx_http_apigw_test_show(in, in_len), (int) rc);
        return;
    }

    tap_is(out.data, out.len, expected, expected_len, "%s('%s')", name,
           ngx_http_apigw_test_show(in, in_len));
}


#define S(s)  s, sizeof(s) - 1

#define JS(in, exp)                                                          \
    ngx_http_apigw_test_fn("escapeJavaScript",                               \
                           ngx_http_apigw_util_escape_javascript,            \
                           S(in), NGX_OK, S(exp))
#define UE(in, exp)                                                          \
    ngx_http_apigw_test_fn("urlEncode", ngx_http_apigw_util_url_encode,      \
                           S(in), NGX_OK, S(exp))
#define UD(in, exp)                                                          \
    ngx_http_apigw_test_fn("urlDecode", ngx_http_apigw_util_url_decode,      \
                           S(in), NGX_OK, S(exp))
#define UD_BAD(in)                                                           \
    ngx_http_apigw_test_fn("urlDecode", ngx_http_apigw_util_url_decode,      \
                           S(in), NGX_DECLINED, S(""))
#define BE(in, exp)                                                          \
    ngx_http_apigw_test_fn("base64Encode",                                   \
                           ngx_http_apigw_util_base64_encode,                \
                           S(in), NGX_OK, S(exp))
#define BD(in, exp)                                                          \
    ngx_http_apigw_test_fn("base64Decode",                                   \
                           ngx_http_apigw_util_base64_decode,                \
                           S(in), NGX_OK, S(exp))
#define BD_BAD(in)                                                           \
    ngx_http_apigw_test_fn("base64Decode",                                   \
                           ngx_http_apigw_util_base64_decode,                \
                           S(in), NGX_DECLINED, S(""))
#define JQ(in, exp)                                                          \
    ngx_http_apigw_test_fn("jsonQuote", ngx_http_apigw_util_json_quote,      \
                           S(in), NGX_OK, S(exp))
#define SAN(in, exp)                                                         \
    ngx_http_apigw_test_fn("utf8Sanitize",                                   \
                           ngx_http_apigw_util_utf8_sanitize,                \
                           S(in), NGX_OK, S(exp))

#define FFFD  "\xef\xbf\xbd"


static void
ngx_http_apigw_test_escape_javascript(void)
{
    JS("", "");
    JS("hello world", "hello world");

    /* the commons-lang javadoc example */
    JS("He didn't say, \"Stop!\"", "He didn\\'t say, \\\"Stop!\\\"");

    JS("a\\b", "a\\\\b");
    JS("</script>", "<\\/script>");
    JS("line1\nline2\r\n\t\b\f", "line1\\nline2\\r\\n\\t\\b\\f");
    JS("\x01\x0f\x10\x1f\x0b", "\\u0001\\u000F\\u0010\\u001F\\u000B");
    JS("a\0b", "a\\u0000b");
    JS("\x7f~ ", "\x7f~ ");
    JS("\xc2\x80\xc3\xa9", "\\u0080\\u00E9");
    JS("\xc4\x80\xe0\xbf\xbf", "\\u0100\\u0FFF");
    JS("\xe2\x82\xac\xef\xbb\xbf", "\\u20AC\\uFEFF");
    JS("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87", "\\u043A\\u043B\\u044E\\u0447");
    JS("\xf0\x9f\x98\x80", "\\uD83D\\uDE00");
    JS("\xf4\x8f\xbf\xbf", "\\uDBFF\\uDFFF");
    JS("{\"a\": 'b'}", "{\\\"a\\\": \\'b\\'}");

    /* ill-formed UTF-8: U+FFFD for each maximal subpart */
    JS("\xff", "\\uFFFD");
    JS("a\xc3", "a\\uFFFD");
    JS("\xe2\x82x", "\\uFFFDx");
    JS("\xed\xa0\x80", "\\uFFFD\\uFFFD\\uFFFD");
    JS("\xc0\xaf", "\\uFFFD\\uFFFD");
    JS("\xf4\x90\x80\x80", "\\uFFFD\\uFFFD\\uFFFD\\uFFFD");
    JS("\xf0\x9f\x98", "\\uFFFD");
    JS("\x80\x80", "\\uFFFD\\uFFFD");
}


static void
ngx_http_apigw_test_url(void)
{
    UE("", "");
    UE("abcXYZ019.-*_", "abcXYZ019.-*_");
    UE("a b", "a+b");
    UE("x=a+b", "x%3Da%2Bb");
    UE("~!'()", "%7E%21%27%28%29");
    UE("/?#&%", "%2F%3F%23%26%25");
    UE("\n\x01", "%0A%01");
    UE("\xc3\xa9", "%C3%A9");
    UE("\xf0\x9f\x98\x80", "%F0%9F%98%80");
    UE("\xff", "%EF%BF%BD");

    UD("", "");
    UD("a+b", "a b");
    UD("a%20b", "a b");
    UD("x%3Da%2Bb", "x=a+b");
    UD("%C3%A9", "\xc3\xa9");
    UD("%c3%a9", "\xc3\xa9");
    UD("%F0%9F%98%80", "\xf0\x9f\x98\x80");
    UD("%E2%82%AC", "\xe2\x82\xac");
    UD("\xc3\xa9+", "\xc3\xa9 ");
    UD("%C3", FFFD);
    UD("%C3\xc3\xa9", FFFD "\xc3\xa9");
    UD("\xff", FFFD);
    UD("%+4", "\x04");
    UD("%-0", "\0");
    UD("abc", "abc");

    UD_BAD("%");
    UD_BAD("%4");
    UD_BAD("100%");
    UD_BAD("%41%");
    UD_BAD("%zz");
    UD_BAD("%4g");
    UD_BAD("%-1");
    UD_BAD("%\xc3\xa9");
}


static void
ngx_http_apigw_test_base64(void)
{
    /* RFC 4648 */
    BE("", "");
    BE("f", "Zg==");
    BE("fo", "Zm8=");
    BE("foo", "Zm9v");
    BE("foob", "Zm9vYg==");
    BE("fooba", "Zm9vYmE=");
    BE("foobar", "Zm9vYmFy");
    BE("\xc3\xa9", "w6k=");
    BE("\xff", "77+9");
    BE("\xfb\xff", "77+977+9");
    BE("a\0b", "YQBi");

    BD("", "");
    BD("Zg==", "f");
    BD("Zm8=", "fo");
    BD("Zm9vYmFy", "foobar");
    BD("Zg", "f");
    BD("Zm8", "fo");
    BD("Zh==", "f");
    BD("w6k=", "\xc3\xa9");
    BD("/w==", FFFD);
    BD("+/+/", FFFD FFFD FFFD);
    BD("YQBi", "a\0b");

    BD_BAD("Zg=");
    BD_BAD("Z");
    BD_BAD("Zm9vY");
    BD_BAD("Zm9v\n");
    BD_BAD("Zm9v YmFy");
    BD_BAD("Zm9v====");
    BD_BAD("Zm=9");
    BD_BAD("-_-_");
    BD_BAD("=");
}


static void
ngx_http_apigw_test_json_quote(void)
{
    size_t       i, len;
    char        *dumped;
    json_t      *s;
    ngx_str_t    in, out;
    ngx_uint_t   same;
    size_t       k;
    char         text[64];

    static const char  *specials[] = {
        "\"", "\\", "\x01", "\x1f", "\n", " ", "\x7f", "\xc3\xa9",
        "\xe2\x82\xac", "\xf0\x9f\x98\x80", "/", "'", "~", NULL
    };

    static const char  *inputs[] = {
        "", "plain", "a\"b\\c", "a/b", "\n\t\r\b\f", "\x01\x1f", "\x7f",
        "\xc3\xa9", "\xf0\x9f\x98\x80", "'", "</script>", "\xe2\x80\xa8",
        NULL
    };

    JQ("", "\"\"");
    JQ("a\"b\\c", "\"a\\\"b\\\\c\"");
    JQ("a/b", "\"a/b\"");
    JQ("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
    JQ("\x01\x1f", "\"\\u0001\\u001F\"");
    JQ("a\0b", "\"a\\u0000b\"");
    JQ("\xc3\xa9\xf0\x9f\x98\x80", "\"\xc3\xa9\xf0\x9f\x98\x80\"");
    JQ("'\x7f", "\"'\x7f\"");
    JQ("\xff" "a", "\"" FFFD "a\"");

    /* the same bytes as jansson's json_dumps() for well-formed strings */

    same = 1;

    for (i = 0; inputs[i]; i++) {
        in.data = (u_char *) inputs[i];
        in.len = strlen(inputs[i]);

        s = json_stringn(inputs[i], in.len);
        dumped = json_dumps(s, JSON_ENCODE_ANY);
        len = strlen(dumped);

        if (ngx_http_apigw_util_json_quote(&alloc, &in, &out) != NGX_OK
            || out.len != len || memcmp(out.data, dumped, len) != 0)
        {
            printf("#   differs for '%s': '%s'\n", inputs[i], dumped);
            same = 0;
        }

        free(dumped);
        json_decref(s);
    }

    tap_ok(same, "jsonQuote is jansson's json_dumps()");

    /* each special character at each place of a long string */

    same = 1;

    for (i = 0; i < 40; i++) {
        for (k = 0; specials[k]; k++) {
            memset(text, 'a', sizeof(text));
            len = strlen(specials[k]);
            memcpy(text + i, specials[k], len);

            in.data = (u_char *) text;
            in.len = 40 + len;

            s = json_stringn(text, in.len);
            dumped = json_dumps(s, JSON_ENCODE_ANY);

            if (ngx_http_apigw_util_json_quote(&alloc, &in, &out) != NGX_OK
                || out.len != strlen(dumped)
                || memcmp(out.data, dumped, out.len) != 0
                || ngx_http_apigw_util_json_escape(NULL, in.data, in.len)
                   != out.len - 2)
            {
                printf("#   differs for %s\n", dumped);
                same = 0;
            }

            free(dumped);
            json_decref(s);
        }
    }

    tap_ok(same, "jsonQuote of long strings is jansson's json_dumps()");

    memset(text, 'a', sizeof(text));
    text[13] = '\xff';
    text[30] = '\xe2';
    text[31] = '\x82';

    in.data = (u_char *) text;
    in.len = 40;

    tap_ok(ngx_http_apigw_util_json_quote(&alloc, &in, &out) == NGX_OK
           && out.len == 42 - 3 + 6
           && memcmp(out.data + 14, FFFD "a", 4) == 0
           && memcmp(out.data + 31 + 2, FFFD "a", 4) == 0,
           "jsonQuote of a long string: ill-formed UTF-8 as U+FFFD");

    SAN("abc\xc3\xa9", "abc\xc3\xa9");
    SAN("a\xff" FFFD "\xe0\x80", "a" FFFD FFFD FFFD FFFD);
}


static void
ngx_http_apigw_test_parse_json(void)
{
    ngx_int_t            rc;
    ngx_str_t            in;
    ngx_http_apigw_jv_t  v;

    ngx_str_set(&in, "{ \"a\" : [1, 2.5, \"x\"] }");
    rc = ngx_http_apigw_util_parse_json(&alloc, &in, &v);
    tap_ok(rc == NGX_OK && v.type == NGX_HTTP_APIGW_JV_OBJECT,
           "parseJson: an object");

    ngx_str_set(&in, "\"str\"");
    rc = ngx_http_apigw_util_parse_json(&alloc, &in, &v);
    tap_ok(rc == NGX_OK && v.type == NGX_HTTP_APIGW_JV_STRING,
           "parseJson: a string");

    ngx_str_set(&in, "42");
    rc = ngx_http_apigw_util_parse_json(&alloc, &in, &v);
    tap_ok(rc == NGX_OK && v.type == NGX_HTTP_APIGW_JV_INTEGER && v.u.i == 42,
           "parseJson: a number");

    ngx_str_set(&in, "\"a\\u0000b\"");
    rc = ngx_http_apigw_util_parse_json(&alloc, &in, &v);
    tap_ok(rc == NGX_OK && v.type == NGX_HTTP_APIGW_JV_STRING
           && v.u.s.len == 3, "parseJson: \\u0000 in a string");

    ngx_str_set(&in, "");
    rc = ngx_http_apigw_util_parse_json(&alloc, &in, &v);
    tap_ok(rc == NGX_DECLINED, "parseJson: empty");

    ngx_str_set(&in, "{\"a\":");
    rc = ngx_http_apigw_util_parse_json(&alloc, &in, &v);
    tap_ok(rc == NGX_DECLINED, "parseJson: truncated");

    ngx_str_set(&in, "{} x");
    rc = ngx_http_apigw_util_parse_json(&alloc, &in, &v);
    tap_ok(rc == NGX_DECLINED, "parseJson: trailing garbage");
}


static void
ngx_http_apigw_test_dump(const char *json, const char *expected)
{
    ngx_str_t            out;
    ngx_http_apigw_jv_t  v;

    if (ngx_http_apigw_test_jv(&alloc, json, &v) != NGX_OK) {
        tap_ok(0, "bad test document %s", json);
        return;
    }

    if (ngx_http_apigw_util_json_dump(&alloc, &v, &out) != NGX_OK) {
        tap_ok(0, "json_dump(%s) failed", json);

    } else {
        tap_is(out.data, out.len, expected, strlen(expected), "json_dump(%s)",
               json);
    }
}


static void
ngx_http_apigw_test_double(double d, const char *expected)
{
    u_char  buf[NGX_HTTP_APIGW_UTIL_DOUBLE_LEN], *p;

    p = ngx_http_apigw_util_format_double(buf, d);

    tap_is(buf, p - buf, expected, strlen(expected), "Double.toString(%.17g)",
           d);
}


/*
 * the shortest digits by trying precisions, as the module always did
 * (a reference for the fast path of ngx_http_apigw_util_format_double())
 */

static u_char *
ngx_http_apigw_test_slow_double(u_char *buf, double d)
{
    int      ex, prec, n, i;
    char     sci[40], digits[20], *e;
    u_char  *p;

    p = buf;

    if (d < 0) {
        *p++ = '-';
        d = -d;
    }

    for (prec = 2; prec < 17; prec++) {
        snprintf(sci, sizeof(sci), "%.*e", prec - 1, d);

        if (strtod(sci, NULL) == d) {
            break;
        }
    }

    snprintf(sci, sizeof(sci), "%.*e", prec - 1, d);

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

            memcpy(p, digits, n);
            return p + n;
        }

        for (i = 0; i <= ex; i++) {
            *p++ = (i < n) ? digits[i] : '0';
        }

        *p++ = '.';

        if (n <= ex + 1) {
            *p++ = '0';
            return p;
        }

        memcpy(p, digits + ex + 1, n - ex - 1);
        return p + n - ex - 1;
    }

    *p++ = digits[0];
    *p++ = '.';

    if (n == 1) {
        *p++ = '0';

    } else {
        memcpy(p, digits + 1, n - 1);
        p += n - 1;
    }

    return p + sprintf((char *) p, "E%d", ex);
}


/* random doubles of every kind: the same text as the reference */

static void
ngx_http_apigw_test_doubles(void)
{
    u_char      a[64], b[64], *pa, *pb;
    double      d;
    uint64_t    x, bits;
    ngx_uint_t  i, bad;

    x = 88172645463325252ULL;
    bad = 0;

    for (i = 0; i < 400000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;

        switch (i % 5) {

        case 0:
            bits = x;
            memcpy(&d, &bits, sizeof(d));

            if (!isfinite(d) || d == 0) {
                continue;
            }

            break;

        case 1:
            d = (double) (x % 10000000) / 100;
            break;

        case 2:
            d = (double) (x % 100000) * pow(10, (int) (x >> 40) % 50 - 25);
            break;

        case 3:
            d = (double) (int64_t) (x >> 11) / (double) (1 + (x & 0xfff));
            break;

        default:
            d = strtod("0.1", NULL) * (double) (x % 1000);
            break;
        }

        if (d == 0) {
            continue;
        }

        pa = ngx_http_apigw_util_format_double(a, d);
        pb = ngx_http_apigw_test_slow_double(b, d);

        if (pa - a != pb - b || memcmp(a, b, pa - a) != 0) {
            if (bad++ < 10) {
                tap_ok(0, "format_double(%.17g): %.*s, reference %.*s", d,
                       (int) (pa - a), a, (int) (pb - b), b);
            }
        }
    }

    tap_ok(bad == 0, "400000 random doubles format as the reference does");
}


static void
ngx_http_apigw_test_json_dump(void)
{
    int                   i;
    ngx_str_t             out;
    ngx_uint_t            ok;
    ngx_http_apigw_jv_t   v, inner, t;

    ngx_http_apigw_test_dump("{ \"a\" : 1 }", "{\"a\":1}");
    ngx_http_apigw_test_dump("{\"a\": 1, \"b\": [1, 2]}",
                             "{\"a\":1,\"b\":[1,2]}");
    ngx_http_apigw_test_dump("{\"b\":2,\"a\":1,\"c\":{}}",
                             "{\"b\":2,\"a\":1,\"c\":{}}");
    ngx_http_apigw_test_dump("[]", "[]");
    ngx_http_apigw_test_dump("[[],{},[{}]]", "[[],{},[{}]]");
    ngx_http_apigw_test_dump("[true,false,null]", "[true,false,null]");
    ngx_http_apigw_test_dump("[9223372036854775807,-9223372036854775808,-5,0]",
                             "[9223372036854775807,-9223372036854775808,-5,0]");
    ngx_http_apigw_test_dump("[1.5,10.0,1e7,1e-4,0.001,-0.0,100,1E2]",
                             "[1.5,10.0,1.0E7,1.0E-4,0.001,-0.0,100,100.0]");
    ngx_http_apigw_test_dump("[12345678.9,0.1,1e21,123456.789,8.95]",
                             "[1.23456789E7,0.1,1.0E21,123456.789,8.95]");
    ngx_http_apigw_test_dump("{\"s\":\"a/b\\\"c\\n\\u00e9\\u0000\"}",
                             "{\"s\":\"a/b\\\"c\\n\xc3\xa9\\u0000\"}");
    ngx_http_apigw_test_dump("{\"a\\\"b\":1,\"\":2,\"\\u00e9\\t\":3}",
                             "{\"a\\\"b\":1,\"\":2,\"\xc3\xa9\\t\":3}");
    ngx_http_apigw_test_dump("\"just a string\"", "\"just a string\"");
    ngx_http_apigw_test_dump("3.25", "3.25");
    ngx_http_apigw_test_dump("{\"pets\":[{\"id\":1,\"type\":\"dog\","
                             "\"price\":249.99}]}",
                             "{\"pets\":[{\"id\":1,\"type\":\"dog\","
                             "\"price\":249.99}]}");

    /* a key with NUL, as a template can build (not parse) */

    (void) ngx_http_apigw_jv_new(&alloc, NGX_HTTP_APIGW_JV_OBJECT, &v);
    t.type = NGX_HTTP_APIGW_JV_TRUE;
    (void) ngx_http_apigw_jv_object_set(&alloc, v.u.c, (u_char *) "k\0z", 3,
                                        &t, 1);

    ok = (ngx_http_apigw_util_json_dump(&alloc, &v, &out) == NGX_OK);
    tap_is(out.data, ok ? out.len : 0, "{\"k\\u0000z\":true}", 17,
           "json_dump: a key with NUL");

    /* 5000 nested arrays: no recursion */

    ngx_http_apigw_jv_set_int(&v, 42);

    for (i = 0; i < 5000; i++) {
        (void) ngx_http_apigw_jv_new(&alloc, NGX_HTTP_APIGW_JV_ARRAY, &inner);
        (void) ngx_http_apigw_jv_array_append(&alloc, inner.u.c, &v);
        v = inner;
    }

    ok = (ngx_http_apigw_util_json_dump(&alloc, &v, &out) == NGX_OK
          && out.len == 10002 && out.data[0] == '[' && out.data[4999] == '['
          && memcmp(out.data + 5000, "42]", 3) == 0
          && out.data[10001] == ']');

    tap_ok(ok, "json_dump of 5000 nested arrays");

    /* invalid UTF-8 in a string: U+FFFD, as jansson-made strings had */

    ngx_http_apigw_jv_set_str(&v, "a\xff" "b\xc3", 4);
    ok = (ngx_http_apigw_util_json_dump(&alloc, &v, &out) == NGX_OK);
    tap_is(out.data, ok ? out.len : 0, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"",
           10, "json_dump: ill-formed UTF-8");

    ngx_http_apigw_jv_set_str(&v, "\x01\x1f\x7f\b\f\n\r\t\"\\/", 11);
    ok = (ngx_http_apigw_util_json_dump(&alloc, &v, &out) == NGX_OK);
    tap_is(out.data, ok ? out.len : 0,
           "\"\\u0001\\u001F\x7f\\b\\f\\n\\r\\t\\\"\\\\/\"", 30,
           "json_dump: controls");

    ngx_http_apigw_test_double(0.0, "0.0");
    ngx_http_apigw_test_double(-0.0, "-0.0");
    ngx_http_apigw_test_double(1.0, "1.0");
    ngx_http_apigw_test_double(0.5, "0.5");
    ngx_http_apigw_test_double(100.25, "100.25");
    ngx_http_apigw_test_double(9999999.0, "9999999.0");
    ngx_http_apigw_test_double(1e7, "1.0E7");
    ngx_http_apigw_test_double(-1.25e7, "-1.25E7");
    ngx_http_apigw_test_double(0.001, "0.001");
    ngx_http_apigw_test_double(0.00099, "9.9E-4");
    ngx_http_apigw_test_double(0.0123, "0.0123");
    ngx_http_apigw_test_double(1.7976931348623157e308,
                               "1.7976931348623157E308");
    ngx_http_apigw_test_double(4.9e-324, "4.9E-324");
    ngx_http_apigw_test_double(2.2250738585072014E-308,
                               "2.2250738585072014E-308");
    ngx_http_apigw_test_double(1.0 / 3, "0.3333333333333333");
    ngx_http_apigw_test_double(NAN, "NaN");
    ngx_http_apigw_test_double(INFINITY, "Infinity");
    ngx_http_apigw_test_double(-INFINITY, "-Infinity");

    ngx_http_apigw_test_double(1e300, "1.0E300");
    ngx_http_apigw_test_double(0.1, "0.1");
    ngx_http_apigw_test_double(1E-7, "1.0E-7");
    ngx_http_apigw_test_double(0.1 + 0.2, "0.30000000000000004");
    ngx_http_apigw_test_double(9007199254740993.0, "9.007199254740992E15");
    ngx_http_apigw_test_double(123456789012345678.0, "1.2345678901234568E17");
    ngx_http_apigw_test_double(2251799813685248.0, "2.251799813685248E15");
    ngx_http_apigw_test_double(1e22, "1.0E22");
    ngx_http_apigw_test_double(1e23, "1.0E23");
    ngx_http_apigw_test_double(12.99, "12.99");
    ngx_http_apigw_test_double(-1.75, "-1.75");
    ngx_http_apigw_test_double(1e-22, "1.0E-22");
    ngx_http_apigw_test_double(1.5e-23, "1.5E-23");

    ngx_http_apigw_test_doubles();
}



/*
 * references for the fast paths: escapeJavaScript and JSON quoting one
 * code point at a time, as the module first did
 */

static uint32_t
ngx_http_apigw_test_decode(u_char **pp, u_char *last)
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
        lo = (c == 0xe0) ? 0xa0 : 0x80;
        hi = (c == 0xed) ? 0x9f : 0xbf;

    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x07;
        lo = (c == 0xf0) ? 0x90 : 0x80;
        hi = (c == 0xf4) ? 0x8f : 0xbf;

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


static size_t
ngx_http_apigw_test_ref_escape(u_char *d, u_char *p, size_t len, int js)
{
    u_char    *last, *q, *s;
    size_t     n;
    uint32_t   cp;

    n = 0;
    last = p + len;

    while (p < last) {
        q = p;
        cp = ngx_http_apigw_test_decode(&p, last);
        s = d + n;

        if (js && cp > 0xffff) {
            cp -= 0x10000;
            n += sprintf((char *) s, "\\u%04X\\u%04X", 0xd800 + (cp >> 10),
                         0xdc00 + (cp & 0x3ff));

        } else if (js && cp > 0x7f) {
            n += sprintf((char *) s, "\\u%04X", cp);

        } else if (cp == '\b' || cp == '\t' || cp == '\n' || cp == '\f'
                   || cp == '\r')
        {
            n += sprintf((char *) s, "\\%c", cp == '\b' ? 'b' : cp == '\t'
                         ? 't' : cp == '\n' ? 'n' : cp == '\f' ? 'f' : 'r');

        } else if (cp == '"' || cp == '\\'
                   || (js && (cp == '\'' || cp == '/')))
        {
            n += sprintf((char *) s, "\\%c", cp);

        } else if (cp < 0x20) {
            n += sprintf((char *) s, "\\u%04X", cp);

        } else if (cp == 0xfffd && (p - q != 3 || q[0] != 0xef)) {
            n += sprintf((char *) s, "\xef\xbf\xbd");

        } else {
            memcpy(s, q, p - q);
            n += p - q;
        }
    }

    return n;
}


/* random strings: ASCII, specials, UTF-8 and ill-formed bytes */

static void
ngx_http_apigw_test_escapes_random(void)
{
    u_char      in[64], ref[64 * 12 + 1];
    size_t      len, n, k;
    uint64_t    x;
    ngx_str_t   s, out;
    ngx_uint_t  i, bad, js;

    static const char  *pieces[] = {
        "a", "Z", "0", " ", "~", "\x7f", "\"", "'", "\\", "/", "\n", "\t",
        "\x01", "\x1f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "\xed\xa0\x80", "\xc3", "\xff", "\x80", "\xef\xbf\xbd",
        "abcdefghijklmnop", "<script>"
    };

    x = 0x2545f4914f6cdd1dULL;
    bad = 0;

    for (i = 0; i < 100000; i++) {
        len = 0;
        n = 1 + i % 9;

        for (k = 0; k < n; k++) {
            const char  *piece;

            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;

            piece = pieces[x % (sizeof(pieces) / sizeof(pieces[0]))];

            if (len + strlen(piece) > sizeof(in)) {
                break;
            }

            memcpy(in + len, piece, strlen(piece));
            len += strlen(piece);
        }

        s.data = in;
        s.len = len;
        js = i & 1;

        n = ngx_http_apigw_test_ref_escape(ref, in, len, js);

        if (js) {
            if (ngx_http_apigw_util_escape_javascript(&alloc, &s, &out)
                != NGX_OK)
            {
                bad++;
                continue;
            }

        } else {
            if (ngx_http_apigw_util_json_quote(&alloc, &s, &out) != NGX_OK) {
                bad++;
                continue;
            }

            /* without its quotes */
            out.data++;
            out.len -= 2;
        }

        if (out.len != n || memcmp(out.data, ref, n) != 0) {
            if (bad++ < 5) {
                tap_is(out.data, out.len, ref, n, "%s of %s",
                       js ? "escapeJavaScript" : "jsonQuote",
                       ngx_http_apigw_test_show((char *) in, len));
            }
        }

        if (i % 1000 == 999) {
            ngx_http_apigw_test_free_all();
        }
    }

    tap_ok(bad == 0, "100000 random strings escaped as one code point at a "
           "time");
}


int
main(void)
{
    ngx_http_apigw_test_escape_javascript();
    ngx_http_apigw_test_url();
    ngx_http_apigw_test_base64();
    ngx_http_apigw_test_json_quote();
    ngx_http_apigw_test_escapes_random();
    ngx_http_apigw_test_parse_json();
    ngx_http_apigw_test_json_dump();

    ngx_http_apigw_test_free_all();

    return tap_done();
}
