package dev.spindle.bench.soak;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Parsed {@code spindle soak} options. A bad command line throws {@link IllegalArgumentException}
 * with one line for the user (exit code 2).
 */
final class SoakOptions
{
    /** Failure categories a run may report (see {@link Failures}); {@code --known-failure} takes these. */
    static final Set<String> CATEGORIES = Set.of(Failures.LOSS, Failures.DUPLICATE, Failures.ORDER, Failures.DOWN_ORDER,
        Failures.EARLY_TIMEOUT, Failures.EARLY_TIMER, Failures.LOST_TIMER, Failures.CANCELLED_TIMER, Failures.LATE_TIMER, Failures.STUCK_RECEIVE,
        Failures.LINK, Failures.HANG, Failures.TREE, Failures.LEAK, Failures.FLATNESS, Failures.UNEXPECTED);

    /** Faults the soak can plant in itself to prove its checks fail ({@code --inject}). */
    static final Set<String> INJECTIONS = Set.of("drop", "duplicate", "reorder", "leak-process", "leak-heap");

    double minutes = 2;
    long seed = System.nanoTime() & 0xFFFF_FFFFL;
    int schedulers = 4;
    /** Round length; 0 picks one from {@link #minutes}. */
    double roundSeconds;
    /** Close the node and start a new one after this many rounds on it; 0 never restarts until the end. */
    int restartEvery = 2;
    int warmup = 2;
    String queues = "alternate";
    /** Mean pause between two kills of the chaos monkey. */
    double killEveryMs = 10;
    /** A timer that arrives later than this after its due time counts as {@link Failures#LATE_TIMER}. */
    long timerLateMs = 1000;
    Path out;
    final Set<String> knownFailures = new LinkedHashSet<>();
    String inject;
    boolean help;

    static SoakOptions parse(final String[] args)
    {
        final SoakOptions o = new SoakOptions();
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--help", "-h" -> o.help = true;
                case "--minutes" -> o.minutes = positiveDouble(value(args, ++i, a), a);
                case "--seed" -> o.seed = longValue(value(args, ++i, a), a);
                case "--schedulers" -> o.schedulers = positiveInt(value(args, ++i, a), a);
                case "--round-seconds" -> o.roundSeconds = positiveDouble(value(args, ++i, a), a);
                case "--restart-every" -> o.restartEvery = nonNegativeInt(value(args, ++i, a), a);
                case "--warmup" -> o.warmup = nonNegativeInt(value(args, ++i, a), a);
                case "--queues" -> o.queues = oneOf(value(args, ++i, a), a, Set.of("native", "java", "alternate"));
                case "--kill-every-ms" -> o.killEveryMs = positiveDouble(value(args, ++i, a), a);
                case "--timer-late-ms" -> o.timerLateMs = positiveInt(value(args, ++i, a), a);
                case "--out" -> o.out = Path.of(value(args, ++i, a));
                case "--known-failure" -> o.knownFailures.add(oneOf(value(args, ++i, a), a, CATEGORIES));
                case "--inject" -> o.inject = oneOf(value(args, ++i, a), a, INJECTIONS);
                default -> throw new IllegalArgumentException("unknown option '" + a + "' (see ./spindle soak --help)");
            }
        }
        if (o.schedulers > 64)
        {
            throw new IllegalArgumentException("--schedulers " + o.schedulers + " is more than the soak's 64");
        }
        return o;
    }

    /** @return the round length: the given one, or a tenth of the run between 3 and 15 s. */
    double roundSeconds()
    {
        return roundSeconds > 0 ? roundSeconds : Math.max(3, Math.min(15, minutes * 6));
    }

    static void usage(final java.io.PrintStream out)
    {
        out.println("usage: ./spindle soak [--minutes N] [--seed S] [--out DIR] [--schedulers N] [--round-seconds S]");
        out.println("                      [--restart-every R] [--warmup W] [--queues native|java|alternate]");
        out.println("                      [--kill-every-ms M] [--timer-late-ms T] [--known-failure CATEGORY]... [--help]");
        out.println();
        out.println("Runs producers, consumers, GenServer calls, timers, links, monitors, supervisors and inboxes in rounds");
        out.println("under random kills and scheduler online/offline churn, restarting the node every R rounds (default 2).");
        out.println("Every message is accounted for (processed once, or lost with a reason its sender learned), and heap,");
        out.println("RSS, native memory (with -XX:NativeMemoryTracking=summary in SPINDLE_JAVA_OPTS) and threads must stay");
        out.println("flat after the warm-up rounds. Exit code 0 when nothing failed, 1 otherwise. docs/soak.md has the details.");
        out.println("--minutes may be fractional (default 2); --seed fixes every random choice (not the interleaving).");
        out.println("--known-failure turns one failure category into a reported, non-failing finding; categories:");
        out.println("  " + String.join(", ", CATEGORIES.stream().sorted().toList()));
        out.println("--inject " + String.join("|", INJECTIONS.stream().sorted().toList()) +
            " plants a fault in the soak itself, to show that its checks fail.");
    }

    private static String value(final String[] args, final int i, final String option)
    {
        if (i >= args.length || args[i].startsWith("--"))
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static double positiveDouble(final String v, final String option)
    {
        try
        {
            final double d = Double.parseDouble(v);
            if (d > 0 && Double.isFinite(d))
            {
                return d;
            }
        }
        catch (final NumberFormatException ex)
        {
            // fall through to the one message
        }
        throw new IllegalArgumentException(option + " needs a positive number, got '" + v + "'");
    }

    private static int positiveInt(final String v, final String option)
    {
        final int n = nonNegativeInt(v, option);
        if (n == 0)
        {
            throw new IllegalArgumentException(option + " needs a positive whole number, got '" + v + "'");
        }
        return n;
    }

    private static int nonNegativeInt(final String v, final String option)
    {
        try
        {
            final int n = Integer.parseInt(v);
            if (n >= 0)
            {
                return n;
            }
        }
        catch (final NumberFormatException ex)
        {
            // fall through to the one message
        }
        throw new IllegalArgumentException(option + " needs a whole number >= 0, got '" + v + "'");
    }

    private static long longValue(final String v, final String option)
    {
        try
        {
            return Long.parseLong(v);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + v + "'");
        }
    }

    private static String oneOf(final String v, final String option, final Set<String> allowed)
    {
        final String s = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(s))
        {
            throw new IllegalArgumentException(option + " must be one of " + String.join(", ", allowed.stream().sorted().toList()) +
                ", got '" + v + "'");
        }
        return s;
    }
}
