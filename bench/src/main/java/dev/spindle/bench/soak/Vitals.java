package dev.spindle.bench.soak;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * The JVM's footprint at one moment, after full GCs: heap used, resident set size, the JVM's own
 * native memory (when Native Memory Tracking is on: {@code -XX:NativeMemoryTracking=summary}), and
 * live threads. RSS also covers what NMT cannot see, such as libspindle's run queues (malloc).
 *
 * @param heapUsed       bytes of heap in use after full GCs.
 * @param heapCommitted  bytes of heap committed.
 * @param rss            resident set size in bytes (VmRSS), -1 when unknown.
 * @param nmtCommitted   NMT's total committed bytes, -1 when NMT is off.
 * @param nmtHeap        NMT's committed bytes of the Java heap, -1 when NMT is off.
 * @param threads        live Java threads (the JIT's compiler threads, which come and go, are not Java-visible).
 * @param spindleThreads live threads named spindle-*.
 */
record Vitals(long heapUsed, long heapCommitted, long rss, long nmtCommitted, long nmtHeap, int threads, int spindleThreads)
{
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB");

    static Vitals sample()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc(); // several: finalizable and weakly reachable objects take more than one
        }
        final java.lang.management.MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final String nmt = nmtSummary();
        return new Vitals(heap.getUsed(), heap.getCommitted(), readRss(), kb(NMT_TOTAL, nmt), kb(NMT_HEAP, nmt), Thread.getAllStackTraces().size(),
            spindleThreadNames().size());
    }

    /**
     * @return resident memory outside the heap: RSS less the committed heap, which follows the
     * heap's sizing policy and would drown a native leak in noise. -1 when unknown.
     */
    long rssOutsideHeap()
    {
        return rss < 0 ? -1 : rss - heapCommitted;
    }

    /** @return NMT's committed memory outside the Java heap, -1 when NMT is off. */
    long nmtOutsideHeap()
    {
        return nmtCommitted < 0 || nmtHeap < 0 ? -1 : nmtCommitted - nmtHeap;
    }

    /** @return the names of live threads named spindle-*. */
    static List<String> spindleThreadNames()
    {
        final List<String> names = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.getName().startsWith("spindle-"))
            {
                names.add(t.getName());
            }
        }
        return names;
    }

    static long readRss()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (final Exception ex)
        {
            // not Linux
        }
        return -1;
    }

    /**
     * @return why RSS cannot be judged in this JVM, or null when it can: only a fixed heap
     * ({@code -Xms} = {@code -Xmx}) that is fully resident ({@code -XX:+AlwaysPreTouch}) keeps the
     * heap's share of RSS constant; otherwise it follows GC sizing by hundreds of MiB.
     */
    static String rssUnjudgeable()
    {
        final java.lang.management.MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        boolean pretouch = false;
        try
        {
            pretouch = Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption("AlwaysPreTouch").getValue());
        }
        catch (final RuntimeException ex)
        {
            // not HotSpot
        }
        return heap.getInit() == heap.getMax() && pretouch ? null :
            "the heap is not fixed and pre-touched (run with -Xms = -Xmx and -XX:+AlwaysPreTouch in SPINDLE_JAVA_OPTS)";
    }

    /** @return whether NMT is on in this JVM. */
    static boolean nmtOn()
    {
        return kb(NMT_TOTAL, nmtSummary()) >= 0;
    }

    /** @return NMT's summary, or "" when NMT is off or unavailable. */
    private static String nmtSummary()
    {
        try
        {
            return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "vmNativeMemory", new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()}));
        }
        catch (final Exception ex)
        {
            return "";
        }
    }

    /** @return the committed figure the pattern finds, in bytes, or -1. */
    private static long kb(final Pattern p, final String text)
    {
        final Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(2)) * 1024 : -1;
    }
}
