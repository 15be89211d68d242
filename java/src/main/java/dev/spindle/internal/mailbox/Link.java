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
     * Items ever put up to and including this node (0 for the stub), modulo 2^32; 0 also while not
     * known yet. Producers do not number (that would read the predecessor's cache line on every
     * put); the owner numbers each node it takes, and a depth reader, counting forward from the
     * furthest known number, numbers the node where it stops. Every writer writes the same value,
     * so the races between them are harmless. Read only on a node published after its numbering
     * (the mailbox's {@code head} or {@code hint}, both release stores).
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
