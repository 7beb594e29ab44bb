
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the JSON reader: it must accept exactly what jansson's
 * json_loadb(JSON_DECODE_ANY) accepts and read the same values, on
 * hand-picked texts and on many generated ones.
 */


#include <math.h>
#include <jansson.h>
#include <ngx_http_apigw_json.h>
#include "tap.h"
#include "arena.h"


/* a jansson tree of what the reader reads, to compare with jansson's */

static json_t *
ngx_http_apigw_test_tree(ngx_http_apigw_json_t *v)
{
    double                       d;
    json_t                      *j, *item;
    ngx_str_t                    s, k;
    ngx_http_apigw_json_t        key, value;
    ngx_http_apigw_json_iter_t   it;

    switch (v->type) {

    case NGX_HTTP_APIGW_JSON_NULL:
        return json_null();

    case NGX_HTTP_APIGW_JSON_TRUE:
        return json_true();

    case NGX_HTTP_APIGW_JSON_FALSE:
        return json_false();

    case NGX_HTTP_APIGW_JSON_INTEGER:
        return json_integer(ngx_http_apigw_json_integer(v));

    case NGX_HTTP_APIGW_JSON_REAL:
        if (ngx_http_apigw_json_real(&alloc, v, &d) != NGX_OK) {
            return NULL;
        }

        return json_real(d);

    case NGX_HTTP_APIGW_JSON_STRING:
        if (ngx_http_apigw_json_string(&alloc, v, &s) != NGX_OK) {
            return NULL;
        }

        return json_stringn((char *) s.data, s.len);

    case NGX_HTTP_APIGW_JSON_ARRAY:
        j = json_array();
        ngx_http_apigw_json_iter(v, &it);

        while (ngx_http_apigw_json_next(&it, NULL, &value) == NGX_OK) {
            item = ngx_http_apigw_test_tree(&value);
            if (item == NULL || json_array_append_new(j, item) != 0) {
                json_decref(j);
                return NULL;
            }
        }

        return j;

    default:
        j = json_object();
        ngx_http_apigw_json_iter(v, &it);

        while (ngx_http_apigw_json_next(&it, &key, &value) == NGX_OK) {
            if (key.type != NGX_HTTP_APIGW_JSON_STRING
                || ngx_http_apigw_json_string(&alloc, &key, &k) != NGX_OK)
            {
                json_decref(j);
                return NULL;
            }

            item = ngx_http_apigw_test_tree(&value);
            if (item == NULL
                || json_object_setn_new(j, (char *) k.data, k.len, item) != 0)
            {
                json_decref(j);
                return NULL;
            }
        }

        return j;
    }
}


/* 1 when the reader and jansson agree on text */

static int
ngx_http_apigw_test_agree(const char *text, size_t len, ngx_uint_t flags,
    int show)
{
    int                     same;
    char                   *a, *b;
    json_t                 *theirs, *mine;
    ngx_int_t               rc;
    ngx_str_t               in;
    const char             *err;
    json_error_t            jerr;
    ngx_http_apigw_json_t   v;

    in.data = (u_char *) text;
    in.len = len;
    err = "";

    rc = ngx_http_apigw_json_check(&alloc, &in, flags, &v, &err);
    theirs = json_loadb(text, len, JSON_DECODE_ANY
                                   | (flags ? JSON_ALLOW_NUL : 0), &jerr);

    if ((rc == NGX_OK) != (theirs != NULL)) {
        if (show) {
            printf("#   '%.*s': reader %s (%s), jansson %s (%s)\n",
                   (int) ngx_min(len, 80), text,
                   rc == NGX_OK ? "accepts" : "rejects", err,
                   theirs ? "accepts" : "rejects", jerr.text);
        }

        json_decref(theirs);
        return 0;
    }

    if (theirs == NULL) {
        return 1;
    }

    mine = ngx_http_apigw_test_tree(&v);

    a = json_dumps(theirs, JSON_ENCODE_ANY | JSON_COMPACT);
    b = mine ? json_dumps(mine, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

    same = (a && b && strcmp(a, b) == 0
            && v.start >= in.data && v.end <= in.data + len);

    if (!same && show) {
        printf("#   '%.*s': jansson reads %s, the reader %s\n",
               (int) ngx_min(len, 80), text, a, b ? b : "nothing");
    }

    free(a);
    free(b);
    json_decref(theirs);
    json_decref(mine);

    return same;
}


#define AGREE(s)                                                             \
    tap_ok(ngx_http_apigw_test_agree(s, sizeof(s) - 1, 0, 1),                \
           "as jansson: %s", #s)
#define NUL_AGREE(s)                                                         \
    tap_ok(ngx_http_apigw_test_agree(s, sizeof(s) - 1, 1, 1),                \
           "as jansson with JSON_ALLOW_NUL: %s", #s)


static void
ngx_http_apigw_test_cases(void)
{
    char        *deep;
    size_t       i, n;
    ngx_uint_t   ok;

    /* structure */
    AGREE("");
    AGREE("   ");
    AGREE("{}");
    AGREE(" { } ");
    AGREE("[]");
    AGREE("[1,]");
    AGREE("[,1]");
    AGREE("{,}");
    AGREE("{\"a\":1,}");
    AGREE("{\"a\":1 \"b\":2}");
    AGREE("[1 2]");
    AGREE("{\"a\" 1}");
    AGREE("{\"a\":}");
    AGREE("{1:2}");
    AGREE("{\"a\":1}}");
    AGREE("[1]]");
    AGREE("[1");
    AGREE("{\"a\":[1,{\"b\":null}],\"c\":\"]}\\\"\"}");
    AGREE("{\"a\":1,\"b\":2,\"a\":3}");
    AGREE("{\"a\":{\"x\":1},\"a\":[2]}");
    AGREE(" \t\r\n[\t1\r,\n2 ]\n");
    AGREE("[1]\x0b");
    AGREE("[1]\f");
    AGREE("{}\0");
    AGREE("1\0");
    AGREE("1\0\0");
    AGREE("[1\0,true\0,null\0]");
    AGREE("{\"a\":false\0}");
    AGREE("\"a\"\0");
    AGREE("[\"a\"\0]");
    AGREE("[]\0");
    AGREE("[1 \0]");
    AGREE("\xef\xbb\xbf{}");
    AGREE("1 2");

    /* literals */
    AGREE("true");
    AGREE("false");
    AGREE("null");
    AGREE("nul");
    AGREE("nulll");
    AGREE("True");
    AGREE("true1");
    AGREE("[true1]");
    AGREE("[null,false,true]");
    AGREE("NaN");
    AGREE("Infinity");

    /* numbers */
    AGREE("0");
    AGREE("-0");
    AGREE("-");
    AGREE("01");
    AGREE("-01");
    AGREE("00");
    AGREE("1.");
    AGREE("1.5");
    AGREE(".5");
    AGREE("+1");
    AGREE("1e");
    AGREE("1e+");
    AGREE("1E5");
    AGREE("1e-5");
    AGREE("1.5e+3");
    AGREE("0.1");
    AGREE("1.0");
    AGREE("0x10");
    AGREE("[1.5.3]");
    AGREE("9223372036854775807");
    AGREE("9223372036854775808");
    AGREE("-9223372036854775808");
    AGREE("-9223372036854775809");
    AGREE("99999999999999999999");
    AGREE("12345678901234567890");
    AGREE("1e308");
    AGREE("1e309");
    AGREE("-1e309");
    AGREE("1e-400");
    AGREE("1.7976931348623157e308");
    AGREE("1.7976931348623159e308");
    AGREE("0.0000000000000000000000000000000000000000000000000000001e370");
    AGREE("1000000000000000000000000000000000000000000000000000000000000000000"
          "000000000000000000000.5e240");

    /* strings */
    AGREE("\"\"");
    AGREE("\"abc\"");
    AGREE("\"a");
    AGREE("\"\\\"");
    AGREE("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"");
    AGREE("\"\\x\"");
    AGREE("\"\\'\"");
    AGREE("\"\\u0041\"");
    AGREE("\"\\u00e9\\u20AC\"");
    AGREE("\"\\u12\"");
    AGREE("\"\\u12g4\"");
    AGREE("\"\\u0000\"");
    AGREE("{\"\\u0000\":1}");
    NUL_AGREE("\"\\u0000\"");
    NUL_AGREE("[\"a\\u0000b\",{\"k\":\"\\u0000\"}]");
    NUL_AGREE("{\"\\u0000\":1}");
    NUL_AGREE("{\"a\\u0000\":1}");
    AGREE("\"\\ud800\"");
    AGREE("\"\\ud800\\udc00\"");
    AGREE("\"\\uD83D\\uDE00\"");
    AGREE("\"\\udc00\"");
    AGREE("\"\\ud800\\u0041\"");
    AGREE("\"\\ud800\\n\"");
    AGREE("\"\\ud800x\"");
    AGREE("\"\\ud800\\ud800\"");
    AGREE("\"a\x01\"");
    AGREE("\"a\nb\"");
    AGREE("\"a\tb\"");
    AGREE("\"\x7f\"");
    AGREE("\"\xc3\xa9\"");
    AGREE("\"\xc3\"");
    AGREE("\"\xc3\" ");
    AGREE("\"\xc0\xaf\"");
    AGREE("\"\xe0\x80\x80\"");
    AGREE("\"\xe0\xa0\x80\"");
    AGREE("\"\xed\x9f\xbf\"");
    AGREE("\"\xed\xa0\x80\"");
    AGREE("\"\xef\xbf\xbd\"");
    AGREE("\"\xf0\x8f\xbf\xbf\"");
    AGREE("\"\xf0\x90\x80\x80\"");
    AGREE("\"\xf4\x8f\xbf\xbf\"");
    AGREE("\"\xf4\x90\x80\x80\"");
    AGREE("\"\xf5\x80\x80\x80\"");
    AGREE("\"\xff\"");
    AGREE("\"\x80\"");
    AGREE("[\"\xe2\x82\xac\",\"\xe2\x82\"]");
    AGREE("{\"\xc3\xa9\":\"\\u00e9\"}");

    /* the depth: 2048 nested values, not 2049 */

    deep = malloc(2 * 2100 + 1);

    for (n = 2046; n <= 2049; n++) {
        for (i = 0; i < n; i++) {
            deep[i] = '[';
            deep[n + i] = ']';
        }

        ok = ngx_http_apigw_test_agree(deep, 2 * n, 0, 1);
        tap_ok(ok, "as jansson: %zu nested arrays", n);

        deep[n] = '1';

        for (i = 0; i < n; i++) {
            deep[n + 1 + i] = ']';
        }

        ok = ngx_http_apigw_test_agree(deep, 2 * n + 1, 0, 1);
        tap_ok(ok, "as jansson: a number in %zu nested arrays", n);
    }

    free(deep);
}


static void
ngx_http_apigw_test_reader(void)
{
    int64_t                      n;
    ngx_str_t                    in, s;
    ngx_uint_t                   count;
    const char                  *err;
    ngx_http_apigw_json_t        v, key, value;
    ngx_http_apigw_json_iter_t   it;

    ngx_str_set(&in, "{\"status\\u0043ode\":200, \"body\":\"a\\\"b\","
                     " \"x\":[1, {\"y\":\"]\"}], \"n\":-9223372036854775808}");

    tap_ok(ngx_http_apigw_json_check(&alloc, &in, 0, &v, &err) == NGX_OK
           && v.type == NGX_HTTP_APIGW_JSON_OBJECT, "an object");

    ngx_http_apigw_json_iter(&v, &it);
    count = 0;

    while (ngx_http_apigw_json_next(&it, &key, &value) == NGX_OK) {
        count++;

        if (ngx_http_apigw_json_is(&key, (u_char *) "statusCode", 10)) {
            tap_ok(value.type == NGX_HTTP_APIGW_JSON_INTEGER
                   && ngx_http_apigw_json_integer(&value) == 200,
                   "an escaped name read as statusCode, 200");
        }

        if (ngx_http_apigw_json_is(&key, (u_char *) "body", 4)) {
            tap_ok(ngx_http_apigw_json_string(&alloc, &value, &s) == NGX_OK
                   && s.len == 3 && memcmp(s.data, "a\"b", 3) == 0,
                   "a string with an escape, decoded");
        }

        if (ngx_http_apigw_json_is(&key, (u_char *) "x", 1)) {
            tap_ok(value.type == NGX_HTTP_APIGW_JSON_ARRAY
                   && value.end - value.start == 14,
                   "an array with a \"]\" in a string, skipped whole");
        }

        if (ngx_http_apigw_json_is(&key, (u_char *) "n", 1)) {
            n = ngx_http_apigw_json_integer(&value);
            tap_ok(n == INT64_MIN, "the smallest integer");
        }
    }

    tap_ok(count == 4, "4 members");

    ngx_str_set(&in, "\"plain\"");

    tap_ok(ngx_http_apigw_json_check(&alloc, &in, 0, &v, &err) == NGX_OK
           && ngx_http_apigw_json_string(&alloc, &v, &s) == NGX_OK
           && s.data == in.data + 1 && s.len == 5,
           "a string without escapes is not copied");

    ngx_str_set(&in, "\"\\ud83d\\ude00\\u00e9\\/\"");

    tap_ok(ngx_http_apigw_json_check(&alloc, &in, 0, &v, &err) == NGX_OK
           && ngx_http_apigw_json_string(&alloc, &v, &s) == NGX_OK
           && s.len == 7 && memcmp(s.data, "\xf0\x9f\x98\x80\xc3\xa9/", 7)
              == 0,
           "a surrogate pair and escapes, decoded");

    ngx_str_set(&in, "[ ]");

    tap_ok(ngx_http_apigw_json_check(&alloc, &in, 0, &v, &err) == NGX_OK,
           "an empty array");

    ngx_http_apigw_json_iter(&v, &it);

    tap_ok(ngx_http_apigw_json_next(&it, NULL, &value) == NGX_DECLINED,
           "an empty array has no items");

    ngx_str_set(&in, "{\"a\":1}");

    (void) ngx_http_apigw_json_check(&alloc, &in, 0, &v, &err);
    ngx_http_apigw_json_iter(&v, &it);
    (void) ngx_http_apigw_json_next(&it, &key, &value);

    tap_ok(!ngx_http_apigw_json_is(&key, (u_char *) "ab", 2)
           && !ngx_http_apigw_json_is(&key, (u_char *) "", 0)
           && ngx_http_apigw_json_is(&key, (u_char *) "a", 1),
           "names compared whole");
}


/* generated texts: valid JSON, then broken at random */

static unsigned long  ngx_http_apigw_test_seed = 12345;


static unsigned
ngx_http_apigw_test_rand(unsigned n)
{
    ngx_http_apigw_test_seed = ngx_http_apigw_test_seed * 6364136223846793005UL
                               + 1442695040888963407UL;

    return (unsigned) (ngx_http_apigw_test_seed >> 33) % n;
}


static void
ngx_http_apigw_test_gen(char *buf, size_t *len, size_t max, int depth)
{
    unsigned  i, n;

    static const char  *atoms[] = {
        "0", "-0", "1", "-12", "3.25", "1e5", "-2.5E-3", "9223372036854775807",
        "-9223372036854775808", "1e308", "true", "false", "null", "\"\"",
        "\"a\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\n\\t\\\"\"",
        "\"\xc3\xa9\"", "\"\xe2\x82\xac x\"", "\"]}\\\\\"", "\"a/b\"",
        "\"x\\u0000\""
    };

    static const char  *names[] = {
        "\"a\"", "\"b\"", "\"statusCode\"", "\"\\u0061\"", "\"\xc3\xa9\"",
        "\"\""
    };

    if (*len + 64 > max) {
        return;
    }

    switch (depth > 4 ? 0 : ngx_http_apigw_test_rand(4)) {

    case 1:
        buf[(*len)++] = '[';
        n = ngx_http_apigw_test_rand(4);

        for (i = 0; i < n; i++) {
            if (i) {
                buf[(*len)++] = ',';
            }

            if (ngx_http_apigw_test_rand(3) == 0) {
                buf[(*len)++] = ' ';
            }

            ngx_http_apigw_test_gen(buf, len, max, depth + 1);
        }

        buf[(*len)++] = ']';
        return;

    case 2:
        buf[(*len)++] = '{';
        n = ngx_http_apigw_test_rand(4);

        for (i = 0; i < n; i++) {
            if (i) {
                buf[(*len)++] = ',';
            }

            *len += sprintf(buf + *len, "%s%s:",
                            names[ngx_http_apigw_test_rand(6)],
                            ngx_http_apigw_test_rand(3) ? "" : " ");

            ngx_http_apigw_test_gen(buf, len, max, depth + 1);
        }

        buf[(*len)++] = '}';
        return;

    default:
        *len += sprintf(buf + *len, "%s", atoms[ngx_http_apigw_test_rand(23)]);
    }
}


static void
ngx_http_apigw_test_generated(void)
{
    char        buf[4096];
    json_t     *j;
    size_t      len, k;
    unsigned    i, m, at;
    ngx_uint_t  agreed, valid, shown;

    static const char  bytes[] = "{}[],:\"\\ u0123456789abcdefABCDEF.eE+-tfn"
                                 "\x00\x01\x1f\x7f\x80\xbf\xc0\xc3\xe0\xed"
                                 "\xf0\xf4\xff\n\t";

    agreed = 0;
    valid = 0;
    shown = 0;

    for (i = 0; i < 200000; i++) {
        len = 0;
        ngx_http_apigw_test_gen(buf, &len, sizeof(buf) - 8, 0);

        /* most of them broken: bytes changed, added, taken out */

        m = ngx_http_apigw_test_rand(4);

        for (k = 0; k < m && len; k++) {
            at = ngx_http_apigw_test_rand(len);

            switch (ngx_http_apigw_test_rand(3)) {

            case 0:
                buf[at] = bytes[ngx_http_apigw_test_rand(sizeof(bytes) - 1)];
                break;

            case 1:
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = bytes[ngx_http_apigw_test_rand(sizeof(bytes) - 1)];
                len++;
                break;

            default:
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
            }
        }

        if (ngx_http_apigw_test_agree(buf, len, i & 1, shown < 10)) {
            agreed++;

        } else {
            shown++;
        }

        j = json_loadb(buf, len, JSON_DECODE_ANY, NULL);

        if (j != NULL) {
            valid++;
            json_decref(j);
        }
    }

    tap_ok(agreed == 200000, "as jansson on 200000 generated texts "
           "(%lu of them valid), %lu agree", (unsigned long) valid,
           (unsigned long) agreed);
}


int
main(void)
{
    ngx_http_apigw_test_cases();
    ngx_http_apigw_test_reader();
    ngx_http_apigw_test_generated();

    ngx_http_apigw_test_free_all();

    return tap_done();
}
