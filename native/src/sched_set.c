/*
 * A node's run queues: per scheduler four priority rings, an inject queue, an overflow list and a
 * parker; plus the node-wide "sleeping" and "searching" counts that decide when to wake whom.
 * See spindle.h for the contract and docs/architecture.md for the protocol.
 */
#include "spindle/spindle.h"

#include "inject.h"
#include "overflow.h"
#include "park.h"
#include "ring.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct sp_sched {
    sp_ring rings[SP_NPRIO];
    sp_inject inject;
    sp_overflow overflow;
    sp_parker parker;
    SP_ALIGNED _Atomic uint32_t sleeping; /* 1 between announcing sleep and waking */
    /* Owner-only state, on its own cache line. */
    SP_ALIGNED uint32_t low_turn;
    uint32_t last_victim;
    uint32_t *steal_buf;
    uint64_t *seen_executed; /* per victim: its executed counter when we last saw it change */
    uint64_t *seen_at;       /* per victim: when (CLOCK_MONOTONIC ns) */
} sp_sched;

struct sp_set {
    sp_sched *scheds;
    sp_counters *counters;
    uint32_t n;
    uint32_t local_capacity;
    SP_ALIGNED _Atomic uint32_t online;
    SP_ALIGNED _Atomic int32_t nsleeping;
    SP_ALIGNED _Atomic int32_t nsearching;
};

/* A victim that ran nothing new for this long may lose its last queued entry to a thief. */
#define SP_STALL_NS 50000ull

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

/* Owner-written counter: relaxed load + store, no RMW needed with one writer. */
static inline void count_owner(_Atomic uint64_t *c, uint64_t by)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by, memory_order_relaxed);
}

/* Counter written by any thread: a relaxed RMW (statistics only). */
static inline void count_any(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

sp_set *sp_create(uint32_t n, uint32_t local_capacity, uint32_t inject_capacity)
{
    if (n == 0 || n > 4096) {
        return NULL;
    }
    sp_set *set = calloc(1, sizeof(sp_set));
    if (set == NULL) {
        return NULL;
    }
    set->n = n;
    set->local_capacity = pow2_at_least(local_capacity);
    const uint32_t inject_cap = pow2_at_least(inject_capacity);
    set->scheds = aligned_alloc(SP_CACHE_LINE, sizeof(sp_sched) * n);
    set->counters = aligned_alloc(SP_CACHE_LINE, sizeof(sp_counters) * n);
    if (set->scheds == NULL || set->counters == NULL) {
        free(set->scheds);
        free(set->counters);
        free(set);
        return NULL;
    }
    memset(set->scheds, 0, sizeof(sp_sched) * n);
    memset(set->counters, 0, sizeof(sp_counters) * n);
    for (uint32_t s = 0; s < n; s++) {
        sp_sched *sc = &set->scheds[s];
        for (uint32_t p = 0; p < SP_NPRIO; p++) {
            if (sp_ring_init(&sc->rings[p], set->local_capacity) != 0) {
                abort();
            }
        }
        if (sp_inject_init(&sc->inject, inject_cap) != 0 || sp_overflow_init(&sc->overflow) != 0) {
            abort();
        }
        sp_parker_init(&sc->parker);
        atomic_init(&sc->sleeping, 0);
        sc->low_turn = 0;
        sc->last_victim = s;
        sc->steal_buf = malloc(sizeof(uint32_t) * (set->local_capacity / 2));
        sc->seen_executed = calloc(n, sizeof(uint64_t));
        sc->seen_at = calloc(n, sizeof(uint64_t));
        if (sc->steal_buf == NULL || sc->seen_executed == NULL || sc->seen_at == NULL) {
            abort();
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
        sp_sched *sc = &set->scheds[s];
        for (uint32_t p = 0; p < SP_NPRIO; p++) {
            sp_ring_destroy(&sc->rings[p]);
        }
        sp_inject_destroy(&sc->inject);
        sp_overflow_destroy(&sc->overflow);
        free(sc->steal_buf);
        free(sc->seen_executed);
        free(sc->seen_at);
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

static void wake_one_sleeper(sp_set *set, uint32_t from)
{
    /* relaxed: a hint; the Dekker is between the caller's fence and the sleeper's fence. */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    for (uint32_t i = 1; i < n; i++) {
        const uint32_t v = (from + i) % n;
        /* relaxed: ordered by the caller's seq_cst fence. */
        if (atomic_load_explicit(&set->scheds[v].sleeping, memory_order_relaxed)) {
            sp_unpark(set, v);
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
    /* Only when there is more here than the one entry the owner will run next: a ping-pong on one
     * core never pays the fence or a futex call. */
    if (sp_ring_len(&sc->rings[prio]) >= 2) {
        /* seq_cst fence: the push above is ordered before the sleeper-count read (Dekker with
         * sp_park's fence between announcing sleep and re-checking queues). */
        atomic_thread_fence(memory_order_seq_cst);
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
    /* seq_cst fence: the push is ordered before reading "sleeping" (Dekker with sp_park). */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&sc->sleeping, memory_order_relaxed)) {
        sp_unpark(set, s);
    }
}

static void drain_inject(sp_set *set, uint32_t s)
{
    sp_sched *sc = &set->scheds[s];
    uint64_t v;
    /* Bounded to one lap so a flood of remote pushes cannot keep the owner here forever. Stops at
     * the first entry whose ring is full: it stays in the inject queue rather than going to the
     * overflow list, which would let later entries overtake it. */
    for (uint64_t i = 0; i <= sc->inject.mask && sp_inject_peek(&sc->inject, &v); i++) {
        if (!sp_ring_push(&sc->rings[v & 3], (uint32_t)(v >> 2))) {
            break;
        }
        sp_inject_pop(&sc->inject, &v);
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

static int64_t steal(sp_set *set, uint32_t s)
{
    /* relaxed: which schedulers are online only needs to be eventually seen. */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    if (n <= 1) {
        return -1;
    }
    sp_sched *me = &set->scheds[s];
    /* relaxed: a hint for pushers deciding whether to wake a sleeper; a missed hint costs at most
     * one extra wake. */
    atomic_fetch_add_explicit(&set->nsearching, 1, memory_order_relaxed);
    int64_t found = -1;
    for (uint32_t i = 1; i <= n && found < 0; i++) {
        const uint32_t victim = (me->last_victim + i) % n;
        if (victim == s) {
            continue;
        }
        count_owner(&set->counters[s].steal_attempts, 1);
        sp_sched *vs = &set->scheds[victim];
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
    atomic_fetch_sub_explicit(&set->nsearching, 1, memory_order_relaxed);
    return found;
}

int64_t sp_next(sp_set *set, uint32_t s, int steal_allowed)
{
    assert(s < set->n);
    sp_sched *sc = &set->scheds[s];
    drain_inject(set, s);
    int64_t v = pick_local(sc);
    if (v < 0) {
        uint64_t o;
        if (sp_overflow_pop(&sc->overflow, &o)) {
            v = (int64_t)(o >> 2);
        }
    }
    if (v < 0 && steal_allowed) {
        v = steal(set, s);
    }
    if (v >= 0) {
        count_owner(&set->counters[s].executed, 1);
    }
    return v;
}

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
     * sp_push_local wakes sleepers by). */
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
    /* relaxed stores, then a seq_cst fence: announcing sleep is ordered before the re-check below
     * (Dekker with the fence in sp_push_local / sp_push_remote). */
    atomic_store_explicit(&sc->sleeping, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&set->nsleeping, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    int found = has_work(set, s);
    if (!found) {
        count_owner(&set->counters[s].parks, 1);
        sp_parker_park(&sc->parker, timeout_ns);
    }
    atomic_fetch_sub_explicit(&set->nsleeping, 1, memory_order_relaxed);
    /* release: nothing depends on it but keeps "awake" from floating above the park. */
    atomic_store_explicit(&sc->sleeping, 0, memory_order_release);
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
    /* release: pairs with nothing in particular; readers use relaxed loads as hints. */
    atomic_store_explicit(&set->online, n, memory_order_release);
}

uint32_t sp_online(const sp_set *set)
{
    return atomic_load_explicit(&((sp_set *)set)->online, memory_order_relaxed);
}

int64_t sp_queue_length(const sp_set *set, uint32_t s, uint32_t prio)
{
    const sp_sched *sc = &set->scheds[s];
    int64_t n = (int64_t)sp_ring_len(&sc->rings[prio]);
    if (prio == SP_PRIO_NORMAL) {
        /* Inject and overflow entries are not split by priority until drained: count them once. */
        n += (int64_t)sp_inject_len(&sc->inject) + (int64_t)sp_overflow_len(&sc->overflow);
    }
    return n;
}

const sp_counters *sp_counters_of(const sp_set *set)
{
    return set->counters;
}
