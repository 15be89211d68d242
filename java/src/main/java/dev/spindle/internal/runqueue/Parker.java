package dev.spindle.internal.runqueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Java twin of native/src/park.c: a permit per scheduler. {@link #unpark} sets the permit and wakes
 * the owner; {@link #park} consumes a pending permit or sleeps until one arrives or the timeout
 * passes. {@link LockSupport} plays the futex: its own permit makes an unpark that lands between
 * our check and {@code LockSupport.park} return at once, as FUTEX_WAIT's compare does. A permit
 * set before the owner is known is kept, so the owner's first park returns at once.
 */
final class Parker
{
    private static final VarHandle PERMIT;

    static
    {
        try
        {
            PERMIT = MethodHandles.lookup().findVarHandle(Parker.class, "permit", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private volatile int permit; // 1: an unpark is pending
    private volatile Thread owner;

    void owner(final Thread t)
    {
        owner = t;
    }

    /**
     * Owner only.
     *
     * @param timeoutNanos &lt; 0: no timeout; 0: only consume a pending permit.
     * @return false if a permit was pending or the timeout is 0 (did not sleep), true if it slept.
     */
    boolean park(final long timeoutNanos)
    {
        owner = Thread.currentThread();
        if ((int)PERMIT.getAndSet(this, 0) == 1) // acquire: what the unparker did before is visible
        {
            return false;
        }
        if (timeoutNanos == 0)
        {
            return false;
        }
        final long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        while (permit == 0)
        {
            if (timeoutNanos < 0)
            {
                LockSupport.park(this);
            }
            else
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    break;
                }
                LockSupport.parkNanos(this, left);
            }
        }
        PERMIT.getAndSet(this, 0); // consume whatever woke us, so the next park sleeps
        return true;
    }

    /** Any thread. @return true if it set the permit (and woke the owner), false if one was pending */
    boolean unpark()
    {
        if ((int)PERMIT.getAndSet(this, 1) == 0) // release: our pushes are visible to the woken owner
        {
            final Thread t = owner;
            if (t != null)
            {
                LockSupport.unpark(t);
            }
            return true;
        }
        return false;
    }
}
