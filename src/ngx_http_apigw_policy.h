
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * IAM policies as API Gateway evaluates them, a pure engine (see
 * docs/dev/engines.md): the policies of Lambda authorizers, the identity
 * policies of IAM (SigV4) callers and resource policies.  Statements
 * Allow or Deny actions ("execute-api:Invoke") on resources
 * ("arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH") with "*"
 * and "?" wildcards, optionally for principals and under conditions;
 * an explicit Deny wins, and what no statement allows is denied.
 */


#ifndef _NGX_HTTP_APIGW_POLICY_H_INCLUDED_
#define _NGX_HTTP_APIGW_POLICY_H_INCLUDED_


#include <ngx_http_apigw_engine.h>
#include <jansson.h>


#define NGX_HTTP_APIGW_POLICY_IMPLICIT_DENY  0
#define NGX_HTTP_APIGW_POLICY_ALLOW          1
#define NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY  2

/* bounds of what a policy may hold: an authorizer's is untrusted input */
#define NGX_HTTP_APIGW_POLICY_MAX_STATEMENTS  1000
#define NGX_HTTP_APIGW_POLICY_MAX_VALUES      1000   /* per element */
#define NGX_HTTP_APIGW_POLICY_MAX_PATTERN     4096   /* bytes */


typedef struct ngx_http_apigw_policy_s  ngx_http_apigw_policy_t;


/* a condition key's value in the request: aws:SourceIp, ... */
typedef struct {
    ngx_str_t                   key;
    ngx_str_t                   value;
} ngx_http_apigw_policy_kv_t;


typedef struct {
    ngx_str_t                   action;     /* "execute-api:Invoke" */
    ngx_str_t                   resource;   /* the method ARN */

    /* another name of it, e.g. "execute-api:/STAGE/METHOD/PATH" */
    ngx_str_t                   resource_alias;

    /*
     * the caller, for policies with Principal: "*" matches anyone; an
     * empty principal matches only "*"
     */
    ngx_str_t                   principal;

    /*
     * the caller's other names: a signed caller is also its account
     * ("123456789012", "arn:aws:iam::123456789012:root")
     */
    ngx_str_t                  *principal_aliases;
    ngx_uint_t                  nprincipal_aliases;

    ngx_http_apigw_policy_kv_t *context;    /* condition keys */
    ngx_uint_t                  ncontext;
} ngx_http_apigw_policy_request_t;


/*
 * parses a policy document (a JSON object, or a JSON string holding one,
 * as authorizers may return it); NULL with *err set on a malformed or
 * unsupported policy: the caller must then deny
 */
ngx_http_apigw_policy_t *ngx_http_apigw_policy_parse(
    ngx_http_apigw_alloc_t *a, json_t *doc, const char **err);

/* IMPLICIT_DENY, ALLOW or EXPLICIT_DENY */
ngx_int_t ngx_http_apigw_policy_eval(ngx_http_apigw_policy_t *policy,
    ngx_http_apigw_policy_request_t *req);

/* "*" any run, "?" one character; icase for actions */
ngx_uint_t ngx_http_apigw_policy_match(ngx_str_t *pattern, ngx_str_t *value,
    ngx_uint_t icase);


#endif /* _NGX_HTTP_APIGW_POLICY_H_INCLUDED_ */
