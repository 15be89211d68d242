package dev.spindle.internal.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * Durations as the runtime uses them: nanoseconds, saturated. A timeout of {@link #FOREVER} or
 * more (about 73 years) means "never": a receive with it waits without a timer, and a
 * {@code sendAfter} with it never fires. Deadlines are {@code System.nanoTime()} values compared by
 * subtraction, which stays exact for differences below 2^63 ns; saturating at 2^61 keeps every
 * {@code now + timeout} far from overflow.
 */
public final class Deadlines
{
    /** Timeouts at or above this many nanoseconds mean forever. */
    public static final long FOREVER = 1L << 61;

    private Deadlines()
    {
    }

    /**
     * @param timeout a non-negative duration.
     * @param what    what it is, for the error message.
     * @return its nanoseconds, at most {@link #FOREVER}.
     * @throws NullPointerException     for null.
     * @throws IllegalArgumentException for a negative duration.
     */
    public static long nanos(final Duration timeout, final String what)
    {
        Objects.requireNonNull(timeout, what);
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException(what + " must not be negative: " + timeout);
        }
        if (timeout.getSeconds() >= FOREVER / 1_000_000_000L)
        {
            return FOREVER;
        }
        return Math.min(FOREVER, timeout.toNanos());
    }
}
