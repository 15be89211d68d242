/*
 * Overflow list: where entries go when a ring, a bound FIFO or an inject queue is full, so nothing
 * is ever dropped. A mutex-protected growable FIFO: it is the rare path (thousands of runnable
 * processes woken onto one scheduler at once), and a lock keeps it obviously correct. The atomic
 * counts let the hot path skip the lock when it is empty and let sp_queue_length read it without
 * locking. An entry is pid << 3 | flags: bits 0-1 its priority, bit 2 (4) set when it is bound.
 * The owner pops entries of both kinds in FIFO order; a thief rescuing work from a stalled owner
 * takes only unbound ones (sp_overflow_take_unbound), bound ones keep their places.
 */
#ifndef SP_OVERFLOW_H
#define SP_OVERFLOW_H

#include "atomics.h"

#include <pthread.h>

typedef struct sp_overflow {
    SP_ALIGNED pthread_mutex_t lock;
    uint64_t *items; /* pid << 3 | flags; guarded by lock */
    size_t head;
    size_t size;
    size_t cap;
    /* Written under lock, read without it (hints and statistics). */
    SP_ALIGNED _Atomic uint64_t count;
    _Atomic uint64_t count_unbound;
    _Atomic uint64_t count_prio[4];
} sp_overflow;

#define SP_OVERFLOW_BOUND 4u /* the flag bit that marks a bound entry (SP_BOUND in spindle.h) */

int sp_overflow_init(sp_overflow *o);
void sp_overflow_destroy(sp_overflow *o);
/* Any thread. Returns 0 only when out of memory (the caller aborts: losing an entry is worse). */
int sp_overflow_push(sp_overflow *o, uint64_t v);
/* Any thread. The oldest entry of either kind. Returns 0 when empty. */
int sp_overflow_pop(sp_overflow *o, uint64_t *out);
/* Any thread (a rescuing thief). Moves up to max of the oldest unbound entries to out, oldest
 * first, leaving bound ones in place and in order. Returns the count. */
uint32_t sp_overflow_take_unbound(sp_overflow *o, uint64_t *out, uint32_t max);
/* Approximate, any thread, no lock. */
uint64_t sp_overflow_len(const sp_overflow *o);
uint64_t sp_overflow_len_unbound(const sp_overflow *o);
uint64_t sp_overflow_len_prio(const sp_overflow *o, uint32_t prio);

#endif
