package dev.spindle.bench.experiments;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two or more trees of Spindle in one JVM, each in its own class loader, measured in turn on the
 * same pinned CPU: an A/B comparison that this noisy VM's phases cannot tilt, because a phase
 * (a cross-core hop reading 600 ns or 3 us, a CPU's pingpong 280 or 400 ns from one minute to
 * the next) falls on every tree alike. Comparing JVMs one after another cannot tell a 3% change
 * from such a phase (docs/performance.md, tenth round).
 *
 * <p>Each tree is a class path (its bench jar, which holds the runtime, its native library and
 * its dependencies; or a runtime jar followed by one that supplies the dependencies). Its loader's
 * parent is the platform loader, so nothing of this tree leaks in; {@link HopProbe}'s class file
 * is defined in each loader from this jar, and links against that tree's {@code dev.spindle}
 * classes. Each tree loads its own copy of libspindle (extracted to its own temporary file, which
 * JNI binds to that loader) and its own JNA. Each turn starts a node with one scheduler pinned to
 * the given CPU, runs the probe's measurements back to back, and closes the node; the trees take
 * turns, the order reversed every other alternation, and the first alternation (the JIT's) is
 * left out of the medians.
 *
 * <p>What stays shared is the JVM's: the heap and its collector, the code cache, the compiler
 * threads. Each tree still gets its own JIT draw (its own profiles and inlining), which varies
 * from JVM to JVM: run a few JVMs and read the ratios' median.
 *
 * <pre>java $FLAGS -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp bench/target/spindle-bench.jar \
 *     dev.spindle.bench.experiments.TreesInOneJvm pingpong 1 7 1000000 6 \
 *     start=/tmp/start/spindle-bench.jar now=bench/target/spindle-bench.jar</pre>
 *
 * ($FLAGS: the runtime's JVM flags, as in ci/jcstress.sh.) It prints each measurement, then the
 * medians and each tree's ratio to the first one named.
 */
public final class TreesInOneJvm
{
    private static final String PROBE = HopProbe.class.getName();

    private TreesInOneJvm()
    {
    }

    /** A tree's class loader: its class path, plus {@link HopProbe} defined from this jar's bytes. */
    private static final class TreeLoader extends URLClassLoader
    {
        private final byte[] probe;

        TreeLoader(final String name, final URL[] path, final byte[] probe)
        {
            super(name, path, ClassLoader.getPlatformClassLoader());
            this.probe = probe;
        }

        @Override
        protected Class<?> findClass(final String name) throws ClassNotFoundException
        {
            return PROBE.equals(name) ? defineClass(name, probe, 0, probe.length) : super.findClass(name);
        }
    }

    /**
     * @param args the probe ({@code pingpong} or {@code ring}), the CPU, alternations (at least
     *             2), operations per measurement, measurements per turn (at least 2), then two or
     *             more {@code name=classpath} (entries separated by {@code :}).
     * @throws Throwable when a tree cannot be loaded or a measurement fails.
     */
    public static void main(final String[] args) throws Throwable
    {
        System.out.println(compare(args, System.out));
    }

    /**
     * @param args as {@link #main}.
     * @param out  where each measurement is printed.
     * @return the summary: each tree's median and its ratio to the first tree.
     * @throws Throwable when a tree cannot be loaded or a measurement fails.
     */
    static String compare(final String[] args, final java.io.PrintStream out) throws Throwable
    {
        if (args.length < 7)
        {
            throw new IllegalArgumentException(
                "usage: TreesInOneJvm pingpong|ring CPU ALTERNATIONS OPS REPS NAME=CLASSPATH NAME=CLASSPATH...");
        }
        final String probeMethod = args[0];
        if (!probeMethod.equals("pingpong") && !probeMethod.equals("ring"))
        {
            throw new IllegalArgumentException("the probe is pingpong or ring, not " + probeMethod);
        }
        final int cpu = Integer.parseInt(args[1]);
        final int alternations = Integer.parseInt(args[2]);
        final int ops = Integer.parseInt(args[3]);
        final int reps = Integer.parseInt(args[4]);
        if (alternations < 2 || reps < 2 || ops < 1)
        {
            throw new IllegalArgumentException("alternations and measurements at least 2, operations at least 1");
        }
        final byte[] probe = probeBytes();
        final int trees = args.length - 5;
        final String[] names = new String[trees];
        final MethodHandle[] run = new MethodHandle[trees];
        final List<TreeLoader> loaders = new ArrayList<>();
        try
        {
            for (int i = 0; i < trees; i++)
            {
                final String spec = args[5 + i];
                final int eq = spec.indexOf('=');
                if (eq <= 0)
                {
                    throw new IllegalArgumentException("a tree is NAME=CLASSPATH, not " + spec);
                }
                names[i] = spec.substring(0, eq);
                final List<URL> path = new ArrayList<>();
                for (final String entry : spec.substring(eq + 1).split(":"))
                {
                    final Path p = Path.of(entry);
                    if (!Files.exists(p))
                    {
                        throw new IllegalArgumentException("tree " + names[i] + ": no such file " + p);
                    }
                    path.add(p.toUri().toURL());
                }
                final TreeLoader loader = new TreeLoader(names[i], path.toArray(new URL[0]), probe);
                loaders.add(loader);
                run[i] = MethodHandles.publicLookup().findStatic(loader.loadClass(PROBE), probeMethod,
                    MethodType.methodType(double[].class, int.class, int.class, int.class));
            }
            return alternate(probeMethod, names, run, cpu, alternations, ops, reps, out) + "; load average " +
                Files.readString(Path.of("/proc/loadavg")).trim();
        }
        finally
        {
            for (final TreeLoader l : loaders)
            {
                l.close(); // its jars; every node it started is closed already
            }
        }
    }

    /** The trees take turns; @return the summary line (medians, ratios to the first tree). */
    private static String alternate(final String probeMethod, final String[] names, final MethodHandle[] run, final int cpu, final int alternations,
        final int ops, final int reps, final java.io.PrintStream out) throws Throwable
    {
        final int trees = names.length;
        final List<List<Double>> medians = new ArrayList<>();
        for (int i = 0; i < trees; i++)
        {
            medians.add(new ArrayList<>());
        }
        for (int a = 0; a < alternations; a++)
        {
            for (int k = 0; k < trees; k++)
            {
                final int i = a % 2 == 0 ? k : trees - 1 - k;
                final double[] v = (double[])run[i].invoke(cpu, ops, reps);
                final double m = medianOfLastHalf(v);
                if (a > 0)
                {
                    medians.get(i).add(m);
                }
                final StringBuilder each = new StringBuilder();
                for (final double x : v)
                {
                    each.append(String.format(" %.1f", x));
                }
                out.printf("%d %s cpu%d %.1f (%s)%n", a, names[i], cpu, m, each.toString().trim());
            }
        }
        final StringBuilder sb = new StringBuilder(String.format("%s cpu%d, medians of alternations 2-%d:",
            probeMethod, cpu, alternations));
        final double[] m = new double[trees];
        for (int i = 0; i < trees; i++)
        {
            final double[] v = medians.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            m[i] = v[(v.length - 1) / 2];
            sb.append(String.format(" %s=%.1f", names[i], m[i]));
        }
        for (int i = 1; i < trees; i++)
        {
            sb.append(String.format(" %s/%s=%.3f", names[i], names[0], m[i] / m[0]));
        }
        return sb.toString();
    }

    private static double medianOfLastHalf(final double[] v)
    {
        final double[] last = Arrays.copyOfRange(v, v.length / 2, v.length);
        Arrays.sort(last);
        return last[(last.length - 1) / 2];
    }

    private static byte[] probeBytes() throws IOException
    {
        try (InputStream in = TreesInOneJvm.class.getResourceAsStream("HopProbe.class"))
        {
            if (in == null)
            {
                throw new IOException("HopProbe.class is not beside TreesInOneJvm");
            }
            return in.readAllBytes();
        }
    }
}
