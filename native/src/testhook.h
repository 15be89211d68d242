/*
 * Test-only delay points at the racy steps of the sleep/wake protocol. The hooked build of the
 * core (CMake target spindle_core_hooked, compiled with SP_TEST_HOOKS) calls sp_test_hook there,
 * and test_wake installs a hook that yields, spins or sleeps at random, so interleavings that are
 * rare on an idle machine (a push landing between a sleeper's announcement and its re-check, a
 * claimed inject cell published late) happen thousands of times per run. The library that ships
 * (and every other test) is built without SP_TEST_HOOKS: SP_HOOK is then nothing at all.
 */
#ifndef SP_TESTHOOK_H
#define SP_TESTHOOK_H

enum sp_hook_point {
    SP_HOOK_PUSH_PUBLISHED, /* a push is visible in a queue, before the pusher's fence */
    SP_HOOK_PUSH_FENCED,    /* after the pusher's fence, before it reads who sleeps */
    SP_HOOK_INJECT_CLAIMED, /* an inject cell claimed (enqueue_pos moved), value not yet published */
    SP_HOOK_INJECT_POPPED,  /* a consumer claimed a cell (dequeue_pos moved), value not yet read */
    SP_HOOK_PARK_ANNOUNCED, /* sleeping = 1 stored, before the sleeper's fence */
    SP_HOOK_PARK_CHECKED,   /* the re-check found nothing, before the futex wait */
    SP_HOOK_UNPARK_SET,     /* the permit set, before FUTEX_WAKE */
    SP_HOOK_STEAL_SCANNED,  /* a thief looked at a victim, before it takes */
    SP_HOOK_WATCH_LOOKED,   /* a parking scheduler looked who is awake, before it takes or gives up the watch */
    SP_HOOK_WATCH_CLAIMING, /* a parking scheduler read the watch slot's holder, before its CAS */
    SP_HOOK_NPOINTS
};

#ifdef SP_TEST_HOOKS
#include <stdatomic.h>

typedef void (*sp_hook_fn)(int point);
/* Defined in sched_set.c. relaxed: set once by the test before its threads start. */
extern _Atomic(sp_hook_fn) sp_test_hook;

static inline void sp_hook(int point)
{
    const sp_hook_fn f = atomic_load_explicit(&sp_test_hook, memory_order_relaxed);
    if (f != 0) {
        f(point);
    }
}
#define SP_HOOK(point) sp_hook(point)

/* 1: sp_park never sleeps as the watcher. The watcher's timed sleeps would turn a lost wake-up
 * into a 1 ms delay; tests that must see every lost wake-up hang set this. Defined in sleep.c. */
extern _Atomic int sp_test_no_watch;
#define SP_WATCH_ENABLED() (!atomic_load_explicit(&sp_test_no_watch, memory_order_relaxed))
#else
#define SP_HOOK(point) ((void)0)
#define SP_WATCH_ENABLED() 1
#endif

#endif
