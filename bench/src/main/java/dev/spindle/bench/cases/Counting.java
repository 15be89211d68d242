package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** Savina Counting: a producer sends N increments to a counter, then asks for the count. Headline: ms. */
public final class Counting implements Case
{
    private record Reply(long count)
    {
    }

    /**
     * @param scale run sizes.
     * @return increments sent.
     */
    public static int increments(final Scale scale)
    {
        return scale.pick(2_000_000, 50_000);
    }

    @Override
    public String name()
    {
        return "counting";
    }

    @Override
    public String description()
    {
        return "Savina Counting: 2,000,000 increments to one counter, then a query (ms)";
    }

    @Override
    public String unit()
    {
        return "ms";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final int n = increments(scale);
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicLong result = new AtomicLong();
        final Actors.Ref counter = actors.spawn(new Actors.Handler()
        {
            long count;

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                if (msg instanceof Actors.Ref asker)
                {
                    actors.tell(asker, new Reply(count));
                    return false;
                }
                count++;
                return true;
            }
        }, -1);
        final Integer one = 1;
        final long t0 = System.nanoTime();
        actors.spawn(new Actors.Handler()
        {
            @Override
            public void onStart(final Actors.Ref self)
            {
                for (int i = 0; i < n; i++)
                {
                    actors.tell(counter, one);
                }
                actors.tell(counter, self);
            }

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                result.set(((Reply)msg).count());
                done.countDown();
                return false;
            }
        }, -1);
        Waits.await(done, scale, "counting");
        final long elapsed = System.nanoTime() - t0;
        if (result.get() != n)
        {
            throw new IllegalStateException("counted " + result.get() + " of " + n);
        }
        return Result.of(elapsed / 1e6);
    }
}
