package dev.spindle.internal.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Predicate;

/**
 * A process's mailbox: unbounded, FIFO per sender, with selective receive.
 *
 * <p>Two parts. The <em>inbound</em> part is an intrusive MPSC list after Vyukov's, inlined in this
 * object with no padding: a producer allocates one 24-byte node and pays one compare-and-set on
 * {@code tail}, which also gives the node its sequence number (so the depth is exact without a
 * counter), and never waits for the consumer; it retries only when another producer moved the
 * tail in between. The mailbox itself is the list's initial stub, so a process
 * that was never sent anything carries no node and no queue object. The <em>saved</em> part is
 * private to the owner: messages taken from inbound that a selective receive did not match stay
 * there, in arrival order, and are scanned first by the next receive. docs/mailbox.md has the
 * measurements behind this choice.
 *
 * <p>Threads: any thread may {@link #put}; only the owning process calls the take methods (its
 * scheduler calls {@link #hasInbound()} for the wake-up check). {@link #depth()} and
 * {@link #highWater()} are statistics any thread may read.
 *
 * <p>Not linearizable, like every Vyukov list: a producer stalled between its tail CAS and its
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
    private static final VarHandle DEQUEUED;
    /** The owner samples the depth for the high water once per this many takes (a power of two). */
    static final int HIGH_WATER_SAMPLE = 64;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(Mailbox.class, "tail", Link.class);
            DEQUEUED = lookup.findVarHandle(Mailbox.class, "dequeued", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // Producers: moved by every put (compare-and-set). Starts at this mailbox (the stub, sequence 0);
    // the tail node's seq is how many items were ever put.
    @SuppressWarnings("unused")
    private volatile Link tail = this;

    // Owner only below (dequeued is written opaque so that depth() may read it from anywhere).
    private Link head = this;
    // Items taken or dropped, minus those the owner appended itself (appendSaved): put - dequeued is
    // the depth. int, like the sequence: both wrap, and their difference is right below 2^31.
    @SuppressWarnings("unused")
    private int dequeued;
    private int highWater; // owner-written (countTaken), read racily by any thread
    private Object[] saved;
    private int savedHead;
    private int savedSize;

    /**
     * Appends a message. Any thread. One compare-and-set on {@code tail} publishes the node and
     * numbers it (its predecessor's sequence + 1, written before the CAS publishes it), so a put
     * costs one atomic instruction and keeps an exact count for free; a producer retries only when
     * another one moved the tail in between. (An exchange plus an atomic add on a counter, the
     * earlier design, cost a second locked instruction per put, and when the owner ran on another
     * core a second cache-line transfer: docs/mailbox.md.) The successful CAS is a full fence: the
     * caller's following volatile read of the process state is what makes "put, then check
     * WAITING" and "set WAITING, then check {@link #hasInbound()}" a Dekker pair that never loses a
     * wake-up. Producers never read the owner's fields.
     *
     * @param message not null.
     * @return this message's sequence: how many items were ever put, it included, modulo 2^32
     * ({@link #depthAt} turns it into the depth just after this put).
     */
    public long put(final Object message)
    {
        final Node n = new Node(message);
        Link prev = (Link)TAIL.getVolatile(this);
        for (;;)
        {
            n.seq = prev.seq + 1; // prev's seq was written before the CAS that published prev
            final Link witness = (Link)TAIL.compareAndExchange(this, prev, n);
            if (witness == prev)
            {
                break;
            }
            prev = witness;
        }
        prev.linkRelease(n);
        return n.seq;
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
        return Math.max(0, (int)sequence - (int)DEQUEUED.getOpaque(this));
    }

    /**
     * @return whether items were put that no take has looked at yet. A volatile read of
     * {@code tail}: true as soon as a producer's tail CAS is done, even before it linked its node.
     */
    public boolean hasInbound()
    {
        return TAIL.getVolatile(this) != head;
    }

    /** @return messages put and not yet taken or dropped (saved ones included). Any thread. */
    public long depth()
    {
        return Math.max(0, ((Link)TAIL.getVolatile(this)).seq - (int)DEQUEUED.getOpaque(this));
    }

    /** @return the saved list's array length (racy, a statistic for memory estimates). Any thread. */
    public int savedCapacity()
    {
        final Object[] a = saved;
        return a == null ? 0 : a.length;
    }

    /**
     * @return the largest depth so far (racy, a statistic). Any thread. The owner records the depth
     * before one take in {@link #HIGH_WATER_SAMPLE} (a depth only grows between takes, so a peak is
     * seen by the next sampled take, less the takes in between: under-read by less than the sample
     * interval); what is queued now counts too.
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
        final int taken = (int)DEQUEUED.get(this);
        if ((taken & (HIGH_WATER_SAMPLE - 1)) == 0)
        {
            // Sampled: reading the tail costs a cache miss per take while a producer on another
            // core streams messages in. The peak is missed by less than one sample interval.
            final int depth = ((Link)TAIL.getVolatile(this)).seq - taken; // before this take, it included
            if (depth > highWater)
            {
                highWater = depth; // owner-written; others read it racily
            }
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
     * stop at a producer that has moved the tail but not linked its node yet (the list's one
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
                Thread.onSpinWait(); // a producer between its tail CAS and its link: microseconds
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
        DEQUEUED.setOpaque(this, (int)DEQUEUED.get(this) - 1); // one more queued, from the owner
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
        DEQUEUED.setOpaque(this, ((Link)TAIL.getVolatile(this)).seq);
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
