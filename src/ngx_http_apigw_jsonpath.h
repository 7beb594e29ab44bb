
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * JSONPath for $input.json(x) and $input.path(x): a pure engine over
 * the engines' JSON values, ngx_http_apigw_jv_t (see docs/dev/engines.md).
 *
 * Syntax: $ (root; a path without it is relative to the root), .name,
 * ['name'] / ["name"] (with JSON escapes and \'), [n], [-n], [*], .*,
 * ..name, ..*, ..[n], slices [start:end:step] (Python semantics),
 * unions [0,2] / ['a','b'], filters [?(expr)] and the Goessner script
 * index [(@.length-n)]; a trailing length() gives a count.  In filters:
 * @ and $ paths, literals (numbers, 'strings', "strings", true, false,
 * null), == != < <= > >=, &&, ||, !, parentheses, existence tests, and
 * .length of an array or string, or length().
 *
 * Semantics follow Jayway JsonPath, which API Gateway names as its
 * JSONPath: a filter on an object tests the object itself, a name on an
 * array selects nothing.
 */


#ifndef _NGX_HTTP_APIGW_JSONPATH_H_INCLUDED_
#define _NGX_HTTP_APIGW_JSONPATH_H_INCLUDED_


#include <ngx_http_apigw_engine.h>
#include <ngx_http_apigw_jv.h>


/* limits: a crafted path or body cannot blow up a worker */

#define NGX_HTTP_APIGW_JSONPATH_MAX_LEN        4096   /* path bytes */
#define NGX_HTTP_APIGW_JSONPATH_MAX_SEGMENTS   128    /* per path */
#define NGX_HTTP_APIGW_JSONPATH_MAX_SELECTORS  128    /* per bracket */
#define NGX_HTTP_APIGW_JSONPATH_MAX_NESTING    32     /* filters, ( ), ! */
#define NGX_HTTP_APIGW_JSONPATH_MAX_MATCHES    100000 /* per node list */
#define NGX_HTTP_APIGW_JSONPATH_MAX_STEPS      2000000 /* per evaluation */


typedef struct ngx_http_apigw_jsonpath_s  ngx_http_apigw_jsonpath_t;


/*
 * compile once; on error returns NULL and sets *err to a static message
 * and *pos to the offending offset in path
 */
ngx_http_apigw_jsonpath_t *ngx_http_apigw_jsonpath_compile(
    ngx_http_apigw_alloc_t *a, ngx_str_t *path, const char **err,
    size_t *pos);

/*
 * evaluate against root (NULL: no document); returns NGX_OK with *result
 * set (the matched value itself, so that its containers are the
 * document's; a new array from a for several matches), or NGX_DECLINED
 * when nothing matches:
 * - a definite path ($, .name, ['name'], [n]) gives the single matched
 *   value, or NGX_DECLINED when nothing matches;
 * - an indefinite path (wildcards, .., slices, unions, filters) gives a
 *   JSON array of all matches, possibly empty;
 * - a path ending in length() gives an integer: the length of the
 *   array, object or string a definite path matches (NGX_DECLINED
 *   otherwise), or the number of matches of an indefinite path.
 * NGX_ERROR only on allocation failure or limits exceeded.
 */
ngx_int_t ngx_http_apigw_jsonpath_eval(ngx_http_apigw_jsonpath_t *jp,
    ngx_http_apigw_alloc_t *a, ngx_http_apigw_jv_t *root,
    ngx_http_apigw_jv_t *result);

/* 1 if the path gives a single value (see above), 0 if an array */
ngx_uint_t ngx_http_apigw_jsonpath_is_definite(ngx_http_apigw_jsonpath_t *jp);


#endif /* _NGX_HTTP_APIGW_JSONPATH_H_INCLUDED_ */
