package dev.spindle.internal.process;

import dev.spindle.Pid;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A mailbox with a pid for a plain Java thread: a {@link ProcessHandle} without a continuation.
 * Its thread waits by parking; the state word's WAITING means "parked or about to park", and
 * EXITED means "closed". {@code receiver} is the thread inside {@code receive} (one at a time).
 */
public final class InboxHandle extends ProcessHandle
{
    private static final VarHandle RECEIVER;

    static
    {
        try
        {
            RECEIVER = MethodHandles.lookup().findVarHandle(InboxHandle.class, "receiver", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private Thread receiver;

    /**
     * @param pid the inbox's pid.
     */
    public InboxHandle(final Pid pid)
    {
        super(pid, 2, -1);
    }

    @Override
    public boolean isInbox()
    {
        return true;
    }

    /**
     * @param t the calling thread.
     * @return null if it became the receiver, else the thread that already is.
     */
    public Thread claimReceiver(final Thread t)
    {
        return (Thread)RECEIVER.compareAndExchange(this, null, t);
    }

    /** The receiver leaves {@code receive}. */
    public void releaseReceiver()
    {
        RECEIVER.setVolatile(this, null);
    }

    /** @return the thread inside receive, or null (volatile). */
    public Thread receiverVolatile()
    {
        return (Thread)RECEIVER.getVolatile(this);
    }
}
