package dev.spindle.micrometer;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Real values from a running node through the binder, read as a registry reads them. */
class SpindleMetricsTest
{
    @Test
    void metersFollowTheNode() throws Exception
    {
        try (Node node = Node.start(NodeConfig.builder().schedulers(2).pinned(false).build()))
        {
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            final SpindleMetrics metrics = new SpindleMetrics(node, Tags.of("app", "test"), 3);
            metrics.bindTo(registry);
            final String id = Integer.toString(node.id());

            final Pid deep = node.spawn(() -> Proc.receive(m -> false));
            final Pid shallow = node.spawn(() -> Proc.receive(m -> false));
            for (int i = 0; i < 300; i++)
            {
                node.send(deep, i);
            }
            for (int i = 0; i < 20; i++)
            {
                node.send(shallow, i);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            node.spawn(() ->
            {
                while (!stop.get())
                {
                    Proc.yield();
                }
            });
            try
            {
                awaitGauge(registry, "1", 300);
                assertEquals(20, registry.get("spindle.mailbox.depth").tags("node", id, "app", "test", "rank", "2").gauge().value());
                assertEquals(0, registry.get("spindle.mailbox.depth").tag("rank", "3").gauge().value());
                assertEquals(300, registry.get("spindle.mailbox.high.water").tag("rank", "1").gauge().value());
                assertTrue(registry.get("spindle.processes").tag("node", id).gauge().value() >= 3);
                assertEquals(2, registry.get("spindle.schedulers.online").gauge().value());
                assertEquals(2, registry.find("spindle.scheduler.utilization").gauges().size());
                assertEquals(8, registry.find("spindle.scheduler.queued").gauges().size(), "4 priorities x 2 schedulers");
                assertNotNull(registry.get("spindle.scheduler.queued").tags("scheduler", "1", "priority", "low").gauge());

                // Utilization is over windows of at least one second.
                final double idle0 = idle(registry, "0") + idle(registry, "1");
                registry.get("spindle.scheduler.utilization").tag("scheduler", "0").gauge().value();
                TimeUnit.MILLISECONDS.sleep(1_200);
                double util = 0;
                for (final String s : new String[] {"0", "1"})
                {
                    final double u = registry.get("spindle.scheduler.utilization").tag("scheduler", s).gauge().value();
                    assertTrue(u >= 0 && u <= 1, "utilization " + u);
                    util += u;
                }
                assertTrue(util > 0, "a busy process keeps a scheduler busy");
                assertTrue(idle(registry, "0") + idle(registry, "1") >= idle0, "idle time only grows");
                final FunctionCounter switches = registry.get("spindle.scheduler.context.switches").tag("scheduler", "0").functionCounter();
                final FunctionCounter switches1 = registry.get("spindle.scheduler.context.switches").tag("scheduler", "1").functionCounter();
                assertTrue(switches.count() + switches1.count() > 0);
                assertEquals("seconds", registry.get("spindle.scheduler.idle").functionCounter().getId().getBaseUnit());
            }
            finally
            {
                stop.set(true);
            }

            final int before = registry.getMeters().size();
            assertTrue(before > 20);
            metrics.close();
            assertEquals(0, registry.getMeters().stream().map(Meter::getId).filter(m -> m.getName().startsWith("spindle.")).count());
        }
    }

    private static double idle(final SimpleMeterRegistry registry, final String scheduler)
    {
        return registry.get("spindle.scheduler.idle").tag("scheduler", scheduler).functionCounter().count();
    }

    private static void awaitGauge(final SimpleMeterRegistry registry, final String rank, final double expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double got;
        while ((got = registry.get("spindle.mailbox.depth").tag("rank", rank).gauge().value()) != expected)
        {
            assertTrue(System.nanoTime() < deadline, "mailbox depth rank " + rank + " stayed " + got + ", expected " + expected);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @Test
    void badArgumentsFailClearly()
    {
        try (Node node = Node.start(NodeConfig.builder().schedulers(1).pinned(false).build()))
        {
            assertThrows(NullPointerException.class, () -> new SpindleMetrics(null));
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new SpindleMetrics(node, Tags.empty(), -1));
            assertTrue(ex.getMessage().contains("topMailboxes"), ex.getMessage());
            assertThrows(NullPointerException.class, () -> new SpindleMetrics(node).bindTo(null));
        }
    }
}
