package dev.spindle.internal.scheduler;

/**
 * The thread of one {@link Scheduler}. It holds the reduction budget of the process it runs
 * ({@link #budget}): a plain field of the carrier, reset at each schedule-in, spent by runtime
 * calls (and by instrumented code, see internal/preempt), so that "spend one reduction" is a load,
 * a decrement and a store on a line no other core writes.
 */
final class SchedulerThread extends Thread
{
    /** Reductions left in the running process's slice. Owner; another thread may store 0 to ask for a safe point. */
    int budget;
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
}
