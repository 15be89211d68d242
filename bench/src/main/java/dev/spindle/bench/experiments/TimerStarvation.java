package dev.spindle.bench.experiments;

import dev.spindle.IdleMode;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Proc;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The smallest run that loses timers under load (the timers case's "lost" under load): on two
 * schedulers, three processes yield in a loop (one after each 1 ms of work) while N probe processes
 * loop on 1 ms timers, even ones {@code Proc.receive(Duration)}, odd ones {@code Proc.sendAfter}.
 * It prints how many timers each probe completed in each 500 ms. With one probe every count is
 * in the hundreds; measured on this 2-core machine before the timer fix (commit 272d140), with two
 * or more probes one of them often stays at 0: its timer never wakes it. Without the yielders
 * ({@code noload}) all probes run.
 *
 * <pre>java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
 *   --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
 *   --enable-native-access=ALL-UNNAMED -cp bench/target/spindle-bench.jar \
 *   dev.spindle.bench.experiments.TimerStarvation [probes=2] [spin|backoff|park] [noload]</pre>
 */
public final class TimerStarvation
{
    private TimerStarvation()
    {
    }

    /**
     * @param args probe count (default 2), idle mode (default backoff), "noload" for no yielders.
     * @throws Exception if interrupted.
     */
    public static void main(final String[] args) throws Exception
    {
        final int probes = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        final IdleMode idle = args.length > 1 ? IdleMode.valueOf(args[1].toUpperCase(Locale.ROOT)) : IdleMode.BACKOFF;
        final boolean load = Arrays.stream(args).noneMatch("noload"::equals);
        try (Node node = Node.start(NodeConfig.builder().schedulers(2).idleStrategy(idle).build()))
        {
            final AtomicLongArray done = new AtomicLongArray(probes);
            for (int k = 0; k < probes; k++)
            {
                final int me = k;
                node.spawn(() ->
                {
                    for (;;)
                    {
                        if (me % 2 == 0)
                        {
                            Proc.receive(Duration.ofMillis(1));
                        }
                        else
                        {
                            final Object tick = new Object();
                            Proc.sendAfter(Duration.ofMillis(1), Proc.self(), tick);
                            Proc.receive(x -> x == tick);
                        }
                        done.incrementAndGet(me);
                    }
                });
            }
            Thread.sleep(5);
            if (load)
            {
                for (int i = 0; i < 2; i++)
                {
                    node.spawn(() ->
                    {
                        for (;;)
                        {
                            Proc.yield();
                        }
                    });
                }
                node.spawn(() ->
                {
                    for (;;)
                    {
                        final long until = System.nanoTime() + 1_000_000;
                        while (System.nanoTime() < until)
                        {
                            Thread.onSpinWait();
                        }
                        Proc.yield();
                    }
                });
            }
            for (int round = 0; round < 4; round++)
            {
                final long[] before = new long[probes];
                for (int k = 0; k < probes; k++)
                {
                    before[k] = done.get(k);
                }
                Thread.sleep(500);
                final StringBuilder sb = new StringBuilder("timers completed in 500 ms:");
                for (int k = 0; k < probes; k++)
                {
                    sb.append(k % 2 == 0 ? "  receive " : "  sendAfter ").append(done.get(k) - before[k]);
                }
                System.out.println(sb);
            }
        }
        System.exit(0); // the probes and yielders never end on their own
    }
}
