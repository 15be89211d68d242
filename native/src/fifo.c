#include "fifo.h"

#include <stdlib.h>

int sp_fifo_init(sp_fifo *f, uint32_t capacity_pow2)
{
    f->slots = aligned_alloc(SP_CACHE_LINE, ((sizeof(uint32_t) * capacity_pow2 + SP_CACHE_LINE - 1) / SP_CACHE_LINE) * SP_CACHE_LINE);
    if (f->slots == NULL) {
        return -1;
    }
    f->mask = capacity_pow2 - 1;
    atomic_init(&f->head, 0);
    atomic_init(&f->tail, 0);
    return 0;
}

void sp_fifo_destroy(sp_fifo *f)
{
    free(f->slots);
    f->slots = NULL;
}

/* All loads and stores below are relaxed: the owner is the only writer, so it always reads its own
 * latest values, and other threads only read the length as a statistic. */

int sp_fifo_push(sp_fifo *f, uint32_t v)
{
    const uint64_t t = atomic_load_explicit(&f->tail, memory_order_relaxed);
    if (t - atomic_load_explicit(&f->head, memory_order_relaxed) > f->mask) {
        return 0;
    }
    f->slots[t & f->mask] = v;
    atomic_store_explicit(&f->tail, t + 1, memory_order_relaxed);
    return 1;
}

int64_t sp_fifo_pop(sp_fifo *f)
{
    const uint64_t h = atomic_load_explicit(&f->head, memory_order_relaxed);
    if (h == atomic_load_explicit(&f->tail, memory_order_relaxed)) {
        return -1;
    }
    const uint32_t v = f->slots[h & f->mask];
    atomic_store_explicit(&f->head, h + 1, memory_order_relaxed);
    return v;
}

uint64_t sp_fifo_len(const sp_fifo *f)
{
    /* Two relaxed loads are not ordered with each other: for another thread the tail may be older
     * than the head, which the guard below reads as empty. */
    const uint64_t h = atomic_load_explicit(&((sp_fifo *)f)->head, memory_order_relaxed);
    const uint64_t t = atomic_load_explicit(&((sp_fifo *)f)->tail, memory_order_relaxed);
    return t > h ? t - h : 0;
}
