package dev.spindle.bench;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.RunQueues;
import dev.spindle.bench.actors.PekkoActors;
import dev.spindle.bench.actors.SpindleActors;
import dev.spindle.bench.actors.VirtualThreadActors;
import dev.spindle.bench.cases.Big;
import dev.spindle.bench.cases.Case;
import dev.spindle.bench.cases.Chameneos;
import dev.spindle.bench.cases.Counting;
import dev.spindle.bench.cases.Fairness;
import dev.spindle.bench.cases.FairnessHogs;
import dev.spindle.bench.cases.FanIn;
import dev.spindle.bench.cases.ForkJoin;
import dev.spindle.bench.cases.PingPong;
import dev.spindle.bench.cases.Result;
import dev.spindle.bench.cases.Ring;
import dev.spindle.bench.cases.Scale;
import dev.spindle.bench.cases.Skynet;
import dev.spindle.bench.cases.Spawn;
import dev.spindle.bench.observe.ObserveCommand;
import dev.spindle.bench.peers.ActorsPeer;
import dev.spindle.bench.peers.ErlangPeer;
import dev.spindle.bench.peers.LimitPeer;
import dev.spindle.bench.peers.Peer;
import dev.spindle.bench.report.Report;
import dev.spindle.bench.report.Row;
import dev.spindle.internal.placement.CpuLocks;
import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.placement.CpuTopology;
import dev.spindle.internal.placement.Topology;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.LogManager;

/**
 * The {@code spindle} command: {@code bench} runs the cases on Spindle and its peers in one run,
 * {@code topology} shows the CPU layout and verified placement, {@code observe} serves the observer
 * page on a node with a demo workload, {@code jmh} forwards to JMH, {@code soak} runs the soak test
 * (dev.spindle.bench.soak).
 */
public final class Main
{
    static final List<String> CASES = List.of("pingpong-same", "pingpong-cross", "ring", "skynet", "spawn", "fanin",
        "threadring", "counting", "chameneos", "big", "forkjoin-create", "forkjoin-throughput", "fairness", "fairness-hogs", "timers", "placement", "remote");
    static final List<String> PEERS = List.of("spindle", "spindle-preempt", "spindle-javaq", "spindle-vt", "vthreads", "pekko", "pekko-affinity", "limit", "erlang");

    private Main()
    {
    }

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        quietLogging();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Loads the command's java.util.logging levels (logging.properties beside this class: warnings
     * and errors only, one line each) unless the user named a configuration of their own. OpenHFT's
     * SLF4J messages reach java.util.logging through slf4j-jdk14, Spindle's through System.Logger.
     */
    static void quietLogging()
    {
        if (System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null)
        {
            return;
        }
        try (InputStream in = Main.class.getResourceAsStream("logging.properties"))
        {
            if (in != null)
            {
                LogManager.getLogManager().readConfiguration(in);
            }
        }
        catch (final IOException ex)
        {
            System.err.println("spindle: could not read the logging configuration: " + ex);
        }
    }

    /**
     * The whole command, without exiting (tests call this).
     *
     * @param args command line.
     * @param out  standard output.
     * @param err  standard error: progress and errors.
     * @return exit code: 0, 1 for a failed run, 2 for bad input.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h"))
        {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try
        {
            return switch (args[0])
            {
                case "bench" -> bench(rest, out, err);
                case "topology" -> topology(rest, out);
                case "observe" -> ObserveCommand.run(rest, out);
                case "jmh" -> jmh(rest);
                case "soak" -> dev.spindle.bench.soak.Soak.run(rest, out, err);
                default -> throw new BenchOptions.UsageException("unknown command '" + args[0] + "' (commands: bench, topology, observe, jmh, soak, help)");
            };
        }
        catch (final BenchOptions.UsageException | IllegalArgumentException ex)
        {
            err.println("spindle: " + ex.getMessage());
            return 2;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            err.println("spindle: " + ex.getMessage());
            return 1;
        }
        catch (final Exception ex)
        {
            err.println("spindle: failed: " + ex);
            return 1;
        }
    }

    static void usage(final PrintStream out)
    {
        out.println("usage: ./spindle bench [--cases a,b] [--peers a,b] [--schedulers N] [--cpus 0,1] [--unpinned]");
        out.println("                       [--idle spin|backoff|park] [--out DIR] [--quick] [--repeat N] [--steady N] [--help]");
        out.println("       ./spindle topology [--schedulers N] [--cpus 0,1] [--unpinned]   (none given: what Node.start() does, and why)");
        out.println("       ./spindle observe [--port N] [--seconds N] [--no-kill]   a node with a live workload, watched in a browser");
        out.println("       ./spindle jmh [JMH options]      microbenchmarks (bench/src/main/java/dev/spindle/bench/jmh)");
        out.println("       ./spindle soak [--minutes N] [--seed S] [--out DIR]   soak test under faults (./spindle soak --help, docs/soak.md)");
        out.println();
        out.println("cases:");
        for (final Case c : cases(2))
        {
            out.printf("  %-20s %s%n", c.name(), c.description());
        }
        out.println();
        out.println("peers:");
        for (final Peer p : peers(new BenchOptions()))
        {
            out.printf("  %-20s %s%n", p.name(), p.description());
        }
        out.println();
        out.println("--quick runs small sizes (a smoke test, under 40 s); the default suite takes about five minutes on 2 cores.");
        out.println("--repeat N runs the whole selection N times, round-robin over the peers, and reports each median with its min/max spread.");
        out.println("--steady N runs each case N times in a row on the same running peer and reports the median of the last half (the first half");
        out.println("           warms the JIT and the runtime up; the first run's figure is kept as first_run): steady state, not a cold start.");
        out.println("Results: a table on stdout, and results.json, results.csv, report.html in --out (default ./spindle-out).");
    }

    static List<Case> cases(final int schedulers)
    {
        return List.of(new PingPong(false), new PingPong(true), Ring.beamRing(), new Skynet(), new Spawn(), new FanIn(),
            Ring.threadRing(), new Counting(), new Chameneos(), new Big(), new ForkJoin(false), new ForkJoin(true),
            new Fairness(schedulers), new FairnessHogs(schedulers), new dev.spindle.bench.cases.Timers(schedulers), new dev.spindle.bench.cases.Placement(schedulers),
            new dev.spindle.bench.cases.Remote());
    }

    static List<Peer> peers(final BenchOptions o)
    {
        final int n = Math.max(1, o.schedulers);
        return List.of(
            new ActorsPeer("spindle", "Spindle, native run queues, schedulers pinned to --cpus",
                () -> new SpindleActors("spindle", RunQueues.NATIVE, o.cpus, n, o.idle)),
            new ActorsPeer("spindle-preempt", "Spindle as the spindle peer, the fairness-hogs loops rewritten as the preemption agent " +
                "does (that case only)",
                () -> new SpindleActors("spindle-preempt", RunQueues.NATIVE, o.cpus, n, o.idle, false, true), java.util.Set.of("fairness-hogs")),
            new ActorsPeer("spindle-javaq", "Spindle with the pure-Java run queues (what the native side buys)",
                () -> new SpindleActors("spindle-javaq", RunQueues.JAVA, o.cpus, n, o.idle)),
            new ActorsPeer("spindle-vt", "Spindle, every process a virtual thread on its schedulers (ordinary Java semantics inside)",
                () -> new SpindleActors("spindle-vt", RunQueues.NATIVE, o.cpus, n, o.idle, true)),
            new ActorsPeer("vthreads", "JDK virtual threads, a LinkedTransferQueue per actor (N ForkJoinPool carriers, unpinned)",
                VirtualThreadActors::new),
            new ActorsPeer("pekko", "Apache Pekko typed 1.7, default fork-join dispatcher, N threads (unpinned)",
                () -> new PekkoActors(false, n)),
            new ActorsPeer("pekko-affinity", "Apache Pekko typed 1.7, affinity-pool executor, N threads (unpinned)",
                () -> new PekkoActors(true, n)),
            new LimitPeer(o.cpus),
            new ErlangPeer(n, o.cpus != null));
    }

    private static int bench(final String[] args, final PrintStream out, final PrintStream err) throws Exception
    {
        final int[] allowed = Topology.allowedCpus();
        final BenchOptions o = BenchOptions.parse(args, CASES, PEERS, allowed);
        if (o.help)
        {
            usage(out);
            return 0;
        }
        // Virtual threads get as many carriers as Spindle has schedulers; the property is read once,
        // when the first virtual thread starts, so it must be set before any peer runs.
        if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null)
        {
            System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(o.schedulers));
        }
        final Scale scale = new Scale(o.quick, o.quick ? 8 : 60);
        final List<Case> cases = new ArrayList<>();
        for (final Case c : cases(o.schedulers))
        {
            if (o.cases.contains(c.name()))
            {
                cases.add(c);
            }
        }
        final List<Peer> peers = new ArrayList<>();
        for (final Peer p : peers(o))
        {
            if (o.peers.contains(p.name()))
            {
                peers.add(p);
            }
        }
        final Map<String, String> machine = machine(o, allowed);
        final String loaded = loadWarning(machine.get("load average at start"), Runtime.getRuntime().availableProcessors());
        if (loaded != null)
        {
            machine.put("warning", loaded);
            err.println("warning: " + loaded);
        }
        final List<String> peerNames = new ArrayList<>();
        final int total = cases.size() * peers.size() * o.repeat;
        int done = 0;
        final long started = System.nanoTime();
        // --repeat N runs the whole selection N times, round-robin (round, then peer, then case),
        // not each case N times in a row: on a shared or virtualised machine the cost of a cross-core
        // hand-off drifts over minutes, and interleaving spreads that drift over every peer alike.
        final List<List<Result>> runs = new ArrayList<>();
        final Result[] failed = new Result[cases.size() * peers.size()];
        final double[] seconds = new double[failed.length];
        for (int i = 0; i < failed.length; i++)
        {
            runs.add(new ArrayList<>());
        }
        for (int round = 0; round < o.repeat; round++)
        {
            for (int pi = 0; pi < peers.size(); pi++)
            {
                final Peer peer = peers.get(pi);
                if (round == 0)
                {
                    peerNames.add(peer.name());
                }
                final String why = peer.unavailable();
                if (why != null)
                {
                    if (round == 0)
                    {
                        err.println("[skip] " + peer.name() + ": " + why);
                    }
                    for (int ci = 0; ci < cases.size(); ci++)
                    {
                        failed[pi * cases.size() + ci] = Result.none("absent");
                    }
                    done += cases.size();
                    continue;
                }
                try (Peer p = peer) // closed after each round; the next round starts it afresh
                {
                    for (int ci = 0; ci < cases.size(); ci++)
                    {
                        final Case c = cases.get(ci);
                        final int cell = pi * cases.size() + ci;
                        done++;
                        if (failed[cell] != null)
                        {
                            continue; // failed in an earlier round: that is its result
                        }
                        final long t0 = System.nanoTime();
                        Result r;
                        try
                        {
                            if (!o.quick && p.wantsWarmUp() && c.wantsWarmUp())
                            {
                                p.run(c, new Scale(true, scale.timeoutSeconds())); // warm-up at quick size
                            }
                            r = o.steady == 1 ? p.run(c, scale) : Repeats.steady(() -> p.run(c, scale), o.steady);
                        }
                        catch (final java.util.concurrent.TimeoutException ex)
                        {
                            r = Result.none("timeout");
                        }
                        catch (final Exception | OutOfMemoryError ex)
                        {
                            r = Result.none("error: " + ex.getMessage());
                        }
                        final double secs = (System.nanoTime() - t0) / 1e9;
                        seconds[cell] += secs;
                        if (r.ok())
                        {
                            runs.get(cell).add(r);
                        }
                        else
                        {
                            failed[cell] = Repeats.failedRun(r, round, o.repeat);
                        }
                        err.printf("[%d/%d] %-20s %-15s %s (%.1f s)%n", done, total, c.name(), p.name(),
                            r.ok() ? String.format("%.2f %s", r.value(), c.unit()) : r.note(), secs);
                        if (p.name().equals("spindle") && p instanceof ActorsPeer ap && ap.actors() instanceof SpindleActors sa)
                        {
                            machine.put("spindle scheduler CPUs (requested -> observed)", placement(sa.node()));
                        }
                    }
                }
            }
        }
        final List<Row> rows = new ArrayList<>();
        for (int pi = 0; pi < peers.size(); pi++)
        {
            for (int ci = 0; ci < cases.size(); ci++)
            {
                final Case c = cases.get(ci);
                final int cell = pi * cases.size() + ci;
                final Result r = failed[cell] != null ? failed[cell] : Repeats.fold(runs.get(cell), o.repeat);
                rows.add(new Row(c.name(), c.unit(), c.lowerIsBetter(), peers.get(pi).name(), r, seconds[cell]));
            }
        }
        machine.put("run seconds", String.format("%.1f", (System.nanoTime() - started) / 1e9));
        machine.put("load average at end", loadAverage());
        final List<String> caseNames = cases.stream().map(Case::name).toList();
        final Report report = new Report(rows, caseNames, peerNames, machine);
        out.println();
        out.println("Spindle vs peers on " + machine.get("cpu") + ", " + machine.get("cpus used") + (o.quick ? " (quick sizes)" : ""));
        out.println();
        report.printTable(out);
        report.printTimers(out);
        report.printFairness(out);
        for (final String alarm : report.timerAlarms())
        {
            out.println(alarm);
        }
        if (loaded != null)
        {
            out.println("WARNING: " + loaded);
        }
        report.write(o.out);
        out.println("wrote " + o.out.resolve("report.html") + ", results.json, results.csv");
        return 0;
    }

    private static String placement(final Node node)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Node.Placement p : node.placement())
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.scheduler()).append(": ")
                .append(p.requestedCpu() < 0 ? "any" : Integer.toString(p.requestedCpu())).append(" -> ").append(p.observedCpu())
                .append(p.verified() ? "" : " (DRIFT)");
        }
        return sb.toString();
    }

    /**
     * @param jvmArgs the JVM's input arguments.
     * @return whether the heap was fixed and touched at start-up (the spindle command's default for
     * bench: docs/benchmarks.md) or grows as the runs go.
     */
    static String heap(final List<String> jvmArgs)
    {
        String xms = null;
        String xmx = null;
        boolean preTouch = false;
        for (final String a : jvmArgs)
        {
            if (a.startsWith("-Xms"))
            {
                xms = a.substring(4);
            }
            else if (a.startsWith("-Xmx"))
            {
                xmx = a.substring(4);
            }
            else if (a.equals("-XX:+AlwaysPreTouch"))
            {
                preTouch = true;
            }
            else if (a.equals("-XX:-AlwaysPreTouch"))
            {
                preTouch = false;
            }
        }
        final boolean fixed = xms != null && xms.equals(xmx);
        return (fixed ? "fixed at " + xmx : "grows" + (xms != null ? " from " + xms : "")) + (preTouch ? ", pre-touched" : "");
    }

    private static Map<String, String> machine(final BenchOptions o, final int[] allowed)
    {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("online CPUs", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("allowed CPUs", Arrays.toString(allowed));
        m.put("cpus used", o.cpus == null ? o.schedulers + " unpinned schedulers" : "schedulers pinned to " + Arrays.toString(o.cpus));
        m.put("idle strategy", o.idle.toString());
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("max heap", Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        m.put("heap", heap(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        m.put("sizes", o.quick ? "quick" : "full");
        m.put("runs per case", (o.repeat == 1 ? "1" : o.repeat + " (median, spread: min/max)") +
            (o.steady == 1 ? "" : "; each the median of the last " + Repeats.steadyHalf(o.steady) + " of " + o.steady +
                " back-to-back runs on one running peer (--steady)"));
        // Other work on the machine skews every figure: record how busy it was.
        m.put("load average at start", loadAverage());
        return m;
    }

    /**
     * @param loadAverage /proc/loadavg's first three fields, as {@link #loadAverage()} gives them.
     * @param cpus        the CPUs this process may use.
     * @return a warning when the 1-minute load average is above half the CPU count (other work
     *         skews every figure), else null.
     */
    static String loadWarning(final String loadAverage, final int cpus)
    {
        try
        {
            final double one = Double.parseDouble(loadAverage.trim().split("\\s+")[0]);
            return one <= cpus / 2.0 ? null : String.format(java.util.Locale.ROOT,
                "the machine was loaded: load average %.2f at the start on %d CPUs (above %.1f); other work skews every figure", one, cpus, cpus / 2.0);
        }
        catch (final RuntimeException ex)
        {
            return null; // unknown load: nothing to warn about
        }
    }

    /** @return the 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown". */
    static String loadAverage()
    {
        try
        {
            final String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (final Exception ex)
        {
            return "unknown";
        }
    }

    static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final Exception ex)
        {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    private static int topology(final String[] args, final PrintStream out) throws Exception
    {
        final int[] allowed = Topology.allowedCpus();
        final BenchOptions o = BenchOptions.parse(args, CASES, PEERS, allowed);
        out.println("allowed CPUs (taskset/cgroup mask): " + Arrays.toString(allowed));
        out.println("layout (from /sys/devices/system/cpu):");
        out.println("  cpu  package  core  smt-thread");
        for (final CpuTopology.Cpu c : CpuTopology.of(allowed).cpus())
        {
            out.printf("  %3d  %7d  %4d  %10d%n", c.id(), c.packageId(), c.coreId(), c.threadRank());
        }
        out.println("model: " + cpuModel());
        // Without sizing options: what a default node would do (Node.start()), and why.
        final boolean sized = Arrays.stream(args).anyMatch(a -> a.equals("--cpus") || a.equals("--schedulers") || a.equals("--unpinned"));
        final NodeConfig config = !sized ? NodeConfig.defaults() : o.cpus != null ? NodeConfig.builder().cpus(o.cpus).build() :
            NodeConfig.builder().schedulers(o.schedulers).pinned(false).build();
        out.println("CPU locks (OpenHFT lock files, shared by JVMs with the same java.io.tmpdir): " +
            CpuLocks.folder().resolve("cpu-<id>.lock") + (CpuLocks.unavailable() == null ? "" : " - unavailable: " + CpuLocks.unavailable()));
        for (final int cpu : allowed)
        {
            final String holder = CpuLocks.holder(cpu);
            out.printf("  cpu %3d: %s%n", cpu, holder == null ? "free" : "held by " + holder);
        }
        out.println("scheduler count: " + CpuPlan.forThisJvm(config).sizing());
        try (Node node = Node.start(config))
        {
            out.println("schedulers (" + config.bindPolicy() + ", " + config.cpuConflict() + "): pinned CPU -> CPU read back with sched_getcpu");
            for (final Node.Placement p : node.placement())
            {
                out.printf("  scheduler %d: %s -> %d  %s%s%n", p.scheduler(), p.requestedCpu() < 0 ? "any" : Integer.toString(p.requestedCpu()),
                    p.observedCpu(), p.requestedCpu() < 0 ? "(unpinned)" : p.verified() ? "OK" : "DRIFT",
                    p.error() == null ? "" : ": " + p.error());
            }
        }
        return 0;
    }

    private static int jmh(final String[] args) throws Exception
    {
        org.openjdk.jmh.Main.main(args);
        return 0;
    }
}
