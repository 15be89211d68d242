package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;

/** Fan-in: 8 sender actors x 1,000,000 messages to one receiver. Headline: messages per second. */
public final class FanIn implements Case
{
    @Override
    public String name()
    {
        return "fanin";
    }

    @Override
    public String description()
    {
        return "8 senders x 1,000,000 messages to one receiver (messages/s, higher is better)";
    }

    @Override
    public String unit()
    {
        return "msg/s";
    }

    @Override
    public boolean lowerIsBetter()
    {
        return false;
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final int senders = 8;
        final int per = scale.pick(1_000_000, 20_000);
        final long total = (long)senders * per;
        final CountDownLatch done = new CountDownLatch(1);
        final Actors.Ref receiver = actors.spawn(new Actors.Handler()
        {
            long got;

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                if (++got == total)
                {
                    done.countDown();
                    return false;
                }
                return true;
            }
        }, -1);
        final Integer payload = 42;
        final long t0 = System.nanoTime();
        for (int s = 0; s < senders; s++)
        {
            actors.spawn(new Actors.Handler()
            {
                @Override
                public void onStart(final Actors.Ref self)
                {
                    for (int i = 0; i < per; i++)
                    {
                        actors.tell(receiver, payload);
                    }
                }

                @Override
                public boolean onMessage(final Actors.Ref self, final Object msg)
                {
                    return false;
                }
            }, -1);
        }
        Waits.await(done, scale, "fanin");
        final long elapsed = System.nanoTime() - t0;
        return Result.of(total / (elapsed / 1e9));
    }
}
