package dev.spindle.bench.jmh;

import dev.spindle.internal.preempt.Instrumenter;
import dev.spindle.internal.preempt.PreemptibleCarrier;
import dev.spindle.internal.preempt.Preemption;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassHierarchyResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What preemption costs CPU-bound code: each kernel as compiled ({@code plain}) and as the agent
 * rewrites it ({@code rewritten}), run
 * <ul>
 *   <li>{@code thread}: on the JMH thread, a plain thread (the poll only finds "not a carrier");</li>
 *   <li>{@code process}: inside a continuation on a {@link PreemptibleCarrier} (JMH's
 *       {@code CUSTOM} executor) with a budget of 4000 reductions, giving way (a real
 *       continuation yield, resumed at once: the only runnable process) each time it is spent;</li>
 *   <li>{@code processNoYield}: the same, but a spent budget is refilled without yielding, which
 *       isolates the counting from the switches (what a scheduler with nothing else to run
 *       could do).</li>
 * </ul>
 * Kernels: {@code arith} (a tight xorshift loop, 100k back-edges), {@code recursion}
 * ({@code fib(22)}, 57k calls), {@code collections} (sort, HashMap counting and iteration of 4096
 * boxed ints: mostly JDK code, not rewritten), {@code hdr} (HdrHistogram, a library from the
 * bench's dependencies rewritten with it: 20k {@code recordValue} and two percentile queries).
 * The kernels and HdrHistogram are loaded by a child-first loader, rewritten or not, so both
 * variants load and JIT the same way (so the kernels touch nothing package-private outside
 * themselves: another loader is another runtime package).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED"})
public class PreemptionOverheadBench
{
    /** NodeConfig's default budget. */
    public static final int REDUCTIONS = 4000;
    private static final ContinuationScope SCOPE = new ContinuationScope("overhead-bench");
    private static final String CARRIER_EXECUTOR = "-Djmh.executor.class=dev.spindle.bench.jmh.PreemptionOverheadBench$CarrierExecutor";

    /** Which kernel. */
    @Param({"arith", "recursion", "collections", "hdr"})
    public String kernel;

    /**
     * As compiled ({@code plain}); rewritten with the default policy ({@code rewritten}: entry
     * polls in branching methods, loops polled every 64 back-edges); with entry polls in every
     * method that calls ({@code callers}); or that and a poll at every back-edge ({@code every}).
     */
    @Param({"plain", "rewritten", "callers", "every"})
    public String variant;

    private LongSupplier work;

    /** Loads the kernel through its own loader. */
    @Setup(Level.Trial)
    public void setup() throws ReflectiveOperationException
    {
        final String name = switch (kernel)
        {
            case "arith" -> "Arith";
            case "recursion" -> "Recursion";
            case "collections" -> "Collections";
            case "hdr" -> "Hdr";
            default -> throw new IllegalArgumentException(kernel);
        };
        final KernelLoader loader = new KernelLoader(switch (variant)
        {
            case "plain" -> null;
            case "rewritten" -> Instrumenter.Policy.DEFAULT;
            case "every" -> new Instrumenter.Policy(Instrumenter.Entries.CALLERS, 1);
            case "callers" -> new Instrumenter.Policy(Instrumenter.Entries.CALLERS, Preemption.LOOP_BATCH);
            default -> throw new IllegalArgumentException(variant);
        });
        work = (LongSupplier)loader.loadClass(PreemptionOverheadBench.class.getName() + "$Kernel" + name)
            .getDeclaredConstructor().newInstance();
        if (!variant.equals("plain") && loader.rewritten == 0)
        {
            throw new IllegalStateException("nothing was rewritten");
        }
    }

    /** Prints how often the last process run spent its budget (a sanity check that polls ran). */
    @TearDown(Level.Trial)
    public void report()
    {
        if (Thread.currentThread() instanceof Carrier c)
        {
            System.out.println("[" + kernel + "/" + variant + "] last run: budget spent " + c.spent + " times, yielded " + c.yields);
        }
    }

    /** @return the kernel's result, on a plain thread. */
    @Benchmark
    public long thread()
    {
        return work.getAsLong();
    }

    /** @return the kernel's result, in a process that gives way whenever its budget is spent. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED", "-Djmh.executor=CUSTOM", CARRIER_EXECUTOR})
    public long process()
    {
        return ((Carrier)Thread.currentThread()).runProcess(work, true);
    }

    /** @return the kernel's result, in a process whose spent budget is refilled without yielding. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED", "-Djmh.executor=CUSTOM", CARRIER_EXECUTOR})
    public long processNoYield()
    {
        return ((Carrier)Thread.currentThread()).runProcess(work, false);
    }

    // ---- interleaved cross-check: ratios that survive a machine whose load drifts ----

    /**
     * Not JMH: for each kernel, alternates short timed rounds of the variants in one JVM (each in
     * its own loader, so each has its own compiled code) and prints the median ratio of adjacent
     * rounds, on a plain thread and in a process. Slow drifts in machine load hit both sides of a
     * ratio alike, which sequential JMH forks cannot promise on a shared machine.
     *
     * <pre>java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED --add-exports java.base/jdk.internal.access=ALL-UNNAMED \
     *   -cp bench/target/spindle-bench.jar dev.spindle.bench.jmh.PreemptionOverheadBench [rounds] [roundMillis]</pre>
     *
     * @param args rounds (default 40) and milliseconds per round (default 40).
     * @throws Exception if a carrier fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        final long roundNanos = (args.length > 1 ? Long.parseLong(args[1]) : 40) * 1_000_000L;
        final String[] variants = {"plain", "rewritten", "callers", "every"};
        System.out.printf("%-12s %-8s %11s %9s %9s %9s %9s %9s %9s %9s %9s %9s%n", "kernel", "where", "plain us/op", "rewritten",
            "callers", "every", "rewr/pl", "call/pl", "every/pl", "min r/p", "min c/p", "min e/p");
        for (final String kernel : new String[] {"arith", "recursion", "collections", "hdr"})
        {
            for (final String where : new String[] {"thread", "process"})
            {
                final LongSupplier[] works = new LongSupplier[variants.length];
                for (int v = 0; v < variants.length; v++)
                {
                    final PreemptionOverheadBench b = new PreemptionOverheadBench();
                    b.kernel = kernel;
                    b.variant = variants[v];
                    b.setup();
                    works[v] = b.work;
                }
                final double[][] nsPerOp = new double[variants.length][rounds];
                final Runnable measure = () ->
                {
                    final Carrier carrier = Thread.currentThread() instanceof Carrier c ? c : null;
                    for (int r = -rounds / 4; r < rounds; r++) // the first quarter warms up
                    {
                        for (int v = 0; v < variants.length; v++)
                        {
                            final int k = (r & 1) == 0 ? v : variants.length - 1 - v; // alternate the order
                            final long start = System.nanoTime();
                            long ops = 0;
                            long sink = 0;
                            while (System.nanoTime() - start < roundNanos)
                            {
                                sink += carrier == null ? works[k].getAsLong() : carrier.runProcess(works[k], true);
                                ops++;
                            }
                            if (r >= 0)
                            {
                                nsPerOp[k][r] = (System.nanoTime() - start) / (double)ops + (sink == 42 ? 1e-9 : 0);
                            }
                        }
                    }
                };
                if (where.equals("thread"))
                {
                    measure.run();
                }
                else
                {
                    final Carrier c = new Carrier(measure, "ratio-carrier");
                    c.start();
                    c.join();
                }
                // Medians of adjacent-round ratios, and ratios of the fastest rounds (the least disturbed).
                System.out.printf("%-12s %-8s %11.1f %9.1f %9.1f %9.1f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n", kernel, where,
                    median(nsPerOp[0]) / 1e3, median(nsPerOp[1]) / 1e3, median(nsPerOp[2]) / 1e3, median(nsPerOp[3]) / 1e3,
                    medianRatio(nsPerOp[1], nsPerOp[0]), medianRatio(nsPerOp[2], nsPerOp[0]), medianRatio(nsPerOp[3], nsPerOp[0]),
                    min(nsPerOp[1]) / min(nsPerOp[0]), min(nsPerOp[2]) / min(nsPerOp[0]), min(nsPerOp[3]) / min(nsPerOp[0]));
            }
        }
    }

    private static double median(final double[] xs)
    {
        final double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(final double[] xs)
    {
        double m = Double.MAX_VALUE;
        for (final double x : xs)
        {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double medianRatio(final double[] a, final double[] b)
    {
        final double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++)
        {
            r[i] = a[i] / b[i];
        }
        return median(r);
    }

    // ---- the carrier: a minimal scheduler for one process at a time ----

    /** A process: a continuation and its result. */
    static final class Proc extends Continuation
    {
        long result;
        boolean preempting;

        Proc(final Runnable body)
        {
            super(SCOPE, body);
        }

        @Override
        protected void onPinned(final Continuation.Pinned reason)
        {
            if (!preempting)
            {
                throw new IllegalStateException("pinned: " + reason);
            }
        }
    }

    /** A JMH worker that is a scheduler thread: runs one process to its end, per invocation. */
    public static final class Carrier extends PreemptibleCarrier
    {
        private Proc current;
        private boolean yieldOnSpent;
        /** Spent budgets and yields of the last run, for the sanity line at tear-down. */
        long spent;
        long yields;

        Carrier(final Runnable task, final String name)
        {
            super(null, task, name, 0, false);
        }

        long runProcess(final LongSupplier work, final boolean yieldWhenSpent)
        {
            final Proc[] self = new Proc[1];
            final Proc p = new Proc(() -> self[0].result = work.getAsLong());
            self[0] = p;
            yieldOnSpent = yieldWhenSpent;
            spent = 0;
            yields = 0;
            while (!p.isDone())
            {
                budget = REDUCTIONS;
                unsafeDepth = 0;
                current = p;
                p.run();
                current = null;
                budget = Integer.MAX_VALUE;
            }
            return p.result;
        }

        @Override
        protected void budgetSpent()
        {
            final Proc p = current;
            spent++;
            if (p == null || !yieldOnSpent)
            {
                budget = p == null ? Integer.MAX_VALUE : REDUCTIONS;
                return;
            }
            yields++;
            p.preempting = true;
            final boolean yielded = Continuation.yield(SCOPE);
            p.preempting = false;
            if (!yielded)
            {
                budget = REDUCTIONS;
            }
        }
    }

    /** JMH's CUSTOM executor: its worker threads are carriers. */
    public static final class CarrierExecutor extends ThreadPoolExecutor
    {
        /**
         * @param threads thread count.
         * @param prefix  thread name prefix.
         */
        public CarrierExecutor(final int threads, final String prefix)
        {
            super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> new Carrier(r, prefix + "-carrier"));
        }
    }

    // ---- the kernels' loader ----

    /** Child-first for the kernels and HdrHistogram, rewriting them when asked. */
    static final class KernelLoader extends ClassLoader
    {
        private static final String[] OWN = {PreemptionOverheadBench.class.getName() + "$Kernel", "org.HdrHistogram."};
        private final Instrumenter instrumenter;
        int rewritten;

        KernelLoader(final Instrumenter.Policy policy)
        {
            super("kernels", PreemptionOverheadBench.class.getClassLoader());
            instrumenter = policy == null ? null : new Instrumenter(ClassHierarchyResolver.ofResourceParsing(getParent()), policy);
        }

        @Override
        protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
        {
            boolean own = false;
            for (final String prefix : OWN)
            {
                own |= name.startsWith(prefix);
            }
            if (!own)
            {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name))
            {
                Class<?> c = findLoadedClass(name);
                if (c == null)
                {
                    byte[] bytes;
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class"))
                    {
                        if (in == null)
                        {
                            throw new ClassNotFoundException(name);
                        }
                        bytes = in.readAllBytes();
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                    if (instrumenter != null)
                    {
                        final Instrumenter.Result r = instrumenter.instrument(bytes);
                        if (r.status() == Instrumenter.Status.REWRITTEN)
                        {
                            bytes = r.bytes();
                            rewritten++;
                        }
                    }
                    c = defineClass(name, bytes, 0, bytes.length);
                }
                return c;
            }
        }
    }

    // ---- kernels ----

    /** A tight arithmetic loop: 100,000 back-edges, a branch in each. */
    public static final class KernelArith implements LongSupplier
    {
        private long seed = 88172645463325252L;

        @Override
        public long getAsLong()
        {
            long x = seed;
            long acc = 0;
            for (int i = 0; i < 100_000; i++)
            {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                acc += (x & 1) == 0 ? x >>> 40 : -(x >>> 41);
            }
            seed = x;
            return acc;
        }
    }

    /** Recursive calls: fib(22) is 57,313 calls, one method entry each. */
    public static final class KernelRecursion implements LongSupplier
    {
        private int n = 22;

        static int fib(final int n)
        {
            return n < 2 ? n : fib(n - 1) + fib(n - 2);
        }

        @Override
        public long getAsLong()
        {
            return fib(n);
        }
    }

    /** Collections: mostly JDK code (not rewritten) called from a few rewritten loops. */
    public static final class KernelCollections implements LongSupplier
    {
        private long seed = 1;

        static long xorshift(final long v)
        {
            long x = v;
            x ^= x << 13;
            x ^= x >>> 7;
            return x ^ (x << 17);
        }

        @Override
        public long getAsLong()
        {
            final List<Integer> list = new ArrayList<>(4096);
            long x = seed;
            for (int i = 0; i < 4096; i++)
            {
                x = xorshift(x);
                list.add((int)(x & 0xFFFF));
            }
            seed = x;
            list.sort(null);
            final Map<Integer, Integer> counts = new HashMap<>();
            for (final Integer v : list)
            {
                counts.merge(v & 0x3FF, 1, Integer::sum);
            }
            long sum = 0;
            for (final Map.Entry<Integer, Integer> e : counts.entrySet())
            {
                sum += (long)e.getKey() * e.getValue();
            }
            return sum + list.get(list.size() / 2);
        }
    }

    /** A library: HdrHistogram recording 20,000 values and answering two percentiles. */
    public static final class KernelHdr implements LongSupplier
    {
        private final Histogram histogram = new Histogram(3_600_000_000L, 3);
        private long seed = 7;

        static long xorshift(final long v)
        {
            long x = v;
            x ^= x << 13;
            x ^= x >>> 7;
            return x ^ (x << 17);
        }

        @Override
        public long getAsLong()
        {
            histogram.reset();
            long x = seed;
            for (int i = 0; i < 20_000; i++)
            {
                x = xorshift(x);
                histogram.recordValue(1 + (x >>> 1) % 10_000_000L);
            }
            seed = x;
            return histogram.getValueAtPercentile(99.9) + histogram.getValueAtPercentile(50);
        }
    }
}
