package dev.spindle.internal.signals;

import dev.spindle.Pid;

/**
 * Where messages and signals for processes of other nodes go: implemented by the distribution
 * layer ({@code internal/distribution}) and installed with {@link Signals#setRemote} when the node
 * has a name. Without it a foreign pid is an error for a message and a dead process for a signal.
 * Both methods run on the sender's thread (a process, a plain thread, or a scheduler on an exit
 * path) with no lock held; they may wait while the connection is back-pressured, as the node's
 * configuration says.
 */
public interface Remote
{
    /**
     * A message to a process of another node.
     *
     * @param to      the receiver (its node is not this one).
     * @param message not null.
     */
    void send(Pid to, Object message);

    /**
     * A signal to a process of another node. When it cannot be delivered (its node is unreachable,
     * or the pid belongs to an older incarnation of it) the sender gets the dead-process answer
     * through {@link Signals#send}, as for a local process.
     *
     * @param to     the target (its node is not this one).
     * @param signal the signal.
     */
    void signal(Pid to, Signal signal);
}
