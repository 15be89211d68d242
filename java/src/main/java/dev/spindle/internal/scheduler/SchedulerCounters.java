package dev.spindle.internal.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One scheduler's Java-side statistics (the run queues keep their own, native, counters). Each
 * counter has a single writer, named on it, and is read by {@code node.stats()} from any thread:
 * the writer stores with opaque mode (no fence), readers load opaque. Statistics only: nothing
 * synchronises through them.
 */
public final class SchedulerCounters
{
    private static final VarHandle CONTEXT_SWITCHES;
    private static final VarHandle MIGRATIONS;
    private static final VarHandle IDLE_NANOS;
    private static final VarHandle IDLE_SINCE;
    private static final VarHandle DRIFTS;
    private static final VarHandle ERRORS;
    private static final VarHandle STALLS;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            CONTEXT_SWITCHES = l.findVarHandle(SchedulerCounters.class, "contextSwitches", long.class);
            MIGRATIONS = l.findVarHandle(SchedulerCounters.class, "migrations", long.class);
            IDLE_NANOS = l.findVarHandle(SchedulerCounters.class, "idleNanos", long.class);
            IDLE_SINCE = l.findVarHandle(SchedulerCounters.class, "idleSince", long.class);
            DRIFTS = l.findVarHandle(SchedulerCounters.class, "drifts", long.class);
            ERRORS = l.findVarHandle(SchedulerCounters.class, "errors", long.class);
            STALLS = l.findVarHandle(SchedulerCounters.class, "stalls", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused") private long contextSwitches; // owner: processes resumed
    @SuppressWarnings("unused") private long migrations;      // owner: processes handed to other schedulers
    @SuppressWarnings("unused") private long idleNanos;       // owner: idle time of finished idle periods
    @SuppressWarnings("unused") private long idleSince;       // owner: start of the current idle period, 0 when busy
    @SuppressWarnings("unused") private long drifts;          // owner: times found off its pinned CPU
    @SuppressWarnings("unused") private long errors;          // owner: failures caught in its loop
    @SuppressWarnings("unused") private long stalls;          // node monitor: times seen stuck in one long call

    private static void inc(final VarHandle h, final SchedulerCounters c)
    {
        h.setOpaque(c, (long)h.get(c) + 1);
    }

    void contextSwitch()
    {
        inc(CONTEXT_SWITCHES, this);
    }

    void migration()
    {
        inc(MIGRATIONS, this);
    }

    void drift()
    {
        inc(DRIFTS, this);
    }

    void error()
    {
        inc(ERRORS, this);
    }

    void stall()
    {
        inc(STALLS, this);
    }

    /** Owner: an idle period begins now, unless one is running. @param now System.nanoTime() */
    void idleBegin(final long now)
    {
        if ((long)IDLE_SINCE.get(this) == 0)
        {
            IDLE_SINCE.setOpaque(this, now);
        }
    }

    /** Owner: the idle period, if any, ends. */
    void idleEnd()
    {
        final long since = (long)IDLE_SINCE.get(this);
        if (since != 0)
        {
            IDLE_NANOS.setOpaque(this, (long)IDLE_NANOS.get(this) + System.nanoTime() - since);
            IDLE_SINCE.setOpaque(this, 0L);
        }
    }

    /** @return whether an idle period is running (owner). */
    boolean idle()
    {
        return (long)IDLE_SINCE.get(this) != 0;
    }

    /** @return nanoseconds spent idle so far, including the current idle period. Any thread. */
    public long idleNanos()
    {
        final long since = (long)IDLE_SINCE.getOpaque(this);
        final long total = (long)IDLE_NANOS.getOpaque(this);
        return since == 0 ? total : total + Math.max(0, System.nanoTime() - since);
    }

    /** @return processes resumed. */
    public long contextSwitches()
    {
        return (long)CONTEXT_SWITCHES.getOpaque(this);
    }

    /** @return processes handed to other schedulers (offline evacuation, balancing). */
    public long migrations()
    {
        return (long)MIGRATIONS.getOpaque(this);
    }

    /** @return times found off its pinned CPU. */
    public long drifts()
    {
        return (long)DRIFTS.getOpaque(this);
    }

    /** @return failures caught in its loop (the scheduler kept running). */
    public long errors()
    {
        return (long)ERRORS.getOpaque(this);
    }

    /** @return times the node's monitor saw it stuck in one long call. */
    public long stalls()
    {
        return (long)STALLS.getOpaque(this);
    }
}
