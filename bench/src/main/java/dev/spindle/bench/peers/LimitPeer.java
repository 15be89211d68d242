package dev.spindle.bench.peers;

import dev.spindle.bench.cases.Case;
import dev.spindle.bench.cases.Latency;
import dev.spindle.bench.cases.PingPong;
import dev.spindle.bench.cases.Result;
import dev.spindle.bench.cases.Scale;
import dev.spindle.bench.cases.Timers;
import net.openhft.affinity.Affinity;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * The floor any runtime pays for a hop: for the cross-core ping-pong, two threads pinned to the
 * run's first two CPUs busy-spinning over Agrona one-to-one queues; for the same-core ping-pong,
 * a plain method call; for the timers case, platform threads parked with {@code parkNanos} and a
 * {@code ScheduledThreadPoolExecutor} (what the kernel and the JDK give with no runtime between).
 * Only those cases.
 */
public final class LimitPeer implements Peer
{
    private final int[] cpus;

    /** @param cpus the run's CPUs (the first two are used), or null for unpinned. */
    public LimitPeer(final int[] cpus)
    {
        this.cpus = cpus;
    }

    @Override
    public String name()
    {
        return "limit";
    }

    @Override
    public String description()
    {
        return "the floor: 2 pinned busy-spinning threads over Agrona SPSC queues (cross core), a method call (same core), " +
            "parkNanos and a ScheduledThreadPoolExecutor (timers)";
    }

    @Override
    public String unavailable()
    {
        return null;
    }

    @Override
    public Result run(final Case c, final Scale scale) throws Exception
    {
        final int rounds = PingPong.rounds(scale);
        return switch (c.name())
        {
            case "pingpong-same" -> sameCore(rounds);
            case "pingpong-cross" -> crossCore(rounds, scale);
            case "timers" -> ((Timers)c).floor(scale);
            default -> Result.none("n/a");
        };
    }

    private static int echo(final int v)
    {
        return v + 1;
    }

    private Result sameCore(final int rounds)
    {
        final Histogram h = new Histogram(3_600_000_000_000L, 3);
        int v = 0;
        for (int i = 0; i < rounds + rounds / 10; i++)
        {
            final long t0 = System.nanoTime();
            v = echo(v);
            final long t = System.nanoTime() - t0;
            if (i >= rounds / 10)
            {
                h.recordValue(t);
            }
        }
        if (v != rounds + rounds / 10)
        {
            throw new IllegalStateException("echo was optimised away");
        }
        return Latency.of(h);
    }

    private Result crossCore(final int rounds, final Scale scale) throws Exception
    {
        final OneToOneConcurrentArrayQueue<Integer> ping = new OneToOneConcurrentArrayQueue<>(64);
        final OneToOneConcurrentArrayQueue<Integer> pong = new OneToOneConcurrentArrayQueue<>(64);
        final int total = rounds + rounds / 10;
        final java.util.concurrent.atomic.AtomicBoolean abort = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread echo = new Thread(() ->
        {
            pin(1);
            for (int i = 0; i < total; i++)
            {
                Integer m;
                while ((m = ping.poll()) == null)
                {
                    if (abort.get())
                    {
                        return;
                    }
                    Thread.onSpinWait();
                }
                while (!pong.offer(m))
                {
                    Thread.onSpinWait();
                }
            }
        }, "limit-echo");
        echo.setDaemon(true);
        final Histogram h = new Histogram(3_600_000_000_000L, 3);
        final Thread pinger = new Thread(() ->
        {
            pin(0);
            final Integer token = 7;
            for (int i = 0; i < total; i++)
            {
                final long t0 = System.nanoTime();
                ping.offer(token);
                while (pong.poll() == null)
                {
                    if (abort.get())
                    {
                        return;
                    }
                    Thread.onSpinWait();
                }
                if (i >= rounds / 10)
                {
                    h.recordValue(System.nanoTime() - t0);
                }
            }
        }, "limit-ping");
        pinger.setDaemon(true);
        echo.start();
        pinger.start();
        pinger.join(scale.timeoutSeconds() * 1000);
        final boolean hung = pinger.isAlive();
        abort.set(true); // both threads leave their spin loops
        pinger.join(1_000);
        echo.join(1_000);
        return hung ? Result.none("timeout") : Latency.of(h);
    }

    private void pin(final int index)
    {
        if (cpus != null && cpus.length > index)
        {
            Affinity.setAffinity(cpus[index]);
        }
    }

    @Override
    public void close()
    {
    }
}
