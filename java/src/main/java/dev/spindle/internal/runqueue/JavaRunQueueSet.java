package dev.spindle.internal.runqueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Pure-Java run queues: the native set's contract and algorithm, module for module (spindle.h;
 * docs/native-core.md). {@link SpmcRing} is ring.c, {@link OwnerFifo} fifo.c, {@link InjectQueue}
 * inject.c, {@link OverflowList} overflow.c, {@link Parker} park.c; this class is sched_set.c,
 * steal.c and sleep.c, in that order. The seq_cst fences of the native Dekker handshakes are
 * {@link VarHandle#fullFence()} here, on both sides. Selected by
 * {@code NodeConfig.runQueues(RunQueues.JAVA)}; {@code RunQueueContractTest} keeps the two alike.
 */
public final class JavaRunQueueSet implements RunQueueSet
{
    private static final int STRIDE = 16; // counters per scheduler: two 64-byte lines, as sp_counters
    private static final VarHandle POLLS;
    private static final VarHandle SLEEPING;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            POLLS = lookup.findVarHandle(Sched.class, "polls", long.class);
            SLEEPING = lookup.findVarHandle(Sched.class, "sleeping", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int count;
    private final int localCapacity;
    private final Sched[] scheds;
    private final AtomicLongArray counters;
    private final PaddedInt online = new PaddedInt();
    private final PaddedInt nsleeping = new PaddedInt();
    private final PaddedInt nsearching = new PaddedInt();
    private final PaddedInt watcher = new PaddedInt();
    // Tests only: called at the watch protocol's racy steps with one of the HOOK_ points (the twins
    // of the native SP_HOOK_WATCH_* delay points). Set before the threads start; null otherwise.
    java.util.function.IntConsumer testHook;
    /** Test hook point: a parking scheduler looked who is awake, before its watch decision. */
    static final int HOOK_WATCH_LOOKED = 1;
    /** Test hook point: a parking scheduler read the watch slot's holder, before its CAS. */
    static final int HOOK_WATCH_CLAIMING = 2;

    /** An AtomicInteger alone on its cache line (these four are written by different parties). */
    @SuppressWarnings("unused")
    private static final class PaddedInt extends AtomicInteger
    {
        private static final long serialVersionUID = 1L;
        long p1, p2, p3, p4, p5, p6, p7;
    }

    /** One scheduler's queues (sched_set.h's sp_sched). */
    private static final class Sched
    {
        final SpmcRing[] rings = new SpmcRing[4];
        final OwnerFifo[] bound = new OwnerFifo[4];
        final InjectQueue inject;
        final InjectQueue boundInject;
        final OverflowList overflow = new OverflowList();
        final Parker parker = new Parker();
        @SuppressWarnings("unused")
        long p01, p02, p03, p04, p05, p06, p07;
        @SuppressWarnings("unused")
        int sleeping;          // the owner, opaque: 1 between announcing sleep and waking
        @SuppressWarnings("unused")
        long p11, p12, p13, p14, p15, p16, p17;
        @SuppressWarnings("unused")
        long polls;            // the owner, opaque: +1 per next / park; thieves read it
        @SuppressWarnings("unused")
        long p21, p22, p23, p24, p25, p26, p27;
        // Owner-only state.
        int maybeQueued; // bit p: ring p or bound FIFO p may hold entries (stale set bits are fine, clear ones are not)
        int lowTurn;
        int boundTurn;
        int tick;
        int lastVictim;
        boolean watching;
        final int[] stealBuf;
        final long[] rescueBuf;
        final long[] seenPolls;
        final long[] seenAt;

        Sched(final int s, final int n, final int local, final int inject)
        {
            for (int p = 0; p < 4; p++)
            {
                rings[p] = new SpmcRing(local);
                bound[p] = new OwnerFifo(local);
            }
            this.inject = new InjectQueue(inject);
            this.boundInject = new InjectQueue(Math.max(2, inject / 4));
            this.lastVictim = s;
            this.stealBuf = new int[local / 2];
            this.rescueBuf = new long[local / 2];
            this.seenPolls = new long[n];
            this.seenAt = new long[n];
        }
    }

    /**
     * @param count          schedulers (1..4096).
     * @param localCapacity  per-priority ring and FIFO capacity (rounded up to a power of two, min 2).
     * @param injectCapacity inject entries (rounded up to a power of two, min 2; the bound inject
     *                       queue gets a quarter).
     */
    public JavaRunQueueSet(final int count, final int localCapacity, final int injectCapacity)
    {
        if (count < 1 || count > 4096)
        {
            throw new IllegalArgumentException("scheduler count " + count + " is not 1..4096");
        }
        this.count = count;
        this.localCapacity = pow2AtLeast(localCapacity);
        final int inject = pow2AtLeast(injectCapacity);
        scheds = new Sched[count];
        for (int s = 0; s < count; s++)
        {
            scheds[s] = new Sched(s, count, this.localCapacity, inject);
        }
        counters = new AtomicLongArray(count * STRIDE);
        online.set(count);
        watcher.set(-1);
    }

    private static int pow2AtLeast(final int v)
    {
        int p = 2;
        while (p < v && p < (1 << 30))
        {
            p <<= 1;
        }
        return p;
    }

    // ---- entries and counters (sched_set.h) ----

    private static long entry(final int pid, final int flags)
    {
        return (long)pid << 3 | flags;
    }

    private static int pidOf(final long v)
    {
        return (int)(v >>> 3);
    }

    private static boolean isBound(final long v)
    {
        return (v & BOUND) != 0;
    }

    /** Owner-written counter: one writer, so get + lazySet (a statistic). */
    private void countOwner(final int s, final int c, final long by)
    {
        final int i = s * STRIDE + c;
        counters.lazySet(i, counters.get(i) + by);
    }

    private void countAny(final int s, final int c, final long by)
    {
        counters.getAndAdd(s * STRIDE + c, by);
    }

    private static void poll(final Sched sc)
    {
        POLLS.setOpaque(sc, (long)POLLS.getOpaque(sc) + 1);
    }

    // ---- sched_set.c ----

    @Override
    public void register(final int s, final Thread owner)
    {
        RunQueueSet.checkScheduler(s, count);
        scheds[s].parker.owner(owner);
    }

    @Override
    public int count()
    {
        return count;
    }

    private void spill(final int s, final long v)
    {
        scheds[s].overflow.add(v);
        countAny(s, OVERFLOWED, 1);
    }

    /** Queue on s's own ring or FIFO by kind; a full one spills. */
    private void place(final int s, final long v)
    {
        final Sched sc = scheds[s];
        final int p = (int)v & 3;
        final boolean ok = isBound(v) ? sc.bound[p].offer(pidOf(v)) : sc.rings[p].offer(pidOf(v));
        if (!ok)
        {
            spill(s, v);
            return;
        }
        sc.maybeQueued |= 1 << p;
    }

    @Override
    public void pushLocal(final int s, final int pid, final int prio)
    {
        RunQueueSet.checkScheduler(s, count);
        RunQueueSet.checkPriority(prio);
        place(s, entry(pid, prio));
        countOwner(s, PUSHED_LOCAL, 1);
        if ((prio & BOUND) == 0 && scheds[s].rings[prio].size() >= 2)
        {
            wakeToSteal(s);
        }
    }

    @Override
    public void pushRemote(final int s, final int pid, final int prio)
    {
        RunQueueSet.checkScheduler(s, count);
        RunQueueSet.checkPriority(prio);
        final Sched sc = scheds[s];
        final long v = entry(pid, prio);
        final boolean bound = (prio & BOUND) != 0;
        if (!(bound ? sc.boundInject : sc.inject).offer(v))
        {
            spill(s, v);
        }
        countAny(s, INJECTED, 1);
        VarHandle.fullFence(); // the push before the loads below: the Dekker with park's fence
        if ((int)SLEEPING.getOpaque(sc) == 1)
        {
            unparkOne(s);
            return;
        }
        if (!bound && nsleeping.getOpaque() > 0)
        {
            // s is awake: recruit a watcher unless one watches in a sleep (a holder that is awake,
            // busy or about to give the slot up, s itself after its watch period, watches nothing).
            final int w = watcher.getOpaque();
            if (w < 0 || (int)SLEEPING.getOpaque(scheds[w]) == 0)
            {
                wakeForStalled(s);
            }
        }
    }

    /** Returns whether an unbound entry landed in a ring. */
    private boolean drainInject(final int s)
    {
        final Sched sc = scheds[s];
        long v;
        for (int i = 0; i < sc.boundInject.capacity() && (v = sc.boundInject.pollSingle()) >= 0; i++)
        {
            place(s, v);
        }
        boolean moved = false;
        for (int i = 0; i < sc.inject.capacity() && (v = sc.inject.poll()) >= 0; i++)
        {
            place(s, v);
            moved = true;
        }
        return moved;
    }

    private static int takePrio(final Sched sc, final int p)
    {
        if (sc.bound[p].size() > 0)
        {
            if (++sc.boundTurn >= BOUND_TURN)
            {
                sc.boundTurn = 0;
                final int v = sc.rings[p].poll();
                if (v >= 0)
                {
                    return v;
                }
            }
            return sc.bound[p].poll();
        }
        return sc.rings[p].poll();
    }

    /** takePrio where maybeQueued says there may be something; a miss clears the bit (as the C side). */
    private static int takeMarked(final Sched sc, final int p)
    {
        if ((sc.maybeQueued & (1 << p)) == 0)
        {
            return -1;
        }
        final int v = takePrio(sc, p);
        if (v < 0)
        {
            sc.maybeQueued &= ~(1 << p);
        }
        return v;
    }

    private static int pickLocal(final Sched sc)
    {
        int v = takeMarked(sc, PRIO_MAX);
        if (v >= 0)
        {
            return v;
        }
        v = takeMarked(sc, PRIO_HIGH);
        if (v >= 0)
        {
            return v;
        }
        if (++sc.lowTurn >= LOW_TURN)
        {
            sc.lowTurn = 0;
            v = takeMarked(sc, PRIO_LOW);
            if (v >= 0)
            {
                return v;
            }
        }
        v = takeMarked(sc, PRIO_NORMAL);
        return v >= 0 ? v : takeMarked(sc, PRIO_LOW);
    }

    private static int popOverflow(final Sched sc)
    {
        final long o = sc.overflow.poll();
        return o >= 0 ? pidOf(o) : -1;
    }

    @Override
    public int next(final int s, final boolean steal)
    {
        RunQueueSet.checkScheduler(s, count);
        final Sched sc = scheds[s];
        poll(sc);
        if (drainInject(s))
        {
            for (int p = 0; p < 4; p++)
            {
                if (sc.rings[p].size() >= 2)
                {
                    wakeToSteal(s);
                    break;
                }
            }
        }
        int v = -1;
        if (++sc.tick >= OVERFLOW_TURN)
        {
            sc.tick = 0;
            v = popOverflow(sc);
        }
        if (v < 0)
        {
            v = pickLocal(sc);
        }
        if (v < 0)
        {
            v = popOverflow(sc);
        }
        if (v < 0 && steal)
        {
            v = steal(s);
        }
        if (v >= 0)
        {
            countOwner(s, EXECUTED, 1);
            if (sc.watching)
            {
                watchReleased(s);
            }
        }
        return v;
    }

    @Override
    public void setOnline(final int n)
    {
        online.setOpaque(Math.max(1, Math.min(count, n))); // a hint, as in the native set
    }

    @Override
    public long queueLength(final int s, final int prio)
    {
        RunQueueSet.checkScheduler(s, count);
        if (prio < 0 || prio > PRIO_LOW)
        {
            throw new IllegalArgumentException("priority " + prio + " is not 0..3");
        }
        final Sched sc = scheds[s];
        long n = sc.rings[prio].size() + sc.bound[prio].size() + sc.overflow.size(prio);
        if (prio == PRIO_NORMAL)
        {
            n += sc.inject.size() + sc.boundInject.size();
        }
        return n;
    }

    @Override
    public long counter(final int s, final int counter)
    {
        RunQueueSet.checkScheduler(s, count);
        if (counter < 0 || counter >= STRIDE)
        {
            throw new IllegalArgumentException("counter " + counter + " out of range");
        }
        return counters.get(s * STRIDE + counter);
    }

    @Override
    public void close()
    {
    }

    // ---- steal.c ----

    private boolean victimStalled(final Sched me, final int victim)
    {
        final Sched vs = scheds[victim];
        final long polls = (long)POLLS.getOpaque(vs);
        final long now = System.nanoTime();
        if (polls != me.seenPolls[victim])
        {
            me.seenPolls[victim] = polls;
            me.seenAt[victim] = now;
            return false;
        }
        return now - me.seenAt[victim] > STALL_NANOS && (int)SLEEPING.getOpaque(vs) == 0;
    }

    /** Returns the first entry taken, or -1; keepsMore[0] tells whether more were kept. */
    private int stealRings(final int s, final int victim, final boolean stalled, final boolean[] keptMore)
    {
        final Sched me = scheds[s];
        final Sched vs = scheds[victim];
        for (int p = 0; p < 4; p++)
        {
            if (!stalled && vs.rings[p].size() < 2)
            {
                continue;
            }
            final int got = vs.rings[p].stealHalf(me.stealBuf, me.stealBuf.length);
            if (got > 0)
            {
                for (int k = 1; k < got; k++)
                {
                    place(s, entry(me.stealBuf[k], p));
                }
                countOwner(s, STOLEN, got);
                keptMore[0] = got > 1;
                return me.stealBuf[0];
            }
        }
        return -1;
    }

    private int rescue(final int s, final int victim, final boolean[] keptMore)
    {
        final Sched me = scheds[s];
        final Sched vs = scheds[victim];
        final long pending = vs.inject.size() + vs.overflow.unbound();
        if (pending == 0)
        {
            return -1;
        }
        final int want = (int)Math.min(pending - pending / 2, me.rescueBuf.length);
        int got = 0;
        long v;
        while (got < want && (v = vs.inject.poll()) >= 0)
        {
            me.rescueBuf[got++] = v;
        }
        if (got < want)
        {
            got += vs.overflow.takeUnbound(me.rescueBuf, got, want - got);
        }
        if (got == 0)
        {
            return -1;
        }
        for (int k = 1; k < got; k++)
        {
            place(s, me.rescueBuf[k]);
        }
        countOwner(s, RESCUED, got);
        countAny(victim, RESCUED_AWAY, got);
        keptMore[0] = got > 1;
        return pidOf(me.rescueBuf[0]);
    }

    private int steal(final int s)
    {
        final int n = online.getOpaque();
        if (n <= 1 || s >= n)
        {
            return -1;
        }
        final Sched me = scheds[s];
        nsearching.getAndIncrement();
        int found = -1;
        final boolean[] keptMore = {false};
        int rescuedFrom = -1;
        for (int i = 1; i <= n && found < 0; i++)
        {
            final int victim = (me.lastVictim + i) % n;
            if (victim == s)
            {
                continue;
            }
            countOwner(s, STEAL_ATTEMPTS, 1);
            final boolean stalled = victimStalled(me, victim);
            found = stealRings(s, victim, stalled, keptMore);
            if (found < 0 && stalled)
            {
                found = rescue(s, victim, keptMore);
                if (found >= 0)
                {
                    rescuedFrom = victim;
                }
            }
            if (found >= 0)
            {
                me.lastVictim = victim;
            }
        }
        nsearching.getAndDecrement();
        if (keptMore[0])
        {
            for (int p = 0; p < 4; p++)
            {
                if (me.rings[p].size() >= 2)
                {
                    wakeToSteal(s);
                    break;
                }
            }
        }
        if (rescuedFrom >= 0)
        {
            final Sched vs = scheds[rescuedFrom];
            if (vs.inject.size() > 0 || vs.overflow.unbound() > 0)
            {
                wakeForStalled(s); // left work behind at a stalled victim
            }
        }
        return found;
    }

    // ---- sleep.c ----

    private void wakeOneSleeper(final int from)
    {
        final int n = online.getOpaque();
        for (int i = 1; i <= n; i++)
        {
            final int v = (from + i) % n;
            if (v != from && (int)SLEEPING.getOpaque(scheds[v]) == 1 && scheds[v].parker.unpark())
            {
                countAny(v, WAKEUPS, 1);
                return;
            }
        }
    }

    private void wakeToSteal(final int s)
    {
        VarHandle.fullFence(); // the ring push before the sleeper-count reads (Dekker with park)
        if (nsleeping.getOpaque() > 0 && nsearching.getOpaque() == 0)
        {
            wakeOneSleeper(s);
        }
    }

    private void wakeForStalled(final int from)
    {
        if (nsleeping.getOpaque() > 0)
        {
            wakeOneSleeper(from);
        }
    }

    private void watchReleased(final int s)
    {
        scheds[s].watching = false;
        watcher.compareAndSet(s, -1); // only if still ours: a sleeper may have taken it over
    }

    /** Takes the watch slot when it is free or its holder is awake (not watching in a sleep). */
    private boolean claim(final int s)
    {
        for (;;)
        {
            final int holder = watcher.getOpaque();
            if (holder >= 0 && (int)SLEEPING.getOpaque(scheds[holder]) == 1)
            {
                return false;
            }
            hook(HOOK_WATCH_CLAIMING);
            if (watcher.compareAndSet(holder, s))
            {
                scheds[s].watching = true;
                return true;
            }
            // The slot changed under us (an awake holder gave it up, or someone took it): look again.
        }
    }

    private boolean hasWork(final int s)
    {
        final Sched sc = scheds[s];
        if (sc.inject.size() > 0 || sc.boundInject.size() > 0 || sc.overflow.size() > 0)
        {
            return true;
        }
        for (int p = 0; p < 4; p++)
        {
            if (sc.rings[p].size() > 0 || sc.bound[p].size() > 0)
            {
                return true;
            }
        }
        final int n = online.getOpaque();
        if (s >= n)
        {
            return false;
        }
        for (int v = 0; v < n; v++)
        {
            if (v != s)
            {
                for (final SpmcRing r : scheds[v].rings)
                {
                    if (r.size() >= 2)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private void hook(final int point)
    {
        final java.util.function.IntConsumer h = testHook;
        if (h != null)
        {
            h.accept(point);
        }
    }

    private boolean otherAwake(final int s, final int n)
    {
        for (int v = 0; v < n; v++)
        {
            if (v != s && (int)SLEEPING.getOpaque(scheds[v]) == 0)
            {
                return true;
            }
        }
        return false;
    }

    /** The second look after giving the watch up: someone awake, or an entry injected to another scheduler. */
    private boolean otherAwakeOrFed(final int s, final int n)
    {
        if (otherAwake(s, n))
        {
            return true;
        }
        for (int v = 0; v < n; v++)
        {
            if (v != s && scheds[v].inject.size() > 0)
            {
                return true;
            }
        }
        return false;
    }

    private boolean watch(final int s, final int n)
    {
        final Sched sc = scheds[s];
        final boolean awake = otherAwake(s, n);
        hook(HOOK_WATCH_LOOKED);
        if (!awake)
        {
            if (!sc.watching)
            {
                return false;
            }
            watchReleased(s);
            // Full fence, then look again: the Dekker with pushRemote's recruit rule. A pusher that
            // read the slot before we cleared it recruited nobody, so we must see its entry (or the
            // scheduler it found awake); as the native sleep.c, where spin found the interleaving.
            VarHandle.fullFence();
            if (!otherAwakeOrFed(s, n))
            {
                return false;
            }
            return claim(s);
        }
        if (sc.watching)
        {
            if (watcher.getOpaque() == s)
            {
                return true;
            }
            sc.watching = false; // taken over while we were awake
        }
        return claim(s);
    }

    @Override
    public boolean park(final int s, final long timeoutNanos)
    {
        RunQueueSet.checkScheduler(s, count);
        final Sched sc = scheds[s];
        poll(sc);
        final int n = online.getOpaque();
        final boolean counted = s < n;
        if (!counted && sc.watching)
        {
            watchReleased(s);
        }
        SLEEPING.setOpaque(sc, 1);
        if (counted)
        {
            nsleeping.getAndIncrement();
        }
        VarHandle.fullFence(); // announcing sleep before the re-check: the Dekker with the pushers
        final boolean found = hasWork(s);
        if (!found)
        {
            long t = timeoutNanos;
            final boolean watching = counted && watch(s, n);
            if (watching && (t < 0 || t > WATCH_NANOS))
            {
                t = WATCH_NANOS;
            }
            if (sc.parker.park(t))
            {
                countOwner(s, PARKS, 1);
                if (watching)
                {
                    countOwner(s, WATCHES, 1);
                }
            }
        }
        else if (sc.watching)
        {
            watchReleased(s);
        }
        if (counted)
        {
            nsleeping.getAndDecrement();
        }
        SLEEPING.setOpaque(sc, 0);
        poll(sc);
        return found;
    }

    private void unparkOne(final int s)
    {
        if (scheds[s].parker.unpark())
        {
            countAny(s, WAKEUPS, 1);
        }
    }

    @Override
    public void unpark(final int s)
    {
        RunQueueSet.checkScheduler(s, count);
        unparkOne(s);
    }
}
