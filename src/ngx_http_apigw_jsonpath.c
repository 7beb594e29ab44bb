
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * JSONPath: a compiler into a small tree (allocated from the allocator)
 * and an evaluator over the engines' JSON values (ngx_http_apigw_jv_t).
 *
 * The evaluator never recurses over the document: a node list is carried
 * from segment to segment and ".." walks with an explicit stack; its own
 * temporary memory comes from malloc() and is freed before it returns
 * (filters may make many short-lived lists), only a result array comes
 * from the allocator.  Recursion is bounded by the compiled nesting
 * (NGX_HTTP_APIGW_JSONPATH_MAX_NESTING), and the work by the number of
 * steps and matches.
 */


#include <stdlib.h>
#include <ngx_http_apigw_jsonpath.h>


/* selectors */
#define NGX_HTTP_APIGW_JP_NAME       1
#define NGX_HTTP_APIGW_JP_INDEX      2
#define NGX_HTTP_APIGW_JP_WILDCARD   3
#define NGX_HTTP_APIGW_JP_SLICE      4
#define NGX_HTTP_APIGW_JP_FILTER     5

/* filter expressions */
#define NGX_HTTP_APIGW_JP_OR         1
#define NGX_HTTP_APIGW_JP_AND        2
#define NGX_HTTP_APIGW_JP_NOT        3
#define NGX_HTTP_APIGW_JP_CMP        4
#define NGX_HTTP_APIGW_JP_EXIST      5

/* comparisons */
#define NGX_HTTP_APIGW_JP_EQ         1
#define NGX_HTTP_APIGW_JP_NE         2
#define NGX_HTTP_APIGW_JP_LT         3
#define NGX_HTTP_APIGW_JP_LE         4
#define NGX_HTTP_APIGW_JP_GT         5
#define NGX_HTTP_APIGW_JP_GE         6

/* values: filter operands and what they evaluate to */
#define NGX_HTTP_APIGW_JP_NOTHING    0
#define NGX_HTTP_APIGW_JP_NULL       1
#define NGX_HTTP_APIGW_JP_BOOL       2
#define NGX_HTTP_APIGW_JP_NUMBER     3
#define NGX_HTTP_APIGW_JP_STRING     4
#define NGX_HTTP_APIGW_JP_JSON       5
#define NGX_HTTP_APIGW_JP_QUERY      6

#define NGX_HTTP_APIGW_JP_EQUAL_DEPTH  2048


typedef struct ngx_http_apigw_jp_expr_s   ngx_http_apigw_jp_expr_t;
typedef struct ngx_http_apigw_jp_query_s  ngx_http_apigw_jp_query_t;


typedef struct {
    ngx_uint_t                  type;
    ngx_str_t                   name;
    int64_t                     start;    /* index, or slice start */
    int64_t                     end;
    int64_t                     step;
    ngx_uint_t                  has_start;
    ngx_uint_t                  has_end;
    ngx_http_apigw_jp_expr_t   *filter;
} ngx_http_apigw_jp_sel_t;


typedef struct {
    ngx_http_apigw_jp_sel_t    *sels;
    ngx_uint_t                  nsels;
    ngx_uint_t                  descendant;
} ngx_http_apigw_jp_seg_t;


struct ngx_http_apigw_jp_query_s {
    ngx_http_apigw_jp_seg_t    *segs;
    ngx_uint_t                  nsegs;
    unsigned                    root:1;         /* $, else @ */
    unsigned                    definite:1;
    unsigned                    length_func:1;  /* ends in length() */
    unsigned                    length_prop:1;  /* @....length in filter */
};


typedef struct {
    ngx_uint_t                  type;
    ngx_uint_t                  boolean;
    ngx_uint_t                  is_int;
    int64_t                     integer;
    double                      number;
    ngx_str_t                   str;
    ngx_http_apigw_jv_t        *json;
    ngx_http_apigw_jp_query_t  *query;
} ngx_http_apigw_jp_val_t;


struct ngx_http_apigw_jp_expr_s {
    ngx_uint_t                  type;
    ngx_uint_t                  op;
    ngx_http_apigw_jp_expr_t   *left;
    ngx_http_apigw_jp_expr_t   *right;
    ngx_http_apigw_jp_val_t     a;
    ngx_http_apigw_jp_val_t     b;
};


struct ngx_http_apigw_jsonpath_s {
    ngx_http_apigw_jp_query_t   query;
};


typedef struct {
    ngx_http_apigw_alloc_t     *alloc;
    u_char                     *start;
    u_char                     *p;
    u_char                     *end;
    const char                 *err;
    u_char                     *err_pos;
    ngx_uint_t                  depth;
} ngx_http_apigw_jp_parser_t;


typedef struct {
    ngx_http_apigw_jv_t       **elts;
    ngx_uint_t                  nelts;
    ngx_uint_t                  nalloc;
} ngx_http_apigw_jp_list_t;


typedef struct {
    ngx_http_apigw_jv_cont_t   *node;
    size_t                      index;
} ngx_http_apigw_jp_frame_t;


typedef struct {
    ngx_http_apigw_alloc_t     *alloc;
    ngx_http_apigw_jv_t        *root;
    ngx_uint_t                  steps;
} ngx_http_apigw_jp_ctx_t;


static ngx_int_t ngx_http_apigw_jp_fail(ngx_http_apigw_jp_parser_t *ps,
    const char *err, u_char *pos);
static void *ngx_http_apigw_jp_grow(ngx_http_apigw_jp_parser_t *ps,
    void *elts, ngx_uint_t n, ngx_uint_t *nalloc, size_t size);
static void ngx_http_apigw_jp_skip_ws(ngx_http_apigw_jp_parser_t *ps);
static ngx_int_t ngx_http_apigw_jp_parse_query(
    ngx_http_apigw_jp_parser_t *ps, ngx_http_apigw_jp_query_t *q,
    ngx_uint_t top);
static ngx_int_t ngx_http_apigw_jp_parse_name(ngx_http_apigw_jp_parser_t *ps,
    ngx_http_apigw_jp_query_t *q, ngx_http_apigw_jp_seg_t *seg,
    ngx_uint_t top);
static ngx_int_t ngx_http_apigw_jp_parse_bracket(
    ngx_http_apigw_jp_parser_t *ps, ngx_http_apigw_jp_seg_t *seg);
static ngx_int_t ngx_http_apigw_jp_parse_selector(
    ngx_http_apigw_jp_parser_t *ps, ngx_http_apigw_jp_sel_t *sel);
static ngx_int_t ngx_http_apigw_jp_parse_int(ngx_http_apigw_jp_parser_t *ps,
    int64_t *value);
static ngx_int_t ngx_http_apigw_jp_parse_string(
    ngx_http_apigw_jp_parser_t *ps, ngx_str_t *str);
static ngx_http_apigw_jp_expr_t *ngx_http_apigw_jp_parse_or(
    ngx_http_apigw_jp_parser_t *ps);
static ngx_http_apigw_jp_expr_t *ngx_http_apigw_jp_parse_and(
    ngx_http_apigw_jp_parser_t *ps);
static ngx_http_apigw_jp_expr_t *ngx_http_apigw_jp_parse_unary(
    ngx_http_apigw_jp_parser_t *ps);
static ngx_http_apigw_jp_expr_t *ngx_http_apigw_jp_parse_primary(
    ngx_http_apigw_jp_parser_t *ps);
static ngx_int_t ngx_http_apigw_jp_parse_operand(
    ngx_http_apigw_jp_parser_t *ps, ngx_http_apigw_jp_val_t *v);
static ngx_int_t ngx_http_apigw_jp_parse_number(
    ngx_http_apigw_jp_parser_t *ps, ngx_http_apigw_jp_val_t *v);
static ngx_http_apigw_jp_expr_t *ngx_http_apigw_jp_new_expr(
    ngx_http_apigw_jp_parser_t *ps, ngx_uint_t type);

static ngx_int_t ngx_http_apigw_jp_step(ngx_http_apigw_jp_ctx_t *ctx);
static ngx_int_t ngx_http_apigw_jp_push(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_list_t *l, ngx_http_apigw_jv_t *v);
static ngx_int_t ngx_http_apigw_jp_eval_query(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_query_t *q, ngx_http_apigw_jv_t *start,
    ngx_http_apigw_jp_list_t *out);
static ngx_int_t ngx_http_apigw_jp_descend(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_seg_t *seg, ngx_http_apigw_jv_t *node,
    ngx_http_apigw_jp_list_t *out);
static ngx_int_t ngx_http_apigw_jp_select(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_sel_t *sel, ngx_http_apigw_jv_t *node,
    ngx_uint_t descendant, ngx_http_apigw_jp_list_t *out);
static ngx_int_t ngx_http_apigw_jp_slice(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_sel_t *sel, ngx_http_apigw_jv_t *node,
    ngx_http_apigw_jp_list_t *out);
static ngx_http_apigw_jv_t *ngx_http_apigw_jp_walk(
    ngx_http_apigw_jp_query_t *q, ngx_http_apigw_jv_t *node, ngx_uint_t from,
    ngx_uint_t to);
static ngx_int_t ngx_http_apigw_jp_length(ngx_http_apigw_jv_t *node,
    int64_t *len);
static ngx_int_t ngx_http_apigw_jp_test(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_expr_t *e, ngx_http_apigw_jv_t *current);
static void ngx_http_apigw_jp_release(ngx_http_apigw_jp_val_t *v);
static ngx_int_t ngx_http_apigw_jp_value(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_val_t *operand, ngx_http_apigw_jv_t *current,
    ngx_http_apigw_jp_val_t *v);
static void ngx_http_apigw_jp_from_json(ngx_http_apigw_jv_t *json,
    ngx_http_apigw_jp_val_t *v);
static ngx_int_t ngx_http_apigw_jp_compare(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_uint_t op, ngx_http_apigw_jp_val_t *a, ngx_http_apigw_jp_val_t *b);
static ngx_int_t ngx_http_apigw_jp_equal(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_val_t *a, ngx_http_apigw_jp_val_t *b);
static ngx_int_t ngx_http_apigw_jp_less(ngx_http_apigw_jp_val_t *a,
    ngx_http_apigw_jp_val_t *b);
static int ngx_http_apigw_jp_numcmp(ngx_http_apigw_jp_val_t *a,
    ngx_http_apigw_jp_val_t *b);
static ngx_int_t ngx_http_apigw_jp_json_equal(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jv_t *a, ngx_http_apigw_jv_t *b, ngx_uint_t depth);


static const char  ngx_http_apigw_jp_nomem[] = "out of memory";
static const char  ngx_http_apigw_jp_noname[] = "name, '*' or '[' expected";


/* compiler */

ngx_http_apigw_jsonpath_t *
ngx_http_apigw_jsonpath_compile(ngx_http_apigw_alloc_t *a, ngx_str_t *path,
    const char **err, size_t *pos)
{
    ngx_http_apigw_jsonpath_t   *jp;
    ngx_http_apigw_jp_parser_t   ps;

    ngx_memzero(&ps, sizeof(ngx_http_apigw_jp_parser_t));

    ps.alloc = a;
    ps.start = path->data;
    ps.p = path->data;
    ps.end = path->data + path->len;

    if (path->len > NGX_HTTP_APIGW_JSONPATH_MAX_LEN) {
        *err = "path too long";
        *pos = NGX_HTTP_APIGW_JSONPATH_MAX_LEN;
        return NULL;
    }

    /* lenient: surrounding whitespace is ignored */

    ngx_http_apigw_jp_skip_ws(&ps);

    while (ps.end > ps.p
           && (ps.end[-1] == ' ' || ps.end[-1] == '\t'
               || ps.end[-1] == '\r' || ps.end[-1] == '\n'))
    {
        ps.end--;
    }

    jp = ngx_http_apigw_alloc(a, sizeof(ngx_http_apigw_jsonpath_t));
    if (jp == NULL) {
        *err = ngx_http_apigw_jp_nomem;
        *pos = 0;
        return NULL;
    }

    ngx_memzero(jp, sizeof(ngx_http_apigw_jsonpath_t));

    if (ngx_http_apigw_jp_parse_query(&ps, &jp->query, 1) != NGX_OK) {
        *err = ps.err;
        *pos = ps.err_pos - ps.start;
        return NULL;
    }

    return jp;
}


ngx_uint_t
ngx_http_apigw_jsonpath_is_definite(ngx_http_apigw_jsonpath_t *jp)
{
    return jp->query.definite || jp->query.length_func;
}


static ngx_int_t
ngx_http_apigw_jp_fail(ngx_http_apigw_jp_parser_t *ps, const char *err,
    u_char *pos)
{
    if (ps->err == NULL) {
        ps->err = err;
        ps->err_pos = pos;
    }

    return NGX_ERROR;
}


static void *
ngx_http_apigw_jp_grow(ngx_http_apigw_jp_parser_t *ps, void *elts,
    ngx_uint_t n, ngx_uint_t *nalloc, size_t size)
{
    void        *new;
    ngx_uint_t   m;

    if (n < *nalloc) {
        return elts;
    }

    m = *nalloc ? *nalloc * 2 : 2;

    new = ngx_http_apigw_alloc(ps->alloc, m * size);
    if (new == NULL) {
        (void) ngx_http_apigw_jp_fail(ps, ngx_http_apigw_jp_nomem, ps->p);
        return NULL;
    }

    if (n) {
        ngx_memcpy(new, elts, n * size);
    }

    *nalloc = m;

    return new;
}


static void
ngx_http_apigw_jp_skip_ws(ngx_http_apigw_jp_parser_t *ps)
{
    while (ps->p < ps->end
           && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r'
               || *ps->p == '\n'))
    {
        ps->p++;
    }
}


/*
 * a path: top level ("$...", or relative to the root without "$"),
 * or an operand in a filter ("@..." or "$...")
 */

static ngx_int_t
ngx_http_apigw_jp_parse_query(ngx_http_apigw_jp_parser_t *ps,
    ngx_http_apigw_jp_query_t *q, ngx_uint_t top)
{
    u_char                   *p;
    ngx_uint_t                nalloc, implicit, dot_length;
    ngx_http_apigw_jp_seg_t  *seg;

    nalloc = 0;
    implicit = 0;
    dot_length = 0;

    q->definite = 1;

    if (ps->p < ps->end && *ps->p == '$') {
        q->root = 1;
        ps->p++;

    } else if (ps->p < ps->end && *ps->p == '@') {
        q->root = top ? 1 : 0;
        ps->p++;

    } else {
        /* top level only: "a.b" is "$.a.b" */
        q->root = 1;
        implicit = 1;
    }

    while (ps->p < ps->end) {

        p = ps->p;

        if (q->length_func) {
            if (top || *p == '.' || *p == '[') {
                return ngx_http_apigw_jp_fail(ps, "length() must end the path",
                                              p);
            }

            break;
        }

        if (*p != '.' && *p != '[' && !(implicit && q->nsegs == 0)) {

            if (top) {
                return ngx_http_apigw_jp_fail(ps, "'.' or '[' expected", p);
            }

            break;
        }

        if (q->nsegs == NGX_HTTP_APIGW_JSONPATH_MAX_SEGMENTS) {
            return ngx_http_apigw_jp_fail(ps, "too many path segments", p);
        }

        q->segs = ngx_http_apigw_jp_grow(ps, q->segs, q->nsegs, &nalloc,
                                         sizeof(ngx_http_apigw_jp_seg_t));
        if (q->segs == NULL) {
            return NGX_ERROR;
        }

        seg = &q->segs[q->nsegs];
        ngx_memzero(seg, sizeof(ngx_http_apigw_jp_seg_t));

        dot_length = 0;

        if (*p == '[') {
            if (ngx_http_apigw_jp_parse_bracket(ps, seg) != NGX_OK) {
                return NGX_ERROR;
            }

        } else {

            if (*p == '.') {
                if (p + 1 < ps->end && p[1] == '.') {
                    seg->descendant = 1;
                    ps->p += 2;

                } else {
                    ps->p++;
                }

                if (ps->p == ps->end || *ps->p == '.') {
                    return ngx_http_apigw_jp_fail(ps, ngx_http_apigw_jp_noname,
                                                  ps->p);
                }
            }

            if (*ps->p == '[') {
                /* lenient: "$.['a']" and "$..['a']" */
                if (ngx_http_apigw_jp_parse_bracket(ps, seg) != NGX_OK) {
                    return NGX_ERROR;
                }

            } else {
                if (ngx_http_apigw_jp_parse_name(ps, q, seg, top) != NGX_OK) {
                    return NGX_ERROR;
                }

                if (q->length_func) {
                    /* length() is no segment */
                    continue;
                }

                dot_length = (seg->sels[0].type == NGX_HTTP_APIGW_JP_NAME
                              && seg->sels[0].name.len == 6
                              && memcmp(seg->sels[0].name.data, "length", 6)
                                 == 0);
            }
        }

        if (seg->descendant
            || seg->nsels != 1
            || (seg->sels[0].type != NGX_HTTP_APIGW_JP_NAME
                && seg->sels[0].type != NGX_HTTP_APIGW_JP_INDEX))
        {
            q->definite = 0;
        }

        q->nsegs++;
    }

    if (!top && dot_length && !q->segs[q->nsegs - 1].descendant) {
        q->length_prop = 1;
    }

    return NGX_OK;
}


/* ".name", ".*", "..name", "length()"; ps->p is at the name */

static ngx_int_t
ngx_http_apigw_jp_parse_name(ngx_http_apigw_jp_parser_t *ps,
    ngx_http_apigw_jp_query_t *q, ngx_http_apigw_jp_seg_t *seg,
    ngx_uint_t top)
{
    u_char                   *p, *start;
    ngx_uint_t                func;
    ngx_http_apigw_jp_sel_t  *sel;

    start = ps->p;
    p = start;
    func = 0;

    if (top) {
        /* any byte but "." and "[", as in "$.my-key" or "$.a b" */

        while (p < ps->end && *p != '.' && *p != '[') {
            p++;
        }

    } else {
        while (p < ps->end) {
            switch (*p) {
            case ' ': case '\t': case '\r': case '\n':
            case '.': case '[': case ']': case '(': case ')':
            case '=': case '!': case '<': case '>': case '&':
            case '|': case ',': case '\'': case '"':
                goto done;
            default:
                p++;
            }
        }
    }

done:

    if (p == start) {
        return ngx_http_apigw_jp_fail(ps, ngx_http_apigw_jp_noname, start);
    }

    ps->p = p;

    if (top) {
        if (p == ps->end && p - start >= 2 && p[-2] == '(' && p[-1] == ')') {
            if (p - start != 8 || memcmp(start, "length()", 8) != 0) {
                return ngx_http_apigw_jp_fail(ps, "unsupported function",
                                              start);
            }

            func = 1;
        }

    } else if (p < ps->end && *p == '(') {
        if (p - start != 6 || memcmp(start, "length", 6) != 0
            || p + 1 == ps->end || p[1] != ')')
        {
            return ngx_http_apigw_jp_fail(ps, "unsupported function", start);
        }

        ps->p = p + 2;
        func = 1;
    }

    if (func) {
        if (seg->descendant) {
            return ngx_http_apigw_jp_fail(ps, "length() after '..'", start);
        }

        q->length_func = 1;
        return NGX_OK;
    }

    sel = ngx_http_apigw_alloc(ps->alloc, sizeof(ngx_http_apigw_jp_sel_t));
    if (sel == NULL) {
        return ngx_http_apigw_jp_fail(ps, ngx_http_apigw_jp_nomem, start);
    }

    ngx_memzero(sel, sizeof(ngx_http_apigw_jp_sel_t));

    seg->sels = sel;
    seg->nsels = 1;

    if (p - start == 1 && *start == '*') {
        sel->type = NGX_HTTP_APIGW_JP_WILDCARD;

    } else {
        sel->type = NGX_HTTP_APIGW_JP_NAME;
        sel->name.data = start;
        sel->name.len = p - start;
    }

    return NGX_OK;
}


/* "[" selector ("," selector)* "]" */

static ngx_int_t
ngx_http_apigw_jp_parse_bracket(ngx_http_apigw_jp_parser_t *ps,
    ngx_http_apigw_jp_seg_t *seg)
{
    ngx_uint_t                nalloc;
    ngx_http_apigw_jp_sel_t  *sel;

    nalloc = 0;
    ps->p++;

    for ( ;; ) {
        ngx_http_apigw_jp_skip_ws(ps);

        if (seg->nsels == NGX_HTTP_APIGW_JSONPATH_MAX_SELECTORS) {
            return ngx_http_apigw_jp_fail(ps, "too many selectors", ps->p);
        }

        seg->sels = ngx_http_apigw_jp_grow(ps, seg->sels, seg->nsels,
                                           &nalloc,
                                           sizeof(ngx_http_apigw_jp_sel_t));
        if (seg->sels == NULL) {
            return NGX_ERROR;
        }

        sel = &seg->sels[seg->nsels];
        ngx_memzero(sel, sizeof(ngx_http_apigw_jp_sel_t));

        if (ngx_http_apigw_jp_parse_selector(ps, sel) != NGX_OK) {
            return NGX_ERROR;
        }

        seg->nsels++;

        ngx_http_apigw_jp_skip_ws(ps);

        if (ps->p == ps->end) {
            return ngx_http_apigw_jp_fail(ps, "']' expected", ps->p);
        }

        if (*ps->p == ',') {
            ps->p++;
            continue;
        }

        if (*ps->p == ']') {
            ps->p++;
            return NGX_OK;
        }

        return ngx_http_apigw_jp_fail(ps, "',' or ']' expected", ps->p);
    }
}


#define ngx_http_apigw_jp_digit(c)  ((c) >= '0' && (c) <= '9')


static ngx_int_t
ngx_http_apigw_jp_parse_selector(ngx_http_apigw_jp_parser_t *ps,
    ngx_http_apigw_jp_sel_t *sel)
{
    u_char   *p;
    int64_t   n;

    p = ps->p;

    if (p == ps->end) {
        return ngx_http_apigw_jp_fail(ps, "selector expected", p);
    }

    switch (*p) {

    case '\'':
    case '"':
        sel->type = NGX_HTTP_APIGW_JP_NAME;
        return ngx_http_apigw_jp_parse_string(ps, &sel->name);

    case '*':
        ps->p++;
        sel->type = NGX_HTTP_APIGW_JP_WILDCARD;
        return NGX_OK;

    case '?':
        if (++ps->depth > NGX_HTTP_APIGW_JSONPATH_MAX_NESTING) {
            return ngx_http_apigw_jp_fail(ps, "filters nested too deeply", p);
        }

        ps->p++;
        sel->type = NGX_HTTP_APIGW_JP_FILTER;

        sel->filter = ngx_http_apigw_jp_parse_or(ps);
        if (sel->filter == NULL) {
            return NGX_ERROR;
        }

        ps->depth--;
        return NGX_OK;

    case '(':
        /* Goessner's script index, only as "(@.length-n)" */

        ps->p++;
        ngx_http_apigw_jp_skip_ws(ps);

        if (ps->end - ps->p < 8 || memcmp(ps->p, "@.length", 8) != 0) {
            break;
        }

        ps->p += 8;
        ngx_http_apigw_jp_skip_ws(ps);

        if (ps->p == ps->end || *ps->p != '-') {
            break;
        }

        ps->p++;
        ngx_http_apigw_jp_skip_ws(ps);

        if (ps->p == ps->end || !ngx_http_apigw_jp_digit(*ps->p)) {
            break;
        }

        if (ngx_http_apigw_jp_parse_int(ps, &n) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_apigw_jp_skip_ws(ps);

        if (n == 0 || ps->p == ps->end || *ps->p != ')') {
            break;
        }

        ps->p++;

        sel->type = NGX_HTTP_APIGW_JP_INDEX;
        sel->start = -n;
        sel->has_start = 1;
        return NGX_OK;

    default:

        if (*p != '-' && *p != ':' && !ngx_http_apigw_jp_digit(*p)) {
            return ngx_http_apigw_jp_fail(ps, "selector expected", p);
        }

        if (*p != ':') {
            if (ngx_http_apigw_jp_parse_int(ps, &sel->start) != NGX_OK) {
                return NGX_ERROR;
            }

            sel->has_start = 1;
            ngx_http_apigw_jp_skip_ws(ps);
        }

        if (ps->p == ps->end || *ps->p != ':') {
            sel->type = NGX_HTTP_APIGW_JP_INDEX;
            return NGX_OK;
        }

        sel->type = NGX_HTTP_APIGW_JP_SLICE;
        sel->step = 1;

        ps->p++;
        ngx_http_apigw_jp_skip_ws(ps);

        if (ps->p < ps->end
            && (*ps->p == '-' || ngx_http_apigw_jp_digit(*ps->p)))
        {
            if (ngx_http_apigw_jp_parse_int(ps, &sel->end) != NGX_OK) {
                return NGX_ERROR;
            }

            sel->has_end = 1;
            ngx_http_apigw_jp_skip_ws(ps);
        }

        if (ps->p == ps->end || *ps->p != ':') {
            return NGX_OK;
        }

        ps->p++;
        ngx_http_apigw_jp_skip_ws(ps);

        p = ps->p;

        if (p < ps->end && (*p == '-' || ngx_http_apigw_jp_digit(*p))) {
            if (ngx_http_apigw_jp_parse_int(ps, &sel->step) != NGX_OK) {
                return NGX_ERROR;
            }

            if (sel->step == 0) {
                return ngx_http_apigw_jp_fail(ps, "slice step cannot be zero",
                                              p);
            }
        }

        return NGX_OK;
    }

    return ngx_http_apigw_jp_fail(ps, "only (@.length-n) scripts are supported",
                                  p);
}


static ngx_int_t
ngx_http_apigw_jp_parse_int(ngx_http_apigw_jp_parser_t *ps, int64_t *value)
{
    u_char   *p, *start;
    int64_t   n, d;

    start = ps->p;
    p = start;

    if (p < ps->end && *p == '-') {
        p++;
    }

    if (p == ps->end || !ngx_http_apigw_jp_digit(*p)) {
        return ngx_http_apigw_jp_fail(ps, "integer expected", p);
    }

    /* accumulated as a negative number to reach INT64_MIN */

    n = 0;

    while (p < ps->end && ngx_http_apigw_jp_digit(*p)) {
        d = *p++ - '0';

        if (n < (INT64_MIN + d) / 10) {
            return ngx_http_apigw_jp_fail(ps, "number out of range", start);
        }

        n = n * 10 - d;
    }

    if (*start != '-') {
        if (n == INT64_MIN) {
            return ngx_http_apigw_jp_fail(ps, "number out of range", start);
        }

        n = -n;
    }

    ps->p = p;
    *value = n;

    return NGX_OK;
}


/* 'name' or "name", with the JSON escapes and \' */

static ngx_int_t
ngx_http_apigw_jp_parse_string(ngx_http_apigw_jp_parser_t *ps,
    ngx_str_t *str)
{
    u_char    quote, *p, *d, *start;
    uint32_t  cp, lo;

    start = ps->p;
    quote = *start;
    p = start + 1;

    /* unescaping never makes a string longer */

    d = ngx_http_apigw_alloc(ps->alloc, ps->end - p + 1);
    if (d == NULL) {
        return ngx_http_apigw_jp_fail(ps, ngx_http_apigw_jp_nomem, start);
    }

    str->data = d;

    while (p < ps->end) {

        if (*p == quote) {
            str->len = d - str->data;
            ps->p = p + 1;
            return NGX_OK;
        }

        if (*p != '\\') {
            *d++ = *p++;
            continue;
        }

        if (++p == ps->end) {
            break;
        }

        switch (*p) {

        case '\\':
        case '/':
        case '\'':
        case '"':
            *d++ = *p++;
            break;

        case 'b':
            *d++ = '\b';
            p++;
            break;

        case 'f':
            *d++ = '\f';
            p++;
            break;

        case 'n':
            *d++ = '\n';
            p++;
            break;

        case 'r':
            *d++ = '\r';
            p++;
            break;

        case 't':
            *d++ = '\t';
            p++;
            break;

        case 'u':
            if (ps->end - p < 5
                || ngx_http_apigw_jv_hex4(p + 1, &cp) != NGX_OK
                || (cp >= 0xdc00 && cp <= 0xdfff))
            {
                return ngx_http_apigw_jp_fail(ps, "invalid \\u escape", p - 1);
            }

            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (ps->end - p < 11
                    || p[5] != '\\' || p[6] != 'u'
                    || ngx_http_apigw_jv_hex4(p + 7, &lo) != NGX_OK
                    || lo < 0xdc00 || lo > 0xdfff)
                {
                    return ngx_http_apigw_jp_fail(ps, "invalid \\u escape",
                                                  p - 1);
                }

                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            }

            p += 5;
            d = ngx_http_apigw_jv_utf8_put(d, cp);
            break;

        default:
            return ngx_http_apigw_jp_fail(ps, "invalid escape", p - 1);
        }
    }

    return ngx_http_apigw_jp_fail(ps, "unterminated string", start);
}


/* filter expressions: or := and ("||" and)*, and := unary ("&&" unary)* */

static ngx_http_apigw_jp_expr_t *
ngx_http_apigw_jp_parse_or(ngx_http_apigw_jp_parser_t *ps)
{
    ngx_http_apigw_jp_expr_t  *e, *left, *right;

    left = ngx_http_apigw_jp_parse_and(ps);
    if (left == NULL) {
        return NULL;
    }

    for ( ;; ) {
        ngx_http_apigw_jp_skip_ws(ps);

        if (ps->end - ps->p < 2 || ps->p[0] != '|' || ps->p[1] != '|') {
            return left;
        }

        ps->p += 2;

        right = ngx_http_apigw_jp_parse_and(ps);
        if (right == NULL) {
            return NULL;
        }

        e = ngx_http_apigw_jp_new_expr(ps, NGX_HTTP_APIGW_JP_OR);
        if (e == NULL) {
            return NULL;
        }

        e->left = left;
        e->right = right;
        left = e;
    }
}


static ngx_http_apigw_jp_expr_t *
ngx_http_apigw_jp_parse_and(ngx_http_apigw_jp_parser_t *ps)
{
    ngx_http_apigw_jp_expr_t  *e, *left, *right;

    left = ngx_http_apigw_jp_parse_unary(ps);
    if (left == NULL) {
        return NULL;
    }

    for ( ;; ) {
        ngx_http_apigw_jp_skip_ws(ps);

        if (ps->end - ps->p < 2 || ps->p[0] != '&' || ps->p[1] != '&') {
            return left;
        }

        ps->p += 2;

        right = ngx_http_apigw_jp_parse_unary(ps);
        if (right == NULL) {
            return NULL;
        }

        e = ngx_http_apigw_jp_new_expr(ps, NGX_HTTP_APIGW_JP_AND);
        if (e == NULL) {
            return NULL;
        }

        e->left = left;
        e->right = right;
        left = e;
    }
}


static ngx_http_apigw_jp_expr_t *
ngx_http_apigw_jp_parse_unary(ngx_http_apigw_jp_parser_t *ps)
{
    ngx_http_apigw_jp_expr_t  *e, *operand;

    ngx_http_apigw_jp_skip_ws(ps);

    if (ps->p == ps->end || *ps->p != '!'
        || (ps->p + 1 < ps->end && ps->p[1] == '='))
    {
        return ngx_http_apigw_jp_parse_primary(ps);
    }

    if (++ps->depth > NGX_HTTP_APIGW_JSONPATH_MAX_NESTING) {
        (void) ngx_http_apigw_jp_fail(ps, "filter nested too deeply", ps->p);
        return NULL;
    }

    ps->p++;

    operand = ngx_http_apigw_jp_parse_unary(ps);
    if (operand == NULL) {
        return NULL;
    }

    ps->depth--;

    e = ngx_http_apigw_jp_new_expr(ps, NGX_HTTP_APIGW_JP_NOT);
    if (e == NULL) {
        return NULL;
    }

    e->left = operand;

    return e;
}


/* "(" or ")" | operand [op operand] */

static ngx_http_apigw_jp_expr_t *
ngx_http_apigw_jp_parse_primary(ngx_http_apigw_jp_parser_t *ps)
{
    u_char                    *p;
    ngx_uint_t                 op, len;
    ngx_http_apigw_jp_expr_t  *e;

    ngx_http_apigw_jp_skip_ws(ps);

    p = ps->p;

    if (p < ps->end && *p == '(') {
        if (++ps->depth > NGX_HTTP_APIGW_JSONPATH_MAX_NESTING) {
            (void) ngx_http_apigw_jp_fail(ps, "filter nested too deeply", p);
            return NULL;
        }

        ps->p++;

        e = ngx_http_apigw_jp_parse_or(ps);
        if (e == NULL) {
            return NULL;
        }

        ngx_http_apigw_jp_skip_ws(ps);

        if (ps->p == ps->end || *ps->p != ')') {
            (void) ngx_http_apigw_jp_fail(ps, "')' expected", ps->p);
            return NULL;
        }

        ps->p++;
        ps->depth--;

        return e;
    }

    e = ngx_http_apigw_jp_new_expr(ps, NGX_HTTP_APIGW_JP_CMP);
    if (e == NULL) {
        return NULL;
    }

    if (ngx_http_apigw_jp_parse_operand(ps, &e->a) != NGX_OK) {
        return NULL;
    }

    ngx_http_apigw_jp_skip_ws(ps);

    p = ps->p;
    op = 0;
    len = 2;

    if (ps->end - p >= 2 && p[1] == '=') {
        switch (p[0]) {
        case '=':
            op = NGX_HTTP_APIGW_JP_EQ;
            break;
        case '!':
            op = NGX_HTTP_APIGW_JP_NE;
            break;
        case '<':
            op = NGX_HTTP_APIGW_JP_LE;
            break;
        case '>':
            op = NGX_HTTP_APIGW_JP_GE;
            break;
        }
    }

    if (op == 0 && p < ps->end) {
        len = 1;

        if (*p == '<') {
            op = NGX_HTTP_APIGW_JP_LT;

        } else if (*p == '>') {
            op = NGX_HTTP_APIGW_JP_GT;

        } else if (*p == '=') {
            (void) ngx_http_apigw_jp_fail(ps, "unsupported operator", p);
            return NULL;
        }
    }

    if (op == 0) {
        if (e->a.type != NGX_HTTP_APIGW_JP_QUERY) {
            (void) ngx_http_apigw_jp_fail(ps, "comparison operator expected",
                                          p);
            return NULL;
        }

        e->type = NGX_HTTP_APIGW_JP_EXIST;
        return e;
    }

    ps->p += len;
    e->op = op;

    ngx_http_apigw_jp_skip_ws(ps);

    if (ngx_http_apigw_jp_parse_operand(ps, &e->b) != NGX_OK) {
        return NULL;
    }

    return e;
}


static ngx_uint_t
ngx_http_apigw_jp_keyword(ngx_http_apigw_jp_parser_t *ps, char *word,
    size_t len)
{
    u_char  c;

    if ((size_t) (ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0) {
        return 0;
    }

    if (ps->p + len < ps->end) {
        c = ps->p[len];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || ngx_http_apigw_jp_digit(c) || c == '_')
        {
            return 0;
        }
    }

    ps->p += len;

    return 1;
}


static ngx_int_t
ngx_http_apigw_jp_parse_operand(ngx_http_apigw_jp_parser_t *ps,
    ngx_http_apigw_jp_val_t *v)
{
    u_char                     *p;
    ngx_http_apigw_jp_query_t  *q;

    p = ps->p;

    if (p == ps->end) {
        return ngx_http_apigw_jp_fail(ps, "operand expected", p);
    }

    switch (*p) {

    case '@':
    case '$':
        q = ngx_http_apigw_alloc(ps->alloc, sizeof(ngx_http_apigw_jp_query_t));
        if (q == NULL) {
            return ngx_http_apigw_jp_fail(ps, ngx_http_apigw_jp_nomem, p);
        }

        ngx_memzero(q, sizeof(ngx_http_apigw_jp_query_t));

        if (ngx_http_apigw_jp_parse_query(ps, q, 0) != NGX_OK) {
            return NGX_ERROR;
        }

        v->type = NGX_HTTP_APIGW_JP_QUERY;
        v->query = q;
        return NGX_OK;

    case '\'':
    case '"':
        v->type = NGX_HTTP_APIGW_JP_STRING;
        return ngx_http_apigw_jp_parse_string(ps, &v->str);
    }

    if (*p == '-' || ngx_http_apigw_jp_digit(*p)) {
        return ngx_http_apigw_jp_parse_number(ps, v);
    }

    if (ngx_http_apigw_jp_keyword(ps, "true", 4)) {
        v->type = NGX_HTTP_APIGW_JP_BOOL;
        v->boolean = 1;
        return NGX_OK;
    }

    if (ngx_http_apigw_jp_keyword(ps, "false", 5)) {
        v->type = NGX_HTTP_APIGW_JP_BOOL;
        v->boolean = 0;
        return NGX_OK;
    }

    if (ngx_http_apigw_jp_keyword(ps, "null", 4)) {
        v->type = NGX_HTTP_APIGW_JP_NULL;
        return NGX_OK;
    }

    return ngx_http_apigw_jp_fail(ps, "operand expected", p);
}


static ngx_int_t
ngx_http_apigw_jp_parse_number(ngx_http_apigw_jp_parser_t *ps,
    ngx_http_apigw_jp_val_t *v)
{
    char        buf[64], *last;
    u_char     *p, *q, *start;
    size_t      n;
    int64_t     i, d;
    ngx_uint_t  is_int;

    start = ps->p;
    p = start;
    is_int = 1;

    while (p < ps->end
           && (ngx_http_apigw_jp_digit(*p) || *p == '-' || *p == '+'
               || *p == '.' || *p == 'e' || *p == 'E'))
    {
        if (*p == '.' || *p == 'e' || *p == 'E' || *p == '+'
            || (*p == '-' && p != start))
        {
            is_int = 0;
        }

        p++;
    }

    n = p - start;

    if (n >= sizeof(buf)) {
        return ngx_http_apigw_jp_fail(ps, "invalid number", start);
    }

    ngx_memcpy(buf, start, n);
    buf[n] = '\0';

    v->number = strtod(buf, &last);

    if (n == 0 || last != buf + n) {
        return ngx_http_apigw_jp_fail(ps, "invalid number", start);
    }

    if (is_int) {
        /* exact for integers that fit int64; accumulated negatively */

        i = 0;

        for (q = (*start == '-') ? start + 1 : start; q < p; q++) {
            d = *q - '0';

            if (i < (INT64_MIN + d) / 10) {
                is_int = 0;
                break;
            }

            i = i * 10 - d;
        }

        if (is_int && *start != '-') {
            if (i == INT64_MIN) {
                is_int = 0;

            } else {
                i = -i;
            }
        }

        v->integer = i;
    }

    v->type = NGX_HTTP_APIGW_JP_NUMBER;
    v->is_int = is_int;
    ps->p = p;

    return NGX_OK;
}


static ngx_http_apigw_jp_expr_t *
ngx_http_apigw_jp_new_expr(ngx_http_apigw_jp_parser_t *ps, ngx_uint_t type)
{
    ngx_http_apigw_jp_expr_t  *e;

    e = ngx_http_apigw_alloc(ps->alloc, sizeof(ngx_http_apigw_jp_expr_t));
    if (e == NULL) {
        (void) ngx_http_apigw_jp_fail(ps, ngx_http_apigw_jp_nomem, ps->p);
        return NULL;
    }

    ngx_memzero(e, sizeof(ngx_http_apigw_jp_expr_t));
    e->type = type;

    return e;
}


/* evaluator */

ngx_int_t
ngx_http_apigw_jsonpath_eval(ngx_http_apigw_jsonpath_t *jp,
    ngx_http_apigw_alloc_t *a, ngx_http_apigw_jv_t *root,
    ngx_http_apigw_jv_t *result)
{
    int64_t                     len;
    ngx_int_t                   rc;
    ngx_uint_t                  i;
    ngx_http_apigw_jv_t        *node;
    ngx_http_apigw_jv_cont_t   *c;
    ngx_http_apigw_jp_ctx_t     ctx;
    ngx_http_apigw_jp_list_t    list;
    ngx_http_apigw_jp_query_t  *q;

    q = &jp->query;

    ctx.alloc = a;
    ctx.root = root;
    ctx.steps = 0;

    if (q->definite) {
        node = (root == NULL) ? NULL
                              : ngx_http_apigw_jp_walk(q, root, 0, q->nsegs);

        if (!q->length_func) {
            if (node == NULL) {
                return NGX_DECLINED;
            }

            *result = *node;
            return NGX_OK;
        }

        if (ngx_http_apigw_jp_length(node, &len) != NGX_OK) {
            return NGX_DECLINED;
        }

        ngx_http_apigw_jv_set_int(result, len);
        return NGX_OK;
    }

    ngx_memzero(&list, sizeof(ngx_http_apigw_jp_list_t));

    if (root != NULL) {
        rc = ngx_http_apigw_jp_eval_query(&ctx, q, root, &list);

        if (rc != NGX_OK) {
            free(list.elts);
            return NGX_ERROR;
        }
    }

    if (q->length_func) {
        ngx_http_apigw_jv_set_int(result, (int64_t) list.nelts);
        free(list.elts);
        return NGX_OK;
    }

    c = ngx_http_apigw_jv_cont_new(a, NGX_HTTP_APIGW_JV_ARRAY, list.nelts);
    if (c == NULL) {
        free(list.elts);
        return NGX_ERROR;
    }

    for (i = 0; i < list.nelts; i++) {
        c->u.elts[i] = *list.elts[i];
    }

    c->nelts = list.nelts;

    free(list.elts);

    result->type = NGX_HTTP_APIGW_JV_ARRAY;
    result->u.c = c;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_jp_step(ngx_http_apigw_jp_ctx_t *ctx)
{
    if (++ctx->steps > NGX_HTTP_APIGW_JSONPATH_MAX_STEPS) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_jp_push(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_list_t *l, ngx_http_apigw_jv_t *v)
{
    ngx_uint_t             n;
    ngx_http_apigw_jv_t  **elts;

    if (ngx_http_apigw_jp_step(ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (l->nelts == l->nalloc) {
        if (l->nelts >= NGX_HTTP_APIGW_JSONPATH_MAX_MATCHES) {
            return NGX_ERROR;
        }

        n = l->nalloc ? l->nalloc * 2 : 8;

        if (n > NGX_HTTP_APIGW_JSONPATH_MAX_MATCHES) {
            n = NGX_HTTP_APIGW_JSONPATH_MAX_MATCHES;
        }

        elts = realloc(l->elts, n * sizeof(ngx_http_apigw_jv_t *));
        if (elts == NULL) {
            return NGX_ERROR;
        }

        l->elts = elts;
        l->nalloc = n;
    }

    l->elts[l->nelts++] = v;

    return NGX_OK;
}


/* a node list carried through the segments; out is empty on entry */

static ngx_int_t
ngx_http_apigw_jp_eval_query(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_query_t *q, ngx_http_apigw_jv_t *start,
    ngx_http_apigw_jp_list_t *out)
{
    ngx_int_t                  rc;
    ngx_uint_t                 i, j, k;
    ngx_http_apigw_jp_seg_t   *seg;
    ngx_http_apigw_jp_list_t   cur, next;

    ngx_memzero(&cur, sizeof(ngx_http_apigw_jp_list_t));

    if (ngx_http_apigw_jp_push(ctx, &cur, start) != NGX_OK) {
        free(cur.elts);
        return NGX_ERROR;
    }

    for (i = 0; i < q->nsegs && cur.nelts; i++) {
        seg = &q->segs[i];

        ngx_memzero(&next, sizeof(ngx_http_apigw_jp_list_t));

        rc = NGX_OK;

        for (j = 0; rc == NGX_OK && j < cur.nelts; j++) {

            if (seg->descendant) {
                rc = ngx_http_apigw_jp_descend(ctx, seg, cur.elts[j], &next);
                continue;
            }

            for (k = 0; rc == NGX_OK && k < seg->nsels; k++) {
                rc = ngx_http_apigw_jp_select(ctx, &seg->sels[k],
                                              cur.elts[j], 0, &next);
            }
        }

        free(cur.elts);
        cur = next;

        if (rc != NGX_OK) {
            free(cur.elts);
            return NGX_ERROR;
        }
    }

    *out = cur;

    return NGX_OK;
}


/* the i-th child of a container: an element, or a member's value */

#define ngx_http_apigw_jp_child(c, i)                                        \
    (((c)->type == NGX_HTTP_APIGW_JV_ARRAY) ? &(c)->u.elts[i]                \
                                            : &(c)->u.members[i].val)


/*
 * "..": the selectors applied to the node and to each of its
 * descendants, in document order (a node, then the subtree of each of
 * its children in turn), with an explicit stack
 */

static ngx_int_t
ngx_http_apigw_jp_descend(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_seg_t *seg, ngx_http_apigw_jv_t *node,
    ngx_http_apigw_jp_list_t *out)
{
    ngx_int_t                   rc;
    ngx_uint_t                  k, n, nalloc;
    ngx_http_apigw_jv_t        *child;
    ngx_http_apigw_jp_frame_t  *stack, *f;

    stack = NULL;
    n = 0;
    nalloc = 0;
    child = node;

    for ( ;; ) {

        if (child != NULL) {

            /* visit */

            if (ngx_http_apigw_jp_step(ctx) != NGX_OK) {
                goto failed;
            }

            for (k = 0; k < seg->nsels; k++) {
                rc = ngx_http_apigw_jp_select(ctx, &seg->sels[k], child, 1,
                                              out);
                if (rc != NGX_OK) {
                    goto failed;
                }
            }

            if (ngx_http_apigw_jv_is_cont(child)) {

                if (n == nalloc) {
                    nalloc = nalloc ? nalloc * 2 : 16;

                    f = realloc(stack,
                                nalloc * sizeof(ngx_http_apigw_jp_frame_t));
                    if (f == NULL) {
                        goto failed;
                    }

                    stack = f;
                }

                f = &stack[n++];
                f->node = child->u.c;
                f->index = 0;
            }
        }

        if (n == 0) {
            break;
        }

        /* the next child of the innermost container, if any */

        f = &stack[n - 1];
        child = NULL;

        if (f->index < f->node->nelts) {
            child = ngx_http_apigw_jp_child(f->node, f->index);
            f->index++;

        } else {
            n--;
        }
    }

    free(stack);

    return NGX_OK;

failed:

    free(stack);

    return NGX_ERROR;
}


static ngx_int_t
ngx_http_apigw_jp_select(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_sel_t *sel, ngx_http_apigw_jv_t *node,
    ngx_uint_t descendant, ngx_http_apigw_jp_list_t *out)
{
    int64_t                    i, n;
    ngx_int_t                  rc;
    ngx_http_apigw_jv_t       *v;
    ngx_http_apigw_jv_cont_t  *c;

    c = ngx_http_apigw_jv_is_cont(node) ? node->u.c : NULL;

    switch (sel->type) {

    case NGX_HTTP_APIGW_JP_NAME:

        if (node->type == NGX_HTTP_APIGW_JV_OBJECT) {
            v = ngx_http_apigw_jv_object_get(c, sel->name.data,
                                             sel->name.len);
            if (v != NULL) {
                return ngx_http_apigw_jp_push(ctx, out, v);
            }
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_JP_INDEX:

        if (node->type == NGX_HTTP_APIGW_JV_ARRAY) {
            n = (int64_t) c->nelts;
            i = sel->start;

            if (i < 0) {
                i += n;
            }

            if (i >= 0 && i < n) {
                return ngx_http_apigw_jp_push(ctx, out, &c->u.elts[i]);
            }
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_JP_SLICE:
        return ngx_http_apigw_jp_slice(ctx, sel, node, out);

    case NGX_HTTP_APIGW_JP_WILDCARD:

        if (c) {
            for (i = 0; i < (int64_t) c->nelts; i++) {
                if (ngx_http_apigw_jp_push(ctx, out,
                                           ngx_http_apigw_jp_child(c, i))
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }
            }
        }

        return NGX_OK;

    default: /* NGX_HTTP_APIGW_JP_FILTER */

        if (node->type == NGX_HTTP_APIGW_JV_OBJECT && !descendant) {

            /*
             * Jayway: a filter on an object tests the object itself;
             * under ".." the children are tested, so that each node
             * is selected once
             */

            rc = ngx_http_apigw_jp_test(ctx, sel->filter, node);
            if (rc == NGX_ERROR) {
                return NGX_ERROR;
            }

            return rc ? ngx_http_apigw_jp_push(ctx, out, node) : NGX_OK;
        }

        if (c) {
            for (i = 0; i < (int64_t) c->nelts; i++) {
                v = ngx_http_apigw_jp_child(c, i);

                rc = ngx_http_apigw_jp_test(ctx, sel->filter, v);

                if (rc == NGX_ERROR
                    || (rc && ngx_http_apigw_jp_push(ctx, out, v) != NGX_OK))
                {
                    return NGX_ERROR;
                }
            }
        }

        return NGX_OK;
    }
}


/* [start:end:step] as in Python */

static ngx_int_t
ngx_http_apigw_jp_slice(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_sel_t *sel, ngx_http_apigw_jv_t *node,
    ngx_http_apigw_jp_list_t *out)
{
    int64_t               n, lo, hi, i, step;
    ngx_http_apigw_jv_t  *elts;

    if (node->type != NGX_HTTP_APIGW_JV_ARRAY) {
        return NGX_OK;
    }

    n = (int64_t) node->u.c->nelts;
    elts = node->u.c->u.elts;
    step = sel->step;

    if (step > 0) {
        lo = sel->has_start ? sel->start : 0;
        hi = sel->has_end ? sel->end : n;

        lo = (lo < 0) ? ngx_max(lo + n, 0) : ngx_min(lo, n);
        hi = (hi < 0) ? ngx_max(hi + n, 0) : ngx_min(hi, n);

        for (i = lo; i < hi; /* void */) {
            if (ngx_http_apigw_jp_push(ctx, out, &elts[i]) != NGX_OK) {
                return NGX_ERROR;
            }

            if (step >= hi - i) {
                break;
            }

            i += step;
        }

        return NGX_OK;
    }

    hi = sel->has_start ? sel->start : n - 1;
    lo = sel->has_end ? sel->end : -n - 1;

    hi = (hi < 0) ? ngx_max(hi + n, -1) : ngx_min(hi, n - 1);
    lo = (lo < 0) ? ngx_max(lo + n, -1) : ngx_min(lo, n - 1);

    for (i = hi; i > lo; /* void */) {
        if (ngx_http_apigw_jp_push(ctx, out, &elts[i]) != NGX_OK) {
            return NGX_ERROR;
        }

        if (step <= lo - i) {
            break;
        }

        i += step;
    }

    return NGX_OK;
}


/* a definite path (names and indexes only), without allocation */

static ngx_http_apigw_jv_t *
ngx_http_apigw_jp_walk(ngx_http_apigw_jp_query_t *q, ngx_http_apigw_jv_t *node,
    ngx_uint_t from, ngx_uint_t to)
{
    int64_t                   i, n;
    ngx_uint_t                k;
    ngx_http_apigw_jp_sel_t  *sel;

    for (k = from; node != NULL && k < to; k++) {
        sel = &q->segs[k].sels[0];

        if (sel->type == NGX_HTTP_APIGW_JP_NAME) {
            node = (node->type == NGX_HTTP_APIGW_JV_OBJECT)
                   ? ngx_http_apigw_jv_object_get(node->u.c, sel->name.data,
                                                  sel->name.len)
                   : NULL;
            continue;
        }

        if (node->type != NGX_HTTP_APIGW_JV_ARRAY) {
            return NULL;
        }

        n = (int64_t) node->u.c->nelts;
        i = sel->start;

        if (i < 0) {
            i += n;
        }

        node = (i >= 0 && i < n) ? &node->u.c->u.elts[i] : NULL;
    }

    return node;
}


/*
 * length(): elements of an array, members of an object, or UTF-16 code
 * units of a string (Java's String.length(), as in Jayway)
 */

static ngx_int_t
ngx_http_apigw_jp_length(ngx_http_apigw_jv_t *node, int64_t *len)
{
    u_char  *p, *last;
    int64_t  n;

    if (node == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_apigw_jv_is_cont(node)) {
        *len = (int64_t) node->u.c->nelts;
        return NGX_OK;
    }

    if (node->type != NGX_HTTP_APIGW_JV_STRING) {
        return NGX_DECLINED;
    }

    p = node->u.s.data;
    last = p + node->u.s.len;
    n = 0;

    for ( /* void */ ; p < last; p++) {
        if ((*p & 0xc0) != 0x80) {
            n += (*p >= 0xf0) ? 2 : 1;
        }
    }

    *len = n;

    return NGX_OK;
}


/* a filter: 1 if current passes, 0 if not, NGX_ERROR */

static ngx_int_t
ngx_http_apigw_jp_test(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_expr_t *e, ngx_http_apigw_jv_t *current)
{
    ngx_int_t                rc;
    ngx_http_apigw_jp_val_t  a, b;

    if (ngx_http_apigw_jp_step(ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    switch (e->type) {

    case NGX_HTTP_APIGW_JP_OR:
    case NGX_HTTP_APIGW_JP_AND:

        rc = ngx_http_apigw_jp_test(ctx, e->left, current);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if ((e->type == NGX_HTTP_APIGW_JP_OR) == (rc == 1)) {
            return rc;
        }

        return ngx_http_apigw_jp_test(ctx, e->right, current);

    case NGX_HTTP_APIGW_JP_NOT:

        rc = ngx_http_apigw_jp_test(ctx, e->left, current);

        return (rc == NGX_ERROR) ? NGX_ERROR : !rc;

    case NGX_HTTP_APIGW_JP_EXIST:

        if (ngx_http_apigw_jp_value(ctx, &e->a, current, &a) != NGX_OK) {
            return NGX_ERROR;
        }

        rc = (a.type != NGX_HTTP_APIGW_JP_NOTHING);

        ngx_http_apigw_jp_release(&a);

        return rc;

    default: /* NGX_HTTP_APIGW_JP_CMP */

        if (ngx_http_apigw_jp_value(ctx, &e->a, current, &a) != NGX_OK) {
            return NGX_ERROR;
        }

        if (ngx_http_apigw_jp_value(ctx, &e->b, current, &b) != NGX_OK) {
            ngx_http_apigw_jp_release(&a);
            return NGX_ERROR;
        }

        rc = ngx_http_apigw_jp_compare(ctx, e->op, &a, &b);

        ngx_http_apigw_jp_release(&a);
        ngx_http_apigw_jp_release(&b);

        return rc;
    }
}


/*
 * "query" marks an array of matches made here (malloc()ed, with its
 * elements, in one piece): owned by the operand's value
 */

static void
ngx_http_apigw_jp_release(ngx_http_apigw_jp_val_t *v)
{
    if (v->query != NULL) {
        free(v->json);
    }
}


/*
 * the value of an operand: a literal as is, a path's single match, or
 * the array of its matches (made here: v->query is then set and
 * ngx_http_apigw_jp_release() frees it), or nothing
 */

static ngx_int_t
ngx_http_apigw_jp_value(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_val_t *operand, ngx_http_apigw_jv_t *current,
    ngx_http_apigw_jp_val_t *v)
{
    int64_t                     len;
    ngx_uint_t                  i, n;
    ngx_http_apigw_jv_t        *node, *array;
    ngx_http_apigw_jv_cont_t   *c;
    ngx_http_apigw_jp_list_t    list;
    ngx_http_apigw_jp_query_t  *q;

    if (operand->type != NGX_HTTP_APIGW_JP_QUERY) {
        *v = *operand;
        return NGX_OK;
    }

    ngx_memzero(v, sizeof(ngx_http_apigw_jp_val_t));

    q = operand->query;
    node = q->root ? ctx->root : current;

    if (node == NULL) {
        return NGX_OK;
    }

    if (q->definite) {
        n = q->nsegs;

        if (q->length_prop) {
            /* "@.a.length": of an array or a string, else a member */

            node = ngx_http_apigw_jp_walk(q, node, 0, n - 1);

            if (node != NULL
                && (node->type == NGX_HTTP_APIGW_JV_ARRAY
                    || node->type == NGX_HTTP_APIGW_JV_STRING))
            {
                (void) ngx_http_apigw_jp_length(node, &len);
                goto number;
            }

            node = ngx_http_apigw_jp_walk(q, node, n - 1, n);

        } else {
            node = ngx_http_apigw_jp_walk(q, node, 0, n);
        }

        if (q->length_func) {
            if (ngx_http_apigw_jp_length(node, &len) != NGX_OK) {
                return NGX_OK;
            }

            goto number;
        }

        ngx_http_apigw_jp_from_json(node, v);
        return NGX_OK;
    }

    ngx_memzero(&list, sizeof(ngx_http_apigw_jp_list_t));

    if (ngx_http_apigw_jp_eval_query(ctx, q, node, &list) != NGX_OK) {
        free(list.elts);
        return NGX_ERROR;
    }

    if (q->length_func) {
        len = (int64_t) list.nelts;
        free(list.elts);
        goto number;
    }

    if (list.nelts < 2) {
        ngx_http_apigw_jp_from_json(list.nelts ? list.elts[0] : NULL, v);
        free(list.elts);
        return NGX_OK;
    }

    /* several matches compare as the array of them */

    array = malloc(sizeof(ngx_http_apigw_jv_t)
                   + sizeof(ngx_http_apigw_jv_cont_t)
                   + list.nelts * sizeof(ngx_http_apigw_jv_t));
    if (array == NULL) {
        free(list.elts);
        return NGX_ERROR;
    }

    c = (ngx_http_apigw_jv_cont_t *) (array + 1);
    ngx_memzero(c, sizeof(ngx_http_apigw_jv_cont_t));

    c->type = NGX_HTTP_APIGW_JV_ARRAY;
    c->nelts = list.nelts;
    c->nalloc = list.nelts;
    c->u.elts = (ngx_http_apigw_jv_t *) (c + 1);

    for (i = 0; i < list.nelts; i++) {
        c->u.elts[i] = *list.elts[i];
    }

    free(list.elts);

    array->type = NGX_HTTP_APIGW_JV_ARRAY;
    array->u.c = c;

    v->type = NGX_HTTP_APIGW_JP_JSON;
    v->json = array;
    v->query = q;

    return NGX_OK;

number:

    v->type = NGX_HTTP_APIGW_JP_NUMBER;
    v->is_int = 1;
    v->integer = len;
    v->number = (double) len;

    return NGX_OK;
}


static void
ngx_http_apigw_jp_from_json(ngx_http_apigw_jv_t *json,
    ngx_http_apigw_jp_val_t *v)
{
    ngx_memzero(v, sizeof(ngx_http_apigw_jp_val_t));

    if (json == NULL) {
        v->type = NGX_HTTP_APIGW_JP_NOTHING;
        return;
    }

    switch (json->type) {

    case NGX_HTTP_APIGW_JV_NULL:
        v->type = NGX_HTTP_APIGW_JP_NULL;
        break;

    case NGX_HTTP_APIGW_JV_TRUE:
    case NGX_HTTP_APIGW_JV_FALSE:
        v->type = NGX_HTTP_APIGW_JP_BOOL;
        v->boolean = (json->type == NGX_HTTP_APIGW_JV_TRUE);
        break;

    case NGX_HTTP_APIGW_JV_INTEGER:
        v->type = NGX_HTTP_APIGW_JP_NUMBER;
        v->is_int = 1;
        v->integer = json->u.i;
        v->number = (double) v->integer;
        break;

    case NGX_HTTP_APIGW_JV_REAL:
        v->type = NGX_HTTP_APIGW_JP_NUMBER;
        v->number = json->u.d;
        break;

    case NGX_HTTP_APIGW_JV_STRING:
        v->type = NGX_HTTP_APIGW_JP_STRING;
        v->str = json->u.s;
        break;

    default:
        v->type = NGX_HTTP_APIGW_JP_JSON;
        v->json = json;
        break;
    }
}


/* 1 or 0; values of different types are unequal and unordered */

static ngx_int_t
ngx_http_apigw_jp_compare(ngx_http_apigw_jp_ctx_t *ctx, ngx_uint_t op,
    ngx_http_apigw_jp_val_t *a, ngx_http_apigw_jp_val_t *b)
{
    ngx_int_t  rc;

    switch (op) {

    case NGX_HTTP_APIGW_JP_EQ:
    case NGX_HTTP_APIGW_JP_NE:
        rc = ngx_http_apigw_jp_equal(ctx, a, b);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        return (op == NGX_HTTP_APIGW_JP_EQ) ? rc : !rc;

    case NGX_HTTP_APIGW_JP_LT:
        return ngx_http_apigw_jp_less(a, b);

    case NGX_HTTP_APIGW_JP_GT:
        return ngx_http_apigw_jp_less(b, a);

    case NGX_HTTP_APIGW_JP_LE:
        rc = ngx_http_apigw_jp_less(a, b);
        break;

    default: /* NGX_HTTP_APIGW_JP_GE */
        rc = ngx_http_apigw_jp_less(b, a);
        break;
    }

    if (rc) {
        return 1;
    }

    /* only numbers and strings are ordered */

    if (a->type != b->type
        || (a->type != NGX_HTTP_APIGW_JP_NUMBER
            && a->type != NGX_HTTP_APIGW_JP_STRING))
    {
        return 0;
    }

    return ngx_http_apigw_jp_equal(ctx, a, b);
}


static ngx_int_t
ngx_http_apigw_jp_equal(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jp_val_t *a, ngx_http_apigw_jp_val_t *b)
{
    if (a->type != b->type) {
        return 0;
    }

    switch (a->type) {

    case NGX_HTTP_APIGW_JP_NOTHING:
    case NGX_HTTP_APIGW_JP_NULL:
        return 1;

    case NGX_HTTP_APIGW_JP_BOOL:
        return a->boolean == b->boolean;

    case NGX_HTTP_APIGW_JP_NUMBER:
        return ngx_http_apigw_jp_numcmp(a, b) == 0;

    case NGX_HTTP_APIGW_JP_STRING:
        return a->str.len == b->str.len
               && (a->str.len == 0
                   || memcmp(a->str.data, b->str.data, a->str.len) == 0);

    default: /* NGX_HTTP_APIGW_JP_JSON */
        return ngx_http_apigw_jp_json_equal(ctx, a->json, b->json, 0);
    }
}


static ngx_int_t
ngx_http_apigw_jp_less(ngx_http_apigw_jp_val_t *a, ngx_http_apigw_jp_val_t *b)
{
    int     rc;
    size_t  n;

    if (a->type != b->type) {
        return 0;
    }

    if (a->type == NGX_HTTP_APIGW_JP_NUMBER) {
        return ngx_http_apigw_jp_numcmp(a, b) < 0;
    }

    if (a->type != NGX_HTTP_APIGW_JP_STRING) {
        return 0;
    }

    /* UTF-8 byte order is code point order */

    n = ngx_min(a->str.len, b->str.len);
    rc = n ? memcmp(a->str.data, b->str.data, n) : 0;

    return rc < 0 || (rc == 0 && a->str.len < b->str.len);
}


/* -1, 0, 1; 2 when unordered (NaN never comes from JSON) */

static int
ngx_http_apigw_jp_numcmp(ngx_http_apigw_jp_val_t *a,
    ngx_http_apigw_jp_val_t *b)
{
    if (a->is_int && b->is_int) {
        return (a->integer > b->integer) - (a->integer < b->integer);
    }

    if (a->number < b->number) {
        return -1;
    }

    if (a->number > b->number) {
        return 1;
    }

    return (a->number == b->number) ? 0 : 2;
}


/* deep equality, numbers by value; NGX_ERROR past the step limit */

static ngx_int_t
ngx_http_apigw_jp_json_equal(ngx_http_apigw_jp_ctx_t *ctx,
    ngx_http_apigw_jv_t *a, ngx_http_apigw_jv_t *b, ngx_uint_t depth)
{
    size_t                       i, n;
    ngx_int_t                    rc;
    ngx_http_apigw_jv_t         *bv;
    ngx_http_apigw_jp_val_t      va, vb;
    ngx_http_apigw_jv_member_t  *m;

    if (ngx_http_apigw_jp_step(ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (depth > NGX_HTTP_APIGW_JP_EQUAL_DEPTH) {
        return 0;
    }

    if (a->type == NGX_HTTP_APIGW_JV_ARRAY
        && b->type == NGX_HTTP_APIGW_JV_ARRAY)
    {
        n = a->u.c->nelts;

        if (n != b->u.c->nelts) {
            return 0;
        }

        for (i = 0; i < n; i++) {
            rc = ngx_http_apigw_jp_json_equal(ctx, &a->u.c->u.elts[i],
                                              &b->u.c->u.elts[i], depth + 1);
            if (rc != 1) {
                return rc;
            }
        }

        return 1;
    }

    if (a->type == NGX_HTTP_APIGW_JV_OBJECT
        && b->type == NGX_HTTP_APIGW_JV_OBJECT)
    {
        n = a->u.c->nelts;

        if (n != b->u.c->nelts) {
            return 0;
        }

        for (i = 0; i < n; i++) {
            m = &a->u.c->u.members[i];

            bv = ngx_http_apigw_jv_object_get(b->u.c, m->key.data, m->key.len);
            if (bv == NULL) {
                return 0;
            }

            rc = ngx_http_apigw_jp_json_equal(ctx, &m->val, bv, depth + 1);
            if (rc != 1) {
                return rc;
            }
        }

        return 1;
    }

    if (ngx_http_apigw_jv_is_cont(a) || ngx_http_apigw_jv_is_cont(b)) {
        return 0;
    }

    ngx_http_apigw_jp_from_json(a, &va);
    ngx_http_apigw_jp_from_json(b, &vb);

    return ngx_http_apigw_jp_equal(ctx, &va, &vb);
}
