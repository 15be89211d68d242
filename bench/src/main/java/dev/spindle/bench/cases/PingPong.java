package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CountDownLatch;

/**
 * Round-trip latency between two actors: the pinger records each round trip in an HdrHistogram.
 * Same scheduler: the pinger spawns the ponger itself, unbound, so it starts on the pinger's
 * scheduler (Spindle and the BEAM place a child on its parent's run queue). Cross core: the two are
 * bound to schedulers 0 and 1 where the runtime can bind. Where the runtime reports it, the
 * scheduler each side ran on is recorded in the extras, so a "same" pair that was split shows.
 */
public final class PingPong implements Case
{
    private final boolean crossCore;

    /** @param crossCore bind the two actors to different schedulers. */
    public PingPong(final boolean crossCore)
    {
        this.crossCore = crossCore;
    }

    /**
     * @param scale run sizes.
     * @return measured round trips (a tenth more run first as warm-up).
     */
    public static int rounds(final Scale scale)
    {
        return scale.pick(200_000, 2_000);
    }

    @Override
    public String name()
    {
        return crossCore ? "pingpong-cross" : "pingpong-same";
    }

    @Override
    public String description()
    {
        return crossCore ? "round trip between two processes bound to schedulers 0 and 1 (median ns; p99, p99.9 in extras)" :
            "round trip between a process and the child it spawned, one scheduler (median ns; p99, p99.9 in extras)";
    }

    @Override
    public String unit()
    {
        return "ns";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        return measure(actors, scale, rounds(scale), 0, Long.MAX_VALUE);
    }

    /**
     * @param actors   the peer.
     * @param scale    timeout.
     * @param rounds   measured round trips.
     * @param hogCount CPU-bound actors running meanwhile (the fairness case), 0 for none.
     * @param budgetNanos stop measuring after this long even if fewer rounds were done (a slow
     *                    runtime still gets a figure); the case timeout still catches starvation.
     * @return median, percentiles and the percentile curve; the rounds measured in extras.
     * @throws Exception on timeout.
     */
    Result measure(final Actors actors, final Scale scale, final int rounds, final int hogCount, final long budgetNanos)
        throws Exception
    {
        return measure(actors, java.util.concurrent.TimeUnit.SECONDS.toNanos(scale.timeoutSeconds()), 0, rounds, hogCount, budgetNanos);
    }

    /** The ping-pong did not complete a single round trip within its bound: the runtime starved it. */
    static final class Starved extends java.util.concurrent.TimeoutException
    {
        private static final long serialVersionUID = 1L;

        Starved(final String message)
        {
            super(message);
        }
    }

    /**
     * As {@link #measure(Actors, Scale, int, int, long)}, with the bounds on the wait in nanoseconds.
     *
     * @param actors       the peer.
     * @param timeoutNanos how long to wait for the ping-pong to finish before giving up (TimeoutException).
     * @param starvedNanos when positive: give up with {@link Starved} if the first round trip has not
     *                     come back within this long (a runtime that never lets the pair run fails fast).
     * @param rounds       measured round trips.
     * @param hogCount     cooperative CPU-bound actors running meanwhile, 0 for none.
     * @param budgetNanos  stop measuring after this long even if fewer rounds were done.
     * @return as the other overload.
     * @throws Exception on timeout.
     */
    Result measure(final Actors actors, final long timeoutNanos, final long starvedNanos, final int rounds, final int hogCount,
        final long budgetNanos) throws Exception
    {
        final CountDownLatch first = new CountDownLatch(starvedNanos > 0 ? 1 : 0);
        final long deadline = budgetNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + budgetNanos;
        final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        final CountDownLatch done = new CountDownLatch(1);
        // Set when the wait gives up: a pinger that runs only later (a starved one, once the hogs
        // stop) then ends at once instead of sending into a runtime that may be closing.
        final java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        final int[] where = {-1, -1};
        final long started = System.nanoTime();
        final Hogs running = new Hogs(actors, hogCount);
        final Actors.Handler pong = (self, msg) ->
        {
            where[1] = actors.schedulerOfCaller();
            actors.tell((Actors.Ref)msg, self);
            return true;
        };
        final Actors.Ref crossPonger = crossCore ? actors.spawn(pong, 1) : null;
        actors.spawn(new Actors.Handler()
        {
            int left = rounds + rounds / 10; // the first tenth warms up
            long sent;
            Actors.Ref ponger;

            @Override
            public void onStart(final Actors.Ref self)
            {
                if (abandoned.get())
                {
                    return; // waits for a message that never comes, as an idle ponger does
                }
                ponger = crossCore ? crossPonger : actors.spawn(pong, -1);
                sent = System.nanoTime();
                actors.tell(ponger, self);
            }

            @Override
            public boolean onMessage(final Actors.Ref self, final Object msg)
            {
                final long now = System.nanoTime();
                first.countDown(); // one volatile read once it is open
                if (abandoned.get())
                {
                    return false;
                }
                if (left-- <= rounds)
                {
                    histogram.recordValue(now - sent);
                }
                if (left == 0 || left < rounds && now > deadline)
                {
                    where[0] = actors.schedulerOfCaller();
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
            if (starvedNanos > 0 && !first.await(starvedNanos, java.util.concurrent.TimeUnit.NANOSECONDS))
            {
                throw new Starved(name() + ": no round trip within " + starvedNanos / 1_000_000 + " ms");
            }
            Waits.await(done, timeoutNanos, name());
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            abandoned.set(true);
            throw ex;
        }
        finally
        {
            running.stop();
        }
        final Result r = Latency.of(histogram);
        r.extra().put("rounds", (double)histogram.getTotalCount());
        if (hogCount > 0)
        {
            r.extra().put("hog_slices", (double)running.slices());
            r.extra().put("hog_window_ns", (double)(System.nanoTime() - started));
        }
        if (where[0] >= 0)
        {
            r.extra().put("pinger_scheduler", (double)where[0]);
            r.extra().put("ponger_scheduler", (double)where[1]);
        }
        return r;
    }

    /**
     * CPU-bound actors that give way cooperatively after each slice of work (the fairness case:
     * ~20 us): with the runtime's yield where it has one (Spindle's {@code Proc.yield()}), else by
     * messaging themselves (Pekko). A slice of 0 makes an actor that only yields, in a loop.
     */
    static final class Hogs
    {
        private volatile boolean stop;
        /** Slices the hogs completed: evidence that they really competed for the CPU. */
        private final java.util.concurrent.atomic.LongAdder slices = new java.util.concurrent.atomic.LongAdder();

        Hogs(final Actors actors, final int count)
        {
            this(actors, count, 20_000);
        }

        Hogs(final Actors actors, final int count, final long sliceNanos)
        {
            for (int i = 0; i < count; i++)
            {
                final Actors.Ref hog = actors.spawn((self, msg) ->
                {
                    long x = (Long)msg;
                    do
                    {
                        final long until = System.nanoTime() + sliceNanos;
                        while (System.nanoTime() < until)
                        {
                            x += until ^ x;
                        }
                        slices.increment();
                        if (stop)
                        {
                            return false;
                        }
                    }
                    while (actors.yieldNow());
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

        long slices()
        {
            return slices.sum();
        }
    }
}
