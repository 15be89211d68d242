/*
 * A node's run queues: creation, pushes, and sp_next's own-queue part (drain, pick, overflow).
 * The steal phase is in steal.c, parking and every wake rule in sleep.c; spindle.h has the
 * contract and docs/native-core.md the protocol.
 *
 * Ordering that is load-bearing here: a push publishes its entry (ring tail, FIFO tail, inject
 * cell, overflow count) BEFORE the seq_cst fence of the wake rules in sleep.c. Every other load of
 * shared state in this file is the queues' own protocol (ring.c, inject.c, overflow.c) or a
 * statistic.
 */
#include "sched_set.h"

#include "testhook.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SP_TEST_HOOKS
_Atomic(sp_hook_fn) sp_test_hook;
#endif

_Static_assert(sizeof(sp_counters) == SP_COUNTERS_SIZE, "sp_counters is SP_COUNTERS_SIZE bytes");
_Static_assert(SP_COUNTERS_SIZE % SP_CACHE_LINE == 0, "counters are laid out on whole cache lines");
_Static_assert(offsetof(sp_counters, injected) == SP_CACHE_LINE, "owner-written counters fill the first line");

/* Every this many sp_next calls the overflow list goes first (Go and Tokio check their global
 * queue every 61 ticks): without it, an owner whose rings never drain would starve what spilled. */
#define SP_OVERFLOW_TURN 61u

static uint32_t pow2_at_least(uint32_t v)
{
    uint32_t p = 2;
    while (p < v && p < (1u << 30)) {
        p <<= 1;
    }
    return p;
}

/* Frees what sched_init made. The struct was zeroed first, so parts never made are NULL and their
 * destroy frees NULL; only the overflow list's mutex needs to know whether it was made. */
static void sched_free(sp_sched *sc, int overflow_made)
{
    for (uint32_t p = 0; p < SP_NPRIO; p++) {
        sp_ring_destroy(&sc->rings[p]);
        sp_fifo_destroy(&sc->bound[p]);
    }
    sp_inject_destroy(&sc->inject);
    sp_inject_destroy(&sc->bound_inject);
    if (overflow_made) {
        sp_overflow_destroy(&sc->overflow);
    }
    free(sc->steal_buf);
    free(sc->rescue_buf);
    free(sc->seen_polls);
    free(sc->seen_at);
}

/* Initialises one scheduler's queues (the struct is zeroed); on failure frees what it made and
 * returns -1. */
static int sched_init(sp_sched *sc, uint32_t s, uint32_t n, uint32_t local_cap, uint32_t inject_cap)
{
    int ok = 1;
    for (uint32_t p = 0; p < SP_NPRIO; p++) {
        ok = ok && sp_ring_init(&sc->rings[p], local_cap) == 0;
        ok = ok && sp_fifo_init(&sc->bound[p], local_cap) == 0;
    }
    ok = ok && sp_inject_init(&sc->inject, inject_cap) == 0;
    ok = ok && sp_inject_init(&sc->bound_inject, inject_cap / 4 >= 2 ? inject_cap / 4 : 2) == 0;
    const int overflow_made = ok && sp_overflow_init(&sc->overflow) == 0;
    sc->steal_buf = malloc(sizeof(uint32_t) * (local_cap / 2));
    sc->rescue_buf = malloc(sizeof(uint64_t) * (local_cap / 2));
    sc->seen_polls = calloc(n, sizeof(uint64_t));
    sc->seen_at = calloc(n, sizeof(uint64_t));
    if (!overflow_made || sc->steal_buf == NULL || sc->rescue_buf == NULL || sc->seen_polls == NULL ||
        sc->seen_at == NULL) {
        sched_free(sc, overflow_made);
        return -1;
    }
    sp_parker_init(&sc->parker);
    atomic_init(&sc->sleeping, 0);
    atomic_init(&sc->polls, 0);
    sc->low_turn = 0;
    sc->bound_turn = 0;
    sc->tick = 0;
    sc->last_victim = s;
    sc->watching = 0;
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
        _Atomic uint64_t *c = (_Atomic uint64_t *)&set->counters[s];
        for (size_t i = 0; i < sizeof(sp_counters) / sizeof(uint64_t); i++) {
            atomic_init(&c[i], 0);
        }
        if (sched_init(&set->scheds[s], s, n, set->local_capacity, inject_cap) != 0) {
            while (s-- > 0) {
                sched_free(&set->scheds[s], 1);
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
    atomic_init(&set->watcher, -1);
    return set;
}

void sp_destroy(sp_set *set)
{
    if (set == NULL) {
        return;
    }
    for (uint32_t s = 0; s < set->n; s++) {
        sched_free(&set->scheds[s], 1);
    }
    free(set->scheds);
    free(set->counters);
    free(set);
}

uint32_t sp_count(const sp_set *set)
{
    return set->n;
}

/* Cold and never inlined: inlined, its lock and reallocation gave sp_place a full stack frame, and
 * every push paid for that frame (1 ns of a 10 ns push and pick). */
__attribute__((noinline, cold)) void sp_spill(sp_set *set, uint32_t s, uint64_t entry)
{
    if (!sp_overflow_push(&set->scheds[s].overflow, entry)) {
        fprintf(stderr, "spindle: out of memory growing a run queue overflow list\n");
        abort(); /* dropping a runnable process would hang it forever */
    }
    sp_count_any(&set->counters[s].overflowed, 1);
}

void sp_place(sp_set *set, uint32_t s, uint64_t entry)
{
    sp_sched *sc = &set->scheds[s];
    const uint32_t pid = sp_entry_pid(entry);
    const uint32_t p = sp_entry_prio(entry);
    const int ok = sp_entry_bound(entry) ? sp_fifo_push(&sc->bound[p], pid) : sp_ring_push(&sc->rings[p], pid);
    if (!ok) {
        sp_spill(set, s, entry);
        return;
    }
    sc->maybe_queued |= 1u << p;
}

void sp_push_local(sp_set *set, uint32_t s, uint32_t pid, uint32_t prio)
{
    assert(s < set->n && (prio & ~SP_BOUND) < SP_NPRIO);
    sp_place(set, s, sp_entry(pid, prio));
    sp_count_owner(&set->counters[s].pushed_local, 1);
    /* Only when there is more in the ring than the one entry the owner will run next (a full ring
     * that spilled counts too): a ping-pong on one core never pays the fence or a futex call. Per
     * ring, because that is what a thief takes from. Bound entries: nobody else may run them. */
    if ((prio & SP_BOUND) == 0 && sp_ring_len(&set->scheds[s].rings[prio]) >= 2) {
        SP_HOOK(SP_HOOK_PUSH_PUBLISHED);
        sp_wake_to_steal(set, s);
    }
}

void sp_push_remote(sp_set *set, uint32_t s, uint32_t pid, uint32_t prio)
{
    assert(s < set->n && (prio & ~SP_BOUND) < SP_NPRIO);
    sp_sched *sc = &set->scheds[s];
    const uint64_t v = sp_entry(pid, prio);
    const int bound = (prio & SP_BOUND) != 0;
    if (!sp_inject_push(bound ? &sc->bound_inject : &sc->inject, v)) {
        sp_spill(set, s, v);
    }
    sp_count_any(&set->counters[s].injected, 1);
    SP_HOOK(SP_HOOK_PUSH_PUBLISHED);
    /* seq_cst fence: the push above is ordered before the loads below (the Dekker with sp_park's
     * fence between announcing sleep and re-checking queues, and with the watcher's; sleep.c). */
    atomic_thread_fence(memory_order_seq_cst);
    SP_HOOK(SP_HOOK_PUSH_FENCED);
    /* relaxed: ordered by the fence above. */
    if (atomic_load_explicit(&sc->sleeping, memory_order_relaxed)) {
        sp_unpark(set, s);
        return;
    }
    /* s is awake: if it stays stuck in a long call, who will take this entry? The watcher, if one
     * sleeps as the watcher. If the slot is free, or its holder is awake (busy, or about to give the
     * slot up: s itself, woken from its watch), and there are sleepers, wake one: it takes the slot
     * when it parks again (s is awake). relaxed, all: ordered by the fence above (nsleeping first:
     * 0 on a busy node, and its line changes less often than the watcher's). */
    if (!bound && atomic_load_explicit(&set->nsleeping, memory_order_relaxed) > 0) {
        const int32_t w = atomic_load_explicit(&set->watcher, memory_order_relaxed);
        if (w < 0 || !atomic_load_explicit(&set->scheds[w].sleeping, memory_order_relaxed)) {
            sp_wake_for_stalled(set, s);
        }
    }
}

/* Moves what other threads injected into s's FIFOs and rings, oldest first, so it takes its turn
 * by priority; bound first (nobody else can run them). Bounded to one lap per queue so a flood of
 * remote pushes cannot keep the owner here forever. A full ring spills to the overflow list
 * (served every SP_OVERFLOW_TURN picks), so an injected entry never waits behind a ring that stays
 * full. Returns whether an unbound entry landed in a ring. */
static int drain_inject(sp_set *set, uint32_t s)
{
    sp_sched *sc = &set->scheds[s];
    uint64_t v;
    for (uint64_t i = 0; i <= sc->bound_inject.mask && sp_inject_pop_single(&sc->bound_inject, &v); i++) {
        sp_place(set, s, v);
    }
    int moved = 0;
    /* The multi-consumer pop: a thief may be rescuing from this queue if we were stalled. */
    for (uint64_t i = 0; i <= sc->inject.mask && sp_inject_pop(&sc->inject, &v); i++) {
        sp_place(set, s, v);
        moved = 1;
    }
    return moved;
}

/* At one priority: bound first; when both kinds wait, unbound every SP_BOUND_TURN-th time. */
static int64_t take_prio(sp_sched *sc, uint32_t p)
{
    if (sp_fifo_len(&sc->bound[p]) > 0) {
        if (++sc->bound_turn >= SP_BOUND_TURN) {
            sc->bound_turn = 0;
            const int64_t v = sp_ring_pop(&sc->rings[p]);
            if (v >= 0) {
                return v;
            }
        }
        return sp_fifo_pop(&sc->bound[p]);
    }
    return sp_ring_pop(&sc->rings[p]);
}

/* take_prio where maybe_queued says there may be something; a miss clears the bit (take_prio's -1
 * means the FIFO and the ring were both empty when looked at, and only the owner refills them).
 * Saves the empty checks of the priorities nobody uses: most nodes run everything at normal.
 * Always inlined: then the bit test of an empty priority is one instruction in pick_local, not a
 * call (GCC declined to inline its five call sites on its own). */
static inline __attribute__((always_inline)) int64_t take_marked(sp_sched *sc, uint32_t p)
{
    if ((sc->maybe_queued & (1u << p)) == 0) {
        return -1;
    }
    const int64_t v = take_prio(sc, p);
    if (v < 0) {
        sc->maybe_queued &= ~(1u << p);
    }
    return v;
}

static int64_t pick_local(sp_sched *sc)
{
    int64_t v = take_marked(sc, SP_PRIO_MAX);
    if (v >= 0) {
        return v;
    }
    v = take_marked(sc, SP_PRIO_HIGH);
    if (v >= 0) {
        return v;
    }
    /* One pick in SP_LOW_TURN tries low first; the others take normal and fall back to low. */
    if (++sc->low_turn >= SP_LOW_TURN) {
        sc->low_turn = 0;
        v = take_marked(sc, SP_PRIO_LOW);
        if (v >= 0) {
            return v;
        }
    }
    v = take_marked(sc, SP_PRIO_NORMAL);
    return v >= 0 ? v : take_marked(sc, SP_PRIO_LOW);
}

static int64_t pop_overflow(sp_sched *sc)
{
    uint64_t o;
    return sp_overflow_pop(&sc->overflow, &o) ? (int64_t)sp_entry_pid(o) : -1;
}

int64_t sp_next(sp_set *set, uint32_t s, int steal_allowed)
{
    assert(s < set->n);
    sp_sched *sc = &set->scheds[s];
    sp_poll(sc);
    if (drain_inject(set, s)) {
        /* Entries from other threads may leave a ring with two or more: let a sleeper steal. */
        for (uint32_t p = 0; p < SP_NPRIO; p++) {
            if (sp_ring_len(&sc->rings[p]) >= 2) {
                sp_wake_to_steal(set, s);
                break;
            }
        }
    }
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
        v = sp_steal(set, s);
    }
    if (v >= 0) {
        sp_count_owner(&set->counters[s].executed, 1);
        if (sc->watching) {
            sp_watch_released(set, s); /* busy now: no longer watching anyone */
        }
    }
    return v;
}

void sp_set_online(sp_set *set, uint32_t n)
{
    if (n < 1) {
        n = 1;
    }
    if (n > set->n) {
        n = set->n;
    }
    /* relaxed: every reader treats "online" as a hint (victim choice, whom to wake, who watches);
     * the Java side orders what matters (moving work off a scheduler, unparking) itself. */
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
    int64_t n = (int64_t)sp_ring_len(&sc->rings[prio]) + (int64_t)sp_fifo_len(&sc->bound[prio]) +
                (int64_t)sp_overflow_len_prio(&sc->overflow, prio);
    if (prio == SP_PRIO_NORMAL) {
        /* Injected entries are not split by priority until sp_next drains them (every call), and
         * reading the cells would race their producers: count them once, under normal. */
        n += (int64_t)sp_inject_len(&sc->inject) + (int64_t)sp_inject_len(&sc->bound_inject);
    }
    return n;
}

const sp_counters *sp_counters_of(const sp_set *set)
{
    return set->counters;
}
