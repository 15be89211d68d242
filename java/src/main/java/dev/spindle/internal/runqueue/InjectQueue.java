package dev.spindle.internal.runqueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Java twin of native/src/inject.c: a bounded Vyukov array of {@code long} entries
 * ({@code pid << 3 | flags}). A producer claims a position with a CAS on {@code enqueuePos} and
 * publishes the value with a release store of the cell's sequence; a consumer claims a published
 * cell with a CAS on {@code dequeuePos} ({@link #poll}, safe with several consumers: the owner and
 * rescuing thieves) or a plain store ({@link #pollSingle}, for a queue whose only consumer is the
 * caller), reads the value and releases the cell to producers one lap later. A full queue reports
 * failure; the caller spills to the overflow list.
 */
final class InjectQueue
{
    private static final VarHandle ENQ;
    private static final VarHandle DEQ;
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            ENQ = lookup.findVarHandle(InjectQueue.class, "enqueuePos", long.class);
            DEQ = lookup.findVarHandle(InjectQueue.class, "dequeuePos", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // Producers CAS enqueuePos, consumers dequeuePos: different cache lines.
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long enqueuePos;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long dequeuePos;
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;

    private final long[] seq;
    private final long[] values; // published by seq
    private final int mask;

    InjectQueue(final int capacityPowerOfTwo)
    {
        seq = new long[capacityPowerOfTwo];
        values = new long[capacityPowerOfTwo];
        mask = capacityPowerOfTwo - 1;
        for (int i = 0; i < capacityPowerOfTwo; i++)
        {
            seq[i] = i;
        }
    }

    int capacity()
    {
        return seq.length;
    }

    /** Any thread. @param v entry @return false when full */
    boolean offer(final long v)
    {
        long pos = (long)ENQ.getOpaque(this); // a hint; the CAS decides
        for (;;)
        {
            final int cell = (int)pos & mask;
            final long s = (long)SEQ.getAcquire(seq, cell); // the consumer released it: free to overwrite
            final long diff = s - pos;
            if (diff == 0)
            {
                // The cell's seq (release below) publishes the value, not this CAS.
                if (ENQ.weakCompareAndSetPlain(this, pos, pos + 1))
                {
                    values[cell] = v;
                    SEQ.setRelease(seq, cell, pos + 1);
                    return true;
                }
                pos = (long)ENQ.getOpaque(this);
            }
            else if (diff < 0)
            {
                return false; // full
            }
            else
            {
                pos = (long)ENQ.getOpaque(this); // another producer took pos
            }
        }
    }

    /**
     * Any consumer, concurrently with others.
     *
     * @return the oldest entry, or -1 when empty (or the next cell is claimed but not published).
     */
    long poll()
    {
        long pos = (long)DEQ.getOpaque(this); // a guess; the CAS validates it
        for (;;)
        {
            final int cell = (int)pos & mask;
            final long s = (long)SEQ.getAcquire(seq, cell); // pairs with the producer's release
            final long diff = s - (pos + 1);
            if (diff == 0)
            {
                // The value is visible (acquire above) and stays until we release the cell; a
                // consumer with a stale pos fails this CAS (dequeuePos only grows).
                if (DEQ.weakCompareAndSetPlain(this, pos, pos + 1))
                {
                    final long v = values[cell];
                    SEQ.setRelease(seq, cell, pos + mask + 1); // our read happens before reuse
                    return v;
                }
                pos = (long)DEQ.getOpaque(this);
            }
            else if (diff < 0)
            {
                return -1;
            }
            else
            {
                pos = (long)DEQ.getOpaque(this); // another consumer took pos
            }
        }
    }

    /** The queue's only consumer. @return the oldest entry, or -1 */
    long pollSingle()
    {
        final long pos = (long)DEQ.getOpaque(this); // only we write it
        final int cell = (int)pos & mask;
        final long s = (long)SEQ.getAcquire(seq, cell);
        if (s - (pos + 1) < 0)
        {
            return -1;
        }
        final long v = values[cell];
        DEQ.setOpaque(this, pos + 1);
        SEQ.setRelease(seq, cell, pos + mask + 1);
        return v;
    }

    /**
     * Approximate length, any thread. Volatile reads: in park's re-check they come after a full
     * fence, as in the native Dekker. dequeuePos first: both only grow, so the result is never
     * below the length at that first read.
     *
     * @return claimed cells not yet consumed.
     */
    long size()
    {
        final long d = dequeuePos;
        final long e = enqueuePos;
        return Math.max(0, e - d);
    }
}
