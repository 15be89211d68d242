/* Minimal test support: CHECK fails the test with a message; a watchdog fails a hang. */
#ifndef SP_CHECK_H
#define SP_CHECK_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void watchdog_fired(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL: watchdog: the test hung (a lost wake-up or a lost entry)\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to do: we exit anyway */
    }
    _exit(2);
}

/* A hang is a failure: after `seconds`, say so and exit non-zero. */
static inline void watchdog(unsigned seconds)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = watchdog_fired;
    sigaction(SIGALRM, &sa, NULL);
    alarm(seconds);
}

#endif
