/* One scheduler: max before high before normal, strictly; low gets 1/16..1/4 of normal's turns. */
#include "check.h"
#include "spindle/spindle.h"

#include <stdatomic.h>

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    sp_set *set = sp_create(1, 1024, 1024);
    CHECK(set != NULL, "create");
    /* Entry id encodes its priority: id = prio * 100 + i. */
    for (uint32_t i = 0; i < 50; i++) {
        sp_push_local(set, 0, SP_PRIO_NORMAL * 100 + i, SP_PRIO_NORMAL);
        sp_push_local(set, 0, SP_PRIO_HIGH * 100 + i, SP_PRIO_HIGH);
        sp_push_remote(set, 0, SP_PRIO_MAX * 100 + i, SP_PRIO_MAX);
    }
    int64_t last_prio = 0;
    for (int i = 0; i < 150; i++) {
        const int64_t v = sp_next(set, 0, 0);
        CHECK(v >= 0, "empty after %d", i);
        const int64_t prio = v / 100;
        CHECK(prio >= last_prio, "priority %lld ran after %lld", (long long)prio, (long long)last_prio);
        last_prio = prio;
    }
    CHECK(sp_next(set, 0, 0) == -1, "extra");

    /* Normal and low both always runnable: count turns. */
    for (uint32_t i = 0; i < 100; i++) {
        sp_push_local(set, 0, 1000 + i, SP_PRIO_NORMAL);
        sp_push_local(set, 0, 2000 + i, SP_PRIO_LOW);
    }
    long normal = 0, low = 0;
    for (int i = 0; i < 16000; i++) {
        const int64_t v = sp_next(set, 0, 0);
        CHECK(v >= 0, "empty");
        if (v >= 2000) {
            low++;
            sp_push_local(set, 0, (uint32_t)v, SP_PRIO_LOW);
        } else {
            normal++;
            sp_push_local(set, 0, (uint32_t)v, SP_PRIO_NORMAL);
        }
    }
    const double ratio = (double)low / (double)normal;
    CHECK(ratio >= 1.0 / 16 && ratio <= 1.0 / 4, "low/normal = %ld/%ld", low, normal);
    sp_destroy(set);
    printf("priority: strict max>high>normal; low/normal = %ld/%ld: ok\n", low, normal);
    return 0;
}
