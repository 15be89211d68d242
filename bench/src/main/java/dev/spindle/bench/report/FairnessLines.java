package dev.spindle.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fairness cases' figures side by side, one line per case and runtime: the ping-pong without
 * and with hogs, their ratio and the hogs' CPU share (keys as {@code cases.Fairness} and
 * {@code cases.FairnessHogs} write them); and the fairness-hogs goal from the preemption issue.
 */
final class FairnessLines
{
    /** The cases tabulated, in this order. */
    static final List<String> CASES = List.of("fairness", "fairness-hogs");
    /** Column headers after case and runtime. */
    static final List<String> HEADERS = List.of("p50 without hogs", "p99 without hogs", "p50 with hogs", "p99 with hogs",
        "p99 with / without", "hogs' CPU share");
    /** The goal: p99 with hogs at most this many times p99 without. */
    static final double GOAL_RATIO = 5;
    /** The runtime the goal is about: Spindle with the hogs' loops rewritten by the preemption agent. */
    static final String SUBJECT = "spindle-preempt";

    /**
     * @param caseName case.
     * @param peer     runtime.
     * @param note     why there is no figure with hogs (starved, timeout, ...), or null.
     * @param x        the row's extras.
     * @param p99With  p99 with hogs, ns (NaN when none).
     */
    record Line(String caseName, String peer, String note, Map<String, Double> x, double p99With)
    {
        double get(final String key)
        {
            final Double v = x.get(key);
            return v == null ? Double.NaN : v;
        }

        /** @return the cells under {@link #HEADERS}. */
        List<String> cells()
        {
            final double share = get("hog_cpu_share");
            return List.of(time(get("median_without_ns")), time(get("p99_without_ns")),
                note != null ? note : time(get("median_ns")), note != null ? note : time(p99With),
                Double.isNaN(get("ratio_with_over_without")) ? "-" : String.format(Locale.ROOT, "%.1fx", get("ratio_with_over_without")),
                Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * share));
        }
    }

    private FairnessLines()
    {
    }

    /** @param ns nanoseconds @return "951 ns", "42.9 us" or "9.94 ms". */
    static String time(final double ns)
    {
        if (Double.isNaN(ns))
        {
            return "-";
        }
        return ns < 1_000 ? String.format(Locale.ROOT, "%.0f ns", ns) : ns < 1_000_000 ? String.format(Locale.ROOT, "%.1f us", ns / 1e3) :
            String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
    }

    /**
     * @param report a run.
     * @return a line per fairness case and runtime that measured something (n/a and absent left out).
     */
    static List<Line> of(final Report report)
    {
        final List<Line> lines = new ArrayList<>();
        for (final String c : CASES)
        {
            if (!report.cases().contains(c))
            {
                continue;
            }
            for (final String p : report.peers())
            {
                final Row r = report.row(c, p);
                if (r == null || !r.result().ok() && !r.result().extra().containsKey("p99_without_ns"))
                {
                    continue;
                }
                lines.add(new Line(c, p, r.result().ok() ? null : r.result().note(), r.result().extra(),
                    r.result().ok() ? r.result().value() : Double.NaN));
            }
        }
        return lines;
    }

    /**
     * @param report a run.
     * @return the fairness-hogs goal and whether this run met each part, or null when the case or
     *         its subject did not run.
     */
    static String goal(final Report report)
    {
        final Row s = report.row("fairness-hogs", SUBJECT);
        if (s == null || s.result().extra().get("p99_without_ns") == null)
        {
            return null;
        }
        final StringBuilder sb = new StringBuilder("fairness-hogs goal (preemption issue), ").append(SUBJECT).append(": ");
        final Map<String, Double> x = s.result().extra();
        if (!s.result().ok())
        {
            sb.append("no p99 with hogs (").append(s.result().note()).append("): not met");
        }
        else
        {
            final double ratio = x.getOrDefault("ratio_with_over_without", Double.NaN);
            sb.append(String.format(Locale.ROOT, "p99 with hogs <= %.0fx p99 without: %.1fx (%s, %s), %s", GOAL_RATIO, ratio,
                time(s.result().value()), time(x.get("p99_without_ns")), ratio <= GOAL_RATIO ? "met" : "not met"));
            final Row e = report.row("fairness-hogs", "erlang");
            if (e != null && e.result().ok())
            {
                sb.append(String.format(Locale.ROOT, "; below erlang's p99: %s vs %s, %s", time(s.result().value()), time(e.result().value()),
                    s.result().value() < e.result().value() ? "met" : "not met"));
            }
            else
            {
                sb.append("; below erlang's p99: erlang has no figure here");
            }
        }
        final double share = x.getOrDefault("hog_cpu_share", Double.NaN);
        sb.append(String.format(Locale.ROOT, "; hogs get most of the CPU (> 50%%): %.0f%%, %s", 100 * share, share > 0.5 ? "met" : "not met"));
        return sb.toString();
    }
}
