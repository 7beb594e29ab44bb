
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the JSON values (src/ngx_http_apigw_jv.c, _jv_parse.c):
 * the parser against jansson's json_loadb(JSON_DECODE_ANY |
 * JSON_ALLOW_NUL), which it replaces and must agree with, on chosen
 * texts, random texts and random numbers; objects against jansson's.
 */


#include <ngx_http_apigw_jv.h>
#include <ngx_http_apigw_util.h>
#include <jansson.h>

#include <math.h>
#include <stdint.h>

#include "tap.h"
#include "arena.h"
#include "jv_jansson.h"


#define NGX_HTTP_APIGW_TEST_FLAGS                                            \
    (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17))


/*
 * 1 when both reject the text, or both accept it with the same dump
 * (members in order, reals to 17 digits and with their sign)
 */

static size_t  ngx_http_apigw_test_jansson_flags = JSON_ALLOW_NUL;


static int
ngx_http_apigw_test_same(const u_char *text, size_t len, char *why,
    size_t why_len)
{
    int                   same;
    char                 *a, *b;
    u_char               *copy;
    json_t               *j;
    ngx_int_t             rc;
    json_error_t          err;
    ngx_http_apigw_jv_t   v;

    j = json_loadb((const char *) text, len,
                   JSON_DECODE_ANY | ngx_http_apigw_test_jansson_flags, &err);

    copy = ngx_http_apigw_alloc(&alloc, len + 1);
    memcpy(copy, text, len);

    rc = ngx_http_apigw_jv_parse(&alloc, copy, len,
                                 ngx_http_apigw_test_jansson_flags
                                 ? NGX_HTTP_APIGW_JV_ALLOW_NUL : 0, &v);

    if (j == NULL || rc != NGX_OK) {
        same = (j == NULL && rc == NGX_DECLINED);
        snprintf(why, why_len, "jansson %s, jv %ld", j ? "accepts" : err.text,
                 (long) rc);
        json_decref(j);
        return same;
    }

    a = json_dumps(j, NGX_HTTP_APIGW_TEST_FLAGS);
    b = ngx_http_apigw_test_jv_dumps(&v, NGX_HTTP_APIGW_TEST_FLAGS);

    same = (a && b && strcmp(a, b) == 0);
    snprintf(why, why_len, "jansson %.60s, jv %.60s", a ? a : "?",
             b ? b : "?");

    /* the module's JSON text: the same with the texts kept and without */

    if (same && ngx_http_apigw_jv_is_cont(&v)) {
        ngx_str_t  kept, walked;

        if (ngx_http_apigw_util_json_dump(&alloc, &v, &kept) != NGX_OK) {
            same = 0;

        } else {
            v.u.c->doc->changed = 1;

            if (ngx_http_apigw_util_json_dump(&alloc, &v, &walked) != NGX_OK
                || kept.len != walked.len
                || memcmp(kept.data, walked.data, kept.len) != 0)
            {
                same = 0;
                snprintf(why, why_len, "text %.*s, dump %.*s",
                         (int) ngx_min(kept.len, 60), kept.data,
                         (int) ngx_min(walked.len, 60), walked.data);
            }
        }
    }

    free(a);
    free(b);
    json_decref(j);

    return same;
}


static const char  *ngx_http_apigw_test_texts[] = {
    "{}", "[]", "{ }", " [ ] ", "0", "-0", "1", "-1", "\"\"", "null",
    "true", "false", "  true  ", "\t\r\n1\n", "tru", "truex", "nul",
    "nulll", "True", "[true1]", "[truE]", "01", "-01", "00", "1.", ".5",
    "1.e5", "1e", "1e+", "1e-", "1E5", "1e+5", "1e-5", "-", "--1", "+1",
    "0.0", "-0.0", "0e0", "-0e0", "0e99999999999999", "1e400", "-1e400",
    "1e-400", "1.7976931348623157e308", "1.7976931348623159e308",
    "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
    "0.1", "0.2", "0.3", "1E-7", "1e300", "123456789012345678",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551616",
    "12345678901234567890123", "1234567890123456789.0",
    "0.000000000000000000000000000001", "9007199254740993",
    "9007199254740993.0", "9007199254740992.0", "9007199254740995.0",
    "1e22", "1e23", "1.5e-22", "3.14159", "-2.5E-3", "100e-2",
    "0.1e1", "123.456e7", "[1,2,3]", "[1,]", "[,1]", "[1 2]", "[1,,2]",
    "{\"a\":1}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{,}", "{\"a\":1,}",
    "{\"a\":1 \"b\":2}", "{1:2}", "{\"a\":1,\"b\":2,\"a\":3}",
    "{\"a\":1,\"a\":2,\"a\":3}", "{\"\":1,\"\":2}",
    "{\"a\":{\"b\":1},\"a\":[2]}", "\"\\u0000\"", "{\"a\\u0000\":1}",
    "{\"\\u0000\":1}", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00\"",
    "\"\\ud800\\udc00\"", "\"\\ud83d\\ude00\"", "\"\\ud800\\u0041\"",
    "\"\\ud800\\\\\"", "\"\\uD834\\uDD1E\"", "\"\\u00e9\"", "\"\\u00E9\"",
    "\"\\u12\"", "\"\\u12g4\"", "\"\\x\"", "\"\\'\"", "\"\\/\"",
    "\"\\b\\f\\n\\r\\t\\\"\\\\\"", "\"abc", "\"a\nb\"", "\"a\tb\"",
    "\"\x7f\"", "\"\xc3\xa9\"", "\"\xc3\"", "\"\xc3(\"", "\"\xe2\x82\xac\"",
    "\"\xe2\x82\"", "\"\xf0\x9f\x98\x80\"", "\"\xf4\x90\x80\x80\"",
    "\"\xed\xa0\x80\"", "\"\xe0\x80\xaf\"", "\"\xc0\xaf\"", "\"\xc1\xbf\"",
    "\"\xf5\x80\x80\x80\"", "\"\xff\"", "\"\x80\"", "\xc3\xa9",
    "[\"\xef\xbb\xbf\"]", "\xef\xbb\xbf[]", "[1]x", "[1] [2]", "{}{}",
    "[\"a\",{\"b\":[null,true,false,-1.5e3,\"\\u20ac\"]}]",
    "{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,"
    "\"k8\":8,\"k9\":9,\"k1\":10,\"k10\":11,\"k9\":12}",
    "/* c */ 1", "[1]\n", "\n", "", " ", "[\"\\u0041\\u0042\"]",
    "1 2", "[\x00]", "\x00", "[1\x00]", "-a", "-.5", "0x10", "1_000",
    "Infinity", "NaN", "-Infinity", "[-0.0,0.0,-0]", "1e-0", "1E+00",
    "[0.001]", "[0.0010]", "[0.00099]", "[9999999.99]", "[10000000.0]",
    "[1234567.0]", "[1.50]", "[1.0]", "[10.0]", "[0.5,-0.5]",
    "[123456789012345.6]", "[12345678.9012345]", "[1234567.89012345]",
    "[0.1234567890123456]", "[99999999999999.99]", "[9999999.999999999]",
    "{\"a\":[1,{\"b\":\"c\\/d\"}]}", "{\"a\":\"\\u0041\"}",
    "{\"a\":\"\\\"q\\\\\\n\"}", "[[],{},[[]],{\"\":{}}]", "[ 1]", "[1 ]",
    "{\"a\" :1}", "{\"a\": 1}", "[\"\xc3\xa9\"]", "[1,\"a\",true,null]",
    /* repeated keys of small objects: "a" and "Za" share a filter bit */
    "{\"a\":1,\"Za\":2,\"a\":3,\"Za\":4,\"Zb\":5}",
    "{\"a\":1,\"b\":2,\"a\":3,\"\":4,\"b\":5,\"\":6,\"ab\":7,\"ba\":8}",
    "{\"x\":1,\"y\":2,\"z\":3,\"x\":4}", "{\"Za\":1,\"a\":2}",
    NULL
};


static void
ngx_http_apigw_test_texts_run(void)
{
    char         why[160];
    size_t       len;
    ngx_uint_t   i, bad;

    bad = 0;

    for (i = 0; ngx_http_apigw_test_texts[i]; i++) {
        len = strlen(ngx_http_apigw_test_texts[i]);

        if (!ngx_http_apigw_test_same((const u_char *)
                                      ngx_http_apigw_test_texts[i], len,
                                      why, sizeof(why)))
        {
            bad++;
            tap_ok(0, "as jansson: '%s' (%s)", ngx_http_apigw_test_texts[i],
                   why);
        }
    }

    tap_ok(bad == 0, "%lu chosen texts parse as jansson parses them",
           (unsigned long) i);

    /* without JSON_ALLOW_NUL */

    ngx_http_apigw_test_jansson_flags = 0;
    bad = 0;

    for (i = 0; ngx_http_apigw_test_texts[i]; i++) {
        if (!ngx_http_apigw_test_same((const u_char *)
                                      ngx_http_apigw_test_texts[i],
                                      strlen(ngx_http_apigw_test_texts[i]),
                                      why, sizeof(why)))
        {
            bad++;
            tap_ok(0, "as jansson without NUL: '%s' (%s)",
                   ngx_http_apigw_test_texts[i], why);
        }
    }

    ngx_http_apigw_test_jansson_flags = JSON_ALLOW_NUL;

    tap_ok(bad == 0, "... and so without JSON_ALLOW_NUL");

    /* NUL bytes inside the text */

    tap_ok(ngx_http_apigw_test_same((const u_char *) "[1,\0]", 5, why,
                                    sizeof(why)), "a NUL byte: %s", why);
    tap_ok(ngx_http_apigw_test_same((const u_char *) "\"a\0b\"", 5, why,
                                    sizeof(why)), "a NUL byte in a string");
    tap_ok(ngx_http_apigw_test_same((const u_char *) "1\0", 2, why,
                                    sizeof(why)), "a NUL byte after a number");
    tap_ok(ngx_http_apigw_test_same((const u_char *) "[1\0]", 4, why,
                                    sizeof(why)), "... in an array");
    tap_ok(ngx_http_apigw_test_same((const u_char *) "1\0\0", 3, why,
                                    sizeof(why)), "... two of them");
    tap_ok(ngx_http_apigw_test_same((const u_char *) "[null\0,false\0]", 14,
                                    why, sizeof(why)), "... after literals");
    tap_ok(ngx_http_apigw_test_same((const u_char *) "[\"a\"\0]", 6, why,
                                    sizeof(why)), "... after a string");
    tap_ok(ngx_http_apigw_test_same((const u_char *) "{\"a\":1.5e3\0}", 11,
                                    why, sizeof(why)), "... after a real");
}


/* xorshift: the same random texts on every run */

static uint64_t  ngx_http_apigw_test_rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
ngx_http_apigw_test_rnd(void)
{
    uint64_t  x = ngx_http_apigw_test_rnd_state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ngx_http_apigw_test_rnd_state = x;

    return x;
}


static const char  *ngx_http_apigw_test_tokens[] = {
    "{", "}", "[", "]", ",", ":", " ", "\n", "\"a\"", "\"b\"", "\"\"",
    "\"\\u0000\"", "\"\\ud800\\udc00\"", "\"\\ud800\"", "\"\\n\"",
    "\"\xc3\xa9\"", "\"\xc3\"", "0", "-0", "1", "-1", "1.5", "-2.5e-3",
    "1e400", "1e-400", "9223372036854775808", "-9223372036854775808",
    "01", "1.", "true", "false", "null", "nul", "x", "\"", "\\",
    "\x80", "{\"a\":", "{\"a\":1}", "[1,2]", "\"k1\":1,", "1e5", "0.1",
    "@",    /* a NUL byte */
    NULL
};


static void
ngx_http_apigw_test_random_texts(void)
{
    char         why[160], buf[512];
    size_t       len, n;
    ngx_uint_t   i, k, ntok, bad, ntokens;

    for (ntokens = 0; ngx_http_apigw_test_tokens[ntokens]; ntokens++) {
        /* void */
    }

    bad = 0;

    for (i = 0; i < 200000; i++) {
        len = 0;
        ntok = 1 + ngx_http_apigw_test_rnd() % 12;

        for (k = 0; k < ntok; k++) {
            const char  *t;

            t = ngx_http_apigw_test_tokens[ngx_http_apigw_test_rnd()
                                           % ntokens];
            n = strlen(t);

            if (len + n >= sizeof(buf)) {
                break;
            }

            memcpy(buf + len, t, n);

            if (t[0] == '@') {
                buf[len] = '\0';
            }

            len += n;
        }

        if (!ngx_http_apigw_test_same((u_char *) buf, len, why, sizeof(why)))
        {
            if (bad++ < 10) {
                tap_ok(0, "as jansson: '%.*s' (%s)", (int) len, buf, why);
            }
        }

        if (i % 1000 == 999) {
            ngx_http_apigw_test_free_all();
        }
    }

    tap_ok(bad == 0, "200000 random texts parse as jansson parses them "
           "(%lu differ)", (unsigned long) bad);
}


/* numbers: the parsed double must be strtod()'s, bit for bit */

static void
ngx_http_apigw_test_random_numbers(void)
{
    int                   prec;
    char                  buf[64], why[160];
    double                d;
    uint64_t              bits;
    ngx_uint_t            i, bad;
    ngx_http_apigw_jv_t   v;

    bad = 0;

    for (i = 0; i < 300000; i++) {
        switch (i % 4) {

        case 0:
            /* any double */
            do {
                bits = ngx_http_apigw_test_rnd();
                memcpy(&d, &bits, sizeof(d));
            } while (!isfinite(d));
            break;

        case 1:
            /* a price: few digits */
            d = (double) (ngx_http_apigw_test_rnd() % 1000000) / 100;
            break;

        case 2:
            d = (double) (ngx_http_apigw_test_rnd() % 100000000)
                * pow(10, (int) (ngx_http_apigw_test_rnd() % 60) - 30);
            break;

        default:
            d = (double) (int64_t) ngx_http_apigw_test_rnd()
                / (double) (1 + ngx_http_apigw_test_rnd() % 1000);
            break;
        }

        prec = 1 + ngx_http_apigw_test_rnd() % 18;

        snprintf(buf, sizeof(buf),
                 (i & 8) ? "[%.*e]" : (i & 16) ? "[%.*f]" : "[%.*g]",
                 prec, d);

        if (!ngx_http_apigw_test_same((u_char *) buf, strlen(buf), why,
                                      sizeof(why)))
        {
            if (bad++ < 10) {
                tap_ok(0, "number as jansson: '%s' (%s)", buf, why);
            }
        }

        if (i % 1000 == 999) {
            ngx_http_apigw_test_free_all();
        }
    }

    tap_ok(bad == 0, "300000 random numbers parse to strtod()'s double, "
           "and are written as their text when that is Java's");

    /* an integer's digits with a fraction, on both sides of 2^53 */

    for (i = 0; i < 1000; i++) {
        snprintf(buf, sizeof(buf), "[%llu.0]",
                 (unsigned long long) ((1ULL << 53) - 500 + i));

        if (!ngx_http_apigw_test_same((u_char *) buf, strlen(buf), why,
                                      sizeof(why)))
        {
            bad++;
        }
    }

    tap_ok(bad == 0, "reals around 2^53");

    (void) v;
}


static void
ngx_http_apigw_test_depth(void)
{
    char     why[160];
    u_char  *buf;
    size_t   n, i;

    buf = malloc(2 * 2100 + 10);

    for (n = 2046; n <= 2050; n++) {
        for (i = 0; i < n; i++) {
            buf[i] = '[';
            buf[n + i] = ']';
        }

        tap_ok(ngx_http_apigw_test_same(buf, 2 * n, why, sizeof(why)),
               "%lu nested empty arrays as jansson (%s)", (unsigned long) n,
               why);

        for (i = 0; i < n; i++) {
            buf[i] = '[';
            buf[n + 1 + i] = ']';
        }

        buf[n] = '1';

        tap_ok(ngx_http_apigw_test_same(buf, 2 * n + 1, why, sizeof(why)),
               "1 in %lu nested arrays as jansson (%s)", (unsigned long) n,
               why);
    }

    free(buf);
}


/*
 * strings with escapes of every length up to 70, the escape at every
 * place, with the escapes read in the main loop and those that are not
 * ("\/", "\u", UTF-8 after an escape, a control byte), many in a text so
 * that some meet the end of a chunk's room, and each alone so that it
 * meets the end of the text: parsed as jansson does, from a parse's own
 * chunks and from a small shared chunk (as a render's)
 */

static void
ngx_http_apigw_test_escapes(void)
{
    char                        *buf, *p, *s, why[160];
    ngx_uint_t                   n, at, k, shared, bad, texts;
    ngx_http_apigw_alloc_t       arena;
    ngx_http_apigw_jv_chunks_t   ch;

    static const char  *escapes[] = {
        "\\\"", "\\n", "\\/", "\\u00e9", "\\t\xc3\xa9", "\\\\x",
        "\\\"\\\"", "\\r\x01", "\\b\xff", "\\f\\\\", "\\\"\\ud83d\\ude00"
    };

    buf = malloc(100000);
    arena = alloc;
    bad = 0;
    texts = 0;

    for (shared = 0; shared < 2; shared++) {
        for (k = 0; k < sizeof(escapes) / sizeof(escapes[0]); k++) {

            p = buf;
            *p++ = '[';

            for (n = 0; n <= 70; n++) {
                for (at = 0; at <= n; at += (n > 20 ? 7 : 1)) {

                    /* the string alone, then in the array */

                    s = p;
                    *p++ = '"';
                    memset(p, 'a' + n % 26, at);
                    p += at;
                    p += sprintf(p, "%s", escapes[k]);
                    memset(p, 'z', n - at);
                    p += n - at;
                    *p++ = '"';

                    if (shared) {
                        ngx_http_apigw_jv_chunks(&ch, &arena, 1024, &alloc);
                    }

                    texts++;

                    if (!ngx_http_apigw_test_same((u_char *) s, p - s, why,
                                                  sizeof(why)))
                    {
                        bad++;
                        tap_ok(0, "'%.*s' alone (shared %lu): %s",
                               (int) (p - s), s, (unsigned long) shared,
                               why);
                    }

                    alloc = arena;
                    *p++ = ',';
                }
            }

            p[-1] = ']';

            if (shared) {
                ngx_http_apigw_jv_chunks(&ch, &arena, 1024, &alloc);
            }

            texts++;

            if (!ngx_http_apigw_test_same((u_char *) buf, p - buf, why,
                                          sizeof(why)))
            {
                bad++;
                tap_ok(0, "strings with '%s' (shared %lu): %s", escapes[k],
                       (unsigned long) shared, why);
            }

            alloc = arena;
        }
    }

    free(buf);

    tap_ok(bad == 0, "%lu texts of strings with escapes as jansson",
           (unsigned long) texts);
}

/*
 * every prefix of texts with each kind of value, so that the text ends
 * at every place (where the parse reads its padding): as jansson
 */

static void
ngx_http_apigw_test_prefixes(void)
{
    char        why[160];
    size_t      len, n;
    ngx_uint_t  i, bad, texts;

    static const char  *whole[] = {
        "{\"customer\":{\"name\":\"Jane \\\"JD\\\" Doe\",\"email\":"
        "\"jane@example.com\"},\"note\":\"Leave at the door.\\nRing twice.\","
        "\"items\":[{\"id\":\"item-00001\",\"name\":\"Widget \\\"1\\\" / "
        "green\",\"price\":1.75,\"qty\":2,\"tags\":[\"green\",\"size-1\"],"
        "\"description\":\"A widget for the benchmark, number 1.\"}]}",
        " [ -0.5e+3 , 12345678901234567890 , true , false , null , \"\\u00e9"
        "\\ud83d\\ude00\\/\" , { \"a\" : [ ] , \"\" : { } } , 0 , -1 , "
        "1.250 , 123456789.5 , \"\xc3\xa9t\xc3\xa9\" ] ",
        "[1\0,2]"
    };

    bad = 0;
    texts = 0;

    for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
        len = (i == 2) ? 6 : strlen(whole[i]);

        for (n = 0; n <= len; n++) {
            texts++;

            if (!ngx_http_apigw_test_same((u_char *) whole[i], n, why,
                                          sizeof(why)))
            {
                bad++;
                tap_ok(0, "'%.*s' as jansson: %s", (int) n, whole[i], why);
            }
        }
    }

    tap_ok(bad == 0, "%lu prefixes of texts as jansson",
           (unsigned long) texts);
}

/* objects: set, get, del against jansson's, large enough for the index */

static void
ngx_http_apigw_test_objects(void)
{
    int                   same;
    char                  key[16], *a, *b;
    json_t               *j;
    ngx_int_t             rc;
    ngx_uint_t            i, k, bad;
    ngx_http_apigw_jv_t   v, e, *got;

    bad = 0;

    j = json_object();
    (void) ngx_http_apigw_jv_new(&alloc, NGX_HTTP_APIGW_JV_OBJECT, &v);

    for (i = 0; i < 20000; i++) {
        k = ngx_http_apigw_test_rnd() % (i < 10000 ? 3000 : 50);
        snprintf(key, sizeof(key), "k%lu", (unsigned long) k);

        switch (ngx_http_apigw_test_rnd() % 4) {

        case 0:
            json_object_del(j, key);
            (void) ngx_http_apigw_jv_object_del(v.u.c, (u_char *) key,
                                                strlen(key));
            break;

        case 1:
            got = ngx_http_apigw_jv_object_get(v.u.c, (u_char *) key,
                                               strlen(key));

            if ((got == NULL) != (json_object_get(j, key) == NULL)
                || (got
                    && got->u.i != json_integer_value(json_object_get(j, key))))
            {
                bad++;
            }

            break;

        default:
            json_object_set_new(j, key, json_integer(i));
            ngx_http_apigw_jv_set_int(&e, i);
            rc = ngx_http_apigw_jv_object_set(&alloc, v.u.c, (u_char *) key,
                                              strlen(key), &e, 1);
            if (rc != NGX_OK) {
                bad++;
            }

            break;
        }
    }

    a = json_dumps(j, JSON_COMPACT);
    b = ngx_http_apigw_test_jv_dumps(&v, JSON_COMPACT);
    same = (a && b && strcmp(a, b) == 0);

    tap_ok(bad == 0 && same, "20000 random sets, gets and deletes as "
           "jansson's (%lu lookups differ)", (unsigned long) bad);

    free(a);
    free(b);
    json_decref(j);

    /* a large parsed object: every key found, dups folded as jansson */

    {
        char    *text, *p;
        char     why[160];
        size_t   len;

        text = malloc(3000 * 24);
        p = text;
        *p++ = '{';

        for (i = 0; i < 3000; i++) {
            p += sprintf(p, "%s\"k%lu\":%lu", i ? "," : "",
                         (unsigned long) (i % 2000), (unsigned long) i);
        }

        *p++ = '}';
        len = p - text;

        tap_ok(ngx_http_apigw_test_same((u_char *) text, len, why,
                                        sizeof(why)),
               "3000 members, 1000 repeated, as jansson");

        (void) ngx_http_apigw_test_jv(&alloc, "{}", &v);

        p = ngx_http_apigw_alloc(&alloc, len);
        memcpy(p, text, len);
        rc = ngx_http_apigw_jv_parse(&alloc, (u_char *) p, len,
                                     NGX_HTTP_APIGW_JV_ALLOW_NUL, &v);

        bad = (rc != NGX_OK || v.u.c->nelts != 2000);

        for (i = 0; !bad && i < 2000; i++) {
            snprintf(key, sizeof(key), "k%lu", (unsigned long) i);
            got = ngx_http_apigw_jv_object_get(v.u.c, (u_char *) key,
                                               strlen(key));
            bad = (got == NULL
                   || got->u.i != (int64_t) (i < 1000 ? i + 2000 : i));
        }

        tap_ok(!bad, "... and each key found with its last value");

        free(text);
    }
}


int
main(void)
{
    ngx_http_apigw_test_texts_run();
    ngx_http_apigw_test_random_texts();
    ngx_http_apigw_test_random_numbers();
    ngx_http_apigw_test_depth();
    ngx_http_apigw_test_escapes();
    ngx_http_apigw_test_prefixes();
    ngx_http_apigw_test_objects();

    ngx_http_apigw_test_free_all();

    return tap_done();
}
