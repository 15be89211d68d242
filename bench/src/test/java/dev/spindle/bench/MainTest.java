package dev.spindle.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MainTest
{
    private record Outcome(int code, String out, String err)
    {
    }

    private static Outcome run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A quick bench run into {@code dir} that must succeed. @return its outcome */
    private static Outcome quickBench(final Path dir, final String... args)
    {
        final String[] all = new String[args.length + 4];
        all[0] = "bench";
        all[1] = "--quick";
        System.arraycopy(args, 0, all, 2, args.length);
        all[all.length - 2] = "--out";
        all[all.length - 1] = dir.toString();
        final Outcome o = run(all);
        assertEquals(0, o.code(), o.err());
        return o;
    }

    private static void oneLineError(final Outcome o, final String contains)
    {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line, no stack trace: " + o.err());
        assertTrue(o.err().contains(contains), o.err());
    }

    @Test
    void badInputGetsOneClearLineAndExitCode2()
    {
        oneLineError(run("bench", "--cases", "nosuch"), "unknown case 'nosuch'");
        oneLineError(run("bench", "--peers", "akka"), "unknown peer 'akka'");
        oneLineError(run("bench", "--cpus", "4096"), "CPU 4096 does not exist or is not allowed");
        oneLineError(run("bench", "--cpus", "x"), "--cpus needs CPU numbers");
        oneLineError(run("bench", "--schedulers", "999"), "pinned schedulers");
        oneLineError(run("bench", "--schedulers", "zero"), "--schedulers needs a number");
        oneLineError(run("bench", "--idle", "sometimes"), "--idle must be spin, backoff or park");
        oneLineError(run("bench", "--frobnicate"), "unknown option");
        oneLineError(run("bench", "--out"), "--out needs a value");
        oneLineError(run("launch"), "unknown command 'launch'");
        oneLineError(run("topology", "--cpus", "4096"), "CPU 4096 does not exist or is not allowed");
        oneLineError(run("bench", "--cpus", "0,0"), "listed twice");
        oneLineError(run("bench", "--repeat", "0"), "--repeat must be in 1..100");
        oneLineError(run("bench", "--repeat", "many"), "--repeat needs a number");
        oneLineError(run("bench", "--steady", "0"), "--steady must be in 1..50");
        oneLineError(run("bench", "--steady", "51"), "--steady must be in 1..50");
        oneLineError(run("observe", "--port", "x"), "--port needs a number");
        oneLineError(run("observe", "--port", "70000"), "--port must be in 0..65535");
        oneLineError(run("observe", "--frobnicate"), "unknown option '--frobnicate'");
    }

    @Test
    void theReportSaysWhetherTheHeapWasFixedAndPreTouched()
    {
        assertEquals("fixed at 2048m, pre-touched", Main.heap(List.of("-Xss1m", "-Xms2048m", "-Xmx2048m", "-XX:+AlwaysPreTouch")));
        assertEquals("grows", Main.heap(List.of("-Xss1m")));
        assertEquals("grows from 1g", Main.heap(List.of("-Xms1g", "-Xmx8g")));
        assertEquals("fixed at 1g", Main.heap(List.of("-Xms2g", "-Xmx1g", "-Xms1g", "-XX:+AlwaysPreTouch", "-XX:-AlwaysPreTouch")));
    }

    @Test
    void observeServesThePageForTheSecondsAskedAndStops()
    {
        final Outcome o = run("observe", "--port", "0", "--seconds", "1", "--schedulers", "1", "--processes", "10");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("observer: http://127.0.0.1:"), o.out());
        assertTrue(o.out().contains("running for 1 s"), o.out());
    }

    @Test
    void observeOnABusyPortSaysSoInOneLine() throws Exception
    {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            oneLineError(run("observe", "--port", Integer.toString(taken.getLocalPort()), "--seconds", "1", "--schedulers", "1"),
                "observer cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void helpListsEveryCaseAndPeer()
    {
        final Outcome o = run("bench", "--help");
        assertEquals(0, o.code());
        for (final String c : Main.CASES)
        {
            assertTrue(o.out().contains(c), c);
        }
        for (final String p : Main.PEERS)
        {
            assertTrue(o.out().contains(p), p);
        }
    }

    @Test
    void aTinyCaseRunsOnEveryJvmPeerAndWritesTheReport() throws Exception
    {
        final Path dir = Files.createTempDirectory("spindle-bench-test");
        // Every peer; erlang runs when erl is installed and is skipped with a note otherwise.
        final Outcome o = quickBench(dir, "--cases", "pingpong-same,ring", "--peers", String.join(",", Main.PEERS));
        final String csv = Files.readString(dir.resolve("results.csv"));
        for (final String p : Main.PEERS)
        {
            assertTrue(o.out().contains(p), p);
            assertTrue(csv.contains("pingpong-same," + p + ","), csv);
        }
        assertTrue(csv.startsWith("# load average at start: "), csv);
        for (final String line : csv.lines().filter(l -> !l.startsWith("#")).skip(1).toList())
        {
            final String[] f = line.split(",", -1);
            final boolean skipped = f[1].equals("erlang") && o.err().contains("[skip] erlang");
            final boolean notApplicable = f[1].equals("limit") && f[0].equals("ring") || f[1].equals("spindle-preempt"); // fairness-hogs only
            assertTrue(!f[4].isEmpty() || skipped || notApplicable && f[5].equals("n/a"), "no figure: " + line);
        }
        assertTrue(o.err().contains("pingpong-same") && o.err().contains("[1/"), "a progress line per case and peer: " + o.err());
        assertTrue(Files.readString(dir.resolve("report.html")).contains("const CHARTS = "), "the charts and their data");
        assertTrue(Files.readString(dir.resolve("results.json")).contains("\"machine\""));
    }

    @Test
    void repeatsGoRoundRobinOverThePeersAndFoldIntoOneFigure() throws Exception
    {
        final Path dir = Files.createTempDirectory("spindle-bench-test");
        final Outcome o = quickBench(dir, "--repeat", "2", "--cases", "pingpong-same", "--peers", "spindle,limit");
        final List<String> progress = o.err().lines().filter(l -> l.startsWith("[")).toList();
        assertEquals(4, progress.size(), o.err());
        // Round 1 on both peers, then round 2: a drift of the machine over time hits both alike.
        final String[] order = {"spindle", "limit", "spindle", "limit"};
        for (int i = 0; i < 4; i++)
        {
            assertTrue(progress.get(i).startsWith("[" + (i + 1) + "/4]") && progress.get(i).contains(" " + order[i] + " "),
                progress.get(i));
        }
        final String json = Files.readString(dir.resolve("results.json"));
        assertTrue(json.contains("\"runs\": 2") || json.contains("\"runs\":2"), json);
    }

    @Test
    void steadyRunsEachCaseBackToBackAndReportsOneFigure() throws Exception
    {
        final Path dir = Files.createTempDirectory("spindle-bench-test");
        final Outcome o = quickBench(dir, "--steady", "3", "--cases", "pingpong-same", "--peers", "spindle");
        assertEquals(1, o.err().lines().filter(l -> l.startsWith("[")).count(), "one progress line for the three runs: " + o.err());
        final String json = Files.readString(dir.resolve("results.json"));
        assertTrue(json.contains("\"first_run\""), "the cold run is kept: " + json);
        assertTrue(json.contains("\"runs\": 2") || json.contains("\"runs\":2"), "the last two of three count: " + json);
        assertTrue(json.contains("last 2 of 3 back-to-back runs"), "the machine facts say how it was measured: " + json);
    }

    @Test
    void aLoadedMachineIsCalledOutAboveHalfTheCpus()
    {
        assertNull(Main.loadWarning("1.00 0.50 0.20", 2), "at half the CPUs: quiet enough");
        assertTrue(Main.loadWarning("1.01 0.50 0.20", 2).contains("load average 1.01 at the start on 2 CPUs"));
        assertNull(Main.loadWarning("unknown", 2), "no /proc/loadavg: nothing to say");
    }

    @Test
    void topologyReportsVerifiedPlacement()
    {
        final Outcome o = run("topology");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("allowed CPUs"));
        assertTrue(o.out().contains("scheduler 0"));
        assertTrue(o.out().contains("scheduler count: "), "says why a default node has its count: " + o.out());
        assertTrue(o.out().contains("CPU locks"), o.out());
        assertFalse(o.out().contains("DRIFT"), o.out());
    }
}
