package dev.spindle.internal.timer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The timer heap alone: order, exact removal, arming numbers, shrinking, and a concurrent stress. */
class TimerHeapTest
{
    /** A timer that counts its firings. */
    static final class Counting extends Timer
    {
        final AtomicInteger fired = new AtomicInteger();

        @Override
        protected void fire()
        {
            fired.incrementAndGet();
        }
    }

    @Test
    void expiresInDeadlineOrderAndOnlyWhatIsDue()
    {
        final TimerHeap heap = new TimerHeap();
        final List<Integer> order = new ArrayList<>();
        final long base = 1_000_000L;
        for (final int d : new int[] {50, 10, 40, 20, 30})
        {
            heap.add(new Timer()
            {
                @Override
                protected void fire()
                {
                    order.add(d);
                }
            }, base + d);
        }
        assertEquals(base + 10, heap.nextDeadline());
        assertEquals(3, heap.expire(base + 30, new TimerHeap.Expired(2))); // a batch smaller than the work
        assertEquals(List.of(10, 20, 30), order);
        assertEquals(2, heap.size());
        assertEquals(base + 40, heap.nextDeadline());
        heap.expire(base + 100, new TimerHeap.Expired(8));
        assertEquals(TimerHeap.NONE, heap.nextDeadline());
    }

    /**
     * A timer popped by another thread (an idle scheduler or the monitor expiring this heap) while
     * its owner cancels it and arms it again in another heap (the process moved): the owner must
     * find it consistent in the new heap. The popping thread is held inside its removal (a test
     * hook) while the owner does all that. Before the fix the popper cleared the timer's heap first
     * and its index after, so the owner, seeing no heap, skipped the old heap's lock, armed the
     * timer in the new heap, and then the popper's late "index -1" landed on it: the next cancel
     * threw ArrayIndexOutOfBoundsException (a soak run lost a process to it).
     */
    @Test
    void aTimerPoppedWhileItsOwnerCancelsAndRearmsItElsewhereStaysConsistent() throws Exception
    {
        final TimerHeap old = new TimerHeap();
        final TimerHeap next = new TimerHeap();
        final Counting t = new Counting();
        old.add(t, 10);
        final java.util.concurrent.atomic.AtomicReference<Throwable> ownerFailed = new java.util.concurrent.atomic.AtomicReference<>();
        old.removingHook = () ->
        {
            old.removingHook = null;
            // The owner, while the popper is between its two writes (and holds the old heap's lock):
            // cancel, then arm again in the new heap. With the fix it waits for that lock; give it
            // a moment, then let the popper go on.
            final Thread owner = new Thread(() ->
            {
                try
                {
                    t.cancel();
                    next.add(t, 20);
                }
                catch (final Throwable e)
                {
                    ownerFailed.set(e);
                }
            }, "timer-owner");
            owner.start();
            try
            {
                owner.join(200);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        };
        old.expire(100, new TimerHeap.Expired(8)); // pops it: the hook runs inside its removal
        old.removingHook = null;
        for (final Thread th : Thread.getAllStackTraces().keySet())
        {
            if (th.getName().equals("timer-owner"))
            {
                th.join(5_000);
            }
        }
        assertNull(ownerFailed.get());
        assertEquals(1, next.size(), "armed in the new heap");
        assertTrue(t.cancel(), "and cancellable there (it threw ArrayIndexOutOfBoundsException)");
        assertEquals(0, next.size());
        assertEquals(TimerHeap.NONE, next.nextDeadline());
    }

    @Test
    void cancelTakesATimerOutAtOnceAndAnswersExactly()
    {
        final TimerHeap heap = new TimerHeap();
        final Counting a = new Counting();
        final Counting b = new Counting();
        heap.add(a, 100);
        heap.add(b, 200);
        assertTrue(a.cancel());
        assertFalse(a.cancel(), "a second cancel");
        assertEquals(1, heap.size(), "cancelled timers leave the heap at once, not at their deadline");
        assertEquals(200, heap.nextDeadline());
        heap.expire(1_000, new TimerHeap.Expired(4));
        assertEquals(0, a.fired.get());
        assertEquals(1, b.fired.get());
        assertFalse(b.cancel(), "cancel after it fired");
        assertTrue(b.fired());
    }

    /** An expiring thread that popped one arming must never fire the next (the 'lost timer' race). */
    @Test
    void aStaleExpiryNeverFiresTheNextArming()
    {
        final TimerHeap heap = new TimerHeap();
        final Counting t = new Counting();
        heap.add(t, 10);
        final long popped = t.stateVolatile(); // what an expiring thread records when it pops
        assertTrue(t.cancel());
        heap.add(t, 20); // re-armed by its owner
        assertFalse(t.tryFire(popped), "the old arming's expiry must fail");
        assertTrue(t.pending());
        heap.expire(30, new TimerHeap.Expired(4));
        assertEquals(1, t.fired.get());
    }

    @Test
    void theHeapShrinksAfterABurst()
    {
        final TimerHeap heap = new TimerHeap();
        final List<Counting> burst = new ArrayList<>();
        for (int i = 0; i < 100_000; i++)
        {
            final Counting t = new Counting();
            heap.add(t, 1_000_000 + i);
            burst.add(t);
        }
        assertTrue(heap.capacity() >= 100_000);
        for (final Counting t : burst)
        {
            assertTrue(t.cancel());
        }
        assertEquals(0, heap.size());
        assertTrue(heap.capacity() <= 64, "capacity after the burst: " + heap.capacity());
    }

    /**
     * Threads add, cancel and expire at once: every timer fires exactly once unless a cancel
     * returned true for it, and then never; nothing stays behind.
     */
    @Test
    void concurrentAddCancelExpireLosesAndDuplicatesNothing() throws Exception
    {
        final TimerHeap heap = new TimerHeap();
        final int threads = 4;
        final int perThread = 50_000;
        final Counting[][] timers = new Counting[threads][perThread];
        final boolean[][] cancelled = new boolean[threads][perThread];
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger(threads);
        final Thread[] ts = new Thread[threads];
        for (int k = 0; k < threads; k++)
        {
            final int id = k;
            ts[k] = new Thread(() ->
            {
                final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                final TimerHeap.Expired scratch = new TimerHeap.Expired(16);
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int i = 0; i < perThread; i++)
                {
                    final Counting t = new Counting();
                    timers[id][i] = t;
                    heap.add(t, System.nanoTime() + rnd.nextInt(200_000));
                    if (i > 0 && rnd.nextInt(3) == 0)
                    {
                        final int j = rnd.nextInt(i);
                        if (timers[id][j].cancel())
                        {
                            cancelled[id][j] = true;
                        }
                    }
                    if ((i & 7) == 0)
                    {
                        heap.expire(System.nanoTime(), scratch);
                    }
                }
                running.decrementAndGet();
            });
            ts[k].start();
        }
        start.countDown();
        final TimerHeap.Expired mine = new TimerHeap.Expired(32);
        while (running.get() > 0)
        {
            heap.expire(System.nanoTime(), mine); // a second kind of expirer: the node's monitor
        }
        for (final Thread t : ts)
        {
            t.join();
        }
        Thread.sleep(1);
        heap.expire(System.nanoTime() + 1_000_000_000L, mine);
        assertEquals(0, heap.size());
        assertEquals(TimerHeap.NONE, heap.nextDeadline());
        for (int k = 0; k < threads; k++)
        {
            for (int i = 0; i < perThread; i++)
            {
                assertEquals(cancelled[k][i] ? 0 : 1, timers[k][i].fired.get(), "timer " + k + "/" + i);
            }
        }
    }
}
