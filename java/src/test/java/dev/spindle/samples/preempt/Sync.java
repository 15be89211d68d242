package dev.spindle.samples.preempt;

/** Loops inside monitors: a process must not give way while it holds one. */
public final class Sync
{
    /** The monitor of the block cases. */
    public static final Object LOCK = new Object();

    private Sync()
    {
    }

    /**
     * @param n iterations inside the block.
     * @return a checksum.
     */
    public static long inBlock(final long n)
    {
        synchronized (LOCK)
        {
            return Loops.spin(n) ^ Loops.nested(2, (int)(n / 2));
        }
    }

    /**
     * Synchronized on Sync.class.
     *
     * @param n iterations.
     * @return a checksum.
     */
    public static synchronized long inMethod(final long n)
    {
        long x = 0;
        for (long i = 0; i < n; i++)
        {
            x += i ^ (x << 1);
        }
        return x + Loops.spin(n / 4);
    }

    /**
     * An exception leaves the block; the caller catches it here.
     *
     * @param n iterations inside the block.
     * @return 1.
     */
    public static long throwFromBlock(final long n)
    {
        try
        {
            synchronized (LOCK)
            {
                if (Loops.spin(n) != 42)
                {
                    throw new IllegalStateException("leave the block");
                }
            }
        }
        catch (final IllegalStateException ex)
        {
            return 1;
        }
        return 0;
    }

    /**
     * An exception leaves the synchronized method.
     *
     * @param n iterations.
     * @return never.
     */
    public static synchronized long throwFromMethod(final long n)
    {
        if (Loops.spin(n) != 42)
        {
            throw new IllegalStateException("leave the method");
        }
        return 0;
    }

    /**
     * One long loop (one compiled frame that lives across many yields) that now and then enters
     * the monitor and calls a polled method inside it.
     *
     * @param n iterations.
     * @return a checksum.
     */
    public static long longLoopWithMonitor(final long n)
    {
        long x = 1;
        for (long i = 0; i < n; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            if ((i & 255) == 0)
            {
                synchronized (LOCK)
                {
                    x ^= mix(x);
                }
            }
        }
        return x;
    }

    private static long mix(final long seed)
    {
        long x = seed;
        for (int k = 0; k < 4; k++)
        {
            x = Long.rotateLeft(x, 7) ^ k;
        }
        return x;
    }

    /**
     * Nested monitors, the inner one taken twice (reentrant).
     *
     * @param n iterations.
     * @return a checksum.
     */
    public static long nestedBlocks(final long n)
    {
        synchronized (LOCK)
        {
            synchronized (Sync.class)
            {
                synchronized (LOCK)
                {
                    return Loops.spin(n);
                }
            }
        }
    }
}
