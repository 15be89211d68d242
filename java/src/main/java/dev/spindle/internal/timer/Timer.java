package dev.spindle.internal.timer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A timer in a {@link TimerHeap}: a deadline and what to do when it passes. Its state moves from
 * PENDING to FIRED or CANCELLED exactly once per arming (a CAS), so it fires at most once and a
 * cancellation answers exactly. A timer may be armed again after it fired or was cancelled (a
 * process reuses one receive timer for all its timed receives).
 *
 * <p>Ownership: {@code deadline}, {@code heap} and {@code heapIndex} are guarded by the lock of
 * the heap the timer is in; the state word is atomic. {@link #fire()} runs on whichever thread
 * expired the timer (its scheduler, an idle scheduler or the node's monitor thread), outside the
 * heap's lock.
 */
public abstract class Timer
{
    // The state word: (arming number << 2) | status. The arming number grows at every add, so an
    // expiring thread that popped one arming can never fire the next one by mistake.
    private static final long PENDING = 1;
    private static final long FIRED = 2;
    private static final long CANCELLED = 3;
    private static final long STATUS = 3;

    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(Timer.class, "state", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private long state;
    long deadline;          // guarded by heap's lock
    volatile TimerHeap heap; // written under the heap's lock, after heapIndex; read by cancel() to find the lock
    int heapIndex = -1;     // guarded by heap's lock

    /** Runs once when the deadline has passed and nobody cancelled it first. No lock is held. */
    protected abstract void fire();

    /**
     * Arming (by {@link TimerHeap#add}, under its lock): a new arming number, PENDING.
     *
     * @return the new state word.
     */
    final long arm()
    {
        final long armed = (((long)STATE.getVolatile(this) >>> 2) + 1) << 2 | PENDING;
        STATE.setVolatile(this, armed);
        return armed;
    }

    /** @return the state word (volatile): the expiring thread records it when it pops the timer. */
    final long stateVolatile()
    {
        return (long)STATE.getVolatile(this);
    }

    /**
     * The expiring thread: win the right to fire the arming it popped.
     *
     * @param armed the state word read when the timer was popped.
     * @return true if it must now call {@link #fire()}.
     */
    final boolean tryFire(final long armed)
    {
        return (armed & STATUS) == PENDING && STATE.compareAndSet(this, armed, (armed & ~STATUS) | FIRED);
    }

    /**
     * Any thread: cancels the timer if it has neither fired nor been cancelled, and takes it out of
     * its heap at once (so a cancelled timer retains nothing until its deadline).
     *
     * @return true if this call cancelled it.
     */
    public final boolean cancel()
    {
        for (;;)
        {
            final long s = (long)STATE.getVolatile(this);
            if ((s & STATUS) != PENDING)
            {
                return false;
            }
            if (STATE.compareAndSet(this, s, (s & ~STATUS) | CANCELLED))
            {
                TimerHeap.removeCancelled(this);
                return true;
            }
        }
    }

    /** @return whether it is armed and has neither fired nor been cancelled (volatile). */
    public final boolean pending()
    {
        return ((long)STATE.getVolatile(this) & STATUS) == PENDING;
    }

    /** @return whether its last arming fired. */
    public final boolean fired()
    {
        return ((long)STATE.getVolatile(this) & STATUS) == FIRED;
    }

    /** @return the deadline it was armed with (System.nanoTime()); a statistic once it left its heap. */
    public final long deadline()
    {
        return deadline;
    }
}
