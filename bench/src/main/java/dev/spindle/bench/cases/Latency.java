package dev.spindle.bench.cases;

import org.HdrHistogram.Histogram;

/** Turns a round-trip histogram into a result: median headline, tail percentiles, a curve for the report. */
public final class Latency
{
    private static final double[] CURVE = {10, 50, 90, 99, 99.9, 99.99};

    private Latency()
    {
    }

    /**
     * @param h recorded round trips, ns.
     * @return median as the value; p99, p99.9, max in extras; the percentile curve.
     */
    public static Result of(final Histogram h)
    {
        final Result r = new Result(h.getValueAtPercentile(50), new java.util.LinkedHashMap<>(), curve(h), null);
        r.extra().put("p99_ns", (double)h.getValueAtPercentile(99));
        r.extra().put("p999_ns", (double)h.getValueAtPercentile(99.9));
        r.extra().put("max_ns", (double)h.getMaxValue());
        return r;
    }

    private static double[][] curve(final Histogram h)
    {
        final double[][] curve = new double[CURVE.length][];
        for (int i = 0; i < CURVE.length; i++)
        {
            curve[i] = new double[] {CURVE[i], h.getValueAtPercentile(CURVE[i])};
        }
        return curve;
    }
}
