package dev.spindle.internal.scheduler;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The close protocol's guard on native memory. Every thread that is not one of the node's
 * scheduler threads (plain threads sending or spawning, dirty threads finishing, statistics
 * readers) enters the gate around each touch of the native run queues; {@link #close()} shuts it
 * and {@link #drain} waits until nobody is inside. Scheduler threads never enter it: close frees
 * the queues only after every one of them has stopped.
 *
 * <p>Dekker pair: {@code enter} increments (a volatile read-modify-write) and then reads
 * {@code closed}; {@code close} writes {@code closed} and {@code drain} then reads the count. One of
 * the two sees the other, so no caller is inside once {@code drain} has seen zero.
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
