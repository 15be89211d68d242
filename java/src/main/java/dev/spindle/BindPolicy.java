package dev.spindle;

/**
 * How scheduler threads are bound to CPUs, like the BEAM's {@code +sbt} bind types. The candidate
 * CPUs are always those this JVM may use (its taskset/cgroup mask), narrowed to OpenHFT's
 * {@code affinity.reserved} mask when that system property is set.
 */
public enum BindPolicy
{
    /** No pinning: the OS places scheduler threads (BEAM {@code u}). */
    UNBOUND,
    /**
     * One scheduler per physical core first, SMT siblings only after every core has one (BEAM
     * {@code ts}, thread_spread): the default, best when schedulers are fewer than hardware threads.
     */
    SPREAD,
    /**
     * SMT siblings together: fill both hardware threads of a core before the next core (BEAM
     * {@code ps}-like packing), for workloads that share data between neighbouring schedulers.
     */
    SMT_TOGETHER,
    /** The CPUs given with {@link NodeConfig.Builder#cpus(int...)}, in that order. */
    EXPLICIT
}
