package dev.spindle.samples.preempt;

/** CPU-bound code the tests load instrumented and plain. */
public final class Loops
{
    private Loops()
    {
    }

    /**
     * An LCG: a counted loop with a data dependence C2 cannot fold.
     *
     * @param n iterations (one back-edge each).
     * @return the final state.
     */
    public static long spin(final long n)
    {
        long x = 1;
        for (long i = 0; i < n; i++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    /**
     * @param a outer iterations.
     * @param b inner iterations.
     * @return a checksum.
     */
    public static long nested(final int a, final int b)
    {
        long sum = 0;
        outer:
        for (int i = 0; i < a; i++)
        {
            int j = 0;
            while (true)
            {
                if (j == b)
                {
                    continue outer;
                }
                sum += (long)i * j ^ (sum >>> 3);
                j++;
            }
        }
        return sum;
    }

    /**
     * @param n index.
     * @return the n-th Fibonacci number, the slow way (one method entry per call).
     */
    public static long fib(final int n)
    {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }
}
