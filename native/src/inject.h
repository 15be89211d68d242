/*
 * Inject queue: where other threads put entries for a scheduler (sp_push_remote). A bounded
 * Vyukov array: each cell has a sequence number; a producer claims a position with a CAS on
 * enqueue_pos and publishes the value with a release store of the cell's seq; a consumer claims a
 * published cell with a CAS on dequeue_pos, reads the value, and hands the cell back to producers
 * one lap later with a release store of seq. Lock-free, no allocation. A full queue reports
 * failure and the caller spills to the overflow list.
 *
 * Two consumers' views, one algorithm:
 *  - sp_inject_pop: safe with any number of consumers (the CAS on dequeue_pos decides). The
 *    unbound inject queue uses it: its owner drains it, and a thief rescues entries from it while
 *    the owner is stalled (sched_set.c / steal.c).
 *  - sp_inject_pop_single: a plain store of dequeue_pos instead of the CAS, for a queue whose only
 *    consumer is the caller (the bound inject queue: bound entries are never taken by thieves).
 *
 * A producer that claimed a cell and has not published it yet blocks consumers at that cell: they
 * see "empty" there, while sp_inject_len already counts it. That is safe for the sleep/wake
 * protocol (a sleeper that counts the cell does not sleep; the producer's fence and wake come
 * after it publishes), and it lasts for the few instructions between the CAS and the store unless
 * the producer is preempted there.
 */
#ifndef SP_INJECT_H
#define SP_INJECT_H

#include "atomics.h"

typedef struct sp_inject_cell {
    _Atomic uint64_t seq;
    uint64_t value; /* published by seq */
} sp_inject_cell;

typedef struct sp_inject {
    SP_ALIGNED _Atomic uint64_t enqueue_pos; /* producers CAS it */
    SP_ALIGNED _Atomic uint64_t dequeue_pos; /* consumers CAS it (or the single consumer stores it) */
    SP_ALIGNED uint64_t mask;
    sp_inject_cell *cells;
} sp_inject;

int sp_inject_init(sp_inject *q, uint32_t capacity_pow2);
void sp_inject_destroy(sp_inject *q);
/* Any thread. Returns 0 when full. */
int sp_inject_push(sp_inject *q, uint64_t v);
/* Any consumer, concurrently with other consumers. Returns 0 when empty (or the next cell is
 * claimed but not yet published). */
int sp_inject_pop(sp_inject *q, uint64_t *out);
/* The queue's only consumer. Returns 0 when empty (or not yet published). */
int sp_inject_pop_single(sp_inject *q, uint64_t *out);
/* Approximate (claimed but unpublished cells count), any thread. */
uint64_t sp_inject_len(const sp_inject *q);

#endif
