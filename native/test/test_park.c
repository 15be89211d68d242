/* Parking: unpark wakes a sleeper; an unpark before the park is not lost; timeouts elapse; and
 * 200k remote-push/park hand-offs between two threads never hang (a lost wake-up would). Each
 * hand-off is usually a real futex sleep and wake: 40k-150k per second here, depending on load,
 * so the progress watchdog (check.h), not a wall-clock limit, tells a hang from a slow machine. */
#include "check.h"
#include "spindle/spindle.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

static sp_set *set;
static _Atomic long consumed;
static long rounds;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *sleeper(void *arg)
{
    (void)arg;
    sp_park(set, 0, -1);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (long i = 0; i < rounds; i++) {
        while (sp_next(set, 0, 0) < 0) {
            sp_park(set, 0, -1); /* no timeout: a lost wake-up hangs, and the watchdog fails us */
        }
        atomic_fetch_add(&consumed, 1);
        progress();
    }
    return NULL;
}

/* What the watchdog prints if the hand-offs stop: where the consumer stands. */
static void dump(void)
{
    const sp_counters *c = sp_counters_of(set);
    fprintf(stderr, "park: consumed %ld of %ld; scheduler 0 queue %lld, parks %llu, wakeups %llu, injected %llu\n",
            atomic_load(&consumed), rounds, (long long)sp_queue_length(set, 0, SP_PRIO_NORMAL),
            (unsigned long long)atomic_load(&c[0].parks), (unsigned long long)atomic_load(&c[0].wakeups),
            (unsigned long long)atomic_load(&c[0].injected));
}

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S); /* a lost wake-up hangs a no-timeout park: no progress */
    set = sp_create(2, 64, 64);
    /* Scheduler 1 offline throughout: with another online scheduler awake, scheduler 0 would sleep
     * as the watcher (at most SP_WATCH_NS, test_contract), which would hide a lost wake-up here. */
    sp_set_online(set, 1);
    watchdog_dump(dump);
    CHECK(set != NULL, "create");

    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    struct timespec d = {0, 20 * 1000 * 1000};
    nanosleep(&d, NULL);
    sp_unpark(set, 0);
    pthread_join(t, NULL);

    progress();

    /* A pending permit makes the next no-timeout park return at once (a lost one hangs here) and
     * is not a real sleep. */
    const sp_counters *c = sp_counters_of(set);
    uint64_t parks = atomic_load(&c[0].parks);
    sp_unpark(set, 0);
    CHECK(sp_park(set, 0, -1) == 0, "a pending permit is not work");
    CHECK(atomic_load(&c[0].parks) == parks, "a pending permit must not count as a sleep");
    progress();

    /* A timed sleep lasts its timeout (nobody else is online, so nothing to watch). */
    parks = atomic_load(&c[0].parks);
    const uint64_t watches = atomic_load(&c[0].watches);
    long long t0 = now_ns();
    CHECK(sp_park(set, 0, 5 * 1000 * 1000) == 0, "no work: should sleep");
    CHECK(now_ns() - t0 >= 5 * 1000 * 1000, "5 ms timeout returned after %lld ns", now_ns() - t0);
    CHECK(atomic_load(&c[0].parks) == parks + 1, "a timed sleep must count as one park");
    CHECK(atomic_load(&c[0].watches) == watches, "nobody else online: nothing to watch");

    sp_push_local(set, 1, 7, SP_PRIO_NORMAL);
    CHECK(sp_park(set, 1, -1) == 1, "own work visible: must not sleep");
    CHECK(sp_next(set, 1, 0) == 7, "entry");

    rounds = scaled(20000); /* 200k hand-offs by default: each may be a futex sleep + wake (5-50 us) */
    pthread_create(&t, NULL, consumer, NULL);
    for (long i = 0; i < rounds; i++) {
        sp_push_remote(set, 0, (uint32_t)i, SP_PRIO_NORMAL);
        /* Wait for the hand-off so every push finds the consumer asleep or about to be. Spin a
         * little, then yield: with both threads on one core, a pure spin would burn a whole time
         * slice per hand-off. */
        for (int spins = 0; atomic_load(&consumed) <= i; spins++) {
            if (spins > 1000) {
                sched_yield();
            }
        }
    }
    pthread_join(t, NULL);
    CHECK(atomic_load(&c[0].watches) == 0, "nothing to watch: a timed return would hide a lost wake-up");
    printf("park: wake, early permit, timeout, %ld hand-offs (%llu real sleeps, %llu futex wakes): ok\n", rounds,
           (unsigned long long)(atomic_load(&c[0].parks) - parks - 1), (unsigned long long)atomic_load(&c[0].wakeups));
    sp_destroy(set);
    return 0;
}
