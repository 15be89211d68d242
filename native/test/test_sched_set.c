/* Four owner threads each run a scheduler: pop (stealing), "run" an entry, push it back locally or
 * to a random scheduler until it has made all its hops; park (1 ms) when idle. Every hop happens
 * exactly once, no entry runs on two threads at once, and the counters add up: executed == hops,
 * pushes (local + remote) == hops. Runs with roomy queues, with tiny ones (overflow, many steals),
 * and with a thread changing the number online while it runs. */
#include "check.h"
#include "spindle/spindle.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define SCHEDS 4

static sp_set *set;
static long entries;
static long hops;
static _Atomic long *hop_count;
static _Atomic int *running;
static _Atomic long finished;
static _Atomic int stop_toggler;

static uint32_t rnd(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static void *owner(void *arg)
{
    const uint32_t s = (uint32_t)(uintptr_t)arg;
    uint32_t seed = 2463534242u + s * 7919u;
    while (atomic_load(&finished) < entries) {
        const int64_t e = sp_next(set, s, 1);
        if (e < 0) {
            sp_park(set, s, 1000000);
            continue;
        }
        int expected = 0;
        CHECK(atomic_compare_exchange_strong(&running[e], &expected, 1), "entry %lld runs twice at once", (long long)e);
        const long h = atomic_fetch_add(&hop_count[e], 1) + 1;
        progress();
        atomic_store(&running[e], 0);
        CHECK(h <= hops, "entry %lld ran %ld times", (long long)e, h);
        if (h == hops) {
            atomic_fetch_add(&finished, 1);
        } else if (rnd(&seed) % 4 == 0) {
            sp_push_remote(set, rnd(&seed) % SCHEDS, (uint32_t)e, (uint32_t)e & 3);
        } else {
            sp_push_local(set, s, (uint32_t)e, (uint32_t)e & 3);
        }
    }
    return NULL;
}

/* Moves the online count between 1 and SCHEDS while the owners run: offline schedulers stop
 * stealing and being stolen from but still drain their own queues, so nothing may get lost. */
static void *toggler(void *arg)
{
    (void)arg;
    uint32_t seed = 88172645u;
    while (!atomic_load(&stop_toggler)) {
        sp_set_online(set, 1 + rnd(&seed) % SCHEDS);
        struct timespec d = {0, 200 * 1000};
        nanosleep(&d, NULL);
    }
    sp_set_online(set, SCHEDS);
    return NULL;
}

static void run(uint32_t local_cap, uint32_t inject_cap, int toggle)
{
    set = sp_create(SCHEDS, local_cap, inject_cap);
    CHECK(set != NULL, "create");
    hop_count = calloc((size_t)entries, sizeof(*hop_count));
    running = calloc((size_t)entries, sizeof(*running));
    atomic_store(&finished, 0);
    for (long e = 0; e < entries; e++) {
        sp_push_remote(set, (uint32_t)(e % SCHEDS), (uint32_t)e, (uint32_t)e & 3);
    }
    pthread_t t[SCHEDS];
    pthread_t tog;
    atomic_store(&stop_toggler, 0);
    if (toggle) {
        pthread_create(&tog, NULL, toggler, NULL);
    }
    for (uintptr_t s = 0; s < SCHEDS; s++) {
        pthread_create(&t[s], NULL, owner, (void *)s);
    }
    for (int s = 0; s < SCHEDS; s++) {
        pthread_join(t[s], NULL);
    }
    if (toggle) {
        atomic_store(&stop_toggler, 1);
        pthread_join(tog, NULL);
    }
    uint64_t executed = 0, pushed = 0, stolen = 0;
    const sp_counters *c = sp_counters_of(set);
    for (int s = 0; s < SCHEDS; s++) {
        executed += atomic_load(&c[s].executed);
        pushed += atomic_load(&c[s].pushed_local) + atomic_load(&c[s].injected);
        stolen += atomic_load(&c[s].stolen);
        CHECK(sp_next(set, (uint32_t)s, 0) == -1, "scheduler %d still holds entries", s);
    }
    for (long e = 0; e < entries; e++) {
        CHECK(atomic_load(&hop_count[e]) == hops, "entry %ld made %ld hops", e, atomic_load(&hop_count[e]));
    }
    CHECK(executed == (uint64_t)(entries * hops), "executed %llu != %ld", (unsigned long long)executed, entries * hops);
    CHECK(pushed == (uint64_t)(entries * hops), "pushed %llu != %ld", (unsigned long long)pushed, entries * hops);
    CHECK(stolen <= executed, "stolen %llu > executed", (unsigned long long)stolen);
    free(hop_count);
    free((void *)running);
    sp_destroy(set);
}

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    entries = 2000;
    hops = scaled(500);
    run(4096, 1u << 16, 0);
    printf("sched_set: %d schedulers, %ld entries x %ld hops: ok\n", SCHEDS, entries, hops);
    run(8, 8, 0);
    printf("sched_set: tiny rings (overflow, steals, wake-ups): ok\n");
    run(64, 64, 1);
    printf("sched_set: online count changing while running: ok\n");
    return 0;
}
