package dev.spindle.bench.cases;

/**
 * The fairness-hogs case's hog: a plain CPU loop that never calls any runtime (no send, receive,
 * yield or any other call: only arithmetic on a local, a volatile store of its progress and a
 * volatile read of its stop flag every {@link #BATCH} iterations). A runtime can take the CPU back
 * from it only by preempting it; the Spindle peer {@code spindle-preempt} runs this same class
 * rewritten by the preemption agent's {@code Instrumenter} ({@link AgentRewrite}), every other peer
 * runs it as compiled.
 *
 * <p>Public, with public members only: the rewritten copy is defined by another class loader, so
 * it is in another runtime package and reaches nothing package-private.
 */
public final class SpinLoop implements FairnessHogs.Loop
{
    /** Iterations between two looks at the stop flag (about 5-10 us on a 3 GHz core). */
    public static final int BATCH = 4096;

    private volatile boolean stop;
    private volatile long iterations;
    /** Keeps the arithmetic alive (C2 would drop a loop whose result nobody reads). */
    private volatile long sink;

    /** A new loop; {@link #run()} runs it. */
    public SpinLoop()
    {
    }

    @Override
    public void run()
    {
        long x = 0x9E3779B97F4A7C15L;
        long n = 0;
        while (!stop)
        {
            // A dependent chain (multiply, shift, xor): it neither vectorizes nor folds away.
            for (int i = 0; i < BATCH; i++)
            {
                x = x * 0x5DEECE66DL + 11;
                x ^= x >>> 17;
            }
            n += BATCH;
            iterations = n;
        }
        sink = x;
    }

    @Override
    public long iterations()
    {
        return iterations;
    }

    @Override
    public void stop()
    {
        stop = true;
    }
}
