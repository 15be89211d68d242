package dev.spindle.internal.scheduler;

import dev.spindle.internal.process.Process;
import dev.spindle.internal.timer.Timer;

/**
 * A process's receive timeout: one object per process, made on its first timed receive and armed
 * again for every later one, so a timed receive allocates nothing. Armed in the heap of the
 * scheduler the process waits on; cancelled (and taken out of that heap at once) when the process
 * resumes for any other reason, on whatever scheduler resumes it.
 */
final class ReceiveTimer extends Timer
{
    private final ProcessContinuation owner;

    ReceiveTimer(final ProcessContinuation owner)
    {
        this.owner = owner;
    }

    @Override
    protected void fire()
    {
        final Process p = owner.process;
        // The scheduler field was written before the process yielded, which precedes its volatile
        // WAITING store; tryWake's volatile read orders it for us. A wake from an older arming
        // (the process woke and waits again) is only a spurious wake-up: receive checks its deadline.
        if (p.tryWake())
        {
            owner.scheduler.group.wake(p, Scheduler.ofCallingThread(owner.scheduler.group), Placement.Cause.TIMEOUT);
        }
    }
}
