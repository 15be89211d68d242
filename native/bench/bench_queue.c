/*
 * The cost of one push and one pick on a scheduler's own queues, through the public API only
 * (spindle.h), the way the Java side calls them for every yield and every spawn:
 *   single: sp_push_local then sp_next, the ring never holds more than one entry;
 *   burst:  512 pushes then 512 picks (a spawn loop), which pays the wake rule's fence per push.
 * Best of 7 runs of 20 million each, one thread, 2 schedulers (the second never runs). Not a
 * test: it asserts nothing about time. docs/native-core.md ("Build") has figures, and how to
 * build with and without link-time optimisation to compare.
 * Usage: bench_queue [single|burst]   (default: both)
 */
#include "spindle/spindle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 20000000L
#define BURST 512
#define RUNS 7

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double single(sp_set *set)
{
    double best = 1e300;
    for (int r = 0; r < RUNS; r++) {
        const double t0 = now_ns();
        for (long i = 0; i < N; i++) {
            sp_push_local(set, 0, (uint32_t)(i & 1023), SP_PRIO_NORMAL);
            if (sp_next(set, 0, 1) < 0) {
                fprintf(stderr, "bench_queue: an entry was lost\n");
                exit(1);
            }
        }
        const double d = (now_ns() - t0) / N;
        best = d < best ? d : best;
    }
    return best;
}

static double burst(sp_set *set)
{
    double best = 1e300;
    for (int r = 0; r < RUNS; r++) {
        const double t0 = now_ns();
        for (long j = 0; j < N / BURST; j++) {
            for (uint32_t i = 0; i < BURST; i++) {
                sp_push_local(set, 0, i, SP_PRIO_NORMAL);
            }
            for (uint32_t i = 0; i < BURST; i++) {
                if (sp_next(set, 0, 1) < 0) {
                    fprintf(stderr, "bench_queue: an entry was lost\n");
                    exit(1);
                }
            }
        }
        const double d = (now_ns() - t0) / (double)(N / BURST * BURST);
        best = d < best ? d : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "both";
    sp_set *set = sp_create(2, 1024, 1024);
    if (set == NULL) {
        fprintf(stderr, "bench_queue: sp_create failed\n");
        return 1;
    }
    if (strcmp(which, "burst") != 0) {
        printf("single: %.2f ns per push + pick\n", single(set));
    }
    if (strcmp(which, "single") != 0) {
        printf("burst:  %.2f ns per push + pick\n", burst(set));
    }
    sp_destroy(set);
    return 0;
}
