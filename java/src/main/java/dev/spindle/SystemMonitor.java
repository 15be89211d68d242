package dev.spindle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the node reports to a system-monitor process, as OTP's {@code erlang:system_monitor}: set
 * with {@link Node#systemMonitor(Pid, SystemMonitor)} (or {@link Proc#systemMonitor(SystemMonitor)}
 * for the caller), one receiver per node; it gets {@link Event} messages. The receiver's exit
 * clears it.
 *
 * @param longSchedule     report a process that runs this long without giving way (null: off).
 * @param longMessageQueue report a mailbox that grows to this many messages (0: off); once per rise.
 * @param schedulerStall   report a scheduler stuck in one long call (the node's monitor saw it).
 */
public record SystemMonitor(Duration longSchedule, long longMessageQueue, boolean schedulerStall)
{
    /** Nothing reported. */
    public static final SystemMonitor OFF = new SystemMonitor(null, 0, false);

    /**
     * @throws IllegalArgumentException for a non-positive duration or a negative queue length.
     */
    public SystemMonitor
    {
        if (longSchedule != null && (longSchedule.isNegative() || longSchedule.isZero()))
        {
            throw new IllegalArgumentException("longSchedule must be positive, was " + longSchedule);
        }
        if (longMessageQueue < 0)
        {
            throw new IllegalArgumentException("longMessageQueue must be >= 0, was " + longMessageQueue);
        }
    }

    /** @return whether it reports anything. */
    public boolean on()
    {
        return longSchedule != null || longMessageQueue > 0 || schedulerStall;
    }

    /** What a system monitor receives. */
    public sealed interface Event
    {
    }

    /**
     * A process ran longer than the threshold without giving way (reported while it runs).
     *
     * @param pid       the process.
     * @param scheduler its scheduler.
     * @param ranFor    how long it had run when seen.
     * @param stack     its frames, sampled while it ran.
     */
    public record LongSchedule(Pid pid, int scheduler, Duration ranFor, List<StackTraceElement> stack) implements Event
    {
        /** Checks. */
        public LongSchedule
        {
            Objects.requireNonNull(pid, "pid");
            stack = List.copyOf(stack);
        }
    }

    /**
     * A mailbox grew to the threshold.
     *
     * @param pid   the process.
     * @param depth its mailbox length then.
     */
    public record LongMessageQueue(Pid pid, long depth) implements Event
    {
    }

    /**
     * A scheduler is stuck in one long call (a process that does not give way, a long native or
     * blocking call); its queued work is being moved to the others.
     *
     * @param scheduler  the scheduler.
     * @param running    the process it runs, or null if unknown.
     * @param stalledFor how long it had been in that call when seen.
     */
    public record SchedulerStalled(int scheduler, Pid running, Duration stalledFor) implements Event
    {
    }
}
