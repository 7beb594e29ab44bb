
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * IAM policy evaluation (see ngx_http_apigw_policy.h): parsed once into
 * statements of string lists, CIDRs and operators, evaluated per request
 * without allocating.
 */


#include "ngx_http_apigw_policy.h"

#include <arpa/inet.h>


typedef struct {
    ngx_str_t                  *elts;
    ngx_uint_t                  nelts;
} ngx_http_apigw_policy_list_t;


typedef enum {
    NGX_HTTP_APIGW_COND_IP = 0,
    NGX_HTTP_APIGW_COND_STRING_EQUALS,
    NGX_HTTP_APIGW_COND_STRING_EQUALS_ICASE,
    NGX_HTTP_APIGW_COND_STRING_LIKE
} ngx_http_apigw_cond_op_e;


typedef struct {
    u_char                      addr[16];
    ngx_uint_t                  family;     /* 4 or 6 */
    ngx_uint_t                  prefix;     /* bits */
} ngx_http_apigw_cidr_t;


typedef struct {
    ngx_http_apigw_cond_op_e    op;
    ngx_uint_t                  negated;
    ngx_str_t                   key;
    ngx_http_apigw_policy_list_t  values;
    ngx_http_apigw_cidr_t      *cidrs;
} ngx_http_apigw_cond_t;


typedef struct {
    ngx_uint_t                  deny;
    ngx_http_apigw_policy_list_t  actions;
    ngx_http_apigw_policy_list_t  resources;
    ngx_http_apigw_policy_list_t  principals;
    ngx_http_apigw_cond_t      *conds;
    ngx_uint_t                  nconds;
    unsigned                    not_action:1;
    unsigned                    not_resource:1;
    unsigned                    has_principal:1;
    unsigned                    not_principal:1;
} ngx_http_apigw_statement_t;


struct ngx_http_apigw_policy_s {
    ngx_http_apigw_statement_t *statements;
    ngx_uint_t                  nstatements;
};


typedef struct {
    const char                 *name;
    ngx_http_apigw_cond_op_e    op;
    ngx_uint_t                  negated;
} ngx_http_apigw_cond_name_t;


static ngx_http_apigw_cond_name_t  ngx_http_apigw_cond_names[] = {
    { "IpAddress", NGX_HTTP_APIGW_COND_IP, 0 },
    { "NotIpAddress", NGX_HTTP_APIGW_COND_IP, 1 },
    { "StringEquals", NGX_HTTP_APIGW_COND_STRING_EQUALS, 0 },
    { "StringNotEquals", NGX_HTTP_APIGW_COND_STRING_EQUALS, 1 },
    { "StringEqualsIgnoreCase", NGX_HTTP_APIGW_COND_STRING_EQUALS_ICASE, 0 },
    { "StringNotEqualsIgnoreCase", NGX_HTTP_APIGW_COND_STRING_EQUALS_ICASE,
      1 },
    { "StringLike", NGX_HTTP_APIGW_COND_STRING_LIKE, 0 },
    { "StringNotLike", NGX_HTTP_APIGW_COND_STRING_LIKE, 1 },
    { NULL, 0, 0 }
};


static ngx_int_t ngx_http_apigw_policy_statement(ngx_http_apigw_alloc_t *a,
    json_t *j, ngx_http_apigw_statement_t *st, const char **err);
static ngx_int_t ngx_http_apigw_policy_strings(ngx_http_apigw_alloc_t *a,
    json_t *j, ngx_http_apigw_policy_list_t *list, const char **err);
static ngx_int_t ngx_http_apigw_policy_principal(ngx_http_apigw_alloc_t *a,
    json_t *j, ngx_http_apigw_statement_t *st, const char **err);
static ngx_int_t ngx_http_apigw_policy_conditions(ngx_http_apigw_alloc_t *a,
    json_t *j, ngx_http_apigw_statement_t *st, const char **err);
static ngx_int_t ngx_http_apigw_policy_cidr(ngx_str_t *s,
    ngx_http_apigw_cidr_t *cidr);
static ngx_uint_t ngx_http_apigw_policy_any(ngx_http_apigw_policy_list_t *l,
    ngx_str_t *value, ngx_uint_t icase);
static ngx_uint_t ngx_http_apigw_policy_cond(ngx_http_apigw_cond_t *c,
    ngx_http_apigw_policy_request_t *req);
static ngx_uint_t ngx_http_apigw_policy_cond_value(ngx_http_apigw_cond_t *c,
    ngx_str_t *value);
static ngx_uint_t ngx_http_apigw_policy_match_stars(u_char *p, u_char *pe,
    u_char *v, u_char *ve);
static ngx_uint_t ngx_http_apigw_policy_caseeq(u_char *s1, u_char *s2,
    size_t n);


ngx_http_apigw_policy_t *
ngx_http_apigw_policy_parse(ngx_http_apigw_alloc_t *a, json_t *doc,
    const char **err)
{
    json_t                   *parsed, *stmts, *s;
    size_t                    i, n;
    ngx_http_apigw_policy_t  *p;

    parsed = NULL;

    if (json_is_string(doc)) {
        /* a policy document sent as a JSON string */

        parsed = json_loadb(json_string_value(doc), json_string_length(doc),
                            0, NULL);
        if (parsed == NULL) {
            *err = "the policy document is not JSON";
            return NULL;
        }

        doc = parsed;
    }

    p = NULL;

    if (!json_is_object(doc)) {
        *err = "the policy document is not an object";
        goto done;
    }

    stmts = json_object_get(doc, "Statement");

    if (json_is_object(stmts)) {
        n = 1;

    } else if (json_is_array(stmts)) {
        n = json_array_size(stmts);

    } else {
        *err = "no Statement in the policy document";
        goto done;
    }

    if (n > NGX_HTTP_APIGW_POLICY_MAX_STATEMENTS) {
        *err = "too many statements";
        goto done;
    }

    p = ngx_http_apigw_alloc(a, sizeof(ngx_http_apigw_policy_t));
    if (p == NULL) {
        *err = "out of memory";
        goto done;
    }

    p->nstatements = n;
    p->statements = ngx_http_apigw_alloc(a, (n ? n : 1)
                                         * sizeof(ngx_http_apigw_statement_t));
    if (p->statements == NULL) {
        *err = "out of memory";
        p = NULL;
        goto done;
    }

    for (i = 0; i < n; i++) {
        s = json_is_array(stmts) ? json_array_get(stmts, i) : stmts;

        if (ngx_http_apigw_policy_statement(a, s, &p->statements[i], err)
            != NGX_OK)
        {
            p = NULL;
            goto done;
        }
    }

done:

    json_decref(parsed);

    return p;
}


static ngx_int_t
ngx_http_apigw_policy_statement(ngx_http_apigw_alloc_t *a, json_t *j,
    ngx_http_apigw_statement_t *st, const char **err)
{
    json_t      *effect, *v;
    const char  *e;

    ngx_memzero(st, sizeof(ngx_http_apigw_statement_t));

    if (!json_is_object(j)) {
        *err = "a statement is not an object";
        return NGX_ERROR;
    }

    effect = json_object_get(j, "Effect");
    e = json_is_string(effect) ? json_string_value(effect) : "";

    if (strcmp(e, "Allow") == 0) {
        st->deny = 0;

    } else if (strcmp(e, "Deny") == 0) {
        st->deny = 1;

    } else {
        *err = "a statement's Effect is neither Allow nor Deny";
        return NGX_ERROR;
    }

    v = json_object_get(j, "Action");

    if (v == NULL) {
        v = json_object_get(j, "NotAction");
        st->not_action = 1;
    }

    if (v == NULL || (json_object_get(j, "NotAction") && !st->not_action)) {
        *err = "a statement needs one of Action and NotAction";
        return NGX_ERROR;
    }

    if (ngx_http_apigw_policy_strings(a, v, &st->actions, err) != NGX_OK) {
        return NGX_ERROR;
    }

    v = json_object_get(j, "Resource");

    if (v == NULL) {
        v = json_object_get(j, "NotResource");
        st->not_resource = 1;
    }

    if (v == NULL
        || (json_object_get(j, "NotResource") && !st->not_resource))
    {
        *err = "a statement needs one of Resource and NotResource";
        return NGX_ERROR;
    }

    if (ngx_http_apigw_policy_strings(a, v, &st->resources, err) != NGX_OK) {
        return NGX_ERROR;
    }

    v = json_object_get(j, "Principal");

    if (v == NULL && (v = json_object_get(j, "NotPrincipal")) != NULL) {
        st->not_principal = 1;
    }

    if (v && ngx_http_apigw_policy_principal(a, v, st, err) != NGX_OK) {
        return NGX_ERROR;
    }

    v = json_object_get(j, "Condition");

    if (v && ngx_http_apigw_policy_conditions(a, v, st, err) != NGX_OK) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* a string or an array of strings */

static ngx_int_t
ngx_http_apigw_policy_strings(ngx_http_apigw_alloc_t *a, json_t *j,
    ngx_http_apigw_policy_list_t *list, const char **err)
{
    json_t  *v;
    size_t   i, n;

    n = json_is_array(j) ? json_array_size(j) : 1;

    if (n == 0 || n > NGX_HTTP_APIGW_POLICY_MAX_VALUES) {
        *err = "an empty or too long list";
        return NGX_ERROR;
    }

    list->nelts = n;
    list->elts = ngx_http_apigw_alloc(a, n * sizeof(ngx_str_t));
    if (list->elts == NULL) {
        *err = "out of memory";
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        v = json_is_array(j) ? json_array_get(j, i) : j;

        if (!json_is_string(v)
            || json_string_length(v) > NGX_HTTP_APIGW_POLICY_MAX_PATTERN)
        {
            *err = "a value is not a string";
            return NGX_ERROR;
        }

        list->elts[i].len = json_string_length(v);
        list->elts[i].data = ngx_http_apigw_alloc(a, list->elts[i].len + 1);
        if (list->elts[i].data == NULL) {
            *err = "out of memory";
            return NGX_ERROR;
        }

        ngx_memcpy(list->elts[i].data, json_string_value(v),
                   list->elts[i].len);
    }

    return NGX_OK;
}


/* "*" or {"AWS": ...}: who a resource policy speaks of */

static ngx_int_t
ngx_http_apigw_policy_principal(ngx_http_apigw_alloc_t *a, json_t *j,
    ngx_http_apigw_statement_t *st, const char **err)
{
    json_t  *aws;

    st->has_principal = 1;

    if (json_is_string(j)) {
        if (strcmp(json_string_value(j), "*") != 0) {
            *err = "a Principal string other than \"*\"";
            return NGX_ERROR;
        }

        return ngx_http_apigw_policy_strings(a, j, &st->principals, err);
    }

    aws = json_is_object(j) ? json_object_get(j, "AWS") : NULL;

    if (aws == NULL || json_object_size(j) != 1) {
        *err = "a Principal other than \"*\" or {\"AWS\": ...}";
        return NGX_ERROR;
    }

    return ngx_http_apigw_policy_strings(a, aws, &st->principals, err);
}


/* {"IpAddress": {"aws:SourceIp": [...]}, "StringEquals": {...}, ...} */

static ngx_int_t
ngx_http_apigw_policy_conditions(ngx_http_apigw_alloc_t *a, json_t *j,
    ngx_http_apigw_statement_t *st, const char **err)
{
    json_t                      *keys, *values;
    size_t                       n;
    ngx_uint_t                   k;
    const char                  *op, *key;
    ngx_http_apigw_cond_t       *c;
    ngx_http_apigw_cond_name_t  *name;

    if (!json_is_object(j)) {
        *err = "a Condition is not an object";
        return NGX_ERROR;
    }

    n = 0;

    json_object_foreach(j, op, keys) {
        if (!json_is_object(keys)) {
            *err = "a condition operator's value is not an object";
            return NGX_ERROR;
        }

        n += json_object_size(keys);
    }

    if (n > NGX_HTTP_APIGW_POLICY_MAX_VALUES) {
        *err = "too many conditions";
        return NGX_ERROR;
    }

    st->conds = ngx_http_apigw_alloc(a, (n ? n : 1)
                                     * sizeof(ngx_http_apigw_cond_t));
    if (st->conds == NULL) {
        *err = "out of memory";
        return NGX_ERROR;
    }

    json_object_foreach(j, op, keys) {

        for (name = ngx_http_apigw_cond_names; name->name; name++) {
            if (strcmp(name->name, op) == 0) {
                break;
            }
        }

        if (name->name == NULL) {
            *err = "an unsupported condition operator";
            return NGX_ERROR;
        }

        json_object_foreach(keys, key, values) {
            c = &st->conds[st->nconds++];
            ngx_memzero(c, sizeof(ngx_http_apigw_cond_t));

            c->op = name->op;
            c->negated = name->negated;
            c->key.len = strlen(key);
            c->key.data = ngx_http_apigw_alloc(a, c->key.len + 1);
            if (c->key.data == NULL) {
                *err = "out of memory";
                return NGX_ERROR;
            }

            ngx_memcpy(c->key.data, key, c->key.len);

            if (ngx_http_apigw_policy_strings(a, values, &c->values, err)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (c->op != NGX_HTTP_APIGW_COND_IP) {
                continue;
            }

            c->cidrs = ngx_http_apigw_alloc(a, c->values.nelts
                                            * sizeof(ngx_http_apigw_cidr_t));
            if (c->cidrs == NULL) {
                *err = "out of memory";
                return NGX_ERROR;
            }

            for (k = 0; k < c->values.nelts; k++) {
                if (ngx_http_apigw_policy_cidr(&c->values.elts[k],
                                               &c->cidrs[k])
                    != NGX_OK)
                {
                    *err = "an invalid IP address or CIDR block";
                    return NGX_ERROR;
                }
            }
        }
    }

    return NGX_OK;
}


/* "192.0.2.0/24", "2001:db8::/32", a single address */

static ngx_int_t
ngx_http_apigw_policy_cidr(ngx_str_t *s, ngx_http_apigw_cidr_t *cidr)
{
    u_char      *slash;
    char         text[64];
    size_t       len;
    ngx_uint_t   i, max;

    if (s->len == 0 || s->len >= sizeof(text)) {
        return NGX_ERROR;
    }

    slash = memchr(s->data, '/', s->len);
    len = slash ? (size_t) (slash - s->data) : s->len;

    ngx_memcpy(text, s->data, len);
    text[len] = '\0';

    ngx_memzero(cidr, sizeof(ngx_http_apigw_cidr_t));

    if (inet_pton(AF_INET, text, cidr->addr) == 1) {
        cidr->family = 4;
        max = 32;

    } else if (inet_pton(AF_INET6, text, cidr->addr) == 1) {
        cidr->family = 6;
        max = 128;

    } else {
        return NGX_ERROR;
    }

    cidr->prefix = max;

    if (slash) {
        if (slash + 1 == s->data + s->len) {
            return NGX_ERROR;
        }

        cidr->prefix = 0;

        for (i = (slash - s->data) + 1; i < s->len; i++) {
            if (s->data[i] < '0' || s->data[i] > '9') {
                return NGX_ERROR;
            }

            cidr->prefix = cidr->prefix * 10 + (s->data[i] - '0');

            if (cidr->prefix > max) {
                return NGX_ERROR;
            }
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_policy_eval(ngx_http_apigw_policy_t *policy,
    ngx_http_apigw_policy_request_t *req)
{
    ngx_int_t                    result;
    ngx_uint_t                   i, k, m;
    ngx_str_t                    star;
    ngx_http_apigw_statement_t  *st;

    result = NGX_HTTP_APIGW_POLICY_IMPLICIT_DENY;

    if (policy == NULL) {
        return result;
    }

    ngx_str_set(&star, "*");

    for (i = 0; i < policy->nstatements; i++) {
        st = &policy->statements[i];

        /* actions match without regard to case, resources with it */

        m = ngx_http_apigw_policy_any(&st->actions, &req->action, 1);
        if (m == st->not_action) {
            continue;
        }

        m = ngx_http_apigw_policy_any(&st->resources, &req->resource, 0)
            || (req->resource_alias.len
                && ngx_http_apigw_policy_any(&st->resources,
                                             &req->resource_alias, 0));
        if (m == st->not_resource) {
            continue;
        }

        if (st->has_principal) {
            m = ngx_http_apigw_policy_any(&st->principals, &star, 0)
                || (req->principal.len
                    && ngx_http_apigw_policy_any(&st->principals,
                                                 &req->principal, 0));

            for (k = 0; !m && k < req->nprincipal_aliases; k++) {
                m = ngx_http_apigw_policy_any(&st->principals,
                                              &req->principal_aliases[k], 0);
            }

            if (m == st->not_principal) {
                continue;
            }
        }

        for (k = 0; k < st->nconds; k++) {
            if (!ngx_http_apigw_policy_cond(&st->conds[k], req)) {
                break;
            }
        }

        if (k < st->nconds) {
            continue;
        }

        if (st->deny) {
            return NGX_HTTP_APIGW_POLICY_EXPLICIT_DENY;
        }

        result = NGX_HTTP_APIGW_POLICY_ALLOW;
    }

    return result;
}


static ngx_uint_t
ngx_http_apigw_policy_any(ngx_http_apigw_policy_list_t *l, ngx_str_t *value,
    ngx_uint_t icase)
{
    ngx_uint_t  i;

    for (i = 0; i < l->nelts; i++) {
        if (ngx_http_apigw_policy_match(&l->elts[i], value, icase)) {
            return 1;
        }
    }

    return 0;
}


/*
 * A condition holds when the request's value of its key matches one of
 * its values; a negated operator holds when none does.  A key absent
 * from the request: a positive operator fails, a negated one holds, as
 * IAM evaluates them.
 */

static ngx_uint_t
ngx_http_apigw_policy_cond(ngx_http_apigw_cond_t *c,
    ngx_http_apigw_policy_request_t *req)
{
    ngx_uint_t  i;

    for (i = 0; i < req->ncontext; i++) {
        if (req->context[i].key.len == c->key.len
            && ngx_http_apigw_policy_caseeq(req->context[i].key.data,
                                            c->key.data, c->key.len))
        {
            return ngx_http_apigw_policy_cond_value(c,
                                                    &req->context[i].value)
                   != c->negated;
        }
    }

    return c->negated;
}


static ngx_uint_t
ngx_http_apigw_policy_cond_value(ngx_http_apigw_cond_t *c, ngx_str_t *value)
{
    u_char                  addr[16], mask;
    char                    text[64];
    ngx_uint_t              i, family, bytes, bits;
    ngx_http_apigw_cidr_t  *cidr;

    switch (c->op) {

    case NGX_HTTP_APIGW_COND_IP:

        /* inet_pton() would stop at a NUL and read "1.2.3.4\0junk" */

        if (value->len == 0 || value->len >= sizeof(text)
            || memchr(value->data, '\0', value->len))
        {
            return 0;
        }

        ngx_memcpy(text, value->data, value->len);
        text[value->len] = '\0';

        if (inet_pton(AF_INET, text, addr) == 1) {
            family = 4;

        } else if (inet_pton(AF_INET6, text, addr) == 1) {
            family = 6;

        } else {
            return 0;
        }

        for (i = 0; i < c->values.nelts; i++) {
            cidr = &c->cidrs[i];

            if (cidr->family != family) {
                continue;
            }

            bytes = cidr->prefix / 8;
            bits = cidr->prefix % 8;

            if (memcmp(addr, cidr->addr, bytes) != 0) {
                continue;
            }

            if (bits) {
                mask = (u_char) (0xff << (8 - bits));

                if ((addr[bytes] & mask) != (cidr->addr[bytes] & mask)) {
                    continue;
                }
            }

            return 1;
        }

        return 0;

    case NGX_HTTP_APIGW_COND_STRING_EQUALS:
    case NGX_HTTP_APIGW_COND_STRING_EQUALS_ICASE:

        for (i = 0; i < c->values.nelts; i++) {
            if (c->values.elts[i].len != value->len) {
                continue;
            }

            if (c->op == NGX_HTTP_APIGW_COND_STRING_EQUALS
                ? memcmp(c->values.elts[i].data, value->data,
                             value->len) == 0
                : ngx_http_apigw_policy_caseeq(c->values.elts[i].data,
                                               value->data, value->len))
            {
                return 1;
            }
        }

        return 0;

    default: /* NGX_HTTP_APIGW_COND_STRING_LIKE */
        return ngx_http_apigw_policy_any(&c->values, value, 0);
    }
}


/*
 * "*" the only wildcard, case kept (resources, usually): the literal
 * runs between stars found in order with the C library's searches; the
 * leftmost place of each is as good as any, the last run ends the value
 */

static ngx_uint_t
ngx_http_apigw_policy_match_stars(u_char *p, u_char *pe, u_char *v,
    u_char *ve)
{
    size_t   n;
    u_char  *star, *last;

    if (p == pe) {
        return v == ve;
    }

    star = memchr(p, '*', pe - p);

    if (star == NULL) {
        return (pe - p == ve - v) && memcmp(p, v, pe - p) == 0;
    }

    n = star - p;

    if ((size_t) (ve - v) < n || memcmp(p, v, n) != 0) {
        return 0;
    }

    v += n;
    p = star;

    for ( ;; ) {
        while (p < pe && *p == '*') {
            p++;
        }

        if (p == pe) {
            return 1;
        }

        star = memchr(p, '*', pe - p);

        if (star == NULL) {
            n = pe - p;
            return (size_t) (ve - v) >= n && memcmp(ve - n, p, n) == 0;
        }

        n = star - p;

        if ((size_t) (ve - v) < n) {
            return 0;
        }

        /* the run's first place in the rest of the value */

        for (last = ve - n; v <= last; v++) {
            v = memchr(v, *p, last - v + 1);

            if (v == NULL) {
                return 0;
            }

            if (memcmp(v, p, n) == 0) {
                break;
            }
        }

        if (v > last) {
            return 0;
        }

        v += n;
        p = star;
    }
}


/* glob matching, "*" and "?", in linear space and quadratic time at worst */

ngx_uint_t
ngx_http_apigw_policy_match(ngx_str_t *pattern, ngx_str_t *value,
    ngx_uint_t icase)
{
    u_char  *p, *pe, *v, *ve, *star_p, *star_v, pc, vc;

    p = pattern->data;
    pe = p + pattern->len;
    v = value->data;
    ve = v + value->len;
    star_p = NULL;
    star_v = NULL;

    if (icase) {
        /* "execute-api:Invoke" itself, the usual action */

        if (pattern->len == value->len
            && ngx_http_apigw_policy_caseeq(p, v, value->len))
        {
            return 1;
        }

    } else if (memchr(p, '?', pe - p) == NULL) {
        return ngx_http_apigw_policy_match_stars(p, pe, v, ve);
    }

    while (v < ve) {
        if (p < pe && *p == '*') {
            star_p = ++p;
            star_v = v;
            continue;
        }

        if (p < pe) {
            pc = *p;
            vc = *v;

            if (icase) {
                pc = (pc >= 'A' && pc <= 'Z') ? pc | 0x20 : pc;
                vc = (vc >= 'A' && vc <= 'Z') ? vc | 0x20 : vc;
            }

            if (pc == '?' || pc == vc) {
                p++;
                v++;
                continue;
            }
        }

        if (star_p == NULL) {
            return 0;
        }

        p = star_p;
        v = ++star_v;

        /*
         * the star takes all up to where the literal after it comes
         * next: the positions before fail at once anyway
         */

        if (p < pe && *p != '*' && *p != '?' && !icase) {
            v = memchr(v, *p, ve - v);

            if (v == NULL) {
                return 0;
            }

            star_v = v;
        }
    }

    while (p < pe && *p == '*') {
        p++;
    }

    return p == pe;
}


/*
 * ASCII case-insensitive equality of n bytes: strncasecmp() stops at a
 * NUL, so "a\0x" would equal "a\0y", and the strings here are lengths,
 * not C strings
 */

static ngx_uint_t
ngx_http_apigw_policy_caseeq(u_char *s1, u_char *s2, size_t n)
{
    u_char  c1, c2;

    while (n--) {
        c1 = *s1++;
        c2 = *s2++;

        c1 = (c1 >= 'A' && c1 <= 'Z') ? (c1 | 0x20) : c1;
        c2 = (c2 >= 'A' && c2 <= 'Z') ? (c2 | 0x20) : c2;

        if (c1 != c2) {
            return 0;
        }
    }

    return 1;
}
