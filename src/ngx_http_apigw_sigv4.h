
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * AWS Signature Version 4: one engine for signing the requests the gateway
 * sends to AWS services (Lambda, SQS, Kinesis, DynamoDB, S3, Step
 * Functions) and for verifying the requests it receives (IAM
 * authorization, by Authorization header or presigned query).
 *
 * Pure engine: nginx's basic types and the allocator only, OpenSSL's
 * libcrypto for SHA-256 and HMAC.
 */


#ifndef _NGX_HTTP_APIGW_SIGV4_H_INCLUDED_
#define _NGX_HTTP_APIGW_SIGV4_H_INCLUDED_


#include "ngx_http_apigw_engine.h"

#include <openssl/evp.h>


#define NGX_HTTP_APIGW_SIGV4_ALGORITHM   "AWS4-HMAC-SHA256"
#define NGX_HTTP_APIGW_SIGV4_TERMINATOR  "aws4_request"
#define NGX_HTTP_APIGW_SIGV4_UNSIGNED    "UNSIGNED-PAYLOAD"

/* hex SHA-256 of an empty body */
#define NGX_HTTP_APIGW_SIGV4_EMPTY_SHA256                                     \
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#define NGX_HTTP_APIGW_SIGV4_KEY_LEN     32
#define NGX_HTTP_APIGW_SIGV4_HEX_LEN     64

/* the longest X-Amz-Expires of a presigned request: a week */
#define NGX_HTTP_APIGW_SIGV4_MAX_EXPIRES 604800

/*
 * S3 rules for the canonical URI: the path is neither normalized nor
 * encoded twice (it is decoded and encoded once)
 */
#define NGX_HTTP_APIGW_SIGV4_S3          0x0001

/* the query carries the signature: X-Amz-Signature is left out of it */
#define NGX_HTTP_APIGW_SIGV4_PRESIGNED   0x0002


typedef struct {
    ngx_str_t                       name;
    ngx_str_t                       value;
} ngx_http_apigw_sigv4_header_t;


/*
 * A request as it is (or will be) sent.  The path and the query are the
 * raw, percent-encoded forms of the request line; headers are name/value
 * pairs in the order received, repeated names allowed.
 */

typedef struct {
    ngx_str_t                       method;
    ngx_str_t                       path;
    ngx_str_t                       query;
    ngx_http_apigw_sigv4_header_t  *headers;
    ngx_uint_t                      nheaders;

    /* hex SHA-256 of the body or "UNSIGNED-PAYLOAD"; empty: empty body */
    ngx_str_t                       payload_hash;

    ngx_str_t                       amz_date;      /* 20150830T123600Z */
    ngx_str_t                       date;          /* scope date; empty:
                                                      amz_date's first 8 */
    ngx_str_t                       region;
    ngx_str_t                       service;
    ngx_uint_t                      flags;
} ngx_http_apigw_sigv4_request_t;


typedef struct {
    ngx_str_t                       access_key;
    ngx_str_t                       secret_key;
    ngx_str_t                       session_token;

    /*
     * optional: the signing key for the request's date, region and
     * service, cached by the caller; NULL derives it from secret_key
     */
    u_char                         *signing_key;
} ngx_http_apigw_sigv4_credentials_t;


/* what an Authorization header or a presigned query carries */

typedef struct {
    ngx_str_t                       algorithm;
    ngx_str_t                       credential;    /* AK/date/region/... */
    ngx_str_t                       access_key;
    ngx_str_t                       date;
    ngx_str_t                       region;
    ngx_str_t                       service;
    ngx_str_t                       terminator;
    ngx_str_t                       signed_headers;
    ngx_str_t                       signature;

    /* presigned query only (decoded) */
    ngx_str_t                       amz_date;
    ngx_str_t                       security_token;
    ngx_int_t                       expires;       /* -1: absent */

    unsigned                        presigned:1;
} ngx_http_apigw_sigv4_auth_t;


/* a rejection as AWS words it: the x-amzn-ErrorType and the message */

typedef struct {
    ngx_str_t                       type;
    ngx_str_t                       message;
} ngx_http_apigw_sigv4_error_t;


/* lowercase hex SHA-256: 64 characters to out */
/* SHA-256 for EVP_Digest(), looked up once per process */
const EVP_MD *ngx_http_apigw_sigv4_md(void);

void ngx_http_apigw_sigv4_sha256_hex(const u_char *data, size_t len,
    u_char *out);

/* the same of the pieces one after another: a body in several buffers */
void ngx_http_apigw_sigv4_sha256_hex_parts(ngx_str_t *parts, ngx_uint_t n,
    u_char *out);

/*
 * The canonical request over the headers named in signed_headers_filter
 * ("host;x-amz-date", any case and order; a name absent from the request
 * counts as an empty value), or over all the request's headers when it is
 * NULL; signed_headers (may be NULL) gets the sorted list it signed.
 */
ngx_int_t ngx_http_apigw_sigv4_canonical_request(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *signed_headers_filter,
    ngx_str_t *canonical, ngx_str_t *signed_headers);

/* AWS4-HMAC-SHA256 \n amz_date \n date/region/service/aws4_request \n hash */
ngx_int_t ngx_http_apigw_sigv4_string_to_sign(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *canonical,
    ngx_str_t *sts);

/* the day's key (YYYYMMDD), 32 bytes: the one to cache */
void ngx_http_apigw_sigv4_signing_key(ngx_str_t *secret, ngx_str_t *date,
    ngx_str_t *region, ngx_str_t *service, u_char *key);

/* hex HMAC-SHA256 of the string to sign: 64 characters to out */
void ngx_http_apigw_sigv4_signature(const u_char *key, ngx_str_t *sts,
    u_char *out);

/*
 * The Authorization header value for an outgoing request.  The request's
 * headers must include Host and X-Amz-Date (and X-Amz-Security-Token with
 * temporary credentials, X-Amz-Content-SHA256 for S3): they are what is
 * signed, with the filter as in canonical_request().
 */
ngx_int_t ngx_http_apigw_sigv4_sign(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *signed_headers_filter,
    ngx_http_apigw_sigv4_credentials_t *cred, ngx_str_t *authorization);

/*
 * A presigned query: req->query followed by the X-Amz-* parameters (the
 * session token included) and X-Amz-Signature.  For S3 the payload hash
 * is usually "UNSIGNED-PAYLOAD".
 */
ngx_int_t ngx_http_apigw_sigv4_presign(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_str_t *signed_headers_filter,
    ngx_http_apigw_sigv4_credentials_t *cred, ngx_uint_t expires,
    ngx_str_t *query);

/*
 * Verification, in AWS's order: parse (header or query), check, verify.
 * Each returns NGX_OK, NGX_ERROR (no memory), or NGX_DECLINED with err
 * set to AWS's error type and message.
 *
 * parse_authorization(): "date" is the X-Amz-Date (or Date) header value,
 * NULL if the request has neither.
 *
 * parse_query(): NGX_DECLINED with err->type empty when the query has
 * neither X-Amz-Algorithm nor X-Amz-Signature (not presigned).
 */
ngx_int_t ngx_http_apigw_sigv4_parse_authorization(ngx_http_apigw_alloc_t *a,
    ngx_str_t *header, ngx_str_t *date, ngx_http_apigw_sigv4_auth_t *auth,
    ngx_http_apigw_sigv4_error_t *err);
ngx_int_t ngx_http_apigw_sigv4_parse_query(ngx_http_apigw_alloc_t *a,
    ngx_str_t *query, ngx_http_apigw_sigv4_auth_t *auth,
    ngx_http_apigw_sigv4_error_t *err);

/*
 * The date's format (amz_date NULL: the presigned X-Amz-Date), the scope
 * against the expected region and service (NULL: any), Host signed, and
 * the time: within "skew" seconds of "now" (0: no time check), presigned
 * within X-Amz-Expires (a presigned request without X-Amz-Expires gets
 * "skew" as a header would).
 */
ngx_int_t ngx_http_apigw_sigv4_check(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_auth_t *auth, ngx_str_t *amz_date, ngx_str_t *region,
    ngx_str_t *service, time_t now, ngx_uint_t skew,
    ngx_http_apigw_sigv4_error_t *err);

/*
 * Recomputes the signature over the signed headers, with the client's
 * scope, and compares in constant time.  req->amz_date is the X-Amz-Date
 * header (ignored when presigned), req->payload_hash the hash of the body
 * received (or X-Amz-Content-SHA256 for S3); the secret is looked up by
 * auth->access_key.
 */
ngx_int_t ngx_http_apigw_sigv4_verify(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_sigv4_request_t *req, ngx_http_apigw_sigv4_auth_t *auth,
    ngx_http_apigw_sigv4_credentials_t *cred,
    ngx_http_apigw_sigv4_error_t *err);

/* an RFC 1123 Date header to 16 bytes of 20150830T123600Z */
ngx_int_t ngx_http_apigw_sigv4_http_date(ngx_str_t *date, u_char *amz_date);


#endif /* _NGX_HTTP_APIGW_SIGV4_H_INCLUDED_ */
