
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * JSON values of the engines (VTL, JSONPath, $util), a pure engine (see
 * docs/dev/engines.md): allocated from the engine's allocator (a request
 * pool) and never freed one by one, so that a render parses, walks and
 * builds JSON without malloc(), reference counts or a tree to release.
 *
 * A value (ngx_http_apigw_jv_t) is held by value; arrays and objects
 * point to a container (ngx_http_apigw_jv_cont_t) that all copies of the
 * value share, as references to a mutable Java object do.  Objects keep
 * their members in insertion order (a LinkedHashMap); a member set again
 * keeps its place.  Strings are UTF-8 bytes with a length; they may hold
 * NUL bytes and point into (a copy of) the text they were parsed from.
 */


#ifndef _NGX_HTTP_APIGW_JV_H_INCLUDED_
#define _NGX_HTTP_APIGW_JV_H_INCLUDED_


#include <ngx_http_apigw_engine.h>


/* nesting that ngx_http_apigw_jv_parse() accepts: jansson's */
#define NGX_HTTP_APIGW_JV_MAX_DEPTH  2048

/* objects larger than this are looked up through a hash index */
#define NGX_HTTP_APIGW_JV_LINEAR     8

#if (defined __SANITIZE_ADDRESS__)
#define NGX_HTTP_APIGW_ASAN  1
#elif (defined __has_feature)
#if (__has_feature(address_sanitizer))
#define NGX_HTTP_APIGW_ASAN  1
#endif
#endif


typedef enum {
    NGX_HTTP_APIGW_JV_NULL = 0,
    NGX_HTTP_APIGW_JV_FALSE,
    NGX_HTTP_APIGW_JV_TRUE,
    NGX_HTTP_APIGW_JV_INTEGER,
    NGX_HTTP_APIGW_JV_REAL,
    NGX_HTTP_APIGW_JV_STRING,
    NGX_HTTP_APIGW_JV_ARRAY,
    NGX_HTTP_APIGW_JV_OBJECT
} ngx_http_apigw_jv_type_e;


typedef struct ngx_http_apigw_jv_s       ngx_http_apigw_jv_t;
typedef struct ngx_http_apigw_jv_cont_s  ngx_http_apigw_jv_cont_t;


/* a parsed text: has any of its containers changed since? */

typedef struct {
    ngx_uint_t                          changed;
} ngx_http_apigw_jv_doc_t;


struct ngx_http_apigw_jv_s {
    ngx_http_apigw_jv_type_e            type;

    union {
        int64_t                         i;
        double                          d;
        ngx_str_t                       s;
        ngx_http_apigw_jv_cont_t       *c;   /* array, object */
    } u;
};


typedef struct {
    ngx_str_t                           key;
    ngx_http_apigw_jv_t                 val;
} ngx_http_apigw_jv_member_t;


struct ngx_http_apigw_jv_cont_s {
    ngx_http_apigw_jv_type_e            type;    /* ARRAY or OBJECT */
    ngx_uint_t                          nelts;
    ngx_uint_t                          nalloc;

    union {
        ngx_http_apigw_jv_t            *elts;     /* an array's */
        ngx_http_apigw_jv_member_t     *members;  /* an object's */
    } u;

    /*
     * a large object's hash index: open addressing, a member's index + 1
     * or 0 for a free slot; nindex is a power of 2, 0 without an index
     */
    uint32_t                           *index;
    ngx_uint_t                          nindex;

    /*
     * a parsed container whose text is already what the module writes
     * for it (compact, members once, strings and numbers as written):
     * the text to copy, while nothing of the document has changed
     */
    ngx_http_apigw_jv_doc_t            *doc;
    u_char                             *text;
    size_t                              text_len;
};


/* an allocator of pieces of larger chunks: ngx_http_apigw_jv_chunks() */

typedef struct {
    ngx_http_apigw_alloc_t             *a;
    u_char                             *pos;
    u_char                             *last;
    size_t                              size;    /* of a chunk */
    size_t                              taken;   /* chunks, in bytes */
} ngx_http_apigw_jv_chunks_t;


/* a growing output buffer: grow() makes room for n more bytes at pos */

typedef struct ngx_http_apigw_jv_out_s  ngx_http_apigw_jv_out_t;

struct ngx_http_apigw_jv_out_s {
    u_char                             *pos;
    u_char                             *last;
    ngx_int_t                         (*grow)(ngx_http_apigw_jv_out_t *out,
                                              size_t n);
    void                               *data;
};


#define ngx_http_apigw_jv_is_cont(v)                                         \
    ((v)->type >= NGX_HTTP_APIGW_JV_ARRAY)

#define ngx_http_apigw_jv_set_null(v)                                        \
    (v)->type = NGX_HTTP_APIGW_JV_NULL

#define ngx_http_apigw_jv_set_bool(v, b)                                     \
    (v)->type = (b) ? NGX_HTTP_APIGW_JV_TRUE : NGX_HTTP_APIGW_JV_FALSE

#define ngx_http_apigw_jv_set_int(v, n)                                      \
    (v)->type = NGX_HTTP_APIGW_JV_INTEGER; (v)->u.i = (n)

#define ngx_http_apigw_jv_set_str(v, p, n)                                   \
    (v)->type = NGX_HTTP_APIGW_JV_STRING; (v)->u.s.data = (u_char *) (p);    \
    (v)->u.s.len = (n)


/* "\u0000" allowed in strings (as jansson's JSON_ALLOW_NUL) */
#define NGX_HTTP_APIGW_JV_ALLOW_NUL  1

/*
 * parses JSON text as jansson's json_loadb() with JSON_DECODE_ANY (and
 * JSON_ALLOW_NUL with NGX_HTTP_APIGW_JV_ALLOW_NUL) would, accepting and
 * rejecting the same texts (any value; integers that fit int64_t, reals
 * that do not overflow; "\u0000" in strings only if allowed, never in
 * keys; well-formed UTF-8; nesting up to NGX_HTTP_APIGW_JV_MAX_DEPTH)
 * and giving the same values (a repeated key keeps its first place and
 * its last value).  The parse reads a copy of data taken from a (the
 * text and 16 bytes), into which strings without escapes point: data
 * need not outlive the value.  NGX_OK, NGX_DECLINED when the text is not
 * JSON, NGX_ERROR when out of memory.
 */
ngx_int_t ngx_http_apigw_jv_parse(ngx_http_apigw_alloc_t *a, u_char *data,
    size_t len, ngx_uint_t flags, ngx_http_apigw_jv_t *out);

/*
 * sets chunked to an allocator that takes small pieces (8-byte aligned)
 * from chunks of size bytes (at least 1 KB) of a, and larger ones from a
 * itself: for the many small allocations of a parse or a render
 */
void ngx_http_apigw_jv_chunks(ngx_http_apigw_jv_chunks_t *ch,
    ngx_http_apigw_alloc_t *a, size_t size, ngx_http_apigw_alloc_t *chunked);

/* for the parser: the chunks' allocation function */
void *ngx_http_apigw_jv_chunk_alloc(void *data, size_t size);

/*
 * a code point (up to 0x10ffff, not a surrogate) written as UTF-8 at d,
 * 1 to 4 bytes; returns the end: for the parser, JSONPath and $util
 */
u_char *ngx_http_apigw_jv_utf8_put(u_char *d, uint32_t cp);

/* the 4 hex digits of a "\\u" escape at p: NGX_OK and *cp, or NGX_DECLINED */
ngx_int_t ngx_http_apigw_jv_hex4(u_char *p, uint32_t *cp);

/*
 * for the parser: a new hash index of an object for n members (of which
 * c->nelts are indexed), and a member added to it
 */
ngx_int_t ngx_http_apigw_jv_index(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c, ngx_uint_t n);
void ngx_http_apigw_jv_index_add(ngx_http_apigw_jv_cont_t *c, ngx_uint_t i);

/* a new empty array or object with room for n elements; NULL: no memory */
ngx_http_apigw_jv_cont_t *ngx_http_apigw_jv_cont_new(
    ngx_http_apigw_alloc_t *a, ngx_http_apigw_jv_type_e type, ngx_uint_t n);

/* sets v to a new empty array or object; NGX_ERROR: no memory */
ngx_int_t ngx_http_apigw_jv_new(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_type_e type, ngx_http_apigw_jv_t *v);

/* arrays; indexes are checked by the caller */
ngx_int_t ngx_http_apigw_jv_array_insert(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c, ngx_uint_t idx, ngx_http_apigw_jv_t *v);
#define ngx_http_apigw_jv_array_append(a, c, v)                              \
    ngx_http_apigw_jv_array_insert(a, c, (c)->nelts, v)
void ngx_http_apigw_jv_array_remove(ngx_http_apigw_jv_cont_t *c,
    ngx_uint_t idx);
void ngx_http_apigw_jv_array_set(ngx_http_apigw_jv_cont_t *c, ngx_uint_t idx,
    ngx_http_apigw_jv_t *v);

/* the value of a member, NULL if none: points into the object */
ngx_http_apigw_jv_t *ngx_http_apigw_jv_object_get(ngx_http_apigw_jv_cont_t *c,
    u_char *key, size_t len);

/* the index of a member in c->u.members, -1 if none */
ngx_int_t ngx_http_apigw_jv_object_index(ngx_http_apigw_jv_cont_t *c,
    u_char *key, size_t len);

/*
 * sets a member, in its place if it exists, else last; the key is copied
 * unless copy is 0 (then it must outlive the object)
 */
ngx_int_t ngx_http_apigw_jv_object_set(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c, u_char *key, size_t len,
    ngx_http_apigw_jv_t *v, ngx_uint_t copy);

/* removes a member; NGX_DECLINED if there was none */
ngx_int_t ngx_http_apigw_jv_object_del(ngx_http_apigw_jv_cont_t *c,
    u_char *key, size_t len);

void ngx_http_apigw_jv_clear(ngx_http_apigw_jv_cont_t *c);

/* the text a container was parsed from, if it is its JSON text; or NULL */
#define ngx_http_apigw_jv_text(c)                                            \
    (((c)->text && !(c)->doc->changed) ? (c)->text : NULL)

/*
 * the end of the bytes from p that a JSON string holds unescaped: ASCII
 * from 0x20, but '"' and '\\'
 */
u_char *ngx_http_apigw_jv_plain_end(u_char *p, u_char *last);

/*
 * a deep copy (arrays and objects copied, strings shared);
 * NGX_DECLINED past depth levels of nesting, NGX_ERROR: no memory
 */
ngx_int_t ngx_http_apigw_jv_copy(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *src, ngx_http_apigw_jv_t *dst, ngx_uint_t depth);

#endif /* _NGX_HTTP_APIGW_JV_H_INCLUDED_ */
