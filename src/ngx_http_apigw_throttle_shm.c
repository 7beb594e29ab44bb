
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The shared-memory backend of throttling state: one zone for the whole
 * gateway (apigw_shared_zone), entries in an rbtree keyed by a hash of
 * their id and in two LRU queues, token buckets apart from usage counts.
 * A full bucket is the same as no bucket, so buckets are forgotten once
 * full again and evicted first when the zone is full; usage counts
 * (quotas and the days of GetUsage) only when nothing else is left, and
 * that is logged.  One lock acquisition per request checks and takes
 * every bucket and the quota together.  A reload keeps the zone; a new
 * size gets a copy of the old zone's entries; a new zone is filled from
 * the state file (usage.c).
 */


#include "ngx_http_apigw_throttle.h"


#define NGX_HTTP_APIGW_TZONE_MAGIC   0x61706777    /* "apgw" */


struct ngx_http_apigw_tzone_sh_s {
    ngx_uint_t                      magic;
    ngx_rbtree_t                    rbtree;
    ngx_rbtree_node_t               sentinel;
    ngx_queue_t                     buckets;    /* LRU: most recent first */
    ngx_queue_t                     usage;
    ngx_uint_t                      nbuckets;
    ngx_uint_t                      nquotas;
    ngx_uint_t                      ndays;
    size_t                          bytes;
    ngx_atomic_t                    evictions;
    ngx_atomic_t                    changes;    /* of usage counts */
    ngx_atomic_t                    saved;      /* changes in the file */
};


typedef struct {
    ngx_str_node_t                  sn;         /* str: the id, below */
    ngx_queue_t                     queue;
    union {
        struct {
            ngx_http_apigw_bucket_t  b;
            uint64_t                 full;      /* ms when full again */
        } bucket;
        struct {
            int64_t                  period;    /* start, s */
            uint64_t                 count;     /* in the period */
            int32_t                  day;       /* days since the epoch */
            uint32_t                 day_count;
        } quota;
        struct {
            int64_t                  day;
            uint64_t                 count;
        } day;
    } u;
    u_char                          id[1];
} ngx_http_apigw_tnode_t;


/* a state file's record: a usage count */
typedef struct {
    u_char                          kind;
    u_char                          reserved;
    u_char                          id_len[2];
    u_char                          day[4];
    u_char                          period[8];
    u_char                          count[8];
    u_char                          day_count[4];
} ngx_http_apigw_trecord_t;


static ngx_int_t ngx_http_apigw_tzone_check(ngx_http_apigw_store_t *store,
    ngx_http_apigw_check_t *chk, ngx_log_t *log);
static ngx_int_t ngx_http_apigw_tzone_usage(ngx_http_apigw_store_t *store,
    ngx_http_apigw_plan_t *plan, ngx_str_t *key, int64_t from, int64_t to,
    ngx_http_apigw_usage_day_t *days);
static void ngx_http_apigw_tzone_stats(ngx_http_apigw_store_t *store,
    ngx_http_apigw_store_stats_t *st);
static void ngx_http_apigw_tzone_period(ngx_http_apigw_tzone_t *zone,
    ngx_http_apigw_check_t *chk, ngx_http_apigw_tnode_t *q);
static void ngx_http_apigw_tzone_roll_day(ngx_http_apigw_tzone_t *zone,
    ngx_http_apigw_tnode_t *q, int32_t today, ngx_http_apigw_tnode_t **keep,
    ngx_uint_t nkeep, ngx_http_apigw_check_t *chk);
static ngx_http_apigw_tnode_t *ngx_http_apigw_tzone_lookup(
    ngx_http_apigw_tzone_t *zone, ngx_str_t *id, uint32_t hash);
static ngx_http_apigw_tnode_t *ngx_http_apigw_tzone_create(
    ngx_http_apigw_tzone_t *zone, ngx_str_t *id, uint32_t hash,
    ngx_http_apigw_tnode_t **keep, ngx_uint_t nkeep,
    ngx_http_apigw_check_t *chk);
static void ngx_http_apigw_tzone_delete(ngx_http_apigw_tzone_t *zone,
    ngx_http_apigw_tnode_t *tn);
static void ngx_http_apigw_tzone_expire(ngx_http_apigw_tzone_t *zone,
    uint64_t now, ngx_uint_t n);
static ngx_int_t ngx_http_apigw_tzone_copy(ngx_http_apigw_tzone_t *zone,
    ngx_http_apigw_tzone_t *ozone);
static ngx_http_apigw_tzone_t *ngx_http_apigw_tzone_old(ngx_str_t *name);
static size_t ngx_http_apigw_slab_size(size_t size);
static void ngx_http_apigw_put32(u_char *p, uint32_t v);
static void ngx_http_apigw_put64(u_char *p, uint64_t v);
static uint32_t ngx_http_apigw_get32(u_char *p);
static uint64_t ngx_http_apigw_get64(u_char *p);


ngx_http_apigw_store_ops_t  ngx_http_apigw_shm_store_ops = {
    ngx_string("shm"),
    ngx_http_apigw_tzone_check,
    ngx_http_apigw_tzone_usage,
    ngx_http_apigw_tzone_stats
};


ngx_int_t
ngx_http_apigw_tzone_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_apigw_tzone_t  *ozone = data;

    ngx_http_apigw_tzone_t  *zone, *old;

    zone = shm_zone->data;

    if (ozone) {
        /* a reload with the same size: the zone and its counts stay */
        zone->sh = ozone->sh;
        zone->shpool = ozone->shpool;
        return NGX_OK;
    }

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        return NGX_OK;
    }

    zone->sh = ngx_slab_alloc(zone->shpool,
                              sizeof(ngx_http_apigw_tzone_sh_t));
    if (zone->sh == NULL) {
        return NGX_ERROR;
    }

    zone->shpool->data = zone->sh;

    ngx_memzero(zone->sh, sizeof(ngx_http_apigw_tzone_sh_t));

    zone->sh->magic = NGX_HTTP_APIGW_TZONE_MAGIC;

    ngx_rbtree_init(&zone->sh->rbtree, &zone->sh->sentinel,
                    ngx_str_rbtree_insert_value);

    ngx_queue_init(&zone->sh->buckets);
    ngx_queue_init(&zone->sh->usage);

    /* a full zone is handled (and logged) by evicting entries */

    if (ngx_http_apigw_shm_log_ctx(shm_zone, zone->shpool, "shared")
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* a reload with a new size: the old zone is still there, copy it */

    old = ngx_http_apigw_tzone_old(&shm_zone->shm.name);

    if (old) {
        return ngx_http_apigw_tzone_copy(zone, old);
    }

    return ngx_http_apigw_state_load(zone, shm_zone->shm.log);
}


/*
 * The zone of this name in the running configuration (ngx_cycle is
 * still the old cycle while a new one is initialised), if it is ours.
 */

static ngx_http_apigw_tzone_t *
ngx_http_apigw_tzone_old(ngx_str_t *name)
{
    ngx_uint_t               i;
    ngx_list_part_t         *part;
    ngx_shm_zone_t          *shm_zone;
    ngx_http_apigw_tzone_t  *old;

    if (ngx_cycle == NULL || ngx_is_init_cycle(ngx_cycle)) {
        return NULL;
    }

    part = NULL;

    for ( ;; ) {
        shm_zone = ngx_http_apigw_shm_zone_next(ngx_http_apigw_tzone_init,
                                                &part, &i);
        if (shm_zone == NULL) {
            return NULL;
        }

        old = shm_zone->data;

        if (shm_zone->shm.name.len == name->len
            && ngx_strncmp(shm_zone->shm.name.data, name->data, name->len)
               == 0
            && old->sh && old->sh->magic == NGX_HTTP_APIGW_TZONE_MAGIC)
        {
            return old;
        }
    }
}


/* every entry of the old zone, least recently used first */

static ngx_int_t
ngx_http_apigw_tzone_copy(ngx_http_apigw_tzone_t *zone,
    ngx_http_apigw_tzone_t *ozone)
{
    ngx_str_t                id;
    ngx_uint_t               n, i;
    ngx_queue_t             *q, *queues[2];
    ngx_http_apigw_tnode_t  *tn, *nn;

    queues[0] = &ozone->sh->usage;
    queues[1] = &ozone->sh->buckets;
    n = 0;

    ngx_shmtx_lock(&ozone->shpool->mutex);

    for (i = 0; i < 2; i++) {

        for (q = ngx_queue_last(queues[i]);
             q != ngx_queue_sentinel(queues[i]);
             q = ngx_queue_prev(q))
        {
            tn = ngx_queue_data(q, ngx_http_apigw_tnode_t, queue);
            id = tn->sn.str;

            nn = ngx_http_apigw_tzone_create(zone, &id, tn->sn.node.key,
                                             NULL, 0, NULL);
            if (nn == NULL) {
                break;
            }

            nn->u = tn->u;
            n++;
        }
    }

    zone->sh->changes = ozone->sh->changes;
    zone->sh->saved = ozone->sh->saved;

    ngx_shmtx_unlock(&ozone->shpool->mutex);

    ngx_log_error(NGX_LOG_NOTICE, ngx_cycle->log, 0,
                  "apigw: shared zone \"%V\" resized from %uz to %uz bytes, "
                  "%ui entries copied", &zone->name, ozone->size, zone->size,
                  n);

    return NGX_OK;
}


/*
 * The request path: all of the request's buckets and its key's usage
 * under one lock.  Nothing is taken unless everything allows it.
 */

static ngx_int_t
ngx_http_apigw_tzone_check(ngx_http_apigw_store_t *store,
    ngx_http_apigw_check_t *chk, ngx_log_t *log)
{
    int32_t                   today;
    uint32_t                  hash;
    uint64_t                  avail, after;
    ngx_int_t                 rc;
    ngx_uint_t                i, n, level;
    ngx_http_apigw_plan_t    *plan;
    ngx_http_apigw_limit_t   *limit[NGX_HTTP_APIGW_MAX_BUCKETS];
    ngx_http_apigw_tzone_t   *zone;
    ngx_http_apigw_tnode_t   *tn[NGX_HTTP_APIGW_MAX_BUCKETS + 1], *q;

    zone = store->data;
    rc = NGX_OK;
    n = 0;
    q = NULL;
    chk->remaining = (uint64_t) -1;

    ngx_shmtx_lock(&zone->shpool->mutex);

    ngx_http_apigw_tzone_expire(zone, chk->now, 2);

    for (i = 0; i < chk->nbuckets; i++) {
        hash = chk->buckets[i].hash;

        if (hash == 0) {
            hash = ngx_murmur_hash2(chk->buckets[i].id.data,
                                    chk->buckets[i].id.len);
        }

        tn[n] = ngx_http_apigw_tzone_lookup(zone, &chk->buckets[i].id, hash);
        limit[n] = chk->buckets[i].limit;

        if (tn[n] == NULL) {
            tn[n] = ngx_http_apigw_tzone_create(zone, &chk->buckets[i].id,
                                                hash, tn, n, chk);
            if (tn[n] == NULL) {
                /* the zone is smaller than an entry: let it pass */
                continue;
            }

            ngx_http_apigw_bucket_init(&tn[n]->u.bucket.b, limit[n],
                                       chk->now);

        } else {
            ngx_http_apigw_bucket_refill(&tn[n]->u.bucket.b, limit[n],
                                         chk->now);
        }

        avail = ngx_http_apigw_bucket_available(&tn[n]->u.bucket.b);
        n++;

        if (avail == 0) {
            chk->level = chk->buckets[i].level;
            chk->remaining = 0;
            rc = NGX_BUSY;

            /* what the quota has left, for the variables: not counted */

            if (chk->usage.len) {
                q = ngx_http_apigw_tzone_lookup(zone, &chk->usage,
                                                chk->usage_hash);
                if (q) {
                    ngx_http_apigw_tzone_period(zone, chk, q);
                }
            }

            goto done;
        }

        if (avail - 1 < chk->remaining) {
            chk->remaining = avail - 1;
        }
    }

    if (chk->usage.len) {
        plan = chk->plan;
        hash = chk->usage_hash;

        q = ngx_http_apigw_tzone_lookup(zone, &chk->usage, hash);

        if (q == NULL) {
            q = ngx_http_apigw_tzone_create(zone, &chk->usage, hash, tn, n,
                                            chk);
        }

        if (q) {
            ngx_http_apigw_tzone_period(zone, chk, q);

            today = (int32_t) zone->period_day;

            if (q->u.quota.day != today) {
                tn[n] = q;
                ngx_http_apigw_tzone_roll_day(zone, q, today, tn, n + 1, chk);
            }

            if (plan->has_quota && q->u.quota.count >= plan->quota) {
                chk->level = NGX_HTTP_APIGW_LEVEL_QUOTA;
                rc = NGX_DECLINED;
                goto done;
            }

            q->u.quota.count++;

            if (q->u.quota.day_count < NGX_MAX_UINT32_VALUE) {
                q->u.quota.day_count++;
            }

            chk->used = q->u.quota.count;
            zone->sh->changes++;       /* under the lock */
        }
    }

    for (i = 0; i < n; i++) {
        ngx_http_apigw_bucket_take(&tn[i]->u.bucket.b);
    }

done:

    /* refilled or taken: when each is full again ((uint64_t) -1: never) */

    for (i = 0; i < n; i++) {
        after = ngx_http_apigw_bucket_full_after(&tn[i]->u.bucket.b, limit[i]);
        tn[i]->u.bucket.full = (after == (uint64_t) -1)
                               ? after : tn[i]->u.bucket.b.last + after;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (chk->remaining == (uint64_t) -1) {
        chk->remaining = 0;
    }

    if (chk->evicted) {
        (void) ngx_atomic_fetch_add(&zone->sh->evictions, chk->evicted);

        zone->unlogged += chk->evicted;
        zone->unlogged_usage += chk->evicted_usage;

        /* at most a line a second a worker, with what it evicted */

        if (zone->logged != ngx_time()) {
            zone->logged = ngx_time();

            level = zone->unlogged_usage ? NGX_LOG_WARN : NGX_LOG_NOTICE;

            ngx_log_error(level, log, 0,
                          "apigw: shared zone \"%V\" is full: evicted %ui "
                          "least recently used entries, %ui of them usage "
                          "counts (quotas or days of usage)", &zone->name,
                          zone->unlogged, zone->unlogged_usage);

            zone->unlogged = 0;
            zone->unlogged_usage = 0;
        }
    }

    return rc;
}


/* the quota's period now: a new one starts from zero */

static void
ngx_http_apigw_tzone_period(ngx_http_apigw_tzone_t *zone,
    ngx_http_apigw_check_t *chk, ngx_http_apigw_tnode_t *q)
{
    int64_t     start;
    ngx_uint_t  period;

    /* the periods of today, worked out once a day in each process */

    if (chk->time < zone->period_start[NGX_HTTP_APIGW_PERIOD_DAY]
        || chk->time >= zone->period_end[NGX_HTTP_APIGW_PERIOD_DAY])
    {
        for (period = 0; period < 3; period++) {
            start = ngx_http_apigw_period_start(chk->time, period);
            zone->period_start[period] = start;
            zone->period_end[period] = ngx_http_apigw_period_end(start,
                                                                 period);
        }

        zone->period_day = zone->period_start[NGX_HTTP_APIGW_PERIOD_DAY]
                           / NGX_HTTP_APIGW_DAY;
    }

    period = chk->plan->has_quota ? chk->plan->period
                                  : NGX_HTTP_APIGW_PERIOD_DAY;
    start = zone->period_start[period];

    if (q->u.quota.period != start) {
        q->u.quota.period = start;
        q->u.quota.count = 0;
    }

    chk->reset = zone->period_end[period];
    chk->used = q->u.quota.count;
}


/*
 * A new day for a key: yesterday's count (or that of its last day with
 * requests) becomes an entry of its own for GetUsage.
 */

static void
ngx_http_apigw_tzone_roll_day(ngx_http_apigw_tzone_t *zone,
    ngx_http_apigw_tnode_t *q, int32_t today, ngx_http_apigw_tnode_t **keep,
    ngx_uint_t nkeep, ngx_http_apigw_check_t *chk)
{
    u_char                  *p, buf[NGX_HTTP_APIGW_PLAN_NAME_MAX + 64];
    uint32_t                 hash;
    ngx_str_t                id;
    ngx_http_apigw_tnode_t  *d;

    if (q->u.quota.day_count && q->sn.str.len + NGX_INT64_LEN + 1
                                <= sizeof(buf))
    {
        /* "D" + the rest of the quota's id + " " + the day */

        p = buf;
        *p++ = NGX_HTTP_APIGW_ENTRY_DAY;
        p = ngx_cpymem(p, q->sn.str.data + 1, q->sn.str.len - 1);
        p = ngx_sprintf(p, " %D", q->u.quota.day);

        id.data = buf;
        id.len = p - buf;

        hash = ngx_murmur_hash2(id.data, id.len);

        d = ngx_http_apigw_tzone_lookup(zone, &id, hash);

        if (d == NULL) {
            d = ngx_http_apigw_tzone_create(zone, &id, hash, keep, nkeep,
                                            chk);
            if (d) {
                d->u.day.day = q->u.quota.day;
                d->u.day.count = 0;
            }
        }

        if (d) {
            d->u.day.count += q->u.quota.day_count;
        }
    }

    q->u.quota.day = today;
    q->u.quota.day_count = 0;
}


/* the lookup moves the entry to the head of its queue */

static ngx_http_apigw_tnode_t *
ngx_http_apigw_tzone_lookup(ngx_http_apigw_tzone_t *zone, ngx_str_t *id,
    uint32_t hash)
{
    ngx_str_node_t          *sn;
    ngx_http_apigw_tnode_t  *tn;

    sn = ngx_str_rbtree_lookup(&zone->sh->rbtree, id, hash);

    if (sn == NULL) {
        return NULL;
    }

    tn = (ngx_http_apigw_tnode_t *) sn;

    ngx_queue_remove(&tn->queue);

    if (tn->id[0] == NGX_HTTP_APIGW_ENTRY_BUCKET) {
        ngx_queue_insert_head(&zone->sh->buckets, &tn->queue);

    } else {
        ngx_queue_insert_head(&zone->sh->usage, &tn->queue);
    }

    return tn;
}


/*
 * A new entry, zeroed.  When the zone is full, the least recently used
 * buckets go first, then usage counts; the entries of the request being
 * checked ("keep") stay.
 */

static ngx_http_apigw_tnode_t *
ngx_http_apigw_tzone_create(ngx_http_apigw_tzone_t *zone, ngx_str_t *id,
    uint32_t hash, ngx_http_apigw_tnode_t **keep, ngx_uint_t nkeep,
    ngx_http_apigw_check_t *chk)
{
    size_t                   size;
    ngx_uint_t               i, k;
    ngx_queue_t             *q, *queues[2];
    ngx_http_apigw_tnode_t  *tn, *victim;

    size = offsetof(ngx_http_apigw_tnode_t, id) + id->len;

    tn = ngx_slab_alloc_locked(zone->shpool, size);

    queues[0] = &zone->sh->buckets;
    queues[1] = &zone->sh->usage;

    for (i = 0; tn == NULL && i < 2; /* void */) {
        victim = NULL;

        for (q = ngx_queue_last(queues[i]);
             q != ngx_queue_sentinel(queues[i]);
             q = ngx_queue_prev(q))
        {
            victim = ngx_queue_data(q, ngx_http_apigw_tnode_t, queue);

            for (k = 0; k < nkeep; k++) {
                if (keep[k] == victim) {
                    break;
                }
            }

            if (k == nkeep) {
                break;
            }

            victim = NULL;
        }

        if (victim == NULL) {
            i++;
            continue;
        }

        if (chk) {
            chk->evicted++;

            if (i == 1) {
                chk->evicted_usage++;
            }
        }

        ngx_http_apigw_tzone_delete(zone, victim);

        tn = ngx_slab_alloc_locked(zone->shpool, size);
    }

    if (tn == NULL) {
        return NULL;
    }

    ngx_memzero(tn, size);

    ngx_memcpy(tn->id, id->data, id->len);

    tn->sn.node.key = hash;
    tn->sn.str.data = tn->id;
    tn->sn.str.len = id->len;

    ngx_rbtree_insert(&zone->sh->rbtree, &tn->sn.node);

    switch (id->data[0]) {

    case NGX_HTTP_APIGW_ENTRY_BUCKET:
        ngx_queue_insert_head(&zone->sh->buckets, &tn->queue);
        zone->sh->nbuckets++;
        break;

    case NGX_HTTP_APIGW_ENTRY_QUOTA:
        ngx_queue_insert_head(&zone->sh->usage, &tn->queue);
        zone->sh->nquotas++;
        break;

    default: /* NGX_HTTP_APIGW_ENTRY_DAY */
        ngx_queue_insert_head(&zone->sh->usage, &tn->queue);
        zone->sh->ndays++;
        break;
    }

    zone->sh->bytes += ngx_http_apigw_slab_size(size);

    return tn;
}


static void
ngx_http_apigw_tzone_delete(ngx_http_apigw_tzone_t *zone,
    ngx_http_apigw_tnode_t *tn)
{
    ngx_queue_remove(&tn->queue);
    ngx_rbtree_delete(&zone->sh->rbtree, &tn->sn.node);

    switch (tn->id[0]) {

    case NGX_HTTP_APIGW_ENTRY_BUCKET:
        zone->sh->nbuckets--;
        break;

    case NGX_HTTP_APIGW_ENTRY_QUOTA:
        zone->sh->nquotas--;
        break;

    default: /* NGX_HTTP_APIGW_ENTRY_DAY */
        zone->sh->ndays--;
        break;
    }

    zone->sh->bytes -= ngx_http_apigw_slab_size(
                         offsetof(ngx_http_apigw_tnode_t, id)
                         + tn->sn.str.len);

    ngx_slab_free_locked(zone->shpool, tn);
}


/*
 * Up to n buckets at the LRU end that have been full again for a while:
 * as good as none (the while keeps busy callers' buckets from going and
 * coming back at every request).
 */

static void
ngx_http_apigw_tzone_expire(ngx_http_apigw_tzone_t *zone, uint64_t now,
    ngx_uint_t n)
{
    ngx_queue_t             *q;
    ngx_http_apigw_tnode_t  *tn;

    while (n-- && !ngx_queue_empty(&zone->sh->buckets)) {
        q = ngx_queue_last(&zone->sh->buckets);
        tn = ngx_queue_data(q, ngx_http_apigw_tnode_t, queue);

        if (now < tn->u.bucket.full
            || now - tn->u.bucket.full < NGX_HTTP_APIGW_BUCKET_IDLE)
        {
            return;
        }

        ngx_http_apigw_tzone_delete(zone, tn);
    }
}


/* the counts of a key's days [from, to] (GetUsage) */

static ngx_int_t
ngx_http_apigw_tzone_usage(ngx_http_apigw_store_t *store,
    ngx_http_apigw_plan_t *plan, ngx_str_t *key, int64_t from, int64_t to,
    ngx_http_apigw_usage_day_t *days)
{
    u_char                  *p, buf[NGX_HTTP_APIGW_PLAN_NAME_MAX + 64];
    size_t                   base;
    int64_t                  d;
    ngx_str_t                id;
    ngx_str_node_t          *sn;
    ngx_http_apigw_tzone_t  *zone;
    ngx_http_apigw_tnode_t  *tn;

    zone = store->data;

    for (d = from; d <= to; d++) {
        days[d - from].day = d;
        days[d - from].count = 0;
    }

    if (ngx_http_apigw_usage_id(plan, key, buf, sizeof(buf) - NGX_INT64_LEN,
                                &id)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    sn = ngx_str_rbtree_lookup(&zone->sh->rbtree, &id,
                               ngx_murmur_hash2(id.data, id.len));

    if (sn) {
        tn = (ngx_http_apigw_tnode_t *) sn;

        if (tn->u.quota.day >= from && tn->u.quota.day <= to) {
            days[tn->u.quota.day - from].count += tn->u.quota.day_count;
        }
    }

    buf[0] = NGX_HTTP_APIGW_ENTRY_DAY;
    base = id.len;

    for (d = from; d <= to; d++) {
        p = ngx_sprintf(buf + base, " %L", d);
        id.len = p - buf;

        sn = ngx_str_rbtree_lookup(&zone->sh->rbtree, &id,
                                   ngx_murmur_hash2(id.data, id.len));

        if (sn) {
            tn = (ngx_http_apigw_tnode_t *) sn;
            days[d - from].count += tn->u.day.count;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


static void
ngx_http_apigw_tzone_stats(ngx_http_apigw_store_t *store,
    ngx_http_apigw_store_stats_t *st)
{
    ngx_http_apigw_tzone_t  *zone;

    zone = store->data;

    ngx_shmtx_lock(&zone->shpool->mutex);

    st->buckets = zone->sh->nbuckets;
    st->quotas = zone->sh->nquotas;
    st->days = zone->sh->ndays;
    st->bytes = zone->sh->bytes;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    st->size = zone->size;
    st->evictions = zone->sh->evictions;
}


/*
 * The state file: a header, then the usage counts (quotas and days; the
 * buckets are not kept: a bucket refills in seconds), least recently
 * used first so that restoring them keeps the LRU order.  Numbers are
 * big-endian; the checksum covers everything after the header.
 */

#define NGX_HTTP_APIGW_STATE_MAGIC     "APIGWST\n"
#define NGX_HTTP_APIGW_STATE_VERSION   1

typedef struct {
    u_char                          magic[8];
    u_char                          version[4];
    u_char                          records[4];
    u_char                          length[8];
    u_char                          crc32[4];
    u_char                          reserved[4];
    u_char                          written[8];
} ngx_http_apigw_theader_t;


/*
 * The file's image, copied under the lock into memory of this process
 * (ngx_alloc(): the caller frees it) and written to disk after the lock
 * is released; days older than the history kept are dropped meanwhile.
 * NGX_DECLINED: nothing changed since the last image written.
 */

ngx_int_t
ngx_http_apigw_tzone_snapshot(ngx_http_apigw_tzone_t *zone, time_t now,
    ngx_str_t *image, ngx_atomic_uint_t *changes)
{
    u_char                    *p;
    size_t                     size;
    int64_t                    oldest;
    uint32_t                   n;
    ngx_queue_t               *q, *prev;
    ngx_http_apigw_tnode_t    *tn;
    ngx_http_apigw_theader_t  *h;
    ngx_http_apigw_trecord_t  *rec;

    oldest = now / NGX_HTTP_APIGW_DAY - NGX_HTTP_APIGW_USAGE_DAYS;

    ngx_shmtx_lock(&zone->shpool->mutex);

    *changes = zone->sh->changes;

    if (*changes == zone->sh->saved) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    size = sizeof(ngx_http_apigw_theader_t);

    for (q = ngx_queue_last(&zone->sh->usage);
         q != ngx_queue_sentinel(&zone->sh->usage);
         q = prev)
    {
        prev = ngx_queue_prev(q);
        tn = ngx_queue_data(q, ngx_http_apigw_tnode_t, queue);

        if (tn->id[0] == NGX_HTTP_APIGW_ENTRY_DAY && tn->u.day.day < oldest) {
            ngx_http_apigw_tzone_delete(zone, tn);
            continue;
        }

        size += sizeof(ngx_http_apigw_trecord_t) + tn->sn.str.len;
    }

    image->data = ngx_alloc(size, ngx_cycle->log);
    if (image->data == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_ERROR;
    }

    p = image->data + sizeof(ngx_http_apigw_theader_t);
    n = 0;

    for (q = ngx_queue_last(&zone->sh->usage);
         q != ngx_queue_sentinel(&zone->sh->usage);
         q = ngx_queue_prev(q))
    {
        tn = ngx_queue_data(q, ngx_http_apigw_tnode_t, queue);
        rec = (ngx_http_apigw_trecord_t *) p;

        ngx_memzero(rec, sizeof(ngx_http_apigw_trecord_t));

        rec->kind = tn->id[0];
        rec->id_len[0] = (u_char) (tn->sn.str.len >> 8);
        rec->id_len[1] = (u_char) tn->sn.str.len;

        if (tn->id[0] == NGX_HTTP_APIGW_ENTRY_QUOTA) {
            ngx_http_apigw_put32(rec->day, (uint32_t) tn->u.quota.day);
            ngx_http_apigw_put64(rec->period, (uint64_t) tn->u.quota.period);
            ngx_http_apigw_put64(rec->count, tn->u.quota.count);
            ngx_http_apigw_put32(rec->day_count, tn->u.quota.day_count);

        } else {
            ngx_http_apigw_put32(rec->day, (uint32_t) tn->u.day.day);
            ngx_http_apigw_put64(rec->count, tn->u.day.count);
        }

        p += sizeof(ngx_http_apigw_trecord_t);
        p = ngx_cpymem(p, tn->sn.str.data, tn->sn.str.len);
        n++;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    image->len = p - image->data;

    h = (ngx_http_apigw_theader_t *) image->data;

    ngx_memzero(h, sizeof(ngx_http_apigw_theader_t));
    ngx_memcpy(h->magic, NGX_HTTP_APIGW_STATE_MAGIC, 8);
    ngx_http_apigw_put32(h->version, NGX_HTTP_APIGW_STATE_VERSION);
    ngx_http_apigw_put32(h->records, n);
    ngx_http_apigw_put64(h->length,
                         image->len - sizeof(ngx_http_apigw_theader_t));
    ngx_http_apigw_put32(h->crc32,
                         ngx_crc32_long(image->data
                                        + sizeof(ngx_http_apigw_theader_t),
                                        image->len
                                        - sizeof(ngx_http_apigw_theader_t)));
    ngx_http_apigw_put64(h->written, (uint64_t) now);

    return NGX_OK;
}


/* the image is on disk: what it holds need not be written again */

void
ngx_http_apigw_tzone_saved(ngx_http_apigw_tzone_t *zone,
    ngx_atomic_uint_t changes)
{
    zone->sh->saved = changes;
}


/*
 * A state file's image into the new, empty zone: NULL, or why it is not
 * trusted (a foreign file, another version, a checksum that does not
 * match, a malformed record); then nothing of it is used.
 */

char *
ngx_http_apigw_tzone_restore(ngx_http_apigw_tzone_t *zone, u_char *p,
    size_t len, ngx_log_t *log)
{
    u_char                    *start, *last;
    size_t                     id_len;
    uint32_t                   version;
    ngx_str_t                  id;
    ngx_uint_t                 pass, n, records;
    ngx_http_apigw_tnode_t    *tn;
    ngx_http_apigw_theader_t  *h;
    ngx_http_apigw_trecord_t  *rec;

    h = (ngx_http_apigw_theader_t *) p;

    if (len < 8 || ngx_memcmp(h->magic, NGX_HTTP_APIGW_STATE_MAGIC, 8) != 0) {
        return "not a state file of this module";
    }

    if (len < sizeof(ngx_http_apigw_theader_t)) {
        return "truncated header";
    }

    version = ngx_http_apigw_get32(h->version);

    if (version != NGX_HTTP_APIGW_STATE_VERSION) {
        return "unknown version";
    }

    start = p + sizeof(ngx_http_apigw_theader_t);
    last = p + len;

    if (ngx_http_apigw_get64(h->length) != (uint64_t) (last - start)) {
        return "truncated or extended: its length is not the header's";
    }

    if (ngx_http_apigw_get32(h->crc32) != ngx_crc32_long(start, last - start))
    {
        return "checksum mismatch";
    }

    records = ngx_http_apigw_get32(h->records);
    n = 0;

    /* the first pass checks every record, the second adds them */

    for (pass = 0; pass < 2; pass++) {

        for (p = start; p < last; p += id_len) {
            if ((size_t) (last - p) < sizeof(ngx_http_apigw_trecord_t)) {
                return "truncated record";
            }

            rec = (ngx_http_apigw_trecord_t *) p;
            p += sizeof(ngx_http_apigw_trecord_t);

            id_len = (rec->id_len[0] << 8) | rec->id_len[1];

            if (id_len < 2 || id_len > (size_t) (last - p)
                || p[0] != rec->kind
                || (rec->kind != NGX_HTTP_APIGW_ENTRY_QUOTA
                    && rec->kind != NGX_HTTP_APIGW_ENTRY_DAY))
            {
                return "malformed record";
            }

            if (pass == 0) {
                n++;
                continue;
            }

            id.data = p;
            id.len = id_len;

            ngx_shmtx_lock(&zone->shpool->mutex);

            tn = ngx_http_apigw_tzone_lookup(zone, &id,
                                         ngx_murmur_hash2(id.data, id.len));

            if (tn == NULL) {
                tn = ngx_http_apigw_tzone_create(zone, &id,
                                         ngx_murmur_hash2(id.data, id.len),
                                         NULL, 0, NULL);
            }

            if (tn == NULL) {
                ngx_shmtx_unlock(&zone->shpool->mutex);

                ngx_log_error(NGX_LOG_WARN, log, 0,
                              "apigw: shared zone \"%V\" is too small for "
                              "the state file: %ui of %ui usage counts "
                              "restored", &zone->name, n, records);
                return NULL;
            }

            if (rec->kind == NGX_HTTP_APIGW_ENTRY_QUOTA) {
                tn->u.quota.day = (int32_t) ngx_http_apigw_get32(rec->day);
                tn->u.quota.period =
                                (int64_t) ngx_http_apigw_get64(rec->period);
                tn->u.quota.count = ngx_http_apigw_get64(rec->count);
                tn->u.quota.day_count = ngx_http_apigw_get32(rec->day_count);

            } else {
                tn->u.day.day = (int32_t) ngx_http_apigw_get32(rec->day);
                tn->u.day.count = ngx_http_apigw_get64(rec->count);
            }

            ngx_shmtx_unlock(&zone->shpool->mutex);

            n++;
        }

        if (pass == 0) {
            if (n != records) {
                return "the number of records is not the header's";
            }

            n = 0;
        }
    }

    return NULL;
}


/* what the slab allocator takes for an allocation of this size */

static size_t
ngx_http_apigw_slab_size(size_t size)
{
    size_t  s;

    if (size > ngx_pagesize / 2) {
        return ngx_align(size, ngx_pagesize);
    }

    for (s = 8; s < size; s <<= 1) { /* void */ }

    return s;
}


/* the state file's numbers: big-endian, whatever the machine */

static void
ngx_http_apigw_put32(u_char *p, uint32_t v)
{
    p[0] = (u_char) (v >> 24);
    p[1] = (u_char) (v >> 16);
    p[2] = (u_char) (v >> 8);
    p[3] = (u_char) v;
}


static void
ngx_http_apigw_put64(u_char *p, uint64_t v)
{
    ngx_http_apigw_put32(p, (uint32_t) (v >> 32));
    ngx_http_apigw_put32(p + 4, (uint32_t) v);
}


static uint32_t
ngx_http_apigw_get32(u_char *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
           | ((uint32_t) p[2] << 8) | p[3];
}


static uint64_t
ngx_http_apigw_get64(u_char *p)
{
    return ((uint64_t) ngx_http_apigw_get32(p) << 32)
           | ngx_http_apigw_get32(p + 4);
}
