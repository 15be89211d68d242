package dev.spindle.internal.placement;

import dev.spindle.BindPolicy;
import dev.spindle.CpuConflict;
import dev.spindle.NodeConfig;
import net.openhft.affinity.Affinity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Decides how many schedulers run, which CPU each is pinned to, and what a scheduler does when its
 * CPU turns out to be held ({@link CpuConflict}), from a {@link NodeConfig}, the JVM's
 * {@link CpuBudget} and who holds which CPU ({@link CpuLocks}). Invalid requests fail here, before
 * any thread starts, with a message that names the CPUs. Each scheduler thread then carries out
 * its part with {@link Pin#apply()}.
 */
public final class CpuPlan
{
    /** OpenHFT's property: a hex mask of the CPUs set aside for pinned threads. */
    public static final String RESERVED_PROPERTY = "affinity.reserved";

    private static final String FAIL_ADVICE = ". CpuConflict.FAIL does not share CPUs: stop the holder, give this node " +
        "other cpus(...), or choose NodeConfig.cpuConflict(FREE_CPUS or UNPINNED)";

    private final int[] cpus;
    private final int[] spares;
    private final CpuConflict conflict;
    private final String sizing;

    private CpuPlan(final int[] cpus, final int[] spares, final CpuConflict conflict, final String sizing)
    {
        this.cpus = cpus;
        this.spares = spares;
        this.conflict = conflict;
        this.sizing = sizing;
    }

    /**
     * The plan for a node of this JVM: its mask, cgroup quota, processor count, and the CPUs
     * other pinned threads hold now.
     *
     * @param config the node configuration.
     * @return the plan.
     * @throws IllegalArgumentException for a CPU that is not allowed, or more pinned schedulers than CPUs.
     * @throws IllegalStateException    with {@link CpuConflict#FAIL}, when a planned CPU is held or the
     *                                  holders cannot be known.
     */
    public static CpuPlan forThisJvm(final NodeConfig config)
    {
        final CpuPlan plan = of(config, CpuBudget.ofThisJvm(Topology.allowedCpus()), CpuLocks::holder);
        if (plan.conflict == CpuConflict.FAIL)
        {
            for (final int cpu : plan.cpus)
            {
                final String why = cpu < 0 ? null : CpuLocks.unavailable(cpu);
                if (why != null)
                {
                    throw new IllegalStateException("CpuConflict.FAIL cannot tell whether CPU " + cpu + " is free: " + why +
                        " (CpuConflict.FREE_CPUS or UNPINNED pin without that check)");
                }
            }
        }
        return plan;
    }

    /**
     * A plan from the mask alone (narrowed by {@code affinity.reserved} when set), as if no other
     * thread held a CPU and no quota applied.
     *
     * @param config  the node configuration.
     * @param allowed CPUs this JVM may use, ascending.
     * @return the plan.
     * @throws IllegalArgumentException for a CPU that is not allowed, or more pinned schedulers than CPUs.
     */
    public static CpuPlan of(final NodeConfig config, final int[] allowed)
    {
        final String reserved = System.getProperty(RESERVED_PROPERTY);
        return of(config, new CpuBudget(allowed, reserved(allowed, reserved), reserved, allowed.length, CpuBudget.NOT_SET, null),
            cpu -> null);
    }

    /**
     * @param config the node configuration.
     * @param budget what this JVM may use.
     * @param holder who holds a CPU now, or null when it is free.
     * @return the plan.
     * @throws IllegalArgumentException for a CPU that is not allowed, or more pinned schedulers than CPUs.
     * @throws IllegalStateException    with {@link CpuConflict#FAIL}, when a planned CPU is held.
     */
    static CpuPlan of(final NodeConfig config, final CpuBudget budget, final IntFunction<String> holder)
    {
        final int[] candidates = budget.candidates();
        final int[] explicit = config.cpus();
        final boolean pinned = config.bindPolicy() != BindPolicy.UNBOUND;
        final int n;
        final String sizing;
        if (explicit != null)
        {
            n = explicit.length;
            sizing = count(n) + " as configured (cpus(" + CpuBudget.listText(explicit) + ")); " + byDefault(budget, true);
        }
        else if (config.schedulers() != 0)
        {
            n = config.schedulers();
            sizing = count(n) + " as configured (schedulers(" + n + ")); " + byDefault(budget, pinned);
        }
        else
        {
            n = budget.schedulers(pinned);
            sizing = count(n) + ", set by " + budget.limit(pinned) + ": " + budget.describe(pinned);
        }
        if (!pinned)
        {
            final int[] none = new int[n];
            Arrays.fill(none, -1);
            return new CpuPlan(none, new int[0], config.cpuConflict(), sizing);
        }
        final int[] cpus;
        int[] spares = new int[0];
        if (explicit != null)
        {
            for (final int cpu : explicit)
            {
                if (Arrays.binarySearch(candidates, cpu) < 0)
                {
                    throw new IllegalArgumentException("CPU " + cpu + " is not available to this JVM; allowed CPUs: " +
                        Arrays.toString(candidates) + describeReserved(budget));
                }
            }
            cpus = explicit;
        }
        else
        {
            if (n > candidates.length)
            {
                throw new IllegalArgumentException(n + " pinned schedulers need " + n + " CPUs but this JVM may use only " +
                    candidates.length + ": " + Arrays.toString(candidates) + describeReserved(budget) +
                    " (use pinned(false) or fewer schedulers)");
            }
            final CpuTopology topology = CpuTopology.of(candidates);
            int[] order = config.bindPolicy() == BindPolicy.SMT_TOGETHER ? topology.packedOrder() : topology.spreadOrder();
            if (config.cpuConflict() == CpuConflict.FREE_CPUS)
            {
                order = freeFirst(order, holder);
                spares = Arrays.copyOfRange(order, n, order.length);
            }
            cpus = Arrays.copyOf(order, n);
        }
        if (config.cpuConflict() == CpuConflict.FAIL)
        {
            final List<String> held = new ArrayList<>();
            for (final int cpu : cpus)
            {
                final String h = holder.apply(cpu);
                if (h != null)
                {
                    held.add("CPU " + cpu + " is held by " + h);
                }
            }
            if (!held.isEmpty())
            {
                throw new IllegalStateException(String.join("; ", held) + FAIL_ADVICE);
            }
        }
        return new CpuPlan(cpus.clone(), spares, config.cpuConflict(), sizing);
    }

    private static String byDefault(final CpuBudget budget, final boolean pinned)
    {
        return "by default " + budget.schedulers(pinned) + ", set by " + budget.limit(pinned) + ": " + budget.describe(pinned);
    }

    private static String count(final int n)
    {
        return n + (n == 1 ? " scheduler" : " schedulers");
    }

    /** @return {@code order} with the CPUs nobody holds first, each part in its original order. */
    private static int[] freeFirst(final int[] order, final IntFunction<String> holder)
    {
        final int[] out = new int[order.length];
        int k = 0;
        final boolean[] held = new boolean[order.length];
        for (int i = 0; i < order.length; i++)
        {
            held[i] = holder.apply(order[i]) != null;
            if (!held[i])
            {
                out[k++] = order[i];
            }
        }
        for (int i = 0; i < order.length; i++)
        {
            if (held[i])
            {
                out[k++] = order[i];
            }
        }
        return out;
    }

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

    private static String describeReserved(final CpuBudget budget)
    {
        final String r = budget.reservedMask();
        return r == null || r.isBlank() ? "" : " (narrowed by -D" + RESERVED_PROPERTY + "=" + r + ")";
    }

    /** @return scheduler count. */
    public int schedulers()
    {
        return cpus.length;
    }

    /** @return the CPU planned for each scheduler (-1 = not pinned). */
    public int[] cpus()
    {
        return cpus.clone();
    }

    /** @return free CPUs a scheduler may take when its own is held ({@link CpuConflict#FREE_CPUS} only). */
    public int[] spares()
    {
        return spares.clone();
    }

    /** @return what a scheduler does when its CPU is held. */
    public CpuConflict conflict()
    {
        return conflict;
    }

    /**
     * @return why the node has this many schedulers, e.g. {@code 2 schedulers, set by the allowed
     * CPUs: 2 CPUs allowed (taskset 0-1), no cgroup CPU quota, JVM processors 2
     * (-XX:ActiveProcessorCount=not set)}.
     */
    public String sizing()
    {
        return sizing;
    }

    /**
     * @param scheduler 0-based index.
     * @return what that scheduler's thread does about its CPU.
     */
    public Pin pin(final int scheduler)
    {
        return new Pin(cpus[scheduler], spares, conflict);
    }

    /**
     * With {@link CpuConflict#FAIL}: the start must fail when a scheduler lost its planned CPU to
     * another process between the plan and its thread's start.
     *
     * @param got   the CPU each scheduler pinned to (-1 = unpinned).
     * @param notes each scheduler's placement note, or null.
     * @return the failure message, or null when the node may run.
     */
    public String refusal(final int[] got, final String[] notes)
    {
        if (conflict != CpuConflict.FAIL)
        {
            return null;
        }
        for (int i = 0; i < cpus.length; i++)
        {
            if (cpus[i] >= 0 && got[i] != cpus[i])
            {
                return (notes[i] != null ? notes[i] : "scheduler " + i + " could not take CPU " + cpus[i]) + FAIL_ADVICE;
            }
        }
        return null;
    }

    /**
     * @param nodeId the node.
     * @param got    the CPU each scheduler pinned to (-1 = unpinned).
     * @return the one line logged when the node starts: its size and why, and where it is pinned.
     */
    public String startLine(final int nodeId, final int[] got)
    {
        final boolean any = Arrays.stream(got).anyMatch(c -> c >= 0);
        return "node " + nodeId + ": " + sizing + (any ? "; pinned to CPUs " + Arrays.toString(got) : "; unpinned");
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
        return "CpuPlan" + Arrays.toString(cpus) + (spares.length > 0 ? " spares " + Arrays.toString(spares) : "");
    }

    /**
     * One scheduler's part of the plan, carried out on its own thread.
     *
     * @param cpu      the planned CPU, -1 for none.
     * @param spares   free CPUs to try when {@code cpu} is held ({@link CpuConflict#FREE_CPUS}).
     * @param conflict what to do when it is held.
     */
    public record Pin(int cpu, int[] spares, CpuConflict conflict)
    {
        /**
         * Takes the planned CPU's lock and pins the calling thread to it; when another thread or
         * process holds it, follows the conflict policy. Call on the thread to pin, and release
         * the result on that thread when it ends.
         *
         * @return where the thread runs now.
         */
        public Pinned apply()
        {
            if (cpu < 0)
            {
                return new Pinned(-1, null, null);
            }
            if (CpuLocks.unavailable(cpu) != null)
            {
                // Nothing to coordinate with (logged once by the node): pin as planned.
                try
                {
                    Affinity.setAffinity(cpu);
                    return new Pinned(cpu, null, null);
                }
                catch (final RuntimeException | LinkageError ex)
                {
                    return new Pinned(cpu, "could not pin to CPU " + cpu + ": " + ex, null);
                }
            }
            try
            {
                final CpuLocks.Lease own = CpuLocks.acquire(cpu);
                if (own != null)
                {
                    return new Pinned(cpu, null, own);
                }
                final String held = "CPU " + cpu + " is held by " + orUnknown(CpuLocks.holder(cpu));
                if (conflict == CpuConflict.FREE_CPUS)
                {
                    for (final int spare : spares)
                    {
                        if (CpuLocks.unavailable(spare) == null)
                        {
                            final CpuLocks.Lease other = CpuLocks.acquire(spare);
                            if (other != null)
                            {
                                return new Pinned(spare, held + "; took free CPU " + spare + " instead (CpuConflict.FREE_CPUS)", other);
                            }
                        }
                    }
                    return new Pinned(-1, held + " and no other candidate CPU is free; running unpinned (CpuConflict.FREE_CPUS)", null);
                }
                return new Pinned(-1, conflict == CpuConflict.FAIL ? held :
                    held + "; running unpinned (CpuConflict.UNPINNED)", null);
            }
            catch (final RuntimeException | LinkageError ex)
            {
                // As when plain pinning fails: it shows as a drift of the planned CPU, not as a conflict.
                return new Pinned(cpu, "could not pin to CPU " + cpu + ": " + ex, null);
            }
        }

        private static String orUnknown(final String holder)
        {
            return holder != null ? holder : "another thread (released since)";
        }
    }

    /**
     * Where a scheduler thread ended up.
     *
     * @param cpu   the CPU it is pinned to, -1 when unpinned.
     * @param note  why it is not on its planned CPU (or why pinning failed), or null.
     * @param lease the CPU's lock, held until {@link #release()}; null when none is held.
     */
    public record Pinned(int cpu, String note, CpuLocks.Lease lease)
    {
        /** Releases the CPU's lock; call on the pinned thread as it ends. Idempotent. */
        public void release()
        {
            if (lease != null)
            {
                lease.release();
            }
        }
    }
}
