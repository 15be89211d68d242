/*
 * The steal phase of sp_next: a scheduler with nothing of its own takes work from the other
 * online schedulers, round robin starting after its last victim.
 *
 *  - Rings: about half of a victim's highest non-empty unbound ring. A ring holding a single entry
 *    is left alone unless the victim is stalled: that entry is what its owner runs next, and
 *    taking it would move a request/response pair to another core on every hop.
 *  - Rescue: when the victim is stalled and its rings gave nothing, about half of its unbound
 *    inject entries and unbound overflow entries. Bound entries are never taken: they are in the
 *    bound FIFOs and the bound inject queue, which have no code path to a thief, and
 *    sp_overflow_take_unbound leaves bound overflow entries in place.
 *
 * Stalled, as seen by this thief: the victim is awake (not in sp_park) and its poll counter has not
 * changed since this thief saw it change at least SP_STALL_NS ago. Each thief keeps its own
 * (value, time) per victim, so no thief writes anything a victim reads; the price is that a thief
 * must look twice, SP_STALL_NS apart, before it calls a victim stalled (the watcher in sleep.c
 * looks every SP_WATCH_NS).
 */
#include "sched_set.h"

#include "testhook.h"

static int victim_stalled(sp_set *set, sp_sched *me, uint32_t victim)
{
    sp_sched *vs = &set->scheds[victim];
    /* relaxed: a heuristic (see sp_poll in sched.h). */
    const uint64_t polls = atomic_load_explicit(&vs->polls, memory_order_relaxed);
    const uint64_t now = sp_now_ns();
    if (polls != me->seen_polls[victim]) {
        me->seen_polls[victim] = polls;
        me->seen_at[victim] = now;
        return 0;
    }
    /* relaxed: a sleeping victim is not stalled (a push wakes it); a stale value only delays or
     * hastens one rescue, and rescuing never loses or duplicates an entry. */
    return now - me->seen_at[victim] > SP_STALL_NS && !atomic_load_explicit(&vs->sleeping, memory_order_relaxed);
}

/* About half of the victim's highest non-empty ring (any ring when stalled, else those holding
 * two or more); the first entry is returned, the rest are kept in s's ring of that priority. */
static int64_t steal_rings(sp_set *set, uint32_t s, uint32_t victim, int stalled, int *kept)
{
    sp_sched *me = &set->scheds[s];
    sp_sched *vs = &set->scheds[victim];
    for (uint32_t p = 0; p < SP_NPRIO; p++) {
        if (!stalled && sp_ring_len(&vs->rings[p]) < 2) {
            continue;
        }
        const uint32_t got = sp_ring_steal_half(&vs->rings[p], me->steal_buf, set->local_capacity / 2);
        if (got > 0) {
            for (uint32_t k = 1; k < got; k++) {
                sp_place(set, s, sp_entry(me->steal_buf[k], p));
            }
            sp_count_owner(&set->counters[s].stolen, got);
            *kept = got > 1;
            return me->steal_buf[0];
        }
    }
    return -1;
}

/* A stalled victim's unbound inject entries, then its unbound overflow entries: about half of them
 * (at least one, at most half the local capacity), oldest first. */
static int64_t rescue(sp_set *set, uint32_t s, uint32_t victim, int *kept)
{
    sp_sched *me = &set->scheds[s];
    sp_sched *vs = &set->scheds[victim];
    const uint64_t pending = sp_inject_len(&vs->inject) + sp_overflow_len_unbound(&vs->overflow);
    if (pending == 0) {
        return -1;
    }
    uint64_t want = pending - pending / 2;
    if (want > set->local_capacity / 2) {
        want = set->local_capacity / 2;
    }
    uint32_t got = 0;
    uint64_t v;
    while (got < want && sp_inject_pop(&vs->inject, &v)) {
        me->rescue_buf[got++] = v;
    }
    if (got < want) {
        got += sp_overflow_take_unbound(&vs->overflow, me->rescue_buf + got, (uint32_t)(want - got));
    }
    if (got == 0) {
        return -1; /* the owner (or another thief) was quicker, or a cell is not yet published */
    }
    for (uint32_t k = 1; k < got; k++) {
        sp_place(set, s, me->rescue_buf[k]);
    }
    sp_count_owner(&set->counters[s].rescued, got);
    sp_count_any(&set->counters[victim].rescued_away, got);
    *kept = got > 1;
    return sp_entry_pid(me->rescue_buf[0]);
}

int64_t sp_steal(sp_set *set, uint32_t s)
{
    /* relaxed: which schedulers are online only needs to be eventually seen. */
    const uint32_t n = atomic_load_explicit(&set->online, memory_order_relaxed);
    if (n <= 1 || s >= n) {
        return -1; /* nobody to steal from, or we are offline: offline schedulers only drain */
    }
    sp_sched *me = &set->scheds[s];
    /* relaxed: a hint for pushers deciding whether to wake a sleeper; a stale value costs at most
     * one missed or one extra wake, and neither loses an entry (sp_park's re-check covers a thief
     * that stops searching just as a push arrives: see sleep.c). */
    atomic_fetch_add_explicit(&set->nsearching, 1, memory_order_relaxed);
    int64_t found = -1;
    int kept = 0;
    int rescued_from = -1;
    for (uint32_t i = 1; i <= n && found < 0; i++) {
        const uint32_t victim = (me->last_victim + i) % n;
        if (victim == s) {
            continue;
        }
        sp_count_owner(&set->counters[s].steal_attempts, 1);
        SP_HOOK(SP_HOOK_STEAL_SCANNED);
        const int stalled = victim_stalled(set, me, victim);
        found = steal_rings(set, s, victim, stalled, &kept);
        if (found < 0 && stalled) {
            found = rescue(set, s, victim, &kept);
            if (found >= 0) {
                rescued_from = (int)victim;
            }
        }
        if (found >= 0) {
            me->last_victim = victim;
        }
    }
    /* relaxed: as the increment. Before the wake checks below, so they do not count us. */
    atomic_fetch_sub_explicit(&set->nsearching, 1, memory_order_relaxed);
    if (kept) {
        /* We keep more than we run now: let a sleeper steal from us (Tokio's searching chain). */
        for (uint32_t p = 0; p < SP_NPRIO; p++) {
            if (sp_ring_len(&me->rings[p]) >= 2) {
                sp_wake_to_steal(set, s);
                break;
            }
        }
    }
    if (rescued_from >= 0) {
        sp_sched *vs = &set->scheds[rescued_from];
        /* Work left behind at a stalled victim: another sleeper should take it, since we may get
         * stuck in what we just took. relaxed: hints; a miss leaves it to the watcher. */
        if (sp_inject_len(&vs->inject) > 0 || sp_overflow_len_unbound(&vs->overflow) > 0) {
            sp_wake_for_stalled(set, s);
        }
    }
    return found;
}
