#include "inject.h"

#include "testhook.h"

#include <stdlib.h>

int sp_inject_init(sp_inject *q, uint32_t capacity_pow2)
{
    q->cells = aligned_alloc(SP_CACHE_LINE, ((sizeof(sp_inject_cell) * capacity_pow2 + SP_CACHE_LINE - 1) / SP_CACHE_LINE) * SP_CACHE_LINE);
    if (q->cells == NULL) {
        return -1;
    }
    q->mask = capacity_pow2 - 1;
    for (uint32_t i = 0; i < capacity_pow2; i++) {
        atomic_init(&q->cells[i].seq, i);
        q->cells[i].value = 0;
    }
    atomic_init(&q->enqueue_pos, 0);
    atomic_init(&q->dequeue_pos, 0);
    return 0;
}

void sp_inject_destroy(sp_inject *q)
{
    free(q->cells);
    q->cells = NULL;
}

int sp_inject_push(sp_inject *q, uint64_t v)
{
    /* relaxed: only a hint; the CAS below decides. */
    uint64_t pos = atomic_load_explicit(&q->enqueue_pos, memory_order_relaxed);
    for (;;) {
        sp_inject_cell *cell = &q->cells[pos & q->mask];
        /* acquire: pairs with the consumer's release of seq, so the cell is free to overwrite. */
        const uint64_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
        const int64_t diff = (int64_t)seq - (int64_t)pos;
        if (diff == 0) {
            /* relaxed: the cell's seq (release below) publishes the value, not this CAS. */
            if (atomic_compare_exchange_weak_explicit(&q->enqueue_pos, &pos, pos + 1, memory_order_relaxed, memory_order_relaxed)) {
                SP_HOOK(SP_HOOK_INJECT_CLAIMED);
                cell->value = v;
                /* release: the value is visible to the consumer that acquires seq == pos + 1. */
                atomic_store_explicit(&cell->seq, pos + 1, memory_order_release);
                return 1;
            }
        } else if (diff < 0) {
            return 0; /* full: the consumer has not freed this cell yet */
        } else {
            /* relaxed: another producer took pos; start from the current position. */
            pos = atomic_load_explicit(&q->enqueue_pos, memory_order_relaxed);
        }
    }
}

int sp_inject_pop(sp_inject *q, uint64_t *out)
{
    /* relaxed: a starting guess; the CAS below validates it. */
    uint64_t pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
    for (;;) {
        sp_inject_cell *cell = &q->cells[pos & q->mask];
        /* acquire: pairs with the producer's release of seq, so value is written when seq says so. */
        const uint64_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
        const int64_t diff = (int64_t)seq - (int64_t)(pos + 1);
        if (diff == 0) {
            /* relaxed: the claim needs no ordering of its own. The value was made visible by the
             * acquire above; no producer can overwrite it until we release seq below; and a
             * consumer whose pos is stale fails this CAS (dequeue_pos only grows: no ABA). */
            if (atomic_compare_exchange_weak_explicit(&q->dequeue_pos, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed)) {
                SP_HOOK(SP_HOOK_INJECT_POPPED);
                *out = cell->value;
                /* release: our read of value happens before a producer reuses the cell one lap later. */
                atomic_store_explicit(&cell->seq, pos + q->mask + 1, memory_order_release);
                return 1;
            }
            /* the failed CAS reloaded pos */
        } else if (diff < 0) {
            return 0; /* empty, or a producer claimed the cell and has not published yet */
        } else {
            /* another consumer took pos (and a producer may have refilled it): start again.
             * relaxed: as the first load. */
            pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
        }
    }
}

int sp_inject_pop_single(sp_inject *q, uint64_t *out)
{
    /* relaxed: only this consumer writes dequeue_pos. */
    const uint64_t pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
    sp_inject_cell *cell = &q->cells[pos & q->mask];
    /* acquire: pairs with the producer's release, so value is written. */
    const uint64_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
    if ((int64_t)seq - (int64_t)(pos + 1) < 0) {
        return 0; /* empty, or a producer claimed the cell and has not published yet */
    }
    *out = cell->value;
    /* relaxed: no other consumer; length readers only need an eventually fresh value. */
    atomic_store_explicit(&q->dequeue_pos, pos + 1, memory_order_relaxed);
    /* release: our read of value happens before a producer reuses the cell one lap later. */
    atomic_store_explicit(&cell->seq, pos + q->mask + 1, memory_order_release);
    return 1;
}

uint64_t sp_inject_len(const sp_inject *q)
{
    /* relaxed: a statistic, or (in sp_park's re-check) ordered by the seq_cst fences of the
     * Dekker: the pusher's enqueue_pos CAS precedes its fence, the sleeper's load follows its own.
     * dequeue_pos first: both only grow, so e read later is never below d, and a consumer that
     * moves d in between can only make the result larger than the length at the first load, never
     * smaller (smaller, "empty", is the answer that could put a sleeper to sleep wrongly). */
    const uint64_t d = atomic_load_explicit(&((sp_inject *)q)->dequeue_pos, memory_order_relaxed);
    const uint64_t e = atomic_load_explicit(&((sp_inject *)q)->enqueue_pos, memory_order_relaxed);
    return e > d ? e - d : 0;
}
