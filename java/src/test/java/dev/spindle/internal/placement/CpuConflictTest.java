package dev.spindle.internal.placement;

import dev.spindle.CpuConflict;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two nodes in one JVM never pin schedulers to one CPU silently; a CPU is held as long as its scheduler thread runs. */
class CpuConflictTest
{
    private int[] allowed;

    @BeforeEach
    void inventoryWorksHere()
    {
        assumeTrue(CpuLocks.unavailable() == null, () -> "no CPU lock inventory: " + CpuLocks.unavailable());
        allowed = Topology.allowedCpus();
        for (final int cpu : allowed)
        {
            assertNull(CpuLocks.holder(cpu), "CPU " + cpu + " held before the test (a node left open?)");
        }
    }

    private static Set<Integer> pinned(final Node node)
    {
        final Set<Integer> out = new HashSet<>();
        node.placement().stream().filter(p -> p.requestedCpu() >= 0).forEach(p -> out.add(p.requestedCpu()));
        return out;
    }

    @Test
    void twoDefaultNodesNeverShareACpu()
    {
        try (Node a = Node.start(); Node b = Node.start())
        {
            final Set<Integer> onA = pinned(a);
            assertEquals(a.schedulers(), onA.size(), "the first node pins every scheduler: " + a.placement());
            for (final Node.Placement p : b.placement())
            {
                if (p.requestedCpu() >= 0)
                {
                    assertFalse(onA.contains(p.requestedCpu()), "both nodes pinned to CPU " + p.requestedCpu());
                    assertTrue(p.verified(), p.toString());
                }
                else
                {
                    assertNotNull(p.error(), "an unpinned scheduler says why");
                    assertTrue(p.error().contains("held by thread spindle-" + a.id() + "-scheduler-"), p.error());
                    assertTrue(p.error().contains("running unpinned (CpuConflict.FREE_CPUS)"), p.error());
                }
            }
        }
    }

    @Test
    void oneSchedulerEachTakesAnotherFreeCpu()
    {
        assumeTrue(allowed.length >= 2, "needs two CPUs");
        final NodeConfig one = NodeConfig.builder().schedulers(1).build();
        try (Node a = Node.start(one); Node b = Node.start(one))
        {
            final int ca = a.placement().get(0).requestedCpu();
            final int cb = b.placement().get(0).requestedCpu();
            assertTrue(ca >= 0 && cb >= 0, a.placement() + " " + b.placement());
            assertNotEquals(ca, cb);
            assertNull(b.placement().get(0).error(), "planned on a free CPU: nothing to report");
            assertTrue(CpuLocks.holder(ca).contains("spindle-" + a.id() + "-scheduler-0"), CpuLocks.holder(ca));
            assertTrue(CpuLocks.holder(cb).contains("spindle-" + b.id() + "-scheduler-0"), CpuLocks.holder(cb));
        }
        assertNull(CpuLocks.holder(allowed[0]), "close releases");
        assertNull(CpuLocks.holder(allowed[1]), "close releases");
    }

    @Test
    void failPolicyFailsTheStartNamingTheHoldingThread()
    {
        try (Node a = Node.start(NodeConfig.builder().cpus(allowed[0]).build()))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Node.start(NodeConfig.builder().cpus(allowed[0]).cpuConflict(CpuConflict.FAIL).build()));
            assertTrue(ex.getMessage().startsWith("CPU " + allowed[0] + " is held by thread spindle-" + a.id() + "-scheduler-0 " +
                "of this JVM (pid " + ProcessHandle.current().pid() + ")"), ex.getMessage());
            assertTrue(ex.getMessage().contains("CpuConflict.FAIL does not share CPUs"), ex.getMessage());
            // A refused start leaves nothing behind: the holder is unchanged, no thread of another node runs.
            assertTrue(CpuLocks.holder(allowed[0]).contains("spindle-" + a.id() + "-"), CpuLocks.holder(allowed[0]));
        }
        try (Node again = Node.start(NodeConfig.builder().cpus(allowed[0]).cpuConflict(CpuConflict.FAIL).build()))
        {
            assertEquals(allowed[0], again.placement().get(0).requestedCpu(), "free again once the holder closed");
        }
    }

    @Test
    void unpinnedPolicyRunsUnpinnedAndSaysWhy() throws Exception
    {
        try (Node a = Node.start(NodeConfig.builder().cpus(allowed[0]).build());
             Node b = Node.start(NodeConfig.builder().cpus(allowed[0]).cpuConflict(CpuConflict.UNPINNED).build()))
        {
            final Node.Placement p = b.placement().get(0);
            assertEquals(-1, p.requestedCpu());
            assertEquals("CPU " + allowed[0] + " is held by thread spindle-" + a.id() + "-scheduler-0 of this JVM (pid " +
                ProcessHandle.current().pid() + "); running unpinned (CpuConflict.UNPINNED)", p.error());
            // It still runs processes.
            try (var inbox = b.inbox())
            {
                b.spawn(() -> dev.spindle.Proc.send(inbox.pid(), "ran"));
                assertEquals("ran", inbox.receive(Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void anExplicitListIsNotWidenedUnderFreeCpus()
    {
        assumeTrue(allowed.length >= 2, "needs two CPUs");
        try (Node a = Node.start(NodeConfig.builder().cpus(allowed[0]).build());
             Node b = Node.start(NodeConfig.builder().cpus(allowed[0]).build()))
        {
            assertEquals(-1, b.placement().get(0).requestedCpu(), "cpus(...) names the CPUs; another is not taken");
            assertTrue(b.placement().get(0).error().contains("held by thread spindle-" + a.id() + "-scheduler-0"), b.placement().get(0).error());
            assertTrue(b.placement().get(0).error().contains("no other candidate CPU is free"), b.placement().get(0).error());
        }
    }

    /** A scheduler stuck in a process past close keeps its CPU until its thread ends, then frees it. */
    @Test
    void aStuckSchedulerHoldsItsCpuUntilItsThreadEnds() throws Exception
    {
        final int cpu = allowed[0];
        final Node node = Node.start(NodeConfig.builder().cpus(cpu).build());
        final AtomicBoolean spin = new AtomicBoolean(true);
        final CountDownLatch running = new CountDownLatch(1);
        final Pid hog = node.spawn(() ->
        {
            running.countDown();
            while (spin.get())
            {
                Thread.onSpinWait(); // no runtime call: the scheduler cannot take its thread back
            }
        });
        try
        {
            assertTrue(running.await(10, TimeUnit.SECONDS));
            assertEquals(List.of(hog), node.close(Duration.ofMillis(100)));
            final String holder = CpuLocks.holder(cpu);
            assertNotNull(holder, "the stuck scheduler still runs on CPU " + cpu);
            assertTrue(holder.contains("spindle-" + node.id() + "-scheduler-0"), holder);
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Node.start(NodeConfig.builder().cpus(cpu).cpuConflict(CpuConflict.FAIL).build()));
            assertTrue(ex.getMessage().contains("spindle-" + node.id() + "-scheduler-0"), ex.getMessage());
        }
        finally
        {
            spin.set(false);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (CpuLocks.holder(cpu) != null && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertNull(CpuLocks.holder(cpu), "released when the scheduler's thread ended");
    }

    @Test
    void leasesAreReleasedByTheirOwnThreadOnly() throws Exception
    {
        final int cpu = allowed[allowed.length - 1];
        final CpuLocks.Lease[] lease = new CpuLocks.Lease[1];
        final CountDownLatch taken = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        final Thread owner = new Thread(() ->
        {
            lease[0] = CpuLocks.acquire(cpu);
            taken.countDown();
            try
            {
                done.await();
            }
            catch (final InterruptedException ignored)
            {
                Thread.currentThread().interrupt();
            }
            if (lease[0] != null)
            {
                lease[0].release();
                lease[0].release(); // idempotent
            }
        }, "lease-owner");
        owner.start();
        assertTrue(taken.await(10, TimeUnit.SECONDS));
        try
        {
            assertNotNull(lease[0]);
            assertEquals(cpu, lease[0].cpu());
            assertEquals("thread lease-owner of this JVM (pid " + ProcessHandle.current().pid() + ")", CpuLocks.holder(cpu));
            final IllegalStateException ex = assertThrows(IllegalStateException.class, lease[0]::release);
            assertTrue(ex.getMessage().contains("only that thread can release it"), ex.getMessage());
            assertNotNull(CpuLocks.holder(cpu), "still held");
        }
        finally
        {
            done.countDown();
            owner.join();
        }
        assertNull(CpuLocks.holder(cpu));
    }

    /**
     * OpenHFT cannot start its inventory (it parses affinity.reserved as plain hex, "0x3" fails):
     * nodes still pin as planned with one WARNING, and FAIL refuses to start blind.
     */
    @Test
    void withoutTheInventoryNodesPinAsPlannedAndFailRefuses() throws Exception
    {
        final String out = dev.spindle.testing.ForkedJvm.run(dev.spindle.testing.ForkedJvm.withSpindleFlags(
            "-Daffinity.reserved=0x" + java.math.BigInteger.ONE.shiftLeft(allowed[0]).toString(16)),
            Blind.class);
        assertTrue(out.contains("default=" + allowed[0] + " null"), out);
        assertTrue(out.contains("WARNING: CPU conflicts cannot be detected (OpenHFT's CPU lock inventory failed to start: " +
            "java.lang.ExceptionInInitializerError, caused by java.lang.NumberFormatException"), out);
        assertTrue(out.contains("fail=java.lang.IllegalStateException: CpuConflict.FAIL cannot tell whether CPU " + allowed[0] +
            " is free: OpenHFT's CPU lock inventory failed to start"), out);
    }

    /** The forked JVM of {@link #withoutTheInventoryNodesPinAsPlannedAndFailRefuses()}. */
    public static final class Blind
    {
        public static void main(final String[] args)
        {
            try (Node n = Node.start(NodeConfig.builder().schedulers(1).build()))
            {
                System.out.println("default=" + n.placement().get(0).requestedCpu() + " " + n.placement().get(0).error());
            }
            try (Node n = Node.start(NodeConfig.builder().schedulers(1).cpuConflict(CpuConflict.FAIL).build()))
            {
                System.out.println("fail=started?!");
            }
            catch (final IllegalStateException ex)
            {
                System.out.println("fail=" + ex);
            }
        }
    }
}
