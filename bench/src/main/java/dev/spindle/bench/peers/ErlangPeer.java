package dev.spindle.bench.peers;

import dev.spindle.bench.cases.Case;
import dev.spindle.bench.cases.Counting;
import dev.spindle.bench.cases.Fairness;
import dev.spindle.bench.cases.FairnessHogs;
import dev.spindle.bench.cases.FanIn;
import dev.spindle.bench.cases.PingPong;
import dev.spindle.bench.cases.Ring;
import dev.spindle.bench.cases.Skynet;
import dev.spindle.bench.cases.Spawn;
import dev.spindle.bench.cases.Timers;
import dev.spindle.bench.actors.TimerProbes;
import dev.spindle.bench.cases.Result;
import dev.spindle.bench.cases.Scale;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Erlang/OTP, when {@code erl} is installed (Debian: erlang-nox): bench/erlang/spindle_bench.erl,
 * compiled once with erlc, each case run in a fresh {@code erl -noshell +P 4000000} with the
 * run's scheduler count ({@code +S}) and bound schedulers when the run is pinned ({@code +sbt db}).
 * The BEAM cannot bind a process to a scheduler, so pingpong-cross is n/a; of the Savina cases
 * ThreadRing and Counting are ported, the others are n/a. Timers use {@code receive after},
 * {@code erlang:send_after} and {@code gen_server:call} with a timeout.
 */
public final class ErlangPeer implements Peer
{
    /** The percentiles spindle_bench.erl prints as curve0..curve5 (the same as the Java side's curve). */
    private static final double[] CURVE_PERCENTILES = {10, 50, 90, 99, 99.9, 99.99};

    private final int schedulers;
    private final boolean pinned;
    private Path dir; // compiled sources, made on first use; deleted (and forgotten) by close()

    /**
     * @param schedulers +S for erl.
     * @param pinned     whether to bind BEAM schedulers.
     */
    public ErlangPeer(final int schedulers, final boolean pinned)
    {
        this.schedulers = schedulers;
        this.pinned = pinned;
    }

    @Override
    public String name()
    {
        return "erlang";
    }

    @Override
    public String description()
    {
        return "Erlang/OTP via erl (bench/erlang/*.erl), same schedulers, +sbt db when pinned; skipped when erl is absent";
    }

    static String which(final String tool)
    {
        final String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (final String d : path.split(":"))
        {
            final Path p = Path.of(d, tool);
            if (Files.isExecutable(p))
            {
                return p.toString();
            }
        }
        return null;
    }

    @Override
    public String unavailable()
    {
        return which("erl") == null || which("erlc") == null ? "erl not installed (Debian package erlang-nox)" : null;
    }

    private Path compiled() throws IOException, InterruptedException
    {
        if (dir == null)
        {
            dir = Files.createTempDirectory("spindle-erlang");
            try (InputStream in = ErlangPeer.class.getResourceAsStream("/erlang/spindle_bench.erl"))
            {
                Files.copy(in, dir.resolve("spindle_bench.erl"));
            }
            final String out = exec(List.of(which("erlc"), "-o", dir.toString(), dir.resolve("spindle_bench.erl").toString()), 120);
            if (out == null || !Files.exists(dir.resolve("spindle_bench.beam")))
            {
                throw new IOException("erlc failed: " + (out == null ? "timeout" : out.trim()));
            }
        }
        return dir;
    }

    @Override
    public Result run(final Case c, final Scale scale) throws Exception
    {
        final String call = switch (c.name())
        {
            // Sizes come from the Java cases so both sides always do the same work.
            case "pingpong-same" -> "pingpong_same, [" + PingPong.rounds(scale) + "]";
            case "ring", "threadring" -> c.name() + ", [" + ((Ring)c).actors(scale) + ", " + ((Ring)c).hops(scale) + "]";
            case "skynet" -> "skynet, [" + Skynet.leaves(scale) + "]";
            case "spawn" -> "spawn, [" + Spawn.count(scale) + "]";
            case "fanin" -> "fanin, [" + FanIn.SENDERS + ", " + FanIn.perSender(scale) + "]";
            case "counting" -> "counting, [" + Counting.increments(scale) + "]";
            case "remote" -> "remote, [" + dev.spindle.bench.cases.Remote.rounds(scale) + ", " + dev.spindle.bench.cases.Remote.messages(scale) +
                ", " + dev.spindle.bench.cases.Remote.WINDOW + ", " + dev.spindle.bench.cases.Remote.WINDOWS + "]";
            case "fairness" -> "fairness, [" + Fairness.rounds(scale) + ", " + ((Fairness)c).hogs() + ", " + Fairness.budgetNanos(scale) + "]";
            case "fairness-hogs" -> "fairness_hogs, [" + FairnessHogs.rounds(scale) + ", " + ((FairnessHogs)c).hogs() + ", " +
                FairnessHogs.budgetNanos(scale) + ", " + FairnessHogs.calibrationNanos(scale) + "]";
            case "timers" -> "timers, [" + java.util.Arrays.toString(Timers.gapsMillis(scale)) + ", " + Timers.idleSamples(scale) + ", " +
                Timers.loadSamples(scale, TimerProbes.Kind.RECEIVE) + ", " + Timers.loadSamples(scale, TimerProbes.Kind.CALL) + ", " +
                ((Timers)c).yielders() + ", " + Timers.lostAfterMillis(scale) + ", " + Timers.budgetMillis(scale) + "]";
            default -> null;
        };
        if (call == null)
        {
            return Result.none("n/a");
        }
        final List<String> cmd = new ArrayList<>(List.of(which("erl"), "-noshell", "+P", "4000000", "+S", schedulers + ":" + schedulers));
        if (pinned)
        {
            cmd.addAll(List.of("+sbt", "db"));
        }
        if (c.name().equals("remote"))
        {
            // distribution on loopback only; epmd too (ERL_EPMD_ADDRESS below)
            cmd.addAll(List.of("-sname", "spindle_bench_a", "-setcookie", "spindle" + System.nanoTime(),
                "-kernel", "inet_dist_use_interface", "{127,0,0,1}"));
        }
        cmd.addAll(List.of("-pa", compiled().toString(), "-eval", "spindle_bench:run(" + call + "), halt()."));
        final String out = exec(cmd, scale.timeoutSeconds());
        if (out == null)
        {
            return Result.none("timeout");
        }
        for (final String line : out.split("\n"))
        {
            if (line.startsWith("RESULT "))
            {
                final String[] parts = line.substring(7).trim().split(" ");
                final Result r = Result.of(Double.parseDouble(parts[0]));
                final List<double[]> curve = new ArrayList<>();
                for (int i = 1; i < parts.length; i++)
                {
                    final String[] kv = parts[i].split("=");
                    if (kv[0].startsWith("curve"))
                    {
                        curve.add(new double[] {CURVE_PERCENTILES[curve.size()], Double.parseDouble(kv[1])});
                    }
                    else
                    {
                        r.extra().put(kv[0], Double.parseDouble(kv[1]));
                    }
                }
                if (c instanceof Timers)
                {
                    return Timers.finish(r.extra(), "erlang"); // the headline and totals, computed as for the JVM peers
                }
                return new Result(r.value(), r.extra(), curve.toArray(new double[0][]), null);
            }
        }
        throw new IOException("erl printed no result: " + out.trim());
    }

    /**
     * Runs a command with its output in a file (reading a pipe would block past the timeout).
     *
     * @return its output, or null when it ran past the timeout (it is killed).
     */
    private String exec(final List<String> cmd, final long timeoutSeconds) throws IOException, InterruptedException
    {
        final Path log = Files.createTempFile("spindle-erl", ".out");
        try
        {
            final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("ERL_EPMD_ADDRESS", "127.0.0.1");
            final Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return null;
            }
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }

    @Override
    public boolean wantsWarmUp()
    {
        return false; // each case runs in a fresh erl; there is no JIT state to carry over
    }

    @Override
    public void close()
    {
        if (dir != null)
        {
            try (var files = Files.list(dir))
            {
                for (final Path f : (Iterable<Path>)files::iterator)
                {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
                dir = null; // a later round compiles afresh
            }
            catch (final IOException ex)
            {
                // a temp folder left behind is harmless
            }
        }
    }
}
