/* Four producers push numbered items to one scheduler through sp_push_remote; its owner takes them
 * with sp_next. Queues large enough that nothing can overflow (inject and ring both hold all
 * 4 x per): per-producer FIFO must hold. Tiny queues (overflow forced): no loss, no duplication,
 * and the overflow counter shows the spill path was taken. */
#include "check.h"
#include "spindle/spindle.h"

#include <pthread.h>
#include <stdatomic.h>

#define PRODUCERS 4

static sp_set *set;
static long per;

static void *producer(void *arg)
{
    const uint32_t id = (uint32_t)(uintptr_t)arg;
    for (long i = 0; i < per; i++) {
        sp_push_remote(set, 0, (uint32_t)(id << 24 | (uint32_t)i), SP_PRIO_NORMAL);
    }
    return NULL;
}

static void run(uint32_t local_cap, uint32_t inject_cap, int check_order)
{
    set = sp_create(1, local_cap, inject_cap);
    CHECK(set != NULL, "create");
    pthread_t t[PRODUCERS];
    for (uintptr_t p = 0; p < PRODUCERS; p++) {
        pthread_create(&t[p], NULL, producer, (void *)p);
    }
    long next[PRODUCERS] = {0};
    uint8_t *seen[PRODUCERS];
    for (int p = 0; p < PRODUCERS; p++) {
        seen[p] = calloc((size_t)per, 1);
    }
    long got = 0;
    while (got < PRODUCERS * per) {
        const int64_t v = sp_next(set, 0, 0);
        if (v < 0) {
            continue;
        }
        const uint32_t p = (uint32_t)v >> 24;
        const long seq = (long)((uint32_t)v & 0xFFFFFF);
        CHECK(p < PRODUCERS && seq < per, "bad entry %lld", (long long)v);
        CHECK(!seen[p][seq], "producer %u item %ld twice", p, seq);
        seen[p][seq] = 1;
        if (check_order) {
            CHECK(seq == next[p], "producer %u: got %ld, expected %ld", p, seq, next[p]);
        }
        next[p] = seq + 1;
        got++;
        progress();
    }
    for (int p = 0; p < PRODUCERS; p++) {
        pthread_join(t[p], NULL);
        free(seen[p]);
    }
    CHECK(sp_next(set, 0, 0) == -1, "extra entries");
    const sp_counters *c = sp_counters_of(set);
    CHECK((long)atomic_load(&c[0].executed) == PRODUCERS * per, "executed counter");
    CHECK((long)atomic_load(&c[0].injected) == PRODUCERS * per, "injected counter");
    if (check_order) {
        CHECK(atomic_load(&c[0].overflowed) == 0, "overflowed %llu: the FIFO run must not spill",
              (unsigned long long)atomic_load(&c[0].overflowed));
    } else {
        CHECK(atomic_load(&c[0].overflowed) > 0, "tiny queues never spilled: the overflow path went untested");
    }
    sp_destroy(set);
}

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    /* 4 x 250k at most fits the 1M inject queue and the 1M ring: no overflow, so FIFO must hold. */
    per = scaled(200000) < 250000 ? scaled(200000) : 250000;
    run(1u << 20, 1u << 20, 1);
    printf("inject: %d producers x %ld, per-producer FIFO: ok\n", PRODUCERS, per);
    per = scaled(200000) < 0xFFFFFF ? scaled(200000) : 0xFFFFFF;
    run(4, 4, 0);
    printf("inject: tiny queues, overflow forced, no loss/duplication: ok\n");
    return 0;
}
