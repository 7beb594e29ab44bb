
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the IAM policy engine: the policies Lambda authorizers
 * return (AWS's examples), resource policies with IP conditions, NotAction
 * and NotResource, principals, wildcards, explicit deny, and malformed
 * documents that must fail to parse (the caller then denies).
 */


#include <ngx_http_apigw_policy.h>
#include "tap.h"
#include "arena.h"


#define ARN  "arn:aws:execute-api:us-east-1:123456789012:abcdef123/"

#define ALLOW     NGX_HTTP_APIGW_POLICY_ALLOW
#define DENY      NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY
#define IMPLICIT  NGX_HTTP_APIGW_POLICY_IMPLICIT_DENY


static ngx_http_apigw_policy_t *
parse(const char *text)
{
    json_t                   *doc;
    const char               *err;
    ngx_http_apigw_policy_t  *p;

    doc = json_loads(text, JSON_DECODE_ANY, NULL);
    if (doc == NULL) {
        return NULL;
    }

    err = NULL;
    p = ngx_http_apigw_policy_parse(&alloc, doc, &err);
    json_decref(doc);

    return p;
}


static ngx_int_t
eval(ngx_http_apigw_policy_t *p, const char *action, const char *resource,
    const char *principal, const char *ip)
{
    ngx_http_apigw_policy_kv_t       kv[2];
    ngx_http_apigw_policy_request_t  req;

    memset(&req, 0, sizeof(req));

    req.action.data = (u_char *) action;
    req.action.len = strlen(action);
    req.resource.data = (u_char *) resource;
    req.resource.len = strlen(resource);
    req.principal.data = (u_char *) principal;
    req.principal.len = strlen(principal);

    kv[0].key.data = (u_char *) "aws:SourceIp";
    kv[0].key.len = 12;
    kv[0].value.data = (u_char *) ip;
    kv[0].value.len = strlen(ip);
    kv[1].key.data = (u_char *) "aws:username";
    kv[1].key.len = 12;
    kv[1].value.data = (u_char *) "Alice";
    kv[1].value.len = 5;

    req.context = kv;
    req.ncontext = ip[0] ? 2 : 1;

    if (!ip[0]) {
        req.context = &kv[1];
    }

    return ngx_http_apigw_policy_eval(p, &req);
}


static ngx_int_t
eval_aliases(ngx_http_apigw_policy_t *p, const char *principal,
    const char *alias1, const char *alias2)
{
    ngx_str_t                        aliases[2];
    ngx_http_apigw_policy_request_t  req;

    memset(&req, 0, sizeof(req));

    req.action.data = (u_char *) "execute-api:Invoke";
    req.action.len = 18;
    req.resource.data = (u_char *) ARN "x";
    req.resource.len = sizeof(ARN "x") - 1;
    req.principal.data = (u_char *) principal;
    req.principal.len = strlen(principal);

    aliases[0].data = (u_char *) alias1;
    aliases[0].len = strlen(alias1);
    aliases[1].data = (u_char *) alias2;
    aliases[1].len = strlen(alias2);

    req.principal_aliases = aliases;
    req.nprincipal_aliases = 2;

    return ngx_http_apigw_policy_eval(p, &req);
}


static int
match(const char *pattern, const char *value, ngx_uint_t icase)
{
    ngx_str_t  p, v;

    p.data = (u_char *) pattern;
    p.len = strlen(pattern);
    v.data = (u_char *) value;
    v.len = strlen(value);

    return (int) ngx_http_apigw_policy_match(&p, &v, icase);
}


int
main(void)
{
    ngx_http_apigw_policy_t  *p;

    /* wildcards */

    tap_ok(match("*", "", 0), "* matches the empty string");
    tap_ok(match("*", "anything/at/all", 0), "* matches anything");
    tap_ok(match("a*c", "abbbc", 0), "a*c matches abbbc");
    tap_ok(!match("a*c", "abbbd", 0), "a*c does not match abbbd");
    tap_ok(match("a?c", "abc", 0), "? matches one character");
    tap_ok(!match("a?c", "ac", 0), "? does not match nothing");
    tap_ok(match("*/GET/*", "prod/GET/pets/1", 0), "*/GET/* in the middle");
    tap_ok(!match("*/GET/*", "prod/POST/pets/1", 0), "*/GET/* not POST");
    tap_ok(match("a*b*c*d", "axxbyyczzd", 0), "several stars");
    tap_ok(!match("a*b*c*d", "axxbyyczz", 0), "several stars, no end");
    tap_ok(match("execute-api:*", "Execute-API:Invoke", 1),
           "actions without regard to case");
    tap_ok(!match("execute-api:invoke", "execute-api:Invoke", 0),
           "resources with regard to case");
    tap_ok(match("**", "x", 0), "** is *");
    tap_ok(!match("", "x", 0), "the empty pattern matches only empty");

    /* a star jumps to where the literal after it comes next */

    tap_ok(match("a*bc", "abbbbc", 0), "a*bc: the last b of a run");
    tap_ok(match("*:*:*/x/*", "a:b:c:d/e/x/f", 0),
           "stars and separators, the later occurrence");
    tap_ok(!match("a*z", "abcdef", 0), "a*z: no z at all");
    tap_ok(match("a*?z", "abz", 0), "a star then ?");
    tap_ok(!match("*ab", "aaa", 0), "no ab at the end");
    tap_ok(match("*ab", "aaab", 0), "ab at the end after repeats");
    tap_ok(match("*AB*", "xaby", 1), "without regard to case after a star");
    tap_ok(match("arn:*:*/dev/GET/*", "arn:x:y/dev/GET/pets", 0),
           "literal runs between stars");
    tap_ok(!match("arn:*:*/dev/GET/*", "arn:x:y/dev/POST/pets", 0),
           "a run that is not there");
    tap_ok(match("*abc*abc", "abcabcabc", 0), "the last run ends the value");
    tap_ok(!match("*abcabc*abc", "abcabcab", 0), "runs may not overlap");
    tap_ok(match("a*a", "aa", 0), "prefix and suffix, nothing between");
    tap_ok(!match("aa*aa", "aaa", 0), "prefix and suffix may not overlap");
    tap_ok(match("", "", 0) && !match("", "a", 0) && !match("a", "", 0),
           "empty patterns and values");
    tap_ok(match("x*yz*", "xayzbyz", 0), "a trailing star");
    tap_ok(match("*", "", 0) && match("***", "abc", 0), "only stars");
    tap_ok(!match("*b", "", 0), "a run in an empty value");

    /* found by t/fuzz/fuzz_policy: strncasecmp() stopped at a NUL */

    {
        ngx_str_t  pat = { 3, (u_char *) "a\0x" };
        ngx_str_t  val = { 3, (u_char *) "a\0y" };

        tap_ok(!ngx_http_apigw_policy_match(&pat, &val, 1),
               "without regard to case, bytes after a NUL count");

        val.data = (u_char *) "A\0X";
        tap_ok(ngx_http_apigw_policy_match(&pat, &val, 1),
               "without regard to case, a NUL matches a NUL");
    }

    /* AWS's authorizer example: Allow on the method ARN */

    p = parse("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Action\": "
              "\"execute-api:Invoke\", \"Effect\": \"Allow\", \"Resource\": "
              "\"" ARN "test/GET/\"}]}");
    tap_ok(p != NULL, "authorizer policy parses");
    tap_ok(eval(p, "execute-api:Invoke", ARN "test/GET/", "", "") == ALLOW,
           "allowed on its method ARN");
    tap_ok(eval(p, "execute-api:Invoke", ARN "test/POST/", "", "")
           == IMPLICIT, "implicitly denied on another method");
    tap_ok(eval(p, "execute-api:InvalidateCache", ARN "test/GET/", "", "")
           == IMPLICIT, "another action is not allowed");

    /* one statement object, wildcards, explicit deny wins */

    p = parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": "
              "\"execute-api:*\", \"Resource\": \"" ARN "*\"}, {\"Effect\": "
              "\"Deny\", \"Action\": [\"execute-api:Invoke\"], \"Resource\": "
              "[\"" ARN "*/DELETE/*\", \"" ARN "prod/*/admin*\"]}]}");
    tap_ok(p != NULL, "allow and deny parse");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/pets", "", "")
           == ALLOW, "allowed by the wildcard");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/DELETE/pets/1", "", "")
           == DENY, "explicit deny wins over allow");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/admin/users", "", "")
           == DENY, "explicit deny by the second resource");
    tap_ok(eval(p, "execute-api:Invoke",
                "arn:aws:execute-api:us-east-1:999999999999:other/prod/GET/",
                "", "") == IMPLICIT, "another API is not allowed");

    p = parse("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": "
              "\"execute-api:Invoke\", \"Resource\": \"" ARN "dev/GET/"
              "pets/?\"}}");
    tap_ok(p != NULL, "Statement as one object");
    tap_ok(eval(p, "execute-api:Invoke", ARN "dev/GET/pets/7", "", "")
           == ALLOW, "? matches one character");
    tap_ok(eval(p, "execute-api:Invoke", ARN "dev/GET/pets/77", "", "")
           == IMPLICIT, "? does not match two");

    /* NotAction, NotResource */

    p = parse("{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": "
              "\"execute-api:InvalidateCache\", \"NotResource\": \"" ARN
              "*/DELETE/*\"}]}");
    tap_ok(p != NULL, "NotAction and NotResource parse");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/x", "", "") == ALLOW,
           "NotAction/NotResource allow the rest");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/DELETE/x", "", "")
           == IMPLICIT, "NotResource leaves DELETE out");
    tap_ok(eval(p, "execute-api:InvalidateCache", ARN "prod/GET/x", "", "")
           == IMPLICIT, "NotAction leaves InvalidateCache out");

    /* a resource policy: IP allow list, deny outside it */

    p = parse("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": "
              "\"Allow\", \"Principal\": \"*\", \"Action\": "
              "\"execute-api:Invoke\", \"Resource\": \"execute-api:/*\"}, "
              "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": "
              "\"execute-api:Invoke\", \"Resource\": \"" ARN "*\"}, "
              "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": "
              "\"execute-api:Invoke\", \"Resource\": \"" ARN "*\", "
              "\"Condition\": {\"NotIpAddress\": {\"aws:SourceIp\": "
              "[\"192.0.2.0/24\", \"198.51.100.7\", \"2001:db8::/32\"]}}}]}");
    tap_ok(p != NULL, "a resource policy with IP conditions parses");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/", "", "192.0.2.44")
           == ALLOW, "inside the /24");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/", "", "192.0.3.1")
           == DENY, "outside the /24");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/", "",
                "198.51.100.7") == ALLOW, "a single address");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/", "",
                "198.51.100.8") == DENY, "the next address");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/", "",
                "2001:db8:1::5") == ALLOW, "IPv6 inside");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/", "", "2001:db9::1")
           == DENY, "IPv6 outside");
    tap_ok(eval(p, "execute-api:Invoke", ARN "prod/GET/", "", "")
           == DENY, "no source IP: the negated condition holds");

    p = parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": "
              "\"*\", \"Action\": \"execute-api:Invoke\", \"Resource\": \"*\","
              " \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": "
              "\"10.0.0.0/9\"}}}]}");
    tap_ok(p != NULL, "IpAddress parses");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x", "", "10.127.255.255")
           == ALLOW, "/9 upper bound");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x", "", "10.128.0.0")
           == IMPLICIT, "/9 excludes the next bit");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x", "", "")
           == IMPLICIT, "no source IP: the positive condition fails");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x", "", "not-an-ip")
           == IMPLICIT, "a bad source IP never matches");

    /* principals */

    p = parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": "
              "{\"AWS\": [\"arn:aws:iam::123456789012:user/alice\", "
              "\"arn:aws:iam::123456789012:role/*\"]}, \"Action\": "
              "\"execute-api:Invoke\", \"Resource\": \"*\"}]}");
    tap_ok(p != NULL, "AWS principals parse");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x",
                "arn:aws:iam::123456789012:user/alice", "") == ALLOW,
           "the named user");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x",
                "arn:aws:iam::123456789012:role/ops", "") == ALLOW,
           "a role by wildcard");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x",
                "arn:aws:iam::123456789012:user/bob", "") == IMPLICIT,
           "another user");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x", "", "") == IMPLICIT,
           "an anonymous caller");

    /* a caller is also its account: Principal {"AWS": ACCOUNT} */

    p = parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": "
              "{\"AWS\": \"111122223333\"}, \"Action\": "
              "\"execute-api:Invoke\", \"Resource\": \"*\"}, "
              "{\"Effect\": \"Deny\", \"Principal\": {\"AWS\": "
              "\"arn:aws:iam::444455556666:root\"}, \"Action\": \"*\", "
              "\"Resource\": \"*\"}]}");
    tap_ok(p != NULL, "account principals parse");
    tap_ok(eval_aliases(p, "arn:aws:iam::111122223333:user/carol",
                        "111122223333", "arn:aws:iam::111122223333:root")
           == ALLOW, "a user of an allowed account, by its account id");
    tap_ok(eval_aliases(p, "arn:aws:iam::444455556666:user/dave",
                        "444455556666", "arn:aws:iam::444455556666:root")
           == DENY, "a user of a denied account, by its root ARN");
    tap_ok(eval_aliases(p, "arn:aws:iam::777788889999:user/erin",
                        "777788889999", "arn:aws:iam::777788889999:root")
           == IMPLICIT, "a user of another account");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x",
                "arn:aws:iam::111122223333:user/carol", "") == IMPLICIT,
           "without its aliases the account does not match");

    /* string conditions */

    p = parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
              " \"Resource\": \"*\", \"Condition\": {\"StringEquals\": "
              "{\"aws:username\": \"Alice\"}, \"StringLike\": "
              "{\"aws:username\": \"A*\"}}}, {\"Effect\": \"Deny\", "
              "\"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
              "{\"StringNotEqualsIgnoreCase\": {\"aws:username\": "
              "[\"alice\", \"bob\"]}}}]}");
    tap_ok(p != NULL, "string conditions parse");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x", "", "") == ALLOW,
           "all conditions of a statement hold");

    p = parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
              " \"Resource\": \"*\", \"Condition\": {\"StringEquals\": "
              "{\"aws:username\": \"alice\"}}}]}");
    tap_ok(eval(p, "execute-api:Invoke", ARN "x", "", "") == IMPLICIT,
           "StringEquals is case-sensitive");

    /* found by reading beside the fuzzer: inet_pton() stops at a NUL */

    p = parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
              " \"Resource\": \"*\", \"Condition\": {\"IpAddress\": "
              "{\"aws:SourceIp\": \"10.0.0.0/8\"}}}]}");

    {
        ngx_http_apigw_policy_kv_t       kv;
        ngx_http_apigw_policy_request_t  req;

        memset(&req, 0, sizeof(req));
        ngx_str_set(&req.action, "execute-api:Invoke");
        ngx_str_set(&req.resource, ARN "x");
        ngx_str_set(&kv.key, "aws:SourceIp");
        ngx_str_set(&kv.value, "10.1.2.3");
        req.context = &kv;
        req.ncontext = 1;

        tap_ok(p && ngx_http_apigw_policy_eval(p, &req) == ALLOW,
               "IpAddress: 10.1.2.3 in 10.0.0.0/8");

        ngx_str_set(&kv.value, "10.1.2.3\0junk");
        tap_ok(ngx_http_apigw_policy_eval(p, &req) == IMPLICIT,
               "IpAddress: an address with a NUL in it is none");
    }

    /* a document given as a JSON string, as authorizers may send it */

    p = parse("\"{\\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\", "
              "\\\"Action\\\": \\\"execute-api:Invoke\\\", \\\"Resource\\\": "
              "\\\"*\\\"}]}\"");
    tap_ok(p != NULL && eval(p, "execute-api:Invoke", ARN "x", "", "")
           == ALLOW, "a policy document in a JSON string");

    /* malformed: the caller must deny */

    tap_ok(parse("[]") == NULL, "not an object");
    tap_ok(parse("{}") == NULL, "no Statement");
    tap_ok(parse("{\"Statement\": 7}") == NULL, "Statement not a list");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"allow\", \"Action\": "
                 "\"*\", \"Resource\": \"*\"}]}") == NULL,
           "Effect is case-sensitive");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": "
                 "\"*\"}]}") == NULL, "no Action");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": "
                 "\"*\", \"NotAction\": \"x\", \"Resource\": \"*\"}]}")
           == NULL, "Action and NotAction");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": "
                 "\"*\"}]}") == NULL, "no Resource");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": "
                 "[], \"Resource\": \"*\"}]}") == NULL, "an empty list");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": "
                 "[1], \"Resource\": \"*\"}]}") == NULL, "a number");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": "
                 "\"*\", \"Resource\": \"*\", \"Condition\": "
                 "{\"DateGreaterThan\": {\"aws:CurrentTime\": \"x\"}}}]}")
           == NULL, "an unsupported condition operator");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": "
                 "\"*\", \"Resource\": \"*\", \"Condition\": "
                 "{\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/33\"}}}]}")
           == NULL, "a bad CIDR");
    tap_ok(parse("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": "
                 "\"someone\", \"Action\": \"*\", \"Resource\": \"*\"}]}")
           == NULL, "a bad Principal");
    tap_ok(parse("\"not json\"") == NULL, "a string that is not JSON");
    tap_ok(ngx_http_apigw_policy_eval(NULL, NULL) == IMPLICIT,
           "no policy denies");

    ngx_http_apigw_test_free_all();

    return tap_done();
}
