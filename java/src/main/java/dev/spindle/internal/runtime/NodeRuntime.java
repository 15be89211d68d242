package dev.spindle.internal.runtime;

import dev.spindle.CallFailedException;
import dev.spindle.Down;
import dev.spindle.NodeClosedException;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Priority;
import dev.spindle.ProcessBody;
import dev.spindle.ProcessInfo;
import dev.spindle.Reason;
import dev.spindle.Ref;
import dev.spindle.SpawnOptions;
import dev.spindle.SystemMonitor;
import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.process.CallbackHandle;
import dev.spindle.internal.process.InboxHandle;
import dev.spindle.internal.process.Process;
import dev.spindle.internal.process.ProcessHandle;
import dev.spindle.internal.runqueue.RunQueueSet;
import dev.spindle.internal.scheduler.ProcessContinuation;
import dev.spindle.internal.scheduler.Scheduler;
import dev.spindle.internal.scheduler.VirtualProcess;
import dev.spindle.internal.scheduler.SchedulerCounters;
import dev.spindle.internal.scheduler.Schedulers;
import dev.spindle.internal.signals.SignalSnapshot;
import dev.spindle.internal.signals.Signals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One node's runtime: the entry point behind {@code dev.spindle.Node} and {@code Inbox}. It owns
 * the schedulers (and through them the process table, the signals and the run queues) and the
 * node's inboxes, and carries out the node-level operations for any calling thread.
 *
 * <h2>Close</h2>
 * {@link #close} shuts the node (from then on spawn, send and inbox calls from outside fail with
 * {@link NodeClosedException}, and work finishing late, such as dirty work, does nothing), wakes
 * every thread waiting in an inbox (it gets {@code NodeClosedException}), then stops the schedulers
 * and frees the native queues ({@link Schedulers#close}). Processes still alive are abandoned.
 */
public final class NodeRuntime
{
    /** Test hook points ({@code -Dspindle.testHooks=true}); folded away otherwise. */
    private static final boolean TEST_HOOKS = Boolean.getBoolean("spindle.testHooks");
    /** Tests only: runs in {@link #stack} while it holds a waiting process still (INSPECTING). */
    public static volatile Runnable inspectingHook;

    private final int id;
    private final NodeConfig config;
    private final Schedulers schedulers;
    private final Set<InboxHandle> inboxes = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Ref, CallbackHandle> callbackMonitors = new ConcurrentHashMap<>();
    private final Pid nodePid;

    /**
     * Starts the schedulers.
     *
     * @param id           node id.
     * @param config       configuration.
     * @param plan         scheduler count and CPUs ({@link CpuPlan#forThisJvm}).
     * @param processLimit maximum live processes and inboxes.
     */
    public NodeRuntime(final int id, final NodeConfig config, final CpuPlan plan, final int processLimit)
    {
        this.id = id;
        this.config = config;
        this.nodePid = new Pid(id, -1, 0);
        this.schedulers = new Schedulers(id, config, plan, processLimit);
    }

    /** @return the schedulers (for statistics, tests and tools inside the runtime). */
    public Schedulers schedulers()
    {
        return schedulers;
    }

    /** @return whether close has begun. */
    public boolean isClosed()
    {
        return schedulers.closed();
    }

    private void checkOpen(final String what)
    {
        if (schedulers.closed())
        {
            throw new NodeClosedException("node " + id + " is closed: cannot " + what);
        }
    }

    static Pid resolve(final Pid pid, final String name)
    {
        if (pid == null)
        {
            throw new IllegalArgumentException("no process registered as '" + name + "'");
        }
        return pid;
    }

    // ---- processes and messages ----

    /**
     * @param body    its code.
     * @param options priority and binding.
     * @return its pid.
     */
    public Pid spawn(final ProcessBody body, final SpawnOptions options)
    {
        checkOpen("spawn");
        final ProcessContinuation pc = ProcessContinuation.current();
        final Scheduler from = schedulers.callerScheduler(pc);
        return schedulers.spawn(body, options, from, from != null && pc != null ? pc.process.pid : null, null);
    }

    /**
     * Sends from any thread; a dead pid drops the message.
     *
     * @param to      receiver.
     * @param message not null.
     */
    public void send(final Pid to, final Object message)
    {
        checkOpen("send");
        final ProcessContinuation pc = ProcessContinuation.current();
        final Scheduler from = schedulers.callerScheduler(pc);
        if (pc != null && from != null)
        {
            // A process of this node sending through the Node API: it costs a reduction, as
            // Proc.send does, so a process that sends this way in a loop still gives way (it used
            // to hold its scheduler until the loop ended; the node's monitor then moved the
            // receiver it had woken to another core, and the two streamed across cores).
            ProcessOps.send(pc, to, message);
            return;
        }
        schedulers.send(to, message, from);
    }

    /**
     * @param name    a registered name.
     * @param message not null.
     */
    public void send(final String name, final Object message)
    {
        send(resolve(whereis(name), name), message);
    }

    /** @return the pid standing for the node itself (index -1: no process has it). */
    public Pid nodePid()
    {
        return nodePid;
    }

    /**
     * An exit signal from outside the processes.
     *
     * @param pid    target.
     * @param reason reason.
     */
    public void exit(final Pid pid, final Object reason)
    {
        checkOpen("send an exit signal");
        schedulers.signals().send(pid, new dev.spindle.internal.signals.Signal.ExitSignal(nodePid, reason, false));
    }

    /**
     * @param name a name
     * @return its holder, or null
     */
    public Pid whereis(final String name)
    {
        return schedulers.signals().registry().whereis(name);
    }

    /** @return live processes and inboxes. */
    public int processCount()
    {
        return schedulers.table().live();
    }

    /**
     * @param pid a pid.
     * @return a snapshot of the process, or null if it is not alive (or an inbox, or foreign).
     */
    public ProcessInfo info(final Pid pid)
    {
        if (pid.node() != id || !(schedulers.table().lookup(pid) instanceof Process p) || p.isExited())
        {
            return null;
        }
        return info(p);
    }

    private static ProcessInfo info(final Process p)
    {
        final SignalSnapshot s = Signals.snapshot(p);
        final String status = switch (p.stateVolatile())
        {
            case ProcessHandle.RUNNING -> "running";
            case ProcessHandle.WAITING, ProcessHandle.INSPECTING -> "waiting";
            case ProcessHandle.EXITED -> "exiting";
            default -> "runnable";
        };
        return new ProcessInfo(p.pid, status, (int)Math.min(Integer.MAX_VALUE, p.mailbox.depth()), p.reductionsOpaque(),
            p.homeOpaque(), Priority.values()[p.priorityOpaque()], s.links(), s.monitoring(), s.monitoredBy(), s.name(), s.trapExit(),
            p.mailbox.highWater(), p.parent, memoryOf(p), p.continuation instanceof VirtualProcess);
    }

    /**
     * An estimate of the bytes a process holds (its objects, not its messages, which may be shared,
     * nor its suspended stack, as {@code ProcessInfo} says): the fixed part, plus 24 bytes per
     * queued message node and the saved list's slots.
     */
    private static long memoryOf(final Process p)
    {
        final long fixed = p.continuation instanceof VirtualProcess ? FIXED_VIRTUAL : FIXED_RAW;
        return fixed + 24L * p.mailbox.depth() + 4L * p.mailbox.savedCapacity();
    }

    // A raw process's own objects, as HotSpot lays them out with compressed references
    // (docs/performance.md, eighth round; ProcessLayoutTest holds the first three): Process 80,
    // ProcessContinuation 64, Mailbox 104, Pid 24, its process-table slot about 8. Its stack chunk
    // (usually 232 B parked in a receive) is the part left out.
    private static final long FIXED_RAW = 280;
    private static final long FIXED_VIRTUAL = 800;

    /** @return the pids of every live process (not inboxes), in table order. */
    public List<Pid> processes()
    {
        final List<Pid> out = new ArrayList<>();
        schedulers.table().forEachLive(h ->
        {
            if (h instanceof Process p && !p.isExited())
            {
                out.add(p.pid);
            }
        });
        return out;
    }

    /**
     * The largest processes by one measure, without building a snapshot of every process.
     *
     * @param sort  the measure.
     * @param limit how many, at most.
     * @return snapshots, largest first.
     */
    public List<ProcessInfo> topProcesses(final ProcessInfo.Sort sort, final int limit)
    {
        if (limit <= 0)
        {
            return List.of();
        }
        final java.util.function.ToLongFunction<Process> key = switch (sort)
        {
            case REDUCTIONS -> Process::reductionsOpaque;
            case MAILBOX -> p -> p.mailbox.depth();
            case MEMORY -> NodeRuntime::memoryOf;
        };
        record Ranked(Process p, long key)
        {
        }
        final java.util.PriorityQueue<Ranked> top = new java.util.PriorityQueue<>(Math.min(limit, 1024) + 1,
            java.util.Comparator.comparingLong(Ranked::key));
        schedulers.table().forEachLive(h ->
        {
            if (h instanceof Process p && !p.isExited())
            {
                final long k = key.applyAsLong(p);
                if (top.size() < limit)
                {
                    top.add(new Ranked(p, k));
                }
                else if (k > top.peek().key())
                {
                    top.poll();
                    top.add(new Ranked(p, k));
                }
            }
        });
        final List<Ranked> ranked = new ArrayList<>(top);
        ranked.sort(java.util.Comparator.comparingLong(Ranked::key).reversed());
        final List<ProcessInfo> out = new ArrayList<>(ranked.size());
        for (final Ranked r : ranked)
        {
            if (!r.p().isExited())
            {
                out.add(info(r.p()));
            }
        }
        return out;
    }

    /**
     * A process's stack: a virtual-thread process's from the JDK; a waiting raw process's read
     * while it is held still (wakers spin meanwhile); a running one's sampled from its scheduler
     * thread (the frames above the continuation's entry).
     *
     * @param pid a process.
     * @return its frames, innermost first (empty when it could not be read), or null if it is not alive.
     */
    public List<StackTraceElement> stack(final Pid pid)
    {
        if (pid.node() != id || !(schedulers.table().lookup(pid) instanceof Process p) || p.isExited())
        {
            return null;
        }
        if (p.continuation instanceof VirtualProcess v)
        {
            return List.of(v.thread().getStackTrace());
        }
        if (p.tryInspect())
        {
            try
            {
                if (TEST_HOOKS && inspectingHook != null)
                {
                    inspectingHook.run();
                }
                final jdk.internal.vm.Continuation c = p.continuation;
                return c == null ? List.of() : List.of(c.getStackTrace());
            }
            finally
            {
                p.endInspection();
            }
        }
        return schedulers.runningStack(p);
    }

    /**
     * Sets the node's system monitor.
     *
     * @param receiver who gets the events, or null to clear.
     * @param settings what to report.
     * @return the previous receiver, or null.
     */
    public Pid systemMonitor(final Pid receiver, final SystemMonitor settings)
    {
        if (receiver != null && receiver.node() != id)
        {
            throw new IllegalArgumentException("the system monitor must be a process of this node, not " + receiver);
        }
        return schedulers.setSystemMonitor(receiver, settings);
    }

    // ---- inboxes ----

    /** @return a new inbox for the calling plain thread. */
    public InboxHandle newInbox()
    {
        if (Scheduler.onSchedulerThread())
        {
            throw new IllegalStateException("node.inbox() blocks a thread and must not be used inside a process: use Proc.receive()");
        }
        checkOpen("create an inbox");
        final InboxHandle h = newInboxHandle();
        if (schedulers.closed())
        {
            closeInbox(h); // lost a race with close: give the slot back
            throw new NodeClosedException("node " + id + " is closed: cannot create an inbox");
        }
        return h;
    }

    /**
     * Waits on an inbox: one thread at a time.
     *
     * @param h            the inbox.
     * @param timeoutNanos 0 polls; {@link Deadlines#FOREVER} waits forever.
     * @return the oldest message, or null on timeout.
     * @throws IllegalStateException when the inbox is closed or another thread is receiving.
     * @throws NodeClosedException   when the node is closed.
     */
    public Object receive(final InboxHandle h, final long timeoutNanos)
    {
        return InboxProtocol.receive(h, timeoutNanos, schedulers);
    }

    /** Closes an inbox: later messages to it are dropped, its table slot is reused. Idempotent. */
    public void closeInbox(final InboxHandle h)
    {
        if (InboxProtocol.close(h))
        {
            schedulers.signals().closedMailboxOnly(h);
            inboxes.remove(h);
            schedulers.table().release(h, null);
            if (h.claimReceiver(Thread.currentThread()) == null)
            {
                h.mailbox.clear(); // nobody inside receive: drop the messages now (else at GC)
                h.releaseReceiver();
            }
        }
    }

    /**
     * @param h            the inbox.
     * @param match        the selection (the others stay, in order).
     * @param timeoutNanos 0 polls; {@link Deadlines#FOREVER} waits forever.
     * @return the oldest matching message, or null on timeout.
     */
    public Object receive(final InboxHandle h, final java.util.function.Predicate<Object> match, final long timeoutNanos)
    {
        return InboxProtocol.receive(h, match, timeoutNanos, schedulers);
    }

    // ---- calls and monitors from any thread (docs/calls.md) ----

    private Pid server(final Object target)
    {
        if (target instanceof Pid pid)
        {
            return pid;
        }
        if (target instanceof String name)
        {
            final Pid pid = whereis(name);
            if (pid == null)
            {
                throw new CallFailedException("no process registered as '" + name + "'", Reason.NOPROC);
            }
            return pid;
        }
        throw new IllegalArgumentException("a call's target is a Pid or a registered name (String), not " +
            (target == null ? "null" : target.getClass().getName()));
    }

    /**
     * A call from any thread: inside a process it is {@code Proc.call}; elsewhere it waits on a
     * temporary inbox (no thread is made).
     *
     * @param target  a Pid or a registered name.
     * @param request the request.
     * @param nanos   timeout.
     * @param timeout as given.
     * @return the reply.
     */
    public Object call(final Object target, final Object request, final long nanos, final Duration timeout)
    {
        final ProcessContinuation pc = ProcessContinuation.current();
        if (pc != null && pc.scheduler().group() == schedulers)
        {
            return target instanceof String name ? ProcessOps.call(pc, name, request, nanos, timeout) :
                ProcessOps.call(pc, server(target), request, nanos, timeout);
        }
        checkOpen("call");
        final Pid server = server(target);
        final InboxHandle h = newInboxHandle();
        try
        {
            return PlainCalls.call(schedulers, h, server, request, nanos, timeout);
        }
        finally
        {
            closeInbox(h);
        }
    }

    /**
     * A call from the thread that receives on {@code h}; messages that are not the answer stay.
     *
     * @param h       the caller's inbox.
     * @param target  a Pid or a registered name.
     * @param request the request.
     * @param nanos   timeout.
     * @param timeout as given.
     * @return the reply.
     */
    public Object call(final InboxHandle h, final Object target, final Object request, final long nanos, final Duration timeout)
    {
        checkOpen("call");
        return PlainCalls.call(schedulers, h, server(target), request, nanos, timeout);
    }

    /**
     * A call whose answer completes a future; the caller never blocks.
     *
     * @param target  a Pid or a registered name.
     * @param request the request.
     * @param nanos   timeout.
     * @param timeout as given.
     * @return the future reply (CallTimeoutException, CallFailedException on failure).
     */
    public CompletableFuture<Object> ask(final Object target, final Object request, final long nanos, final Duration timeout)
    {
        checkOpen("ask");
        final Pid server;
        try
        {
            server = server(target);
        }
        catch (final CallFailedException e)
        {
            return CompletableFuture.failedFuture(e);
        }
        final PlainCalls.Ask ask = new PlainCalls.Ask(this, server, timeout);
        final CallbackHandle h = newCallbackHandle(ask);
        ask.start(h, request, nanos);
        return ask.future;
    }

    /**
     * @param h   an inbox.
     * @param pid the process to watch: its Down arrives in the inbox.
     * @return the monitor's reference.
     */
    public Ref monitor(final InboxHandle h, final Pid pid)
    {
        checkOpen("monitor");
        return schedulers.signals().monitor(h, pid);
    }

    /**
     * @param h     an inbox.
     * @param ref   a monitor it holds.
     * @return whether it was active (a Down already in the inbox stays).
     */
    public boolean demonitor(final InboxHandle h, final Ref ref)
    {
        return schedulers.signals().demonitor(h, ref);
    }

    /**
     * @param pid      the process to watch.
     * @param callback runs once with its Down (on a pool thread, never a scheduler).
     * @return the monitor's reference.
     */
    public Ref monitor(final Pid pid, final Consumer<Down> callback)
    {
        checkOpen("monitor");
        final PlainCalls.MonitorCallback m = new PlainCalls.MonitorCallback(this, callback);
        return m.start(newCallbackHandle(m), pid);
    }

    /**
     * @param ref a monitor made by {@link #monitor(Pid, Consumer)}.
     * @return whether it was active (its callback then never runs).
     */
    public boolean demonitor(final Ref ref)
    {
        final CallbackHandle h = callbackMonitors.remove(ref);
        if (h == null)
        {
            return false;
        }
        final boolean active = schedulers.signals().demonitor(h, ref);
        closeCallback(h);
        return active;
    }

    void rememberMonitor(final Ref ref, final CallbackHandle h)
    {
        callbackMonitors.put(ref, h);
    }

    void forgetMonitor(final Ref ref)
    {
        callbackMonitors.remove(ref);
    }

    private InboxHandle newInboxHandle()
    {
        final Pid pid = schedulers.table().reserve(null);
        final InboxHandle h = new InboxHandle(pid);
        schedulers.table().publish(h);
        inboxes.add(h);
        return h;
    }

    private CallbackHandle newCallbackHandle(final CallbackHandle.Listener listener)
    {
        final Pid pid = schedulers.table().reserve(null);
        final CallbackHandle h = new CallbackHandle(pid, listener);
        schedulers.table().publish(h);
        return h;
    }

    /** Closes a callback handle once: no more messages, its monitors fire, its slot is reused. */
    void closeCallback(final CallbackHandle h)
    {
        if (h.getAndSetState(ProcessHandle.EXITED) != ProcessHandle.EXITED)
        {
            schedulers.signals().closedMailboxOnly(h);
            schedulers.table().release(h, null);
        }
    }

    // ---- schedulers and statistics ----

    /** @return scheduler count. */
    public int schedulerCount()
    {
        return schedulers.count();
    }

    /** @return schedulers online. */
    public int online()
    {
        return schedulers.online();
    }

    /** @return schedulers carrying work. */
    public int active()
    {
        return schedulers.activeCount();
    }

    /**
     * @param n schedulers online
     * @return the previous number
     */
    public int setOnline(final int n)
    {
        return schedulers.setOnline(n);
    }

    /** @return timers pending in every scheduler's heap. */
    public long pendingTimers()
    {
        long n = 0;
        for (int i = 0; i < schedulers.count(); i++)
        {
            n += schedulers.scheduler(i).pendingTimers();
        }
        return n;
    }

    /** @return dirty tasks waiting for a thread. */
    public int dirtyQueued()
    {
        return schedulers.dirtyLoad()[0];
    }

    /**
     * @param i scheduler
     * @return its idle time so far
     */
    public long idleNanos(final int i)
    {
        return schedulers.scheduler(i).counters().idleNanos();
    }

    /** @return every scheduler's placement and counters (run-queue figures through the close gate). */
    public List<SchedulerFigures> figures()
    {
        final long[][] q = schedulers.queueStats();
        final List<SchedulerFigures> out = new ArrayList<>(schedulers.count());
        for (int i = 0; i < schedulers.count(); i++)
        {
            final Scheduler s = schedulers.scheduler(i);
            final SchedulerCounters c = s.counters();
            final long[] r = q == null ? new long[4 + RunQueueSet.COUNTERS] : q[i];
            out.add(new SchedulerFigures(i, i < schedulers.online(), new long[] {r[0], r[1], r[2], r[3]},
                r[4 + RunQueueSet.EXECUTED], r[4 + RunQueueSet.STOLEN], c.migrations(), c.contextSwitches(),
                r[4 + RunQueueSet.INJECTED], r[4 + RunQueueSet.PARKS], r[4 + RunQueueSet.WAKEUPS], c.idleNanos(),
                r[4 + RunQueueSet.PUSHED_LOCAL], r[4 + RunQueueSet.OVERFLOWED], r[4 + RunQueueSet.STEAL_ATTEMPTS],
                s.pendingTimers(), c.stalls(), c.errors(), !schedulers.dead(i),
                s.requestedCpu(), s.observedCpu(), c.drifts(), s.pinError(), c.spawnedCount(), c.exitedCount(),
                r[4 + RunQueueSet.RESCUED], r[4 + RunQueueSet.RESCUED_AWAY], r[4 + RunQueueSet.WATCHES]));
        }
        return out;
    }

    /** @return whether the calling thread is any node's scheduler or process (it must not block). */
    public boolean calledFromAnyScheduler()
    {
        return Scheduler.onSchedulerThread();
    }

    /** @return whether the calling thread runs one of this node's processes (or its scheduler). */
    public boolean calledFromOwnScheduler()
    {
        return schedulers.callerScheduler() != null;
    }

    // ---- lifecycle ----

    /**
     * Closes the node (see the class comment).
     *
     * @param timeoutNanos how long to wait for schedulers busy in processes that never give way.
     * @return the processes that kept a scheduler busy through the timeout.
     */
    public List<Pid> close(final long timeoutNanos)
    {
        schedulers.shut();
        for (final InboxHandle h : inboxes)
        {
            final Thread t = h.receiverVolatile();
            if (t != null)
            {
                LockSupport.unpark(t);
            }
        }
        return schedulers.close(timeoutNanos).stream().map(Schedulers.StuckProcess::pid).toList();
    }

    /** @return the configuration. */
    public NodeConfig config()
    {
        return config;
    }
}
