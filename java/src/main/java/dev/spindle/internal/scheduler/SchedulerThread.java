package dev.spindle.internal.scheduler;

import dev.spindle.internal.preempt.PreemptibleCarrier;

/**
 * The thread of one {@link Scheduler}. As a {@link PreemptibleCarrier} it holds the reduction
 * budget of the process it runs ({@code budget}): a plain field of the carrier, reset at each
 * schedule-in, spent by runtime calls ({@link Scheduler#charge}) and by instrumented code
 * (internal/preempt), so that "spend one reduction" is a load, a decrement and a store on a line no
 * other core writes; and the depth of monitors and locks instrumented code holds
 * ({@code unsafeDepth}), saved in the process between its runs.
 */
final class SchedulerThread extends PreemptibleCarrier
{
    private final Scheduler scheduler;

    SchedulerThread(final ThreadGroup group, final String name, final Scheduler scheduler)
    {
        super(group, null, name, 0, false);
        setDaemon(true);
        this.scheduler = scheduler;
    }

    @Override
    public void run()
    {
        scheduler.runThread();
    }

    Scheduler scheduler()
    {
        return scheduler;
    }

    /**
     * Instrumented code spent the budget at a safe point (no monitor or lock held in instrumented
     * code, no class initializer): give way exactly as {@code Proc.yield()} would, after handling
     * pending signals (so an exit signal ends a busy process here). Runs inside the process; after
     * the yield it may be on another carrier, so nothing of this thread is touched afterwards.
     */
    @Override
    protected void budgetSpent()
    {
        final ProcessContinuation pc = ProcessContinuation.current();
        if (pc == null)
        {
            budget = Integer.MAX_VALUE; // instrumented code run by the scheduler itself: never a process
            return;
        }
        Scheduler.preempt(pc);
    }
}
