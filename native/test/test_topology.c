/* Topology: allowed CPUs ascending, and sp_current_cpu reads back where the thread runs (pinned
 * to each allowed CPU in turn here; the runtime pins its scheduler threads with OpenHFT). */
#define _GNU_SOURCE
#include "check.h"
#include "spindle/spindle.h"

#include <sched.h>

static int pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

int main(void)
{
    watchdog(SP_STALL_S, SP_CAP_S);
    int32_t cpus[4096];
    const int n = sp_allowed_cpus(cpus, 4096);
    CHECK(n >= 1, "no allowed CPUs (%d)", n);
    for (int i = 1; i < n; i++) {
        CHECK(cpus[i] > cpus[i - 1], "not ascending");
    }
    int32_t few[1];
    CHECK(sp_allowed_cpus(few, 1) == n && few[0] == cpus[0], "the count covers CPUs beyond max");
    for (int i = 0; i < n && cpus[i] < CPU_SETSIZE; i++) {
        CHECK(pin(cpus[i]) == 0, "pin to %d", cpus[i]);
        sched_yield();
        CHECK(sp_current_cpu() == cpus[i], "pinned to %d but runs on %d", cpus[i], sp_current_cpu());
        progress();
    }
    printf("topology: %d CPUs, read back: ok\n", n);
    return 0;
}
