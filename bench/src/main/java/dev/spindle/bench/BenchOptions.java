package dev.spindle.bench;

import dev.spindle.IdleMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parsed and validated {@code spindle bench} options. Every error is one line, thrown as
 * {@link UsageException}.
 */
final class BenchOptions
{
    List<String> cases;
    List<String> peers;
    int schedulers;
    int[] cpus;
    boolean pinned = true;
    IdleMode idle = IdleMode.BACKOFF;
    Path out = Path.of("spindle-out");
    boolean quick;
    boolean help;
    int repeat = 1;
    int steady = 1;

    /** A bad command line: one line for the user, exit code 2. */
    static final class UsageException extends Exception
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }

    static BenchOptions parse(final String[] args, final List<String> knownCases, final List<String> knownPeers,
        final int[] allowedCpus) throws UsageException
    {
        final BenchOptions o = new BenchOptions();
        o.cases = knownCases;
        o.peers = knownPeers;
        int schedulers = 0;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--help", "-h" -> o.help = true;
                case "--quick" -> o.quick = true;
                case "--unpinned" -> o.pinned = false;
                case "--cases" -> o.cases = names(value(args, ++i, a), knownCases, "case");
                case "--peers" -> o.peers = names(value(args, ++i, a), knownPeers, "peer");
                case "--schedulers" -> schedulers = positive(value(args, ++i, a), a);
                case "--cpus" -> o.cpus = cpus(value(args, ++i, a), allowedCpus);
                case "--idle" -> o.idle = idle(value(args, ++i, a));
                case "--out" -> o.out = Path.of(value(args, ++i, a));
                case "--repeat" -> o.repeat = bounded(value(args, ++i, a), a, 100);
                case "--steady" -> o.steady = bounded(value(args, ++i, a), a, 50);
                default -> throw new UsageException("unknown option '" + a + "' (see ./spindle bench --help)");
            }
        }
        if (o.cpus != null)
        {
            if (schedulers != 0 && schedulers != o.cpus.length)
            {
                throw new UsageException("--schedulers " + schedulers + " does not match the " + o.cpus.length + " CPUs in --cpus");
            }
            o.schedulers = o.cpus.length;
        }
        else
        {
            o.schedulers = schedulers == 0 ? allowedCpus.length : schedulers;
            if (o.pinned)
            {
                if (o.schedulers > allowedCpus.length)
                {
                    throw new UsageException(o.schedulers + " pinned schedulers but this machine allows only " + allowedCpus.length +
                        " CPUs " + Arrays.toString(allowedCpus) + " (use fewer, or --unpinned)");
                }
                o.cpus = Arrays.copyOf(allowedCpus, o.schedulers);
            }
        }
        return o;
    }

    private static String value(final String[] args, final int i, final String option) throws UsageException
    {
        if (i >= args.length || args[i].startsWith("--"))
        {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static List<String> names(final String csv, final List<String> known, final String what) throws UsageException
    {
        final List<String> out = new ArrayList<>();
        for (final String n : csv.split(","))
        {
            final String name = n.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty())
            {
                continue;
            }
            if (!known.contains(name))
            {
                throw new UsageException("unknown " + what + " '" + name + "'; known: " + String.join(", ", known));
            }
            if (!out.contains(name))
            {
                out.add(name);
            }
        }
        if (out.isEmpty())
        {
            throw new UsageException("no " + what + " given");
        }
        return out;
    }

    private static int positive(final String s, final String option) throws UsageException
    {
        return bounded(s, option, 4096);
    }

    private static int bounded(final String s, final String option, final int max) throws UsageException
    {
        try
        {
            final int v = Integer.parseInt(s.trim());
            if (v < 1 || v > max)
            {
                throw new UsageException(option + " must be in 1.." + max + ", was " + v);
            }
            return v;
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(option + " needs a number, got '" + s + "'");
        }
    }

    private static int[] cpus(final String csv, final int[] allowed) throws UsageException
    {
        final String[] parts = csv.split(",");
        final int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            try
            {
                out[i] = Integer.parseInt(parts[i].trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new UsageException("--cpus needs CPU numbers like 0,1, got '" + csv + "'");
            }
            final int cpu = out[i];
            if (Arrays.stream(allowed).noneMatch(c -> c == cpu))
            {
                throw new UsageException("CPU " + out[i] + " does not exist or is not allowed for this process; allowed: " +
                    Arrays.toString(allowed));
            }
            for (int j = 0; j < i; j++)
            {
                if (out[j] == out[i])
                {
                    throw new UsageException("CPU " + out[i] + " is listed twice in --cpus");
                }
            }
        }
        return out;
    }

    private static IdleMode idle(final String s) throws UsageException
    {
        return switch (s.toLowerCase(Locale.ROOT))
        {
            case "spin" -> IdleMode.SPIN;
            case "backoff" -> IdleMode.BACKOFF;
            case "park" -> IdleMode.PARK;
            default -> throw new UsageException("--idle must be spin, backoff or park, got '" + s + "'");
        };
    }
}
