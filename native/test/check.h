/* Minimal test support: CHECK fails the test with a message; a progress watchdog fails a hang. */
#ifndef SP_CHECK_H
#define SP_CHECK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n");                                              \
            exit(1);                                                            \
        }                                                                       \
    } while (0)

/* Iteration counts: n x SPINDLE_TEST_SCALE (environment) or, unset, x SP_TEST_SCALE_DEFAULT,
 * which CMake sets to 10 in plain builds, 4 under ASan and 1 under TSan (5-15x slower). */
#ifndef SP_TEST_SCALE_DEFAULT
#define SP_TEST_SCALE_DEFAULT 1.0
#endif
static inline long scaled(long n)
{
    const char *s = getenv("SPINDLE_TEST_SCALE");
    const double f = s ? atof(s) : SP_TEST_SCALE_DEFAULT;
    const long v = (long)(n * (f > 0 ? f : 1.0));
    return v > 0 ? v : 1;
}

/*
 * Progress watchdog. A hang (a lost wake-up leaves a thread asleep for ever; a lost entry leaves a
 * consumer waiting for ever) means NO progress, while a slow or loaded machine makes progress
 * slowly: so the watchdog measures progress, not wall-clock time. Tests call progress() whenever
 * they get something done (an entry consumed, a phase passed); a watchdog thread fails the test
 * when the count has not moved for `stall_s` seconds (SPINDLE_TEST_STALL_S overrides), and also
 * when the whole test runs longer than `cap_s` (a generous cap: hours of slowness are a bug too).
 * On failure it prints the test's own state through the dump hook, then exits with status 2.
 */
static _Atomic unsigned long sp_progress_count;
static unsigned sp_watch_stall_s;
static unsigned sp_watch_cap_s;
static void (*sp_watch_dump)(void);

static inline void progress(void)
{
    /* relaxed: a count the watchdog only compares with its previous reading. */
    atomic_fetch_add_explicit(&sp_progress_count, 1, memory_order_relaxed);
}

/* Prints the test's state (queue lengths, counters) when the watchdog fires. */
static inline void watchdog_dump(void (*dump)(void))
{
    sp_watch_dump = dump;
}

static inline double sp_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *sp_watchdog_main(void *arg)
{
    (void)arg;
    const double start = sp_mono_s();
    double last_change = start;
    unsigned long last = atomic_load_explicit(&sp_progress_count, memory_order_relaxed);
    for (;;) {
        struct timespec d = {0, 250 * 1000 * 1000};
        nanosleep(&d, NULL);
        const double now = sp_mono_s();
        const unsigned long seen = atomic_load_explicit(&sp_progress_count, memory_order_relaxed);
        if (seen != last) {
            last = seen;
            last_change = now;
        }
        const int stalled = now - last_change > (double)sp_watch_stall_s;
        const int capped = now - start > (double)sp_watch_cap_s;
        if (stalled || capped) {
            if (stalled) {
                fprintf(stderr, "FAIL: watchdog: no progress for %u s after %lu steps (a lost wake-up or a lost entry)\n",
                        sp_watch_stall_s, seen);
            } else {
                fprintf(stderr, "FAIL: watchdog: still running after %u s (%lu steps), progressing but far too slow\n",
                        sp_watch_cap_s, seen);
            }
            if (sp_watch_dump != NULL) {
                sp_watch_dump();
            }
            fflush(stderr);
            fflush(stdout);
            _exit(2);
        }
    }
    return NULL;
}

/* Starts the progress watchdog: fail after stall_s seconds without progress() or cap_s in all. */
static inline void watchdog(unsigned stall_s, unsigned cap_s)
{
    const char *env = getenv("SPINDLE_TEST_STALL_S");
    sp_watch_stall_s = env != NULL && atoi(env) > 0 ? (unsigned)atoi(env) : stall_s;
    sp_watch_cap_s = cap_s;
    pthread_t t;
    CHECK(pthread_create(&t, NULL, sp_watchdog_main, NULL) == 0, "watchdog thread");
    pthread_detach(t);
}

/* The defaults every test uses: 20 s without progress, 10 minutes in all (ctest's TIMEOUT is
 * above that, so the watchdog's message, not ctest's kill, reports a hang). */
#define SP_STALL_S 20u
#define SP_CAP_S 600u

#endif
