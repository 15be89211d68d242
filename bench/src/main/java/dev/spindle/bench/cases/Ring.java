package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;

/**
 * A ring of actors passing one token: the classic BEAM ring (10,000 processes, 100 laps) and
 * Savina's ThreadRing (503 actors, a hop budget). Headline: nanoseconds per hop.
 */
public final class Ring implements Case
{
    private static final Object STOP = new Object();

    private final String name;
    private final int fullActors;
    private final long fullHops;
    private final int quickActors;
    private final long quickHops;

    private Ring(final String name, final int fullActors, final long fullHops, final int quickActors, final long quickHops)
    {
        this.name = name;
        this.fullActors = fullActors;
        this.fullHops = fullHops;
        this.quickActors = quickActors;
        this.quickHops = quickHops;
    }

    /** @return 10,000 processes x 100 laps. */
    public static Ring beamRing()
    {
        return new Ring("ring", 10_000, 1_000_000, 10_000, 50_000);
    }

    /** @return Savina ThreadRing: 503 actors, 2,000,000 hops. */
    public static Ring threadRing()
    {
        return new Ring("threadring", 503, 2_000_000, 503, 50_000);
    }

    /**
     * @param scale run sizes.
     * @return actors in the ring.
     */
    public int actors(final Scale scale)
    {
        return scale.quick() ? quickActors : fullActors;
    }

    /**
     * @param scale run sizes.
     * @return hops the token makes.
     */
    public long hops(final Scale scale)
    {
        return scale.quick() ? quickHops : fullHops;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String description()
    {
        return name.equals("ring") ? "10,000 processes pass a token 100 laps, 5 in --quick (ns per hop)" :
            "Savina ThreadRing: 503 actors pass a token 2,000,000 hops (ns per hop)";
    }

    @Override
    public String unit()
    {
        return "ns/hop";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final int n = actors(scale);
        final long hops = hops(scale);
        final CountDownLatch done = new CountDownLatch(1);
        final Actors.Ref[] ring = new Actors.Ref[n];
        final CountDownLatch started = new CountDownLatch(n);
        for (int i = n - 1; i >= 0; i--)
        {
            final int index = i;
            ring[i] = actors.spawn(new Actors.Handler()
            {
                @Override
                public void onStart(final Actors.Ref self)
                {
                    started.countDown();
                }

                @Override
                public boolean onMessage(final Actors.Ref self, final Object msg)
                {
                    if (msg == STOP)
                    {
                        return false;
                    }
                    final long left = (Long)msg;
                    if (left == 0)
                    {
                        done.countDown();
                        return true;
                    }
                    actors.tell(ring[(index + 1) % n], left - 1);
                    return true;
                }
            }, -1);
        }
        Waits.await(started, scale, name + " start");
        final long t0 = System.nanoTime();
        actors.tell(ring[0], hops);
        Waits.await(done, scale, name);
        final long elapsed = System.nanoTime() - t0;
        for (final Actors.Ref r : ring)
        {
            actors.tell(r, STOP);
        }
        return Result.of((double)elapsed / hops);
    }
}
