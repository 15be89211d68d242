package dev.spindle.jcstress;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

// A COPY of dev.spindle.internal.scheduler.Gate (java/src/main/java/dev/spindle/internal/scheduler/Gate.java),
// which is package-private. Everything from the class line down is byte for byte the original;
// ci/jcstress.sh fails when the two differ, so a change to the original must be copied here.
/**
 * The close protocol's guard on native memory (see the original's comment).
 */
final class Gate
{
    private final AtomicInteger inside = new AtomicInteger();
    private volatile boolean closed;

    /** @return true if the caller may touch native memory until its {@link #exit()}; false once closed. */
    boolean enter()
    {
        inside.incrementAndGet();
        if (closed)
        {
            inside.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Leaves the gate (after a successful {@link #enter()}). */
    void exit()
    {
        inside.decrementAndGet();
    }

    /** No new entries from now on. */
    void close()
    {
        closed = true;
    }

    /** @return whether {@link #close()} was called. */
    boolean closed()
    {
        return closed;
    }

    /**
     * Waits until no caller is inside (each stays for one queue operation).
     *
     * @param timeoutNanos how long at most.
     * @return true when the gate is empty.
     */
    boolean drain(final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (inside.get() != 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            LockSupport.parkNanos(10_000L);
        }
        return true;
    }
}
