/* One owner pushes (and pops some itself) while a popper thread takes one at a time and three
 * thieves steal halves: every item taken exactly once;
 * what the owner pops comes in push order; each steal is a run of consecutive items, and each
 * thief's successive steals move forward (the ring is FIFO for everyone). */
#include "check.h"
#include "ring.h"

#include <pthread.h>
#include <string.h>

static sp_ring ring;
static long total;
static _Atomic uint8_t *seen;
static _Atomic int done;
static _Atomic long taken;

static void take(uint32_t v)
{
    CHECK(v < (uint32_t)total, "item %u out of range", v);
    CHECK(atomic_fetch_add(&seen[v], 1) == 0, "item %u taken twice", v);
    atomic_fetch_add(&taken, 1);
    progress();
}

static void *thief(void *arg)
{
    (void)arg;
    uint32_t buf[64];
    int64_t last = -1;
    while (!atomic_load(&done) || sp_ring_len(&ring) > 0) {
        const uint32_t n = sp_ring_steal_half(&ring, buf, 64);
        CHECK(n <= 64, "stole %u, more than the 64 allowed", n);
        for (uint32_t i = 0; i < n; i++) {
            CHECK(i == 0 || buf[i] == buf[i - 1] + 1, "steal batch not consecutive: %u after %u", buf[i], buf[i - 1]);
            CHECK((int64_t)buf[i] > last, "thief took %u after %lld: not FIFO", buf[i], (long long)last);
            last = buf[i];
            take(buf[i]);
        }
    }
    return NULL;
}

/* Single-entry consumer: what it pops comes in push order too. */
static void *popper(void *arg)
{
    (void)arg;
    int64_t last = -1;
    while (!atomic_load(&done) || sp_ring_len(&ring) > 0) {
        const int64_t v = sp_ring_pop(&ring);
        if (v >= 0) {
            CHECK(v > last, "popper took %lld after %lld: not FIFO", (long long)v, (long long)last);
            last = v;
            take((uint32_t)v);
        }
    }
    return NULL;
}

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    total = scaled(2000000);
    seen = calloc((size_t)total, 1);
    CHECK(sp_ring_init(&ring, 256) == 0, "init");
    pthread_t t[4];
    for (int i = 0; i < 3; i++) {
        pthread_create(&t[i], NULL, thief, NULL);
    }
    pthread_create(&t[3], NULL, popper, NULL);
    int64_t last_popped = -1;
    for (long i = 0; i < total; i++) {
        while (!sp_ring_push(&ring, (uint32_t)i)) {
            const int64_t v = sp_ring_pop(&ring);
            if (v >= 0) {
                CHECK(v > last_popped, "owner popped %lld after %lld: not FIFO", (long long)v, (long long)last_popped);
                last_popped = v;
                take((uint32_t)v);
            }
        }
        if ((i & 7) == 0) {
            const int64_t v = sp_ring_pop(&ring);
            if (v >= 0) {
                CHECK(v > last_popped, "owner popped %lld after %lld: not FIFO", (long long)v, (long long)last_popped);
                last_popped = v;
                take((uint32_t)v);
            }
        }
    }
    atomic_store(&done, 1);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
    }
    int64_t v;
    while ((v = sp_ring_pop(&ring)) >= 0) {
        take((uint32_t)v);
    }
    CHECK(atomic_load(&taken) == total, "taken %ld of %ld", atomic_load(&taken), total);
    sp_ring_destroy(&ring);
    free(seen);
    printf("ring: %ld items, 1 owner + 1 popper + 3 thieves: ok\n", total);
    return 0;
}
