package dev.spindle;

import dev.spindle.internal.timer.MessageTimer;

/**
 * A timer started with {@link Proc#sendAfter}; cancel it with {@link Proc#cancelTimer(TimerRef)}.
 * A timer delivers at most once: it is either fired or cancelled, never both.
 */
public final class TimerRef
{
    private final Ref ref;
    final MessageTimer timer;

    TimerRef(final Ref ref, final MessageTimer timer)
    {
        this.ref = ref;
        this.timer = timer;
    }

    /** @return the timer's reference. */
    public Ref ref()
    {
        return ref;
    }

    @Override
    public String toString()
    {
        return "TimerRef" + ref;
    }
}
