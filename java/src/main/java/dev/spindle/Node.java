package dev.spindle;

import dev.spindle.internal.nativebridge.JvmFlags;
import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.placement.PlacementLog;
import dev.spindle.internal.distribution.Distribution;
import dev.spindle.internal.distribution.NodeIds;
import dev.spindle.internal.runtime.Deadlines;
import dev.spindle.internal.runtime.NodeRuntime;
import dev.spindle.internal.runtime.SchedulerFigures;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A Spindle node: one scheduler thread per CPU (by default), each pinned and with its own run
 * queues, running lightweight processes.
 *
 * <pre>{@code
 * try (Node node = Node.start()) {
 *     Pid echo = node.spawn(() -> {
 *         while (true) {
 *             Object[] req = (Object[]) Proc.receive();
 *             Proc.send((Pid) req[0], req[1]);
 *         }
 *     });
 *     try (Inbox inbox = node.inbox()) {
 *         node.send(echo, new Object[] {inbox.pid(), "hello"});
 *         System.out.println(inbox.receive());
 *     }
 * }
 * }</pre>
 *
 * A closed node refuses spawn, send and inbox with {@link NodeClosedException}. Methods may be
 * called from any thread, inside or outside processes, except {@link #close()} (not from one of
 * this node's processes) and {@link #inbox()} (not from a process: use {@link Proc#receive()}).
 */
public final class Node implements AutoCloseable
{
    /** Default limit on live processes (plus inboxes). */
    public static final int DEFAULT_PROCESS_LIMIT = 1 << 22;

    private final int id;
    private final NodeConfig config;
    private final NodeRuntime runtime;
    private final Distribution distribution; // null for a node without a name

    private Node(final NodeConfig config, final CpuPlan plan)
    {
        this.id = NodeIds.newLocal(); // JVM-wide: remote nodes' aliases come from the same ids
        this.config = config;
        this.runtime = new NodeRuntime(id, config, plan, DEFAULT_PROCESS_LIMIT);
        Distribution d = null;
        if (config.distribution() != null)
        {
            try
            {
                d = Distribution.start(runtime, id, config.distribution());
            }
            catch (final RuntimeException | Error e)
            {
                runtime.close(1_000_000_000L);
                throw e;
            }
        }
        this.distribution = d;
    }

    /**
     * Starts a node with the defaults: one pinned scheduler per CPU this JVM may use (its affinity
     * mask, cgroup CPU quota and {@code -XX:ActiveProcessorCount}), on CPUs no other pinned thread holds.
     *
     * @return the running node.
     */
    public static Node start()
    {
        return start(NodeConfig.defaults());
    }

    /**
     * Starts a node.
     *
     * @param config how to run.
     * @return the running node.
     * @throws IllegalArgumentException when the placement is impossible (a CPU this JVM may not use,
     *                                  more pinned schedulers than CPUs); the message names the CPUs.
     * @throws IllegalStateException    when JVM flags Spindle needs are missing (the message is the
     *                                  line of flags to add), or with {@link CpuConflict#FAIL} when a
     *                                  planned CPU is held (the message names the holder).
     * @throws UnsatisfiedLinkError     when native run queues were asked for and libspindle cannot be
     *                                  loaded (the message names the path tried and the OS's reason).
     */
    public static Node start(final NodeConfig config)
    {
        Objects.requireNonNull(config, "config");
        // First: without these flags the next classes fail to load with the JDK's IllegalAccessError.
        JvmFlags.check(config.runQueues() == RunQueues.NATIVE || config.pinned());
        final CpuPlan plan = CpuPlan.forThisJvm(config);
        final Node node = new Node(config, plan);
        final List<Placement> where = node.placement();
        final int[] got = where.stream().mapToInt(Placement::requestedCpu).toArray();
        final String[] notes = where.stream().map(Placement::error).toArray(String[]::new);
        final String refused = plan.refusal(got, notes);
        if (refused != null)
        {
            node.close(); // its schedulers release their CPUs as their threads end
            throw new IllegalStateException(refused);
        }
        PlacementLog.started(plan, node.id, got, notes);
        return node;
    }

    /** @return this node's id (the first number of its pids). */
    public int id()
    {
        return id;
    }

    /** @return the configuration it was started with. */
    public NodeConfig config()
    {
        return config;
    }

    /** @return the number of schedulers (online or not). */
    public int schedulers()
    {
        return runtime.schedulerCount();
    }

    /**
     * @return schedulers carrying work now: {@link #schedulersOnline()}, or fewer while load
     * compaction ({@link NodeConfig.Builder#compaction(boolean)}) lets the rest sleep.
     */
    public int schedulersActive()
    {
        return runtime.active();
    }

    /** @return the number of schedulers online now. */
    public int schedulersOnline()
    {
        return runtime.online();
    }

    /**
     * Takes schedulers {@code n..schedulers()-1} offline, or brings them back online, at run time
     * and under load. Offline schedulers hand every queued process to an online one and sleep; no
     * message is lost. A process bound to an offline scheduler runs on another online scheduler
     * until its own is back.
     *
     * @param n 1..{@link #schedulers()}.
     * @return the previous number online.
     * @throws NodeClosedException on a closed node.
     */
    public int schedulersOnline(final int n)
    {
        return runtime.setOnline(n);
    }

    /**
     * Spawns a process with default options.
     *
     * @param body its code.
     * @return its pid.
     * @throws NodeClosedException on a closed node.
     */
    public Pid spawn(final ProcessBody body)
    {
        return spawn(body, SpawnOptions.defaults());
    }

    /**
     * Spawns a process.
     *
     * @param body    its code.
     * @param options priority and scheduler binding.
     * @return its pid.
     * @throws NodeClosedException on a closed node.
     */
    public Pid spawn(final ProcessBody body, final SpawnOptions options)
    {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(options, "options");
        return runtime.spawn(body, options);
    }

    /**
     * Sends a message. Messages from one sender arrive in the order sent; a message to a process
     * that has exited is dropped silently. Called by a process of this node it is
     * {@link Proc#send(Pid, Object)}: it costs a reduction, so a process sending in a loop still
     * gives way.
     *
     * @param to      receiver.
     * @param message not null.
     * @throws NullPointerException for a null pid or message.
     * @throws NodeClosedException  on a closed node.
     */
    public void send(final Pid to, final Object message)
    {
        Objects.requireNonNull(to, "pid");
        Objects.requireNonNull(message, "message");
        runtime.send(to, message);
    }

    /**
     * Sends to a registered name.
     *
     * @param name    a registered name.
     * @param message not null.
     * @throws IllegalArgumentException when no process is registered under it.
     */
    public void send(final String name, final Object message)
    {
        Objects.requireNonNull(message, "message");
        runtime.send(name, message);
    }

    /**
     * Calls a process (see {@link Proc#call}) from any thread: an HTTP, Netty or Kafka thread waits
     * here, on a temporary inbox, with the same reply, timeout and failure semantics as
     * {@code Proc.call}; inside a process this is {@code Proc.call}. No thread is made per call.
     *
     * @param target  the server: a {@link Pid} or a registered name.
     * @param request the request.
     * @param timeout how long to wait.
     * @return the reply.
     * @throws CallTimeoutException when no reply came in time.
     * @throws CallFailedException  when the server exited, or nobody holds the name ({@link Reason#NOPROC}).
     * @throws NodeClosedException  on a closed node.
     */
    public Object call(final Object target, final Object request, final Duration timeout)
    {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(request, "request");
        return runtime.call(target, request, Deadlines.nanos(timeout, "timeout"), timeout);
    }

    /**
     * Calls a process without blocking the caller, for asynchronous frameworks: the reply completes
     * the future (on a pool thread, never a scheduler), or it fails with
     * {@link CallTimeoutException} or {@link CallFailedException}. No thread waits and none is made
     * per call.
     *
     * @param target  the server: a {@link Pid} or a registered name.
     * @param request the request.
     * @param timeout how long the answer may take.
     * @return the future reply.
     * @throws NodeClosedException on a closed node.
     */
    public java.util.concurrent.CompletableFuture<Object> ask(final Object target, final Object request, final Duration timeout)
    {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(request, "request");
        return runtime.ask(target, request, Deadlines.nanos(timeout, "timeout"), timeout);
    }

    /**
     * Monitors a process from outside: {@code onDown} runs once with its {@link Down} (at once, with
     * {@link Reason#NOPROC}, if it is not alive), on a pool thread, never a scheduler. To receive the
     * Down in a thread's mailbox instead, use {@link Inbox#monitor(Pid)}.
     *
     * @param pid    the process.
     * @param onDown what to do when it exits.
     * @return the monitor's reference.
     * @throws NodeClosedException on a closed node.
     */
    public Ref monitor(final Pid pid, final java.util.function.Consumer<Down> onDown)
    {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(onDown, "onDown");
        return runtime.monitor(pid, onDown);
    }

    /**
     * Removes a monitor made by {@link #monitor(Pid, java.util.function.Consumer)}; its callback
     * does not run afterwards.
     *
     * @param ref the monitor.
     * @return whether it was still active.
     */
    public boolean demonitor(final Ref ref)
    {
        Objects.requireNonNull(ref, "ref");
        return runtime.demonitor(ref);
    }

    /**
     * Sends an exit signal from outside the processes (an operator's kill, a shutdown hook), with
     * the rules of {@link Proc#exit(Pid, Object)}: {@link Reason#KILL} cannot be trapped; other
     * reasons end a process that does not trap exits (except {@link Reason#NORMAL}, ignored), and
     * reach a trapping one as an {@link Exit} from {@link #pid()}.
     *
     * @param pid    the target.
     * @param reason the reason.
     * @throws NodeClosedException on a closed node.
     */
    public void exit(final Pid pid, final Object reason)
    {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(reason, "reason");
        runtime.exit(pid, reason);
    }

    /** @return the pid that stands for this node itself: the sender of exit signals from {@link #exit}. */
    public Pid pid()
    {
        return runtime.nodePid();
    }

    /**
     * @param name a name
     * @return its pid, or null when unknown
     */
    public Pid whereis(final String name)
    {
        return runtime.whereis(name);
    }

    /**
     * A snapshot of a process, or null if it is not alive.
     *
     * @param pid the process.
     * @return its status, mailbox length, reductions, scheduler, links and monitors.
     */
    public ProcessInfo info(final Pid pid)
    {
        Objects.requireNonNull(pid, "pid");
        return runtime.info(pid);
    }

    /** @return the pids of every live process (not inboxes); weakly consistent. */
    public List<Pid> processes()
    {
        return runtime.processes();
    }

    /**
     * The largest processes by reductions, mailbox length or estimated memory, as an observer
     * lists them; cheap enough to call every second on a node with a million processes.
     *
     * @param sort  the measure.
     * @param limit how many, at most (>= 0).
     * @return snapshots, largest first.
     */
    public List<ProcessInfo> topProcesses(final ProcessInfo.Sort sort, final int limit)
    {
        Objects.requireNonNull(sort, "sort");
        if (limit < 0)
        {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        return runtime.topProcesses(sort, limit);
    }

    /**
     * A process's stack, innermost frame first: where a waiting process waits, or where a running
     * one runs now (sampled). Empty when it cannot be read at this moment (it is being switched).
     *
     * @param pid a process.
     * @return its frames, or null if it is not alive.
     */
    public List<StackTraceElement> stack(final Pid pid)
    {
        Objects.requireNonNull(pid, "pid");
        return runtime.stack(pid);
    }

    /**
     * Makes {@code receiver} the node's system monitor (OTP's {@code erlang:system_monitor}): it
     * gets {@link SystemMonitor.Event} messages for long schedules, long message queues and stuck
     * schedulers, as {@code settings} says. One receiver per node; its exit clears it.
     *
     * @param receiver a process of this node, or null to stop.
     * @param settings what to report ({@link SystemMonitor#OFF} stops).
     * @return the previous receiver, or null.
     */
    public Pid systemMonitor(final Pid receiver, final SystemMonitor settings)
    {
        Objects.requireNonNull(settings, "settings");
        return runtime.systemMonitor(receiver, settings);
    }

    /** @return sendAfter and receive timers pending in the schedulers' heaps. */
    public long pendingTimers()
    {
        return runtime.pendingTimers();
    }

    /** @return tasks waiting for a dirty thread ({@link Proc#dirty}); the dirty queue is unbounded. */
    public int dirtyQueued()
    {
        return runtime.dirtyQueued();
    }

    /**
     * Creates a mailbox with a pid for a plain Java thread, so it can exchange messages with
     * processes.
     *
     * @return a new inbox; close it when done (its table slot is then reused).
     * @throws IllegalStateException when called inside a process.
     * @throws NodeClosedException   on a closed node.
     */
    public Inbox inbox()
    {
        return new Inbox(runtime, runtime.newInbox());
    }

    /** @return live processes and inboxes. */
    public int processCount()
    {
        return runtime.processCount();
    }

    /**
     * Where each scheduler runs: the CPU it was pinned to (and holds: see {@link CpuConflict}) and
     * the CPU it read back with sched_getcpu.
     *
     * @return one entry per scheduler.
     */
    public List<Placement> placement()
    {
        final List<Placement> out = new ArrayList<>();
        for (final SchedulerFigures f : runtime.figures())
        {
            out.add(new Placement(f.scheduler(), f.requestedCpu(), f.observedCpu(), f.drifts(), f.pinError()));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Counters per scheduler, read without stopping anything: cumulative since start. After close
     * the run-queue figures are those captured when the queues were freed.
     *
     * @return one entry per scheduler.
     */
    public List<SchedulerStats> stats()
    {
        final List<SchedulerStats> out = new ArrayList<>();
        for (final SchedulerFigures f : runtime.figures())
        {
            out.add(new SchedulerStats(f.scheduler(), f.online(), f.queued(), f.executed(), f.stolen(), f.migrations(),
                f.contextSwitches(), f.injected(), f.parks(), f.wakeups(), f.idleNanos(), f.pushedLocal(), f.overflowed(),
                f.stealAttempts(), f.timers(), f.stalls(), f.errors(), f.alive(), f.spawned(), f.exited(),
                f.rescued(), f.rescuedAway(), f.watches()));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Scheduler utilization over a window, like the BEAM's {@code scheduler:utilization(Seconds)}:
     * for each scheduler the fraction of the window it was not idle (running processes, stealing,
     * handling timers). Blocks the caller for the window.
     *
     * @param window how long to sample, positive.
     * @return one value in [0, 1] per scheduler.
     * @throws IllegalStateException    when called inside a process (it would block a scheduler).
     * @throws IllegalArgumentException for a null, zero or negative window.
     */
    public double[] utilization(final Duration window)
    {
        if (window == null || window.isNegative() || window.isZero())
        {
            throw new IllegalArgumentException("utilization window must be positive, was " + window);
        }
        if (runtime.calledFromAnyScheduler())
        {
            throw new IllegalStateException("node.utilization(window) blocks and must not be called inside a process");
        }
        final int n = runtime.schedulerCount();
        final long[] idle0 = new long[n];
        for (int i = 0; i < n; i++)
        {
            idle0[i] = runtime.idleNanos(i);
        }
        final long t0 = System.nanoTime();
        java.util.concurrent.locks.LockSupport.parkNanos(Deadlines.nanos(window, "window"));
        final long elapsed = Math.max(1, System.nanoTime() - t0);
        final double[] util = new double[n];
        for (int i = 0; i < n; i++)
        {
            final long idle = runtime.idleNanos(i) - idle0[i];
            util[i] = Math.min(1.0, Math.max(0.0, 1.0 - (double)idle / elapsed));
        }
        return util;
    }

    /**
     * Stops every scheduler and waits for their threads, at most {@link NodeConfig#closeTimeout()}
     * for a scheduler busy in a process that never gives way (see {@link #close(Duration)}).
     * Processes still alive are abandoned; threads waiting in an inbox get
     * {@link NodeClosedException}. Idempotent.
     *
     * @throws IllegalStateException when called from one of this node's processes.
     */
    @Override
    public void close()
    {
        close(config.closeTimeout());
    }

    /**
     * As {@link #close()}, with an explicit bound on the wait for schedulers busy in processes that
     * never give way. Those processes are logged with their stacks and returned; their schedulers'
     * threads end, and the native run queues are freed, when the processes finish.
     *
     * @param timeout how long to wait for busy schedulers.
     * @return the processes that kept a scheduler busy through the timeout (empty normally, and on
     * every call after the first).
     * @throws IllegalStateException when called from one of this node's processes.
     */
    public List<Pid> close(final Duration timeout)
    {
        final long nanos = Deadlines.nanos(timeout, "timeout");
        if (runtime.calledFromOwnScheduler())
        {
            throw new IllegalStateException("node.close() called from inside one of its own processes; close it from another thread");
        }
        if (distribution != null)
        {
            distribution.close(); // first: peers hear goodbye, and nothing arrives for a closing node
        }
        return runtime.close(nanos);
    }

    /** @return whether the node is closed. */
    public boolean isClosed()
    {
        return runtime.isClosed();
    }

    // ---- distribution (docs/distribution.md) ----

    private Distribution distribution(final String what)
    {
        if (distribution == null)
        {
            throw new IllegalStateException("node " + id + " has no name, so it cannot " + what + ": start it with NodeConfig.Builder.name(...)");
        }
        return distribution;
    }

    /** @return this node's name, or null for a node without one. */
    public String name()
    {
        return distribution == null ? null : distribution.name();
    }

    /** @return the {@code host:port} other nodes reach this node at (the port chosen for port 0), or null without a name. */
    public String address()
    {
        return distribution == null ? null : distribution.address();
    }

    /**
     * Connects to another node (proving the shared cookie both ways) and waits until it is up.
     * Not needed for nodes listed with {@link NodeConfig.Builder#peer}: they connect on first use.
     *
     * @param node    its name.
     * @param address its {@code host:port}.
     * @throws IllegalStateException when it cannot be reached within the connect timeout, or refuses (wrong cookie).
     */
    public void connect(final String node, final String address)
    {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(address, "address");
        NodeConfig.builder().peer(node, address); // checks the address
        distribution("connect").connect(node, address);
    }

    /** @return the names of the nodes connected now (empty for a node without a name). */
    public List<String> nodes()
    {
        return distribution == null ? List.of() : distribution.nodes();
    }

    /**
     * Sends to a name registered on another node (or this one); dropped silently when nobody
     * holds it there, as the BEAM does.
     *
     * @param to      node and name.
     * @param message not null.
     */
    public void send(final RemoteName to, final Object message)
    {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        distribution("send to " + to).send(to, message);
    }

    /**
     * Asks another node who holds a name there (a round trip, at most the connect timeout).
     *
     * @param name node and name.
     * @return the holder, or null when nobody holds it or the node did not answer.
     */
    public Pid whereis(final RemoteName name)
    {
        Objects.requireNonNull(name, "name");
        final Distribution d = distribution("look up " + name);
        final dev.spindle.internal.process.InboxHandle h = runtime.newInbox();
        try
        {
            return d.whereis(h, name, config.distribution().connectTimeout().toNanos());
        }
        finally
        {
            runtime.closeInbox(h);
        }
    }

    /**
     * @param pid any pid.
     * @return the name of the node it belongs to, or null for a node without a name.
     */
    public static String nameOf(final Pid pid)
    {
        Objects.requireNonNull(pid, "pid");
        return NodeIds.name(pid.node());
    }

    /** @return the runtime behind this node (for the runtime's own tools and tests). */
    NodeRuntime runtime()
    {
        return runtime;
    }

    @Override
    public String toString()
    {
        return "Node[" + id + (distribution == null ? "" : " '" + distribution.name() + "' at " + distribution.address()) + ", " + runtime.schedulerCount() + " schedulers" + (isClosed() ? ", closed" : "") + "]";
    }

    /**
     * Where a scheduler runs.
     *
     * @param scheduler    0-based index.
     * @param requestedCpu CPU it was pinned to, -1 when unpinned (also when its planned CPU was held:
     *                     see {@code error}).
     * @param observedCpu  CPU last read back with sched_getcpu (at start, after each sleep and
     *                     every 65,536 rounds), -1 if unknown.
     * @param drifts       times it was found off its pinned CPU.
     * @param error        why it is not on its planned CPU (another thread or process holds that
     *                     CPU: which, and where it went instead) or why pinning failed; null normally.
     */
    public record Placement(int scheduler, int requestedCpu, int observedCpu, long drifts, String error)
    {
        /** @return whether it runs where it was asked to and never drifted (always true when unpinned). */
        public boolean verified()
        {
            return requestedCpu < 0 || (requestedCpu == observedCpu && drifts == 0);
        }
    }

    /**
     * Counters of one scheduler, cumulative since the node started.
     *
     * @param scheduler       0-based index.
     * @param online          whether it is online now.
     * @param queued          approximate queue length per priority (max, high, normal, low).
     * @param executed        entries taken from its run queues.
     * @param stolen          processes it took from other schedulers.
     * @param migrations      processes it handed to other schedulers (offline evacuation, balancing).
     * @param contextSwitches processes it resumed.
     * @param injected        wake-ups pushed to it from other threads.
     * @param parks           times it slept.
     * @param wakeups         wake-ups sent to it.
     * @param idleNanos       time spent idle.
     * @param pushedLocal     processes it queued on itself.
     * @param overflowed      entries that went to its overflow list (a full ring or inject queue).
     * @param stealAttempts   victims it probed while stealing.
     * @param timers          timers pending in its heap now.
     * @param stalls          times the node's monitor saw it stuck in one long call (a process
     *                        that did not give way for twice the time slice).
     * @param errors          failures caught in its loop (it kept running).
     * @param alive           false once its thread died (its work moved to the others).
     * @param spawned         processes spawned onto it (where each was queued first).
     * @param exited          processes whose exit path ran on it (spawned minus exited, summed over
     *                        the schedulers, is the number of live processes).
     * @param rescued         entries it took from the inject queue or overflow list of a scheduler
     *                        stalled in one long call (docs/native-core.md).
     * @param rescuedAway     entries other schedulers rescued from it while it was stalled.
     * @param watches         sleeps it took as the watcher: the one idle scheduler that wakes at
     *                        least every millisecond while another is busy, to catch a stall.
     */
    public record SchedulerStats(int scheduler, boolean online, long[] queued, long executed, long stolen, long migrations,
                                 long contextSwitches, long injected, long parks, long wakeups, long idleNanos,
                                 long pushedLocal, long overflowed, long stealAttempts, int timers, long stalls, long errors,
                                 boolean alive, long spawned, long exited, long rescued, long rescuedAway,
                                 long watches)
    {
    }
}
