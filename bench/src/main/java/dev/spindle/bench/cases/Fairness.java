package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

/**
 * Ping-pong p99 while 2 x schedulers CPU-bound actors run (each giving way after ~20 us of work by
 * messaging itself), against the same without them. Headline: p99 with hogs; extras: p99 without
 * and the ratio.
 */
public final class Fairness implements Case
{
    private final int schedulers;

    /** @param schedulers the run's scheduler count (hogs = 2x this). */
    public Fairness(final int schedulers)
    {
        this.schedulers = schedulers;
    }

    @Override
    public String name()
    {
        return "fairness";
    }

    @Override
    public String description()
    {
        return "ping-pong p99 with 2x schedulers CPU-bound actors running (extras: p99 without, ratio)";
    }

    @Override
    public String unit()
    {
        return "ns";
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        final PingPong pp = new PingPong(false, 0);
        final Result calm = pp.measure(actors, scale, 0);
        // A runtime that cannot make the hogs give way starves the ping-pong: report that as a
        // timeout after 10 s (2 s quick) rather than spend the full case timeout on it.
        final Scale bounded = new Scale(scale.quick(), Math.min(scale.timeoutSeconds(), scale.quick() ? 2 : 10));
        final Result loaded = pp.measure(actors, bounded, 2 * schedulers);
        final double p99 = loaded.extra().get("p99_ns");
        final Result r = Result.of(p99);
        r.extra().put("p99_without_ns", calm.extra().get("p99_ns"));
        r.extra().put("ratio_with_over_without", p99 / Math.max(1, calm.extra().get("p99_ns")));
        return r;
    }
}
