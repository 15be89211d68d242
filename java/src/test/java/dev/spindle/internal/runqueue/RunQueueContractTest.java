package dev.spindle.internal.runqueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.spindle.internal.runqueue.RunQueueSet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One run-queue contract (native/include/spindle/spindle.h), checked on both implementations, so
 * that the pure-Java twin cannot drift from the native queues again: priorities and the low turn,
 * the overflow turn, per-sender order, steal-half and the lone-entry rule, bound entries (never
 * stolen, bound before unbound with unbound's turn, through the inject queue and the overflow
 * list), rescue from stalled schedulers, queue lengths and counters, offline schedulers, and the
 * wake rules (wake-to-steal, the watcher). native/test/test_contract.c checks the same rules on
 * the C API. Sleeps below only ever wait for "at least this long" (a scheduler becoming stalled);
 * nothing asserts that something happened within a time.
 */
class RunQueueContractTest
{
    enum Impl
    {
        NATIVE, JAVA;

        RunQueueSet create(final int n, final int local, final int inject)
        {
            return this == NATIVE ? new NativeRunQueueSet(n, local, inject) : new JavaRunQueueSet(n, local, inject);
        }
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    private static List<Integer> drain(final RunQueueSet q, final int s)
    {
        final List<Integer> out = new ArrayList<>();
        for (int v; (v = q.next(s, false)) >= 0; )
        {
            out.add(v);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void badArgumentsAreRejectedWithTheirName(final Impl impl)
    {
        try (RunQueueSet q = impl.create(2, 8, 8))
        {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> q.pushLocal(2, 1, PRIO_NORMAL))
                .getMessage().contains("scheduler 2"));
            assertThrows(IllegalArgumentException.class, () -> q.pushRemote(-1, 1, PRIO_NORMAL));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> q.pushRemote(0, 1, 8))
                .getMessage().contains("priority 8"));
            assertThrows(IllegalArgumentException.class, () -> q.pushLocal(0, 1, -1));
            assertThrows(IllegalArgumentException.class, () -> q.next(5, true));
            assertThrows(IllegalArgumentException.class, () -> q.park(2, 0));
            assertThrows(IllegalArgumentException.class, () -> q.unpark(3));
            assertThrows(IllegalArgumentException.class, () -> q.queueLength(0, PRIO_NORMAL | BOUND));
            assertThrows(IllegalArgumentException.class, () -> q.counter(0, 16));
            q.pushLocal(0, 7, PRIO_LOW | BOUND); // 7 is the largest valid priority argument
            assertEquals(7, q.next(0, false));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void prioritiesAndTheLowTurn(final Impl impl)
    {
        try (RunQueueSet q = impl.create(1, 1024, 1024))
        {
            for (int i = 0; i < 50; i++)
            {
                q.pushLocal(0, 200 + i, PRIO_NORMAL);
                q.pushLocal(0, 100 + i, PRIO_HIGH);
                q.pushRemote(0, i, PRIO_MAX);
            }
            int last = 0;
            for (int i = 0; i < 150; i++)
            {
                final int prio = q.next(0, false) / 100;
                assertTrue(prio >= last, "priority " + prio + " ran after " + last);
                last = prio;
            }
            assertEquals(-1, q.next(0, false));
            // Normal and low always runnable: low gets exactly one pick in LOW_TURN.
            q.pushLocal(0, 1, PRIO_NORMAL);
            q.pushLocal(0, 2, PRIO_LOW);
            int low = 0;
            for (int i = 0; i < 800; i++)
            {
                final int v = q.next(0, false);
                low += v == 2 ? 1 : 0;
                q.pushLocal(0, v, v == 2 ? PRIO_LOW : PRIO_NORMAL);
            }
            assertEquals(800 / LOW_TURN, low, "low's share beside normal");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void eachSendersOrderIsKept(final Impl impl) throws Exception
    {
        final int senders = 3;
        final int per = 20_000;
        try (RunQueueSet q = impl.create(1, 1 << 17, 1 << 17)) // nothing spills
        {
            final Thread[] t = new Thread[senders];
            for (int p = 0; p < senders; p++)
            {
                final int id = p;
                t[p] = new Thread(() ->
                {
                    for (int i = 0; i < per; i++)
                    {
                        q.pushRemote(0, id << 24 | i, (i & 1) == 0 ? PRIO_NORMAL : PRIO_NORMAL | BOUND);
                    }
                });
                t[p].start();
            }
            // Bound and unbound entries of one sender take separate queues, so order holds per
            // sender and kind (spindle.h: FIFO per priority and kind).
            final int[][] next = new int[senders][2];
            for (final int[] n : next)
            {
                n[1] = 1; // kind 1: the odd numbers
            }
            for (int got = 0; got < senders * per; )
            {
                final int v = q.next(0, false);
                if (v < 0)
                {
                    Thread.onSpinWait();
                    continue;
                }
                final int p = v >>> 24;
                final int i = v & 0xFFFFFF;
                final int kind = i & 1;
                assertEquals(next[p][kind], i, "sender " + p + " kind " + kind);
                next[p][kind] = i + 2;
                got++;
            }
            for (final Thread th : t)
            {
                th.join();
            }
            assertEquals(0, q.counter(0, OVERFLOWED));
            assertEquals((long)senders * per, q.counter(0, INJECTED));
            assertEquals((long)senders * per, q.counter(0, EXECUTED));
        }
    }

    /** A ring that stays full and one spilled entry: it runs by the OVERFLOW_TURN-th call. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void theOverflowTurn(final Impl impl)
    {
        for (final int kind : new int[] {0, BOUND})
        {
            try (RunQueueSet q = impl.create(1, 4, 4))
            {
                for (int i = 0; i < 5; i++)
                {
                    q.pushLocal(0, i, PRIO_NORMAL | kind);
                }
                assertEquals(1, q.counter(0, OVERFLOWED));
                assertEquals(5, q.queueLength(0, PRIO_NORMAL));
                int ranAt = -1;
                for (int call = 1; call <= 200 && ranAt < 0; call++)
                {
                    final int v = q.next(0, false);
                    if (v == 4)
                    {
                        ranAt = call;
                    }
                    else
                    {
                        q.pushLocal(0, v, PRIO_NORMAL | kind);
                    }
                }
                assertEquals(OVERFLOW_TURN, ranAt, "the spilled entry runs on the overflow turn (kind " + kind + ")");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void stealHalfInOrderAndTheLoneEntryRule(final Impl impl)
    {
        try (RunQueueSet q = impl.create(2, 64, 64))
        {
            q.park(0, 0); // scheduler 0 polls: not stalled
            for (int i = 0; i < 10; i++)
            {
                q.pushLocal(0, 100 + i, PRIO_NORMAL);
            }
            assertEquals(100, q.next(1, true), "the oldest first");
            assertEquals(4, q.queueLength(1, PRIO_NORMAL), "5 stolen, 1 returned");
            assertEquals(5, q.queueLength(0, PRIO_NORMAL));
            assertEquals(List.of(101, 102, 103, 104), drain(q, 1));
            assertEquals(5, q.counter(1, STOLEN));
            // Highest priority first: normal before low.
            for (int i = 0; i < 6; i++)
            {
                q.pushLocal(0, 200 + i, PRIO_LOW);
            }
            assertEquals(105, q.next(1, true));
            drain(q, 1);
            // The lone entry: left to an owner seen polling, taken from one that stalled.
            while (q.queueLength(0, PRIO_NORMAL) + q.queueLength(0, PRIO_LOW) > 1)
            {
                q.next(0, false);
            }
            assertEquals(-1, q.next(1, true), "took the lone entry of an owner it just saw poll");
            sleepMs(2);
            assertEquals(205, q.next(1, true), "must take the lone entry of a stalled owner");
        }
    }

    /**
     * next() skips the priorities whose queues it last found empty (an owner-only mask): whatever
     * empties them (the owner, a thief) and whatever refills them (a local push, a drained
     * injection, a thief keeping stolen entries, a bound entry) must never leave an entry unseen.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void prioritiesFoundEmptyAreSeenAgainWhenRefilled(final Impl impl)
    {
        try (RunQueueSet q = impl.create(2, 64, 64))
        {
            for (int i = 0; i < 4; i++)
            {
                q.pushLocal(0, 10 + i, PRIO_HIGH);
            }
            assertEquals(10, q.next(0, false));
            // A thief empties the high ring (the last entry once the owner looks stalled).
            while (q.next(1, true) >= 0)
            {
                // stealing
            }
            sleepMs(2);
            while (q.next(1, true) >= 0)
            {
                // and the lone entry
            }
            assertEquals(0, q.queueLength(0, PRIO_HIGH), "the thief emptied high");
            assertEquals(-1, q.next(0, false));
            q.pushLocal(0, 20, PRIO_LOW);
            assertEquals(20, q.next(0, false), "a local push at a priority found empty");
            q.pushRemote(0, 21, PRIO_MAX);
            assertEquals(21, q.next(0, false), "an injection at a priority found empty");
            q.pushLocal(0, 22, PRIO_HIGH | RunQueueSet.BOUND);
            assertEquals(22, q.next(0, false), "a bound entry at a priority found empty");
            q.pushRemote(0, 23, PRIO_NORMAL | RunQueueSet.BOUND);
            q.pushLocal(0, 24, PRIO_HIGH);
            assertEquals(24, q.next(0, false), "high before normal");
            assertEquals(23, q.next(0, false), "an injected bound entry");
            for (int i = 0; i < 6; i++)
            {
                q.pushLocal(0, 30 + i, PRIO_HIGH);
            }
            assertEquals(30, q.next(1, true), "the thief steals the oldest");
            assertEquals(List.of(31, 32), drain(q, 1), "and finds what it kept");
            assertEquals(List.of(33, 34, 35), drain(q, 0), "the owner runs the rest in order");
            assertEquals(-1, q.next(1, true), "all taken once");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void boundEntriesAreNeverStolenAndKeepTheirOrder(final Impl impl)
    {
        try (RunQueueSet q = impl.create(2, 2, 2)) // rings and FIFOs of 2: pushes spill
        {
            for (int i = 0; i < 4; i++)
            {
                q.pushLocal(0, 10 + i, PRIO_NORMAL | BOUND); // 10, 11 in the FIFO; 12, 13 spilled
            }
            for (int i = 0; i < 4; i++)
            {
                q.pushLocal(0, 20 + i, PRIO_NORMAL);         // 20, 21 in the ring; 22, 23 spilled
            }
            q.pushRemote(0, 30, PRIO_NORMAL | BOUND);
            assertEquals(9, q.queueLength(0, PRIO_NORMAL));
            assertTrue(q.park(0, 0), "work in sight"); // scheduler 0 polls, taking nothing
            assertEquals(20, q.next(1, true), "half of a ring holding two");
            sleepMs(2); // 0 stalls (nothing is checked before: "not yet stalled" would be a timing)
            assertEquals(21, q.next(1, true), "the lone entry of a stalled owner");
            assertEquals(22, q.next(1, true), "rescued from the overflow list: unbound only");
            assertEquals(23, q.next(1, true));
            assertEquals(-1, q.next(1, true), "a thief took a bound entry");
            assertEquals(2, q.counter(1, STOLEN));
            assertEquals(2, q.counter(1, RESCUED));
            assertEquals(2, q.counter(0, RESCUED_AWAY));
            assertEquals(List.of(10, 11, 12, 13, 30), drain(q, 0), "bound entries in order; 30 spilled behind");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void boundBeforeUnboundWithUnboundsTurn(final Impl impl)
    {
        try (RunQueueSet q = impl.create(1, 64, 64))
        {
            q.pushLocal(0, 1, PRIO_NORMAL);
            q.pushLocal(0, 2, PRIO_NORMAL | BOUND);
            q.pushLocal(0, 3, PRIO_HIGH);
            q.pushRemote(0, 4, PRIO_NORMAL | BOUND);
            assertEquals(List.of(3, 2, 4, 1), drain(q, 0), "priority first; at one priority bound first");
            // Both kinds always runnable: unbound gets one pick in BOUND_TURN, never waits longer.
            q.pushLocal(0, 100, PRIO_NORMAL | BOUND);
            q.pushLocal(0, 200, PRIO_NORMAL);
            int unbound = 0;
            int run = 0;
            int longest = 0;
            for (int i = 0; i < 800; i++)
            {
                final int v = q.next(0, false);
                if (v == 200)
                {
                    unbound++;
                    longest = Math.max(longest, run);
                    run = 0;
                    q.pushLocal(0, 200, PRIO_NORMAL);
                }
                else
                {
                    run++;
                    q.pushLocal(0, 100, PRIO_NORMAL | BOUND);
                }
            }
            assertEquals(800 / BOUND_TURN, unbound, "unbound's share beside a yielding bound process");
            assertTrue(longest < BOUND_TURN, "unbound waited " + longest + " picks");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void rescueFromAStalledOwnersInjectQueue(final Impl impl)
    {
        try (RunQueueSet q = impl.create(2, 64, 64))
        {
            assertEquals(-1, q.next(0, false)); // the owner polls
            assertEquals(-1, q.next(1, true));  // the thief sees that
            for (int i = 0; i < 6; i++)
            {
                q.pushRemote(0, i, PRIO_NORMAL);
            }
            sleepMs(2);
            assertEquals(0, q.next(1, true), "the oldest first");
            assertEquals(List.of(1, 2), drain(q, 1), "about half (3), the rest kept in order");
            assertEquals(3, q.counter(1, RESCUED));
            assertEquals(3, q.counter(0, RESCUED_AWAY));
            assertEquals(List.of(3, 4, 5), drain(q, 0));
            // The owner polls between the thief's looks: nothing is rescued.
            q.next(1, true);
            sleepMs(2);
            q.next(0, false);
            for (int i = 10; i < 13; i++)
            {
                q.pushRemote(0, i, PRIO_NORMAL);
            }
            assertEquals(-1, q.next(1, true), "rescued from an owner that polled since the thief's last look");
            assertEquals(3, q.queueLength(0, PRIO_NORMAL));
            // Bound remote pushes are never rescued.
            drain(q, 0);
            q.next(1, true);
            q.pushRemote(0, 50, PRIO_NORMAL | BOUND);
            sleepMs(2);
            assertEquals(-1, q.next(1, true), "rescued a bound entry");
            assertEquals(List.of(50), drain(q, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void queueLengthsAndOffline(final Impl impl)
    {
        try (RunQueueSet q = impl.create(3, 2, 2))
        {
            for (int i = 0; i < 3; i++)
            {
                q.pushLocal(0, i, PRIO_HIGH);            // 2 in the ring, 1 spilled
                q.pushLocal(0, 10 + i, PRIO_LOW | BOUND); // 2 in the FIFO, 1 spilled
            }
            assertEquals(3, q.queueLength(0, PRIO_HIGH));
            assertEquals(3, q.queueLength(0, PRIO_LOW));
            assertEquals(0, q.queueLength(0, PRIO_MAX));
            q.pushRemote(0, 20, PRIO_MAX);
            q.pushRemote(0, 21, PRIO_MAX | BOUND);
            assertEquals(2, q.queueLength(0, PRIO_NORMAL), "undrained injected entries count under normal");
            assertEquals(21, q.next(0, false));
            assertEquals(20, q.next(0, false));
            assertEquals(6, drain(q, 0).size());
            // Offline: not stolen from, does not steal, still drains its own.
            q.setOnline(2);
            for (int i = 0; i < 4; i++)
            {
                q.pushLocal(2, i, PRIO_NORMAL);
            }
            sleepMs(2);
            assertEquals(-1, q.next(1, true), "an online thief took from an offline victim");
            q.pushLocal(1, 99, PRIO_NORMAL);
            q.pushLocal(1, 98, PRIO_NORMAL);
            assertEquals(List.of(0, 1, 2, 3), List.of(q.next(2, true), q.next(2, true), q.next(2, true), q.next(2, true)));
            assertEquals(-1, q.next(2, true), "an offline scheduler stole");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void parkingPermitsAndTimeouts(final Impl impl)
    {
        try (RunQueueSet q = impl.create(2, 8, 8))
        {
            q.setOnline(1); // nothing to watch: park sleeps exactly as asked
            q.unpark(0);
            assertFalse(q.park(0, -1), "a pending permit returns at once (a lost one hangs here)");
            assertEquals(0, q.counter(0, PARKS), "a pending permit is not a sleep");
            final long t0 = System.nanoTime();
            assertFalse(q.park(0, 2_000_000));
            assertTrue(System.nanoTime() - t0 >= 2_000_000, "a timed sleep lasts its timeout");
            assertEquals(1, q.counter(0, PARKS));
            assertEquals(0, q.counter(0, WATCHES));
            q.pushLocal(1, 5, PRIO_NORMAL);
            assertTrue(q.park(1, -1), "own work visible: no sleep");
        }
    }

    /** One local entry never wakes a sleeper; a second one in the same ring wakes exactly one. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void wakeToSteal(final Impl impl) throws Exception
    {
        try (RunQueueSet q = impl.create(2, 64, 64))
        {
            final AtomicBoolean woke = new AtomicBoolean();
            final Thread sleeper = new Thread(() ->
            {
                // Scheduler 0 (this test's thread) is awake, so 1 sleeps as the watcher: timed
                // returns are not wake-ups.
                while (!q.park(1, -1) && q.counter(1, WAKEUPS) == 0)
                {
                    Thread.onSpinWait();
                }
                woke.set(true);
            });
            q.register(1, sleeper);
            sleeper.start();
            sleepMs(50);
            q.pushLocal(0, 1, PRIO_NORMAL);
            sleepMs(20);
            assertFalse(woke.get());
            assertEquals(0, q.counter(1, WAKEUPS), "one local entry woke a sleeper");
            assertTrue(q.counter(1, WATCHES) > 0, "a sleeper beside an awake scheduler watches");
            q.pushLocal(0, 2, PRIO_NORMAL);
            sleeper.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(sleeper.isAlive(), "two entries did not wake the sleeper");
            assertTrue(q.counter(1, WAKEUPS) <= 1);
        }
    }

    /**
     * The watcher: scheduler 1 runs the scheduler loop on a thread; scheduler 0 (this thread)
     * polls and then stays "in a long call". What is pushed to 0 from outside must be run by 1,
     * also after 1 fell asleep while 0 slept (the push then recruits a watcher).
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void aStuckSchedulersWorkIsRescuedBySleepers(final Impl impl) throws Exception
    {
        try (RunQueueSet q = impl.create(2, 64, 64))
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicInteger ran = new AtomicInteger(-1);
            final Thread loop = new Thread(() ->
            {
                while (!stop.get())
                {
                    final int v = q.next(1, true);
                    if (v >= 0)
                    {
                        ran.set(v);
                    }
                    else
                    {
                        q.park(1, -1);
                    }
                }
            });
            q.register(1, loop);
            loop.start();
            try
            {
                q.next(0, false);
                sleepMs(5);
                q.pushRemote(0, 42, PRIO_NORMAL);
                awaitRan(ran, 42, loop);
                assertEquals(1, q.counter(1, RESCUED));
                assertTrue(q.counter(1, WATCHES) > 0);
                q.park(0, 20_000_000); // 0 sleeps: 1 stops watching and sleeps without a timeout
                q.next(0, false);      // 0 wakes, polls, and gets stuck
                q.pushRemote(0, 43, PRIO_NORMAL);
                awaitRan(ran, 43, loop);
                assertEquals(2, q.counter(1, RESCUED));
            }
            finally
            {
                stop.set(true);
                while (loop.isAlive())
                {
                    q.unpark(1);
                    loop.join(1);
                }
            }
        }
    }

    /**
     * The watcher gives the watch up while a push lands: scheduler 1 (the watcher) parks again and
     * sees 0 asleep; right after that look, 0 wakes and stays "in a long call" while a plain thread
     * pushes to it, sees 0 awake and 1 still in the slot, and recruits nobody. 1 must look again
     * after giving the watch up and keep sleeping with a timeout, or nobody ever notices the entry
     * waiting with a stuck scheduler. The interleaving spin found in the native core (C twin:
     * native/test/test_wake.c, part 4); deterministic through the twin's test hook.
     */
    @Test
    void aWatcherGivingTheWatchUpWhileAPushLandsKeepsWatching() throws Exception
    {
        try (JavaRunQueueSet q = new JavaRunQueueSet(2, 64, 64))
        {
            final Thread[] zero = new Thread[1];
            final AtomicBoolean zeroLooked = new AtomicBoolean();
            final AtomicBoolean armed = new AtomicBoolean();
            final AtomicBoolean zeroWoke = new AtomicBoolean();
            final AtomicBoolean longCallOver = new AtomicBoolean();
            final AtomicBoolean go = new AtomicBoolean();
            final AtomicInteger oneParks = new AtomicInteger();
            q.testHook = point ->
            {
                if (point != JavaRunQueueSet.HOOK_WATCH_LOOKED)
                {
                    return;
                }
                if (Thread.currentThread() == zero[0])
                {
                    zeroLooked.set(true); // 0 announced its sleep before this look
                }
                else if (armed.compareAndSet(true, false))
                {
                    q.unpark(0);
                    while (!zeroWoke.get())
                    {
                        Thread.onSpinWait();
                    }
                    q.pushRemote(0, 42, PRIO_NORMAL); // sees 0 awake and 1 as the watcher
                }
            };
            final Thread one = new Thread(() ->
            {
                q.park(1, -1); // 0 is awake: 1 sleeps as the watcher, back after the watch period
                oneParks.incrementAndGet();
                while (!go.get())
                {
                    Thread.onSpinWait();
                }
                q.park(1, -1); // the race: still a timed sleep, so it comes back
                oneParks.incrementAndGet();
            });
            zero[0] = new Thread(() ->
            {
                q.park(0, -1); // 1 is awake and watching: 0 sleeps without a timeout
                zeroWoke.set(true);
                while (!longCallOver.get())
                {
                    Thread.onSpinWait();
                }
            });
            q.register(1, one);
            q.register(0, zero[0]);
            one.start();
            try
            {
                while (oneParks.get() < 1)
                {
                    sleepMs(1);
                }
                zero[0].start();
                while (!zeroLooked.get())
                {
                    sleepMs(1);
                }
                armed.set(true);
                go.set(true);
                for (int i = 0; i < 5_000 && oneParks.get() < 2; i++)
                {
                    sleepMs(1);
                }
                assertFalse(armed.get(), "the race was not set up: the hook never ran in 1's second park");
                assertEquals(2, oneParks.get(), "1 gave the watch up while a push landed on 0 and slept without a " +
                    "timeout: nobody will notice that 0 is stuck with entry 42 in its queue");
            }
            finally
            {
                longCallOver.set(true);
                go.set(true);
                while (one.isAlive() || zero[0].isAlive())
                {
                    q.unpark(1);
                    q.unpark(0);
                    one.join(1);
                    zero[0].join(1);
                }
            }
            assertEquals(42, q.next(0, false), "the entry is still queued for 0");
        }
    }

    /**
     * A push lands on an awake scheduler that holds the watch slot and then stays "in a long
     * call": 0 is the watcher and sleeps; 1 parks while 0 is asleep (so without a timeout); 0 wakes
     * after its watch period and never polls again, still holding the slot. Its holder is awake, so
     * nobody watches: the push must recruit 1, which takes the slot over and rescues the entry.
     * Spin's second interleaving in the native core (C twin: native/test/test_wake.c, part 5).
     */
    @Test
    void aPushToAnAwakeSchedulerHoldingTheWatchIsStillWatched() throws Exception
    {
        try (JavaRunQueueSet q = new JavaRunQueueSet(2, 64, 64))
        {
            final Thread[] zero = new Thread[1];
            final AtomicBoolean armed = new AtomicBoolean();
            final AtomicBoolean zeroHeld = new AtomicBoolean();
            final AtomicBoolean oneLooked = new AtomicBoolean();
            final AtomicBoolean zeroAwake = new AtomicBoolean();
            final AtomicBoolean done = new AtomicBoolean();
            final AtomicInteger rescued = new AtomicInteger(-1);
            q.testHook = point ->
            {
                if (point != JavaRunQueueSet.HOOK_WATCH_LOOKED)
                {
                    return;
                }
                if (Thread.currentThread() == zero[0])
                {
                    if (armed.compareAndSet(true, false))
                    {
                        zeroHeld.set(true); // 0 announced its sleep and looked (1 awake: it keeps watching)
                        while (!oneLooked.get())
                        {
                            Thread.onSpinWait();
                        }
                    }
                }
                else
                {
                    oneLooked.set(true);
                }
            };
            zero[0] = new Thread(() ->
            {
                q.park(0, -1); // 1 is awake: 0 takes the watch, a timed sleep
                armed.set(true);
                q.park(0, -1); // still the watcher; held asleep by the hook until 1 has looked
                zeroAwake.set(true);
                while (!done.get())
                {
                    Thread.onSpinWait(); // awake, holding the slot, in a long call
                }
            });
            final Thread one = new Thread(() ->
            {
                while (!done.get())
                {
                    final int v = q.next(1, true);
                    if (v >= 0)
                    {
                        rescued.set(v);
                        return;
                    }
                    q.park(1, -1); // first: 0 is asleep, so without a timeout
                }
            });
            q.register(0, zero[0]);
            q.register(1, one);
            zero[0].start();
            try
            {
                while (!zeroHeld.get())
                {
                    sleepMs(1);
                }
                one.start();
                while (!zeroAwake.get())
                {
                    sleepMs(1);
                }
                q.pushRemote(0, 77, PRIO_NORMAL); // 0 awake and holding the slot: recruit
                for (int i = 0; i < 5_000 && rescued.get() < 0; i++)
                {
                    sleepMs(1);
                }
                assertEquals(77, rescued.get(), "entry 77 waits with 0, which holds the watch slot but is stuck awake, " +
                    "while 1 sleeps without a timeout: nobody watches");
            }
            finally
            {
                done.set(true);
                armed.set(false);
                oneLooked.set(true);
                while (one.isAlive() || zero[0].isAlive())
                {
                    q.unpark(1);
                    q.unpark(0);
                    one.join(1);
                    zero[0].join(1);
                }
            }
        }
    }

    /**
     * The watch slot's awake holder gives it up between a sleeper's look and its CAS: 0 holds the
     * slot and is awake; 1 parks, sees 0 awake, reads the slot (0's: it may take it over), and
     * before its CAS 0 finds work and gives the slot up. 1 must look again and take the free slot,
     * or it sleeps without a timeout while 0, busy, may get stuck. Spin's third interleaving (C
     * twin: native/test/test_wake.c, part 6).
     */
    @Test
    void aSlotGivenUpDuringAClaimIsTakenOnTheNextLook() throws Exception
    {
        try (JavaRunQueueSet q = new JavaRunQueueSet(2, 64, 64))
        {
            final AtomicBoolean armed = new AtomicBoolean();
            final AtomicBoolean zeroAwake = new AtomicBoolean();
            final AtomicBoolean done = new AtomicBoolean();
            final AtomicInteger oneParks = new AtomicInteger();
            final Thread zero = new Thread(() ->
            {
                q.park(0, -1); // 1 is awake: 0 takes the watch, one timed sleep
                zeroAwake.set(true);
                while (!done.get())
                {
                    Thread.onSpinWait(); // awake, holding the slot
                }
            });
            q.testHook = point ->
            {
                if (point == JavaRunQueueSet.HOOK_WATCH_CLAIMING && Thread.currentThread() != zero && armed.compareAndSet(true, false))
                {
                    // 0's own steps (its thread is idle here): a lone local entry, and next() gives the slot up.
                    q.pushLocal(0, 5, PRIO_NORMAL);
                    assertEquals(5, q.next(0, false));
                }
            };
            final Thread one = new Thread(() ->
            {
                q.park(1, -1); // 0 awake holding the slot: 1 claims it, and the hook makes 0 give it up first
                oneParks.incrementAndGet();
            });
            q.register(0, zero);
            q.register(1, one);
            zero.start();
            try
            {
                while (!zeroAwake.get())
                {
                    sleepMs(1);
                }
                armed.set(true);
                one.start();
                for (int i = 0; i < 5_000 && oneParks.get() < 1; i++)
                {
                    sleepMs(1);
                }
                assertFalse(armed.get(), "the race was not set up: 1 never tried to take the slot");
                assertEquals(1, oneParks.get(), "0 gave the watch slot up between 1's look and its CAS, and 1 then " +
                    "slept without a timeout: nobody watches the busy scheduler 0");
            }
            finally
            {
                done.set(true);
                while (one.isAlive() || zero.isAlive())
                {
                    q.unpark(1);
                    q.unpark(0);
                    one.join(1);
                    zero.join(1);
                }
            }
        }
    }

    /** Waits without a time limit of its own: a stranded entry hangs here and the suite's timeout fails it. */
    private static void awaitRan(final AtomicInteger ran, final int v, final Thread loop)
    {
        while (ran.get() != v)
        {
            assertTrue(loop.isAlive(), "the scheduler thread died");
            sleepMs(1);
        }
    }
}
