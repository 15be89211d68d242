/*
 * Spindle native scheduling core: per-scheduler run queues in native memory, parking,
 * counters and topology. Reached from Java through JNI (src/jni_bridge.c); usable from C.
 *
 * Protocol summary (docs/architecture.md has the long form):
 *  - A queue entry is a process index (uint32_t) into the Java process table. A process is in at
 *    most one queue at a time; the Java side guarantees that with its process state machine.
 *  - Each scheduler owns: four local rings (one per priority, single producer = the owner,
 *    many consumers = the owner and stealers), one multi-producer inject queue for wake-ups
 *    that come from other threads, and an overflow list (mutex) for when a ring is full.
 *  - Only the owning scheduler thread calls sp_push_local / sp_next / sp_park for its index.
 *    sp_push_remote and sp_unpark may be called from any thread.
 */
#ifndef SPINDLE_H
#define SPINDLE_H

#include <stdint.h>

#define SP_PRIO_MAX 0u
#define SP_PRIO_HIGH 1u
#define SP_PRIO_NORMAL 2u
#define SP_PRIO_LOW 3u
#define SP_NPRIO 4u

/* Normal/low interleave: when both are runnable, low gets one turn per this many picks. */
#define SP_LOW_TURN 8u

#define SP_ABI_VERSION 1

typedef struct sp_set sp_set;

/* Per-scheduler counters, one cache line each, monotonically increasing. Written by the named
 * writer with relaxed atomics; readers (any thread, or Java through a direct ByteBuffer) read
 * them relaxed: they are statistics, never used for synchronisation. */
typedef struct sp_counters {
    _Atomic uint64_t executed;       /* owner: entries returned by sp_next */
    _Atomic uint64_t pushed_local;   /* owner: sp_push_local calls */
    _Atomic uint64_t injected;       /* any thread: sp_push_remote calls targeting this scheduler */
    _Atomic uint64_t stolen;         /* owner: entries this scheduler took from others */
    _Atomic uint64_t parks;          /* owner: times it actually slept in sp_park */
    _Atomic uint64_t wakeups;        /* any thread: sp_unpark calls that found no pending permit */
    _Atomic uint64_t overflowed;     /* owner/any: entries that went to the overflow list */
    _Atomic uint64_t steal_attempts; /* owner: victims probed */
} sp_counters;

#define SP_COUNTERS_SIZE 64

/* Creates n schedulers' queues. local_capacity and inject_capacity are rounded up to powers of
 * two (minimum 2). Returns NULL on bad arguments (n == 0 or n > 4096) or out of memory. */
sp_set *sp_create(uint32_t n, uint32_t local_capacity, uint32_t inject_capacity);

/* Frees everything. No other call on the set may be in progress or follow. */
void sp_destroy(sp_set *set);

uint32_t sp_count(const sp_set *set);

/* Owner of scheduler s only: append pid to s's local ring for prio (0..3). A full ring spills to
 * s's overflow list. Afterwards, when s holds two or more runnable entries and some scheduler is
 * sleeping while none is searching, wakes exactly one sleeper so it can steal (Pony's rule: no
 * wake for the one entry the owner is about to run, so a ping-pong never pays a futex call).
 * Clarification: "two or more" is counted in the ring of prio (what a thief can take from); the
 * check costs a seq_cst fence plus two relaxed loads only when that ring holds two or more. */
void sp_push_local(sp_set *set, uint32_t s, uint32_t pid, uint32_t prio);

/* Any thread: append pid to s's inject queue for prio; a full inject queue spills to the
 * overflow list. Wakes s if it is sleeping. */
void sp_push_remote(sp_set *set, uint32_t s, uint32_t pid, uint32_t prio);

/* Owner of s only: the next pid to run on s, or -1 when there is none. Order: drain the inject
 * queue into the local rings (spilling to overflow), then max, then high, then normal and low
 * (low takes one turn in SP_LOW_TURN when both are non-empty), then the overflow list; then, if
 * steal != 0, steal from the other online schedulers: victims walked round robin starting after
 * the last victim, taking about half of the victim's highest non-empty priority ring (at least
 * one entry, at most half of the local capacity). The first stolen entry is returned, the rest
 * land in s's own ring of the same priority.
 * Clarifications (implementation choices the text above leaves open):
 *  - Every 61st call takes from the overflow list first (Go's and Tokio's global-queue tick), so
 *    spilled entries cannot starve behind rings that never drain. Spilling only happens when a
 *    ring or the inject queue is full; without spills the order is exactly the one above.
 *  - Per priority, entries come out FIFO as long as nothing spilled (inject -> ring preserves
 *    each producer's order); once a ring was full, spilled entries may run after later ones.
 *  - A victim ring holding a single entry is skipped unless the victim's executed counter has
 *    not moved for 50 us (its owner is stuck in a long slice): that entry is what the owner runs
 *    next, and stealing it would move a request/response pair across cores on every hop.
 *  - An offline scheduler (s >= sp_online) does not steal: it only drains its own queues. */
int64_t sp_next(sp_set *set, uint32_t s, int steal);

/* Owner of s only: sleep until woken or until timeout_ns passes (timeout_ns < 0: no timeout).
 * Announces s as sleeping (seq_cst), then re-checks for work (its own queues, and any online
 * scheduler holding two or more entries); if it finds some it returns 1 at once without sleeping.
 * Otherwise sleeps on a futex and returns 0 when woken or timed out. A wake (sp_unpark) sent
 * before the sleep begins is not lost: it makes the next sp_park return at once.
 * Clarification: returns 1 only for "work was visible, did not sleep"; a pending wake that makes it
 * return at once, a wake-up and a timeout all return 0. A timed sleep lasts at least timeout_ns
 * unless woken (EINTR and spurious futex returns sleep again). counters.parks counts real sleeps. */
int sp_park(sp_set *set, uint32_t s, int64_t timeout_ns);

/* Any thread: wake s if it sleeps in sp_park, or make its next sp_park return at once. */
void sp_unpark(sp_set *set, uint32_t s);

/* Schedulers with index >= n are offline: they are never chosen as steal victims or woken to
 * steal. 1 <= n <= count (values outside are clamped). Entries already queued on them stay until
 * their owner drains them. */
void sp_set_online(sp_set *set, uint32_t n);
uint32_t sp_online(const sp_set *set);

/* Approximate number of entries queued for s at prio (local ring + inject + overflow share).
 * Clarification: the overflow share is exact per priority; injected entries not yet drained (every
 * sp_next drains them) are counted once, under SP_PRIO_NORMAL. Lock-free, relaxed loads only. */
int64_t sp_queue_length(const sp_set *set, uint32_t s, uint32_t prio);

/* Pointer to count() consecutive sp_counters (64-byte aligned), valid until sp_destroy. */
const sp_counters *sp_counters_of(const sp_set *set);

/* Topology. */
int sp_current_cpu(void);                 /* sched_getcpu(), or -1 */
int sp_allowed_cpus(int32_t *out, int max); /* CPUs in this thread's affinity mask, ascending; returns count, or -1
                                             * (count may exceed max: only the first max are written) */
int sp_pin_current(int cpu);              /* sched_setaffinity of the calling thread to one CPU; 0 or -errno */

#endif
