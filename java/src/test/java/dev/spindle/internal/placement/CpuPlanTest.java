package dev.spindle.internal.placement;

import dev.spindle.BindPolicy;
import dev.spindle.NodeConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CpuPlanTest
{
    private static final int[] ALLOWED = {0, 1, 2, 3};

    @Test
    void cpuListsAndMasksParse()
    {
        assertEquals(List.of(0, 1, 2, 3, 8, 10, 11), CpuLists.parse("0-3,8,10-11"));
        assertArrayEquals(new int[] {1, 3}, CpuLists.fromHexMask("0xA"));
        assertArrayEquals(new int[] {0, 1, 2, 3}, CpuLists.fromHexMask("F"));
        assertThrows(IllegalArgumentException.class, () -> CpuLists.fromHexMask("zz"));
        assertThrows(IllegalArgumentException.class, () -> CpuLists.parse("1-x"));
    }

    @Test
    void affinityReservedNarrowsTheCandidates()
    {
        assertArrayEquals(ALLOWED, CpuPlan.reserved(ALLOWED, null));
        assertArrayEquals(new int[] {2, 3}, CpuPlan.reserved(ALLOWED, "0xC"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> CpuPlan.reserved(ALLOWED, "0x30"));
        assertTrue(ex.getMessage().contains("none of which this JVM may use"), ex.getMessage());
    }

    @Test
    void policiesPlaceSchedulers()
    {
        assertArrayEquals(new int[] {0, 1}, CpuPlan.of(NodeConfig.builder().schedulers(2).build(), ALLOWED).cpus());
        assertArrayEquals(new int[] {3, 1}, CpuPlan.of(NodeConfig.builder().cpus(3, 1).build(), ALLOWED).cpus());
        assertArrayEquals(new int[] {-1, -1, -1, -1, -1, -1},
            CpuPlan.of(NodeConfig.builder().schedulers(6).bind(BindPolicy.UNBOUND).build(), ALLOWED).cpus());
        assertEquals(2, CpuPlan.of(NodeConfig.builder().schedulers(2).bind(BindPolicy.SMT_TOGETHER).build(), ALLOWED).schedulers());
        final IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
            () -> CpuPlan.of(NodeConfig.builder().schedulers(5).build(), ALLOWED));
        assertTrue(tooMany.getMessage().contains("[0, 1, 2, 3]"), tooMany.getMessage());
        final IllegalArgumentException notAllowed = assertThrows(IllegalArgumentException.class,
            () -> CpuPlan.of(NodeConfig.builder().cpus(7).build(), ALLOWED));
        assertTrue(notAllowed.getMessage().contains("CPU 7"), notAllowed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().bind(BindPolicy.EXPLICIT));
    }

    @Test
    void spreadPutsOneSchedulerPerCoreBeforeSiblings()
    {
        final CpuTopology t = new CpuTopology(List.of(
            new CpuTopology.Cpu(0, 0, 0, 0), new CpuTopology.Cpu(1, 0, 0, 1),
            new CpuTopology.Cpu(2, 0, 1, 0), new CpuTopology.Cpu(3, 0, 1, 1)));
        assertArrayEquals(new int[] {0, 2, 1, 3}, t.spreadOrder());
        assertArrayEquals(new int[] {0, 1, 2, 3}, t.packedOrder());
    }
}
