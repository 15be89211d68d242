package dev.spindle.internal.runqueue;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Pure-Java run queues with the native set's contract and algorithm: {@link SpmcRing} per
 * priority, an Agrona {@link ManyToOneRingBuffer} as the inject queue (allocation-free hand-off of
 * {@code pid << 2 | prio}), a concurrent overflow list, and {@link LockSupport} parking. Selected
 * only by {@code NodeConfig.runQueues(RunQueues.JAVA)}.
 */
public final class JavaRunQueueSet implements RunQueueSet
{
    private static final int LOW_TURN = 8;
    private static final long STALL_NANOS = 50_000L;
    private static final int MSG_TYPE = 1;

    private final int count;
    private final PerScheduler[] schedulers;
    private final AtomicLongArray counters;
    private final AtomicIntegerArray sleeping;
    private final AtomicInteger sleepers = new AtomicInteger();
    private final AtomicInteger searching = new AtomicInteger();
    private volatile int online;

    private static final class PerScheduler
    {
        final SpmcRing[] rings = new SpmcRing[4];
        final ManyToOneRingBuffer inject;
        final ConcurrentLinkedQueue<Integer> overflow = new ConcurrentLinkedQueue<>();
        final AtomicInteger overflowSize = new AtomicInteger();
        final int[] stealScratch;
        final int index;
        long[] seenExecuted;
        long[] seenAt;
        // Registered before the scheduler thread starts: an unpark that precedes the first park
        // (close() racing a scheduler about to sleep) then sets LockSupport's permit instead of
        // being lost.
        volatile Thread owner;
        int lowTurn;
        int lastVictim;
        MessageHandler drain;

        PerScheduler(final int index, final int localCapacity, final int injectCapacity)
        {
            this.index = index;
            for (int p = 0; p < 4; p++)
            {
                rings[p] = new SpmcRing(localCapacity);
            }
            final int bytes = injectCapacity * 16 + RingBufferDescriptor.TRAILER_LENGTH;
            inject = new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(bytes)));
            stealScratch = new int[localCapacity / 2];
        }
    }

    /**
     * @param count          schedulers.
     * @param localCapacity  per-priority ring capacity (rounded up to a power of two).
     * @param injectCapacity inject entries (rounded up to a power of two).
     */
    public JavaRunQueueSet(final int count, final int localCapacity, final int injectCapacity)
    {
        this.count = count;
        this.online = count;
        final int local = Integer.highestOneBit(Math.max(2, localCapacity) * 2 - 1);
        final int inject = Integer.highestOneBit(Math.max(2, injectCapacity) * 2 - 1);
        schedulers = new PerScheduler[count];
        for (int s = 0; s < count; s++)
        {
            final PerScheduler ps = new PerScheduler(s, local, inject);
            ps.lastVictim = s;
            ps.seenExecuted = new long[count];
            ps.seenAt = new long[count];
            ps.drain = (msgTypeId, buffer, index, length) ->
            {
                final int v = buffer.getInt(index);
                ownerOffer(ps, v >>> 2, v & 3);
            };
            schedulers[s] = ps;
        }
        counters = new AtomicLongArray(count * 8);
        sleeping = new AtomicIntegerArray(count);
    }

    @Override
    public void register(final int s, final Thread owner)
    {
        schedulers[s].owner = owner;
    }

    @Override
    public int count()
    {
        return count;
    }

    private void ownerOffer(final PerScheduler ps, final int pid, final int prio)
    {
        if (!ps.rings[prio].offer(pid))
        {
            overflow(ps, pid, prio);
        }
    }

    private void overflow(final PerScheduler ps, final int pid, final int prio)
    {
        ps.overflow.add(pid << 2 | prio);
        ps.overflowSize.incrementAndGet();
        counters.getAndIncrement(ps.index * 8 + OVERFLOWED);
    }

    @Override
    public void pushLocal(final int s, final int pid, final int prio)
    {
        final PerScheduler ps = schedulers[s];
        ownerOffer(ps, pid, prio);
        counters.lazySet(s * 8 + PUSHED_LOCAL, counters.get(s * 8 + PUSHED_LOCAL) + 1);
        // Pony's rule: wake a sleeper to steal only when there is more than the one entry the
        // owner is about to run.
        if (sleepers.get() > 0 && searching.get() == 0 && ps.rings[prio].size() >= 2)
        {
            wakeOneSleeper(s);
        }
    }

    private void wakeOneSleeper(final int from)
    {
        final int n = online;
        for (int i = 1; i < n; i++)
        {
            final int victim = (from + i) % n;
            if (sleeping.get(victim) == 1)
            {
                unpark(victim);
                return;
            }
        }
    }

    @Override
    public void pushRemote(final int s, final int pid, final int prio)
    {
        final PerScheduler ps = schedulers[s];
        final ManyToOneRingBuffer rb = ps.inject;
        final int claim = rb.tryClaim(MSG_TYPE, Integer.BYTES);
        if (claim > 0)
        {
            rb.buffer().putInt(claim, pid << 2 | prio);
            rb.commit(claim);
        }
        else
        {
            overflow(ps, pid, prio);
        }
        counters.getAndIncrement(s * 8 + INJECTED);
        // The commit above is a volatile write, this a volatile read: with park's "announce, then
        // re-check" it forms the Dekker pair that loses no wake-up.
        if (sleeping.get(s) == 1)
        {
            unpark(s);
        }
    }

    @Override
    public int next(final int s, final boolean steal)
    {
        final PerScheduler ps = schedulers[s];
        ps.inject.read(ps.drain);
        int v = pickLocal(ps);
        if (v < 0 && ps.overflowSize.get() > 0)
        {
            final Integer o = ps.overflow.poll();
            if (o != null)
            {
                ps.overflowSize.decrementAndGet();
                v = o >>> 2;
            }
        }
        if (v < 0 && steal)
        {
            v = steal(s, ps);
        }
        if (v >= 0)
        {
            counters.lazySet(s * 8 + EXECUTED, counters.get(s * 8 + EXECUTED) + 1);
        }
        return v;
    }

    private int pickLocal(final PerScheduler ps)
    {
        final SpmcRing[] rings = ps.rings;
        int v = rings[0].poll();
        if (v >= 0)
        {
            return v;
        }
        v = rings[1].poll();
        if (v >= 0)
        {
            return v;
        }
        if (++ps.lowTurn >= LOW_TURN)
        {
            ps.lowTurn = 0;
            v = rings[3].poll();
            if (v >= 0)
            {
                return v;
            }
        }
        v = rings[2].poll();
        return v >= 0 ? v : rings[3].poll();
    }

    private int steal(final int s, final PerScheduler ps)
    {
        final int n = online;
        if (n <= 1)
        {
            return -1;
        }
        searching.incrementAndGet();
        try
        {
            for (int i = 1; i <= n; i++)
            {
                final int victim = (ps.lastVictim + i) % n;
                if (victim == s)
                {
                    continue;
                }
                counters.lazySet(s * 8 + STEAL_ATTEMPTS, counters.get(s * 8 + STEAL_ATTEMPTS) + 1);
                final PerScheduler vs = schedulers[victim];
                // As in sched_set.c: a lone entry only from a victim that ran nothing new for 50 us.
                final long executed = counters.get(victim * 8 + EXECUTED);
                final long now = System.nanoTime();
                if (executed != ps.seenExecuted[victim])
                {
                    ps.seenExecuted[victim] = executed;
                    ps.seenAt[victim] = now;
                }
                final boolean stalled = now - ps.seenAt[victim] > STALL_NANOS;
                for (int prio = 0; prio < 4; prio++)
                {
                    if (!stalled && vs.rings[prio].size() < 2)
                    {
                        continue;
                    }
                    final int taken = vs.rings[prio].stealHalf(ps.stealScratch, ps.stealScratch.length);
                    if (taken > 0)
                    {
                        ps.lastVictim = victim;
                        for (int k = 1; k < taken; k++)
                        {
                            ownerOffer(ps, ps.stealScratch[k], prio);
                        }
                        counters.lazySet(s * 8 + STOLEN, counters.get(s * 8 + STOLEN) + taken);
                        return ps.stealScratch[0];
                    }
                }
            }
            return -1;
        }
        finally
        {
            searching.decrementAndGet();
        }
    }

    private boolean hasWork(final int s)
    {
        final PerScheduler ps = schedulers[s];
        if (ps.inject.size() > 0 || ps.overflowSize.get() > 0)
        {
            return true;
        }
        for (final SpmcRing r : ps.rings)
        {
            if (r.size() > 0)
            {
                return true;
            }
        }
        final int n = online;
        for (int v = 0; v < n; v++)
        {
            if (v != s)
            {
                for (final SpmcRing r : schedulers[v].rings)
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

    @Override
    public boolean park(final int s, final long timeoutNanos)
    {
        final PerScheduler ps = schedulers[s];
        ps.owner = Thread.currentThread();
        sleeping.set(s, 1);                 // volatile: announce before the re-check (Dekker)
        sleepers.incrementAndGet();
        try
        {
            if (hasWork(s))
            {
                return true;
            }
            counters.getAndIncrement(s * 8 + PARKS);
            if (timeoutNanos < 0)
            {
                LockSupport.park(this);
            }
            else
            {
                LockSupport.parkNanos(this, timeoutNanos);
            }
            return false;
        }
        finally
        {
            sleepers.decrementAndGet();
            sleeping.set(s, 0);
        }
    }

    @Override
    public void unpark(final int s)
    {
        final Thread t = schedulers[s].owner;
        counters.getAndIncrement(s * 8 + WAKEUPS);
        if (t != null)
        {
            // LockSupport keeps one permit: an unpark before the park makes the park return.
            LockSupport.unpark(t);
        }
    }

    @Override
    public void setOnline(final int n)
    {
        online = n;
    }

    @Override
    public long queueLength(final int s, final int prio)
    {
        return schedulers[s].rings[prio].size() + (prio == 2 ? schedulers[s].inject.size() / 16 : 0);
    }

    @Override
    public long counter(final int s, final int counter)
    {
        return counters.get(s * 8 + counter);
    }

    @Override
    public void close()
    {
    }
}
