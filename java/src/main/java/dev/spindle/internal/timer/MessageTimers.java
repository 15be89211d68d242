package dev.spindle.internal.timer;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One scheduler's {@code sendAfter} timers: an Agrona {@link DeadlineTimerWheel} (no thread per
 * timer) owned by that scheduler's thread. Cancellations from other threads are queued and
 * applied by the owner at its next poll, so a cancelled timer (or one whose target died) leaves
 * the wheel promptly instead of at its deadline.
 */
public final class MessageTimers implements DeadlineTimerWheel.TimerHandler
{
    private final DeadlineTimerWheel wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), ReceiveTimers.TICK_NANOS, 512);
    private final Long2ObjectHashMap<MessageTimer> byId = new Long2ObjectHashMap<>();
    private final ManyToOneConcurrentLinkedQueue<MessageTimer> cancelled = new ManyToOneConcurrentLinkedQueue<>();
    private final BiConsumer<Object, Object> deliver;

    /** @param deliver sends a fired timer's message to its target (Pid or name); owner thread. */
    public MessageTimers(final BiConsumer<Object, Object> deliver)
    {
        this.deliver = deliver;
    }

    /**
     * Owner thread (a process running on this scheduler).
     *
     * @param target   Pid or name.
     * @param message  the message.
     * @param deadline System.nanoTime() deadline.
     * @return the timer.
     */
    public MessageTimer start(final Object target, final Object message, final long deadline)
    {
        final MessageTimer t = new MessageTimer(target, message, deadline, this);
        t.wheelId = wheel.scheduleTimer(deadline);
        byId.put(t.wheelId, t);
        return t;
    }

    void forget(final MessageTimer t)
    {
        cancelled.offer(t);
    }

    /** @return timers in the wheel (cancelled ones leave at the next poll). */
    public long pending()
    {
        return wheel.timerCount();
    }

    /**
     * Owner thread: applies cancellations and fires due timers.
     *
     * @param now System.nanoTime().
     * @return timers fired.
     */
    public int poll(final long now)
    {
        MessageTimer t;
        while ((t = cancelled.poll()) != null)
        {
            if (byId.remove(t.wheelId) != null)
            {
                wheel.cancelTimer(t.wheelId);
            }
        }
        return wheel.timerCount() == 0 ? 0 : wheel.poll(now, this, Integer.MAX_VALUE);
    }

    /** @return whether cancellations wait to be applied. */
    public boolean hasCancellations()
    {
        return !cancelled.isEmpty();
    }

    @Override
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final MessageTimer t = byId.remove(timerId);
        if (t != null && t.fire())
        {
            deliver.accept(t.target, t.message);
        }
        return true;
    }
}
