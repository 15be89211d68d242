package dev.spindle.samples.preempt;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The caller's code run by JDK methods, some of which hold a lock meanwhile. */
public final class Callbacks
{
    private Callbacks()
    {
    }

    /**
     * ConcurrentHashMap.computeIfAbsent locks a bin while the function runs.
     *
     * @param map a concurrent map.
     * @param n   iterations in the function.
     * @return the computed value.
     */
    public static long chmCompute(final ConcurrentHashMap<Integer, Long> map, final long n)
    {
        return map.computeIfAbsent(1, k -> Loops.spin(n));
    }

    /**
     * The same call through the Map interface: locks or not by the receiver.
     *
     * @param map any map.
     * @param n   iterations in the function.
     * @return the merged value.
     */
    public static long mapMerge(final Map<Integer, Long> map, final long n)
    {
        return map.merge(1, 1L, (a, b) -> a + Loops.spin(n));
    }

    /**
     * @param list any list (Collections.synchronizedList locks itself around forEach).
     * @param n    iterations per element.
     * @return a checksum.
     */
    public static long forEach(final List<Long> list, final long n)
    {
        final long[] sum = new long[1];
        list.forEach(x -> sum[0] += Loops.spin(n) ^ x);
        return sum[0];
    }
}
