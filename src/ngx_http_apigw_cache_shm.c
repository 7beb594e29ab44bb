
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The response cache's store, in a shared-memory zone per stage: entries
 * in a hash table of the cache key (chained, its buckets sized for the
 * zone), an LRU queue (newest first), expiry on lookup and at the LRU
 * end when storing, eviction of the least recently used entries when the
 * zone is full.  The mutex is held around each operation only; an entry
 * leaves the zone as a copy.  A response is stored in two steps: its
 * memory is reserved in the zone (outside the index, so that no lookup
 * sees it and no eviction takes it) and the response written there as it
 * passes, then the entry is committed to the index, or cancelled.  The
 * zone is the first backend behind this small interface (get, reserve,
 * commit, cancel, flush, stats).
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_cache.h"


struct ngx_http_apigw_cache_sh_s {
    ngx_http_apigw_cache_node_t   **buckets;
    ngx_uint_t                      mask;       /* buckets - 1 */
    ngx_queue_t                     queue;
    ngx_uint_t                      entries;
    size_t                          bytes;
    ngx_atomic_t                    hits;
    ngx_atomic_t                    misses;
    ngx_atomic_t                    evictions;

    /*
     * the slab chunk size an allocation of the data of an entry has
     * failed for, making a store evict, and no memory was freed since
     * but by taking over an evicted entry (cache_alloc_entry()): 0 when
     * unknown
     */
    size_t                          full;
};


/*
 * The index: a bucket per KB of zone, each a chain of small nodes apart
 * from the entries' data, so that a lookup or an insertion reads one
 * bucket and a node or two.  An rbtree was measured first: a walk of a
 * dozen levels, each a cache miss in a full zone, on the lookup and
 * again on the insertion of every miss.
 */

#define NGX_HTTP_APIGW_CACHE_BUCKET_BYTES  1024

struct ngx_http_apigw_cache_node_s {
    ngx_http_apigw_cache_node_t    *next;       /* in the bucket */
    ngx_http_apigw_cache_node_t   **prev;       /* what points to this one */
    ngx_queue_t                     queue;
    ngx_msec_t                      expires;
    u_char                         *data;       /* key, type, headers, body */
    size_t                          size;       /* node and data */
    uint32_t                        hash;
    uint32_t                        status;
    uint32_t                        key_len;
    uint32_t                        ctype_len;
    uint32_t                        headers_len;
    uint32_t                        body_len;
};


static void ngx_http_apigw_cache_unlink(ngx_http_apigw_cache_node_t *cn);
static ngx_http_apigw_cache_node_t *ngx_http_apigw_cache_find(
    ngx_http_apigw_cache_sh_t *sh, ngx_str_t *key, uint32_t hash);
static void ngx_http_apigw_cache_delete(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn);
static void ngx_http_apigw_cache_expire(ngx_http_apigw_cache_zone_t *zone,
    ngx_uint_t n);
static void ngx_http_apigw_cache_no_memory(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, ngx_http_apigw_cache_entry_t *e, ngx_log_t *log);
static u_char *ngx_http_apigw_cache_fill(ngx_http_apigw_cache_node_t *cn,
    ngx_str_t *key, uint32_t hash, ngx_http_apigw_cache_entry_t *e);
static void ngx_http_apigw_cache_insert(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn, ngx_msec_t ttl);
static ngx_http_apigw_cache_node_t *ngx_http_apigw_cache_alloc_entry(
    ngx_http_apigw_cache_zone_t *zone, size_t size);
static void *ngx_http_apigw_cache_alloc(ngx_http_apigw_cache_zone_t *zone,
    size_t size, size_t *evicted);
static size_t ngx_http_apigw_cache_chunk(ngx_http_apigw_cache_zone_t *zone,
    size_t size);
static ngx_inline ngx_uint_t ngx_http_apigw_cache_in_chunk(
    ngx_http_apigw_cache_zone_t *zone, size_t size, size_t chunk);


ngx_int_t
ngx_http_apigw_cache_shm_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_apigw_cache_zone_t  *ozone = data;

    size_t                        n;
    ngx_http_apigw_cache_zone_t  *zone;

    zone = shm_zone->data;

    if (ozone) {
        /* a reload: the entries stay */
        zone->sh = ozone->sh;
        zone->shpool = ozone->shpool;
        return NGX_OK;
    }

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        return NGX_OK;
    }

    zone->sh = ngx_slab_alloc(zone->shpool, sizeof(ngx_http_apigw_cache_sh_t));
    if (zone->sh == NULL) {
        return NGX_ERROR;
    }

    zone->shpool->data = zone->sh;

    ngx_memzero(zone->sh, sizeof(ngx_http_apigw_cache_sh_t));

    n = 16;

    while (n < shm_zone->shm.size / NGX_HTTP_APIGW_CACHE_BUCKET_BYTES) {
        n <<= 1;
    }

    n *= sizeof(ngx_http_apigw_cache_node_t *);

    zone->sh->buckets = ngx_slab_alloc(zone->shpool, n);
    if (zone->sh->buckets == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(zone->sh->buckets, n);
    zone->sh->mask = n / sizeof(ngx_http_apigw_cache_node_t *) - 1;

    ngx_queue_init(&zone->sh->queue);

    /* a full zone is normal for a cache: the LRU entries make room */

    return ngx_http_apigw_shm_log_ctx(shm_zone, zone->shpool, "cache");
}


/*
 * NGX_OK: a hit, copied into the pool (the entry may be evicted as soon
 * as the lock is released); NGX_DECLINED: a miss; NGX_DONE: an expired
 * entry, now removed.
 */

ngx_int_t
ngx_http_apigw_cache_shm_get(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, uint32_t hash, ngx_pool_t *pool,
    ngx_http_apigw_cache_entry_t *e)
{
    u_char                       *p;
    size_t                        size;
    ngx_http_apigw_cache_node_t  *cn;

    ngx_shmtx_lock(&zone->shpool->mutex);

    cn = ngx_http_apigw_cache_find(zone->sh, key, hash);

    if (cn == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);

        (void) ngx_atomic_fetch_add(&zone->sh->misses, 1);

        return NGX_DECLINED;
    }

    if ((ngx_msec_int_t) (cn->expires - ngx_current_msec) <= 0) {
        ngx_http_apigw_cache_delete(zone, cn);

        ngx_shmtx_unlock(&zone->shpool->mutex);

        (void) ngx_atomic_fetch_add(&zone->sh->misses, 1);

        return NGX_DONE;
    }

    size = cn->ctype_len + cn->headers_len + cn->body_len;

    p = ngx_pnalloc(pool, size);
    if (p == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_ERROR;
    }

    ngx_memcpy(p, cn->data + cn->key_len, size);

    e->status = cn->status;

    e->content_type.data = p;
    e->content_type.len = cn->ctype_len;
    p += cn->ctype_len;

    e->headers.data = p;
    e->headers.len = cn->headers_len;
    p += cn->headers_len;

    e->body.data = p;
    e->body.len = cn->body_len;

    /* the most recently used first */

    ngx_queue_remove(&cn->queue);
    ngx_queue_insert_head(&zone->sh->queue, &cn->queue);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    (void) ngx_atomic_fetch_add(&zone->sh->hits, 1);

    return NGX_OK;
}


/* a request answered by the integration without a lookup (a refresh) */

void
ngx_http_apigw_cache_shm_miss(ngx_http_apigw_cache_zone_t *zone)
{
    (void) ngx_atomic_fetch_add(&zone->sh->misses, 1);
}


/*
 * Stores an entry (its body in e->chain, e->body.len bytes) in one go,
 * when the whole of it is at hand: reserved, written and committed.
 */

void
ngx_http_apigw_cache_shm_put(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, uint32_t hash, ngx_msec_t ttl,
    ngx_http_apigw_cache_entry_t *e, ngx_log_t *log)
{
    u_char                       *p;
    ngx_chain_t                  *cl;
    ngx_http_apigw_cache_node_t  *cn;

    p = ngx_http_apigw_cache_shm_reserve(zone, key, hash, e, &cn, log);
    if (p == NULL) {
        return;
    }

    p = ngx_cpymem(p, e->content_type.data, e->content_type.len);
    p = ngx_cpymem(p, e->headers.data, e->headers.len);

    for (cl = e->chain; cl; cl = cl->next) {
        p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
    }

    ngx_http_apigw_cache_shm_commit(zone, cn, ttl, log);
}


/*
 * Reserves the memory of an entry of e's lengths (e->body.len bytes of
 * body), with the key copied: returns where the content type, headers
 * and body go, and the entry for shm_commit() or shm_cancel(), one of
 * which must follow; until then the entry is outside the index, seen by
 * no lookup and taken by no eviction, so it is written without the
 * lock.  NULL: no memory even in an empty zone (the zone is held by
 * responses being stored).
 */

u_char *
ngx_http_apigw_cache_shm_reserve(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, uint32_t hash, ngx_http_apigw_cache_entry_t *e,
    ngx_http_apigw_cache_node_t **node, ngx_log_t *log)
{
    ngx_http_apigw_cache_node_t  *cn;

    ngx_shmtx_lock(&zone->shpool->mutex);

    ngx_http_apigw_cache_expire(zone, 2);

    cn = ngx_http_apigw_cache_alloc_entry(zone, key->len
                                          + e->content_type.len
                                          + e->headers.len + e->body.len);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (cn == NULL) {
        ngx_http_apigw_cache_no_memory(zone, key, e, log);
        return NULL;
    }

    *node = cn;

    return ngx_http_apigw_cache_fill(cn, key, hash, e);
}


/* a reserved entry, written whole, enters the index */

void
ngx_http_apigw_cache_shm_commit(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn, ngx_msec_t ttl, ngx_log_t *log)
{
    ngx_shmtx_lock(&zone->shpool->mutex);

    ngx_http_apigw_cache_insert(zone, cn, ttl);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, log, 0,
                   "apigw cache stored %uz bytes, ttl %M",
                   cn->size - sizeof(ngx_http_apigw_cache_node_t), ttl);
}


/* a reserved entry that will not be complete: its memory is freed */

void
ngx_http_apigw_cache_shm_cancel(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn)
{
    ngx_shmtx_lock(&zone->shpool->mutex);

    zone->sh->full = 0;

    ngx_slab_free_locked(zone->shpool, cn->data);
    ngx_slab_free_locked(zone->shpool, cn);

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


static void
ngx_http_apigw_cache_no_memory(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, ngx_http_apigw_cache_entry_t *e, ngx_log_t *log)
{
    ngx_log_error(NGX_LOG_WARN, log, 0,
                  "apigw: could not allocate %uz bytes for a cache entry "
                  "in the zone of stage \"%V\", not even by evicting every "
                  "stored entry",
                  key->len + e->content_type.len + e->headers.len
                  + e->body.len, &zone->stage);
}


/* a new entry's node, and its key into its data; returns what follows */

static u_char *
ngx_http_apigw_cache_fill(ngx_http_apigw_cache_node_t *cn, ngx_str_t *key,
    uint32_t hash, ngx_http_apigw_cache_entry_t *e)
{
    cn->hash = hash;
    cn->size = sizeof(ngx_http_apigw_cache_node_t) + key->len
               + e->content_type.len + e->headers.len + e->body.len;
    cn->status = (uint32_t) e->status;
    cn->key_len = (uint32_t) key->len;
    cn->ctype_len = (uint32_t) e->content_type.len;
    cn->headers_len = (uint32_t) e->headers.len;
    cn->body_len = (uint32_t) e->body.len;

    return ngx_cpymem(cn->data, key->data, key->len);
}


/*
 * With the zone locked: an entry into the index, the most recently used;
 * it replaces an entry of the same key (a refresh, or another worker
 * stored the same key meanwhile).
 */

static void
ngx_http_apigw_cache_insert(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn, ngx_msec_t ttl)
{
    ngx_str_t                     key;
    ngx_http_apigw_cache_node_t  *old, **bucket;

    key.data = cn->data;
    key.len = cn->key_len;

    old = ngx_http_apigw_cache_find(zone->sh, &key, cn->hash);

    if (old) {
        ngx_http_apigw_cache_delete(zone, old);
    }

    bucket = &zone->sh->buckets[cn->hash & zone->sh->mask];

    cn->next = *bucket;
    cn->prev = bucket;

    if (*bucket) {
        (*bucket)->prev = &cn->next;
    }

    *bucket = cn;

    cn->expires = ngx_current_msec + ttl;

    ngx_queue_insert_head(&zone->sh->queue, &cn->queue);

    zone->sh->entries++;
    zone->sh->bytes += cn->size;
}


/* with the zone locked: out of its bucket */

static void
ngx_http_apigw_cache_unlink(ngx_http_apigw_cache_node_t *cn)
{
    *cn->prev = cn->next;

    if (cn->next) {
        cn->next->prev = cn->prev;
    }
}


/*
 * With the zone locked: the node and data of an entry, out of the index.
 *
 * In a full zone every store evicts the least recently used entry and
 * allocates the memory it freed: a failed search of the allocator, two
 * frees, two allocations.  When a store had to evict exactly one entry
 * of the slab chunk size it needed, that size is left without a free
 * chunk (a chunk of at most half a page: freeing one never frees its
 * page, whose other chunks are in use), and stays so until memory is
 * freed (any delete resets sh->full); the next store of that size would
 * fail to allocate and evict the LRU entry again.  When that entry's
 * data is of the same size, it is taken over as it is, node and data:
 * the same eviction, none of the allocator's work.
 */

static ngx_http_apigw_cache_node_t *
ngx_http_apigw_cache_alloc_entry(ngx_http_apigw_cache_zone_t *zone,
    size_t size)
{
    u_char                       *data;
    size_t                        evicted;
    ngx_queue_t                  *q;
    ngx_http_apigw_cache_sh_t    *sh;
    ngx_http_apigw_cache_node_t  *cn;

    sh = zone->sh;

    if (sh->full
        && ngx_http_apigw_cache_in_chunk(zone, size, sh->full)
        && !ngx_queue_empty(&sh->queue))
    {
        q = ngx_queue_last(&sh->queue);
        cn = ngx_queue_data(q, ngx_http_apigw_cache_node_t, queue);

        if (ngx_http_apigw_cache_in_chunk(zone, cn->size
                                    - sizeof(ngx_http_apigw_cache_node_t),
                                          sh->full))
        {
            ngx_queue_remove(&cn->queue);
            ngx_http_apigw_cache_unlink(cn);

            sh->entries--;
            sh->bytes -= cn->size;

            (void) ngx_atomic_fetch_add(&sh->evictions, 1);

            return cn;
        }
    }

    data = ngx_http_apigw_cache_alloc(zone, size, &evicted);
    if (data == NULL) {
        return NULL;
    }

    /* evicted: the chunk size of the one entry evicted, 0 otherwise */

    sh->full = (evicted && ngx_http_apigw_cache_in_chunk(zone, size, evicted))
               ? evicted : 0;

    /* the node after the data: an eviction for it resets sh->full */

    cn = ngx_http_apigw_cache_alloc(zone,
                                    sizeof(ngx_http_apigw_cache_node_t),
                                    &evicted);
    if (cn == NULL) {
        ngx_slab_free_locked(zone->shpool, data);
        sh->full = 0;
        return NULL;
    }

    cn->data = data;

    return cn;
}


/* does an allocation of size bytes take a slab chunk of this size? */

static ngx_inline ngx_uint_t
ngx_http_apigw_cache_in_chunk(ngx_http_apigw_cache_zone_t *zone, size_t size,
    size_t chunk)
{
    return (size <= chunk
            && (size > chunk / 2 || chunk == zone->shpool->min_size));
}


/*
 * With the zone locked: memory, evicting from the LRU end as needed;
 * *evicted: the slab chunk size of the data of the only entry evicted,
 * 0 when none or several were.
 */

static void *
ngx_http_apigw_cache_alloc(ngx_http_apigw_cache_zone_t *zone, size_t size,
    size_t *evicted)
{
    void                         *p;
    ngx_uint_t                    n;
    ngx_queue_t                  *q;
    ngx_http_apigw_cache_node_t  *cn;

    *evicted = 0;
    n = 0;

    p = ngx_slab_alloc_locked(zone->shpool, size);

    while (p == NULL && !ngx_queue_empty(&zone->sh->queue)) {
        q = ngx_queue_last(&zone->sh->queue);
        cn = ngx_queue_data(q, ngx_http_apigw_cache_node_t, queue);

        *evicted = (n++ == 0)
                   ? ngx_http_apigw_cache_chunk(zone, cn->size
                                          - sizeof(ngx_http_apigw_cache_node_t))
                   : 0;

        ngx_http_apigw_cache_delete(zone, cn);

        (void) ngx_atomic_fetch_add(&zone->sh->evictions, 1);

        p = ngx_slab_alloc_locked(zone->shpool, size);
    }

    return p;
}


/*
 * The slab chunk an allocation of size bytes takes, as ngx_slab.c sizes
 * them: a power of two, at least the pool's minimum; 0 for more than half
 * a page (whole pages, which cache_alloc_entry() does not take over).
 */

static size_t
ngx_http_apigw_cache_chunk(ngx_http_apigw_cache_zone_t *zone, size_t size)
{
    size_t  chunk;

    if (size > ngx_pagesize / 2) {
        return 0;
    }

    chunk = (size_t) 1 << zone->shpool->min_shift;

    while (chunk < size) {
        chunk <<= 1;
    }

    return chunk;
}


/* FlushStageCache: every entry; the counters stay */

ngx_uint_t
ngx_http_apigw_cache_shm_flush(ngx_http_apigw_cache_zone_t *zone)
{
    ngx_uint_t    n;
    ngx_queue_t  *q;

    n = 0;

    ngx_shmtx_lock(&zone->shpool->mutex);

    while (!ngx_queue_empty(&zone->sh->queue)) {
        q = ngx_queue_last(&zone->sh->queue);

        ngx_http_apigw_cache_delete(zone,
                    ngx_queue_data(q, ngx_http_apigw_cache_node_t, queue));
        n++;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return n;
}


void
ngx_http_apigw_cache_shm_stats(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_stats_t *stats)
{
    ngx_shmtx_lock(&zone->shpool->mutex);

    stats->entries = zone->sh->entries;
    stats->bytes = zone->sh->bytes;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    stats->hits = zone->sh->hits;
    stats->misses = zone->sh->misses;
    stats->evictions = zone->sh->evictions;
}


static ngx_http_apigw_cache_node_t *
ngx_http_apigw_cache_find(ngx_http_apigw_cache_sh_t *sh, ngx_str_t *key,
    uint32_t hash)
{
    ngx_http_apigw_cache_node_t  *cn;

    for (cn = sh->buckets[hash & sh->mask]; cn; cn = cn->next) {

        if (cn->hash == hash && cn->key_len == key->len
            && ngx_memcmp(cn->data, key->data, key->len) == 0)
        {
            return cn;
        }
    }

    return NULL;
}


/* with the zone locked */

static void
ngx_http_apigw_cache_delete(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn)
{
    ngx_queue_remove(&cn->queue);
    ngx_http_apigw_cache_unlink(cn);

    zone->sh->entries--;
    zone->sh->bytes -= cn->size;
    zone->sh->full = 0;

    ngx_slab_free_locked(zone->shpool, cn->data);
    ngx_slab_free_locked(zone->shpool, cn);
}


/* with the zone locked: up to n expired entries at the LRU end */

static void
ngx_http_apigw_cache_expire(ngx_http_apigw_cache_zone_t *zone, ngx_uint_t n)
{
    ngx_queue_t                  *q;
    ngx_http_apigw_cache_node_t  *cn;

    while (n-- && !ngx_queue_empty(&zone->sh->queue)) {
        q = ngx_queue_last(&zone->sh->queue);
        cn = ngx_queue_data(q, ngx_http_apigw_cache_node_t, queue);

        if ((ngx_msec_int_t) (cn->expires - ngx_current_msec) > 0) {
            return;
        }

        ngx_http_apigw_cache_delete(zone, cn);
    }
}
