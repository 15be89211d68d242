/*
 * Parking: one futex word (a permit, like LockSupport's) per scheduler. sp_unpark sets the permit
 * and wakes a sleeper; sp_park consumes a permit or sleeps until one arrives or the timeout
 * passes. A permit set before the park makes the park return at once, so a wake-up that races the
 * decision to sleep is never lost.
 */
#ifndef SP_PARK_H
#define SP_PARK_H

#include "atomics.h"

typedef struct sp_parker {
    SP_ALIGNED _Atomic uint32_t permit;
} sp_parker;

void sp_parker_init(sp_parker *p);
/* Owner only. Returns 1 if it slept (or was woken while about to), 0 if a permit was pending. */
int sp_parker_park(sp_parker *p, int64_t timeout_ns);
/* Any thread. Returns 1 if it issued a futex wake (the permit was not already set). */
int sp_parker_unpark(sp_parker *p);

#endif
