package dev.spindle.observer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The latest frame, handed from the sampler to every open page. Each page's connection has its own
 * thread that waits here for a frame newer than the one it sent, so a slow or stuck browser holds
 * only its own thread, and skips frames instead of queueing them: the sampler never blocks on a
 * socket.
 */
final class Feed
{
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int maxClients;
    private long seq;
    private String frame;
    private int clients;
    private boolean closed;

    Feed(final int maxClients)
    {
        this.maxClients = maxClients;
    }

    /** Sampler: publishes a frame and wakes the connections. */
    void publish(final String json)
    {
        lock.lock();
        try
        {
            seq++;
            frame = json;
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** @return whether a page is open (the sampler builds frames only then). */
    boolean watched()
    {
        lock.lock();
        try
        {
            return clients > 0;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** @return open connections. */
    int clients()
    {
        lock.lock();
        try
        {
            return clients;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** @return whether a new connection may join (false when full or closed); pair with {@link #leave()}. */
    boolean join()
    {
        lock.lock();
        try
        {
            if (closed || clients >= maxClients)
            {
                return false;
            }
            clients++;
            return true;
        }
        finally
        {
            lock.unlock();
        }
    }

    void leave()
    {
        lock.lock();
        try
        {
            clients--;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** @return the sequence number of the latest frame (0: none yet). */
    long seq()
    {
        lock.lock();
        try
        {
            return seq;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Waits for a frame newer than {@code after}.
     *
     * @param after   the sequence number of the frame last sent.
     * @param timeout how long to wait, in milliseconds.
     * @return the frame and its number, or null on timeout; {@link Frame#CLOSED} once closed.
     */
    Frame next(final long after, final long timeout) throws InterruptedException
    {
        lock.lock();
        try
        {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeout);
            while (!closed && seq <= after)
            {
                if (nanos <= 0)
                {
                    return null;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return closed ? Frame.CLOSED : new Frame(seq, frame);
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Ends every connection's wait. */
    void close()
    {
        lock.lock();
        try
        {
            closed = true;
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** A frame as sent. */
    record Frame(long seq, String json)
    {
        static final Frame CLOSED = new Frame(-1, null);
    }
}
