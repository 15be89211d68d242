package dev.spindle.internal.scheduler;

import dev.spindle.NodeClosedException;
import dev.spindle.MonitoredPid;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.ProcessBody;
import dev.spindle.Ref;
import dev.spindle.RunQueues;
import dev.spindle.SpawnOptions;
import dev.spindle.SystemMonitor;
import dev.spindle.internal.messages.MessageChecker;
import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.process.CallbackHandle;
import dev.spindle.internal.process.InboxHandle;
import dev.spindle.internal.process.Process;
import dev.spindle.internal.process.ProcessHandle;
import dev.spindle.internal.process.ProcessTable;
import dev.spindle.internal.runqueue.JavaRunQueueSet;
import dev.spindle.internal.runqueue.NativeRunQueueSet;
import dev.spindle.internal.runqueue.RunQueueSet;
import dev.spindle.internal.signals.Signals;
import dev.spindle.internal.timer.MessageTimer;

import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's schedulers and what crosses them: spawning, waking and requeueing processes (where to
 * is {@link Placement}'s one decision), the exit path, the schedulers' lifecycle, and the pieces
 * they share: the run queues, the active set, the balancer, the dirty pool and the node's monitor
 * thread.
 *
 * <h2>Lifecycle (docs/architecture.md, "Close")</h2>
 * Native memory (the run queues) is touched by the schedulers' own threads and, through the
 * {@link Gate}, by every other thread. {@link #close} shuts the gate (new outside calls fail or
 * do nothing), stops the schedulers (each leaves at its next round; a process that never gives way
 * keeps its scheduler up to the close timeout), stops the monitor and the dirty threads, waits for
 * the gate to drain and only then frees the queues. If a scheduler did not stop, the queues are not
 * freed: a {@link Cleaner} frees them once the stuck thread is gone and the node is unreachable.
 */
public final class Schedulers implements MessageTimer.Delivery
{
    /** Test hook points ({@code -Dspindle.testHooks=true}); folded away otherwise. */
    private static final boolean TEST_HOOKS = Boolean.getBoolean("spindle.testHooks");
    /** Tests only: runs in a send between winning the receiver's wake CAS and waking it. */
    static volatile Runnable wonWakeHook;

    private static final System.Logger LOG = System.getLogger("dev.spindle");
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int LOCAL_CAPACITY = 4096;
    private static final int INJECT_CAPACITY = 1 << 16;

    private final int nodeId;
    private final NodeConfig config;
    private final RunQueueSet queues;
    private final Cleaner.Cleanable cleanable; // native queues only: null for the Java twin
    private final ProcessTable table;
    private final Scheduler[] schedulers;
    private final ActiveSet active;
    private final Balancer balancer;
    private final Placement placement;
    private final Signals signals;
    private final DirtyPool dirtyPool;
    private final Sysmon sysmon;
    private final MessageChecker messageCheck; // null when NodeConfig.messageCheck is OFF: the send path tests it, nothing more
    private final Gate gate = new Gate();
    private final CountDownLatch startedLatch;
    private volatile boolean stopping;
    private volatile boolean closed;
    private volatile long[][] finalQueueStats; // run-queue counters and lengths captured at close
    // The system monitor (erlang:system_monitor): one receiver per node. longQueue is read on every
    // send (0: off), so it is its own field.
    private volatile SystemMonitorTarget systemMonitor;
    private volatile long longQueue;

    /**
     * @param receiver who gets the events
     * @param settings what to report
     */
    record SystemMonitorTarget(Pid receiver, SystemMonitor settings)
    {
    }

    /**
     * Creates and starts the schedulers.
     *
     * @param nodeId       node id for pids.
     * @param config       configuration.
     * @param plan         CPU per scheduler.
     * @param processLimit maximum live processes.
     */
    public Schedulers(final int nodeId, final NodeConfig config, final CpuPlan plan, final int processLimit)
    {
        this.nodeId = nodeId;
        this.config = config;
        this.messageCheck = MessageChecker.of(config);
        final int n = plan.schedulers();
        this.queues = config.runQueues() == RunQueues.NATIVE ?
            new NativeRunQueueSet(n, LOCAL_CAPACITY, INJECT_CAPACITY) :
            new JavaRunQueueSet(n, LOCAL_CAPACITY, INJECT_CAPACITY);
        // Native memory only: freed by close(), or by the Cleaner when close() could not (a stuck
        // scheduler). The Java twin is plain heap, and must not be registered: its parkers hold
        // the scheduler threads, so the Cleaner's action would keep this node reachable for ever.
        this.cleanable = queues instanceof NativeRunQueueSet q ? CLEANER.register(this, q::close) : null;
        this.table = new ProcessTable(nodeId, processLimit);
        this.active = new ActiveSet(n, queues, this::unparkAll);
        this.balancer = new Balancer(this, queues, active, config.compaction());
        this.placement = new Placement(active, balancer);
        this.signals = new Signals(nodeId, table, this::afterSignal);
        this.dirtyPool = new DirtyPool(this, Math.max(2, n));
        final ThreadGroup threads = new ThreadGroup("spindle-node-" + nodeId);
        this.schedulers = new Scheduler[n];
        this.startedLatch = new CountDownLatch(n);
        for (int i = 0; i < n; i++)
        {
            schedulers[i] = new Scheduler(this, i, plan.pin(i), threads);
        }
        for (final Scheduler s : schedulers)
        {
            queues.register(s.id, s.thread);
            s.start();
        }
        this.sysmon = new Sysmon(this, threads);
        try
        {
            startedLatch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        sysmon.start();
    }

    // ---- the pieces ----

    int nodeId()
    {
        return nodeId;
    }

    NodeConfig config()
    {
        return config;
    }

    RunQueueSet queues()
    {
        return queues;
    }

    /** @return the process table. */
    public ProcessTable table()
    {
        return table;
    }

    /** @return links, monitors, exit signals and names of this node. */
    public Signals signals()
    {
        return signals;
    }

    ActiveSet active()
    {
        return active;
    }

    Balancer balancer()
    {
        return balancer;
    }

    Placement placement()
    {
        return placement;
    }

    boolean stopping()
    {
        return stopping;
    }

    /** @return scheduler count. */
    public int count()
    {
        return schedulers.length;
    }

    /**
     * @param i index
     * @return scheduler i.
     */
    public Scheduler scheduler(final int i)
    {
        return schedulers[i];
    }

    /** @return schedulers online now (the user's setting). */
    public int online()
    {
        return active.online();
    }

    /** @return schedulers carrying work: online ones, fewer while compaction has put some to sleep. */
    public int activeCount()
    {
        return active.active();
    }

    /**
     * @param i scheduler
     * @return whether its thread died (it is never given work again)
     */
    public boolean dead(final int i)
    {
        return active.dead(i);
    }

    /**
     * @param i scheduler
     * @return whether the node's monitor sees it stuck in one long call now
     */
    public boolean stalled(final int i)
    {
        return active.stalled(i);
    }

    /** @return whether close() has begun. */
    public boolean closed()
    {
        return closed;
    }

    /**
     * Tests only (needs {@code -Dspindle.testHooks=true}): scheduler {@code s} fails every round
     * from now on, so its thread dies.
     *
     * @param s     scheduler.
     * @param fault the failure.
     */
    public void injectFault(final int s, final RuntimeException fault)
    {
        schedulers[s].injectFault(fault);
        queues.unpark(s); // a sleeping scheduler must run a round to meet it
    }

    /** @return the dirty pool's queued tasks and busy threads. */
    public int[] dirtyLoad()
    {
        return dirtyPool.load();
    }

    /**
     * @return the scheduler of the calling thread if it belongs to this node, else null. Inside a
     * process this reads the process's continuation.
     */
    public Scheduler callerScheduler()
    {
        return Scheduler.ofCallingThread(this);
    }

    /**
     * @param pc {@link ProcessContinuation#current()}, when the caller needs it too (one lookup).
     * @return as {@link #callerScheduler()}.
     */
    public Scheduler callerScheduler(final ProcessContinuation pc)
    {
        return Scheduler.ofCaller(pc, this);
    }

    private void checkOpen(final String what)
    {
        if (closed)
        {
            throw new NodeClosedException("node " + nodeId + " is closed: cannot " + what);
        }
    }

    // ---- spawn, send, wake ----

    /**
     * Spawns a process, optionally linked to the calling process before it can run.
     *
     * @param body     its code.
     * @param options  priority and binding.
     * @param from     the calling scheduler (see {@link #callerScheduler()}), or null.
     * @param parent   the calling process's pid (its parent), or null from a plain thread.
     * @param linkWith the calling process to link with, or null.
     * @return its pid.
     */
    public Pid spawn(final ProcessBody body, final SpawnOptions options, final Scheduler from, final Pid parent, final ProcessHandle linkWith)
    {
        final Process p = create(body, options, from, parent);
        if (linkWith != null)
        {
            Signals.linkAtSpawn(linkWith, p);
        }
        start(p, stillOn(from));
        return p.pid;
    }

    /**
     * Spawns a process monitored by the calling process from before it can run.
     *
     * @param body    its code.
     * @param options priority and binding.
     * @param from    the calling scheduler.
     * @param parent  the calling process.
     * @return its pid and the monitor's reference.
     */
    public MonitoredPid spawnMonitor(final ProcessBody body, final SpawnOptions options, final Scheduler from, final ProcessHandle parent)
    {
        final Process p = create(body, options, from, parent.pid);
        final Ref ref = signals.monitorAtSpawn(parent, p);
        start(p, stillOn(from));
        return new MonitoredPid(p.pid, ref);
    }

    /**
     * The calling scheduler again, after a call that takes monitors: a virtual-thread caller may
     * have unmounted on a contended one and be on another carrier now, and a scheduler's local
     * ring is pushed by its owner only. A raw process never unmounts there.
     */
    private Scheduler stillOn(final Scheduler from)
    {
        return from != null && Thread.currentThread().isVirtual() ? callerScheduler() : from;
    }

    private Process create(final ProcessBody body, final SpawnOptions options, final Scheduler from, final Pid parent)
    {
        checkOpen("spawn");
        final boolean virtual = options.virtualThread() || config.virtualThreads();
        if (virtual)
        {
            VirtualProcess.checkAvailable();
        }
        final int bound = options.boundScheduler();
        if (bound >= schedulers.length)
        {
            throw new IllegalArgumentException("scheduler " + bound + " does not exist: this node has " +
                schedulers.length + " schedulers (0.." + (schedulers.length - 1) + ")");
        }
        final Pid pid = table.reserve(from == null ? null : from.free);
        final Process p = new Process(pid, options.priority().ordinal(), bound, body);
        p.parent = parent;
        if (virtual)
        {
            new VirtualProcess(p, this);
        }
        else
        {
            new ProcessContinuation(p);
        }
        return p;
    }

    private void start(final Process p, final Scheduler from)
    {
        table.publish(p);
        if (p.continuation instanceof VirtualProcess v)
        {
            if (closed)
            {
                table.release(p, null);
                throw new NodeClosedException("node " + nodeId + " is closed: cannot spawn");
            }
            v.start(); // the JDK submits its task: VirtualProcess.execute queues it as a spawn
            countSpawn(p.homeOpaque(), from);
            return;
        }
        if (!enqueue(p, from, Placement.Cause.SPAWN))
        {
            table.release(p, null);
            throw new NodeClosedException("node " + nodeId + " is closed: cannot spawn");
        }
        countSpawn(p.homeOpaque(), from); // where it was queued first
    }

    private void countSpawn(final int home, final Scheduler from)
    {
        schedulers[home].counters().spawned(from != null && from.id == home);
    }

    /**
     * Sends a message; a dead or unknown pid drops it silently.
     *
     * @param to      the receiver, a pid of this node.
     * @param message not null.
     * @param from    the calling scheduler, or null.
     */
    public void send(final Pid to, final Object message, final Scheduler from)
    {
        if (to.node() != nodeId)
        {
            final dev.spindle.internal.signals.Remote remote = signals.remote();
            if (remote == null)
            {
                throw new IllegalArgumentException("pid " + to + " belongs to node " + to.node() + ", not to this node (" + nodeId +
                    "), and this node has no name (NodeConfig.Builder.name) to reach other nodes");
            }
            remote.send(to, message);
            return;
        }
        checkMessage(message);
        final ProcessHandle h = table.lookup(to);
        if (h == null)
        {
            return;
        }
        final long q = longQueue;
        final long depth; // only the system monitor needs it (putCounted may wait out a stalled producer)
        if (q != 0)
        {
            depth = h.mailbox.depthAt(h.mailbox.putCounted(message)); // the walk a put saves, done here
        }
        else
        {
            h.mailbox.put(message);
            depth = 0;
        }
        if (h.tryWake())
        {
            if (TEST_HOOKS && wonWakeHook != null)
            {
                wonWakeHook.run();
            }
            wake(h, from, Placement.Cause.MESSAGE);
        }
        if (q != 0 && depth == q && !h.isInbox())
        {
            report(new SystemMonitor.LongMessageQueue(to, depth)); // each depth is seen by one put: once per rise
        }
    }

    /**
     * Sets the node's system monitor (erlang:system_monitor); the receiver's exit clears it.
     *
     * @param receiver who gets {@link SystemMonitor.Event}s, or null to clear.
     * @param settings what to report.
     * @return the previous receiver, or null.
     */
    public Pid setSystemMonitor(final Pid receiver, final SystemMonitor settings)
    {
        final SystemMonitorTarget old = systemMonitor;
        if (receiver == null || !settings.on())
        {
            systemMonitor = null;
            longQueue = 0;
        }
        else
        {
            systemMonitor = new SystemMonitorTarget(receiver, settings);
            longQueue = settings.longMessageQueue();
        }
        return old == null ? null : old.receiver();
    }

    /**
     * @param p a process.
     * @return its frames if it is running on one of the schedulers now (sampled), else empty.
     */
    public List<StackTraceElement> runningStack(final Process p)
    {
        for (final Scheduler s : schedulers)
        {
            if (s.currentOpaque() == p)
            {
                final List<StackTraceElement> frames = Sysmon.processFrames(s.stack());
                return s.currentOpaque() == p ? frames : List.of(); // it may have moved on meanwhile
            }
        }
        return List.of();
    }

    /** @return the system monitor's settings now, or null. */
    SystemMonitorTarget systemMonitor()
    {
        return systemMonitor;
    }

    /**
     * @return whether a system monitor is set. Read once per schedule; unlike {@link #systemMonitor()}
     * it names no class that may be unloaded when C2 compiles the loop (that refuses the inlining).
     */
    boolean hasSystemMonitor()
    {
        return systemMonitor != null;
    }

    /** @return the system monitor's receiver, or null. */
    public Pid systemMonitorReceiver()
    {
        final SystemMonitorTarget t = systemMonitor;
        return t == null ? null : t.receiver();
    }

    /** Sends an event to the system monitor; a dead receiver clears it. */
    void report(final SystemMonitor.Event event)
    {
        final SystemMonitorTarget t = systemMonitor;
        if (t == null || closed)
        {
            return;
        }
        if (table.lookup(t.receiver()) == null)
        {
            if (systemMonitor == t)
            {
                systemMonitor = null;
                longQueue = 0;
            }
            return;
        }
        send(t.receiver(), event, callerScheduler());
    }

    /**
     * Applies {@code NodeConfig.messageCheck} to a message about to be sent: {@link #send} does,
     * and so does {@code sendAfter} when it starts its timer, so that the error reaches the caller
     * rather than the thread that fires the timer. Nothing when the check is off.
     *
     * @param message not null.
     * @throws IllegalArgumentException when the check rejects it.
     */
    public void checkMessage(final Object message)
    {
        if (messageCheck != null)
        {
            messageCheck.check(message);
        }
    }

    /**
     * Delivers a fired timer's message to a pid or to whoever holds a name now (dropped if nobody).
     *
     * @param pid     the target, or null.
     * @param name    the target name, or null.
     * @param message the message.
     */
    @Override
    public void deliver(final Pid pid, final String name, final Object message)
    {
        final Pid to = pid != null ? pid : signals.registry().whereis(name);
        if (to != null && !closed)
        {
            send(to, message, callerScheduler());
        }
    }

    private void afterSignal(final ProcessHandle h)
    {
        if (h.tryWake())
        {
            wake(h, callerScheduler(), Placement.Cause.MESSAGE);
        }
        else if (h.stateVolatile() == ProcessHandle.RUNNING)
        {
            // A busy process must reach a safe point soon to see the signal: spend its budget.
            final int home = h.homeOpaque();
            if (home >= 0 && home < schedulers.length)
            {
                schedulers[home].thread.budget = 0; // a racy hint: the owner's next charge yields
            }
        }
    }

    /**
     * Queues a process whose WAITING to RUNNABLE CAS the caller won (or an inbox: unparks its thread).
     *
     * @param h     the process.
     * @param from  the calling scheduler, or null.
     * @param cause why it wakes.
     */
    void wake(final ProcessHandle h, final Scheduler from, final Placement.Cause cause)
    {
        // An if-chain, not a pattern switch with guards: each failed guard re-enters the switch's
        // type test from the next label, and this runs on every message that wakes a process.
        if (h instanceof Process p)
        {
            final Object c = p.continuation; // read once: the exit path nulls it
            if (c == null)
            {
                // Exited after this waker won its wake CAS (a virtual-thread process woken
                // meanwhile by a leftover park permit ran to its end): nothing to wake, and its
                // index may already be another process's.
                return;
            }
            if (c instanceof ProcessContinuation pc)
            {
                if (pc instanceof VirtualProcess v)
                {
                    LockSupport.unpark(v.thread);
                    return;
                }
                if (pc.pinnedWaiter != null)
                {
                    // It waits on its carrier, holding a lock. Taken, not read: the waiter, whose
                    // park may return early, waits until we have it, so it never runs on while we
                    // are about to queue it.
                    final Thread pinned = pc.takePinnedWaiter();
                    if (pinned != null)
                    {
                        LockSupport.unpark(pinned);
                        return;
                    }
                }
            }
            enqueue(p, from, cause);
        }
        else if (h instanceof InboxHandle inbox)
        {
            final Thread t = inbox.receiverVolatile();
            if (t != null)
            {
                LockSupport.unpark(t);
            }
        }
        else
        {
            ((CallbackHandle)h).run();
        }
    }

    /**
     * The queue class a process is pushed with: its priority, plus {@link RunQueueSet#BOUND} for a
     * bound process, so thieves never take it from the scheduler it is queued on (its own, or a
     * stand-in while its own is offline).
     *
     * @param p the process.
     * @return the priority argument of {@code pushLocal}/{@code pushRemote}.
     */
    static int queueClass(final Process p)
    {
        return p.boundScheduler >= 0 ? p.priorityOpaque() | RunQueueSet.BOUND : p.priorityOpaque();
    }

    /**
     * A plain thread or dirty thread won a process's wake CAS.
     *
     * @param p the process, RUNNABLE.
     */
    void wakeFromOutside(final Process p)
    {
        // As any waker: a virtual-thread process is unparked and a pinned one woken on its
        // carrier; queueing either (as this did) left a virtual one parked for good.
        wake(p, callerScheduler(), Placement.Cause.OUTSIDE);
    }

    /** @return false only when the node is closed and the caller was an outside thread. */
    private boolean enqueue(final Process p, final Scheduler from, final Placement.Cause cause)
    {
        final int target = placement.target(p, from, cause);
        p.setHomeOpaque(target);
        final int prio = queueClass(p);
        if (from != null)
        {
            if (target == from.id)
            {
                if (cause == Placement.Cause.MESSAGE)
                {
                    final Process displaced = from.lifo.put(p);
                    if (displaced != null)
                    {
                        queues.pushLocal(from.id, displaced.index, queueClass(displaced));
                    }
                }
                else
                {
                    queues.pushLocal(from.id, p.index, prio);
                }
            }
            else
            {
                if (cause == Placement.Cause.YIELD)
                {
                    from.counters().migration();
                }
                queues.pushRemote(target, p.index, prio);
            }
            return true;
        }
        return enqueueFromThread(target, p.index, prio);
    }

    // Out of line: the gate's try/finally would make every scheduler's enqueue larger, and a
    // compiled enqueue over the JIT's inlining limit is called, not inlined, on every wake-up.
    private boolean enqueueFromThread(final int target, final int index, final int prio)
    {
        if (!gate.enter())
        {
            return false; // closed: the process will never run, and the queues may be gone
        }
        try
        {
            queues.pushRemote(target, index, prio);
        }
        finally
        {
            gate.exit();
        }
        return true;
    }

    /**
     * A virtual-thread process became runnable (the JDK submitted its task).
     *
     * @param v     the process.
     * @param from  the calling scheduler, or null.
     * @param cause why.
     */
    void enqueueVirtual(final VirtualProcess v, final Scheduler from, final Placement.Cause cause)
    {
        v.process.setRunnableOpaque();
        enqueue(v.process, from, cause); // closed: dropped, the thread stays unmounted (abandoned)
    }

    /**
     * Its scheduler requeues a process that gave way, or that was woken while it went WAITING.
     *
     * @param p  the process, RUNNABLE.
     * @param on the scheduler that ran it.
     */
    void requeue(final Process p, final Scheduler on)
    {
        enqueue(p, on, Placement.Cause.YIELD);
    }

    /**
     * A scheduler hands a process to another scheduler (bound elsewhere, or forwarded by an
     * offline scheduler or the node's monitor). The caller is a scheduler or the monitor thread.
     *
     * @param p      the process, RUNNABLE.
     * @param target where it goes.
     */
    void enqueueRemote(final Process p, final int target)
    {
        p.setHomeOpaque(target);
        queues.pushRemote(target, p.index, queueClass(p));
    }

    /**
     * In a process: runs blocking work on the dirty pool and waits for it like a receive, so this
     * scheduler keeps running other processes meanwhile.
     *
     * @param pc   the calling process.
     * @param work the work.
     * @param <T>  result type.
     * @return the work's result.
     * @throws Exception whatever the work threw.
     */
    public <T> T dirty(final ProcessContinuation pc, final java.util.concurrent.Callable<T> work) throws Exception
    {
        checkOpen("run dirty work");
        final Process p = pc.process;
        final DirtyPool.Task<T> task = dirtyPool.submit(p, work);
        DirtyPool.submitted();
        // The flag is cleared only once the task is seen done (the dirty thread sets it before
        // "done"): cleared in the loop, a flag set between the clear and the look at "done" was
        // lost, and the wait that followed slept through the task's end.
        while (!task.done)
        {
            Scheduler.await(pc, false, 0);
            if (p.signalsPendingVolatile())
            {
                p.mailbox.drainToSaved(pc); // an exit signal may end the process while it waits
            }
        }
        p.clearWakeFlagVolatile();
        if (task.failure != null)
        {
            if (task.failure instanceof Exception e)
            {
                throw e;
            }
            if (task.failure instanceof Error e)
            {
                throw e;
            }
            throw new java.util.concurrent.ExecutionException(task.failure);
        }
        return task.result;
    }

    // ---- exit ----

    /**
     * The exit path, on the scheduler that ran the process last.
     *
     * @param p  the finished process (its exit reason set).
     * @param on the scheduler.
     */
    void exited(final Process p, final Scheduler on)
    {
        // A virtual-thread process can unmount in here (a contended monitor) and go on on another
        // carrier, where on's free list (owner-only) is not ours to touch: its index goes to the
        // shared list, under its lock.
        final boolean virtual = p.continuation instanceof VirtualProcess;
        try
        {
            signals.exited(p, p.exitReason());
        }
        finally
        {
            p.setExitedVolatile();
            p.continuation = null;
            table.release(p, virtual ? null : on.free);
            p.mailbox.clear();
            on.counters().exited();
        }
    }

    // ---- schedulers online ----

    /**
     * Takes schedulers {@code n..count-1} offline, or brings them back. Offline schedulers hand
     * their queued processes to online ones and then sleep; nothing queued is lost and messages
     * are untouched (they live in mailboxes). A process bound to an offline scheduler runs on
     * another one until its own comes back (rather than getting stuck, as on the BEAM).
     *
     * @param n 1..count.
     * @return the previous number online.
     */
    public int setOnline(final int n)
    {
        if (n < 1 || n > schedulers.length)
        {
            throw new IllegalArgumentException("schedulers online must be in 1.." + schedulers.length + ", was " + n);
        }
        if (!gate.enter())
        {
            throw new NodeClosedException("node " + nodeId + " is closed: cannot change schedulers online");
        }
        try
        {
            balancer.clearPaths();
            return active.setOnline(n);
        }
        finally
        {
            gate.exit();
        }
    }

    private void unparkAll()
    {
        for (int i = 0; i < schedulers.length; i++)
        {
            queues.unpark(i);
        }
    }

    /** The node's monitor: wake a sleeping scheduler so that it can steal from a stuck one. */
    void unparkOne(final int except)
    {
        for (int i = 0; i < active.active(); i++)
        {
            if (i != except && active.usable(i))
            {
                queues.unpark(i);
                return;
            }
        }
    }

    // ---- statistics ----

    /**
     * Run-queue figures for {@code node.stats()}: per scheduler the queue length per priority and
     * the native counters, read through the gate (after close: the figures captured at close).
     *
     * @return [scheduler][0..3 lengths, 4.. counters], or null if the node closed before stats existed.
     */
    public long[][] queueStats()
    {
        if (!gate.enter())
        {
            return finalQueueStats;
        }
        try
        {
            return readQueueStats();
        }
        finally
        {
            gate.exit();
        }
    }

    private long[][] readQueueStats()
    {
        final long[][] out = new long[schedulers.length][4 + RunQueueSet.COUNTERS];
        for (int i = 0; i < schedulers.length; i++)
        {
            for (int p = 0; p < 4; p++)
            {
                out[i][p] = queues.queueLength(i, p);
            }
            for (int c = 0; c < RunQueueSet.COUNTERS; c++)
            {
                out[i][4 + c] = queues.counter(i, c);
            }
        }
        return out;
    }

    // ---- lifecycle ----

    /**
     * First step of close, on its own so the caller can wake threads waiting on the node (inbox
     * receivers) before the schedulers are stopped: from here on outside calls are refused.
     */
    public void shut()
    {
        closed = true;
        gate.close();
    }

    void started(final Scheduler s)
    {
        startedLatch.countDown();
    }

    /**
     * A scheduler's thread leaves: at close, or because its loop failed for good. A death is
     * reported loudly and the scheduler's queued work is handed to the others.
     */
    void stopped(final Scheduler s, final Throwable died)
    {
        if (died == null && stopping)
        {
            return;
        }
        active.setDead(s.id);
        final String what = "node " + nodeId + ": scheduler " + s.id + " died" + (died == null ? "" : ": " + died) +
            "; its queued processes move to the other schedulers";
        try
        {
            LOG.log(Level.ERROR, what, died);
        }
        catch (final Throwable ignored)
        {
            System.err.println("spindle: " + what); // the logger failed: still say it
        }
        sysmon.schedulerDied(s, died);
        // Hand over what this scheduler still holds: its LIFO slot and its queues. Its timers are
        // expired by the monitor; stealing covers entries other threads push meanwhile.
        try
        {
            final Process slot = s.lifo.steal();
            if (slot != null)
            {
                enqueueRemote(slot, placement.forward(slot, s.id));
            }
            int index;
            while ((index = queues.next(s.id, false)) >= 0)
            {
                final Process p = table.process(index);
                if (p != null)
                {
                    enqueueRemote(p, placement.forward(p, s.id));
                }
            }
        }
        catch (final Throwable t)
        {
            System.err.println("spindle: scheduler " + s.id + " could not hand over its work: " + t);
        }
    }

    /**
     * Stops every scheduler and frees the queues (see the class comment). Idempotent.
     *
     * @param timeoutNanos how long to wait for schedulers busy in a process that does not give way.
     * @return the processes still running on schedulers that did not stop (empty when all stopped,
     * and on every call after the first).
     */
    public List<StuckProcess> close(final long timeoutNanos)
    {
        synchronized (this)
        {
            if (stopping)
            {
                return List.of();
            }
            stopping = true;
        }
        shut();
        unparkAll();
        final long deadline = System.nanoTime() + timeoutNanos;
        boolean allStopped = true;
        for (final Scheduler s : schedulers)
        {
            allStopped &= join(s.thread, deadline);
        }
        allStopped &= sysmon.stop();
        dirtyPool.shutdown();
        allStopped &= gate.drain(TimeUnit.SECONDS.toNanos(5));
        final List<StuckProcess> stuck = new ArrayList<>();
        if (allStopped)
        {
            finalQueueStats = readQueueStats();
            if (cleanable != null)
            {
                cleanable.clean(); // frees the native queues now and drops the Cleaner's reference
            }
            else
            {
                queues.close();
            }
        }
        else
        {
            finalQueueStats = null;
            for (final Scheduler s : schedulers)
            {
                final Process p = s.currentOpaque();
                if (s.thread.isAlive() && p != null)
                {
                    stuck.add(new StuckProcess(p.pid, s.id, s.stack()));
                }
            }
            // Freeing the queues under a running scheduler would crash the JVM: the Cleaner frees
            // them once its thread is gone and the node is unreachable.
            LOG.log(Level.WARNING, "node {0}: {1} scheduler(s) did not stop within {2} ms: processes {3} never gave way; " +
                "their native queues are freed when they finish", nodeId, stuck.size(), TimeUnit.NANOSECONDS.toMillis(timeoutNanos),
                stuck.stream().map(x -> x.pid().toString()).toList());
        }
        return stuck;
    }

    private static boolean join(final Thread t, final long deadline)
    {
        try
        {
            final long left = deadline - System.nanoTime();
            if (left > 0)
            {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    /**
     * A process that kept its scheduler busy through close.
     *
     * @param pid       the process.
     * @param scheduler its scheduler.
     * @param stack     where it was.
     */
    public record StuckProcess(Pid pid, int scheduler, StackTraceElement[] stack)
    {
    }
}
