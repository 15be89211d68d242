/* The smaller promises of spindle.h, one by one: argument checks in sp_create, the counters'
 * layout, steal-half arithmetic, the lone-entry rule, overflow entries not starving behind a ring
 * that stays full, per-priority queue lengths, offline schedulers, the wake-to-steal rule; bound
 * entries (never taken by thieves, bound before unbound with unbound's turn, carried through the
 * inject queue and the overflow list); rescue from stalled schedulers (inject queue and overflow
 * list, only when stalled); and the watcher (a sleeper beside a stuck scheduler rescues what is
 * pushed to it, also when every other scheduler was asleep). java/.../RunQueueContractTest.java
 * checks the same rules on both Java-visible implementations. */
#define _GNU_SOURCE
#include "check.h"
#include "spindle/spindle.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

static void sleep_ms(long ms)
{
    struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&d, NULL);
}

static void create_args(void)
{
    CHECK(sp_create(0, 16, 16) == NULL, "n == 0 accepted");
    CHECK(sp_create(4097, 16, 16) == NULL, "n > 4096 accepted");
    sp_set *set = sp_create(3, 0, 3); /* capacities round up: 0 -> 2, 3 -> 4 */
    CHECK(set != NULL && sp_count(set) == 3 && sp_online(set) == 3, "create");
    const sp_counters *c = sp_counters_of(set);
    CHECK(((uintptr_t)c & 63) == 0, "counters not 64-byte aligned");
    for (uint32_t i = 0; i < 3; i++) {
        sp_push_local(set, 0, i, SP_PRIO_NORMAL); /* ring of 2: the third spills */
    }
    CHECK(atomic_load(&c[0].overflowed) == 1, "local capacity 0 should round up to 2");
    CHECK(sp_queue_length(set, 0, SP_PRIO_NORMAL) == 3, "queue length %lld", (long long)sp_queue_length(set, 0, SP_PRIO_NORMAL));
    for (int64_t i = 0; i < 3; i++) {
        CHECK(sp_next(set, 0, 0) == i, "spilled entry order");
    }
    sp_destroy(set);
}

static void counters_layout(void)
{
    /* RunQueueSet's counter constants are these slots (8 bytes each, two lines per scheduler). */
    CHECK(sizeof(sp_counters) == SP_COUNTERS_SIZE && SP_COUNTERS_SIZE == 128, "counters stride");
    CHECK(offsetof(sp_counters, executed) == 0 * 8 && offsetof(sp_counters, pushed_local) == 1 * 8 &&
              offsetof(sp_counters, stolen) == 2 * 8 && offsetof(sp_counters, parks) == 3 * 8 &&
              offsetof(sp_counters, steal_attempts) == 4 * 8 && offsetof(sp_counters, rescued) == 5 * 8 &&
              offsetof(sp_counters, watches) == 6 * 8 && offsetof(sp_counters, injected) == 8 * 8 &&
              offsetof(sp_counters, wakeups) == 9 * 8 && offsetof(sp_counters, overflowed) == 10 * 8 &&
              offsetof(sp_counters, rescued_away) == 11 * 8,
          "counter slots moved: update RunQueueSet's constants");
}

static void steal_half(void)
{
    sp_set *set = sp_create(2, 64, 64);
    /* Scheduler 0 holds 10 normal entries; 1 steals about half (5), runs the oldest and keeps
     * the other 4 in its own normal ring, in order. */
    for (uint32_t i = 0; i < 10; i++) {
        sp_push_local(set, 0, 100 + i, SP_PRIO_NORMAL);
    }
    CHECK(sp_queue_length(set, 0, SP_PRIO_NORMAL) == 10, "victim length");
    const int64_t first = sp_next(set, 1, 1);
    CHECK(first == 100, "thief got %lld, expected the oldest (100)", (long long)first);
    CHECK(sp_queue_length(set, 1, SP_PRIO_NORMAL) == 4, "thief kept %lld, expected 4 (5 stolen, 1 returned)",
          (long long)sp_queue_length(set, 1, SP_PRIO_NORMAL));
    CHECK(sp_queue_length(set, 0, SP_PRIO_NORMAL) == 5, "victim kept %lld", (long long)sp_queue_length(set, 0, SP_PRIO_NORMAL));
    for (int64_t i = 101; i <= 104; i++) {
        CHECK(sp_next(set, 1, 0) == i, "stolen entries keep their order");
    }
    const sp_counters *c = sp_counters_of(set);
    CHECK(atomic_load(&c[1].stolen) == 5 && atomic_load(&c[1].executed) == 5, "thief counters");
    /* The highest non-empty priority goes first: with normal and low queued, normal is stolen;
     * once normal is gone, low, again half rounded up (59 -> 30). */
    for (uint32_t i = 0; i < 59; i++) {
        sp_push_local(set, 0, 200 + i, SP_PRIO_LOW);
    }
    CHECK(sp_next(set, 1, 1) == 105, "normal before low");
    CHECK(sp_queue_length(set, 1, SP_PRIO_NORMAL) == 2 && sp_queue_length(set, 1, SP_PRIO_LOW) == 0, "stole 3 normal");
    while (sp_next(set, 1, 0) >= 0) {
    }
    while (sp_queue_length(set, 0, SP_PRIO_NORMAL) > 0) {
        sp_next(set, 0, 0); /* the owner runs its normal ones (low waits: normal goes first) */
    }
    CHECK(sp_queue_length(set, 0, SP_PRIO_LOW) == 59, "victim low");
    CHECK(sp_next(set, 1, 1) == 200, "then low, oldest first");
    CHECK(sp_queue_length(set, 1, SP_PRIO_LOW) == 29, "thief kept %lld low, expected 30 - 1",
          (long long)sp_queue_length(set, 1, SP_PRIO_LOW));
    sp_destroy(set);
}

/* sp_next skips the priorities whose queues it last found empty (an owner-only mask): whatever
 * empties them (the owner, a thief) and whatever refills them (a local push, a drained injection, a
 * thief keeping stolen entries, a bound entry) must never leave an entry unseen. */
static void skipped_priorities_refill(void)
{
    sp_set *set = sp_create(2, 64, 64);
    for (uint32_t i = 0; i < 4; i++) {
        sp_push_local(set, 0, 10 + i, SP_PRIO_HIGH);
    }
    CHECK(sp_next(set, 0, 0) == 10, "owner takes high");
    /* A thief empties the high ring (the last entry once the owner looks stalled): the owner's
     * mark for high is now stale. */
    while (sp_next(set, 1, 1) >= 0) {
    }
    sleep_ms(2);
    while (sp_next(set, 1, 1) >= 0) {
    }
    CHECK(sp_queue_length(set, 0, SP_PRIO_HIGH) == 0, "thief emptied high");
    CHECK(sp_next(set, 0, 0) == -1, "nothing left for the owner");
    /* Refill every way, after the owner found (and marked) everything empty. */
    sp_push_local(set, 0, 20, SP_PRIO_LOW);
    CHECK(sp_next(set, 0, 0) == 20, "a local push at a priority marked empty");
    sp_push_remote(set, 0, 21, SP_PRIO_MAX);
    CHECK(sp_next(set, 0, 0) == 21, "an injection at a priority marked empty");
    sp_push_local(set, 0, 22, SP_PRIO_HIGH | SP_BOUND);
    CHECK(sp_next(set, 0, 0) == 22, "a bound entry at a priority marked empty");
    sp_push_remote(set, 0, 23, SP_PRIO_NORMAL | SP_BOUND);
    sp_push_local(set, 0, 24, SP_PRIO_HIGH);
    CHECK(sp_next(set, 0, 0) == 24, "high before normal");
    CHECK(sp_next(set, 0, 0) == 23, "an injected bound entry");
    /* The thief found nothing of its own before; what it steals lands in its own queues. */
    for (uint32_t i = 0; i < 6; i++) {
        sp_push_local(set, 0, 30 + i, SP_PRIO_HIGH);
    }
    CHECK(sp_next(set, 1, 1) == 30, "thief steals the oldest");
    CHECK(sp_next(set, 1, 0) == 31 && sp_next(set, 1, 0) == 32, "and finds what it kept");
    CHECK(sp_next(set, 1, 0) == -1, "thief done");
    for (int64_t i = 33; i <= 35; i++) {
        CHECK(sp_next(set, 0, 0) == i, "owner runs the rest in order");
    }
    CHECK(sp_next(set, 0, 0) == -1 && sp_next(set, 1, 1) == -1, "all taken once");
    sp_destroy(set);
}

static void lone_entry(void)
{
    sp_set *set = sp_create(2, 64, 64);
    sp_push_local(set, 0, 1, SP_PRIO_NORMAL);
    sp_push_local(set, 0, 2, SP_PRIO_NORMAL);
    CHECK(sp_next(set, 0, 0) == 1, "owner runs");
    CHECK(sp_next(set, 1, 1) == -1, "thief took the lone entry of an owner it just saw run");
    sp_push_local(set, 0, 3, SP_PRIO_NORMAL);
    CHECK(sp_next(set, 0, 0) == 2, "owner runs");
    sp_next(set, 1, 1); /* the thief sees the executed counter move */
    sleep_ms(2);        /* the owner now runs nothing for longer than the stall bound */
    CHECK(sp_next(set, 1, 1) == 3, "thief must take the lone entry of a stalled owner");
    sp_destroy(set);
}

static void overflow_not_starved(void)
{
    /* A ring of 4 that stays full (every pick is pushed back) and one spilled entry: it must run
     * within a bounded number of picks, not wait for the ring to drain. */
    sp_set *set = sp_create(1, 4, 4);
    for (uint32_t i = 0; i < 5; i++) {
        sp_push_local(set, 0, i, SP_PRIO_NORMAL);
    }
    CHECK(sp_queue_length(set, 0, SP_PRIO_NORMAL) == 5, "length with one spilled");
    int ran = 0;
    for (int i = 0; i < 200 && !ran; i++) {
        const int64_t v = sp_next(set, 0, 0);
        CHECK(v >= 0, "empty");
        if (v == 4) {
            ran = 1;
        } else {
            sp_push_local(set, 0, (uint32_t)v, SP_PRIO_NORMAL);
        }
    }
    CHECK(ran, "the spilled entry starved behind a full ring");
    /* Same through the inject queue: a remote push while the ring is full. */
    sp_push_remote(set, 0, 9, SP_PRIO_NORMAL);
    ran = 0;
    for (int i = 0; i < 200 && !ran; i++) {
        const int64_t v = sp_next(set, 0, 0);
        CHECK(v >= 0, "empty");
        if (v == 9) {
            ran = 1;
        } else {
            sp_push_local(set, 0, (uint32_t)v, SP_PRIO_NORMAL);
        }
    }
    CHECK(ran, "the injected entry starved behind a full ring");
    sp_destroy(set);
}

static void queue_lengths(void)
{
    sp_set *set = sp_create(1, 2, 2);
    for (uint32_t i = 0; i < 3; i++) {
        sp_push_local(set, 0, i, SP_PRIO_HIGH); /* 2 in the ring, 1 spilled */
        sp_push_local(set, 0, 10 + i, SP_PRIO_LOW);
    }
    CHECK(sp_queue_length(set, 0, SP_PRIO_HIGH) == 3, "high %lld", (long long)sp_queue_length(set, 0, SP_PRIO_HIGH));
    CHECK(sp_queue_length(set, 0, SP_PRIO_LOW) == 3, "low %lld", (long long)sp_queue_length(set, 0, SP_PRIO_LOW));
    CHECK(sp_queue_length(set, 0, SP_PRIO_MAX) == 0, "max");
    sp_push_remote(set, 0, 20, SP_PRIO_MAX);
    CHECK(sp_queue_length(set, 0, SP_PRIO_NORMAL) == 1, "undrained injected entries count under normal");
    CHECK(sp_next(set, 0, 0) == 20, "max first");
    CHECK(sp_queue_length(set, 0, SP_PRIO_NORMAL) == 0, "drained");
    int n = 0;
    while (sp_next(set, 0, 0) >= 0) {
        n++;
    }
    CHECK(n == 6, "drained %d of 6", n);
    for (uint32_t p = 0; p < SP_NPRIO; p++) {
        CHECK(sp_queue_length(set, 0, p) == 0, "prio %u not empty", p);
    }
    sp_destroy(set);
}

static void offline(void)
{
    sp_set *set = sp_create(3, 64, 64);
    sp_set_online(set, 2);
    CHECK(sp_online(set) == 2, "online");
    for (uint32_t i = 0; i < 8; i++) {
        sp_push_local(set, 2, i, SP_PRIO_NORMAL); /* queued on an offline scheduler */
        sp_push_local(set, 0, 100 + i, SP_PRIO_NORMAL);
    }
    CHECK(sp_next(set, 1, 1) >= 100, "an online thief must not take from an offline victim");
    CHECK(sp_queue_length(set, 2, SP_PRIO_NORMAL) == 8, "offline victim robbed");
    for (uint32_t i = 0; i < 8; i++) {
        CHECK(sp_next(set, 2, 1) == i, "an offline owner still drains its own queue, in order");
    }
    CHECK(sp_next(set, 2, 1) == -1, "an offline scheduler does not steal");
    sp_destroy(set);
}

static sp_set *wake_set;
static _Atomic int woke;

/* Scheduler 1 sleeps until it sees stealable work or someone wakes it. Scheduler 0 (the main
 * thread) is awake, so scheduler 1 sleeps as the watcher and returns every SP_WATCH_NS: a timed
 * return is not a wake-up (counters.wakeups counts those). */
static void *sleeper(void *arg)
{
    (void)arg;
    const sp_counters *c = sp_counters_of(wake_set);
    while (sp_park(wake_set, 1, -1) == 0 && atomic_load(&c[1].wakeups) == 0) {
        progress();
    }
    atomic_store(&woke, 1);
    return NULL;
}

static void wake_to_steal(void)
{
    wake_set = sp_create(2, 64, 64);
    const sp_counters *c = sp_counters_of(wake_set);
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    sleep_ms(50); /* let it fall asleep; if it is late, its own re-check sees the two entries */
    sp_push_local(wake_set, 0, 1, SP_PRIO_NORMAL);
    sleep_ms(20);
    CHECK(!atomic_load(&woke) && atomic_load(&c[1].wakeups) == 0, "one local entry must not wake a sleeper");
    CHECK(atomic_load(&c[1].watches) > 0, "a sleeper beside an awake scheduler must watch (timed sleeps)");
    sp_push_local(wake_set, 0, 2, SP_PRIO_NORMAL);
    pthread_join(t, NULL); /* a missed wake hangs here and the watchdog fails the test */
    CHECK(atomic_load(&c[1].wakeups) <= 1, "wakeups %llu: exactly one sleeper, at most one wake",
          (unsigned long long)atomic_load(&c[1].wakeups));
    sp_destroy(wake_set);
}

/* Bound entries are never taken: not from the FIFOs, the bound inject queue or the overflow list,
 * not even from a stalled owner; its unbound overflow entries are, and bound ones keep their order. */
static void bound_never_stolen(void)
{
    sp_set *set = sp_create(2, 2, 2); /* rings and FIFOs of 2, so pushes spill */
    const uint32_t b = SP_PRIO_NORMAL | SP_BOUND;
    for (uint32_t i = 0; i < 4; i++) {
        sp_push_local(set, 0, 10 + i, b); /* 10, 11 in the FIFO; 12, 13 spilled */
    }
    for (uint32_t i = 0; i < 4; i++) {
        sp_push_local(set, 0, 20 + i, SP_PRIO_NORMAL); /* 20, 21 in the ring; 22, 23 spilled */
    }
    sp_push_remote(set, 0, 30, b); /* the bound inject queue */
    CHECK(sp_queue_length(set, 0, SP_PRIO_NORMAL) == 9, "length counts bound entries: %lld",
          (long long)sp_queue_length(set, 0, SP_PRIO_NORMAL));
    CHECK(sp_park(set, 0, 0) == 1, "work in sight"); /* the owner polls, taking nothing */
    /* Not stalled: half of a ring holding two (one), nothing from the overflow list. */
    CHECK(sp_next(set, 1, 1) == 20, "half of the ring");
    sleep_ms(2); /* 0 does not poll again: stalled (no check before: "not yet stalled" is a timing) */
    const int64_t expect[3] = {21, 22, 23};
    for (int i = 0; i < 3; i++) {
        CHECK(sp_next(set, 1, 1) == expect[i], "thief: unbound %lld next (the lone ring entry, then overflow)",
              (long long)expect[i]);
    }
    CHECK(sp_next(set, 1, 1) == -1, "a thief took a bound entry");
    const sp_counters *c = sp_counters_of(set);
    CHECK(atomic_load(&c[1].stolen) == 2 && atomic_load(&c[1].rescued) == 2 && atomic_load(&c[0].rescued_away) == 2,
          "stolen %llu rescued %llu", (unsigned long long)atomic_load(&c[1].stolen),
          (unsigned long long)atomic_load(&c[1].rescued));
    /* The owner: its FIFO, then the overflow list in order; the bound inject entry found the FIFO
     * full when drained, so it spilled behind 12 and 13. */
    const int64_t own[5] = {10, 11, 12, 13, 30};
    for (int i = 0; i < 5; i++) {
        const int64_t v = sp_next(set, 0, 0);
        CHECK(v == own[i], "owner pick %d: got %lld, expected %lld", i, (long long)v, (long long)own[i]);
    }
    CHECK(sp_next(set, 0, 0) == -1, "extra");
    sp_destroy(set);
}

/* At one priority bound goes first; priority still beats boundness; when both kinds keep waiting,
 * unbound gets one pick in SP_BOUND_TURN. */
static void bound_order(void)
{
    sp_set *set = sp_create(1, 64, 64);
    sp_push_local(set, 0, 1, SP_PRIO_NORMAL);
    sp_push_local(set, 0, 2, SP_PRIO_NORMAL | SP_BOUND);
    sp_push_local(set, 0, 3, SP_PRIO_HIGH);
    sp_push_remote(set, 0, 4, SP_PRIO_NORMAL | SP_BOUND);
    const int64_t order[4] = {3, 2, 4, 1};
    for (int i = 0; i < 4; i++) {
        CHECK(sp_next(set, 0, 0) == order[i], "pick %d: expected %lld", i, (long long)order[i]);
    }
    /* A bound and an unbound entry, both always runnable (re-queued after each pick). */
    sp_push_local(set, 0, 100, SP_PRIO_NORMAL | SP_BOUND);
    sp_push_local(set, 0, 200, SP_PRIO_NORMAL);
    long unbound = 0, bound = 0, longest = 0, run = 0;
    for (int i = 0; i < 8000; i++) {
        const int64_t v = sp_next(set, 0, 0);
        if (v == 100) {
            bound++;
            run++;
            sp_push_local(set, 0, 100, SP_PRIO_NORMAL | SP_BOUND);
        } else {
            CHECK(v == 200, "unexpected %lld", (long long)v);
            unbound++;
            longest = run > longest ? run : longest;
            run = 0;
            sp_push_local(set, 0, 200, SP_PRIO_NORMAL);
        }
    }
    CHECK(unbound * (long)SP_BOUND_TURN >= 8000 - (long)SP_BOUND_TURN && longest <= (long)SP_BOUND_TURN,
          "unbound got %ld of 8000 picks (longest wait %ld): a yielding bound process starves it", unbound, longest);
    /* The low turn applies across kinds: bound normal and unbound low, both always runnable. */
    while (sp_next(set, 0, 0) >= 0) {
    }
    sp_push_local(set, 0, 100, SP_PRIO_NORMAL | SP_BOUND);
    sp_push_local(set, 0, 300, SP_PRIO_LOW);
    long low = 0;
    for (int i = 0; i < 8000; i++) {
        const int64_t v = sp_next(set, 0, 0);
        if (v == 300) {
            low++;
            sp_push_local(set, 0, 300, SP_PRIO_LOW);
        } else {
            sp_push_local(set, 0, 100, SP_PRIO_NORMAL | SP_BOUND);
        }
    }
    CHECK(low * (long)SP_LOW_TURN >= 8000 - (long)SP_LOW_TURN, "low got %ld of 8000 picks beside bound normal", low);
    (void)bound;
    sp_destroy(set);
}

/* A spilled bound entry is not starved by a bound FIFO that stays full: the overflow turn. */
static void bound_overflow_turn(void)
{
    sp_set *set = sp_create(1, 4, 4);
    const uint32_t b = SP_PRIO_NORMAL | SP_BOUND;
    for (uint32_t i = 0; i < 5; i++) {
        sp_push_local(set, 0, i, b);
    }
    int ran = 0;
    for (int i = 0; i < 200 && !ran; i++) {
        const int64_t v = sp_next(set, 0, 0);
        CHECK(v >= 0, "empty");
        if (v == 4) {
            ran = 1;
        } else {
            sp_push_local(set, 0, (uint32_t)v, b);
        }
    }
    CHECK(ran, "the spilled bound entry starved behind a full FIFO");
    sp_destroy(set);
}

/* Rescue: a thief takes about half of a stalled owner's inject queue (oldest first) and keeps the
 * rest in its rings in order; it takes nothing from an owner that polled since its last look. */
static void rescue_inject(void)
{
    sp_set *set = sp_create(2, 64, 64);
    const sp_counters *c = sp_counters_of(set);
    CHECK(sp_next(set, 0, 0) == -1, "empty"); /* the owner polls */
    CHECK(sp_next(set, 1, 1) == -1, "empty"); /* the thief sees that */
    for (uint32_t i = 0; i < 6; i++) {
        sp_push_remote(set, 0, i, SP_PRIO_NORMAL);
    }
    sleep_ms(2);
    CHECK(sp_next(set, 1, 1) == 0, "the oldest injected entry first");
    CHECK(sp_next(set, 1, 0) == 1 && sp_next(set, 1, 0) == 2 && sp_next(set, 1, 0) == -1, "kept 1 and 2, in order");
    CHECK(atomic_load(&c[1].rescued) == 3 && atomic_load(&c[0].rescued_away) == 3, "rescued %llu, expected half of 6",
          (unsigned long long)atomic_load(&c[1].rescued));
    for (int64_t i = 3; i < 6; i++) {
        CHECK(sp_next(set, 0, 0) == i, "the owner gets the rest in order");
    }
    /* The owner polls between the thief's looks: nothing is rescued, however long ago the look was. */
    sp_next(set, 1, 1);
    sleep_ms(2);
    CHECK(sp_next(set, 0, 0) == -1, "empty"); /* polls */
    for (uint32_t i = 10; i < 13; i++) {
        sp_push_remote(set, 0, i, SP_PRIO_NORMAL);
    }
    CHECK(sp_next(set, 1, 1) == -1, "rescued from an owner that polled since the thief's last look");
    CHECK(sp_queue_length(set, 0, SP_PRIO_NORMAL) == 3, "the injected entries stay");
    sp_destroy(set);
}

/* The watcher. Scheduler 1 runs the scheduler loop on a thread; scheduler 0 (the main thread)
 * polls and then stays "in a long call". An unbound entry pushed to 0 from outside must be run by
 * 1: without rules 3 and 4 of sleep.c, 1 would sleep for ever and the watchdog would fail us. */
static sp_set *watch_set;
static _Atomic int watch_stop;
static _Atomic int64_t watch_ran;

static void *watch_loop(void *arg)
{
    (void)arg;
    while (!atomic_load(&watch_stop)) {
        const int64_t v = sp_next(watch_set, 1, 1);
        if (v >= 0) {
            atomic_store(&watch_ran, v);
            progress();
        } else {
            sp_park(watch_set, 1, -1);
        }
    }
    return NULL;
}

static void wait_ran(int64_t v)
{
    while (atomic_load(&watch_ran) != v) {
        sleep_ms(1); /* a hang here is a stranded entry: the progress watchdog fails the test */
    }
}

static void watcher(void)
{
    watch_set = sp_create(2, 64, 64);
    const sp_counters *c = sp_counters_of(watch_set);
    atomic_store(&watch_ran, -1);
    pthread_t t;
    pthread_create(&t, NULL, watch_loop, NULL);
    sp_next(watch_set, 0, 0);
    sleep_ms(5); /* 1 is asleep by now, as the watcher: 0 is awake */
    sp_push_remote(watch_set, 0, 42, SP_PRIO_NORMAL);
    wait_ran(42);
    CHECK(atomic_load(&c[1].rescued) == 1 && atomic_load(&c[1].watches) > 0, "rescued by the watcher");
    /* Now 0 sleeps a while, so 1 stops watching (nobody awake) and sleeps without a timeout. Then 0
     * wakes, polls and gets stuck, and an entry is pushed to it: the push recruits 1 (rule 4). */
    sp_park(watch_set, 0, 20 * 1000 * 1000);
    sp_next(watch_set, 0, 0);
    sp_push_remote(watch_set, 0, 43, SP_PRIO_NORMAL);
    wait_ran(43);
    CHECK(atomic_load(&c[1].rescued) == 2, "rescued after recruiting a watcher");
    atomic_store(&watch_stop, 1);
    while (pthread_tryjoin_np(t, NULL) != 0) {
        sp_unpark(watch_set, 1);
        sleep_ms(1);
    }
    sp_destroy(watch_set);
}

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    create_args();
    counters_layout();
    steal_half();
    lone_entry();
    skipped_priorities_refill();
    overflow_not_starved();
    queue_lengths();
    offline();
    wake_to_steal();
    progress();
    bound_never_stolen();
    bound_order();
    bound_overflow_turn();
    rescue_inject();
    progress();
    watcher();
    printf("contract: create, counters, steal half, lone entry, skipped priorities, overflow turn, lengths, offline, wake-to-steal, "
           "bound entries, rescue, watcher: ok\n");
    return 0;
}
