/*
 * A node's run queues: per scheduler four priority rings, an inject queue, an overflow list and a
 * parker; plus the node-wide "sleeping" and "searching" counts that decide when to wake whom.
 * See spindle.h for the contract and docs/architecture.md for the protocol.
 *
 * The one place where ordering is load-bearing beyond the queues' own protocols (ring.c,
 * inject.c) is the sleep/wake Dekker:
 *
 *   pusher:  publish the entry (ring tail / inject enqueue_pos / overflow count)
 *            atomic_thread_fence(seq_cst)
 *            load "sleeping" (the target's flag for a remote push, nsleeping for a local push)
 *   sleeper: store sleeping = 1, nsleeping += 1
 *            atomic_thread_fence(seq_cst)
 *            load the queues (has_work)
 *
 * The two fences are ordered one way or the other in the single total order of seq_cst
 * operations, so either the pusher sees the sleeper (and unparks it: the permit makes its futex
 * wait return) or the sleeper sees the entry (and does not sleep). Every other load of shared
 * state here is a hint or a statistic that may be stale without losing an entry.
 */
#include "spindle/spindle.h"

#include "inject.h"
#include "overflow.h"
#include "park.h"
#include "ring.h"
#include "testhook.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef SP_TEST_HOOKS
_Atomic(sp_hook_fn) sp_test_hook;
#endif

_Static_assert(sizeof(sp_counters) == SP_COUNTERS_SIZE, "sp_counters must be one cache line");
_Static_assert(SP_COUNTERS_SIZE == SP_CACHE_LINE, "counters are laid out one per cache line");

typedef struct sp_sched {
    sp_ring rings[SP_NPRIO];
    sp_inject inject;
    sp_overflow overflow;
    sp_parker parker;
    SP_ALIGNED _Atomic uint32_t sleeping; /* 1 between announcing sleep and waking */
    /* Owner-only state, on its own cache line. */
    SP_ALIGNED uint32_t low_turn;
    uint32_t tick;           /* sp_next calls, for the overflow turn */
    uint32_t last_victim;
    uint32_t *steal_buf;     /* local_capacity / 2 entries */
    uint64_t *seen_executed; /* per victim: its executed counter when we last saw it change */
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
    SP_ALIGNED _Atomic int32_t nsleeping;  /* online schedulers between announce and wake */
    SP_ALIGNED _Atomic int32_t nsearching; /* schedulers inside the steal phase of sp_next */
};

/* A victim that ran nothing new for this long may lose its last queued entry to a thief. */
#define SP_STALL_NS 50000ull

/* Every this many sp_next calls the overflow list goes first (Go and Tokio check their global
 * queue every 61 ticks): without it, an owner whose rings never drain would starve what spilled. */
#define SP_OVERFLOW_TURN 61u

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t pow2_at_least(uint32_t v)
{
    uint32_t p = 2;
    while (p < v && p < (1u << 30)) {
        p <<= 1;
    }
    return p;
}

/* Owner-written counter: relaxed load + store, no RMW needed with one writer; relaxed because
 * counters are statistics, never used for synchronisation (spindle.h). */
static inline void count_owner(_Atomic uint64_t *c, uint64_t by)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by, memory_order_relaxed);
}

/* Counter written by any thread: a relaxed RMW (statistics only). */
static inline void count_any(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static void sched_free(sp_sched *sc, int rings_ok, int inject_ok, int overflow_ok)
{
    for (int p = 0; p < rings_ok; p++) {
        sp_ring_destroy(&sc->rings[p]);
    }
    if (inject_ok) {
        sp_inject_destroy(&sc->inject);
    }
    if (overflow_ok) {
        sp_overflow_destroy(&sc->overflow);
    }
    free(sc->steal_buf);
    free(sc->seen_executed);
    free(sc->seen_at);
}

/* Initialises one scheduler's queues; on failure frees what it made and returns -1. */
static int sched_init(sp_sched *sc, uint32_t s, uint32_t n, uint32_t local_cap, uint32_t inject_cap)
{
    int rings = 0;
    while (rings < (int)SP_NPRIO && sp_ring_init(&sc->rings[rings], local_cap) == 0) {
        rings++;
    }
    const int inject_ok = rings == (int)SP_NPRIO && sp_inject_init(&sc->inject, inject_cap) == 0;
    const int overflow_ok = inject_ok && sp_overflow_init(&sc->overflow) == 0;
    sp_parker_init(&sc->parker);
    atomic_init(&sc->sleeping, 0);
    sc->low_turn = 0;
    sc->tick = 0;
    sc->last_victim = s;
    sc->steal_buf = malloc(sizeof(uint32_t) * (local_cap / 2));
    sc->seen_executed = calloc(n, sizeof(uint64_t));
    sc->seen_at = calloc(n, sizeof(uint64_t));
    if (!overflow_ok || sc->steal_buf == NULL || sc->seen_executed == NULL || sc->seen_at == NULL) {
        sched_free(sc, rings, inject_ok, overflow_ok);
        return -1;
    }
    return 0;
}

sp_set *sp_create(uint32_t n, uint32_t local_capacity, uint32_t inject_capacity)
{
    if (n == 0 || n > 4096) {
        return NULL;
    }
    sp_set *set = aligned_alloc(SP_CACHE_LINE, sizeof(sp_set));
    if (set == NULL) {
        return NULL;
    }
    memset(set, 0, sizeof(sp_set));
    set->n = n;
    set->local_capacity = pow2_at_least(local_capacity);
    const uint32_t inject_cap = pow2_at_least(inject_capacity);
    /* sizeof of a struct with 64-aligned members is a multiple of 64, as aligned_alloc wants. */
    set->scheds = aligned_alloc(SP_CACHE_LINE, sizeof(sp_sched) * n);
    set->counters = aligned_alloc(SP_CACHE_LINE, sizeof(sp_counters) * n);
    if (set->scheds == NULL || set->counters == NULL) {
        free(set->scheds);
        free(set->counters);
        free(set);
        return NULL;
    }
    memset(set->scheds, 0, sizeof(sp_sched) * n);
    for (uint32_t s = 0; s < n; s++) {
        sp_counters *c = &set->counters[s];
        atomic_init(&c->executed, 0);
        atomic_init(&c->pushed_local, 0);
        atomic_init(&c->injected, 0);
        atomic_init(&c->stolen, 0);
        atomic_init(&c->parks, 0);
        atomic_init(&c->wakeups, 0);
        atomic_init(&c->overflowed, 0);
        atomic_init(&c->steal_attempts, 0);
        if (sched_init(&set->scheds[s], s, n, set->local_capacity, inject_cap) != 0) {
            while (s-- > 0) {
                sched_free(&set->scheds[s], SP_NPRIO, 1, 1);
            }
            free(set->scheds);
            free(set->counters);
            free(set);
            return NULL;
        }
    }
    atomic_init(&set->online, n);
    atomic_init(&set->nsleeping, 0);
    atomic_init(&set->nsearching, 0);
    return set;
}

void sp_destroy(sp_set *set)
{
    if (set == NULL) {
        return;
    }
    for (uint32_t s = 0; s < set->n; s++) {
        sched_free(&set->scheds[s], SP_NPRIO, 1, 1);
    }
    free(set->scheds);
    free(set->counters);
    free(set);
}

uint32_t sp_count(const sp_set *set)
{
    return set->n;
}

static void spill(sp_set *set, uint32_t s, uint64_t v)
{
    if (!sp_overflow_push(&set->scheds[s].overflow, v)) {
        fprintf(stderr, "spindle: out of memory growing a run queue overflow list\n");
        abort(); /* dropping a runnable process would hang it forever */
    }
    count_any(&set->counters[s].overflowed);
}

/* Wakes one sleeping online scheduler other than `from` that has no wake pending yet. */
static void wake_one_sleeper(sp_set *set, uint32_t from)
{
    /* relaxed: which schedulers are online is a hint here; a stale value wakes one that is going
     * offline (harmless: it re-checks and sleeps) or misses one coming online. */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    for (uint32_t i = 1; i <= n; i++) {
        const uint32_t v = (from + i) % n;
        if (v == from) {
            continue;
        }
        /* relaxed: ordered after the entry's publication by the caller's seq_cst fence. */
        if (atomic_load_explicit(&set->scheds[v].sleeping, memory_order_relaxed) &&
            sp_parker_unpark(&set->scheds[v].parker)) {
            count_any(&set->counters[v].wakeups);
            return;
        }
    }
}

void sp_push_local(sp_set *set, uint32_t s, uint32_t pid, uint32_t prio)
{
    assert(s < set->n && prio < SP_NPRIO);
    sp_sched *sc = &set->scheds[s];
    if (!sp_ring_push(&sc->rings[prio], pid)) {
        spill(set, s, (uint64_t)pid << 2 | prio);
    }
    count_owner(&set->counters[s].pushed_local, 1);
    /* Only when there is more here than the one entry the owner will run next (a full ring that
     * spilled counts too): a ping-pong on one core never pays the fence or a futex call. Per ring,
     * because that is what a thief takes from (sp_next leaves a lone entry to its owner). */
    if (sp_ring_len(&sc->rings[prio]) >= 2) {
        SP_HOOK(SP_HOOK_PUSH_PUBLISHED);
        /* seq_cst fence: the push above is ordered before the sleeper-count read (the Dekker with
         * sp_park's fence between announcing sleep and re-checking queues; see the file comment). */
        atomic_thread_fence(memory_order_seq_cst);
        SP_HOOK(SP_HOOK_PUSH_FENCED);
        /* relaxed, both: ordered by the fence above. nsleeping first: it is almost always 0 on a
         * busy node, and its line changes far less often than nsearching's. */
        if (atomic_load_explicit(&set->nsleeping, memory_order_relaxed) > 0 &&
            atomic_load_explicit(&set->nsearching, memory_order_relaxed) == 0) {
            wake_one_sleeper(set, s);
        }
    }
}

void sp_push_remote(sp_set *set, uint32_t s, uint32_t pid, uint32_t prio)
{
    assert(s < set->n && prio < SP_NPRIO);
    sp_sched *sc = &set->scheds[s];
    const uint64_t v = (uint64_t)pid << 2 | prio;
    if (!sp_inject_push(&sc->inject, v)) {
        spill(set, s, v);
    }
    count_any(&set->counters[s].injected);
    SP_HOOK(SP_HOOK_PUSH_PUBLISHED);
    /* seq_cst fence: the push is ordered before reading "sleeping" (Dekker with sp_park). */
    atomic_thread_fence(memory_order_seq_cst);
    SP_HOOK(SP_HOOK_PUSH_FENCED);
    /* relaxed: ordered by the fence above. */
    if (atomic_load_explicit(&sc->sleeping, memory_order_relaxed)) {
        sp_unpark(set, s);
    }
}

/* Moves what other threads injected into the rings, oldest first, so it takes its turn by
 * priority. Bounded to one lap so a flood of remote pushes cannot keep the owner here forever.
 * A full ring spills to the overflow list (served every SP_OVERFLOW_TURN picks), so an injected
 * entry never waits behind a ring that stays full. */
static void drain_inject(sp_set *set, uint32_t s)
{
    sp_sched *sc = &set->scheds[s];
    uint64_t v;
    for (uint64_t i = 0; i <= sc->inject.mask && sp_inject_pop(&sc->inject, &v); i++) {
        if (!sp_ring_push(&sc->rings[v & 3], (uint32_t)(v >> 2))) {
            spill(set, s, v);
        }
    }
}

static int64_t pick_local(sp_sched *sc)
{
    int64_t v = sp_ring_pop(&sc->rings[SP_PRIO_MAX]);
    if (v >= 0) {
        return v;
    }
    v = sp_ring_pop(&sc->rings[SP_PRIO_HIGH]);
    if (v >= 0) {
        return v;
    }
    /* One pick in SP_LOW_TURN tries low first; the others take normal and fall back to low. */
    if (++sc->low_turn >= SP_LOW_TURN) {
        sc->low_turn = 0;
        v = sp_ring_pop(&sc->rings[SP_PRIO_LOW]);
        if (v >= 0) {
            return v;
        }
    }
    v = sp_ring_pop(&sc->rings[SP_PRIO_NORMAL]);
    return v >= 0 ? v : sp_ring_pop(&sc->rings[SP_PRIO_LOW]);
}

static int64_t pop_overflow(sp_sched *sc)
{
    uint64_t o;
    return sp_overflow_pop(&sc->overflow, &o) ? (int64_t)(o >> 2) : -1;
}

static int64_t steal(sp_set *set, uint32_t s)
{
    /* relaxed: which schedulers are online only needs to be eventually seen. */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    if (n <= 1 || s >= n) {
        return -1; /* nobody to steal from, or we are offline: offline schedulers only drain */
    }
    sp_sched *me = &set->scheds[s];
    /* relaxed: a hint for pushers deciding whether to wake a sleeper; a stale value costs at most
     * one missed or one extra wake, and neither loses an entry (the owner runs its own). */
    atomic_fetch_add_explicit(&set->nsearching, 1, memory_order_relaxed);
    int64_t found = -1;
    for (uint32_t i = 1; i <= n && found < 0; i++) {
        const uint32_t victim = (me->last_victim + i) % n;
        if (victim == s) {
            continue;
        }
        count_owner(&set->counters[s].steal_attempts, 1);
        sp_sched *vs = &set->scheds[victim];
        SP_HOOK(SP_HOOK_STEAL_SCANNED);
        /* A lone entry is what its owner runs next: taking it would move a request/response pair
         * to another core on every hop. Take it only if the victim has run nothing new for
         * SP_STALL_NS (it is stuck in a long slice). relaxed: a heuristic. */
        const uint64_t executed = atomic_load_explicit(&set->counters[victim].executed, memory_order_relaxed);
        const uint64_t now = now_ns();
        if (executed != me->seen_executed[victim]) {
            me->seen_executed[victim] = executed;
            me->seen_at[victim] = now;
        }
        const int stalled = now - me->seen_at[victim] > SP_STALL_NS;
        for (uint32_t p = 0; p < SP_NPRIO; p++) {
            if (!stalled && sp_ring_len(&vs->rings[p]) < 2) {
                continue;
            }
            const uint32_t got = sp_ring_steal_half(&vs->rings[p], me->steal_buf, set->local_capacity / 2);
            if (got > 0) {
                me->last_victim = victim;
                for (uint32_t k = 1; k < got; k++) {
                    if (!sp_ring_push(&me->rings[p], me->steal_buf[k])) {
                        spill(set, s, (uint64_t)me->steal_buf[k] << 2 | p);
                    }
                }
                count_owner(&set->counters[s].stolen, got);
                found = me->steal_buf[0];
                break;
            }
        }
    }
    /* relaxed: as the increment. */
    atomic_fetch_sub_explicit(&set->nsearching, 1, memory_order_relaxed);
    return found;
}

int64_t sp_next(sp_set *set, uint32_t s, int steal_allowed)
{
    assert(s < set->n);
    sp_sched *sc = &set->scheds[s];
    drain_inject(set, s);
    int64_t v = -1;
    if (++sc->tick >= SP_OVERFLOW_TURN) {
        sc->tick = 0;
        v = pop_overflow(sc);
    }
    if (v < 0) {
        v = pick_local(sc);
    }
    if (v < 0) {
        v = pop_overflow(sc);
    }
    if (v < 0 && steal_allowed) {
        v = steal(set, s);
    }
    if (v >= 0) {
        count_owner(&set->counters[s].executed, 1);
    }
    return v;
}

/* sp_park's re-check, after the seq_cst fence: relaxed loads suffice (see the file comment). */
static int has_work(sp_set *set, uint32_t s)
{
    sp_sched *sc = &set->scheds[s];
    if (sp_inject_len(&sc->inject) > 0 || sp_overflow_len(&sc->overflow) > 0) {
        return 1;
    }
    for (uint32_t p = 0; p < SP_NPRIO; p++) {
        if (sp_ring_len(&sc->rings[p]) > 0) {
            return 1;
        }
    }
    /* Work worth stealing: another online scheduler holding two or more in one ring (the rule
     * sp_push_local wakes sleepers by). relaxed: a stale "online" only changes whom we look at. */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    if (s >= n) {
        return 0; /* offline schedulers do not steal */
    }
    for (uint32_t v = 0; v < n; v++) {
        if (v == s) {
            continue;
        }
        for (uint32_t p = 0; p < SP_NPRIO; p++) {
            if (sp_ring_len(&set->scheds[v].rings[p]) >= 2) {
                return 1;
            }
        }
    }
    return 0;
}

int sp_park(sp_set *set, uint32_t s, int64_t timeout_ns)
{
    assert(s < set->n);
    sp_sched *sc = &set->scheds[s];
    /* Only online schedulers count as sleepers for sp_push_local's wake-to-steal rule: an offline
     * one is never chosen, and counting it would make every busy push scan for nobody.
     * relaxed: a stale value only decides whether this one park is counted. */
    const int counted = s < atomic_load_explicit(&set->online, memory_order_relaxed);
    /* relaxed stores, then a seq_cst fence: announcing sleep is ordered before the re-check below
     * (the Dekker with the fences in sp_push_local / sp_push_remote). */
    atomic_store_explicit(&sc->sleeping, 1, memory_order_relaxed);
    if (counted) {
        atomic_fetch_add_explicit(&set->nsleeping, 1, memory_order_relaxed);
    }
    SP_HOOK(SP_HOOK_PARK_ANNOUNCED);
    atomic_thread_fence(memory_order_seq_cst);
    const int found = has_work(set, s);
    if (!found) {
        SP_HOOK(SP_HOOK_PARK_CHECKED);
    }
    if (!found && sp_parker_park(&sc->parker, timeout_ns)) {
        count_owner(&set->counters[s].parks, 1);
    }
    if (counted) {
        /* relaxed: a hint for pushers; being counted a little too long costs one wasted scan. */
        atomic_fetch_sub_explicit(&set->nsleeping, 1, memory_order_relaxed);
    }
    /* relaxed: a pusher that still sees 1 sends a permit we no longer need; the cost is one early
     * return from the next sp_park, whose caller re-checks and parks again. */
    atomic_store_explicit(&sc->sleeping, 0, memory_order_relaxed);
    return found;
}

void sp_unpark(sp_set *set, uint32_t s)
{
    assert(s < set->n);
    if (sp_parker_unpark(&set->scheds[s].parker)) {
        count_any(&set->counters[s].wakeups);
    }
}

void sp_set_online(sp_set *set, uint32_t n)
{
    if (n < 1) {
        n = 1;
    }
    if (n > set->n) {
        n = set->n;
    }
    /* relaxed: every reader treats "online" as a hint (victim choice, whom to wake); the Java
     * side orders what matters (moving work off a scheduler, unparking) itself. */
    atomic_store_explicit(&set->online, n, memory_order_relaxed);
}

uint32_t sp_online(const sp_set *set)
{
    /* relaxed: as in sp_set_online. */
    return atomic_load_explicit(&((sp_set *)set)->online, memory_order_relaxed);
}

int64_t sp_queue_length(const sp_set *set, uint32_t s, uint32_t prio)
{
    assert(s < set->n && prio < SP_NPRIO);
    const sp_sched *sc = &set->scheds[s];
    int64_t n = (int64_t)sp_ring_len(&sc->rings[prio]) + (int64_t)sp_overflow_len_prio(&sc->overflow, prio);
    if (prio == SP_PRIO_NORMAL) {
        /* Injected entries are not split by priority until sp_next drains them (every call), and
         * reading the cells would race their producers: count them once, under normal. */
        n += (int64_t)sp_inject_len(&sc->inject);
    }
    return n;
}

const sp_counters *sp_counters_of(const sp_set *set)
{
    return set->counters;
}
