package dev.spindle.bench.experiments;

import dev.spindle.IdleMode;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Savina Counting on two schedulers, one line per iteration with what the schedulers did, so the
 * case's modes can be told apart (docs/performance.md, ninth round, "Three modes"): a producer
 * process sends 2,000,000 increments with {@code Node.send} (as the bench's adapter does) to a
 * counter process, then asks for the count. Both are spawned from this thread, so they start on
 * different schedulers. Per iteration: milliseconds, context switches on each scheduler, parks,
 * steals and GC time. The mode, by the schedulers' idle time:
 * <ul>
 * <li>{@code split}: each process streamed on its own core all the way (both schedulers idle
 *     under 20% of the iteration);</li>
 * <li>{@code joined}: both ran on one scheduler, taking turns of up to 4,000 messages (the other
 *     idle over 80%);</li>
 * <li>{@code churn}: anything else, typically the counter catching up, blocking, being woken onto
 *     the producer's scheduler and moving back (parks and steals by the hundred).</li>
 * </ul>
 * Run with a pre-touched heap, or the first iterations measure page faults (the heap grows under
 * 64 MB of messages per iteration):
 *
 * <pre>java $FLAGS -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp bench/target/spindle-bench.jar dev.spindle.bench.experiments.CountingModes 20</pre>
 */
public final class CountingModes
{
    private static final int MESSAGES = 2_000_000;

    private record Count(long n)
    {
    }

    private CountingModes()
    {
    }

    /**
     * @param args iterations (default 20, at least 2).
     * @throws InterruptedException if interrupted while waiting for an iteration.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        if (iterations < 2)
        {
            throw new IllegalArgumentException("iterations must be at least 2, was " + iterations);
        }
        final double[] ms = new double[iterations];
        final String[] modes = new String[iterations];
        try (Node node = Node.start(NodeConfig.builder().schedulers(2).idleStrategy(IdleMode.BACKOFF).build()))
        {
            List<Node.SchedulerStats> before = node.stats();
            long gcBefore = gcMillis();
            for (int i = 0; i < iterations; i++)
            {
                ms[i] = once(node);
                final List<Node.SchedulerStats> after = node.stats();
                final long gc = gcMillis();
                final long cs0 = after.get(0).contextSwitches() - before.get(0).contextSwitches();
                final long cs1 = after.get(1).contextSwitches() - before.get(1).contextSwitches();
                long parks = 0;
                long steals = 0;
                final double[] idle = new double[2];
                for (int s = 0; s < 2; s++)
                {
                    parks += after.get(s).parks() - before.get(s).parks();
                    steals += after.get(s).stolen() - before.get(s).stolen();
                    idle[s] = (after.get(s).idleNanos() - before.get(s).idleNanos()) / 1e6 / ms[i];
                }
                modes[i] = mode(idle[0], idle[1]);
                System.out.printf("%2d %7.1f ms  %-6s idle %.0f%%/%.0f%%  switches %d/%d  parks %d  steals %d  gc %d ms%n", i, ms[i], modes[i],
                    idle[0] * 100, idle[1] * 100, cs0, cs1, parks, steals, gc - gcBefore);
                before = after;
                gcBefore = gc;
            }
        }
        final double[] last = Arrays.copyOfRange(ms, iterations / 2, iterations);
        Arrays.sort(last);
        final StringBuilder counts = new StringBuilder();
        for (final String m : new String[] {"split", "joined", "churn"})
        {
            counts.append(' ').append(m).append(' ').append(Arrays.stream(modes, iterations / 2, iterations).filter(m::equals).count());
        }
        System.out.printf("last %d: median %.1f ms;%s%n", last.length, last[last.length / 2], counts);
    }

    private static double once(final Node node) throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicLong counted = new AtomicLong();
        final Pid counter = node.spawn(() ->
        {
            long n = 0;
            for (;;)
            {
                final Object m = Proc.receive();
                if (m instanceof Pid asker)
                {
                    node.send(asker, new Count(n));
                    return;
                }
                n++;
            }
        });
        final Integer one = 1;
        final long t0 = System.nanoTime();
        node.spawn(() ->
        {
            for (int k = 0; k < MESSAGES; k++)
            {
                node.send(counter, one);
            }
            node.send(counter, Proc.self());
            counted.set(((Count)Proc.receive()).n());
            done.countDown();
        });
        done.await();
        final double elapsed = (System.nanoTime() - t0) / 1e6;
        if (counted.get() != MESSAGES)
        {
            throw new IllegalStateException("counted " + counted.get() + " of " + MESSAGES);
        }
        return elapsed;
    }

    // By the schedulers' idle time, not their switches: a producer that never gives way (an older
    // tree) switches once in a split iteration.
    private static String mode(final double idle0, final double idle1)
    {
        final double busy = Math.min(idle0, idle1);
        final double idle = Math.max(idle0, idle1);
        if (idle < 0.2)
        {
            return "split";
        }
        return idle > 0.8 && busy < 0.2 ? "joined" : "churn";
    }

    private static long gcMillis()
    {
        long t = 0;
        for (final GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans())
        {
            t += Math.max(0, b.getCollectionTime());
        }
        return t;
    }
}
