package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;

/**
 * Savina Chameneos: creatures meet through a broker (the mall) until N meetings have happened;
 * each meeting is request, pairing and two notifications. Headline: ms.
 */
public final class Chameneos implements Case
{
    private static final Object STOP = new Object();

    private record Meet(Actors.Ref partner)
    {
    }

    @Override
    public String name()
    {
        return "chameneos";
    }

    @Override
    public String description()
    {
        return "Savina Chameneos: 100 creatures, 200,000 meetings through a broker (ms)";
    }

    @Override
    public String unit()
    {
        return "ms";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final int creatures = 100;
        final int meetings = scale.pick(200_000, 5_000);
        final CountDownLatch done = new CountDownLatch(1);
        final Actors.Ref[] all = new Actors.Ref[creatures];
        final Actors.Ref mall = actors.spawn(new Actors.Handler()
        {
            Actors.Ref waiting;
            int held;

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                final Actors.Ref creature = (Actors.Ref)msg;
                if (held >= meetings)
                {
                    return true; // late requests after the end are ignored
                }
                if (waiting == null)
                {
                    waiting = creature;
                    return true;
                }
                actors.tell(waiting, new Meet(creature));
                actors.tell(creature, new Meet(waiting));
                waiting = null;
                if (++held == meetings)
                {
                    done.countDown();
                }
                return true;
            }
        }, -1);
        final long t0 = System.nanoTime();
        for (int i = 0; i < creatures; i++)
        {
            all[i] = actors.spawn(new Actors.Handler()
            {
                @Override
                public void onStart(final Actors.Ref self)
                {
                    actors.tell(mall, self);
                }

                @Override
                public boolean onMessage(final Actors.Ref self, final Object msg)
                {
                    if (msg == STOP)
                    {
                        return false;
                    }
                    actors.tell(mall, self); // met someone: back to the mall
                    return true;
                }
            }, -1);
        }
        Waits.await(done, scale, "chameneos");
        final long elapsed = System.nanoTime() - t0;
        for (final Actors.Ref c : all)
        {
            actors.tell(c, STOP);
        }
        return Result.of(elapsed / 1e6);
    }
}
