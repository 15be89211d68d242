package dev.spindle.internal.distribution;

import dev.spindle.Pid;
import dev.spindle.Ref;
import io.aeron.Publication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One connection to one incarnation of another node: CONNECTING (the handshake; frames wait in
 * {@link #pending}), UP (senders offer straight to the publication), DOWN (for good: a new
 * connection object replaces it).
 *
 * <h2>Who owns what</h2>
 * <ul>
 * <li>{@link #state}: volatile; turns UP only after the pending frames went out (under the lock,
 *     so a sender that reads UP never overtakes its own pending frame) and DOWN under the lock.</li>
 * <li>Pending frames and the link/monitor tables: under this object's lock. A link or monitor
 *     signal is recorded under the lock only while the state is not DOWN; going DOWN takes the
 *     tables under the same lock, so every recorded link and monitor fires {@code noconnection}
 *     exactly once when the connection is lost. The tables over-approximate (an entry may outlive
 *     its link); a stale entry's signal is ignored by its target, as a link or monitor that is no
 *     longer active ignores any.</li>
 * <li>Handshake fields, heartbeat clocks and the inbound session: the distribution thread only.</li>
 * </ul>
 */
final class Connection
{
    static final int CONNECTING = 0;
    static final int UP = 1;
    static final int DOWN = 2;

    /** A frame written while the handshake runs. */
    record Pending(byte[] frame)
    {
    }

    /** A link between a process of this node and one of the peer's. */
    record LinkPair(Pid local, Pid remote)
    {
    }

    /** A monitor by a process of this node of one of the peer's. */
    record Watch(Pid watcher, Pid target)
    {
    }

    final String peer;
    final String address;
    final CompletableFuture<Connection> ready = new CompletableFuture<>();
    volatile int state = CONNECTING;
    /** The peer's creation, once the handshake told it (0 before). */
    volatile int peerCreation;
    /** The publication to the peer; set by the distribution thread before any frame is offered. */
    volatile Publication publication;

    // ---- under the lock ----
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    long pendingBytes;
    final Set<LinkPair> links = new HashSet<>();
    final Map<Ref, Watch> watching = new HashMap<>();
    final Map<Ref, Pid> watchedBy = new HashMap<>();
    final List<Pid> nodeMonitors = new ArrayList<>();

    // ---- the distribution thread's ----
    boolean connector;
    byte[] ownNonce;
    byte[] peerNonce;
    int inboundSession;
    boolean bound;
    long deadline;
    long nextResend;
    long lastHeard;
    long nextHeartbeat;
    boolean authSent;
    /** The creation the peer claimed in the handshake; trusted once its proof checked out. */
    int claimedCreation;

    Connection(final String peer, final String address, final boolean connector)
    {
        this.peer = peer;
        this.address = address;
        this.connector = connector;
    }

    @Override
    public String toString()
    {
        return "connection to '" + peer + "' at " + address + " (" + (state == UP ? "up" : state == DOWN ? "down" : "connecting") + ")";
    }
}
