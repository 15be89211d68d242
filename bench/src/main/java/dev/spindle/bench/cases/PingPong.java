package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CountDownLatch;

/**
 * Round-trip latency between two actors: the pinger records each round trip in an HdrHistogram.
 * Same scheduler: both unbound (Spindle keeps a request/response pair on one core). Cross core:
 * bound to schedulers 0 and 1 where the runtime can bind.
 */
public final class PingPong implements Case
{
    private final boolean crossCore;
    private final int hogs;

    /**
     * @param crossCore bind the two actors to different schedulers.
     * @param hogs      CPU-bound actors running meanwhile (the fairness case), 0 for none.
     */
    public PingPong(final boolean crossCore, final int hogs)
    {
        this.crossCore = crossCore;
        this.hogs = hogs;
    }

    @Override
    public String name()
    {
        return crossCore ? "pingpong-cross" : "pingpong-same";
    }

    @Override
    public String description()
    {
        return crossCore ? "round trip between two processes bound to different cores (median; p99, p99.9 in extras)" :
            "round trip between two processes left on one scheduler (median; p99, p99.9 in extras)";
    }

    @Override
    public String unit()
    {
        return "ns";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        return measure(actors, scale, hogs);
    }

    Result measure(final Actors actors, final Scale scale, final int hogCount) throws Exception
    {
        final int rounds = hogCount > 0 ? scale.pick(5_000, 200) : scale.pick(200_000, 2_000);
        final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        final CountDownLatch done = new CountDownLatch(1);
        final Hogs running = new Hogs(actors, hogCount);
        final Actors.Ref ponger = actors.spawn((self, msg) ->
        {
            actors.tell((Actors.Ref)msg, self);
            return true;
        }, crossCore ? 1 : -1);
        actors.spawn(new Actors.Handler()
        {
            int left = rounds + rounds / 10; // the first tenth warms up
            long sent;

            @Override
            public void onStart(final Actors.Ref self)
            {
                sent = System.nanoTime();
                actors.tell(ponger, self);
            }

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                final long now = System.nanoTime();
                if (left-- <= rounds)
                {
                    histogram.recordValue(now - sent);
                }
                if (left == 0)
                {
                    done.countDown();
                    return false;
                }
                sent = System.nanoTime();
                actors.tell(ponger, self);
                return true;
            }
        }, crossCore ? 0 : -1);
        try
        {
            Waits.await(done, scale, name());
        }
        finally
        {
            running.stop();
        }
        final Result r = Result.of(histogram.getValueAtPercentile(50));
        r.extra().put("p99_ns", (double)histogram.getValueAtPercentile(99));
        r.extra().put("p999_ns", (double)histogram.getValueAtPercentile(99.9));
        r.extra().put("max_ns", (double)histogram.getMaxValue());
        final double[] ps = {10, 50, 90, 99, 99.9, 99.99};
        final double[][] curve = new double[ps.length][];
        for (int i = 0; i < ps.length; i++)
        {
            curve[i] = new double[] {ps[i], histogram.getValueAtPercentile(ps[i])};
        }
        return new Result(r.value(), r.extra(), curve, null);
    }

    /** CPU-bound actors that give way cooperatively: each message is ~20 us of work, then a message to itself. */
    static final class Hogs
    {
        private volatile boolean stop;

        Hogs(final Actors actors, final int count)
        {
            for (int i = 0; i < count; i++)
            {
                final Actors.Ref hog = actors.spawn((self, msg) ->
                {
                    final long until = System.nanoTime() + 20_000;
                    long x = 0;
                    while (System.nanoTime() < until)
                    {
                        x += until ^ x;
                    }
                    if (stop)
                    {
                        return false;
                    }
                    actors.tell(self, x);
                    return true;
                }, -1);
                actors.tell(hog, 0L);
            }
        }

        void stop()
        {
            stop = true;
        }
    }
}
