package dev.spindle.samples.preempt;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** Loops holding java.util.concurrent locks, which belong to the carrier thread like monitors. */
public final class Locks
{
    private Locks()
    {
    }

    /**
     * @param lock the lock (static type ReentrantLock: invokevirtual).
     * @param n    iterations under it.
     * @return a checksum.
     */
    public static long underReentrantLock(final ReentrantLock lock, final long n)
    {
        lock.lock();
        try
        {
            return Loops.spin(n);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @param lock the lock (static type Lock: invokeinterface).
     * @param n    iterations under it.
     * @return a checksum, or -1 if the lock was busy.
     */
    public static long underTryLock(final Lock lock, final long n)
    {
        if (!lock.tryLock())
        {
            return -1;
        }
        try
        {
            return Loops.spin(n);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @param rw a read-write lock.
     * @param n  iterations under its write lock.
     * @return a checksum.
     */
    public static long underWriteLock(final ReentrantReadWriteLock rw, final long n)
    {
        rw.writeLock().lock();
        try
        {
            return Loops.spin(n);
        }
        finally
        {
            rw.writeLock().unlock();
        }
    }

    /**
     * Takes the lock in one method and releases it in another.
     *
     * @param lock the lock.
     * @param n    iterations under it.
     * @return a checksum.
     */
    public static long acrossMethods(final Lock lock, final long n)
    {
        acquire(lock);
        final long r = Loops.spin(n);
        release(lock);
        return r;
    }

    private static void acquire(final Lock lock)
    {
        lock.lock();
    }

    private static void release(final Lock lock)
    {
        lock.unlock();
    }
}
