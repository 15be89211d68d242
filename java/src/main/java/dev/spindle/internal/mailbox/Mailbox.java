package dev.spindle.internal.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Predicate;

/**
 * A process's mailbox: unbounded, FIFO per sender, with selective receive.
 *
 * <p>Two parts. The <em>inbound</em> part is an intrusive MPSC list after Vyukov's, inlined in this
 * object, with a cache line between the fields other threads write and the owner's
 * ({@link MailboxPadding}): a producer allocates one 24-byte node, pays one exchange on {@code tail}
 * and links its predecessor to the node with a release store; it never retries, never waits for
 * the consumer and reads nothing another core wrote. The depth is exact without a counter and
 * without the producers' help: a node's number is how many items were ever put, it included; the
 * owner numbers each node it takes, and a depth reader counts the linked nodes beyond the furthest
 * known number (the head or {@code hint}) and leaves {@code hint}, numbered, where it stopped, so
 * each node is counted about once.
 * The mailbox itself is the list's initial stub, so a process
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
public final class Mailbox extends MailboxPadding
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
    private static final VarHandle HEAD;
    private static final VarHandle HINT;
    private static final VarHandle DEQUEUED;
    /** The owner samples the depth for the high water at most once per this many takes. */
    static final int HIGH_WATER_SAMPLE = 64;
    /**
     * How deep the owner's high-water sample counts from its head at most (1,024 nodes, 24 KB): a
     * deeper queue reads as this deep, unless a depth reader counted it before it drained (the
     * sample starts from the furthest count).
     */
    static final int OWNER_AHEAD = 1024;
    /**
     * The owner samples the depth again after {@code max(HIGH_WATER_SAMPLE, SAMPLE_COST * depth)}
     * takes: a sample counts the queue from the head, so it then costs at most one node per this
     * many takes.
     */
    static final int SAMPLE_COST = 8;
    /**
     * How long {@link #putCounted} waits for a stalled producer ahead before it settles for an
     * approximate number (not final: tests change it).
     */
    static long putCountedWaitNanos = 10_000_000L;
    /** {@link #count}: the target was not met. */
    private static final long NOT_REACHED = Long.MIN_VALUE;
    /** {@link #count}: a node it stood on was taken; count again from the new head. */
    private static final long RESTART = Long.MIN_VALUE + 1;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(MailboxTailFields.class, "tail", Link.class);
            HEAD = lookup.findVarHandle(Mailbox.class, "head", Link.class);
            HINT = lookup.findVarHandle(MailboxTailFields.class, "hint", Link.class);
            DEQUEUED = lookup.findVarHandle(Mailbox.class, "dequeued", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // tail, hint and highWater: MailboxTailFields, then 56 bytes of MailboxPadding before the
    // fields below.

    // Owner only below, except that head is written with release (after the owner numbered it) so
    // that depth readers may start counting from it, and dequeued opaque so that they may read it.
    private Link head = this;
    // Items taken or dropped, minus those the owner appended itself (appendSaved): put - dequeued is
    // the depth. int, like the sequence: both wrap, and their difference is right below 2^31.
    @SuppressWarnings("unused")
    private int dequeued;
    private int nextSample; // owner only: the take count at which countTaken samples the depth again
    private SavedList saved; // made on the first message saved

    /**
     * Appends a message. Any thread. One exchange on {@code tail} publishes the node, and a release
     * store links the predecessor to it: the put never retries, whatever the contention, and never
     * reads another core's data (a producer that numbered its node from its predecessor, as an
     * earlier design did, stalled on that node's cache line on every put: docs/mailbox.md). The
     * exchange is a full fence: the caller's following volatile read of the process state is what
     * makes "put, then check WAITING" and "set WAITING, then check {@link #hasInbound()}" a Dekker
     * pair that never loses a wake-up. Producers never read the owner's fields.
     *
     * @param message not null.
     */
    public void put(final Object message)
    {
        append(new Node(message));
    }

    /**
     * As {@link #put}, and returns the message's number: it counts forward to its own node from a
     * numbered node put before it, waiting when a producer ahead has exchanged the tail and not
     * linked yet (a few instructions, unless the OS descheduled that producer there). For the system
     * monitor's long-message-queue check, which must see every depth once.
     *
     * @param message not null.
     * @return how many items were ever put, this one included, modulo 2^32 ({@link #depthAt} turns
     * it into the depth just after this put).
     */
    public long putCounted(final Object message)
    {
        final Node n = new Node(message);
        // Chosen before the exchange, so put before n: a start taken later could lie beyond n.
        Link from = countStart();
        append(n);
        long deadline = 0;
        for (int spins = 1; ; spins++)
        {
            final long s = count(from, n, (Link)TAIL.getVolatile(this), Integer.MAX_VALUE, true);
            if (s == RESTART)
            {
                from = (Link)HEAD.getAcquire(this); // the head, never the hint: it may be beyond n
                continue;
            }
            if (s != NOT_REACHED)
            {
                return s;
            }
            // Not met: the head is beyond n (the owner took n and numbered it; the walk's acquire
            // of the head made that visible), or a producer ahead has not linked yet.
            if (n.seq != 0)
            {
                return n.seq;
            }
            if (deadline == 0)
            {
                deadline = System.nanoTime() + putCountedWaitNanos;
            }
            else if (System.nanoTime() - deadline > 0)
            {
                // A producer descheduled mid-put for long, or n's number is 0 (modulo 2^32) and
                // was given by the owner: the count to the tail, approximate, rather than a hang.
                return countToTail();
            }
            if ((spins & 0xFF) == 0)
            {
                Thread.yield(); // the stalled producer may need this core
            }
            else
            {
                Thread.onSpinWait();
            }
        }
    }

    private void append(final Node n)
    {
        ((Link)TAIL.getAndSet(this, n)).linkRelease(n);
    }

    /** @return the furthest node whose number is known: the head or the hint, whichever is ahead. */
    private Link countStart()
    {
        final Link h = (Link)HEAD.getAcquire(this);
        final Link k = (Link)HINT.getAcquire(this);
        return k != null && k.seq - h.seq > 0 ? k : h; // numbers wrap: compare the difference
    }

    /**
     * Any thread: the number of the last linked node up to the tail as it is now (read after the
     * start, so at or after it: producers streaming faster than a reader walks would otherwise keep
     * it walking), counted from {@link #countStart}.
     */
    private long countToTail()
    {
        for (;;)
        {
            final Link from = countStart();
            final long s = count(from, null, (Link)TAIL.getVolatile(this), Integer.MAX_VALUE, true);
            if (s != RESTART)
            {
                return s;
            }
        }
    }

    /**
     * Any thread: counts the linked nodes forward from {@code from} (numbered) and writes the
     * number of the last one, where it then leaves {@code hint} so that the next count starts
     * there. The nodes in between are not written: that would put a store on lines the producers
     * are writing next to (the owner numbers each node as it takes it).
     *
     * @param from     a numbered node put before {@code target} and {@code end}.
     * @param target   stop there (its number is returned), or null.
     * @param end      stop there too (the tail as it was).
     * @param maxAhead count no further than this beyond the owner's head.
     * @param leaveHint whether to number the last node and leave the hint there (the owner's
     *                 sample does not: that node is often on a line its producer is writing).
     * @return the number of the node the count stopped at; {@link #NOT_REACHED} when it did not
     * meet {@code target}; {@link #RESTART} when a node it stood on was taken (it is then
     * self-linked, or for the stub, unlinked): count again from the new head.
     */
    private long count(final Link from, final Link target, final Link end, final int maxAhead, final boolean leaveHint)
    {
        final int headNumber = ((Link)HEAD.getAcquire(this)).seq;
        Link x = from;
        int number = x.seq;
        int steps = 0;
        while (x != target && x != end && number - headNumber < maxAhead)
        {
            final Link next = x.nextAcquire();
            if (next == null)
            {
                if (x == this && HEAD.getAcquire(this) != this)
                {
                    return RESTART; // the stub, taken: its link was cleared
                }
                break; // the end of what is linked
            }
            if (next == x)
            {
                return RESTART;
            }
            number++;
            x = next;
            steps++;
        }
        if (steps > 0 && leaveHint)
        {
            if (x.seq != number)
            {
                x.seq = number; // the value every writer writes; published by the hint's release
            }
            HINT.setRelease(this, x); // may move it back if another count went further: harmless
        }
        return target != null && x != target ? NOT_REACHED : number;
    }

    /**
     * Any thread: the depth just after the put that returned {@code sequence} (approximate under
     * concurrent takes).
     *
     * @param sequence what {@link #putCounted} returned.
     * @return messages queued then, at least 0.
     */
    public long depthAt(final long sequence)
    {
        return Math.max(0, (int)sequence - (int)DEQUEUED.getOpaque(this));
    }

    /**
     * @return whether items were put that no take has looked at yet. A volatile read of
     * {@code tail}: true as soon as a producer's exchange is done, even before it linked its node.
     */
    public boolean hasInbound()
    {
        return TAIL.getVolatile(this) != head;
    }

    /**
     * @return messages put and not yet taken or dropped (saved ones included). Any thread. Counts
     * what is linked: a message whose producer has exchanged the tail and not linked yet (a few
     * instructions) is not counted yet.
     */
    public long depth()
    {
        return Math.max(0, (int)countToTail() - (int)DEQUEUED.getOpaque(this));
    }

    /** @return the saved list's array length (racy, a statistic for memory estimates). Any thread. */
    public int savedCapacity()
    {
        final SavedList s = saved;
        return s == null ? 0 : s.capacity();
    }

    /**
     * @return the largest depth so far (racy, a statistic). Any thread. The owner samples the depth
     * before a take, every {@link #HIGH_WATER_SAMPLE} takes while the queue is short and every
     * {@link #SAMPLE_COST} times the depth it last saw when longer (a depth only grows between
     * takes, so a peak is seen by the next sample, less the takes in between: under-read by less
     * than the interval), counting at most {@link #OWNER_AHEAD} beyond its head or beyond the last
     * reader's count; what is queued now counts too (this call counts it all). So a peak deeper
     * than {@code OWNER_AHEAD} that drained before anyone read the depth reads as about
     * {@code OWNER_AHEAD}.
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
        // The owner knows every number it takes; a depth reader may have written the same already.
        final int number = h.seq + 1;
        if (n.seq != number)
        {
            n.seq = number;
        }
        HEAD.setRelease(this, n); // after the number: a depth reader counts on from head
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
        if (taken - nextSample >= 0) // wraps: compare the difference
        {
            final Link end = (Link)TAIL.getVolatile(this);
            if (end == head)
            {
                // Nothing linked beyond the head: the count sampleHighWater would make is the head's
                // own number. The usual case for a process that takes one message (a fresh one
                // samples at its first take): counting here keeps sampleHighWater's call rare in
                // every profile, so the JIT never inlines it into the receive (see there).
                sampled(taken, head.seq - taken);
            }
            else
            {
                sampleHighWater(taken, end);
            }
        }
        DEQUEUED.setOpaque(this, taken + 1);
    }

    // Out of line on purpose: inlined, this rare count made Receive.receive's compiled code too
    // large (C2's InlineSmallCode) to be inlined into the process loops compiled after it, which
    // cost a call and a frame per receive (threadring 154 -> 145 ns per hop; docs/performance.md,
    // "The same-core gap and the JIT's inlining limit"). C2 still inlines a call it sees often, so
    // countTaken keeps the trivial case (nothing beyond the head) from coming here.
    private void sampleHighWater(final int taken, final Link end)
    {
        // Counted from the head (or a reader's count ahead of it) to end (the tail as countTaken
        // read it), at most OWNER_AHEAD deep, and so rarely that the count costs at most one node
        // per SAMPLE_COST takes: it reads nodes a producer on another core wrote, near the tail on
        // lines it is still writing.
        long s = count(countStart(), null, end, OWNER_AHEAD, false);
        if (s == RESTART)
        {
            s = count(head, null, end, OWNER_AHEAD, false); // the owner's own head is never taken under it
        }
        sampled(taken, (int)s - taken);
    }

    private void sampled(final int taken, final int depth)
    {
        if (depth > highWater)
        {
            highWater = depth; // owner-written; others read it racily
        }
        nextSample = taken + Math.max(HIGH_WATER_SAMPLE, SAMPLE_COST * depth);
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
            final SavedList s = saved;
            if (s != null && s.size() > 0)
            {
                final Object m = s.poll();
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
        return savedSize();
    }

    private int savedSize()
    {
        final SavedList s = saved;
        return s == null ? 0 : s.size();
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
        int i = Math.min(Math.max(skipSaved, 0), savedSize());
        for (;;)
        {
            final SavedList s = saved; // re-read: saving or a signal's append may have made it
            if (s != null)
            {
                final int at = s.indexOf(match, i);
                if (at >= 0)
                {
                    final Object m = s.removeAt(at);
                    countTaken();
                    return m;
                }
                i = s.size();
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
            i = savedSize();
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
        while (poll() != null)
        {
            // unlink so the nodes are garbage even if this mailbox is still referenced
        }
        DEQUEUED.setOpaque(this, head.seq); // everything linked is gone; what is not linked yet still counts
    }

    private void saveLast(final Object m)
    {
        SavedList s = saved;
        if (s == null)
        {
            saved = s = new SavedList();
        }
        s.add(m);
    }
}
