package dev.spindle.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The timers case's extras ({@code variant/condition/kind/metric}, see {@code cases.Timers})
 * regrouped for the tables: one line per runtime variant and condition, one cell per timer kind.
 */
final class TimerLines
{
    /** Timer kinds in column order, as the result keys name them, and their headers. */
    static final List<String> KINDS = List.of("receive", "sendafter", "call");
    /** Column headers for {@link #KINDS}. */
    static final List<String> HEADERS = List.of("receive, 1 ms", "sendAfter, 1 ms", "call, 50 ms timeout");
    /** The goal: p99 lateness within one wheel tick. */
    static final double GOAL_US = 1000;

    /**
     * One kind's figures.
     *
     * @param p50     median lateness, us (NaN when no timer fired).
     * @param p99     p99 lateness, us.
     * @param max     worst lateness, us.
     * @param min     least lateness, us (negative: early).
     * @param samples timers that fired.
     * @param early   timers that fired before their deadline.
     * @param lost    timers that had not fired within the bound.
     * @param errors  probes that got something else than a timeout.
     */
    record Cell(double p50, double p99, double max, double min, int samples, int early, int lost, int errors)
    {
        /** @return whether it fell short of the goal in any way. */
        boolean bad()
        {
            return early > 0 || lost > 0 || errors > 0 || p99 > GOAL_US;
        }

        /** @return "p50 / p99 / max" in ms, then the sample count, then any failures. */
        String text()
        {
            final StringBuilder sb = new StringBuilder();
            sb.append(samples == 0 ? "-" : ms(p50) + " / " + ms(p99) + " / " + ms(max)).append(" (").append(samples).append(')');
            if (early > 0)
            {
                sb.append(" EARLY ").append(early);
            }
            if (lost > 0)
            {
                sb.append(" LOST ").append(lost);
            }
            if (errors > 0)
            {
                sb.append(" FAILED ").append(errors);
            }
            return sb.toString();
        }
    }

    /**
     * @param variant   runtime (Spindle: one per idle mode).
     * @param peer      the peer that ran it.
     * @param condition idle or load.
     * @param cells     kind to figures, in {@link #KINDS} order.
     */
    record Line(String variant, String peer, String condition, Map<String, Cell> cells)
    {
        int total(final java.util.function.ToIntFunction<Cell> f)
        {
            return cells.values().stream().mapToInt(f).sum();
        }
    }

    private TimerLines()
    {
    }

    /** @param us microseconds @return milliseconds with two or three significant digits. */
    static String ms(final double us)
    {
        final double ms = us / 1000;
        if (Double.isNaN(ms))
        {
            return "-";
        }
        final double a = Math.abs(ms);
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", ms) : a >= 10 ? String.format(Locale.ROOT, "%.1f", ms) :
            a >= 1 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%.3f", ms);
    }

    /**
     * @param report a run.
     * @return the timers case's lines, variants in peer order, idle before load.
     */
    static List<Line> of(final Report report)
    {
        final List<Line> lines = new ArrayList<>();
        for (final String peer : report.peers())
        {
            final Row row = report.row("timers", peer);
            if (row == null)
            {
                continue;
            }
            final Map<String, Double> x = row.result().extra();
            final List<String> variants = new ArrayList<>();
            for (final String k : x.keySet())
            {
                final String[] parts = k.split("/");
                if (parts.length == 4 && !variants.contains(parts[0]))
                {
                    variants.add(parts[0]);
                }
            }
            for (final String v : variants)
            {
                for (final String condition : List.of("idle", "load"))
                {
                    final Map<String, Cell> cells = new LinkedHashMap<>();
                    for (final String kind : KINDS)
                    {
                        final String p = v + "/" + condition + "/" + kind + "/";
                        if (x.containsKey(p + "samples"))
                        {
                            cells.put(kind, new Cell(x.getOrDefault(p + "p50_us", Double.NaN), x.getOrDefault(p + "p99_us", Double.NaN),
                                x.getOrDefault(p + "max_us", Double.NaN), x.getOrDefault(p + "min_us", Double.NaN),
                                (int)(double)x.get(p + "samples"), count(x, p + "early_count"), count(x, p + "lost_count"),
                                count(x, p + "error_count")));
                        }
                    }
                    if (!cells.isEmpty())
                    {
                        lines.add(new Line(v, peer, condition, cells));
                    }
                }
            }
        }
        return lines;
    }

    private static int count(final Map<String, Double> x, final String key)
    {
        return (int)(double)x.getOrDefault(key, 0.0);
    }

    /**
     * @param report a run.
     * @return one loud line per variant, condition and kind that had an early, lost or failed timer.
     */
    static List<String> alarms(final Report report)
    {
        final List<String> out = new ArrayList<>();
        for (final Line l : of(report))
        {
            for (final Map.Entry<String, Cell> e : l.cells().entrySet())
            {
                final Cell c = e.getValue();
                final String where = l.variant() + " " + l.condition() + " " + e.getKey();
                if (c.early() > 0)
                {
                    out.add(String.format(Locale.ROOT, "!!! TIMERS EARLY: %s: %d of %d fired before the deadline (earliest %s ms early)",
                        where, c.early(), c.samples(), ms(-c.min())));
                }
                if (c.lost() > 0)
                {
                    out.add(String.format(Locale.ROOT, "!!! TIMERS LOST: %s: %d did not fire (or the waiting actor did not run) within the bound",
                        where, c.lost()));
                }
                if (c.errors() > 0)
                {
                    out.add(String.format(Locale.ROOT, "!!! TIMERS FAILED: %s: %d waits ended otherwise than by a timeout", where, c.errors()));
                }
            }
        }
        return out;
    }
}
