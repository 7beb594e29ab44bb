
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The unit tests' bridge between jansson and the engines' JSON values:
 * test documents are written as JSON text or built with jansson, results
 * compared as jansson values and dumps.
 */


#ifndef _NGX_HTTP_APIGW_JV_JANSSON_H_INCLUDED_
#define _NGX_HTTP_APIGW_JV_JANSSON_H_INCLUDED_


#include <ngx_http_apigw_jv.h>
#include <jansson.h>


/* a new jansson reference for a value (NULL: no memory) */

static __attribute__((unused)) json_t *
ngx_http_apigw_test_to_json(ngx_http_apigw_jv_t *v)
{
    json_t      *j, *e;
    ngx_uint_t   i;

    switch (v->type) {

    case NGX_HTTP_APIGW_JV_NULL:
        return json_null();

    case NGX_HTTP_APIGW_JV_TRUE:
        return json_true();

    case NGX_HTTP_APIGW_JV_FALSE:
        return json_false();

    case NGX_HTTP_APIGW_JV_INTEGER:
        return json_integer(v->u.i);

    case NGX_HTTP_APIGW_JV_REAL:
        return json_real(v->u.d);

    case NGX_HTTP_APIGW_JV_STRING:
        return json_stringn_nocheck((char *) (v->u.s.len ? v->u.s.data
                                                         : (u_char *) ""),
                                    v->u.s.len);

    case NGX_HTTP_APIGW_JV_ARRAY:
        j = json_array();

        for (i = 0; j && i < v->u.c->nelts; i++) {
            e = ngx_http_apigw_test_to_json(&v->u.c->u.elts[i]);

            if (e == NULL || json_array_append_new(j, e) != 0) {
                json_decref(j);
                return NULL;
            }
        }

        return j;

    default:
        j = json_object();

        for (i = 0; j && i < v->u.c->nelts; i++) {
            /* a key twice in an object of the module is a bug: no dump */

            if (json_object_getn(j,
                    (char *) (v->u.c->u.members[i].key.len
                              ? v->u.c->u.members[i].key.data
                              : (u_char *) ""),
                    v->u.c->u.members[i].key.len)
                != NULL)
            {
                json_decref(j);
                return NULL;
            }

            e = ngx_http_apigw_test_to_json(&v->u.c->u.members[i].val);

            if (e == NULL
                || json_object_setn_new_nocheck(j,
                       (char *) (v->u.c->u.members[i].key.len
                                 ? v->u.c->u.members[i].key.data
                                 : (u_char *) ""),
                       v->u.c->u.members[i].key.len, e)
                   != 0)
            {
                json_decref(j);
                return NULL;
            }
        }

        return j;
    }
}


/* a value from a jansson one, in the tests' arena */

static __attribute__((unused)) ngx_int_t
ngx_http_apigw_test_from_json(ngx_http_apigw_alloc_t *a, json_t *j,
    ngx_http_apigw_jv_t *v)
{
    size_t                key_len;
    json_t               *e;
    ngx_uint_t            i;
    const char           *key;
    ngx_http_apigw_jv_t   ev;

    switch (json_typeof(j)) {

    case JSON_NULL:
        v->type = NGX_HTTP_APIGW_JV_NULL;
        return NGX_OK;

    case JSON_TRUE:
        v->type = NGX_HTTP_APIGW_JV_TRUE;
        return NGX_OK;

    case JSON_FALSE:
        v->type = NGX_HTTP_APIGW_JV_FALSE;
        return NGX_OK;

    case JSON_INTEGER:
        v->type = NGX_HTTP_APIGW_JV_INTEGER;
        v->u.i = json_integer_value(j);
        return NGX_OK;

    case JSON_REAL:
        v->type = NGX_HTTP_APIGW_JV_REAL;
        v->u.d = json_real_value(j);
        return NGX_OK;

    case JSON_STRING:
        v->type = NGX_HTTP_APIGW_JV_STRING;
        v->u.s.len = json_string_length(j);
        v->u.s.data = ngx_http_apigw_alloc(a, v->u.s.len + 1);
        if (v->u.s.data == NULL) {
            return NGX_ERROR;
        }

        memcpy(v->u.s.data, json_string_value(j), v->u.s.len);
        return NGX_OK;

    case JSON_ARRAY:
        if (ngx_http_apigw_jv_new(a, NGX_HTTP_APIGW_JV_ARRAY, v) != NGX_OK) {
            return NGX_ERROR;
        }

        json_array_foreach(j, i, e) {
            if (ngx_http_apigw_test_from_json(a, e, &ev) != NGX_OK
                || ngx_http_apigw_jv_array_append(a, v->u.c, &ev) != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        return NGX_OK;

    default:
        if (ngx_http_apigw_jv_new(a, NGX_HTTP_APIGW_JV_OBJECT, v) != NGX_OK) {
            return NGX_ERROR;
        }

        json_object_keylen_foreach(j, key, key_len, e) {
            if (ngx_http_apigw_test_from_json(a, e, &ev) != NGX_OK
                || ngx_http_apigw_jv_object_set(a, v->u.c, (u_char *) key,
                                                key_len, &ev, 1)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        return NGX_OK;
    }
}


/* JSON text as a value (NGX_DECLINED: not JSON) */

static __attribute__((unused)) ngx_int_t
ngx_http_apigw_test_jv(ngx_http_apigw_alloc_t *a, const char *text,
    ngx_http_apigw_jv_t *v)
{
    size_t   len;
    u_char  *p;

    len = strlen(text);

    /* a copy of its own: parsed strings point into it */

    p = ngx_http_apigw_alloc(a, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    memcpy(p, text, len + 1);

    return ngx_http_apigw_jv_parse(a, p, len, NGX_HTTP_APIGW_JV_ALLOW_NUL, v);
}


/* the compact dump of a value by jansson, malloc()ed; NULL: no memory */

static __attribute__((unused)) char *
ngx_http_apigw_test_jv_dumps(ngx_http_apigw_jv_t *v, size_t flags)
{
    char    *s;
    json_t  *j;

    j = ngx_http_apigw_test_to_json(v);
    if (j == NULL) {
        return NULL;
    }

    s = json_dumps(j, flags | JSON_ENCODE_ANY);
    json_decref(j);

    return s;
}


#endif /* _NGX_HTTP_APIGW_JV_JANSSON_H_INCLUDED_ */
