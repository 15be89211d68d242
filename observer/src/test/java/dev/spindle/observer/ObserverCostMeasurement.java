package dev.spindle.observer;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Proc;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What watching costs (docs/observability.md "Cost"): CPU time of the node's threads and of the
 * observer's threads on a node with 100,000 idle processes, with no observer, with an observer and
 * no page open, and with a page open (an event-stream client reading every frame, as a browser's
 * EventSource does). Prints the figures; asserts nothing about them (no timed assertions). Run by
 * {@code mvn -pl java,observer -Pobserver-cost -DskipTests verify}; about two minutes.
 */
@Tag("measurement")
class ObserverCostMeasurement
{
    private static final int PROCESSES = Integer.getInteger("observer.cost.processes", 100_000);
    private static final Duration PHASE = Duration.ofSeconds(Integer.getInteger("observer.cost.seconds", 20));
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** @return CPU nanoseconds of the live threads whose names match. */
    private static long cpu(final Predicate<String> names)
    {
        long sum = 0;
        for (final Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet())
        {
            if (names.test(e.getKey().getName()))
            {
                final long t = THREADS.getThreadCpuTime(e.getKey().threadId());
                sum += Math.max(0, t);
            }
        }
        return sum;
    }

    private record Phase(String name, double nodeMsPerS, double observerMsPerS, double frames)
    {
    }

    private static Phase measure(final String name, final Predicate<String> node, final Predicate<String> observer, final EventStream page)
        throws Exception
    {
        final long n0 = cpu(node);
        final long o0 = cpu(observer);
        final long t0 = System.nanoTime();
        int frames = 0;
        if (page != null)
        {
            final long end = t0 + PHASE.toNanos();
            while (System.nanoTime() < end)
            {
                final EventStream.Event e = page.next(Duration.ofMillis(200));
                if (e != null && e.name().equals("frame"))
                {
                    frames++;
                }
            }
        }
        else
        {
            TimeUnit.NANOSECONDS.sleep(PHASE.toNanos());
        }
        final double secs = (System.nanoTime() - t0) / 1e9;
        return new Phase(name, (cpu(node) - n0) / 1e6 / secs, (cpu(observer) - o0) / 1e6 / secs, frames / secs);
    }

    @Test
    void cpuCostOfWatching() throws Exception
    {
        try (Node node = Node.start(NodeConfig.builder().schedulers(2).pinned(false).build()))
        {
            final Semaphore started = new Semaphore(0);
            node.spawn(() ->
            {
                for (int i = 0; i < PROCESSES; i++)
                {
                    Proc.spawn(() ->
                    {
                        started.release();
                        Proc.receive();
                    });
                }
                Proc.receive();
            });
            assertTrue(started.tryAcquire(PROCESSES, 120, TimeUnit.SECONDS), "processes started");
            TimeUnit.SECONDS.sleep(2); // let the spawning settle
            final String id = Integer.toString(node.id());
            final Predicate<String> nodeThreads = s -> s.startsWith("spindle-" + id + "-");
            final Predicate<String> observerThreads = s -> s.startsWith("spindle-observer-" + id + "-") || s.equals("HTTP-Dispatcher");

            final Phase none = measure("no observer", nodeThreads, observerThreads, null);
            final Phase idle;
            final Phase open;
            final double frameMs;
            try (Observer o = Observer.start(node, 0))
            {
                idle = measure("observer, no page open", nodeThreads, observerThreads, null);
                try (EventStream page = new EventStream(o.uri()))
                {
                    TimeUnit.SECONDS.sleep(3); // the first full scan for supervisors
                    while (page.next(Duration.ZERO) != null)
                    {
                        // frames sent during the pause: not the phase's
                    }
                    open = measure("observer, one page open", nodeThreads, observerThreads, page);
                }
                // One frame's cost, alone: build frames back to back on the sampler thread.
                final long s0 = cpu(t -> t.equals("spindle-observer-" + id + "-sampler"));
                final int n = 10;
                for (int i = 0; i < n; i++)
                {
                    final java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(o.uri().resolve("api/frame")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                }
                frameMs = (cpu(t -> t.equals("spindle-observer-" + id + "-sampler")) - s0) / 1e6 / n;
            }
            final int cpus = Runtime.getRuntime().availableProcessors();
            final StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "observer cost on a node with %,d idle processes, %d schedulers, %d CPUs, load average %s%n",
                node.processCount(), node.schedulers(), cpus, Files.readString(Path.of("/proc/loadavg")).trim()));
            sb.append(String.format(Locale.ROOT, "%-26s %18s %22s %10s%n", "phase", "node threads ms/s", "observer threads ms/s", "frames/s"));
            for (final Phase p : new Phase[] {none, idle, open})
            {
                sb.append(String.format(Locale.ROOT, "%-26s %18.2f %22.2f %10.2f%n", p.name(), p.nodeMsPerS(), p.observerMsPerS(), p.frames()));
            }
            sb.append(String.format(Locale.ROOT, "page open: observer %.2f%% of one CPU, %.3f%% of the node's %d CPUs; one frame %.1f ms of CPU%n",
                open.observerMsPerS() / 10, open.observerMsPerS() / 10 / cpus, cpus, frameMs));
            System.out.print(sb);
        }
    }
}
