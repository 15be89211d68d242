/*
 * Sleeping and waking: sp_park / sp_unpark and every rule that decides who wakes whom.
 *
 * 1. A remote push wakes its target if it sleeps. The Dekker with sp_park:
 *
 *      pusher:  publish the entry (inject cell, overflow count)
 *               atomic_thread_fence(seq_cst)
 *               load target.sleeping                      -> 1: unpark it
 *      sleeper: store sleeping = 1, nsleeping += 1
 *               atomic_thread_fence(seq_cst)
 *               load its queues (has_work)                -> work: do not sleep
 *
 *    The two fences are ordered one way or the other in the single total order of seq_cst
 *    operations, so either the pusher sees the sleeper (and its permit makes the futex wait return)
 *    or the sleeper sees the entry.
 *
 * 2. Wake-to-steal: a scheduler holding two or more entries in one of its rings (after a local
 *    push, an inject drain or keeping a stolen batch) wakes one sleeper if nobody is searching.
 *    The same Dekker, on the ring tail and nsleeping/nsearching; has_work's scan of the other
 *    schedulers' rings is the sleeper side. It also covers a thief that finished its scan just
 *    before the push, while the pusher still counted it in nsearching and so woke nobody: that
 *    thief's own sp_park re-check sees the ring (docs/native-core.md: spin finds the lost wake-up
 *    without that re-check).
 *
 * 3. The watcher: one sleeping scheduler at a time sleeps at most SP_WATCH_NS while some other
 *    online scheduler is awake, so that a scheduler stuck in a long call (and the entries queued
 *    behind it) is noticed: the watcher's next sp_next sees it stalled and rescues (steal.c). The
 *    slot is set->watcher; the watcher keeps it across its timed sleeps, and gives it up (a CAS
 *    from itself) when sp_next finds it work (it is busy now) or when it parks and nobody else is
 *    awake. A parking scheduler takes the slot when it is free or when its holder is awake (busy,
 *    or about to give it up: an awake holder watches nothing), by a CAS from that holder. Giving
 *    the slot up in a park is followed by a fence and a second look (rule 4's other side: a pusher
 *    that saw the holder asleep recruited nobody), which takes it back if someone woke or an entry
 *    was injected meanwhile.
 *
 * 4. Recruiting a watcher: a remote push of an unbound entry to an awake scheduler while someone
 *    sleeps, and nobody watches in a sleep (the slot is free, or its holder is awake: possibly the
 *    target itself, woken from its watch), wakes one sleeper; it parks again and takes the slot
 *    (its target is awake). Same for a thief that rescued from a stalled victim and left work
 *    behind there. Without this, every other scheduler could be in a no-timeout sleep that began
 *    while the target was asleep too, and the target then got stuck. Spin found both holes that
 *    the "awake holder" and "second look" parts close (docs/native-core.md).
 *
 * Costs: rules 1 and 2 cost a fence only when they may wake someone; rule 3 costs one timed wake
 * per SP_WATCH_NS on the whole node while some scheduler is awake and another sleeps; rule 4 a
 * few relaxed loads after a fence remote pushes pay anyway.
 *
 * What is left (documented in docs/native-core.md): a lone entry queued locally behind a process
 * that got stuck right after its scheduler woke on an otherwise sleeping node, with no remote push
 * to that scheduler afterwards: it runs when the call returns or when any scheduler next looks.
 *
 * Every other load of shared state here is a hint or a statistic that may be stale without losing
 * an entry.
 */
#include "sched_set.h"

#include "testhook.h"

#include <assert.h>

#ifdef SP_TEST_HOOKS
_Atomic int sp_test_no_watch;
#endif

/* Wakes one sleeping online scheduler other than `from` that has no wake pending yet. */
static void wake_one_sleeper(sp_set *set, uint32_t from)
{
    /* relaxed: which schedulers are online is a hint here; a stale value wakes one that is going
     * offline (harmless: it re-checks and sleeps) or misses one coming online. */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    for (uint32_t i = 1; i <= n; i++) {
        const uint32_t v = (from + i) % n;
        if (v == from) {
            continue;
        }
        /* relaxed: ordered after the caller's publication by the caller's seq_cst fence. */
        if (atomic_load_explicit(&set->scheds[v].sleeping, memory_order_relaxed) &&
            sp_parker_unpark(&set->scheds[v].parker)) {
            sp_count_any(&set->counters[v].wakeups, 1);
            return;
        }
    }
}

void sp_wake_to_steal(sp_set *set, uint32_t s)
{
    /* seq_cst fence: the caller's ring push is ordered before the sleeper-count reads (the Dekker
     * with sp_park's fence between announcing sleep and re-checking other schedulers' rings). */
    atomic_thread_fence(memory_order_seq_cst);
    SP_HOOK(SP_HOOK_PUSH_FENCED);
    /* relaxed, both: ordered by the fence above. nsleeping first: it is almost always 0 on a busy
     * node, and its line changes far less often than nsearching's. */
    if (atomic_load_explicit(&set->nsleeping, memory_order_relaxed) > 0 &&
        atomic_load_explicit(&set->nsearching, memory_order_relaxed) == 0) {
        wake_one_sleeper(set, s);
    }
}

void sp_wake_for_stalled(sp_set *set, uint32_t from)
{
    /* Called after a seq_cst fence (sp_push_remote) or after a rescue, whose leftovers are a hint
     * anyway. relaxed: a stale nsleeping costs one extra or one missed wake; a missed one leaves the
     * work to the watcher or to the next push. */
    if (atomic_load_explicit(&set->nsleeping, memory_order_relaxed) > 0) {
        wake_one_sleeper(set, from);
    }
}

void sp_watch_released(sp_set *set, uint32_t s)
{
    sp_sched *sc = &set->scheds[s];
    sc->watching = 0;
    /* A CAS from s, not a store: a sleeper may have taken the slot over while we were awake, and
     * a late release must not clear it. relaxed: the slot only decides who takes timed sleeps. A
     * pusher that still sees us as the watcher while we are awake recruits anyway (rule 4); one that
     * saw us asleep is covered by watch()'s second look. */
    int32_t mine = (int32_t)s;
    atomic_compare_exchange_strong_explicit(&set->watcher, &mine, -1, memory_order_relaxed, memory_order_relaxed);
}

/* sp_park's re-check, after the seq_cst fence: relaxed loads suffice (see rules 1 and 2). */
static int has_work(sp_set *set, uint32_t s)
{
    sp_sched *sc = &set->scheds[s];
    if (sp_inject_len(&sc->inject) > 0 || sp_inject_len(&sc->bound_inject) > 0 ||
        sp_overflow_len(&sc->overflow) > 0) {
        return 1;
    }
    for (uint32_t p = 0; p < SP_NPRIO; p++) {
        if (sp_ring_len(&sc->rings[p]) > 0 || sp_fifo_len(&sc->bound[p]) > 0) {
            return 1;
        }
    }
    /* Work worth stealing: another online scheduler holding two or more in one ring (the rule
     * wake-to-steal wakes sleepers by). Bound FIFOs are not stealable, so not counted: a sleeper
     * that counted them would spin. relaxed: a stale "online" only changes whom we look at. */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    if (s >= n) {
        return 0; /* offline schedulers do not steal */
    }
    for (uint32_t v = 0; v < n; v++) {
        if (v == s) {
            continue;
        }
        for (uint32_t p = 0; p < SP_NPRIO; p++) {
            if (sp_ring_len(&set->scheds[v].rings[p]) >= 2) {
                return 1;
            }
        }
    }
    return 0;
}

/* Rule 3: whether s (online, about to sleep) should sleep as the watcher; takes or gives up the
 * slot. Runs after sp_park's fence: the "awake" loads see every scheduler that announced sleep
 * before our fence as sleeping, and any that did not as awake (a stale "awake" only costs one
 * timed sleep). */
static int other_awake(sp_set *set, uint32_t s, uint32_t n)
{
    for (uint32_t v = 0; v < n; v++) {
        /* relaxed: ordered by the caller's fence, and a hint either way. */
        if (v != s && !atomic_load_explicit(&set->scheds[v].sleeping, memory_order_relaxed)) {
            return 1;
        }
    }
    return 0;
}

/* The re-check after giving the watch up: someone awake, or an entry injected to another
 * scheduler (what a pusher published before its fence: this side of the Dekker reads the pushed
 * data itself, not only the pushee's sleeping flag, which the pusher did not write). */
static int other_awake_or_fed(sp_set *set, uint32_t s, uint32_t n)
{
    if (other_awake(set, s, n)) {
        return 1;
    }
    for (uint32_t v = 0; v < n; v++) {
        if (v != s && sp_inject_len(&set->scheds[v].inject) > 0) {
            return 1;
        }
    }
    return 0;
}

/* Takes the watch slot when it is free or its holder is awake (busy, or about to give it up: not
 * watching in a sleep). relaxed, both loads and the CAS: the slot carries no data; a holder that
 * falls asleep between our look and our CAS only makes two timed sleepers for one period (it
 * notices at its next park that the slot is no longer its). */
static int claim(sp_set *set, uint32_t s)
{
    int32_t holder = atomic_load_explicit(&set->watcher, memory_order_relaxed);
    for (;;) {
        if (holder >= 0 && atomic_load_explicit(&set->scheds[holder].sleeping, memory_order_relaxed)) {
            return 0; /* someone watches in a sleep */
        }
        SP_HOOK(SP_HOOK_WATCH_CLAIMING);
        if (atomic_compare_exchange_strong_explicit(&set->watcher, &holder, (int32_t)s, memory_order_relaxed,
                                                    memory_order_relaxed)) {
            set->scheds[s].watching = 1;
            return 1;
        }
        /* The slot changed under us; holder now says to what. An awake holder that gave it up
         * between our look and our CAS must not leave us in an untimed sleep: look again (spin
         * found that interleaving). Each retry follows someone else's change of the slot. */
    }
}

static int watch(sp_set *set, uint32_t s, uint32_t n)
{
    sp_sched *sc = &set->scheds[s];
    int awake = other_awake(set, s, n);
    SP_HOOK(SP_HOOK_WATCH_LOOKED);
    if (!awake) {
        if (!sc->watching) {
            return 0;
        }
        sp_watch_released(set, s); /* everyone else sleeps: nobody to watch */
        /* seq_cst fence, then look again: the Dekker with rule 4. A pusher that read the slot
         * before we cleared it, and saw us asleep, did not recruit a watcher (pusher: publish,
         * fence, read sleeping and the slot; we: clear the slot, fence, read the queues and who is
         * awake), so either it sees the slot empty and recruits, or we see its entry. Without this
         * the entry could wait in a stuck scheduler's inject queue with every other scheduler in
         * an untimed sleep: spin found that interleaving (docs/native-core.md). */
        atomic_thread_fence(memory_order_seq_cst);
        if (!other_awake_or_fed(set, s, n)) {
            return 0;
        }
        return claim(set, s);
    }
    if (sc->watching) {
        /* relaxed: ours, or taken over while we were awake (then we try to take it back). */
        if (atomic_load_explicit(&set->watcher, memory_order_relaxed) == (int32_t)s) {
            return 1;
        }
        sc->watching = 0;
    }
    return claim(set, s);
}

int sp_park(sp_set *set, uint32_t s, int64_t timeout_ns)
{
    assert(s < set->n);
    sp_sched *sc = &set->scheds[s];
    sp_poll(sc);
    /* Only online schedulers count as sleepers for the wake rules: an offline one is never chosen,
     * and counting it would make busy pushes scan for nobody. relaxed: a stale value only decides
     * whether this one park is counted (and whether it may watch). */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    const int counted = s < n;
    if (!counted && sc->watching) {
        sp_watch_released(set, s); /* offline schedulers do not steal, so they cannot watch */
    }
    /* relaxed stores, then a seq_cst fence: announcing sleep is ordered before the re-check below
     * (the Dekker with the pushers' fences; see the file comment). */
    atomic_store_explicit(&sc->sleeping, 1, memory_order_relaxed);
    if (counted) {
        atomic_fetch_add_explicit(&set->nsleeping, 1, memory_order_relaxed);
    }
    SP_HOOK(SP_HOOK_PARK_ANNOUNCED);
    atomic_thread_fence(memory_order_seq_cst);
    const int found = has_work(set, s);
    if (!found) {
        int64_t t = timeout_ns;
        const int watching = counted && SP_WATCH_ENABLED() && watch(set, s, n);
        if (watching && (t < 0 || t > SP_WATCH_NS)) {
            t = SP_WATCH_NS;
        }
        SP_HOOK(SP_HOOK_PARK_CHECKED);
        if (sp_parker_park(&sc->parker, t)) {
            sp_count_owner(&set->counters[s].parks, 1);
            if (watching) {
                sp_count_owner(&set->counters[s].watches, 1);
            }
        }
    } else if (sc->watching) {
        sp_watch_released(set, s); /* work in sight: we are about to be busy */
    }
    if (counted) {
        /* relaxed: a hint for pushers; being counted a little too long costs one wasted scan. */
        atomic_fetch_sub_explicit(&set->nsleeping, 1, memory_order_relaxed);
    }
    /* relaxed: a pusher that still sees 1 sends a permit we no longer need; the cost is one early
     * return from the next sp_park, whose caller re-checks and parks again. */
    atomic_store_explicit(&sc->sleeping, 0, memory_order_relaxed);
    sp_poll(sc);
    return found;
}

void sp_unpark(sp_set *set, uint32_t s)
{
    assert(s < set->n);
    if (sp_parker_unpark(&set->scheds[s].parker)) {
        sp_count_any(&set->counters[s].wakeups, 1);
    }
}
