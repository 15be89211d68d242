package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

/**
 * Ping-pong p99 while 2 x schedulers CPU-bound actors run, each giving way cooperatively after
 * ~20 us of work (Spindle: {@code Proc.yield()}), against the same ping-pong without them.
 * Headline: p99 with the hogs; extras: p99 without and the ratio.
 */
public final class Fairness implements Case
{
    private final int schedulers;

    /** @param schedulers the run's scheduler count (hogs = 2x this). */
    public Fairness(final int schedulers)
    {
        this.schedulers = schedulers;
    }

    /**
     * @param scale run sizes.
     * @return measured round trips, with and without hogs alike.
     */
    public static int rounds(final Scale scale)
    {
        return scale.pick(20_000, 500);
    }

    /**
     * @param scale run sizes.
     * @return how long each half (with and without hogs) may measure.
     */
    public static long budgetNanos(final Scale scale)
    {
        return scale.quick() ? 500_000_000L : 2_000_000_000L;
    }

    /** @return how many CPU-bound actors run beside the ping-pong. */
    public int hogs()
    {
        return 2 * schedulers;
    }

    @Override
    public String name()
    {
        return "fairness";
    }

    @Override
    public String description()
    {
        return "ping-pong p99 with 2x schedulers CPU-bound processes calling Proc.yield() every 20 us (extras: p99 without, ratio)";
    }

    @Override
    public String unit()
    {
        return "ns";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final PingPong pp = new PingPong(false);
        final long budget = budgetNanos(scale);
        final Result calm = pp.measure(actors, scale, rounds(scale), 0, budget);
        // Up to rounds(scale) round trips or budgetNanos(scale), whichever comes first, so a runtime
        // that gives the hogs long turns still gets a figure. One that starves the ping-pong outright
        // is reported as a timeout after 10 s (2 s quick) rather than the full case timeout.
        final Scale bounded = new Scale(scale.quick(), Math.min(scale.timeoutSeconds(), scale.quick() ? 2 : 10));
        final Result loaded = pp.measure(actors, bounded, rounds(scale), hogs(), budget);
        final double p99 = loaded.extra().get("p99_ns");
        final Result r = new Result(p99, loaded.extra(), loaded.curve(), null);
        r.extra().put("median_ns", loaded.value());
        // Share of the schedulers' time the hogs actually got: a low p99 means nothing if the
        // runtime simply starved the hogs.
        r.extra().put("hog_cpu_share", loaded.extra().get("hog_slices") * 20_000 / (loaded.extra().get("hog_window_ns") * schedulers));
        r.extra().put("median_without_ns", calm.value());
        r.extra().put("p99_without_ns", calm.extra().get("p99_ns"));
        r.extra().put("ratio_with_over_without", p99 / Math.max(1, calm.extra().get("p99_ns")));
        return r;
    }
}
