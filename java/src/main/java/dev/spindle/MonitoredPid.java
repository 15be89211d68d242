package dev.spindle;

/**
 * What {@link Proc#spawnMonitor} returns: the new process and the monitor set up before it ran,
 * so a caller cannot miss its exit, however early.
 *
 * @param pid the process.
 * @param ref the monitor's reference: its {@link Down} carries it.
 */
public record MonitoredPid(Pid pid, Ref ref)
{
}
