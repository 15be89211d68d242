package dev.spindle.internal.preempt;

/** Polls by hand, for class initializers that test a preemption attempted under a native frame. */
final class Polls
{
    private Polls()
    {
    }

    /** @param times polls to make. @return how many were made (the caller's proof it ran). */
    static int times(final int times)
    {
        int n = 0;
        for (int i = 0; i < times; i++)
        {
            Preemption.poll();
            n++;
        }
        return n;
    }
}
