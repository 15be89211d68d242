package dev.spindle.internal.placement;

import dev.spindle.internal.nativebridge.NativeLibrary;
import dev.spindle.internal.nativebridge.SpindleNative;
import net.openhft.affinity.Affinity;

import java.util.BitSet;

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

    /** @return the CPU the calling thread runs on now, or -1 if unknown. */
    public static int currentCpu()
    {
        if (tryNative())
        {
            return SpindleNative.currentCpu();
        }
        try
        {
            return Affinity.getCpu();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return -1;
        }
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
