/**
 * The mailbox: an unbounded MPSC list (any thread puts: one exchange on the tail; the owner numbers
 * what it takes and depth readers count the rest) inlined in the
 * {@link dev.spindle.internal.mailbox.Mailbox} object, plus an owner-only list of saved messages
 * for selective receive ({@link dev.spindle.internal.mailbox.SavedList}, made on first use).
 * Signals ride the same list as messages, so per-sender order covers both; the owner hands them
 * to a {@link dev.spindle.internal.mailbox.Mailbox.SignalSink} as it meets them. Depends on
 * nothing else in Spindle.
 */
package dev.spindle.internal.mailbox;
