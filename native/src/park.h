/*
 * Parking: one futex word (a permit, like LockSupport's) per scheduler. sp_unpark sets the permit
 * and wakes a sleeper; sp_park consumes a permit or sleeps until one arrives or the timeout
 * passes. A permit set before the park makes the park return at once, so a wake-up that races the
 * decision to sleep is never lost: the kernel re-checks the word atomically with going to sleep.
 */
#ifndef SP_PARK_H
#define SP_PARK_H

#include "atomics.h"

typedef struct sp_parker {
    SP_ALIGNED _Atomic uint32_t permit; /* 1: an unpark is pending */
} sp_parker;

void sp_parker_init(sp_parker *p);
/* Owner only. timeout_ns < 0: no timeout. Returns 0 if a permit was already pending or timeout_ns
 * is 0 (did not sleep), 1 if it slept until a permit arrived or the timeout passed. Consumes the
 * permit either way. */
int sp_parker_park(sp_parker *p, int64_t timeout_ns);
/* Any thread. Returns 1 if it set the permit (and issued a futex wake), 0 if one was pending. */
int sp_parker_unpark(sp_parker *p);

#endif
