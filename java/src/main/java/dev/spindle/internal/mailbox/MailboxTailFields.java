package dev.spindle.internal.mailbox;

/**
 * The {@link Mailbox}'s fields that other threads write: every put exchanges {@code tail}, and
 * depth readers leave {@code hint}; and one the owner writes rarely, {@code highWater}. A class of
 * their own, followed by {@link MailboxPadding}, so that they never share a cache line with the
 * owner's fields, which it writes on every take (see {@link MailboxPadding}). Reached only through
 * {@link Mailbox}'s VarHandles, whose access modes say what each access needs.
 */
abstract class MailboxTailFields extends Link
{
    // Producers: moved by every put (exchange). Starts at the mailbox itself (the stub, number 0).
    // Not declared volatile: a volatile initial store costs a full fence on every spawn. The plain
    // one is seen by every other thread: they reach a mailbox only through its handle's final
    // field, and the handle through the table's release store (ProcessTable.publish).
    Link tail = this;
    // Any thread: where the last count stopped, numbered (release, after the number), or null.
    // It may lag behind head (then it is ignored) or point to a node taken since (self-linked).
    Link hint;
    // The largest depth the owner has sampled; any thread reads it racily. The owner writes it
    // only when a sample (at most one per 64 takes) finds a new peak, so it can share the senders'
    // line; here it lets the padding be 56 bytes and the mailbox 112 (MailboxLayoutTest).
    int highWater;
}
