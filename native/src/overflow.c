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
    return 0;
}

void sp_overflow_destroy(sp_overflow *o)
{
    free(o->items);
    o->items = NULL;
    pthread_mutex_destroy(&o->lock);
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
    /* seq_cst: counted before the pusher's wake check, and read by the sleeper's re-check (Dekker). */
    atomic_fetch_add_explicit(&o->count, 1, memory_order_seq_cst);
    pthread_mutex_unlock(&o->lock);
    return 1;
}

int sp_overflow_pop(sp_overflow *o, uint64_t *out)
{
    /* relaxed: a hint to skip the lock; the locked section decides. */
    if (atomic_load_explicit(&o->count, memory_order_relaxed) == 0) {
        return 0;
    }
    pthread_mutex_lock(&o->lock);
    if (o->size == 0) {
        pthread_mutex_unlock(&o->lock);
        return 0;
    }
    *out = o->items[o->head++];
    o->size--;
    if (o->size == 0) {
        o->head = 0;
    }
    /* relaxed: the mutex orders it with pushes; readers only use it as a hint or statistic. */
    atomic_fetch_sub_explicit(&o->count, 1, memory_order_relaxed);
    pthread_mutex_unlock(&o->lock);
    return 1;
}

uint64_t sp_overflow_len(const sp_overflow *o)
{
    /* seq_cst: part of the sleep re-check. */
    return atomic_load_explicit(&((sp_overflow *)o)->count, memory_order_seq_cst);
}
