
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * libFuzzer target of the VTL engine: parses the input as a template and
 * renders it with a fixed environment.  An input "template\0body" also
 * sets the body.  Limits are small so that each run stays fast.
 */


#include <ngx_http_apigw_vtl.h>

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


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t                      *params, *context, *stage;
    block_t                     *arena;
    ngx_str_t                    src, out;
    const uint8_t               *nul;
    ngx_http_apigw_vtl_t        *tpl;
    ngx_http_apigw_alloc_t       a;
    ngx_http_apigw_vtl_env_t     env;
    ngx_http_apigw_vtl_error_t   err;

    arena = NULL;
    a.alloc = fuzz_alloc;
    a.data = &arena;

    memset(&env, 0, sizeof(env));

    nul = memchr(data, '\0', size);

    src.data = (u_char *) data;
    src.len = nul ? (size_t) (nul - data) : size;

    if (nul) {
        env.body.data = (u_char *) nul + 1;
        env.body.len = size - src.len - 1;

    } else {
        ngx_str_set(&env.body, "{\"a\":[1,2.5,{\"b\":\"c\"}],\"s\":\"x'y\","
                               "\"n\":null,\"t\":true}");
    }

    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);

    if (tpl != NULL) {
        params = json_pack("{s{ss}s{ss}s{ss}}", "path", "id", "7",
                           "querystring", "q", "a b", "header", "Accept",
                           "*/*");
        context = json_pack("{ss s{ss s{ss}}}", "stage", "prod", "authorizer",
                            "principalId", "u", "claims", "sub", "x");
        stage = json_pack("{ss}", "v", "1");

        env.params = params;
        env.context = context;
        env.stage_variables = stage;
        env.max_output = 65536;
        env.max_iterations = 2000;
        env.max_depth = 16;
        env.max_memory = 8 * 1024 * 1024;
        env.null_literal = size & 1;

        (void) ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err);

        json_decref(params);
        json_decref(context);
        json_decref(stage);
    }

    fuzz_free(&arena);

    return 0;
}
