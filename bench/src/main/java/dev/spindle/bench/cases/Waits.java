package dev.spindle.bench.cases;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits, so a hung peer fails its case instead of hanging the run. */
final class Waits
{
    private Waits()
    {
    }

    static void await(final CountDownLatch latch, final Scale scale, final String what) throws Exception
    {
        if (!latch.await(scale.timeoutSeconds(), TimeUnit.SECONDS))
        {
            throw new TimeoutException(what + " did not finish within " + scale.timeoutSeconds() + " s");
        }
    }

    static void await(final CountDownLatch latch, final long timeoutNanos, final String what) throws Exception
    {
        if (!latch.await(timeoutNanos, TimeUnit.NANOSECONDS))
        {
            throw new TimeoutException(what + " did not finish within " + timeoutNanos / 1_000_000 + " ms");
        }
    }

    /** @return heap bytes in use after System.gc(), as MemoryMXBean reports them (lowest of three tries). */
    static long heapUsedAfterGc()
    {
        final java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            try
            {
                Thread.sleep(50);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
