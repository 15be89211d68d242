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

    /**
     * Waits at most {@code timeout} for the oldest message that matches; the others stay, in order.
     *
     * @param match   the selection.
     * @param timeout {@link Duration#ZERO} polls.
     * @return the message, or null on timeout.
     * @throws IllegalStateException if the inbox is closed, or another thread is receiving from it.
     * @throws NodeClosedException   if the node is closed.
     */
    public Object receive(final java.util.function.Predicate<Object> match, final Duration timeout)
    {
        Objects.requireNonNull(match, "match");
        return node.receive(handle, match, Deadlines.nanos(timeout, "timeout"));
    }

    /**
     * Calls a process from this inbox's thread (see {@link Proc#call}): waits here for the reply;
     * other messages that arrive meanwhile stay in the inbox, in order.
     *
     * @param target  the server: a {@link Pid} or a registered name.
     * @param request the request.
     * @param timeout how long to wait.
     * @return the reply.
     * @throws CallTimeoutException when no reply came in time.
     * @throws CallFailedException  when the server exited, or nobody holds the name ({@link Reason#NOPROC}).
     */
    public Object call(final Object target, final Object request, final Duration timeout)
    {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(request, "request");
        return node.call(handle, target, request, Deadlines.nanos(timeout, "timeout"), timeout);
    }

    /**
     * Monitors a process: its {@link Down} arrives in this inbox (at once, with
     * {@link Reason#NOPROC}, if it is not alive).
     *
     * @param pid the process.
     * @return the monitor's reference.
     */
    public Ref monitor(final Pid pid)
    {
        Objects.requireNonNull(pid, "pid");
        return node.monitor(handle, pid);
    }

    /**
     * Removes a monitor; no Down for it arrives afterwards (one already here stays).
     *
     * @param ref the monitor.
     * @return whether it was active.
     */
    public boolean demonitor(final Ref ref)
    {
        Objects.requireNonNull(ref, "ref");
        return node.demonitor(handle, ref);
    }

    /**
     * Unregisters the inbox and wakes a thread waiting in it (it gets IllegalStateException).
     * Processes monitoring the inbox get a Down with reason normal. Idempotent.
     */
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
