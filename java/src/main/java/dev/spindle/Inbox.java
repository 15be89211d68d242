package dev.spindle;

import dev.spindle.internal.process.ControlBlock;
import dev.spindle.internal.scheduler.Schedulers;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A mailbox with a pid for a plain Java thread: processes send to {@link #pid()} and the thread
 * blocks in {@link #receive()}. One thread at a time may receive. Close it when done; later
 * messages to its pid are dropped.
 */
public final class Inbox implements AutoCloseable
{
    private final Schedulers node;
    private final ControlBlock cb;

    Inbox(final Schedulers node, final ControlBlock cb)
    {
        this.node = node;
        this.cb = cb;
    }

    /** @return the pid processes send to. */
    public Pid pid()
    {
        return cb.pid;
    }

    /**
     * Sends a message from this inbox's thread (same as {@code node.send}).
     *
     * @param to      receiver.
     * @param message not null.
     */
    public void send(final Pid to, final Object message)
    {
        node.send(to, message);
    }

    /**
     * Waits for the next message.
     *
     * @return the oldest message.
     * @throws NodeClosedException   if the node closes or the inbox is closed while waiting.
     */
    public Object receive()
    {
        return receive(-1);
    }

    /**
     * Waits at most {@code timeout} for the next message.
     *
     * @param timeout {@link Duration#ZERO} polls.
     * @return the oldest message, or null on timeout.
     */
    public Object receive(final Duration timeout)
    {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return receive(saturatedNanos(timeout));
    }

    static long saturatedNanos(final Duration d)
    {
        try
        {
            return d.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            return Long.MAX_VALUE / 2;
        }
    }

    private Object receive(final long timeoutNanos)
    {
        final long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        for (;;)
        {
            checkUsable();
            final Object m = cb.mailbox.takeAny();
            if (m != null)
            {
                return m;
            }
            if (timeoutNanos == 0)
            {
                return null;
            }
            long left = 0;
            if (timeoutNanos > 0)
            {
                left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    return null;
                }
            }
            cb.waiter = Thread.currentThread();
            cb.setWaiting();
            // Dekker with the sender: WAITING published, then the mailbox re-checked.
            if (cb.mailbox.hasInbound() || node.closed())
            {
                cb.tryWake();
                continue;
            }
            if (timeoutNanos > 0)
            {
                LockSupport.parkNanos(this, left);
            }
            else
            {
                LockSupport.park(this);
            }
            cb.tryWake(); // back to RUNNABLE if nobody woke us (timeout or spurious return)
        }
    }

    private void checkUsable()
    {
        if (cb.isExited())
        {
            throw new IllegalStateException("inbox " + cb.pid + " is closed");
        }
        if (node.closed())
        {
            throw new NodeClosedException("node is closed: inbox " + cb.pid + " can no longer receive");
        }
    }

    /** Unregisters the inbox. Idempotent. */
    @Override
    public void close()
    {
        node.closeInbox(cb);
        final Thread t = cb.waiter;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    @Override
    public String toString()
    {
        return "Inbox" + cb.pid;
    }
}
