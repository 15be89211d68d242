package dev.spindle.bench.jmh;

import dev.spindle.internal.preempt.PreemptibleCarrier;
import dev.spindle.internal.preempt.Preemption;
import jdk.internal.misc.CarrierThreadLocal;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * How the preemption poll finds its carrier: cost (JMH) and correctness ({@link #main}).
 * Candidates, each as a poll in a tight loop (one xorshift step per iteration):
 * <ul>
 *   <li>{@code none}: no poll (the floor);</li>
 *   <li>{@code currentThread}: {@code Thread.currentThread()} (C2 caches it across a yield);</li>
 *   <li>{@code carrierThread}: {@code JavaLangAccess.currentCarrierThread()}, what
 *       {@link Preemption#poll()} uses (through {@link Preemption#carrierThread()});</li>
 *   <li>{@code carrierThreadLocal}: a {@code jdk.internal.misc.CarrierThreadLocal} holding the
 *       carrier (needs only the jdk.internal.misc export the runtime has anyway);</li>
 *   <li>{@code continuation}: {@code Continuation.getCurrentContinuation(scope)} with the budget on
 *       the continuation (needs only jdk.internal.vm).</li>
 * </ul>
 * {@code thread} runs on the JMH thread (a plain thread: the poll must find "not a carrier");
 * {@code carrier} runs on a {@link PreemptibleCarrier} (JMH's {@code CUSTOM} executor) inside a
 * continuation whose budget never runs out, so it times the fast path alone.
 *
 * <pre>
 * java $FLAGS -cp bench/target/spindle-bench.jar dev.spindle.bench.jmh.CarrierLookupBench        # correctness
 * java $FLAGS -cp bench/target/spindle-bench.jar dev.spindle.bench.jmh.CarrierLookupBench cost   # interleaved cost
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED"})
public class CarrierLookupBench
{
    static final int N = 10_000;
    static final ContinuationScope SCOPE = new ContinuationScope("lookup-bench");
    static final CarrierThreadLocal<Carrier> CARRIER = new CarrierThreadLocal<>();

    /** Which lookup. */
    @Param({"none", "currentThread", "carrierThread", "carrierThreadLocal", "continuation"})
    public String lookup;

    /** A carrier whose budget never runs out in the timing runs; counts slow-path entries. */
    public static final class Carrier extends PreemptibleCarrier
    {
        long spent;

        /**
         * @param task runnable.
         * @param name thread name.
         */
        public Carrier(final Runnable task, final String name)
        {
            super(null, task, name, 0, false);
        }

        @Override
        public void run()
        {
            CARRIER.set(this);
            super.run();
        }

        @Override
        protected void budgetSpent()
        {
            spent++;
            budget = Integer.MAX_VALUE;
        }
    }

    /** A continuation that carries a budget (the {@code continuation} candidate). */
    static final class Proc extends Continuation
    {
        int budget = Integer.MAX_VALUE;
        Proc(final Runnable body)
        {
            super(SCOPE, body);
        }
    }

    /** JMH's CUSTOM executor: its threads are carriers. */
    public static final class CarrierExecutor extends ThreadPoolExecutor
    {
        /**
         * @param threads thread count.
         * @param prefix  name prefix.
         */
        public CarrierExecutor(final int threads, final String prefix)
        {
            super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> new Carrier(r, prefix + "-carrier"));
        }
    }

    /** One xorshift64 step: C2 cannot fold a chain of these (it folds an LCG's into one multiply per unrolled block). */
    static long step(final long v)
    {
        long x = v;
        x ^= x << 13;
        x ^= x >>> 7;
        return x ^ (x << 17);
    }

    static long noPoll(final long seed)
    {
        long x = seed;
        for (int i = 0; i < N; i++)
        {
            x = step(x);
        }
        return x;
    }

    static long viaCurrentThread(final long seed)
    {
        long x = seed;
        for (int i = 0; i < N; i++)
        {
            x = step(x);
            if (Thread.currentThread() instanceof Carrier c && --c.budget <= 0)
            {
                c.budgetSpent();
            }
        }
        return x;
    }

    static long viaCarrierThread(final long seed)
    {
        long x = seed;
        for (int i = 0; i < N; i++)
        {
            x = step(x);
            Preemption.poll();
        }
        return x;
    }

    static long viaCarrierThreadLocal(final long seed)
    {
        long x = seed;
        for (int i = 0; i < N; i++)
        {
            x = step(x);
            final Carrier c = CARRIER.get();
            if (c != null && --c.budget <= 0)
            {
                c.budgetSpent();
            }
        }
        return x;
    }

    static long viaContinuation(final long seed)
    {
        long x = seed;
        for (int i = 0; i < N; i++)
        {
            x = step(x);
            if (Continuation.getCurrentContinuation(SCOPE) instanceof Proc p && --p.budget <= 0)
            {
                refill(p); // a call, like every candidate's slow path: it keeps the lookup in the loop
            }
        }
        return x;
    }

    static void refill(final Proc p)
    {
        p.budget = Integer.MAX_VALUE;
        Thread.onSpinWait();
    }

    long kernel(final long seed)
    {
        return switch (lookup)
        {
            case "none" -> noPoll(seed);
            case "currentThread" -> viaCurrentThread(seed);
            case "carrierThread" -> viaCarrierThread(seed);
            case "carrierThreadLocal" -> viaCarrierThreadLocal(seed);
            case "continuation" -> viaContinuation(seed);
            default -> throw new IllegalArgumentException(lookup);
        };
    }

    private long seed = 1;

    /** @return the kernel on the JMH thread (a plain thread). */
    @Benchmark
    @OperationsPerInvocation(N)
    public long thread()
    {
        return seed = kernel(seed);
    }

    /** @return the kernel inside a continuation on a carrier. */
    @Benchmark
    @OperationsPerInvocation(N)
    @Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.spindle.bench.jmh.CarrierLookupBench$CarrierExecutor"})
    public long carrier()
    {
        final long[] out = new long[1];
        final Proc run = new Proc(() -> out[0] = kernel(seed));
        run.run();
        return seed = out[0];
    }

    // ---- cost, interleaved: robust to a machine whose load drifts ----

    private static final String[] CANDIDATES = {"none", "currentThread", "carrierThread", "carrierThreadLocal", "continuation"};

    /**
     * Alternates 20 ms rounds of every candidate, on a plain thread and on a carrier inside a
     * continuation, and prints each one's median ns per iteration and its median excess over
     * {@code none} from the same round.
     */
    static void cost(final int rounds) throws Exception
    {
        System.out.printf("%-20s %14s %14s %16s %16s%n", "lookup", "thread ns/it", "carrier ns/it", "thread +ns/poll",
            "carrier +ns/poll");
        final double[][][] ns = new double[2][CANDIDATES.length][rounds];
        for (int where = 0; where < 2; where++)
        {
            final int w = where;
            final Runnable measure = () ->
            {
                final CarrierLookupBench b = new CarrierLookupBench();
                for (int r = -rounds / 4; r < rounds; r++)
                {
                    for (int i = 0; i < CANDIDATES.length; i++)
                    {
                        final int k = (r & 1) == 0 ? i : CANDIDATES.length - 1 - i;
                        b.lookup = CANDIDATES[k];
                        final long start = System.nanoTime();
                        long ops = 0;
                        while (System.nanoTime() - start < 20_000_000L)
                        {
                            if (w == 0)
                            {
                                b.thread();
                            }
                            else
                            {
                                b.carrier();
                            }
                            ops++;
                        }
                        if (r >= 0)
                        {
                            ns[w][k][r] = (System.nanoTime() - start) / (double)(ops * N);
                        }
                    }
                }
            };
            if (where == 0)
            {
                measure.run();
            }
            else
            {
                final Carrier c = new Carrier(measure, "cost-carrier");
                c.start();
                c.join();
            }
        }
        for (int i = 0; i < CANDIDATES.length; i++)
        {
            System.out.printf("%-20s %14.3f %14.3f %16.3f %16.3f%n", CANDIDATES[i], median(ns[0][i]), median(ns[1][i]),
                medianDiff(ns[0][i], ns[0][0]), medianDiff(ns[1][i], ns[1][0]));
        }
    }

    private static double median(final double[] xs)
    {
        final double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double medianDiff(final double[] a, final double[] b)
    {
        final double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++)
        {
            d[i] = a[i] - b[i];
        }
        return median(d);
    }

    // ---- correctness: a continuation that moves between two carriers at every yield ----

    static volatile Object expected;
    static long wrong;

    /**
     * Runs one poll-shaped loop per candidate in a continuation that yields every 4th iteration
     * and is resumed alternately on two carriers, and prints how often the lookup named a thread
     * other than the one the continuation was mounted on.
     *
     * @param args unused.
     * @throws Exception if a carrier fails.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && args[0].equals("cost"))
        {
            cost(args.length > 1 ? Integer.parseInt(args[1]) : 40);
            return;
        }
        final int iterations = 5_000_000;
        final ExecutorService a = Executors.newSingleThreadExecutor(r -> new Carrier(r, "a"));
        final ExecutorService b = Executors.newSingleThreadExecutor(r -> new Carrier(r, "b"));
        for (final String candidate : new String[] {"currentThread", "carrierThread", "carrierThreadLocal", "continuation"})
        {
            wrong = 0;
            final Continuation[] self = new Continuation[1];
            final Continuation c = new Proc(() ->
            {
                for (int i = 0; i < iterations; i++)
                {
                    final Object seen = switch (candidate)
                    {
                        case "currentThread" -> Thread.currentThread();
                        case "carrierThread" -> Preemption.carrierThread();
                        case "carrierThreadLocal" -> CARRIER.get();
                        default -> Continuation.getCurrentContinuation(SCOPE);
                    };
                    if (seen != expected)
                    {
                        wrong++;
                    }
                    if ((i & 3) == 0)
                    {
                        Continuation.yield(SCOPE);
                    }
                }
            });
            self[0] = c;
            int k = 0;
            while (!c.isDone())
            {
                (k++ % 2 == 0 ? a : b).submit(() ->
                {
                    // The continuation candidate is right when it names the continuation itself.
                    expected = candidate.equals("continuation") ? self[0] : Thread.currentThread();
                    c.run();
                }).get();
            }
            System.out.printf("%-20s wrong answers %,d of %,d%n", candidate, wrong, iterations);
        }
        a.shutdown();
        b.shutdown();
    }
}
