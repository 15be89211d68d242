package dev.spindle.internal.mailbox;

/** One message in the inbound list: 24 bytes with compressed oops, the only allocation of a send. */
final class Node extends Link
{
    /** The message; cleared by the consumer when it takes it. */
    Object value;

    Node(final Object value)
    {
        this.value = value;
    }
}
