/*
 * Spindle native scheduling core: per-scheduler run queues in native memory, parking,
 * counters and topology. Reached from Java through JNI (src/jni_bridge.c); usable from C.
 * docs/native-core.md has the long form of the protocol, how it is checked, and why.
 *
 * Protocol summary:
 *  - A queue entry is a process index (uint32_t) into the Java process table. A process is in at
 *    most one queue at a time; the Java side guarantees that with its process state machine.
 *  - An entry is unbound (any scheduler may run it) or bound (SP_BOUND: only the scheduler it was
 *    queued on may run it; SpawnOptions.scheduler(i) on the Java side). Thieves never take bound
 *    entries, so a bound process never leaves its scheduler through the queues.
 *  - Each scheduler owns, per priority, a ring for unbound entries (one producer = the owner, many
 *    consumers = the owner and thieves) and a FIFO for bound ones (owner only); an inject queue
 *    for unbound entries pushed from other threads (many producers; consumers: the owner, and
 *    thieves while the owner is stalled); a bound inject queue (many producers, the owner as its
 *    only consumer); and an overflow list (mutex) for entries of both kinds when a ring, FIFO or
 *    inject queue is full.
 *  - Only the owning scheduler thread calls sp_push_local / sp_next / sp_park for its index.
 *    sp_push_remote and sp_unpark may be called from any thread.
 *  - Stalled: a scheduler that is awake (not in sp_park) and has not called sp_next or sp_park for
 *    SP_STALL_NS, as seen by a thief comparing its poll counter over time; it is stuck in one long
 *    call (a long slice, JNI, Thread.sleep, blocking I/O). Thieves then take its unbound work,
 *    including its inject queue and the unbound part of its overflow list ("rescue").
 *  - Waking (details at sp_push_local, sp_push_remote, sp_park): a remote push wakes its target if
 *    it sleeps; a scheduler holding two or more entries in a stealable ring wakes one sleeper to
 *    steal when nobody is searching; one sleeping scheduler, the watcher, sleeps at most
 *    SP_WATCH_NS while another scheduler is awake, so a stalled one is noticed; a remote push to an
 *    awake scheduler while nobody watches in a sleep (no watcher, or an awake one) wakes a sleeper
 *    to become the watcher; a thief that
 *    leaves rescuable work behind at a stalled victim wakes another sleeper.
 */
#ifndef SPINDLE_H
#define SPINDLE_H

#include <stdint.h>

#define SP_PRIO_MAX 0u
#define SP_PRIO_HIGH 1u
#define SP_PRIO_NORMAL 2u
#define SP_PRIO_LOW 3u
#define SP_NPRIO 4u

/* OR'ed into the prio argument of sp_push_local / sp_push_remote: the entry is bound to the
 * scheduler it is queued on. Any other bit above the priority is invalid. */
#define SP_BOUND 4u

/* Normal/low interleave: when both are runnable, low gets one turn per this many picks. */
#define SP_LOW_TURN 8u

/* Bound/unbound interleave at one priority: bound entries go first, but when both kinds are
 * waiting at the same priority, unbound gets one turn per this many such picks, so a bound
 * process that keeps yielding cannot starve the unbound ones queued beside it. */
#define SP_BOUND_TURN 8u

/* A scheduler that has not polled (sp_next / sp_park) for this long, while awake, is stalled. */
#define SP_STALL_NS 50000ull

/* The watcher's longest sleep while some other scheduler is awake (see sp_park). */
#define SP_WATCH_NS 1000000ll

#define SP_ABI_VERSION 2

typedef struct sp_set sp_set;

/* Per-scheduler counters, two cache lines each, monotonically increasing. Written by the named
 * writer with relaxed atomics; readers (any thread, or Java through a direct ByteBuffer) read
 * them relaxed: they are statistics, never used for synchronisation. The first line is written by
 * the owner only, the second by other threads too, so the owner's counting never contends with
 * pushers'. Slot i is at byte offset 8 * i (Java: RunQueueSet's counter constants). */
typedef struct sp_counters {
    /* Line 1: the owner only. */
    _Atomic uint64_t executed;       /* 0: entries returned by sp_next */
    _Atomic uint64_t pushed_local;   /* 1: sp_push_local calls */
    _Atomic uint64_t stolen;         /* 2: entries it took from other schedulers' rings */
    _Atomic uint64_t parks;          /* 3: times it actually slept in sp_park */
    _Atomic uint64_t steal_attempts; /* 4: victims probed */
    _Atomic uint64_t rescued;        /* 5: entries it took from stalled victims' inject queues and overflow lists */
    _Atomic uint64_t watches;        /* 6: sleeps it took as the watcher (at most SP_WATCH_NS each) */
    _Atomic uint64_t reserved7;
    /* Line 2: any thread. */
    _Atomic uint64_t injected;       /* 8: sp_push_remote calls targeting this scheduler */
    _Atomic uint64_t wakeups;        /* 9: sp_unpark calls (and wakes by pushers) that found no pending permit */
    _Atomic uint64_t overflowed;     /* 10: entries that went to its overflow list */
    _Atomic uint64_t rescued_away;   /* 11: entries thieves rescued from it while it was stalled */
    _Atomic uint64_t reserved12;
    _Atomic uint64_t reserved13;
    _Atomic uint64_t reserved14;
    _Atomic uint64_t reserved15;
} sp_counters;

#define SP_COUNTERS_SIZE 128

/* Creates n schedulers' queues. local_capacity and inject_capacity are rounded up to powers of
 * two (minimum 2); local_capacity sizes each ring and bound FIFO, inject_capacity the inject queue;
 * the bound inject queue gets a quarter of it (minimum 2: bound processes are the exception, and a
 * full one spills to the overflow list). Returns NULL on bad arguments (n == 0 or n > 4096) or out
 * of memory. */
sp_set *sp_create(uint32_t n, uint32_t local_capacity, uint32_t inject_capacity);

/* Frees everything. No other call on the set may be in progress or follow. */
void sp_destroy(sp_set *set);

uint32_t sp_count(const sp_set *set);

/* Owner of scheduler s only: append pid to s's queue for prio (0..3, | SP_BOUND for a bound entry):
 * its ring, or its bound FIFO. A full one spills to s's overflow list.
 * Wake-to-steal (unbound only): afterwards, when the ring of prio holds two or more entries (what a
 * thief may take from: sp_next leaves a lone entry to its owner) and some scheduler is sleeping
 * while none is searching, wakes exactly one sleeper so it can steal (Pony's rule: no wake for the
 * one entry the owner is about to run, so a ping-pong never pays a futex call). The check costs a
 * seq_cst fence plus two relaxed loads, only when that ring holds two or more. A bound push wakes
 * nobody: nobody else may run it, and its owner is awake (it is calling this). */
void sp_push_local(sp_set *set, uint32_t s, uint32_t pid, uint32_t prio);

/* Any thread: append pid to s's inject queue for prio (| SP_BOUND: its bound inject queue); a full
 * one spills to the overflow list. Wakes s if it is sleeping. If s is awake, the entry is unbound,
 * some scheduler sleeps and none is the watcher, wakes one sleeper: it becomes the watcher (sp_park)
 * and rescues the entry should s be stalled. */
void sp_push_remote(sp_set *set, uint32_t s, uint32_t pid, uint32_t prio);

/* Owner of s only: the next pid to run on s, or -1 when there is none. Order:
 *  1. drain both inject queues into s's FIFOs and rings (spilling to overflow), oldest first, at
 *     most one lap each;
 *  2. every SP_OVERFLOW_TURN-th (61st) call: the overflow list first (Go's and Tokio's global-queue
 *     tick), so spilled entries cannot starve behind rings that never drain;
 *  3. max, then high, then normal and low (low takes one turn in SP_LOW_TURN when both are
 *     non-empty); at each priority bound before unbound, except for unbound's turn in SP_BOUND_TURN;
 *  4. the overflow list (entries of both kinds, FIFO);
 *  5. if steal != 0 and s is online: the other online schedulers, round robin starting after the
 *     last victim: about half (at least one, at most half of the local capacity) of a victim's
 *     highest non-empty ring; a ring holding a single entry only if the victim is stalled. If the
 *     victim is stalled and its rings gave nothing: about half of its unbound inject entries and
 *     unbound overflow entries (rescue). The first entry taken is returned, the rest go to s's own
 *     rings by priority. Bound entries are never taken.
 * Clarifications:
 *  - Without spills, entries come out FIFO per priority and kind, and in each producer's order
 *    (inject -> ring preserves it). Once something spilled, spilled entries may run after later
 *    ones.
 *  - When draining the inject queue or keeping a stolen batch leaves a ring with two or more
 *    entries, the wake-to-steal rule of sp_push_local applies.
 *  - An offline scheduler (s >= sp_online) does not steal: it only drains its own queues. */
int64_t sp_next(sp_set *set, uint32_t s, int steal);

/* Owner of s only: sleep until woken or until timeout_ns passes (timeout_ns < 0: no timeout).
 * Announces s as sleeping (seq_cst), then re-checks for work (its own queues, and any online
 * scheduler holding two or more entries in one ring); if it finds some it returns 1 at once without
 * sleeping. Otherwise sleeps on a futex and returns 0 when woken or timed out. A wake (sp_unpark)
 * sent before the sleep begins is not lost: it makes the next sp_park return at once.
 * The watcher: an online scheduler about to sleep while some other online scheduler is awake takes
 * the node's single watcher slot if it is free (or keeps it) and then sleeps at most SP_WATCH_NS, so
 * that its next sp_next can notice a stalled scheduler and rescue its work. It gives the slot up
 * when sp_next finds it work, or when it parks and every other online scheduler sleeps (looking
 * once more after a fence, so a push that saw the slot taken still ends up watched). A parking
 * scheduler also takes the slot over from a holder that is awake (busy, so not watching).
 * Clarification: returns 1 only for "work was visible, did not sleep"; a pending wake that makes it
 * return at once, a wake-up and a timeout all return 0. A timed sleep lasts at least timeout_ns
 * unless woken (EINTR and spurious futex returns sleep again). counters.parks counts real sleeps. */
int sp_park(sp_set *set, uint32_t s, int64_t timeout_ns);

/* Any thread: wake s if it sleeps in sp_park, or make its next sp_park return at once. */
void sp_unpark(sp_set *set, uint32_t s);

/* Schedulers with index >= n are offline: they are never chosen as steal victims, never steal,
 * never watch, and are not woken to steal. 1 <= n <= count (values outside are clamped). Entries
 * already queued on them stay until their owner drains them. */
void sp_set_online(sp_set *set, uint32_t n);
uint32_t sp_online(const sp_set *set);

/* Approximate number of entries queued for s at prio (0..3): ring + bound FIFO + overflow share.
 * The overflow share is exact per priority; injected entries not yet drained (every sp_next drains
 * them) are counted once, under SP_PRIO_NORMAL. Lock-free, relaxed loads only. */
int64_t sp_queue_length(const sp_set *set, uint32_t s, uint32_t prio);

/* Pointer to count() consecutive sp_counters (SP_COUNTERS_SIZE bytes each, 64-byte aligned),
 * valid until sp_destroy. */
const sp_counters *sp_counters_of(const sp_set *set);

/* Topology. */
int sp_current_cpu(void);                 /* sched_getcpu(), or -1 */
int sp_allowed_cpus(int32_t *out, int max); /* CPUs in this thread's affinity mask, ascending; returns count, or -1
                                             * (count may exceed max: only the first max are written) */

#endif
