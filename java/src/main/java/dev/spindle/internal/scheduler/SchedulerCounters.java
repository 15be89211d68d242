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
    private static final VarHandle SPAWNED;
    private static final VarHandle SPAWNED_HERE;
    private static final VarHandle IDLE_SEQ;
    private static final VarHandle EXITED;

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
            SPAWNED = l.findVarHandle(SchedulerCounters.class, "spawned", long.class);
            SPAWNED_HERE = l.findVarHandle(SchedulerCounters.class, "spawnedHere", long.class);
            IDLE_SEQ = l.findVarHandle(SchedulerCounters.class, "idleSeq", int.class);
            EXITED = l.findVarHandle(SchedulerCounters.class, "exited", long.class);
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
    @SuppressWarnings("unused") private int idleSeq;          // owner: odd while it changes idleNanos/idleSince (a seqlock)
    @SuppressWarnings("unused") private long drifts;          // owner: times found off its pinned CPU
    @SuppressWarnings("unused") private long errors;          // owner: failures caught in its loop
    @SuppressWarnings("unused") private long stalls;          // node monitor: times seen stuck in one long call
    @SuppressWarnings("unused") private long spawned;         // other threads (atomic add): processes that started here
    @SuppressWarnings("unused") private long spawnedHere;     // owner: ... spawned by its own processes
    @SuppressWarnings("unused") private long exited;          // owner: processes whose exit path ran here

    // Each increment names its VarHandle as a constant. A shared helper taking the handle as an
    // argument was compiled on its own with a handle C2 could not fold (a generic access, large
    // code), and from then on never inlined ("already compiled into a big method"): a call and a
    // generic access on every schedule.

    void contextSwitch()
    {
        CONTEXT_SWITCHES.setOpaque(this, (long)CONTEXT_SWITCHES.get(this) + 1);
    }

    void migration()
    {
        MIGRATIONS.setOpaque(this, (long)MIGRATIONS.get(this) + 1);
    }

    void drift()
    {
        DRIFTS.setOpaque(this, (long)DRIFTS.get(this) + 1);
    }

    void error()
    {
        ERRORS.setOpaque(this, (long)ERRORS.get(this) + 1);
    }

    void stall()
    {
        STALLS.setOpaque(this, (long)STALLS.get(this) + 1);
    }

    /**
     * A process was spawned onto this scheduler. Split by writer: a spawn by one of this
     * scheduler's own processes (the common case, and a hot one) is a plain owner increment; any
     * other thread pays an atomic add.
     *
     * @param byOwner whether the caller is this scheduler's own thread.
     */
    void spawned(final boolean byOwner)
    {
        if (byOwner)
        {
            SPAWNED_HERE.setOpaque(this, (long)SPAWNED_HERE.get(this) + 1);
        }
        else
        {
            SPAWNED.getAndAdd(this, 1L);
        }
    }

    void exited()
    {
        EXITED.setOpaque(this, (long)EXITED.get(this) + 1);
    }

    /** @return processes spawned onto this scheduler. */
    public long spawnedCount()
    {
        return (long)SPAWNED.getOpaque(this) + (long)SPAWNED_HERE.getOpaque(this);
    }

    /** @return processes whose exit path ran on this scheduler. */
    public long exitedCount()
    {
        return (long)EXITED.getOpaque(this);
    }

    /** Owner: an idle period begins now, unless one is running. @param now System.nanoTime() */
    void idleBegin(final long now)
    {
        if ((long)IDLE_SINCE.get(this) == 0)
        {
            final int seq = (int)IDLE_SEQ.get(this);
            IDLE_SEQ.setRelease(this, seq + 1);
            VarHandle.storeStoreFence();
            IDLE_SINCE.setRelease(this, now);
            IDLE_SEQ.setRelease(this, seq + 2);
        }
    }

    /** Owner: the idle period, if any, ends. */
    void idleEnd()
    {
        final long since = (long)IDLE_SINCE.get(this);
        if (since != 0)
        {
            final int seq = (int)IDLE_SEQ.get(this);
            IDLE_SEQ.setRelease(this, seq + 1);
            VarHandle.storeStoreFence(); // the odd sequence is visible before either field changes
            IDLE_NANOS.setRelease(this, (long)IDLE_NANOS.get(this) + System.nanoTime() - since);
            IDLE_SINCE.setRelease(this, 0L);
            IDLE_SEQ.setRelease(this, seq + 2);
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
        // A seqlock with the owner as its only writer: a reader between the owner's two stores
        // (the period added to the total, then idleSince cleared) would count the period twice and
        // then step back; exporters read this as a counter, so it must never go backwards.
        for (;;)
        {
            final int seq = (int)IDLE_SEQ.getAcquire(this);
            final long total = (long)IDLE_NANOS.getAcquire(this);
            final long since = (long)IDLE_SINCE.getAcquire(this);
            VarHandle.loadLoadFence(); // both fields are read before the sequence is checked again
            if ((seq & 1) == 0 && (int)IDLE_SEQ.getAcquire(this) == seq)
            {
                return since == 0 ? total : total + Math.max(0, System.nanoTime() - since);
            }
            Thread.onSpinWait();
        }
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
