/* The smaller promises of spindle.h, one by one: argument checks in sp_create, steal-half
 * arithmetic, the lone-entry rule, overflow entries not starving behind a ring that stays full,
 * per-priority queue lengths, offline schedulers, and the wake-to-steal rule of sp_push_local. */
#include "check.h"
#include "spindle/spindle.h"

#include <pthread.h>
#include <stdatomic.h>
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

static void *sleeper(void *arg)
{
    (void)arg;
    sp_park(wake_set, 1, -1);
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
    sp_push_local(wake_set, 0, 2, SP_PRIO_NORMAL);
    pthread_join(t, NULL); /* a missed wake hangs here and the watchdog fails the test */
    CHECK(atomic_load(&c[1].wakeups) <= 1, "wakeups %llu: exactly one sleeper, at most one wake",
          (unsigned long long)atomic_load(&c[1].wakeups));
    sp_destroy(wake_set);
}

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    create_args();
    steal_half();
    lone_entry();
    overflow_not_starved();
    queue_lengths();
    offline();
    wake_to_steal();
    printf("contract: create, steal half, lone entry, overflow turn, lengths, offline, wake-to-steal: ok\n");
    return 0;
}
