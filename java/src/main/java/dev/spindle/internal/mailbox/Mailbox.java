package dev.spindle.internal.mailbox;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Predicate;

/**
 * A process's mailbox: unbounded, FIFO per sender, with selective receive.
 *
 * <p>Two parts. {@code inbound} is an Agrona {@link ManyToOneConcurrentLinkedQueue} (Vyukov's
 * MPSC node queue: a producer pays one atomic exchange, never waits for others or for the
 * consumer; the queue is unbounded, as a mailbox must be). It is created on the first message,
 * because its head and tail are padded to their own cache lines (~250 bytes) and most idle
 * processes never need that. {@code saved} is private to the owner: messages taken from
 * {@code inbound} that a selective receive did not match stay there, in arrival order, and are
 * scanned first by the next receive. docs/mailbox.md has the measurements behind this choice.
 *
 * <p>Only the owning process calls the take methods; any thread may {@link #put}.
 */
public final class Mailbox
{
    /** Takes the signals out of the message stream as the owner dequeues it (see internal/signals). */
    public interface SignalSink
    {
        /**
         * @param item something dequeued from inbound.
         * @return true if it was a signal and has been handled (it is then not a message).
         */
        boolean consumeSignal(Object item);
    }

    private static final VarHandle INBOUND;

    static
    {
        try
        {
            INBOUND = MethodHandles.lookup().findVarHandle(Mailbox.class, "inbound", ManyToOneConcurrentLinkedQueue.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private volatile ManyToOneConcurrentLinkedQueue<Object> inbound;

    // Owner-only ring of saved (unmatched) messages, oldest at savedHead.
    private Object[] saved;
    private int savedHead;
    private int savedSize;

    /**
     * Appends a message. Any thread. The offer's atomic exchange on the queue's tail is
     * sequentially consistent; the caller's following volatile read of the process state is what
     * makes "put, then check WAITING" and "set WAITING, then check {@link #hasInbound()}" a Dekker
     * pair that never loses a wake-up.
     *
     * @param message not null.
     */
    public void put(final Object message)
    {
        ManyToOneConcurrentLinkedQueue<Object> q = inbound;
        if (q == null)
        {
            q = createInbound();
        }
        q.offer(message);
    }

    @SuppressWarnings("unchecked")
    private ManyToOneConcurrentLinkedQueue<Object> createInbound()
    {
        final ManyToOneConcurrentLinkedQueue<Object> fresh = new ManyToOneConcurrentLinkedQueue<>();
        final Object witness = INBOUND.compareAndExchange(this, null, fresh);
        return witness == null ? fresh : (ManyToOneConcurrentLinkedQueue<Object>)witness;
    }

    /**
     * @return whether messages arrived that no receive has looked at yet. A volatile read of the
     * queue's tail, so it may answer true while the newest message is still being linked; a
     * caller that then finds nothing simply waits again.
     */
    public boolean hasInbound()
    {
        final ManyToOneConcurrentLinkedQueue<Object> q = inbound;
        return q != null && !q.isEmpty();
    }

    /**
     * Owner only: the oldest message, or null when there is none.
     *
     * @return a message or null.
     */
    public Object takeAny()
    {
        return takeAny(null);
    }

    /**
     * Owner only: the oldest message, or null; signals met on the way are handed to the sink.
     *
     * @param sink signal handler, or null when the owner takes no signals.
     * @return a message or null.
     */
    public Object takeAny(final SignalSink sink)
    {
        for (;;)
        {
            if (savedSize > 0)
            {
                final Object m = saved[savedHead];
                saved[savedHead] = null;
                savedHead = (savedHead + 1) & (saved.length - 1);
                savedSize--;
                return m;
            }
            final ManyToOneConcurrentLinkedQueue<Object> q = inbound;
            final Object m = q == null ? null : q.poll();
            if (m == null || sink == null || !sink.consumeSignal(m))
            {
                return m;
            }
        }
    }

    /**
     * Owner only: moves everything in inbound to the saved list (handling signals), e.g. to set a
     * receive marker after which only newer messages need scanning.
     *
     * @param sink signal handler.
     * @return the saved list's size afterwards: messages older than now.
     */
    public int drainToSaved(final SignalSink sink)
    {
        final ManyToOneConcurrentLinkedQueue<Object> q = inbound;
        if (q != null)
        {
            Object m;
            while ((m = q.poll()) != null)
            {
                if (sink == null || !sink.consumeSignal(m))
                {
                    appendSaved(m);
                }
            }
        }
        return savedSize;
    }

    /**
     * Owner only (and the exit path): the next raw inbound item, signals included.
     *
     * @return it, or null.
     */
    public Object pollInbound()
    {
        final ManyToOneConcurrentLinkedQueue<Object> q = inbound;
        return q == null ? null : q.poll();
    }

    /**
     * Owner only: the oldest message that matches, or null. Messages that do not match keep their
     * order for later receives.
     *
     * @param match    predicate; a throwing predicate leaves the mailbox consistent.
     * @param skipSaved number of saved messages known not to match (the receive marker): they are
     *                  not scanned again.
     * @return the matching message or null.
     */
    public Object take(final Predicate<Object> match, final int skipSaved)
    {
        return take(match, skipSaved, null);
    }

    /**
     * Owner only: as {@link #take(Predicate, int)}, handing signals met on the way to the sink
     * (which may append messages, e.g. an Exit, that are then matched in their turn).
     *
     * @param match     predicate.
     * @param skipSaved saved messages known not to match.
     * @param sink      signal handler, or null.
     * @return the matching message or null.
     */
    public Object take(final Predicate<Object> match, final int skipSaved, final SignalSink sink)
    {
        int i = Math.min(skipSaved, savedSize);
        for (;;)
        {
            for (; i < savedSize; i++)
            {
                final int slot = (savedHead + i) & (saved.length - 1);
                final Object m = saved[slot];
                if (match.test(m))
                {
                    removeSavedAt(i);
                    return m;
                }
            }
            final ManyToOneConcurrentLinkedQueue<Object> q = inbound;
            final Object m = q == null ? null : q.poll();
            if (m == null)
            {
                return null;
            }
            if (sink != null && sink.consumeSignal(m))
            {
                continue; // anything it appended is scanned from index i on
            }
            boolean matched = false;
            try
            {
                matched = match.test(m);
            }
            finally
            {
                if (!matched)
                {
                    appendSaved(m);
                }
            }
            if (matched)
            {
                return m;
            }
            i = savedSize;
        }
    }

    /** @return number of saved (scanned, unmatched) messages. Owner only. */
    public int savedSize()
    {
        return savedSize;
    }

    /** @return approximate number of messages (saved + inbound; inbound counted by walking it). */
    public int size()
    {
        final ManyToOneConcurrentLinkedQueue<Object> q = inbound;
        return savedSize + (q == null ? 0 : q.size());
    }

    /** Drops every message (the owner exited). Owner only. */
    public void clear()
    {
        saved = null;
        savedHead = 0;
        savedSize = 0;
        final ManyToOneConcurrentLinkedQueue<Object> q = inbound;
        if (q != null)
        {
            while (q.poll() != null)
            {
                // drain so the nodes can be collected even if the queue is still referenced
            }
        }
    }

    /**
     * Owner only: adds a message behind the saved ones (signals turned into messages use this,
     * which keeps them in arrival order).
     *
     * @param m the message.
     */
    public void appendSaved(final Object m)
    {
        if (saved == null)
        {
            saved = new Object[8];
        }
        else if (savedSize == saved.length)
        {
            final Object[] bigger = new Object[saved.length * 2];
            for (int i = 0; i < savedSize; i++)
            {
                bigger[i] = saved[(savedHead + i) & (saved.length - 1)];
            }
            saved = bigger;
            savedHead = 0;
        }
        saved[(savedHead + savedSize) & (saved.length - 1)] = m;
        savedSize++;
    }

    private void removeSavedAt(final int i)
    {
        final int mask = saved.length - 1;
        if (i == 0)
        {
            saved[savedHead] = null;
            savedHead = (savedHead + 1) & mask;
            savedSize--;
            return;
        }
        // Shift the younger messages left by one so the order is kept.
        for (int k = i; k < savedSize - 1; k++)
        {
            saved[(savedHead + k) & mask] = saved[(savedHead + k + 1) & mask];
        }
        saved[(savedHead + savedSize - 1) & mask] = null;
        savedSize--;
    }
}
