package dev.spindle.jmx;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;

import org.junit.jupiter.api.Test;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Reads real values from a running node through the platform MBean server, as a JMX client would. */
class SpindleMBeansTest
{
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private static Node start()
    {
        return Node.start(NodeConfig.builder().schedulers(2).pinned(false).build());
    }

    @Test
    void nodeAndSchedulerBeansShowLiveFigures() throws Exception
    {
        try (Node node = start(); SpindleMBeans.Registration jmx = SpindleMBeans.register(node))
        {
            final ObjectName nodeName = new ObjectName("dev.spindle:type=Node,node=" + node.id());
            assertEquals(nodeName, jmx.names().get(0));
            assertEquals(Set.of(new ObjectName("dev.spindle:type=Scheduler,node=" + node.id() + ",scheduler=0"),
                    new ObjectName("dev.spindle:type=Scheduler,node=" + node.id() + ",scheduler=1")),
                SERVER.queryNames(new ObjectName("dev.spindle:type=Scheduler,node=" + node.id() + ",*"), null));

            // A process that never receives: its mailbox grows by what we send.
            final Pid sink = node.spawn(() -> Proc.receive(m -> false));
            for (int i = 0; i < 500; i++)
            {
                node.send(sink, i);
            }
            // A process that keeps a scheduler busy for a while, yielding so it never stalls it.
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
                awaitAttribute(nodeName, "LargestMailbox", 500L);
                assertEquals(500L, SERVER.getAttribute(nodeName, "LargestMailboxHighWater"));
                assertTrue((Integer)SERVER.getAttribute(nodeName, "ProcessCount") >= 2);
                assertEquals(2, SERVER.getAttribute(nodeName, "Schedulers"));
                assertEquals(node.id(), SERVER.getAttribute(nodeName, "Id"));
                assertEquals(false, SERVER.getAttribute(nodeName, "Closed"));

                // Utilization is over windows of at least a second: wait one out while the loop runs.
                final NodeMXBean proxy = JMX.newMXBeanProxy(SERVER, nodeName, NodeMXBean.class);
                proxy.getUtilization();
                TimeUnit.MILLISECONDS.sleep(1_200);
                final double u = proxy.getUtilization();
                assertTrue(u > 0 && u <= 1, "mean utilization with a busy process: " + u);
                assertTrue(proxy.getContextSwitches() > 0);

                long switches = 0;
                for (int i = 0; i < 2; i++)
                {
                    final SchedulerMXBean s = JMX.newMXBeanProxy(SERVER, SpindleMBeans.schedulerName(node.id(), i), SchedulerMXBean.class);
                    assertEquals(i, s.getScheduler());
                    assertTrue(s.isOnline() && s.isAlive());
                    assertTrue(s.getUtilization() >= 0 && s.getUtilization() <= 1);
                    assertTrue(s.getQueuedMax() >= 0 && s.getQueuedHigh() >= 0 && s.getQueuedNormal() >= 0 && s.getQueuedLow() >= 0);
                    assertEquals(-1, s.getRequestedCpu(), "unpinned");
                    assertTrue(s.getIdleNanos() >= 0);
                    switches += s.getContextSwitches();
                }
                assertTrue(switches > 0, "the busy process was resumed");
            }
            finally
            {
                stop.set(true);
            }
        }
    }

    @Test
    void registeringTwiceFailsClearlyAndCloseUnregistersEverything() throws Exception
    {
        try (Node node = start())
        {
            final SpindleMBeans.Registration first = SpindleMBeans.register(node);
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> SpindleMBeans.register(node));
            assertTrue(ex.getMessage().contains("dev.spindle:type=Node,node=" + node.id()), ex.getMessage());
            assertTrue(ex.getMessage().contains("already registered"), ex.getMessage());
            assertEquals(3, first.names().size());
            for (final ObjectName n : first.names())
            {
                assertTrue(SERVER.isRegistered(n), n + " still registered after the failed second attempt");
            }
            first.close();
            first.close(); // idempotent
            for (final ObjectName n : first.names())
            {
                assertFalse(SERVER.isRegistered(n), n.toString());
            }
            // Registered again after close: the names are free.
            SpindleMBeans.register(node).close();
        }
        assertThrows(NullPointerException.class, () -> SpindleMBeans.register(null));
    }

    @Test
    void aClosedNodesBeansStillAnswer() throws Exception
    {
        final Node node = start();
        try (SpindleMBeans.Registration jmx = SpindleMBeans.register(node))
        {
            node.close();
            final ObjectName name = jmx.names().get(0);
            assertEquals(true, SERVER.getAttribute(name, "Closed"));
            assertNotNull(SERVER.getAttribute(name, "RunQueueLength"));
            assertNotNull(SERVER.getAttribute(name, "Utilization"));
            assertEquals(0L, SERVER.getAttribute(name, "LargestMailbox"));
            assertNotNull(SERVER.getAttribute(jmx.names().get(1), "Executed"));
        }
    }

    private static void awaitAttribute(final ObjectName name, final String attribute, final Object expected) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Object got;
        while (!(got = SERVER.getAttribute(name, attribute)).equals(expected))
        {
            assertTrue(System.nanoTime() < deadline, attribute + " stayed " + got + ", expected " + expected);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
