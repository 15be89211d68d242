package dev.spindle.bench.cases;

import dev.spindle.IdleMode;
import dev.spindle.bench.actors.Actors;
import dev.spindle.bench.actors.PlatformThreadTimers;
import dev.spindle.bench.actors.SpindleActors;
import dev.spindle.bench.actors.TimerProbes;
import dev.spindle.bench.actors.TimerProbes.Kind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Timer lateness: how long after its deadline a 1 ms receive timeout, a 1 ms delayed message
 * (sendAfter) and a 50 ms call timeout let the waiting code run again, (1) after idle gaps: the
 * runtime quiet for 0.3 to 2 s (quick: 50 to 200 ms) before each timer, so its schedulers have gone
 * to sleep, then woken by a message that makes a probe arm one timer; (2) under load: every
 * scheduler kept busy by actors that yield in a loop, plus one that yields only after each 1 ms of
 * work, while one probe per kind arms its timers back to back. Lateness is
 * {@code firedNanos - deadlineNanos}, both read with {@link System#nanoTime()} inside the probe
 * actor (see {@link TimerProbes}).
 *
 * <p>A timer that fires before its deadline is counted as early, one that has not fired within
 * a bound (2 s after its deadline; quick: 1 s) as lost; both must be zero. Every wait is capped,
 * and each phase stops taking samples when its time budget is spent, so a runtime whose timers are
 * very late still finishes (with fewer samples: the sample count is reported).
 *
 * <p>Spindle runs once per {@link IdleMode}, each on a fresh node, as the variants
 * {@code spindle-spin}, {@code spindle-backoff}, {@code spindle-park}. Results are extras named
 * {@code variant/condition/kind/metric} (metrics {@code p50_us p99_us max_us min_us samples
 * early_count lost_count error_count}); the headline is the worst p99 of the run's own idle mode.
 */
public final class Timers implements Case
{
    /** The delay of the receive timeout and the sendAfter. */
    public static final Duration SHORT = Duration.ofMillis(1);
    /** The call timeout. */
    public static final Duration CALL = Duration.ofMillis(50);
    /** Metric, and total over every variant, of the timers that fired before their deadline. */
    public static final String EARLY = "early_count";
    /** Metric, and total over every variant, of the timers that had not fired within the bound. */
    public static final String LOST = "lost_count";
    /** Metric, and total over every variant, of the waits that ended otherwise than by the timeout. */
    public static final String ERRORS = "error_count";

    private final int schedulers;

    /** @param schedulers the run's scheduler count: the load has this many pure yielders (plus one slow hog). */
    public Timers(final int schedulers)
    {
        this.schedulers = schedulers;
    }

    @Override
    public String name()
    {
        return "timers";
    }

    @Override
    public String description()
    {
        return "lateness of 1 ms receive timeouts, 1 ms sendAfter, 50 ms call timeouts after idle gaps and under load " +
            "(worst p99, us; Spindle per idle mode; early or lost timers flagged)";
    }

    @Override
    public String unit()
    {
        return "us";
    }

    /** Lateness in milliseconds does not depend on JIT warm-up; a warm-up would only cost the gaps again. */
    @Override
    public boolean wantsWarmUp()
    {
        return false;
    }

    /** @param kind a timer @return its delay. */
    public static Duration delay(final Kind kind)
    {
        return kind == Kind.CALL ? CALL : SHORT;
    }

    /** @param scale sizes @return the idle gaps before the timers, ms; each kind meets every gap. */
    public static long[] gapsMillis(final Scale scale)
    {
        return scale.quick() ? new long[] {50, 100, 200} : new long[] {300, 600, 1100, 2000};
    }

    /** @param scale sizes @return samples of each kind after idle gaps. */
    public static int idleSamples(final Scale scale)
    {
        return scale.pick(4, 1);
    }

    /** @param scale sizes @param kind a timer @return samples of that kind under load. */
    public static int loadSamples(final Scale scale, final Kind kind)
    {
        return kind == Kind.CALL ? scale.pick(20, 2) : scale.pick(100, 10);
    }

    /** @param scale sizes @return how long after its deadline a timer that has not fired counts as lost, ms. */
    public static long lostAfterMillis(final Scale scale)
    {
        return scale.pick(2000, 1000);
    }

    /**
     * @param scale sizes.
     * @return the budget of the idle phase beyond its gaps, and of the load phase beyond the lost
     *         bound, ms.
     */
    public static long budgetMillis(final Scale scale)
    {
        return scale.pick(4000, 500);
    }

    /** @return pure yielders in the load (one more actor yields only every 1 ms). */
    public int yielders()
    {
        return schedulers;
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        if (!(actors instanceof TimerProbes probes))
        {
            return Result.none("n/a");
        }
        final Result out = Result.of(Double.NaN);
        String headline = actors.name();
        if (actors instanceof SpindleActors spindle && spindle.name().equals("spindle"))
        {
            headline = variant(spindle.idle());
            spindle.close(); // free its pinned CPUs for the nodes below (it restarts on next use)
            for (final IdleMode mode : IdleMode.values())
            {
                try (SpindleActors node = spindle.withIdle(variant(mode), mode))
                {
                    measure(node, hogs(node), variant(mode), scale, out.extra());
                }
            }
        }
        else
        {
            measure(probes, hogs(actors), actors.name(), scale, out.extra());
        }
        return finish(out.extra(), headline);
    }

    /**
     * The floor: platform threads and a ScheduledThreadPoolExecutor (the limit peer).
     *
     * @param scale sizes.
     * @return the result, variant {@code limit}.
     * @throws Exception on failure.
     */
    public Result floor(final Scale scale) throws Exception
    {
        try (PlatformThreadTimers floor = new PlatformThreadTimers())
        {
            final Result out = Result.of(Double.NaN);
            measure(floor, () -> floor.load(yielders()), "limit", scale, out.extra());
            return finish(out.extra(), "limit");
        }
    }

    /** @param mode an idle strategy @return Spindle's variant name for it. */
    public static String variant(final IdleMode mode)
    {
        return "spindle-" + mode.name().toLowerCase(Locale.ROOT);
    }

    private Supplier<AutoCloseable> hogs(final Actors actors)
    {
        return () ->
        {
            final PingPong.Hogs yielding = new PingPong.Hogs(actors, yielders(), 0);
            final PingPong.Hogs slow = new PingPong.Hogs(actors, 1, 1_000_000);
            return () ->
            {
                yielding.stop();
                slow.stop();
            };
        };
    }

    /**
     * @param extra    the per-variant figures, as {@link #run} and the Erlang peer write them.
     * @param headline the variant whose worst p99 is the headline.
     * @return the result: headline value, and totals of early, lost and failed timers added to the extras.
     */
    public static Result finish(final Map<String, Double> extra, final String headline)
    {
        double worst = Double.NaN;
        final double[] totals = new double[3]; // early, lost, errors: every variant
        final double[] own = new double[3];    // the same for the headline variant
        final String[] keys = {EARLY, LOST, ERRORS};
        for (final Map.Entry<String, Double> e : extra.entrySet())
        {
            final String k = e.getKey();
            final boolean mine = k.startsWith(headline + "/");
            if (mine && k.endsWith("/p99_us"))
            {
                worst = Double.isNaN(worst) ? e.getValue() : Math.max(worst, e.getValue());
            }
            for (int i = 0; i < keys.length; i++)
            {
                if (k.endsWith("/" + keys[i]))
                {
                    totals[i] += e.getValue();
                    own[i] += mine ? e.getValue() : 0;
                }
            }
        }
        for (int i = 0; i < keys.length; i++)
        {
            extra.put(keys[i], totals[i]);
        }
        // An early or lost timer is a failure, not a figure: the cell says so instead of a p99.
        final List<String> failed = new ArrayList<>();
        final String[] words = {"early", "lost", "failed"};
        for (int i = 0; i < keys.length; i++)
        {
            if (own[i] > 0)
            {
                failed.add(String.format(Locale.ROOT, "%s %.0f", words[i], own[i]));
            }
        }
        final String note = !failed.isEmpty() ? String.join(", ", failed) : Double.isNaN(worst) ? "no timer fired" : null;
        return new Result(note == null ? worst : Double.NaN, extra, new double[0][], note);
    }

    /** One timer to take after an idle gap. */
    private record Step(Kind kind, long gapNanos)
    {
    }

    /** Each kind meets every gap: kind k's j-th sample follows gap (j + k) mod gaps. */
    private static List<Step> idlePlan(final Scale scale)
    {
        final List<Step> steps = new ArrayList<>();
        final long[] gaps = gapsMillis(scale);
        for (int j = 0; j < idleSamples(scale); j++)
        {
            for (final Kind k : Kind.values())
            {
                steps.add(new Step(k, TimeUnit.MILLISECONDS.toNanos(gaps[(j + k.ordinal()) % gaps.length])));
            }
        }
        return steps;
    }

    /** Lateness samples of one kind in one condition. */
    private static final class Samples
    {
        long[] lateness = new long[16];
        int n;
        int early;
        int lost;
        int errors;

        void add(final TimerProbes.Fired f)
        {
            if (f.error() != null)
            {
                errors++;
                return;
            }
            final long ns = f.firedNanos() - f.deadlineNanos();
            if (n == lateness.length)
            {
                lateness = Arrays.copyOf(lateness, n * 2);
            }
            lateness[n++] = ns;
            early += ns < 0 ? 1 : 0;
        }

        /** @return timers that fired or failed. */
        int taken()
        {
            return n + errors;
        }

        /** Nearest rank, as the Erlang side computes it. */
        static long at(final long[] sorted, final double q)
        {
            final int rank = (int)Math.ceil(q * sorted.length);
            return sorted[Math.max(1, Math.min(sorted.length, rank)) - 1];
        }

        void writeTo(final Map<String, Double> out, final String prefix)
        {
            final long[] sorted = Arrays.copyOf(lateness, n);
            Arrays.sort(sorted);
            if (n > 0)
            {
                out.put(prefix + "p50_us", at(sorted, 0.50) / 1e3);
                out.put(prefix + "p99_us", at(sorted, 0.99) / 1e3);
                out.put(prefix + "max_us", sorted[n - 1] / 1e3);
                out.put(prefix + "min_us", sorted[0] / 1e3);
            }
            out.put(prefix + "samples", (double)n);
            out.put(prefix + EARLY, (double)early);
            out.put(prefix + LOST, (double)lost);
            out.put(prefix + ERRORS, (double)errors);
        }
    }

    private void measure(final TimerProbes probes, final Supplier<AutoCloseable> load, final String variant, final Scale scale,
        final Map<String, Double> out) throws Exception
    {
        write(afterIdleGaps(probes, scale), out, variant + "/idle/");
        write(underLoad(probes, load, scale), out, variant + "/load/");
    }

    private static void write(final EnumMap<Kind, Samples> samples, final Map<String, Double> out, final String prefix)
    {
        for (final Map.Entry<Kind, Samples> e : samples.entrySet())
        {
            e.getValue().writeTo(out, prefix + e.getKey().key() + "/");
        }
    }

    private static EnumMap<Kind, Samples> samples()
    {
        final EnumMap<Kind, Samples> samples = new EnumMap<>(Kind.class);
        for (final Kind k : Kind.values())
        {
            samples.put(k, new Samples());
        }
        return samples;
    }

    /**
     * One timer after each gap, armed by a message from this (plain) thread: the runtime wakes for
     * the message, arms the timer and goes back to sleep until it fires. The phase stops early
     * when its budget (the gaps plus {@link #budgetMillis}) is spent.
     */
    private static EnumMap<Kind, Samples> afterIdleGaps(final TimerProbes probes, final Scale scale) throws InterruptedException
    {
        final List<Step> plan = idlePlan(scale);
        long budget = TimeUnit.MILLISECONDS.toNanos(budgetMillis(scale));
        for (final Step s : plan)
        {
            budget += s.gapNanos();
        }
        final LinkedBlockingQueue<TimerProbes.Fired> reports = new LinkedBlockingQueue<>();
        final EnumMap<Kind, TimerProbes.Probe> live = new EnumMap<>(Kind.class);
        for (final Kind k : Kind.values())
        {
            live.put(k, probes.probe(k, delay(k), reports::offer));
        }
        final EnumMap<Kind, Samples> samples = samples();
        final long lostAfter = TimeUnit.MILLISECONDS.toNanos(lostAfterMillis(scale));
        final long end = System.nanoTime() + budget;
        final AtomicBoolean once = new AtomicBoolean(false);
        long seq = 0;
        try
        {
            for (final Step step : plan)
            {
                if (System.nanoTime() - end > 0)
                {
                    break; // budget spent: fewer samples, reported as such
                }
                TimeUnit.NANOSECONDS.sleep(step.gapNanos());
                final long armed = System.nanoTime();
                live.get(step.kind()).arm(new TimerProbes.Arm(++seq, once));
                final long waitUntil = armed + delay(step.kind()).toNanos() + lostAfter;
                TimerProbes.Fired fired = null;
                for (long left = waitUntil - armed; fired == null && left > 0; left = waitUntil - System.nanoTime())
                {
                    final TimerProbes.Fired r = reports.poll(left, TimeUnit.NANOSECONDS);
                    fired = r != null && r.seq() == seq ? r : null; // a late report of an abandoned arm is dropped
                }
                final Samples s = samples.get(step.kind());
                if (fired == null)
                {
                    // Lost: the probe may be stuck waiting for it; give up on it and start a fresh one.
                    s.lost++;
                    live.get(step.kind()).close();
                    live.put(step.kind(), probes.probe(step.kind(), delay(step.kind()), reports::offer));
                }
                else
                {
                    s.add(fired);
                }
            }
        }
        finally
        {
            live.values().forEach(TimerProbes.Probe::close);
        }
        return samples;
    }

    /**
     * Each kind's probe arms its timers back to back, all three at once, while the load runs. The
     * probes are started before the load (so no message from outside has to get through it) and
     * timers due before the load settled are not counted. A probe silent for longer than its
     * delay plus the lost bound counts one lost timer and is abandoned.
     */
    private EnumMap<Kind, Samples> underLoad(final TimerProbes probes, final Supplier<AutoCloseable> load, final Scale scale)
        throws Exception
    {
        final LinkedBlockingQueue<TimerProbes.Fired> reports = new LinkedBlockingQueue<>();
        final EnumMap<Kind, TimerProbes.Probe> live = new EnumMap<>(Kind.class);
        final AtomicBoolean more = new AtomicBoolean(true);
        for (final Kind k : Kind.values())
        {
            live.put(k, probes.probe(k, delay(k), reports::offer));
            live.get(k).arm(new TimerProbes.Arm(firstSeq(k), more));
        }
        final EnumMap<Kind, Samples> samples = samples();
        final long lostAfter = TimeUnit.MILLISECONDS.toNanos(lostAfterMillis(scale));
        try (AutoCloseable running = load.get())
        {
            Thread.sleep(20); // let the load reach every scheduler
            final long settled = System.nanoTime();
            // Long enough for a stalled probe to be declared lost rather than merely short of samples.
            final long end = settled + TimeUnit.MILLISECONDS.toNanos(budgetMillis(scale)) + lostAfter + CALL.toNanos();
            final EnumMap<Kind, Long> last = new EnumMap<>(Kind.class);
            final EnumMap<Kind, Boolean> done = new EnumMap<>(Kind.class);
            for (final Kind k : Kind.values())
            {
                last.put(k, settled);
                done.put(k, false);
            }
            while (done.containsValue(false) && System.nanoTime() - end < 0)
            {
                final TimerProbes.Fired f = reports.poll(10, TimeUnit.MILLISECONDS);
                final long now = System.nanoTime();
                if (f != null)
                {
                    final Kind k = Kind.values()[(int)(f.seq() / SEQ_SPAN)];
                    last.put(k, now);
                    if (f.deadlineNanos() - settled >= 0 && !done.get(k))
                    {
                        samples.get(k).add(f);
                        done.put(k, samples.get(k).taken() >= loadSamples(scale, k));
                    }
                }
                for (final Kind k : Kind.values())
                {
                    if (!done.get(k) && now - last.get(k) > delay(k).toNanos() + lostAfter)
                    {
                        samples.get(k).lost++;
                        done.put(k, true); // its probe is stuck (or starved): abandoned
                    }
                }
            }
        }
        finally
        {
            more.set(false);
            live.values().forEach(TimerProbes.Probe::close);
        }
        return samples;
    }

    /** Timer numbers per kind under load: kind k counts up from k * SEQ_SPAN. */
    private static final long SEQ_SPAN = 1L << 40;

    private static long firstSeq(final Kind k)
    {
        return k.ordinal() * SEQ_SPAN;
    }
}
