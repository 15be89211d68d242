#define _GNU_SOURCE
#include "park.h"

#include "testhook.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex(_Atomic uint32_t *addr, int op, uint32_t val, const struct timespec *timeout)
{
    return syscall(SYS_futex, (uint32_t *)addr, op, val, timeout, NULL, 0);
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void sp_parker_init(sp_parker *p)
{
    atomic_init(&p->permit, 0);
}

int sp_parker_park(sp_parker *p, int64_t timeout_ns)
{
    /* acquire: a consumed permit orders everything its unparker did before sp_parker_unpark. */
    if (atomic_exchange_explicit(&p->permit, 0, memory_order_acquire) == 1) {
        return 0;
    }
    if (timeout_ns == 0) {
        return 0; /* a poll: nothing pending, and no sleep asked for */
    }
    const int64_t deadline = timeout_ns > 0 ? mono_ns() + timeout_ns : 0;
    for (;;) {
        struct timespec ts;
        struct timespec *tsp = NULL;
        if (timeout_ns > 0) {
            const int64_t left = deadline - mono_ns();
            if (left <= 0) {
                break;
            }
            ts.tv_sec = (time_t)(left / 1000000000LL);
            ts.tv_nsec = (long)(left % 1000000000LL);
            tsp = &ts; /* FUTEX_WAIT: relative, measured on CLOCK_MONOTONIC */
        }
        /* The kernel compares permit with 0 atomically with going to sleep: an unpark in between
         * makes this return EAGAIN at once. */
        futex(&p->permit, FUTEX_WAIT_PRIVATE, 0, tsp);
        /* relaxed: only decides whether to sleep again (EINTR, spurious wake-ups, a timeout cut
         * short); the exchange below is what synchronises with the unparker. */
        if (atomic_load_explicit(&p->permit, memory_order_relaxed) != 0) {
            break;
        }
    }
    /* acquire: as above; consume whatever permit woke us so the next park sleeps. */
    atomic_exchange_explicit(&p->permit, 0, memory_order_acquire);
    return 1;
}

int sp_parker_unpark(sp_parker *p)
{
    /* release: what the unparker did (queue pushes) happens before the sleeper's acquire. */
    if (atomic_exchange_explicit(&p->permit, 1, memory_order_release) == 0) {
        SP_HOOK(SP_HOOK_UNPARK_SET);
        futex(&p->permit, FUTEX_WAKE_PRIVATE, 1, NULL);
        return 1;
    }
    return 0;
}
