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
 * Spawning, on a one-scheduler node, {@link #BATCH} processes per invocation from a driver process
 * (a process spawns onto its own scheduler, as on the BEAM):
 * <ul>
 *   <li>{@code spawnAndExit}: spawn a trivial process and run it to exit: table slot, control
 *       block, continuation, first mount, exit and slot release.</li>
 *   <li>{@code spawnWaiting}: spawn a process that runs to its first {@code receive} and waits
 *       there (create + run to first yield: a waiting process's stack chunk is allocated). The
 *       batch is released (one message each, they exit) after the invocation, outside the
 *       measurement.</li>
 * </ul>
 * The driver counts the children that ran (a plain field: all of them share the single scheduler
 * thread) and yields until the whole batch has run, so the figure includes running them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED", "-Xss1m"})
public class SpawnBench
{
    /** Processes per invocation. */
    public static final int BATCH = 10_000;

    private static final Object EXIT = new Object();
    private static final String SPAWN_EXITING = "exiting";
    private static final String SPAWN_WAITING = "waiting";

    // Written and read only on the node's single scheduler thread.
    static int ran;
    static final Pid[] WAITERS = new Pid[BATCH];

    /** Which run queues. */
    @Param({"NATIVE", "JAVA"})
    public RunQueues runQueues;

    private Node node;
    private Inbox inbox;
    private Pid driver;
    private int baseline;

    /** Starts a one-scheduler node and the driver. */
    @Setup(Level.Trial)
    public void setup()
    {
        node = Node.start(NodeConfig.builder().schedulers(1).runQueues(runQueues).build());
        inbox = node.inbox();
        driver = node.spawn(() ->
        {
            for (;;)
            {
                final Object[] cmd = (Object[])Proc.receive();
                final Pid replyTo = (Pid)cmd[1];
                ran = 0;
                if (cmd[0] == SPAWN_EXITING)
                {
                    for (int i = 0; i < BATCH; i++)
                    {
                        Proc.spawn(SpawnBench::runToExit);
                    }
                }
                else
                {
                    for (int i = 0; i < BATCH; i++)
                    {
                        WAITERS[i] = Proc.spawn(SpawnBench::waitForExit);
                    }
                }
                while (ran < BATCH)
                {
                    Proc.yield();
                }
                Proc.send(replyTo, Boolean.TRUE);
            }
        });
        baseline = node.processCount();
        run(SPAWN_EXITING);
        run(SPAWN_WAITING);
        releaseWaiters();
    }

    private static void runToExit()
    {
        ran++;
    }

    private static void waitForExit()
    {
        ran++;
        Proc.receive();
    }

    private Object run(final String what)
    {
        node.send(driver, new Object[] {what, inbox.pid()});
        final Object done = inbox.receive(Duration.ofSeconds(60));
        if (done == null)
        {
            throw new IllegalStateException("spawn batch did not finish in 60 s");
        }
        return done;
    }

    /** Lets the waiting batch exit and waits until the node is back to its baseline. */
    @TearDown(Level.Invocation)
    public void releaseWaiters()
    {
        if (node.processCount() == baseline)
        {
            return;
        }
        for (final Pid p : WAITERS)
        {
            if (p != null)
            {
                node.send(p, EXIT);
            }
        }
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (node.processCount() > baseline)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("waiters did not exit: " + node.processCount() + " live, baseline " + baseline);
            }
            Thread.onSpinWait();
        }
    }

    /** Stops the node. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        inbox.close();
        node.close();
    }

    /** @return done; time per process spawned and run to exit. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object spawnAndExit()
    {
        return run(SPAWN_EXITING);
    }

    /** @return done; time per process spawned and run to its first receive, where it waits. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object spawnWaiting()
    {
        return run(SPAWN_WAITING);
    }
}
