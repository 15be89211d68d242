package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Savina Big: N actors each send M pings to random others and wait for the pongs; many-to-many
 * traffic. Headline: ms.
 */
public final class Big implements Case
{
    private record Ping(Actors.Ref from)
    {
    }

    private static final Object PONG = new Object();
    private static final Object STOP = new Object();

    @Override
    public String name()
    {
        return "big";
    }

    @Override
    public String description()
    {
        return "Savina Big: 500 actors each ping random others 1,000 times (ms)";
    }

    @Override
    public String unit()
    {
        return "ms";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final int n = scale.pick(500, 50);
        final int pings = scale.pick(1_000, 100);
        final Actors.Ref[] all = new Actors.Ref[n];
        final CountDownLatch ready = new CountDownLatch(n);
        final CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++)
        {
            all[i] = actors.spawn(new Actors.Handler()
            {
                int sent;
                int answered;

                @Override
                public void onStart(final Actors.Ref self)
                {
                    ready.countDown();
                }

                @Override
                public boolean onMessage(final Actors.Ref self, final Object msg)
                {
                    if (msg instanceof Ping ping)
                    {
                        actors.tell(ping.from(), PONG);
                        return true;
                    }
                    if (msg == STOP)
                    {
                        return false;
                    }
                    if (msg == PONG && ++answered == pings)
                    {
                        done.countDown();
                    }
                    if (sent < pings)
                    {
                        sent++;
                        actors.tell(all[ThreadLocalRandom.current().nextInt(n)], new Ping(self));
                    }
                    return true;
                }
            }, -1);
        }
        Waits.await(ready, scale, "big start");
        final long t0 = System.nanoTime();
        for (final Actors.Ref a : all)
        {
            actors.tell(a, "go");
        }
        Waits.await(done, scale, "big");
        final long elapsed = System.nanoTime() - t0;
        for (final Actors.Ref a : all)
        {
            actors.tell(a, STOP);
        }
        return Result.of(elapsed / 1e6);
    }
}
