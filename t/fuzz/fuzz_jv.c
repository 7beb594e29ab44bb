
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * libFuzzer target of the JSON parser (src/ngx_http_apigw_jv_parse.c),
 * against jansson's json_loadb(), whose verdict and values it must give: the
 * input is parsed by both, with and without "\u0000" allowed, and must
 * be rejected by both or give the same dump; then the module's JSON
 * text of the value is made, the same with the parsed texts it keeps
 * (ngx_http_apigw_jv_text()) and without.
 */


#include <ngx_http_apigw_jv.h>
#include <ngx_http_apigw_util.h>
#include <jansson.h>

#include <stdio.h>
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


static void
fuzz_free(block_t **head)
{
    block_t  *b;

    while (*head) {
        b = *head;
        *head = b->next;
        free(b);
    }
}


static json_t *
fuzz_to_json(ngx_http_apigw_jv_t *v)
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
        return json_stringn_nocheck(v->u.s.len ? (char *) v->u.s.data : "",
                                    v->u.s.len);
    case NGX_HTTP_APIGW_JV_ARRAY:
        j = json_array();
        for (i = 0; i < v->u.c->nelts; i++) {
            e = fuzz_to_json(&v->u.c->u.elts[i]);
            json_array_append_new(j, e);
        }
        return j;
    default:
        j = json_object();
        for (i = 0; i < v->u.c->nelts; i++) {
            e = fuzz_to_json(&v->u.c->u.members[i].val);
            json_object_setn_new_nocheck(j,
                v->u.c->u.members[i].key.len
                ? (char *) v->u.c->u.members[i].key.data : "",
                v->u.c->u.members[i].key.len, e);
        }
        return j;
    }
}


#define FUZZ_DUMP  (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17))


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                    *a, *b;
    u_char                  *copy;
    json_t                  *j, *k;
    block_t                 *arena;
    ngx_int_t                rc;
    ngx_str_t                out;
    ngx_uint_t               pass;
    json_error_t             err;
    ngx_http_apigw_jv_t      v;
    ngx_http_apigw_alloc_t   al;

    arena = NULL;
    al.alloc = fuzz_alloc;
    al.data = &arena;

    copy = fuzz_alloc(&arena, size + 1);
    memcpy(copy, data, size);

    for (pass = 0; pass < 2; pass++) {
        j = json_loadb((const char *) data, size,
                       JSON_DECODE_ANY | (pass ? 0 : JSON_ALLOW_NUL), &err);

        rc = ngx_http_apigw_jv_parse(&al, copy, size,
                                     pass ? 0 : NGX_HTTP_APIGW_JV_ALLOW_NUL,
                                     &v);

        if ((j == NULL) != (rc == NGX_DECLINED) || rc == NGX_ERROR) {
            fprintf(stderr, "verdicts differ: jansson %s, jv %d\n",
                    j ? "accepts" : err.text, (int) rc);
            abort();
        }

        if (j) {
            k = fuzz_to_json(&v);
            a = json_dumps(j, FUZZ_DUMP);
            b = json_dumps(k, FUZZ_DUMP);

            if (a == NULL || b == NULL || strcmp(a, b) != 0) {
                fprintf(stderr, "values differ:\n%s\n%s\n", a, b);
                abort();
            }

            free(a);
            free(b);
            json_decref(k);
            json_decref(j);

            if (ngx_http_apigw_util_json_dump(&al, &v, &out) != NGX_OK) {
                abort();
            }

            /* the texts kept must be what the dump writes */

            if (v.type >= NGX_HTTP_APIGW_JV_ARRAY) {
                ngx_str_t  walked;

                v.u.c->doc->changed = 1;

                if (ngx_http_apigw_util_json_dump(&al, &v, &walked) != NGX_OK
                    || walked.len != out.len
                    || memcmp(walked.data, out.data, out.len) != 0)
                {
                    fprintf(stderr, "texts differ:\n%.*s\n%.*s\n",
                            (int) out.len, out.data, (int) walked.len,
                            walked.data);
                    abort();
                }
            }
        }
    }

    fuzz_free(&arena);

    return 0;
}
