package dev.spindle.internal.signals;

import dev.spindle.Pid;
import dev.spindle.Ref;

/**
 * Signals travel through the target's mailbox with its messages, so everything one process sends
 * another (messages and signals) arrives in the order sent, and a Down or Exit sent by a dying
 * process comes after every message it sent before. The target's receive handles them as it
 * dequeues them; they are never returned as messages.
 */
public sealed interface Signal
{
    /** Establish a link from {@code from}. */
    record Link(Pid from) implements Signal
    {
    }

    /** Remove the link from {@code from}. */
    record Unlink(Pid from) implements Signal
    {
    }

    /**
     * An exit signal.
     *
     * @param from    sender.
     * @param reason  reason.
     * @param viaLink whether it comes from a linked process's exit (rather than {@code exit(pid, reason)}).
     */
    record ExitSignal(Pid from, Object reason, boolean viaLink) implements Signal
    {
    }

    /** {@code watcher} monitors the target under {@code ref}. */
    record Monitor(Pid watcher, Ref ref) implements Signal
    {
    }

    /** The monitor {@code ref} is removed. */
    record Demonitor(Ref ref) implements Signal
    {
    }

    /** A monitored process went down; becomes a {@code Down} message if the monitor is still active. */
    record DownSignal(Ref ref, Pid pid, Object reason) implements Signal
    {
    }
}
