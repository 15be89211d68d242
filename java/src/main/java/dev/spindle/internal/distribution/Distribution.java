package dev.spindle.internal.distribution;

import dev.spindle.NodeConfig;
import dev.spindle.NodeDown;
import dev.spindle.Pid;
import dev.spindle.Reason;
import dev.spindle.Ref;
import dev.spindle.RemoteName;
import dev.spindle.RemoteSendException;
import dev.spindle.internal.placement.Topology;
import dev.spindle.internal.process.InboxHandle;
import dev.spindle.internal.runtime.NodeRuntime;
import dev.spindle.internal.runtime.ProcessOps;
import dev.spindle.internal.runtime.SchedulerFigures;
import dev.spindle.internal.scheduler.ProcessContinuation;
import dev.spindle.internal.scheduler.Schedulers;
import dev.spindle.internal.signals.Remote;
import dev.spindle.internal.signals.Signal;
import dev.spindle.internal.signals.Signals;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import dev.spindle.IdleMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.memory.MemoryUtils;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Distribution for one named node (docs/distribution.md): the {@link Remote} the runtime hands
 * pids of other nodes to, the connections to other nodes, and the distribution thread.
 *
 * <h2>Threads</h2>
 * Senders (processes, plain threads, schedulers on an exit path) encode on their own thread with a
 * pooled {@link Codec} and offer the frame straight to the peer's Aeron publication (a concurrent
 * one), so an encoding error or a full connection is the sender's own exception or wait. The
 * distribution thread ({@code spindle-dist-<name>}, pinned off the scheduler CPUs like Aeron's)
 * polls the node's subscription, runs the handshakes, sends heartbeats, notices silent peers and
 * delivers what arrives into the runtime through {@link Schedulers#send} and {@link Signals#send},
 * as a plain thread would.
 *
 * <h2>Frames</h2>
 * One Aeron message per frame; its first byte is the type. Handshake: HELLO (connector: name,
 * creation, listen address, nonce), CHALLENGE (acceptor: the same and its proof), AUTH (connector's
 * proof), ACCEPTED or REFUSED. Then SEND (target creation, index, serial, message), REG_SEND (name,
 * message), LINK, UNLINK, EXIT, MONITOR, DEMONITOR, DOWN (pids in full), WHEREIS, HEARTBEAT and
 * GOODBYE. One publication per connection and direction keeps everything one process sends
 * another in order, messages and signals alike.
 */
public final class Distribution implements Remote, AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("dev.spindle.distribution");

    static final int VERSION = 1;
    static final byte HELLO = 1;
    static final byte CHALLENGE = 2;
    static final byte AUTH = 3;
    static final byte ACCEPTED = 4;
    static final byte REFUSED = 5;
    static final byte HEARTBEAT = 6;
    static final byte GOODBYE = 7;
    static final byte SEND = 10;
    static final byte REG_SEND = 11;
    static final byte LINK = 12;
    static final byte UNLINK = 13;
    static final byte EXIT = 14;
    static final byte MONITOR = 15;
    static final byte DEMONITOR = 16;
    static final byte DOWN = 17;
    static final byte WHEREIS = 18;

    private static final long RESEND_NANOS = 100_000_000L;
    private static final long RETRY_AFTER_FAILURE_NANOS = 1_000_000_000L;
    private static final Predicate<Object> NOTHING = m -> false;

    private final NodeRuntime runtime;
    private final Schedulers schedulers;
    private final Signals signals;
    private final NodeConfig.Distribution config;
    private final int localId;
    private final String name;
    private final int creation;
    private final Transport transport;
    private final Handshake handshake;
    private final List<Class<?>> classes;
    private final int maxMessage;
    private final long pendingLimit;

    private final ConcurrentHashMap<String, Connection> peers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> addresses = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> retryAfter = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Connection> toStart = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Connection> toDrop = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Codec> codecs = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong droppedFrames = new AtomicLong();

    // ---- the distribution thread's ----
    private final Thread agent;
    private final Codec agentCodec;
    private final HashMap<Integer, Connection> bySession = new HashMap<>();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private byte[] scratch = new byte[4096];
    private MemoryBuffer in = MemoryUtils.wrap(scratch);
    private long now;
    private volatile boolean running = true;
    /** Set while the distribution thread parks: a sender that offered a frame unparks it (the driver sends it sooner). */
    private volatile boolean agentParked;
    private volatile boolean closed;
    private volatile boolean driverFailed;

    private Distribution(final NodeRuntime runtime, final int localId, final NodeConfig.Distribution config)
    {
        this.runtime = runtime;
        this.schedulers = runtime.schedulers();
        this.signals = schedulers.signals();
        this.config = config;
        this.localId = localId;
        this.name = config.name();
        this.creation = NodeIds.bindLocal(localId, name);
        this.handshake = new Handshake(config.cookie());
        final List<Class<?>> all = new ArrayList<>();
        all.add(WhereisReply.class);
        all.addAll(config.messageClasses());
        this.classes = List.copyOf(all);
        this.maxMessage = Math.min(config.termLength() / 8, 16 << 20);
        this.pendingLimit = 2L * config.termLength();
        this.agentCodec = new Codec(classes);
        this.addresses.putAll(config.peers());
        this.transport = new Transport(config, distributionCpus(runtime), this::aeronError);
        this.agent = new Thread(this::run, "spindle-dist-" + name);
        agent.setDaemon(true);
    }

    /**
     * Starts distribution for a named node and routes the runtime's foreign pids to it.
     *
     * @param runtime    the node's runtime.
     * @param localId    the node's id.
     * @param config     its distribution settings.
     * @return the running distribution.
     */
    public static Distribution start(final NodeRuntime runtime, final int localId, final NodeConfig.Distribution config)
    {
        final Distribution d = new Distribution(runtime, localId, config);
        d.agent.start();
        d.signals.setRemote(d);
        LOG.log(Level.INFO, "node ''{0}'' (creation {1}) listens on {2}", d.name, Integer.toUnsignedString(d.creation), d.transport.address);
        return d;
    }

    /** The CPUs this JVM may use that no scheduler is pinned to; empty (unpinned) when there are none. */
    private static BitSet distributionCpus(final NodeRuntime runtime)
    {
        final BitSet free = new BitSet();
        for (final int cpu : Topology.allowedCpus())
        {
            free.set(cpu);
        }
        boolean pinned = false;
        for (final SchedulerFigures f : runtime.figures())
        {
            if (f.requestedCpu() >= 0)
            {
                free.clear(f.requestedCpu());
                pinned = true;
            }
        }
        if (!pinned)
        {
            return new BitSet(); // schedulers float: so does distribution
        }
        if (free.isEmpty())
        {
            LOG.log(Level.INFO, "every CPU this JVM may use has a scheduler pinned to it: distribution's threads are left unpinned");
        }
        return free;
    }

    /**
     * @param node a node's schedulers.
     * @return the node's distribution.
     * @throws IllegalStateException when the node has no name.
     */
    private static Distribution of(final Schedulers node)
    {
        if (node.signals().remote() instanceof Distribution d)
        {
            return d;
        }
        throw new IllegalStateException("this node has no name, so it cannot reach other nodes: start it with NodeConfig.Builder.name(...)");
    }

    /**
     * @param pc a process of some node
     * @return its node's distribution
     */
    public static Distribution of(final ProcessContinuation pc)
    {
        return of(pc.scheduler().group());
    }

    /**
     * @param runtime a node's runtime
     * @return its distribution
     */
    public static Distribution of(final NodeRuntime runtime)
    {
        return of(runtime.schedulers());
    }

    // ---- queries ----

    /** @return the node's name. */
    public String name()
    {
        return name;
    }

    /** @return its creation. */
    public int creation()
    {
        return creation;
    }

    /** @return the address other nodes reach it at. */
    public String address()
    {
        return transport.address;
    }

    /** @return how long a connection attempt, or a remote lookup, may take. */
    public long connectTimeoutNanos()
    {
        return config.connectTimeout().toNanos();
    }

    /** @return the names of the nodes connected now, sorted. */
    public List<String> nodes()
    {
        final TreeSet<String> up = new TreeSet<>();
        for (final Connection c : peers.values())
        {
            if (c.state == Connection.UP)
            {
                up.add(c.peer);
            }
        }
        return List.copyOf(up);
    }

    /** @return frames that arrived and could not be delivered (a class unknown here, a malformed frame). */
    public long droppedFrames()
    {
        return droppedFrames.get();
    }

    /**
     * @param pid any pid.
     * @return the name of its node, or null for a node without a name.
     */
    public static String nodeName(final Pid pid)
    {
        final NodeIds.Key key = NodeIds.key(pid.node());
        return key == null ? null : key.name();
    }

    // ---- connecting ----

    /**
     * Connects to another node and waits for the handshake.
     *
     * @param node    its name.
     * @param address its {@code host:port}.
     * @throws IllegalStateException when it cannot be reached in the connect timeout or refuses.
     */
    public void connect(final String node, final String address)
    {
        if (node.equals(name))
        {
            throw new IllegalArgumentException("node '" + name + "' cannot connect to itself");
        }
        final String known = addresses.put(node, address);
        retryAfter.remove(node);
        Connection c = peers.get(node);
        if (c != null && known != null && !known.equals(address) && c.state != Connection.UP)
        {
            toDrop.add(c); // an attempt at the old address is replaced
        }
        c = connection(node);
        if (c == null)
        {
            throw new IllegalStateException("node '" + name + "' is closed: cannot connect to '" + node + "'");
        }
        await(c, node, address);
    }

    private void await(final Connection c, final String node, final String address)
    {
        final long deadline = System.nanoTime() + config.connectTimeout().toNanos() + RESEND_NANOS;
        final ProcessContinuation pc = ProcessContinuation.current();
        try
        {
            if (pc == null)
            {
                c.ready.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            }
            while (!c.ready.isDone() && System.nanoTime() - deadline < 0)
            {
                ProcessOps.receive(pc, NOTHING, 1_000_000L); // gives the scheduler to others meanwhile
            }
            c.ready.getNow(null);
            if (!c.ready.isDone())
            {
                throw new TimeoutException();
            }
        }
        catch (final ExecutionException | java.util.concurrent.CompletionException e)
        {
            throw new IllegalStateException("could not connect to node '" + node + "' at " + address + ": " + e.getCause().getMessage(), e.getCause());
        }
        catch (final TimeoutException e)
        {
            throw new IllegalStateException("could not connect to node '" + node + "' at " + address + " within " + config.connectTimeout());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to node '" + node + "'", e);
        }
    }

    /** The current connection to a node, starting one when its address is known; null if it cannot be reached. */
    private Connection connection(final String node)
    {
        final Connection c = peers.get(node);
        if (c != null)
        {
            return c;
        }
        final String address = addresses.get(node);
        if (address == null || closed)
        {
            return null;
        }
        final Long after = retryAfter.get(node);
        if (after != null && System.nanoTime() - after < 0)
        {
            return null; // it failed a moment ago: do not hammer it
        }
        final Connection fresh = new Connection(node, address, true);
        final Connection prev = peers.putIfAbsent(node, fresh);
        if (prev != null)
        {
            return prev;
        }
        toStart.add(fresh);
        return fresh;
    }

    // ---- sending (any thread) ----

    private Codec acquire()
    {
        final Codec c = codecs.poll();
        return c != null ? c : new Codec(classes);
    }

    private void release(final Codec c)
    {
        codecs.offer(c);
    }

    @Override
    public void send(final Pid to, final Object message)
    {
        final NodeIds.Key key = NodeIds.key(to.node());
        if (key == null)
        {
            throw new IllegalArgumentException("pid " + to + " belongs to node " + to.node() + ", a node without a name in this JVM: " +
                "only named nodes exchange messages");
        }
        if (key.name().equals(name))
        {
            return; // a pid of an earlier incarnation of this node: it is dead
        }
        final Connection c = connection(key.name());
        if (c == null)
        {
            return; // unreachable: dropped, as the BEAM drops messages to a node it cannot connect to
        }
        final int peerCreation = c.peerCreation;
        if (peerCreation != 0 && peerCreation != key.creation())
        {
            return; // an earlier incarnation of that node
        }
        final Codec k = acquire();
        try
        {
            final MemoryBuffer b = k.begin(SEND);
            b.writeInt32(key.creation());
            b.writeInt32(to.index());
            b.writeInt32(to.serial());
            k.writeMessage(message, to, key.name());
            offer(c, k, to);
        }
        finally
        {
            release(k);
        }
    }

    /**
     * Sends to a name registered on another node (dropped when nobody holds it there).
     *
     * @param to      node and name.
     * @param message not null.
     */
    public void send(final RemoteName to, final Object message)
    {
        if (to.node().equals(name))
        {
            final Pid p = signals.registry().whereis(to.name());
            if (p != null)
            {
                schedulers.send(p, message, schedulers.callerScheduler());
            }
            return;
        }
        final Connection c = connection(to.node());
        if (c == null)
        {
            return;
        }
        final Codec k = acquire();
        try
        {
            final MemoryBuffer b = k.begin(REG_SEND);
            k.writeString(b, to.name());
            k.writeMessage(message, to, to.node());
            offer(c, k, to);
        }
        finally
        {
            release(k);
        }
    }

    @Override
    public void signal(final Pid to, final Signal signal)
    {
        final NodeIds.Key key = NodeIds.key(to.node());
        if (key == null || key.name().equals(name))
        {
            answer(to, signal, Reason.NOPROC); // an unnamed node's pid, or an earlier incarnation of this node's
            return;
        }
        final Connection c = connection(key.name());
        if (c == null)
        {
            answer(to, signal, Reason.NOCONNECTION);
            return;
        }
        final int peerCreation = c.peerCreation;
        if (peerCreation != 0 && peerCreation != key.creation())
        {
            answer(to, signal, Reason.NOPROC);
            return;
        }
        final Codec k = acquire();
        try
        {
            encode(k, to, signal);
            if (!record(c, to, signal))
            {
                answer(to, signal, Reason.NOCONNECTION);
                return;
            }
            offer(c, k, to);
        }
        finally
        {
            release(k);
        }
    }

    private static void encode(final Codec k, final Pid to, final Signal signal)
    {
        switch (signal)
        {
            case Signal.Link l ->
            {
                k.writePid(k.begin(LINK), l.from());
                k.writePid(k.out, to);
            }
            case Signal.Unlink u ->
            {
                k.writePid(k.begin(UNLINK), u.from());
                k.writePid(k.out, to);
            }
            case Signal.ExitSignal e ->
            {
                k.writePid(k.begin(EXIT), e.from());
                k.writePid(k.out, to);
                k.out.writeBoolean(e.viaLink());
                k.writeReason(e.reason());
            }
            case Signal.Monitor m ->
            {
                k.writePid(k.begin(MONITOR), m.watcher());
                k.writePid(k.out, to);
                k.writeRef(k.out, m.ref());
            }
            case Signal.Demonitor d ->
            {
                k.writePid(k.begin(DEMONITOR), to);
                k.writeRef(k.out, d.ref());
            }
            case Signal.DownSignal d ->
            {
                k.writePid(k.begin(DOWN), to);
                k.writeRef(k.out, d.ref());
                k.writePid(k.out, d.pid());
                k.writeReason(d.reason());
            }
        }
    }

    /**
     * Records a link or monitor crossing the connection, so that losing it fires them.
     *
     * @return false when the connection is down (a link or monitor then gets its answer from the caller).
     */
    private static boolean record(final Connection c, final Pid to, final Signal signal)
    {
        synchronized (c)
        {
            if (c.state == Connection.DOWN)
            {
                return !(signal instanceof Signal.Link || signal instanceof Signal.Monitor);
            }
            switch (signal)
            {
                case Signal.Link l -> c.links.add(new Connection.LinkPair(l.from(), to));
                case Signal.Unlink u -> c.links.remove(new Connection.LinkPair(u.from(), to));
                case Signal.ExitSignal e when e.viaLink() -> c.links.remove(new Connection.LinkPair(e.from(), to));
                case Signal.Monitor m -> c.watching.put(m.ref(), new Connection.Watch(m.watcher(), to));
                case Signal.Demonitor d -> c.watching.remove(d.ref());
                case Signal.DownSignal d -> c.watchedBy.remove(d.ref());
                default ->
                {
                    // an exit signal from exit(pid, reason) leaves nothing behind
                }
            }
            return true;
        }
    }

    /** The dead-process answer for a signal that cannot reach {@code to}, to the local sender. */
    private void answer(final Pid to, final Signal signal, final Reason reason)
    {
        switch (signal)
        {
            case Signal.Link l -> signals.send(l.from(), new Signal.ExitSignal(to, reason, true));
            case Signal.Monitor m -> signals.send(m.watcher(), new Signal.DownSignal(m.ref(), to, reason));
            default ->
            {
                // nothing waits for the others
            }
        }
    }

    /**
     * Offers the frame in {@code k.out} to the connection: straight to the publication when it is
     * up, to the pending frames while it connects. A full connection makes the sender wait or
     * fail, as configured; a lost one drops the frame (its links and monitors fire instead).
     */
    private void offer(final Connection c, final Codec k, final Object to)
    {
        final int len = k.out.writerIndex();
        if (len > maxMessage)
        {
            throw new RemoteSendException("a message of " + len + " bytes for " + to + " on node '" + c.peer + "' is larger than a " +
                "connection carries (" + maxMessage + " bytes, an eighth of NodeConfig.Builder.termLength): nothing was sent");
        }
        final byte[] bytes = k.out.getHeapMemory();
        final boolean onAgent = Thread.currentThread() == agent;
        int attempt = 0;
        final long started = System.nanoTime();
        for (;;)
        {
            final int state = c.state;
            if (state == Connection.UP)
            {
                final UnsafeBuffer view = k.view(bytes, len);
                final long r = c.publication.offer(view, 0, len);
                if (r >= 0)
                {
                    if (agentParked)
                    {
                        LockSupport.unpark(agent);
                    }
                    return;
                }
                if (r == Publication.BACK_PRESSURED || r == Publication.ADMIN_ACTION)
                {
                    if (r == Publication.BACK_PRESSURED && config.whenFull() == NodeConfig.WhenFull.FAIL && !onAgent)
                    {
                        throw full(c, to);
                    }
                    if (onAgent && System.nanoTime() - started > config.heartbeatTimeout().toNanos())
                    {
                        LOG.log(Level.WARNING, "node ''{0}'': dropped a frame for {1} on node ''{2}'': the connection stayed full for {3}",
                            name, to, c.peer, config.heartbeatTimeout());
                        return;
                    }
                    pause(attempt++);
                    continue;
                }
                if (r == Publication.MAX_POSITION_EXCEEDED)
                {
                    toDrop.add(c);
                }
                return; // NOT_CONNECTED, CLOSED: the connection is going down
            }
            if (state == Connection.DOWN)
            {
                return;
            }
            synchronized (c)
            {
                if (c.state != Connection.CONNECTING)
                {
                    continue;
                }
                if (c.pendingBytes + len <= pendingLimit || c.pending.isEmpty())
                {
                    c.pending.add(new Connection.Pending(Arrays.copyOf(bytes, len)));
                    c.pendingBytes += len;
                    return;
                }
            }
            if (config.whenFull() == NodeConfig.WhenFull.FAIL && !onAgent)
            {
                throw full(c, to);
            }
            pause(attempt++);
        }
    }

    private RemoteSendException full(final Connection c, final Object to)
    {
        return new RemoteSendException("the connection to node '" + c.peer + "' is full (" +
            (c.state == Connection.UP ? "Aeron back-pressure: the receiver is slow or stalled" : "still connecting") +
            "): nothing was sent to " + to + " (NodeConfig.WhenFull.FAIL)");
    }

    /** Waits a little for room: a process gives way to the others, a thread spins then parks. */
    private static void pause(final int attempt)
    {
        final ProcessContinuation pc = ProcessContinuation.current();
        if (pc != null)
        {
            if (attempt < 8)
            {
                ProcessOps.yield(pc);
            }
            else
            {
                ProcessOps.receive(pc, NOTHING, 100_000L);
            }
        }
        else if (attempt < 64)
        {
            Thread.onSpinWait();
        }
        else
        {
            LockSupport.parkNanos(attempt < 1000 ? 10_000L : 1_000_000L);
        }
    }

    // ---- names and node monitors ----

    /**
     * Finds the holder of a name on another node (a round trip).
     *
     * @param inbox   a plain thread's temporary inbox to wait on, or null inside a process.
     * @param to      node and name.
     * @param nanos   how long to wait for the answer.
     * @return the holder, or null (not registered, or no answer in time).
     */
    public Pid whereis(final InboxHandle inbox, final RemoteName to, final long nanos)
    {
        if (to.node().equals(name))
        {
            return signals.registry().whereis(to.name());
        }
        final ProcessContinuation pc = inbox == null ? ProcessContinuation.current() : null;
        final Pid self = inbox != null ? inbox.pid : pc.process.pid;
        final Connection c = connection(to.node());
        if (c == null)
        {
            return null;
        }
        final long id = requests.incrementAndGet();
        final Codec k = acquire();
        try
        {
            final MemoryBuffer b = k.begin(WHEREIS);
            k.writePid(b, self);
            b.writeInt64(id);
            k.writeString(b, to.name());
            offer(c, k, to);
        }
        finally
        {
            release(k);
        }
        final Predicate<Object> answer = m -> m instanceof WhereisReply r && r.request() == id;
        final Object reply = inbox != null ? runtime.receive(inbox, answer, nanos) : ProcessOps.receive(pc, answer, nanos);
        return reply instanceof WhereisReply r ? r.pid() : null;
    }

    /**
     * Monitors a node: {@code watcher} gets one {@link NodeDown} when the connection to it goes
     * down, at once when it cannot be reached.
     *
     * @param watcher a process of this node.
     * @param node    the node's name.
     */
    public void monitorNode(final Pid watcher, final String node)
    {
        if (node.equals(name))
        {
            return; // the BEAM: monitoring the own node never fires
        }
        final Connection c = connection(node);
        if (c == null)
        {
            schedulers.send(watcher, new NodeDown(node, closed ? "node closed" : addresses.containsKey(node) ?
                "unreachable (a connect failed less than a second ago)" : "unknown address (connect to it or give NodeConfig.Builder.peer)"),
                schedulers.callerScheduler());
            return;
        }
        boolean added;
        synchronized (c)
        {
            added = c.state != Connection.DOWN;
            if (added)
            {
                c.nodeMonitors.add(watcher);
            }
        }
        if (!added)
        {
            schedulers.send(watcher, new NodeDown(node, "connection down"), schedulers.callerScheduler());
        }
    }

    /**
     * @param watcher a process that monitors {@code node}.
     * @param node    the node's name.
     * @return whether one of its monitors of the node was removed.
     */
    public boolean demonitorNode(final Pid watcher, final String node)
    {
        final Connection c = peers.get(node);
        if (c == null)
        {
            return false;
        }
        synchronized (c)
        {
            return c.nodeMonitors.remove(watcher);
        }
    }

    // ---- the distribution thread ----

    private void run()
    {
        transport.pin();
        final Idle idle = new Idle(config.idle());
        long lastTick = 0;
        int failures = 0;
        while (running)
        {
            int work = 0;
            try
            {
                now = System.nanoTime();
                Connection c;
                while ((c = toStart.poll()) != null)
                {
                    begin(c);
                    work++;
                }
                while ((c = toDrop.poll()) != null)
                {
                    down(c, "replaced");
                    work++;
                }
                work += transport.doWork();
                work += transport.inbound.poll(assembler, 64);
                if (now - lastTick >= 1_000_000L)
                {
                    lastTick = now;
                    work += tick();
                }
                failures = 0;
            }
            catch (final Throwable t)
            {
                LOG.log(Level.ERROR, "node ''" + name + "'': distribution thread failed a round", t);
                if (++failures > 100)
                {
                    LOG.log(Level.ERROR, "node ''{0}'': distribution thread gives up after 100 failures in a row", name);
                    downAll("distribution failed: " + t);
                    return;
                }
            }
            idle.idle(work);
        }
    }

    /**
     * The distribution thread's back-off (docs/distribution.md, "Threads and CPUs"): spin, yield,
     * then park for 1 us doubling up to the mode's longest park (SPIN never parks, PARK parks 1 ms
     * at once). Before it parks it says so and looks for work once more; a sender that offers a
     * frame and sees it parked unparks it, so an outgoing message waits for no park. (A sender that
     * looks just before the flag is set costs one park at most.)
     */
    private final class Idle
    {
        private final IdleMode mode;
        private final long maxPark;
        private int rounds;
        private long park;

        Idle(final IdleMode mode)
        {
            this.mode = mode;
            this.maxPark = mode == IdleMode.PARK ? 1_000_000L : 200_000L;
        }

        void idle(final int work)
        {
            if (work > 0)
            {
                rounds = 0;
                park = 1_000L;
                return;
            }
            rounds++;
            if (mode == IdleMode.SPIN || (mode == IdleMode.BACKOFF && rounds < 100))
            {
                Thread.onSpinWait();
                return;
            }
            if (mode == IdleMode.BACKOFF && rounds < 110)
            {
                Thread.yield();
                return;
            }
            agentParked = true;
            try
            {
                if (transport.doWork() == 0 && transport.inbound.poll(assembler, 64) == 0)
                {
                    LockSupport.parkNanos(mode == IdleMode.PARK ? maxPark : park);
                    park = Math.min(maxPark, park * 2);
                }
                else
                {
                    rounds = 0;
                    park = 1_000L;
                }
            }
            finally
            {
                agentParked = false;
            }
        }
    }

    private void begin(final Connection c)
    {
        if (c.state != Connection.CONNECTING)
        {
            return;
        }
        try
        {
            c.publication = transport.publication(c.address);
        }
        catch (final RuntimeException e)
        {
            down(c, "connect failed: " + e.getMessage());
            return;
        }
        c.ownNonce = handshake.nonce();
        c.deadline = now + config.connectTimeout().toNanos();
        c.nextResend = now;
    }

    private int tick()
    {
        if (driverFailed)
        {
            downAll("the Aeron media driver failed");
            return 1;
        }
        int work = 0;
        for (final Connection c : peers.values())
        {
            if (c.publication == null)
            {
                continue; // not begun yet
            }
            if (c.state == Connection.CONNECTING)
            {
                if (now - c.deadline > 0)
                {
                    down(c, "connect failed: no handshake with " + c.address + " within " + config.connectTimeout());
                    work++;
                }
                else if (now - c.nextResend >= 0)
                {
                    c.nextResend = now + RESEND_NANOS;
                    if (!c.connector)
                    {
                        sendChallenge(c);
                    }
                    else if (c.authSent)
                    {
                        sendAuth(c);
                    }
                    else
                    {
                        sendHello(c);
                    }
                    work++;
                }
            }
            else if (c.state == Connection.UP)
            {
                if (now - c.lastHeard > config.heartbeatTimeout().toNanos())
                {
                    down(c, "heartbeat timeout: nothing heard for " + config.heartbeatTimeout());
                    work++;
                }
                else if (now - c.nextHeartbeat >= 0)
                {
                    c.nextHeartbeat = now + config.heartbeatInterval().toNanos();
                    control(c, agentCodec.begin(HEARTBEAT));
                    work++;
                }
            }
        }
        return work;
    }

    /** Offers a frame written by the distribution thread once; handshake frames are resent, heartbeats repeat. */
    private boolean control(final Connection c, final MemoryBuffer frame)
    {
        final Publication p = c.publication;
        return p != null && p.offer(agentCodec.view(frame.getHeapMemory(), frame.writerIndex()), 0, frame.writerIndex()) >= 0;
    }

    private void sendHello(final Connection c)
    {
        final MemoryBuffer b = agentCodec.begin(HELLO);
        b.writeInt32(VERSION);
        agentCodec.writeString(b, name);
        b.writeInt32(creation);
        agentCodec.writeString(b, transport.address);
        b.writeBytes(c.ownNonce);
        control(c, b);
    }

    private void sendChallenge(final Connection c)
    {
        final MemoryBuffer b = agentCodec.begin(CHALLENGE);
        b.writeInt32(VERSION);
        agentCodec.writeString(b, name);
        b.writeInt32(creation);
        agentCodec.writeString(b, transport.address);
        b.writeBytes(c.ownNonce);
        b.writeBytes(handshake.proof(Handshake.ROLE_ACCEPTOR, c.peerNonce, c.ownNonce, c.peer, c.claimedCreation, name, creation));
        control(c, b);
    }

    private void sendAuth(final Connection c)
    {
        final MemoryBuffer b = agentCodec.begin(AUTH);
        b.writeBytes(handshake.proof(Handshake.ROLE_CONNECTOR, c.ownNonce, c.peerNonce, name, creation, c.peer, c.claimedCreation));
        control(c, b);
    }

    private void refuse(final Connection c, final String why)
    {
        final MemoryBuffer b = agentCodec.begin(REFUSED);
        agentCodec.writeString(b, why);
        control(c, b);
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length > scratch.length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
            in = MemoryUtils.wrap(scratch);
        }
        buffer.getBytes(offset, scratch, 0, length);
        in.readerIndex(0);
        final int session = header.sessionId();
        Connection c = null;
        byte type = 0;
        try
        {
            type = in.readByte();
            switch (type)
            {
                case HELLO -> onHello(session);
                case CHALLENGE -> onChallenge(session);
                default ->
                {
                    c = bySession.get(session);
                    if (c == null || c.state == Connection.DOWN)
                    {
                        return; // a stale session (an old connection, or a refused one)
                    }
                    c.lastHeard = now;
                    dispatch(c, type);
                }
            }
        }
        catch (final RuntimeException e)
        {
            droppedFrames.incrementAndGet();
            LOG.log(Level.WARNING, "node ''{0}'': dropped a frame (type {1}) from {2}: {3}", name, type,
                c == null ? "session " + session : "node '" + c.peer + "'", String.valueOf(e));
        }
    }

    private void onHello(final int session)
    {
        final int version = in.readInt32();
        final String peer = agentCodec.readString(in);
        final int peerCreation = in.readInt32();
        final String listen = agentCodec.readString(in);
        final byte[] nonce = in.readBytes(Handshake.NONCE);
        if (version != VERSION || closed || peer.equals(name))
        {
            LOG.log(Level.WARNING, "node ''{0}'': ignored a connection from ''{1}'' at {2} (protocol version {3}, this node speaks {4})",
                name, peer, listen, version, VERSION);
            return;
        }
        Connection c = peers.get(peer);
        if (c != null)
        {
            if (c.bound && c.inboundSession == session)
            {
                return; // the connector resends HELLO until it hears from us
            }
            if (c.state == Connection.CONNECTING && c.connector && !c.authSent)
            {
                // Both sides connect at once: the smaller name stays the connector.
                if (name.compareTo(peer) < 0)
                {
                    return;
                }
                c.connector = false;
            }
            else
            {
                down(c, "the peer opened a new connection");
                c = null;
            }
        }
        if (c == null)
        {
            c = new Connection(peer, listen, false);
            peers.put(peer, c);
            try
            {
                c.publication = transport.publication(listen);
            }
            catch (final RuntimeException e)
            {
                down(c, "cannot answer " + listen + ": " + e.getMessage());
                return;
            }
        }
        else if (c.publication == null)
        {
            c.publication = transport.publication(listen);
        }
        addresses.put(peer, listen);
        c.claimedCreation = peerCreation;
        c.peerNonce = nonce;
        c.ownNonce = handshake.nonce();
        bind(c, session);
        c.deadline = now + config.connectTimeout().toNanos();
        c.nextResend = now + RESEND_NANOS;
        sendChallenge(c);
    }

    private void onChallenge(final int session)
    {
        final int version = in.readInt32();
        final String peer = agentCodec.readString(in);
        final int peerCreation = in.readInt32();
        agentCodec.readString(in); // its listen address: we connected to it
        final byte[] nonce = in.readBytes(Handshake.NONCE);
        final byte[] proof = in.readBytes(Handshake.PROOF);
        final Connection c = peers.get(peer);
        if (version != VERSION || c == null || c.state != Connection.CONNECTING || !c.connector)
        {
            return; // stale, or a duplicate after the connection came up
        }
        if (c.authSent && c.bound && c.inboundSession == session)
        {
            return; // a resent CHALLENGE: our AUTH is resent by the clock
        }
        if (!Handshake.same(proof, handshake.proof(Handshake.ROLE_ACCEPTOR, c.ownNonce, nonce, name, creation, peer, peerCreation)))
        {
            LOG.log(Level.WARNING, "node ''{0}'': refused node ''{1}'' at {2}: it does not know this node''s cookie", name, peer, c.address);
            bind(c, session);
            refuse(c, "cookie mismatch");
            down(c, "refused: node '" + peer + "' does not know the cookie");
            return;
        }
        c.claimedCreation = peerCreation;
        c.peerNonce = nonce;
        bind(c, session);
        c.authSent = true;
        c.nextResend = now + RESEND_NANOS;
        sendAuth(c);
    }

    private void bind(final Connection c, final int session)
    {
        if (c.bound && c.inboundSession != session)
        {
            bySession.remove(c.inboundSession, c);
        }
        c.inboundSession = session;
        c.bound = true;
        bySession.put(session, c);
    }

    private void dispatch(final Connection c, final byte type)
    {
        switch (type)
        {
            case AUTH ->
            {
                final byte[] proof = in.readBytes(Handshake.PROOF);
                if (c.state != Connection.CONNECTING || c.connector)
                {
                    return;
                }
                if (!Handshake.same(proof, handshake.proof(Handshake.ROLE_CONNECTOR, c.peerNonce, c.ownNonce, c.peer, c.claimedCreation,
                    name, creation)))
                {
                    LOG.log(Level.WARNING, "node ''{0}'': refused a connection from node ''{1}'' at {2}: wrong cookie", name, c.peer, c.address);
                    refuse(c, "wrong cookie");
                    down(c, "refused: wrong cookie");
                    return;
                }
                control(c, agentCodec.begin(ACCEPTED));
                up(c);
            }
            case ACCEPTED ->
            {
                if (c.state == Connection.CONNECTING && c.connector && c.authSent)
                {
                    up(c);
                }
            }
            case REFUSED ->
            {
                final String why = agentCodec.readString(in);
                LOG.log(Level.WARNING, "node ''{0}'': node ''{1}'' at {2} refused the connection: {3}", name, c.peer, c.address, why);
                down(c, "refused by '" + c.peer + "': " + why);
            }
            case HEARTBEAT ->
            {
                // lastHeard is enough
            }
            case GOODBYE -> down(c, "closed by '" + c.peer + "'");
            case SEND ->
            {
                final int targetCreation = in.readInt32();
                final int index = in.readInt32();
                final int serial = in.readInt32();
                final Object message = agentCodec.readObject(in);
                if (targetCreation == creation)
                {
                    schedulers.send(new Pid(localId, index, serial), message, null);
                }
            }
            case REG_SEND ->
            {
                final String to = agentCodec.readString(in);
                final Object message = agentCodec.readObject(in);
                final Pid p = signals.registry().whereis(to);
                if (p != null)
                {
                    schedulers.send(p, message, null);
                }
            }
            case LINK ->
            {
                final Pid from = agentCodec.readPid(in);
                final Pid to = agentCodec.readPid(in);
                synchronized (c)
                {
                    c.links.add(new Connection.LinkPair(to, from));
                }
                signals.send(to, new Signal.Link(from));
            }
            case UNLINK ->
            {
                final Pid from = agentCodec.readPid(in);
                final Pid to = agentCodec.readPid(in);
                synchronized (c)
                {
                    c.links.remove(new Connection.LinkPair(to, from));
                }
                signals.send(to, new Signal.Unlink(from));
            }
            case EXIT ->
            {
                final Pid from = agentCodec.readPid(in);
                final Pid to = agentCodec.readPid(in);
                final boolean viaLink = in.readBoolean();
                final Object reason = agentCodec.readObject(in);
                if (viaLink)
                {
                    synchronized (c)
                    {
                        c.links.remove(new Connection.LinkPair(to, from));
                    }
                }
                signals.send(to, new Signal.ExitSignal(from, reason, viaLink));
            }
            case MONITOR ->
            {
                final Pid watcher = agentCodec.readPid(in);
                final Pid to = agentCodec.readPid(in);
                final Ref ref = agentCodec.readRef(in);
                synchronized (c)
                {
                    c.watchedBy.put(ref, to);
                }
                signals.send(to, new Signal.Monitor(watcher, ref));
            }
            case DEMONITOR ->
            {
                final Pid to = agentCodec.readPid(in);
                final Ref ref = agentCodec.readRef(in);
                synchronized (c)
                {
                    c.watchedBy.remove(ref);
                }
                signals.send(to, new Signal.Demonitor(ref));
            }
            case DOWN ->
            {
                final Pid to = agentCodec.readPid(in);
                final Ref ref = agentCodec.readRef(in);
                final Pid pid = agentCodec.readPid(in);
                final Object reason = agentCodec.readObject(in);
                synchronized (c)
                {
                    c.watching.remove(ref);
                }
                signals.send(to, new Signal.DownSignal(ref, pid, reason));
            }
            case WHEREIS ->
            {
                final Pid replyTo = agentCodec.readPid(in);
                final long id = in.readInt64();
                final String n = agentCodec.readString(in);
                send(replyTo, new WhereisReply(id, signals.registry().whereis(n)));
            }
            default -> throw new IllegalStateException("unknown frame type " + type);
        }
    }

    private void up(final Connection c)
    {
        c.peerCreation = c.claimedCreation;
        c.lastHeard = now;
        c.nextHeartbeat = now;
        synchronized (c)
        {
            Connection.Pending p;
            while ((p = c.pending.poll()) != null)
            {
                final long started = System.nanoTime();
                long r;
                while ((r = c.publication.offer(agentCodec.view(p.frame(), p.frame().length), 0, p.frame().length)) < 0)
                {
                    if ((r != Publication.BACK_PRESSURED && r != Publication.ADMIN_ACTION && r != Publication.NOT_CONNECTED) ||
                        System.nanoTime() - started > config.connectTimeout().toNanos())
                    {
                        c.pending.clear();
                        c.pendingBytes = 0;
                        toDrop.add(c); // could not flush: the connection is unusable
                        break;
                    }
                    LockSupport.parkNanos(10_000L);
                }
            }
            c.pendingBytes = 0;
            c.state = Connection.UP;
        }
        retryAfter.remove(c.peer);
        c.ready.complete(c);
        LOG.log(Level.INFO, "node ''{0}'': connected to node ''{1}'' (creation {2}) at {3}", name, c.peer,
            Integer.toUnsignedString(c.peerCreation), c.address);
    }

    /**
     * The connection is lost (or could not be made): every link across it fires an exit signal
     * {@code noconnection}, every monitor a Down {@code noconnection}, every node monitor a
     * NodeDown; the peer's monitors of local processes are removed. Distribution thread (or close).
     */
    private void down(final Connection c, final String why)
    {
        final List<Connection.LinkPair> links;
        final Map<Ref, Connection.Watch> watching;
        final Map<Ref, Pid> watchedBy;
        final List<Pid> nodeMonitors;
        final boolean wasUp;
        synchronized (c)
        {
            if (c.state == Connection.DOWN)
            {
                return;
            }
            wasUp = c.state == Connection.UP;
            c.state = Connection.DOWN;
            links = new ArrayList<>(c.links);
            watching = new HashMap<>(c.watching);
            watchedBy = new HashMap<>(c.watchedBy);
            nodeMonitors = new ArrayList<>(c.nodeMonitors);
            c.links.clear();
            c.watching.clear();
            c.watchedBy.clear();
            c.nodeMonitors.clear();
            c.pending.clear();
            c.pendingBytes = 0;
        }
        peers.remove(c.peer, c);
        if (c.bound)
        {
            bySession.remove(c.inboundSession, c);
        }
        if (!wasUp)
        {
            retryAfter.put(c.peer, System.nanoTime() + RETRY_AFTER_FAILURE_NANOS);
        }
        final Publication p = c.publication;
        if (p != null)
        {
            try
            {
                p.close();
            }
            catch (final RuntimeException ignored)
            {
                // the client may be closing
            }
        }
        c.ready.completeExceptionally(new IllegalStateException(why));
        if (wasUp && !closed && !why.startsWith("closed by"))
        {
            LOG.log(Level.WARNING, "node ''{0}'': connection to node ''{1}'' at {2} lost: {3}", name, c.peer, c.address, why);
        }
        else
        {
            LOG.log(Level.INFO, "node ''{0}'': no connection to node ''{1}'' at {2}: {3}", name, c.peer, c.address, why);
        }
        if (closed)
        {
            return; // the node is closing: nobody is left to tell
        }
        for (final Connection.LinkPair l : links)
        {
            signals.send(l.local(), new Signal.ExitSignal(l.remote(), Reason.NOCONNECTION, true));
        }
        for (final Map.Entry<Ref, Connection.Watch> w : watching.entrySet())
        {
            signals.send(w.getValue().watcher(), new Signal.DownSignal(w.getKey(), w.getValue().target(), Reason.NOCONNECTION));
        }
        for (final Map.Entry<Ref, Pid> w : watchedBy.entrySet())
        {
            signals.send(w.getValue(), new Signal.Demonitor(w.getKey()));
        }
        for (final Pid watcher : nodeMonitors)
        {
            schedulers.send(watcher, new NodeDown(c.peer, why), null);
        }
    }

    private void downAll(final String why)
    {
        for (final Connection c : new ArrayList<>(peers.values()))
        {
            down(c, why);
        }
    }

    private void aeronError(final Throwable t)
    {
        LOG.log(Level.ERROR, "node ''" + name + "'': Aeron reported an error", t);
        if (t instanceof io.aeron.exceptions.DriverTimeoutException)
        {
            driverFailed = true;
        }
    }

    /**
     * Says goodbye to every connected node (so they see the connection closed at once, not after
     * their heartbeat timeout), stops the distribution thread and closes Aeron. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        running = false;
        try
        {
            agent.join(5_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        boolean said = false;
        for (final Connection c : peers.values())
        {
            if (c.state == Connection.UP)
            {
                said |= control(c, agentCodec.begin(GOODBYE));
            }
        }
        final long until = System.nanoTime() + (said ? 50_000_000L : 0);
        while (System.nanoTime() - until < 0)
        {
            transport.doWork(); // the driver runs on this thread now: let it send the goodbyes
            LockSupport.parkNanos(100_000L);
        }
        for (final Connection c : new ArrayList<>(peers.values()))
        {
            down(c, "node closed");
        }
        try
        {
            transport.close();
        }
        catch (final RuntimeException e)
        {
            LOG.log(Level.WARNING, "node ''{0}'': closing Aeron failed: {1}", name, e);
        }
    }
}
