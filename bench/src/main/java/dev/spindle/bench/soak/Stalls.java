package dev.spindle.bench.soak;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.locks.LockSupport;

/**
 * Stalls of the whole JVM or machine (GC pauses, safepoints, an overloaded host), as a plain
 * thread sleeping 1 ms at a time sees them. A timer or timeout that is late while a plain thread
 * was stalled too is late because of its environment, not because of Spindle: the lateness checks
 * subtract the stalled time that overlaps the wait ({@link #within}).
 */
final class Stalls implements AutoCloseable
{
    /** An oversleep this long counts as a stall. */
    static final long STALL_NANOS = 20_000_000L;
    private static final long PERIOD_NANOS = 1_000_000L;
    private static final long KEEP_NANOS = 120_000_000_000L;

    private record Stall(long fromNs, long toNs)
    {
    }

    private final ConcurrentLinkedDeque<Stall> stalls = new ConcurrentLinkedDeque<>();
    private final LongAccumulator worst = new LongAccumulator(Math::max, 0);
    private final Thread probe;
    private volatile boolean closed;

    Stalls()
    {
        probe = new Thread(this::run, "soak-stall-probe");
        probe.setDaemon(true);
        probe.start();
    }

    private void run()
    {
        while (!closed)
        {
            final long t0 = System.nanoTime();
            LockSupport.parkNanos(PERIOD_NANOS);
            final long t1 = System.nanoTime();
            final long over = t1 - t0 - PERIOD_NANOS;
            if (over > STALL_NANOS)
            {
                stalls.addLast(new Stall(t0 + PERIOD_NANOS, t1));
                worst.accumulate(over);
                while (!stalls.isEmpty() && t1 - stalls.peekFirst().toNs() > KEEP_NANOS)
                {
                    stalls.pollFirst();
                }
            }
        }
    }

    /** @return nanoseconds of stalls that overlap [fromNs, toNs]. */
    long within(final long fromNs, final long toNs)
    {
        long sum = 0;
        for (final Iterator<Stall> it = stalls.descendingIterator(); it.hasNext(); )
        {
            final Stall s = it.next();
            if (s.toNs() < fromNs)
            {
                break;
            }
            sum += Math.max(0, Math.min(toNs, s.toNs()) - Math.max(fromNs, s.fromNs()));
        }
        return sum;
    }

    /** @return the longest stall seen, ns. */
    long worstNanos()
    {
        return worst.get();
    }

    @Override
    public void close()
    {
        closed = true;
        probe.interrupt();
    }
}
