package dev.spindle.internal.signals;

import dev.spindle.Pid;

import java.util.List;

/**
 * A process's signal state copied under its lock, for {@code node.info}.
 *
 * @param links       linked processes.
 * @param monitoring  processes it monitors.
 * @param monitoredBy processes monitoring it.
 * @param name        registered name, or null.
 * @param trapExit    whether it traps exits.
 */
public record SignalSnapshot(List<Pid> links, List<Pid> monitoring, List<Pid> monitoredBy, String name, boolean trapExit)
{
    /** Nothing linked, monitored or named. */
    public static final SignalSnapshot EMPTY = new SignalSnapshot(List.of(), List.of(), List.of(), null, false);
}
