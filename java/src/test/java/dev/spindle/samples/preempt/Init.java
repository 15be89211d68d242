package dev.spindle.samples.preempt;

/** A class initializer that runs instrumented loops: no safe point until it returns. */
public final class Init
{
    /** Loop length of the initializer (set before first use). */
    public static final long N = Long.getLong("preempt.test.init", 50_000);
    private static final long VALUE = Loops.spin(N) + Loops.nested(10, (int)(N / 10));

    private Init()
    {
    }

    /** @return what the initializer computed. */
    public static long value()
    {
        return VALUE;
    }
}
