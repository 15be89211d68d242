package dev.spindle.internal.mailbox;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Depth and high water: producers number their puts (no counter), the owner samples the depth
 * before one take in {@link Mailbox#HIGH_WATER_SAMPLE}, the put returns a sequence that
 * {@link Mailbox#depthAt} turns into the depth just after it, and a peak that was drained again is
 * still the high water (under-read by less than the sample interval).
 */
class MailboxDepthTest
{
    @Test
    void aDrainedPeakIsStillTheHighWater()
    {
        final Mailbox box = new Mailbox();
        for (int i = 0; i < 100; i++)
        {
            assertEquals(i + 1, box.depthAt(box.put(i)), "the depth just after each put");
        }
        assertEquals(100, box.depth());
        assertEquals(100, box.highWater(), "queued now counts");
        for (int i = 0; i < 100; i++)
        {
            assertEquals(i, box.takeAny());
        }
        assertEquals(0, box.depth());
        assertEquals(100, box.highWater(), "the peak, drained");
        box.put("a");
        box.put("b");
        assertEquals("a", box.takeAny());
        assertEquals(100, box.highWater());
        assertEquals(1, box.depthAt(box.put("c")) - 1, "depth after a put counts what is still queued");
    }

    @Test
    void aPeakBetweenSamplesIsUnderReadByLessThanTheInterval()
    {
        final Mailbox box = new Mailbox();
        for (int i = 0; i < 10; i++)
        {
            box.put(i);
            box.takeAny();
        }
        for (int i = 0; i < 1000; i++)
        {
            box.put(i);
        }
        while (box.takeAny() != null)
        {
            // drain: the first take after the burst is not a sampled one
        }
        final int hw = box.highWater();
        assertTrue(hw > 1000 - Mailbox.HIGH_WATER_SAMPLE && hw <= 1000, "high water " + hw + " for a peak of 1000");
        box.appendSaved("own");
        assertEquals(1, box.depth(), "a message the owner appended counts");
        box.clear();
        assertEquals(0, box.depth());
        assertEquals(1, box.depthAt(box.put("x")), "the sequence goes on after a clear");
    }

    @Test
    void concurrentProducersSeeEveryDepthOnce() throws Exception
    {
        // With no takes, the depths the puts see are exactly 1..N: a rise is seen by one put, which
        // is what the system monitor's long-message-queue report relies on.
        final Mailbox box = new Mailbox();
        final int producers = 4;
        final int each = 50_000;
        final boolean[] seen = new boolean[producers * each + 1];
        final CountDownLatch go = new CountDownLatch(1);
        final Thread[] threads = new Thread[producers];
        final long[][] depths = new long[producers][each];
        for (int t = 0; t < producers; t++)
        {
            final int id = t;
            threads[t] = Thread.ofPlatform().start(() ->
            {
                try
                {
                    go.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int i = 0; i < each; i++)
                {
                    depths[id][i] = box.depthAt(box.put(i));
                }
            });
        }
        go.countDown();
        for (final Thread t : threads)
        {
            t.join();
        }
        for (final long[] d : depths)
        {
            for (final long x : d)
            {
                assertFalse(seen[(int)x], "depth " + x + " seen twice");
                seen[(int)x] = true;
            }
        }
        assertEquals(producers * each, box.highWater());
    }
}
