package dev.spindle.internal.placement;

import dev.spindle.CpuConflict;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.testing.ForkedJvm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two JVMs on one host (sharing java.io.tmpdir) compete for the same CPUs. */
class CrossProcessCpuConflictTest
{
    private int[] allowed;

    @BeforeEach
    void inventoryWorksHere()
    {
        assumeTrue(CpuLocks.unavailable() == null, () -> "no CPU lock inventory: " + CpuLocks.unavailable());
        allowed = Topology.allowedCpus();
    }

    @Test
    void aSecondJvmTakesAFreeCpuRunsUnpinnedOrFailsNamingThisProcess() throws Exception
    {
        final long self = ProcessHandle.current().pid();
        try (Node here = Node.start(NodeConfig.builder().schedulers(1).build()))
        {
            final int mine = here.placement().get(0).requestedCpu();
            assertTrue(mine >= 0, here.placement().toString());
            final String out = ForkedJvm.run(ForkedJvm.SPINDLE_FLAGS, Contender.class, Integer.toString(mine));
            if (allowed.length >= 2)
            {
                final int theirs = Integer.parseInt(line(out, "free="));
                assertTrue(theirs >= 0 && theirs != mine, "the other JVM took CPU " + theirs + "; this one holds " + mine + "\n" + out);
            }
            final String failed = line(out, "fail=");
            assertTrue(failed.startsWith("CPU " + mine + " is held by process " + self + " ("), failed);
            assertTrue(failed.contains(CrossProcessCpuConflictTest.class.getName()) || failed.contains("surefire") ||
                failed.contains("java"), "the holder's command line: " + failed);
            assertTrue(failed.contains("lock file " + CpuLocks.folder().resolve("cpu-" + mine + ".lock")), failed);
            final String unpinned = line(out, "unpinned=");
            assertTrue(unpinned.startsWith("-1 CPU " + mine + " is held by process " + self + " ("), unpinned);
            assertTrue(unpinned.endsWith("running unpinned (CpuConflict.UNPINNED)"), unpinned);
        }
    }

    @Test
    void aCpuHeldByAnotherJvmIsNamedAndFreedWhenThatJvmDies() throws Exception
    {
        final Process other = ForkedJvm.start(ForkedJvm.SPINDLE_FLAGS, Holder.class, Integer.toString(allowed[0]));
        try
        {
            final BufferedReader in = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            String l;
            final StringBuilder seen = new StringBuilder();
            while ((l = in.readLine()) != null && !l.startsWith("holding="))
            {
                seen.append(l).append('\n');
            }
            assertNotNull(l, "the other JVM did not start its node:\n" + seen);
            assertEquals("holding=" + allowed[0], l, seen.toString());
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Node.start(NodeConfig.builder().cpus(allowed[0]).cpuConflict(CpuConflict.FAIL).build()));
            assertTrue(ex.getMessage().startsWith("CPU " + allowed[0] + " is held by process " + other.pid() + " ("), ex.getMessage());
            assertTrue(ex.getMessage().contains(Holder.class.getName()), "names the holder's main class: " + ex.getMessage());
        }
        finally
        {
            other.destroyForcibly(); // no release: the kernel drops its file lock with the process
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        }
        try (Node node = Node.start(NodeConfig.builder().cpus(allowed[0]).cpuConflict(CpuConflict.FAIL).build()))
        {
            assertEquals(allowed[0], node.placement().get(0).requestedCpu(), "a dead JVM's lock file is stale, not held");
        }
    }

    private static String line(final String out, final String prefix)
    {
        for (final String l : out.split("\n"))
        {
            if (l.startsWith(prefix))
            {
                return l.substring(prefix.length()).trim();
            }
        }
        return fail("no '" + prefix + "' in the other JVM's output:\n" + out);
    }

    /** The other JVM: one node per policy against the CPU this test's JVM holds (args[0]). */
    public static final class Contender
    {
        public static void main(final String[] args)
        {
            final int held = Integer.parseInt(args[0]);
            try (Node n = Node.start(NodeConfig.builder().schedulers(1).build()))
            {
                System.out.println("free=" + n.placement().get(0).requestedCpu());
            }
            try (Node n = Node.start(NodeConfig.builder().cpus(held).cpuConflict(CpuConflict.FAIL).build()))
            {
                System.out.println("fail=started?! " + n.placement());
            }
            catch (final IllegalStateException ex)
            {
                System.out.println("fail=" + ex.getMessage());
            }
            try (Node n = Node.start(NodeConfig.builder().cpus(held).cpuConflict(CpuConflict.UNPINNED).build()))
            {
                System.out.println("unpinned=" + n.placement().get(0).requestedCpu() + " " + n.placement().get(0).error());
            }
        }
    }

    /** The other JVM: holds args[0] until killed. */
    public static final class Holder
    {
        public static void main(final String[] args) throws Exception
        {
            final Node n = Node.start(NodeConfig.builder().cpus(Integer.parseInt(args[0])).cpuConflict(CpuConflict.FAIL).build());
            System.out.println("holding=" + n.placement().get(0).requestedCpu());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
