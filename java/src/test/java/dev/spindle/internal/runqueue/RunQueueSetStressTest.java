package dev.spindle.internal.runqueue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static dev.spindle.internal.runqueue.RunQueueSet.BOUND;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Both run-queue implementations under the scheduler's real access pattern: four owner threads
 * pop (stealing), "run" an entry and push it back locally, to another scheduler, or through a plain
 * thread, until each entry has made its hops. A third of the entries are bound to a home scheduler.
 * Every hop must happen exactly once (an entry lost or duplicated shows up in the hop counts), no
 * entry may run on two threads at once, and a bound entry runs only at home. Small rings force the
 * overflow path. Modes: TIMED parks 1 ms (the old loop); PARK parks without a timeout, so a lost
 * wake-up hangs an owner; STALLING is PARK with scheduler 0 stuck now and then in a 3 ms "call"
 * (its work must be rescued, and it must not lose any).
 */
class RunQueueSetStressTest
{
    private static final int SCHEDULERS = 4;
    private static final int ENTRIES = 1_000;
    private static final int HOPS = 100;

    private static int home(final int e)
    {
        return e % 3 == 0 ? (e / 3) % SCHEDULERS : -1;
    }

    private static int flags(final int e)
    {
        return (e & 3) | (home(e) >= 0 ? BOUND : 0);
    }

    @ParameterizedTest
    @CsvSource({
        "NATIVE, 4096, TIMED", "JAVA, 4096, TIMED", "NATIVE, 8, TIMED", "JAVA, 8, TIMED",
        "NATIVE, 4096, PARK", "JAVA, 4096, PARK", "NATIVE, 8, PARK", "JAVA, 8, PARK",
        "NATIVE, 64, STALLING", "JAVA, 64, STALLING"})
    void everyHopHappensExactlyOnce(final String kind, final int local, final String mode) throws Exception
    {
        final int inject = local == 8 ? 8 : 1 << 16;
        final boolean noTimeout = !mode.equals("TIMED");
        try (RunQueueSet q = kind.equals("NATIVE") ? new NativeRunQueueSet(SCHEDULERS, local, inject) :
            new JavaRunQueueSet(SCHEDULERS, local, inject))
        {
            final AtomicIntegerArray hops = new AtomicIntegerArray(ENTRIES);
            final AtomicIntegerArray running = new AtomicIntegerArray(ENTRIES);
            final AtomicLong done = new AtomicLong();
            final AtomicLong ran = new AtomicLong();
            final AtomicBoolean failed = new AtomicBoolean();
            final AtomicBoolean stop = new AtomicBoolean();
            final StringBuffer why = new StringBuffer();
            final AtomicIntegerArray mailbox = new AtomicIntegerArray(64);
            for (int i = 0; i < mailbox.length(); i++)
            {
                mailbox.set(i, -1);
            }
            // Seed from a non-owner thread through the inject path.
            for (int e = 0; e < ENTRIES; e++)
            {
                q.pushRemote(home(e) >= 0 ? home(e) : e % SCHEDULERS, e, flags(e));
            }
            // A plain thread re-injects what owners hand it (wake-ups from outside any scheduler).
            final Thread outsider = new Thread(() ->
            {
                final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (!stop.get())
                {
                    boolean idle = true;
                    for (int i = 0; i < mailbox.length(); i++)
                    {
                        final int e = mailbox.getAndSet(i, -1);
                        if (e >= 0)
                        {
                            q.pushRemote(home(e) >= 0 ? home(e) : rnd.nextInt(SCHEDULERS), e, flags(e));
                            idle = false;
                        }
                    }
                    if (idle)
                    {
                        Thread.yield();
                    }
                }
            }, "outsider");
            outsider.start();
            final Thread[] owners = new Thread[SCHEDULERS];
            for (int s = 0; s < SCHEDULERS; s++)
            {
                final int me = s;
                owners[s] = new Thread(() ->
                {
                    final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (!stop.get() && !failed.get())
                    {
                        final int e = q.next(me, true);
                        if (e < 0)
                        {
                            q.park(me, noTimeout ? -1 : 1_000_000);
                            continue;
                        }
                        if (home(e) >= 0 && home(e) != me)
                        {
                            failed.set(true);
                            why.append("bound entry ").append(e).append(" ran on ").append(me).append("; ");
                            return;
                        }
                        if (!running.compareAndSet(e, 0, 1))
                        {
                            failed.set(true);
                            why.append("entry ").append(e).append(" handed out twice at once; ");
                            return;
                        }
                        final int h = hops.incrementAndGet(e);
                        ran.incrementAndGet();
                        if (mode.equals("STALLING") && me == 0 && rnd.nextInt(256) == 0)
                        {
                            LockSupport.parkNanos(3_000_000); // a long call: stalled, not parked
                        }
                        running.set(e, 0);
                        if (h == HOPS)
                        {
                            done.incrementAndGet();
                            continue;
                        }
                        if (h > HOPS)
                        {
                            failed.set(true);
                            why.append("entry ").append(e).append(" ran ").append(h).append(" times; ");
                            return;
                        }
                        final int r = rnd.nextInt(8);
                        if (r < 5 && (home(e) < 0 || home(e) == me))
                        {
                            q.pushLocal(me, e, flags(e));
                        }
                        else if (r < 7)
                        {
                            q.pushRemote(home(e) >= 0 ? home(e) : rnd.nextInt(SCHEDULERS), e, flags(e));
                        }
                        else
                        {
                            int slot = rnd.nextInt(mailbox.length());
                            while (!mailbox.compareAndSet(slot, -1, e))
                            {
                                slot = (slot + 1) % mailbox.length();
                            }
                        }
                    }
                }, "owner-" + s);
                q.register(s, owners[s]);
                owners[s].start();
            }
            // Wait for the work (a progress watchdog: a slow machine is slow, a lost wake-up makes no
            // progress at all), then wake the owners, which may park without a timeout.
            long seen = -1;
            long lastProgress = System.nanoTime();
            while (done.get() < ENTRIES && !failed.get() && System.nanoTime() - lastProgress < 20_000_000_000L)
            {
                Thread.sleep(1);
                if (ran.get() != seen)
                {
                    seen = ran.get();
                    lastProgress = System.nanoTime();
                }
            }
            stop.set(true);
            for (int s = 0; s < SCHEDULERS; s++)
            {
                while (owners[s].isAlive())
                {
                    q.unpark(s);
                    owners[s].join(1);
                }
            }
            outsider.join();
            assertFalse(failed.get(), why.toString());
            for (int e = 0; e < ENTRIES; e++)
            {
                assertEquals(HOPS, hops.get(e), "entry " + e + " (a lost entry or a lost wake-up)");
            }
            long executed = 0;
            for (int s = 0; s < SCHEDULERS; s++)
            {
                executed += q.counter(s, RunQueueSet.EXECUTED);
                assertEquals(-1, q.next(s, false), "scheduler " + s + " still holds entries");
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
            q.setOnline(1); // a watcher's timed sleeps would hide a lost wake-up
            final int rounds = 20_000;
            final AtomicLong got = new AtomicLong();
            final Thread consumer = new Thread(() ->
            {
                for (int i = 0; i < rounds; i++)
                {
                    while (q.next(0, false) < 0)
                    {
                        q.park(0, -1); // no timeout: a lost wake-up hangs here
                    }
                    got.incrementAndGet();
                }
            });
            consumer.start();
            for (int i = 0; i < rounds; i++)
            {
                q.pushRemote(0, i, i % 3 == 0 ? 2 | BOUND : 2);
                while (got.get() <= i && consumer.isAlive())
                {
                    Thread.onSpinWait();
                }
            }
            consumer.join(60_000);
            assertFalse(consumer.isAlive(), "consumer hung in park: a wake-up was lost");
            assertEquals(rounds, got.get());
            assertEquals(0, q.counter(0, RunQueueSet.WATCHES));
        }
    }
}
