/*
 * Inject queue: many producers (any thread waking a process on this scheduler), one consumer
 * (the owner). A bounded Vyukov MPMC array: each cell has a sequence number; a producer claims a
 * position with a CAS on enqueue_pos and publishes the value with a release store of the cell's
 * sequence; the consumer acquires the sequence before reading the value. Lock-free, no allocation,
 * linearizable per cell. A full queue reports failure and the caller spills to the overflow list.
 */
#ifndef SP_INJECT_H
#define SP_INJECT_H

#include "atomics.h"

typedef struct sp_inject_cell {
    _Atomic uint64_t seq;
    uint64_t value; /* published by seq */
} sp_inject_cell;

typedef struct sp_inject {
    SP_ALIGNED _Atomic uint64_t enqueue_pos;
    SP_ALIGNED _Atomic uint64_t dequeue_pos; /* single consumer, atomic for length readers */
    SP_ALIGNED uint64_t mask;
    sp_inject_cell *cells;
} sp_inject;

int sp_inject_init(sp_inject *q, uint32_t capacity_pow2);
void sp_inject_destroy(sp_inject *q);
/* Any thread. Returns 0 when full. */
int sp_inject_push(sp_inject *q, uint64_t v);
/* Owner only. Returns 0 when empty. */
int sp_inject_pop(sp_inject *q, uint64_t *out);
/* Approximate (claimed but unpublished cells count), any thread. */
uint64_t sp_inject_len(const sp_inject *q);

#endif
