package dev.spindle.internal.scheduler;

import dev.spindle.internal.process.Process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A scheduler's LIFO slot: the process most recently woken by a message sent from this scheduler
 * runs next, from a field, without a run-queue round trip (Tokio's LIFO slot, Go's runnext), so a
 * request/response pair stays hot on one core. Invisible to thieves; capped at
 * {@link #MAX_STREAK} takes in a row so the run queues still get turns.
 *
 * <p>Threads: the owner puts (from a process it runs) and takes (from its loop); the node's
 * monitor thread may {@link #steal()} the entry when the owner is stuck in one long call. Taking
 * (owner or thief) is an atomic exchange, so an entry is taken once; filling an empty slot is a
 * plain release store, because nobody but the owner makes the slot non-empty (one atomic per
 * hand-off instead of two: docs/performance.md).
 */
final class LifoSlot
{
    /** Processes taken from the slot in a row before the run queues get a turn (Tokio: 3). */
    static final int MAX_STREAK = 3;

    private static final VarHandle SLOT;

    static
    {
        try
        {
            SLOT = MethodHandles.lookup().findVarHandle(LifoSlot.class, "slot", Process.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private Process slot;
    private int streak; // owner only

    /**
     * Owner: puts {@code p} in the slot.
     *
     * @param p a runnable process.
     * @return the process it displaced (the caller queues it), or null.
     */
    Process put(final Process p)
    {
        // Only the owner fills the slot, so an empty slot stays empty until this store: no other
        // thread can take anything from it meanwhile, and a plain release store is enough (the
        // usual case: the loop took the previous entry). A full slot may be stolen concurrently,
        // so displacing its entry needs the exchange, or both would queue it.
        if (SLOT.getOpaque(this) == null)
        {
            SLOT.setRelease(this, p);
            return null;
        }
        return (Process)SLOT.getAndSet(this, p);
    }

    /**
     * Owner: the slot's process if the streak allows, else null.
     *
     * @return the process to run now, or null.
     */
    Process take()
    {
        if (SLOT.getOpaque(this) == null)
        {
            return null;
        }
        if (streak >= MAX_STREAK)
        {
            return null; // the caller queues the slot's process behind the others: see takeForQueue
        }
        final Process p = (Process)SLOT.getAndSet(this, null);
        if (p != null)
        {
            streak++;
        }
        return p;
    }

    /** Owner: the streak is used up; empty the slot so the caller queues its process. @return it, or null */
    Process takeForQueue()
    {
        streak = 0;
        return (Process)SLOT.getAndSet(this, null);
    }

    /** Owner: a process came from the run queues; the streak starts again. */
    void resetStreak()
    {
        streak = 0;
    }

    /** @return whether the streak is used up while a process waits in the slot. */
    boolean streakSpent()
    {
        return streak >= MAX_STREAK && SLOT.getOpaque(this) != null;
    }

    /** Any thread: takes the slot's process (the owner is stuck, offline or dying). @return it, or null */
    Process steal()
    {
        return (Process)SLOT.getAndSet(this, null);
    }
}
