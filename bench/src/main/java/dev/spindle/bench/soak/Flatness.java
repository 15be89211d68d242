package dev.spindle.bench.soak;

import java.util.Arrays;
import java.util.Locale;

/**
 * Growth across rounds, with a tolerance for noise: after the warm-up rounds, the median of the
 * last third of the values must not exceed the median of the first third by more than
 * {@code max(absolute, relative * first)}. Medians of thirds, not single rounds, so one noisy
 * round neither hides nor fakes a trend; a steady leak of L per round shows as about
 * {@code 2/3 * rounds * L}.
 */
final class Flatness
{
    /**
     * One metric's verdict.
     *
     * @param metric   what was measured.
     * @param unit     "MiB" or "threads".
     * @param rounds   values compared (after warm-up).
     * @param early    median of the first third.
     * @param late     median of the last third.
     * @param tolerance allowed growth.
     * @param ok       whether late - early is within it (true when there were too few rounds to judge).
     * @param why      why it was not judged, or null.
     */
    record Verdict(String metric, String unit, int rounds, double early, double late, double tolerance, boolean ok, String why)
    {
        boolean judged()
        {
            return why == null;
        }

        String describe()
        {
            if (!judged())
            {
                return String.format(Locale.ROOT, "%-34s not judged: %s", metric, why);
            }
            return String.format(Locale.ROOT, "%-34s %9.1f -> %9.1f %s (%+.1f, tolerance %.1f over %d rounds) %s", metric, early, late, unit,
                late - early, tolerance, rounds, ok ? "flat" : "GREW");
        }
    }

    private Flatness()
    {
    }

    /**
     * @param metric    name.
     * @param unit      unit of the values.
     * @param values    one per round, after warm-up; negative values (unknown) are skipped.
     * @param absolute  growth always allowed.
     * @param relative  growth allowed as a fraction of the early value.
     * @return the verdict.
     */
    static Verdict check(final String metric, final String unit, final double[] values, final double absolute, final double relative)
    {
        final double[] v = Arrays.stream(values).filter(x -> x >= 0).toArray();
        if (v.length < 2)
        {
            return skipped(metric, unit, v.length + " round(s) after warm-up, 2 needed");
        }
        final int third = Math.max(1, v.length / 3);
        final double early = median(Arrays.copyOfRange(v, 0, third));
        final double late = median(Arrays.copyOfRange(v, v.length - third, v.length));
        final double tolerance = Math.max(absolute, relative * early);
        return new Verdict(metric, unit, v.length, early, late, tolerance, late - early <= tolerance, null);
    }

    /** @return a verdict that judged nothing, and says why. */
    static Verdict skipped(final String metric, final String unit, final String why)
    {
        return new Verdict(metric, unit, 0, Double.NaN, Double.NaN, Double.NaN, true, why);
    }

    static double median(final double[] values)
    {
        final double[] s = values.clone();
        Arrays.sort(s);
        final int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
