package dev.spindle.bench.peers;

import dev.spindle.bench.cases.Case;
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
 * The BEAM cannot bind a process to a scheduler, so pingpong-cross is n/a; the Savina cases other
 * than ThreadRing and Counting are not ported.
 */
public final class ErlangPeer implements Peer
{
    private final int schedulers;
    private final boolean pinned;
    private Path dir;

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
            final Process p = new ProcessBuilder(which("erlc"), "-o", dir.toString(), dir.resolve("spindle_bench.erl").toString())
                .redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0)
            {
                throw new IOException("erlc failed: " + out.trim());
            }
        }
        return dir;
    }

    @Override
    public Result run(final Case c, final Scale scale) throws Exception
    {
        final String call = switch (c.name())
        {
            case "pingpong-same" -> "pingpong_same, [" + scale.pick(200_000, 2_000) + "]";
            case "ring" -> "ring, [" + scale.pick(10_000, 1_000) + ", " + scale.pick(1_000_000, 20_000) + "]";
            case "threadring" -> "threadring, [503, " + scale.pick(2_000_000, 50_000) + "]";
            case "skynet" -> "skynet, [" + scale.pick(1_000_000, 10_000) + "]";
            case "spawn" -> "spawn, [" + scale.pick(1_000_000, 20_000) + "]";
            case "fanin" -> "fanin, [8, " + scale.pick(1_000_000, 20_000) + "]";
            case "counting" -> "counting, [" + scale.pick(2_000_000, 50_000) + "]";
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
        cmd.addAll(List.of("-pa", compiled().toString(), "-eval", "spindle_bench:run(" + call + "), halt()."));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(scale.timeoutSeconds(), TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            return Result.none("timeout");
        }
        for (final String line : out.split("\n"))
        {
            if (line.startsWith("RESULT "))
            {
                final String[] parts = line.substring(7).trim().split(" ");
                final Result r = Result.of(Double.parseDouble(parts[0]));
                for (int i = 1; i < parts.length; i++)
                {
                    final String[] kv = parts[i].split("=");
                    r.extra().put(kv[0], Double.parseDouble(kv[1]));
                }
                return r;
            }
        }
        throw new IOException("erl printed no result: " + out.trim());
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
            }
            catch (final IOException ex)
            {
                // a temp folder left behind is harmless
            }
        }
    }
}
