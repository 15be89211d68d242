package dev.spindle.internal.placement;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a node says about its placement when it starts (logger {@code dev.spindle}):
 * <ul>
 *     <li>one line with its scheduler count, why that count, and its CPUs, e.g. {@code node 0: 2
 *     schedulers, set by the allowed CPUs: 2 CPUs allowed (taskset 0-1), no cgroup CPU quota, JVM
 *     processors 2 (-XX:ActiveProcessorCount=not set); pinned to CPUs [0, 1]}: INFO the
 *     first time this JVM starts a node of that shape, DEBUG after that (test suites start hundreds);</li>
 *     <li>a WARNING per scheduler not on its planned CPU (held by another, moved, unpinned);</li>
 *     <li>one WARNING per JVM when CPU conflicts cannot be detected.</li>
 * </ul>
 */
public final class PlacementLog
{
    private static final System.Logger LOG = System.getLogger("dev.spindle");
    private static final int MAX_REMEMBERED = 256;
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean BLIND_SAID = new AtomicBoolean();

    private PlacementLog()
    {
    }

    /**
     * @param plan   the node's plan.
     * @param nodeId the node.
     * @param got    the CPU each scheduler pinned to (-1 = unpinned).
     * @param notes  each scheduler's placement note, or null.
     */
    public static void started(final CpuPlan plan, final int nodeId, final int[] got, final String[] notes)
    {
        final String shape = plan.startLine(-1, got);
        final boolean first = SEEN.size() < MAX_REMEMBERED ? SEEN.add(shape) : !SEEN.contains(shape);
        LOG.log(first ? System.Logger.Level.INFO : System.Logger.Level.DEBUG, plan.startLine(nodeId, got));
        for (int i = 0; i < notes.length; i++)
        {
            if (notes[i] != null)
            {
                LOG.log(System.Logger.Level.WARNING, "node " + nodeId + ", scheduler " + i + ": " + notes[i]);
            }
        }
        final boolean pinned = java.util.Arrays.stream(plan.cpus()).anyMatch(c -> c >= 0);
        final String blind = pinned ? CpuLocks.unavailable() : null;
        if (blind != null && BLIND_SAID.compareAndSet(false, true))
        {
            LOG.log(System.Logger.Level.WARNING, "CPU conflicts cannot be detected (" + blind + "): schedulers are pinned " +
                "as planned, even to CPUs other pinned threads or processes may hold");
        }
    }
}
