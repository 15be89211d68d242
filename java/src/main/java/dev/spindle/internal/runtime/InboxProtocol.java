package dev.spindle.internal.runtime;

import dev.spindle.NodeClosedException;
import dev.spindle.internal.process.InboxHandle;
import dev.spindle.internal.process.ProcessHandle;
import dev.spindle.internal.scheduler.Schedulers;

import java.util.concurrent.locks.LockSupport;

/**
 * How a plain thread waits on its inbox, and how an inbox closes.
 *
 * <ul>
 * <li>One receiver at a time: {@code receive} claims the inbox with a CAS and fails clearly if
 *     another thread is inside.</li>
 * <li>Waiting: the receiver publishes WAITING with a CAS from RUNNABLE and then looks at the
 *     mailbox and the node's closed flag once more before it parks; a sender puts, then wins
 *     {@code tryWake} and unparks the receiver (a Dekker pair: no lost wake-up).</li>
 * <li>Closing: {@code close} exchanges the state to EXITED (once: a second close does nothing), so
 *     a receiver's CAS to WAITING fails afterwards; if the receiver had published WAITING, the
 *     exchange saw it and close unparks it. Either way it wakes, finds the inbox closed and throws.
 *     Node close sets the closed flag, then unparks every receiver.</li>
 * </ul>
 */
final class InboxProtocol
{
    private InboxProtocol()
    {
    }

    static Object receive(final InboxHandle h, final long timeoutNanos, final Schedulers node)
    {
        return receive(h, null, timeoutNanos, node);
    }

    /**
     * @param h            the inbox.
     * @param match        selection (the others stay, in order), or null for the oldest message.
     * @param timeoutNanos 0 polls; {@link Deadlines#FOREVER} waits forever.
     * @param node         its node.
     * @return a message, or null on timeout.
     */
    static Object receive(final InboxHandle h, final java.util.function.Predicate<Object> match, final long timeoutNanos,
                          final Schedulers node)
    {
        final Thread me = Thread.currentThread();
        final Thread other = h.claimReceiver(me);
        if (other != null)
        {
            checkUsable(h, node); // a closing inbox holds the claim while it drops its messages
            throw new IllegalStateException("inbox " + h.pid + " is already being received from by thread '" + other.getName() +
                "': one thread at a time may receive");
        }
        try
        {
            final boolean timed = timeoutNanos < Deadlines.FOREVER;
            final long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
            for (;;)
            {
                checkUsable(h, node);
                final Object m = match == null ? h.mailbox.takeAny() : h.mailbox.take(match, 0);
                if (m != null)
                {
                    return m;
                }
                long left = 0;
                if (timed)
                {
                    left = deadline - System.nanoTime();
                    if (left <= 0)
                    {
                        return null;
                    }
                }
                if (!h.casState(ProcessHandle.RUNNABLE, ProcessHandle.WAITING))
                {
                    continue; // closed meanwhile: checkUsable says so
                }
                if (h.mailbox.hasInbound() || node.closed())
                {
                    h.casState(ProcessHandle.WAITING, ProcessHandle.RUNNABLE);
                    continue;
                }
                if (timed)
                {
                    LockSupport.parkNanos(h, left);
                }
                else
                {
                    LockSupport.park(h);
                }
                h.casState(ProcessHandle.WAITING, ProcessHandle.RUNNABLE); // timeout or spurious: nobody woke us
            }
        }
        finally
        {
            h.releaseReceiver();
        }
    }

    private static void checkUsable(final InboxHandle h, final Schedulers node)
    {
        if (h.isExited())
        {
            throw new IllegalStateException("inbox " + h.pid + " is closed");
        }
        if (node.closed())
        {
            throw new NodeClosedException("node is closed: inbox " + h.pid + " can no longer receive");
        }
    }

    /** @return true for the call that closed it (the caller then frees its slot). */
    static boolean close(final InboxHandle h)
    {
        if (h.getAndSetState(ProcessHandle.EXITED) == ProcessHandle.EXITED)
        {
            return false;
        }
        final Thread t = h.receiverVolatile();
        if (t != null)
        {
            LockSupport.unpark(t);
        }
        return true;
    }
}
