package dev.spindle.internal.signals;

import dev.spindle.Pid;
import dev.spindle.Ref;
import dev.spindle.internal.timer.MessageTimer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A process's links, monitors, name and trap-exit flag. Created on first use, so a process that
 * never links or monitors carries one null field. Mutated by the owning process (and by its exit
 * path); {@code node.info} reads it from other threads, so every access holds the control
 * block's lock (uncontended: only the owner and rare info calls take it).
 */
public final class SignalState
{
    final Set<Pid> links = new LinkedHashSet<>();
    final Map<Ref, Pid> monitoring = new HashMap<>(); // monitors I hold: ref -> target
    final Map<Ref, Pid> monitoredBy = new HashMap<>(); // monitors on me: ref -> watcher
    boolean trapExit;
    String name;
    // sendAfter timers aimed at this process, cancelled when it exits (the BEAM cancels timers to a
    // pid that dies). Fired and cancelled ones are pruned when the list doubles, so a long-lived
    // process that gets a timer a second keeps only about as many entries as it has live timers.
    List<MessageTimer> timers;
    int timersPruneAt = 8;
}
