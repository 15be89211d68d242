#include "overflow.h"

#include <stdlib.h>
#include <string.h>

int sp_overflow_init(sp_overflow *o)
{
    if (pthread_mutex_init(&o->lock, NULL) != 0) {
        return -1;
    }
    o->items = NULL;
    o->head = o->size = o->cap = 0;
    atomic_init(&o->count, 0);
    atomic_init(&o->count_unbound, 0);
    for (int p = 0; p < 4; p++) {
        atomic_init(&o->count_prio[p], 0);
    }
    return 0;
}

void sp_overflow_destroy(sp_overflow *o)
{
    free(o->items);
    o->items = NULL;
    pthread_mutex_destroy(&o->lock);
}

/* Counts change only under the lock, so a load + store is enough (no RMW). relaxed: the mutex
 * orders writers; lock-free readers use them as hints or statistics only, and the one reader that
 * needs more (sp_park's re-check) is ordered by the seq_cst fences of the Dekker (sched_set.c). */
static void count_add(_Atomic uint64_t *c, int64_t by)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + (uint64_t)by, memory_order_relaxed);
}

int sp_overflow_push(sp_overflow *o, uint64_t v)
{
    pthread_mutex_lock(&o->lock);
    if (o->head + o->size == o->cap) {
        if (o->head > 0) {
            memmove(o->items, o->items + o->head, o->size * sizeof(uint64_t));
            o->head = 0;
        }
        if (o->size == o->cap) {
            const size_t cap = o->cap == 0 ? 256 : o->cap * 2;
            uint64_t *grown = realloc(o->items, cap * sizeof(uint64_t));
            if (grown == NULL) {
                pthread_mutex_unlock(&o->lock);
                return 0;
            }
            o->items = grown;
            o->cap = cap;
        }
    }
    o->items[o->head + o->size++] = v;
    count_add(&o->count_prio[v & 3], 1);
    if ((v & SP_OVERFLOW_BOUND) == 0) {
        count_add(&o->count_unbound, 1);
    }
    count_add(&o->count, 1);
    pthread_mutex_unlock(&o->lock);
    return 1;
}

int sp_overflow_pop(sp_overflow *o, uint64_t *out)
{
    /* relaxed: a hint to skip the lock; the locked section decides. A push this misses is found
     * by the owner's next call or by sp_park's fenced re-check. */
    if (atomic_load_explicit(&o->count, memory_order_relaxed) == 0) {
        return 0;
    }
    pthread_mutex_lock(&o->lock);
    if (o->size == 0) {
        pthread_mutex_unlock(&o->lock);
        return 0;
    }
    const uint64_t v = o->items[o->head++];
    o->size--;
    if (o->size == 0) {
        o->head = 0;
    }
    count_add(&o->count_prio[v & 3], -1);
    if ((v & SP_OVERFLOW_BOUND) == 0) {
        count_add(&o->count_unbound, -1);
    }
    count_add(&o->count, -1);
    pthread_mutex_unlock(&o->lock);
    *out = v;
    return 1;
}

uint32_t sp_overflow_take_unbound(sp_overflow *o, uint64_t *out, uint32_t max)
{
    /* relaxed: a hint to skip the lock, as in sp_overflow_pop. */
    if (max == 0 || atomic_load_explicit(&o->count_unbound, memory_order_relaxed) == 0) {
        return 0;
    }
    pthread_mutex_lock(&o->lock);
    /* One pass: unbound entries go to out until it is full, the others slide down in order. */
    uint32_t taken = 0;
    size_t kept = 0;
    for (size_t i = 0; i < o->size; i++) {
        const uint64_t v = o->items[o->head + i];
        if (taken < max && (v & SP_OVERFLOW_BOUND) == 0) {
            out[taken++] = v;
            count_add(&o->count_prio[v & 3], -1);
        } else {
            o->items[o->head + kept++] = v;
        }
    }
    o->size = kept;
    if (o->size == 0) {
        o->head = 0;
    }
    count_add(&o->count_unbound, -(int64_t)taken);
    count_add(&o->count, -(int64_t)taken);
    pthread_mutex_unlock(&o->lock);
    return taken;
}

uint64_t sp_overflow_len(const sp_overflow *o)
{
    /* relaxed: a statistic, or (in sp_park) ordered by the caller's seq_cst fence. */
    return atomic_load_explicit(&((sp_overflow *)o)->count, memory_order_relaxed);
}

uint64_t sp_overflow_len_unbound(const sp_overflow *o)
{
    /* relaxed: a hint (a thief deciding whether to rescue), or a statistic. */
    return atomic_load_explicit(&((sp_overflow *)o)->count_unbound, memory_order_relaxed);
}

uint64_t sp_overflow_len_prio(const sp_overflow *o, uint32_t prio)
{
    /* relaxed: a statistic. */
    return atomic_load_explicit(&((sp_overflow *)o)->count_prio[prio & 3], memory_order_relaxed);
}
