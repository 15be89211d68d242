package dev.spindle.internal.placement;

import java.util.Arrays;
import java.util.Objects;

/**
 * How many CPUs this JVM may keep busy, and why: the CPUs of its affinity mask ({@code taskset},
 * cpuset cgroup), narrowed by OpenHFT's {@code -Daffinity.reserved}; the CPU quota of its cgroup;
 * and {@link Runtime#availableProcessors()}, which reflects {@code -XX:ActiveProcessorCount} and the
 * JVM's own container view. A node's default scheduler count is the smallest of the three.
 *
 * @param allowed              CPUs of the affinity mask, ascending.
 * @param candidates           the CPUs schedulers may be pinned to: {@code allowed}, narrowed by
 *                             {@code reservedMask} when one is set.
 * @param reservedMask         the {@code affinity.reserved} property, or null.
 * @param availableProcessors  what the JVM reports.
 * @param activeProcessorCount the {@code -XX:ActiveProcessorCount} flag: its value, {@value #NOT_SET}
 *                             or {@value #UNKNOWN} (a JVM without the HotSpot diagnostic bean).
 * @param cgroup               the cgroup CPU quota, or null when there is none.
 */
public record CpuBudget(int[] allowed, int[] candidates, String reservedMask, int availableProcessors,
                        String activeProcessorCount, CgroupCpuLimit cgroup)
{
    /** {@link #activeProcessorCount()} when the flag is not given. */
    public static final String NOT_SET = "not set";
    /** {@link #activeProcessorCount()} when the JVM cannot say. */
    public static final String UNKNOWN = "unknown";

    private static volatile String flagCache; // the flag cannot change while the JVM runs

    /**
     * @param allowed CPUs of this JVM's affinity mask ({@link Topology#allowedCpus()}).
     * @return this JVM's budget: reserved mask, cgroup quota, processor count and flag as they are now.
     * @throws IllegalArgumentException when {@code affinity.reserved} names none of the allowed CPUs.
     */
    public static CpuBudget ofThisJvm(final int[] allowed)
    {
        final String reserved = System.getProperty(CpuPlan.RESERVED_PROPERTY);
        return new CpuBudget(allowed, CpuPlan.reserved(allowed, reserved), reserved, Runtime.getRuntime().availableProcessors(),
            activeProcessorCountFlag(), CgroupCpuLimit.ofThisProcess());
    }

    /**
     * @param allowed CPUs the JVM may use.
     * @return a budget limited by those CPUs alone (no quota, no flag, no reserved mask).
     */
    public static CpuBudget of(final int[] allowed)
    {
        return new CpuBudget(allowed, allowed, null, allowed.length, NOT_SET, null);
    }

    /**
     * @param pinned whether the schedulers are pinned (then only {@code candidates} count).
     * @return the default scheduler count: the fewest of the usable CPUs, the JVM's processors and
     * the cgroup quota (rounded up), at least 1.
     */
    public int schedulers(final boolean pinned)
    {
        int n = Math.min(cpus(pinned), availableProcessors);
        if (cgroup != null)
        {
            n = Math.min(n, cgroup.schedulers());
        }
        return Math.max(1, n);
    }

    private int cpus(final boolean pinned)
    {
        return pinned ? candidates.length : allowed.length;
    }

    /**
     * @param pinned as for {@link #schedulers(boolean)}.
     * @return the inputs, e.g. {@code 2 CPUs allowed (taskset 0-1), no cgroup CPU quota, JVM
     * processors 2 (-XX:ActiveProcessorCount=not set)}.
     */
    public String describe(final boolean pinned)
    {
        final StringBuilder b = new StringBuilder();
        b.append(allowed.length).append(allowed.length == 1 ? " CPU" : " CPUs").append(" allowed (taskset ")
            .append(listText(allowed)).append(')');
        if (reserved())
        {
            b.append(", ").append(candidates.length).append(" of them reserved by -D").append(CpuPlan.RESERVED_PROPERTY)
                .append('=').append(reservedMask).append(" (").append(listText(candidates)).append(')');
        }
        b.append(", ");
        if (cgroup == null)
        {
            b.append("no cgroup CPU quota");
        }
        else
        {
            b.append("cgroup quota ").append(cgroup.cpusText()).append(" CPUs (").append(cgroup.source()).append(')');
        }
        b.append(", JVM processors ").append(availableProcessors).append(" (-XX:ActiveProcessorCount=")
            .append(activeProcessorCount).append(')');
        return b.toString();
    }

    /**
     * @param pinned as for {@link #schedulers(boolean)}.
     * @return which input sets {@link #schedulers(boolean)}, e.g. {@code the cgroup quota}. The root
     * cause first: without the flag the JVM's processor count comes from the mask and the quota, so
     * those are named before it.
     */
    public String limit(final boolean pinned)
    {
        final int n = schedulers(pinned);
        if (cpus(pinned) == n)
        {
            return pinned && reserved() ? "the reserved CPUs" : "the allowed CPUs";
        }
        if (cgroup != null && cgroup.schedulers() == n)
        {
            return "the cgroup quota";
        }
        return NOT_SET.equals(activeProcessorCount) || UNKNOWN.equals(activeProcessorCount) ?
            "the JVM's processor count" : "-XX:ActiveProcessorCount";
    }

    private boolean reserved()
    {
        return reservedMask != null && !reservedMask.isBlank();
    }

    /**
     * @param cpus ascending CPU ids.
     * @return Linux list notation, e.g. {@code 0-3,8}; {@code none} when empty.
     */
    public static String listText(final int[] cpus)
    {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < cpus.length; i++)
        {
            int j = i;
            while (j + 1 < cpus.length && cpus[j + 1] == cpus[j] + 1)
            {
                j++;
            }
            b.append(b.length() > 0 ? "," : "").append(cpus[i]);
            if (j > i)
            {
                b.append('-').append(cpus[j]);
            }
            i = j;
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /**
     * @return the {@code -XX:ActiveProcessorCount} value, {@value #NOT_SET} or {@value #UNKNOWN}.
     * Read once through the HotSpot diagnostic bean, which sees the command line,
     * {@code JAVA_TOOL_OPTIONS} and flag files alike (about 50 ms, once per JVM).
     */
    static String activeProcessorCountFlag()
    {
        String v = flagCache;
        if (v == null)
        {
            try
            {
                final com.sun.management.VMOption o = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption("ActiveProcessorCount");
                v = o.getOrigin() == com.sun.management.VMOption.Origin.DEFAULT ? NOT_SET : o.getValue();
            }
            catch (final RuntimeException | LinkageError ex)
            {
                v = UNKNOWN; // no jdk.management module in this runtime, or not HotSpot
            }
            flagCache = v;
        }
        return v;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof CpuBudget b && Arrays.equals(allowed, b.allowed) && Arrays.equals(candidates, b.candidates) &&
            Objects.equals(reservedMask, b.reservedMask) && availableProcessors == b.availableProcessors &&
            Objects.equals(activeProcessorCount, b.activeProcessorCount) && Objects.equals(cgroup, b.cgroup);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(Arrays.hashCode(allowed), Arrays.hashCode(candidates), reservedMask, availableProcessors,
            activeProcessorCount, cgroup);
    }

    @Override
    public String toString()
    {
        return "CpuBudget[" + describe(true) + "]";
    }
}
