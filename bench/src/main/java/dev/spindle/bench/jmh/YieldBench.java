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
 * {@code Proc.yield()} on a one-scheduler node, {@link #YIELDS} yields per invocation:
 * <ul>
 *   <li>{@code yieldAlone}: the only runnable process yields: unmount, requeue on the local run
 *       queue, take it back, mount.</li>
 *   <li>{@code yieldPair}: two runnable processes yield in turn (every yield switches to the
 *       other one). Both processes' yields are counted: the driver yields {@code YIELDS / 2} times
 *       and its partner once between each two of them.</li>
 * </ul>
 * Each yield goes through the run queue (a yield never uses the LIFO slot), so this is where the
 * native (JNI) and Java queues differ on one scheduler.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED", "-Xss1m"})
public class YieldBench
{
    /** Yields per invocation. */
    public static final int YIELDS = 100_000;

    private static final String ALONE = "alone";
    private static final String PAIR = "pair";

    // Only touched on the node's single scheduler thread.
    static boolean stop;

    /** Which run queues. */
    @Param({"NATIVE", "JAVA"})
    public RunQueues runQueues;

    private Node node;
    private Inbox inbox;
    private Pid driver;

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
                if (cmd[0] == ALONE)
                {
                    for (int i = 0; i < YIELDS; i++)
                    {
                        Proc.yield();
                    }
                }
                else
                {
                    stop = false;
                    Proc.spawn(YieldBench::partner);
                    Proc.yield(); // let the partner start: from here on the two alternate
                    for (int i = 0; i < YIELDS / 2; i++)
                    {
                        Proc.yield();
                    }
                    stop = true;
                    Proc.yield(); // the partner sees stop and exits
                }
                Proc.send((Pid)cmd[1], Boolean.TRUE);
            }
        });
        run(ALONE);
        run(PAIR);
    }

    private static void partner()
    {
        while (!stop)
        {
            Proc.yield();
        }
    }

    private Object run(final String what)
    {
        node.send(driver, new Object[] {what, inbox.pid()});
        final Object done = inbox.receive(Duration.ofSeconds(60));
        if (done == null)
        {
            throw new IllegalStateException("yield batch did not finish in 60 s");
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

    /** @return done; time per yield of a lone runnable process. */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public Object yieldAlone()
    {
        return run(ALONE);
    }

    /** @return done; time per yield with two runnable processes (each yield switches). */
    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public Object yieldPair()
    {
        return run(PAIR);
    }
}
