/*
 * Owner-only FIFO of process indices: the rings for bound entries, which only their scheduler may
 * run (thieves never see them). One thread pushes and pops, so there is no CAS and no fence; head
 * and tail are atomics only so that other threads (sp_queue_length) can read the length, as a
 * statistic, without a data race.
 */
#ifndef SP_FIFO_H
#define SP_FIFO_H

#include "atomics.h"

typedef struct sp_fifo {
    SP_ALIGNED _Atomic uint64_t head; /* written by the owner only */
    _Atomic uint64_t tail;            /* written by the owner only */
    uint32_t mask;
    uint32_t *slots;                  /* owner only */
} sp_fifo;

int sp_fifo_init(sp_fifo *f, uint32_t capacity_pow2);
void sp_fifo_destroy(sp_fifo *f);
/* Owner only. Returns 0 when full. */
int sp_fifo_push(sp_fifo *f, uint32_t v);
/* Owner only. Returns -1 when empty. */
int64_t sp_fifo_pop(sp_fifo *f);
/* Exact for the owner; approximate for any other thread. */
uint64_t sp_fifo_len(const sp_fifo *f);

#endif
