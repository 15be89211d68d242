package dev.spindle;

import java.util.List;

/**
 * A snapshot of one process ({@link Node#info(Pid)}).
 *
 * @param pid           the process.
 * @param status        running, runnable or waiting.
 * @param mailboxLength messages queued (approximate while it runs).
 * @param reductions    reductions spent so far.
 * @param scheduler     scheduler it last ran on.
 * @param priority      its priority.
 * @param links         processes it is linked to.
 * @param monitors      processes it monitors.
 * @param monitoredBy   processes monitoring it.
 * @param registeredName its registered name, or null.
 * @param trapExit      whether it traps exits.
 */
public record ProcessInfo(Pid pid, String status, int mailboxLength, long reductions, int scheduler, Priority priority,
                          List<Pid> links, List<Pid> monitors, List<Pid> monitoredBy, String registeredName, boolean trapExit)
{
}
