package dev.spindle;

import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.placement.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class NodeConfigTest
{
    @Test
    void builderRejectsBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().schedulers(0));
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().reductions(0));
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().cpus());
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().cpus(-1));
        final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().cpus(0, 0));
        assertTrue(twice.getMessage().contains("twice"));
        assertThrows(NullPointerException.class, () -> NodeConfig.builder().idleStrategy(null));
        assertThrows(NullPointerException.class, () -> NodeConfig.builder().runQueues(null));
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().cpus(0).pinned(false).build());
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().cpus(0).schedulers(2).build());
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().timeSlice(java.time.Duration.ofNanos(5)));
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().timeSlice(null));
        assertEquals(java.time.Duration.ofMillis(2), NodeConfig.builder().timeSlice(java.time.Duration.ofMillis(2)).build().timeSlice());
    }

    @Test
    void messageCheckIsOffByDefaultAndItsTrustedClassesAreChecked()
    {
        assertEquals(MessageCheck.OFF, NodeConfig.defaults().messageCheck());
        assertEquals(java.util.List.of(), NodeConfig.defaults().messageCheckTrusted());
        final NodeConfig c = NodeConfig.builder().messageCheck(MessageCheck.REJECT, String.class, Integer.class, String.class).build();
        assertEquals(MessageCheck.REJECT, c.messageCheck());
        assertEquals(java.util.List.of(String.class, Integer.class), c.messageCheckTrusted(), "in order, once each");
        assertTrue(c.toString().contains("messageCheck=REJECT"), c.toString());
        assertThrows(NullPointerException.class, () -> NodeConfig.builder().messageCheck(null));
        assertThrows(NullPointerException.class, () -> NodeConfig.builder().messageCheck(MessageCheck.WARN, (Class<?>)null));
        final IllegalArgumentException array = assertThrows(IllegalArgumentException.class,
            () -> NodeConfig.builder().messageCheck(MessageCheck.WARN, byte[].class));
        assertTrue(array.getMessage().contains("byte[] cannot be trusted"), array.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().messageCheck(MessageCheck.WARN, int.class));
        assertThrows(UnsupportedOperationException.class, () -> c.messageCheckTrusted().add(Long.class));
    }

    @Test
    void cpuThisJvmMayNotUseFailsAtStartNamingTheCpus()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Node.start(NodeConfig.builder().cpus(100_000).build()));
        assertTrue(ex.getMessage().contains("CPU 100000"), ex.getMessage());
        assertTrue(ex.getMessage().contains("allowed CPUs"), ex.getMessage());
    }

    @Test
    void morePinnedSchedulersThanCpusFailsAtStart()
    {
        final int allowed = Topology.allowedCpus().length;
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Node.start(NodeConfig.builder().schedulers(allowed + 1).build()));
        assertTrue(ex.getMessage().contains("pinned schedulers"), ex.getMessage());
    }

    @Test
    void unpinnedNodesMayOversubscribe() throws Exception
    {
        final int allowed = Topology.allowedCpus().length;
        try (Node node = Node.start(NodeConfig.builder().schedulers(allowed + 2).pinned(false).build()))
        {
            assertEquals(allowed + 2, node.schedulers());
            node.placement().forEach(p -> assertEquals(-1, p.requestedCpu()));
        }
    }

    @Test
    void defaultsAreOnePinnedSchedulerPerAllowedCpu()
    {
        final int[] allowed = Topology.allowedCpus();
        final CpuPlan plan = CpuPlan.of(NodeConfig.defaults(), allowed);
        assertArrayEquals(allowed, plan.cpus());
        assertEquals(IdleMode.BACKOFF, NodeConfig.defaults().idleStrategy());
        assertEquals(4000, NodeConfig.defaults().reductions());
        assertEquals(RunQueues.NATIVE, NodeConfig.defaults().runQueues());
        assertEquals(java.time.Duration.ofNanos(500_000), NodeConfig.defaults().timeSlice());
    }

    @Test
    void everyIdleModeRunsWork() throws Exception
    {
        for (final IdleMode mode : IdleMode.values())
        {
            try (Node node = Node.start(NodeConfig.builder().schedulers(2).pinned(false).idleStrategy(mode).build());
                Inbox inbox = node.inbox())
            {
                for (int i = 0; i < 20; i++)
                {
                    node.spawn(() -> Proc.send(inbox.pid(), "ok"));
                    assertEquals("ok", inbox.receive(java.time.Duration.ofSeconds(10)), mode.toString());
                    Thread.sleep(2); // let schedulers go idle between rounds
                }
            }
        }
    }

    /** node.utilization used to accept a negative window. */
    @Test
    void utilizationRefusesANonPositiveWindow()
    {
        try (Node node = Node.start(NodeConfig.builder().schedulers(1).pinned(false).build()))
        {
            assertThrows(IllegalArgumentException.class, () -> node.utilization(Duration.ofMillis(-5)));
            assertThrows(IllegalArgumentException.class, () -> node.utilization(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> node.utilization(null));
            assertEquals(1, node.utilization(Duration.ofMillis(10)).length);
        }
    }

    @Test
    void closeTimeoutIsValidated()
    {
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().closeTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().closeTimeout(Duration.ofHours(2)));
        assertEquals(Duration.ofSeconds(5), NodeConfig.defaults().closeTimeout());
    }
}
