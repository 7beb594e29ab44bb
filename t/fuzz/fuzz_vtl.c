
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
    block_t                     *arena;
    ngx_str_t                    src, out;
    const uint8_t               *nul;
    ngx_http_apigw_vtl_t        *tpl;
    ngx_http_apigw_alloc_t       a;
    ngx_http_apigw_vtl_env_t     env;
    ngx_http_apigw_jv_t          params, context, stage;
    ngx_http_apigw_vtl_error_t   err;

    static u_char  params_text[] =
        "{\"path\":{\"id\":\"7\"},\"querystring\":{\"q\":\"a b\"},"
        "\"header\":{\"Accept\":\"*/*\"}}";
    static u_char  context_text[] =
        "{\"stage\":\"prod\",\"authorizer\":{\"principalId\":\"u\","
        "\"claims\":{\"sub\":\"x\"}}}";
    static u_char  stage_text[] = "{\"v\":\"1\"}";

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

    if (tpl != NULL
        && ngx_http_apigw_jv_parse(&a, params_text, sizeof(params_text) - 1,
                                   0, &params) == NGX_OK
        && ngx_http_apigw_jv_parse(&a, context_text, sizeof(context_text) - 1,
                                   0, &context) == NGX_OK
        && ngx_http_apigw_jv_parse(&a, stage_text, sizeof(stage_text) - 1, 0,
                                   &stage) == NGX_OK)
    {
        env.params = &params;
        env.context = &context;
        env.stage_variables = &stage;
        env.max_output = 65536;
        env.max_iterations = 2000;
        env.max_depth = 16;
        env.max_memory = 8 * 1024 * 1024;
        env.null_literal = size & 1;

        (void) ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err);
    }

    fuzz_free(&arena);

    return 0;
}
