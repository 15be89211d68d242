package dev.spindle.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the report page: tables plus inline SVG charts; opens from disk with no network. */
final class Html
{
    private static final String[] COLORS = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"};

    private Html()
    {
    }

    private static String h(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String render(final Report report)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Spindle benchmark report</title><style>")
            .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
            .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
            .append("h2{margin-top:2em}.note{color:#666}svg{background:#fafafa;border:1px solid #eee}</style></head><body>")
            .append("<h1>Spindle benchmark report</h1>");
        sb.append("<h2>Machine and run</h2><table>");
        for (final Map.Entry<String, String> e : report.machine().entrySet())
        {
            sb.append("<tr><th>").append(h(e.getKey())).append("</th><td style=\"text-align:left\">").append(h(e.getValue())).append("</td></tr>");
        }
        sb.append("</table>");
        sb.append("<h2>Results</h2><p class=\"note\">spindle/peer: Spindle's cost relative to the peer; below 1.00x Spindle is better.</p><table><tr><th>case</th><th>unit</th>");
        for (final String p : report.peers())
        {
            sb.append("<th>").append(h(p)).append("</th>");
        }
        for (final String p : report.peers())
        {
            if (!p.equals("spindle"))
            {
                sb.append("<th>spindle/").append(h(p)).append("</th>");
            }
        }
        sb.append("</tr>");
        for (final String c : report.cases())
        {
            String unit = "";
            for (final Row r : report.rows())
            {
                if (r.caseName().equals(c))
                {
                    unit = r.unit();
                }
            }
            sb.append("<tr><td>").append(h(c)).append("</td><td>").append(h(unit)).append("</td>");
            for (final String p : report.peers())
            {
                final Row r = report.row(c, p);
                sb.append("<td>").append(r == null ? "-" : r.result().ok() ? Report.fmt(r.result().value()) : h(r.result().note())).append("</td>");
            }
            for (final String p : report.peers())
            {
                if (!p.equals("spindle"))
                {
                    final double ratio = report.ratio(c, p);
                    sb.append("<td>").append(Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio)).append("</td>");
                }
            }
            sb.append("</tr>");
        }
        sb.append("</table>");

        sb.append("<h2>Ping-pong latency percentiles</h2>");
        for (final String c : List.of("pingpong-same", "pingpong-cross", "fairness"))
        {
            sb.append(percentiles(report, c));
        }
        sb.append("<h2>Nanoseconds per hop</h2>").append(bars(report, "ring", null)).append(bars(report, "threadring", null));
        sb.append("<h2>Spawn: bytes per waiting process</h2>").append(bars(report, "spawn", "bytes_per_process"));
        sb.append(placement(report));
        sb.append("<h2>Every case</h2>");
        for (final String c : report.cases())
        {
            sb.append(bars(report, c, null));
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static String placement(final Report report)
    {
        final Row r = report.row("placement", "spindle");
        if (r == null || r.result().extra().isEmpty())
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder("<h2>Placement: bind policy x idle strategy (Spindle)</h2>")
            .append("<table><tr><th>policy/idle</th><th>wake-up latency (us, median)</th><th>CPU while idle (% of a core)</th><th>ping-pong (ns)</th></tr>");
        final java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (final String k : r.result().extra().keySet())
        {
            keys.add(k.substring(0, k.indexOf(' ')));
        }
        for (final String k : keys)
        {
            final Map<String, Double> x = r.result().extra();
            sb.append("<tr><td>").append(h(k)).append("</td><td>").append(Report.fmt(x.getOrDefault(k + " wake_us", Double.NaN)))
                .append("</td><td>").append(Report.fmt(x.getOrDefault(k + " idle_cpu_pct", Double.NaN)))
                .append("</td><td>").append(Report.fmt(x.getOrDefault(k + " pingpong_ns", Double.NaN))).append("</td></tr>");
        }
        return sb.append("</table>").toString();
    }

    private static String percentiles(final Report report, final String c)
    {
        final List<Row> rows = new ArrayList<>();
        double max = 1;
        for (final String p : report.peers())
        {
            final Row r = report.row(c, p);
            if (r != null && r.result().ok() && r.result().curve().length > 0)
            {
                rows.add(r);
                for (final double[] pt : r.result().curve())
                {
                    max = Math.max(max, pt[1]);
                }
            }
        }
        if (rows.isEmpty())
        {
            return "";
        }
        final int w = 640;
        final int hgt = 300;
        final double logMax = Math.log10(max) + 0.2;
        final StringBuilder sb = new StringBuilder("<h3>" + h(c) + " (ns, log scale; x: percentile)</h3><svg width=\"" + w + "\" height=\"" + (hgt + 40) + "\">");
        final double[] xs = {10, 50, 90, 99, 99.9, 99.99};
        for (int i = 0; i < xs.length; i++)
        {
            final double x = 50 + i * (w - 100) / (xs.length - 1.0);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">p%s</text>", x, hgt + 15, Report.fmt(xs[i])));
        }
        for (int d = 1; d <= (int)Math.ceil(logMax); d++)
        {
            final double y = hgt - hgt * d / logMax;
            sb.append(String.format(Locale.ROOT, "<line x1=\"45\" x2=\"%d\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#ddd\"/><text x=\"40\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">1e%d</text>", w - 40, y, y, y + 3, d));
        }
        int k = 0;
        for (final Row r : rows)
        {
            final StringBuilder pts = new StringBuilder();
            final double[][] curve = r.result().curve();
            for (int i = 0; i < curve.length; i++)
            {
                final double x = 50 + i * (w - 100) / (curve.length - 1.0);
                final double y = hgt - hgt * Math.log10(Math.max(1, curve[i][1])) / logMax;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            final String color = COLORS[k % COLORS.length];
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"").append(pts).append("\"/>");
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>", w - 150, 15 + 14 * k, color, h(r.peer())));
            k++;
        }
        return sb.append("</svg>").toString();
    }

    private static String bars(final Report report, final String c, final String extra)
    {
        final List<String> names = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        String unit = "";
        for (final String p : report.peers())
        {
            final Row r = report.row(c, p);
            if (r != null && r.result().ok())
            {
                final Double v = extra == null ? r.result().value() : r.result().extra().get(extra);
                if (v != null)
                {
                    names.add(p);
                    values.add(v);
                    unit = extra == null ? r.unit() : "bytes";
                }
            }
        }
        if (names.isEmpty())
        {
            return "";
        }
        final double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        final int rowH = 22;
        final StringBuilder sb = new StringBuilder("<h3>" + h(c) + (extra == null ? "" : " " + h(extra)) + " (" + h(unit) + ")</h3><svg width=\"640\" height=\"" + (names.size() * rowH + 10) + "\">");
        for (int i = 0; i < names.size(); i++)
        {
            final double wbar = max <= 0 ? 0 : 420 * values.get(i) / max;
            final String color = names.get(i).startsWith("spindle") ? COLORS[0] : COLORS[1 + i % (COLORS.length - 1)];
            sb.append(String.format(Locale.ROOT, "<text x=\"110\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>", i * rowH + 16, h(names.get(i))))
                .append(String.format(Locale.ROOT, "<rect x=\"115\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>", i * rowH + 4, wbar, color))
                .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>", 120 + wbar, i * rowH + 16, Report.fmt(values.get(i))));
        }
        return sb.append("</svg>").toString();
    }
}
