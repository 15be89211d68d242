/*
 * Spin model of the native core's sleep/wake protocol: sp_push_local, sp_push_remote, sp_next
 * (drain, pick, steal, rescue), sp_park / sp_unpark with the watcher, and the futex parker
 * (native/src/sched_set.c, steal.c, sleep.c, park.c, inject.c). docs/native-core.md says what it
 * checks, why the abstraction is sound, and the verdict; ci/native-model.sh runs every scenario
 * and variant below, including the ones that must fail.
 *
 * Abstraction:
 *  - Interleaving semantics (sequential consistency) at the granularity of single atomic
 *    operations. The C code gets that for the locations of its Dekker handshakes from its seq_cst
 *    fences (C11 [atomics.fences]: if fence X precedes fence Y in the single total order, every
 *    load after Y sees every store before X). A variant without a fence lets the loads after it
 *    run before the stores before it (the store->load reordering a missing fence permits).
 *  - Inject queues are modelled cell by cell (Vyukov: claim by CAS, then publish by the cell's
 *    seq; consumers claim by CAS on dequeue_pos), so claimed-but-unpublished cells and races
 *    between the owner and a rescuing thief occur. Rings, bound FIFOs and overflow lists are
 *    linearizable operations (their own stress tests cover them).
 *  - One priority: priorities only choose among entries, never whether someone wakes. When both a
 *    bound and an unbound entry wait, either may be picked (the bound turn is a detail of order).
 *  - Stalled: a thief sees a victim stalled only if the victim is awake and its poll counter has
 *    not changed since the thief's previous look (a bit per thief and victim, set by each poll); then it is stalled for sure if the thief slept a
 *    watch period in between, and may or may not be otherwise (time is not modelled).
 *  - The futex: FUTEX_WAIT compares the permit with 0 and sleeps atomically; FUTEX_WAKE wakes the
 *    waiter if there is one. A timed wait (the watcher) may time out; each scheduler gets TBUDGET
 *    timeouts, refreshed when scheduler 0 gets stuck and when work is pushed to it afterwards, so
 *    every run ends with everyone blocked or stuck (a bounded check of liveness: rescuing what was
 *    pushed must not take more than TBUDGET watch periods).
 *
 * Scenario: a process running on scheduler 0 first pushes LOCAL0 unbound entries to its own ring;
 * then scheduler 0 runs its loop. With STUCK, that first process or any entry it runs may stay in
 * one long call for ever: awake, never polling again (a scheduler gets stuck only while running
 * something).
 * Plain threads push remotely: PROD0 unbound entries to scheduler 0 (one thread each, so claims
 * and publications interleave), BOUND0 entries bound to scheduler 0, and one unbound entry to
 * scheduler 1. Schedulers 1..NS-1 run the loop: sp_next with stealing, else sp_park with no
 * timeout (a watcher sleeps at most one watch period).
 *
 * WAKE_ONLY drops rescue, the watcher and recruiting (and the poll counters they need), leaving the
 * wake-to-steal protocol of the reported code: those rules only add wake-ups and takes, so the
 * scenarios with three schedulers (the nsearching races) are checked without them, which keeps
 * them tractable; rescue and the watcher are checked with two schedulers.
 *
 * Properties:
 *  - no entry runs twice, and a bound entry runs only on its scheduler (asserts at run);
 *  - when nothing can move any more (spin's `timeout`: everyone asleep or stuck, producers done),
 *    every entry has run, except, with scheduler 0 stuck: the entries bound to it, and at most one
 *    unbound entry, lone in its ring (the lone-entry residual, docs/native-core.md). A violation is
 *    a lost wake-up or stranded work.
 */

#ifndef NS
#define NS 2          /* schedulers */
#endif
#ifndef LOCAL0
#define LOCAL0 1      /* unbound entries scheduler 0 pushes to its own ring first */
#endif
#ifndef PROD0
#define PROD0 1       /* unbound entries pushed remotely to scheduler 0, one thread each */
#endif
#ifndef BOUND0
#define BOUND0 0      /* entries bound to scheduler 0, pushed remotely by one thread */
#endif
#ifndef TBUDGET
#define TBUDGET 2     /* watch-period timeouts per scheduler */
#endif
#ifndef TO1
#if NS > 1
#define TO1 1     /* one unbound entry pushed remotely to scheduler 1 */
#else
#define TO1 0
#endif
#endif
#define NE (LOCAL0 + PROD0 + BOUND0 + TO1)
#define FIRST_BOUND (LOCAL0 + PROD0)
#define CAP 4         /* ring and FIFO capacity */
#define ICAP 2        /* inject capacity: small, so the full-queue spill path is reachable */
#define NONE 255

/* Rings (unbound) and FIFOs (bound), one each per scheduler. */
byte rbuf[NS * CAP];
byte rhead[NS];
byte rtail[NS];
byte fbuf[NS * CAP];
byte fhead[NS];
byte ftail[NS];
/* Inject queues, cell by cell: queue q < NS is scheduler q's unbound one, NS + q its bound one. */
byte iseq[2 * NS * ICAP];
byte ival[2 * NS * ICAP];
byte ienq[2 * NS];
byte ideq[2 * NS];
/* Overflow lists: a FIFO of entries of both kinds (mutex: atomic blocks). */
byte obuf[NS * NE];
byte osize[NS];
/* Parking and the wake rules. */
bit sleeping[NS];
bit permit[NS];
bit waiting[NS];      /* inside FUTEX_WAIT */
byte nsleeping;
byte nsearching;
byte watcher = NONE;
bit watching[NS];
/* The poll counters, as what a thief can learn from them: moved[thief * NS + victim] is set by every
 * poll of the victim and cleared by the thief's look ("changed since my last look"). */
bit moved[NS * NS];
bit waited[NS];       /* the thief slept a whole watch period since its last look */
byte timeouts[NS];
/* Bookkeeping for the properties. */
byte ran[NE];
byte ranon[NE];
bit stuck0;

#define RLEN(s) (rtail[s] - rhead[s])
#define FLEN(s) (ftail[s] - fhead[s])
#define ILEN(q) (ienq[q] - ideq[q])
#define CELL(q, p) ((q) * ICAP + ((p) % ICAP))
#define BOUND(e) ((e) >= FIRST_BOUND && (e) < FIRST_BOUND + BOUND0)

/* A fresh timeout budget for everyone: when scheduler 0 gets stuck, and whenever work is pushed to
 * it afterwards (watch periods that passed before there was anything to rescue do not count). */
#define REFRESH k = 0; do :: k < NS -> timeouts[k] = 0; k++ :: else -> break od; k = 0

inline spill(s, v)
{
    d_step { obuf[s * NE + osize[s]] = v; osize[s]++; if :: stuck0 -> REFRESH :: else -> skip fi }
}

/* Queue on s's own ring or FIFO by kind (the owner, or a thief keeping what it took). */
inline place(s, v)
{
    atomic {
        if
        :: BOUND(v) && FLEN(s) < CAP -> fbuf[s * CAP + ftail[s] % CAP] = v; ftail[s]++
        :: !BOUND(v) && RLEN(s) < CAP -> rbuf[s * CAP + rtail[s] % CAP] = v; rtail[s]++
        :: else -> obuf[s * NE + osize[s]] = v; osize[s]++
        fi
    }
}

/* The owner's pick: bound FIFO or unbound ring (either when both wait), then nothing. */
inline pick(s, out)
{
    atomic {
        if
        :: FLEN(s) > 0 -> out = fbuf[s * CAP + fhead[s] % CAP]; fhead[s]++
        :: RLEN(s) > 0 -> out = rbuf[s * CAP + rhead[s] % CAP]; rhead[s]++
        :: FLEN(s) == 0 && RLEN(s) == 0 -> out = NONE
        fi
    }
}

inline overflow_pop(s, out)
{
    d_step {
        if
        :: osize[s] > 0 ->
            out = obuf[s * NE];
            k = 0;
            do
            :: k + 1 < osize[s] -> obuf[s * NE + k] = obuf[s * NE + k + 1]; k++
            :: else -> break
            od;
            osize[s]--;
            k = 0
        :: else -> out = NONE
        fi
    }
}

/* A rescuing thief: the oldest unbound overflow entry; bound ones keep their places. */
inline overflow_take_unbound(s, out)
{
    d_step {
        out = NONE;
        k = 0;
        do
        :: k < osize[s] && out == NONE && !BOUND(obuf[s * NE + k]) -> out = obuf[s * NE + k]
        :: k < osize[s] && out == NONE && BOUND(obuf[s * NE + k]) -> k++
        :: else -> break
        od;
        if
        :: out != NONE ->
            do
            :: k + 1 < osize[s] -> obuf[s * NE + k] = obuf[s * NE + k + 1]; k++
            :: else -> break
            od;
            osize[s]--
        :: else -> skip
        fi;
        k = 0
    }
}

inline overflow_unbound(s, n)
{
    d_step {
        n = 0;
        k = 0;
        do
        :: k < osize[s] -> if :: !BOUND(obuf[s * NE + k]) -> n++ :: else -> skip fi; k++
        :: else -> break
        od;
        k = 0
    }
}

/* Producer side of an inject queue: claim, then write and publish (release of seq). */
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
               d_step { ival[CELL(q, pos)] = v; iseq[CELL(q, pos)] = pos + 1; ok = 1; if :: stuck0 -> REFRESH :: else -> skip fi }
               break
           :: else -> skip
           fi
       :: seqv < pos -> ok = 0; break          /* full */
       :: seqv > pos -> pos = ienq[q]
       fi
    od;
    claimed = 0;
    pos = 0;
    seqv = 0
}

/* The multi-consumer pop (the owner of an unbound inject queue, and rescuing thieves). */
inline inject_pop(q, out)
{
    out = NONE;
    pos = ideq[q];
    do
    :: seqv = iseq[CELL(q, pos)];
       if
       :: seqv == pos + 1 ->
#ifdef THIEF_POP_SINGLE
           /* the single-consumer pop used by two consumers: a plain store, no CAS */
           ideq[q] = pos + 1;
           claimed = 1;
#else
           atomic {
               if
               :: ideq[q] == pos -> ideq[q] = pos + 1; claimed = 1
               :: else -> pos = ideq[q]; claimed = 0
               fi
           }
#endif
           if
           :: claimed -> atomic { out = ival[CELL(q, pos)]; iseq[CELL(q, pos)] = pos + ICAP }; break
           :: else -> skip
           fi
       :: seqv < pos + 1 -> break              /* empty, or claimed and not yet published */
       :: seqv > pos + 1 -> pos = ideq[q]
       fi
    od;
    claimed = 0;
    pos = 0;
    seqv = 0
}

/* The bound inject queue's only consumer, its owner. */
inline inject_pop_single(q, out)
{
    atomic {
        pos = ideq[q];
        if
        :: iseq[CELL(q, pos)] == pos + 1 ->
            out = ival[CELL(q, pos)]; ideq[q] = pos + 1; iseq[CELL(q, pos)] = pos + ICAP
        :: else -> out = NONE
        fi;
        pos = 0
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

/* sp_parker_park; timed: the watcher's sleep, which may time out. */
inline parker_park(s, timed)
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
end_sleep: if
           :: waiting[s] == 0 -> skip           /* woken */
           :: timed && waiting[s] && timeouts[s] < TBUDGET ->
               atomic { waiting[s] = 0; timeouts[s]++; waited[s] = 1; old = 1 }
           fi;
           if
           :: permit[s] != 0 || old -> break
           :: else -> skip
           fi
        od;
        permit[s] = 0
    fi;
    old = 0
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
    od;
    w = 0;
    u = 0;
    sl = 0;
    set = 0
}

/* Rule 2 (sleep.c): after the caller's push or placement left s's ring with two or more. */
inline wake_to_steal(s)
{
    /* seq_cst fence */
    if
    :: nsleeping > 0 -> if :: nsearching == 0 -> wake_one_sleeper(s) :: else -> skip fi
    :: else -> skip
    fi
}

inline push_local(s, v)
{
#ifdef NO_LOCAL_FENCE
    sl = (nsleeping > 0);                       /* the loads moved before the push */
    set = (nsearching == 0);
    place(s, v);
    if
    :: RLEN(s) >= 2 && sl && set -> wake_one_sleeper(s)
    :: else -> skip
    fi;
    sl = 0;
    set = 0
#else
    place(s, v);
    if
    :: !BOUND(v) && RLEN(s) >= 2 -> wake_to_steal(s)
    :: else -> skip
    fi
#endif
}

inline push_remote(s, v)
{
#ifdef NO_PUSH_FENCE
    sl = sleeping[s];                           /* the load moved before the push */
#endif
    if
    :: BOUND(v) -> inject_push(NS + s, v, ok)
    :: else -> inject_push(s, v, ok)
    fi;
    if
    :: !ok -> spill(s, v)
    :: else -> skip
    fi;
#ifndef NO_PUSH_FENCE
    /* seq_cst fence */
    sl = sleeping[s];
#endif
    if
    :: sl -> unpark(s, set)
#if !defined(NO_RECRUIT) && !defined(WAKE_ONLY)
#ifdef RECRUIT_ONLY_IF_FREE
    :: !sl && !BOUND(v) && nsleeping > 0 && watcher == NONE -> wake_one_sleeper(s)   /* rule 4, before */
#else
    :: !sl && !BOUND(v) && nsleeping > 0 ->
        atomic { h = watcher };
        if
        :: h == NONE || !sleeping[h] -> wake_one_sleeper(s)   /* rule 4: nobody watching in a sleep */
        :: else -> skip
        fi;
        h = NONE
#endif
#endif
    :: else -> skip
    fi
}

/* steal.c's victim_stalled. */
inline victim_stalled(s, u, st)
{
#ifdef WAKE_ONLY
    if :: st = 1 :: st = 0 fi                   /* free: only the lone-entry rule uses it */
#else
    atomic {
        if
        :: moved[s * NS + u] -> moved[s * NS + u] = 0; st = 0
        :: !moved[s * NS + u] && sleeping[u] -> st = 0
        :: !moved[s * NS + u] && !sleeping[u] && waited[s] -> st = 1
        :: !moved[s * NS + u] && !sleeping[u] && !waited[s] -> st = 1   /* time passed, */
        :: !moved[s * NS + u] && !sleeping[u] && !waited[s] -> st = 0   /* or not */
        fi
    }
#endif
}

/* sp_poll: the victim's counter moves for every thief. */
inline poll(s)
{
#ifdef WAKE_ONLY
    skip
#else
    d_step {
        w = 0;
        do
        :: w < NS -> moved[w * NS + s] = (w != s); w++
        :: else -> break
        od;
        w = 0
    }
#endif
}

/* About half of the victim's ring (any if stalled, else only when it holds two or more). */
inline steal_ring(s, u, st, out)
{
    atomic {
        if
        :: RLEN(u) >= 2 || (st && RLEN(u) == 1) ->
            k = RLEN(u) - RLEN(u) / 2;
            out = rbuf[u * CAP + rhead[u] % CAP]; rhead[u]++; k--;
            kept = k > 0;
            do
            :: k > 0 ->
                t = rbuf[u * CAP + rhead[u] % CAP]; rhead[u]++; k--;
                if
                :: RLEN(s) < CAP -> rbuf[s * CAP + rtail[s] % CAP] = t; rtail[s]++
                :: else -> obuf[s * NE + osize[s]] = t; osize[s]++
                fi
            :: else -> break
            od;
            t = 0
        :: else -> skip
        fi
    }
}

/* About half of a stalled victim's unbound inject entries, then unbound overflow entries. */
inline rescue(s, u, out)
{
    overflow_unbound(u, n);
    atomic { n = n + ILEN(u); want = n - n / 2 }
    got = 0;
    do
    :: got < want ->
        inject_pop(u, t);
        if
        :: t == NONE -> overflow_take_unbound(u, t)
        :: else -> skip
        fi;
        if
        :: t == NONE -> break
        :: got == 0 -> out = t; got++
        :: else -> place(s, t); got++; kept = 1
        fi
    :: else -> break
    od;
    if :: got > 0 -> rfrom = u :: else -> skip fi;
    got = 0;
    want = 0;
    n = 0;
    t = 0
}

inline steal(s, out)
{
    nsearching++;
    out = NONE;
    w = 1;
    do
    :: w < NS && out == NONE ->
        atomic { u = (s + w) % NS; w++ }
        victim_stalled(s, u, st);
        steal_ring(s, u, st, out);
#ifndef WAKE_ONLY
        if
        :: out == NONE && st -> rescue(s, u, out)
        :: else -> skip
        fi;
#endif
        st = 0
    :: else -> break
    od;
    atomic { w = 0; u = 0; waited[s] = 0 }
    nsearching--;
    if
    :: kept && RLEN(s) >= 2 -> wake_to_steal(s)
    :: else -> skip
    fi;
    kept = 0;
    if
    :: rfrom != NONE ->
        overflow_unbound(rfrom, n);
        if
        :: ILEN(rfrom) > 0 || n > 0 -> if :: nsleeping > 0 -> wake_one_sleeper(s) :: else -> skip fi
        :: else -> skip
        fi;
        n = 0;
        rfrom = NONE
    :: else -> skip
    fi
}

inline release_watch(s)
{
#ifdef RECRUIT_ONLY_IF_FREE
    atomic { watching[s] = 0; watcher = NONE }
#else
    atomic { watching[s] = 0; if :: watcher == s -> watcher = NONE :: else -> skip fi }   /* a CAS from s */
#endif
}

inline sp_next(s, out)
{
    poll(s);
    do                                          /* drain the bound inject queue */
    :: inject_pop_single(NS + s, t); if :: t != NONE -> place(s, t) :: else -> break fi
    od;
    do                                          /* drain the unbound one */
    :: inject_pop(s, t); if :: t != NONE -> place(s, t); kept = 1 :: else -> break fi
    od;
    if
    :: kept && RLEN(s) >= 2 -> wake_to_steal(s)
    :: else -> skip
    fi;
    kept = 0;
    out = NONE;
    if                                          /* the overflow turn comes any time */
    :: osize[s] > 0 -> overflow_pop(s, out)
    :: skip
    fi;
    if :: out == NONE -> pick(s, out) :: else -> skip fi;
    if :: out == NONE -> overflow_pop(s, out) :: else -> skip fi;
    if :: out == NONE && s < NS -> steal(s, out) :: else -> skip fi;
    if
    :: out != NONE && watching[s] -> release_watch(s)
    :: else -> skip
    fi
}

/* has_work: own queues, then any other scheduler holding two or more in its ring. */
inline has_work(s, found)
{
    /* One step per queue. The two loads of an inject length as one snapshot: the real pair
     * (dequeue_pos, then enqueue_pos) never reports less than the snapshot at its first load, and
     * "less" (no work) is the outcome that could lose a wake-up. */
    atomic { found = ILEN(s) > 0 }
    atomic { found = found || ILEN(NS + s) > 0 }
    atomic { found = found || osize[s] > 0 }
    atomic { found = found || RLEN(s) > 0 || FLEN(s) > 0 }
#ifndef NO_STEAL_RECHECK
    w = 1;
    do
    :: w < NS && !found -> atomic { u = (s + w) % NS; found = RLEN(u) >= 2; w++ }
    :: else -> break
    od;
#endif
    atomic { w = 0; u = 0 }
}

/* Takes the watch slot when it is free or its holder is awake (not watching in a sleep: busy, or
 * about to give it up): read the holder, then a CAS from it, two steps as in C; a failed CAS looks
 * again (the holder may have given the slot up between the two: spin found that). */
inline claim(s, wt)
{
#ifdef RECRUIT_ONLY_IF_FREE
    atomic {
        if
        :: watcher == NONE -> watcher = s; watching[s] = 1
        :: else -> wt = 0
        fi
    }
#else
    do
    :: atomic { h = watcher };
        if
        :: h != NONE && sleeping[h] -> wt = 0; break   /* someone watches in a sleep */
        :: else -> skip
        fi;
        if
        :: atomic { watcher == h -> watcher = s; watching[s] = 1 }; break
        :: else -> skip   /* the slot changed under us (given up, or taken): look again */
        fi
    od;
    h = NONE
#endif
}

/* Rule 3: whether s sleeps as the watcher. One load per other scheduler, after the fence. */
inline watch(s, wt)
{
    wt = 0;
    w = 1;
    do
    :: w < NS && !wt -> atomic { u = (s + w) % NS; wt = !sleeping[u]; w++ }
    :: else -> break
    od;
    atomic { w = 0; u = 0 }
#if defined(NO_WATCHER) || defined(WAKE_ONLY)
    wt = 0;
#endif
    if
    :: wt && watching[s] && watcher != s -> watching[s] = 0; claim(s, wt)   /* taken over meanwhile */
    :: !wt && watching[s] ->
        release_watch(s);
#ifndef NO_RESIGN_RECHECK
        /* seq_cst fence, then look again: a pusher that still saw us as the watcher did not
         * recruit one (rule 4), and the scheduler it pushed to may have woken since our look;
         * an injected entry counts too (it is what the pusher published before its fence). */
        w = 1;
        do
        :: w < NS && !wt -> atomic { u = (s + w) % NS; wt = !sleeping[u] || ILEN(u) > 0; w++ }
        :: else -> break
        od;
        atomic { w = 0; u = 0 };
        if
        :: wt -> claim(s, wt)
        :: else -> skip
        fi
#endif
    :: wt && !watching[s] -> claim(s, wt)
    :: else -> skip
    fi
}

inline sp_park(s)
{
    poll(s);
#ifdef NO_PARK_FENCE
    has_work(s, found);                         /* the loads moved before the announcement */
#endif
    sleeping[s] = 1;
    nsleeping++;
#ifndef NO_PARK_FENCE
    /* seq_cst fence */
    has_work(s, found);
#endif
    if
    :: !found -> watch(s, wt); parker_park(s, wt); wt = 0
    :: found && watching[s] -> release_watch(s)
    :: else -> skip
    fi;
    nsleeping--;
    sleeping[s] = 0;
    poll(s);
    found = 0
}

inline run_entry(s, v)
{
    skip;
progress_run:
    ran[v]++;
    ranon[v] = s;
    assert(ran[v] == 1);
    assert(!BOUND(v) || s == 0)
}

proctype Sched(byte s)
{
    byte v, t, k, pos, seqv, w, u, n, want, got;
    byte rfrom = NONE;
    byte h = NONE;
    bit claimed, ok, set, found, sl, old, st, kept, wt;
    if
    :: s == 0 ->
        /* A process running on scheduler 0 pushes the local entries (a spawn, a send)... */
        k = 0;
        do
        :: k < LOCAL0 -> push_local(0, k); k++
        :: else -> break
        od;
        k = 0;
#ifdef STUCK
        if                                      /* ... and may then run for ever */
        :: d_step { stuck0 = 1; REFRESH };
end_stuck0: (0)
        :: skip
        fi
#endif
    :: else -> skip
    fi;
    do
    :: sp_next(s, v);
       if
       :: v != NONE ->
           run_entry(s, v);
#ifdef STUCK
           if
           :: s == 0 && !stuck0 ->
               d_step { stuck0 = 1; REFRESH }
end_stuck:     (0)                              /* the entry runs one long call, forever: awake, never polls */
           :: else -> skip
           fi
#endif
       :: else -> sp_park(s)
       fi;
       v = 0
    od
}

proctype Producer(byte target; byte id)
{
    byte pos, seqv, w, u, k;
    byte h = NONE;
    bit claimed, ok, set, sl;
    push_remote(target, id)
}

init
{
    byte i;
    atomic {
        i = 0;
        do
        :: i < 2 * NS * ICAP -> iseq[i] = i % ICAP; i++
        :: else -> break
        od;
        i = 0;
        do
        :: i < NS -> run Sched(i); i++
        :: else -> break
        od;
        i = 0;
        do
        :: i < PROD0 + BOUND0 -> run Producer(0, LOCAL0 + i); i++
        :: else -> break
        od;
#if TO1
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
        :: i < NE -> if :: ran[i] == 0 && !BOUND(i) -> left++ :: else -> skip fi; i++
        :: else -> break
        od;
        if
        :: stuck0 -> assert(left == 0 || (left == 1 && RLEN(0) == 1))
        :: else -> assert(left == 0)
        fi;
        i = 0;
        do
        :: i < NE -> assert(ran[i] == 1 || (stuck0 && (BOUND(i) || left == 1))); i++
        :: else -> break
        od
    }
}
