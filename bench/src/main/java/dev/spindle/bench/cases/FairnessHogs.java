package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ping-pong round trips while 2 x schedulers processes run {@link SpinLoop}, a plain CPU loop that
 * never calls the runtime, against the same ping-pong without them; and the CPU share the hogs
 * got meanwhile. Unlike {@link Fairness}, nothing gives way here unless the runtime preempts it:
 * the BEAM does (reductions), Spindle does when the loop is rewritten by its preemption agent (the
 * {@code spindle-preempt} peer, {@link AgentRewrite}); plain Spindle, virtual threads and Pekko
 * cannot, so their ping-pong is expected to be starved: the case reports {@code starved} when
 * the loaded half's first round trip has not come back within {@link #starvedNanos}, and
 * {@code timeout} when a later one waits past the budget plus {@link #graceNanos}; either way the
 * hogs are then stopped by their flag, and every wait is bounded.
 *
 * <p>The hogs' CPU share ({@code hog_cpu_share}): the iterations the hogs did during the loaded
 * ping-pong, divided by the iterations one {@link SpinLoop} does alone, as compiled, on a platform
 * thread ({@link #calibrate}, just before) in the CPU time the whole JVM used in that window
 * (process CPU time: the hogs, the ping-pong, the runtime's own threads, JIT and GC). So 1.0 is
 * every CPU-nanosecond the runtime got spent in hog iterations at the plain loop's speed; the
 * ping-pong, switching and the rewriting's own cost lower it. CPU time rather than wall time, so
 * that other work on the machine (which takes cores from the runtime) does not count against the
 * runtime; how much of its cores the runtime got is {@code process_cpu_per_core} (process CPU
 * time over the window times the scheduler count). Headline: p99 with the hogs.
 */
public final class FairnessHogs implements Case
{
    /** A hog's loop, as {@link SpinLoop} or its rewritten copy (another loader) exposes it. */
    public interface Loop
    {
        /** Runs until {@link #stop()}, never calling any runtime. */
        void run();

        /** @return iterations so far (updated every {@link SpinLoop#BATCH}). */
        long iterations();

        /** Asks the loop to end at its next look at the flag. */
        void stop();
    }

    /** How long the hogs may take to leave their loops once asked. */
    private static final long STOP_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final int schedulers;

    /** @param schedulers the run's scheduler count (hogs = 2x this; the CPU share is per scheduler). */
    public FairnessHogs(final int schedulers)
    {
        this.schedulers = schedulers;
    }

    /**
     * @param scale run sizes.
     * @return measured round trips, with and without hogs alike (quick: enough that the loaded half
     *         lasts some milliseconds, or the CPU share is mostly JIT compilation).
     */
    public static int rounds(final Scale scale)
    {
        return scale.pick(20_000, 5_000);
    }

    /** @param scale run sizes @return how long each half (with and without hogs) may measure. */
    public static long budgetNanos(final Scale scale)
    {
        return scale.quick() ? 250_000_000L : 2_000_000_000L;
    }

    /**
     * @param scale run sizes.
     * @return how long the loaded half may wait for its first round trip before the ping-pong
     *         counts as starved (the hogs are already running when it starts).
     */
    public static long starvedNanos(final Scale scale)
    {
        return scale.quick() ? 250_000_000L : 1_000_000_000L;
    }

    /**
     * @param scale run sizes.
     * @return how long past the budget the loaded half may take once it runs (a round trip that
     *         waited this long): {@code timeout}.
     */
    public static long graceNanos(final Scale scale)
    {
        return scale.quick() ? 2_000_000_000L : 5_000_000_000L;
    }

    /** @param scale run sizes @return how long one loop runs alone to calibrate the CPU share (after a third as long of warm-up). */
    public static long calibrationNanos(final Scale scale)
    {
        return scale.quick() ? 100_000_000L : 300_000_000L;
    }

    /** @return how many hogs run beside the ping-pong. */
    public int hogs()
    {
        return 2 * schedulers;
    }

    /** @return the scheduler count the CPU share is relative to. */
    public int schedulers()
    {
        return schedulers;
    }

    @Override
    public String name()
    {
        return "fairness-hogs";
    }

    @Override
    public String description()
    {
        return "ping-pong p99 with 2x schedulers plain CPU loops that never call the runtime (extras: p99 without, ratio, hogs' CPU share)";
    }

    @Override
    public String unit()
    {
        return "ns";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final Class<? extends Loop> loop = actors.rewritesLoops() ? AgentRewrite.spinLoop() : SpinLoop.class;
        final double perCpuNanoAlone = calibrate(calibrationNanos(scale));
        final PingPong pp = new PingPong(false);
        final long budget = budgetNanos(scale);
        final Result calm = pp.measure(actors, scale, rounds(scale), 0, budget); // the case's own timeout: nothing to starve it
        final long bound = budget + graceNanos(scale);
        final Hogs hogs = new Hogs(loop, hogs());
        Result loaded = null;
        String failed = null;
        final long window;
        final long cpu;
        final long done;
        try
        {
            hogs.start(actors);
            // Measure once at least one hog per scheduler runs (all of them do where the runtime preempts).
            hogs.awaitStarted(Math.min(schedulers, hogs()), TimeUnit.SECONDS.toNanos(1));
            final long i0 = hogs.iterations();
            final long c0 = processCpuNanos();
            final long t0 = System.nanoTime();
            try
            {
                loaded = pp.measure(actors, bound, starvedNanos(scale), rounds(scale), 0, budget);
            }
            catch (final PingPong.Starved ex)
            {
                failed = "starved"; // not one round trip: the runtime does not preempt the hogs
            }
            catch (final TimeoutException ex)
            {
                failed = "timeout"; // it ran, but a round trip waited longer than the grace
            }
            window = System.nanoTime() - t0;
            cpu = processCpuNanos() - c0;
            done = hogs.iterations() - i0;
        }
        finally
        {
            hogs.stop();
        }
        final int notStopped = hogs.awaitStopped(STOP_NANOS);
        final Result r = loaded == null ? new Result(Double.NaN, new java.util.LinkedHashMap<>(), new double[0][], failed) :
            new Result(loaded.extra().get("p99_ns"), loaded.extra(), loaded.curve(), null);
        if (loaded != null)
        {
            r.extra().put("median_ns", loaded.value());
        }
        r.extra().put("median_without_ns", calm.value());
        r.extra().put("p99_without_ns", calm.extra().get("p99_ns"));
        r.extra().put("rounds_without", calm.extra().get("rounds"));
        if (loaded != null)
        {
            r.extra().put("ratio_with_over_without", loaded.extra().get("p99_ns") / Math.max(1, calm.extra().get("p99_ns")));
        }
        r.extra().put("hog_cpu_share", done / (perCpuNanoAlone * Math.max(1, cpu)));
        r.extra().put("process_cpu_per_core", cpu / ((double)window * schedulers));
        r.extra().put("hog_iterations_per_cpu_us_alone", perCpuNanoAlone * 1000);
        r.extra().put("window_ms", window / 1e6);
        r.extra().put("hogs", (double)hogs());
        r.extra().put("hogs_not_stopped", (double)notStopped);
        if (notStopped > 0)
        {
            return new Result(Double.NaN, r.extra(), r.curve(), "error: " + notStopped + " hogs did not stop");
        }
        return r;
    }

    /** @return CPU time this JVM has used, all threads, ns (user and system). */
    static long processCpuNanos()
    {
        return ((com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * @param nanos how long to measure (after a third as long of warm-up, for the JIT).
     * @return iterations per nanosecond of CPU time of one {@link SpinLoop} alone on a platform thread.
     * @throws InterruptedException if interrupted.
     */
    static double calibrate(final long nanos) throws InterruptedException
    {
        final SpinLoop loop = new SpinLoop();
        final Thread t = Thread.ofPlatform().daemon().name("fairness-hogs-calibration").start(loop::run);
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try
        {
            TimeUnit.NANOSECONDS.sleep(nanos / 3);
            // The thread's CPU time and its progress are read a moment apart; over 100+ ms that is noise.
            final long c0 = threads.getThreadCpuTime(t.threadId());
            final long i0 = loop.iterations();
            TimeUnit.NANOSECONDS.sleep(nanos);
            final long i1 = loop.iterations();
            final long c1 = threads.getThreadCpuTime(t.threadId());
            if (c0 < 0 || c1 <= c0)
            {
                throw new IllegalStateException("no thread CPU time for the calibration (ThreadMXBean.getThreadCpuTime)");
            }
            return Math.max(1, i1 - i0) / (double)(c1 - c0);
        }
        finally
        {
            loop.stop();
            t.join(1_000);
        }
    }

    /** The running hogs: one actor each, looping from its first message until stopped. */
    private static final class Hogs
    {
        private final Loop[] loops;
        private final AtomicInteger started = new AtomicInteger();
        private final CountDownLatch finished;

        Hogs(final Class<? extends Loop> type, final int count) throws ReflectiveOperationException
        {
            loops = new Loop[count];
            finished = new CountDownLatch(count);
            for (int i = 0; i < count; i++)
            {
                loops[i] = type.getConstructor().newInstance();
            }
        }

        /** Spawns an actor per loop (the caller stops them all, whether or not every spawn succeeded). */
        void start(final Actors actors)
        {
            for (final Loop loop : loops)
            {
                final Actors.Ref hog = actors.spawn((self, msg) ->
                {
                    started.incrementAndGet();
                    try
                    {
                        loop.run();
                    }
                    finally
                    {
                        finished.countDown();
                    }
                    return false;
                }, -1);
                actors.tell(hog, Boolean.TRUE);
            }
        }

        void awaitStarted(final int atLeast, final long timeoutNanos) throws InterruptedException
        {
            final long deadline = System.nanoTime() + timeoutNanos;
            while (started.get() < atLeast && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
        }

        long iterations()
        {
            long sum = 0;
            for (final Loop l : loops)
            {
                sum += l.iterations();
            }
            return sum;
        }

        void stop()
        {
            for (final Loop l : loops)
            {
                l.stop();
            }
        }

        /** @return how many hogs had not left their loops within the bound. */
        int awaitStopped(final long timeoutNanos) throws InterruptedException
        {
            finished.await(timeoutNanos, TimeUnit.NANOSECONDS);
            return (int)finished.getCount();
        }
    }
}
