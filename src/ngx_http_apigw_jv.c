/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * JSON values: containers, their lookups and changes, deep copies, and
 * the chunk allocator; the parser is ngx_http_apigw_jv_parse.c.
 */


#include <ngx_http_apigw_jv.h>

#include <time.h>
#include <unistd.h>


/* a change to a parsed container: no container of its text is as written */
#define ngx_http_apigw_jv_changed(c)                                         \
    if ((c)->doc) {                                                          \
        (c)->doc->changed = 1;                                               \
    }


static uint64_t ngx_http_apigw_jv_hash(u_char *p, size_t len);
static uint64_t ngx_http_apigw_jv_make_seed(void);
static ngx_int_t ngx_http_apigw_jv_grow(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c);
static ngx_int_t ngx_http_apigw_jv_find(ngx_http_apigw_jv_cont_t *c,
    u_char *key, size_t len);


static uint64_t  ngx_http_apigw_jv_seed;


void
ngx_http_apigw_jv_chunks(ngx_http_apigw_jv_chunks_t *ch,
    ngx_http_apigw_alloc_t *a, size_t size, ngx_http_apigw_alloc_t *chunked)
{
    ch->a = a;
    ch->pos = NULL;
    ch->last = NULL;
    ch->size = ngx_max(size, 1024);
    ch->taken = 0;

    chunked->alloc = ngx_http_apigw_jv_chunk_alloc;
    chunked->data = ch;
}


void *
ngx_http_apigw_jv_chunk_alloc(void *data, size_t size)
{
    ngx_http_apigw_jv_chunks_t *ch = data;

    u_char  *p;

#if (NGX_HTTP_APIGW_ASAN)
    /* every piece alone, so that the sanitizer checks its bounds */
    return ngx_http_apigw_alloc(ch->a, size);
#endif

    size = (size + 7) & ~(size_t) 7;

    if (size <= (size_t) (ch->last - ch->pos)) {
        p = ch->pos;
        ch->pos += size;
        return p;
    }

    /* a large piece alone, not to waste the rest of a chunk */

    if (size > ch->size / 4) {
        return ngx_http_apigw_alloc(ch->a, size);
    }

    p = ngx_http_apigw_alloc(ch->a, ch->size);
    if (p == NULL) {
        return NULL;
    }

    ch->taken += ch->size;
    ch->pos = p + size;
    ch->last = p + ch->size;

    return p;
}


u_char *
ngx_http_apigw_jv_utf8_put(u_char *d, uint32_t cp)
{
    if (cp < 0x80) {
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

    return d;
}


ngx_int_t
ngx_http_apigw_jv_hex4(u_char *p, uint32_t *cp)
{
    u_char      c;
    uint32_t    v;
    ngx_uint_t  i;

    v = 0;

    for (i = 0; i < 4; i++) {
        c = p[i];

        if (c >= '0' && c <= '9') {
            v = (v << 4) | (c - '0');

        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            v = (v << 4) | ((c | 0x20) - 'a' + 10);

        } else {
            return NGX_DECLINED;
        }
    }

    *cp = v;

    return NGX_OK;
}


/*
 * keys are hashed with a per-process seed, so that a client cannot
 * choose keys that all collide in a worker's index
 */

static uint64_t
ngx_http_apigw_jv_hash(u_char *p, size_t len)
{
    uint64_t  h, w;

    if (ngx_http_apigw_jv_seed == 0) {
        ngx_http_apigw_jv_seed = ngx_http_apigw_jv_make_seed();
    }

    h = ngx_http_apigw_jv_seed ^ (len * 0x9e3779b97f4a7c15ULL);

    for ( /* void */ ; len >= 8; len -= 8, p += 8) {
        ngx_memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }

    w = 0;

    while (len) {
        w = (w << 8) | p[--len];
    }

    h = (h ^ w) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;

    return h;
}


static uint64_t
ngx_http_apigw_jv_make_seed(void)
{
    uint64_t         s;
    struct timespec  ts;

    /* the addresses vary with ASLR, the clock from run to run */

    (void) clock_gettime(CLOCK_REALTIME, &ts);

    s = (uint64_t) (uintptr_t) &ngx_http_apigw_jv_seed
        ^ ((uint64_t) (uintptr_t) &s << 17)
        ^ ((uint64_t) ts.tv_nsec << 32) ^ (uint64_t) ts.tv_sec
        ^ ((uint64_t) getpid() << 48);

    return s | 1;
}


/* a new index of room for n members, empty (c->nelts is 0 or rehashed) */

ngx_int_t
ngx_http_apigw_jv_index(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c, ngx_uint_t n)
{
    ngx_uint_t  size, i;

    for (size = 16; size < 2 * n; size *= 2) { /* void */ }

    c->index = ngx_http_apigw_alloc(a, size * sizeof(uint32_t));
    if (c->index == NULL) {
        return NGX_ERROR;
    }

    c->nindex = size;

    ngx_memzero(c->index, size * sizeof(uint32_t));

    for (i = 0; i < c->nelts; i++) {
        ngx_http_apigw_jv_index_add(c, i);
    }

    return NGX_OK;
}


void
ngx_http_apigw_jv_index_add(ngx_http_apigw_jv_cont_t *c, ngx_uint_t i)
{
    uint64_t                     h;
    ngx_uint_t                   mask;
    ngx_http_apigw_jv_member_t  *m;

    m = &c->u.members[i];
    mask = c->nindex - 1;

    for (h = ngx_http_apigw_jv_hash(m->key.data, m->key.len) & mask;
         c->index[h];
         h = (h + 1) & mask)
    { /* void */ }

    c->index[h] = (uint32_t) i + 1;
}


/* containers */

ngx_http_apigw_jv_cont_t *
ngx_http_apigw_jv_cont_new(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_type_e type, ngx_uint_t n)
{
    size_t                     size;
    ngx_http_apigw_jv_cont_t  *c;

    size = (type == NGX_HTTP_APIGW_JV_ARRAY)
           ? sizeof(ngx_http_apigw_jv_t) : sizeof(ngx_http_apigw_jv_member_t);

    /* the container and its first elements in one piece */

    c = ngx_http_apigw_alloc(a, sizeof(ngx_http_apigw_jv_cont_t) + n * size);
    if (c == NULL) {
        return NULL;
    }

    c->type = type;
    c->nelts = 0;
    c->nalloc = n;
    c->u.elts = n ? (ngx_http_apigw_jv_t *) (c + 1) : NULL;
    c->index = NULL;
    c->nindex = 0;
    c->doc = NULL;
    c->text = NULL;
    c->text_len = 0;

    return c;
}


ngx_int_t
ngx_http_apigw_jv_new(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_type_e type, ngx_http_apigw_jv_t *v)
{
    v->u.c = ngx_http_apigw_jv_cont_new(a, type, 0);
    if (v->u.c == NULL) {
        return NGX_ERROR;
    }

    v->type = type;

    return NGX_OK;
}


/* room for one more element */

static ngx_int_t
ngx_http_apigw_jv_grow(ngx_http_apigw_alloc_t *a, ngx_http_apigw_jv_cont_t *c)
{
    void        *elts;
    size_t       size;
    ngx_uint_t   n;

    if (c->nelts < c->nalloc) {
        return NGX_OK;
    }

    size = (c->type == NGX_HTTP_APIGW_JV_ARRAY)
           ? sizeof(ngx_http_apigw_jv_t) : sizeof(ngx_http_apigw_jv_member_t);

    n = c->nalloc ? 2 * c->nalloc : 4;

    elts = ngx_http_apigw_alloc(a, n * size);
    if (elts == NULL) {
        return NGX_ERROR;
    }

    if (c->nelts) {
        ngx_memcpy(elts, c->u.elts, c->nelts * size);
    }

    c->u.elts = elts;
    c->nalloc = n;

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_jv_array_insert(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c, ngx_uint_t idx, ngx_http_apigw_jv_t *v)
{
    ngx_http_apigw_jv_changed(c);

    if (ngx_http_apigw_jv_grow(a, c) != NGX_OK) {
        return NGX_ERROR;
    }

    if (idx < c->nelts) {
        memmove(&c->u.elts[idx + 1], &c->u.elts[idx],
                (c->nelts - idx) * sizeof(ngx_http_apigw_jv_t));
    }

    c->u.elts[idx] = *v;
    c->nelts++;

    return NGX_OK;
}


void
ngx_http_apigw_jv_array_remove(ngx_http_apigw_jv_cont_t *c, ngx_uint_t idx)
{
    if (idx >= c->nelts) {
        return;
    }

    ngx_http_apigw_jv_changed(c);

    memmove(&c->u.elts[idx], &c->u.elts[idx + 1],
            (c->nelts - idx - 1) * sizeof(ngx_http_apigw_jv_t));
    c->nelts--;
}


static ngx_int_t
ngx_http_apigw_jv_find(ngx_http_apigw_jv_cont_t *c, u_char *key, size_t len)
{
    uint32_t                     e;
    uint64_t                     h;
    ngx_uint_t                   i, mask;
    ngx_http_apigw_jv_member_t  *m;

    m = c->u.members;

    if (c->nindex == 0) {
        for (i = 0; i < c->nelts; i++) {
            if (m[i].key.len == len
                && (len == 0
                    || (m[i].key.data[0] == key[0]
                        && memcmp(m[i].key.data, key, len) == 0)))
            {
                return (ngx_int_t) i;
            }
        }

        return -1;
    }

    mask = c->nindex - 1;

    for (h = ngx_http_apigw_jv_hash(key, len) & mask;
         (e = c->index[h]) != 0;
         h = (h + 1) & mask)
    {
        if (m[e - 1].key.len == len
            && (len == 0 || memcmp(m[e - 1].key.data, key, len) == 0))
        {
            return (ngx_int_t) e - 1;
        }
    }

    return -1;
}


ngx_int_t
ngx_http_apigw_jv_object_index(ngx_http_apigw_jv_cont_t *c, u_char *key,
    size_t len)
{
    return ngx_http_apigw_jv_find(c, key, len);
}


ngx_http_apigw_jv_t *
ngx_http_apigw_jv_object_get(ngx_http_apigw_jv_cont_t *c, u_char *key,
    size_t len)
{
    ngx_int_t  i;

    i = ngx_http_apigw_jv_find(c, key, len);

    return (i < 0) ? NULL : &c->u.members[i].val;
}


ngx_int_t
ngx_http_apigw_jv_object_set(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_cont_t *c, u_char *key, size_t len,
    ngx_http_apigw_jv_t *v, ngx_uint_t copy)
{
    u_char                      *k;
    ngx_int_t                    i;
    ngx_http_apigw_jv_member_t  *m;

    ngx_http_apigw_jv_changed(c);

    i = ngx_http_apigw_jv_find(c, key, len);

    if (i >= 0) {
        c->u.members[i].val = *v;
        return NGX_OK;
    }

    if (copy && len) {
        k = ngx_http_apigw_alloc(a, len);
        if (k == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(k, key, len);
        key = k;
    }

    if (ngx_http_apigw_jv_grow(a, c) != NGX_OK) {
        return NGX_ERROR;
    }

    m = &c->u.members[c->nelts++];
    m->key.data = key;
    m->key.len = len;
    m->val = *v;

    /* an index from the first large size, larger at half full */

    if (c->nindex == 0) {
        if (c->nelts > NGX_HTTP_APIGW_JV_LINEAR) {
            return ngx_http_apigw_jv_index(a, c, c->nelts);
        }

        return NGX_OK;
    }

    if (2 * c->nelts > c->nindex) {
        return ngx_http_apigw_jv_index(a, c, c->nelts);
    }

    ngx_http_apigw_jv_index_add(c, c->nelts - 1);

    return NGX_OK;
}


ngx_int_t
ngx_http_apigw_jv_object_del(ngx_http_apigw_jv_cont_t *c, u_char *key,
    size_t len)
{
    ngx_int_t   i;
    ngx_uint_t  k;

    i = ngx_http_apigw_jv_find(c, key, len);

    if (i < 0) {
        return NGX_DECLINED;
    }

    ngx_http_apigw_jv_changed(c);

    memmove(&c->u.members[i], &c->u.members[i + 1],
            (c->nelts - i - 1) * sizeof(ngx_http_apigw_jv_member_t));
    c->nelts--;

    if (c->nindex == 0) {
        return NGX_OK;
    }

    /* the members moved: the index again, in its own memory */

    ngx_memzero(c->index, c->nindex * sizeof(uint32_t));

    for (k = 0; k < c->nelts; k++) {
        ngx_http_apigw_jv_index_add(c, k);
    }

    return NGX_OK;
}


void
ngx_http_apigw_jv_array_set(ngx_http_apigw_jv_cont_t *c, ngx_uint_t idx,
    ngx_http_apigw_jv_t *v)
{
    ngx_http_apigw_jv_changed(c);

    c->u.elts[idx] = *v;
}


void
ngx_http_apigw_jv_clear(ngx_http_apigw_jv_cont_t *c)
{
    ngx_http_apigw_jv_changed(c);

    c->nelts = 0;

    if (c->nindex) {
        ngx_memzero(c->index, c->nindex * sizeof(uint32_t));
    }
}


ngx_int_t
ngx_http_apigw_jv_copy(ngx_http_apigw_alloc_t *a, ngx_http_apigw_jv_t *src,
    ngx_http_apigw_jv_t *dst, ngx_uint_t depth)
{
    ngx_int_t                  rc;
    ngx_uint_t                 i, n;
    ngx_http_apigw_jv_cont_t  *s, *c;

    if (!ngx_http_apigw_jv_is_cont(src)) {
        *dst = *src;
        return NGX_OK;
    }

    if (depth == 0) {
        return NGX_DECLINED;
    }

    s = src->u.c;
    n = s->nelts;

    c = ngx_http_apigw_jv_cont_new(a, s->type, n);
    if (c == NULL) {
        return NGX_ERROR;
    }

    c->nelts = n;

    if (s->type == NGX_HTTP_APIGW_JV_ARRAY) {
        for (i = 0; i < n; i++) {
            rc = ngx_http_apigw_jv_copy(a, &s->u.elts[i], &c->u.elts[i],
                                        depth - 1);
            if (rc != NGX_OK) {
                return rc;
            }
        }

    } else {
        for (i = 0; i < n; i++) {
            c->u.members[i].key = s->u.members[i].key;

            rc = ngx_http_apigw_jv_copy(a, &s->u.members[i].val,
                                        &c->u.members[i].val, depth - 1);
            if (rc != NGX_OK) {
                return rc;
            }
        }

        if (n > NGX_HTTP_APIGW_JV_LINEAR
            && ngx_http_apigw_jv_index(a, c, n) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    dst->type = src->type;
    dst->u.c = c;

    return NGX_OK;
}
