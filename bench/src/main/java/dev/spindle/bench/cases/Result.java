package dev.spindle.bench.cases;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One case on one peer.
 *
 * @param value   the headline figure, in the case's unit.
 * @param extra   further named figures (percentiles, bytes per process, ...).
 * @param curve   for latency cases: {percentile, nanoseconds} pairs, else empty.
 * @param note    why there is no value (n/a, timeout, error), or null.
 */
public record Result(double value, Map<String, Double> extra, double[][] curve, String note)
{
    /** @param value the figure @return a plain result. */
    public static Result of(final double value)
    {
        return new Result(value, new LinkedHashMap<>(), new double[0][], null);
    }

    /** @param why the reason @return a result without a value. */
    public static Result none(final String why)
    {
        return new Result(Double.NaN, new LinkedHashMap<>(), new double[0][], why);
    }

    /** @return whether there is a value. */
    public boolean ok()
    {
        return note == null && !Double.isNaN(value);
    }
}
