package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;

/**
 * Savina ForkJoin. Creation: N actors each created, handed one message with a small computation,
 * then gone (ms). Throughput: a few actors each receive M messages with the same computation
 * (messages per second).
 */
public final class ForkJoin implements Case
{
    private final boolean throughput;

    /** @param throughput the throughput variant, else creation. */
    public ForkJoin(final boolean throughput)
    {
        this.throughput = throughput;
    }

    @Override
    public String name()
    {
        return throughput ? "forkjoin-throughput" : "forkjoin-create";
    }

    @Override
    public String description()
    {
        return throughput ? "Savina ForkJoin throughput: 60 actors x 20,000 messages with a small computation (msg/s)" :
            "Savina ForkJoin creation: 200,000 actors created, each computes once (ms)";
    }

    @Override
    public String unit()
    {
        return throughput ? "msg/s" : "ms";
    }

    @Override
    public boolean lowerIsBetter()
    {
        return !throughput;
    }

    static double compute(final double x)
    {
        double v = x;
        for (int i = 0; i < 10; i++)
        {
            v = Math.sin(v) + Math.cos(v);
        }
        return v;
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        if (throughput)
        {
            final int n = 60;
            final int per = scale.pick(20_000, 500);
            final CountDownLatch done = new CountDownLatch(n);
            final Actors.Ref[] all = new Actors.Ref[n];
            for (int i = 0; i < n; i++)
            {
                all[i] = actors.spawn(new Actors.Handler()
                {
                    int got;
                    double sink;

                    @Override
                    public boolean onMessage(final Actors.Ref self, final Object msg)
                    {
                        sink += compute((Double)msg);
                        if (++got == per)
                        {
                            done.countDown();
                            return sink == Double.MIN_VALUE; // false; keeps sink live
                        }
                        return true;
                    }
                }, -1);
            }
            final Double x = 0.5;
            final long t0 = System.nanoTime();
            for (int k = 0; k < per; k++)
            {
                for (final Actors.Ref a : all)
                {
                    actors.tell(a, x);
                }
            }
            Waits.await(done, scale, name());
            return Result.of((double)n * per / ((System.nanoTime() - t0) / 1e9));
        }
        final int n = scale.pick(200_000, 5_000);
        final CountDownLatch done = new CountDownLatch(n);
        final Double x = 0.5;
        final long t0 = System.nanoTime();
        actors.spawn(new Actors.Handler()
        {
            @Override
            public void onStart(final Actors.Ref self)
            {
                for (int i = 0; i < n; i++)
                {
                    actors.tell(actors.spawn((me, msg) ->
                    {
                        if (compute((Double)msg) != Double.MIN_VALUE)
                        {
                            done.countDown();
                        }
                        return false;
                    }, -1), x);
                }
            }

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                return false;
            }
        }, -1);
        Waits.await(done, scale, name());
        return Result.of((System.nanoTime() - t0) / 1e6);
    }
}
