package dev.spindle.internal.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Predicate;

/**
 * A process's mailbox: unbounded, FIFO per sender, with selective receive.
 *
 * <p>Two parts. The <em>inbound</em> part is Vyukov's intrusive MPSC list, inlined in this object
 * with no padding: a producer allocates one 24-byte node and pays one atomic exchange on
 * {@code tail} (plus an atomic add on {@code enqueued}, on the same cache line), never waits for
 * other producers or for the consumer. The mailbox itself is the list's initial stub, so a process
 * that was never sent anything carries no node and no queue object. The <em>saved</em> part is
 * private to the owner: messages taken from inbound that a selective receive did not match stay
 * there, in arrival order, and are scanned first by the next receive. docs/mailbox.md has the
 * measurements behind this choice.
 *
 * <p>Threads: any thread may {@link #put}; only the owning process calls the take methods (its
 * scheduler calls {@link #hasInbound()} for the wake-up check). {@link #depth()} and
 * {@link #highWater()} are statistics any thread may read.
 *
 * <p>Not linearizable, like every Vyukov list: a producer stalled between its exchange and its
 * link briefly hides the messages put after it; {@link #hasInbound()} then answers true while the
 * take methods find nothing, and the caller simply looks again.
 */
public final class Mailbox extends Link
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

    private static final VarHandle TAIL;
    private static final VarHandle ENQUEUED;
    private static final VarHandle DEQUEUED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(Mailbox.class, "tail", Link.class);
            ENQUEUED = lookup.findVarHandle(Mailbox.class, "enqueued", long.class);
            DEQUEUED = lookup.findVarHandle(Mailbox.class, "dequeued", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // Producers: exchanged by every put. Starts at this mailbox (the stub).
    @SuppressWarnings("unused")
    private volatile Link tail = this;
    // Producers: items ever put (atomic add). Statistics and the depth check only.
    @SuppressWarnings("unused")
    private volatile long enqueued;

    // Owner only below (dequeued is written opaque so that depth() may read it from anywhere).
    private Link head = this;
    @SuppressWarnings("unused")
    private long dequeued;
    private int highWater; // owner-written (countTaken), read racily by any thread
    private Object[] saved;
    private int savedHead;
    private int savedSize;

    /**
     * Appends a message. Any thread. The exchange on {@code tail} is a full fence: the caller's
     * following volatile read of the process state is what makes "put, then check WAITING" and
     * "set WAITING, then check {@link #hasInbound()}" a Dekker pair that never loses a wake-up.
     * Producers touch only the producers' fields (tail, enqueued): reading the owner's
     * {@code dequeued} here cost a cache miss per put whenever the owner ran on another core.
     *
     * @param message not null.
     * @return this message's sequence: how many items were ever put, it included
     * ({@link #depthAt} turns it into the depth just after this put).
     */
    public long put(final Object message)
    {
        final Node n = new Node(message);
        final Link prev = (Link)TAIL.getAndSet(this, n);
        prev.linkRelease(n);
        return (long)ENQUEUED.getAndAdd(this, 1L) + 1;
    }

    /**
     * Any thread: the depth just after the put that returned {@code sequence} (approximate under
     * concurrent takes).
     *
     * @param sequence what {@link #put} returned.
     * @return messages queued then, at least 0.
     */
    public long depthAt(final long sequence)
    {
        return Math.max(0, sequence - (long)DEQUEUED.getOpaque(this));
    }

    /**
     * @return whether items were put that no take has looked at yet. A volatile read of
     * {@code tail}: true as soon as a producer's exchange is done, even before it linked its node.
     */
    public boolean hasInbound()
    {
        return TAIL.getVolatile(this) != head;
    }

    /** @return messages put and not yet taken or dropped (saved ones included). Any thread. */
    public long depth()
    {
        return Math.max(0, (long)ENQUEUED.getOpaque(this) - (long)DEQUEUED.getOpaque(this));
    }

    /** @return the saved list's array length (racy, a statistic for memory estimates). Any thread. */
    public int savedCapacity()
    {
        final Object[] a = saved;
        return a == null ? 0 : a.length;
    }

    /**
     * @return the largest depth so far (racy, a statistic). Any thread. The owner records the depth
     * at each take, before it (a depth only grows between takes, so the peak is seen by the next
     * take); what is queued now counts too.
     */
    public int highWater()
    {
        return (int)Math.max(highWater, Math.min(Integer.MAX_VALUE, depth()));
    }

    /** Owner: the next raw inbound item, or null when none is linked yet. */
    private Object poll()
    {
        final Link h = head;
        final Link n = h.nextAcquire();
        if (n == null)
        {
            return null;
        }
        head = n;
        // Plain stores: only the consumer reads a link behind head. The stub (this mailbox) is never
        // linked again (tail left it for good); a dead node is self-linked so that an old-generation
        // copy of it keeps no younger node alive.
        h.next = h == this ? null : h;
        final Node node = (Node)n;
        final Object v = node.value;
        node.value = null;
        return v;
    }

    private void countTaken()
    {
        final long taken = (long)DEQUEUED.get(this);
        final long depth = (long)ENQUEUED.getOpaque(this) - taken; // before this take, it included
        if (depth > highWater)
        {
            highWater = (int)Math.min(Integer.MAX_VALUE, depth); // owner-written; others read it racily
        }
        DEQUEUED.setOpaque(this, taken + 1);
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
                countTaken();
                return m;
            }
            final Object m = poll();
            if (m == null)
            {
                return null;
            }
            if (sink == null || !sink.consumeSignal(m))
            {
                countTaken();
                return m;
            }
            countTaken(); // a signal: handled, not a message
        }
    }

    /**
     * Owner only: moves everything linked in inbound to the saved list (handling signals), e.g. to
     * set a receive marker after which only newer messages need scanning.
     *
     * @param sink signal handler, or null.
     * @return the saved list's size afterwards: messages older than now.
     */
    public int drainToSaved(final SignalSink sink)
    {
        Object m;
        while ((m = poll()) != null)
        {
            if (sink != null && sink.consumeSignal(m))
            {
                countTaken();
            }
            else
            {
                saveLast(m);
            }
        }
        return savedSize;
    }

    /**
     * The exit path, once the owner's signal path is closed: hands every item put before now to
     * {@code sink}, in order, signals included. Unlike repeated {@link #pollInbound()} it does not
     * stop at a producer that has exchanged the tail but not linked its node yet (the list's one
     * non-linearizable window): it waits for that link, so no signal queued behind such a message
     * is missed. Items put after the call began are left alone (the caller drops them).
     *
     * @param sink receives each item.
     */
    public void drainForExit(final java.util.function.Consumer<Object> sink)
    {
        final Link last = (Link)TAIL.getVolatile(this);
        while (head != last)
        {
            final Object m = poll();
            if (m == null)
            {
                Thread.onSpinWait(); // a producer between its exchange and its link: microseconds
                continue;
            }
            countTaken();
            sink.accept(m);
        }
    }

    /**
     * Owner only (and the exit path): the next raw inbound item, signals included; counted as taken.
     *
     * @return it, or null.
     */
    public Object pollInbound()
    {
        final Object m = poll();
        if (m != null)
        {
            countTaken();
        }
        return m;
    }

    /**
     * Owner only: the oldest message that matches, or null. Messages that do not match keep their
     * order for later receives.
     *
     * @param match     predicate; a throwing predicate leaves the mailbox consistent.
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
        int i = Math.min(Math.max(skipSaved, 0), savedSize);
        for (;;)
        {
            for (; i < savedSize; i++)
            {
                final Object m = saved[(savedHead + i) & (saved.length - 1)];
                if (match.test(m))
                {
                    removeSavedAt(i);
                    countTaken();
                    return m;
                }
            }
            final Object m = poll();
            if (m == null)
            {
                return null;
            }
            if (sink != null && sink.consumeSignal(m))
            {
                countTaken();
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
                    saveLast(m);
                }
            }
            if (matched)
            {
                countTaken();
                return m;
            }
            i = savedSize;
        }
    }

    /**
     * Owner only: adds a message behind the saved ones, as if it had just arrived (signals turned
     * into messages, an Exit or a Down, use this, which keeps them in arrival order).
     *
     * @param m the message.
     */
    public void appendSaved(final Object m)
    {
        ENQUEUED.getAndAdd(this, 1L);
        saveLast(m);
    }

    /** Drops every message (the owner exited). Owner only. */
    public void clear()
    {
        saved = null;
        savedHead = 0;
        savedSize = 0;
        while (poll() != null)
        {
            // unlink so the nodes are garbage even if this mailbox is still referenced
        }
        DEQUEUED.setOpaque(this, (long)ENQUEUED.getVolatile(this));
    }

    private void saveLast(final Object m)
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
