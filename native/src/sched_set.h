/*
 * Internal: a node's schedulers (struct sp_set) and one scheduler's queues (sp_sched), shared by
 *  - sched_set.c: create/destroy, pushes, sp_next's own-queue part, queue lengths;
 *  - steal.c:     sp_next's steal phase: stealing from rings, rescuing from stalled victims;
 *  - sleep.c:     sp_park / sp_unpark and every rule that decides who wakes whom.
 * Who writes what is noted per field; docs/native-core.md has the protocol.
 */
#ifndef SP_SCHED_SET_H
#define SP_SCHED_SET_H

#include "spindle/spindle.h"

#include "fifo.h"
#include "inject.h"
#include "overflow.h"
#include "park.h"
#include "ring.h"

#include <time.h>

typedef struct sp_sched {
    sp_ring rings[SP_NPRIO];   /* unbound entries: the owner pushes; the owner and thieves take */
    sp_fifo bound[SP_NPRIO];   /* bound entries: the owner only */
    sp_inject inject;          /* unbound remote pushes: any producer; the owner, and rescuing thieves */
    sp_inject bound_inject;    /* bound remote pushes: any producer; the owner only */
    sp_overflow overflow;      /* both kinds, flagged; the owner, and rescuing thieves (unbound only) */
    sp_parker parker;
    SP_ALIGNED _Atomic uint32_t sleeping; /* the owner: 1 between announcing sleep and waking */
    SP_ALIGNED _Atomic uint64_t polls;    /* the owner: +1 per sp_next / sp_park; thieves read it */
    /* Owner-only state, on its own cache line. */
    SP_ALIGNED uint32_t low_turn;
    uint32_t maybe_queued;   /* bit p: ring p or bound FIFO p may hold entries (set by sp_place,
                              * cleared when a take at p finds both empty; thieves only empty rings,
                              * so a set bit may be stale, a clear one never is) */
    uint32_t bound_turn;
    uint32_t tick;           /* sp_next calls, for the overflow turn */
    uint32_t last_victim;
    int watching;            /* this scheduler holds set->watcher */
    uint32_t *steal_buf;     /* local_capacity / 2 pids (ring steals) */
    uint64_t *rescue_buf;    /* local_capacity / 2 entries (rescues) */
    uint64_t *seen_polls;    /* per victim: its poll counter when we last saw it change */
    uint64_t *seen_at;       /* per victim: when (CLOCK_MONOTONIC ns) */
} sp_sched;

struct sp_set {
    /* Read-only after sp_create. */
    sp_sched *scheds;
    sp_counters *counters;
    uint32_t n;
    uint32_t local_capacity;
    /* Each written by different parties at different rates: one line each. */
    SP_ALIGNED _Atomic uint32_t online;
    SP_ALIGNED _Atomic int32_t nsleeping;  /* online schedulers between announcing sleep and waking */
    SP_ALIGNED _Atomic int32_t nsearching; /* schedulers inside the steal phase of sp_next */
    SP_ALIGNED _Atomic int32_t watcher;    /* the scheduler that watches (sp_park), or -1 */
};

/* An entry in inject queues and the overflow list: pid << 3 | flags, where flags = prio | SP_BOUND
 * exactly as passed to the push (so overflow.c's bit 2 is SP_BOUND). */
_Static_assert(SP_BOUND == SP_OVERFLOW_BOUND, "overflow.c marks bound entries with SP_BOUND's bit");
static inline uint64_t sp_entry(uint32_t pid, uint32_t flags)
{
    return (uint64_t)pid << 3 | flags;
}
static inline uint32_t sp_entry_pid(uint64_t v)
{
    return (uint32_t)(v >> 3);
}
static inline uint32_t sp_entry_prio(uint64_t v)
{
    return (uint32_t)v & 3u;
}
static inline int sp_entry_bound(uint64_t v)
{
    return (v & SP_BOUND) != 0;
}

static inline uint64_t sp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Owner-written counter: relaxed load + store, no RMW needed with one writer; relaxed because
 * counters are statistics, never used for synchronisation (spindle.h). */
static inline void sp_count_owner(_Atomic uint64_t *c, uint64_t by)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by, memory_order_relaxed);
}

/* Counter written by any thread: a relaxed RMW (statistics only). */
static inline void sp_count_any(_Atomic uint64_t *c, uint64_t by)
{
    atomic_fetch_add_explicit(c, by, memory_order_relaxed);
}

/* Owner: one more poll (sp_next / sp_park). relaxed: one writer; thieves compare values over time
 * and only need to see a change eventually (a stale value delays a rescue, or rescues from a
 * scheduler that just resumed: harmless, unbound entries may run anywhere). */
static inline void sp_poll(sp_sched *sc)
{
    atomic_store_explicit(&sc->polls, atomic_load_explicit(&sc->polls, memory_order_relaxed) + 1, memory_order_relaxed);
}

/* sched_set.c: queue an entry on s's own queues by its kind and priority (the owner, or a thief
 * keeping what it took: always s's own thread); a full ring or FIFO spills to the overflow list. */
void sp_place(sp_set *set, uint32_t s, uint64_t entry);
/* sched_set.c: into s's overflow list; aborts if out of memory (a dropped entry hangs a process). */
void sp_spill(sp_set *set, uint32_t s, uint64_t entry);

/* steal.c: the steal phase of sp_next for s (online schedulers only). */
int64_t sp_steal(sp_set *set, uint32_t s);

/* sleep.c: the wake rules (see there). */
void sp_wake_to_steal(sp_set *set, uint32_t s);       /* s holds >= 2 in a ring: fence, maybe wake one */
void sp_wake_for_stalled(sp_set *set, uint32_t from); /* work left at a stalled victim: wake one */
void sp_watch_released(sp_set *set, uint32_t s);      /* s found work: give up the watcher slot */

#endif
