package dev.spindle.internal.preempt;

/**
 * A thread that runs processes (continuations) and lets instrumented code inside them give way:
 * the scheduler thread class extends it. The two counters are plain fields owned by this thread;
 * {@link Preemption} reads and writes them from the code the process runs.
 *
 * <p>The protocol the scheduler keeps (see docs/preemption.md):
 * <ul>
 *   <li>Schedule-in: {@code budget = reductions} and {@code unsafeDepth = } the process's saved
 *       depth (0 for a new process).</li>
 *   <li>Schedule-out, whatever the reason (it gave way, it waits in receive, it exited): save
 *       {@code unsafeDepth} in the process, then {@code budget = Integer.MAX_VALUE} and
 *       {@code unsafeDepth = 0}, so instrumented code that runs on this thread outside any process
 *       never reaches {@link #budgetSpent()}.</li>
 *   <li>{@link #budgetSpent()}: yield the running process as {@code Proc.yield()} does, with the
 *       continuation's {@code onPinned} returning quietly for this yield; when
 *       {@code Continuation.yield} returns false (a native frame is on the stack), set
 *       {@code budget} to a full slice so the next attempt comes one slice later.</li>
 * </ul>
 */
public abstract class PreemptibleCarrier extends Thread
{
    /**
     * Reductions left in the running process's slice. The scheduler sets it at each schedule-in;
     * runtime calls and instrumented code decrement it. Owner-only and plain: another thread may
     * store 0 to ask for an early safe point, a best-effort request (a racing decrement may
     * overwrite it, and compiled code may keep the counter in a register for a while).
     */
    public int budget = Integer.MAX_VALUE;

    /**
     * Monitors and locks the running process holds in instrumented code, plus the class
     * initializers it is in. Never negative. While it is not 0 the process does not give way.
     */
    public int unsafeDepth;

    /**
     * @param group the thread group.
     * @param name  the thread's name.
     */
    protected PreemptibleCarrier(final ThreadGroup group, final String name)
    {
        super(group, name);
    }

    /**
     * @param group               the thread group.
     * @param task                run by {@link #run()} unless overridden; may be null.
     * @param name                the thread's name.
     * @param stackSize           as for {@link Thread#Thread(ThreadGroup, Runnable, String, long, boolean)}.
     * @param inheritThreadLocals whether inheritable thread locals are inherited.
     */
    protected PreemptibleCarrier(final ThreadGroup group, final Runnable task, final String name, final long stackSize,
        final boolean inheritThreadLocals)
    {
        super(group, task, name, stackSize, inheritThreadLocals);
    }

    /**
     * Called on this thread, inside the running process, at a safe point: the budget is spent
     * ({@code budget <= 0}) and {@code unsafeDepth == 0}. The implementation gives way as
     * {@code Proc.yield()} does (or delivers pending exit signals, which may throw out of the
     * process's code). It must cope with being called while no process is mounted (set
     * {@code budget} back and return).
     */
    protected abstract void budgetSpent();

    /** Preemption's slow path: the budget has run out at a poll. */
    final void spent()
    {
        if (unsafeDepth != 0)
        {
            // Not a safe point: stay spent without wrapping around, give way at the next one.
            budget = 0;
            return;
        }
        budgetSpent();
    }
}
