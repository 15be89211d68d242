package dev.spindle.bench.experiments;

import dev.spindle.internal.nativebridge.NativeLibrary;
import dev.spindle.internal.nativebridge.SpindleNative;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * Does a JNI call cost more inside a mounted continuation (docs/benchmarks.md)? Times libspindle's
 * push + next pair on a plain thread and inside a continuation. Measured on JDK 25.0.3: ~27 ns
 * both ways after warm-up.
 *
 * <pre>java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *   -cp bench/target/spindle-bench.jar dev.spindle.bench.experiments.JniInContinuation</pre>
 */
public final class JniInContinuation
{
    private static final ContinuationScope SCOPE = new ContinuationScope("experiment");
    private static final int CALLS = 5_000_000;
    private static long handle;
    private static long sink;

    private JniInContinuation()
    {
    }

    private static void loop()
    {
        for (int i = 0; i < CALLS; i++)
        {
            SpindleNative.pushLocal(handle, 0, i & 1023, 2);
            sink += SpindleNative.next(handle, 0, false);
        }
    }

    /** @param args unused. */
    public static void main(final String[] args)
    {
        NativeLibrary.load();
        handle = SpindleNative.create(1, 4096, 4096);
        for (int round = 0; round < 5; round++)
        {
            final long t0 = System.nanoTime();
            loop();
            final long t1 = System.nanoTime();
            new Continuation(SCOPE, JniInContinuation::loop).run();
            final long t2 = System.nanoTime();
            System.out.printf("push + next: plain thread %.1f ns, inside a continuation %.1f ns%n",
                (t1 - t0) / (double)CALLS, (t2 - t1) / (double)CALLS);
        }
        SpindleNative.destroy(handle);
        System.out.println(sink == Long.MIN_VALUE ? "" : "done");
    }
}
