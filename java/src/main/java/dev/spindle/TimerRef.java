package dev.spindle;

/**
 * A running {@code sendAfter} timer, as returned by {@link Proc#sendAfter}: cancel it with
 * {@link Proc#cancelTimer(TimerRef)}. Only the runtime makes timer references.
 */
public interface TimerRef
{
    /** @return the unique reference naming this timer. */
    Ref ref();
}
