package dev.spindle.bench.experiments;

import dev.spindle.internal.mailbox.Mailbox;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * A selective receive past a backlog, the mailbox alone, one thread: {@code saved} messages that
 * never match wait in the saved part while a loop puts one wanted message and takes it with
 * {@code take(match, 0)}, so every take scans the whole backlog first (docs/performance.md,
 * eighth round: the saved part as its own object). Ten runs in one JVM; prints the median of the
 * last six, in nanoseconds per take.
 *
 * <pre>java -cp bench/target/spindle-bench.jar dev.spindle.bench.experiments.SelectiveScan 16</pre>
 */
public final class SelectiveScan
{
    private static final int RUNS = 10;

    private SelectiveScan()
    {
    }

    /** @param args the backlog's length (default 16). */
    public static void main(final String[] args)
    {
        final int saved = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        if (saved < 0)
        {
            throw new IllegalArgumentException("the backlog's length must be at least 0, was " + saved);
        }
        final Mailbox box = new Mailbox();
        for (int i = 0; i < saved; i++)
        {
            box.put(i);
        }
        final String want = "want";
        final Predicate<Object> match = want::equals;
        box.put(want);
        box.take(match, 0); // the backlog moves to the saved part
        final int takes = 2_000_000 / Math.max(1, saved / 4);
        final double[] nanos = new double[RUNS];
        for (int run = 0; run < RUNS; run++)
        {
            final long t0 = System.nanoTime();
            for (int k = 0; k < takes; k++)
            {
                box.put(want);
                if (box.take(match, 0) != want)
                {
                    throw new AssertionError("the wanted message was not taken");
                }
            }
            nanos[run] = (System.nanoTime() - t0) / (double)takes;
        }
        final double[] last = Arrays.copyOfRange(nanos, RUNS - 6, RUNS);
        Arrays.sort(last);
        System.out.printf("backlog %d: %.1f ns per selective take (median of the last 6 of %d runs)%n", saved,
            (last[2] + last[3]) / 2, RUNS);
    }
}
