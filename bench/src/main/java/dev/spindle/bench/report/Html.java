package dev.spindle.bench.report;

import dev.spindle.bench.cases.Result;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders report.html: one self-contained page (tables in HTML; charts drawn by uPlot, whose
 * script and stylesheet the build unpacks from the uPlot WebJar into the jar and this class inlines
 * with the chart code, {@code report/charts.js}), so it opens from disk with no network.
 *
 * <p>Every runtime keeps one colour on every chart ({@link #color}); every chart says whether lower
 * or higher is better and uses a log scale when its values span more than 100x.
 */
final class Html
{
    /** Values spanning more than this factor get a log scale. */
    static final double LOG_SPAN = 100;

    /** One colour per runtime, the same on every chart; Spindle and its variants in reds. */
    private static final Map<String, String> COLORS = Map.ofEntries(
        Map.entry("spindle", "#d62728"), Map.entry("spindle-backoff", "#d62728"), Map.entry("spindle-spin", "#8c1515"),
        Map.entry("spindle-park", "#f4858e"), Map.entry("spindle-javaq", "#ff7f0e"), Map.entry("spindle-vt", "#e377c2"),
        Map.entry("spindle-preempt", "#c2185b"),
        Map.entry("vthreads", "#1f77b4"),
        Map.entry("pekko", "#2ca02c"), Map.entry("pekko-affinity", "#98c379"), Map.entry("limit", "#7f7f7f"),
        Map.entry("erlang", "#9467bd"));
    private static final String[] SPARE = {"#17becf", "#bcbd22", "#8c564b", "#aec7e8"};

    private Html()
    {
    }

    /** @param runtime a peer or variant name @return its colour. */
    static String color(final String runtime)
    {
        final String c = COLORS.get(runtime);
        return c != null ? c : SPARE[Math.floorMod(runtime.hashCode(), SPARE.length)];
    }

    private static String h(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** @param path a resource the build put in the jar @return its text. */
    static String resource(final String path)
    {
        try (InputStream in = Html.class.getResourceAsStream(path))
        {
            if (in == null)
            {
                throw new IllegalStateException(path + " is not on the class path: build the bench module with Maven " +
                    "(it unpacks uPlot from its WebJar at build time)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static final String STYLE = String.join("",
        "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1160px;padding:0 16px;color:#222}",
        "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}",
        "h3{font-size:15px;margin:18px 0 6px}.sub{color:#555;margin:0 0 12px}.note{color:#555;font-size:13px;margin:4px 0 8px}",
        ".banner{border-radius:6px;padding:10px 14px;margin:12px 0;font-weight:600}",
        ".warn{background:#fff4d6;border:1px solid #e0b030;color:#6b4c00}.alarm{background:#fde2e2;border:1px solid #d33;color:#8a1010}",
        ".banner ul{margin:6px 0 0;padding-left:20px;font-weight:400}",
        "table{border-collapse:collapse;margin:6px 0 4px;font-size:13px;width:100%}",
        "th,td{border:1px solid #ddd;padding:3px 6px;text-align:right;white-space:nowrap}",
        "th{background:#f5f5f5;font-weight:600;white-space:normal;vertical-align:bottom}",
        "td.l,th.l{text-align:left}td.na{color:#999}td.bad{color:#b00;font-weight:600}td.best{font-weight:700}",
        "td.good{color:#17622a}td.worse{color:#a02020}small{color:#777}",
        ".sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}",
        ".key{display:flex;flex-wrap:wrap;gap:4px 14px;margin:6px 0 12px;font-size:13px}",
        ".grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px 22px}",
        ".chart{min-width:0}.chart .t{font-weight:600;font-size:13px}.chart .b{color:#666;font-weight:400}",
        ".wide{grid-column:1/-1}.kv td{white-space:normal;text-align:left}.kv th{text-align:left;width:30%}",
        ".u-legend{font-size:12px}.u-legend .u-series>*{padding:2px 4px}");

    static String render(final Report report)
    {
        final List<Map<String, Object>> charts = new ArrayList<>();
        final StringBuilder sb = new StringBuilder(200_000);
        final Map<String, String> m = report.machine();
        sb.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Spindle benchmark report</title><style>")
            .append(resource("/report/uplot/uPlot.min.css")).append(STYLE).append("</style></head><body>");
        sb.append("<h1>Spindle benchmark report</h1><p class=\"sub\">").append(h(m.getOrDefault("cpu", "?"))).append(" &middot; ")
            .append(h(m.getOrDefault("cpus used", "?"))).append(" &middot; idle strategy ").append(h(m.getOrDefault("idle strategy", "?")))
            .append(" &middot; ").append(h(m.getOrDefault("sizes", "?"))).append(" sizes &middot; runs per case: ")
            .append(h(m.getOrDefault("runs per case", "1"))).append(" &middot; load average ")
            .append(h(m.getOrDefault("load average at start", "?"))).append(" at the start, ")
            .append(h(m.getOrDefault("load average at end", "?"))).append(" at the end</p>");
        if (m.containsKey("warning"))
        {
            sb.append("<div class=\"banner warn\">Warning: ").append(h(m.get("warning"))).append(". Compare these figures only with runs on a quiet machine.</div>");
        }
        final Map<String, List<String>> failures = timerFailures(report);
        if (!failures.isEmpty())
        {
            sb.append("<div class=\"banner alarm\">Timers fired early, were lost or failed (see Timers below)<ul>");
            failures.forEach((variant, what) -> sb.append("<li><b>").append(h(variant)).append("</b>: ").append(h(String.join("; ", what)))
                .append("</li>"));
            sb.append("</ul></div>");
        }
        results(report, sb);
        timers(report, sb, charts);
        fairness(report, sb);
        sb.append("<h2>Charts</h2><p class=\"note\">One colour per runtime on every chart:</p><div class=\"key\">");
        for (final String p : runtimes(report))
        {
            sb.append("<span><span class=\"sw\" style=\"background:").append(color(p)).append("\"></span>").append(h(p)).append("</span>");
        }
        sb.append("</div><div class=\"grid\">");
        for (final String c : List.of("pingpong-same", "pingpong-cross", "fairness", "fairness-hogs"))
        {
            percentiles(report, c, sb, charts);
        }
        for (final String c : report.cases())
        {
            bars(report, c, null, sb, charts);
        }
        bars(report, "spawn", "bytes_per_process", sb, charts);
        sb.append("</div>");
        placement(report, sb);
        sb.append("<h2>Machine and run</h2><table class=\"kv\">");
        for (final Map.Entry<String, String> e : m.entrySet())
        {
            sb.append("<tr><th>").append(h(e.getKey())).append("</th><td>").append(h(e.getValue())).append("</td></tr>");
        }
        sb.append("</table>");
        sb.append("<script>").append(resource("/report/uplot/uPlot.iife.min.js")).append("</script>");
        sb.append("<script>const CHARTS = ").append(Json.of(charts).replace("</", "<\\/")).append(";</script>");
        sb.append("<script>").append(resource("/report/charts.js")).append("</script>");
        return sb.append("</body></html>\n").toString();
    }

    /** @return per runtime variant, its early, lost and failed timers, e.g. "under load: receive lost 1". */
    private static Map<String, List<String>> timerFailures(final Report report)
    {
        final Map<String, List<String>> out = new LinkedHashMap<>();
        for (final TimerLines.Line l : TimerLines.of(report))
        {
            final List<String> what = new ArrayList<>();
            l.cells().forEach((kind, c) ->
            {
                final String name = kind.equals("sendafter") ? "sendAfter" : kind;
                if (c.early() > 0)
                {
                    what.add(name + " early " + c.early());
                }
                if (c.lost() > 0)
                {
                    what.add(name + " lost " + c.lost());
                }
                if (c.errors() > 0)
                {
                    what.add(name + " failed " + c.errors());
                }
            });
            if (!what.isEmpty())
            {
                out.computeIfAbsent(l.variant(), v -> new ArrayList<>())
                    .add((l.condition().equals("idle") ? "after idle gaps: " : "under load: ") + String.join(", ", what));
            }
        }
        return out;
    }

    /** @return every runtime that has a figure anywhere, in peer order, Spindle's idle variants after Spindle. */
    private static List<String> runtimes(final Report report)
    {
        final List<String> out = new ArrayList<>();
        for (final String p : report.peers())
        {
            if (report.rows().stream().anyMatch(r -> r.peer().equals(p) && r.result().ok()))
            {
                out.add(p);
            }
            if (p.equals("spindle"))
            {
                TimerLines.of(report).stream().map(TimerLines.Line::variant).filter(v -> !report.peers().contains(v)).distinct()
                    .forEach(out::add);
            }
        }
        return out;
    }

    private static void results(final Report report, final StringBuilder sb)
    {
        sb.append("<h2>Results</h2><p class=\"note\">One figure per case and runtime; <b>lower is better</b> except where the unit says ")
            .append("&uarr; (rates). Bold: the best in its row.");
        if (report.rows().stream().anyMatch(r -> r.result().extra().containsKey(Result.RUNS)))
        {
            sb.append(" Each figure is the median of the runs; &plusmn;: the larger distance from the median to the min or max run.");
        }
        sb.append("</p><table><tr><th class=\"l\">case</th><th class=\"l\">unit</th>");
        for (final String p : report.peers())
        {
            sb.append("<th><span class=\"sw\" style=\"background:").append(color(p)).append("\"></span>").append(h(p)).append("</th>");
        }
        sb.append("</tr>");
        for (final String c : report.cases())
        {
            Row any = null;
            double best = Double.NaN;
            for (final String p : report.peers())
            {
                final Row r = report.row(c, p);
                if (r != null)
                {
                    any = r;
                    if (r.result().ok())
                    {
                        final double v = r.result().value();
                        best = Double.isNaN(best) ? v : r.lowerIsBetter() ? Math.min(best, v) : Math.max(best, v);
                    }
                }
            }
            if (any == null)
            {
                continue;
            }
            sb.append("<tr><td class=\"l\">").append(h(c)).append("</td><td class=\"l\">").append(h(any.unit()))
                .append(any.lowerIsBetter() ? "" : " &uarr;").append("</td>");
            for (final String p : report.peers())
            {
                final Row r = report.row(c, p);
                final String cls = r == null || !r.result().ok() ? (r != null && isFailure(r.result().note()) ? "bad" : "na") :
                    r.result().value() == best ? "best" : "";
                sb.append("<td class=\"").append(cls).append("\">").append(h(Report.cell(r))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</table>");
        sb.append("<h3>Spindle relative to each peer</h3><p class=\"note\">Spindle's cost divided by the peer's (rates inverted): ")
            .append("<b>below 1.00x Spindle is better</b>.</p><table><tr><th class=\"l\">case</th>");
        final List<String> others = report.peers().stream().filter(p -> !p.equals("spindle")).toList();
        others.forEach(p -> sb.append("<th>spindle / ").append(h(p)).append("</th>"));
        sb.append("</tr>");
        for (final String c : report.cases())
        {
            sb.append("<tr><td class=\"l\">").append(h(c)).append("</td>");
            for (final String p : others)
            {
                final double ratio = report.ratio(c, p);
                sb.append("<td class=\"").append(Double.isNaN(ratio) ? "na" : ratio < 1 ? "good" : "worse").append("\">")
                    .append(Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio)).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</table>");
    }

    private static boolean isFailure(final String note)
    {
        return note != null && (note.startsWith("timeout") || note.startsWith("starved") || note.startsWith("error") || note.contains("lost") || note.contains("early") ||
            note.contains("failed"));
    }

    private static void fairness(final Report report, final StringBuilder sb)
    {
        final List<FairnessLines.Line> lines = FairnessLines.of(report);
        if (lines.isEmpty())
        {
            return;
        }
        sb.append("<h2>Fairness: ping-pong beside CPU hogs</h2><p class=\"note\">Round trip of a ping-pong pair without and with ")
            .append("2 x schedulers hogs; <b>lower is better</b>. fairness: the hogs give way every 20 us; fairness-hogs: plain ")
            .append("loops that never call the runtime, so only a preempting runtime lets the ping-pong through (starved: not one ")
            .append("round trip within the bound). The hogs' CPU share: their iterations during the loaded half over what one loop ")
            .append("does alone in the CPU time the runtime's process used meanwhile; a low p99 bought by starving the hogs shows ")
            .append("as a low share.</p>");
        sb.append("<table><tr><th class=\"l\">case</th><th class=\"l\">runtime</th>");
        FairnessLines.HEADERS.forEach(x -> sb.append("<th>").append(h(x)).append("</th>"));
        sb.append("</tr>");
        for (final FairnessLines.Line l : lines)
        {
            sb.append("<tr><td class=\"l\">").append(h(l.caseName())).append("</td><td class=\"l\"><span class=\"sw\" style=\"background:")
                .append(color(l.peer())).append("\"></span>").append(h(l.peer())).append("</td>");
            final List<String> cells = l.cells();
            for (int i = 0; i < cells.size(); i++)
            {
                final boolean failed = l.note() != null && (i == 2 || i == 3);
                sb.append("<td class=\"").append(failed ? "bad" : "").append("\">").append(h(cells.get(i))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</table>");
        final String goal = FairnessLines.goal(report);
        if (goal != null)
        {
            sb.append("<p class=\"note\">").append(h(goal)).append("</p>");
        }
    }

    private static void timers(final Report report, final StringBuilder sb, final List<Map<String, Object>> charts)
    {
        final List<TimerLines.Line> lines = TimerLines.of(report);
        if (lines.isEmpty())
        {
            return;
        }
        sb.append("<h2>Timers: lateness past the deadline</h2><p class=\"note\">Milliseconds after the deadline until the waiting code ran: ")
            .append("p50 / p99 / max of the timers that fired (their count in brackets). <b>Lower is better</b>; the goal is p99 within ")
            .append("one 1 ms wheel tick, none early, none lost. Red: short of the goal.</p>");
        sb.append("<table><tr><th class=\"l\">runtime</th><th class=\"l\">after</th>");
        TimerLines.HEADERS.forEach(x -> sb.append("<th>").append(h(x)).append("</th>"));
        sb.append("<th>early</th><th>lost</th></tr>");
        for (final TimerLines.Line l : lines)
        {
            sb.append("<tr><td class=\"l\"><span class=\"sw\" style=\"background:").append(color(l.variant())).append("\"></span>")
                .append(h(l.variant())).append("</td><td class=\"l\">").append(l.condition().equals("idle") ? "idle gaps" : "under load").append("</td>");
            for (final String k : TimerLines.KINDS)
            {
                final TimerLines.Cell c = l.cells().get(k);
                sb.append("<td class=\"").append(c == null ? "na" : c.bad() ? "bad" : "").append("\">").append(c == null ? "n/a" : h(c.text()))
                    .append("</td>");
            }
            final int early = l.total(TimerLines.Cell::early);
            final int lost = l.total(TimerLines.Cell::lost);
            sb.append("<td class=\"").append(early > 0 ? "bad" : "").append("\">").append(early).append("</td><td class=\"")
                .append(lost > 0 ? "bad" : "").append("\">").append(lost).append("</td></tr>");
        }
        sb.append("</table>");
        // The p99s as dots per runtime, against the 1 ms goal.
        final List<String> categories = new ArrayList<>();
        for (final String condition : List.of("idle", "load"))
        {
            for (final String k : TimerLines.KINDS)
            {
                categories.add((condition.equals("idle") ? "idle " : "load ") + (k.equals("sendafter") ? "sendAfter" : k));
            }
        }
        final List<Map<String, Object>> series = new ArrayList<>();
        final List<Double> all = new ArrayList<>();
        final Map<String, Double[]> byVariant = new LinkedHashMap<>();
        for (final TimerLines.Line l : lines)
        {
            final Double[] v = byVariant.computeIfAbsent(l.variant(), x -> new Double[categories.size()]);
            final int base = l.condition().equals("idle") ? 0 : TimerLines.KINDS.size();
            for (int i = 0; i < TimerLines.KINDS.size(); i++)
            {
                final TimerLines.Cell c = l.cells().get(TimerLines.KINDS.get(i));
                if (c != null && c.samples() > 0)
                {
                    v[base + i] = Math.max(c.p99(), 1.0) / 1000; // ms; a log axis needs > 0
                    all.add(v[base + i]);
                }
            }
        }
        byVariant.forEach((name, values) -> series.add(series(name, color(name), values, null)));
        final Double[] goal = new Double[categories.size()];
        java.util.Arrays.fill(goal, TimerLines.GOAL_US / 1000);
        series.add(series("goal: 1 ms", "#555", goal, List.of(6, 4)));
        all.add(TimerLines.GOAL_US / 1000);
        final Map<String, Object> spec = chart("timers-p99", "dots", "p99 lateness, ms", categories, log(all));
        spec.put("series", series);
        spec.put("height", 340);
        charts.add(spec);
        sb.append("<div class=\"chart\"><div class=\"t\">Timer p99 lateness per runtime <span class=\"b\">&middot; ms, lower is better; ")
            .append("timers that fired (lost ones are missing here, counted above)</span></div><div id=\"timers-p99\"></div></div>");
    }

    private static Map<String, Object> series(final String name, final String color, final Double[] values, final List<Integer> dash)
    {
        final Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("color", color);
        s.put("values", java.util.Arrays.asList(values));
        if (dash != null)
        {
            s.put("dash", dash);
        }
        return s;
    }

    private static Map<String, Object> chart(final String id, final String kind, final String unit, final List<String> categories,
        final boolean log)
    {
        final Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("id", id);
        spec.put("kind", kind);
        spec.put("unit", unit);
        spec.put("log", log);
        spec.put("categories", categories);
        return spec;
    }

    /** @param values figures @return whether they span more than {@link #LOG_SPAN}. */
    static boolean log(final List<Double> values)
    {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (final Double v : values)
        {
            if (v != null && v > 0 && !v.isInfinite())
            {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return hi > 0 && hi / lo > LOG_SPAN;
    }

    private static void percentiles(final Report report, final String c, final StringBuilder sb, final List<Map<String, Object>> charts)
    {
        final List<Map<String, Object>> series = new ArrayList<>();
        final List<Double> all = new ArrayList<>();
        List<String> categories = null;
        for (final String p : report.peers())
        {
            final Row r = report.row(c, p);
            if (r == null || !r.result().ok() || r.result().curve().length == 0)
            {
                continue;
            }
            final double[][] curve = r.result().curve();
            if (categories == null)
            {
                categories = new ArrayList<>();
                for (final double[] pt : curve)
                {
                    categories.add("p" + Report.fmt(pt[0]).replaceAll("\\.00$", "").replaceAll("(\\.\\d)0$", "$1"));
                }
            }
            final Double[] v = new Double[categories.size()];
            for (int i = 0; i < v.length && i < curve.length; i++)
            {
                v[i] = Math.max(1, curve[i][1]);
                all.add(v[i]);
            }
            series.add(series(p, color(p), v, null));
        }
        if (series.isEmpty())
        {
            return;
        }
        final String id = "pct-" + c;
        final Map<String, Object> spec = chart(id, "lines", "ns", categories, log(all));
        spec.put("series", series);
        charts.add(spec);
        sb.append("<div class=\"chart\"><div class=\"t\">").append(h(c)).append(": latency by percentile <span class=\"b\">&middot; ns, lower is better")
            .append(c.equals("fairness") ? ", with CPU-bound processes running" : c.equals("fairness-hogs") ? ", with plain CPU loops running" : "").append("</span></div><div id=\"").append(id).append("\"></div></div>");
    }

    private static void bars(final Report report, final String c, final String extra, final StringBuilder sb, final List<Map<String, Object>> charts)
    {
        final List<String> names = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        final List<String> colors = new ArrayList<>();
        Row any = null;
        for (final String p : report.peers())
        {
            final Row r = report.row(c, p);
            if (r != null && r.result().ok())
            {
                final Double v = extra == null ? r.result().value() : r.result().extra().get(extra);
                if (v != null && !v.isNaN())
                {
                    names.add(p);
                    values.add(v);
                    colors.add(color(p));
                    any = r;
                }
            }
        }
        if (names.size() < 2)
        {
            return; // one bar compares nothing (placement is Spindle only: its own table)
        }
        final String unit = extra == null ? any.unit() : "bytes per process";
        final boolean lower = extra != null || any.lowerIsBetter();
        final String id = "bar-" + c + (extra == null ? "" : "-" + extra);
        final Map<String, Object> spec = chart(id, "bars", unit, names, log(values));
        spec.put("values", values);
        spec.put("colors", colors);
        charts.add(spec);
        sb.append("<div class=\"chart\"><div class=\"t\">").append(h(c)).append(extra == null ? "" : ": heap per waiting process")
            .append(" <span class=\"b\">&middot; ").append(h(unit)).append(", ").append(lower ? "lower" : "higher").append(" is better")
            .append(extra == null && report.rows().stream().anyMatch(r -> r.result().extra().containsKey(Result.RUNS)) ? ", median of the runs" : "")
            .append("</span></div><div id=\"").append(id).append("\"></div></div>");
    }

    private static void placement(final Report report, final StringBuilder sb)
    {
        final Row r = report.row("placement", "spindle");
        if (r == null || r.result().extra().isEmpty())
        {
            return;
        }
        sb.append("<h2>Placement: bind policy &times; idle strategy (Spindle)</h2><p class=\"note\">Lower is better in every column.</p>")
            .append("<table><tr><th class=\"l\">policy / idle</th><th>wake-up latency (us, median)</th><th>CPU while idle (% of a core)</th>")
            .append("<th>ping-pong round trip (ns)</th></tr>");
        final java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (final String k : r.result().extra().keySet())
        {
            if (k.indexOf(' ') > 0)
            {
                keys.add(k.substring(0, k.indexOf(' ')));
            }
        }
        for (final String k : keys)
        {
            final Map<String, Double> x = r.result().extra();
            sb.append("<tr><td class=\"l\">").append(h(k)).append("</td><td>").append(Report.fmt(x.getOrDefault(k + " wake_us", Double.NaN)))
                .append("</td><td>").append(Report.fmt(x.getOrDefault(k + " idle_cpu_pct", Double.NaN)))
                .append("</td><td>").append(Report.fmt(x.getOrDefault(k + " pingpong_ns", Double.NaN))).append("</td></tr>");
        }
        sb.append("</table>");
    }

    /** A minimal JSON writer for the chart specs: maps, lists, strings, numbers (NaN as null), booleans. */
    static final class Json
    {
        private Json()
        {
        }

        static String of(final Object o)
        {
            final StringBuilder sb = new StringBuilder();
            write(o, sb);
            return sb.toString();
        }

        private static void write(final Object o, final StringBuilder sb)
        {
            if (o == null)
            {
                sb.append("null");
            }
            else if (o instanceof Map<?, ?> map)
            {
                sb.append('{');
                boolean first = true;
                for (final Map.Entry<?, ?> e : map.entrySet())
                {
                    sb.append(first ? "" : ",");
                    write(String.valueOf(e.getKey()), sb);
                    sb.append(':');
                    write(e.getValue(), sb);
                    first = false;
                }
                sb.append('}');
            }
            else if (o instanceof List<?> list)
            {
                sb.append('[');
                for (int i = 0; i < list.size(); i++)
                {
                    sb.append(i == 0 ? "" : ",");
                    write(list.get(i), sb);
                }
                sb.append(']');
            }
            else if (o instanceof Number n)
            {
                sb.append(Report.json(n.doubleValue()));
            }
            else if (o instanceof Boolean b)
            {
                sb.append(b);
            }
            else
            {
                final String s = o.toString();
                sb.append('"');
                for (int i = 0; i < s.length(); i++)
                {
                    final char ch = s.charAt(i);
                    switch (ch)
                    {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        default ->
                        {
                            if (ch < 0x20)
                            {
                                sb.append(String.format(Locale.ROOT, "\\u%04x", (int)ch));
                            }
                            else
                            {
                                sb.append(ch);
                            }
                        }
                    }
                }
                sb.append('"');
            }
        }
    }
}
