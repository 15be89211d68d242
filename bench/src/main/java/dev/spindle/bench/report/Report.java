package dev.spindle.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the rows of a run into the stdout table and the files in the output folder: results.json,
 * results.csv and report.html (one self-contained file: uPlot and the chart code inlined, no network).
 */
public final class Report
{
    private final List<Row> rows;
    private final List<String> cases;
    private final List<String> peers;
    private final Map<String, String> machine;

    /**
     * @param rows    results.
     * @param cases   case order.
     * @param peers   peer order (Spindle first).
     * @param machine name/value pairs describing the machine and run.
     */
    public Report(final List<Row> rows, final List<String> cases, final List<String> peers, final Map<String, String> machine)
    {
        this.rows = rows;
        this.cases = cases;
        this.peers = peers;
        this.machine = machine;
    }

    private Row find(final String c, final String p)
    {
        for (final Row r : rows)
        {
            if (r.caseName().equals(c) && r.peer().equals(p))
            {
                return r;
            }
        }
        return null;
    }

    static String fmt(final double v)
    {
        if (Double.isNaN(v))
        {
            return "-";
        }
        if (Math.abs(v) >= 1e6)
        {
            return String.format(Locale.ROOT, "%.3g M", v / 1e6);
        }
        if (Math.abs(v) >= 100)
        {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** @param r a row or null @return its figure (with the spread of repeated runs), or why there is none. */
    static String cell(final Row r)
    {
        if (r == null)
        {
            return "-";
        }
        return r.result().ok() ? fmt(r.result().value()) + r.result().spread() : r.result().note();
    }

    /**
     * Ratio of Spindle to the peer, oriented so that below 1 means Spindle is better.
     *
     * @param c    case.
     * @param peer peer.
     * @return the ratio, or NaN.
     */
    public double ratio(final String c, final String peer)
    {
        final Row s = find(c, "spindle");
        final Row p = find(c, peer);
        if (s == null || p == null || !s.result().ok() || !p.result().ok() || p.result().value() == 0 || s.result().value() == 0)
        {
            return Double.NaN;
        }
        return s.lowerIsBetter() ? s.result().value() / p.result().value() : p.result().value() / s.result().value();
    }

    /** @param out where the table goes. */
    public void printTable(final PrintStream out)
    {
        final List<String> header = new ArrayList<>(List.of("case", "unit"));
        header.addAll(peers);
        for (final String p : peers)
        {
            if (!p.equals("spindle"))
            {
                header.add("spindle/" + p);
            }
        }
        final List<List<String>> table = new ArrayList<>();
        table.add(header);
        for (final String c : cases)
        {
            final List<String> line = new ArrayList<>();
            line.add(c);
            String unit = "";
            for (final Row r : rows)
            {
                if (r.caseName().equals(c))
                {
                    unit = r.unit() + (r.lowerIsBetter() ? "" : " (higher=better)");
                }
            }
            line.add(unit);
            for (final String p : peers)
            {
                line.add(cell(find(c, p)));
            }
            for (final String p : peers)
            {
                if (!p.equals("spindle"))
                {
                    final double r = ratio(c, p);
                    line.add(Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r));
                }
            }
            table.add(line);
        }
        printAligned(out, table, 2);
        out.println();
        out.println("spindle/peer ratios: spindle's cost relative to the peer's; below 1.00x Spindle is better " +
            "(for rates the ratio is inverted so this still holds).");
        if (rows.stream().anyMatch(r -> r.result().extra().containsKey(dev.spindle.bench.cases.Result.RUNS)))
        {
            out.println("Each figure is the median of the runs; ±: the larger distance from the median to the min or max run.");
        }
    }

    /**
     * Prints the timers case's table, when it ran: lateness per runtime variant and condition.
     *
     * @param out where it goes.
     */
    public void printTimers(final PrintStream out)
    {
        final List<TimerLines.Line> lines = TimerLines.of(this);
        if (lines.isEmpty())
        {
            return;
        }
        final List<List<String>> table = new ArrayList<>();
        final List<String> header = new ArrayList<>(List.of("timers", "after"));
        TimerLines.HEADERS.forEach(header::add);
        header.addAll(List.of("early", "lost"));
        table.add(header);
        for (final TimerLines.Line l : lines)
        {
            final List<String> line = new ArrayList<>(List.of(l.variant(), l.condition().equals("idle") ? "idle gaps" : "under load"));
            for (final String k : TimerLines.KINDS)
            {
                final TimerLines.Cell c = l.cells().get(k);
                line.add(c == null ? "n/a" : c.text());
            }
            line.add(Integer.toString(l.total(TimerLines.Cell::early)));
            line.add(Integer.toString(l.total(TimerLines.Cell::lost)));
            table.add(line);
        }
        out.println();
        out.println("Timer lateness past the deadline, ms: p50 / p99 / max (timers that fired). Lower is better; the goal is " +
            "p99 <= 1 ms, none early, none lost.");
        printAligned(out, table, 2);
    }

    /**
     * Prints the fairness cases' table, when one ran: the ping-pong without and with hogs, the
     * ratio and the hogs' CPU share per runtime; then the fairness-hogs goal and whether it was met.
     *
     * @param out where it goes.
     */
    public void printFairness(final PrintStream out)
    {
        final List<FairnessLines.Line> lines = FairnessLines.of(this);
        if (lines.isEmpty())
        {
            return;
        }
        final List<List<String>> table = new ArrayList<>();
        final List<String> header = new ArrayList<>(List.of("fairness", "runtime"));
        header.addAll(FairnessLines.HEADERS);
        table.add(header);
        for (final FairnessLines.Line l : lines)
        {
            final List<String> line = new ArrayList<>(List.of(l.caseName(), l.peer()));
            line.addAll(l.cells());
            table.add(line);
        }
        out.println();
        out.println("Ping-pong round trip without and with hogs (fairness: they yield every 20 us; fairness-hogs: plain loops " +
            "that never call the runtime; starved: not one round trip within the bound). Lower is better. The hogs' CPU share " +
            "(of the CPU time the runtime's process got meanwhile): higher is fairer.");
        printAligned(out, table, 2);
        final String goal = FairnessLines.goal(this);
        if (goal != null)
        {
            out.println(goal);
        }
    }

    /** @return one loud line per early, lost or failed timer group; empty when every timer was on time or late. */
    public List<String> timerAlarms()
    {
        return TimerLines.alarms(this);
    }

    private static void printAligned(final PrintStream out, final List<List<String>> table, final int leftColumns)
    {
        final int[] w = new int[table.get(0).size()];
        for (final List<String> l : table)
        {
            for (int i = 0; i < l.size(); i++)
            {
                w[i] = Math.max(w[i], l.get(i).length());
            }
        }
        for (final List<String> l : table)
        {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.size(); i++)
            {
                sb.append(String.format(i < leftColumns ? "%-" + w[i] + "s  " : "%" + w[i] + "s  ", l.get(i)));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /**
     * Writes results.json, results.csv and report.html.
     *
     * @param dir output folder (created).
     * @throws IOException on write failure.
     */
    public void write(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), json());
        Files.writeString(dir.resolve("results.csv"), csv());
        Files.writeString(dir.resolve("report.html"), Html.render(this));
    }

    List<Row> rows()
    {
        return rows;
    }

    List<String> cases()
    {
        return cases;
    }

    List<String> peers()
    {
        return peers;
    }

    Map<String, String> machine()
    {
        return machine;
    }

    Row row(final String c, final String p)
    {
        return find(c, p);
    }

    static String esc(final String s)
    {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }

    /** @param v a number @return it as JSON: null for NaN or infinity, which JSON has no word for. */
    static String json(final double v)
    {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : Double.toString(v);
    }

    private String json()
    {
        final StringBuilder sb = new StringBuilder("{\n  \"machine\": {");
        boolean first = true;
        for (final Map.Entry<String, String> e : machine.entrySet())
        {
            sb.append(first ? "\n" : ",\n").append("    \"").append(esc(e.getKey())).append("\": \"").append(esc(e.getValue())).append('"');
            first = false;
        }
        sb.append("\n  },\n  \"results\": [");
        first = true;
        for (final Row r : rows)
        {
            sb.append(first ? "\n" : ",\n");
            first = false;
            sb.append("    {\"case\": \"").append(r.caseName()).append("\", \"peer\": \"").append(r.peer())
                .append("\", \"unit\": \"").append(esc(r.unit())).append("\", \"lower_is_better\": ").append(r.lowerIsBetter())
                .append(", \"value\": ").append(r.result().ok() ? Double.toString(r.result().value()) : "null")
                .append(", \"note\": ").append(r.result().note() == null ? "null" : "\"" + esc(r.result().note()) + "\"")
                .append(", \"seconds\": ").append(String.format(Locale.ROOT, "%.3f", r.seconds()));
            for (final Map.Entry<String, Double> e : r.result().extra().entrySet())
            {
                sb.append(", \"").append(esc(e.getKey())).append("\": ").append(json(e.getValue()));
            }
            if (r.peer().equals("spindle"))
            {
                final Map<String, Double> ratios = new LinkedHashMap<>();
                for (final String p : peers)
                {
                    if (!p.equals("spindle") && !Double.isNaN(ratio(r.caseName(), p)))
                    {
                        ratios.put(p, ratio(r.caseName(), p));
                    }
                }
                sb.append(", \"ratio_to\": {");
                boolean f2 = true;
                for (final Map.Entry<String, Double> e : ratios.entrySet())
                {
                    sb.append(f2 ? "" : ", ").append('"').append(e.getKey()).append("\": ").append(e.getValue());
                    f2 = false;
                }
                sb.append('}');
            }
            sb.append('}');
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    private String csv()
    {
        // The run's conditions first, as comment lines: a figure means little without the load it ran under.
        final StringBuilder sb = new StringBuilder();
        for (final String k : List.of("load average at start", "load average at end", "runs per case", "warning"))
        {
            if (machine.containsKey(k))
            {
                sb.append("# ").append(k).append(": ").append(machine.get(k).replace('\n', ' ')).append('\n');
            }
        }
        sb.append("case,peer,unit,lower_is_better,value,note,p99_ns,p999_ns,bytes_per_process,p99_without_ns,hog_cpu_share," +
            "ratio_spindle_to_peer,runs,min,max\n");
        for (final Row r : rows)
        {
            final Map<String, Double> x = r.result().extra();
            sb.append(r.caseName()).append(',').append(r.peer()).append(',').append(r.unit()).append(',').append(r.lowerIsBetter())
                .append(',').append(r.result().ok() ? Double.toString(r.result().value()) : "")
                .append(',').append(r.result().note() == null ? "" : r.result().note().replace(',', ';'))
                .append(',').append(x.containsKey("p99_ns") ? x.get("p99_ns").toString() : "")
                .append(',').append(x.containsKey("p999_ns") ? x.get("p999_ns").toString() : "")
                .append(',').append(x.containsKey("bytes_per_process") ? x.get("bytes_per_process").toString() : "");
            for (final String k : List.of("p99_without_ns", "hog_cpu_share"))
            {
                sb.append(',').append(x.containsKey(k) ? x.get(k).toString() : "");
            }
            sb.append(',');
            final double ratio = r.peer().equals("spindle") ? Double.NaN : ratio(r.caseName(), r.peer());
            sb.append(Double.isNaN(ratio) ? "" : Double.toString(ratio));
            for (final String k : List.of(dev.spindle.bench.cases.Result.RUNS, dev.spindle.bench.cases.Result.MIN, dev.spindle.bench.cases.Result.MAX))
            {
                sb.append(',').append(x.containsKey(k) ? x.get(k).toString() : "");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
