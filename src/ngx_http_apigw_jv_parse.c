/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The JSON parser: one pass over the text into the allocator.
 *
 * The parser reads (a padded copy of) the text once, in tight loops, the
 * bytes of strings 16 at a time (no per-byte callback, no copy of strings
 * without escapes), writing each value once on a stack of the elements
 * of the containers still open; a container, once closed, is copied
 * into memory of its exact size.  Its acceptance is
 * jansson's (json_loadb() with JSON_DECODE_ANY | JSON_ALLOW_NUL), which
 * the module used before and whose verdict decides whether a body is
 * JSON or a plain string for templates: t/unit/test_jv.c compares the
 * two on a few hundred texts.
 */


#include <ngx_http_apigw_jv.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#if (defined __SSE2__ && defined __GNUC__)
#include <emmintrin.h>
#define NGX_HTTP_APIGW_SSE2  1
#endif


/*
 * the parse reads a copy of the text followed by this many bytes 0xff, a
 * byte that nothing in JSON takes (not a digit, separator or whitespace,
 * and not UTF-8): where it is read past the text, it stops the scans and
 * fails the checks that follow, so that these need not look at the end
 */
#define NGX_HTTP_APIGW_JV_PAD  16


/*
 * an open container: its elements are on the parser's stack from start,
 * as the container will hold them (values of an array, members of an
 * object); its own value goes to the slot just below start
 */

typedef struct {
    ngx_http_apigw_jv_type_e            type;
    ngx_uint_t                          nc;      /* not written as its text */
    u_char                             *start;
    u_char                             *text;    /* its "[" or "{" */
    uint64_t                            keys;    /* an object's key bits */
    ngx_uint_t                          dup;     /* a key bit seen twice */
} ngx_http_apigw_jv_frame_t;


typedef struct {
    ngx_http_apigw_alloc_t             *a;       /* the parse's stacks */
    ngx_http_apigw_alloc_t              ca;      /* what it keeps */
    ngx_http_apigw_jv_chunks_t         *ch;      /* what ca takes from */
    ngx_http_apigw_jv_chunks_t          chunks;
    u_char                             *p;
    u_char                             *last;
    ngx_uint_t                          flags;

    u_char                             *stack;   /* the elements */
    u_char                             *stack_end;
    u_char                             *stack_lim;   /* room for one */

    ngx_http_apigw_jv_frame_t          *frames;  /* open containers */
    ngx_http_apigw_jv_frame_t          *frames_end;

    ngx_http_apigw_jv_doc_t            *doc;
    ngx_uint_t                          canon;   /* of the last string */
} ngx_http_apigw_jv_parser_t;


static u_char *ngx_http_apigw_jv_grow_stack(ngx_http_apigw_jv_parser_t *ps,
    u_char *top, ngx_http_apigw_jv_frame_t *f);
static ngx_http_apigw_jv_frame_t *ngx_http_apigw_jv_grow_frames(
    ngx_http_apigw_jv_parser_t *ps, ngx_http_apigw_jv_frame_t *f);
static ngx_int_t ngx_http_apigw_jv_string(ngx_http_apigw_jv_parser_t *ps,
    ngx_str_t *s, ngx_uint_t key, u_char *from);
static ngx_int_t ngx_http_apigw_jv_unescape(ngx_http_apigw_jv_parser_t *ps,
    ngx_str_t *s, ngx_uint_t key, u_char *start, u_char *p);
static ngx_inline u_char *ngx_http_apigw_jv_plain(u_char *p, u_char *last);
static ngx_inline u_char *ngx_http_apigw_jv_scan(u_char *p);
static ngx_inline uint16_t ngx_http_apigw_jv_load16(u_char *p);
#if (NGX_HTTP_APIGW_SSE2)
static ngx_inline unsigned ngx_http_apigw_jv_plain_mask(__m128i x);
static ngx_inline u_char *ngx_http_apigw_jv_escaped(u_char *p, u_char **dp,
    u_char *lim);
#endif
static size_t ngx_http_apigw_jv_utf8(u_char *p, u_char *last);
static ngx_int_t ngx_http_apigw_jv_number(ngx_http_apigw_jv_parser_t *ps,
    ngx_http_apigw_jv_t *v);
static ngx_int_t ngx_http_apigw_jv_real(ngx_http_apigw_jv_parser_t *ps,
    u_char *start, u_char *end, ngx_http_apigw_jv_t *v);
static ngx_int_t ngx_http_apigw_jv_dedup(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c);


/* bytes of a string that need no attention: ASCII but '"', '\\', < 0x20 */

static const u_char  ngx_http_apigw_jv_plain_bytes[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
    /* 0x80 and above: 0 */
};


#if (NGX_HTTP_APIGW_SSE2)

/*
 * what the short escapes but "\\/" and "\\u" stand for, 0 for the others:
 * for ngx_http_apigw_jv_escaped()
 */

static const u_char  ngx_http_apigw_jv_escapes[128] = {
    ['"'] = '"', ['\\'] = '\\', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n',
    ['r'] = '\r', ['t'] = '\t'
};

#endif


/* exact powers of ten of a double */

static const double  ngx_http_apigw_jv_pow10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};


#define ngx_http_apigw_jv_ws(c)                                              \
    ((c) <= ' ' && ((c) == ' ' || (c) == '\n' || (c) == '\r' || (c) == '\t'))

/*
 * whitespace; inside a container, which is then not written as it was
 * (the padding after the text ends it)
 */
#define ngx_http_apigw_jv_skip(p, f)                                         \
    if (ngx_http_apigw_jv_ws(*(p))) {                                        \
        do {                                                                 \
            (p)++;                                                           \
        } while (ngx_http_apigw_jv_ws(*(p)));                                \
                                                                             \
        (f)->nc = 1;                                                         \
    }

/* where the value being read goes: the last slot taken on the stack */
#define ngx_http_apigw_jv_slot(top)                                          \
    ((ngx_http_apigw_jv_t *) ((top) - sizeof(ngx_http_apigw_jv_t)))

/* a key's bit in a 64-bit set of the keys of an object */
#define ngx_http_apigw_jv_key_bit(k)                                         \
    ((uint64_t) 1 << (((k)->len * 7 + ((k)->len ? (k)->data[0] : 0)) & 63))

#define ngx_http_apigw_jv_alpha(c)                                           \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))

#define ngx_http_apigw_jv_digit(c)  ((u_char) ((c) - '0') <= 9)

/* the two bytes at p are a and b (p[1] is in the text or its padding) */
#if (defined __BYTE_ORDER__ && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define ngx_http_apigw_jv_two(p, a, b)                                       \
    (ngx_http_apigw_jv_load16(p) == ((b) << 8 | (a)))
#else
#define ngx_http_apigw_jv_two(p, a, b)  ((p)[0] == (a) && (p)[1] == (b))
#endif


/*
 * The parser reads a padded copy of the text (NGX_HTTP_APIGW_JV_PAD) and
 * keeps its state in three locals (few enough for registers): p, the
 * cursor, never past last; top, the top of the element stack, just above
 * the slot of the value being read (the result's slot is the stack's
 * first); f, the innermost open container (frames[0], of type NULL, at
 * the top level).  Each value is written once on the stack, and a closed
 * container's elements are copied once into its memory.  Where JSON
 * expects a byte, that byte is looked for first, whitespace only if it
 * is not there: compact texts (most bodies) go the short way.  Strings
 * and containers' texts point into the copy.
 */

ngx_int_t
ngx_http_apigw_jv_parse(ngx_http_apigw_alloc_t *a, u_char *data, size_t len,
    ngx_uint_t flags, ngx_http_apigw_jv_t *out)
{
    u_char                      *p, *q, *last, *top, *dot, *text, c;
#if (NGX_HTTP_APIGW_SSE2)
    u_char                      *to, *lim;
#endif
    size_t                       n, size;
    double                       d;
    uint64_t                     bit, u;
    ngx_int_t                    rc;
    ngx_uint_t                   neg, nd;
    ngx_str_t                    s;
    ngx_http_apigw_jv_t         *v;
    ngx_http_apigw_jv_cont_t    *cont;
    ngx_http_apigw_jv_frame_t   *f, frames[16];
    ngx_http_apigw_jv_member_t  *m, stack[32];
    ngx_http_apigw_jv_parser_t   ps;

    ps.a = a;
    ps.flags = flags;

    /*
     * what the parse keeps (containers, decoded strings) from chunks of 1
     * to 8 KB, about what the text's values take: a few allocations for
     * a large body, not one per container.  An allocator that takes from
     * chunks already (a render's) is shared: its chunk's room is used
     * before a new one is taken.
     */

    if (a->alloc == ngx_http_apigw_jv_chunk_alloc) {
        ps.ch = a->data;
        ps.ca = *a;

    } else {
        ngx_http_apigw_jv_chunks(&ps.chunks, a, ngx_min(len * 4, 8192),
                                 &ps.ca);
        ps.ch = &ps.chunks;
    }

    ps.doc = ngx_http_apigw_alloc(&ps.ca, sizeof(ngx_http_apigw_jv_doc_t));
    if (ps.doc == NULL) {
        return NGX_ERROR;
    }

    ps.doc->changed = 0;

    text = ngx_http_apigw_alloc(&ps.ca, len + NGX_HTTP_APIGW_JV_PAD);
    if (text == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(text, data, len);
    ngx_memset(text + len, 0xff, NGX_HTTP_APIGW_JV_PAD);

    ps.last = text + len;

    /* the first levels and elements on the C stack */

    ps.stack = (u_char *) stack;
    ps.stack_end = (u_char *) stack + sizeof(stack);
    ps.stack_lim = ps.stack_end - sizeof(ngx_http_apigw_jv_member_t);
    ps.frames = frames;
    ps.frames_end = frames + sizeof(frames) / sizeof(frames[0]);

    frames[0].type = NGX_HTTP_APIGW_JV_NULL;

    p = text;
    last = ps.last;
    top = ps.stack + sizeof(ngx_http_apigw_jv_t);
    f = frames;

value:

    /* at the end, the padding: no value starts with it */

    c = *p;

    if (c == '"') {
        goto string;
    }

    if (ngx_http_apigw_jv_ws(c)) {
        ngx_http_apigw_jv_skip(p, f);
        c = *p;
    }

    switch (c) {

    case '"':

    string:

        /* the usual string: bytes as they are, up to its quote */

        q = ngx_http_apigw_jv_scan(p + 1);
        v = ngx_http_apigw_jv_slot(top);

        if (*q == '"') {
            v->type = NGX_HTTP_APIGW_JV_STRING;
            v->u.s.data = p + 1;
            v->u.s.len = q - p - 1;
            p = q + 1;
            break;
        }

#if (NGX_HTTP_APIGW_SSE2)

        /*
         * the usual string with escapes, decoded here into the chunk's
         * free room (the bytes before the first escape copied first, 16
         * at once when they are fewer); under AddressSanitizer into a
         * piece of its own as long as the rest of the text, as in
         * ngx_http_apigw_jv_unescape()
         */

        if (*q == '\\') {
#if (NGX_HTTP_APIGW_ASAN)
            to = ngx_http_apigw_alloc(&ps.ca, last - p);
            if (to == NULL) {
                return NGX_ERROR;
            }

            lim = to + (last - p);
#else
            to = ps.ch->pos;
            lim = ps.ch->last;
#endif
            s.data = to;

            if (to != NULL && lim - to >= q - p + 16) {
                if (q - p <= 17) {
                    ngx_memcpy(to, p + 1, 16);
                    to += q - p - 1;

                } else {
                    to = ngx_cpymem(to, p + 1, q - p - 1);
                }

                q = ngx_http_apigw_jv_escaped(q, &to, lim);

                if (q) {
                    v->type = NGX_HTTP_APIGW_JV_STRING;
                    v->u.s.data = s.data;
                    v->u.s.len = to - s.data;
                    p = q;

#if !(NGX_HTTP_APIGW_ASAN)
                    /* the room taken, 8-byte aligned as the chunk's pieces */

                    n = (v->u.s.len + 7) & ~(size_t) 7;
                    ps.ch->pos = ((size_t) (lim - s.data) < n)
                                 ? lim : s.data + n;
#endif
                    break;
                }

                q = ngx_http_apigw_jv_scan(p + 1);
            }
        }

#endif

        ps.p = p;

        rc = ngx_http_apigw_jv_string(&ps, &v->u.s, 0, q);
        if (rc != NGX_OK) {
            return rc;
        }

        p = ps.p;
        v->type = NGX_HTTP_APIGW_JV_STRING;

        if (!ps.canon) {
            f->nc = 1;
        }

        break;

    case '{':
    case '[':

        if (f + 1 == ps.frames_end) {
            f = ngx_http_apigw_jv_grow_frames(&ps, f);
            if (f == NULL) {
                return NGX_ERROR;
            }
        }

        f++;
        f->type = (*p == '{') ? NGX_HTTP_APIGW_JV_OBJECT
                              : NGX_HTTP_APIGW_JV_ARRAY;
        f->nc = 0;
        f->start = top;
        f->text = p;
        f->keys = 0;
        f->dup = 0;

        p++;

        ngx_http_apigw_jv_skip(p, f);

        /* "}" and "]" follow "{" and "[" by 2 */

        if (*p == f->text[0] + 2) {
            p++;
            goto close;
        }

        /*
         * a value this deep is refused (as jansson does), and a container
         * that is not empty has one; the other levels are not checked
         */

        if (f - ps.frames >= NGX_HTTP_APIGW_JV_MAX_DEPTH) {
            return NGX_DECLINED;
        }

        if (f->type == NGX_HTTP_APIGW_JV_OBJECT) {
            goto key;
        }

        goto element;

    case 't':
    case 'f':
    case 'n':
        n = (c == 'f') ? 5 : 4;

        if ((size_t) (last - p) < n
            || memcmp(p, (c == 't') ? "true" : (c == 'f') ? "false" : "null",
                      n)
               != 0
            || ((size_t) (last - p) > n && ngx_http_apigw_jv_alpha(p[n])))
        {
            return NGX_DECLINED;
        }

        p += n;
        v = ngx_http_apigw_jv_slot(top);
        v->type = (c == 't') ? NGX_HTTP_APIGW_JV_TRUE
                  : (c == 'f') ? NGX_HTTP_APIGW_JV_FALSE
                  : NGX_HTTP_APIGW_JV_NULL;
        goto nul;

    default:

        /*
         * the usual numbers, read here in one pass: an integer of at most
         * 18 digits (it fits int64_t) not starting with 0, or such digits,
         * a point and digits, 15 at most in all and no exponent: one
         * exact division makes the double, as in ngx_http_apigw_jv_real(),
         * which says the same of them.  The others are read by
         * ngx_http_apigw_jv_number().
         */

        v = ngx_http_apigw_jv_slot(top);
        neg = (c == '-');
        q = p + neg;

        if (*q < '1' || *q > '9') {
            goto number;
        }

        u = *q++ - '0';

        for (nd = 1; ngx_http_apigw_jv_digit(*q); nd++) {
            if (nd == 18) {
                goto number;
            }

            u = u * 10 + (*q++ - '0');
        }

        if (*q != '.' && (*q | 0x20) != 'e') {
            /* written again as it is */
            v->type = NGX_HTTP_APIGW_JV_INTEGER;
            v->u.i = neg ? -(int64_t) u : (int64_t) u;
            p = q;
            goto nul;
        }

        if (*q != '.' || nd > 15) {
            goto number;
        }

        dot = q++;

        for ( /* void */ ; ngx_http_apigw_jv_digit(*q); nd++) {
            if (nd == 15) {
                goto number;
            }

            u = u * 10 + (*q++ - '0');
        }

        if (q == dot + 1 || (*q | 0x20) == 'e') {
            goto number;
        }

        d = (double) u / ngx_http_apigw_jv_pow10[q - dot - 1];

        v->type = NGX_HTTP_APIGW_JV_REAL;
        v->u.d = neg ? -d : d;

        /*
         * written again as it is when it has no trailing zero but in
         * "x.0" and is below 1e7: at most 7 digits before the point, the
         * first not 0 (then it is at least 1e-3 too)
         */

        if (dot - p - neg > 7 || (q[-1] == '0' && q[-2] != '.')) {
            f->nc = 1;
        }

        p = q;
        goto nul;

    number:

        ps.p = p;

        rc = ngx_http_apigw_jv_number(&ps, v);
        if (rc != NGX_OK) {
            return rc;
        }

        p = ps.p;

        if (!ps.canon) {
            f->nc = 1;
        }

    nul:

        /*
         * jansson's lexer reads one byte past a number or a literal and
         * puts it back; a NUL byte put back is lost, so that "[1\0]" is [1]
         */

        if (*p == '\0') {
            p++;
            f->nc = 1;
        }

        break;
    }

done:

    /* the value at v is complete: what follows it? */

    if (f->type == NGX_HTTP_APIGW_JV_OBJECT) {

        /* the usual next member: ',' and the key's quote, looked at once */

        if (ngx_http_apigw_jv_two(p, ',', '"')) {
            p++;
            goto quoted;
        }

        if (*p == ',') {
            p++;
            goto key;
        }

    } else if (f->type == NGX_HTTP_APIGW_JV_ARRAY) {
        if (*p == ',') {
            p++;
            goto element;
        }

    } else {
        ngx_http_apigw_jv_skip(p, f);

        if (p != last) {
            return NGX_DECLINED;
        }

        *out = *(ngx_http_apigw_jv_t *) ps.stack;
        return NGX_OK;
    }

    ngx_http_apigw_jv_skip(p, f);

    if (p == last) {
        return NGX_DECLINED;
    }

    if (*p == ',') {
        p++;

        if (f->type == NGX_HTTP_APIGW_JV_ARRAY) {
            goto element;
        }

        goto key;
    }

    if (*p != (f->type == NGX_HTTP_APIGW_JV_ARRAY ? ']' : '}')) {
        return NGX_DECLINED;
    }

    p++;

close:

    /*
     * the innermost container is complete: it and its elements in one
     * piece taken from the chunk (elements are 8-byte multiples, so the
     * piece keeps the chunk's alignment)
     */

    n = top - f->start;
    size = sizeof(ngx_http_apigw_jv_cont_t) + n;

    if (size <= (size_t) (ps.ch->last - ps.ch->pos)) {
        cont = (ngx_http_apigw_jv_cont_t *) ps.ch->pos;
        ps.ch->pos += size;

    } else {
        cont = ngx_http_apigw_alloc(&ps.ca, size);
        if (cont == NULL) {
            return NGX_ERROR;
        }
    }

    cont->type = f->type;
    cont->index = NULL;
    cont->nindex = 0;
    cont->doc = ps.doc;

    if (n == 0) {
        cont->nelts = 0;
        cont->nalloc = 0;
        cont->u.elts = NULL;

    } else if (f->type == NGX_HTTP_APIGW_JV_ARRAY) {
        cont->nelts = n / sizeof(ngx_http_apigw_jv_t);
        cont->nalloc = cont->nelts;
        cont->u.elts = (ngx_http_apigw_jv_t *) (cont + 1);
        ngx_memcpy(cont->u.elts, f->start, n);

    } else {
        cont->nelts = n / sizeof(ngx_http_apigw_jv_member_t);
        cont->nalloc = cont->nelts;
        cont->u.members = (ngx_http_apigw_jv_member_t *) (cont + 1);
        ngx_memcpy(cont->u.members, f->start, n);

        if (cont->nelts > NGX_HTTP_APIGW_JV_LINEAR || f->dup) {
            n = cont->nelts;

            if (ngx_http_apigw_jv_dedup(&ps.ca, cont) != NGX_OK) {
                return NGX_ERROR;
            }

            if (cont->nelts != n) {
                /* a repeated key is written once */
                f->nc = 1;
            }
        }
    }

    if (f->nc) {
        cont->text = NULL;
        cont->text_len = 0;

        /* neither is its container */
        f[-1].nc = 1;

    } else {
        cont->text = f->text;
        cont->text_len = p - f->text;
    }

    top = f->start;

    v = ngx_http_apigw_jv_slot(top);
    v->type = f->type;
    v->u.c = cont;

    f--;

    goto done;

element:

    /* an array's next value: its slot on the stack */

    if (top > ps.stack_lim) {
        top = ngx_http_apigw_jv_grow_stack(&ps, top, f);
        if (top == NULL) {
            return NGX_ERROR;
        }
    }

    top += sizeof(ngx_http_apigw_jv_t);

    goto value;

key:

    if (*p != '"') {
        ngx_http_apigw_jv_skip(p, f);

        if (*p != '"') {
            return NGX_DECLINED;
        }
    }

quoted:

    if (top > ps.stack_lim) {
        top = ngx_http_apigw_jv_grow_stack(&ps, top, f);
        if (top == NULL) {
            return NGX_ERROR;
        }
    }

    m = (ngx_http_apigw_jv_member_t *) top;

    /*
     * a bit per length + first byte of the keys: a small object whose
     * keys all have bits of their own has no key twice, and its close
     * compares none (an empty key's "first byte" is its closing quote)
     */

    q = ngx_http_apigw_jv_scan(p + 1);

    if (*q == '"') {
        m->key.data = p + 1;
        m->key.len = q - p - 1;
        bit = (uint64_t) 1 << ((m->key.len + p[1]) & 63);
        p = q + 1;

    } else {
        ps.p = p;

        rc = ngx_http_apigw_jv_string(&ps, &s, 1, q);
        if (rc != NGX_OK) {
            return rc;
        }

        p = ps.p;
        m->key = s;

        if (!ps.canon) {
            f->nc = 1;
        }

        /* escapes: never empty */
        bit = (uint64_t) 1 << ((s.len + s.data[0]) & 63);
    }

    if (f->keys & bit) {
        f->dup = 1;
    }

    f->keys |= bit;

    /* the value is written into the member when it is read */

    top += sizeof(ngx_http_apigw_jv_member_t);

    /* the usual string value: ':' and its quote, looked at once */

    if (ngx_http_apigw_jv_two(p, ':', '"')) {
        p++;
        goto string;
    }

    if (*p != ':') {
        ngx_http_apigw_jv_skip(p, f);

        if (*p != ':') {
            return NGX_DECLINED;
        }
    }

    p++;

    goto value;
}


/*
 * more room on the element stack (checked for a member, the larger
 * element, before either is taken): the elements moved, the open
 * containers' pointers into it with them; the new top
 */

static u_char *
ngx_http_apigw_jv_grow_stack(ngx_http_apigw_jv_parser_t *ps, u_char *top,
    ngx_http_apigw_jv_frame_t *f)
{
    u_char   *stack, *old;
    size_t    size;

    old = ps->stack;
    size = 2 * (ps->stack_end - old);

    stack = ngx_http_apigw_alloc(ps->a, size);
    if (stack == NULL) {
        return NULL;
    }

    ngx_memcpy(stack, old, top - old);

    for ( /* void */ ; f > ps->frames; f--) {
        f->start = stack + (f->start - old);
    }

    ps->stack = stack;
    ps->stack_end = stack + size;
    ps->stack_lim = ps->stack_end - sizeof(ngx_http_apigw_jv_member_t);

    return stack + (top - old);
}


/* more room for open containers; the innermost one in the new room */

static ngx_http_apigw_jv_frame_t *
ngx_http_apigw_jv_grow_frames(ngx_http_apigw_jv_parser_t *ps,
    ngx_http_apigw_jv_frame_t *f)
{
    ngx_uint_t                  n;
    ngx_http_apigw_jv_frame_t  *frames;

    n = 2 * (ps->frames_end - ps->frames);

    frames = ngx_http_apigw_alloc(ps->a, n * sizeof(ngx_http_apigw_jv_frame_t));
    if (frames == NULL) {
        return NULL;
    }

    ngx_memcpy(frames, ps->frames,
               (f - ps->frames + 1) * sizeof(ngx_http_apigw_jv_frame_t));

    f = frames + (f - ps->frames);

    ps->frames = frames;
    ps->frames_end = frames + n;

    return f;
}


/*
 * a string at ps->p (its opening quote), of which the bytes up to q
 * need no attention (the caller has looked); keys may not hold NUL, as
 * in jansson, values only with NGX_HTTP_APIGW_JV_ALLOW_NUL
 */

static ngx_int_t
ngx_http_apigw_jv_string(ngx_http_apigw_jv_parser_t *ps, ngx_str_t *s,
    ngx_uint_t key, u_char *from)
{
    u_char     *p, *q, *last, *start, *d, *end;
    size_t      n;
    uint32_t    cp, lo;
    ngx_int_t   rc;

    start = ps->p + 1;
    last = ps->last;

    /* most strings: no escape, seen once and not copied */

    for (p = from; /* void */ ; p = ngx_http_apigw_jv_plain(p + n, last)) {

        if (p == last || *p < 0x20) {
            return NGX_DECLINED;
        }

        if (*p == '"') {
            s->data = start;
            s->len = p - start;
            ps->p = p + 1;
            ps->canon = 1;
            return NGX_OK;
        }

        if (*p == '\\') {
            break;
        }

        n = ngx_http_apigw_jv_utf8(p, last);
        if (n == 0) {
            return NGX_DECLINED;
        }
    }

    /*
     * escapes: the string is written again as it was unless it has "\/"
     * or "\u".  Usually decoded in the same pass, straight into the
     * free room of the current chunk; when the room ends first, checked
     * to its end, then decoded into a copy of its size.
     */

    rc = ngx_http_apigw_jv_unescape(ps, s, key, start, p);
    if (rc != NGX_AGAIN) {
        return rc;
    }

    ps->canon = 1;

    for ( /* void */ ; /* void */ ; p += n) {

        p = ngx_http_apigw_jv_plain(p, last);

        if (p == last || *p < 0x20) {
            return NGX_DECLINED;
        }

        if (*p == '"') {
            break;
        }

        if (*p == '\\') {
            if (last - p < 2) {
                return NGX_DECLINED;
            }

            switch (p[1]) {
            case '"': case '\\': case 'b': case 'f': case 'n': case 'r':
            case 't':
                n = 2;
                break;

            case '/':
                n = 2;
                ps->canon = 0;
                break;

            case 'u':
                if (last - p < 6 || ngx_http_apigw_jv_hex4(p + 2, &cp)
                                    != NGX_OK)
                {
                    return NGX_DECLINED;
                }

                n = 6;
                ps->canon = 0;
                break;

            default:
                return NGX_DECLINED;
            }

            continue;
        }

        n = ngx_http_apigw_jv_utf8(p, last);
        if (n == 0) {
            return NGX_DECLINED;
        }
    }

    end = p;
    ps->p = end + 1;

    /* the value is never longer than its escaped form */

    d = ngx_http_apigw_alloc(&ps->ca, end - start + 1);
    if (d == NULL) {
        return NGX_ERROR;
    }

    s->data = d;

    for (p = start; p < end; /* void */ ) {

        if (*p != '\\') {
            /* up to the next escape in one copy */

            q = memchr(p, '\\', end - p);
            if (q == NULL) {
                q = end;
            }

            d = ngx_cpymem(d, p, q - p);
            p = q;
            continue;
        }

        p++;

        switch (*p++) {
        case 'b':
            *d++ = '\b';
            continue;
        case 'f':
            *d++ = '\f';
            continue;
        case 'n':
            *d++ = '\n';
            continue;
        case 'r':
            *d++ = '\r';
            continue;
        case 't':
            *d++ = '\t';
            continue;
        case 'u':
            break;
        default:   /* " \ / */
            *d++ = p[-1];
            continue;
        }

        (void) ngx_http_apigw_jv_hex4(p, &cp);
        p += 4;

        if (cp >= 0xdc00 && cp <= 0xdfff) {
            return NGX_DECLINED;
        }

        if (cp >= 0xd800 && cp <= 0xdbff) {
            /* a surrogate pair, or an error */

            if (end - p < 6 || p[0] != '\\' || p[1] != 'u'
                || ngx_http_apigw_jv_hex4(p + 2, &lo) != NGX_OK
                || lo < 0xdc00 || lo > 0xdfff)
            {
                return NGX_DECLINED;
            }

            p += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }

        if (cp < 0x80) {
            if (cp == 0 && (key || !(ps->flags & NGX_HTTP_APIGW_JV_ALLOW_NUL)))
            {
                return NGX_DECLINED;
            }

            *d++ = (u_char) cp;

        } else if (cp < 0x800) {
            *d++ = (u_char) (0xc0 | (cp >> 6));
            *d++ = (u_char) (0x80 | (cp & 0x3f));

        } else if (cp < 0x10000) {
            *d++ = (u_char) (0xe0 | (cp >> 12));
            *d++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
            *d++ = (u_char) (0x80 | (cp & 0x3f));

        } else {
            *d++ = (u_char) (0xf0 | (cp >> 18));
            *d++ = (u_char) (0x80 | ((cp >> 12) & 0x3f));
            *d++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
            *d++ = (u_char) (0x80 | (cp & 0x3f));
        }
    }

    s->len = d - s->data;

    return NGX_OK;
}


/*
 * a string with escapes in one pass: start..p (its first backslash) is
 * checked already; the value is written into the free room of the
 * current chunk, which is taken once the string is complete.  Plain
 * bytes go 16 at a time: copied whole, then looked at (the bytes past
 * those that count are the chunk's free room, written again later).
 * NGX_AGAIN when the room ends before the string: the caller goes the
 * slow way.  Under AddressSanitizer the room is a piece of its own as
 * long as the rest of the text (the value is never longer), so that the
 * sanitizer checks this very loop.
 */

static ngx_int_t
ngx_http_apigw_jv_unescape(ngx_http_apigw_jv_parser_t *ps, ngx_str_t *s,
    ngx_uint_t key, u_char *start, u_char *p)
{
    u_char    *last, *d, *dst, *lim;
    size_t     n;
    uint32_t   cp, lo;
#if (NGX_HTTP_APIGW_SSE2)
    unsigned   bits;
    __m128i    x;
#endif

    last = ps->last;

#if (NGX_HTTP_APIGW_ASAN)
    dst = ngx_http_apigw_alloc(&ps->ca, last - start);
    if (dst == NULL) {
        return NGX_ERROR;
    }

    lim = dst + (last - start);
#else
    dst = ps->ch->pos;
    lim = ps->ch->last;

    if (dst == NULL || (size_t) (lim - dst) < (size_t) (p - start) + 16) {
        return NGX_AGAIN;
    }
#endif

    /* a short run, where 16 bytes can be read, in one copy of 16 */

    if (p - start <= 16 && last - start >= 16) {
        ngx_memcpy(dst, start, 16);
        d = dst + (p - start);

    } else {
        d = ngx_cpymem(dst, start, p - start);
    }

    ps->canon = 1;

    /* p is at a byte that needs attention */

    for ( ;; ) {

        if (*p == '\\') {
            if (last - p < 2) {
                return NGX_DECLINED;
            }

            if (d == lim) {
                return NGX_AGAIN;
            }

            switch (p[1]) {
            case '"':
            case '\\':
                *d++ = p[1];
                p += 2;
                goto plain;
            case '/':
                *d++ = '/';
                p += 2;
                ps->canon = 0;
                goto plain;
            case 'b':
                *d++ = '\b';
                p += 2;
                goto plain;
            case 'f':
                *d++ = '\f';
                p += 2;
                goto plain;
            case 'n':
                *d++ = '\n';
                p += 2;
                goto plain;
            case 'r':
                *d++ = '\r';
                p += 2;
                goto plain;
            case 't':
                *d++ = '\t';
                p += 2;
                goto plain;
            case 'u':
                break;
            default:
                return NGX_DECLINED;
            }

            if (last - p < 6 || ngx_http_apigw_jv_hex4(p + 2, &cp) != NGX_OK) {
                return NGX_DECLINED;
            }

            /* up to 4 bytes of UTF-8 */

            if (lim - d < 4) {
                return NGX_AGAIN;
            }

            p += 6;
            ps->canon = 0;

            if (cp >= 0xdc00 && cp <= 0xdfff) {
                return NGX_DECLINED;
            }

            if (cp >= 0xd800 && cp <= 0xdbff) {
                /* a surrogate pair, or an error */

                if (last - p < 6 || p[0] != '\\' || p[1] != 'u'
                    || ngx_http_apigw_jv_hex4(p + 2, &lo) != NGX_OK
                    || lo < 0xdc00 || lo > 0xdfff)
                {
                    return NGX_DECLINED;
                }

                p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }

            if (cp == 0
                && (key || !(ps->flags & NGX_HTTP_APIGW_JV_ALLOW_NUL)))
            {
                return NGX_DECLINED;
            }

            d = ngx_http_apigw_jv_utf8_put(d, cp);
            goto plain;
        }

        if (*p == '"') {
            break;
        }

        if (*p < 0x20) {
            return NGX_DECLINED;
        }

        /* UTF-8 */

        n = ngx_http_apigw_jv_utf8(p, last);
        if (n == 0) {
            return NGX_DECLINED;
        }

        if ((size_t) (lim - d) < n) {
            return NGX_AGAIN;
        }

        d = ngx_cpymem(d, p, n);
        p += n;

    plain:

        /* a run of plain bytes, up to the next that needs attention */

#if (NGX_HTTP_APIGW_SSE2)
        while (last - p >= 16 && lim - d >= 16) {
            x = _mm_loadu_si128((__m128i *) p);
            _mm_storeu_si128((__m128i *) d, x);

            bits = ngx_http_apigw_jv_plain_mask(x);

            if (bits) {
                n = __builtin_ctz(bits);
                p += n;
                d += n;
                goto next;
            }

            p += 16;
            d += 16;
        }
#endif

        while (p < last && ngx_http_apigw_jv_plain_bytes[*p]) {
            if (d == lim) {
                return NGX_AGAIN;
            }

            *d++ = *p++;
        }

        if (p == last) {
            return NGX_DECLINED;
        }

#if (NGX_HTTP_APIGW_SSE2)
    next:
#endif

        continue;
    }

    s->data = dst;
    s->len = d - dst;
    ps->p = p + 1;

#if !(NGX_HTTP_APIGW_ASAN)
    /* the chunk's room taken, 8-byte aligned as its pieces */

    n = (s->len + 7) & ~(size_t) 7;
    ps->ch->pos = ((size_t) (lim - dst) < n) ? lim : dst + n;
#endif

    return NGX_OK;
}


/*
 * the end of a run of bytes a JSON string holds as they are (ASCII from
 * 0x20 but '"' and '\\'), 16 or 8 at a time: in a word, the bytes >= 0x80,
 * < 0x20, '"' or '\\' are marked by their high bit (engine.h)
 */

static ngx_inline u_char *
ngx_http_apigw_jv_plain(u_char *p, u_char *last)
{
    uint64_t  w, m;

#if (NGX_HTTP_APIGW_SSE2)
    unsigned  bits;

    /* the first 16 apart: most strings end there */

    if (last - p >= 16) {
        bits = ngx_http_apigw_jv_plain_mask(_mm_loadu_si128((__m128i *) p));

        if (bits) {
            return p + (unsigned) __builtin_ctz(bits);
        }

        p += 16;

        while (last - p >= 16) {
            bits = ngx_http_apigw_jv_plain_mask(
                       _mm_loadu_si128((__m128i *) p));

            if (bits) {
                return p + (unsigned) __builtin_ctz(bits);
            }

            p += 16;
        }
    }
#endif

    while (last - p >= 8) {
        ngx_memcpy(&w, p, 8);

        m = (w & NGX_HTTP_APIGW_HIGHS8)
            | ngx_http_apigw_has_less(w, 0x20)
            | ngx_http_apigw_has_byte(w, '"')
            | ngx_http_apigw_has_byte(w, '\\');

        if (m) {
#if (defined __GNUC__ && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
            return p + (__builtin_ctzll(m) >> 3);
#else
            break;
#endif
        }

        p += 8;
    }

    while (p < last && ngx_http_apigw_jv_plain_bytes[*p]) {
        p++;
    }

    return p;
}


/* two bytes, wherever they are (no alignment) */

static ngx_inline uint16_t
ngx_http_apigw_jv_load16(u_char *p)
{
    uint16_t  w;

    ngx_memcpy(&w, p, 2);

    return w;
}


/*
 * the first byte from p that a JSON string does not hold as it is, in
 * the parse's padded text: its padding ends the scan, and 16 bytes from
 * any place up to the text's end can be read
 */

static ngx_inline u_char *
ngx_http_apigw_jv_scan(u_char *p)
{
#if (NGX_HTTP_APIGW_SSE2)
    uint64_t  bits;

    for ( ;; ) {
        bits = ngx_http_apigw_jv_plain_mask(_mm_loadu_si128((__m128i *) p));

        if (bits) {
            return p + __builtin_ctzll(bits);
        }

        p += 16;
    }
#else
    while (ngx_http_apigw_jv_plain_bytes[*p]) {
        p++;
    }

    return p;
#endif
}


#if (NGX_HTTP_APIGW_SSE2)

/*
 * the bytes of 16 that need attention, a bit each: '\\', and '"' and
 * those < 0x20 or >= 0x80 in one comparison: with bit 1 flipped, '"'
 * (0x22) is 0x20, the bytes < 0x20 stay there, and those >= 0x80 are
 * negative, all below 0x21 signed, which no other byte is.  The plain
 * bytes are found, and the others are their complement.
 */

static ngx_inline unsigned
ngx_http_apigw_jv_plain_mask(__m128i x)
{
    __m128i  plain, bslash;

    plain = _mm_cmpgt_epi8(_mm_xor_si128(x, _mm_set1_epi8(0x02)),
                           _mm_set1_epi8(0x20));
    bslash = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));

    return _mm_movemask_epi8(_mm_andnot_si128(bslash, plain)) ^ 0xffff;
}

#endif


#if (NGX_HTTP_APIGW_SSE2)

/*
 * the usual string with escapes: ASCII, and the short escapes that are
 * written again as they are (not "\\/" or "\\u"), decoded 16 bytes at a
 * time to *dp, before lim; from its first backslash at p (the bytes
 * before are at *dp already) in the parse's padded text, whose padding
 * ends it.  The end of its text, or NULL for the others
 * (ngx_http_apigw_jv_string() reads them).
 */

static ngx_inline u_char *
ngx_http_apigw_jv_escaped(u_char *p, u_char **dp, u_char *lim)
{
    u_char    *d, c;
    unsigned   bits;
    __m128i    x;

    d = *dp;

    for ( ;; ) {

        /* p is at a backslash */

        if (p[1] >= 0x80 || d == lim) {
            return NULL;
        }

        c = ngx_http_apigw_jv_escapes[p[1]];

        if (c == 0) {
            return NULL;
        }

        *d++ = c;
        p += 2;

        for ( ;; ) {
            if (lim - d < 16) {
                return NULL;
            }

            x = _mm_loadu_si128((__m128i *) p);
            _mm_storeu_si128((__m128i *) d, x);

            bits = ngx_http_apigw_jv_plain_mask(x);

            if (bits) {
                break;
            }

            p += 16;
            d += 16;
        }

        bits = __builtin_ctz(bits);
        p += bits;
        d += bits;

        if (*p == '"') {
            *dp = d;
            return p + 1;
        }

        if (*p != '\\') {
            return NULL;
        }
    }
}

#endif


u_char *
ngx_http_apigw_jv_plain_end(u_char *p, u_char *last)
{
    return ngx_http_apigw_jv_plain(p, last);
}


/* the length of the well-formed UTF-8 sequence at p, 0 if none */

static size_t
ngx_http_apigw_jv_utf8(u_char *p, u_char *last)
{
    size_t    n, i;
    uint32_t  cp;

    cp = *p;

    if (cp < 0xc2 || cp > 0xf4) {
        return 0;
    }

    if (cp < 0xe0) {
        n = 2;
        cp &= 0x1f;

    } else if (cp < 0xf0) {
        n = 3;
        cp &= 0x0f;

    } else {
        n = 4;
        cp &= 0x07;
    }

    if ((size_t) (last - p) < n) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }

        cp = (cp << 6) | (p[i] & 0x3f);
    }

    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff
        || (cp >= 0xd800 && cp <= 0xdfff))
    {
        return 0;
    }

    return n;
}


/*
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?: an integer when neither
 * fraction nor exponent, and it must fit int64_t; else a real
 */

static ngx_int_t
ngx_http_apigw_jv_number(ngx_http_apigw_jv_parser_t *ps,
    ngx_http_apigw_jv_t *v)
{
    u_char      *p, *last, *start, *digits;
    uint64_t     u;
    ngx_uint_t   neg;

    p = ps->p;
    last = ps->last;
    start = p;
    neg = 0;

    if (*p == '-') {
        neg = 1;

        if (++p == last) {
            return NGX_DECLINED;
        }
    }

    digits = p;

    if (*p == '0') {
        p++;

        if (p < last && *p >= '0' && *p <= '9') {
            return NGX_DECLINED;
        }

    } else if (*p >= '1' && *p <= '9') {
        while (p < last && *p >= '0' && *p <= '9') {
            p++;
        }

    } else {
        return NGX_DECLINED;
    }

    if (p < last && (*p == '.' || *p == 'e' || *p == 'E')) {

        if (*p == '.') {
            p++;

            if (p == last || *p < '0' || *p > '9') {
                return NGX_DECLINED;
            }

            while (p < last && *p >= '0' && *p <= '9') {
                p++;
            }
        }

        if (p < last && (*p == 'e' || *p == 'E')) {
            p++;

            if (p < last && (*p == '+' || *p == '-')) {
                p++;
            }

            if (p == last || *p < '0' || *p > '9') {
                return NGX_DECLINED;
            }

            while (p < last && *p >= '0' && *p <= '9') {
                p++;
            }
        }

        ps->p = p;

        return ngx_http_apigw_jv_real(ps, start, p, v);
    }

    /* 19 digits never overflow 64 bits; 20 are too many for int64_t */

    if (p - digits > 19) {
        return NGX_DECLINED;
    }

    u = 0;

    while (digits < p) {
        u = u * 10 + (*digits++ - '0');
    }

    if (u > (uint64_t) INT64_MAX + neg) {
        return NGX_DECLINED;
    }

    ps->p = p;

    /* written again as it is, but "-0" */

    ps->canon = !(neg && u == 0);

    v->type = NGX_HTTP_APIGW_JV_INTEGER;
    v->u.i = neg ? (int64_t) (0 - u) : (int64_t) u;

    return NGX_OK;
}


/*
 * a real, checked as JSON already: when its digits make an integer of at
 * most 2^53 and its power of ten is at most 22, one exact multiplication
 * or division gives the correctly rounded double; otherwise strtod(), as
 * jansson, which rejects an overflow to infinity
 */

static ngx_int_t
ngx_http_apigw_jv_real(ngx_http_apigw_jv_parser_t *ps, u_char *start,
    u_char *end, ngx_http_apigw_jv_t *v)
{
    u_char      *p, *s, buf[64];
    double       d;
    int64_t      e, ex;
    uint64_t     m;
    ngx_uint_t   neg, n, eneg;

    p = start;
    neg = 0;

    if (*p == '-') {
        neg = 1;
        p++;
    }

    m = 0;
    n = 0;      /* significant digits */
    e = 0;      /* the power of ten of the last digit */

    for ( /* void */ ; p < end && *p >= '0' && *p <= '9'; p++) {
        if (m || *p != '0') {
            m = m * 10 + (*p - '0');
            n++;
        }

        if (n > 19) {
            goto slow;
        }
    }

    if (p < end && *p == '.') {
        for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
            if (m || *p != '0') {
                m = m * 10 + (*p - '0');
                n++;
            }

            e--;

            if (n > 19) {
                goto slow;
            }
        }
    }

    /*
     * Double.toString() writes the number as it is written when it has
     * no exponent, from 1e-3 to 1e7 (or is 0), of at most 15 digits (no
     * shorter decimal is the same double), without trailing zeros but
     * one after the point: "0.5", "10.0", "1234.25"
     */

    ps->canon = (p < end || *(p - 1) == '.') ? 0
                : (n <= 15 && (p[-1] != '0' || p[-2] == '.'));

    if (p < end) {
        /* an exponent */
        p++;
        eneg = 0;

        if (*p == '+' || *p == '-') {
            eneg = (*p == '-');
            p++;
        }

        ex = 0;

        for ( /* void */ ; p < end; p++) {
            ex = ex * 10 + (*p - '0');

            if (ex > 100000) {
                if (m == 0) {
                    /* 0e99999999: zero, however large the exponent */
                    break;
                }

                goto slow;
            }
        }

        e += eneg ? -ex : ex;
    }

    if (m == 0) {
        d = 0.0;

        /* "0.0" and "-0.0" only */
        ps->canon = ps->canon && e == -1
                    && (size_t) (end - start) == 3 + neg;

    } else if (m <= ((uint64_t) 1 << 53) && e >= -22 && e <= 22) {
        d = (e >= 0) ? (double) m * ngx_http_apigw_jv_pow10[e]
                     : (double) m / ngx_http_apigw_jv_pow10[-e];

        ps->canon = ps->canon && d >= 1e-3 && d < 1e7;

    } else {
        goto slow;
    }

    v->type = NGX_HTTP_APIGW_JV_REAL;
    v->u.d = neg ? -d : d;

    return NGX_OK;

slow:

    ps->canon = 0;

    if ((size_t) (end - start) < sizeof(buf)) {
        s = buf;

    } else {
        s = ngx_http_apigw_alloc(ps->a, end - start + 1);
        if (s == NULL) {
            return NGX_ERROR;
        }
    }

    ngx_memcpy(s, start, end - start);
    s[end - start] = '\0';

    errno = 0;
    d = strtod((char *) s, NULL);

    if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE) {
        return NGX_DECLINED;
    }

    v->type = NGX_HTTP_APIGW_JV_REAL;
    v->u.d = d;

    return NGX_OK;
}


/*
 * a key seen again, as jansson's json_object_set() on a parsed object:
 * the first member takes the last value, the others go.  Small objects
 * compare each key with those before it, large ones go through their
 * hash index (needed for lookups anyway).
 */

static ngx_int_t
ngx_http_apigw_jv_dedup(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c)
{
    uint64_t                     seen, bit;
    ngx_int_t                    k;
    ngx_uint_t                   i, j, n;
    ngx_http_apigw_jv_member_t  *m;

    m = c->u.members;
    n = c->nelts;

    if (n > NGX_HTTP_APIGW_JV_LINEAR) {

        /* the members added one by one to an empty index */

        c->nelts = 0;

        if (ngx_http_apigw_jv_index(a, c, n) != NGX_OK) {
            return NGX_ERROR;
        }

        for (i = 0; i < n; i++) {
            k = ngx_http_apigw_jv_object_index(c, m[i].key.data,
                                               m[i].key.len);

            if (k >= 0) {
                m[k].val = m[i].val;
                continue;
            }

            m[c->nelts] = m[i];
            ngx_http_apigw_jv_index_add(c, c->nelts++);
        }

        return NGX_OK;
    }

    /*
     * a bit per (length, first byte) of the keys kept so far: a key whose
     * bit is not set is not among them, the usual case, with no comparison
     */

    seen = ngx_http_apigw_jv_key_bit(&m[0].key);

    for (i = 1, j = 1; i < n; i++) {
        bit = ngx_http_apigw_jv_key_bit(&m[i].key);

        if (seen & bit) {
            for (k = 0; k < (ngx_int_t) j; k++) {
                if (m[k].key.len == m[i].key.len
                    && (m[i].key.len == 0
                        || (m[k].key.data[0] == m[i].key.data[0]
                            && memcmp(m[k].key.data, m[i].key.data,
                                      m[i].key.len) == 0)))
                {
                    break;
                }
            }

            if (k < (ngx_int_t) j) {
                m[k].val = m[i].val;
                continue;
            }
        }

        seen |= bit;

        if (j != i) {
            m[j] = m[i];
        }

        j++;
    }

    c->nelts = n ? j : 0;

    return NGX_OK;
}
