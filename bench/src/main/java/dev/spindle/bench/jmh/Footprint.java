package dev.spindle.bench.jmh;

import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.RunQueues;
import dev.spindle.internal.mailbox.Mailbox;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Retained heap, measured as the used-heap delta after full GCs around allocating many instances
 * (not JMH: retained bytes are a size, not a rate). Two reports:
 * <ul>
 *   <li>{@code processes [count] [NATIVE|JAVA]}: bytes per idle process, i.e. a process spawned
 *       and parked in {@code Proc.receive()} (default 200,000 processes, native queues).</li>
 *   <li>{@code mailboxes [count]}: bytes per EMPTY instance of each mailbox candidate (default
 *       100,000 each), including a Spindle {@code Mailbox} before and after its first message.</li>
 * </ul>
 * If JOL ({@code org.openjdk.jol:jol-core}) is on the class path it is used, by reflection, to
 * print the object graph of one instance as a cross-check; it is not a build dependency.
 * Run: {@code java <flags> -cp bench/target/spindle-bench.jar dev.spindle.bench.jmh.Footprint processes}.
 */
public final class Footprint
{
    private Footprint()
    {
    }

    /**
     * @param args {@code processes [count] [NATIVE|JAVA] [vt]} ({@code vt}: every process a virtual
     *             thread, NodeConfig.virtualThreads) or {@code mailboxes [count]}.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final String what = args.length > 0 ? args[0] : "processes";
        switch (what)
        {
            case "processes" -> processes(args.length > 1 ? Integer.parseInt(args[1]) : 200_000,
                args.length > 2 ? RunQueues.valueOf(args[2]) : RunQueues.NATIVE, args.length > 3 && args[3].equals("vt"));
            case "mailboxes" -> mailboxes(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
            default -> throw new IllegalArgumentException("processes [count] [NATIVE|JAVA] [vt] | mailboxes [count]");
        }
    }

    static long usedAfterGc()
    {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++)
        {
            System.gc();
            try
            {
                Thread.sleep(50);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void processes(final int count, final RunQueues kind, final boolean virtualThreads) throws Exception
    {
        try (Node node = Node.start(NodeConfig.builder().schedulers(1).runQueues(kind).virtualThreads(virtualThreads).build());
             Inbox inbox = node.inbox())
        {
            final AtomicInteger started = new AtomicInteger();
            final Pid[] pids = new Pid[count]; // allocated before the baseline: not charged to the processes
            // Warm the paths (5 rounds) so class loading and JIT artefacts are in the baseline and
            // the measured processes freeze compiled frames: an interpreted frame is larger, and a
            // stack chunk keeps the size of the frames it was frozen with.
            final int warm = Math.min(count, 50_000);
            for (int round = 0; round < 5; round++)
            {
                started.set(0);
                spawnWaiting(node, inbox, started, pids, warm);
                release(node, pids, warm);
            }
            started.set(0);
            java.util.Arrays.fill(pids, null);
            final int base = node.processCount();
            final long before = usedAfterGc();
            final long t0 = System.nanoTime();
            spawnWaiting(node, inbox, started, pids, count);
            final long spawnNanos = System.nanoTime() - t0;
            final long after = usedAfterGc();
            final long perProcess = (after - before) / count;
            System.out.printf(Locale.ROOT, "idle processes%s: %d waiting in receive, run queues %s, spawned in %.1f ms (%.0f ns each)%n",
                virtualThreads ? " (virtual threads)" : "", count, kind, spawnNanos / 1e6, (double)spawnNanos / count);
            System.out.printf(Locale.ROOT, "heap used after GC: before %,d B, after %,d B: %,d B per idle process%n",
                before, after, perProcess);
            System.out.printf(Locale.ROOT, "live processes: %d (baseline %d)%n", node.processCount(), base);
            jol("objects reachable from a process, the classes with >= " + count + " instances (a StackChunk" +
                " with its frozen frames)", processOf(node, pids[count / 2]), count);
            release(node, pids, count);
        }
    }

    /** @return the process (its handle), through the runtime's internals (for JOL only). */
    static Object processOf(final Node node, final Pid pid)
    {
        try
        {
            final java.lang.reflect.Field f = Node.class.getDeclaredField("runtime");
            f.setAccessible(true);
            return ((dev.spindle.internal.runtime.NodeRuntime)f.get(node)).schedulers().table().lookup(pid);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            System.out.println("  (process not reachable: " + ex + ")");
            return null;
        }
    }

    private static void spawnWaiting(final Node node, final Inbox inbox, final AtomicInteger started, final Pid[] pids,
        final int count)
    {
        node.spawn(() ->
        {
            for (int i = 0; i < count; i++)
            {
                pids[i] = Proc.spawn(() ->
                {
                    started.incrementAndGet();
                    Proc.receive();
                });
            }
            while (started.get() < count)
            {
                Proc.yield();
            }
            Proc.send(inbox.pid(), Boolean.TRUE);
        });
        if (inbox.receive(Duration.ofSeconds(120)) == null)
        {
            throw new IllegalStateException("spawning " + count + " processes did not finish in 120 s");
        }
    }

    private static void release(final Node node, final Pid[] pids, final int count)
    {
        final int target = node.processCount() - count;
        for (int i = 0; i < count; i++)
        {
            node.send(pids[i], Boolean.TRUE);
        }
        while (node.processCount() > target)
        {
            Thread.onSpinWait();
        }
    }

    private static void mailboxes(final int count)
    {
        measure("Spindle Mailbox, never sent a message", count, Mailbox::new);
        measure("Spindle Mailbox after one message in and out", count, () ->
        {
            final Mailbox m = new Mailbox();
            m.put(Boolean.TRUE);
            m.takeAny();
            return m;
        });
        measure("Agrona ManyToOneConcurrentLinkedQueue", count, ManyToOneConcurrentLinkedQueue::new);
        measure("Agrona ManyToOneConcurrentArrayQueue(16)", count, () -> new ManyToOneConcurrentArrayQueue<>(16));
        measure("Agrona ManyToOneConcurrentArrayQueue(1024)", count / 10, () -> new ManyToOneConcurrentArrayQueue<>(1024));
        measure("JDK ConcurrentLinkedQueue", count, ConcurrentLinkedQueue::new);
        measure("JDK LinkedBlockingQueue", count, LinkedBlockingQueue::new);
    }

    private static void measure(final String name, final int count, final Supplier<Object> make)
    {
        final Object[] keep = new Object[count];
        for (int i = 0; i < Math.min(1000, count); i++)
        {
            keep[i] = make.get(); // warm up
        }
        java.util.Arrays.fill(keep, null);
        final long before = usedAfterGc();
        for (int i = 0; i < count; i++)
        {
            keep[i] = make.get();
        }
        final long after = usedAfterGc();
        System.out.printf(Locale.ROOT, "%-50s %,8d B per instance (heap delta over %,d)%n", name, (after - before) / count, count);
        jol(name, keep[0], 0);
        if (keep[count - 1] == null)
        {
            throw new AssertionError();
        }
    }

    /** Prints JOL's footprint of the object graph when JOL is on the class path. */
    private static void jol(final String name, final Object o, final int minCount)
    {
        if (o == null)
        {
            return;
        }
        if (System.getProperty("jol.magicFieldOffset") == null)
        {
            // JOL 0.17 cannot read field offsets on JDK 25 by its default route; this one works.
            System.setProperty("jol.magicFieldOffset", "true");
        }
        try
        {
            final Class<?> layout = Class.forName("org.openjdk.jol.info.GraphLayout");
            final Object graph = layout.getMethod("parseInstance", Object[].class).invoke(null, (Object)new Object[] {o});
            System.out.println("  JOL: " + name + ": " + layout.getMethod("totalSize").invoke(graph) + " B");
            final StringBuilder rows = new StringBuilder();
            for (final String line : ((String)layout.getMethod("toFootprint").invoke(graph)).split("\n"))
            {
                final String[] cols = line.trim().split("\\s+");
                if (minCount == 0 || line.contains("DESCRIPTION") || cols[0].matches("\\d+") && Long.parseLong(cols[0]) >= minCount)
                {
                    rows.append(line).append('\n');
                }
            }
            System.out.print(rows.toString().indent(4));
        }
        catch (final ClassNotFoundException ex)
        {
            // JOL not on the class path: the heap delta stands alone.
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            System.out.println("  JOL failed: " + (ex.getCause() != null ? ex.getCause() : ex));
        }
    }
}
