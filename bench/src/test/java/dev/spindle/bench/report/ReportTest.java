package dev.spindle.bench.report;

import dev.spindle.bench.cases.Result;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The report from a synthetic run (no benchmark runs here): self-contained, every chart labelled,
 * timers regrouped and their failures flagged, the run's conditions in every file. The page is
 * left in target/report-test/ for a look in a browser.
 */
class ReportTest
{
    private static final List<String> PEERS = List.of("spindle", "vthreads", "pekko", "limit", "erlang");

    private static Row row(final String c, final String unit, final boolean lower, final String peer, final Result r)
    {
        return new Row(c, unit, lower, peer, r, 0.1);
    }

    private static Result latency(final double median)
    {
        final Result r = new Result(median, new LinkedHashMap<>(), new double[][] {{10, median * 0.8}, {50, median}, {90, median * 2},
            {99, median * 10}, {99.9, median * 50}, {99.99, median * 400}}, null);
        r.extra().put("p99_ns", median * 10);
        return r;
    }

    private static void timers(final Map<String, Double> x, final String variant, final double p99, final int lost, final int early)
    {
        for (final String cond : List.of("idle", "load"))
        {
            for (final String kind : List.of("receive", "sendafter", "call"))
            {
                final String p = variant + "/" + cond + "/" + kind + "/";
                final boolean gone = lost > 0 && cond.equals("load") && kind.equals("receive");
                if (!gone)
                {
                    x.put(p + "p50_us", p99 / 3);
                    x.put(p + "p99_us", p99);
                    x.put(p + "max_us", p99 * 1.2);
                    x.put(p + "min_us", early > 0 ? -40.0 : p99 / 10);
                }
                x.put(p + "samples", gone ? 0.0 : 10.0);
                x.put(p + "early_count", early > 0 && kind.equals("sendafter") ? (double)early : 0.0);
                x.put(p + "lost_count", gone ? (double)lost : 0.0);
                x.put(p + "error_count", 0.0);
            }
        }
    }

    static Report sample(final boolean loaded)
    {
        final List<Row> rows = new ArrayList<>();
        final double[] same = {351, 510, 291, 30, 571};
        final double[] ring = {364, 493, 447, Double.NaN, 327};
        final double[] fanin = {14.4e6, 13.8e6, 2.5e6, Double.NaN, 5.4e6};
        for (int i = 0; i < PEERS.size(); i++)
        {
            final String p = PEERS.get(i);
            final Result pp = latency(same[i]);
            if (p.equals("spindle"))
            {
                pp.extra().put(Result.RUNS, 3.0);
                pp.extra().put(Result.MIN, 340.0);
                pp.extra().put(Result.MAX, 380.0);
            }
            rows.add(row("pingpong-same", "ns", true, p, pp));
            rows.add(row("ring", "ns/hop", true, p, Double.isNaN(ring[i]) ? Result.none("n/a") : Result.of(ring[i])));
            rows.add(row("fanin", "msg/s", false, p, Double.isNaN(fanin[i]) ? Result.none("n/a") : Result.of(fanin[i])));
            rows.add(row("fairness", "ns", true, p, p.equals("pekko") ? Result.none("timeout") : p.equals("limit") ? Result.none("n/a") :
                latency(same[i] * 150)));
            final Map<String, Double> x = new LinkedHashMap<>();
            if (p.equals("spindle"))
            {
                timers(x, "spindle-spin", 40, 0, 0);
                timers(x, "spindle-backoff", 2_500, 1, 0);
                timers(x, "spindle-park", 240_000, 0, 2);
                rows.add(row("timers", "us", true, p, new Result(Double.NaN, x, new double[0][], "lost 1")));
            }
            else
            {
                timers(x, p, p.equals("pekko") ? 25_000 : 900, 0, 0);
                rows.add(row("timers", "us", true, p, p.equals("limit") ? new Result(900, x, new double[0][], null) : Result.of(x.get(p + "/idle/call/p99_us"))));
                rows.get(rows.size() - 1).result().extra().putAll(x);
            }
        }
        final Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpu", "AMD EPYC");
        machine.put("cpus used", "schedulers pinned to [0, 1]");
        machine.put("idle strategy", "BACKOFF");
        machine.put("sizes", "full");
        machine.put("runs per case", "3 (median, spread: min/max)");
        machine.put("load average at start", loaded ? "4.60 3.10 2.00" : "0.12 0.30 0.40");
        machine.put("load average at end", "1.90 1.20 0.80");
        if (loaded)
        {
            machine.put("warning", "the machine was loaded: load average 4.60 at the start on 2 CPUs (above 1.0)");
        }
        return new Report(rows, List.of("pingpong-same", "ring", "fanin", "fairness", "timers"), PEERS, machine);
    }

    @Test
    void theReportIsOneSelfContainedPageWithEveryChartLabelled() throws Exception
    {
        final Path dir = Path.of("target", "report-test");
        sample(true).write(dir);
        final String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("uPlot"), "uPlot inlined");
        assertFalse(Pattern.compile("<script[^>]+src=|<link[^>]+href=|https?://(?!github\\.com/leeoniya)").matcher(html).find(),
            "nothing is fetched from anywhere");
        final Matcher charts = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(html);
        int n = 0;
        while (charts.find())
        {
            n++;
            final String id = charts.group(1);
            final int div = html.indexOf("<div id=\"" + id + "\">");
            assertTrue(div > 0, "a place for chart " + id);
            final String title = html.substring(html.lastIndexOf("<div class=\"chart\">", div), div);
            assertTrue(title.contains("lower is better") || title.contains("higher is better"), "better-direction on " + id + ": " + title);
        }
        assertTrue(n >= 8, "charts: " + n);
        assertTrue(html.contains("\"kind\":\"bars\",\"unit\":\"msg/s\",\"log\":false"), "fan-in spans less than 100x: linear");
        assertTrue(html.contains("higher is better"), "rates say so");
        assertTrue(html.contains("banner warn") && html.contains("load average 4.60"), "the loaded machine is called out");
        assertTrue(html.contains("banner alarm") && html.contains("<b>spindle-backoff</b>: under load: receive lost 1") &&
            html.contains("<b>spindle-park</b>: after idle gaps: sendAfter early 2; under load: sendAfter early 2"),
            "early and lost timers are called out");
        assertTrue(html.contains("351 ±8%"), "median with its spread");
        assertTrue(html.contains("spindle-park</td>"), "one timers line per idle mode");
    }

    @Test
    void aQuietRunHasNoWarningAndEveryFileNamesTheLoad() throws Exception
    {
        final Path dir = Files.createTempDirectory("report-test");
        final Report quiet = sample(false);
        quiet.write(dir);
        assertFalse(Files.readString(dir.resolve("report.html")).contains("banner warn"));
        final String csv = Files.readString(dir.resolve("results.csv"));
        assertTrue(csv.startsWith("# load average at start: 0.12 0.30 0.40\n# load average at end: 1.90 1.20 0.80\n"), csv);
        assertTrue(csv.contains("\npingpong-same,spindle,ns,true,351.0,,3510.0,,,"), csv);
        assertTrue(csv.lines().anyMatch(l -> l.startsWith("pingpong-same,spindle,") && l.endsWith(",3.0,340.0,380.0")), csv);
        final String json = Files.readString(dir.resolve("results.json"));
        assertTrue(json.contains("\"load average at end\": \"1.90 1.20 0.80\""));
        assertFalse(json.contains("NaN"), "JSON has no NaN");
    }

    @Test
    void timersAreTabulatedPerVariantAndFailuresAreLoud()
    {
        final Report r = sample(false);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.printTimers(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String out = bytes.toString(StandardCharsets.UTF_8);
        for (final String v : List.of("spindle-spin", "spindle-backoff", "spindle-park", "vthreads", "pekko", "limit", "erlang"))
        {
            assertTrue(out.contains(v + " "), v + " in\n" + out);
        }
        assertTrue(out.contains("LOST 1"), out);
        assertTrue(out.contains("EARLY 2"), out);
        final List<String> alarms = r.timerAlarms();
        assertEquals(3, alarms.size(), alarms.toString()); // park: early in idle and load sendAfter; backoff: lost in load receive
        assertTrue(alarms.stream().allMatch(a -> a.startsWith("!!! TIMERS")), alarms.toString());
        assertTrue(alarms.stream().anyMatch(a -> a.contains("0.040 ms early")), alarms.toString());
    }

    private static Result hogs(final String note, final double p99, final double p99Without, final double share)
    {
        final Result r = note != null ? new Result(Double.NaN, new LinkedHashMap<>(), new double[0][], note) : latency(p99 / 10);
        r.extra().put("median_without_ns", p99Without / 2);
        r.extra().put("p99_without_ns", p99Without);
        r.extra().put("hog_cpu_share", share);
        if (note == null)
        {
            r.extra().put("median_ns", p99 / 10);
            r.extra().put("ratio_with_over_without", p99 / p99Without);
            return new Result(p99, r.extra(), r.curve(), null);
        }
        return r;
    }

    private static Report fairnessRun(final double preemptP99, final double erlangP99, final double share)
    {
        final List<String> peers = List.of("spindle", "spindle-preempt", "vthreads", "limit", "erlang");
        final List<Row> rows = List.of(
            row("fairness-hogs", "ns", true, "spindle", hogs("starved", 0, 800, 0.97)),
            row("fairness-hogs", "ns", true, "spindle-preempt", hogs(null, preemptP99, 800, share)),
            row("fairness-hogs", "ns", true, "vthreads", hogs("starved", 0, 30_000, 0.99)),
            row("fairness-hogs", "ns", true, "limit", Result.none("n/a")),
            row("fairness-hogs", "ns", true, "erlang", hogs(null, erlangP99, 900, 0.97)));
        return new Report(rows, List.of("fairness-hogs"), peers, new LinkedHashMap<>(Map.of("load average at start", "0.1 0.1 0.1")));
    }

    @Test
    void fairnessIsTabulatedPerRuntimeWithTheGoal() throws Exception
    {
        final Report r = fairnessRun(3_200, 9_000, 0.6);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.printFairness(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("fairness-hogs  spindle "), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("fairness-hogs  spindle ") && l.contains("starved") && l.contains("97%")),
            "a starved runtime keeps its figures without hogs and the hogs' share: " + out);
        assertTrue(out.lines().anyMatch(l -> l.contains("spindle-preempt") && l.contains("3.2 us") && l.contains("4.0x") && l.contains("60%")), out);
        assertFalse(out.contains("limit"), "n/a rows are left out: " + out);
        assertTrue(out.contains("p99 with hogs <= 5x p99 without: 4.0x (3.2 us, 800 ns), met; below erlang's p99: 3.2 us vs 9.0 us, met; " +
            "hogs get most of the CPU (> 50%): 60%, met"), out);
        final String missed = FairnessLines.goal(fairnessRun(9_600, 9_000, 0.4));
        assertTrue(missed.contains("12.0x (9.6 us, 800 ns), not met") && missed.contains("9.6 us vs 9.0 us, not met") &&
            missed.contains("40%, not met"), missed);

        final Path dir = Files.createTempDirectory("report-test");
        r.write(dir);
        final String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("Fairness: ping-pong beside CPU hogs") && html.contains("met; hogs get most"), "the table and the goal");
        assertTrue(html.contains("pct-fairness-hogs"), "a percentile chart");
        final String csv = Files.readString(dir.resolve("results.csv"));
        assertTrue(csv.contains(",bytes_per_process,p99_without_ns,hog_cpu_share,ratio_spindle_to_peer,"), csv);
        assertTrue(csv.contains("\nfairness-hogs,spindle,ns,true,,starved,,,,800.0,0.97,"), csv);
    }

    @Test
    void logScaleOnlyWhenValuesSpanMoreThanAHundredfold()
    {
        assertFalse(Html.log(List.of(10.0, 999.0)));
        assertTrue(Html.log(List.of(10.0, 1001.0)));
        assertFalse(Html.log(List.of(5.0)));
    }
}
