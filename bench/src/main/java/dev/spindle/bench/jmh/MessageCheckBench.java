package dev.spindle.bench.jmh;

import dev.spindle.Inbox;
import dev.spindle.MessageCheck;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.internal.messages.MessageChecker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code NodeConfig.messageCheck} costs a send, after warm-up (docs/messages.md).
 *
 * <ul>
 *   <li>{@code hop}: the ping-pong hop of {@link SendReceiveBench#sameScheduler} (one scheduler,
 *       100,000 hops per invocation), the message a record, with the check {@code OFF} or
 *       {@code REJECT}: the ratio is what the check adds to a real send. {@code RECORD} is
 *       immutable by class (strings, numbers, a pid: one cache lookup per send); {@code NESTED}
 *       holds a {@code List.of} of three records with a {@code BigDecimal} each (a list and a
 *       non-final class are walked at every send: 8 objects).</li>
 *   <li>{@code checkOnly}: the checker alone on the same messages, no send.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED", "-Xss1m"})
public class MessageCheckBench
{
    /** Hops per invocation. */
    public static final int HOPS = 100_000;

    /** Immutable by its class. @param from sender @param symbol s @param price p @param qty q */
    public record Quote(Pid from, String symbol, long price, int qty)
    {
    }

    /** A line of an order. @param sku s @param qty q @param price p */
    public record Line(String sku, int qty, BigDecimal price)
    {
    }

    /** Walked at each send: a list and BigDecimals. @param from sender @param id i @param lines l */
    public record Order(Pid from, String id, List<Line> lines)
    {
    }

    /** Which message. */
    public enum Shape
    {
        /** {@link Quote}. */
        RECORD,
        /** {@link Order} with three lines. */
        NESTED;

        Object make(final Pid from)
        {
            return this == RECORD ? new Quote(from, "ACME", 12_345L, 10) :
                new Order(from, "o-1", List.of(new Line("a", 1, BigDecimal.ONE), new Line("b", 2, BigDecimal.TEN),
                    new Line("c", 3, new BigDecimal("9.99"))));
        }
    }

    /** A node with a ping-pong pair that bounce one preallocated message. */
    @State(Scope.Benchmark)
    public static class Pair
    {
        /** The check. */
        @Param({"OFF", "REJECT"})
        public MessageCheck check;

        /** The message. */
        @Param({"RECORD", "NESTED"})
        public Shape shape;

        Node node;
        Inbox inbox;
        Pid ping;

        /** Starts the node and the pair. */
        @Setup(Level.Trial)
        public void setup()
        {
            node = Node.start(NodeConfig.builder().schedulers(1).messageCheck(check).build());
            inbox = node.inbox();
            final Pid pong = node.spawn(() ->
            {
                final Object back = shape.make(Proc.self());
                for (;;)
                {
                    final Object m = Proc.receive();
                    Proc.send(m instanceof Quote q ? q.from() : ((Order)m).from(), back);
                }
            });
            ping = node.spawn(() ->
            {
                final Object out = shape.make(Proc.self());
                for (;;)
                {
                    final Pid replyTo = (Pid)Proc.receive();
                    for (int i = 0; i < HOPS / 2; i++)
                    {
                        Proc.send(pong, out);
                        Proc.receive();
                    }
                    Proc.send(replyTo, Boolean.TRUE);
                }
            });
            batch(); // once outside the measurement: the pair works, and the class verdicts are cached
        }

        Object batch()
        {
            node.send(ping, inbox.pid());
            final Object done = inbox.receive(Duration.ofSeconds(60));
            if (done == null)
            {
                throw new IllegalStateException("ping-pong batch did not finish in 60 s: " + node);
            }
            return done;
        }

        /** Stops the node. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            inbox.close();
            node.close();
        }
    }

    /** The checker alone. */
    @State(Scope.Benchmark)
    public static class Checker
    {
        /** The message. */
        @Param({"RECORD", "NESTED"})
        public Shape shape;

        MessageChecker checker;
        Object message;

        /** Makes the checker and the message; checks once so the verdicts are cached. */
        @Setup(Level.Trial)
        public void setup()
        {
            checker = MessageChecker.of(MessageCheck.REJECT, List.of());
            message = shape.make(new Pid(0, 1, 1));
            checker.check(message);
        }
    }

    /**
     * The same hops outside JMH, OFF and REJECT interleaved batch by batch in one JVM, for a busy
     * machine: neighbouring batches see the same load, so the median of their ratios is steadier
     * than a ratio of JMH runs made minutes apart. {@code java ... MessageCheckBench [rounds]}.
     *
     * @param args rounds (default 40) of one batch each.
     */
    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        for (final Shape shape : Shape.values())
        {
            final Pair off = new Pair();
            off.check = MessageCheck.OFF;
            off.shape = shape;
            final Pair on = new Pair();
            on.check = MessageCheck.REJECT;
            on.shape = shape;
            off.setup();
            on.setup();
            try
            {
                for (int i = 0; i < 20; i++) // warm-up
                {
                    off.batch();
                    on.batch();
                }
                final double[] offNs = new double[rounds];
                final double[] onNs = new double[rounds];
                final double[] ratio = new double[rounds];
                for (int i = 0; i < rounds; i++)
                {
                    final boolean offFirst = (i & 1) == 0; // alternate which goes first
                    offNs[i] = offFirst ? time(off) : 0;
                    onNs[i] = time(on);
                    if (!offFirst)
                    {
                        offNs[i] = time(off);
                    }
                    ratio[i] = onNs[i] / offNs[i];
                }
                System.out.printf("%s: ns/hop median OFF %.1f, REJECT %.1f; median of paired ratios REJECT/OFF %.3f (%d rounds of %d hops)%n",
                    shape, median(offNs), median(onNs), median(ratio), rounds, HOPS);
            }
            finally
            {
                off.tearDown();
                on.tearDown();
            }
        }
    }

    private static double time(final Pair p)
    {
        final long t0 = System.nanoTime();
        p.batch();
        return (System.nanoTime() - t0) / (double)HOPS;
    }

    private static double median(final double[] xs)
    {
        final double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * @param p the pair.
     * @return done; time per hop.
     */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public Object hop(final Pair p)
    {
        return p.batch();
    }

    /**
     * @param c the checker.
     * @return the message; time per check.
     */
    @Benchmark
    public Object checkOnly(final Checker c)
    {
        c.checker.check(c.message);
        return c.message;
    }
}
