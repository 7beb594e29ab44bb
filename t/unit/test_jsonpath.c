
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the JSONPath engine.
 */


#include <ngx_http_apigw_jsonpath.h>
#include "tap.h"
#include "arena.h"
#include "jv_jansson.h"


#define BOOK0                                                                \
    "{\"category\":\"reference\",\"author\":\"Nigel Rees\","                 \
    "\"title\":\"Sayings of the Century\",\"price\":8.95}"
#define BOOK1                                                                \
    "{\"category\":\"fiction\",\"author\":\"Evelyn Waugh\","                 \
    "\"title\":\"Sword of Honour\",\"price\":12.99}"
#define BOOK2                                                                \
    "{\"category\":\"fiction\",\"author\":\"Herman Melville\","              \
    "\"title\":\"Moby Dick\",\"isbn\":\"0-553-21311-3\",\"price\":8.99}"
#define BOOK3                                                                \
    "{\"category\":\"fiction\",\"author\":\"J. R. R. Tolkien\","             \
    "\"title\":\"The Lord of the Rings\",\"isbn\":\"0-395-19395-8\","        \
    "\"price\":22.99}"
#define BOOKS  "[" BOOK0 "," BOOK1 "," BOOK2 "," BOOK3 "]"
#define BICYCLE  "{\"color\":\"red\",\"price\":19.95}"
#define STORE                                                                \
    "{\"store\":{\"book\":" BOOKS ",\"bicycle\":" BICYCLE "},"               \
    "\"expensive\":10}"

#define DIGITS  "[0,1,2,3,4,5,6,7,8,9]"


/* "(none)" stands for a NULL result, "(error)" for NGX_ERROR */

static char *
ngx_http_apigw_test_run(json_t *doc, const char *path, const char **err,
    size_t *pos)
{
    char                       *s;
    ngx_str_t                   p;
    ngx_int_t                   rc;
    ngx_http_apigw_jv_t         root, result;
    ngx_http_apigw_jsonpath_t  *jp;

    p.data = (u_char *) path;
    p.len = strlen(path);

    *err = NULL;

    jp = ngx_http_apigw_jsonpath_compile(&alloc, &p, err, pos);
    if (jp == NULL) {
        return strdup("(compile error)");
    }

    if (ngx_http_apigw_test_from_json(&alloc, doc, &root) != NGX_OK) {
        return strdup("(no memory)");
    }

    rc = ngx_http_apigw_jsonpath_eval(jp, &alloc, &root, &result);

    if (rc == NGX_DECLINED) {
        return strdup("(none)");
    }

    if (rc != NGX_OK) {
        return strdup("(error)");
    }

    s = ngx_http_apigw_test_jv_dumps(&result, JSON_COMPACT
                                              | JSON_REAL_PRECISION(15));

    return s;
}


static void
ngx_http_apigw_test_path(const char *json, const char *path,
    const char *expected)
{
    char          *got;
    size_t         pos;
    json_t        *doc;
    const char    *err;
    json_error_t   error;

    doc = json_loads(json, JSON_DECODE_ANY, &error);
    if (doc == NULL) {
        tap_ok(0, "%s: bad test document: %s", path, error.text);
        return;
    }

    got = ngx_http_apigw_test_run(doc, path, &err, &pos);

    tap_is(got, strlen(got), expected, strlen(expected), "%s", path);

    if (err && strcmp(got, expected) != 0) {
        printf("#   compile error: %s at %d\n", err, (int) pos);
    }

    free(got);
    json_decref(doc);
}


static void
ngx_http_apigw_test_error(const char *path, const char *expected,
    size_t expected_pos)
{
    size_t                      pos;
    ngx_str_t                   p;
    const char                 *err;
    ngx_http_apigw_jsonpath_t  *jp;

    p.data = (u_char *) path;
    p.len = strlen(path);

    err = NULL;
    pos = (size_t) -1;

    jp = ngx_http_apigw_jsonpath_compile(&alloc, &p, &err, &pos);

    tap_ok(jp == NULL && err != NULL && strcmp(err, expected) == 0
           && pos == expected_pos,
           "error in %s: %s at %d", path, expected, (int) expected_pos);

    if (jp != NULL || err == NULL || strcmp(err, expected) != 0
        || pos != expected_pos)
    {
        printf("#   got: %s at %d\n", err ? err : "no error", (int) pos);
    }
}


#define T(doc, path, expected)                                               \
    ngx_http_apigw_test_path(doc, path, expected)

#define E(path, err, pos)                                                    \
    ngx_http_apigw_test_error(path, err, pos)


static void
ngx_http_apigw_test_bookstore(void)
{
    /* Goessner's examples */

    T(STORE, "$.store.book[*].author",
      "[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\","
      "\"J. R. R. Tolkien\"]");
    T(STORE, "$..author",
      "[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\","
      "\"J. R. R. Tolkien\"]");
    T(STORE, "$.store.*", "[" BOOKS "," BICYCLE "]");
    T(STORE, "$.store..price", "[8.95,12.99,8.99,22.99,19.95]");
    T(STORE, "$..book[2]", "[" BOOK2 "]");
    T(STORE, "$..book[(@.length-1)]", "[" BOOK3 "]");
    T(STORE, "$..book[-1:]", "[" BOOK3 "]");
    T(STORE, "$..book[0,1]", "[" BOOK0 "," BOOK1 "]");
    T(STORE, "$..book[:2]", "[" BOOK0 "," BOOK1 "]");
    T(STORE, "$..book[?(@.isbn)]", "[" BOOK2 "," BOOK3 "]");
    T(STORE, "$..book[?(@.price<10)]", "[" BOOK0 "," BOOK2 "]");
    T(STORE, "$..*.length()", "28");
    T(STORE, "$..book[?(@.price <= $['expensive'])]",
      "[" BOOK0 "," BOOK2 "]");

    /* definite paths */

    T(STORE, "$", STORE);
    T(STORE, "$.store.bicycle.color", "\"red\"");
    T(STORE, "$.store.book[0].title", "\"Sayings of the Century\"");
    T(STORE, "$['store']['bicycle']['price']", "19.95");
    T(STORE, "$[\"store\"][\"book\"][0][\"author\"]", "\"Nigel Rees\"");
    T(STORE, "$.store.book[-1].title", "\"The Lord of the Rings\"");
    T(STORE, "$.store.book[-4].author", "\"Nigel Rees\"");
    T(STORE, "$.expensive", "10");
    T(STORE, "$.store.bicycle", BICYCLE);
    T(STORE, "$.missing", "(none)");
    T(STORE, "$.store.missing.deeper", "(none)");
    T(STORE, "$.store.book[10]", "(none)");
    T(STORE, "$.store.book[-5]", "(none)");
    T(STORE, "$.store.book.author", "(none)");
    T(STORE, "$.store[0]", "(none)");

    /* without "$" */

    T(STORE, "store.bicycle.color", "\"red\"");
    T(STORE, ".store.bicycle.color", "\"red\"");
    T(STORE, "['store']['bicycle']", BICYCLE);
    T(STORE, "..isbn", "[\"0-553-21311-3\",\"0-395-19395-8\"]");
    T(STORE, "", STORE);
    T(STORE, "  $.expensive  ", "10");
    T(STORE, "@.expensive", "10");

    /* filters */

    T(STORE,
      "$.store.book[?(@.category == 'fiction' && @.price > 20)].title",
      "[\"The Lord of the Rings\"]");
    T(STORE, "$.store.book[?(@.category == \"reference\")].author",
      "[\"Nigel Rees\"]");
    T(STORE, "$.store.book[?(!(@.price < 10) || @.author == 'Nigel Rees')]"
             ".price",
      "[8.95,12.99,22.99]");
    T(STORE, "$.store.book[?(@.isbn && @.price < 10)].title",
      "[\"Moby Dick\"]");
    T(STORE, "$.store.book[?(!@.isbn)].title",
      "[\"Sayings of the Century\",\"Sword of Honour\"]");
    T(STORE, "$.store.book[?(@.price > $.expensive)].title",
      "[\"Sword of Honour\",\"The Lord of the Rings\"]");
    T(STORE, "$.store.book[?(@.title.length > 15)].title",
      "[\"Sayings of the Century\",\"The Lord of the Rings\"]");
    T(STORE, "$.store.book[?(@.price >= 12.99 && @.price <= 22.99)].price",
      "[12.99,22.99]");
    T(STORE, "$.store.book[?@.isbn].isbn",
      "[\"0-553-21311-3\",\"0-395-19395-8\"]");
    T(STORE, "$.store.book[?(@['category'] != 'fiction')].title",
      "[\"Sayings of the Century\"]");

    /* Jayway: a filter on an object tests the object itself */

    T(STORE, "$.store.bicycle[?(@.color == 'red')]", "[" BICYCLE "]");
    T(STORE, "$.store.bicycle[?(@.color == 'blue')]", "[]");

    /* under "..", each node once */

    T(STORE, "$..[?(@.price > 19)]", "[" BICYCLE "," BOOK3 "]");

    /* unions and functions */

    T(STORE, "$.store.bicycle['color','price']", "[\"red\",19.95]");
    T(STORE, "$..['color','isbn']",
      "[\"0-553-21311-3\",\"0-395-19395-8\",\"red\"]");
    T(STORE, "$.store.book[*]['author']",
      "[\"Nigel Rees\",\"Evelyn Waugh\",\"Herman Melville\","
      "\"J. R. R. Tolkien\"]");
    T(STORE, "$.store.book.length()", "4");
    T(STORE, "$.store.book[*].length()", "4");
    T(STORE, "$..book.length()", "1");
    T(STORE, "$.store.bicycle.length()", "2");
    T(STORE, "$.store.bicycle.color.length()", "3");
    T(STORE, "$.expensive.length()", "(none)");
    T(STORE, "$['length()']", "(none)");
}


static void
ngx_http_apigw_test_slices(void)
{
    T(DIGITS, "$[1:3]", "[1,2]");
    T(DIGITS, "$[::2]", "[0,2,4,6,8]");
    T(DIGITS, "$[::-1]", "[9,8,7,6,5,4,3,2,1,0]");
    T(DIGITS, "$[-3:]", "[7,8,9]");
    T(DIGITS, "$[5:1:-2]", "[5,3]");
    T(DIGITS, "$[1:8:3]", "[1,4,7]");
    T(DIGITS, "$[::-3]", "[9,6,3,0]");
    T(DIGITS, "$[100:]", "[]");
    T(DIGITS, "$[:-100]", "[]");
    T(DIGITS, "$[-100:2]", "[0,1]");
    T(DIGITS, "$[8:100:-1]", "[]");
    T(DIGITS, "$[ 2 : 4 ]", "[2,3]");
    T(DIGITS, "$[:]", "[0,1,2,3,4,5,6,7,8,9]");
    T(DIGITS, "$[-9223372036854775808:9223372036854775807:"
              "9223372036854775807]", "[0]");
    T(DIGITS, "$[9223372036854775807::-9223372036854775808]", "[9]");
    T(DIGITS, "$[0,2,-1]", "[0,2,9]");
    T(DIGITS, "$[0,0]", "[0,0]");
    T(DIGITS, "$[0,1:3,*]", "[0,1,2,0,1,2,3,4,5,6,7,8,9]");
    T(DIGITS, "$[-1]", "9");
    T(DIGITS, "$[10]", "(none)");
    T(DIGITS, "$[-11]", "(none)");
    T(DIGITS, "$[-9223372036854775808]", "(none)");
    T("{\"a\":1}", "$[0:1]", "[]");
}


static void
ngx_http_apigw_test_filters(void)
{
    const char  *mixed;

    mixed = "[1,\"1\",true,null,{\"a\":1},[1],1.0,2.5]";

    T(mixed, "$[?(@ == 1)]", "[1,1.0]");
    T(mixed, "$[?(@ == '1')]", "[\"1\"]");
    T(mixed, "$[?(@ == true)]", "[true]");
    T(mixed, "$[?(@ == false)]", "[]");
    T(mixed, "$[?(@ == null)]", "[null]");
    T(mixed, "$[?(@ > 1)]", "[2.5]");
    T(mixed, "$[?(@ >= 1)]", "[1,1.0,2.5]");
    T(mixed, "$[?(@ != 1)]", "[\"1\",true,null,{\"a\":1},[1],2.5]");
    T(mixed, "$[?(@.a == 1)]", "[{\"a\":1}]");
    T(mixed, "$[?(@[0] == 1)]", "[[1]]");
    T(mixed, "$[?(@ == 1e0)]", "[1,1.0]");

    T("[\"a\",\"b\",\"c\",\"ab\",\"\"]", "$[?(@ < 'b')]",
      "[\"a\",\"ab\",\"\"]");
    T("[\"a\",\"b\",\"c\",\"ab\"]", "$[?(@ >= 'b')]", "[\"b\",\"c\"]");

    T("[{\"a\":null},{\"b\":1}]", "$[?(@.a)]", "[{\"a\":null}]");
    T("[{\"a\":null},{\"b\":1}]", "$[?(@.a == null)]", "[{\"a\":null}]");
    T("[{\"a\":null},{\"b\":1}]", "$[?(@.a != 1)]",
      "[{\"a\":null},{\"b\":1}]");
    T("[{\"a\":null},{\"b\":1}]", "$[?(@.a == @.c)]", "[{\"b\":1}]");

    T("[{\"tags\":[\"x\",\"y\"]},{\"tags\":[\"y\"]}]",
      "$[?(@.tags[?(@ == 'x')])]", "[{\"tags\":[\"x\",\"y\"]}]");

    T("{\"ref\":{\"x\":[1,2]},"
      "\"items\":[{\"a\":{\"x\":[1,2.0]}},{\"a\":{\"x\":[2,1]}}]}",
      "$.items[?(@.a == $.ref)]", "[{\"a\":{\"x\":[1,2.0]}}]");

    T("[{\"a\":[1,2]},{\"a\":[3]}]", "$[?(@.a[*] == [1,2])]",
      "(compile error)");
    T("[{\"a\":[1,2]},{\"a\":[3]}]", "$[?(@.a[*] == $[0].a)]",
      "[{\"a\":[1,2]}]");

    T("[[1],[1,2],\"ab\",\"a\",{\"x\":1,\"y\":2}]", "$[?(@.length() > 1)]",
      "[[1,2],\"ab\",{\"x\":1,\"y\":2}]");
    T("[[1],[1,2],{\"length\":5}]", "$[?(@.length > 1)]",
      "[[1,2],{\"length\":5}]");

    T("[9007199254740993,9007199254740992]", "$[?(@ == 9007199254740993)]",
      "[9007199254740993]");
    T("[-2,-1,0]", "$[?(@ > -1.5e0)]", "[-1,0]");
    T("[{\"a\":\"x\"}]", "$[?(@.a == 'x' || @.missing.deeper == 1)]",
      "[{\"a\":\"x\"}]");
    T("[{\"a\":\"x\"}]", "$[?((((@.a == 'x'))))]", "[{\"a\":\"x\"}]");
    T("[{\"a\":\"x\"}]", "$[?(!!@.a)]", "[{\"a\":\"x\"}]");
    T("[1,2,3]", "$[?(@ > 1 && @ < 3 || @ == 1)]", "[1,2]");
    T("[1,2,3]", "$[?(@ == 3 || @ > 1 && @ < 3)]", "[2,3]");
    T("[\"\\u00e9\",\"e\"]", "$[?(@ == '\\u00e9')]", "[\"\xc3\xa9\"]");
}


static void
ngx_http_apigw_test_names(void)
{
    const char  *doc;

    doc = "{\"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\":{\"\xc3\xa9\":1},"
          "\"my-key\":2,\"a b\":3,\"a.b\":4,\"it's\":5,\"\":6,"
          "\"q\\\"\":7,\"x\":{\"a.b\":8}}";

    T(doc, "$.\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87.\xc3\xa9", "1");
    T(doc, "$['\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87']['\xc3\xa9']", "1");
    T(doc, "$['\\u043a\\u043b\\u044e\\u0447']", "{\"\xc3\xa9\":1}");
    T(doc, "$.my-key", "2");
    T(doc, "$.a b", "3");
    T(doc, "$['a.b']", "4");
    T(doc, "$.x['a.b']", "8");
    T(doc, "$['it\\'s']", "5");
    T(doc, "$[\"it's\"]", "5");
    T(doc, "$['']", "6");
    T(doc, "$['q\"']", "7");
    T(doc, "$[\"q\\\"\"]", "7");
    T(doc, "$.*", "[{\"\xc3\xa9\":1},2,3,4,5,6,7,{\"a.b\":8}]");

    T("{\"\xf0\x9f\x98\x80\":1}", "$['\\ud83d\\ude00']", "1");
    T("{\"a\":{\"b\":{\"c\":1}}}", "$.a.b.c", "1");
    T("{\"a\":{\"b\":{\"c\":1}}}", "$.a['b'].c", "1");
    T("{\"a\":{\"b\":{\"c\":1}}}", "$.a.['b']", "{\"c\":1}");
}


static void
ngx_http_apigw_test_edges(void)
{
    T("[]", "$[*]", "[]");
    T("[]", "$[0]", "(none)");
    T("[]", "$[-1]", "(none)");
    T("[]", "$..*", "[]");
    T("[]", "$[?(@)]", "[]");
    T("[]", "$[::-1]", "[]");
    T("{}", "$.*", "[]");
    T("5", "$.a", "(none)");
    T("5", "$[*]", "[]");
    T("\"str\"", "$", "\"str\"");
    T("null", "$", "null");
    T("null", "$..a", "[]");
    T("{\"a\":{\"b\":1},\"c\":[2,3]}", "$..*", "[{\"b\":1},[2,3],1,2,3]");
    T("{\"a\":{\"b\":1},\"c\":[2,3]}", "$..[0]", "[2]");
    T("[[1,[2]],[3]]", "$..[0]", "[[1,[2]],1,2,3]");
    T("{\"a\":[{\"a\":1}]}", "$..a", "[[{\"a\":1}],1]");
}


static void
ngx_http_apigw_test_errors(void)
{
    char  long_path[NGX_HTTP_APIGW_JSONPATH_MAX_LEN + 16], *p;
    int   i;

    E("$.", "name, '*' or '[' expected", 2);
    E("$..", "name, '*' or '[' expected", 3);
    E("$...a", "name, '*' or '[' expected", 3);
    E("$[", "selector expected", 2);
    E("$[]", "selector expected", 2);
    E("$['a", "unterminated string", 2);
    E("$[0", "']' expected", 3);
    E("$[0 1]", "',' or ']' expected", 4);
    E("$x", "'.' or '[' expected", 1);
    E("$['a']b", "'.' or '[' expected", 6);
    E("$[?(@.a == )]", "operand expected", 11);
    E("$[?(@.a = 1)]", "unsupported operator", 8);
    E("$[?(@.a =~ /x/)]", "unsupported operator", 8);
    E("$[?(@.a < 1]", "')' expected", 11);
    E("$[?(1)]", "comparison operator expected", 5);
    E("$[?(@.a == trueish)]", "operand expected", 11);
    E("$[1:2:0]", "slice step cannot be zero", 6);
    E("$[99999999999999999999]", "number out of range", 2);
    E("$[-]", "integer expected", 3);
    E("$['\\x']", "invalid escape", 3);
    E("$['\\ud800']", "invalid \\u escape", 3);
    E("$['\\u12']", "invalid \\u escape", 3);
    E("$.a.min()", "unsupported function", 4);
    E("$[?(@.length().a)]", "length() must end the path", 14);
    E("$[?(@.a.max() > 1)]", "unsupported function", 8);
    E("$..length()", "length() after '..'", 3);
    E("$[(@.length+1)]", "only (@.length-n) scripts are supported", 2);
    E("$[(@.length-0)]", "only (@.length-n) scripts are supported", 2);
    E("$[a]", "selector expected", 2);
    E("$[?(@.a == 1) && ]", "operand expected", 17);
    E("$[?(@.a == 1) & @.b]", "',' or ']' expected", 14);
    E("$[?(@.a == 1 && )]", "operand expected", 16);

    /* nesting */

    p = long_path;
    p += sprintf(p, "$");

    for (i = 0; i < 40; i++) {
        p += sprintf(p, "[?(@");
    }

    E(long_path, "filters nested too deeply", 1 + 16 * 4 + 1);

    p = long_path;
    p += sprintf(p, "$[?(");

    for (i = 0; i < 40; i++) {
        *p++ = '!';
    }

    sprintf(p, "@.a)]");

    E(long_path, "filter nested too deeply", 4 + 30);

    /* length */

    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[0] = '$';
    long_path[1] = '.';
    long_path[sizeof(long_path) - 1] = '\0';

    E(long_path, "path too long", NGX_HTTP_APIGW_JSONPATH_MAX_LEN);

    p = long_path;
    p += sprintf(p, "$");

    for (i = 0; i < NGX_HTTP_APIGW_JSONPATH_MAX_SEGMENTS + 1; i++) {
        p += sprintf(p, ".a");
    }

    E(long_path, "too many path segments",
      1 + NGX_HTTP_APIGW_JSONPATH_MAX_SEGMENTS * 2);
}


static void
ngx_http_apigw_test_limits(void)
{
    int                         i;
    char                       *got;
    size_t                      pos;
    json_t                     *doc, *inner;
    ngx_str_t                   p;
    ngx_int_t                   rc;
    const char                 *err;
    ngx_http_apigw_jv_t         root, result, *a;
    ngx_http_apigw_jsonpath_t  *jp;

    /* 5000 nested arrays, deeper than jansson parses */

    doc = json_integer(42);

    for (i = 0; i < 5000; i++) {
        inner = json_array();
        json_array_append_new(inner, doc);
        doc = inner;
    }

    got = ngx_http_apigw_test_run(doc, "$..*.length()", &err, &pos);
    tap_is(got, strlen(got), "5000", 4, "5000 nested arrays: $..*");
    free(got);

    got = ngx_http_apigw_test_run(doc, "$..[0].length()", &err, &pos);
    tap_is(got, strlen(got), "5000", 4, "5000 nested arrays: $..[0]");
    free(got);

    got = ngx_http_apigw_test_run(doc, "$..[?(@ == 42)]", &err, &pos);
    tap_is(got, strlen(got), "[42]", 4, "5000 nested arrays: filter");
    free(got);

    got = ngx_http_apigw_test_run(doc, "$..[?(@ == 41)]", &err, &pos);
    tap_is(got, strlen(got), "[]", 2, "5000 nested arrays: no match");
    free(got);

    /* quadratic: exceeds the step limit */

    got = ngx_http_apigw_test_run(doc, "$..*..*", &err, &pos);
    tap_is(got, strlen(got), "(error)", 7, "5000 nested arrays: $..*..*");
    free(got);

    json_decref(doc);

    /* the match limit */

    doc = json_array();

    for (i = 0; i < NGX_HTTP_APIGW_JSONPATH_MAX_MATCHES + 10; i++) {
        json_array_append_new(doc, json_integer(i));
    }

    got = ngx_http_apigw_test_run(doc, "$[*]", &err, &pos);
    tap_is(got, strlen(got), "(error)", 7, "more matches than the limit");
    free(got);

    got = ngx_http_apigw_test_run(doc, "$[10:].length()", &err, &pos);
    tap_is(got, strlen(got), "100000", 6, "as many matches as the limit");
    free(got);

    got = ngx_http_apigw_test_run(doc, "$[-1]", &err, &pos);
    tap_is(got, strlen(got), "100009", 6, "a definite path in a big array");
    free(got);

    json_decref(doc);

    /* a NULL root; definiteness */

    p.data = (u_char *) "$.a";
    p.len = 3;
    jp = ngx_http_apigw_jsonpath_compile(&alloc, &p, &err, &pos);

    rc = ngx_http_apigw_jsonpath_eval(jp, &alloc, NULL, &result);
    tap_ok(rc == NGX_DECLINED, "NULL root, definite path");
    tap_ok(ngx_http_apigw_jsonpath_is_definite(jp), "$.a is definite");

    p.data = (u_char *) "$..a";
    p.len = 4;
    jp = ngx_http_apigw_jsonpath_compile(&alloc, &p, &err, &pos);

    rc = ngx_http_apigw_jsonpath_eval(jp, &alloc, NULL, &result);
    tap_ok(rc == NGX_OK && result.type == NGX_HTTP_APIGW_JV_ARRAY
           && result.u.c->nelts == 0, "NULL root, indefinite path");
    tap_ok(!ngx_http_apigw_jsonpath_is_definite(jp), "$..a is indefinite");

    p.data = (u_char *) "$.a[0]['b'][-1]";
    p.len = strlen((char *) p.data);
    jp = ngx_http_apigw_jsonpath_compile(&alloc, &p, &err, &pos);
    tap_ok(ngx_http_apigw_jsonpath_is_definite(jp),
           "$.a[0]['b'][-1] is definite");

    p.data = (u_char *) "$.a['b','c']";
    p.len = strlen((char *) p.data);
    jp = ngx_http_apigw_jsonpath_compile(&alloc, &p, &err, &pos);
    tap_ok(!ngx_http_apigw_jsonpath_is_definite(jp),
           "$.a['b','c'] is indefinite");

    /* the result is the document's own object, not a copy */

    (void) ngx_http_apigw_test_jv(&alloc, "{\"a\":{\"b\":1}}", &root);

    p.data = (u_char *) "$.a";
    p.len = 3;
    jp = ngx_http_apigw_jsonpath_compile(&alloc, &p, &err, &pos);

    rc = ngx_http_apigw_jsonpath_eval(jp, &alloc, &root, &result);
    a = ngx_http_apigw_jv_object_get(root.u.c, (u_char *) "a", 1);
    tap_ok(rc == NGX_OK && result.type == NGX_HTTP_APIGW_JV_OBJECT
           && a != NULL && result.u.c == a->u.c,
           "the result is the document's object");
}


int
main(void)
{
    ngx_http_apigw_test_bookstore();
    ngx_http_apigw_test_slices();
    ngx_http_apigw_test_filters();
    ngx_http_apigw_test_names();
    ngx_http_apigw_test_edges();
    ngx_http_apigw_test_errors();
    ngx_http_apigw_test_limits();

    ngx_http_apigw_test_free_all();

    return tap_done();
}
