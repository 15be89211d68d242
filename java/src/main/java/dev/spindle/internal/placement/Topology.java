package dev.spindle.internal.placement;

import dev.spindle.internal.nativebridge.NativeLibrary;
import dev.spindle.internal.nativebridge.SpindleNative;
import net.openhft.affinity.Affinity;

import java.util.BitSet;
import java.util.function.IntSupplier;

/**
 * What this JVM may run on, and where the calling thread runs now. Uses libspindle when it is
 * loaded (sched_getaffinity/sched_getcpu through JNI, ~10 ns) and OpenHFT affinity otherwise.
 */
public final class Topology
{
    private Topology()
    {
    }

    /** @return CPUs in this thread's affinity mask (taskset/cgroup), ascending. */
    public static int[] allowedCpus()
    {
        if (tryNative())
        {
            final int[] cpus = SpindleNative.allowedCpus();
            if (cpus != null && cpus.length > 0)
            {
                return cpus;
            }
        }
        final BitSet set = Affinity.getAffinity();
        if (set == null || set.isEmpty())
        {
            final int n = Runtime.getRuntime().availableProcessors();
            final int[] all = new int[n];
            for (int i = 0; i < n; i++)
            {
                all[i] = i;
            }
            return all;
        }
        return set.stream().toArray();
    }

    // Where currentCpu() asks, chosen on its first call: the scheduler loop calls it often, and a
    // missing native library must not cost a lock and a thrown UnsatisfiedLinkError every time.
    private static volatile IntSupplier cpuSource;

    /** @return the CPU the calling thread runs on now, or -1 if unknown. */
    public static int currentCpu()
    {
        IntSupplier source = cpuSource;
        if (source == null)
        {
            source = chooseCpuSource(NativeLibrary::load, SpindleNative::currentCpu, Affinity::getCpu);
            cpuSource = source; // a race only makes two threads choose the same way
        }
        return source.getAsInt();
    }

    /**
     * Chooses, once, where {@link #currentCpu()} asks: libspindle if it loads; else the fallback if
     * it answers a CPU (OpenHFT, through JNA); else nobody, and the answer is -1 from then on,
     * without trying again.
     *
     * @param loadNative loads libspindle, or throws {@link UnsatisfiedLinkError}.
     * @param nativeCpu  sched_getcpu through libspindle.
     * @param fallback   another way to ask; may throw or answer -1.
     * @return the source to use for every later call.
     */
    static IntSupplier chooseCpuSource(final Runnable loadNative, final IntSupplier nativeCpu, final IntSupplier fallback)
    {
        try
        {
            loadNative.run();
            return nativeCpu;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            // no libspindle: try the fallback below
        }
        try
        {
            if (fallback.getAsInt() >= 0)
            {
                return () ->
                {
                    try
                    {
                        return fallback.getAsInt();
                    }
                    catch (final RuntimeException | LinkageError ex)
                    {
                        return -1;
                    }
                };
            }
        }
        catch (final RuntimeException | LinkageError ex)
        {
            // the fallback does not work here either
        }
        return () -> -1;
    }

    private static boolean tryNative()
    {
        if (NativeLibrary.isLoaded())
        {
            return true;
        }
        try
        {
            NativeLibrary.load();
            return true;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return false;
        }
    }
}
