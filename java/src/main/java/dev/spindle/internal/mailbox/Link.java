package dev.spindle.internal.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A link of the mailbox's intrusive MPSC list: the {@link Mailbox} itself (the initial stub) or a
 * {@link Node}. {@code next} is written once by the producer that appended the following node
 * (release) and read by the consumer (acquire); the consumer then owns it.
 */
abstract class Link
{
    private static final VarHandle NEXT;

    static
    {
        try
        {
            NEXT = MethodHandles.lookup().findVarHandle(Link.class, "next", Link.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Accessed through the methods below: their names say the memory mode. */
    Link next;
    /**
     * Items ever put up to and including this node (0 for the stub), modulo 2^32. Written by its
     * producer before the compare-and-set that makes it the tail, so whoever reads this node from
     * {@code tail} (a volatile read) sees it; never written again.
     */
    int seq;

    /** Producer: publish the node appended after this one (release: its value is visible first). */
    final void linkRelease(final Link n)
    {
        NEXT.setRelease(this, n);
    }

    /** Consumer: the following node, if its producer has linked it yet (acquire). */
    final Link nextAcquire()
    {
        return (Link)NEXT.getAcquire(this);
    }
}
