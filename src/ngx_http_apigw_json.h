
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * A JSON reader without a tree, for a text read once (a Lambda
 * function's result): one pass checks the text as jansson's json_loadb()
 * with JSON_DECODE_ANY does, so that what jansson rejects is rejected
 * here too (syntax, ill-formed UTF-8, "\u0000", lone surrogates, integers
 * beyond 64 bits, reals beyond a double, more than 2048 levels); then
 * values are found and read in place, strings without escapes without a
 * copy.  Objects behave as jansson's: of a repeated name the last value
 * counts.  A pure engine (see docs/dev/engines.md).
 */


#ifndef _NGX_HTTP_APIGW_JSON_H_INCLUDED_
#define _NGX_HTTP_APIGW_JSON_H_INCLUDED_


#include <ngx_http_apigw_engine.h>


/* jansson's JSON_PARSER_MAX_DEPTH: the values nested in each other */
#define NGX_HTTP_APIGW_JSON_MAX_DEPTH  2048

/* the longest name ngx_http_apigw_json_is() compares with */
#define NGX_HTTP_APIGW_JSON_MAX_NAME   64


typedef enum {
    NGX_HTTP_APIGW_JSON_NULL = 0,
    NGX_HTTP_APIGW_JSON_FALSE,
    NGX_HTTP_APIGW_JSON_TRUE,
    NGX_HTTP_APIGW_JSON_INTEGER,
    NGX_HTTP_APIGW_JSON_REAL,
    NGX_HTTP_APIGW_JSON_STRING,
    NGX_HTTP_APIGW_JSON_ARRAY,
    NGX_HTTP_APIGW_JSON_OBJECT
} ngx_http_apigw_json_type_e;


/* a value of a checked text: its type and its text (a string's quotes too) */
typedef struct {
    ngx_http_apigw_json_type_e      type;
    u_char                         *start;
    u_char                         *end;
    ngx_uint_t                      escaped;  /* a string with escapes */
} ngx_http_apigw_json_t;


/* the members of an object, or the items of an array, one by one */
typedef struct {
    u_char                         *pos;
    u_char                         *end;
    ngx_uint_t                      object;
} ngx_http_apigw_json_iter_t;


/* as jansson's JSON_ALLOW_NUL: "\u0000" in strings, not in names */
#define NGX_HTTP_APIGW_JSON_ALLOW_NUL  0x01

/*
 * checks text and gives its value: NGX_OK; NGX_DECLINED where jansson
 * fails, with *err saying why; NGX_ERROR on allocation failure (a copy
 * of a long real number, to check it with strtod())
 */
ngx_int_t ngx_http_apigw_json_check(ngx_http_apigw_alloc_t *a,
    ngx_str_t *text, ngx_uint_t flags, ngx_http_apigw_json_t *value,
    const char **err);

/* the functions below read values of a checked text */

void ngx_http_apigw_json_iter(ngx_http_apigw_json_t *container,
    ngx_http_apigw_json_iter_t *it);

/* the next member (key: its name, a string) or item; NGX_DECLINED: none */
ngx_int_t ngx_http_apigw_json_next(ngx_http_apigw_json_iter_t *it,
    ngx_http_apigw_json_t *key, ngx_http_apigw_json_t *value);

/* a string's value; the text itself when it has no escapes */
ngx_int_t ngx_http_apigw_json_string(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_json_t *s, ngx_str_t *out);

/* a string equals name (at most NGX_HTTP_APIGW_JSON_MAX_NAME bytes) */
ngx_uint_t ngx_http_apigw_json_is(ngx_http_apigw_json_t *s, u_char *name,
    size_t len);

/* an integer's value, a real's (NGX_ERROR on allocation failure) */
int64_t ngx_http_apigw_json_integer(ngx_http_apigw_json_t *v);
ngx_int_t ngx_http_apigw_json_real(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_json_t *v, double *d);


#endif /* _NGX_HTTP_APIGW_JSON_H_INCLUDED_ */
