package dev.spindle;

import java.util.List;

/**
 * A snapshot of one process ({@link Node#info(Pid)}, {@link Node#topProcesses}): the facts the
 * runtime keeps cheaply for every process.
 *
 * @param pid              the process.
 * @param status           running, runnable or waiting.
 * @param mailboxLength    messages queued (approximate while it runs).
 * @param reductions       reductions spent so far.
 * @param scheduler        scheduler it runs on, or last ran on.
 * @param priority         its priority.
 * @param links            processes it is linked to.
 * @param monitors         processes it monitors.
 * @param monitoredBy      processes monitoring it.
 * @param registeredName   its registered name, or null.
 * @param trapExit         whether it traps exits.
 * @param mailboxHighWater the longest its mailbox has been, as sampled by its receives (under-read
 *                         by less than the sampling interval; a peak deeper than 1,024 that drained
 *                         before anyone read the mailbox length records as about 1,024:
 *                         docs/mailbox.md).
 * @param parent           the process that spawned it, or null when spawned from outside.
 * @param memory           bytes it holds, estimated: its control block, mailbox and saved
 *                         messages' slots (not the messages themselves, which may be shared), and
 *                         its stack when suspended is not counted.
 * @param virtualThread    whether it runs as a virtual thread.
 */
public record ProcessInfo(Pid pid, String status, int mailboxLength, long reductions, int scheduler, Priority priority,
                          List<Pid> links, List<Pid> monitors, List<Pid> monitoredBy, String registeredName, boolean trapExit,
                          int mailboxHighWater, Pid parent, long memory, boolean virtualThread)
{
    /** What {@link Node#topProcesses} sorts by (largest first). */
    public enum Sort
    {
        /** Reductions spent. */
        REDUCTIONS,
        /** Messages queued. */
        MAILBOX,
        /** Estimated bytes held. */
        MEMORY
    }
}
