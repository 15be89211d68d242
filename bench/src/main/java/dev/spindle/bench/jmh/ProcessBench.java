package dev.spindle.bench.jmh;

import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.RunQueues;
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
 * Process primitives on one scheduler, native vs Java run queues: a message hop between two
 * processes (send + receive + switch), spawning a process that runs to exit, and Proc.yield with
 * two runnable processes. Each invocation does {@link #N} operations inside the node; the plain
 * thread only starts and collects them, so the figures are per process-side operation.
 * Run: {@code ./spindle jmh ProcessBench -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "--add-exports",
    "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED", "-Xss1m"})
public class ProcessBench
{
    /** Operations per invocation. */
    public static final int N = 10_000;

    /** Which run queues. */
    @Param({"NATIVE", "JAVA"})
    public RunQueues runQueues;

    private Node node;
    private Inbox inbox;
    private Pid pinger;
    private Pid spawner;
    private Pid yielder;

    /** Starts a one-scheduler node and the driver processes. */
    @Setup(Level.Trial)
    public void setup()
    {
        node = Node.start(NodeConfig.builder().schedulers(1).pinned(false).runQueues(runQueues).build());
        inbox = node.inbox();
        final Pid ponger = node.spawn(() ->
        {
            for (;;)
            {
                Proc.send((Pid)Proc.receive(), Boolean.TRUE);
            }
        });
        pinger = node.spawn(() ->
        {
            for (;;)
            {
                final Pid replyTo = (Pid)Proc.receive();
                final Pid me = Proc.self();
                for (int i = 0; i < N / 2; i++)
                {
                    Proc.send(ponger, me);
                    Proc.receive();
                }
                Proc.send(replyTo, Boolean.TRUE);
            }
        });
        spawner = node.spawn(() ->
        {
            for (;;)
            {
                final Pid replyTo = (Pid)Proc.receive();
                for (int i = 0; i < N; i++)
                {
                    Proc.spawn(() -> { });
                }
                Proc.send(replyTo, Boolean.TRUE);
            }
        });
        yielder = node.spawn(() ->
        {
            for (;;)
            {
                final Pid replyTo = (Pid)Proc.receive();
                final boolean[] stop = {false};
                final Pid partner = Proc.spawn(() ->
                {
                    while (Proc.receive(Duration.ZERO) == null)
                    {
                        Proc.yield();
                    }
                });
                for (int i = 0; i < N / 2; i++)
                {
                    Proc.yield();
                }
                Proc.send(partner, stop);
                Proc.send(replyTo, Boolean.TRUE);
            }
        });
    }

    /** Stops the node. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        inbox.close();
        node.close();
    }

    private Object roundTrip(final Pid driver)
    {
        node.send(driver, inbox.pid());
        return inbox.receive(Duration.ofSeconds(30));
    }

    /** @return done; time per hop (a send, a receive and a switch). */
    @Benchmark
    @OperationsPerInvocation(N)
    public Object messageHop()
    {
        return roundTrip(pinger);
    }

    /** @return done; time per spawned process, including running it to exit. */
    @Benchmark
    @OperationsPerInvocation(N)
    public Object spawnAndExit()
    {
        return roundTrip(spawner);
    }

    /** @return done; time per Proc.yield with two runnable processes. */
    @Benchmark
    @OperationsPerInvocation(N)
    public Object yieldSwitch()
    {
        return roundTrip(yielder);
    }
}
