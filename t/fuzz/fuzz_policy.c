
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * libFuzzer target of the IAM policy engine on the policies Lambda
 * authorizers return.  The first byte chooses what the rest is:
 *
 *   bit 0x02 clear  a policy document, read as the Lambda authorizer
 *                   reads the result (json_loadb, JSON_DECODE_ANY;
 *                   duplicate names refused when bit 0x01 is set),
 *                   parsed, and evaluated against a method ARN and its
 *                   alias for execute-api:Invoke, with and without a
 *                   principal, its aliases and condition keys;
 *   bit 0x02 set    "pattern\nvalue" for the glob matcher, compared with
 *                   a plain dynamic-programming matcher (case-insensitive
 *                   when bit 0x01 is set, as for actions).
 *
 * Crashes, leaks, undefined behaviour, a decision that is none of the
 * three, and a glob answer other than the reference's abort.
 */


#include <ngx_http_apigw_policy.h>

#include <stdlib.h>
#include <string.h>


#define ARN    "arn:aws:execute-api:us-east-1:123456789012:abcdef123/" \
               "prod/GET/pets/1"
#define ALIAS  "execute-api:/prod/GET/pets/1"


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


static u_char
fuzz_lower(u_char c, ngx_uint_t icase)
{
    return (icase && c >= 'A' && c <= 'Z') ? (c | 0x20) : c;
}


/* m[i][j]: the pattern's first i bytes match the value's first j */

static ngx_uint_t
fuzz_match(ngx_str_t *pattern, ngx_str_t *value, ngx_uint_t icase)
{
    u_char      *m, pc;
    size_t       i, j, w;
    ngx_uint_t   r;

    w = value->len + 1;

    m = calloc((pattern->len + 1) * w, 1);
    if (m == NULL) {
        abort();
    }

    m[0] = 1;

    for (i = 1; i <= pattern->len; i++) {
        pc = pattern->data[i - 1];

        for (j = 0; j <= value->len; j++) {
            if (pc == '*') {
                m[i * w + j] = m[(i - 1) * w + j] || (j && m[i * w + j - 1]);

            } else if (j) {
                m[i * w + j] = m[(i - 1) * w + j - 1]
                               && (pc == '?'
                                   || fuzz_lower(pc, icase)
                                      == fuzz_lower(value->data[j - 1],
                                                    icase));
            }
        }
    }

    r = m[pattern->len * w + value->len];

    free(m);

    return r;
}


static void
fuzz_glob(u_char *data, size_t size, ngx_uint_t icase)
{
    u_char     *nl;
    ngx_str_t   pattern, value;

    /* at most 1024 x 1024 for the reference */

    if (size > 2048) {
        return;
    }

    nl = memchr(data, '\n', size);

    pattern.data = data;
    pattern.len = nl ? (size_t) (nl - data) : size;
    value.data = nl ? nl + 1 : data + size;
    value.len = data + size - value.data;

    if (ngx_http_apigw_policy_match(&pattern, &value, icase)
        != fuzz_match(&pattern, &value, icase))
    {
        abort();
    }
}


static void
fuzz_eval(ngx_http_apigw_policy_t *p, ngx_http_apigw_policy_request_t *req)
{
    ngx_int_t  rc;

    rc = ngx_http_apigw_policy_eval(p, req);

    if (rc != NGX_HTTP_APIGW_POLICY_IMPLICIT_DENY
        && rc != NGX_HTTP_APIGW_POLICY_ALLOW
        && rc != NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY)
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                           mode, *copy;
    json_t                          *doc;
    block_t                         *blocks, *b;
    ngx_str_t                        aliases[2];
    const char                      *err;
    ngx_http_apigw_alloc_t           a;
    ngx_http_apigw_policy_t         *p;
    ngx_http_apigw_policy_kv_t       kv[3];
    ngx_http_apigw_policy_request_t  req;

    if (size == 0) {
        return 0;
    }

    mode = data[0];

    if (mode & 0x02) {
        /* a heap copy of exactly the input: ASan sees reads past it */

        copy = malloc(size - 1 ? size - 1 : 1);
        if (copy == NULL) {
            return 0;
        }

        memcpy(copy, data + 1, size - 1);
        fuzz_glob(copy, size - 1, mode & 0x01);
        free(copy);

        return 0;
    }

    doc = json_loadb((const char *) data + 1, size - 1,
                     JSON_DECODE_ANY
                     | ((mode & 0x01) ? JSON_REJECT_DUPLICATES : 0), NULL);

    if (doc == NULL) {
        return 0;
    }

    blocks = NULL;
    a.alloc = fuzz_alloc;
    a.data = &blocks;

    err = NULL;
    p = ngx_http_apigw_policy_parse(&a, doc, &err);

    /* the policy must not point into the document */

    json_decref(doc);

    if (p == NULL) {
        if (err == NULL) {
            abort();
        }

        goto done;
    }

    /* as a Lambda authorizer's policy: no principal, no conditions */

    ngx_memzero(&req, sizeof(ngx_http_apigw_policy_request_t));

    ngx_str_set(&req.action, "execute-api:Invoke");
    ngx_str_set(&req.resource, ARN);
    ngx_str_set(&req.resource_alias, ALIAS);

    fuzz_eval(p, &req);

    /* as a resource or identity policy: a caller, condition keys */

    ngx_str_set(&req.principal,
                "arn:aws:iam::123456789012:user/Alice");
    ngx_str_set(&aliases[0], "123456789012");
    ngx_str_set(&aliases[1], "arn:aws:iam::123456789012:root");
    req.principal_aliases = aliases;
    req.nprincipal_aliases = 2;

    ngx_str_set(&kv[0].key, "aws:SourceIp");
    ngx_str_set(&kv[0].value, "10.1.2.3");
    ngx_str_set(&kv[1].key, "aws:username");
    ngx_str_set(&kv[1].value, "Alice");
    ngx_str_set(&kv[2].key, "aws:SourceVpce");
    ngx_str_set(&kv[2].value, "vpce-1a2b3c4d");
    req.context = kv;
    req.ncontext = 3;

    fuzz_eval(p, &req);

    ngx_str_set(&kv[0].value, "2001:db8::1");
    ngx_str_set(&req.action, "Execute-API:invoke");
    ngx_str_null(&req.resource_alias);

    fuzz_eval(p, &req);

    /* an address that is none: a condition on it must not match */

    ngx_str_set(&kv[0].value, "10.1.2.3.4");
    ngx_str_null(&req.principal);
    req.nprincipal_aliases = 0;

    fuzz_eval(p, &req);

done:

    while (blocks) {
        b = blocks;
        blocks = b->next;
        free(b);
    }

    return 0;
}
