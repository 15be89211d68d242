package dev.spindle.internal.runqueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Java twin of native/src/overflow.c: where entries ({@code pid << 3 | flags}) go when a ring, a
 * bound FIFO or an inject queue is full, so nothing is dropped. A lock-protected growable FIFO (the
 * rare path). Counts are written under the lock and read without it (hints and statistics).
 * The owner pops entries of both kinds in order; a rescuing thief takes only unbound ones.
 */
final class OverflowList
{
    private static final VarHandle COUNT;
    private static final VarHandle UNBOUND;
    private static final VarHandle PRIO = MethodHandles.arrayElementVarHandle(long[].class);

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            COUNT = lookup.findVarHandle(OverflowList.class, "count", long.class);
            UNBOUND = lookup.findVarHandle(OverflowList.class, "countUnbound", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private long[] items = new long[0]; // guarded by this
    private int head;                    // guarded by this
    private int size;                    // guarded by this
    @SuppressWarnings("unused")
    private volatile long count;
    @SuppressWarnings("unused")
    private volatile long countUnbound;
    private final long[] countPrio = new long[4];

    private static boolean bound(final long v)
    {
        return (v & RunQueueSet.BOUND) != 0;
    }

    // Counts change only under the lock: a plain read + opaque store is enough.
    private void count(final long v, final int by)
    {
        COUNT.setOpaque(this, (long)COUNT.getOpaque(this) + by);
        if (!bound(v))
        {
            UNBOUND.setOpaque(this, (long)UNBOUND.getOpaque(this) + by);
        }
        final int p = (int)v & 3;
        PRIO.setOpaque(countPrio, p, (long)PRIO.getOpaque(countPrio, p) + by);
    }

    /** Any thread. @param v entry */
    synchronized void add(final long v)
    {
        if (head + size == items.length)
        {
            if (head > 0)
            {
                System.arraycopy(items, head, items, 0, size);
                head = 0;
            }
            if (size == items.length)
            {
                items = Arrays.copyOf(items, Math.max(256, items.length * 2));
            }
        }
        items[head + size++] = v;
        count(v, 1);
    }

    /** Any thread. @return the oldest entry of either kind, or -1 */
    long poll()
    {
        if ((long)COUNT.getOpaque(this) == 0) // a hint to skip the lock
        {
            return -1;
        }
        synchronized (this)
        {
            if (size == 0)
            {
                return -1;
            }
            final long v = items[head++];
            if (--size == 0)
            {
                head = 0;
            }
            count(v, -1);
            return v;
        }
    }

    /**
     * A rescuing thief: moves up to {@code max} of the oldest unbound entries to {@code out},
     * leaving bound ones in place and in order.
     *
     * @return the number taken.
     */
    int takeUnbound(final long[] out, final int offset, final int max)
    {
        if (max <= 0 || (long)UNBOUND.getOpaque(this) == 0)
        {
            return 0;
        }
        synchronized (this)
        {
            int taken = 0;
            int kept = 0;
            for (int i = 0; i < size; i++)
            {
                final long v = items[head + i];
                if (taken < max && !bound(v))
                {
                    out[offset + taken++] = v;
                    count(v, -1);
                }
                else
                {
                    items[head + kept++] = v;
                }
            }
            size = kept;
            if (size == 0)
            {
                head = 0;
            }
            return taken;
        }
    }

    /** @return entries of both kinds (a hint, or ordered by park's fence) */
    long size()
    {
        return count;
    }

    /** @return unbound entries (a hint) */
    long unbound()
    {
        return countUnbound;
    }

    /** @param prio 0..3 @return entries of that priority (a statistic) */
    long size(final int prio)
    {
        return (long)PRIO.getOpaque(countPrio, prio);
    }
}
