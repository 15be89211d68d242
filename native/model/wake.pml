/*
 * Spin model of the native core's sleep/wake protocol: sp_push_local, sp_push_remote, sp_next
 * (drain, pick, steal), sp_park / sp_unpark and the futex parker (native/src/sched_set.c, park.c,
 * inject.c). docs/native-core.md says what it checks, why the abstraction is sound, and the
 * verdict; ci/native-model.sh runs it (every variant below, including the ones that must fail).
 *
 * Abstraction:
 *  - Interleaving semantics (sequential consistency) at the granularity of single atomic
 *    operations. The C code gets that for the locations of the two Dekker handshakes from its
 *    seq_cst fences (C11 [atomics.fences]: if fence X precedes fence Y in the single total order,
 *    every load after Y sees every store before X). The variants NO_PARK_FENCE / NO_PUSH_FENCE
 *    drop a fence by letting the loads after it run before the stores before it (the store->load
 *    reordering a missing fence permits), and spin then finds the lost wake-up.
 *  - The inject queue is modelled cell by cell (Vyukov: claim by CAS on enqueue_pos, write,
 *    publish by the cell's seq), so "claimed but not yet published" states occur. Rings and the
 *    overflow list are modelled as linearizable operations (their own stress tests cover them).
 *  - One priority: priorities only choose among entries, never whether someone wakes.
 *  - The futex: FUTEX_WAIT compares the permit with 0 and sleeps atomically; FUTEX_WAKE wakes the
 *    waiter if there is one. No spurious wake-ups (they only add re-checks).
 *
 * Scenario: scheduler 0 (the "victim") first pushes LOCAL0 entries to its own ring, then either
 * runs its loop or (STUCK) stays in one long call forever without sleeping. Producers (plain
 * threads) push entries remotely: PROD0 to scheduler 0 from two threads (so claims and
 * publications interleave), one to scheduler 1. Schedulers 1..NS-1 run the loop: sp_next with
 * stealing, sp_park without timeout when it finds nothing.
 *
 * Properties:
 *  - no entry runs twice (assert at run);
 *  - when nothing can move any more (every scheduler asleep or stuck, producers done; spin's
 *    `timeout`), every entry has run, except that with STUCK scheduler 0 may hold entries only
 *    it can run: those pushed to its inject queue, and at most one in its ring (the lone-entry
 *    rule: two or more in a ring must have woken a thief). A violation is a lost wake-up.
 */

#ifndef NS
#define NS 3          /* schedulers */
#endif
#ifndef LOCAL0
#define LOCAL0 2      /* entries scheduler 0 pushes to its own ring before anything else */
#endif
#ifndef PROD0
#define PROD0 2       /* entries pushed remotely to scheduler 0, one per producer thread */
#endif
#if NS > 1
#define NE (LOCAL0 + PROD0 + 1)   /* + one remote push to scheduler 1 */
#else
#define NE (LOCAL0 + PROD0)
#endif
#define CAP 4         /* ring capacity */
#define ICAP 2        /* inject capacity: small, so the full-queue spill path is reachable */
#define NONE 255

/* Rings (one per scheduler; SPMC, linearizable ops). */
byte rbuf[NS * CAP];
byte rhead[NS];
byte rtail[NS];
/* Inject queues (Vyukov MPMC array), cell by cell. */
byte iseq[NS * ICAP];
byte ival[NS * ICAP];
byte ienq[NS];
byte ideq[NS];
/* Overflow lists (mutex: atomic blocks). */
byte obuf[NS * NE];
byte ohead[NS];
byte ocount[NS];
/* Parking. */
bit sleeping[NS];
bit permit[NS];
bit waiting[NS];      /* inside FUTEX_WAIT */
byte nsleeping;
byte nsearching;
/* Bookkeeping for the properties. */
byte ran[NE];
bit stuck0;

#define RLEN(s) (rtail[s] - rhead[s])
#define CELL(q, p) ((q) * ICAP + ((p) % ICAP))

inline ring_push_or_spill(s, v)
{
    atomic {
        if
        :: RLEN(s) < CAP -> rbuf[s * CAP + rtail[s] % CAP] = v; rtail[s]++
        :: else -> obuf[s * NE + (ohead[s] + ocount[s]) % NE] = v; ocount[s]++
        fi
    }
}

inline ring_pop(s, out)
{
    atomic {
        if
        :: RLEN(s) > 0 -> out = rbuf[s * CAP + rhead[s] % CAP]; rhead[s]++
        :: else -> out = NONE
        fi
    }
}

inline overflow_pop(s, out)
{
    atomic {
        if
        :: ocount[s] > 0 -> out = obuf[s * NE + ohead[s] % NE]; ohead[s]++; ocount[s]--
        :: else -> out = NONE
        fi
    }
}

/* Thief s takes half (rounded up) of victim's ring; the first is returned, the rest go to its own. */
inline steal_half(s, victim, out)
{
    atomic {
        k = RLEN(victim) - RLEN(victim) / 2;
        if
        :: k > 0 ->
            out = rbuf[victim * CAP + rhead[victim] % CAP]; rhead[victim]++; k--;
            do
            :: k > 0 ->
                t = rbuf[victim * CAP + rhead[victim] % CAP]; rhead[victim]++; k--;
                rbuf[s * CAP + rtail[s] % CAP] = t; rtail[s]++   /* the thief's ring has room here */
            :: else -> break
            od
        :: else -> out = NONE
        fi
    }
}

/* Producer side of the inject queue: claim, write, publish are separate steps. */
inline inject_push(q, v, ok)
{
    pos = ienq[q];
    do
    :: seqv = iseq[CELL(q, pos)];
       if
       :: seqv == pos ->
           atomic {
               if
               :: ienq[q] == pos -> ienq[q] = pos + 1; claimed = 1
               :: else -> pos = ienq[q]; claimed = 0
               fi
           }
           if
           :: claimed ->                        /* claimed, not yet published */
               atomic {                         /* write the value, publish: release of seq */
                   ival[CELL(q, pos)] = v;
                   iseq[CELL(q, pos)] = pos + 1;
                   ok = 1
               }
               break
           :: else -> skip
           fi
       :: seqv < pos -> ok = 0; break          /* full */
       :: seqv > pos -> pos = ienq[q]
       fi
    od
}

/* The owner's pop (single consumer). The seq load is the linearization point. */
inline inject_pop(q, out)
{
    atomic {
        pos = ideq[q];
        if
        :: iseq[CELL(q, pos)] == pos + 1 ->
            out = ival[CELL(q, pos)]; ideq[q] = pos + 1; iseq[CELL(q, pos)] = pos + ICAP
        :: else -> out = NONE                   /* empty, or claimed and not yet published */
        fi
    }
}

/* sp_parker_unpark: set the permit; FUTEX_WAKE only if it was not set. */
inline unpark(s, set)
{
    atomic { set = 1 - permit[s]; permit[s] = 1 }
    if
    :: set -> waiting[s] = 0                    /* FUTEX_WAKE: wakes the waiter, if any */
    :: else -> skip
    fi
}

/* sp_parker_park without timeout. */
inline parker_park(s)
{
    atomic { old = permit[s]; permit[s] = 0 }
    if
    :: old -> skip
    :: else ->
        do
        :: atomic {
               if
               :: permit[s] != 0 -> skip        /* FUTEX_WAIT returns EAGAIN */
               :: else -> waiting[s] = 1
               fi
           }
end_sleep: (waiting[s] == 0);                  /* asleep until FUTEX_WAKE */
           if
           :: permit[s] != 0 -> break
           :: else -> skip
           fi
        od;
        permit[s] = 0
    fi
}

inline wake_one_sleeper(from)
{
    w = 1;
    do
    :: w < NS ->
        atomic { u = (from + w) % NS; sl = sleeping[u]; w++ }
        if
        :: sl -> unpark(u, set); if :: set -> break :: else -> skip fi
        :: else -> skip
        fi
    :: else -> break
    od
}

inline push_local(s, v)
{
#ifdef NO_LOCAL_FENCE
    sl = (nsleeping > 0);                       /* the loads moved before the push */
    set = (nsearching == 0);
    ring_push_or_spill(s, v);
#else
    ring_push_or_spill(s, v);
    if
    :: RLEN(s) >= 2 ->
        /* seq_cst fence */
        sl = (nsleeping > 0);
        if :: sl -> set = (nsearching == 0) :: else -> skip fi
    :: else -> skip
    fi;
#endif
    if
    :: RLEN(s) >= 2 && sl && set -> wake_one_sleeper(s)
    :: else -> skip
    fi;
    sl = 0;
    set = 0
}

inline push_remote(s, v)
{
#ifdef NO_PUSH_FENCE
    sl = sleeping[s];                           /* the load moved before the push */
#endif
    inject_push(s, v, ok);
    if
    :: !ok -> atomic { obuf[s * NE + (ohead[s] + ocount[s]) % NE] = v; ocount[s]++ }
    :: else -> skip
    fi;
#ifndef NO_PUSH_FENCE
    /* seq_cst fence */
    sl = sleeping[s];
#endif
    if
    :: sl -> unpark(s, set)
    :: else -> skip
    fi
}

inline steal(s, out)
{
    nsearching++;
    out = NONE;
    w = 1;
    do
    :: w < NS && out == NONE ->
        atomic { u = (s + w) % NS; w++ }
        if
        :: RLEN(u) >= 2 -> steal_half(s, u, out)
        :: RLEN(u) == 1 -> skip                  /* the lone entry: */
            if
            :: steal_half(s, u, out)              /* its owner looked stalled */
            :: skip                               /* its owner was seen running */
            fi
        :: else -> skip
        fi
    :: else -> break
    od;
    nsearching--
}

inline sp_next(s, out)
{
    do                                          /* drain_inject */
    :: inject_pop(s, t); if :: t != NONE -> ring_push_or_spill(s, t) :: else -> break fi
    od;
    out = NONE;
    if                                          /* the overflow turn comes any time */
    :: ocount[s] > 0 -> overflow_pop(s, out)
    :: skip
    fi;
    if :: out == NONE -> ring_pop(s, out) :: else -> skip fi;
    if :: out == NONE -> overflow_pop(s, out) :: else -> skip fi;
    if :: out == NONE -> steal(s, out) :: else -> skip fi
}

/* has_work: own queues, then any other scheduler holding two or more in its ring. */
inline has_work(s, found)
{
    /* One step per queue. The two loads of the inject length (dequeue_pos, then enqueue_pos) as
     * one snapshot: both only grow, so the real pair never reports less than the snapshot taken
     * at its first load, and "less" (no work) is the outcome that could lose a wake-up. */
    atomic { found = (ienq[s] > ideq[s]) }
    atomic { found = found || ocount[s] > 0 }
    atomic { found = found || RLEN(s) > 0 }
#ifndef NO_STEAL_RECHECK
    w = 1;
    do
    :: w < NS && !found -> atomic { u = (s + w) % NS; found = RLEN(u) >= 2; w++ }
    :: else -> break
    od
#endif
}

inline sp_park(s)
{
#ifdef NO_PARK_FENCE
    has_work(s, found);                         /* the loads moved before the announcement */
#endif
    sleeping[s] = 1;
    nsleeping++;
#ifndef NO_PARK_FENCE
    /* seq_cst fence */
    has_work(s, found);
#endif
    atomic { w = 0; u = 0; d = 0; e = 0 }
    if
    :: !found -> parker_park(s)
    :: else -> skip
    fi;
    nsleeping--;
    sleeping[s] = 0
}

inline run_entry(v)
{
    skip;
progress_run:
    ran[v]++;
    assert(ran[v] == 1)
}

#define CLEAR atomic { t = 0; k = 0; pos = 0; seqv = 0; old = 0; w = 0; u = 0; d = 0; e = 0; claimed = 0; ok = 0; set = 0; sl = 0 }

inline sched_loop(s)
{
    do
    :: CLEAR;
       found = 0;
       sp_next(s, v);
       CLEAR;
       if
       :: v != NONE -> run_entry(v)
       :: else -> sp_park(s)
       fi;
       v = 0
    od
}

proctype Sched(byte s)
{
    byte v, t, k, pos, seqv, old, w, u, d, e;
    bit claimed, ok, set, found, sl;
    if
    :: s == 0 ->
        k = 0;
        do
        :: k < LOCAL0 -> push_local(0, k); k++
        :: else -> break
        od;
#ifdef STUCK
        if
        :: stuck0 = 1;
end_stuck:  (0)                                 /* one long call, forever; never sleeps */
        :: skip
        fi;
#endif
        skip
    :: else -> skip
    fi;
    sched_loop(s)
}

proctype Producer(byte target; byte id)
{
    byte pos, seqv, w, u;
    bit claimed, ok, set, sl;
    push_remote(target, id)
}

init
{
    byte i;
    atomic {
        i = 0;
        do
        :: i < NS * ICAP -> iseq[i] = i % ICAP; i++
        :: else -> break
        od;
        i = 0;
        do
        :: i < NS -> run Sched(i); i++
        :: else -> break
        od;
        i = 0;
        do
        :: i < PROD0 -> run Producer(0, LOCAL0 + i); i++
        :: else -> break
        od;
#if NS > 1
        run Producer(1, NE - 1)
#endif
    }
}

/* When nothing can move any more: everything ran, or is legitimately left to a stuck owner. */
active proctype Monitor()
{
    byte i, left;
    timeout ->
    atomic {
        left = 0;
        i = 0;
        do
        :: i < NE -> if :: ran[i] == 0 -> left++ :: else -> skip fi; i++
        :: else -> break
        od;
        if
        :: stuck0 ->
            /* Only scheduler 0 may hold entries; its ring at most one (the lone-entry rule). */
            assert(RLEN(0) <= 1);
            assert(left == RLEN(0) + ocount[0] + (ienq[0] - ideq[0]));
            i = 1;
            do
            :: i < NS -> assert(RLEN(i) == 0 && ocount[i] == 0 && ienq[i] == ideq[i]); i++
            :: else -> break
            od
        :: else -> assert(left == 0)
        fi
    }
}
