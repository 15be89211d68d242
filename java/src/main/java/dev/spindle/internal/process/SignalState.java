package dev.spindle.internal.process;

import dev.spindle.Pid;
import dev.spindle.Ref;
import dev.spindle.internal.timer.Timer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A process's links, monitors, name, trap-exit flag and the timers aimed at it. Created on first
 * use, so a process that never links or monitors carries one null field.
 *
 * <p>Lock rule, without exceptions: every access holds the owning {@link ProcessHandle}'s monitor,
 * except on the exit path, which takes the state out under the lock
 * ({@link ProcessHandle#closeSignals()}) and owns it alone afterwards. The signals protocol
 * ({@code internal/signals}) is the only writer; {@code node.info} reads under the lock.
 */
public final class SignalState
{
    /** Linked processes. */
    public final Set<Pid> links = new LinkedHashSet<>();
    /** Monitors this process holds: ref to target. */
    public final Map<Ref, Pid> monitoring = new HashMap<>();
    /** Monitors on this process: ref to watcher. */
    public final Map<Ref, Pid> monitoredBy = new HashMap<>();
    /** Whether exit signals become messages. */
    public boolean trapExit;
    /** Registered name, or null. */
    public String name;
    // sendAfter timers aimed at this process, cancelled when it exits (the BEAM cancels timers to a
    // pid that dies). Fired and cancelled ones are pruned when the list doubles, so a long-lived
    // process that gets a timer a second keeps only about as many entries as it has live timers.
    private List<Timer> timers;
    private int timersPruneAt = 8;

    /**
     * @param t a timer aimed at this process.
     */
    public void addTimer(final Timer t)
    {
        if (timers == null)
        {
            timers = new ArrayList<>(4);
        }
        else if (timers.size() >= timersPruneAt)
        {
            timers.removeIf(x -> !x.pending()); // amortised: runs when the list has doubled
            timersPruneAt = Math.max(8, timers.size() * 2);
        }
        timers.add(t);
    }

    /** @return the timers aimed at this process (pending or not), or an empty list. */
    public List<Timer> timers()
    {
        return timers == null ? List.of() : timers;
    }
}
