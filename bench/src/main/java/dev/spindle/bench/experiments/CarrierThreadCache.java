package dev.spindle.bench.experiments;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Why Spindle never asks {@code Thread.currentThread()} inside a process (docs/architecture.md):
 * one continuation yields every 4th iteration and is resumed alternately on two threads. It
 * counts how often {@code Thread.currentThread()} and {@code Continuation.getCurrentContinuation}
 * give the wrong answer once C2 has compiled the loop. Measured on JDK 25.0.3: about 2.4 million
 * of 5 million for currentThread, 0 for getCurrentContinuation.
 *
 * <pre>java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/spindle-bench.jar \
 *   dev.spindle.bench.experiments.CarrierThreadCache</pre>
 */
public final class CarrierThreadCache
{
    private static final ContinuationScope SCOPE = new ContinuationScope("experiment");
    private static final int ITERATIONS = 5_000_000;
    private static volatile Thread expectedThread;
    private static volatile Continuation expectedContinuation;
    private static long wrongThread;
    private static long wrongContinuation;

    private CarrierThreadCache()
    {
    }

    private static void body()
    {
        for (int i = 0; i < ITERATIONS; i++)
        {
            if (Thread.currentThread() != expectedThread)
            {
                wrongThread++;
            }
            if (Continuation.getCurrentContinuation(SCOPE) != expectedContinuation)
            {
                wrongContinuation++;
            }
            if ((i & 3) == 0)
            {
                Continuation.yield(SCOPE);
            }
        }
    }

    /**
     * @param args unused.
     * @throws Exception if a carrier fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Continuation c = new Continuation(SCOPE, CarrierThreadCache::body);
        expectedContinuation = c;
        final ExecutorService a = Executors.newSingleThreadExecutor();
        final ExecutorService b = Executors.newSingleThreadExecutor();
        int k = 0;
        while (!c.isDone())
        {
            (k++ % 2 == 0 ? a : b).submit(() ->
            {
                expectedThread = Thread.currentThread();
                c.run();
            }).get();
        }
        a.shutdown();
        b.shutdown();
        System.out.printf("of %,d iterations: Thread.currentThread() wrong %,d times, getCurrentContinuation wrong %,d times%n",
            ITERATIONS, wrongThread, wrongContinuation);
    }
}
