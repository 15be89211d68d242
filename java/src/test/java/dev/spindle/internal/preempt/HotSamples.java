package dev.spindle.internal.preempt;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Child-JVM main for {@link CompilabilityTest}: makes every rewritten sample method with a monitor
 * or a loop hot enough for C1 and C2, on a plain thread.
 */
final class HotSamples
{
    private HotSamples()
    {
    }

    public static void main(final String[] args) throws Throwable
    {
        final InstrumentingLoader loader = new InstrumentingLoader(true, "dev.spindle.samples.preempt.");
        final MethodType longLong = MethodType.methodType(long.class, long.class);
        long sink = 0;
        for (final String name : new String[] {"inBlock", "inMethod", "nestedBlocks", "throwFromBlock", "longLoopWithMonitor"})
        {
            final MethodHandle h = MethodHandles.publicLookup().findStatic(
                Class.forName("dev.spindle.samples.preempt.Sync", true, loader), name, longLong);
            for (int i = 0; i < 20_000; i++)
            {
                sink += (long)h.invokeExact(50L);
            }
        }
        final MethodHandle spin = MethodHandles.publicLookup().findStatic(
            Class.forName("dev.spindle.samples.preempt.Loops", true, loader), "spin", longLong);
        for (int i = 0; i < 20_000; i++)
        {
            sink += (long)spin.invokeExact(50L);
        }
        Thread.sleep(1000); // let queued compilations finish
        System.out.println("done " + (sink != 42));
    }
}
