package dev.spindle;

import dev.spindle.internal.process.InboxHandle;
import dev.spindle.internal.runtime.Deadlines;
import dev.spindle.internal.runtime.NodeRuntime;

import java.time.Duration;
import java.util.Objects;

/**
 * A mailbox with a pid for a plain Java thread: processes send to {@link #pid()} and the thread
 * blocks in {@link #receive()}. One thread at a time may receive (a second concurrent receiver
 * gets an {@link IllegalStateException}). Close it when done: later messages to its pid are
 * dropped and its slot in the process table is reused.
 */
public final class Inbox implements AutoCloseable
{
    private final NodeRuntime node;
    private final InboxHandle handle;

    Inbox(final NodeRuntime node, final InboxHandle handle)
    {
        this.node = node;
        this.handle = handle;
    }

    /** @return the pid processes send to. */
    public Pid pid()
    {
        return handle.pid;
    }

    /**
     * Sends a message from this inbox's thread (same as {@code node.send}).
     *
     * @param to      receiver.
     * @param message not null.
     * @throws NodeClosedException on a closed node.
     */
    public void send(final Pid to, final Object message)
    {
        Objects.requireNonNull(to, "pid");
        Objects.requireNonNull(message, "message");
        node.send(to, message);
    }

    /**
     * Waits for the next message.
     *
     * @return the oldest message.
     * @throws IllegalStateException if the inbox is closed (before or while waiting), or another
     *                               thread is receiving from it.
     * @throws NodeClosedException   if the node is closed (before or while waiting).
     */
    public Object receive()
    {
        return node.receive(handle, Deadlines.FOREVER);
    }

    /**
     * Waits at most {@code timeout} for the next message. A timeout of 73 years or more waits
     * forever.
     *
     * @param timeout {@link Duration#ZERO} polls.
     * @return the oldest message, or null on timeout.
     * @throws IllegalStateException if the inbox is closed, or another thread is receiving from it.
     * @throws NodeClosedException   if the node is closed.
     */
    public Object receive(final Duration timeout)
    {
        return node.receive(handle, Deadlines.nanos(timeout, "timeout"));
    }

    /** Unregisters the inbox and wakes a thread waiting in it (it gets IllegalStateException). Idempotent. */
    @Override
    public void close()
    {
        node.closeInbox(handle);
    }

    @Override
    public String toString()
    {
        return "Inbox" + handle.pid;
    }
}
