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
    /** Extra of a case run several times ({@code --repeat}): how many runs the value is the median of. */
    public static final String RUNS = "runs";
    /** Extra of a case run several times: the lowest value of the runs. */
    public static final String MIN = "min";
    /** Extra of a case run several times: the highest value of the runs. */
    public static final String MAX = "max";

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

    /**
     * @return "" for a single run, else the spread of the runs as {@code ±x%}: the larger distance
     *         from the median to the min or the max, relative to the median.
     */
    public String spread()
    {
        final Double min = extra.get(MIN);
        final Double max = extra.get(MAX);
        if (min == null || max == null || value == 0 || Double.isNaN(value))
        {
            return "";
        }
        final double d = Math.max(value - min, max - value) / Math.abs(value);
        return String.format(java.util.Locale.ROOT, " ±%.0f%%", 100 * d);
    }

    /** @return whether there is a value. */
    public boolean ok()
    {
        return note == null && !Double.isNaN(value);
    }
}
