/* Wake-up stress with random delays at the racy steps (src/testhook.h; this test links the hooked
 * core). Every sleeper parks WITHOUT a timeout, so one lost wake-up hangs a thread for ever and
 * the progress watchdog fails the test, printing where everyone stood. The watcher (whose timed
 * sleeps would turn a lost wake-up into a 1 ms delay) is off for parts 1 and 2.
 *  1. Hand-offs: three plain threads push to one scheduler (bursts, and one push at a time while
 *     the scheduler sleeps); tiny and roomy queues. No loss, no duplication, FIFO per producer
 *     while nothing spills.
 *  2. PARK mode: three schedulers run the scheduler loop (sp_next with stealing, else sp_park(-1));
 *     entries, a third of them bound, hop to the same scheduler, to another one, or through a
 *     plain thread. Every hop happens exactly once; bound entries run only on their scheduler.
 *  3. Stalled scheduler, watcher on: as 2, but scheduler 0 stops polling, for ever or now and then
 *     for a few ms ("a long call"), while unbound entries keep being pushed to it. The others must
 *     rescue them (a stranded entry stops progress); bound entries still run only at home.
 *  4. Deterministic: the watcher gives the watch up while a push lands on a scheduler that woke
 *     and got stuck (the interleaving spin found); it must keep sleeping with a timeout.
 *  5. Deterministic: a push lands on an awake scheduler that holds the watch slot and then stays
 *     stuck (spin's second interleaving); a sleeper must be recruited, take the watch over and
 *     rescue the entry.
 *  6. Deterministic: the slot's awake holder gives it up between a sleeper's look and its CAS
 *     (spin's third); the sleeper must look again and take the slot. */
#define _GNU_SOURCE
#include "check.h"
#include "spindle/spindle.h"
#include "testhook.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

static _Thread_local uint32_t rng_state;

static uint32_t rnd(void)
{
    if (rng_state == 0) {
        rng_state = (uint32_t)(uintptr_t)&rng_state | 1u; /* per-thread seed */
    }
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static _Atomic unsigned long hook_calls;

/* Most of the time nothing; otherwise a yield, a short spin, or a real sleep (>= ~50 us here). */
static void delay(int point)
{
    (void)point;
    atomic_fetch_add_explicit(&hook_calls, 1, memory_order_relaxed);
    const uint32_t r = rnd() % 64;
    if (r < 40) {
        return;
    }
    if (r < 52) {
        sched_yield();
    } else if (r < 63) {
        for (uint32_t i = rnd() % 2000; i > 0; i--) {
            atomic_signal_fence(memory_order_seq_cst); /* keep the loop */
        }
    } else {
        struct timespec d = {0, (long)(rnd() % 20000)};
        nanosleep(&d, NULL);
    }
}

/* ---- 1. hand-offs from plain threads to one scheduler ---- */

#define PRODUCERS 3

static sp_set *set;
static long per;
static _Atomic long consumed;
static int one_at_a_time;

static void *producer(void *arg)
{
    const uint32_t id = (uint32_t)(uintptr_t)arg;
    for (long i = 0; i < per; i++) {
        sp_push_remote(set, 0, id << 24 | (uint32_t)i, SP_PRIO_NORMAL);
        if (one_at_a_time) {
            /* Wait for the hand-off (all producers together: up to three in flight). */
            for (int spins = 0; atomic_load(&consumed) < (long)PRODUCERS * (i + 1); spins++) {
                if (spins > 100) {
                    sched_yield();
                }
            }
        }
    }
    return NULL;
}

static void dump_handoff(void)
{
    const sp_counters *c = sp_counters_of(set);
    fprintf(stderr, "wake/hand-off: consumed %ld of %ld; queue %lld; parks %llu wakeups %llu injected %llu overflowed %llu\n",
            atomic_load(&consumed), PRODUCERS * per, (long long)sp_queue_length(set, 0, SP_PRIO_NORMAL),
            (unsigned long long)atomic_load(&c[0].parks), (unsigned long long)atomic_load(&c[0].wakeups),
            (unsigned long long)atomic_load(&c[0].injected), (unsigned long long)atomic_load(&c[0].overflowed));
}

static void handoffs(uint32_t local_cap, uint32_t inject_cap, int serial)
{
    set = sp_create(2, local_cap, inject_cap);
    CHECK(set != NULL, "create");
    atomic_store(&sp_test_no_watch, 1);
    atomic_store(&consumed, 0);
    one_at_a_time = serial;
    watchdog_dump(dump_handoff);
    pthread_t t[PRODUCERS];
    for (uintptr_t p = 0; p < PRODUCERS; p++) {
        pthread_create(&t[p], NULL, producer, (void *)p);
    }
    long next[PRODUCERS] = {0};
    uint8_t *seen[PRODUCERS];
    for (int p = 0; p < PRODUCERS; p++) {
        seen[p] = calloc((size_t)per, 1);
    }
    const long total = PRODUCERS * per;
    for (long got = 0; got < total;) {
        const int64_t v = sp_next(set, 0, 1);
        if (v < 0) {
            sp_park(set, 0, -1); /* no timeout: a lost wake-up hangs here */
            continue;
        }
        const uint32_t p = (uint32_t)v >> 24;
        const long seq = (long)((uint32_t)v & 0xFFFFFF);
        CHECK(p < PRODUCERS && seq < per, "bad entry %lld", (long long)v);
        CHECK(!seen[p][seq], "producer %u item %ld twice", p, seq);
        seen[p][seq] = 1;
        const sp_counters *c = sp_counters_of(set);
        if (atomic_load(&c[0].overflowed) == 0) {
            CHECK(seq == next[p], "producer %u: got %ld, expected %ld (nothing spilled)", p, seq, next[p]);
        }
        next[p] = seq + 1;
        got++;
        atomic_store(&consumed, got);
        progress();
    }
    for (int p = 0; p < PRODUCERS; p++) {
        pthread_join(t[p], NULL);
        free(seen[p]);
    }
    CHECK(sp_next(set, 0, 0) == -1, "extra entries");
    watchdog_dump(NULL);
    sp_destroy(set);
}

/* ---- 2. and 3. schedulers in PARK mode ---- */

#define SCHEDS 3

static long entries;
static long hops;
static _Atomic long *hop_count;
static _Atomic int *running;
static _Atomic long finished;
static _Atomic int stop;
static int stuck_mode; /* 0: none; 1: scheduler 0 never polls; 2: it stalls now and then */

/* Entry e: bound to scheduler e % SCHEDS when e % 3 == 0 (and, in stuck mode 1, not to 0). */
static int home_of(long e)
{
    if (e % 3 != 0) {
        return -1;
    }
    const int h = (int)((e / 3) % SCHEDS);
    return stuck_mode == 1 && h == 0 ? 1 : h;
}

static uint32_t flags_of(long e)
{
    return ((uint32_t)e & 3u) | (home_of(e) >= 0 ? SP_BOUND : 0u);
}

/* Where an entry goes next: its home if bound, else anywhere. */
static uint32_t target_of(long e)
{
    const int h = home_of(e);
    return h >= 0 ? (uint32_t)h : rnd() % SCHEDS;
}

/* A plain thread that re-injects entries handed to it (a wake-up from outside any scheduler). */
#define MAILBOX 64
static _Atomic int64_t mailbox[MAILBOX];

static void *outsider(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        int idle = 1;
        for (int i = 0; i < MAILBOX; i++) {
            const int64_t e = atomic_exchange(&mailbox[i], -1);
            if (e >= 0) {
                sp_push_remote(set, target_of(e), (uint32_t)e, flags_of(e));
                idle = 0;
            }
        }
        if (idle) {
            sched_yield();
        }
    }
    return NULL;
}

static void *owner(void *arg)
{
    const uint32_t s = (uint32_t)(uintptr_t)arg;
    if (stuck_mode == 1 && s == 0) {
        return NULL; /* stuck from the start: never polls, never sleeps */
    }
    while (!atomic_load(&stop)) {
        const int64_t e = sp_next(set, s, 1);
        if (e < 0) {
            sp_park(set, s, -1); /* PARK mode: no timeout */
            continue;
        }
        CHECK(home_of(e) < 0 || home_of(e) == (int)s, "bound entry %lld (home %d) ran on %u", (long long)e, home_of(e), s);
        int expected = 0;
        CHECK(atomic_compare_exchange_strong(&running[e], &expected, 1), "entry %lld runs twice at once", (long long)e);
        const long h = atomic_fetch_add(&hop_count[e], 1) + 1;
        atomic_store(&running[e], 0);
        CHECK(h <= hops, "entry %lld ran %ld times", (long long)e, h);
        progress();
        if (stuck_mode == 2 && s == 0 && rnd() % 512 == 0) {
            struct timespec d = {0, 3 * 1000 * 1000}; /* a long call: stalled for 3 ms */
            nanosleep(&d, NULL);
        }
        if (h == hops) {
            atomic_fetch_add(&finished, 1);
            continue;
        }
        const uint32_t r = rnd() % 8;
        if (r < 5 && (home_of(e) < 0 || home_of(e) == (int)s)) {
            sp_push_local(set, s, (uint32_t)e, flags_of(e));
        } else if (r < 7) {
            sp_push_remote(set, target_of(e), (uint32_t)e, flags_of(e));
        } else {
            int64_t expected_slot = -1;
            uint32_t slot = rnd() % MAILBOX;
            while (!atomic_compare_exchange_weak(&mailbox[slot], &expected_slot, e)) {
                expected_slot = -1;
                slot = (slot + 1) % MAILBOX;
            }
        }
    }
    return NULL;
}

static void dump_park_mode(void)
{
    const sp_counters *c = sp_counters_of(set);
    fprintf(stderr, "wake/park mode (stuck mode %d): finished %ld of %ld entries\n", stuck_mode, atomic_load(&finished), entries);
    for (uint32_t s = 0; s < SCHEDS; s++) {
        long long q = 0;
        for (uint32_t p = 0; p < SP_NPRIO; p++) {
            q += sp_queue_length(set, s, p);
        }
        fprintf(stderr,
                "  scheduler %u: queued %lld executed %llu parks %llu wakeups %llu stolen %llu rescued %llu rescued_away %llu watches %llu\n",
                s, q, (unsigned long long)atomic_load(&c[s].executed), (unsigned long long)atomic_load(&c[s].parks),
                (unsigned long long)atomic_load(&c[s].wakeups), (unsigned long long)atomic_load(&c[s].stolen),
                (unsigned long long)atomic_load(&c[s].rescued), (unsigned long long)atomic_load(&c[s].rescued_away),
                (unsigned long long)atomic_load(&c[s].watches));
    }
}

static void park_mode(uint32_t local_cap, uint32_t inject_cap, int stuck)
{
    set = sp_create(SCHEDS, local_cap, inject_cap);
    CHECK(set != NULL, "create");
    stuck_mode = stuck;
    atomic_store(&sp_test_no_watch, stuck == 0);
    hop_count = calloc((size_t)entries, sizeof(*hop_count));
    running = calloc((size_t)entries, sizeof(*running));
    atomic_store(&finished, 0);
    atomic_store(&stop, 0);
    for (int i = 0; i < MAILBOX; i++) {
        atomic_store(&mailbox[i], -1);
    }
    watchdog_dump(dump_park_mode);
    for (long e = 0; e < entries; e++) {
        sp_push_remote(set, target_of(e), (uint32_t)e, flags_of(e));
    }
    pthread_t t[SCHEDS];
    pthread_t out;
    pthread_create(&out, NULL, outsider, NULL);
    for (uintptr_t s = 0; s < SCHEDS; s++) {
        pthread_create(&t[s], NULL, owner, (void *)s);
    }
    while (atomic_load(&finished) < entries) {
        struct timespec d = {0, 1000 * 1000};
        nanosleep(&d, NULL);
    }
    atomic_store(&stop, 1);
    for (int s = 0; s < SCHEDS; s++) {
        /* Wake each until it has left (close() does the same): a no-timeout park needs a wake. */
        for (;;) {
            sp_unpark(set, (uint32_t)s);
            struct timespec d = {0, 1000 * 1000};
            nanosleep(&d, NULL);
            if (pthread_tryjoin_np(t[s], NULL) == 0) {
                break;
            }
        }
    }
    pthread_join(out, NULL);
    for (long e = 0; e < entries; e++) {
        CHECK(atomic_load(&hop_count[e]) == hops, "entry %ld made %ld of %ld hops", e, atomic_load(&hop_count[e]), hops);
    }
    const sp_counters *c = sp_counters_of(set);
    if (stuck == 1) {
        CHECK(atomic_load(&c[0].executed) == 0, "the stuck scheduler ran something");
        CHECK(atomic_load(&c[0].rescued_away) > 0, "nothing was rescued from the stuck scheduler");
    }
    for (uint32_t s = 0; s < SCHEDS; s++) {
        CHECK(sp_next(set, s, 0) == -1, "scheduler %u still holds entries", s);
    }
    free(hop_count);
    free((void *)running);
    watchdog_dump(NULL);
    sp_destroy(set);
}

/* Parts 4 and 5: two schedulers driven step by step through a hook. */
static void await_flag(_Atomic int *flag)
{
    while (!atomic_load(flag)) {
        sched_yield();
    }
}

static void hooked_pair_start(sp_hook_fn hook)
{
    atomic_store(&sp_test_hook, hook);
    set = sp_create(2, 64, 64);
    CHECK(set != NULL, "sp_create");
}

static void hooked_pair_join(pthread_t t0, pthread_t t1)
{
    pthread_join(t0, NULL);
    pthread_join(t1, NULL);
}

static void hooked_pair_end(void)
{
    sp_destroy(set);
    set = NULL;
    atomic_store(&sp_test_hook, delay);
}

/* Waits up to 5 s (a loaded machine) for *v to reach want. */
static void await_value(_Atomic long *v, long want)
{
    for (int i = 0; i < 5000 && atomic_load(v) != want; i++) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
}

/* ---- 4. the watcher gives the watch up while a push lands (the interleaving spin found) ----
 * Scheduler 1 is the watcher and parks again; it looks, sees scheduler 0 asleep, and in the hook
 * right after that look (before it gives the watch up) scheduler 0 wakes and stays busy for ever
 * (a long call: it never polls again) while a plain thread pushes an entry to it. That pusher sees
 * scheduler 0 awake and a watcher in the slot, so it recruits nobody (rule 4). Unless scheduler 1
 * looks again after giving the watch up, it sleeps without a timeout and nobody ever notices that
 * the entry waits in a stuck scheduler's queue. Deterministic: the hook orders the steps. */

static _Atomic int resign_armed;  /* the hook acts once, in scheduler 1's second park */
static _Atomic int t0_parked;     /* scheduler 0 reached its futex wait */
static _Atomic int t0_woke;       /* scheduler 0's park returned: it is busy from now on */
static _Atomic long t1_parks;     /* scheduler 1's parks that returned */
static _Atomic int t1_go;
static _Atomic int resign_done;
static _Thread_local int is_t0;

static void resign_race(int point)
{
    if (point == SP_HOOK_PARK_CHECKED && is_t0) {
        atomic_store(&t0_parked, 1);
        return;
    }
    if (point != SP_HOOK_WATCH_LOOKED || is_t0 || !atomic_exchange(&resign_armed, 0)) {
        return;
    }
    sp_unpark(set, 0);
    while (!atomic_load(&t0_woke)) {
        sched_yield();
    }
    sp_push_remote(set, 0, 42, SP_PRIO_NORMAL); /* sees 0 awake and us as the watcher */
}

static void *resign_t0(void *arg)
{
    (void)arg;
    is_t0 = 1;
    sp_park(set, 0, -1);
    atomic_store(&t0_woke, 1);
    while (!atomic_load(&resign_done)) { /* "in a long call": never polls again */
        sched_yield();
    }
    return NULL;
}

static void *resign_t1(void *arg)
{
    (void)arg;
    sp_park(set, 1, -1); /* 0 is awake: sleeps as the watcher, back after SP_WATCH_NS */
    atomic_fetch_add(&t1_parks, 1);
    while (!atomic_load(&t1_go)) {
        sched_yield();
    }
    sp_park(set, 1, -1); /* the race: must still sleep as the watcher, so it returns */
    atomic_fetch_add(&t1_parks, 1);
    return NULL;
}

static void watcher_resigns_while_a_push_lands(void)
{
    hooked_pair_start(resign_race);
    pthread_t t0, t1;
    CHECK(pthread_create(&t1, NULL, resign_t1, NULL) == 0, "thread");
    await_value(&t1_parks, 1);
    CHECK(pthread_create(&t0, NULL, resign_t0, NULL) == 0, "thread");
    await_flag(&t0_parked); /* 1 is awake now: 0 sleeps without a timeout */
    struct timespec settle = {0, 2000000}; /* into the futex wait itself */
    nanosleep(&settle, NULL);
    atomic_store(&resign_armed, 1);
    atomic_store(&t1_go, 1);
    await_value(&t1_parks, 2); /* a timed sleep lasts SP_WATCH_NS (1 ms) */
    CHECK(atomic_load(&resign_armed) == 0, "the race was not set up: the hook never ran in scheduler 1's park");
    CHECK(atomic_load(&t1_parks) == 2,
          "scheduler 1 gave the watch up while a push landed on scheduler 0 and slept without a timeout: "
          "nobody will notice that scheduler 0 is stuck with entry 42 in its queue");
    progress();
    atomic_store(&resign_done, 1);
    hooked_pair_join(t0, t1);
    CHECK(sp_next(set, 0, 0) == 42, "the pushed entry is still queued for scheduler 0");
    hooked_pair_end();
}

/* ---- 5. a push lands on an awake scheduler that holds the watch (spin's second interleaving) ----
 * Scheduler 0 holds the watch slot and sleeps timed; scheduler 1 parks while 0 is asleep, so it
 * sleeps without a timeout. 0 wakes (its watch period ends) and stays in a long call, still
 * holding the slot; a plain thread pushes an entry to it. The slot's holder is awake, so nobody
 * watches: the push must recruit a sleeper (rule 4), which takes the slot over and rescues the
 * entry from the stalled scheduler. Deterministic: the hooks order the looks. */

static _Atomic int p5_armed;
static _Atomic int p5_t0_held;
static _Atomic int p5_t1_looked;
static _Atomic int p5_t0_awake;
static _Atomic int p5_done;
static _Atomic long p5_rescued = -1;
static _Thread_local int is_p5_t0;

static void held_watch_race(int point)
{
    if (point == SP_HOOK_PARK_CHECKED && is_p5_t0 && atomic_exchange(&p5_armed, 0)) {
        atomic_store(&p5_t0_held, 1);
        while (!atomic_load(&p5_t1_looked)) { /* 0 stays announced asleep until 1 has looked */
            sched_yield();
        }
    } else if (point == SP_HOOK_WATCH_LOOKED && !is_p5_t0) {
        atomic_store(&p5_t1_looked, 1);
    }
}

static void *p5_t0(void *arg)
{
    (void)arg;
    is_p5_t0 = 1;
    sp_park(set, 0, -1); /* 1 is awake: 0 takes the watch and sleeps one watch period */
    atomic_store(&p5_armed, 1);
    sp_park(set, 0, -1); /* still the watcher; the hook holds it asleep until 1 has looked */
    atomic_store(&p5_t0_awake, 1);
    while (!atomic_load(&p5_done)) { /* awake, holding the slot, in a long call: never polls */
        sched_yield();
    }
    return NULL;
}

static void *p5_t1(void *arg)
{
    (void)arg;
    while (!atomic_load(&p5_done)) {
        const int64_t v = sp_next(set, 1, 1);
        if (v >= 0) {
            atomic_store(&p5_rescued, v);
            return NULL;
        }
        sp_park(set, 1, -1); /* first: 0 asleep, so without a timeout */
    }
    return NULL;
}

static void push_to_awake_watch_holder(void)
{
    hooked_pair_start(held_watch_race);
    pthread_t t0, t1;
    CHECK(pthread_create(&t0, NULL, p5_t0, NULL) == 0, "thread");
    await_flag(&p5_t0_held); /* 0 is the watcher, announced asleep, held by the hook */
    CHECK(pthread_create(&t1, NULL, p5_t1, NULL) == 0, "thread");
    await_flag(&p5_t0_awake);
    sp_push_remote(set, 0, 77, SP_PRIO_NORMAL); /* 0 awake and holding the slot: recruit */
    await_value(&p5_rescued, 77);
    CHECK(atomic_load(&p5_rescued) == 77,
          "entry 77 waits with scheduler 0, which holds the watch slot but is stuck awake, and scheduler 1 "
          "sleeps without a timeout: nobody watches (rescued: %ld)", atomic_load(&p5_rescued));
    progress();
    atomic_store(&p5_done, 1);
    sp_unpark(set, 1);
    hooked_pair_join(t0, t1);
    hooked_pair_end();
}

/* ---- 6. the slot's holder gives it up between a sleeper's look and its CAS (spin's third) ----
 * Scheduler 0 holds the watch slot and is awake; scheduler 1 parks, sees 0 awake, reads the slot
 * (held by 0, awake: it may take it over), and before its CAS 0 finds work and gives the slot up.
 * The CAS from 0 fails; 1 must look again and take the now free slot, or it sleeps without a
 * timeout while 0, busy, may get stuck. Deterministic: the hook runs 0's step inside 1's claim. */

static _Atomic int p6_armed;
static _Atomic long p6_t1_parks;
static _Atomic int p6_t0_awake;
static _Atomic int p6_done;
static _Thread_local int is_p6_t0;

static void slot_given_up_race(int point)
{
    if (point != SP_HOOK_WATCH_CLAIMING || is_p6_t0 || !atomic_exchange(&p6_armed, 0)) {
        return;
    }
    /* Scheduler 0's own steps (its thread is idle in this test): one of its processes queues work
     * locally (a lone entry wakes nobody), and its sp_next finds it and gives the slot up. */
    sp_push_local(set, 0, 5, SP_PRIO_NORMAL);
    CHECK(sp_next(set, 0, 0) == 5, "scheduler 0 takes its entry");
}

static void *p6_t0(void *arg)
{
    (void)arg;
    is_p6_t0 = 1;
    sp_park(set, 0, -1); /* 1 is awake: 0 takes the watch, one timed sleep */
    atomic_store(&p6_t0_awake, 1);
    while (!atomic_load(&p6_done)) { /* awake, holding the slot */
        sched_yield();
    }
    return NULL;
}

static void *p6_t1(void *arg)
{
    (void)arg;
    sp_park(set, 1, -1); /* 0 awake holding the slot: 1 claims it; the hook makes 0 give it up first */
    atomic_fetch_add(&p6_t1_parks, 1);
    return NULL;
}

static void slot_given_up_during_a_claim(void)
{
    hooked_pair_start(slot_given_up_race);
    pthread_t t0, t1;
    CHECK(pthread_create(&t0, NULL, p6_t0, NULL) == 0, "thread");
    await_flag(&p6_t0_awake);
    atomic_store(&p6_armed, 1);
    CHECK(pthread_create(&t1, NULL, p6_t1, NULL) == 0, "thread");
    await_value(&p6_t1_parks, 1);
    CHECK(atomic_load(&p6_armed) == 0, "the race was not set up: scheduler 1 never tried to take the slot");
    CHECK(atomic_load(&p6_t1_parks) == 1,
          "scheduler 0 gave the watch slot up between scheduler 1's look and its CAS, and 1 then slept without "
          "a timeout: nobody watches the busy scheduler 0");
    progress();
    atomic_store(&p6_done, 1);
    hooked_pair_join(t0, t1);
    hooked_pair_end();
}

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    atomic_store(&sp_test_hook, delay);

    per = scaled(2000);
    handoffs(1024, 1u << 16, 1);
    printf("wake: %d producers x %ld hand-offs, one at a time: ok\n", PRODUCERS, per);
    handoffs(1024, 1u << 16, 0);
    printf("wake: %d producers x %ld in bursts: ok\n", PRODUCERS, per);
    handoffs(4, 4, 0);
    printf("wake: %d producers x %ld in bursts, tiny queues (spills): ok\n", PRODUCERS, per);

    entries = 300;
    hops = scaled(100);
    park_mode(4096, 1u << 16, 0);
    printf("wake: park mode, %d schedulers, %ld entries x %ld hops (a third bound): ok\n", SCHEDS, entries, hops);
    park_mode(8, 8, 0);
    printf("wake: park mode, tiny queues: ok\n");
    hops = scaled(20);
    park_mode(4096, 1u << 16, 1);
    printf("wake: park mode, scheduler 0 stuck for ever, %ld hops: its work rescued: ok\n", hops);
    park_mode(8, 8, 2);
    printf("wake: park mode, tiny queues, scheduler 0 stalling now and then: ok (%lu delay points hit)\n",
           atomic_load(&hook_calls));
    watcher_resigns_while_a_push_lands();
    printf("wake: a watcher giving the watch up while a push lands on a scheduler that woke and got stuck: still watched: ok\n");
    push_to_awake_watch_holder();
    printf("wake: a push to an awake scheduler holding the watch slot, then stuck: a sleeper takes the watch over and rescues: ok\n");
    slot_given_up_during_a_claim();
    printf("wake: the watch slot given up between a sleeper's look and its CAS: the sleeper takes it: ok\n");
    return 0;
}
