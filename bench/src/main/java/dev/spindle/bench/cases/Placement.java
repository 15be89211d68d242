package dev.spindle.bench.cases;

import dev.spindle.BindPolicy;
import dev.spindle.IdleMode;
import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.bench.actors.Actors;
import dev.spindle.bench.actors.SpindleActors;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Spindle only: every bind policy x idle strategy, each measuring (1) wake-up latency: an idle
 * node (schedulers settled into their idle state) gets a message from a plain thread, and the time
 * until the process runs is recorded; (2) CPU burned while idle, as a percentage of one core; (3)
 * a same-scheduler ping-pong round trip as the workload. Headline: wake-up latency of the default
 * (SPREAD, BACKOFF); the rest are extras named {@code policy/idle metric}.
 */
public final class Placement implements Case
{
    private final int schedulers;

    /** @param schedulers schedulers per node. */
    public Placement(final int schedulers)
    {
        this.schedulers = schedulers;
    }

    @Override
    public String name()
    {
        return "placement";
    }

    @Override
    public String description()
    {
        return "Spindle per bind policy x idle strategy: wake-up latency (headline: SPREAD/BACKOFF, us), idle CPU %, ping-pong";
    }

    @Override
    public String unit()
    {
        return "us";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        if (!actors.name().equals("spindle"))
        {
            return Result.none("n/a");
        }
        if (actors instanceof SpindleActors spindle)
        {
            spindle.close(); // free its pinned CPUs for the nodes below (it restarts on next use)
        }
        final Result out = Result.of(Double.NaN);
        double headline = Double.NaN;
        for (final BindPolicy policy : new BindPolicy[] {BindPolicy.SPREAD, BindPolicy.SMT_TOGETHER, BindPolicy.UNBOUND})
        {
            for (final IdleMode idle : IdleMode.values())
            {
                final NodeConfig config = NodeConfig.builder().schedulers(schedulers).bind(policy).idleStrategy(idle).build();
                final double[] m = measure(config, scale);
                final String key = policy.name().toLowerCase(Locale.ROOT) + "/" + idle.name().toLowerCase(Locale.ROOT);
                out.extra().put(key + " wake_us", m[0]);
                out.extra().put(key + " idle_cpu_pct", m[1]);
                out.extra().put(key + " pingpong_ns", m[2]);
                if (policy == BindPolicy.SPREAD && idle == IdleMode.BACKOFF)
                {
                    headline = m[0];
                }
            }
        }
        return new Result(headline, out.extra(), new double[0][], null);
    }

    private static double[] measure(final NodeConfig config, final Scale scale) throws Exception
    {
        final int wakes = scale.pick(30, 8);
        try (Node node = Node.start(config); Inbox inbox = node.inbox())
        {
            final Pid echo = node.spawn(() ->
            {
                for (;;)
                {
                    final long[] m = (long[])Proc.receive();
                    Proc.send((Pid)inbox.pid(), new long[] {System.nanoTime() - m[0]});
                }
            });
            final long[] latencies = new long[wakes];
            for (int i = 0; i < wakes; i++)
            {
                Thread.sleep(scale.pick(5, 3)); // long enough for BACKOFF (200 us) to reach its sleep
                node.send(echo, new long[] {System.nanoTime()});
                latencies[i] = ((long[])inbox.receive(Duration.ofSeconds(10)))[0];
            }
            Arrays.sort(latencies);
            final double wakeUs = latencies[wakes / 2] / 1000.0;

            final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
            Thread.sleep(5);
            final long cpu0 = os.getProcessCpuTime();
            final long t0 = System.nanoTime();
            Thread.sleep(scale.pick(300, 100));
            final double idlePct = 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - t0);

            final Pid pong = node.spawn(() ->
            {
                for (;;)
                {
                    Proc.send((Pid)Proc.receive(), Boolean.TRUE);
                }
            });
            final int rounds = scale.pick(50_000, 2_000);
            final Pid ping = node.spawn(() ->
            {
                final Pid me = Proc.self();
                final long start = System.nanoTime();
                for (int i = 0; i < rounds; i++)
                {
                    Proc.send(pong, me);
                    Proc.receive();
                }
                Proc.send((Pid)inbox.pid(), new long[] {(System.nanoTime() - start) / rounds});
            });
            final long rtt = ((long[])inbox.receive(Duration.ofSeconds(30)))[0];
            return new double[] {wakeUs, idlePct, rtt};
        }
    }
}
