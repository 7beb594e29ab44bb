
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * libFuzzer target of the SigV4 engine on what clients send, taking the
 * IAM authorizer's steps (src/ngx_http_apigw_iam_auth.c).  The input is a
 * mode byte, then lines:
 *
 *   Authorization header value
 *   X-Amz-Date (or Date) header value
 *   method
 *   request target: path[?query]
 *   Name:value        (the request's headers, any number)
 *
 * The header is parsed with the date and without it, the query as a
 * presigned one; each auth that parses is checked (AWS's test-suite
 * clock, region and service, 15 minutes of skew, and again without
 * clock or scope), and one that passes is verified with the suite's
 * secret, the signing key derived by the engine or given as a cache
 * would.  The request is also signed and presigned as an integration
 * would send it (with a date of the gateway's own), and the date line
 * read as an HTTP Date.  Mode bits: 0x01 the Date line converted
 * first, as iam_date() does; 0x04 S3 rules; 0x08 UNSIGNED-PAYLOAD;
 * 0x10 a cached signing key.
 *
 * Crashes, leaks, undefined behaviour, and an NGX_DECLINED without AWS's
 * error type abort.
 */


#include <ngx_http_apigw_sigv4.h>

#include <stdlib.h>
#include <string.h>


#define TEST_AK      "AKIDEXAMPLE"
#define TEST_SK      "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TEST_DATE    "20150830T123600Z"
#define TEST_NOW     1440938160          /* 2015-08-30T12:36:00Z */
#define TEST_SKEW    900
#define MAX_HEADERS  64


typedef struct block_s  block_t;

struct block_s {
    block_t  *next;
};


static ngx_str_t  region = ngx_string("us-east-1");
static ngx_str_t  service = ngx_string("service");


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
fuzz_declined(ngx_int_t rc, ngx_http_apigw_sigv4_error_t *err)
{
    if (rc == NGX_DECLINED && (err->type.len == 0 || err->message.len == 0))
    {
        abort();
    }

    if (rc != NGX_OK && rc != NGX_DECLINED) {
        abort();
    }
}


static void
fuzz_auth(ngx_http_apigw_alloc_t *a, ngx_http_apigw_sigv4_request_t *req,
    ngx_http_apigw_sigv4_auth_t *auth, ngx_str_t *amz_date, u_char mode)
{
    u_char                               key[NGX_HTTP_APIGW_SIGV4_KEY_LEN];
    ngx_int_t                            rc;
    ngx_str_t                            secret;
    ngx_http_apigw_sigv4_error_t         err;
    ngx_http_apigw_sigv4_credentials_t   cred;

    rc = ngx_http_apigw_sigv4_check(a, auth, auth->presigned ? NULL : amz_date,
                                    &region, &service, TEST_NOW, TEST_SKEW,
                                    &err);
    fuzz_declined(rc, &err);

    /* no clock, any scope: what passes goes on to the signature */

    rc = ngx_http_apigw_sigv4_check(a, auth, auth->presigned ? NULL : amz_date,
                                    NULL, NULL, 0, TEST_SKEW, &err);
    fuzz_declined(rc, &err);

    if (rc != NGX_OK) {
        return;
    }

    req->amz_date = *amz_date;
    req->region = auth->region;
    req->service = auth->service;

    ngx_memzero(&cred, sizeof(ngx_http_apigw_sigv4_credentials_t));

    cred.access_key = auth->access_key;
    cred.secret_key.data = (u_char *) TEST_SK;
    cred.secret_key.len = sizeof(TEST_SK) - 1;

    if (mode & 0x10) {
        secret = cred.secret_key;
        ngx_http_apigw_sigv4_signing_key(&secret, &auth->date, &auth->region,
                                         &auth->service, key);
        cred.signing_key = key;
    }

    rc = ngx_http_apigw_sigv4_verify(a, req, auth, &cred, &err);
    fuzz_declined(rc, &err);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                              mode, *p, *last, *nl, *colon, *q;
    u_char                              iso[16];
    block_t                            *blocks, *b;
    ngx_int_t                           rc;
    ngx_str_t                           line[4], amz_date, out, canonical;
    ngx_str_t                           names, sts;
    ngx_uint_t                          n;
    ngx_http_apigw_alloc_t              a;
    ngx_http_apigw_sigv4_auth_t         auth;
    ngx_http_apigw_sigv4_error_t        err;
    ngx_http_apigw_sigv4_header_t       headers[MAX_HEADERS];
    ngx_http_apigw_sigv4_request_t      req;
    ngx_http_apigw_sigv4_credentials_t  cred;

    if (size == 0) {
        return 0;
    }

    blocks = NULL;
    a.alloc = fuzz_alloc;
    a.data = &blocks;

    mode = data[0];
    p = (u_char *) data + 1;
    last = (u_char *) data + size;

    /* the four lines, then headers */

    for (n = 0; n < 4; n++) {
        nl = memchr(p, '\n', last - p);

        line[n].data = p;
        line[n].len = (nl ? nl : last) - p;

        p = nl ? nl + 1 : last;
    }

    ngx_memzero(&req, sizeof(ngx_http_apigw_sigv4_request_t));

    req.method = line[2];
    req.path = line[3];

    q = memchr(line[3].data, '?', line[3].len);

    if (q) {
        req.path.len = q - line[3].data;
        req.query.data = q + 1;
        req.query.len = line[3].data + line[3].len - q - 1;
    }

    n = 0;

    while (p < last && n < MAX_HEADERS) {
        nl = memchr(p, '\n', last - p);
        if (nl == NULL) {
            nl = last;
        }

        colon = memchr(p, ':', nl - p);

        headers[n].name.data = p;
        headers[n].name.len = (colon ? colon : nl) - p;
        headers[n].value.data = colon ? colon + 1 : nl;
        headers[n].value.len = nl - headers[n].value.data;
        n++;

        p = (nl < last) ? nl + 1 : last;
    }

    req.headers = headers;
    req.nheaders = n;
    req.flags = (mode & 0x04) ? NGX_HTTP_APIGW_SIGV4_S3 : 0;

    if (mode & 0x08) {
        ngx_str_set(&req.payload_hash, NGX_HTTP_APIGW_SIGV4_UNSIGNED);

    } else {
        ngx_str_set(&req.payload_hash, NGX_HTTP_APIGW_SIGV4_EMPTY_SHA256);
    }

    /* the date line: X-Amz-Date, or a Date header made one */

    amz_date = line[1];

    rc = ngx_http_apigw_sigv4_http_date(&line[1], iso);

    if (rc == NGX_OK && (mode & 0x01)) {
        amz_date.data = iso;
        amz_date.len = sizeof(iso);
    }

    /* the Authorization header, with and without a date */

    if (line[0].len) {
        rc = ngx_http_apigw_sigv4_parse_authorization(&a, &line[0],
                                              amz_date.len ? &amz_date : NULL,
                                              &auth, &err);
        fuzz_declined(rc, &err);

        if (rc == NGX_OK) {
            fuzz_auth(&a, &req, &auth, &amz_date, mode);
        }

        rc = ngx_http_apigw_sigv4_parse_authorization(&a, &line[0], NULL,
                                                      &auth, &err);
        fuzz_declined(rc, &err);
    }

    /* the query as a presigned one */

    rc = ngx_http_apigw_sigv4_parse_query(&a, &req.query, &auth, &err);

    if (rc != NGX_DECLINED || err.type.len) {
        fuzz_declined(rc, &err);
    }

    if (rc == NGX_OK) {
        if (!auth.presigned) {
            abort();
        }

        fuzz_auth(&a, &req, &auth, &amz_date, mode);
    }

    /*
     * the request signed as an integration sends it: the gateway's date,
     * the client's path, query and headers
     */

    req.flags &= ~NGX_HTTP_APIGW_SIGV4_PRESIGNED;
    ngx_str_set(&req.amz_date, TEST_DATE);
    ngx_str_null(&req.date);
    req.region = region;
    req.service = service;

    rc = ngx_http_apigw_sigv4_canonical_request(&a, &req, NULL, &canonical,
                                                &names);
    if (rc != NGX_OK
        || ngx_http_apigw_sigv4_string_to_sign(&a, &req, &canonical, &sts)
           != NGX_OK)
    {
        abort();
    }

    ngx_memzero(&cred, sizeof(ngx_http_apigw_sigv4_credentials_t));
    ngx_str_set(&cred.access_key, TEST_AK);
    ngx_str_set(&cred.secret_key, TEST_SK);

    if (ngx_http_apigw_sigv4_sign(&a, &req, line[0].len ? &line[0] : NULL,
                                  &cred, &out)
        != NGX_OK
        || ngx_http_apigw_sigv4_presign(&a, &req, NULL, &cred, 3600, &out)
           != NGX_OK)
    {
        abort();
    }

    while (blocks) {
        b = blocks;
        blocks = b->next;
        free(b);
    }

    return 0;
}
