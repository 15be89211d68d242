#define _GNU_SOURCE
#include "spindle/spindle.h"

#include <sched.h>
#include <stdlib.h>

#define SP_MAX_CPUS 4096

int sp_current_cpu(void)
{
    return sched_getcpu();
}

int sp_allowed_cpus(int32_t *out, int max)
{
    cpu_set_t *set = CPU_ALLOC(SP_MAX_CPUS);
    if (set == NULL) {
        return -1;
    }
    const size_t size = CPU_ALLOC_SIZE(SP_MAX_CPUS);
    CPU_ZERO_S(size, set);
    if (sched_getaffinity(0, size, set) != 0) {
        CPU_FREE(set);
        return -1;
    }
    int n = 0;
    for (int cpu = 0; cpu < SP_MAX_CPUS; cpu++) {
        if (CPU_ISSET_S(cpu, size, set)) {
            if (n < max) {
                out[n] = cpu;
            }
            n++;
        }
    }
    CPU_FREE(set);
    return n;
}
