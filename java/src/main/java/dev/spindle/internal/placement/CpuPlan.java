package dev.spindle.internal.placement;

import dev.spindle.BindPolicy;
import dev.spindle.NodeConfig;

import java.util.Arrays;

/**
 * Decides how many schedulers run and which CPU each is pinned to, from a {@link NodeConfig} and
 * the CPUs this JVM may use. Invalid requests fail here, before any thread starts, with a message
 * that names the CPUs.
 *
 * @param cpus CPU per scheduler (-1 = not pinned).
 */
public record CpuPlan(int[] cpus)
{
    /**
     * @param config  the node configuration.
     * @param allowed CPUs this JVM may use, ascending.
     * @return the plan.
     * @throws IllegalArgumentException for a CPU that is not allowed, or more pinned schedulers than CPUs.
     */
    public static CpuPlan of(final NodeConfig config, final int[] allowed)
    {
        final int[] candidates = reserved(allowed, System.getProperty(RESERVED_PROPERTY));
        final int[] explicit = config.cpus();
        if (explicit != null)
        {
            for (final int cpu : explicit)
            {
                if (Arrays.binarySearch(candidates, cpu) < 0)
                {
                    throw new IllegalArgumentException("CPU " + cpu + " is not available to this JVM; allowed CPUs: " +
                        Arrays.toString(candidates) + describeReserved());
                }
            }
            return new CpuPlan(explicit);
        }
        final int n = config.schedulers() == 0 ? candidates.length : config.schedulers();
        final int[] cpus = new int[n];
        if (config.bindPolicy() == BindPolicy.UNBOUND)
        {
            Arrays.fill(cpus, -1);
            return new CpuPlan(cpus);
        }
        if (n > candidates.length)
        {
            throw new IllegalArgumentException(n + " pinned schedulers need " + n + " CPUs but this JVM may use only " +
                candidates.length + ": " + Arrays.toString(candidates) + describeReserved() +
                " (use pinned(false) or fewer schedulers)");
        }
        final CpuTopology topology = CpuTopology.of(candidates);
        final int[] order = config.bindPolicy() == BindPolicy.SMT_TOGETHER ? topology.packedOrder() : topology.spreadOrder();
        System.arraycopy(order, 0, cpus, 0, n);
        return new CpuPlan(cpus);
    }

    /** OpenHFT's property: a hex mask of the CPUs set aside for pinned threads. */
    public static final String RESERVED_PROPERTY = "affinity.reserved";

    /**
     * @param allowed  CPUs of this JVM's mask.
     * @param reserved OpenHFT {@code affinity.reserved} hex mask, or null.
     * @return the allowed CPUs, narrowed to the reserved ones when a mask is given.
     */
    static int[] reserved(final int[] allowed, final String reserved)
    {
        if (reserved == null || reserved.isBlank())
        {
            return allowed;
        }
        final int[] mask = CpuLists.fromHexMask(reserved);
        final int[] both = Arrays.stream(allowed).filter(c -> Arrays.binarySearch(mask, c) >= 0).toArray();
        if (both.length == 0)
        {
            throw new IllegalArgumentException("affinity.reserved=" + reserved + " names CPUs " + Arrays.toString(mask) +
                ", none of which this JVM may use (allowed: " + Arrays.toString(allowed) + ")");
        }
        return both;
    }

    private static String describeReserved()
    {
        final String r = System.getProperty(RESERVED_PROPERTY);
        return r == null || r.isBlank() ? "" : " (narrowed by -D" + RESERVED_PROPERTY + "=" + r + ")";
    }

    /** @return scheduler count. */
    public int schedulers()
    {
        return cpus.length;
    }

    @Override
    public int[] cpus()
    {
        return cpus.clone();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof CpuPlan other && Arrays.equals(cpus, other.cpus);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(cpus);
    }

    @Override
    public String toString()
    {
        return "CpuPlan" + Arrays.toString(cpus);
    }
}
