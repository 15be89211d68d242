package dev.spindle.bench.remote;

import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.RemoteName;
import dev.spindle.bench.cases.Latency;
import dev.spindle.bench.cases.Remote;
import dev.spindle.bench.cases.Result;
import dev.spindle.bench.cases.Scale;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.UUID;

/** The remote case on Spindle: two named nodes over Aeron UDP on loopback (see {@link Remote}). */
public final class SpindleRemote
{
    private SpindleRemote()
    {
    }

    /** {@code -Dspindle.bench.remoteIdle=SPIN|BACKOFF|PARK}: the nodes' idle mode (default the runtime's default). */
    static final String IDLE = System.getProperty("spindle.bench.remoteIdle", "BACKOFF");

    static NodeConfig.Builder config(final String name, final String cookie, final String idle)
    {
        final dev.spindle.IdleMode mode = dev.spindle.IdleMode.valueOf(idle);
        return NodeConfig.builder().schedulers(1).pinned(false).idleStrategy(mode).name(name).cookie(cookie).distributionIdle(mode);
    }

    /**
     * @param scale sizes.
     * @return round-trip median, p99 and one-way throughput.
     */
    public static Result run(final Scale scale) throws Exception
    {
        final String cookie = UUID.randomUUID().toString();
        try (ChildJvm child = new ChildJvm("spindle", cookie, IDLE);
             Node node = Node.start(config("bench-a", cookie, IDLE).build());
             Inbox inbox = node.inbox())
        {
            node.connect("bench-b", child.address);
            final Pid echo = node.whereis(new RemoteName("bench-b", "echo"));
            final Pid sink = node.whereis(new RemoteName("bench-b", "sink"));
            final int rounds = Remote.rounds(scale);
            final int messages = Remote.messages(scale);
            node.spawn(() ->
            {
                final Pid self = Proc.self();
                final Histogram h = new Histogram(3);
                for (int i = -rounds / 2; i < rounds; i++) // the first half warms up
                {
                    final long t0 = System.nanoTime();
                    Proc.send(echo, new Object[] {self, (long)i});
                    Proc.receive();
                    if (i >= 0)
                    {
                        h.recordValue(System.nanoTime() - t0);
                    }
                }
                Proc.send(inbox.pid(), h);
                Proc.send(inbox.pid(), stream(sink, self, messages / 10)); // warm-up stream
                Proc.send(inbox.pid(), stream(sink, self, messages));
            });
            final Histogram h = (Histogram)inbox.receive(Duration.ofSeconds(Math.max(60, scale.timeoutSeconds())));
            inbox.receive(Duration.ofSeconds(Math.max(60, scale.timeoutSeconds())));
            final Object rate = inbox.receive(Duration.ofSeconds(Math.max(60, scale.timeoutSeconds())));
            if (h == null || rate == null)
            {
                return Result.none("timeout");
            }
            final Result r = Latency.of(h);
            r.extra().put("oneway_msgs_per_s", (Double)rate);
            return r;
        }
    }

    /** In a process: streams {@code n} numbers with window flow control; returns messages per second. */
    private static double stream(final Pid sink, final Pid self, final int n)
    {
        Proc.send(sink, self);
        long acked = 0;
        final long t0 = System.nanoTime();
        for (long i = 1; i <= n; i++)
        {
            Proc.send(sink, i);
            while (i - acked >= (long)Remote.WINDOW * Remote.WINDOWS)
            {
                acked = (Long)Proc.receive();
            }
        }
        while (acked < n - n % Remote.WINDOW)
        {
            acked = (Long)Proc.receive();
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
