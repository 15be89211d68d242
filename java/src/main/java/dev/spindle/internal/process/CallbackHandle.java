package dev.spindle.internal.process;

import dev.spindle.Pid;

/**
 * A mailbox with a pid and no thread: messages put into it are handed to a {@link Listener} on
 * the thread that wakes it (the sender's), for {@code node.ask} and {@code node.monitor} with a
 * callback. The state word serialises the listener: a sender that wins WAITING to RUNNABLE runs
 * it; the listener takes what it needs, publishes WAITING again and looks once more (the same
 * Dekker pair as a process), so no message is missed and the listener never runs twice at once.
 * Listeners must be short and must not block: they run on scheduler threads.
 */
public final class CallbackHandle extends ProcessHandle
{
    /** What to do with the messages. */
    public interface Listener
    {
        /**
         * Runs with exclusive access to the mailbox's take side.
         *
         * @param h the handle.
         */
        void messagesArrived(CallbackHandle h);
    }

    private final Listener listener;

    /**
     * Starts WAITING, so the first put wakes the listener.
     *
     * @param pid      its pid.
     * @param listener what to do with messages.
     */
    public CallbackHandle(final Pid pid, final Listener listener)
    {
        super(pid, 2, -1);
        this.listener = listener;
        setWaitingVolatile();
    }

    @Override
    public boolean isInbox()
    {
        return true;
    }

    /** The waker (winner of the wake CAS): runs the listener until the mailbox is drained. */
    public void run()
    {
        for (;;)
        {
            listener.messagesArrived(this);
            if (!casState(RUNNABLE, WAITING))
            {
                return; // the listener closed the handle
            }
            if (!mailbox.hasInbound() || !tryWake())
            {
                return;
            }
        }
    }
}
