package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;

/** Fan-in: 8 sender actors x 1,000,000 messages to one receiver. Headline: messages per second. */
public final class FanIn implements Case
{
    /** Sending actors. */
    public static final int SENDERS = 8;

    /**
     * @param scale run sizes.
     * @return messages per sender.
     */
    public static int perSender(final Scale scale)
    {
        return scale.pick(1_000_000, 100_000);
    }

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
        final int senders = SENDERS;
        final int per = perSender(scale);
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
