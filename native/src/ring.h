/*
 * Per-priority local run queue: a bounded FIFO of process indices with ONE producer (the owning
 * scheduler) and MANY consumers (the owner and thieves). FIFO rather than a Chase-Lev LIFO deque:
 * a process that yields must queue behind the others, or a yield loop starves its neighbours.
 *
 * Protocol: the producer writes the slot, then publishes it with a release store of tail.
 * Consumers read head (acquire) and tail (acquire), read the slot, and claim it with a CAS on
 * head; the CAS fails if any other consumer claimed it first (and only then could the producer
 * have reused that slot, since the producer never passes head + capacity).
 */
#ifndef SP_RING_H
#define SP_RING_H

#include "atomics.h"

typedef struct sp_ring {
    SP_ALIGNED _Atomic uint64_t head; /* consumers CAS it */
    SP_ALIGNED _Atomic uint64_t tail; /* only the owner writes it */
    SP_ALIGNED uint32_t mask;
    _Atomic uint32_t *slots;          /* relaxed atomics: the head/tail orders publish them */
} sp_ring;

int sp_ring_init(sp_ring *r, uint32_t capacity_pow2);
void sp_ring_destroy(sp_ring *r);
/* Owner only. Returns 0 when full. */
int sp_ring_push(sp_ring *r, uint32_t v);
/* Any thread. Returns -1 when empty. */
int64_t sp_ring_pop(sp_ring *r);
/* Thief: claims about half (>= 1, <= max) into out; returns the count. */
uint32_t sp_ring_steal_half(sp_ring *r, uint32_t *out, uint32_t max);
/* Approximate length, any thread. */
uint64_t sp_ring_len(const sp_ring *r);

#endif
