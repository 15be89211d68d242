#include "ring.h"

#include <stdlib.h>

int sp_ring_init(sp_ring *r, uint32_t capacity_pow2)
{
    r->slots = aligned_alloc(SP_CACHE_LINE, ((sizeof(uint32_t) * capacity_pow2 + SP_CACHE_LINE - 1) / SP_CACHE_LINE) * SP_CACHE_LINE);
    if (r->slots == NULL) {
        return -1;
    }
    r->mask = capacity_pow2 - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    for (uint32_t i = 0; i < capacity_pow2; i++) {
        atomic_init(&r->slots[i], 0);
    }
    return 0;
}

void sp_ring_destroy(sp_ring *r)
{
    free(r->slots);
    r->slots = NULL;
}

int sp_ring_push(sp_ring *r, uint32_t v)
{
    /* relaxed: only this thread writes tail. */
    const uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    /* acquire: slots below head were read by their consumer before it moved head, so reuse is safe. */
    const uint64_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    if (t - h > r->mask) {
        return 0;
    }
    /* relaxed: published by the release store of tail below. */
    atomic_store_explicit(&r->slots[t & r->mask], v, memory_order_relaxed);
    /* release: makes the slot write visible to any consumer that acquires this tail. */
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
    return 1;
}

int64_t sp_ring_pop(sp_ring *r)
{
    /* acquire: pairs with the CAS of other consumers so the tail/slot reads below are not stale. */
    uint64_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    for (;;) {
        /* acquire: pairs with push's release, so the slot at h is written. */
        const uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h >= t) {
            return -1;
        }
        /* relaxed: ordered after the tail acquire; validated by the CAS. */
        const uint32_t v = atomic_load_explicit(&r->slots[h & r->mask], memory_order_relaxed);
        /* acq_rel on success: claims the slot and orders our read of it before the owner may
         * reuse it (the owner acquires head). acquire on failure: h is reloaded fresh. */
        if (atomic_compare_exchange_weak_explicit(&r->head, &h, h + 1, memory_order_acq_rel, memory_order_acquire)) {
            return v;
        }
    }
}

uint32_t sp_ring_steal_half(sp_ring *r, uint32_t *out, uint32_t max)
{
    /* acquire: as in pop. */
    uint64_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    for (;;) {
        /* acquire: pairs with push's release. */
        const uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h >= t) {
            return 0;
        }
        const uint64_t avail = t - h;
        uint64_t n = avail - avail / 2;
        if (n > max) {
            n = max;
        }
        for (uint64_t i = 0; i < n; i++) {
            /* relaxed: read before the claim, validated by the CAS. */
            out[i] = atomic_load_explicit(&r->slots[(h + i) & r->mask], memory_order_relaxed);
        }
        /* acq_rel/acquire: as in pop, claiming n slots at once. */
        if (atomic_compare_exchange_weak_explicit(&r->head, &h, h + n, memory_order_acq_rel, memory_order_acquire)) {
            return (uint32_t)n;
        }
    }
}

uint64_t sp_ring_len(const sp_ring *r)
{
    /* relaxed: a statistic, or ordered by the caller's seq_cst fence (sp_park's re-check,
     * sp_push_local's wake rule). Two relaxed loads are not ordered with each other, so the tail
     * may be older than the head: the guard below reads that as empty. */
    const uint64_t h = atomic_load_explicit(&((sp_ring *)r)->head, memory_order_relaxed);
    const uint64_t t = atomic_load_explicit(&((sp_ring *)r)->tail, memory_order_relaxed);
    return t > h ? t - h : 0;
}
