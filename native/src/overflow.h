/*
 * Overflow list: where entries go when a ring or the inject queue is full, so nothing is ever
 * dropped. A mutex-protected growable FIFO: it is the rare path (thousands of runnable processes
 * woken onto one scheduler at once), and a lock keeps it obviously correct. `count` lets the
 * hot path skip the lock when it is empty.
 */
#ifndef SP_OVERFLOW_H
#define SP_OVERFLOW_H

#include "atomics.h"

#include <pthread.h>

typedef struct sp_overflow {
    pthread_mutex_t lock;
    uint64_t *items; /* value = pid << 2 | prio */
    size_t head;
    size_t size;
    size_t cap;
    _Atomic uint64_t count;
} sp_overflow;

int sp_overflow_init(sp_overflow *o);
void sp_overflow_destroy(sp_overflow *o);
/* Any thread. Returns 0 only when out of memory (the caller aborts: losing an entry is worse). */
int sp_overflow_push(sp_overflow *o, uint64_t v);
/* Any thread. Returns 0 when empty. */
int sp_overflow_pop(sp_overflow *o, uint64_t *out);
uint64_t sp_overflow_len(const sp_overflow *o);

#endif
