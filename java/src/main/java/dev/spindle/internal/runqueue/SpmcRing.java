package dev.spindle.internal.runqueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Java twin of native/src/ring.c: a bounded FIFO of ints with one producer (the owning scheduler)
 * and many consumers (the owner and thieves). The producer publishes with a release store of
 * {@code tail}; consumers claim with a CAS on {@code head}. FIFO, not LIFO, so a process that
 * yields goes behind the others.
 */
final class SpmcRing
{
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(SpmcRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(SpmcRing.class, "tail", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // head and tail are written by different threads: keep them on different cache lines.
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long head;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long tail;
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;

    private final int[] buffer;
    private final int mask;

    SpmcRing(final int capacityPowerOfTwo)
    {
        buffer = new int[capacityPowerOfTwo];
        mask = capacityPowerOfTwo - 1;
    }

    /** Owner only. @return false when full. */
    boolean offer(final int value)
    {
        final long t = (long)TAIL.getOpaque(this);          // only the owner writes tail
        final long h = (long)HEAD.getAcquire(this);         // slots below head are free to reuse
        if (t - h >= buffer.length)
        {
            return false;
        }
        buffer[(int)t & mask] = value;
        TAIL.setRelease(this, t + 1);                       // publishes the slot to consumers
        return true;
    }

    /** Any thread. @return the oldest entry, or -1 when empty. */
    int poll()
    {
        for (;;)
        {
            final long h = (long)HEAD.getAcquire(this);
            final long t = (long)TAIL.getAcquire(this);     // pairs with offer's release
            if (h >= t)
            {
                return -1;
            }
            final int value = buffer[(int)h & mask];
            // The CAS validates the read: if another consumer took slot h (and the owner reused it)
            // head has moved and we retry.
            if (HEAD.compareAndSet(this, h, h + 1))
            {
                return value;
            }
        }
    }

    /**
     * Thief: takes about half the entries (at least one, at most {@code max}) into {@code out}.
     *
     * @return number taken, 0 when empty.
     */
    int stealHalf(final int[] out, final int max)
    {
        for (;;)
        {
            final long h = (long)HEAD.getAcquire(this);
            final long t = (long)TAIL.getAcquire(this);
            final long available = t - h;
            if (available <= 0)
            {
                return 0;
            }
            final int n = (int)Math.min(max, available - available / 2);
            for (int i = 0; i < n; i++)
            {
                out[i] = buffer[(int)(h + i) & mask];
            }
            if (HEAD.compareAndSet(this, h, h + n))
            {
                return n;
            }
        }
    }

    long size()
    {
        final long h = (long)HEAD.getAcquire(this);
        final long t = (long)TAIL.getAcquire(this);
        return Math.max(0, t - h);
    }
}
