package dev.spindle.internal.timer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One scheduler's timers: a 4-ary min-heap by deadline (Go keeps one per P for the same reasons:
 * O(log n) add and remove-anywhere, the earliest deadline in O(1), exact deadlines with no wheel
 * tick), guarded by a small spin lock.
 *
 * <p>Who touches it: the owning scheduler adds timers (a process arming a receive timeout or
 * starting a {@code sendAfter}) and expires them; any thread may cancel a timer, which takes it
 * out at once under the lock; and any thread may expire another scheduler's due timers (an idle
 * scheduler, or the node's monitor thread when the owner is stuck in a long call). Timers are
 * fired outside the lock, by whoever popped them, after winning the timer's state CAS.
 *
 * <p>{@link #nextDeadline()} is the root's deadline, published with a volatile store whenever the
 * root changes: a scheduler compares it with the clock once per round and sleeps until it; other
 * threads read it to find overdue heaps. The array shrinks again after a burst.
 */
public final class TimerHeap
{
    /** {@link #nextDeadline()} of an empty heap. */
    public static final long NONE = Long.MAX_VALUE;

    private static final int MIN_CAPACITY = 16;
    /** Test hook points ({@code -Dspindle.testHooks=true}); folded away otherwise. */
    private static final boolean TEST_HOOKS = Boolean.getBoolean("spindle.testHooks");
    private static final VarHandle LOCK;
    private static final VarHandle NEXT_DEADLINE;
    private static final VarHandle SIZE;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            LOCK = l.findVarHandle(TimerHeap.class, "lock", int.class);
            NEXT_DEADLINE = l.findVarHandle(TimerHeap.class, "nextDeadline", long.class);
            SIZE = l.findVarHandle(TimerHeap.class, "size", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** A thread's scratch space for {@link #expire}: timers popped and the arming each had. */
    public static final class Expired
    {
        final Timer[] timers;
        final long[] armings;

        /**
         * @param capacity timers fired per batch.
         */
        public Expired(final int capacity)
        {
            timers = new Timer[capacity];
            armings = new long[capacity];
        }
    }

    @SuppressWarnings("unused")
    private int lock;
    @SuppressWarnings("unused")
    private long nextDeadline = NONE;
    @SuppressWarnings("unused")
    private int size; // written under the lock, read opaque for statistics
    private Timer[] heap = new Timer[MIN_CAPACITY];
    /** Tests only: runs in {@link #removeAt} between the removed timer's two field writes, under the lock. */
    Runnable removingHook;

    /** @return the earliest deadline (System.nanoTime()), or {@link #NONE} (volatile read). */
    public long nextDeadline()
    {
        return (long)NEXT_DEADLINE.getVolatile(this);
    }

    /** @return timers in the heap (opaque: a statistic). */
    public int size()
    {
        return (int)SIZE.getOpaque(this);
    }

    /** @return the array's length (tests: it shrinks after a burst). */
    int capacity()
    {
        lock();
        try
        {
            return heap.length;
        }
        finally
        {
            unlock();
        }
    }

    private void lock()
    {
        int spins = 0;
        while (!LOCK.compareAndSet(this, 0, 1))
        {
            // Held for a few dozen instructions; a holder descheduled by the OS costs a yield.
            if (++spins < 64)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
        }
    }

    private void unlock()
    {
        LOCK.setRelease(this, 0);
    }

    /**
     * Arms {@code t} with {@code deadline} in this heap. The caller owns the timer's arming: any
     * earlier {@link Timer#cancel()} of it has returned.
     *
     * @param t        the timer (in no heap).
     * @param deadline System.nanoTime() deadline.
     */
    public void add(final Timer t, final long deadline)
    {
        lock();
        try
        {
            if (t.heap != null)
            {
                throw new IllegalStateException("timer already in a heap");
            }
            t.deadline = deadline;
            t.arm();
            int n = size;
            if (n == heap.length)
            {
                heap = java.util.Arrays.copyOf(heap, n * 2);
            }
            heap[n] = t;
            t.heapIndex = n;
            t.heap = this;
            SIZE.setOpaque(this, n + 1);
            siftUp(n);
            publishRoot();
        }
        finally
        {
            unlock();
        }
    }

    /** Cancel path: take a cancelled timer out of whatever heap holds it. */
    static void removeCancelled(final Timer t)
    {
        final TimerHeap h = t.heap;
        if (h != null)
        {
            h.remove(t);
        }
    }

    private void remove(final Timer t)
    {
        lock();
        try
        {
            if (t.heap != this)
            {
                return; // popped by an expiring thread meanwhile: its CAS will fail
            }
            removeAt(t.heapIndex);
        }
        finally
        {
            unlock();
        }
    }

    /**
     * Pops every timer whose deadline is at or before {@code now} (at most {@code out}'s capacity)
     * and fires those whose arming is still pending, outside the lock.
     *
     * @param now System.nanoTime().
     * @param out the calling thread's scratch space.
     * @return timers fired.
     */
    public int expire(final long now, final Expired out)
    {
        int fired = 0;
        for (;;)
        {
            int n = 0;
            lock();
            try
            {
                while (size > 0 && heap[0].deadline - now <= 0 && n < out.timers.length)
                {
                    final Timer t = heap[0];
                    out.armings[n] = t.stateVolatile();
                    out.timers[n++] = t;
                    removeAt(0);
                }
            }
            finally
            {
                unlock();
            }
            for (int i = 0; i < n; i++)
            {
                final Timer t = out.timers[i];
                out.timers[i] = null;
                if (t.tryFire(out.armings[i]))
                {
                    t.fire();
                    fired++;
                }
            }
            if (n < out.timers.length)
            {
                return fired;
            }
        }
    }

    // ---- heap mechanics, under the lock ----

    private void removeAt(final int i)
    {
        final Timer t = heap[i];
        final int last = size - 1;
        // The index first, then the heap (a volatile store that publishes it). A canceller that
        // reads no heap skips this lock and may arm the timer in another heap at once: every
        // write of ours to the timer must already be behind that read, or a late "index -1"
        // lands on its new arming (the next cancel then threw ArrayIndexOutOfBoundsException).
        t.heapIndex = -1;
        if (TEST_HOOKS && removingHook != null)
        {
            removingHook.run();
        }
        t.heap = null;
        if (i != last)
        {
            final Timer moved = heap[last];
            heap[i] = moved;
            moved.heapIndex = i;
            heap[last] = null;
            SIZE.setOpaque(this, last);
            siftDown(i);
            if (heap[i] == moved)
            {
                siftUp(i);
            }
        }
        else
        {
            heap[last] = null;
            SIZE.setOpaque(this, last);
        }
        if (heap.length > MIN_CAPACITY && last < heap.length / 4)
        {
            heap = java.util.Arrays.copyOf(heap, heap.length / 2); // shrink after a burst
        }
        publishRoot();
    }

    private void publishRoot()
    {
        final long d = size == 0 ? NONE : heap[0].deadline;
        if ((long)NEXT_DEADLINE.get(this) != d)
        {
            NEXT_DEADLINE.setVolatile(this, d);
        }
    }

    private void siftUp(int i)
    {
        final Timer t = heap[i];
        while (i > 0)
        {
            final int parent = (i - 1) >>> 2;
            final Timer p = heap[parent];
            if (p.deadline - t.deadline <= 0)
            {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i)
    {
        final Timer t = heap[i];
        final int n = size;
        for (;;)
        {
            final int first = 4 * i + 1;
            if (first >= n)
            {
                break;
            }
            int min = first;
            final int end = Math.min(first + 4, n);
            for (int c = first + 1; c < end; c++)
            {
                if (heap[c].deadline - heap[min].deadline < 0)
                {
                    min = c;
                }
            }
            if (heap[min].deadline - t.deadline >= 0)
            {
                break;
            }
            heap[i] = heap[min];
            heap[i].heapIndex = i;
            i = min;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
