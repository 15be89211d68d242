/* Minimal test support: CHECK fails the test with a message; a watchdog alarm fails a hang. */
#ifndef SP_CHECK_H
#define SP_CHECK_H

#include <stdio.h>
#include <stdlib.h>
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

/* Iteration counts scale down under sanitizers (SPINDLE_TEST_SCALE=0.2 etc.). */
static inline long scaled(long n)
{
    const char *s = getenv("SPINDLE_TEST_SCALE");
    const double f = s ? atof(s) : 1.0;
    const long v = (long)(n * (f > 0 ? f : 1.0));
    return v > 0 ? v : 1;
}

static inline void watchdog(unsigned seconds)
{
    alarm(seconds); /* SIGALRM's default action kills the test: a hang is a failure */
}

#endif
