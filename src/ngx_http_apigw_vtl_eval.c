
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * VTL evaluator: renders the tree of ngx_http_apigw_vtl_parse.c.
 *
 * Values behave as the Java objects API Gateway's Velocity 1.7 sees:
 * String, Integer/Long, Double, Boolean, ArrayList and LinkedHashMap made
 * by the template, and what $input.path() and $util.parseJson() give
 * (Jayway JsonPath over json-smart: a JSON object is a LinkedHashMap that
 * prints as {k=v, k2=v2}, a JSON array a JSONArray that prints as its
 * compact JSON).  JSON containers stay the engines' JSON values
 * (ngx_http_apigw_jv_t, from the allocator like everything of a render),
 * so that writes into $context reach the caller's object.
 */


#define NGX_HTTP_APIGW_VTL_PRIVATE
#include <ngx_http_apigw_vtl.h>
#include <ngx_http_apigw_jsonpath.h>
#include <ngx_http_apigw_util.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <math.h>
#include <stdio.h>
#include <time.h>


/* recursion over values: printing, comparing, converting */
#define NGX_HTTP_APIGW_VTL_VALUE_DEPTH   1000

/* nesting of JSON containers copied (parsed ones nest up to 2048) */
#define NGX_HTTP_APIGW_VTL_COPY_DEPTH    4096

/* PCRE2 limits against catastrophic backtracking */
#define NGX_HTTP_APIGW_VTL_MATCH_LIMIT   1000000
#define NGX_HTTP_APIGW_VTL_DEPTH_LIMIT   10000


typedef enum {
    NGX_HTTP_APIGW_VTL_V_NULL = 0,
    NGX_HTTP_APIGW_VTL_V_STRING,
    NGX_HTTP_APIGW_VTL_V_INT,
    NGX_HTTP_APIGW_VTL_V_DOUBLE,
    NGX_HTTP_APIGW_VTL_V_BOOL,
    NGX_HTTP_APIGW_VTL_V_LIST,      /* ArrayList */
    NGX_HTTP_APIGW_VTL_V_MAP,       /* LinkedHashMap */
    NGX_HTTP_APIGW_VTL_V_JSON,      /* a JSON object or array */
    NGX_HTTP_APIGW_VTL_V_ENTRY,     /* Map.Entry of entrySet() */
    NGX_HTTP_APIGW_VTL_V_CLASS,     /* $x.class */
    NGX_HTTP_APIGW_VTL_V_BLOCK,     /* #define */
    NGX_HTTP_APIGW_VTL_V_FOREACH,   /* $foreach */
    NGX_HTTP_APIGW_VTL_V_INPUT,     /* $input */
    NGX_HTTP_APIGW_VTL_V_UTIL       /* $util */
} ngx_http_apigw_vtl_vtype_e;


typedef struct ngx_http_apigw_vtl_list_s     ngx_http_apigw_vtl_list_t;
typedef struct ngx_http_apigw_vtl_map_s      ngx_http_apigw_vtl_map_t;
typedef struct ngx_http_apigw_vtl_foreach_s  ngx_http_apigw_vtl_foreach_t;
typedef struct ngx_http_apigw_vtl_value_s    ngx_http_apigw_vtl_value_t;


struct ngx_http_apigw_vtl_value_s {
    ngx_http_apigw_vtl_vtype_e          type;

    union {
        ngx_str_t                       str;     /* also the class name */
        int64_t                         i;
        double                          d;
        ngx_uint_t                      b;
        ngx_http_apigw_vtl_list_t      *list;
        ngx_http_apigw_vtl_map_t       *map;
        ngx_http_apigw_jv_cont_t       *json;    /* array, object */
        ngx_http_apigw_vtl_value_t     *entry;   /* key, value */
        ngx_http_apigw_vtl_node_t      *block;
        ngx_http_apigw_vtl_foreach_t   *foreach;
    } u;
};


struct ngx_http_apigw_vtl_list_s {
    ngx_http_apigw_vtl_value_t         *elts;
    ngx_uint_t                          nelts;
    ngx_uint_t                          nalloc;
    ngx_uint_t                          mods;     /* modification count */
};


struct ngx_http_apigw_vtl_map_s {
    ngx_http_apigw_vtl_value_t         *keys;
    ngx_http_apigw_vtl_value_t         *vals;
    ngx_uint_t                          nelts;
    ngx_uint_t                          nalloc;
    uint32_t                           *index;    /* entry + 1, 0: free */
    ngx_uint_t                          nindex;   /* a power of 2 */
    ngx_uint_t                          mods;
};


struct ngx_http_apigw_vtl_foreach_s {
    ngx_uint_t                          index;
    ngx_uint_t                          has_next;
    ngx_http_apigw_vtl_value_t          parent;
};


typedef struct {
    u_char                             *data;
    size_t                              len;
    size_t                              cap;
} ngx_http_apigw_vtl_buf_t;


typedef struct {
    ngx_http_apigw_alloc_t             *a;
    ngx_http_apigw_vtl_env_t           *env;
    ngx_http_apigw_vtl_error_t         *err;
    ngx_http_apigw_vtl_t               *tpl;

    ngx_http_apigw_vtl_buf_t           *out;

    size_t                              mem_used;
    size_t                              max_memory;
    size_t                              max_output;
    ngx_uint_t                          iterations;
    ngx_uint_t                          max_iterations;
    ngx_uint_t                          depth;
    ngx_uint_t                          max_depth;
    uint64_t                            deadline;  /* CPU time, ns;
                                                      0: not read yet */
    uint64_t                            max_time;  /* ns */
    ngx_uint_t                          time_checks;

    ngx_http_apigw_vtl_value_t         *vars;      /* by slot */

    ngx_http_apigw_jv_t                 body;      /* parsed lazily */
    ngx_http_apigw_jv_t                *params;
    ngx_str_t                           body_text;
    unsigned                            body_parsed:1;
    unsigned                            body_text_done:1;

    unsigned                            stop:1;    /* #stop */
    unsigned                            brk:1;     /* #break */

    pcre2_general_context              *gctx;
    pcre2_compile_context              *cctx;
    pcre2_match_context                *mctx;
    pcre2_match_data                   *md;        /* reused */

    ngx_uint_t                          line;      /* for errors */
    ngx_uint_t                          column;
} ngx_http_apigw_vtl_ctx_t;


#define ngx_http_apigw_vtl_is_num(v)                                         \
    ((v)->type == NGX_HTTP_APIGW_VTL_V_INT                                   \
     || (v)->type == NGX_HTTP_APIGW_VTL_V_DOUBLE)

#define ngx_http_apigw_vtl_is_jobj(v)                                        \
    ((v)->type == NGX_HTTP_APIGW_VTL_V_JSON                                  \
     && (v)->u.json->type == NGX_HTTP_APIGW_JV_OBJECT)

#define ngx_http_apigw_vtl_is_jarr(v)                                        \
    ((v)->type == NGX_HTTP_APIGW_VTL_V_JSON                                  \
     && (v)->u.json->type == NGX_HTTP_APIGW_JV_ARRAY)

#define ngx_http_apigw_vtl_is_listish(v)                                     \
    ((v)->type == NGX_HTTP_APIGW_VTL_V_LIST || ngx_http_apigw_vtl_is_jarr(v))

#define ngx_http_apigw_vtl_is_mapish(v)                                      \
    ((v)->type == NGX_HTTP_APIGW_VTL_V_MAP || ngx_http_apigw_vtl_is_jobj(v))

/* names are short: compared in line, not by a call of memcmp() */

#define ngx_http_apigw_vtl_eq_name(s, lit)                                   \
    ((s)->len == sizeof(lit) - 1                                             \
     && ngx_http_apigw_vtl_bytes_eq((s)->data, (u_char *) lit,               \
                                    sizeof(lit) - 1))

#define ngx_http_apigw_vtl_set_null(v)                                       \
    (v)->type = NGX_HTTP_APIGW_VTL_V_NULL

#define ngx_http_apigw_vtl_set_bool(v, x)                                    \
    (v)->type = NGX_HTTP_APIGW_VTL_V_BOOL; (v)->u.b = (x) ? 1 : 0

#define ngx_http_apigw_vtl_set_int(v, x)                                     \
    (v)->type = NGX_HTTP_APIGW_VTL_V_INT; (v)->u.i = (x)


static ngx_inline ngx_uint_t ngx_http_apigw_vtl_bytes_eq(u_char *p, u_char *q,
    size_t n);
static ngx_int_t ngx_http_apigw_vtl_render_block(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_node_t *n);
static ngx_int_t ngx_http_apigw_vtl_eval(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_expr_t *e, ngx_http_apigw_vtl_value_t *v);
static ngx_int_t ngx_http_apigw_vtl_eval_ref(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_ref_t *ref, ngx_uint_t upto,
    ngx_http_apigw_vtl_value_t *v);
static ngx_inline ngx_http_apigw_jv_t *ngx_http_apigw_vtl_hinted(
    ngx_http_apigw_jv_cont_t *c, ngx_http_apigw_vtl_mod_t *mod);
static ngx_int_t ngx_http_apigw_vtl_eval_props(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_ref_t *ref, ngx_http_apigw_vtl_value_t *v);
static ngx_int_t ngx_http_apigw_vtl_eval_quick(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_ref_t *ref, ngx_http_apigw_vtl_value_t *v);
static ngx_int_t ngx_http_apigw_vtl_to_string(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *v, ngx_str_t *s);
static ngx_int_t ngx_http_apigw_vtl_print(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, ngx_http_apigw_vtl_value_t *v,
    ngx_uint_t depth);
static ngx_int_t ngx_http_apigw_vtl_java_equals(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *x, ngx_http_apigw_vtl_value_t *y,
    ngx_uint_t depth, ngx_uint_t *eq);
static ngx_int_t ngx_http_apigw_vtl_to_json(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *v, ngx_uint_t depth, ngx_http_apigw_jv_t *j);
static ngx_inline void ngx_http_apigw_vtl_from_json(ngx_http_apigw_jv_t *j,
    ngx_http_apigw_vtl_value_t *v);
static ngx_int_t ngx_http_apigw_vtl_error(ngx_http_apigw_vtl_ctx_t *ctx,
    const char *msg);


/*
 * a few loads of 8, 4, 2 or 1 bytes, the first and the last of them
 * overlapping, compare names of up to 16 bytes
 */

static ngx_inline ngx_uint_t
ngx_http_apigw_vtl_bytes_eq(u_char *p, u_char *q, size_t n)
{
    uint16_t  a2, b2;
    uint32_t  a4, b4;
    uint64_t  a8, b8;

    if (n >= 8) {
        if (n > 16) {
            return memcmp(p, q, n) == 0;
        }

        ngx_memcpy(&a8, p, 8);
        ngx_memcpy(&b8, q, 8);

        if (a8 != b8) {
            return 0;
        }

        ngx_memcpy(&a8, p + n - 8, 8);
        ngx_memcpy(&b8, q + n - 8, 8);

        return a8 == b8;
    }

    if (n >= 4) {
        ngx_memcpy(&a4, p, 4);
        ngx_memcpy(&b4, q, 4);

        if (a4 != b4) {
            return 0;
        }

        ngx_memcpy(&a4, p + n - 4, 4);
        ngx_memcpy(&b4, q + n - 4, 4);

        return a4 == b4;
    }

    if (n >= 2) {
        ngx_memcpy(&a2, p, 2);
        ngx_memcpy(&b2, q, 2);

        return a2 == b2 && p[n - 1] == q[n - 1];
    }

    return n == 0 || *p == *q;
}


/* memory */

static void *
ngx_http_apigw_vtl_alloc(ngx_http_apigw_vtl_ctx_t *ctx, size_t size)
{
    void  *p;

    if (size > ctx->max_memory - ctx->mem_used) {
        ngx_http_apigw_vtl_error(ctx, "memory limit exceeded");
        return NULL;
    }

    p = ngx_http_apigw_alloc(ctx->a, size);
    if (p == NULL) {
        ngx_http_apigw_vtl_error(ctx, "out of memory");
        return NULL;
    }

    ctx->mem_used += size;

    return p;
}


static void *
ngx_http_apigw_vtl_pcre_malloc(PCRE2_SIZE size, void *data)
{
    ngx_http_apigw_vtl_ctx_t  *ctx = data;

    if (size > ctx->max_memory - ctx->mem_used) {
        return NULL;
    }

    ctx->mem_used += size;

    return ngx_http_apigw_alloc(ctx->a, size);
}


static void *
ngx_http_apigw_vtl_pcre_pool_malloc(PCRE2_SIZE size, void *data)
{
    return ngx_http_apigw_alloc((ngx_http_apigw_alloc_t *) data, size);
}


static void
ngx_http_apigw_vtl_pcre_free(void *p, void *data)
{
    /* pool memory */
}


static ngx_int_t
ngx_http_apigw_vtl_error(ngx_http_apigw_vtl_ctx_t *ctx, const char *msg)
{
    if (ctx->err->message == NULL) {
        ctx->err->message = msg;
        ctx->err->line = ctx->line;
        ctx->err->column = ctx->column;
    }

    return NGX_ERROR;
}


/*
 * the process CPU time; a render past its deadline (loops of expensive
 * regular expressions on hostile input) stops with an error
 */

static uint64_t
ngx_http_apigw_vtl_now(void)
{
    struct timespec  ts;

    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) {
        return 0;
    }

    return (uint64_t) ts.tv_sec * 1000000000 + (uint64_t) ts.tv_nsec;
}


/*
 * the CPU clock is a system call (no vDSO for it): it is read 1 time in
 * 16 checks (counted in line), and first at the 16th check, not at the
 * start of the render, so that the many renders that check less than 16
 * times (a #foreach of a few items) make no system call at all; the time
 * before the first reading is no more than 16 checks' worth, the
 * granularity of the limit anyway
 */

#define ngx_http_apigw_vtl_check_time(ctx)                                   \
    (((++(ctx)->time_checks & 15) != 0) ? NGX_OK                             \
                                        : ngx_http_apigw_vtl_clock(ctx))

static ngx_int_t
ngx_http_apigw_vtl_clock(ngx_http_apigw_vtl_ctx_t *ctx)
{
    uint64_t  now;

    now = ngx_http_apigw_vtl_now();

    if (ctx->deadline == 0) {
        ctx->deadline = now + ctx->max_time;
        return NGX_OK;
    }

    if (now > ctx->deadline) {
        return ngx_http_apigw_vtl_error(ctx, "time limit exceeded");
    }

    return NGX_OK;
}


/* buffers */

static ngx_int_t
ngx_http_apigw_vtl_buf_reserve(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, size_t n)
{
    u_char  *p;
    size_t   cap;

    if (n <= b->cap - b->len) {
        return NGX_OK;
    }

    if (n > ctx->max_output || b->len > ctx->max_output - n) {
        return ngx_http_apigw_vtl_error(ctx, "output limit exceeded");
    }

    cap = b->cap ? b->cap : 256;

    while (cap - b->len < n) {
        cap *= 2;
    }

    if (cap > ctx->max_output) {
        cap = ctx->max_output;
    }

    p = ngx_http_apigw_vtl_alloc(ctx, cap);
    if (p == NULL) {
        return NGX_ERROR;
    }

    if (b->len) {
        ngx_memcpy(p, b->data, b->len);
    }

    b->data = p;
    b->cap = cap;

    return NGX_OK;
}


/* the usual case, room enough, inline; growing apart */

static ngx_inline ngx_int_t
ngx_http_apigw_vtl_buf_add(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, const void *data, size_t len)
{
    if (len == 0) {
        return NGX_OK;
    }

    if (len > b->cap - b->len
        && ngx_http_apigw_vtl_buf_reserve(ctx, b, len) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_http_apigw_copy(b->data + b->len, data, len);
    b->len += len;

    return NGX_OK;
}


#define ngx_http_apigw_vtl_buf_lit(ctx, b, s)                                \
    ngx_http_apigw_vtl_buf_add(ctx, b, s, sizeof(s) - 1)


static ngx_int_t
ngx_http_apigw_vtl_buf_repeat(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, u_char c, size_t n)
{
    if (n == 0) {
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_buf_reserve(ctx, b, n) != NGX_OK) {
        return NGX_ERROR;
    }

    memset(b->data + b->len, c, n);
    b->len += n;

    return NGX_OK;
}


static ngx_inline ngx_int_t
ngx_http_apigw_vtl_out(ngx_http_apigw_vtl_ctx_t *ctx, const void *data,
    size_t len)
{
    return ngx_http_apigw_vtl_buf_add(ctx, ctx->out, data, len);
}


static ngx_inline void
ngx_http_apigw_vtl_set_str(ngx_http_apigw_vtl_value_t *v, u_char *data,
    size_t len)
{
    v->type = NGX_HTTP_APIGW_VTL_V_STRING;
    v->u.str.data = data;
    v->u.str.len = len;
}


/*
 * Java strings are UTF-16: length(), indexes and hashCode() count UTF-16
 * units; ill-formed bytes count one each
 */

static size_t
ngx_http_apigw_vtl_utf8_char(u_char *p, u_char *last, uint32_t *cp)
{
    size_t    n, i;
    uint32_t  c;

    c = *p;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }

    if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
        n = 2;
        c &= 0x1f;

    } else if ((c & 0xf0) == 0xe0) {
        n = 3;
        c &= 0x0f;

    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
        n = 4;
        c &= 0x07;

    } else {
        *cp = 0xfffd;
        return 1;
    }

    if ((size_t) (last - p) < n) {
        *cp = 0xfffd;
        return 1;
    }

    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }

        c = (c << 6) | (p[i] & 0x3f);
    }

    if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)))
        || (n == 4 && (c < 0x10000 || c > 0x10ffff)))
    {
        *cp = 0xfffd;
        return 1;
    }

    *cp = c;

    return n;
}


static ngx_uint_t
ngx_http_apigw_vtl_is_ascii(ngx_str_t *s)
{
    size_t  i;

    for (i = 0; i < s->len; i++) {
        if (s->data[i] >= 0x80) {
            return 0;
        }
    }

    return 1;
}


static int64_t
ngx_http_apigw_vtl_u16_len(ngx_str_t *s)
{
    u_char    *p, *last;
    int64_t    n;
    uint32_t   cp;

    if (ngx_http_apigw_vtl_is_ascii(s)) {
        return (int64_t) s->len;
    }

    n = 0;
    p = s->data;
    last = s->data + s->len;

    while (p < last) {
        p += ngx_http_apigw_vtl_utf8_char(p, last, &cp);
        n += (cp >= 0x10000) ? 2 : 1;
    }

    return n;
}


/* byte offset of UTF-16 index idx (0 <= idx <= length), or -1 */

static ssize_t
ngx_http_apigw_vtl_u16_offset(ngx_str_t *s, int64_t idx)
{
    u_char    *p, *last;
    int64_t    n;
    uint32_t   cp;

    if (idx < 0) {
        return -1;
    }

    if (ngx_http_apigw_vtl_is_ascii(s)) {
        return (idx <= (int64_t) s->len) ? (ssize_t) idx : -1;
    }

    n = 0;
    p = s->data;
    last = s->data + s->len;

    while (p < last && n < idx) {
        p += ngx_http_apigw_vtl_utf8_char(p, last, &cp);
        n += (cp >= 0x10000) ? 2 : 1;
    }

    if (n < idx) {
        return -1;
    }

    return p - s->data;
}


static int64_t
ngx_http_apigw_vtl_u16_index(ngx_str_t *s, size_t off)
{
    ngx_str_t  prefix;

    prefix.data = s->data;
    prefix.len = off;

    return ngx_http_apigw_vtl_u16_len(&prefix);
}


/* new values */

static ngx_http_apigw_vtl_list_t *
ngx_http_apigw_vtl_list_new(ngx_http_apigw_vtl_ctx_t *ctx, ngx_uint_t n)
{
    ngx_http_apigw_vtl_list_t  *l;

    l = ngx_http_apigw_vtl_alloc(ctx, sizeof(ngx_http_apigw_vtl_list_t));
    if (l == NULL) {
        return NULL;
    }

    ngx_memzero(l, sizeof(ngx_http_apigw_vtl_list_t));

    if (n) {
        l->elts = ngx_http_apigw_vtl_alloc(ctx,
                                     n * sizeof(ngx_http_apigw_vtl_value_t));
        if (l->elts == NULL) {
            return NULL;
        }

        l->nalloc = n;
    }

    return l;
}


static ngx_int_t
ngx_http_apigw_vtl_list_insert(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_list_t *l, ngx_uint_t at,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_uint_t                   n;
    ngx_http_apigw_vtl_value_t  *elts;

    if (l->nelts == l->nalloc) {
        n = l->nalloc ? l->nalloc * 2 : 4;

        elts = ngx_http_apigw_vtl_alloc(ctx,
                                     n * sizeof(ngx_http_apigw_vtl_value_t));
        if (elts == NULL) {
            return NGX_ERROR;
        }

        if (l->nelts) {
            ngx_memcpy(elts, l->elts,
                       l->nelts * sizeof(ngx_http_apigw_vtl_value_t));
        }

        l->elts = elts;
        l->nalloc = n;
    }

    if (at < l->nelts) {
        memmove(&l->elts[at + 1], &l->elts[at],
                (l->nelts - at) * sizeof(ngx_http_apigw_vtl_value_t));
    }

    l->elts[at] = *v;
    l->nelts++;
    l->mods++;

    return NGX_OK;
}


#define ngx_http_apigw_vtl_list_push(ctx, l, v)                              \
    ngx_http_apigw_vtl_list_insert(ctx, l, (l)->nelts, v)


static ngx_http_apigw_vtl_map_t *
ngx_http_apigw_vtl_map_new(ngx_http_apigw_vtl_ctx_t *ctx)
{
    ngx_http_apigw_vtl_map_t  *m;

    m = ngx_http_apigw_vtl_alloc(ctx, sizeof(ngx_http_apigw_vtl_map_t));
    if (m == NULL) {
        return NULL;
    }

    ngx_memzero(m, sizeof(ngx_http_apigw_vtl_map_t));

    return m;
}


static uint32_t
ngx_http_apigw_vtl_hash(ngx_http_apigw_vtl_value_t *k)
{
    size_t    i;
    uint64_t  h;

    switch (k->type) {

    case NGX_HTTP_APIGW_VTL_V_STRING:
        h = 14695981039346656037ULL;

        for (i = 0; i < k->u.str.len; i++) {
            h ^= k->u.str.data[i];
            h *= 1099511628211ULL;
        }

        return (uint32_t) (h ^ (h >> 32));

    case NGX_HTTP_APIGW_VTL_V_INT:
        h = (uint64_t) k->u.i * 0x9e3779b97f4a7c15ULL;
        return (uint32_t) (h >> 32) ^ 1;

    case NGX_HTTP_APIGW_VTL_V_DOUBLE:
        memcpy(&h, &k->u.d, sizeof(h));
        h *= 0x9e3779b97f4a7c15ULL;
        return (uint32_t) (h >> 32) ^ 2;

    case NGX_HTTP_APIGW_VTL_V_BOOL:
        return 3 + (uint32_t) k->u.b;

    default:
        return 7 + (uint32_t) k->type;
    }
}


/* Java equals() of two map keys, without failing */

static ngx_uint_t
ngx_http_apigw_vtl_key_eq(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *x, ngx_http_apigw_vtl_value_t *y)
{
    ngx_uint_t  eq;

    if (x->type != y->type) {
        return 0;
    }

    switch (x->type) {

    case NGX_HTTP_APIGW_VTL_V_NULL:
        return 1;

    case NGX_HTTP_APIGW_VTL_V_STRING:
        return x->u.str.len == y->u.str.len
               && (x->u.str.len == 0
                   || memcmp(x->u.str.data, y->u.str.data, x->u.str.len)
                      == 0);

    case NGX_HTTP_APIGW_VTL_V_INT:
        return x->u.i == y->u.i;

    case NGX_HTTP_APIGW_VTL_V_DOUBLE:
        return memcmp(&x->u.d, &y->u.d, sizeof(double)) == 0;

    case NGX_HTTP_APIGW_VTL_V_BOOL:
        return x->u.b == y->u.b;

    default:
        if (ngx_http_apigw_vtl_java_equals(ctx, x, y, 0, &eq) != NGX_OK) {
            ctx->err->message = NULL;
            return 0;
        }

        return eq;
    }
}


static ngx_int_t
ngx_http_apigw_vtl_map_reindex(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_map_t *m, ngx_uint_t size)
{
    uint32_t    h;
    ngx_uint_t  i, j;

    m->index = ngx_http_apigw_vtl_alloc(ctx, size * sizeof(uint32_t));
    if (m->index == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(m->index, size * sizeof(uint32_t));
    m->nindex = size;

    for (i = 0; i < m->nelts; i++) {
        h = ngx_http_apigw_vtl_hash(&m->keys[i]);

        for (j = h & (size - 1); m->index[j]; j = (j + 1) & (size - 1)) {
            /* void */
        }

        m->index[j] = (uint32_t) (i + 1);
    }

    return NGX_OK;
}


/* position of key in m, or -1 */

static ngx_int_t
ngx_http_apigw_vtl_map_find(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_map_t *m, ngx_http_apigw_vtl_value_t *key)
{
    uint32_t    h;
    ngx_uint_t  j, e;

    if (m->nelts < 8) {
        for (e = 0; e < m->nelts; e++) {
            if (ngx_http_apigw_vtl_key_eq(ctx, &m->keys[e], key)) {
                return (ngx_int_t) e;
            }
        }

        return -1;
    }

    if (m->nindex == 0) {
        return -1;
    }

    h = ngx_http_apigw_vtl_hash(key);

    for (j = h & (m->nindex - 1); m->index[j];
         j = (j + 1) & (m->nindex - 1))
    {
        e = m->index[j] - 1;

        if (ngx_http_apigw_vtl_key_eq(ctx, &m->keys[e], key)) {
            return (ngx_int_t) e;
        }
    }

    return -1;
}


/* put: old receives the previous value (null if none) */

static ngx_int_t
ngx_http_apigw_vtl_map_put(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_map_t *m, ngx_http_apigw_vtl_value_t *key,
    ngx_http_apigw_vtl_value_t *val, ngx_http_apigw_vtl_value_t *old)
{
    ngx_int_t                    e;
    ngx_uint_t                   n;
    ngx_http_apigw_vtl_value_t  *keys, *vals;

    e = ngx_http_apigw_vtl_map_find(ctx, m, key);

    if (e >= 0) {
        if (old) {
            *old = m->vals[e];
        }

        m->vals[e] = *val;
        return NGX_OK;
    }

    if (old) {
        ngx_http_apigw_vtl_set_null(old);
    }

    if (m->nelts == m->nalloc) {
        n = m->nalloc ? m->nalloc * 2 : 4;

        keys = ngx_http_apigw_vtl_alloc(ctx,
                                     n * sizeof(ngx_http_apigw_vtl_value_t));
        vals = ngx_http_apigw_vtl_alloc(ctx,
                                     n * sizeof(ngx_http_apigw_vtl_value_t));
        if (keys == NULL || vals == NULL) {
            return NGX_ERROR;
        }

        if (m->nelts) {
            ngx_memcpy(keys, m->keys,
                       m->nelts * sizeof(ngx_http_apigw_vtl_value_t));
            ngx_memcpy(vals, m->vals,
                       m->nelts * sizeof(ngx_http_apigw_vtl_value_t));
        }

        m->keys = keys;
        m->vals = vals;
        m->nalloc = n;
    }

    m->keys[m->nelts] = *key;
    m->vals[m->nelts] = *val;
    m->nelts++;
    m->mods++;

    if (m->nelts >= 8 && m->nelts * 2 > m->nindex) {
        return ngx_http_apigw_vtl_map_reindex(ctx, m,
                                   m->nindex ? m->nindex * 4 : 64);
    }

    if (m->nindex) {
        uint32_t    h;
        ngx_uint_t  j;

        h = ngx_http_apigw_vtl_hash(key);

        for (j = h & (m->nindex - 1); m->index[j];
             j = (j + 1) & (m->nindex - 1))
        {
            /* void */
        }

        m->index[j] = (uint32_t) m->nelts;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_map_remove(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_map_t *m, ngx_http_apigw_vtl_value_t *key,
    ngx_http_apigw_vtl_value_t *old)
{
    ngx_int_t   e;
    ngx_uint_t  rest;

    e = ngx_http_apigw_vtl_map_find(ctx, m, key);

    if (e < 0) {
        ngx_http_apigw_vtl_set_null(old);
        return NGX_OK;
    }

    *old = m->vals[e];
    rest = m->nelts - e - 1;

    if (rest) {
        memmove(&m->keys[e], &m->keys[e + 1],
                rest * sizeof(ngx_http_apigw_vtl_value_t));
        memmove(&m->vals[e], &m->vals[e + 1],
                rest * sizeof(ngx_http_apigw_vtl_value_t));
    }

    m->nelts--;
    m->mods++;

    if (m->nindex) {
        return ngx_http_apigw_vtl_map_reindex(ctx, m, m->nindex);
    }

    return NGX_OK;
}


/* variables: in their parse-time slots; null is unset */

#define ngx_http_apigw_vtl_var_get(ctx, slot, v)                             \
    (*(v) = (ctx)->vars[slot],                                               \
     ((v)->type == NGX_HTTP_APIGW_VTL_V_NULL) ? NGX_DECLINED : NGX_OK)

#define ngx_http_apigw_vtl_var_set(ctx, slot, v)                             \
    ((ctx)->vars[slot] = *(v), NGX_OK)


/* JSON to values and back */

static ngx_inline void
ngx_http_apigw_vtl_from_json(ngx_http_apigw_jv_t *j,
    ngx_http_apigw_vtl_value_t *v)
{
    if (j == NULL) {
        ngx_http_apigw_vtl_set_null(v);
        return;
    }

    switch (j->type) {

    case NGX_HTTP_APIGW_JV_STRING:
        /* no copy: JSON strings are never changed in place */
        ngx_http_apigw_vtl_set_str(v, j->u.s.data, j->u.s.len);
        return;

    case NGX_HTTP_APIGW_JV_INTEGER:
        ngx_http_apigw_vtl_set_int(v, j->u.i);
        return;

    case NGX_HTTP_APIGW_JV_REAL:
        v->type = NGX_HTTP_APIGW_VTL_V_DOUBLE;
        v->u.d = j->u.d;
        return;

    case NGX_HTTP_APIGW_JV_TRUE:
    case NGX_HTTP_APIGW_JV_FALSE:
        ngx_http_apigw_vtl_set_bool(v, j->type == NGX_HTTP_APIGW_JV_TRUE);
        return;

    case NGX_HTTP_APIGW_JV_NULL:
        ngx_http_apigw_vtl_set_null(v);
        return;

    default:
        v->type = NGX_HTTP_APIGW_VTL_V_JSON;
        v->u.json = j->u.c;
        return;
    }
}


/* a JSON value for a value; JSON containers are copied */

static ngx_int_t
ngx_http_apigw_vtl_to_json(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *v, ngx_uint_t depth, ngx_http_apigw_jv_t *j)
{
    ngx_int_t                   rc;
    ngx_str_t                   s;
    ngx_uint_t                  i;
    ngx_http_apigw_jv_t         e, src;
    ngx_http_apigw_jv_cont_t   *c;

    if (depth > NGX_HTTP_APIGW_VTL_VALUE_DEPTH) {
        return ngx_http_apigw_vtl_error(ctx, "value nested too deeply");
    }

    switch (v->type) {

    case NGX_HTTP_APIGW_VTL_V_NULL:
        ngx_http_apigw_jv_set_null(j);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_STRING:
        ngx_http_apigw_jv_set_str(j, v->u.str.data, v->u.str.len);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_INT:
        ngx_http_apigw_jv_set_int(j, v->u.i);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_DOUBLE:
        if (isfinite(v->u.d)) {
            j->type = NGX_HTTP_APIGW_JV_REAL;
            j->u.d = v->u.d;

        } else {
            ngx_http_apigw_jv_set_null(j);
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_BOOL:
        ngx_http_apigw_jv_set_bool(j, v->u.b);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_LIST:
        c = ngx_http_apigw_jv_cont_new(ctx->a, NGX_HTTP_APIGW_JV_ARRAY,
                                       v->u.list->nelts);
        if (c == NULL) {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }

        for (i = 0; i < v->u.list->nelts; i++) {
            if (ngx_http_apigw_vtl_to_json(ctx, &v->u.list->elts[i],
                                           depth + 1, &c->u.elts[i])
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            c->nelts++;
        }

        j->type = NGX_HTTP_APIGW_JV_ARRAY;
        j->u.c = c;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_MAP:
        c = ngx_http_apigw_jv_cont_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT,
                                       v->u.map->nelts);
        if (c == NULL) {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }

        for (i = 0; i < v->u.map->nelts; i++) {
            if (ngx_http_apigw_vtl_to_string(ctx, &v->u.map->keys[i], &s)
                != NGX_OK
                || ngx_http_apigw_vtl_to_json(ctx, &v->u.map->vals[i],
                                              depth + 1, &e)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (ngx_http_apigw_jv_object_set(ctx->a, c, s.data, s.len, &e, 0)
                != NGX_OK)
            {
                return ngx_http_apigw_vtl_error(ctx, "out of memory");
            }
        }

        j->type = NGX_HTTP_APIGW_JV_OBJECT;
        j->u.c = c;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_JSON:
        src.type = v->u.json->type;
        src.u.c = v->u.json;

        rc = ngx_http_apigw_jv_copy(ctx->a, &src, j,
                                    NGX_HTTP_APIGW_VTL_COPY_DEPTH);

        if (rc == NGX_DECLINED) {
            return ngx_http_apigw_vtl_error(ctx, "value nested too deeply");
        }

        if (rc != NGX_OK) {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }

        return NGX_OK;

    default:
        if (ngx_http_apigw_vtl_to_string(ctx, v, &s) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_apigw_jv_set_str(j, s.data, s.len);
        return NGX_OK;
    }
}


/* Java toString() */

/*
 * numbers are written straight into the output when there is room for
 * the longest; else (near the output limit, which only what is written
 * counts against) through a buffer
 */

static ngx_int_t
ngx_http_apigw_vtl_print_int(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, int64_t i)
{
    u_char  buf[24], *p;   /* "-9223372036854775808" */

    if (b->cap - b->len >= sizeof(buf)) {
        p = ngx_http_apigw_util_format_int(b->data + b->len, i);
        b->len = p - b->data;
        return NGX_OK;
    }

    p = ngx_http_apigw_util_format_int(buf, i);

    if (ngx_http_apigw_vtl_buf_reserve(ctx, b, p - buf) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memcpy(b->data + b->len, buf, p - buf);
    b->len += p - buf;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_print_double(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, double d)
{
    u_char  buf[NGX_HTTP_APIGW_UTIL_DOUBLE_LEN], *p;

    if (b->cap - b->len >= sizeof(buf)) {
        p = ngx_http_apigw_util_format_double(b->data + b->len, d);
        b->len = p - b->data;
        return NGX_OK;
    }

    p = ngx_http_apigw_util_format_double(buf, d);

    if (ngx_http_apigw_vtl_buf_reserve(ctx, b, p - buf) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memcpy(b->data + b->len, buf, p - buf);
    b->len += p - buf;

    return NGX_OK;
}


/* the JSON text of a value written straight into a buffer */

typedef struct {
    ngx_http_apigw_vtl_ctx_t           *ctx;
    ngx_http_apigw_vtl_buf_t           *buf;
} ngx_http_apigw_vtl_out_t;


static ngx_int_t
ngx_http_apigw_vtl_json_grow(ngx_http_apigw_jv_out_t *out, size_t n)
{
    ngx_http_apigw_vtl_out_t  *o = out->data;

    o->buf->len = out->pos - o->buf->data;

    if (ngx_http_apigw_vtl_buf_reserve(o->ctx, o->buf, n) != NGX_OK) {
        return NGX_ERROR;
    }

    out->pos = o->buf->data + o->buf->len;
    out->last = o->buf->data + o->buf->cap;

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_print_json_text(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, ngx_http_apigw_jv_t *j)
{
    ngx_http_apigw_jv_out_t   out;
    ngx_http_apigw_vtl_out_t  o;

    o.ctx = ctx;
    o.buf = b;

    if (b->data == NULL
        && ngx_http_apigw_vtl_buf_reserve(ctx, b, 64) != NGX_OK)
    {
        return NGX_ERROR;
    }

    out.pos = b->data + b->len;
    out.last = b->data + b->cap;
    out.grow = ngx_http_apigw_vtl_json_grow;
    out.data = &o;

    if (ngx_http_apigw_util_json_write(ctx->a, j, &out) != NGX_OK) {
        return ngx_http_apigw_vtl_error(ctx, "out of memory");
    }

    b->len = out.pos - b->data;

    return NGX_OK;
}


/* a JSON value inside a printed map: as json-smart's Java objects print */

static ngx_int_t
ngx_http_apigw_vtl_print_json(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, ngx_http_apigw_jv_t *j, ngx_uint_t depth)
{
    ngx_uint_t                   i;
    ngx_http_apigw_jv_member_t  *m;

    if (depth > NGX_HTTP_APIGW_VTL_VALUE_DEPTH) {
        return ngx_http_apigw_vtl_error(ctx, "value nested too deeply");
    }

    switch (j->type) {

    case NGX_HTTP_APIGW_JV_OBJECT:
        if (ngx_http_apigw_vtl_buf_lit(ctx, b, "{") != NGX_OK) {
            return NGX_ERROR;
        }

        for (i = 0; i < j->u.c->nelts; i++) {
            m = &j->u.c->u.members[i];

            if (i && ngx_http_apigw_vtl_buf_lit(ctx, b, ", ") != NGX_OK) {
                return NGX_ERROR;
            }

            if (ngx_http_apigw_vtl_buf_add(ctx, b, m->key.data, m->key.len)
                != NGX_OK
                || ngx_http_apigw_vtl_buf_lit(ctx, b, "=") != NGX_OK
                || ngx_http_apigw_vtl_print_json(ctx, b, &m->val, depth + 1)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        return ngx_http_apigw_vtl_buf_lit(ctx, b, "}");

    case NGX_HTTP_APIGW_JV_ARRAY:
        return ngx_http_apigw_vtl_print_json_text(ctx, b, j);

    case NGX_HTTP_APIGW_JV_STRING:
        return ngx_http_apigw_vtl_buf_add(ctx, b, j->u.s.data, j->u.s.len);

    case NGX_HTTP_APIGW_JV_INTEGER:
        return ngx_http_apigw_vtl_print_int(ctx, b, j->u.i);

    case NGX_HTTP_APIGW_JV_REAL:
        return ngx_http_apigw_vtl_print_double(ctx, b, j->u.d);

    case NGX_HTTP_APIGW_JV_TRUE:
        return ngx_http_apigw_vtl_buf_lit(ctx, b, "true");

    case NGX_HTTP_APIGW_JV_FALSE:
        return ngx_http_apigw_vtl_buf_lit(ctx, b, "false");

    default:
        return ngx_http_apigw_vtl_buf_lit(ctx, b, "null");
    }
}


static ngx_int_t
ngx_http_apigw_vtl_print(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, ngx_http_apigw_vtl_value_t *v,
    ngx_uint_t depth)
{
    ngx_int_t                    rc;
    ngx_uint_t                   i;
    ngx_http_apigw_jv_t          j;
    ngx_http_apigw_vtl_buf_t    *save;
    ngx_http_apigw_vtl_list_t   *l;
    ngx_http_apigw_vtl_map_t    *m;
    ngx_http_apigw_vtl_value_t  *e;

    if (depth > NGX_HTTP_APIGW_VTL_VALUE_DEPTH) {
        return ngx_http_apigw_vtl_error(ctx, "value nested too deeply");
    }

    switch (v->type) {

    case NGX_HTTP_APIGW_VTL_V_NULL:
        return ngx_http_apigw_vtl_buf_lit(ctx, b, "null");

    case NGX_HTTP_APIGW_VTL_V_STRING:
        return ngx_http_apigw_vtl_buf_add(ctx, b, v->u.str.data,
                                          v->u.str.len);

    case NGX_HTTP_APIGW_VTL_V_INT:
        return ngx_http_apigw_vtl_print_int(ctx, b, v->u.i);

    case NGX_HTTP_APIGW_VTL_V_DOUBLE:
        return ngx_http_apigw_vtl_print_double(ctx, b, v->u.d);

    case NGX_HTTP_APIGW_VTL_V_BOOL:
        return v->u.b ? ngx_http_apigw_vtl_buf_lit(ctx, b, "true")
                      : ngx_http_apigw_vtl_buf_lit(ctx, b, "false");

    case NGX_HTTP_APIGW_VTL_V_LIST:
        l = v->u.list;

        if (ngx_http_apigw_vtl_buf_lit(ctx, b, "[") != NGX_OK) {
            return NGX_ERROR;
        }

        for (i = 0; i < l->nelts; i++) {
            if (i && ngx_http_apigw_vtl_buf_lit(ctx, b, ", ") != NGX_OK) {
                return NGX_ERROR;
            }

            e = &l->elts[i];

            if (e->type == NGX_HTTP_APIGW_VTL_V_LIST && e->u.list == l) {
                rc = ngx_http_apigw_vtl_buf_lit(ctx, b, "(this Collection)");

            } else {
                rc = ngx_http_apigw_vtl_print(ctx, b, e, depth + 1);
            }

            if (rc != NGX_OK) {
                return NGX_ERROR;
            }
        }

        return ngx_http_apigw_vtl_buf_lit(ctx, b, "]");

    case NGX_HTTP_APIGW_VTL_V_MAP:
        m = v->u.map;

        if (ngx_http_apigw_vtl_buf_lit(ctx, b, "{") != NGX_OK) {
            return NGX_ERROR;
        }

        for (i = 0; i < m->nelts; i++) {
            if (i && ngx_http_apigw_vtl_buf_lit(ctx, b, ", ") != NGX_OK) {
                return NGX_ERROR;
            }

            e = &m->keys[i];

            if (e->type == NGX_HTTP_APIGW_VTL_V_MAP && e->u.map == m) {
                rc = ngx_http_apigw_vtl_buf_lit(ctx, b, "(this Map)");

            } else {
                rc = ngx_http_apigw_vtl_print(ctx, b, e, depth + 1);
            }

            if (rc != NGX_OK
                || ngx_http_apigw_vtl_buf_lit(ctx, b, "=") != NGX_OK)
            {
                return NGX_ERROR;
            }

            e = &m->vals[i];

            if (e->type == NGX_HTTP_APIGW_VTL_V_MAP && e->u.map == m) {
                rc = ngx_http_apigw_vtl_buf_lit(ctx, b, "(this Map)");

            } else {
                rc = ngx_http_apigw_vtl_print(ctx, b, e, depth + 1);
            }

            if (rc != NGX_OK) {
                return NGX_ERROR;
            }
        }

        return ngx_http_apigw_vtl_buf_lit(ctx, b, "}");

    case NGX_HTTP_APIGW_VTL_V_JSON:
        j.type = v->u.json->type;
        j.u.c = v->u.json;
        return ngx_http_apigw_vtl_print_json(ctx, b, &j, depth);

    case NGX_HTTP_APIGW_VTL_V_ENTRY:
        if (ngx_http_apigw_vtl_print(ctx, b, &v->u.entry[0], depth + 1)
            != NGX_OK
            || ngx_http_apigw_vtl_buf_lit(ctx, b, "=") != NGX_OK)
        {
            return NGX_ERROR;
        }

        return ngx_http_apigw_vtl_print(ctx, b, &v->u.entry[1], depth + 1);

    case NGX_HTTP_APIGW_VTL_V_CLASS:
        if (ngx_http_apigw_vtl_buf_lit(ctx, b, "class ") != NGX_OK) {
            return NGX_ERROR;
        }

        return ngx_http_apigw_vtl_buf_add(ctx, b, v->u.str.data,
                                          v->u.str.len);

    case NGX_HTTP_APIGW_VTL_V_BLOCK:
        if (++ctx->depth > ctx->max_depth) {
            return ngx_http_apigw_vtl_error(ctx, "recursion limit exceeded");
        }

        save = ctx->out;
        ctx->out = b;
        rc = ngx_http_apigw_vtl_render_block(ctx, v->u.block);
        ctx->out = save;
        ctx->brk = 0;
        ctx->depth--;

        return rc;

    case NGX_HTTP_APIGW_VTL_V_FOREACH:
        return ngx_http_apigw_vtl_buf_lit(ctx, b,
                       "org.apache.velocity.runtime.directive.ForeachScope");

    case NGX_HTTP_APIGW_VTL_V_INPUT:
        return ngx_http_apigw_vtl_buf_lit(ctx, b, "$input");

    default:
        return ngx_http_apigw_vtl_buf_lit(ctx, b, "$util");
    }
}


static ngx_int_t
ngx_http_apigw_vtl_to_string(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *v, ngx_str_t *s)
{
    ngx_http_apigw_vtl_buf_t  b;

    if (v->type == NGX_HTTP_APIGW_VTL_V_STRING) {
        *s = v->u.str;
        return NGX_OK;
    }

    ngx_memzero(&b, sizeof(ngx_http_apigw_vtl_buf_t));

    if (ngx_http_apigw_vtl_print(ctx, &b, v, 0) != NGX_OK) {
        return NGX_ERROR;
    }

    s->data = b.data ? b.data : (u_char *) "";
    s->len = b.len;

    return NGX_OK;
}


/* lists and maps of both kinds */

static ngx_uint_t
ngx_http_apigw_vtl_size(ngx_http_apigw_vtl_value_t *v)
{
    switch (v->type) {
    case NGX_HTTP_APIGW_VTL_V_LIST:
        return v->u.list->nelts;
    case NGX_HTTP_APIGW_VTL_V_MAP:
        return v->u.map->nelts;
    case NGX_HTTP_APIGW_VTL_V_JSON:
        return v->u.json->nelts;
    default:
        return 0;
    }
}


static ngx_int_t
ngx_http_apigw_vtl_list_get(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *list, ngx_uint_t i,
    ngx_http_apigw_vtl_value_t *v)
{
    if (list->type == NGX_HTTP_APIGW_VTL_V_LIST) {
        *v = list->u.list->elts[i];
        return NGX_OK;
    }

    ngx_http_apigw_vtl_from_json(i < list->u.json->nelts
                                 ? &list->u.json->u.elts[i] : NULL, v);

    return NGX_OK;
}


/* map lookup: NGX_OK found, NGX_DECLINED not found */

static ngx_int_t
ngx_http_apigw_vtl_map_get(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *map, ngx_http_apigw_vtl_value_t *key,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t             e;
    ngx_http_apigw_jv_t  *j;

    ngx_http_apigw_vtl_set_null(v);

    if (map->type == NGX_HTTP_APIGW_VTL_V_MAP) {
        e = ngx_http_apigw_vtl_map_find(ctx, map->u.map, key);

        if (e < 0) {
            return NGX_DECLINED;
        }

        *v = map->u.map->vals[e];
        return NGX_OK;
    }

    /* a JSON object has String keys */

    if (key->type != NGX_HTTP_APIGW_VTL_V_STRING) {
        return NGX_DECLINED;
    }

    j = ngx_http_apigw_jv_object_get(map->u.json, key->u.str.data,
                                     key->u.str.len);
    if (j == NULL) {
        return NGX_DECLINED;
    }

    ngx_http_apigw_vtl_from_json(j, v);

    return NGX_OK;
}


/* Java equals() */

static ngx_int_t
ngx_http_apigw_vtl_java_equals(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *x, ngx_http_apigw_vtl_value_t *y,
    ngx_uint_t depth, ngx_uint_t *eq)
{
    ngx_uint_t                   i, n, e;
    ngx_http_apigw_jv_member_t  *m;
    ngx_http_apigw_vtl_value_t   a, b, k;

    *eq = 0;

    if (depth > NGX_HTTP_APIGW_VTL_VALUE_DEPTH) {
        return ngx_http_apigw_vtl_error(ctx, "value nested too deeply");
    }

    if (ngx_http_apigw_vtl_is_listish(x) && ngx_http_apigw_vtl_is_listish(y))
    {
        n = ngx_http_apigw_vtl_size(x);

        if (n != ngx_http_apigw_vtl_size(y)) {
            return NGX_OK;
        }

        for (i = 0; i < n; i++) {
            if (ngx_http_apigw_vtl_list_get(ctx, x, i, &a) != NGX_OK
                || ngx_http_apigw_vtl_list_get(ctx, y, i, &b) != NGX_OK
                || ngx_http_apigw_vtl_java_equals(ctx, &a, &b, depth + 1, &e)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (!e) {
                return NGX_OK;
            }
        }

        *eq = 1;
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is_mapish(x) && ngx_http_apigw_vtl_is_mapish(y)) {
        n = ngx_http_apigw_vtl_size(x);

        if (n != ngx_http_apigw_vtl_size(y)) {
            return NGX_OK;
        }

        if (x->type == NGX_HTTP_APIGW_VTL_V_MAP) {
            for (i = 0; i < n; i++) {
                if (ngx_http_apigw_vtl_map_get(ctx, y, &x->u.map->keys[i], &b)
                    != NGX_OK)
                {
                    return ctx->err->message ? NGX_ERROR : NGX_OK;
                }

                if (ngx_http_apigw_vtl_java_equals(ctx, &x->u.map->vals[i], &b,
                                                   depth + 1, &e)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }

                if (!e) {
                    return NGX_OK;
                }
            }

        } else {
            for (i = 0; i < x->u.json->nelts; i++) {
                m = &x->u.json->u.members[i];

                ngx_http_apigw_vtl_set_str(&k, m->key.data, m->key.len);

                if (ngx_http_apigw_vtl_map_get(ctx, y, &k, &b) != NGX_OK) {
                    return ctx->err->message ? NGX_ERROR : NGX_OK;
                }

                ngx_http_apigw_vtl_from_json(&m->val, &a);

                if (ngx_http_apigw_vtl_java_equals(ctx, &a, &b, depth + 1, &e)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }

                if (!e) {
                    return NGX_OK;
                }
            }
        }

        *eq = 1;
        return NGX_OK;
    }

    if (x->type != y->type) {
        return NGX_OK;
    }

    switch (x->type) {

    case NGX_HTTP_APIGW_VTL_V_NULL:
        *eq = 1;
        break;

    case NGX_HTTP_APIGW_VTL_V_STRING:
    case NGX_HTTP_APIGW_VTL_V_CLASS:
        *eq = x->u.str.len == y->u.str.len
              && (x->u.str.len == 0
                  || memcmp(x->u.str.data, y->u.str.data, x->u.str.len) == 0);
        break;

    case NGX_HTTP_APIGW_VTL_V_INT:
        *eq = (x->u.i == y->u.i);
        break;

    case NGX_HTTP_APIGW_VTL_V_DOUBLE:
        *eq = (x->u.d == y->u.d && signbit(x->u.d) == signbit(y->u.d))
              || (isnan(x->u.d) && isnan(y->u.d));
        break;

    case NGX_HTTP_APIGW_VTL_V_BOOL:
        *eq = (x->u.b == y->u.b);
        break;

    case NGX_HTTP_APIGW_VTL_V_ENTRY:
        if (ngx_http_apigw_vtl_java_equals(ctx, &x->u.entry[0],
                                           &y->u.entry[0], depth + 1, &e)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (e) {
            return ngx_http_apigw_vtl_java_equals(ctx, &x->u.entry[1],
                                                  &y->u.entry[1], depth + 1,
                                                  eq);
        }

        break;

    default:
        *eq = (x->u.block == y->u.block);
        break;
    }

    return NGX_OK;
}


static int
ngx_http_apigw_vtl_num_cmp(ngx_http_apigw_vtl_value_t *x,
    ngx_http_apigw_vtl_value_t *y)
{
    double  a, b;

    if (x->type == NGX_HTTP_APIGW_VTL_V_INT
        && y->type == NGX_HTTP_APIGW_VTL_V_INT)
    {
        return (x->u.i < y->u.i) ? -1 : (x->u.i > y->u.i);
    }

    a = (x->type == NGX_HTTP_APIGW_VTL_V_INT) ? (double) x->u.i : x->u.d;
    b = (y->type == NGX_HTTP_APIGW_VTL_V_INT) ? (double) y->u.i : y->u.d;

    return (a < b) ? -1 : (a > b);
}


/* "==" of Velocity 1.7: numbers by value, same classes by equals(), else
 * by toString(); null == null */

static ngx_int_t
ngx_http_apigw_vtl_vel_eq(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *x, ngx_http_apigw_vtl_value_t *y,
    ngx_uint_t *eq)
{
    ngx_str_t  a, b;

    if (ngx_http_apigw_vtl_is_num(x) && ngx_http_apigw_vtl_is_num(y)) {
        *eq = (ngx_http_apigw_vtl_num_cmp(x, y) == 0);
        return NGX_OK;
    }

    if (x->type == NGX_HTTP_APIGW_VTL_V_NULL
        || y->type == NGX_HTTP_APIGW_VTL_V_NULL)
    {
        *eq = (x->type == y->type);
        return NGX_OK;
    }

    if (x->type == y->type
        || (ngx_http_apigw_vtl_is_listish(x)
            && ngx_http_apigw_vtl_is_listish(y))
        || (ngx_http_apigw_vtl_is_mapish(x)
            && ngx_http_apigw_vtl_is_mapish(y)))
    {
        if (!(x->type == NGX_HTTP_APIGW_VTL_V_JSON
              && y->type == NGX_HTTP_APIGW_VTL_V_JSON
              && x->u.json->type != y->u.json->type))
        {
            return ngx_http_apigw_vtl_java_equals(ctx, x, y, 0, eq);
        }
    }

    if (ngx_http_apigw_vtl_to_string(ctx, x, &a) != NGX_OK
        || ngx_http_apigw_vtl_to_string(ctx, y, &b) != NGX_OK)
    {
        return NGX_ERROR;
    }

    *eq = (a.len == b.len
           && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));

    return NGX_OK;
}


/* + - * / % of Velocity 1.7 (MathUtils); null where Velocity logs */

static ngx_int_t
ngx_http_apigw_vtl_math(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_expr_t *e, ngx_http_apigw_vtl_value_t *v)
{
    u_char                      *p;
    int64_t                      r;
    ngx_str_t                    a, b;
    ngx_http_apigw_vtl_value_t   x, y;

    if (ngx_http_apigw_vtl_eval(ctx, e->u.op.left, &x) != NGX_OK
        || ngx_http_apigw_vtl_eval(ctx, e->u.op.right, &y) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_http_apigw_vtl_set_null(v);

    if (e->type == NGX_HTTP_APIGW_VTL_E_ADD
        && (x.type == NGX_HTTP_APIGW_VTL_V_STRING
            || y.type == NGX_HTTP_APIGW_VTL_V_STRING))
    {
        /* concatenation; a null side is its source text */

        if (x.type == NGX_HTTP_APIGW_VTL_V_NULL) {
            a = e->u.op.left->literal;

        } else if (ngx_http_apigw_vtl_to_string(ctx, &x, &a) != NGX_OK) {
            return NGX_ERROR;
        }

        if (y.type == NGX_HTTP_APIGW_VTL_V_NULL) {
            b = e->u.op.right->literal;

        } else if (ngx_http_apigw_vtl_to_string(ctx, &y, &b) != NGX_OK) {
            return NGX_ERROR;
        }

        if (a.len > ctx->max_output || b.len > ctx->max_output - a.len) {
            return ngx_http_apigw_vtl_error(ctx, "string too long");
        }

        p = ngx_http_apigw_vtl_alloc(ctx, a.len + b.len + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_http_apigw_vtl_set_str(v, p, a.len + b.len);
        p = ngx_cpymem(p, a.data, a.len);
        p = ngx_cpymem(p, b.data, b.len);
        *p = '\0';

        return NGX_OK;
    }

    if (!ngx_http_apigw_vtl_is_num(&x) || !ngx_http_apigw_vtl_is_num(&y)) {
        return NGX_OK;
    }

    if ((e->type == NGX_HTTP_APIGW_VTL_E_DIV
         || e->type == NGX_HTTP_APIGW_VTL_E_MOD)
        && ((y.type == NGX_HTTP_APIGW_VTL_V_INT && y.u.i == 0)
            || (y.type == NGX_HTTP_APIGW_VTL_V_DOUBLE && y.u.d == 0)))
    {
        /* "Right side of division operation is zero": null */
        return NGX_OK;
    }

    if (x.type == NGX_HTTP_APIGW_VTL_V_INT
        && y.type == NGX_HTTP_APIGW_VTL_V_INT)
    {
        switch (e->type) {

        case NGX_HTTP_APIGW_VTL_E_ADD:
            if (__builtin_add_overflow(x.u.i, y.u.i, &r)) {
                goto overflow;
            }

            break;

        case NGX_HTTP_APIGW_VTL_E_SUB:
            if (__builtin_sub_overflow(x.u.i, y.u.i, &r)) {
                goto overflow;
            }

            break;

        case NGX_HTTP_APIGW_VTL_E_MUL:
            if (__builtin_mul_overflow(x.u.i, y.u.i, &r)) {
                goto overflow;
            }

            break;

        case NGX_HTTP_APIGW_VTL_E_DIV:
            r = (y.u.i == -1) ? (int64_t) (0 - (uint64_t) x.u.i)
                              : x.u.i / y.u.i;
            break;

        default:
            r = (y.u.i == -1) ? 0 : x.u.i % y.u.i;
            break;
        }

        ngx_http_apigw_vtl_set_int(v, r);
        return NGX_OK;
    }

    {
        double  a1, b1, d;

        a1 = (x.type == NGX_HTTP_APIGW_VTL_V_INT) ? (double) x.u.i : x.u.d;
        b1 = (y.type == NGX_HTTP_APIGW_VTL_V_INT) ? (double) y.u.i : y.u.d;

        switch (e->type) {
        case NGX_HTTP_APIGW_VTL_E_ADD:
            d = a1 + b1;
            break;
        case NGX_HTTP_APIGW_VTL_E_SUB:
            d = a1 - b1;
            break;
        case NGX_HTTP_APIGW_VTL_E_MUL:
            d = a1 * b1;
            break;
        case NGX_HTTP_APIGW_VTL_E_DIV:
            d = a1 / b1;
            break;
        default:
            d = fmod(a1, b1);
            break;
        }

        v->type = NGX_HTTP_APIGW_VTL_V_DOUBLE;
        v->u.d = d;
    }

    return NGX_OK;

overflow:

    /* Java goes on with BigInteger */
    return ngx_http_apigw_vtl_error(ctx, "integer overflow");
}


static ngx_int_t ngx_http_apigw_vtl_call(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *obj, ngx_http_apigw_vtl_mod_t *mod,
    ngx_http_apigw_vtl_value_t *args, ngx_uint_t nargs,
    ngx_http_apigw_vtl_value_t *v);


/* the class name of $x.class */

static void
ngx_http_apigw_vtl_class_of(ngx_http_apigw_vtl_value_t *x,
    ngx_http_apigw_vtl_value_t *v)
{
    const char  *name;

    switch (x->type) {
    case NGX_HTTP_APIGW_VTL_V_STRING:
        name = "java.lang.String";
        break;
    case NGX_HTTP_APIGW_VTL_V_INT:
        name = (x->u.i >= INT32_MIN && x->u.i <= INT32_MAX)
               ? "java.lang.Integer" : "java.lang.Long";
        break;
    case NGX_HTTP_APIGW_VTL_V_DOUBLE:
        name = "java.lang.Double";
        break;
    case NGX_HTTP_APIGW_VTL_V_BOOL:
        name = "java.lang.Boolean";
        break;
    case NGX_HTTP_APIGW_VTL_V_LIST:
        name = "java.util.ArrayList";
        break;
    case NGX_HTTP_APIGW_VTL_V_MAP:
        name = "java.util.LinkedHashMap";
        break;
    case NGX_HTTP_APIGW_VTL_V_JSON:
        name = (x->u.json->type == NGX_HTTP_APIGW_JV_ARRAY)
               ? "net.minidev.json.JSONArray" : "java.util.LinkedHashMap";
        break;
    case NGX_HTTP_APIGW_VTL_V_ENTRY:
        name = "java.util.LinkedHashMap$Entry";
        break;
    case NGX_HTTP_APIGW_VTL_V_CLASS:
        name = "java.lang.Class";
        break;
    case NGX_HTTP_APIGW_VTL_V_BLOCK:
        name = "org.apache.velocity.runtime.directive.Block$Reference";
        break;
    case NGX_HTTP_APIGW_VTL_V_FOREACH:
        name = "org.apache.velocity.runtime.directive.ForeachScope";
        break;
    default:
        name = "java.lang.Object";
        break;
    }

    v->type = NGX_HTTP_APIGW_VTL_V_CLASS;
    v->u.str.data = (u_char *) name;
    v->u.str.len = strlen(name);
}


/* Velocity's evaluate(): the truth of a condition */

static ngx_int_t
ngx_http_apigw_vtl_truth(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_expr_t *e, ngx_uint_t *t)
{
    ngx_uint_t                   eq;
    ngx_http_apigw_vtl_value_t   x, y;

    switch (e->type) {

    case NGX_HTTP_APIGW_VTL_E_REF:
        if ((!e->u.ref->props
             || ngx_http_apigw_vtl_eval_props(ctx, e->u.ref, &x) != NGX_OK)
            && ngx_http_apigw_vtl_eval_ref(ctx, e->u.ref, e->u.ref->nmods, &x)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        *t = (x.type == NGX_HTTP_APIGW_VTL_V_BOOL) ? x.u.b
             : (x.type != NGX_HTTP_APIGW_VTL_V_NULL);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_TRUE:
        *t = 1;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_OR:
    case NGX_HTTP_APIGW_VTL_E_AND:
        if (ngx_http_apigw_vtl_truth(ctx, e->u.op.left, t) != NGX_OK) {
            return NGX_ERROR;
        }

        if ((e->type == NGX_HTTP_APIGW_VTL_E_OR) == (*t != 0)) {
            return NGX_OK;
        }

        return ngx_http_apigw_vtl_truth(ctx, e->u.op.right, t);

    case NGX_HTTP_APIGW_VTL_E_NOT:
        if (ngx_http_apigw_vtl_truth(ctx, e->u.op.left, t) != NGX_OK) {
            return NGX_ERROR;
        }

        *t = !*t;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_EQ:
    case NGX_HTTP_APIGW_VTL_E_NE:
        if (ngx_http_apigw_vtl_eval(ctx, e->u.op.left, &x) != NGX_OK
            || ngx_http_apigw_vtl_eval(ctx, e->u.op.right, &y) != NGX_OK
            || ngx_http_apigw_vtl_vel_eq(ctx, &x, &y, &eq) != NGX_OK)
        {
            return NGX_ERROR;
        }

        *t = (e->type == NGX_HTTP_APIGW_VTL_E_EQ) ? eq : !eq;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_LT:
    case NGX_HTTP_APIGW_VTL_E_GT:
    case NGX_HTTP_APIGW_VTL_E_LE:
    case NGX_HTTP_APIGW_VTL_E_GE:
        if (ngx_http_apigw_vtl_eval(ctx, e->u.op.left, &x) != NGX_OK
            || ngx_http_apigw_vtl_eval(ctx, e->u.op.right, &y) != NGX_OK)
        {
            return NGX_ERROR;
        }

        *t = 0;

        if (!ngx_http_apigw_vtl_is_num(&x) || !ngx_http_apigw_vtl_is_num(&y)) {
            /* Velocity 1.7 compares numbers only */
            return NGX_OK;
        }

        eq = ngx_http_apigw_vtl_num_cmp(&x, &y) + 1;   /* 0, 1, 2 */

        switch (e->type) {
        case NGX_HTTP_APIGW_VTL_E_LT:
            *t = (eq == 0);
            break;
        case NGX_HTTP_APIGW_VTL_E_GT:
            *t = (eq == 2);
            break;
        case NGX_HTTP_APIGW_VTL_E_LE:
            *t = (eq != 2);
            break;
        default:
            *t = (eq != 0);
            break;
        }

        return NGX_OK;

    default:
        /* literals, lists, maps and arithmetic are false in Velocity 1.7 */
        *t = 0;
        return NGX_OK;
    }
}


/* renders a (sub)template into a new string: "..$x..", #define */

static ngx_int_t
ngx_http_apigw_vtl_render_string(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_node_t *tpl, ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t                  rc;
    ngx_http_apigw_vtl_buf_t   b, *save;

    if (++ctx->depth > ctx->max_depth) {
        return ngx_http_apigw_vtl_error(ctx, "recursion limit exceeded");
    }

    if (ngx_http_apigw_vtl_check_time(ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memzero(&b, sizeof(ngx_http_apigw_vtl_buf_t));

    save = ctx->out;
    ctx->out = &b;
    rc = ngx_http_apigw_vtl_render_block(ctx, tpl);
    ctx->out = save;
    ctx->depth--;

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_apigw_vtl_set_str(v, b.data ? b.data : (u_char *) "", b.len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_eval(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_expr_t *e, ngx_http_apigw_vtl_value_t *v)
{
    int64_t                      from, to, i, n;
    ngx_uint_t                   k, t;
    ngx_http_apigw_vtl_value_t   x, y;
    ngx_http_apigw_vtl_list_t   *l;
    ngx_http_apigw_vtl_map_t    *m;

    ngx_http_apigw_vtl_set_null(v);

    switch (e->type) {

    case NGX_HTTP_APIGW_VTL_E_STRING:
        if (e->u.str.tpl) {
            return ngx_http_apigw_vtl_render_string(ctx, e->u.str.tpl, v);
        }

        ngx_http_apigw_vtl_set_str(v, e->u.str.value.data,
                                   e->u.str.value.len);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_INT:
        ngx_http_apigw_vtl_set_int(v, e->u.integer);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_DOUBLE:
        v->type = NGX_HTTP_APIGW_VTL_V_DOUBLE;
        v->u.d = e->u.dbl;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_TRUE:
    case NGX_HTTP_APIGW_VTL_E_FALSE:
        ngx_http_apigw_vtl_set_bool(v, e->type == NGX_HTTP_APIGW_VTL_E_TRUE);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_REF:
        if (e->u.ref->props) {
            return ngx_http_apigw_vtl_eval_quick(ctx, e->u.ref, v);
        }

        return ngx_http_apigw_vtl_eval_ref(ctx, e->u.ref, e->u.ref->nmods, v);

    case NGX_HTTP_APIGW_VTL_E_LIST:
        l = ngx_http_apigw_vtl_list_new(ctx, e->u.list.nelts);
        if (l == NULL) {
            return NGX_ERROR;
        }

        for (k = 0; k < e->u.list.nelts; k++) {
            if (ngx_http_apigw_vtl_eval(ctx, e->u.list.elts[k], &x) != NGX_OK
                || ngx_http_apigw_vtl_list_push(ctx, l, &x) != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        v->type = NGX_HTTP_APIGW_VTL_V_LIST;
        v->u.list = l;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_MAP:
        m = ngx_http_apigw_vtl_map_new(ctx);
        if (m == NULL) {
            return NGX_ERROR;
        }

        for (k = 0; k < e->u.list.nelts; k += 2) {
            if (ngx_http_apigw_vtl_eval(ctx, e->u.list.elts[k], &x) != NGX_OK
                || ngx_http_apigw_vtl_eval(ctx, e->u.list.elts[k + 1], &y)
                   != NGX_OK
                || ngx_http_apigw_vtl_map_put(ctx, m, &x, &y, NULL) != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        v->type = NGX_HTTP_APIGW_VTL_V_MAP;
        v->u.map = m;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_RANGE:
        if (ngx_http_apigw_vtl_eval(ctx, e->u.op.left, &x) != NGX_OK
            || ngx_http_apigw_vtl_eval(ctx, e->u.op.right, &y) != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (!ngx_http_apigw_vtl_is_num(&x) || !ngx_http_apigw_vtl_is_num(&y)) {
            return NGX_OK;
        }

        /* intValue() */

        from = (x.type == NGX_HTTP_APIGW_VTL_V_INT) ? (int32_t) x.u.i
               : (isfinite(x.u.d) ? (int64_t) x.u.d : 0);
        to = (y.type == NGX_HTTP_APIGW_VTL_V_INT) ? (int32_t) y.u.i
             : (isfinite(y.u.d) ? (int64_t) y.u.d : 0);

        n = (from <= to) ? to - from + 1 : from - to + 1;

        if ((uint64_t) n * sizeof(ngx_http_apigw_vtl_value_t)
            > ctx->max_memory - ctx->mem_used)
        {
            return ngx_http_apigw_vtl_error(ctx, "memory limit exceeded");
        }

        l = ngx_http_apigw_vtl_list_new(ctx, (ngx_uint_t) n);
        if (l == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < n; i++) {
            l->elts[i].type = NGX_HTTP_APIGW_VTL_V_INT;
            l->elts[i].u.i = (from <= to) ? from + i : from - i;
        }

        l->nelts = (ngx_uint_t) n;

        v->type = NGX_HTTP_APIGW_VTL_V_LIST;
        v->u.list = l;
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_WORD:
        ngx_http_apigw_vtl_set_str(v, e->u.word.data, e->u.word.len);
        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_E_ADD:
    case NGX_HTTP_APIGW_VTL_E_SUB:
    case NGX_HTTP_APIGW_VTL_E_MUL:
    case NGX_HTTP_APIGW_VTL_E_DIV:
    case NGX_HTTP_APIGW_VTL_E_MOD:
        return ngx_http_apigw_vtl_math(ctx, e, v);

    default:
        if (ngx_http_apigw_vtl_truth(ctx, e, &t) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_apigw_vtl_set_bool(v, t);
        return NGX_OK;
    }
}


/* $x.name */

static ngx_int_t
ngx_http_apigw_vtl_property(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *obj, ngx_str_t *name,
    ngx_http_apigw_vtl_value_t *v)
{
    u_char                        *p;
    ngx_http_apigw_vtl_value_t     key;
    ngx_http_apigw_vtl_foreach_t  *fe;

    ngx_http_apigw_vtl_set_null(v);

    if (ngx_http_apigw_vtl_eq_name(name, "class")) {
        ngx_http_apigw_vtl_class_of(obj, v);
        return NGX_OK;
    }

    switch (obj->type) {

    case NGX_HTTP_APIGW_VTL_V_MAP:
    case NGX_HTTP_APIGW_VTL_V_JSON:
        if (ngx_http_apigw_vtl_is_jarr(obj)) {
            if (ngx_http_apigw_vtl_eq_name(name, "empty")) {
                ngx_http_apigw_vtl_set_bool(v, obj->u.json->nelts == 0);
            }

            return NGX_OK;
        }

        ngx_http_apigw_vtl_set_str(&key, name->data, name->len);

        if (ngx_http_apigw_vtl_map_get(ctx, obj, &key, v) == NGX_ERROR) {
            return NGX_ERROR;
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_LIST:
        if (ngx_http_apigw_vtl_eq_name(name, "empty")) {
            ngx_http_apigw_vtl_set_bool(v, obj->u.list->nelts == 0);
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_STRING:
        if (ngx_http_apigw_vtl_eq_name(name, "empty")) {
            ngx_http_apigw_vtl_set_bool(v, obj->u.str.len == 0);
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_ENTRY:
        if (ngx_http_apigw_vtl_eq_name(name, "key")) {
            *v = obj->u.entry[0];

        } else if (ngx_http_apigw_vtl_eq_name(name, "value")) {
            *v = obj->u.entry[1];
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_CLASS:
        if (ngx_http_apigw_vtl_eq_name(name, "name")) {
            ngx_http_apigw_vtl_set_str(v, obj->u.str.data, obj->u.str.len);

        } else if (ngx_http_apigw_vtl_eq_name(name, "simpleName")) {
            p = obj->u.str.data + obj->u.str.len;

            while (p > obj->u.str.data && p[-1] != '.') {
                p--;
            }

            ngx_http_apigw_vtl_set_str(v, p,
                                    obj->u.str.data + obj->u.str.len - p);
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_FOREACH:
        fe = obj->u.foreach;

        if (ngx_http_apigw_vtl_eq_name(name, "hasNext")) {
            ngx_http_apigw_vtl_set_bool(v, fe->has_next);

        } else if (ngx_http_apigw_vtl_eq_name(name, "index")) {
            ngx_http_apigw_vtl_set_int(v, (int64_t) fe->index);

        } else if (ngx_http_apigw_vtl_eq_name(name, "count")) {
            ngx_http_apigw_vtl_set_int(v, (int64_t) fe->index + 1);

        } else if (ngx_http_apigw_vtl_eq_name(name, "first")) {
            ngx_http_apigw_vtl_set_bool(v, fe->index == 0);

        } else if (ngx_http_apigw_vtl_eq_name(name, "last")) {
            ngx_http_apigw_vtl_set_bool(v, !fe->has_next);

        } else if (ngx_http_apigw_vtl_eq_name(name, "parent")) {
            *v = fe->parent;
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_INPUT:
        if (ngx_http_apigw_vtl_eq_name(name, "body")) {
            return ngx_http_apigw_vtl_call(ctx, obj, NULL, NULL, 0, v);
        }

        return NGX_OK;

    default:
        return NGX_OK;
    }
}


/* an int index: negative from the end; -1 if out of [0, n) */

static ngx_int_t
ngx_http_apigw_vtl_list_index(ngx_http_apigw_vtl_value_t *k, ngx_uint_t n,
    ngx_int_t *idx)
{
    int64_t  i;

    if (k->type != NGX_HTTP_APIGW_VTL_V_INT
        || k->u.i < INT32_MIN || k->u.i > INT32_MAX)
    {
        return NGX_DECLINED;
    }

    i = k->u.i;

    if (i < 0) {
        i += (int64_t) n;
    }

    *idx = (i >= 0 && i < (int64_t) n) ? (ngx_int_t) i : -1;

    return NGX_OK;
}


/* $x[key] */

static ngx_int_t
ngx_http_apigw_vtl_index(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *obj, ngx_http_apigw_vtl_value_t *key,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t  idx;

    ngx_http_apigw_vtl_set_null(v);

    if (ngx_http_apigw_vtl_is_listish(obj)) {
        if (ngx_http_apigw_vtl_list_index(key, ngx_http_apigw_vtl_size(obj),
                                          &idx)
            != NGX_OK)
        {
            return NGX_OK;
        }

        if (idx < 0) {
            return ngx_http_apigw_vtl_error(ctx, "index out of bounds");
        }

        return ngx_http_apigw_vtl_list_get(ctx, obj, idx, v);
    }

    if (ngx_http_apigw_vtl_is_mapish(obj)) {
        if (ngx_http_apigw_vtl_map_get(ctx, obj, key, v) == NGX_ERROR) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * a property's member of a JSON container, if it is where it was found
 * the last time (objects of an array usually have their members in the
 * same order); NULL if not, or if c is an array or the name "class"
 */

static ngx_inline ngx_http_apigw_jv_t *
ngx_http_apigw_vtl_hinted(ngx_http_apigw_jv_cont_t *c,
    ngx_http_apigw_vtl_mod_t *mod)
{
    ngx_uint_t                   k;
    ngx_http_apigw_jv_member_t  *m;

    k = mod->hint;

    if (k >= c->nelts
        || c->type != NGX_HTTP_APIGW_JV_OBJECT
        || mod->id == NGX_HTTP_APIGW_VTL_N_CLASS)
    {
        return NULL;
    }

    m = &c->u.members[k];

    if (m->key.len != mod->name.len
        || !ngx_http_apigw_vtl_bytes_eq(m->key.data, mod->name.data,
                                        mod->name.len))
    {
        return NULL;
    }

    return &m->val;
}


/*
 * $a.b.c on JSON objects, and $foreach.hasNext: the usual references,
 * without the generality of ngx_http_apigw_vtl_eval_ref(); NGX_DECLINED
 * for anything else, which is left to it
 */

static ngx_int_t
ngx_http_apigw_vtl_eval_props(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_ref_t *ref, ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t                  e;
    ngx_uint_t                 i;
    ngx_http_apigw_jv_t       *j;
    ngx_http_apigw_vtl_mod_t  *mod;
    ngx_http_apigw_jv_cont_t  *c;

    ctx->line = ref->line;
    ctx->column = ref->column;

    *v = ctx->vars[ref->slot];

    for (i = 0, mod = ref->mods; i < ref->nmods; i++, mod++) {

        if (v->type != NGX_HTTP_APIGW_VTL_V_JSON
            || v->u.json->type != NGX_HTTP_APIGW_JV_OBJECT
            || mod->id == NGX_HTTP_APIGW_VTL_N_CLASS)
        {
            if (v->type == NGX_HTTP_APIGW_VTL_V_NULL) {
                return NGX_OK;
            }

            if (v->type == NGX_HTTP_APIGW_VTL_V_FOREACH
                && mod->id == NGX_HTTP_APIGW_VTL_N_HAS_NEXT)
            {
                ngx_http_apigw_vtl_set_bool(v, v->u.foreach->has_next);
                continue;
            }

            return NGX_DECLINED;
        }

        /* a member: first where it was the last time */

        c = v->u.json;
        j = ngx_http_apigw_vtl_hinted(c, mod);

        if (j == NULL) {
            e = ngx_http_apigw_jv_object_index(c, mod->name.data,
                                               mod->name.len);
            if (e >= 0) {
                mod->hint = (ngx_uint_t) e;
                j = &c->u.members[e].val;
            }
        }

        ngx_http_apigw_vtl_from_json(j, v);
    }

    return NGX_OK;
}


/*
 * a reference of properties: $a.b, a member where it was the last time,
 * in line; else by the short path; else in full
 */

static ngx_int_t
ngx_http_apigw_vtl_eval_quick(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_ref_t *ref, ngx_http_apigw_vtl_value_t *v)
{
    ngx_http_apigw_jv_t         *j;
    ngx_http_apigw_vtl_value_t  *cur;

    cur = &ctx->vars[ref->slot];

    if (ref->nmods == 1
        && cur->type == NGX_HTTP_APIGW_VTL_V_JSON
        && (j = ngx_http_apigw_vtl_hinted(cur->u.json, ref->mods)) != NULL)
    {
        ctx->line = ref->line;
        ctx->column = ref->column;

        ngx_http_apigw_vtl_from_json(j, v);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_eval_props(ctx, ref, v) == NGX_OK) {
        return NGX_OK;
    }

    return ngx_http_apigw_vtl_eval_ref(ctx, ref, ref->nmods, v);
}


/* evaluates a reference up to (not including) modifier "upto" */

static ngx_int_t
ngx_http_apigw_vtl_eval_ref(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_ref_t *ref, ngx_uint_t upto,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t                    e;
    ngx_uint_t                   i, k;
    ngx_http_apigw_jv_t         *j;
    ngx_http_apigw_vtl_mod_t    *mod;
    ngx_http_apigw_jv_cont_t    *c;
    ngx_http_apigw_vtl_value_t   cur, next, args[8], *av;

    ctx->line = ref->line;
    ctx->column = ref->column;

    if (ngx_http_apigw_vtl_var_get(ctx, ref->slot, &cur) != NGX_OK) {
        ngx_http_apigw_vtl_set_null(v);
        return NGX_OK;
    }

    for (i = 0; i < upto; i++) {

        if (cur.type == NGX_HTTP_APIGW_VTL_V_NULL) {
            break;
        }

        mod = &ref->mods[i];

        switch (mod->type) {

        case NGX_HTTP_APIGW_VTL_M_PROP:

            /* a JSON object's member: first where it was the last time */

            if (ngx_http_apigw_vtl_is_jobj(&cur)
                && mod->id != NGX_HTTP_APIGW_VTL_N_CLASS)
            {
                c = cur.u.json;
                k = mod->hint;

                if (k < c->nelts
                    && c->u.members[k].key.len == mod->name.len
                    && ngx_http_apigw_vtl_bytes_eq(c->u.members[k].key.data,
                                                   mod->name.data,
                                                   mod->name.len))
                {
                    j = &c->u.members[k].val;

                } else {
                    e = ngx_http_apigw_jv_object_index(c, mod->name.data,
                                                       mod->name.len);
                    j = NULL;

                    if (e >= 0) {
                        mod->hint = (ngx_uint_t) e;
                        j = &c->u.members[e].val;
                    }
                }

                ngx_http_apigw_vtl_from_json(j, &next);
                break;
            }

            if (ngx_http_apigw_vtl_property(ctx, &cur, &mod->name, &next)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_APIGW_VTL_M_INDEX:
            if (ngx_http_apigw_vtl_eval(ctx, mod->args[0], &args[0])
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            ctx->line = ref->line;
            ctx->column = ref->column;

            if (ngx_http_apigw_vtl_index(ctx, &cur, &args[0], &next)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;

        default:
            av = args;

            if (mod->nargs > 8) {
                av = ngx_http_apigw_vtl_alloc(ctx,
                             mod->nargs * sizeof(ngx_http_apigw_vtl_value_t));
                if (av == NULL) {
                    return NGX_ERROR;
                }
            }

            for (k = 0; k < mod->nargs; k++) {
                if (ngx_http_apigw_vtl_eval(ctx, mod->args[k], &av[k])
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }
            }

            ctx->line = ref->line;
            ctx->column = ref->column;

            if (ngx_http_apigw_vtl_call(ctx, &cur, mod, av, mod->nargs, &next)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;
        }

        cur = next;
    }

    *v = cur;

    return NGX_OK;
}


/*
 * $util.escapeJavaScript(x) printed: escaped straight into the output,
 * without the string in between; NGX_DECLINED: x is null, and so is *v
 */

static ngx_int_t
ngx_http_apigw_vtl_print_escaped(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_ref_t *ref, ngx_http_apigw_vtl_value_t *v)
{
    size_t                       n;
    ngx_str_t                    in;
    ngx_http_apigw_jv_t         *j;
    ngx_http_apigw_vtl_ref_t    *r;
    ngx_http_apigw_vtl_buf_t    *b;
    ngx_http_apigw_vtl_expr_t   *e;
    ngx_http_apigw_vtl_value_t   arg, *cur;

    ctx->line = ref->line;
    ctx->column = ref->column;

    e = ref->mods[0].args[0];

    if (e->type == NGX_HTTP_APIGW_VTL_E_REF
        && (r = e->u.ref)->props
        && r->nmods == 1
        && (cur = &ctx->vars[r->slot])->type == NGX_HTTP_APIGW_VTL_V_JSON
        && (j = ngx_http_apigw_vtl_hinted(cur->u.json, r->mods)) != NULL
        && j->type == NGX_HTTP_APIGW_JV_STRING)
    {
        /* $util.escapeJavaScript($a.b) of a string member, in line */

        in = j->u.s;

    } else {
        if (ngx_http_apigw_vtl_eval(ctx, e, &arg) != NGX_OK) {
            return NGX_ERROR;
        }

        ctx->line = ref->line;
        ctx->column = ref->column;

        if (arg.type == NGX_HTTP_APIGW_VTL_V_NULL) {
            ngx_http_apigw_vtl_set_null(v);
            return NGX_DECLINED;
        }

        if (ngx_http_apigw_vtl_to_string(ctx, &arg, &in) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (ref->prefix.len
        && ngx_http_apigw_vtl_out(ctx, ref->prefix.data, ref->prefix.len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (in.len == 0) {
        return NGX_OK;
    }

    b = ctx->out;

    /* room for the worst, 6 bytes each, or else for exactly what it is */

    if (in.len > (b->cap - b->len) / 6) {
        n = ngx_http_apigw_util_escape_js(NULL, in.data, in.len);

        if (ngx_http_apigw_vtl_buf_reserve(ctx, b, n) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    b->len += ngx_http_apigw_util_escape_js(b->data + b->len, in.data,
                                            in.len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_render_ref(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_ref_t *ref)
{
    size_t                      half;
    ngx_int_t                   rc;
    ngx_http_apigw_jv_t         j, *j1;
    ngx_http_apigw_vtl_buf_t   *b;
    ngx_http_apigw_vtl_value_t  v, *cur;

    if (ref->props) {
        cur = &ctx->vars[ref->slot];

        if (ref->nmods == 1
            && cur->type == NGX_HTTP_APIGW_VTL_V_JSON
            && (j1 = ngx_http_apigw_vtl_hinted(cur->u.json, ref->mods))
               != NULL)
        {
            /* as ngx_http_apigw_vtl_eval_quick(), in line */

            ctx->line = ref->line;
            ctx->column = ref->column;

            if (j1->type == NGX_HTTP_APIGW_JV_STRING
                && ref->escapes == 0 && ref->prefix.len == 0)
            {
                /* a string member printed straight */

                b = ctx->out;

                if (j1->u.s.len > b->cap - b->len
                    && ngx_http_apigw_vtl_buf_reserve(ctx, b, j1->u.s.len)
                       != NGX_OK)
                {
                    return NGX_ERROR;
                }

                if (j1->u.s.len) {
                    ngx_http_apigw_copy(b->data + b->len, j1->u.s.data,
                                            j1->u.s.len);
                    b->len += j1->u.s.len;
                }

                return NGX_OK;
            }

            ngx_http_apigw_vtl_from_json(j1, &v);

        } else if (ngx_http_apigw_vtl_eval_props(ctx, ref, &v) != NGX_OK
                   && ngx_http_apigw_vtl_eval_ref(ctx, ref, ref->nmods, &v)
                      != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else if (ref->nmods == 1
        && ref->mods[0].id == NGX_HTTP_APIGW_VTL_N_ESCAPE_JAVASCRIPT
        && ref->slot == NGX_HTTP_APIGW_VTL_SLOT_UTIL
        && ref->mods[0].nargs == 1
        && ref->escapes == 0
        && ctx->vars[NGX_HTTP_APIGW_VTL_SLOT_UTIL].type
           == NGX_HTTP_APIGW_VTL_V_UTIL)
    {
        rc = ngx_http_apigw_vtl_print_escaped(ctx, ref, &v);

        if (rc != NGX_DECLINED) {
            return rc;
        }

    } else if (ngx_http_apigw_vtl_eval_ref(ctx, ref, ref->nmods, &v)
               != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ref->escapes == 0 && ref->prefix.len == 0
        && v.type != NGX_HTTP_APIGW_VTL_V_NULL)
    {
        /* the usual case: the value alone */
        goto print;
    }

    half = ref->escapes / 2;

    if (ref->escapes % 2) {

        /* "\$a": "$a" when $a has a value, "\$a" when not */

        if (ngx_http_apigw_vtl_buf_repeat(ctx, ctx->out, '\\',
                         half + (v.type == NGX_HTTP_APIGW_VTL_V_NULL))
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        return ngx_http_apigw_vtl_out(ctx, ref->literal.data,
                                      ref->literal.len);
    }

    if (v.type == NGX_HTTP_APIGW_VTL_V_NULL) {

        if (ctx->env->null_literal) {
            if (ngx_http_apigw_vtl_buf_repeat(ctx, ctx->out, '\\', 2 * half)
                != NGX_OK
                || ngx_http_apigw_vtl_out(ctx, ref->prefix.data,
                                          ref->prefix.len)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            return ref->quiet ? NGX_OK
                              : ngx_http_apigw_vtl_out(ctx, ref->literal.data,
                                                       ref->literal.len);
        }

        /* API Gateway: a null renders as the empty string */

        if (ngx_http_apigw_vtl_buf_repeat(ctx, ctx->out, '\\', half)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        return ngx_http_apigw_vtl_out(ctx, ref->prefix.data, ref->prefix.len);
    }

    if (v.type != NGX_HTTP_APIGW_VTL_V_BLOCK && (half || ref->prefix.len)) {
        if (ngx_http_apigw_vtl_buf_repeat(ctx, ctx->out, '\\', half)
            != NGX_OK
            || ngx_http_apigw_vtl_out(ctx, ref->prefix.data, ref->prefix.len)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

print:

    /* the usual values of JSON printed without the generality */

    switch (v.type) {

    case NGX_HTTP_APIGW_VTL_V_STRING:
        b = ctx->out;

        if (v.u.str.len > b->cap - b->len) {
            if (ngx_http_apigw_vtl_buf_reserve(ctx, b, v.u.str.len)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        if (v.u.str.len) {
            ngx_http_apigw_copy(b->data + b->len, v.u.str.data,
                                    v.u.str.len);
            b->len += v.u.str.len;
        }

        return NGX_OK;

    case NGX_HTTP_APIGW_VTL_V_INT:
        return ngx_http_apigw_vtl_print_int(ctx, ctx->out, v.u.i);

    case NGX_HTTP_APIGW_VTL_V_DOUBLE:
        return ngx_http_apigw_vtl_print_double(ctx, ctx->out, v.u.d);

    case NGX_HTTP_APIGW_VTL_V_JSON:
        if (v.u.json->type != NGX_HTTP_APIGW_JV_ARRAY) {
            return ngx_http_apigw_vtl_print(ctx, ctx->out, &v, 0);
        }

        if (ngx_http_apigw_jv_text(v.u.json)) {

            /* a parsed array printed as it was: its text */

            b = ctx->out;

            if (v.u.json->text_len > b->cap - b->len
                && ngx_http_apigw_vtl_buf_reserve(ctx, b, v.u.json->text_len)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            ngx_http_apigw_copy(b->data + b->len, v.u.json->text,
                                    v.u.json->text_len);
            b->len += v.u.json->text_len;

            return NGX_OK;
        }

        j.type = NGX_HTTP_APIGW_JV_ARRAY;
        j.u.c = v.u.json;

        return ngx_http_apigw_vtl_print_json_text(ctx, ctx->out, &j);

    default:
        return ngx_http_apigw_vtl_print(ctx, ctx->out, &v, 0);
    }
}


/* #set($ref = expr); a null value leaves everything as it was */

static ngx_int_t
ngx_http_apigw_vtl_set(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_node_t *n)
{
    ngx_int_t                    idx;
    ngx_str_t                    s;
    ngx_http_apigw_jv_t          j;
    ngx_http_apigw_vtl_ref_t    *ref;
    ngx_http_apigw_vtl_mod_t    *mod;
    ngx_http_apigw_vtl_value_t   val, target, key, old;

    if (ngx_http_apigw_vtl_eval(ctx, n->u.set.right, &val) != NGX_OK) {
        return NGX_ERROR;
    }

    if (val.type == NGX_HTTP_APIGW_VTL_V_NULL) {
        return NGX_OK;
    }

    ref = n->u.set.left;

    if (ref->nmods == 0) {
        return ngx_http_apigw_vtl_var_set(ctx, ref->slot, &val);
    }

    if (ngx_http_apigw_vtl_eval_ref(ctx, ref, ref->nmods - 1, &target)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    mod = &ref->mods[ref->nmods - 1];

    if (mod->type == NGX_HTTP_APIGW_VTL_M_INDEX) {
        if (ngx_http_apigw_vtl_eval(ctx, mod->args[0], &key) != NGX_OK) {
            return NGX_ERROR;
        }

        if (ngx_http_apigw_vtl_is_listish(&target)) {
            if (ngx_http_apigw_vtl_list_index(&key,
                                     ngx_http_apigw_vtl_size(&target), &idx)
                != NGX_OK)
            {
                return NGX_OK;
            }

            if (idx < 0) {
                return ngx_http_apigw_vtl_error(ctx, "index out of bounds");
            }

            if (target.type == NGX_HTTP_APIGW_VTL_V_LIST) {
                target.u.list->elts[idx] = val;
                return NGX_OK;
            }

            if (ngx_http_apigw_vtl_to_json(ctx, &val, 0, &j) != NGX_OK) {
                return NGX_ERROR;
            }

            ngx_http_apigw_jv_array_set(target.u.json, idx, &j);

            return NGX_OK;
        }

    } else {
        ngx_http_apigw_vtl_set_str(&key, mod->name.data, mod->name.len);
    }

    if (target.type == NGX_HTTP_APIGW_VTL_V_MAP) {
        return ngx_http_apigw_vtl_map_put(ctx, target.u.map, &key, &val,
                                          &old);
    }

    if (ngx_http_apigw_vtl_is_jobj(&target)) {
        if (ngx_http_apigw_vtl_to_string(ctx, &key, &s) != NGX_OK
            || ngx_http_apigw_vtl_to_json(ctx, &val, 0, &j) != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (ngx_http_apigw_jv_object_set(ctx->a, target.u.json, s.data,
                                         s.len, &j, 0)
            != NGX_OK)
        {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }
    }

    /* no setter: Velocity logs and goes on */

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_foreach(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_node_t *n)
{
    ngx_int_t                      rc;
    ngx_uint_t                     i, size, mods;
    ngx_http_apigw_vtl_value_t     coll, elem, saved[4], *snap, tmp;
    ngx_uint_t                     slots[4];
    ngx_http_apigw_vtl_foreach_t  *fe;

    if (ngx_http_apigw_vtl_eval(ctx, n->u.foreach.iterable, &coll) != NGX_OK) {
        return NGX_ERROR;
    }

    snap = NULL;
    mods = 0;
    size = 0;

    switch (coll.type) {

    case NGX_HTTP_APIGW_VTL_V_LIST:
        mods = coll.u.list->mods;
        break;

    case NGX_HTTP_APIGW_VTL_V_MAP:
        mods = coll.u.map->mods;
        break;

    case NGX_HTTP_APIGW_VTL_V_JSON:
        if (coll.u.json->type == NGX_HTTP_APIGW_JV_ARRAY) {
            break;
        }

        /* the values of an object, taken now */

        size = coll.u.json->nelts;

        snap = ngx_http_apigw_vtl_alloc(ctx,
                             (size + 1) * sizeof(ngx_http_apigw_vtl_value_t));
        if (snap == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < size; i++) {
            ngx_http_apigw_vtl_from_json(&coll.u.json->u.members[i].val,
                                         &snap[i]);
        }

        break;

    default:
        /* Velocity cannot iterate over it: nothing */
        return NGX_OK;
    }

    slots[0] = NGX_HTTP_APIGW_VTL_SLOT_FOREACH;
    slots[1] = NGX_HTTP_APIGW_VTL_SLOT_VELOCITY_COUNT;
    slots[2] = NGX_HTTP_APIGW_VTL_SLOT_VELOCITY_HAS_NEXT;
    slots[3] = n->u.foreach.slot;

    for (i = 0; i < 4; i++) {
        (void) ngx_http_apigw_vtl_var_get(ctx, slots[i], &saved[i]);
    }

    fe = ngx_http_apigw_vtl_alloc(ctx, sizeof(ngx_http_apigw_vtl_foreach_t));
    if (fe == NULL) {
        return NGX_ERROR;
    }

    fe->parent = saved[0];
    tmp.type = NGX_HTTP_APIGW_VTL_V_FOREACH;
    tmp.u.foreach = fe;

    if (ngx_http_apigw_vtl_var_set(ctx, slots[0], &tmp) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = NGX_OK;

    for (i = 0; /* void */; i++) {

        /* its errors are the #foreach's, not its body's last node's */

        ctx->line = n->line;
        ctx->column = n->column;

        switch (coll.type) {

        case NGX_HTTP_APIGW_VTL_V_LIST:
            size = coll.u.list->nelts;

            if (i >= size) {
                goto done;
            }

            if (coll.u.list->mods != mods) {
                rc = ngx_http_apigw_vtl_error(ctx,
                                            "ConcurrentModificationException");
                goto done;
            }

            elem = coll.u.list->elts[i];
            break;

        case NGX_HTTP_APIGW_VTL_V_MAP:
            size = coll.u.map->nelts;

            if (i >= size) {
                goto done;
            }

            if (coll.u.map->mods != mods) {
                rc = ngx_http_apigw_vtl_error(ctx,
                                            "ConcurrentModificationException");
                goto done;
            }

            elem = coll.u.map->vals[i];
            break;

        default:
            if (snap) {
                if (i >= size) {
                    goto done;
                }

                elem = snap[i];
                break;
            }

            size = coll.u.json->nelts;

            if (i >= size) {
                goto done;
            }

            ngx_http_apigw_vtl_from_json(&coll.u.json->u.elts[i], &elem);

            break;
        }

        if (++ctx->iterations > ctx->max_iterations) {
            rc = ngx_http_apigw_vtl_error(ctx, "#foreach iteration limit "
                                          "exceeded");
            goto done;
        }

        if (ngx_http_apigw_vtl_check_time(ctx) != NGX_OK) {
            rc = NGX_ERROR;
            goto done;
        }

        fe->index = i;
        fe->has_next = (i + 1 < size);

        if (ngx_http_apigw_vtl_var_set(ctx, n->u.foreach.slot, &elem)
            != NGX_OK)
        {
            rc = NGX_ERROR;
            goto done;
        }

        ngx_http_apigw_vtl_set_int(&tmp, (int64_t) i + 1);

        if (ngx_http_apigw_vtl_var_set(ctx, slots[1], &tmp) != NGX_OK) {
            rc = NGX_ERROR;
            goto done;
        }

        ngx_http_apigw_vtl_set_bool(&tmp, fe->has_next);

        if (ngx_http_apigw_vtl_var_set(ctx, slots[2], &tmp) != NGX_OK) {
            rc = NGX_ERROR;
            goto done;
        }

        if (ngx_http_apigw_vtl_render_block(ctx, n->u.foreach.body)
            != NGX_OK)
        {
            rc = NGX_ERROR;
            goto done;
        }

        if (ctx->brk) {
            ctx->brk = 0;
            goto done;
        }

        if (ctx->stop) {
            goto done;
        }
    }

done:

    if (rc == NGX_OK) {
        for (i = 0; i < 4; i++) {
            if (ngx_http_apigw_vtl_var_set(ctx, slots[i], &saved[i])
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    return rc;
}


/* #name(args): a macro, or its source text when there is none */

static ngx_int_t
ngx_http_apigw_vtl_macro_call(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_node_t *n)
{
    ngx_int_t                    rc;
    ngx_uint_t                   i, k;
    ngx_http_apigw_vtl_node_t   *m;
    ngx_http_apigw_vtl_value_t  *vals, *saved;

    m = NULL;

    for (i = 0; i < ctx->tpl->nmacros; i++) {
        if (ctx->tpl->macros[i]->u.define.name.len == n->u.call.name.len
            && memcmp(ctx->tpl->macros[i]->u.define.name.data,
                      n->u.call.name.data, n->u.call.name.len) == 0)
        {
            m = ctx->tpl->macros[i];
        }
    }

    if (m == NULL || m->u.define.nparams != n->u.call.nargs) {
        return ngx_http_apigw_vtl_out(ctx, n->u.call.literal.data,
                                      n->u.call.literal.len);
    }

    if (ngx_http_apigw_vtl_check_time(ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (++ctx->depth > ctx->max_depth) {
        return ngx_http_apigw_vtl_error(ctx, "recursion limit exceeded");
    }

    k = n->u.call.nargs;

    vals = ngx_http_apigw_vtl_alloc(ctx,
                             (2 * k + 1) * sizeof(ngx_http_apigw_vtl_value_t));
    if (vals == NULL) {
        return NGX_ERROR;
    }

    saved = vals + k;

    for (i = 0; i < k; i++) {
        if (ngx_http_apigw_vtl_eval(ctx, n->u.call.args[i], &vals[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < k; i++) {
        (void) ngx_http_apigw_vtl_var_get(ctx, m->u.define.slots[i],
                                          &saved[i]);
        (void) ngx_http_apigw_vtl_var_set(ctx, m->u.define.slots[i],
                                          &vals[i]);
    }

    rc = ngx_http_apigw_vtl_render_block(ctx, m->u.define.body);

    ctx->brk = 0;
    ctx->depth--;

    for (i = 0; rc == NGX_OK && i < k; i++) {
        rc = ngx_http_apigw_vtl_var_set(ctx, m->u.define.slots[i],
                                        &saved[i]);
    }

    return rc;
}


static ngx_int_t
ngx_http_apigw_vtl_render_block(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_node_t *n)
{
    ngx_uint_t                    t;
    ngx_http_apigw_vtl_ref_t     *ref;
    ngx_http_apigw_vtl_buf_t     *b;
    ngx_http_apigw_vtl_value_t    v;
    ngx_http_apigw_vtl_branch_t  *br;

    for ( /* void */ ; n; n = n->next) {

        /*
         * text, half of the nodes, first and in line; its position is
         * only for the error of the output limit
         */

        if (n->type == NGX_HTTP_APIGW_VTL_TEXT) {
            b = ctx->out;

            if (n->u.text.len >= b->cap - b->len) {

                /* a full buffer (or none yet), or not room enough */

                if (n->u.text.len == 0) {
                    continue;
                }

                ctx->line = n->line;
                ctx->column = n->column;

                if (ngx_http_apigw_vtl_buf_reserve(ctx, b, n->u.text.len)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }
            }

            ngx_http_apigw_copy(b->data + b->len, n->u.text.data,
                                    n->u.text.len);
            b->len += n->u.text.len;

            continue;
        }

        ctx->line = n->line;
        ctx->column = n->column;

        /* a reference, most of the rest, without the switch's jump table */

        if (n->type == NGX_HTTP_APIGW_VTL_REF) {
            if (ngx_http_apigw_vtl_render_ref(ctx, n->u.ref) != NGX_OK) {
                return NGX_ERROR;
            }

            if (ctx->stop || ctx->brk) {
                break;
            }

            continue;
        }

        switch (n->type) {

        case NGX_HTTP_APIGW_VTL_TEXT:
        case NGX_HTTP_APIGW_VTL_REF:
            /* above */
            break;

        case NGX_HTTP_APIGW_VTL_SET:
            if (ngx_http_apigw_vtl_set(ctx, n) != NGX_OK) {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_APIGW_VTL_IF:
            for (br = n->u.branches; br; br = br->next) {
                t = 1;

                if (br->cond == NULL) {
                    /* #else */

                } else if (br->cond->type == NGX_HTTP_APIGW_VTL_E_REF
                           && (ref = br->cond->u.ref)->nmods == 1
                           && ref->slot == NGX_HTTP_APIGW_VTL_SLOT_FOREACH
                           && ref->mods[0].id
                              == NGX_HTTP_APIGW_VTL_N_HAS_NEXT
                           && ref->mods[0].type == NGX_HTTP_APIGW_VTL_M_PROP
                           && ctx->vars[NGX_HTTP_APIGW_VTL_SLOT_FOREACH].type
                              == NGX_HTTP_APIGW_VTL_V_FOREACH)
                {
                    /* #if($foreach.hasNext), the idiom, in line */

                    ctx->line = ref->line;
                    ctx->column = ref->column;

                    t = ctx->vars[NGX_HTTP_APIGW_VTL_SLOT_FOREACH]
                        .u.foreach->has_next;

                } else if (ngx_http_apigw_vtl_truth(ctx, br->cond, &t)
                           != NGX_OK)
                {
                    return NGX_ERROR;
                }

                if (t) {
                    if (ngx_http_apigw_vtl_render_block(ctx, br->body)
                        != NGX_OK)
                    {
                        return NGX_ERROR;
                    }

                    break;
                }
            }

            break;

        case NGX_HTTP_APIGW_VTL_FOREACH:
            if (ngx_http_apigw_vtl_foreach(ctx, n) != NGX_OK) {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_APIGW_VTL_BREAK:
            ctx->brk = 1;
            break;

        case NGX_HTTP_APIGW_VTL_STOP:
            ctx->stop = 1;
            break;

        case NGX_HTTP_APIGW_VTL_DEFINE:
            v.type = NGX_HTTP_APIGW_VTL_V_BLOCK;
            v.u.block = n->u.define.body;

            if (ngx_http_apigw_vtl_var_set(ctx, n->u.define.slot, &v)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            break;

        case NGX_HTTP_APIGW_VTL_MACRO:
            break;

        case NGX_HTTP_APIGW_VTL_CALL:
            if (ngx_http_apigw_vtl_macro_call(ctx, n) != NGX_OK) {
                return NGX_ERROR;
            }

            break;
        }

        if (ctx->stop || ctx->brk) {
            break;
        }
    }

    return NGX_OK;
}


/* regular expressions: Java's syntax is close to PCRE2's */

ngx_int_t
ngx_http_apigw_vtl_regex_compile(ngx_http_apigw_alloc_t *a,
    ngx_str_t *pattern, void **code, const char **err)
{
    int                     errcode;
    PCRE2_SIZE              erroff;
    pcre2_general_context  *gctx;
    pcre2_compile_context  *cctx;

    *code = NULL;
    *err = NULL;

    gctx = pcre2_general_context_create(ngx_http_apigw_vtl_pcre_pool_malloc,
                                        ngx_http_apigw_vtl_pcre_free, a);
    if (gctx == NULL) {
        *err = "out of memory";
        return NGX_ERROR;
    }

    cctx = pcre2_compile_context_create(gctx);
    if (cctx == NULL) {
        *err = "out of memory";
        return NGX_ERROR;
    }

    pcre2_set_newline(cctx, PCRE2_NEWLINE_ANYCRLF);

    *code = pcre2_compile(pattern->data, pattern->len,
                          PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode,
                          &erroff, cctx);
    if (*code == NULL) {
        *err = "invalid regular expression";
        return NGX_ERROR;
    }

    return NGX_OK;
}


static pcre2_code *
ngx_http_apigw_vtl_regex(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_mod_t *mod, ngx_str_t *pattern)
{
    int          errcode;
    PCRE2_SIZE   erroff;
    pcre2_code  *code;

    if (mod != NULL && mod->regex != NULL) {
        return mod->regex;
    }

    if (mod != NULL && mod->regex_err != NULL) {
        ngx_http_apigw_vtl_error(ctx, "PatternSyntaxException");
        return NULL;
    }

    if (ctx->gctx == NULL) {
        ctx->gctx = pcre2_general_context_create(
                                          ngx_http_apigw_vtl_pcre_malloc,
                                          ngx_http_apigw_vtl_pcre_free, ctx);
        if (ctx->gctx == NULL) {
            ngx_http_apigw_vtl_error(ctx, "out of memory");
            return NULL;
        }
    }

    if (ctx->cctx == NULL) {
        ctx->cctx = pcre2_compile_context_create(ctx->gctx);
        if (ctx->cctx == NULL) {
            ngx_http_apigw_vtl_error(ctx, "out of memory");
            return NULL;
        }

        pcre2_set_newline(ctx->cctx, PCRE2_NEWLINE_ANYCRLF);
    }

    code = pcre2_compile(pattern->data, pattern->len,
                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode,
                         &erroff, ctx->cctx);
    if (code == NULL) {
        ngx_http_apigw_vtl_error(ctx, "PatternSyntaxException");
        return NULL;
    }

    return code;
}


/*
 * Matcher.find() from "start": NGX_OK with ov[0..], NGX_DECLINED when no
 * more match, NGX_ERROR on a limit
 */

static ngx_int_t
ngx_http_apigw_vtl_find(ngx_http_apigw_vtl_ctx_t *ctx, pcre2_code *code,
    ngx_str_t *s, size_t start, pcre2_match_data *md, PCRE2_SIZE **ov)
{
    int  rc;

    if (start > s->len) {
        return NGX_DECLINED;
    }

    rc = pcre2_match(code, s->data, s->len, start, 0, md, ctx->mctx);

    if (ngx_http_apigw_vtl_check_time(ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (rc == PCRE2_ERROR_NOMATCH) {
        return NGX_DECLINED;
    }

    if (rc < 0) {
        return ngx_http_apigw_vtl_error(ctx, "regular expression too "
                                        "complex");
    }

    *ov = pcre2_get_ovector_pointer(md);

    return NGX_OK;
}


/* the start of the next search after a match [ms, me) */

static size_t
ngx_http_apigw_vtl_next_start(ngx_str_t *s, size_t ms, size_t me)
{
    uint32_t  cp;

    if (me > ms || me >= s->len) {
        return (me > ms) ? me : me + 1;
    }

    return me + ngx_http_apigw_vtl_utf8_char(s->data + me,
                                             s->data + s->len, &cp);
}


static pcre2_match_data *
ngx_http_apigw_vtl_match_data(ngx_http_apigw_vtl_ctx_t *ctx, pcre2_code *code)
{
    pcre2_match_data  *md;

    if (ctx->gctx == NULL) {
        ctx->gctx = pcre2_general_context_create(
                                          ngx_http_apigw_vtl_pcre_malloc,
                                          ngx_http_apigw_vtl_pcre_free, ctx);
        if (ctx->gctx == NULL) {
            ngx_http_apigw_vtl_error(ctx, "out of memory");
            return NULL;
        }
    }

    if (ctx->mctx == NULL) {
        ctx->mctx = pcre2_match_context_create(ctx->gctx);
        if (ctx->mctx == NULL) {
            ngx_http_apigw_vtl_error(ctx, "out of memory");
            return NULL;
        }

        pcre2_set_match_limit(ctx->mctx, NGX_HTTP_APIGW_VTL_MATCH_LIMIT);
        pcre2_set_depth_limit(ctx->mctx, NGX_HTTP_APIGW_VTL_DEPTH_LIMIT);
    }

    /*
     * one block for the whole render: its heap frames come from the pool,
     * so a block per call would grow without bound
     */

    if (ctx->md == NULL) {
        ctx->md = pcre2_match_data_create(256, ctx->gctx);
        if (ctx->md == NULL) {
            ngx_http_apigw_vtl_error(ctx, "out of memory");
            return NULL;
        }
    }

    md = ctx->md;

    return md;
}


/* appends Java's replacement text: "\x" is x, "$n" and "${name}" groups */

static ngx_int_t
ngx_http_apigw_vtl_replacement(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_buf_t *b, ngx_str_t *rep, pcre2_code *code,
    ngx_str_t *s, PCRE2_SIZE *ov)
{
    int        num;
    u_char    *p, *last, *q;
    uint32_t   groups;
    ngx_int_t  ref, next;
    u_char     name[256];

    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);

    p = rep->data;
    last = rep->data + rep->len;

    while (p < last) {

        if (*p == '\\') {
            if (++p == last) {
                return ngx_http_apigw_vtl_error(ctx,
                                        "character to be escaped is missing");
            }

            if (ngx_http_apigw_vtl_buf_add(ctx, b, p++, 1) != NGX_OK) {
                return NGX_ERROR;
            }

            continue;
        }

        if (*p != '$') {
            q = p;

            while (q < last && *q != '\\' && *q != '$') {
                q++;
            }

            if (ngx_http_apigw_vtl_buf_add(ctx, b, p, q - p) != NGX_OK) {
                return NGX_ERROR;
            }

            p = q;
            continue;
        }

        if (++p == last) {
            return ngx_http_apigw_vtl_error(ctx, "Illegal group reference");
        }

        if (*p == '{') {
            q = ++p;

            while (q < last && *q != '}') {
                q++;
            }

            if (q == last || q == p || (size_t) (q - p) >= sizeof(name)) {
                return ngx_http_apigw_vtl_error(ctx,
                                                "Illegal group reference");
            }

            ngx_memcpy(name, p, q - p);
            name[q - p] = '\0';

            num = pcre2_substring_number_from_name(code, name);
            if (num < 0) {
                return ngx_http_apigw_vtl_error(ctx, "No group with name");
            }

            ref = num;
            p = q + 1;

        } else {
            if (*p < '0' || *p > '9') {
                return ngx_http_apigw_vtl_error(ctx,
                                                "Illegal group reference");
            }

            ref = *p++ - '0';

            if ((uint32_t) ref > groups) {
                return ngx_http_apigw_vtl_error(ctx, "No group");
            }

            while (p < last && *p >= '0' && *p <= '9') {
                next = ref * 10 + (*p - '0');

                if ((uint32_t) next > groups) {
                    break;
                }

                ref = next;
                p++;
            }
        }

        if (ref < 256 && ov[2 * ref] != PCRE2_UNSET
            && ngx_http_apigw_vtl_buf_add(ctx, b, s->data + ov[2 * ref],
                                          ov[2 * ref + 1] - ov[2 * ref])
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_replace_regex(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_mod_t *mod, ngx_str_t *s, ngx_str_t *re,
    ngx_str_t *rep, ngx_uint_t all, ngx_http_apigw_vtl_value_t *v)
{
    size_t                     last, start;
    ngx_int_t                  rc;
    PCRE2_SIZE                *ov;
    pcre2_code                *code;
    pcre2_match_data          *md;
    ngx_http_apigw_vtl_buf_t   b;

    code = ngx_http_apigw_vtl_regex(ctx, mod, re);
    if (code == NULL) {
        return NGX_ERROR;
    }

    md = ngx_http_apigw_vtl_match_data(ctx, code);
    if (md == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(&b, sizeof(ngx_http_apigw_vtl_buf_t));
    last = 0;
    start = 0;

    for ( ;; ) {
        rc = ngx_http_apigw_vtl_find(ctx, code, s, start, md, &ov);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DECLINED) {
            break;
        }

        if (ngx_http_apigw_vtl_buf_add(ctx, &b, s->data + last, ov[0] - last)
            != NGX_OK
            || ngx_http_apigw_vtl_replacement(ctx, &b, rep, code, s, ov)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        last = ov[1];
        start = ngx_http_apigw_vtl_next_start(s, ov[0], ov[1]);

        if (!all) {
            break;
        }
    }

    if (ngx_http_apigw_vtl_buf_add(ctx, &b, s->data + last, s->len - last)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_http_apigw_vtl_set_str(v, b.data ? b.data : (u_char *) "", b.len);

    return NGX_OK;
}


/* String.split(regex, limit) */

static ngx_int_t
ngx_http_apigw_vtl_split(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_mod_t *mod, ngx_str_t *s, ngx_str_t *re,
    int64_t limit, ngx_http_apigw_vtl_value_t *v)
{
    size_t                       index, start;
    ngx_int_t                    rc;
    PCRE2_SIZE                  *ov;
    pcre2_code                  *code;
    pcre2_match_data            *md;
    ngx_http_apigw_vtl_list_t   *l;
    ngx_http_apigw_vtl_value_t   e;

    code = ngx_http_apigw_vtl_regex(ctx, mod, re);
    if (code == NULL) {
        return NGX_ERROR;
    }

    md = ngx_http_apigw_vtl_match_data(ctx, code);
    l = ngx_http_apigw_vtl_list_new(ctx, 0);

    if (md == NULL || l == NULL) {
        return NGX_ERROR;
    }

    v->type = NGX_HTTP_APIGW_VTL_V_LIST;
    v->u.list = l;

    index = 0;
    start = 0;

    for ( ;; ) {
        rc = ngx_http_apigw_vtl_find(ctx, code, s, start, md, &ov);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DECLINED) {
            break;
        }

        start = ngx_http_apigw_vtl_next_start(s, ov[0], ov[1]);

        if (limit <= 0 || (int64_t) l->nelts < limit - 1) {
            if (index == 0 && ov[0] == 0 && ov[1] == 0) {
                continue;
            }

            ngx_http_apigw_vtl_set_str(&e, s->data + index, ov[0] - index);

            if (ngx_http_apigw_vtl_list_push(ctx, l, &e) != NGX_OK) {
                return NGX_ERROR;
            }

            index = ov[1];

        } else if ((int64_t) l->nelts == limit - 1) {
            ngx_http_apigw_vtl_set_str(&e, s->data + index, s->len - index);

            if (ngx_http_apigw_vtl_list_push(ctx, l, &e) != NGX_OK) {
                return NGX_ERROR;
            }

            index = ov[1];
        }
    }

    if (index == 0) {
        l->nelts = 0;
        ngx_http_apigw_vtl_set_str(&e, s->data, s->len);
        return ngx_http_apigw_vtl_list_push(ctx, l, &e);
    }

    if (limit <= 0 || (int64_t) l->nelts < limit) {
        ngx_http_apigw_vtl_set_str(&e, s->data + index, s->len - index);

        if (ngx_http_apigw_vtl_list_push(ctx, l, &e) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (limit == 0) {
        while (l->nelts && l->elts[l->nelts - 1].u.str.len == 0) {
            l->nelts--;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_matches(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_mod_t *mod, ngx_str_t *s, ngx_str_t *re,
    ngx_http_apigw_vtl_value_t *v)
{
    int                rc;
    pcre2_code        *code;
    pcre2_match_data  *md;

    code = ngx_http_apigw_vtl_regex(ctx, mod, re);
    if (code == NULL) {
        return NGX_ERROR;
    }

    md = ngx_http_apigw_vtl_match_data(ctx, code);
    if (md == NULL) {
        return NGX_ERROR;
    }

    rc = pcre2_match(code, s->data, s->len, 0,
                     PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, ctx->mctx);

    if (ngx_http_apigw_vtl_check_time(ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
        return ngx_http_apigw_vtl_error(ctx,
                                        "regular expression too complex");
    }

    ngx_http_apigw_vtl_set_bool(v, rc >= 0);

    return NGX_OK;
}


/* String methods */

static ngx_int_t
ngx_http_apigw_vtl_search(ngx_str_t *s, ngx_str_t *needle, size_t from,
    ngx_uint_t last, ngx_int_t limit)
{
    size_t  i;

    if (needle->len > s->len) {
        return -1;
    }

    if (!last) {
        for (i = from; i + needle->len <= s->len; i++) {
            if (memcmp(s->data + i, needle->data, needle->len) == 0) {
                return (ngx_int_t) i;
            }
        }

        return -1;
    }

    i = s->len - needle->len;

    if (limit >= 0 && (size_t) limit < i) {
        i = (size_t) limit;
    }

    for ( ;; ) {
        if (memcmp(s->data + i, needle->data, needle->len) == 0) {
            return (ngx_int_t) i;
        }

        if (i == 0) {
            return -1;
        }

        i--;
    }
}


static ngx_int_t
ngx_http_apigw_vtl_str_index(ngx_str_t *s, size_t off)
{
    return (ngx_int_t) ngx_http_apigw_vtl_u16_index(s, off);
}


/* compareTo(): by UTF-16 units */

static int64_t
ngx_http_apigw_vtl_compare(ngx_str_t *x, ngx_str_t *y)
{
    u_char    *p, *q, *pl, *ql;
    uint32_t   a, b, ua[2], ub[2];
    size_t     na, nb, i;

    p = x->data;
    q = y->data;
    pl = p + x->len;
    ql = q + y->len;

    while (p < pl && q < ql) {
        p += ngx_http_apigw_vtl_utf8_char(p, pl, &a);
        q += ngx_http_apigw_vtl_utf8_char(q, ql, &b);

        if (a == b) {
            continue;
        }

        na = nb = 1;
        ua[0] = a;
        ub[0] = b;

        if (a >= 0x10000) {
            ua[0] = 0xd800 + ((a - 0x10000) >> 10);
            ua[1] = 0xdc00 + ((a - 0x10000) & 0x3ff);
            na = 2;
        }

        if (b >= 0x10000) {
            ub[0] = 0xd800 + ((b - 0x10000) >> 10);
            ub[1] = 0xdc00 + ((b - 0x10000) & 0x3ff);
            nb = 2;
        }

        for (i = 0; i < na && i < nb; i++) {
            if (ua[i] != ub[i]) {
                return (int64_t) ua[i] - (int64_t) ub[i];
            }
        }

        return (int64_t) na - (int64_t) nb;
    }

    return ngx_http_apigw_vtl_u16_len(x) - ngx_http_apigw_vtl_u16_len(y);
}


static ngx_int_t
ngx_http_apigw_vtl_string_method(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_str_t *s, ngx_http_apigw_vtl_mod_t *mod,
    ngx_http_apigw_vtl_value_t *args, ngx_uint_t nargs,
    ngx_http_apigw_vtl_value_t *v)
{
    u_char                      *p, *q, *last;
    size_t                       i, n;
    ssize_t                      b, e;
    int32_t                      h;
    int64_t                      len, from;
    uint32_t                     cp;
    ngx_int_t                    r;
    ngx_str_t                   *name, *a0, *a1;
    ngx_http_apigw_vtl_buf_t     buf;

    name = &mod->name;
    a0 = (nargs > 0 && args[0].type == NGX_HTTP_APIGW_VTL_V_STRING)
         ? &args[0].u.str : NULL;
    a1 = (nargs > 1 && args[1].type == NGX_HTTP_APIGW_VTL_V_STRING)
         ? &args[1].u.str : NULL;

#define ngx_http_apigw_vtl_is(n, lit, k)                                     \
    (ngx_http_apigw_vtl_eq_name(n, lit) && nargs == (k))

#define ngx_http_apigw_vtl_int_arg(n)                                        \
    (args[n].type == NGX_HTTP_APIGW_VTL_V_INT                                \
     && args[n].u.i >= INT32_MIN && args[n].u.i <= INT32_MAX)

    /* a null where Java wants a String throws NullPointerException */

    if (nargs > 0 && args[0].type == NGX_HTTP_APIGW_VTL_V_NULL
        && !ngx_http_apigw_vtl_eq_name(name, "equals")
        && !ngx_http_apigw_vtl_eq_name(name, "equalsIgnoreCase"))
    {
        return ngx_http_apigw_vtl_error(ctx, "NullPointerException");
    }

    if (ngx_http_apigw_vtl_is(name, "length", 0)) {
        ngx_http_apigw_vtl_set_int(v, ngx_http_apigw_vtl_u16_len(s));
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "isEmpty", 0)) {
        ngx_http_apigw_vtl_set_bool(v, s->len == 0);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "toString", 0)
        || ngx_http_apigw_vtl_is(name, "intern", 0))
    {
        ngx_http_apigw_vtl_set_str(v, s->data, s->len);
        return NGX_OK;
    }

    if ((nargs == 1 || nargs == 2)
        && ngx_http_apigw_vtl_eq_name(name, "substring")
        && ngx_http_apigw_vtl_int_arg(0)
        && (nargs == 1 || ngx_http_apigw_vtl_int_arg(1)))
    {
        len = ngx_http_apigw_vtl_u16_len(s);
        from = (nargs == 2) ? args[1].u.i : len;

        if (args[0].u.i < 0 || from > len || args[0].u.i > from) {
            return ngx_http_apigw_vtl_error(ctx,
                                    "StringIndexOutOfBoundsException");
        }

        b = ngx_http_apigw_vtl_u16_offset(s, args[0].u.i);
        e = ngx_http_apigw_vtl_u16_offset(s, from);

        if (b < 0 || e < b) {
            return ngx_http_apigw_vtl_error(ctx,
                                    "StringIndexOutOfBoundsException");
        }

        ngx_http_apigw_vtl_set_str(v, s->data + b, e - b);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "charAt", 1)
        && ngx_http_apigw_vtl_int_arg(0))
    {
        if (args[0].u.i < 0 || args[0].u.i >= ngx_http_apigw_vtl_u16_len(s)) {
            return ngx_http_apigw_vtl_error(ctx,
                                    "StringIndexOutOfBoundsException");
        }

        b = ngx_http_apigw_vtl_u16_offset(s, args[0].u.i);
        if (b < 0 || (size_t) b >= s->len) {
            return ngx_http_apigw_vtl_error(ctx,
                                    "StringIndexOutOfBoundsException");
        }

        n = ngx_http_apigw_vtl_utf8_char(s->data + b, s->data + s->len, &cp);
        ngx_http_apigw_vtl_set_str(v, s->data + b, n);
        return NGX_OK;
    }

    if ((ngx_http_apigw_vtl_eq_name(name, "indexOf")
         || ngx_http_apigw_vtl_eq_name(name, "lastIndexOf"))
        && a0 && (nargs == 1 || (nargs == 2 && ngx_http_apigw_vtl_int_arg(1))))
    {
        if (name->len == 7) {
            from = (nargs == 2) ? args[1].u.i : 0;

            if (from < 0) {
                from = 0;
            }

            b = ngx_http_apigw_vtl_u16_offset(s, from);

            if (b < 0) {
                ngx_http_apigw_vtl_set_int(v, -1);
                return NGX_OK;
            }

            r = ngx_http_apigw_vtl_search(s, a0, b, 0, -1);

        } else {
            from = (nargs == 2) ? args[1].u.i : INT32_MAX;

            if (from < 0) {
                ngx_http_apigw_vtl_set_int(v, -1);
                return NGX_OK;
            }

            b = ngx_http_apigw_vtl_u16_offset(s, from);
            r = ngx_http_apigw_vtl_search(s, a0, 0, 1,
                                          b < 0 ? -1 : (ngx_int_t) b);
        }

        ngx_http_apigw_vtl_set_int(v,
                         r < 0 ? -1 : ngx_http_apigw_vtl_str_index(s, r));
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "contains", 1) && a0) {
        ngx_http_apigw_vtl_set_bool(v,
                            ngx_http_apigw_vtl_search(s, a0, 0, 0, -1) >= 0);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_eq_name(name, "startsWith") && a0
        && (nargs == 1 || (nargs == 2 && ngx_http_apigw_vtl_int_arg(1))))
    {
        b = ngx_http_apigw_vtl_u16_offset(s, nargs == 2 ? args[1].u.i : 0);

        ngx_http_apigw_vtl_set_bool(v, b >= 0 && s->len - b >= a0->len
                                && memcmp(s->data + b, a0->data, a0->len)
                                   == 0);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "endsWith", 1) && a0) {
        ngx_http_apigw_vtl_set_bool(v, s->len >= a0->len
                          && memcmp(s->data + s->len - a0->len, a0->data,
                                    a0->len) == 0);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "equals", 1)) {
        ngx_http_apigw_vtl_set_bool(v, a0 && a0->len == s->len
                                    && memcmp(a0->data, s->data, s->len)
                                       == 0);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "equalsIgnoreCase", 1)) {
        r = (a0 && a0->len == s->len);

        for (i = 0; r && i < s->len; i++) {
            u_char  c1 = s->data[i], c2 = a0->data[i];

            if (c1 >= 'A' && c1 <= 'Z') {
                c1 |= 0x20;
            }

            if (c2 >= 'A' && c2 <= 'Z') {
                c2 |= 0x20;
            }

            r = (c1 == c2);
        }

        ngx_http_apigw_vtl_set_bool(v, r);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "compareTo", 1) && a0) {
        ngx_http_apigw_vtl_set_int(v, ngx_http_apigw_vtl_compare(s, a0));
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "hashCode", 0)) {
        h = 0;
        p = s->data;
        last = s->data + s->len;

        while (p < last) {
            p += ngx_http_apigw_vtl_utf8_char(p, last, &cp);

            if (cp >= 0x10000) {
                h = (int32_t) ((uint32_t) h * 31
                               + (0xd800 + ((cp - 0x10000) >> 10)));
                cp = 0xdc00 + ((cp - 0x10000) & 0x3ff);
            }

            h = (int32_t) ((uint32_t) h * 31 + cp);
        }

        ngx_http_apigw_vtl_set_int(v, h);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "concat", 1) && a0) {
        if (s->len > ctx->max_output || a0->len > ctx->max_output - s->len) {
            return ngx_http_apigw_vtl_error(ctx, "string too long");
        }

        p = ngx_http_apigw_vtl_alloc(ctx, s->len + a0->len + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_http_apigw_vtl_set_str(v, p, s->len + a0->len);
        p = ngx_cpymem(p, s->data, s->len);
        ngx_memcpy(p, a0->data, a0->len);
        return NGX_OK;
    }

    if ((ngx_http_apigw_vtl_is(name, "trim", 0))) {
        p = s->data;
        q = s->data + s->len;

        while (p < q && *p <= ' ') {
            p++;
        }

        while (q > p && q[-1] <= ' ') {
            q--;
        }

        ngx_http_apigw_vtl_set_str(v, p, q - p);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "toLowerCase", 0)
        || ngx_http_apigw_vtl_is(name, "toUpperCase", 0))
    {
        p = ngx_http_apigw_vtl_alloc(ctx, s->len + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < s->len; i++) {
            p[i] = s->data[i];

            if (name->data[2] == 'L' && p[i] >= 'A' && p[i] <= 'Z') {
                p[i] |= 0x20;

            } else if (name->data[2] == 'U' && p[i] >= 'a' && p[i] <= 'z') {
                p[i] &= ~0x20;
            }
        }

        ngx_http_apigw_vtl_set_str(v, p, s->len);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "replace", 2) && a0 && a1) {

        /* literal, every occurrence; "" matches between characters */

        ngx_memzero(&buf, sizeof(ngx_http_apigw_vtl_buf_t));
        p = s->data;
        last = s->data + s->len;

        if (a0->len == 0) {
            for ( ;; ) {
                if (ngx_http_apigw_vtl_buf_add(ctx, &buf, a1->data, a1->len)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }

                if (p >= last) {
                    break;
                }

                n = ngx_http_apigw_vtl_utf8_char(p, last, &cp);

                if (ngx_http_apigw_vtl_buf_add(ctx, &buf, p, n) != NGX_OK) {
                    return NGX_ERROR;
                }

                p += n;
            }

        } else {
            while (p < last) {
                q = p;

                while (q + a0->len <= last
                       && memcmp(q, a0->data, a0->len) != 0)
                {
                    q++;
                }

                if (q + a0->len > last) {
                    q = last;
                }

                if (ngx_http_apigw_vtl_buf_add(ctx, &buf, p, q - p)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }

                if (q == last) {
                    break;
                }

                if (ngx_http_apigw_vtl_buf_add(ctx, &buf, a1->data, a1->len)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }

                p = q + a0->len;
            }
        }

        ngx_http_apigw_vtl_set_str(v, buf.data ? buf.data : (u_char *) "",
                                   buf.len);
        return NGX_OK;
    }

    if ((ngx_http_apigw_vtl_is(name, "replaceAll", 2)
         || ngx_http_apigw_vtl_is(name, "replaceFirst", 2))
        && a0 && a1)
    {
        return ngx_http_apigw_vtl_replace_regex(ctx, mod, s, a0, a1,
                                                name->len == 10, v);
    }

    if (ngx_http_apigw_vtl_is(name, "matches", 1) && a0) {
        return ngx_http_apigw_vtl_matches(ctx, mod, s, a0, v);
    }

    if (ngx_http_apigw_vtl_eq_name(name, "split") && a0
        && (nargs == 1 || (nargs == 2 && ngx_http_apigw_vtl_int_arg(1))))
    {
        return ngx_http_apigw_vtl_split(ctx, mod, s, a0,
                                        nargs == 2 ? args[1].u.i : 0, v);
    }

    return NGX_DECLINED;
}


/* List methods, on ArrayList and JSONArray */

static ngx_int_t
ngx_http_apigw_vtl_list_method(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *obj, ngx_str_t *name,
    ngx_http_apigw_vtl_value_t *args, ngx_uint_t nargs,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t                    idx, found;
    ngx_uint_t                   i, n, eq;
    ngx_http_apigw_jv_t          j;
    ngx_http_apigw_vtl_list_t   *l, *nl;
    ngx_http_apigw_vtl_value_t   e;

    n = ngx_http_apigw_vtl_size(obj);
    l = (obj->type == NGX_HTTP_APIGW_VTL_V_LIST) ? obj->u.list : NULL;

    /* count(): the AWS documentation shows it on $input.path() arrays */

    if (ngx_http_apigw_vtl_is(name, "size", 0)
        || (l == NULL && ngx_http_apigw_vtl_is(name, "count", 0)))
    {
        ngx_http_apigw_vtl_set_int(v, (int64_t) n);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "isEmpty", 0)) {
        ngx_http_apigw_vtl_set_bool(v, n == 0);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "get", 1)
        || ngx_http_apigw_vtl_is(name, "remove", 1)
        || ngx_http_apigw_vtl_is(name, "set", 2)
        || ngx_http_apigw_vtl_is(name, "add", 2))
    {
        if (!ngx_http_apigw_vtl_int_arg(0)) {
            if (name->data[0] != 'r') {
                return NGX_DECLINED;
            }

            goto remove_object;
        }

        idx = (ngx_int_t) args[0].u.i;

        if (idx < 0 || (ngx_uint_t) idx > n
            || ((ngx_uint_t) idx == n && name->data[0] != 'a'))
        {
            return ngx_http_apigw_vtl_error(ctx, "IndexOutOfBoundsException");
        }

        if (name->data[0] == 'a') {
            if (l) {
                return ngx_http_apigw_vtl_list_insert(ctx, l, idx, &args[1]);
            }

            if (ngx_http_apigw_vtl_to_json(ctx, &args[1], 0, &j) != NGX_OK) {
                return NGX_ERROR;
            }

            if (ngx_http_apigw_jv_array_insert(ctx->a, obj->u.json, idx, &j)
                != NGX_OK)
            {
                return ngx_http_apigw_vtl_error(ctx, "out of memory");
            }

            return NGX_OK;
        }

        if (ngx_http_apigw_vtl_list_get(ctx, obj, idx, v) != NGX_OK) {
            return NGX_ERROR;
        }

        if (name->data[0] == 's') {
            if (l) {
                l->elts[idx] = args[1];
                return NGX_OK;
            }

            if (ngx_http_apigw_vtl_to_json(ctx, &args[1], 0, &j) != NGX_OK) {
                return NGX_ERROR;
            }

            ngx_http_apigw_jv_array_set(obj->u.json, idx, &j);
            return NGX_OK;
        }

        if (name->data[0] == 'r') {
            if (l) {
                memmove(&l->elts[idx], &l->elts[idx + 1],
                        (l->nelts - idx - 1)
                        * sizeof(ngx_http_apigw_vtl_value_t));
                l->nelts--;
                l->mods++;

            } else {
                ngx_http_apigw_jv_array_remove(obj->u.json, idx);
            }
        }

        return NGX_OK;
    }

    if ((ngx_http_apigw_vtl_is(name, "contains", 1)
         || ngx_http_apigw_vtl_is(name, "indexOf", 1)
         || ngx_http_apigw_vtl_is(name, "lastIndexOf", 1)))
    {
        found = -1;

        for (i = 0; i < n; i++) {
            if (ngx_http_apigw_vtl_list_get(ctx, obj, i, &e) != NGX_OK
                || ngx_http_apigw_vtl_java_equals(ctx, &e, &args[0], 0, &eq)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (eq) {
                found = (ngx_int_t) i;

                if (name->data[0] != 'l') {
                    break;
                }
            }
        }

        if (name->data[0] == 'c') {
            ngx_http_apigw_vtl_set_bool(v, found >= 0);

        } else {
            ngx_http_apigw_vtl_set_int(v, found);
        }

        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "add", 1)) {
        if (l) {
            if (ngx_http_apigw_vtl_list_push(ctx, l, &args[0]) != NGX_OK) {
                return NGX_ERROR;
            }

        } else {
            if (ngx_http_apigw_vtl_to_json(ctx, &args[0], 0, &j) != NGX_OK) {
                return NGX_ERROR;
            }

            if (ngx_http_apigw_jv_array_append(ctx->a, obj->u.json, &j)
                != NGX_OK)
            {
                return ngx_http_apigw_vtl_error(ctx, "out of memory");
            }
        }

        ngx_http_apigw_vtl_set_bool(v, 1);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "addAll", 1)
        && ngx_http_apigw_vtl_is_listish(&args[0]))
    {
        n = ngx_http_apigw_vtl_size(&args[0]);

        for (i = 0; i < n; i++) {
            if (ngx_http_apigw_vtl_list_get(ctx, &args[0], i, &e) != NGX_OK
                || ngx_http_apigw_vtl_list_method(ctx, obj,
                                            &(ngx_str_t) ngx_string("add"),
                                            &e, 1, v)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        ngx_http_apigw_vtl_set_bool(v, n > 0);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "clear", 0)) {
        if (l) {
            l->nelts = 0;
            l->mods++;

        } else {
            ngx_http_apigw_jv_clear(obj->u.json);
        }

        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "subList", 2)
        && ngx_http_apigw_vtl_int_arg(0) && ngx_http_apigw_vtl_int_arg(1))
    {
        if (args[0].u.i < 0 || args[1].u.i > (int64_t) n
            || args[0].u.i > args[1].u.i)
        {
            return ngx_http_apigw_vtl_error(ctx, "IndexOutOfBoundsException");
        }

        nl = ngx_http_apigw_vtl_list_new(ctx, 0);
        if (nl == NULL) {
            return NGX_ERROR;
        }

        for (i = args[0].u.i; i < (ngx_uint_t) args[1].u.i; i++) {
            if (ngx_http_apigw_vtl_list_get(ctx, obj, i, &e) != NGX_OK
                || ngx_http_apigw_vtl_list_push(ctx, nl, &e) != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        v->type = NGX_HTTP_APIGW_VTL_V_LIST;
        v->u.list = nl;
        return NGX_OK;
    }

    return NGX_DECLINED;

remove_object:

    for (i = 0; i < n; i++) {
        if (ngx_http_apigw_vtl_list_get(ctx, obj, i, &e) != NGX_OK
            || ngx_http_apigw_vtl_java_equals(ctx, &e, &args[0], 0, &eq)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (eq) {
            if (l) {
                memmove(&l->elts[i], &l->elts[i + 1],
                        (l->nelts - i - 1)
                        * sizeof(ngx_http_apigw_vtl_value_t));
                l->nelts--;
                l->mods++;

            } else {
                ngx_http_apigw_jv_array_remove(obj->u.json, i);
            }

            ngx_http_apigw_vtl_set_bool(v, 1);
            return NGX_OK;
        }
    }

    ngx_http_apigw_vtl_set_bool(v, 0);
    return NGX_OK;
}


/* Map methods, on LinkedHashMap and JSON objects */

static ngx_int_t
ngx_http_apigw_vtl_map_method(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *obj, ngx_str_t *name,
    ngx_http_apigw_vtl_value_t *args, ngx_uint_t nargs,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t                    rc;
    ngx_str_t                    s;
    ngx_uint_t                   i, n, eq, kind;
    ngx_http_apigw_jv_t          j;
    ngx_http_apigw_vtl_map_t    *m;
    ngx_http_apigw_vtl_list_t   *l;
    ngx_http_apigw_jv_member_t  *jm;
    ngx_http_apigw_vtl_value_t   e, k, *entry;

    m = (obj->type == NGX_HTTP_APIGW_VTL_V_MAP) ? obj->u.map : NULL;
    n = ngx_http_apigw_vtl_size(obj);

    if (ngx_http_apigw_vtl_is(name, "size", 0)) {
        ngx_http_apigw_vtl_set_int(v, (int64_t) n);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "isEmpty", 0)) {
        ngx_http_apigw_vtl_set_bool(v, n == 0);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "get", 1)
        || ngx_http_apigw_vtl_is(name, "containsKey", 1)
        || ngx_http_apigw_vtl_is(name, "getOrDefault", 2))
    {
        rc = ngx_http_apigw_vtl_map_get(ctx, obj, &args[0], v);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (name->data[0] == 'c') {
            ngx_http_apigw_vtl_set_bool(v, rc == NGX_OK);

        } else if (nargs == 2 && rc != NGX_OK) {
            *v = args[1];
        }

        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "put", 2)) {
        if (m) {
            return ngx_http_apigw_vtl_map_put(ctx, m, &args[0], &args[1], v);
        }

        if (ngx_http_apigw_vtl_to_string(ctx, &args[0], &s) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_apigw_vtl_from_json(ngx_http_apigw_jv_object_get(obj->u.json,
                                                                s.data, s.len),
                                     v);

        if (ngx_http_apigw_vtl_to_json(ctx, &args[1], 0, &j) != NGX_OK) {
            return NGX_ERROR;
        }

        if (ngx_http_apigw_jv_object_set(ctx->a, obj->u.json, s.data, s.len,
                                         &j, 0)
            != NGX_OK)
        {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }

        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "remove", 1)) {
        if (m) {
            return ngx_http_apigw_vtl_map_remove(ctx, m, &args[0], v);
        }

        if (ngx_http_apigw_vtl_map_get(ctx, obj, &args[0], v) == NGX_OK) {
            (void) ngx_http_apigw_jv_object_del(obj->u.json,
                                                args[0].u.str.data,
                                                args[0].u.str.len);
        }

        return ctx->err->message ? NGX_ERROR : NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "putAll", 1)
        && ngx_http_apigw_vtl_is_mapish(&args[0]))
    {
        if (ngx_http_apigw_vtl_map_method(ctx, &args[0],
                                          &(ngx_str_t) ngx_string("entrySet"),
                                          NULL, 0, &e)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        for (i = 0; i < e.u.list->nelts; i++) {
            entry = e.u.list->elts[i].u.entry;

            if (ngx_http_apigw_vtl_map_method(ctx, obj,
                                              &(ngx_str_t) ngx_string("put"),
                                              entry, 2, &k)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "clear", 0)) {
        if (m) {
            m->nelts = 0;
            m->mods++;

            if (m->nindex) {
                ngx_memzero(m->index, m->nindex * sizeof(uint32_t));
            }

        } else {
            ngx_http_apigw_jv_clear(obj->u.json);
        }

        return NGX_OK;
    }

    kind = ngx_http_apigw_vtl_is(name, "keySet", 0) ? 1
           : ngx_http_apigw_vtl_is(name, "values", 0) ? 2
           : ngx_http_apigw_vtl_is(name, "entrySet", 0) ? 3
           : ngx_http_apigw_vtl_is(name, "containsValue", 1) ? 4 : 0;

    if (kind == 0) {
        return NGX_DECLINED;
    }

    /* snapshots of the keys, values or entries (Java gives views) */

    l = ngx_http_apigw_vtl_list_new(ctx, n);
    if (l == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        if (m) {
            k = m->keys[i];
            e = m->vals[i];

        } else {
            /* keys stay as they are: a member's key never changes */

            jm = &obj->u.json->u.members[i];

            ngx_http_apigw_vtl_set_str(&k, jm->key.data, jm->key.len);
            ngx_http_apigw_vtl_from_json(&jm->val, &e);
        }

        if (kind == 4) {
            if (ngx_http_apigw_vtl_java_equals(ctx, &e, &args[0], 0, &eq)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (eq) {
                ngx_http_apigw_vtl_set_bool(v, 1);
                return NGX_OK;
            }

            continue;
        }

        if (kind == 3) {
            entry = ngx_http_apigw_vtl_alloc(ctx,
                                    2 * sizeof(ngx_http_apigw_vtl_value_t));
            if (entry == NULL) {
                return NGX_ERROR;
            }

            entry[0] = k;
            entry[1] = e;
            e.type = NGX_HTTP_APIGW_VTL_V_ENTRY;
            e.u.entry = entry;
        }

        l->elts[l->nelts++] = (kind == 1) ? k : e;
    }

    if (kind == 4) {
        ngx_http_apigw_vtl_set_bool(v, 0);
        return NGX_OK;
    }

    v->type = NGX_HTTP_APIGW_VTL_V_LIST;
    v->u.list = l;

    return NGX_OK;
}


/* $input */

static ngx_int_t
ngx_http_apigw_vtl_body_text(ngx_http_apigw_vtl_ctx_t *ctx)
{
    ngx_str_t  in;

    if (ctx->body_text_done) {
        return NGX_OK;
    }

    in = ctx->env->body;

    if (in.len == 0) {
        /* API Gateway gives "{}" for an empty body */
        ngx_str_set(&ctx->body_text, "{}");

    } else if (ngx_http_apigw_util_utf8_sanitize(ctx->a, &in, &ctx->body_text)
               != NGX_OK)
    {
        return ngx_http_apigw_vtl_error(ctx, "out of memory");
    }

    ctx->body_text_done = 1;

    return NGX_OK;
}


/*
 * the body as JSON: {} when empty, a JSON string when not JSON.  A body
 * the parser takes is well-formed UTF-8 (it checks every string), so it
 * is its own text: no separate pass makes it so.
 */

static ngx_http_apigw_jv_t *
ngx_http_apigw_vtl_body_json(ngx_http_apigw_vtl_ctx_t *ctx)
{
    ngx_int_t   rc;
    ngx_str_t  *in;

    if (ctx->body_parsed) {
        return &ctx->body;
    }

    in = ctx->body_text_done ? &ctx->body_text : &ctx->env->body;

    if (in->len == 0) {
        rc = ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT,
                                   &ctx->body);

    } else {
        rc = ngx_http_apigw_util_parse_json(ctx->a, in, &ctx->body);

        if (rc == NGX_OK && !ctx->body_text_done) {
            ctx->body_text = *in;
            ctx->body_text_done = 1;

        } else if (rc == NGX_DECLINED) {

            /* not JSON as it is: perhaps once ill-formed UTF-8 is replaced */

            if (!ctx->body_text_done) {
                if (ngx_http_apigw_vtl_body_text(ctx) != NGX_OK) {
                    return NULL;
                }

                if (ctx->body_text.data != in->data) {
                    rc = ngx_http_apigw_util_parse_json(ctx->a,
                                                        &ctx->body_text,
                                                        &ctx->body);
                }
            }

            if (rc == NGX_DECLINED) {
                ngx_http_apigw_jv_set_str(&ctx->body, ctx->body_text.data,
                                          ctx->body_text.len);
                rc = NGX_OK;
            }
        }
    }

    if (rc != NGX_OK) {
        ngx_http_apigw_vtl_error(ctx, "out of memory");
        return NULL;
    }

    ctx->body_parsed = 1;

    return &ctx->body;
}


/* NGX_OK with *result, NGX_DECLINED: no match, NGX_ERROR */

static ngx_int_t
ngx_http_apigw_vtl_jsonpath(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_mod_t *mod, ngx_http_apigw_vtl_value_t *arg,
    ngx_http_apigw_jv_t *result)
{
    size_t                      pos;
    ngx_int_t                   rc;
    ngx_str_t                   path;
    const char                 *err;
    ngx_http_apigw_jv_t        *root;
    ngx_http_apigw_jsonpath_t  *jp;

    jp = mod->jsonpath;

    if (jp == NULL) {
        if (mod->jsonpath_err != NULL) {
            return ngx_http_apigw_vtl_error(ctx, "invalid JSONPath");
        }

        if (ngx_http_apigw_vtl_to_string(ctx, arg, &path) != NGX_OK) {
            return NGX_ERROR;
        }

        err = NULL;
        jp = ngx_http_apigw_jsonpath_compile(ctx->a, &path, &err, &pos);
        if (jp == NULL) {
            return ngx_http_apigw_vtl_error(ctx, "invalid JSONPath");
        }
    }

    root = ngx_http_apigw_vtl_body_json(ctx);
    if (root == NULL) {
        return NGX_ERROR;
    }

    rc = ngx_http_apigw_jsonpath_eval(jp, ctx->a, root, result);

    if (rc == NGX_ERROR) {
        return ngx_http_apigw_vtl_error(ctx, "JSONPath evaluation failed");
    }

    return rc;
}


/* $input.params(): the environment's, or three empty maps */

static ngx_http_apigw_jv_t *
ngx_http_apigw_vtl_params(ngx_http_apigw_vtl_ctx_t *ctx)
{
    ngx_uint_t            i;
    ngx_http_apigw_jv_t  *p, empty;

    static ngx_str_t      groups[] = {
        ngx_string("path"), ngx_string("querystring"), ngx_string("header")
    };

    if (ctx->params) {
        return ctx->params;
    }

    p = ctx->env->params;

    if (p && p->type == NGX_HTTP_APIGW_JV_OBJECT) {
        ctx->params = p;
        return p;
    }

    p = ngx_http_apigw_vtl_alloc(ctx, sizeof(ngx_http_apigw_jv_t));
    if (p == NULL || ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT, p)
                     != NGX_OK)
    {
        ngx_http_apigw_vtl_error(ctx, "out of memory");
        return NULL;
    }

    for (i = 0; i < 3; i++) {
        if (ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT, &empty)
            != NGX_OK
            || ngx_http_apigw_jv_object_set(ctx->a, p->u.c, groups[i].data,
                                            groups[i].len, &empty, 0)
               != NGX_OK)
        {
            ngx_http_apigw_vtl_error(ctx, "out of memory");
            return NULL;
        }
    }

    ctx->params = p;

    return p;
}


static ngx_int_t
ngx_http_apigw_vtl_input_method(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_mod_t *mod, ngx_http_apigw_vtl_value_t *args,
    ngx_uint_t nargs, ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t                    rc;
    ngx_str_t                   *name, s;
    ngx_uint_t                   i, k, pass;
    ngx_http_apigw_jv_t          j, *params, *group, *found;
    ngx_http_apigw_jv_member_t  *m;

    static ngx_str_t             groups[] = {
        ngx_string("path"), ngx_string("querystring"), ngx_string("header")
    };

    name = mod ? &mod->name : NULL;

    if (name == NULL || ngx_http_apigw_vtl_is(name, "getBody", 0)) {
        if (ngx_http_apigw_vtl_body_text(ctx) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_apigw_vtl_set_str(v, ctx->body_text.data,
                                   ctx->body_text.len);
        return NGX_OK;
    }

    if ((ngx_http_apigw_vtl_is(name, "json", 1)
         || ngx_http_apigw_vtl_is(name, "path", 1))
        && args[0].type != NGX_HTTP_APIGW_VTL_V_NULL)
    {
        rc = ngx_http_apigw_vtl_jsonpath(ctx, mod, &args[0], &j);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DECLINED) {
            /* no match: the empty string */
            ngx_http_apigw_vtl_set_str(v, (u_char *) "", 0);
            return NGX_OK;
        }

        if (name->data[0] == 'p') {
            ngx_http_apigw_vtl_from_json(&j, v);
            return NGX_OK;
        }

        if (ngx_http_apigw_util_json_dump(ctx->a, &j, &s) != NGX_OK) {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }

        ctx->mem_used += s.len;
        ngx_http_apigw_vtl_set_str(v, s.data, s.len);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_eq_name(name, "params") && nargs <= 1) {
        params = ngx_http_apigw_vtl_params(ctx);
        if (params == NULL) {
            return NGX_ERROR;
        }

        if (nargs == 0) {
            ngx_http_apigw_vtl_from_json(params, v);
            return NGX_OK;
        }

        ngx_http_apigw_vtl_set_str(v, (u_char *) "", 0);

        if (args[0].type == NGX_HTTP_APIGW_VTL_V_NULL) {
            return NGX_OK;
        }

        if (ngx_http_apigw_vtl_to_string(ctx, &args[0], &s) != NGX_OK) {
            return NGX_ERROR;
        }

        /* path, then query string, then header (any case) */

        for (pass = 0; pass < 2; pass++) {
            for (i = pass ? 2 : 0; i < 3; i++) {

                /* the groups are usually in this order: looked at first */

                m = params->u.c->u.members;

                if (i < params->u.c->nelts
                    && m[i].key.len == groups[i].len
                    && ngx_http_apigw_vtl_bytes_eq(m[i].key.data,
                                                   groups[i].data,
                                                   groups[i].len))
                {
                    group = &m[i].val;

                } else {
                    group = ngx_http_apigw_jv_object_get(params->u.c,
                                                         groups[i].data,
                                                         groups[i].len);
                }

                if (group == NULL
                    || group->type != NGX_HTTP_APIGW_JV_OBJECT)
                {
                    continue;
                }

                if (pass == 0) {
                    found = ngx_http_apigw_jv_object_get(group->u.c, s.data,
                                                         s.len);

                } else {
                    found = NULL;

                    for (k = 0; k < group->u.c->nelts; k++) {
                        m = &group->u.c->u.members[k];

                        if (m->key.len == s.len
                            && strncasecmp((char *) m->key.data,
                                           (char *) s.data, s.len) == 0)
                        {
                            found = &m->val;
                            break;
                        }
                    }
                }

                if (found != NULL && found->type != NGX_HTTP_APIGW_JV_NULL) {
                    ngx_http_apigw_vtl_from_json(found, v);

                    if (found->type == NGX_HTTP_APIGW_JV_STRING) {
                        return NGX_OK;
                    }

                    if (ngx_http_apigw_vtl_to_string(ctx, v, &s) != NGX_OK) {
                        return NGX_ERROR;
                    }

                    ngx_http_apigw_vtl_set_str(v, s.data, s.len);
                    return NGX_OK;
                }
            }
        }

        return NGX_OK;
    }

    return NGX_DECLINED;
}


/* $util */

static ngx_int_t
ngx_http_apigw_vtl_util_method(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_str_t *name, ngx_http_apigw_vtl_value_t *args, ngx_uint_t nargs,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t             rc;
    ngx_str_t             in, out;
    ngx_http_apigw_jv_t   j;

    if (nargs != 1) {
        return NGX_DECLINED;
    }

    if (args[0].type == NGX_HTTP_APIGW_VTL_V_NULL) {
        if (ngx_http_apigw_vtl_eq_name(name, "urlEncode")) {
            ngx_http_apigw_vtl_set_str(v, (u_char *) "", 0);
        }

        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_to_string(ctx, &args[0], &in) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_apigw_vtl_eq_name(name, "escapeJavaScript")) {
        rc = ngx_http_apigw_util_escape_javascript(ctx->a, &in, &out);

    } else if (ngx_http_apigw_vtl_eq_name(name, "urlEncode")) {
        rc = ngx_http_apigw_util_url_encode(ctx->a, &in, &out);

    } else if (ngx_http_apigw_vtl_eq_name(name, "urlDecode")) {
        rc = ngx_http_apigw_util_url_decode(ctx->a, &in, &out);

    } else if (ngx_http_apigw_vtl_eq_name(name, "base64Encode")) {
        rc = ngx_http_apigw_util_base64_encode(ctx->a, &in, &out);

    } else if (ngx_http_apigw_vtl_eq_name(name, "base64Decode")) {
        rc = ngx_http_apigw_util_base64_decode(ctx->a, &in, &out);

    } else if (ngx_http_apigw_vtl_eq_name(name, "parseJson")) {
        rc = ngx_http_apigw_util_parse_json(ctx->a, &in, &j);

        if (rc == NGX_OK) {
            ngx_http_apigw_vtl_from_json(&j, v);
            return NGX_OK;
        }

        out.len = 0;

    } else {
        return NGX_DECLINED;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_apigw_vtl_error(ctx, "invalid argument to $util");
    }

    if (rc != NGX_OK) {
        return ngx_http_apigw_vtl_error(ctx, "out of memory");
    }

    ctx->mem_used += out.len;
    ngx_http_apigw_vtl_set_str(v, out.data, out.len);

    return NGX_OK;
}


/* methods of numbers, booleans, entries, classes and $foreach */

static ngx_int_t
ngx_http_apigw_vtl_other_method(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *obj, ngx_str_t *name,
    ngx_http_apigw_vtl_value_t *args, ngx_uint_t nargs,
    ngx_http_apigw_vtl_value_t *v)
{
    double     d;
    ngx_str_t  prop;

    switch (obj->type) {

    case NGX_HTTP_APIGW_VTL_V_INT:
    case NGX_HTTP_APIGW_VTL_V_DOUBLE:
        d = (obj->type == NGX_HTTP_APIGW_VTL_V_INT) ? (double) obj->u.i
                                                    : obj->u.d;

        if (ngx_http_apigw_vtl_is(name, "intValue", 0)
            || ngx_http_apigw_vtl_is(name, "longValue", 0))
        {
            if (obj->type == NGX_HTTP_APIGW_VTL_V_INT) {
                ngx_http_apigw_vtl_set_int(v, name->data[0] == 'i'
                                              ? (int32_t) obj->u.i : obj->u.i);

            } else {
                /* Java's saturating conversion */
                if (isnan(d)) {
                    d = 0;
                }

                if (name->data[0] == 'i') {
                    d = (d > INT32_MAX) ? INT32_MAX
                        : (d < INT32_MIN) ? INT32_MIN : d;

                } else {
                    d = (d >= 9223372036854775807.0) ? 9223372036854775807.0
                        : (d < -9223372036854775808.0)
                          ? -9223372036854775808.0 : d;
                }

                ngx_http_apigw_vtl_set_int(v, (d >= 9223372036854775807.0)
                                              ? INT64_MAX : (int64_t) d);
            }

            return NGX_OK;
        }

        if (ngx_http_apigw_vtl_is(name, "doubleValue", 0)) {
            v->type = NGX_HTTP_APIGW_VTL_V_DOUBLE;
            v->u.d = d;
            return NGX_OK;
        }

        if (ngx_http_apigw_vtl_is(name, "compareTo", 1)
            && args[0].type == obj->type)
        {
            ngx_http_apigw_vtl_set_int(v,
                                 ngx_http_apigw_vtl_num_cmp(obj, &args[0]));
            return NGX_OK;
        }

        if (obj->type == NGX_HTTP_APIGW_VTL_V_DOUBLE
            && (ngx_http_apigw_vtl_is(name, "isNaN", 0)
                || ngx_http_apigw_vtl_is(name, "isInfinite", 0)))
        {
            ngx_http_apigw_vtl_set_bool(v, name->data[2] == 'N' ? isnan(d)
                                                                : isinf(d));
            return NGX_OK;
        }

        return NGX_DECLINED;

    case NGX_HTTP_APIGW_VTL_V_BOOL:
        if (ngx_http_apigw_vtl_is(name, "booleanValue", 0)) {
            *v = *obj;
            return NGX_OK;
        }

        return NGX_DECLINED;

    default:
        break;
    }

    /* getters as methods: getKey(), getName(), hasNext(), isFirst()... */

    if (nargs != 0) {
        return NGX_DECLINED;
    }

    if (name->len > 3 && memcmp(name->data, "get", 3) == 0) {
        prop.data = name->data + 3;
        prop.len = name->len - 3;

    } else if (name->len > 2 && memcmp(name->data, "is", 2) == 0) {
        prop.data = name->data + 2;
        prop.len = name->len - 2;

    } else if (ngx_http_apigw_vtl_eq_name(name, "hasNext")) {
        prop = *name;

    } else {
        return NGX_DECLINED;
    }

    if (prop.data != name->data) {
        u_char  *p;

        /* getHasNext -> hasNext */

        p = ngx_http_apigw_vtl_alloc(ctx, prop.len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(p, prop.data, prop.len);

        if (p[0] >= 'A' && p[0] <= 'Z') {
            p[0] |= 0x20;
        }

        prop.data = p;
    }

    if (obj->type != NGX_HTTP_APIGW_VTL_V_ENTRY
        && obj->type != NGX_HTTP_APIGW_VTL_V_CLASS
        && obj->type != NGX_HTTP_APIGW_VTL_V_FOREACH)
    {
        return NGX_DECLINED;
    }

    return ngx_http_apigw_vtl_property(ctx, obj, &prop, v);
}


static ngx_int_t
ngx_http_apigw_vtl_call(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *obj, ngx_http_apigw_vtl_mod_t *mod,
    ngx_http_apigw_vtl_value_t *args, ngx_uint_t nargs,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_int_t   rc;
    ngx_str_t  *name, s;
    ngx_uint_t  eq;

    ngx_http_apigw_vtl_set_null(v);

    if (obj->type == NGX_HTTP_APIGW_VTL_V_INPUT) {
        rc = ngx_http_apigw_vtl_input_method(ctx, mod, args, nargs, v);
        return (rc == NGX_DECLINED) ? NGX_OK : rc;
    }

    name = &mod->name;

    switch (obj->type) {

    case NGX_HTTP_APIGW_VTL_V_STRING:
        rc = ngx_http_apigw_vtl_string_method(ctx, &obj->u.str, mod, args,
                                              nargs, v);
        break;

    case NGX_HTTP_APIGW_VTL_V_LIST:
        rc = ngx_http_apigw_vtl_list_method(ctx, obj, name, args, nargs, v);
        break;

    case NGX_HTTP_APIGW_VTL_V_MAP:
        rc = ngx_http_apigw_vtl_map_method(ctx, obj, name, args, nargs, v);
        break;

    case NGX_HTTP_APIGW_VTL_V_JSON:
        rc = (obj->u.json->type == NGX_HTTP_APIGW_JV_ARRAY)
             ? ngx_http_apigw_vtl_list_method(ctx, obj, name, args, nargs, v)
             : ngx_http_apigw_vtl_map_method(ctx, obj, name, args, nargs, v);
        break;

    case NGX_HTTP_APIGW_VTL_V_UTIL:
        rc = ngx_http_apigw_vtl_util_method(ctx, name, args, nargs, v);
        break;

    default:
        rc = ngx_http_apigw_vtl_other_method(ctx, obj, name, args, nargs, v);
        break;
    }

    if (rc != NGX_DECLINED) {
        return rc;
    }

    /* java.lang.Object */

    if (ngx_http_apigw_vtl_is(name, "toString", 0)) {
        if (ngx_http_apigw_vtl_to_string(ctx, obj, &s) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_apigw_vtl_set_str(v, s.data, s.len);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "getClass", 0)) {
        ngx_http_apigw_vtl_class_of(obj, v);
        return NGX_OK;
    }

    if (ngx_http_apigw_vtl_is(name, "equals", 1)) {
        if (ngx_http_apigw_vtl_java_equals(ctx, obj, &args[0], 0, &eq)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        ngx_http_apigw_vtl_set_bool(v, eq);
        return NGX_OK;
    }

    /* no such method: Velocity logs it and the value is null */

    ngx_http_apigw_vtl_set_null(v);

    return NGX_OK;
}


/* $context: the environment's object, with the overrides to write to */

static ngx_int_t
ngx_http_apigw_vtl_context(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_uint_t                 i;
    ngx_http_apigw_jv_t       *context, o, empty;
    ngx_http_apigw_vtl_env_t  *env;

    static ngx_str_t           groups[] = {
        ngx_string("path"), ngx_string("header"), ngx_string("querystring")
    };

    env = ctx->env;
    context = env->context;

    if (context == NULL || context->type != NGX_HTTP_APIGW_JV_OBJECT) {
        if (ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT, &o)
            != NGX_OK)
        {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }

        ngx_http_apigw_vtl_from_json(&o, v);
        return NGX_OK;
    }

    if (!ctx->tpl->context_overrides) {
        ngx_http_apigw_vtl_from_json(context, v);
        return NGX_OK;
    }

    if (ngx_http_apigw_jv_object_get(context->u.c,
                                     (u_char *) "requestOverride", 15)
        == NULL)
    {
        if (ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT, &o)
            != NGX_OK)
        {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }

        for (i = 0; i < 3; i++) {
            if (ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT, &empty)
                != NGX_OK
                || ngx_http_apigw_jv_object_set(ctx->a, o.u.c, groups[i].data,
                                                groups[i].len, &empty, 0)
                   != NGX_OK)
            {
                return ngx_http_apigw_vtl_error(ctx, "out of memory");
            }
        }

        if (ngx_http_apigw_jv_object_set(ctx->a, context->u.c,
                                         (u_char *) "requestOverride", 15,
                                         &o, 0)
            != NGX_OK)
        {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }
    }

    if (ngx_http_apigw_jv_object_get(context->u.c,
                                     (u_char *) "responseOverride", 16)
        == NULL)
    {
        if (ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT, &o)
            != NGX_OK
            || ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT, &empty)
               != NGX_OK
            || ngx_http_apigw_jv_object_set(ctx->a, o.u.c,
                                            (u_char *) "header", 6, &empty, 0)
               != NGX_OK
            || ngx_http_apigw_jv_object_set(ctx->a, context->u.c,
                                            (u_char *) "responseOverride", 16,
                                            &o, 0)
               != NGX_OK)
        {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }
    }

    ngx_http_apigw_vtl_from_json(context, v);

    return NGX_OK;
}


static ngx_int_t
ngx_http_apigw_vtl_stage(ngx_http_apigw_vtl_ctx_t *ctx,
    ngx_http_apigw_vtl_value_t *v)
{
    ngx_http_apigw_jv_t       *stage, o;
    ngx_http_apigw_vtl_env_t  *env;

    env = ctx->env;
    stage = env->stage_variables;

    if (stage == NULL || stage->type != NGX_HTTP_APIGW_JV_OBJECT) {
        if (ngx_http_apigw_jv_new(ctx->a, NGX_HTTP_APIGW_JV_OBJECT, &o)
            != NGX_OK)
        {
            return ngx_http_apigw_vtl_error(ctx, "out of memory");
        }

        stage = &o;
    }

    ngx_http_apigw_vtl_from_json(stage, v);

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_vtl_render(ngx_http_apigw_vtl_t *tpl,
    ngx_http_apigw_vtl_env_t *env, ngx_http_apigw_alloc_t *a, ngx_str_t *out,
    ngx_http_apigw_vtl_error_t *err)
{
    ngx_int_t                    rc;
    ngx_http_apigw_alloc_t       ca;
    ngx_http_apigw_vtl_buf_t     buf;
    ngx_http_apigw_vtl_ctx_t     ctx;
    ngx_http_apigw_jv_chunks_t   chunks;
    ngx_http_apigw_vtl_value_t   v;

    err->line = 0;
    err->column = 0;
    err->message = NULL;

    ngx_memzero(&ctx, sizeof(ngx_http_apigw_vtl_ctx_t));
    ngx_memzero(&buf, sizeof(ngx_http_apigw_vtl_buf_t));

    /*
     * the render's many small values, and the parsed body's, from chunks
     * of a: 4 KB, or as much as the last render took (up to 64 KB), so
     * that a render usually takes one chunk, one allocation of the pool;
     * an allocator that is one of chunks already (the renders of one
     * request share theirs) is used as it is
     */

    if (a->alloc == ngx_http_apigw_jv_chunk_alloc) {
        ctx.a = a;

    } else {
        ngx_http_apigw_jv_chunks(&chunks, a,
                                 ngx_max(4096,
                                         ngx_min(tpl->mem_hint, 65536)),
                                 &ca);
        ctx.a = &ca;
    }

    ctx.env = env;
    ctx.err = err;
    ctx.tpl = tpl;
    ctx.out = &buf;
    ctx.max_output = env->max_output ? env->max_output
                                     : NGX_HTTP_APIGW_VTL_MAX_OUTPUT;
    ctx.max_iterations = env->max_iterations
                         ? env->max_iterations
                         : NGX_HTTP_APIGW_VTL_MAX_ITERATIONS;
    ctx.max_depth = env->max_depth ? env->max_depth
                                   : NGX_HTTP_APIGW_VTL_MAX_DEPTH;
    ctx.max_memory = env->max_memory ? env->max_memory
                                     : NGX_HTTP_APIGW_VTL_MAX_MEMORY;
    ctx.max_time = (uint64_t) (env->max_time ? env->max_time
                               : NGX_HTTP_APIGW_VTL_MAX_TIME) * 1000000;

    rc = NGX_ERROR;

    ctx.vars = ngx_http_apigw_vtl_alloc(&ctx, tpl->nslots
                                        * sizeof(ngx_http_apigw_vtl_value_t));
    if (ctx.vars == NULL) {
        goto done;
    }

    ngx_memzero(ctx.vars, tpl->nslots * sizeof(ngx_http_apigw_vtl_value_t));

    /*
     * $input, $util, and $context and $stageVariables when the template
     * names them (known from parsing): otherwise nothing can see them
     */

    v.type = NGX_HTTP_APIGW_VTL_V_INPUT;

    ctx.vars[NGX_HTTP_APIGW_VTL_SLOT_INPUT] = v;

    v.type = NGX_HTTP_APIGW_VTL_V_UTIL;
    ctx.vars[NGX_HTTP_APIGW_VTL_SLOT_UTIL] = v;

    if (tpl->uses & NGX_HTTP_APIGW_VTL_USES_CONTEXT) {
        if (ngx_http_apigw_vtl_context(&ctx, &v) != NGX_OK) {
            goto done;
        }

        ctx.vars[NGX_HTTP_APIGW_VTL_SLOT_CONTEXT] = v;
    }

    if (tpl->uses & NGX_HTTP_APIGW_VTL_USES_STAGE) {
        if (ngx_http_apigw_vtl_stage(&ctx, &v) != NGX_OK) {
            goto done;
        }

        ctx.vars[NGX_HTTP_APIGW_VTL_SLOT_STAGE] = v;
    }

    /* room for as much as the last output, which is usually alike */

    if (tpl->out_hint
        && ngx_http_apigw_vtl_buf_reserve(&ctx, &buf,
                                          ngx_min(tpl->out_hint,
                                                  ctx.max_output))
           != NGX_OK)
    {
        goto done;
    }

    rc = ngx_http_apigw_vtl_render_block(&ctx, tpl->root);

    if (rc == NGX_OK) {
        out->data = buf.data ? buf.data : (u_char *) "";
        out->len = buf.len;
        tpl->out_hint = buf.len + buf.len / 8;

        if (ctx.a == &ca) {
            tpl->mem_hint = chunks.taken;
        }
    }

done:

    if (rc != NGX_OK && err->message == NULL) {
        err->message = "out of memory";
    }

    return rc;
}
