package dev.spindle.bench.experiments;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;

import java.util.concurrent.CountDownLatch;

/**
 * The same-core hop, measured by {@link TreesInOneJvm} inside each tree's class loader. It uses
 * only public API that every tree since the start has had (Node.start, NodeConfig.cpus,
 * Node.spawn, Proc.self, spawn, send and receive), and no nested or anonymous class, so that its
 * one class file can be defined in a loader holding an older tree's jar.
 */
public final class HopProbe
{
    private HopProbe()
    {
    }

    /**
     * A process and the child it spawned send one message back and forth, on a node with one
     * scheduler pinned to {@code cpu}.
     *
     * @param cpu    the CPU of the node's only scheduler.
     * @param rounds round trips per measurement.
     * @param reps   measurements, one after another in the same pair.
     * @return ns per round trip, one per measurement.
     * @throws Exception if the node cannot start or the wait is interrupted.
     */
    public static double[] pingpong(final int cpu, final int rounds, final int reps) throws Exception
    {
        final double[] out = new double[reps];
        final CountDownLatch done = new CountDownLatch(1);
        try (Node node = Node.start(NodeConfig.builder().cpus(cpu).build()))
        {
            node.spawn(() ->
            {
                final Pid self = Proc.self();
                final Pid ponger = Proc.spawn(HopProbe::echo);
                for (int r = 0; r < reps; r++)
                {
                    final long t0 = System.nanoTime();
                    for (int i = 0; i < rounds; i++)
                    {
                        Proc.send(ponger, self);
                        Proc.receive();
                    }
                    out[r] = (System.nanoTime() - t0) / (double)rounds;
                }
                Proc.send(ponger, "stop");
                done.countDown();
            });
            done.await();
        }
        return out;
    }

    /**
     * A token passed around a ring of 503 processes (threadring's shape) on a node with one
     * scheduler pinned to {@code cpu}.
     *
     * @param cpu  the CPU of the node's only scheduler.
     * @param hops hops per measurement (rounded up to whole laps).
     * @param reps measurements.
     * @return ns per hop, one per measurement.
     * @throws Exception if the node cannot start or the wait is interrupted.
     */
    public static double[] ring(final int cpu, final int hops, final int reps) throws Exception
    {
        final int size = 503;
        final double[] out = new double[reps];
        final CountDownLatch done = new CountDownLatch(1);
        try (Node node = Node.start(NodeConfig.builder().cpus(cpu).build()))
        {
            node.spawn(() ->
            {
                Pid next = Proc.self();
                for (int i = 0; i < size - 1; i++)
                {
                    final Pid to = next;
                    next = Proc.spawn(() -> forward(to));
                }
                for (int r = 0; r < reps; r++)
                {
                    final long t0 = System.nanoTime();
                    int done0 = 0;
                    Proc.send(next, 0);
                    while (done0 < hops)
                    {
                        final Object m = Proc.receive();
                        done0 += size;
                        if (done0 < hops)
                        {
                            Proc.send(next, m);
                        }
                    }
                    out[r] = (System.nanoTime() - t0) / (double)done0;
                }
                Proc.send(next, "stop");
                Proc.receive(); // the stop, back around the ring: every member has ended
                done.countDown();
            });
            done.await();
        }
        return out;
    }

    private static void echo()
    {
        for (;;)
        {
            if (Proc.receive() instanceof Pid from)
            {
                Proc.send(from, "pong");
            }
            else
            {
                return;
            }
        }
    }

    private static void forward(final Pid to)
    {
        for (;;)
        {
            final Object m = Proc.receive();
            Proc.send(to, m);
            if (!(m instanceof Integer))
            {
                return;
            }
        }
    }
}
