/* Four owner threads each run a scheduler: pop (stealing), "run" an entry, push it back locally or
 * to a random scheduler until it has made all its hops; park when idle. Every hop happens exactly
 * once, no entry runs on two threads at once, and the executed counters add up. */
#include "check.h"
#include "spindle/spindle.h"

#include <pthread.h>
#include <stdatomic.h>

#define SCHEDS 4

static sp_set *set;
static long entries;
static long hops;
static _Atomic long *hop_count;
static _Atomic int *running;
static _Atomic long finished;

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

static void run(uint32_t local_cap, uint32_t inject_cap)
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
    for (uintptr_t s = 0; s < SCHEDS; s++) {
        pthread_create(&t[s], NULL, owner, (void *)s);
    }
    for (int s = 0; s < SCHEDS; s++) {
        pthread_join(t[s], NULL);
    }
    uint64_t executed = 0;
    const sp_counters *c = sp_counters_of(set);
    for (int s = 0; s < SCHEDS; s++) {
        executed += atomic_load(&c[s].executed);
    }
    for (long e = 0; e < entries; e++) {
        CHECK(atomic_load(&hop_count[e]) == hops, "entry %ld made %ld hops", e, atomic_load(&hop_count[e]));
    }
    CHECK(executed == (uint64_t)(entries * hops), "executed %llu != %ld", (unsigned long long)executed, entries * hops);
    free(hop_count);
    free((void *)running);
    sp_destroy(set);
}

int main(void)
{
    watchdog(110);
    entries = 2000;
    hops = scaled(500);
    run(4096, 1u << 16);
    printf("sched_set: %d schedulers, %ld entries x %ld hops: ok\n", SCHEDS, entries, hops);
    run(8, 8);
    printf("sched_set: tiny rings (overflow, steals, wake-ups): ok\n");
    return 0;
}
