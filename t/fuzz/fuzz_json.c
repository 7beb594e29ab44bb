
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * libFuzzer target of the JSON reader, against jansson: the reader must
 * accept exactly what json_loadb(JSON_DECODE_ANY) accepts (with
 * JSON_ALLOW_NUL when the input's first byte is odd) and read the same
 * values; and $util's JSON escaping of the input must be json_dumps()'s
 * when the input is well-formed UTF-8.  Any difference aborts.
 */


#include <jansson.h>
#include <ngx_http_apigw_json.h>
#include <ngx_http_apigw_util.h>

#include <stdlib.h>
#include <string.h>


typedef struct block_s  block_t;

struct block_s {
    block_t  *next;
};


static void *
fuzz_alloc(void *data, size_t size)
{
    block_t  **head = data, *b;

    b = malloc(sizeof(block_t) + 16 + size);
    if (b == NULL) {
        return NULL;
    }

    b->next = *head;
    *head = b;

    return (u_char *) b + 16;
}


static json_t *
fuzz_tree(ngx_http_apigw_alloc_t *a, ngx_http_apigw_json_t *v)
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
        if (ngx_http_apigw_json_real(a, v, &d) != NGX_OK) {
            abort();
        }

        return json_real(d);

    case NGX_HTTP_APIGW_JSON_STRING:
        if (ngx_http_apigw_json_string(a, v, &s) != NGX_OK) {
            abort();
        }

        return json_stringn((char *) s.data, s.len);

    case NGX_HTTP_APIGW_JSON_ARRAY:
        j = json_array();
        ngx_http_apigw_json_iter(v, &it);

        while (ngx_http_apigw_json_next(&it, NULL, &value) == NGX_OK) {
            item = fuzz_tree(a, &value);
            if (item == NULL || json_array_append_new(j, item) != 0) {
                abort();
            }
        }

        return j;

    default:
        j = json_object();
        ngx_http_apigw_json_iter(v, &it);

        while (ngx_http_apigw_json_next(&it, &key, &value) == NGX_OK) {
            if (ngx_http_apigw_json_string(a, &key, &k) != NGX_OK) {
                abort();
            }

            item = fuzz_tree(a, &value);
            if (item == NULL
                || json_object_setn_new(j, (char *) k.data, k.len, item) != 0)
            {
                abort();
            }
        }

        return j;
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                    *x, *y;
    json_t                  *theirs, *mine, *s;
    block_t                 *blocks, *b;
    ngx_int_t                rc;
    ngx_str_t                in, out;
    ngx_uint_t               flags;
    const char              *err;
    ngx_http_apigw_json_t    v;
    ngx_http_apigw_alloc_t   a;

    blocks = NULL;
    a.alloc = fuzz_alloc;
    a.data = &blocks;

    in.data = (u_char *) data;
    in.len = size;

    flags = (size && (data[0] & 1)) ? NGX_HTTP_APIGW_JSON_ALLOW_NUL : 0;

    rc = ngx_http_apigw_json_check(&a, &in, flags, &v, &err);
    theirs = json_loadb((const char *) data, size,
                        JSON_DECODE_ANY | (flags ? JSON_ALLOW_NUL : 0), NULL);

    if ((rc == NGX_OK) != (theirs != NULL)) {
        abort();
    }

    if (theirs) {
        mine = fuzz_tree(&a, &v);

        x = json_dumps(theirs, JSON_ENCODE_ANY | JSON_COMPACT);
        y = json_dumps(mine, JSON_ENCODE_ANY | JSON_COMPACT);

        if (x == NULL || y == NULL || strcmp(x, y) != 0) {
            abort();
        }

        free(x);
        free(y);
        json_decref(mine);
        json_decref(theirs);
    }

    /* the escaping of the whole input as one string */

    s = json_stringn((const char *) data, size);

    if (s) {
        x = json_dumps(s, JSON_ENCODE_ANY);

        if (ngx_http_apigw_util_json_quote(&a, &in, &out) != NGX_OK
            || x == NULL || out.len != strlen(x)
            || memcmp(out.data, x, out.len) != 0)
        {
            abort();
        }

        free(x);
        json_decref(s);
    }

    while (blocks) {
        b = blocks;
        blocks = b->next;
        free(b);
    }

    return 0;
}
