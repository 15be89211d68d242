package dev.spindle.internal.mailbox;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/** The mailbox on its own: many producers, one consumer mixing FIFO and selective takes. */
class MailboxStressTest
{
    @Test
    void noLossNoDuplicationPerSenderOrderWithSelectiveTakes() throws Exception
    {
        final int producers = 6;
        final int perProducer = 20_000;
        final Mailbox box = new Mailbox();
        final CountDownLatch start = new CountDownLatch(1);
        final Thread[] ts = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            final long id = p;
            ts[p] = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int i = 0; i < perProducer; i++)
                {
                    box.put(id << 32 | i);
                }
            });
            ts[p].start();
        }
        // A statistics reader walking the numbers while producers put and the owner takes.
        final java.util.concurrent.atomic.AtomicLong maxDepthRead = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread reader = Thread.ofPlatform().start(() ->
        {
            while (!done.get())
            {
                maxDepthRead.accumulateAndGet(box.depth(), Math::max);
                maxDepthRead.accumulateAndGet(box.highWater(), Math::max);
            }
        });
        start.countDown();
        final int[] next = new int[producers];
        int taken = 0;
        long spins = 0;
        while (taken < producers * perProducer)
        {
            // Every 16th take selects producer 0's messages only; the rest stay saved, in order.
            // (A selective take scans the saved messages: quadratic if done on every take.)
            final Object m = (taken % 16 == 0) ? box.take(x -> ((Long)x >>> 32) == 0, 0) : box.takeAny();
            if (m == null)
            {
                if (++spins > 2_000_000_000L)
                {
                    fail("stuck after " + taken);
                }
                if (taken % 16 == 0 && next[0] == perProducer)
                {
                    taken++; // producer 0 is done: skip the selective turn
                }
                continue;
            }
            final long v = (Long)m;
            final int p = (int)(v >>> 32);
            final int seq = (int)v;
            assertEquals(next[p], seq, "producer " + p + " out of order");
            next[p] = seq + 1;
            taken++;
        }
        for (final Thread t : ts)
        {
            t.join();
        }
        done.set(true);
        reader.join();
        // Drain what the skipped selective turns left behind.
        Object m;
        while ((m = box.takeAny()) != null)
        {
            final long v = (Long)m;
            assertEquals(next[(int)(v >>> 32)], (int)v);
            next[(int)(v >>> 32)]++;
        }
        for (int p = 0; p < producers; p++)
        {
            assertEquals(perProducer, next[p], "producer " + p);
        }
        assertFalse(box.hasInbound());
        assertEquals(0, box.depth(), "every number was worked out: nothing left over");
        assertEquals(producers * perProducer + 1, box.putCounted("last"), "each put numbered once");
        assertTrue(maxDepthRead.get() <= producers * perProducer, "a depth read above what was ever put: " + maxDepthRead);
    }
}
