package dev.spindle.bench.soak;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.RunQueues;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static dev.spindle.bench.soak.Tally.Count.*;

/**
 * The {@code spindle soak} command: rounds of every Spindle feature under random kills, scheduler
 * churn and node restarts, with exact accounting of every message and flat memory and threads
 * across rounds. See docs/soak.md.
 */
public final class Soak
{
    private static final double MIB = 1024.0 * 1024.0;
    /**
     * Growth allowed after warm-up: absolute, and relative to the early value. RSS and NMT are
     * judged outside the heap (the heap has its own figure) and absolutely: a relative tolerance
     * of a few hundred MiB would hide a native leak of tens of MiB.
     */
    private static final double HEAP_MIB = 16;
    private static final double HEAP_REL = 0.25;
    private static final double RSS_MIB = 64;
    private static final double RSS_REL = 0;
    private static final double NMT_MIB = 32;
    private static final double NMT_REL = 0;
    private static final double THREADS = 2;
    private static final long THREAD_EXIT_NANOS = 5_000_000_000L;

    private Soak()
    {
    }

    /**
     * Runs the command.
     *
     * @param args command line after "soak".
     * @param out  the table and the summary.
     * @param err  progress notes.
     * @return 0 when nothing failed (known failures aside), 1 otherwise.
     * @throws IllegalArgumentException for a bad command line.
     * @throws IOException when --out cannot be written.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err) throws IOException
    {
        final SoakOptions o = SoakOptions.parse(args);
        if (o.help)
        {
            SoakOptions.usage(out);
            return 0;
        }
        final Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        machine.put("jvm flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        machine.put("max heap MiB", Long.toString(Runtime.getRuntime().maxMemory() >> 20));
        machine.put("native memory tracking", Vitals.nmtOn() ? "on" : "off (add -XX:NativeMemoryTracking=summary to SPINDLE_JAVA_OPTS)");
        machine.put("load average at start", loadAverage());
        out.printf(Locale.ROOT, "spindle soak: %.2f min, seed %d, rounds of %.1f s, %d unpinned schedulers, restart every %s, queues %s, " +
                "warm-up rounds %d%n", o.minutes, o.seed, o.roundSeconds(), o.schedulers,
            o.restartEvery == 0 ? "never" : o.restartEvery + " rounds", o.queues, o.warmup);
        out.println("  " + machine.get("cpus") + " CPUs, load average " + machine.get("load average at start") + ", NMT " +
            machine.get("native memory tracking") + (o.inject == null ? "" : ", INJECTED FAULT: " + o.inject));
        out.println();
        out.println(header());

        final List<Round.Result> results = new ArrayList<>();
        final long budget = (long)(o.minutes * 60e9);
        final long started = System.nanoTime();
        Node node = null;
        String queues = null;
        int nodeIndex = -1;
        int roundsOnNode = 0;
        final Stalls stalls = new Stalls();
        try
        {
            for (int round = 0; ; round++)
            {
                if (node == null)
                {
                    nodeIndex++;
                    queues = o.queues.equals("alternate") ? (nodeIndex % 2 == 0 ? "native" : "java") : o.queues;
                    node = Node.start(NodeConfig.builder().schedulers(o.schedulers).pinned(false)
                        .runQueues(queues.equals("native") ? RunQueues.NATIVE : RunQueues.JAVA).build());
                    roundsOnNode = 0;
                }
                final Round.Result r = Round.run(node, round, nodeIndex, queues, o, stalls);
                roundsOnNode++;
                final long elapsed = System.nanoTime() - started;
                final boolean last = elapsed + elapsed / (round + 1) > budget;
                r.alive = Vitals.sample();
                if (last || o.restartEvery > 0 && roundsOnNode >= o.restartEvery)
                {
                    node.close();
                    node = null;
                    final List<String> left = awaitSpindleThreadsGone();
                    if (!left.isEmpty())
                    {
                        r.failures.add(Failures.LEAK, "round " + round + ": " + left.size() + " spindle threads alive " +
                            THREAD_EXIT_NANOS / 1_000_000_000L + " s after node.close(): " + left);
                    }
                    r.closed = Vitals.sample();
                }
                r.loadAverage = loadAverage();
                results.add(r);
                out.println(row(r));
                for (final String s : r.failures.samples())
                {
                    out.println("    " + s);
                }
                if (last)
                {
                    break;
                }
            }
        }
        finally
        {
            stalls.close();
            if (node != null)
            {
                node.close();
            }
        }
        machine.put("load average at end", loadAverage());
        machine.put("worst JVM stall ms", String.format(Locale.ROOT, "%.1f", stalls.worstNanos() / 1e6));
        machine.put("run seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));

        final List<Flatness.Verdict> flat = flatness(results, o.warmup);
        final Map<String, Long> failures = new TreeMap<>();
        for (final Round.Result r : results)
        {
            r.failures.counts().forEach((k, v) -> failures.merge(k, v, Long::sum));
        }
        for (final Flatness.Verdict v : flat)
        {
            if (!v.ok())
            {
                failures.merge(Failures.FLATNESS, 1L, Long::sum);
            }
        }
        final boolean failed = failures.keySet().stream().anyMatch(k -> !o.knownFailures.contains(k));
        summary(out, o, results, flat, failures, machine, failed);
        if (o.out != null)
        {
            Files.createDirectories(o.out);
            final Path file = o.out.resolve("soak.json");
            Files.writeString(file, SoakJson.write(o, machine, results, flat, failures, failed));
            out.println("wrote " + file);
        }
        return failed ? 1 : 0;
    }

    private static List<String> awaitSpindleThreadsGone()
    {
        final long deadline = System.nanoTime() + THREAD_EXIT_NANOS;
        List<String> left;
        while (!(left = Vitals.spindleThreadNames()).isEmpty() && System.nanoTime() - deadline < 0)
        {
            Round.sleepNanos(10_000_000L);
        }
        return left;
    }

    static List<Flatness.Verdict> flatness(final List<Round.Result> results, final int warmup)
    {
        final List<Round.Result> after = results.subList(Math.min(warmup, results.size()), results.size());
        final List<Flatness.Verdict> v = new ArrayList<>();
        for (final boolean closed : new boolean[] {false, true})
        {
            final String when = closed ? ", node closed" : ", node up";
            final List<Vitals> s = after.stream().map(r -> closed ? r.closed : r.alive).filter(x -> x != null).toList();
            v.add(Flatness.check("heap after GC" + when, "MiB", s.stream().mapToDouble(x -> x.heapUsed() / MIB).toArray(), HEAP_MIB, HEAP_REL));
            final String noRss = Vitals.rssUnjudgeable();
            v.add(noRss != null ? Flatness.skipped("RSS outside heap" + when, "MiB", noRss) : Flatness.check("RSS outside heap" + when, "MiB",
                s.stream().mapToDouble(x -> x.rssOutsideHeap() < 0 ? -1 : x.rssOutsideHeap() / MIB).toArray(), RSS_MIB, RSS_REL));
            if (Vitals.nmtOn())
            {
                v.add(Flatness.check("NMT outside heap" + when, "MiB", s.stream().mapToDouble(x -> x.nmtOutsideHeap() < 0 ? -1 :
                    x.nmtOutsideHeap() / MIB).toArray(), NMT_MIB, NMT_REL));
            }
            v.add(Flatness.check("threads" + when, "threads", s.stream().mapToDouble(Vitals::threads).toArray(), THREADS, 0));
        }
        return v;
    }

    private static String header()
    {
        return String.format(Locale.ROOT, "%-5s %-4s %-6s %5s %9s %9s %7s %5s %7s %6s %5s %7s %7s %6s %5s %5s %7s %6s %6s %6s %4s %5s",
            "round", "node", "queues", "secs", "sent", "processed", "explnd", "unexp", "calls", "failed", "tmout", "timers", "late-ms",
            "kills", "crash", "churn", "heapMiB", "rssMiB", "offMiB", "nmtOff", "thr", "fails");
    }

    private static String row(final Round.Result r)
    {
        final Map<Tally.Count, Long> c = r.counts;
        final Vitals v = r.closed != null ? r.closed : r.alive;
        return String.format(Locale.ROOT, "%-5d %-4d %-6s %5.1f %9d %9d %7d %5d %7d %6d %5d %7d %7.1f %6d %5d %5d %7.1f %6.1f %6.1f %6s %4d %5d%s",
            r.round, r.node, r.queues, r.seconds, sent(r), processed(r), explained(r), unexplained(r), c.get(CALLS), c.get(CALL_FAILED),
            c.get(CALL_TIMEOUT), c.get(TIMERS_SET), r.timerLateMaxNanos / 1e6, c.get(KILLS), c.get(CRASHES), c.get(CHURNS),
            v.heapUsed() / MIB, v.rss() / MIB, v.rssOutsideHeap() / MIB,
            v.nmtOutsideHeap() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", v.nmtOutsideHeap() / MIB), v.threads(), r.failures.total(),
            r.closed != null ? "  (closed)" : "");
    }

    /** Messages of pipes, requests (calls and casts) and inbox echoes sent in the round. */
    static long sent(final Round.Result r)
    {
        return r.pipes.sent + r.calls.sent + r.counts.get(ECHO_SENT);
    }

    static long processed(final Round.Result r)
    {
        return r.pipes.processed + r.calls.processed + r.counts.get(ECHO_RECEIVED);
    }

    static long explained(final Round.Result r)
    {
        return r.pipes.explained + r.calls.explained;
    }

    static long unexplained(final Round.Result r)
    {
        return r.pipes.unexplained + r.calls.unexplained + r.counts.get(ECHO_SENT) - r.counts.get(ECHO_RECEIVED);
    }

    static long total(final List<Round.Result> results, final Tally.Count c)
    {
        return results.stream().mapToLong(r -> r.counts.get(c)).sum();
    }

    private static void summary(final PrintStream out, final SoakOptions o, final List<Round.Result> results, final List<Flatness.Verdict> flat,
        final Map<String, Long> failures, final Map<String, String> machine, final boolean failed)
    {
        final SeqLog.Verdict pipes = new SeqLog.Verdict();
        final SeqLog.Verdict calls = new SeqLog.Verdict();
        for (final Round.Result r : results)
        {
            pipes.add(r.pipes);
            calls.add(r.calls);
        }
        final long restarts = results.stream().filter(r -> r.closed != null).count();
        out.println();
        out.printf(Locale.ROOT, "summary: %d rounds in %s s on %d nodes (%d restarts), seed %d, load average %s -> %s, " +
                "JVM stalled %.1f s in all (worst %s ms)%n", results.size(), machine.get("run seconds"),
            results.isEmpty() ? 0 : results.get(results.size() - 1).node + 1, restarts, o.seed, machine.get("load average at start"),
            machine.get("load average at end"), results.stream().mapToLong(r -> r.stalledNanos).sum() / 1e9, machine.get("worst JVM stall ms"));
        out.printf(Locale.ROOT, "  pipes:   %d sent, %d processed once, %d lost with their consumer's Down, %d unexplained; %d acks, %d Downs, " +
                "%d demonitored%n", pipes.sent, pipes.processed, pipes.explained, pipes.unexplained, total(results, PIPE_ACKS),
            total(results, PIPE_DOWNS), total(results, PIPE_RETIRED));
        out.printf(Locale.ROOT, "  calls:   %d requests (%d calls, %d casts, %d barriers): %d processed once, %d lost with a failed call, " +
                "%d unexplained; %d ok, %d failed (%d after processing), %d timed out, %d stale replies, %d times no server%n",
            calls.sent, total(results, CALLS), total(results, CASTS), total(results, BARRIERS), calls.processed, calls.explained,
            calls.unexplained, total(results, CALL_OK), total(results, CALL_FAILED), total(results, CALL_FAILED_AFTER_PROCESSING),
            total(results, CALL_TIMEOUT), total(results, STALE_REPLIES), total(results, CALL_NO_SERVER));
        out.printf(Locale.ROOT, "  inboxes: %d requests, %d echoed in order%n", total(results, ECHO_SENT), total(results, ECHO_RECEIVED));
        final long lateMax = results.stream().mapToLong(r -> r.timerLateMaxNanos).max().orElse(0);
        final long[] late = new long[5];
        for (final Round.Result r : results)
        {
            for (int i = 0; i < late.length; i++)
            {
                late[i] += r.timerLateness[i];
            }
        }
        out.printf(Locale.ROOT, "  timers:  %d started (%d by name, %d by exited starters), %d arrived, %d cancelled in time, %d too late " +
                "to cancel, %d dropped with their dead target, %d lost; lateness <2ms %d, <10ms %d, <100ms %d, <1s %d, >=1s %d, " +
                "max %.1f ms%n", total(results, TIMERS_SET), total(results, TIMERS_BY_NAME), total(results, TIMERS_ORPHANED),
            total(results, TIMERS_FIRED), total(results, TIMERS_CANCELLED), total(results, TIMERS_CANCEL_TOO_LATE),
            total(results, TIMERS_TARGET_DIED), total(results, TIMERS_LOST), late[0], late[1], late[2], late[3], late[4], lateMax / 1e6);
        out.printf(Locale.ROOT, "  links:   %d chains, %d killed, %d members down; %d sleepers%n", total(results, CHAINS),
            total(results, CHAINS_KILLED), total(results, CHAIN_MEMBERS_DOWN), total(results, SLEEPERS));
        out.printf(Locale.ROOT, "  faults:  %d kills (consumers %d, servers %d, group %d, chains %d, sleepers %d, supervisors %d), %d crashes, " +
                "%d scheduler churns, %d node restarts; %d timeouts checked not early%n", total(results, KILLS),
            total(results, KILLS_CONSUMER), total(results, KILLS_SERVER), total(results, KILLS_GROUP), total(results, KILLS_CHAIN),
            total(results, KILLS_SLEEPER), total(results, KILLS_SUPERVISOR), total(results, CRASHES), total(results, CHURNS), restarts,
            total(results, TIMEOUTS_CHECKED));
        out.println("  flatness after " + Math.min(o.warmup, results.size()) + " warm-up rounds:");
        for (final Flatness.Verdict v : flat)
        {
            out.println("    " + v.describe());
        }
        if (failures.isEmpty())
        {
            out.println("  failures: none");
        }
        else
        {
            out.println("  failures: " + failures);
            for (final String k : failures.keySet())
            {
                if (o.knownFailures.contains(k))
                {
                    out.println("    " + k + " is a known failure (--known-failure " + k + "): reported, not failing the run");
                }
            }
        }
        out.println(failed ? "SOAK FAILED" : "SOAK PASSED");
    }

    static String loadAverage()
    {
        try
        {
            final String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }
}
