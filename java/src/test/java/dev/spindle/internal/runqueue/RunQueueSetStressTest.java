package dev.spindle.internal.runqueue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Both run-queue implementations under the scheduler's real access pattern: four owner threads
 * pop (stealing), "run" an entry and push it back locally or to a random scheduler until each entry
 * has made its hops. Every hop must happen exactly once: an entry lost or duplicated shows up in
 * the per-entry hop counts. Small rings force the overflow path.
 */
class RunQueueSetStressTest
{
    private static final int SCHEDULERS = 4;
    private static final int ENTRIES = 2_000;
    private static final int HOPS = 200;

    @ParameterizedTest
    @ValueSource(strings = {"NATIVE", "JAVA", "NATIVE_TINY", "JAVA_TINY"})
    void everyHopHappensExactlyOnce(final String kind) throws Exception
    {
        final boolean tiny = kind.endsWith("TINY");
        final int local = tiny ? 8 : 4096;
        final int inject = tiny ? 8 : 1 << 16;
        try (RunQueueSet q = kind.startsWith("NATIVE") ? new NativeRunQueueSet(SCHEDULERS, local, inject) :
            new JavaRunQueueSet(SCHEDULERS, local, inject))
        {
            final AtomicIntegerArray hops = new AtomicIntegerArray(ENTRIES);
            final AtomicIntegerArray running = new AtomicIntegerArray(ENTRIES);
            final AtomicLong done = new AtomicLong();
            final AtomicBoolean failed = new AtomicBoolean();
            final StringBuffer why = new StringBuffer();
            // Seed from a non-owner thread through the inject path.
            for (int e = 0; e < ENTRIES; e++)
            {
                q.pushRemote(e % SCHEDULERS, e, e & 3);
            }
            final Thread[] owners = new Thread[SCHEDULERS];
            for (int s = 0; s < SCHEDULERS; s++)
            {
                final int me = s;
                owners[s] = new Thread(() ->
                {
                    final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (done.get() < ENTRIES && !failed.get())
                    {
                        final int e = q.next(me, true);
                        if (e < 0)
                        {
                            q.park(me, 1_000_000);
                            continue;
                        }
                        if (!running.compareAndSet(e, 0, 1))
                        {
                            failed.set(true);
                            why.append("entry ").append(e).append(" handed out twice at once; ");
                            return;
                        }
                        final int h = hops.incrementAndGet(e);
                        running.set(e, 0);
                        if (h == HOPS)
                        {
                            done.incrementAndGet();
                        }
                        else if (h > HOPS)
                        {
                            failed.set(true);
                            why.append("entry ").append(e).append(" ran ").append(h).append(" times; ");
                        }
                        else if (rnd.nextInt(4) == 0)
                        {
                            q.pushRemote(rnd.nextInt(SCHEDULERS), e, e & 3);
                        }
                        else
                        {
                            q.pushLocal(me, e, e & 3);
                        }
                    }
                }, "owner-" + s);
                owners[s].start();
            }
            for (final Thread t : owners)
            {
                t.join(60_000);
                assertFalse(t.isAlive(), "owner thread hung: entries lost");
            }
            assertFalse(failed.get(), why.toString());
            for (int e = 0; e < ENTRIES; e++)
            {
                assertEquals(HOPS, hops.get(e), "entry " + e);
            }
            long executed = 0;
            for (int s = 0; s < SCHEDULERS; s++)
            {
                executed += q.counter(s, RunQueueSet.EXECUTED);
            }
            assertEquals((long)ENTRIES * HOPS, executed, "executed counters add up to the hops");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NATIVE", "JAVA"})
    void unparkBeforeParkIsNotLost(final String kind) throws Exception
    {
        try (RunQueueSet q = kind.equals("NATIVE") ? new NativeRunQueueSet(2, 64, 64) : new JavaRunQueueSet(2, 64, 64))
        {
            final int rounds = 20_000;
            final AtomicLong got = new AtomicLong();
            final Thread consumer = new Thread(() ->
            {
                for (int i = 0; i < rounds; i++)
                {
                    int e;
                    while ((e = q.next(0, false)) < 0)
                    {
                        q.park(0, -1); // no timeout: a lost wake-up hangs here
                    }
                    got.incrementAndGet();
                }
            });
            consumer.start();
            for (int i = 0; i < rounds; i++)
            {
                q.pushRemote(0, i, 2);
                while (got.get() <= i && consumer.isAlive())
                {
                    Thread.onSpinWait();
                }
            }
            consumer.join(30_000);
            assertFalse(consumer.isAlive(), "consumer hung in park: a wake-up was lost");
            assertEquals(rounds, got.get());
        }
    }
}
