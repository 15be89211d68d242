/* Topology: allowed CPUs ascending; pinning to each reads back; a CPU that cannot exist fails. */
#define _GNU_SOURCE
#include "check.h"
#include "spindle/spindle.h"

#include <sched.h>

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    int32_t cpus[4096];
    const int n = sp_allowed_cpus(cpus, 4096);
    CHECK(n >= 1, "no allowed CPUs (%d)", n);
    for (int i = 1; i < n; i++) {
        CHECK(cpus[i] > cpus[i - 1], "not ascending");
    }
    for (int i = 0; i < n; i++) {
        CHECK(sp_pin_current(cpus[i]) == 0, "pin to %d", cpus[i]);
        sched_yield();
        CHECK(sp_current_cpu() == cpus[i], "pinned to %d but runs on %d", cpus[i], sp_current_cpu());
    }
    CHECK(sp_pin_current(100000) < 0, "pinning to CPU 100000 succeeded");
    printf("topology: %d CPUs, pin and read back: ok\n", n);
    return 0;
}
