package dev.spindle.internal.scheduler;

import dev.spindle.IdleMode;
import dev.spindle.internal.timer.TimerHeap;
import org.agrona.concurrent.BusySpinIdleStrategy;

/**
 * What a scheduler does when it has nothing to run, by the node's {@link IdleMode}:
 * <ul>
 * <li>SPIN: busy-spin (lowest wake-up latency, a core at 100 %);</li>
 * <li>BACKOFF (default): spin for {@link #SPIN_NANOS} of idleness, then {@code Thread.yield} until
 *     {@link #YIELD_NANOS}, then sleep in the native parker, which a push wakes. Time-based, not
 *     count-based: a futex wake costs tens of microseconds on a VM, and a cross-core
 *     request/response must find its peer still spinning or it pays that on every hop. (Agrona's
 *     BackoffIdleStrategy is not used: its last phase is parkNanos, which cannot be woken by new
 *     work.);</li>
 * <li>PARK: sleep at once.</li>
 * </ul>
 * A sleeping scheduler wakes for its earliest timer deadline, not on a tick, so an idle node with
 * one long timeout pending costs no CPU. Owner only.
 */
final class IdlePolicy
{
    static final long SPIN_NANOS = 100_000L;
    static final long YIELD_NANOS = 200_000L;

    private final IdleMode mode;
    private final BusySpinIdleStrategy spin = new BusySpinIdleStrategy();
    private long idleSince;

    IdlePolicy(final IdleMode mode)
    {
        this.mode = mode;
    }

    /** Work was found: the next idle period starts from scratch. */
    void reset()
    {
        if (idleSince != 0)
        {
            idleSince = 0;
            spin.reset();
        }
    }

    /**
     * One idle step of {@code s}'s loop.
     *
     * @param s the scheduler.
     * @return whether it slept (woken or timed out), rather than spun or yielded.
     */
    boolean idle(final Scheduler s)
    {
        final long now = System.nanoTime();
        if (idleSince == 0)
        {
            idleSince = now;
            s.counters().idleBegin(now);
        }
        switch (mode)
        {
            case SPIN -> spin.idle();
            case BACKOFF ->
            {
                final long idleFor = now - idleSince;
                if (idleFor < SPIN_NANOS)
                {
                    spin.idle();
                }
                else if (idleFor < YIELD_NANOS)
                {
                    Thread.yield();
                }
                else
                {
                    sleep(s);
                    return true;
                }
            }
            case PARK ->
            {
                sleep(s);
                return true;
            }
        }
        return false;
    }

    private void sleep(final Scheduler s)
    {
        s.sleep(s.timers.nextDeadline());
        spin.reset();
    }

}
