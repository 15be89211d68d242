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
 * @param rss            resident set size in bytes (VmRSS), -1 when unknown.
 * @param nmtCommitted   NMT's total committed bytes, -1 when NMT is off.
 * @param threads        live Java threads (the JIT's compiler threads, which come and go, are not Java-visible).
 * @param spindleThreads live threads named spindle-*.
 */
record Vitals(long heapUsed, long rss, long nmtCommitted, int threads, int spindleThreads)
{
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    static Vitals sample()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc(); // several: finalizable and weakly reachable objects take more than one
        }
        final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Vitals(heap, readRss(), readNmtCommitted(), Thread.getAllStackTraces().size(), spindleThreadNames().size());
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

    /** @return whether NMT is on in this JVM. */
    static boolean nmtOn()
    {
        return readNmtCommitted() >= 0;
    }

    static long readNmtCommitted()
    {
        try
        {
            final Object text = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "vmNativeMemory", new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            final Matcher m = NMT_TOTAL.matcher(String.valueOf(text));
            return m.find() ? Long.parseLong(m.group(2)) * 1024 : -1;
        }
        catch (final Exception ex)
        {
            return -1;
        }
    }
}
