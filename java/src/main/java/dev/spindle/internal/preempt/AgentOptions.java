package dev.spindle.internal.preempt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The agent's options: {@code -javaagent:spindle-runtime.jar=include=com.example.**,exclude=com.example.gen.**,verbose}.
 * Comma-separated; {@code include} and {@code exclude} may repeat.
 * <ul>
 *   <li>{@code include=GLOB}: classes to rewrite (see {@link ClassSelector}). Default: the main
 *       class's package and its subpackages, i.e. the application's own code and not its
 *       libraries: rewriting every class costs start-up time and code size for code that rarely
 *       loops for long, and libraries are where unexpected lock-holding callbacks live. Add
 *       libraries that do run long loops explicitly.</li>
 *   <li>{@code exclude=GLOB}: classes not to rewrite even if included.</li>
 *   <li>{@code verbose}: print what was selected and, at exit, how many classes were rewritten.</li>
 *   <li>{@code entries=all|callers|branching}: which methods poll at their entry (see
 *       {@link Instrumenter.Entries}). Default {@code branching}.</li>
 *   <li>{@code batch=N}: loop back-edges per loop poll, a power of two up to 1024 (default 64;
 *       1 polls at every back-edge). See {@link Instrumenter.Policy}.</li>
 *   <li>{@code retransform=false}: when attached to a running JVM, do not rewrite the classes it
 *       has already loaded.</li>
 * </ul>
 *
 * @param selector    which classes.
 * @param verbose     print counts.
 * @param policy      where the polls go.
 * @param retransform rewrite already loaded classes when attached late.
 * @param defaulted   whether the include came from the main class rather than the options.
 */
public record AgentOptions(ClassSelector selector, boolean verbose, Instrumenter.Policy policy, boolean retransform,
                           boolean defaulted)
{
    /**
     * @param args        the agent argument string (may be null or empty).
     * @param mainCommand the launcher's command ({@code sun.java.command}), for the default include.
     * @return the options.
     * @throws IllegalArgumentException naming the bad option.
     */
    public static AgentOptions parse(final String args, final String mainCommand)
    {
        final List<String> includes = new ArrayList<>();
        final List<String> excludes = new ArrayList<>();
        boolean verbose = false;
        Instrumenter.Entries entries = Instrumenter.Entries.BRANCHING;
        boolean retransform = true;
        int batch = Preemption.LOOP_BATCH;
        if (args != null && !args.isBlank())
        {
            for (final String raw : args.split(","))
            {
                final String option = raw.strip();
                if (option.isEmpty())
                {
                    continue;
                }
                final int eq = option.indexOf('=');
                final String key = eq < 0 ? option : option.substring(0, eq).strip();
                final String value = eq < 0 ? null : option.substring(eq + 1).strip();
                switch (key)
                {
                    case "include" -> includes.add(required(key, value));
                    case "exclude" -> excludes.add(required(key, value));
                    case "verbose" -> verbose = value == null || bool(key, value);
                    case "entries" -> entries = entries(required(key, value));
                    case "retransform" -> retransform = bool(key, required(key, value));
                    case "batch" -> batch = integer(key, required(key, value));
                    default -> throw new IllegalArgumentException("Spindle agent: unknown option '" + option +
                        "' in '" + args + "'; known: include=GLOB, exclude=GLOB, verbose, entries=all|callers|branching, batch=N, retransform=true|false");
                }
            }
        }
        boolean defaulted = false;
        if (includes.isEmpty())
        {
            final Optional<String> main = mainClass(mainCommand);
            if (main.isPresent())
            {
                includes.add(packageGlob(main.get()));
                defaulted = true;
            }
        }
        final ClassSelector selector;
        final Instrumenter.Policy policy;
        try
        {
            selector = new ClassSelector(includes, excludes);
            policy = new Instrumenter.Policy(entries, batch);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("Spindle agent: " + ex.getMessage(), ex);
        }
        return new AgentOptions(selector, verbose, policy, retransform, defaulted);
    }

    private static String required(final String key, final String value)
    {
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException("Spindle agent option '" + key + "' needs a value (" + key + "=...)");
        }
        return value;
    }

    /**
     * @param value all, callers or branching.
     * @return the entry policy.
     * @throws IllegalArgumentException for anything else.
     */
    public static Instrumenter.Entries entries(final String value)
    {
        return switch (value)
        {
            case "all" -> Instrumenter.Entries.ALL;
            case "callers" -> Instrumenter.Entries.CALLERS;
            case "branching" -> Instrumenter.Entries.BRANCHING;
            default -> throw new IllegalArgumentException("entries=" + value + ": use entries=all, callers or branching");
        };
    }

    private static int integer(final String key, final String value)
    {
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("Spindle agent option " + key + "=" + value + ": not a number", ex);
        }
    }

    private static boolean bool(final String key, final String value)
    {
        return switch (value)
        {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Spindle agent option " + key + "=" + value + ": use true or false");
        };
    }

    /**
     * @param className binary name of the main class.
     * @return {@code its.package.**}, or {@code *} for the unnamed package.
     */
    static String packageGlob(final String className)
    {
        final int dot = className.lastIndexOf('.');
        return dot < 0 ? "*" : className.substring(0, dot) + ".**";
    }

    /**
     * @param command {@code sun.java.command}: a class name, a jar path ({@code -jar}) or
     *                {@code module/class}, followed by the program's arguments.
     * @return the main class, reading the jar's {@code Start-Class} (Spring Boot) or
     * {@code Main-Class}; empty when it cannot be told.
     */
    static Optional<String> mainClass(final String command)
    {
        if (command == null || command.isBlank())
        {
            return Optional.empty();
        }
        final String first = command.strip().split("\\s+", 2)[0];
        if (first.endsWith(".jar"))
        {
            try (JarFile jar = new JarFile(first))
            {
                final Manifest manifest = jar.getManifest();
                if (manifest == null)
                {
                    return Optional.empty();
                }
                final String start = manifest.getMainAttributes().getValue("Start-Class");
                final String main = start != null ? start : manifest.getMainAttributes().getValue("Main-Class");
                return Optional.ofNullable(main).map(String::strip).filter(s -> !s.isEmpty());
            }
            catch (final IOException | SecurityException ex)
            {
                return Optional.empty();
            }
        }
        final int slash = first.indexOf('/');
        final String name = slash >= 0 ? first.substring(slash + 1) : first;
        return name.isEmpty() || name.endsWith(".java") ? Optional.empty() : Optional.of(name);
    }
}
