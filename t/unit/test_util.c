
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the $util engine.
 */


#include <math.h>
#include <ngx_http_apigw_util.h>
#include "tap.h"
#include "arena.h"


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
    json_t     *v;
    ngx_int_t   rc;
    ngx_str_t   in;

    ngx_str_set(&in, "{ \"a\" : [1, 2.5, \"x\"] }");
    rc = ngx_http_apigw_util_parse_json(&in, &v);
    tap_ok(rc == NGX_OK && json_is_object(v), "parseJson: an object");
    json_decref(v);

    ngx_str_set(&in, "\"str\"");
    rc = ngx_http_apigw_util_parse_json(&in, &v);
    tap_ok(rc == NGX_OK && json_is_string(v), "parseJson: a string");
    json_decref(v);

    ngx_str_set(&in, "42");
    rc = ngx_http_apigw_util_parse_json(&in, &v);
    tap_ok(rc == NGX_OK && json_integer_value(v) == 42, "parseJson: a number");
    json_decref(v);

    ngx_str_set(&in, "\"a\\u0000b\"");
    rc = ngx_http_apigw_util_parse_json(&in, &v);
    tap_ok(rc == NGX_OK && json_string_length(v) == 3,
           "parseJson: \\u0000 in a string");
    json_decref(v);

    ngx_str_set(&in, "");
    rc = ngx_http_apigw_util_parse_json(&in, &v);
    tap_ok(rc == NGX_DECLINED && v == NULL, "parseJson: empty");

    ngx_str_set(&in, "{\"a\":");
    rc = ngx_http_apigw_util_parse_json(&in, &v);
    tap_ok(rc == NGX_DECLINED, "parseJson: truncated");

    ngx_str_set(&in, "{} x");
    rc = ngx_http_apigw_util_parse_json(&in, &v);
    tap_ok(rc == NGX_DECLINED, "parseJson: trailing garbage");
}


static void
ngx_http_apigw_test_dump(const char *json, const char *expected)
{
    json_t        *v;
    ngx_str_t      out;
    json_error_t   error;

    v = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
    if (v == NULL) {
        tap_ok(0, "bad test document %s: %s", json, error.text);
        return;
    }

    if (ngx_http_apigw_util_json_dump(&alloc, v, &out) != NGX_OK) {
        tap_ok(0, "json_dump(%s) failed", json);

    } else {
        tap_is(out.data, out.len, expected, strlen(expected), "json_dump(%s)",
               json);
    }

    json_decref(v);
}


static void
ngx_http_apigw_test_double(double d, const char *expected)
{
    u_char  buf[NGX_HTTP_APIGW_UTIL_DOUBLE_LEN], *p;

    p = ngx_http_apigw_util_format_double(buf, d);

    tap_is(buf, p - buf, expected, strlen(expected), "Double.toString(%.17g)",
           d);
}


static void
ngx_http_apigw_test_json_dump(void)
{
    int         i;
    json_t     *v, *inner;
    ngx_str_t   out;
    ngx_uint_t  ok;

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

    /* a key with NUL, as jansson can build (not parse) */

    v = json_object();
    json_object_setn_new(v, "k\0z", 3, json_true());

    ok = (ngx_http_apigw_util_json_dump(&alloc, v, &out) == NGX_OK);
    tap_is(out.data, ok ? out.len : 0, "{\"k\\u0000z\":true}", 17,
           "json_dump: a key with NUL");

    json_decref(v);

    /* 5000 nested arrays: no recursion */

    v = json_integer(42);

    for (i = 0; i < 5000; i++) {
        inner = json_array();
        json_array_append_new(inner, v);
        v = inner;
    }

    ok = (ngx_http_apigw_util_json_dump(&alloc, v, &out) == NGX_OK
          && out.len == 10002 && out.data[0] == '[' && out.data[4999] == '['
          && memcmp(out.data + 5000, "42]", 3) == 0
          && out.data[10001] == ']');

    tap_ok(ok, "json_dump of 5000 nested arrays");

    json_decref(v);

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
}


int
main(void)
{
    ngx_http_apigw_test_escape_javascript();
    ngx_http_apigw_test_url();
    ngx_http_apigw_test_base64();
    ngx_http_apigw_test_json_quote();
    ngx_http_apigw_test_parse_json();
    ngx_http_apigw_test_json_dump();

    ngx_http_apigw_test_free_all();

    return tap_done();
}
