package dev.spindle.agent;

import dev.spindle.internal.preempt.ClassSelector;
import dev.spindle.internal.preempt.Instrumenter;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.constant.ClassDesc;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build-time rewriter, for services that cannot add {@code -javaagent}: the same rewriting as
 * {@link SpindleAgent}, applied to a directory of compiled classes.
 *
 * <pre>
 * java -cp spindle-runtime.jar dev.spindle.agent.Rewrite --in target/classes --include 'com.example.**' \
 *      [--exclude GLOB]... [--out DIR] [--classpath PATH] [--entries all|callers|branching] [--batch N] [--quiet]
 * </pre>
 *
 * Without {@code --out} it rewrites in place (each file replaced atomically). Rewritten classes
 * carry a marker, so running it twice, or running the agent over its output, never rewrites a
 * class twice. {@code --classpath} lists the directories and jars the classes were compiled
 * against: the rewriter reads their super types from there to rebuild stack maps. The rewritten
 * code needs {@code --add-exports java.base/jdk.internal.access=ALL-UNNAMED} at run time (the
 * agent grants that itself); without it the inserted calls do nothing. Needs JDK 24 or later.
 */
public final class Rewrite
{
    private Rewrite()
    {
    }

    /**
     * Counts of one run.
     *
     * @param rewritten        classes rewritten.
     * @param alreadyRewritten classes that carried the marker.
     * @param notSelected      class files not selected (copied unchanged with {@code --out}).
     * @param unchanged        selected classes that needed nothing.
     * @param failed           selected classes left unpreemptible, with the reason printed.
     */
    public record Summary(int rewritten, int alreadyRewritten, int notSelected, int unchanged, int failed)
    {
    }

    /**
     * @param args see the class description.
     */
    public static void main(final String[] args)
    {
        try
        {
            run(args, System.out);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("Rewrite: " + ex.getMessage());
            System.err.println("usage: java -cp spindle-runtime.jar dev.spindle.agent.Rewrite --in DIR --include GLOB " +
                "[--include GLOB]... [--exclude GLOB]... [--out DIR] [--classpath PATH] [--entries all|callers|branching] [--batch N] [--quiet]");
            System.exit(2);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            System.err.println("Rewrite: " + ex);
            System.exit(1);
        }
    }

    /**
     * Runs the rewriter.
     *
     * @param args see the class description.
     * @param out  where the report goes.
     * @return the counts.
     * @throws IOException              if a file cannot be read or written.
     * @throws IllegalArgumentException for bad arguments, with the reason.
     */
    public static Summary run(final String[] args, final PrintStream out) throws IOException
    {
        Path in = null;
        Path outDir = null;
        final List<String> includes = new ArrayList<>();
        final List<String> excludes = new ArrayList<>();
        final List<Path> classpath = new ArrayList<>();
        Instrumenter.Entries entries = Instrumenter.Entries.BRANCHING;
        int batch = dev.spindle.internal.preempt.Preemption.LOOP_BATCH;
        boolean quiet = false;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--in" -> in = Path.of(value(args, ++i, a));
                case "--out" -> outDir = Path.of(value(args, ++i, a));
                case "--include" -> includes.add(value(args, ++i, a));
                case "--exclude" -> excludes.add(value(args, ++i, a));
                case "--classpath", "-cp" ->
                {
                    for (final String p : value(args, ++i, a).split(java.io.File.pathSeparator))
                    {
                        if (!p.isBlank())
                        {
                            classpath.add(Path.of(p));
                        }
                    }
                }
                case "--entries" -> entries = dev.spindle.internal.preempt.AgentOptions.entries(value(args, ++i, a));
                case "--batch" ->
                {
                    try
                    {
                        batch = Integer.parseInt(value(args, ++i, a));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw new IllegalArgumentException("--batch takes a power of two from 1 to 1024", ex);
                    }
                }
                case "--quiet" -> quiet = true;
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (in == null)
        {
            throw new IllegalArgumentException("--in DIR is required");
        }
        if (!Files.isDirectory(in))
        {
            throw new IllegalArgumentException("--in " + in + " is not a directory");
        }
        if (includes.isEmpty())
        {
            throw new IllegalArgumentException("give at least one --include GLOB (e.g. 'com.example.**')");
        }
        final ClassSelector selector = new ClassSelector(includes, excludes);
        final Path target = outDir == null ? in : outDir;
        try (URLClassLoader types = typeLoader(in, classpath))
        {
            final Instrumenter instrumenter = new Instrumenter(ClassHierarchyResolver.ofResourceParsing(
                (ClassDesc d) -> resource(types, d)), new Instrumenter.Policy(entries, batch));
            final int[] counts = new int[5];
            final List<Path> files;
            try (Stream<Path> walk = Files.walk(in))
            {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (final Path file : files)
            {
                final Path rel = in.relativize(file);
                final Path dest = target.resolve(rel);
                final String name = rel.toString().replace(java.io.File.separatorChar, '/');
                final boolean isClass = name.endsWith(".class") && !name.endsWith("module-info.class") &&
                    !name.startsWith("META-INF/");
                if (!isClass || !selector.selects(name.substring(0, name.length() - ".class".length())))
                {
                    if (isClass)
                    {
                        counts[2]++;
                    }
                    copyIfElsewhere(file, dest);
                    continue;
                }
                final Instrumenter.Result r = instrumenter.instrument(Files.readAllBytes(file));
                switch (r.status())
                {
                    case REWRITTEN ->
                    {
                        counts[0]++;
                        write(dest, r.bytes());
                        if (!quiet && r.skippedLarge() > 0)
                        {
                            out.println("  " + name + ": " + r.skippedLarge() + " method(s) too large, left unpreemptible");
                        }
                        continue;
                    }
                    case ALREADY_REWRITTEN -> counts[1]++;
                    case NOTHING_TO_DO -> counts[3]++;
                    case FAILED ->
                    {
                        counts[4]++;
                        out.println("  " + name + ": left unpreemptible: " + r.detail());
                    }
                }
                copyIfElsewhere(file, dest);
            }
            final Summary s = new Summary(counts[0], counts[1], counts[2], counts[3], counts[4]);
            if (!quiet)
            {
                out.printf("Rewrite %s -> %s (%s): %d rewritten, %d already rewritten, %d needed nothing, %d failed, %d not selected%n",
                    in, target, selector, s.rewritten(), s.alreadyRewritten(), s.unchanged(), s.failed(), s.notSelected());
            }
            return s;
        }
    }

    private static String value(final String[] args, final int i, final String option)
    {
        if (i >= args.length || args[i].startsWith("--"))
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static URLClassLoader typeLoader(final Path in, final List<Path> classpath)
    {
        final List<URL> urls = new ArrayList<>();
        try
        {
            urls.add(in.toUri().toURL());
            for (final Path p : classpath)
            {
                urls.add(p.toUri().toURL());
            }
        }
        catch (final MalformedURLException ex)
        {
            throw new IllegalArgumentException("bad class path entry: " + ex.getMessage(), ex);
        }
        // Only its resources are read (class files parsed for their super types); nothing is loaded.
        return new URLClassLoader("spindle-rewrite-types", urls.toArray(URL[]::new), ClassLoader.getSystemClassLoader());
    }

    private static InputStream resource(final ClassLoader loader, final ClassDesc desc)
    {
        final String d = desc.descriptorString();
        return loader.getResourceAsStream(d.substring(1, d.length() - 1) + ".class");
    }

    private static void copyIfElsewhere(final Path from, final Path to) throws IOException
    {
        if (!from.equals(to))
        {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void write(final Path dest, final byte[] bytes) throws IOException
    {
        Files.createDirectories(dest.getParent());
        final Path tmp = Files.createTempFile(dest.getParent(), ".spindle-", ".tmp");
        try
        {
            Files.write(tmp, bytes);
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally
        {
            Files.deleteIfExists(tmp);
        }
    }
}
