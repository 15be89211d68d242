package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;

/**
 * Spawn 1,000,000 actors from a driver actor; each reports that it started and then waits for a
 * message. Headline: milliseconds until all have started; extra: heap bytes per waiting actor
 * after GC (the BEAM's figure here is ~2,700 bytes).
 */
public final class Spawn implements Case
{
    private static final Object STOP = new Object();

    /**
     * @param scale run sizes.
     * @return processes spawned.
     */
    public static int count(final Scale scale)
    {
        return scale.pick(1_000_000, 100_000);
    }

    @Override
    public String name()
    {
        return "spawn";
    }

    @Override
    public String description()
    {
        return "spawn 1,000,000 processes that wait for a message (ms; bytes per process after GC in extras)";
    }

    @Override
    public String unit()
    {
        return "ms";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final int n = count(scale);
        final Actors.Ref[] spawned = new Actors.Ref[n];
        final CountDownLatch started = new CountDownLatch(n);
        final CountDownLatch stopped = new CountDownLatch(n);
        final Actors.Handler waiter = new Actors.Handler()
        {
            @Override
            public void onStart(final Actors.Ref self)
            {
                started.countDown();
            }

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                stopped.countDown();
                return false;
            }
        };
        final long before = Waits.heapUsedAfterGc();
        final CountDownLatch driverDone = new CountDownLatch(1);
        final long t0 = System.nanoTime();
        // The driver spawns from inside the runtime, as a server would.
        final Actors.Ref driver = actors.spawn(new Actors.Handler()
        {
            @Override
            public void onStart(final Actors.Ref self)
            {
                for (int i = 0; i < n; i++)
                {
                    spawned[i] = actors.spawn(waiter, -1);
                }
                driverDone.countDown();
            }

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                return false;
            }
        }, -1);
        Waits.await(driverDone, scale, "spawn driver");
        final Result r = finish(actors, scale, n, spawned, started, stopped, before, t0);
        actors.tell(driver, STOP);
        return r;
    }

    private Result finish(final Actors actors, final Scale scale, final int n, final Actors.Ref[] spawned,
        final CountDownLatch started, final CountDownLatch stopped, final long before, final long t0) throws Exception
    {
        Waits.await(started, scale, "spawn");
        final long elapsed = System.nanoTime() - t0;
        final long after = Waits.heapUsedAfterGc();
        for (final Actors.Ref r : spawned)
        {
            if (r != null)
            {
                actors.tell(r, STOP);
            }
        }
        Waits.await(stopped, scale, "spawn cleanup");
        final Result r = Result.of(elapsed / 1e6);
        r.extra().put("bytes_per_process", (double)Math.max(0, after - before) / n);
        return r;
    }
}
