package dev.spindle.internal.runqueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Java twin of native/src/fifo.c: an owner-only FIFO of ints, the queue for bound entries (no
 * thief ever sees it). One thread pushes and pops, so there is no CAS and no fence; head and tail
 * are written with opaque stores only so that other threads can read the length as a statistic.
 */
final class OwnerFifo
{
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(OwnerFifo.class, "head", long.class);
            TAIL = lookup.findVarHandle(OwnerFifo.class, "tail", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private long head;
    @SuppressWarnings("unused")
    private long tail;
    private final int[] slots;
    private final int mask;

    OwnerFifo(final int capacityPowerOfTwo)
    {
        slots = new int[capacityPowerOfTwo];
        mask = capacityPowerOfTwo - 1;
    }

    /** Owner only. @param v entry @return false when full */
    boolean offer(final int v)
    {
        final long t = (long)TAIL.getOpaque(this);
        if (t - (long)HEAD.getOpaque(this) > mask)
        {
            return false;
        }
        slots[(int)t & mask] = v;
        TAIL.setOpaque(this, t + 1);
        return true;
    }

    /** Owner only. @return the oldest entry, or -1 */
    int poll()
    {
        final long h = (long)HEAD.getOpaque(this);
        if (h == (long)TAIL.getOpaque(this))
        {
            return -1;
        }
        final int v = slots[(int)h & mask];
        HEAD.setOpaque(this, h + 1);
        return v;
    }

    /** @return exact for the owner, approximate for others (a stale tail reads as empty) */
    long size()
    {
        final long h = (long)HEAD.getOpaque(this);
        final long t = (long)TAIL.getOpaque(this);
        return Math.max(0, t - h);
    }
}
