package dev.spindle.internal.scheduler;

import dev.spindle.internal.process.ProcessHandle;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a process runs next: the one function that decides it ({@link #target}), for every way a
 * process becomes runnable. docs/scheduling.md states the rules:
 * <ul>
 * <li>bound to scheduler i: i (or a stand-in while i is offline or dead; a stuck i keeps them);</li>
 * <li>spawned by a process: its parent's scheduler (the BEAM's rule); from a plain thread: round
 *     robin over the active schedulers;</li>
 * <li>woken by a message from a process: the sender's scheduler (Pony's and Go's rule: the
 *     message is hot in that core's cache and a request/response pair stays on one core);</li>
 * <li>woken by a timeout, a plain thread or finished dirty work: the scheduler it last ran on;</li>
 * <li>given way ({@code yield}, budget spent): the scheduler it ran on;</li>
 * <li>and, for unbound processes, an overloaded scheduler with a migration path from the balancer
 *     sends the process to its partner instead (emigration on enqueue, as on the BEAM).</li>
 * </ul>
 */
final class Placement
{
    /** Why a process becomes runnable. */
    enum Cause
    {
        /** Newly spawned. */
        SPAWN(true),
        /** Woken by a message or a signal. */
        MESSAGE(true),
        /** Woken by its receive timeout. */
        TIMEOUT(false),
        /** Woken by a plain thread's action or finished dirty work. */
        OUTSIDE(false),
        /** Gave way and is requeued by its scheduler. */
        YIELD(true);

        /** Whether it runs where the waking scheduler is (else where it last ran). */
        final boolean followsCaller;

        Cause(final boolean followsCaller)
        {
            this.followsCaller = followsCaller;
        }
    }

    private final ActiveSet active;
    private final Balancer balancer;
    private final AtomicInteger roundRobin = new AtomicInteger();

    Placement(final ActiveSet active, final Balancer balancer)
    {
        this.active = active;
        this.balancer = balancer;
    }

    /**
     * @param p     the process.
     * @param from  the scheduler of the calling thread, if it is one of this node's, else null.
     * @param cause why it becomes runnable.
     * @return the scheduler to queue it on.
     */
    int target(final ProcessHandle p, final Scheduler from, final Cause cause)
    {
        final int bound = p.boundScheduler;
        if (bound >= 0)
        {
            return active.placeBound(bound); // bound processes never emigrate, nor leave a stuck scheduler
        }
        // Not a switch on the cause: this runs on every wake-up, and a field test is cheaper than
        // an enum switch's ordinal map.
        final int want = from != null && cause.followsCaller ? from.id :
            cause == Cause.SPAWN ? Math.floorMod(roundRobin.getAndIncrement(), active.active()) : p.homeOpaque();
        final int t = active.place(want);
        if (from != null && t == from.id)
        {
            final int partner = balancer.emigrationTarget(t);
            if (partner >= 0 && active.usable(partner))
            {
                return partner;
            }
        }
        return t;
    }

    /**
     * For a process found on a scheduler that may not run it (offline, or it is bound elsewhere).
     *
     * @param p    the process.
     * @param here the scheduler holding it.
     * @return where it should run.
     */
    int forward(final ProcessHandle p, final int here)
    {
        return p.boundScheduler >= 0 ? active.placeBound(p.boundScheduler) : active.place(here);
    }
}
