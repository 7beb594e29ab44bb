
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The response cache's store, in a shared-memory zone per stage: entries
 * in an rbtree keyed by a hash of the cache key (the whole key breaks
 * ties), an LRU queue (newest first), expiry on lookup and at the LRU
 * end when storing, eviction of the least recently used entries when the
 * zone is full.  The mutex is held around each operation only; an entry
 * leaves the zone as a copy.  The zone is the first backend behind this
 * small interface (get, put, flush, stats).
 */


#include "ngx_http_apigw_common.h"
#include "ngx_http_apigw_cache.h"


struct ngx_http_apigw_cache_sh_s {
    ngx_rbtree_t                    rbtree;
    ngx_rbtree_node_t               sentinel;
    ngx_queue_t                     queue;
    ngx_uint_t                      entries;
    size_t                          bytes;
    ngx_atomic_t                    hits;
    ngx_atomic_t                    misses;
    ngx_atomic_t                    evictions;
};


/*
 * The index node is small and apart from the entry's data: a lookup
 * walks a tree of nodes packed in a few slab pages instead of touching
 * one cold page per level.
 */

typedef struct {
    ngx_rbtree_node_t               node;       /* node.key: the hash */
    ngx_queue_t                     queue;
    ngx_msec_t                      expires;
    u_char                         *data;       /* key, type, headers, body */
    void                           *dup;        /* an equal key, by insert */
    size_t                          size;       /* node and data */
    ngx_uint_t                      status;
    uint32_t                        key_len;
    uint32_t                        ctype_len;
    uint32_t                        headers_len;
    uint32_t                        body_len;
} ngx_http_apigw_cache_node_t;


static void ngx_http_apigw_cache_rbtree_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static ngx_http_apigw_cache_node_t *ngx_http_apigw_cache_find(
    ngx_http_apigw_cache_sh_t *sh, ngx_str_t *key, uint32_t hash);
static void ngx_http_apigw_cache_delete(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn);
static void ngx_http_apigw_cache_expire(ngx_http_apigw_cache_zone_t *zone,
    ngx_uint_t n);
static void *ngx_http_apigw_cache_alloc(ngx_http_apigw_cache_zone_t *zone,
    size_t size);


ngx_int_t
ngx_http_apigw_cache_shm_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_apigw_cache_zone_t  *ozone = data;

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

    ngx_rbtree_init(&zone->sh->rbtree, &zone->sh->sentinel,
                    ngx_http_apigw_cache_rbtree_insert_value);

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
 * Stores an entry (its body in e->chain, e->body.len bytes): expires
 * what is old at the LRU end, evicts the least recently used entries
 * until the new one fits, and replaces an entry of the same key, found
 * on the way down by the insertion.
 */

void
ngx_http_apigw_cache_shm_put(ngx_http_apigw_cache_zone_t *zone,
    ngx_str_t *key, uint32_t hash, ngx_msec_t ttl,
    ngx_http_apigw_cache_entry_t *e, ngx_log_t *log)
{
    u_char                       *p, *data;
    size_t                        size;
    ngx_chain_t                  *cl;
    ngx_http_apigw_cache_node_t  *cn;

    size = key->len + e->content_type.len + e->headers.len + e->body.len;

    ngx_shmtx_lock(&zone->shpool->mutex);

    ngx_http_apigw_cache_expire(zone, 2);

    cn = ngx_http_apigw_cache_alloc(zone,
                                    sizeof(ngx_http_apigw_cache_node_t));
    data = ngx_http_apigw_cache_alloc(zone, size);

    if (cn == NULL || data == NULL) {
        if (cn) {
            ngx_slab_free_locked(zone->shpool, cn);
        }

        if (data) {
            ngx_slab_free_locked(zone->shpool, data);
        }

        ngx_shmtx_unlock(&zone->shpool->mutex);

        ngx_log_error(NGX_LOG_ALERT, log, 0,
                      "apigw: could not allocate %uz bytes for a cache "
                      "entry in the empty zone of stage \"%V\"",
                      size, &zone->stage);
        return;
    }

    cn->node.key = hash;
    cn->expires = ngx_current_msec + ttl;
    cn->data = data;
    cn->dup = NULL;
    cn->size = sizeof(ngx_http_apigw_cache_node_t) + size;
    cn->status = e->status;
    cn->key_len = (uint32_t) key->len;
    cn->ctype_len = (uint32_t) e->content_type.len;
    cn->headers_len = (uint32_t) e->headers.len;
    cn->body_len = (uint32_t) e->body.len;

    p = ngx_cpymem(data, key->data, key->len);
    p = ngx_cpymem(p, e->content_type.data, e->content_type.len);
    p = ngx_cpymem(p, e->headers.data, e->headers.len);

    for (cl = e->chain; cl; cl = cl->next) {
        p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
    }

    ngx_rbtree_insert(&zone->sh->rbtree, &cn->node);
    ngx_queue_insert_head(&zone->sh->queue, &cn->queue);

    zone->sh->entries++;
    zone->sh->bytes += cn->size;

    if (cn->dup) {
        /* a refresh, or another worker stored the same key meanwhile */
        ngx_http_apigw_cache_delete(zone, cn->dup);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, log, 0,
                   "apigw cache stored %uz bytes, ttl %M", size, ttl);
}


/* with the zone locked: memory, evicting from the LRU end as needed */

static void *
ngx_http_apigw_cache_alloc(ngx_http_apigw_cache_zone_t *zone, size_t size)
{
    void         *p;
    ngx_queue_t  *q;

    p = ngx_slab_alloc_locked(zone->shpool, size);

    while (p == NULL && !ngx_queue_empty(&zone->sh->queue)) {
        q = ngx_queue_last(&zone->sh->queue);

        ngx_http_apigw_cache_delete(zone,
                    ngx_queue_data(q, ngx_http_apigw_cache_node_t, queue));

        (void) ngx_atomic_fetch_add(&zone->sh->evictions, 1);

        p = ngx_slab_alloc_locked(zone->shpool, size);
    }

    return p;
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


static void
ngx_http_apigw_cache_rbtree_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_int_t                      rc;
    ngx_rbtree_node_t            **p;
    ngx_http_apigw_cache_node_t   *cn, *cnt;

    for ( ;; ) {

        if (node->key < temp->key) {

            p = &temp->left;

        } else if (node->key > temp->key) {

            p = &temp->right;

        } else { /* node->key == temp->key */

            cn = (ngx_http_apigw_cache_node_t *) node;
            cnt = (ngx_http_apigw_cache_node_t *) temp;

            rc = ngx_memn2cmp(cn->data, cnt->data, cn->key_len, cnt->key_len);

            if (rc == 0) {
                /* the same key: the new entry replaces it (shm_put) */
                cn->dup = cnt;
            }

            p = (rc < 0) ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static ngx_http_apigw_cache_node_t *
ngx_http_apigw_cache_find(ngx_http_apigw_cache_sh_t *sh, ngx_str_t *key,
    uint32_t hash)
{
    ngx_int_t                     rc;
    ngx_rbtree_node_t            *node, *sentinel;
    ngx_http_apigw_cache_node_t  *cn;

    node = sh->rbtree.root;
    sentinel = sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        /* hash == node->key */

        cn = (ngx_http_apigw_cache_node_t *) node;

        rc = ngx_memn2cmp(key->data, cn->data, key->len, cn->key_len);

        if (rc == 0) {
            return cn;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


/* with the zone locked */

static void
ngx_http_apigw_cache_delete(ngx_http_apigw_cache_zone_t *zone,
    ngx_http_apigw_cache_node_t *cn)
{
    ngx_queue_remove(&cn->queue);
    ngx_rbtree_delete(&zone->sh->rbtree, &cn->node);

    zone->sh->entries--;
    zone->sh->bytes -= cn->size;

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
