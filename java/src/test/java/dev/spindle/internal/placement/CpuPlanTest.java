package dev.spindle.internal.placement;

import dev.spindle.BindPolicy;
import dev.spindle.CpuConflict;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.testing.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

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

    // ---- sizing: the default count follows what the JVM may use ----

    private static CpuBudget budget(final int availableProcessors, final String flag, final CgroupCpuLimit cgroup)
    {
        return new CpuBudget(ALLOWED, ALLOWED, null, availableProcessors, flag, cgroup);
    }

    private static final IntFunction<String> NONE_HELD = cpu -> null;

    @Test
    void defaultCountIsTheFewestOfCpusProcessorsAndQuota()
    {
        final NodeConfig defaults = NodeConfig.defaults();
        final CpuPlan byCpus = CpuPlan.of(defaults, budget(4, CpuBudget.NOT_SET, null), NONE_HELD);
        assertEquals(4, byCpus.schedulers());
        assertEquals("4 schedulers, set by the allowed CPUs: 4 CPUs allowed (taskset 0-3), no cgroup CPU quota, " +
            "JVM processors 4 (-XX:ActiveProcessorCount=not set)", byCpus.sizing());

        final CpuPlan byFlag = CpuPlan.of(defaults, budget(1, "1", null), NONE_HELD);
        assertArrayEquals(new int[] {0}, byFlag.cpus(), "ActiveProcessorCount=1 is one pinned scheduler");
        assertTrue(byFlag.sizing().startsWith("1 scheduler, set by -XX:ActiveProcessorCount:"), byFlag.sizing());
        assertTrue(byFlag.sizing().contains("JVM processors 1 (-XX:ActiveProcessorCount=1)"), byFlag.sizing());

        final CgroupCpuLimit quota = new CgroupCpuLimit(1.5, "cgroup v2 cpu.max \"150000 100000\" in /sys/fs/cgroup/x");
        final CpuPlan byQuota = CpuPlan.of(defaults, budget(4, CpuBudget.NOT_SET, quota), NONE_HELD);
        assertEquals(2, byQuota.schedulers(), "1.5 CPUs of quota keep two schedulers busy");
        assertTrue(byQuota.sizing().contains("set by the cgroup quota: ") && byQuota.sizing().contains("cgroup quota 1.5 CPUs (cgroup v2"),
            byQuota.sizing());

        // The JVM's own count (its container view) without the flag.
        assertTrue(CpuPlan.of(defaults, budget(3, CpuBudget.NOT_SET, null), NONE_HELD).sizing().contains("set by the JVM's processor count"));
        // Unpinned nodes count allowed CPUs, pinned ones the reserved candidates.
        final CpuBudget reserved = new CpuBudget(ALLOWED, new int[] {2, 3}, "C", 4, CpuBudget.NOT_SET, null);
        assertEquals(2, CpuPlan.of(defaults, reserved, NONE_HELD).schedulers());
        assertTrue(CpuPlan.of(defaults, reserved, NONE_HELD).sizing().contains("2 of them reserved by -Daffinity.reserved=C (2-3)"));
        assertEquals(4, CpuPlan.of(NodeConfig.builder().pinned(false).build(), reserved, NONE_HELD).schedulers());
    }

    @Test
    void configuredCountsSayWhatTheDefaultWouldBe()
    {
        final CpuPlan p = CpuPlan.of(NodeConfig.builder().schedulers(3).build(), budget(1, "1", null), NONE_HELD);
        assertEquals(3, p.schedulers());
        assertTrue(p.sizing().startsWith("3 schedulers as configured (schedulers(3)); by default 1, set by -XX:ActiveProcessorCount:"),
            p.sizing());
        final CpuPlan c = CpuPlan.of(NodeConfig.builder().cpus(0, 1, 3).build(), budget(4, CpuBudget.NOT_SET, null), NONE_HELD);
        assertTrue(c.sizing().startsWith("3 schedulers as configured (cpus(0-1,3))"), c.sizing());
        assertEquals("0-3,8,10-11", CpuBudget.listText(new int[] {0, 1, 2, 3, 8, 10, 11}));
        assertEquals("none", CpuBudget.listText(new int[0]));
    }

    /** The regression: -XX:ActiveProcessorCount=1 used to start one pinned scheduler per allowed CPU. */
    @Test
    void activeProcessorCountOneStartsOneScheduler() throws Exception
    {
        final String out = ForkedJvm.run(ForkedJvm.withSpindleFlags("-XX:ActiveProcessorCount=1"), DefaultNode.class);
        assertTrue(out.contains("schedulers=1\n"), out);
        assertTrue(out.contains("-XX:ActiveProcessorCount=1"), out);
    }

    /** Entry point of the forked JVM: starts a default node and prints its size and why. */
    public static final class DefaultNode
    {
        public static void main(final String[] args)
        {
            System.out.println("sizing=" + CpuPlan.forThisJvm(NodeConfig.defaults()).sizing());
            try (Node node = Node.start())
            {
                System.out.println("schedulers=" + node.schedulers());
            }
        }
    }

    // ---- conflicts: CPUs other pinned threads hold ----

    private static IntFunction<String> held(final Map<Integer, String> holders)
    {
        return holders::get;
    }

    @Test
    void freeCpusComeFirstAndTheRestAreSpares()
    {
        final CpuPlan p = CpuPlan.of(NodeConfig.builder().schedulers(2).build(), budget(4, CpuBudget.NOT_SET, null),
            held(Map.of(0, "process 1", 2, "process 1")));
        assertArrayEquals(new int[] {1, 3}, p.cpus());
        assertArrayEquals(new int[] {0, 2}, p.spares(), "held CPUs last: one may be free by the time a thread starts");
        assertEquals(CpuConflict.FREE_CPUS, p.conflict());
        final CpuPlan all = CpuPlan.of(NodeConfig.defaults(), budget(4, CpuBudget.NOT_SET, null), held(Map.of(1, "x")));
        assertArrayEquals(new int[] {0, 2, 3, 1}, all.cpus(), "a held CPU is still planned when the count needs it");
    }

    @Test
    void unpinnedPolicyAndExplicitListsKeepTheirCpus()
    {
        final Map<Integer, String> h = Map.of(0, "process 1");
        final CpuPlan u = CpuPlan.of(NodeConfig.builder().schedulers(2).cpuConflict(CpuConflict.UNPINNED).build(),
            budget(4, CpuBudget.NOT_SET, null), held(h));
        assertArrayEquals(new int[] {0, 1}, u.cpus());
        assertArrayEquals(new int[0], u.spares());
        final CpuPlan e = CpuPlan.of(NodeConfig.builder().cpus(0, 1).build(), budget(4, CpuBudget.NOT_SET, null), held(h));
        assertArrayEquals(new int[] {0, 1}, e.cpus());
        assertArrayEquals(new int[0], e.spares(), "an explicit list is never widened");
        assertEquals(0, e.pin(0).cpu());
    }

    @Test
    void failPolicyNamesEveryHolder()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> CpuPlan.of(
            NodeConfig.builder().schedulers(3).cpuConflict(CpuConflict.FAIL).build(), budget(4, CpuBudget.NOT_SET, null),
            held(Map.of(0, "thread spindle-7-scheduler-0 of this JVM (pid 42)", 2, "process 43 (java Other)"))));
        assertTrue(ex.getMessage().startsWith("CPU 0 is held by thread spindle-7-scheduler-0 of this JVM (pid 42); " +
            "CPU 2 is held by process 43 (java Other). CpuConflict.FAIL does not share CPUs"), ex.getMessage());
        // Unplanned CPUs may be held.
        assertArrayEquals(new int[] {0}, CpuPlan.of(NodeConfig.builder().schedulers(1).cpuConflict(CpuConflict.FAIL).build(),
            budget(4, CpuBudget.NOT_SET, null), held(Map.of(3, "x"))).cpus());
    }

    @Test
    void refusalOnlyUnderFailAndOnlyForALostCpu()
    {
        final CpuPlan fail = CpuPlan.of(NodeConfig.builder().schedulers(2).cpuConflict(CpuConflict.FAIL).build(),
            budget(4, CpuBudget.NOT_SET, null), NONE_HELD);
        assertNull(fail.refusal(new int[] {0, 1}, new String[2]));
        assertTrue(fail.refusal(new int[] {0, -1}, new String[] {null, "CPU 1 is held by process 9"})
            .startsWith("CPU 1 is held by process 9. CpuConflict.FAIL"));
        final CpuPlan free = CpuPlan.of(NodeConfig.builder().schedulers(2).build(), budget(4, CpuBudget.NOT_SET, null), NONE_HELD);
        assertNull(free.refusal(new int[] {0, -1}, new String[] {null, "moved"}));
        assertEquals("node 3: " + free.sizing() + "; pinned to CPUs [0, 1]", free.startLine(3, new int[] {0, 1}));
        assertTrue(free.startLine(3, new int[] {-1, -1}).endsWith("; unpinned"));
    }
}
