package dev.spindle.bench.jmh;

import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.RunQueues;
import dev.spindle.SpawnOptions;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One message hop between two processes: a send, the receiver's wake-up, a switch and a receive.
 * A ping-pong pair runs {@link #HOPS} hops ({@code HOPS / 2} round trips) inside the node per
 * invocation; the JMH thread only starts the batch through an {@link Inbox} and waits for "done",
 * so the figure is the process-to-process path (ns per hop = round trip / 2), with the inbox's
 * wake-up amortised over 100,000 hops.
 *
 * <ul>
 *   <li>{@code sameScheduler}: a node with {@code schedulers(1)}: the receiver is woken into the
 *       sender's LIFO slot and runs next on the same thread.</li>
 *   <li>{@code crossScheduler}: {@code schedulers(2)}, ping bound to scheduler 0 and pong to 1
 *       ({@code SpawnOptions.scheduler}): every hop is a push into the other scheduler's run
 *       queue, picked up by a spinning (BACKOFF) peer. Here native and Java run queues differ.</li>
 * </ul>
 * Messages are preallocated (the pids themselves), so B/op is what the runtime allocates per hop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED", "-Xss1m"})
public class SendReceiveBench
{
    /** Hops per invocation. */
    public static final int HOPS = 100_000;

    /** A node and a ping-pong pair; subclasses choose the node shape. */
    @State(Scope.Benchmark)
    public abstract static class PairState
    {
        /** Which run queues. */
        @Param({"NATIVE", "JAVA"})
        public RunQueues runQueues;

        Node node;
        Inbox inbox;
        Pid ping;

        abstract int schedulers();

        abstract SpawnOptions pingOptions();

        abstract SpawnOptions pongOptions();

        /** Starts the node and the pair. */
        @Setup(Level.Trial)
        public void setup()
        {
            node = Node.start(NodeConfig.builder().schedulers(schedulers()).runQueues(runQueues).build());
            inbox = node.inbox();
            final Pid pong = node.spawn(() ->
            {
                for (;;)
                {
                    Proc.send((Pid)Proc.receive(), Boolean.TRUE); // the message is the sender's pid
                }
            }, pongOptions());
            ping = node.spawn(() ->
            {
                final Pid me = Proc.self();
                for (;;)
                {
                    final Pid replyTo = (Pid)Proc.receive();
                    for (int i = 0; i < HOPS / 2; i++)
                    {
                        Proc.send(pong, me);
                        Proc.receive();
                    }
                    Proc.send(replyTo, Boolean.TRUE);
                }
            }, pingOptions());
            // One batch outside the measurement, so the pair is known to work before JMH starts.
            batch();
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

    /** One scheduler: both processes on it. */
    @State(Scope.Benchmark)
    public static class Same extends PairState
    {
        @Override
        int schedulers()
        {
            return 1;
        }

        @Override
        SpawnOptions pingOptions()
        {
            return SpawnOptions.defaults();
        }

        @Override
        SpawnOptions pongOptions()
        {
            return SpawnOptions.defaults();
        }
    }

    /** Two schedulers: ping bound to 0, pong bound to 1. */
    @State(Scope.Benchmark)
    public static class Cross extends PairState
    {
        @Override
        int schedulers()
        {
            return 2;
        }

        @Override
        SpawnOptions pingOptions()
        {
            return SpawnOptions.defaults().scheduler(0);
        }

        @Override
        SpawnOptions pongOptions()
        {
            return SpawnOptions.defaults().scheduler(1);
        }
    }

    /**
     * @param s the pair.
     * @return done; time per hop on one scheduler.
     */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public Object sameScheduler(final Same s)
    {
        return s.batch();
    }

    /**
     * @param s the pair.
     * @return done; time per hop between two schedulers.
     */
    @Benchmark
    @OperationsPerInvocation(HOPS)
    public Object crossScheduler(final Cross s)
    {
        return s.batch();
    }
}
