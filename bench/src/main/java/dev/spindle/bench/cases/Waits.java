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

    static long heapUsedAfterGc()
    {
        final Runtime rt = Runtime.getRuntime();
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
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
