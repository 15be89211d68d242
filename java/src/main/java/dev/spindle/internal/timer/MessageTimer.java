package dev.spindle.internal.timer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code sendAfter} timer. Its state moves once from PENDING to FIRED or CANCELLED, so the
 * message is delivered at most once and cancellation answers exactly.
 */
public final class MessageTimer
{
    private static final int PENDING = 0;
    private static final int FIRED = 1;
    private static final int CANCELLED = 2;

    final Object target;          // a Pid or a registered name, resolved when it fires
    final Object message;
    final long deadline;          // System.nanoTime()
    final MessageTimers owner;
    long wheelId = -1;            // owner thread only
    private final AtomicInteger state = new AtomicInteger(PENDING);

    MessageTimer(final Object target, final Object message, final long deadline, final MessageTimers owner)
    {
        this.target = target;
        this.message = message;
        this.deadline = deadline;
        this.owner = owner;
    }

    boolean fire()
    {
        return state.compareAndSet(PENDING, FIRED);
    }

    /**
     * Any thread.
     *
     * @return nanoseconds that were left, or -1 if it had fired or was cancelled already.
     */
    public long cancel()
    {
        if (state.compareAndSet(PENDING, CANCELLED))
        {
            owner.forget(this); // lets the owning scheduler drop it from its wheel now
            return Math.max(0, deadline - System.nanoTime());
        }
        return -1;
    }

    /** @return whether it has neither fired nor been cancelled (any thread). */
    public boolean pending()
    {
        return state.get() == PENDING;
    }

    /** @return the target (Pid or name). */
    public Object target()
    {
        return target;
    }
}
