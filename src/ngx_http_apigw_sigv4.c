
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * AWS Signature Version 4 (see ngx_http_apigw_sigv4.h).
 *
 * Canonical request:
 *
 *     METHOD \n URI \n QUERY \n (name:value \n)* \n SIGNED;HEADERS \n HASH
 *
 * URI: dot segments and empty segments removed, then every byte but the
 * unreserved ones and '/' percent-encoded, '%' included: a path that
 * arrives encoded is encoded a second time, as the SDKs do for every
 * service but S3.  With NGX_HTTP_APIGW_SIGV4_S3 the path is only decoded
 * and encoded once.  QUERY: parameters decoded and encoded again (RFC 3986,
 * uppercase hex), sorted by name then value.  Headers: names lowercased,
 * values trimmed, runs of blanks collapsed, folded lines and repeated
 * headers joined with ','.
 */


#include "ngx_http_apigw_sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>


typedef struct {
    ngx_str_t                       name;
    ngx_str_t                       value;
} ngx_http_apigw_sigv4_pair_t;


typedef struct {
    ngx_str_t                      *name;
    ngx_str_t                      *value;
} ngx_http_apigw_sigv4_qparam_t;


static ngx_int_t ngx_http_apigw_sigv4_canonical_uri(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *uri);
static ngx_int_t ngx_http_apigw_sigv4_canonical_query(
    ngx_http_apigw_alloc_t *a, ngx_str_t *query, ngx_uint_t flags,
    ngx_str_t *out);
static ngx_int_t ngx_http_apigw_sigv4_canonical_headers(
    ngx_http_apigw_alloc_t *a, ngx_http_apigw_sigv4_request_t *req,
    ngx_str_t *filter, ngx_str_t *headers, ngx_str_t *signed_headers);
static ngx_int_t ngx_http_apigw_sigv4_assemble(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *uri, ngx_str_t *query,
    ngx_str_t *headers, ngx_str_t *signed_headers, ngx_str_t *canonical);
static ngx_int_t ngx_http_apigw_sigv4_signature_of(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *canonical,
    ngx_http_apigw_sigv4_credentials_t *cred, ngx_str_t *sts, u_char *sig);
static ngx_str_t *ngx_http_apigw_sigv4_scope_date(
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *date);

static size_t ngx_http_apigw_sigv4_normalize_value(u_char *dst,
    u_char *src, size_t len);
static ngx_int_t ngx_http_apigw_sigv4_has_name(ngx_str_t *names,
    ngx_uint_t n, u_char *name, size_t len);
static int ngx_http_apigw_sigv4_cmp_str(const void *one, const void *two);
static int ngx_http_apigw_sigv4_cmp_qparam(const void *one, const void *two);
static ngx_int_t ngx_http_apigw_sigv4_str_cmp(ngx_str_t *s1, ngx_str_t *s2);
static ngx_int_t ngx_http_apigw_sigv4_strcaseeq(u_char *s1, size_t len1,
    u_char *s2, size_t len2);

static u_char *ngx_http_apigw_sigv4_encode(u_char *dst, u_char *src,
    size_t len, ngx_uint_t keep_slash);
static u_char *ngx_http_apigw_sigv4_decode(u_char *dst, u_char *src,
    size_t len, ngx_uint_t plus);
static ngx_int_t ngx_http_apigw_sigv4_unhex(u_char c);
static u_char *ngx_http_apigw_sigv4_hex(u_char *dst, const u_char *src,
    size_t len);
static ngx_int_t ngx_http_apigw_sigv4_hmac(const u_char *key, size_t key_len,
    const u_char *data, size_t len, u_char *out);

static ngx_int_t ngx_http_apigw_sigv4_split_credential(
    ngx_http_apigw_sigv4_auth_t *auth);
static ngx_int_t ngx_http_apigw_sigv4_error(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_error_t *err, const char *type, ngx_str_t *parts,
    ngx_uint_t n);
static ngx_int_t ngx_http_apigw_sigv4_hash_b64(ngx_str_t *header,
    u_char *out);
static ngx_int_t ngx_http_apigw_sigv4_parse_amz_date(ngx_str_t *date,
    time_t *t);
static u_char *ngx_http_apigw_sigv4_format_time(u_char *p, time_t t);
static time_t ngx_http_apigw_sigv4_timegm(ngx_int_t year, ngx_int_t month,
    ngx_int_t day, ngx_int_t hour, ngx_int_t min, ngx_int_t sec);


#define ngx_http_apigw_sigv4_digit(c)  ((c) >= '0' && (c) <= '9')

#define ngx_http_apigw_sigv4_lc(c)                                           \
    (u_char) (((c) >= 'A' && (c) <= 'Z') ? ((c) | 0x20) : (c))

#define ngx_http_apigw_sigv4_blank(c)  ((c) == ' ' || (c) == '\t')

/* an empty ngx_str_t may have NULL data, which memcpy() must not get */
#define ngx_http_apigw_sigv4_cpy(p, s)                                       \
    ((s)->len ? ngx_cpymem(p, (s)->data, (s)->len) : (p))


static ngx_str_t  ngx_http_apigw_sigv4_algorithm =
    ngx_string(NGX_HTTP_APIGW_SIGV4_ALGORITHM);
static ngx_str_t  ngx_http_apigw_sigv4_terminator =
    ngx_string(NGX_HTTP_APIGW_SIGV4_TERMINATOR);
static ngx_str_t  ngx_http_apigw_sigv4_empty_hash =
    ngx_string(NGX_HTTP_APIGW_SIGV4_EMPTY_SHA256);

static const char  ngx_http_apigw_sigv4_incomplete[] =
    "IncompleteSignatureException";
static const char  ngx_http_apigw_sigv4_invalid[] =
    "InvalidSignatureException";

static const char  ngx_http_apigw_sigv4_mismatch[] =
    "The request signature we calculated does not match the signature "
    "you provided. Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details.";


void
ngx_http_apigw_sigv4_sha256_hex(const u_char *data, size_t len, u_char *out)
{
    u_char        md[EVP_MAX_MD_SIZE];
    unsigned int  n;

    n = 0;

    if (EVP_Digest(data, len, md, &n, ngx_http_apigw_sigv4_md(), NULL) != 1
        || n != 32)
    {
        ngx_memzero(md, 32);
    }

    ngx_http_apigw_sigv4_hex(out, md, 32);
}


void
ngx_http_apigw_sigv4_sha256_hex_parts(ngx_str_t *parts, ngx_uint_t n,
    u_char *out)
{
    u_char        md[EVP_MAX_MD_SIZE];
    ngx_uint_t    i;
    EVP_MD_CTX   *ctx;
    unsigned int  len;

    len = 0;
    ctx = EVP_MD_CTX_new();

    if (ctx == NULL
        || EVP_DigestInit_ex(ctx, ngx_http_apigw_sigv4_md(), NULL) != 1)
    {
        goto failed;
    }

    for (i = 0; i < n; i++) {
        if (parts[i].len
            && EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) != 1)
        {
            goto failed;
        }
    }

    if (EVP_DigestFinal_ex(ctx, md, &len) != 1 || len != 32) {
        goto failed;
    }

    EVP_MD_CTX_free(ctx);
    ngx_http_apigw_sigv4_hex(out, md, 32);

    return;

failed:

    /* a hash no body has: the signature cannot match */

    EVP_MD_CTX_free(ctx);
    ngx_memzero(md, 32);
    ngx_http_apigw_sigv4_hex(out, md, 32);
}


ngx_int_t
ngx_http_apigw_sigv4_canonical_request(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *signed_headers_filter,
    ngx_str_t *canonical, ngx_str_t *signed_headers)
{
    ngx_str_t  uri, query, headers, names;

    if (ngx_http_apigw_sigv4_canonical_uri(a, req, &uri) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_sigv4_canonical_query(a, &req->query, req->flags,
                                             &query)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_sigv4_canonical_headers(a, req, signed_headers_filter,
                                               &headers, &names)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (signed_headers) {
        *signed_headers = names;
    }

    return ngx_http_apigw_sigv4_assemble(a, req, &uri, &query, &headers,
                                         &names, canonical);
}


ngx_int_t
ngx_http_apigw_sigv4_string_to_sign(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *canonical,
    ngx_str_t *sts)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   date, *d;

    d = ngx_http_apigw_sigv4_scope_date(req, &date);
    if (d == NULL) {
        return NGX_ERROR;
    }

    len = ngx_http_apigw_sigv4_algorithm.len + 1 + req->amz_date.len + 1
          + d->len + 1 + req->region.len + 1 + req->service.len + 1
          + ngx_http_apigw_sigv4_terminator.len + 1
          + NGX_HTTP_APIGW_SIGV4_HEX_LEN;

    p = ngx_http_apigw_alloc(a, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    sts->data = p;

    p = ngx_http_apigw_sigv4_cpy(p, &ngx_http_apigw_sigv4_algorithm);
    *p++ = '\n';
    p = ngx_http_apigw_sigv4_cpy(p, &req->amz_date);
    *p++ = '\n';
    p = ngx_http_apigw_sigv4_cpy(p, d);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, &req->region);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, &req->service);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, &ngx_http_apigw_sigv4_terminator);
    *p++ = '\n';
    ngx_http_apigw_sigv4_sha256_hex(canonical->data, canonical->len, p);
    p += NGX_HTTP_APIGW_SIGV4_HEX_LEN;

    sts->len = p - sts->data;

    return NGX_OK;
}


void
ngx_http_apigw_sigv4_signing_key(ngx_str_t *secret, ngx_str_t *date,
    ngx_str_t *region, ngx_str_t *service, u_char *key)
{
    u_char         buf[64], k[32];
    size_t         len;
    unsigned int   n;
    EVP_MD_CTX    *md;

    /*
     * the first key is "AWS4" + secret; one longer than a SHA-256 block is
     * replaced by its digest, as HMAC itself does, so no buffer is needed
     */

    len = 4 + secret->len;

    if (len <= sizeof(buf)) {
        ngx_memcpy(buf, "AWS4", 4);
        (void) ngx_http_apigw_sigv4_cpy(buf + 4, secret);

    } else {
        n = 0;
        md = EVP_MD_CTX_new();

        if (md == NULL
            || EVP_DigestInit_ex(md, ngx_http_apigw_sigv4_md(), NULL) != 1
            || EVP_DigestUpdate(md, "AWS4", 4) != 1
            || EVP_DigestUpdate(md, secret->data, secret->len) != 1
            || EVP_DigestFinal_ex(md, buf, &n) != 1)
        {
            ngx_memzero(buf, 32);
        }

        EVP_MD_CTX_free(md);
        len = 32;
    }

    (void) ngx_http_apigw_sigv4_hmac(buf, len, date->data, date->len, k);
    (void) ngx_http_apigw_sigv4_hmac(k, 32, region->data, region->len, k);
    (void) ngx_http_apigw_sigv4_hmac(k, 32, service->data, service->len, k);
    (void) ngx_http_apigw_sigv4_hmac(k, 32,
                                     ngx_http_apigw_sigv4_terminator.data,
                                     ngx_http_apigw_sigv4_terminator.len,
                                     key);

    OPENSSL_cleanse(buf, sizeof(buf));
    OPENSSL_cleanse(k, sizeof(k));
}


void
ngx_http_apigw_sigv4_signature(const u_char *key, ngx_str_t *sts,
    u_char *out)
{
    u_char  mac[32];

    if (ngx_http_apigw_sigv4_hmac(key, 32, sts->data, sts->len, mac)
        != NGX_OK)
    {
        ngx_memzero(mac, 32);
    }

    ngx_http_apigw_sigv4_hex(out, mac, 32);
}


ngx_int_t
ngx_http_apigw_sigv4_sign(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *signed_headers_filter,
    ngx_http_apigw_sigv4_credentials_t *cred, ngx_str_t *authorization)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   canonical, names, sts, date, *d;
    u_char      sig[NGX_HTTP_APIGW_SIGV4_HEX_LEN];

    if (ngx_http_apigw_sigv4_canonical_request(a, req, signed_headers_filter,
                                               &canonical, &names)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_sigv4_signature_of(a, req, &canonical, cred, &sts, sig)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    d = ngx_http_apigw_sigv4_scope_date(req, &date);
    if (d == NULL) {
        return NGX_ERROR;
    }

    len = sizeof(NGX_HTTP_APIGW_SIGV4_ALGORITHM " Credential=") - 1
          + cred->access_key.len + 1 + d->len + 1 + req->region.len + 1
          + req->service.len + 1 + ngx_http_apigw_sigv4_terminator.len
          + sizeof(", SignedHeaders=") - 1 + names.len
          + sizeof(", Signature=") - 1 + NGX_HTTP_APIGW_SIGV4_HEX_LEN;

    p = ngx_http_apigw_alloc(a, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    authorization->data = p;

    p = ngx_cpymem(p, NGX_HTTP_APIGW_SIGV4_ALGORITHM " Credential=",
                   sizeof(NGX_HTTP_APIGW_SIGV4_ALGORITHM " Credential=") - 1);
    p = ngx_http_apigw_sigv4_cpy(p, &cred->access_key);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, d);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, &req->region);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, &req->service);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, &ngx_http_apigw_sigv4_terminator);
    p = ngx_cpymem(p, ", SignedHeaders=", sizeof(", SignedHeaders=") - 1);
    p = ngx_http_apigw_sigv4_cpy(p, &names);
    p = ngx_cpymem(p, ", Signature=", sizeof(", Signature=") - 1);
    p = ngx_cpymem(p, sig, NGX_HTTP_APIGW_SIGV4_HEX_LEN);

    authorization->len = p - authorization->data;

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_sigv4_presign(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *signed_headers_filter,
    ngx_http_apigw_sigv4_credentials_t *cred, ngx_uint_t expires,
    ngx_str_t *query)
{
    u_char                          *p, *cred_scope, *q;
    size_t                           len, cred_len;
    ngx_str_t                        uri, cquery, headers, names, canonical;
    ngx_str_t                        sts, date, *d;
    ngx_http_apigw_sigv4_request_t   r;
    u_char                           sig[NGX_HTTP_APIGW_SIGV4_HEX_LEN];
    u_char                           num[32];

    d = ngx_http_apigw_sigv4_scope_date(req, &date);
    if (d == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_sigv4_canonical_uri(a, req, &uri) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_sigv4_canonical_headers(a, req, signed_headers_filter,
                                               &headers, &names)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* AK/date/region/service/aws4_request */

    cred_len = cred->access_key.len + 1 + d->len + 1 + req->region.len + 1
               + req->service.len + 1 + ngx_http_apigw_sigv4_terminator.len;

    cred_scope = ngx_http_apigw_alloc(a, cred_len);
    if (cred_scope == NULL) {
        return NGX_ERROR;
    }

    p = ngx_http_apigw_sigv4_cpy(cred_scope, &cred->access_key);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, d);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, &req->region);
    *p++ = '/';
    p = ngx_http_apigw_sigv4_cpy(p, &req->service);
    *p++ = '/';
    ngx_memcpy(p, ngx_http_apigw_sigv4_terminator.data,
               ngx_http_apigw_sigv4_terminator.len);

    len = (size_t) snprintf((char *) num, sizeof(num), "%lu",
                            (unsigned long) expires);

    q = ngx_http_apigw_alloc(a, req->query.len + 1
                                + sizeof("X-Amz-Algorithm=") - 1
                                + ngx_http_apigw_sigv4_algorithm.len
                                + sizeof("&X-Amz-Credential=") - 1
                                + 3 * cred_len
                                + sizeof("&X-Amz-Date=") - 1
                                + 3 * req->amz_date.len
                                + sizeof("&X-Amz-Expires=") - 1 + len
                                + sizeof("&X-Amz-Security-Token=") - 1
                                + 3 * cred->session_token.len
                                + sizeof("&X-Amz-SignedHeaders=") - 1
                                + 3 * names.len
                                + sizeof("&X-Amz-Signature=") - 1
                                + NGX_HTTP_APIGW_SIGV4_HEX_LEN);
    if (q == NULL) {
        return NGX_ERROR;
    }

    p = q;

    if (req->query.len) {
        p = ngx_http_apigw_sigv4_cpy(p, &req->query);
        *p++ = '&';
    }

    p = ngx_cpymem(p, "X-Amz-Algorithm=", sizeof("X-Amz-Algorithm=") - 1);
    p = ngx_http_apigw_sigv4_cpy(p, &ngx_http_apigw_sigv4_algorithm);
    p = ngx_cpymem(p, "&X-Amz-Credential=", sizeof("&X-Amz-Credential=") - 1);
    p = ngx_http_apigw_sigv4_encode(p, cred_scope, cred_len, 0);
    p = ngx_cpymem(p, "&X-Amz-Date=", sizeof("&X-Amz-Date=") - 1);
    p = ngx_http_apigw_sigv4_encode(p, req->amz_date.data, req->amz_date.len,
                                    0);
    p = ngx_cpymem(p, "&X-Amz-Expires=", sizeof("&X-Amz-Expires=") - 1);
    p = ngx_cpymem(p, num, len);

    if (cred->session_token.len) {
        p = ngx_cpymem(p, "&X-Amz-Security-Token=",
                       sizeof("&X-Amz-Security-Token=") - 1);
        p = ngx_http_apigw_sigv4_encode(p, cred->session_token.data,
                                        cred->session_token.len, 0);
    }

    p = ngx_cpymem(p, "&X-Amz-SignedHeaders=",
                   sizeof("&X-Amz-SignedHeaders=") - 1);
    p = ngx_http_apigw_sigv4_encode(p, names.data, names.len, 0);

    r = *req;
    r.query.data = q;
    r.query.len = p - q;

    if (ngx_http_apigw_sigv4_canonical_query(a, &r.query, 0, &cquery)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_sigv4_assemble(a, &r, &uri, &cquery, &headers, &names,
                                      &canonical)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_sigv4_signature_of(a, &r, &canonical, cred, &sts, sig)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    p = ngx_cpymem(p, "&X-Amz-Signature=", sizeof("&X-Amz-Signature=") - 1);
    p = ngx_cpymem(p, sig, NGX_HTTP_APIGW_SIGV4_HEX_LEN);

    query->data = q;
    query->len = p - q;

    return NGX_OK;
}


/*
 * Authorization: AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/svc/
 *     aws4_request, SignedHeaders=host;x-amz-date, Signature=hex
 *
 * "date" is the X-Amz-Date (or Date) header, NULL when the request has
 * neither.  NGX_DECLINED: err tells why, in AWS's words.
 */

ngx_int_t
ngx_http_apigw_sigv4_parse_authorization(ngx_http_apigw_alloc_t *a,
    ngx_str_t *header, ngx_str_t *date, ngx_http_apigw_sigv4_auth_t *auth,
    ngx_http_apigw_sigv4_error_t *err)
{
    u_char      *p, *last, *start, *end, *eq;
    ngx_str_t    parts[12], name, value;
    ngx_uint_t   n;
    u_char       hash[44];

    static ngx_str_t  missing_credential = ngx_string(
        "Authorization header requires 'Credential' parameter.");
    static ngx_str_t  missing_signature = ngx_string(
        "Authorization header requires 'Signature' parameter.");
    static ngx_str_t  missing_signed = ngx_string(
        "Authorization header requires 'SignedHeaders' parameter.");
    static ngx_str_t  missing_date = ngx_string(
        "Authorization header requires existence of either a 'X-Amz-Date' "
        "or a 'Date' header.");
    static ngx_str_t  hashed = ngx_string(
        "(Hashed with SHA-256 and encoded with Base64) Authorization=");
    static ngx_str_t  no_equal = ngx_string(
        "Invalid key=value pair (missing equal-sign) in Authorization "
        "header (hashed with SHA-256 and encoded with Base64): '");
    static ngx_str_t  bad_algorithm = ngx_string(
        "Unsupported AWS 'algorithm': '");
    static ngx_str_t  only = ngx_string(
        "' (only AWS4-HMAC-SHA256 for now). ");
    static ngx_str_t  bad_credential = ngx_string(
        "Credential must have exactly 5 slash-delimited elements, "
        "e.g. keyid/date/region/service/term, got '");
    static ngx_str_t  quote = ngx_string("'");
    static ngx_str_t  quote_dot = ngx_string("'.");
    static ngx_str_t  space = ngx_string(" ");

    ngx_memzero(auth, sizeof(ngx_http_apigw_sigv4_auth_t));
    auth->expires = -1;

    p = header->data;
    last = p + header->len;

    while (p < last && ngx_http_apigw_sigv4_blank(*p)) {
        p++;
    }

    start = p;

    while (p < last && *p != ' ' && *p != '\t') {
        p++;
    }

    auth->algorithm.data = start;
    auth->algorithm.len = p - start;

    /* comma separated key=value pairs */

    while (p < last) {

        while (p < last && (ngx_http_apigw_sigv4_blank(*p) || *p == ',')) {
            p++;
        }

        if (p == last) {
            break;
        }

        start = p;

        while (p < last && *p != ',') {
            p++;
        }

        end = p;

        while (end > start && ngx_http_apigw_sigv4_blank(end[-1])) {
            end--;
        }

        eq = memchr(start, '=', end - start);

        if (eq == NULL) {
            (void) ngx_http_apigw_sigv4_hash_b64(header, hash);
            parts[0] = no_equal;
            parts[1].data = hash;
            parts[1].len = sizeof(hash);
            parts[2] = quote_dot;

            return ngx_http_apigw_sigv4_error(a, err,
                                              ngx_http_apigw_sigv4_incomplete,
                                              parts, 3);
        }

        name.data = start;
        name.len = eq - start;

        while (name.len && ngx_http_apigw_sigv4_blank(name.data[name.len - 1]))
        {
            name.len--;
        }

        value.data = eq + 1;
        value.len = end - value.data;

        while (value.len && ngx_http_apigw_sigv4_blank(*value.data)) {
            value.data++;
            value.len--;
        }

        if (name.len == 10 && memcmp(name.data, "Credential", 10) == 0) {
            auth->credential = value;

        } else if (name.len == 13
                   && memcmp(name.data, "SignedHeaders", 13) == 0)
        {
            auth->signed_headers = value;

        } else if (name.len == 9 && memcmp(name.data, "Signature", 9) == 0) {
            auth->signature = value;
        }
    }

    n = 0;

    if (auth->credential.len == 0) {
        parts[n++] = missing_credential;
    }

    if (auth->signature.len == 0) {
        if (n) {
            parts[n++] = space;
        }

        parts[n++] = missing_signature;
    }

    if (auth->signed_headers.len == 0) {
        if (n) {
            parts[n++] = space;
        }

        parts[n++] = missing_signed;
    }

    if (date == NULL || date->len == 0) {
        if (n) {
            parts[n++] = space;
        }

        parts[n++] = missing_date;
    }

    if (n) {
        (void) ngx_http_apigw_sigv4_hash_b64(header, hash);
        parts[n++] = space;
        parts[n++] = hashed;
        parts[n].data = hash;
        parts[n++].len = sizeof(hash);

        return ngx_http_apigw_sigv4_error(a, err,
                                          ngx_http_apigw_sigv4_incomplete,
                                          parts, n);
    }

    if (ngx_http_apigw_sigv4_str_cmp(&auth->algorithm,
                                     &ngx_http_apigw_sigv4_algorithm)
        != 0)
    {
        parts[0] = bad_algorithm;
        parts[1] = auth->algorithm;
        parts[2] = only;

        return ngx_http_apigw_sigv4_error(a, err,
                                          ngx_http_apigw_sigv4_incomplete,
                                          parts, 3);
    }

    if (ngx_http_apigw_sigv4_split_credential(auth) != NGX_OK) {
        parts[0] = bad_credential;
        parts[1] = auth->credential;
        parts[2] = quote;

        return ngx_http_apigw_sigv4_error(a, err,
                                          ngx_http_apigw_sigv4_incomplete,
                                          parts, 3);
    }

    return NGX_OK;
}


/*
 * A presigned query: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
 * X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature and
 * X-Amz-Security-Token.  NGX_DECLINED with err->type empty: no
 * X-Amz-Algorithm nor X-Amz-Signature, not a presigned request;
 * NGX_DECLINED with err set: a malformed one.
 */

ngx_int_t
ngx_http_apigw_sigv4_parse_query(ngx_http_apigw_alloc_t *a,
    ngx_str_t *query, ngx_http_apigw_sigv4_auth_t *auth,
    ngx_http_apigw_sigv4_error_t *err)
{
    u_char      *p, *last, *start, *end, *eq, *buf;
    ngx_str_t    name, value, *field, parts[3];
    ngx_int_t    expires;
    ngx_uint_t   i, seen;

    static ngx_str_t  missing = ngx_string(
        "AWS query-string parameters must include '");
    static ngx_str_t  reexamine = ngx_string(
        "'. Re-examine the query-string parameters.");
    static ngx_str_t  bad_credential = ngx_string(
        "Credential must have exactly 5 slash-delimited elements, "
        "e.g. keyid/date/region/service/term, got '");
    static ngx_str_t  bad_expires = ngx_string(
        "X-Amz-Expires must be a non-negative integer, got '");
    static ngx_str_t  long_expires = ngx_string(
        "X-Amz-Expires must be less than a week (in seconds) that is "
        "604800");
    static ngx_str_t  bad_algorithm = ngx_string(
        "Unsupported AWS 'algorithm': '");
    static ngx_str_t  only = ngx_string(
        "' (only AWS4-HMAC-SHA256 for now). ");
    static ngx_str_t  quote = ngx_string("'");

    static ngx_str_t  required[] = {
        ngx_string("X-Amz-Algorithm"),
        ngx_string("X-Amz-Credential"),
        ngx_string("X-Amz-Signature"),
        ngx_string("X-Amz-SignedHeaders"),
        ngx_string("X-Amz-Date")
    };

    ngx_memzero(auth, sizeof(ngx_http_apigw_sigv4_auth_t));
    auth->expires = -1;
    auth->presigned = 1;

    err->type.len = 0;
    err->message.len = 0;

    ngx_str_null(&value);
    expires = -1;
    seen = 0;

    if (query->len == 0) {
        /* a request line without "?" has a NULL query: no NULL + 0 here */
        auth->presigned = 0;
        return NGX_DECLINED;
    }

    p = query->data;
    last = p + query->len;

    while (p < last) {
        start = p;

        while (p < last && *p != '&') {
            p++;
        }

        end = p;

        if (p < last) {
            p++;
        }

        eq = memchr(start, '=', end - start);
        if (eq == NULL) {
            eq = end;
        }

        name.data = start;
        name.len = eq - start;

        if (name.len < 10 || memcmp(name.data, "X-Amz-", 6) != 0) {
            continue;
        }

        if (name.len == 15 && memcmp(name.data, "X-Amz-Algorithm", 15) == 0)
        {
            field = &auth->algorithm;
            seen |= 0x01;

        } else if (name.len == 16
                   && memcmp(name.data, "X-Amz-Credential", 16) == 0)
        {
            field = &auth->credential;
            seen |= 0x02;

        } else if (name.len == 15
                   && memcmp(name.data, "X-Amz-Signature", 15) == 0)
        {
            field = &auth->signature;
            seen |= 0x04;

        } else if (name.len == 19
                   && memcmp(name.data, "X-Amz-SignedHeaders", 19) == 0)
        {
            field = &auth->signed_headers;
            seen |= 0x08;

        } else if (name.len == 10
                   && memcmp(name.data, "X-Amz-Date", 10) == 0)
        {
            field = &auth->amz_date;
            seen |= 0x10;

        } else if (name.len == 20
                   && memcmp(name.data, "X-Amz-Security-Token", 20) == 0)
        {
            field = &auth->security_token;

        } else if (name.len == 13
                   && memcmp(name.data, "X-Amz-Expires", 13) == 0)
        {
            field = &value;
            seen |= 0x20;

        } else {
            continue;
        }

        if (eq == end) {
            field->len = 0;
            field->data = eq;
            continue;
        }

        buf = ngx_http_apigw_alloc(a, end - eq);
        if (buf == NULL) {
            return NGX_ERROR;
        }

        field->data = buf;
        field->len = ngx_http_apigw_sigv4_decode(buf, eq + 1, end - eq - 1, 1)
                     - buf;
    }

    if ((seen & 0x05) == 0) {
        auth->presigned = 0;
        return NGX_DECLINED;
    }

    for (i = 0; i < 5; i++) {
        if ((seen & (1 << i)) == 0) {
            parts[0] = missing;
            parts[1] = required[i];
            parts[2] = reexamine;

            return ngx_http_apigw_sigv4_error(a, err,
                                              ngx_http_apigw_sigv4_incomplete,
                                              parts, 3);
        }
    }

    if (ngx_http_apigw_sigv4_str_cmp(&auth->algorithm,
                                     &ngx_http_apigw_sigv4_algorithm)
        != 0)
    {
        parts[0] = bad_algorithm;
        parts[1] = auth->algorithm;
        parts[2] = only;

        return ngx_http_apigw_sigv4_error(a, err,
                                          ngx_http_apigw_sigv4_incomplete,
                                          parts, 3);
    }

    if (seen & 0x20) {
        expires = 0;

        /* all digits, however many: a long one is "less than a week" */

        for (i = 0; i < value.len; i++) {
            if (value.data[i] < '0' || value.data[i] > '9') {
                break;
            }

            if (expires <= NGX_HTTP_APIGW_SIGV4_MAX_EXPIRES) {
                expires = expires * 10 + (value.data[i] - '0');
            }
        }

        if (value.len == 0 || i != value.len) {
            parts[0] = bad_expires;
            parts[1] = value;
            parts[2] = quote;

            return ngx_http_apigw_sigv4_error(a, err,
                                              ngx_http_apigw_sigv4_incomplete,
                                              parts, 3);
        }

        if (expires > NGX_HTTP_APIGW_SIGV4_MAX_EXPIRES) {
            return ngx_http_apigw_sigv4_error(a, err,
                                              ngx_http_apigw_sigv4_incomplete,
                                              &long_expires, 1);
        }

        auth->expires = expires;
    }

    if (ngx_http_apigw_sigv4_split_credential(auth) != NGX_OK) {
        parts[0] = bad_credential;
        parts[1] = auth->credential;
        parts[2] = quote;

        return ngx_http_apigw_sigv4_error(a, err,
                                          ngx_http_apigw_sigv4_incomplete,
                                          parts, 3);
    }

    return NGX_OK;
}


/*
 * The checks AWS makes before it computes the signature: the date's
 * format, the credential scope against the expected region and service
 * (NULL: any), the Host header signed, and the time against "now" within
 * "skew" seconds (now == 0: no time check) or, presigned, X-Amz-Expires.
 */

ngx_int_t
ngx_http_apigw_sigv4_check(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_auth_t *auth, ngx_str_t *amz_date, ngx_str_t *region,
    ngx_str_t *service, time_t now, ngx_uint_t skew,
    ngx_http_apigw_sigv4_error_t *err)
{
    u_char      *p, *last, *start;
    time_t       t;
    ngx_str_t    parts[16];
    ngx_uint_t   n, host;
    u_char       times[2][16], mins[32];

    static ngx_str_t  bad_date = ngx_string(
        "Date must be in ISO-8601 'basic format'. Got '");
    static ngx_str_t  see = ngx_string(
        "'. See http://en.wikipedia.org/wiki/ISO_8601");
    static ngx_str_t  bad_region = ngx_string(
        "Credential should be scoped to a valid region. ");
    static ngx_str_t  bad_service = ngx_string(
        "Credential should be scoped to correct service: '");
    static ngx_str_t  bad_terminator = ngx_string(
        "Credential should be scoped with a valid terminator: "
        "'aws4_request', not '");
    static ngx_str_t  bad_scope_date = ngx_string(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
        "version of date from HTTP: '");
    static ngx_str_t  ne = ngx_string("' != '");
    static ngx_str_t  from = ngx_string("', from '");
    static ngx_str_t  quote_dot = ngx_string("'.");
    static ngx_str_t  quote_dot_space = ngx_string("'. ");
    static ngx_str_t  no_host = ngx_string(
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
        "Authorization.");
    static ngx_str_t  expired = ngx_string(
        "Signature expired: ");
    static ngx_str_t  not_yet = ngx_string(
        "Signature not yet current: ");
    static ngx_str_t  earlier = ngx_string(
        " is now earlier than ");
    static ngx_str_t  later = ngx_string(
        " is still later than ");
    static ngx_str_t  open = ngx_string(" (");

    if (amz_date == NULL || amz_date->len == 0) {
        amz_date = &auth->amz_date;
    }

    if (ngx_http_apigw_sigv4_parse_amz_date(amz_date, &t) != NGX_OK) {
        parts[0] = bad_date;
        parts[1] = *amz_date;
        parts[2] = see;

        return ngx_http_apigw_sigv4_error(a, err,
                                          ngx_http_apigw_sigv4_incomplete,
                                          parts, 3);
    }

    n = 0;

    if (region && ngx_http_apigw_sigv4_str_cmp(region, &auth->region) != 0) {
        parts[n++] = bad_region;
    }

    if (service && ngx_http_apigw_sigv4_str_cmp(service, &auth->service) != 0)
    {
        parts[n++] = bad_service;
        parts[n++] = *service;
        parts[n++] = quote_dot_space;
    }

    if (ngx_http_apigw_sigv4_str_cmp(&auth->terminator,
                                     &ngx_http_apigw_sigv4_terminator)
        != 0)
    {
        parts[n++] = bad_terminator;
        parts[n++] = auth->terminator;
        parts[n++] = quote_dot_space;
    }

    if (auth->date.len != 8 || memcmp(auth->date.data, amz_date->data, 8) != 0)
    {
        parts[n++] = bad_scope_date;
        parts[n++] = auth->date;
        parts[n++] = ne;
        parts[n].data = amz_date->data;
        parts[n++].len = 8;
        parts[n++] = from;
        parts[n++] = *amz_date;
        parts[n++] = quote_dot;
    }

    if (n) {
        return ngx_http_apigw_sigv4_error(a, err, ngx_http_apigw_sigv4_invalid,
                                          parts, n);
    }

    host = 0;
    p = auth->signed_headers.data;
    last = p + auth->signed_headers.len;

    while (p < last) {
        start = p;

        while (p < last && *p != ';') {
            p++;
        }

        if ((p - start == 4
             && ngx_http_apigw_sigv4_strcaseeq(start, 4,
                                               (u_char *) "host", 4))
            || (p - start == 10 && memcmp(start, ":authority", 10) == 0))
        {
            host = 1;
            break;
        }

        p++;
    }

    if (!host) {
        return ngx_http_apigw_sigv4_error(a, err, ngx_http_apigw_sigv4_invalid,
                                          &no_host, 1);
    }

    if (now == 0) {
        return NGX_OK;
    }

    if (auth->presigned && auth->expires >= 0
        && now > t + (time_t) auth->expires)
    {
        /* X-Amz-Date is now earlier than now - X-Amz-Expires */

        (void) ngx_http_apigw_sigv4_format_time(times[0],
                                                now - auth->expires);
        (void) ngx_http_apigw_sigv4_format_time(times[1], now);

        parts[0] = expired;
        parts[1] = *amz_date;
        parts[2] = earlier;
        parts[3].data = times[0];
        parts[3].len = 16;
        parts[4] = open;
        parts[5].data = times[1];
        parts[5].len = 16;
        parts[6].data = mins;
        parts[6].len = snprintf((char *) mins, sizeof(mins), " - %ld sec.)",
                                (long) auth->expires);

        return ngx_http_apigw_sigv4_error(a, err, ngx_http_apigw_sigv4_invalid,
                                          parts, 7);
    }

    /* presigned without X-Amz-Expires: as long as a header would last */

    if ((!auth->presigned || auth->expires < 0) && t + (time_t) skew < now) {
        (void) ngx_http_apigw_sigv4_format_time(times[0], now - skew);
        (void) ngx_http_apigw_sigv4_format_time(times[1], now);

        parts[0] = expired;
        parts[1] = *amz_date;
        parts[2] = earlier;
        parts[3].data = times[0];
        parts[3].len = 16;
        parts[4] = open;
        parts[5].data = times[1];
        parts[5].len = 16;
        parts[6].data = mins;
        parts[6].len = snprintf((char *) mins, sizeof(mins), " - %lu min.)",
                                (unsigned long) (skew / 60));

        return ngx_http_apigw_sigv4_error(a, err, ngx_http_apigw_sigv4_invalid,
                                          parts, 7);
    }

    if (t > now + (time_t) skew) {
        (void) ngx_http_apigw_sigv4_format_time(times[0], now + skew);
        (void) ngx_http_apigw_sigv4_format_time(times[1], now);

        parts[0] = not_yet;
        parts[1] = *amz_date;
        parts[2] = later;
        parts[3].data = times[0];
        parts[3].len = 16;
        parts[4] = open;
        parts[5].data = times[1];
        parts[5].len = 16;
        parts[6].data = mins;
        parts[6].len = snprintf((char *) mins, sizeof(mins), " + %lu min.)",
                                (unsigned long) (skew / 60));

        return ngx_http_apigw_sigv4_error(a, err, ngx_http_apigw_sigv4_invalid,
                                          parts, 7);
    }

    return NGX_OK;
}


/*
 * Recomputes the signature over the headers the client signed, with the
 * client's credential scope, and compares in constant time.  NGX_OK: the
 * signature matches; NGX_DECLINED: it does not (err carries AWS's message
 * with the canonical request and the string to sign).
 */

ngx_int_t
ngx_http_apigw_sigv4_verify(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_http_apigw_sigv4_auth_t *auth,
    ngx_http_apigw_sigv4_credentials_t *cred,
    ngx_http_apigw_sigv4_error_t *err)
{
    ngx_str_t                        canonical, sts, parts[7];
    ngx_http_apigw_sigv4_request_t   r;
    u_char                           sig[NGX_HTTP_APIGW_SIGV4_HEX_LEN];

    static ngx_str_t  mismatch = ngx_string(
        ngx_http_apigw_sigv4_mismatch);
    static ngx_str_t  canonical_was = ngx_string(
        "\n\nThe Canonical String for this request should have been\n'");
    static ngx_str_t  sts_was = ngx_string(
        "'\n\nThe String-to-Sign should have been\n'");
    static ngx_str_t  end = ngx_string("'\n");

    r = *req;
    r.date = auth->date;
    r.region = auth->region;
    r.service = auth->service;

    if (auth->presigned) {
        r.amz_date = auth->amz_date;
        r.flags |= NGX_HTTP_APIGW_SIGV4_PRESIGNED;
    }

    if (ngx_http_apigw_sigv4_canonical_request(a, &r, &auth->signed_headers,
                                               &canonical, NULL)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_sigv4_signature_of(a, &r, &canonical, cred, &sts, sig)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (auth->signature.len == NGX_HTTP_APIGW_SIGV4_HEX_LEN
        && CRYPTO_memcmp(sig, auth->signature.data,
                         NGX_HTTP_APIGW_SIGV4_HEX_LEN)
           == 0)
    {
        return NGX_OK;
    }

    parts[0] = mismatch;
    parts[1] = canonical_was;
    parts[2] = canonical;
    parts[3] = sts_was;
    parts[4] = sts;
    parts[5] = end;

    if (ngx_http_apigw_sigv4_error(a, err, ngx_http_apigw_sigv4_invalid,
                                   parts, 6)
        == NGX_ERROR)
    {
        return NGX_ERROR;
    }

    return NGX_DECLINED;
}


/* "Sun, 30 Aug 2015 12:36:00 GMT" (the Date header) -> 20150830T123600Z */

ngx_int_t
ngx_http_apigw_sigv4_http_date(ngx_str_t *date, u_char *amz_date)
{
    u_char      *p, *last;
    ngx_int_t    day, month, year, hour, min, sec;
    ngx_uint_t   i;

    static const char    months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const u_char  digits[] = { 0, 1, 7, 8, 9, 10, 12, 13, 15, 16, 18,
                                      19 };

    p = date->data;
    last = p + date->len;

    /* skip the weekday */

    while (p < last && *p != ',') {
        p++;
    }

    if (last - p < 26) {
        return NGX_ERROR;
    }

    /* ", 30 Aug 2015 12:36:00 GMT" */

    p += 2;

    if (p[-1] != ' ' || p[2] != ' ' || p[6] != ' ' || p[11] != ' '
        || p[14] != ':' || p[17] != ':' || memcmp(p + 20, " GMT", 4) != 0)
    {
        return NGX_ERROR;
    }

    for (month = 0; month < 12; month++) {
        if (memcmp(p + 3, months + month * 3, 3) == 0) {
            break;
        }
    }

    if (month == 12) {
        return NGX_ERROR;
    }

    for (i = 0; i < sizeof(digits); i++) {
        if (!ngx_http_apigw_sigv4_digit(p[digits[i]])) {
            return NGX_ERROR;
        }
    }

    day = (p[0] - '0') * 10 + p[1] - '0';
    year = (p[7] - '0') * 1000 + (p[8] - '0') * 100 + (p[9] - '0') * 10
           + p[10] - '0';
    hour = (p[12] - '0') * 10 + p[13] - '0';
    min = (p[15] - '0') * 10 + p[16] - '0';
    sec = (p[18] - '0') * 10 + p[19] - '0';

    if (day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
        return NGX_ERROR;
    }

    (void) ngx_http_apigw_sigv4_format_time(amz_date,
                     ngx_http_apigw_sigv4_timegm(year, month + 1, day, hour,
                                                 min, sec));

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_sigv4_canonical_uri(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *uri)
{
    u_char      *p, *last, *start, *out, *tmp;
    size_t       len;
    ngx_str_t   *segs;
    ngx_uint_t   n, nsegs, i;

    len = req->path.len;

    if (len == 0) {
        ngx_str_set(uri, "/");
        return NGX_OK;
    }

    out = ngx_http_apigw_alloc(a, 3 * len + 1);
    if (out == NULL) {
        return NGX_ERROR;
    }

    uri->data = out;

    if (req->flags & NGX_HTTP_APIGW_SIGV4_S3) {
        tmp = ngx_http_apigw_alloc(a, len);
        if (tmp == NULL) {
            return NGX_ERROR;
        }

        last = ngx_http_apigw_sigv4_decode(tmp, req->path.data, len, 0);
        p = ngx_http_apigw_sigv4_encode(out, tmp, last - tmp, 1);

        if (p == out) {
            *p++ = '/';
        }

        uri->len = p - out;

        return NGX_OK;
    }

    /* remove "." and ".." and empty segments, RFC 3986 5.2.4 */

    n = 1;

    for (i = 0; i < len; i++) {
        if (req->path.data[i] == '/') {
            n++;
        }
    }

    segs = ngx_http_apigw_alloc(a, n * sizeof(ngx_str_t));
    if (segs == NULL) {
        return NGX_ERROR;
    }

    nsegs = 0;
    p = req->path.data;
    last = p + len;

    while (p <= last) {
        start = p;

        while (p < last && *p != '/') {
            p++;
        }

        if (p - start == 0 || (p - start == 1 && start[0] == '.')) {
            /* skip */

        } else if (p - start == 2 && start[0] == '.' && start[1] == '.') {
            if (nsegs) {
                nsegs--;
            }

        } else {
            segs[nsegs].data = start;
            segs[nsegs++].len = p - start;
        }

        p++;
    }

    p = out;

    if (req->path.data[0] == '/') {
        *p++ = '/';
    }

    for (i = 0; i < nsegs; i++) {
        if (i) {
            *p++ = '/';
        }

        p = ngx_http_apigw_sigv4_encode(p, segs[i].data, segs[i].len, 0);
    }

    if (nsegs && req->path.data[len - 1] == '/') {
        *p++ = '/';
    }

    if (p == out) {
        *p++ = '/';
    }

    uri->len = p - out;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_sigv4_canonical_query(ngx_http_apigw_alloc_t *a,
    ngx_str_t *query, ngx_uint_t flags, ngx_str_t *out)
{
    u_char                         *p, *last, *start, *end, *eq, *buf, *tmp;
    u_char                         *t, *b;
    size_t                          len;
    ngx_uint_t                      n, i;
    ngx_http_apigw_sigv4_pair_t    *params;
    ngx_http_apigw_sigv4_qparam_t  *sorted;

    len = query->len;

    if (len == 0) {
        ngx_str_null(out);
        return NGX_OK;
    }

    n = 1;

    for (i = 0; i < len; i++) {
        if (query->data[i] == '&') {
            n++;
        }
    }

    params = ngx_http_apigw_alloc(a, n * sizeof(ngx_http_apigw_sigv4_pair_t));
    sorted = ngx_http_apigw_alloc(a,
                                  n * sizeof(ngx_http_apigw_sigv4_qparam_t));

    /* each parameter grows at most threefold, plus '=' */

    buf = ngx_http_apigw_alloc(a, 3 * len + n);
    tmp = ngx_http_apigw_alloc(a, len);

    if (params == NULL || sorted == NULL || buf == NULL || tmp == NULL) {
        return NGX_ERROR;
    }

    n = 0;
    b = buf;
    p = query->data;
    last = p + len;

    while (p < last) {
        start = p;

        while (p < last && *p != '&') {
            p++;
        }

        end = p++;

        if (end == start) {
            continue;
        }

        eq = memchr(start, '=', end - start);
        if (eq == NULL) {
            eq = end;
        }

        t = ngx_http_apigw_sigv4_decode(tmp, start, eq - start, 1);

        if ((flags & NGX_HTTP_APIGW_SIGV4_PRESIGNED)
            && t - tmp == 15 && memcmp(tmp, "X-Amz-Signature", 15) == 0)
        {
            continue;
        }

        params[n].name.data = b;
        b = ngx_http_apigw_sigv4_encode(b, tmp, t - tmp, 0);
        params[n].name.len = b - params[n].name.data;

        if (eq < end) {
            t = ngx_http_apigw_sigv4_decode(tmp, eq + 1, end - eq - 1, 1);

        } else {
            t = tmp;
        }

        params[n].value.data = b;
        b = ngx_http_apigw_sigv4_encode(b, tmp, t - tmp, 0);
        params[n].value.len = b - params[n].value.data;

        sorted[n].name = &params[n].name;
        sorted[n].value = &params[n].value;
        n++;
    }

    if (n == 0) {
        ngx_str_null(out);
        return NGX_OK;
    }

    qsort(sorted, n, sizeof(ngx_http_apigw_sigv4_qparam_t),
          ngx_http_apigw_sigv4_cmp_qparam);

    len = 0;

    for (i = 0; i < n; i++) {
        len += sorted[i].name->len + 1 + sorted[i].value->len + 1;
    }

    p = ngx_http_apigw_alloc(a, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    for (i = 0; i < n; i++) {
        if (i) {
            *p++ = '&';
        }

        p = ngx_http_apigw_sigv4_cpy(p, sorted[i].name);
        *p++ = '=';
        p = ngx_http_apigw_sigv4_cpy(p, sorted[i].value);
    }

    out->len = p - out->data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_sigv4_canonical_headers(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *filter,
    ngx_str_t *headers, ngx_str_t *signed_headers)
{
    u_char                         *p, *last, *start, *q, *names_buf;
    size_t                          len;
    ngx_str_t                      *names, *values;
    ngx_uint_t                      n, nnames, i, j, k, first;
    ngx_http_apigw_sigv4_header_t  *h;

    h = req->headers;

    /* the names to sign, lowercased, sorted, unique */

    if (filter) {
        n = 1;

        for (i = 0; i < filter->len; i++) {
            if (filter->data[i] == ';') {
                n++;
            }
        }

        len = filter->len;

    } else {
        n = req->nheaders;
        len = 0;

        for (i = 0; i < n; i++) {
            len += h[i].name.len;
        }
    }

    names = ngx_http_apigw_alloc(a, (n + 1) * sizeof(ngx_str_t));
    values = ngx_http_apigw_alloc(a, (req->nheaders + 1) * sizeof(ngx_str_t));
    names_buf = ngx_http_apigw_alloc(a, len + 1);

    if (names == NULL || values == NULL || names_buf == NULL) {
        return NGX_ERROR;
    }

    nnames = 0;
    q = names_buf;

    if (filter) {
        p = filter->data;
        last = p + filter->len;

        while (p < last) {
            start = p;

            while (p < last && *p != ';') {
                p++;
            }

            if (p > start) {
                names[nnames].data = q;

                while (start < p) {
                    *q++ = ngx_http_apigw_sigv4_lc(*start);
                    start++;
                }

                names[nnames].len = q - names[nnames].data;
                nnames++;
            }

            p++;
        }

    } else {
        for (i = 0; i < n; i++) {
            names[nnames].data = q;

            for (j = 0; j < h[i].name.len; j++) {
                *q++ = ngx_http_apigw_sigv4_lc(h[i].name.data[j]);
            }

            names[nnames].len = q - names[nnames].data;
            nnames++;
        }
    }

    qsort(names, nnames, sizeof(ngx_str_t), ngx_http_apigw_sigv4_cmp_str);

    for (i = 0, j = 0; i < nnames; i++) {
        if (j && ngx_http_apigw_sigv4_str_cmp(&names[j - 1], &names[i]) == 0) {
            continue;
        }

        names[j++] = names[i];
    }

    nnames = j;

    /* the values, normalized */

    len = 0;

    for (i = 0; i < req->nheaders; i++) {
        len += h[i].value.len + 1;
    }

    q = ngx_http_apigw_alloc(a, len + 1);
    if (q == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < req->nheaders; i++) {
        if (!ngx_http_apigw_sigv4_has_name(names, nnames, h[i].name.data,
                                           h[i].name.len))
        {
            values[i].len = 0;
            values[i].data = NULL;
            continue;
        }

        values[i].data = q;
        values[i].len = ngx_http_apigw_sigv4_normalize_value(q,
                                                             h[i].value.data,
                                                             h[i].value.len);
        q += values[i].len;
    }

    /* "name:v1,v2\n" for each name; a signed header absent stays empty */

    len = 0;

    for (i = 0; i < nnames; i++) {
        len += names[i].len + 2;
    }

    for (i = 0; i < req->nheaders; i++) {
        len += values[i].len + 1;
    }

    p = ngx_http_apigw_alloc(a, len + 1);
    q = ngx_http_apigw_alloc(a, len + 1);
    if (p == NULL || q == NULL) {
        return NGX_ERROR;
    }

    headers->data = p;
    signed_headers->data = q;

    for (i = 0; i < nnames; i++) {
        p = ngx_http_apigw_sigv4_cpy(p, &names[i]);
        *p++ = ':';

        first = 1;

        for (k = 0; k < req->nheaders; k++) {
            if (!ngx_http_apigw_sigv4_strcaseeq(h[k].name.data, h[k].name.len,
                                                names[i].data, names[i].len))
            {
                continue;
            }

            if (!first) {
                *p++ = ',';
            }

            first = 0;
            p = ngx_http_apigw_sigv4_cpy(p, &values[k]);
        }

        *p++ = '\n';

        if (i) {
            *q++ = ';';
        }

        q = ngx_http_apigw_sigv4_cpy(q, &names[i]);
    }

    headers->len = p - headers->data;
    signed_headers->len = q - signed_headers->data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_sigv4_assemble(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *uri, ngx_str_t *query,
    ngx_str_t *headers, ngx_str_t *signed_headers, ngx_str_t *canonical)
{
    u_char     *p;
    size_t      len;
    ngx_str_t  *hash;

    hash = req->payload_hash.len ? &req->payload_hash
                                 : &ngx_http_apigw_sigv4_empty_hash;

    len = req->method.len + 1 + uri->len + 1 + query->len + 1 + headers->len
          + 1 + signed_headers->len + 1 + hash->len;

    p = ngx_http_apigw_alloc(a, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    canonical->data = p;

    p = ngx_http_apigw_sigv4_cpy(p, &req->method);
    *p++ = '\n';
    p = ngx_http_apigw_sigv4_cpy(p, uri);
    *p++ = '\n';
    p = ngx_http_apigw_sigv4_cpy(p, query);
    *p++ = '\n';
    p = ngx_http_apigw_sigv4_cpy(p, headers);
    *p++ = '\n';
    p = ngx_http_apigw_sigv4_cpy(p, signed_headers);
    *p++ = '\n';
    p = ngx_http_apigw_sigv4_cpy(p, hash);

    canonical->len = p - canonical->data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_sigv4_signature_of(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *canonical,
    ngx_http_apigw_sigv4_credentials_t *cred, ngx_str_t *sts, u_char *sig)
{
    u_char     key[NGX_HTTP_APIGW_SIGV4_KEY_LEN];
    ngx_str_t  date, *d;

    if (ngx_http_apigw_sigv4_string_to_sign(a, req, canonical, sts) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (cred->signing_key) {
        ngx_http_apigw_sigv4_signature(cred->signing_key, sts, sig);
        return NGX_OK;
    }

    d = ngx_http_apigw_sigv4_scope_date(req, &date);
    if (d == NULL) {
        return NGX_ERROR;
    }

    ngx_http_apigw_sigv4_signing_key(&cred->secret_key, d, &req->region,
                                     &req->service, key);
    ngx_http_apigw_sigv4_signature(key, sts, sig);

    OPENSSL_cleanse(key, sizeof(key));

    return NGX_OK;
}


static ngx_str_t *
ngx_http_apigw_sigv4_scope_date(ngx_http_apigw_sigv4_request_t *req,
    ngx_str_t *date)
{
    if (req->date.len) {
        return &req->date;
    }

    if (req->amz_date.len < 8) {
        return NULL;
    }

    date->data = req->amz_date.data;
    date->len = 8;

    return date;
}


/*
 * Trims each line, collapses runs of blanks to one space, and joins
 * folded lines with ',' (as the test suite's multi-line header shows).
 */

static size_t
ngx_http_apigw_sigv4_normalize_value(u_char *dst, u_char *src, size_t len)
{
    u_char  *p, *last, *start, *end, *d;

    d = dst;
    p = src;
    last = src + len;

    while (p < last) {
        start = p;

        while (p < last && *p != '\n') {
            p++;
        }

        end = p++;

        while (start < end
               && (ngx_http_apigw_sigv4_blank(*start) || *start == '\r'))
        {
            start++;
        }

        while (end > start
               && (ngx_http_apigw_sigv4_blank(end[-1]) || end[-1] == '\r'))
        {
            end--;
        }

        if (start == end) {
            continue;
        }

        if (d > dst) {
            *d++ = ',';
        }

        while (start < end) {
            if (ngx_http_apigw_sigv4_blank(*start)) {
                *d++ = ' ';

                while (start < end && ngx_http_apigw_sigv4_blank(*start)) {
                    start++;
                }

                continue;
            }

            *d++ = *start++;
        }
    }

    return d - dst;
}


static ngx_int_t
ngx_http_apigw_sigv4_has_name(ngx_str_t *names, ngx_uint_t n, u_char *name,
    size_t len)
{
    ngx_uint_t  i;

    for (i = 0; i < n; i++) {
        if (ngx_http_apigw_sigv4_strcaseeq(names[i].data, names[i].len,
                                           name, len))
        {
            return 1;
        }
    }

    return 0;
}


static int
ngx_http_apigw_sigv4_cmp_str(const void *one, const void *two)
{
    return (int) ngx_http_apigw_sigv4_str_cmp((ngx_str_t *) one,
                                              (ngx_str_t *) two);
}


static int
ngx_http_apigw_sigv4_cmp_qparam(const void *one, const void *two)
{
    ngx_int_t                       rc;
    ngx_http_apigw_sigv4_qparam_t  *p1, *p2;

    p1 = (ngx_http_apigw_sigv4_qparam_t *) one;
    p2 = (ngx_http_apigw_sigv4_qparam_t *) two;

    rc = ngx_http_apigw_sigv4_str_cmp(p1->name, p2->name);
    if (rc != 0) {
        return (int) rc;
    }

    return (int) ngx_http_apigw_sigv4_str_cmp(p1->value, p2->value);
}


static ngx_int_t
ngx_http_apigw_sigv4_str_cmp(ngx_str_t *s1, ngx_str_t *s2)
{
    int     rc;
    size_t  n;

    n = ngx_min(s1->len, s2->len);

    if (n) {
        rc = memcmp(s1->data, s2->data, n);
        if (rc != 0) {
            return rc < 0 ? -1 : 1;
        }
    }

    if (s1->len == s2->len) {
        return 0;
    }

    return s1->len < s2->len ? -1 : 1;
}


static ngx_int_t
ngx_http_apigw_sigv4_strcaseeq(u_char *s1, size_t len1, u_char *s2,
    size_t len2)
{
    size_t  i;

    if (len1 != len2) {
        return 0;
    }

    for (i = 0; i < len1; i++) {
        if (ngx_http_apigw_sigv4_lc(s1[i]) != ngx_http_apigw_sigv4_lc(s2[i])) {
            return 0;
        }
    }

    return 1;
}


static u_char *
ngx_http_apigw_sigv4_encode(u_char *dst, u_char *src, size_t len,
    ngx_uint_t keep_slash)
{
    u_char  c;

    static const u_char  hex[] = "0123456789ABCDEF";

    while (len--) {
        c = *src++;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9')
            || c == '-' || c == '_' || c == '.' || c == '~'
            || (c == '/' && keep_slash))
        {
            *dst++ = c;
            continue;
        }

        *dst++ = '%';
        *dst++ = hex[c >> 4];
        *dst++ = hex[c & 0x0f];
    }

    return dst;
}


/*
 * "%XX" decoded, and '+' to a space in a query ("plus"), as AWS decodes
 * it; a '%' not followed by two hex digits stays as it is
 */

static u_char *
ngx_http_apigw_sigv4_decode(u_char *dst, u_char *src, size_t len,
    ngx_uint_t plus)
{
    u_char     *last;
    ngx_int_t   hi, lo;

    last = src + len;

    while (src < last) {
        if (*src == '%' && last - src >= 3) {
            hi = ngx_http_apigw_sigv4_unhex(src[1]);
            lo = ngx_http_apigw_sigv4_unhex(src[2]);

            if (hi >= 0 && lo >= 0) {
                *dst++ = (u_char) ((hi << 4) | lo);
                src += 3;
                continue;
            }
        }

        if (*src == '+' && plus) {
            *dst++ = ' ';
            src++;
            continue;
        }

        *dst++ = *src++;
    }

    return dst;
}


static ngx_int_t
ngx_http_apigw_sigv4_unhex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c = ngx_http_apigw_sigv4_lc(c);

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


static u_char *
ngx_http_apigw_sigv4_hex(u_char *dst, const u_char *src, size_t len)
{
    static const u_char  hex[] = "0123456789abcdef";

    while (len--) {
        *dst++ = hex[*src >> 4];
        *dst++ = hex[*src++ & 0x0f];
    }

    return dst;
}


/*
 * SHA-256 for EVP: OpenSSL 3 looks an algorithm up again on each
 * EVP_sha256() digest, a quarter of the cost of hashing a short string;
 * one lookup per process is enough (the handle lives as long as it);
 * API keys are hashed with it too (keys.c)
 */

const EVP_MD *
ngx_http_apigw_sigv4_md(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L

    static EVP_MD  *md;

    if (md == NULL) {
        md = EVP_MD_fetch(NULL, "SHA256", NULL);

        if (md == NULL) {
            return EVP_sha256();
        }
    }

    return md;

#else

    return EVP_sha256();

#endif
}


/*
 * HMAC-SHA256 (RFC 2104) of the short strings SigV4 signs, as two
 * one-shot digests over a buffer on the stack: OpenSSL 3's HMAC() sets
 * up a MAC context on each call and costs twice as much.  Longer data
 * goes through HMAC().
 */

static ngx_int_t
ngx_http_apigw_sigv4_hmac(const u_char *key, size_t key_len,
    const u_char *data, size_t len, u_char *out)
{
    size_t        i;
    u_char        md[EVP_MAX_MD_SIZE], k[64];
    unsigned int  n;
    u_char        buf[64 + 448];

    n = 0;

    if (key_len > 64 || len > sizeof(buf) - 64) {
        if (HMAC(ngx_http_apigw_sigv4_md(), key, (int) key_len, data, len,
                 md, &n)
            == NULL
            || n != 32)
        {
            goto failed;
        }

        ngx_memcpy(out, md, 32);

        return NGX_OK;
    }

    ngx_memzero(k, sizeof(k));

    if (key_len) {
        ngx_memcpy(k, key, key_len);
    }

    /* inner: SHA-256((K ^ ipad) || data) */

    for (i = 0; i < 64; i++) {
        buf[i] = k[i] ^ 0x36;
    }

    if (len) {
        ngx_memcpy(buf + 64, data, len);
    }

    if (EVP_Digest(buf, 64 + len, md, &n, ngx_http_apigw_sigv4_md(), NULL) != 1
        || n != 32)
    {
        goto failed;
    }

    /* outer: SHA-256((K ^ opad) || inner) */

    for (i = 0; i < 64; i++) {
        buf[i] = k[i] ^ 0x5c;
    }

    ngx_memcpy(buf + 64, md, 32);

    if (EVP_Digest(buf, 64 + 32, md, &n, ngx_http_apigw_sigv4_md(), NULL) != 1
        || n != 32)
    {
        goto failed;
    }

    ngx_memcpy(out, md, 32);

    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(buf, 64);

    return NGX_OK;

failed:

    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(buf, 64);
    ngx_memzero(out, 32);

    return NGX_ERROR;
}


/* AK/20150830/us-east-1/service/aws4_request; the key may hold no '/' */

static ngx_int_t
ngx_http_apigw_sigv4_split_credential(ngx_http_apigw_sigv4_auth_t *auth)
{
    u_char      *p, *last, *start;
    ngx_str_t   *fields[5];
    ngx_uint_t   n;

    fields[0] = &auth->access_key;
    fields[1] = &auth->date;
    fields[2] = &auth->region;
    fields[3] = &auth->service;
    fields[4] = &auth->terminator;

    p = auth->credential.data;
    last = p + auth->credential.len;
    n = 0;

    while (p <= last) {
        start = p;

        while (p < last && *p != '/') {
            p++;
        }

        if (n == 5) {
            return NGX_ERROR;
        }

        fields[n]->data = start;
        fields[n]->len = p - start;
        n++;

        p++;
    }

    return n == 5 ? NGX_OK : NGX_ERROR;
}


static ngx_int_t
ngx_http_apigw_sigv4_error(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_error_t *err, const char *type, ngx_str_t *parts,
    ngx_uint_t n)
{
    u_char      *p;
    size_t       len;
    ngx_uint_t   i;

    err->type.data = (u_char *) type;
    err->type.len = strlen(type);

    len = 0;

    for (i = 0; i < n; i++) {
        len += parts[i].len;
    }

    p = ngx_http_apigw_alloc(a, len + 1);
    if (p == NULL) {
        err->message.len = 0;
        return NGX_ERROR;
    }

    err->message.data = p;

    for (i = 0; i < n; i++) {
        p = ngx_http_apigw_sigv4_cpy(p, &parts[i]);
    }

    err->message.len = p - err->message.data;

    return NGX_DECLINED;
}


/* base64(sha256(header)): 44 characters */

static ngx_int_t
ngx_http_apigw_sigv4_hash_b64(ngx_str_t *header, u_char *out)
{
    u_char        md[EVP_MAX_MD_SIZE], b64[48];
    unsigned int  n;

    n = 0;

    if (EVP_Digest(header->data, header->len, md, &n,
                   ngx_http_apigw_sigv4_md(), NULL)
        != 1
        || n != 32
        || EVP_EncodeBlock(b64, md, 32) != 44)
    {
        ngx_memzero(out, 44);
        return NGX_ERROR;
    }

    ngx_memcpy(out, b64, 44);

    return NGX_OK;
}


/* 20150830T123600Z */

static ngx_int_t
ngx_http_apigw_sigv4_parse_amz_date(ngx_str_t *date, time_t *t)
{
    u_char      *p;
    ngx_int_t    v[6];
    ngx_uint_t   i, n;

    static const u_char  widths[] = { 4, 2, 2, 2, 2, 2 };

    if (date->len != 16 || date->data[8] != 'T' || date->data[15] != 'Z') {
        return NGX_ERROR;
    }

    p = date->data;

    for (i = 0; i < 6; i++) {
        if (i == 3) {
            p++;
        }

        v[i] = 0;

        for (n = 0; n < widths[i]; n++) {
            if (*p < '0' || *p > '9') {
                return NGX_ERROR;
            }

            v[i] = v[i] * 10 + (*p++ - '0');
        }
    }

    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23
        || v[4] > 59 || v[5] > 60)
    {
        return NGX_ERROR;
    }

    *t = ngx_http_apigw_sigv4_timegm(v[0], v[1], v[2], v[3], v[4], v[5]);

    return NGX_OK;
}


static u_char *
ngx_http_apigw_sigv4_format_time(u_char *p, time_t t)
{
    long  days, secs, year, month, day, era, doe, yoe, doy, mp;
    char  buf[64];

    /* civil from days (proleptic Gregorian) */

    days = (long) (t / 86400);
    secs = (long) (t % 86400);

    if (secs < 0) {
        secs += 86400;
        days--;
    }

    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    year = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    day = doy - (153 * mp + 2) / 5 + 1;
    month = mp < 10 ? mp + 3 : mp - 9;

    if (month <= 2) {
        year++;
    }

    (void) snprintf(buf, sizeof(buf), "%04ld%02ld%02ldT%02ld%02ld%02ldZ",
                    year, month, day, secs / 3600, secs % 3600 / 60,
                    secs % 60);

    return ngx_cpymem(p, buf, 16);
}


static time_t
ngx_http_apigw_sigv4_timegm(ngx_int_t year, ngx_int_t month, ngx_int_t day,
    ngx_int_t hour, ngx_int_t min, ngx_int_t sec)
{
    long  y, era, yoe, doy, doe, m;

    /* days from civil (proleptic Gregorian) */

    y = (long) year - (month <= 2);
    m = (long) month;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + (long) day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (time_t) (era * 146097 + doe - 719468) * 86400
           + hour * 3600 + min * 60 + sec;
}
