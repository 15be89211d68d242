package dev.spindle.internal.timer;

import dev.spindle.internal.process.ControlBlock;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One scheduler's timers: an Agrona {@link DeadlineTimerWheel} (hashed wheel, O(1) schedule and
 * cancel, no thread per timer) plus a map from timer id to the waiting process. Touched only by
 * its scheduler's thread.
 *
 * <p>A timer wakes its process only if the process is still WAITING on the same timer id; a
 * process woken earlier by a message cancels its timer when it resumes on the same scheduler, and
 * if it was stolen meanwhile the stale timer fires later and finds the id changed. Either way a
 * timeout is delivered at most once, and the process's receive loop re-checks its deadline.
 */
public final class ReceiveTimers implements DeadlineTimerWheel.TimerHandler
{
    /** Wheel tick: 2^20 ns, about 1 ms. Receive timeouts fire within one tick after the deadline. */
    public static final long TICK_NANOS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 512;

    private final DeadlineTimerWheel wheel;
    private final Long2ObjectHashMap<ControlBlock> waiting = new Long2ObjectHashMap<>();
    private final Consumer<ControlBlock> onTimeout;

    /**
     * @param onTimeout called (on this scheduler's thread) with a process whose timer fired and
     *                  whose WAITING to RUNNABLE CAS this timer won; it must enqueue it.
     */
    public ReceiveTimers(final Consumer<ControlBlock> onTimeout)
    {
        this.onTimeout = onTimeout;
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), TICK_NANOS, TICKS_PER_WHEEL);
    }

    /** @return pending timers. */
    public long pending()
    {
        return wheel.timerCount();
    }

    /**
     * Arms a receive timeout for the calling process (which then yields to wait).
     *
     * @param p        the process.
     * @param deadline {@link System#nanoTime()} deadline.
     */
    public void arm(final ControlBlock p, final long deadline)
    {
        final long id = wheel.scheduleTimer(deadline);
        waiting.put(id, p);
        p.timerId = id;
        p.timerOwner = this;
    }

    /**
     * Called by a process that resumed on this scheduler: cancels its pending timer, if it is in
     * this wheel.
     *
     * @param p the process.
     */
    public void disarm(final ControlBlock p)
    {
        final long id = p.timerId;
        if (id != -1 && p.timerOwner == this)
        {
            if (waiting.remove(id) != null)
            {
                wheel.cancelTimer(id);
            }
        }
        p.timerId = -1;
        p.timerOwner = null;
    }

    /**
     * Expires due timers.
     *
     * @param now {@link System#nanoTime()}.
     * @return timers expired.
     */
    public int poll(final long now)
    {
        return wheel.poll(now, this, Integer.MAX_VALUE);
    }

    @Override
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final ControlBlock p = waiting.remove(timerId);
        // timerId is written by the process before it yields, i.e. before its scheduler's volatile
        // WAITING store; tryWake's volatile read of WAITING makes it visible here.
        if (p != null && p.state() == ControlBlock.WAITING && p.timerId == timerId && p.timerOwner == this && p.tryWake())
        {
            onTimeout.accept(p);
        }
        return true;
    }
}
