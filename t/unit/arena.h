
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The unit tests' allocator: an arena whose blocks are all freed at the
 * end, as a pool would be.
 */


#ifndef _NGX_HTTP_APIGW_ARENA_H_INCLUDED_
#define _NGX_HTTP_APIGW_ARENA_H_INCLUDED_


#include <stdlib.h>


typedef struct ngx_http_apigw_test_block_s  ngx_http_apigw_test_block_t;

struct ngx_http_apigw_test_block_s {
    ngx_http_apigw_test_block_t  *next;
    void                         *pad;
};


static ngx_http_apigw_test_block_t  *ngx_http_apigw_test_blocks;


static void *
ngx_http_apigw_test_alloc(void *data, size_t size)
{
    ngx_http_apigw_test_block_t  *b;

    b = malloc(sizeof(ngx_http_apigw_test_block_t) + size);
    if (b == NULL) {
        return NULL;
    }

    b->next = ngx_http_apigw_test_blocks;
    ngx_http_apigw_test_blocks = b;

    return b + 1;
}


static void
ngx_http_apigw_test_free_all(void)
{
    ngx_http_apigw_test_block_t  *b;

    while (ngx_http_apigw_test_blocks) {
        b = ngx_http_apigw_test_blocks;
        ngx_http_apigw_test_blocks = b->next;
        free(b);
    }
}


static ngx_http_apigw_alloc_t  alloc = { ngx_http_apigw_test_alloc, NULL };


#endif /* _NGX_HTTP_APIGW_ARENA_H_INCLUDED_ */
