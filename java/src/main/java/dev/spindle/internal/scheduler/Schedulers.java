package dev.spindle.internal.scheduler;

import dev.spindle.internal.runqueue.JavaRunQueueSet;
import dev.spindle.internal.runqueue.NativeRunQueueSet;
import dev.spindle.internal.runqueue.RunQueueSet;
import dev.spindle.NodeClosedException;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.ProcessBody;
import dev.spindle.RunQueues;
import dev.spindle.SpawnOptions;
import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.process.ControlBlock;
import dev.spindle.internal.process.ProcessContinuation;
import dev.spindle.internal.process.ProcessTable;
import dev.spindle.internal.signals.Signals;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's schedulers and the operations that cross them: spawn, send and wake.
 *
 * <p>Placement rules (docs/scheduling.md): a process spawned by a process starts on its parent's
 * scheduler (the BEAM's rule); one spawned from a plain thread goes round robin over the online
 * schedulers. A process woken by a message from another process is queued on the <em>sender's</em>
 * scheduler (Pony's and Go's rule: the message is hot in that core's cache and a request/response
 * pair stays on one core; idle schedulers steal when a core holds more than it runs); woken from a
 * plain thread or a timer it goes back to the scheduler it last ran on. A bound process always goes
 * to its scheduler.
 */
public final class Schedulers
{
    private static final System.Logger LOG = System.getLogger("dev.spindle");
    private static final int LOCAL_CAPACITY = 4096;
    private static final int INJECT_CAPACITY = 1 << 16;

    private final int nodeId;
    private final NodeConfig config;
    private final RunQueueSet queues;
    private final ProcessTable table;
    private final Scheduler[] schedulers;
    private final ThreadGroup threadGroup;
    private final DirtyPool dirtyPool;
    private final Balancer balancer;
    private final Signals signals;
    private final CountDownLatch startedLatch;
    private final CountDownLatch stoppedLatch;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final java.util.Set<ControlBlock> inboxes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile int online;
    private volatile boolean closed;

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
        final int n = plan.schedulers();
        this.queues = config.runQueues() == RunQueues.NATIVE ?
            new NativeRunQueueSet(n, LOCAL_CAPACITY, INJECT_CAPACITY) :
            new JavaRunQueueSet(n, LOCAL_CAPACITY, INJECT_CAPACITY);
        this.table = new ProcessTable(nodeId, processLimit);
        this.dirtyPool = new DirtyPool(this, Math.max(2, n));
        this.balancer = new Balancer(this, queues, n, config.compaction());
        this.signals = new Signals(nodeId, table, this::wakeAfterPut);
        this.threadGroup = new ThreadGroup("spindle-node-" + nodeId);
        this.schedulers = new Scheduler[n];
        this.online = n;
        this.startedLatch = new CountDownLatch(n);
        this.stoppedLatch = new CountDownLatch(n);
        final int[] cpus = plan.cpus();
        for (int i = 0; i < n; i++)
        {
            schedulers[i] = new Scheduler(this, i, cpus[i]);
        }
        for (final Scheduler s : schedulers)
        {
            queues.register(s.id, s);
            s.start();
        }
        try
        {
            startedLatch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

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

    /** @return links, monitors, exit signals and names of this node. */
    public Signals signals()
    {
        return signals;
    }

    /**
     * After a put into {@code cb}'s mailbox by any thread: wake it if it waits.
     *
     * @param cb the receiver.
     */
    public void wakeAfterPut(final ControlBlock cb)
    {
        if (cb.tryWake())
        {
            wake(cb, callerScheduler());
        }
    }

    /**
     * Delivers a message to a pid or a registered name; unknown names and dead pids drop it
     * (timer delivery: the BEAM resolves a name when the timer fires).
     *
     * @param target  Pid or String.
     * @param message the message.
     */
    public void deliver(final Object target, final Object message)
    {
        final Pid pid = target instanceof Pid p ? p : signals.whereis((String)target);
        if (pid != null && !closed)
        {
            send(pid, message);
        }
    }

    /** @return sendAfter timers pending in every scheduler's wheel. */
    public long pendingTimers()
    {
        long n = 0;
        for (final Scheduler s : schedulers)
        {
            n += s.messageTimers.pending();
        }
        return n;
    }

    /** @return the run queues, for statistics. */
    public RunQueueSet queuesView()
    {
        return queues;
    }

    /** @param s a scheduler @return whether it is one of this node's. */
    public boolean owns(final Scheduler s)
    {
        return s.group == this;
    }

    /** @return the process table. */
    public ProcessTable table()
    {
        return table;
    }

    ThreadGroup threadGroup()
    {
        return threadGroup;
    }

    boolean stopping()
    {
        return stopping;
    }

    void started(final Scheduler s)
    {
        startedLatch.countDown();
    }

    void stopped(final Scheduler s)
    {
        stoppedLatch.countDown();
    }

    /** @return scheduler count. */
    public int count()
    {
        return schedulers.length;
    }

    /** @param i index @return scheduler i. */
    public Scheduler scheduler(final int i)
    {
        return schedulers[i];
    }

    /** @return schedulers online now. */
    public int online()
    {
        return online;
    }

    /**
     * Takes schedulers {@code n..count-1} offline, or brings them back. Offline schedulers hand
     * their queued processes to online ones and then sleep; nothing queued is lost and messages
     * are untouched (they live in mailboxes). A process bound to an offline scheduler runs on
     * scheduler {@code bound % n} until its own comes back (rather than getting stuck, as on the BEAM).
     *
     * @param n 1..count.
     * @return the previous number online.
     */
    public synchronized int setOnline(final int n)
    {
        if (n < 1 || n > schedulers.length)
        {
            throw new IllegalArgumentException("schedulers online must be in 1.." + schedulers.length + ", was " + n);
        }
        checkOpen("change schedulers online");
        final int old = online;
        online = n;
        balancer.onlineChanged(n);
        queues.setOnline(n);
        for (int i = 0; i < schedulers.length; i++)
        {
            queues.unpark(i);
        }
        return old;
    }

    /**
     * Where a process meant for {@code target} goes now: itself when online, else an online one.
     *
     * @param target scheduler index.
     * @return an online scheduler index.
     */
    int placeTarget(final int target)
    {
        final int on = balancer.active();
        return target < on ? target : target % on;
    }

    /** @return schedulers carrying work: online ones, fewer while compaction has put some to sleep. */
    public int active()
    {
        return balancer.active();
    }

    Balancer balancer()
    {
        return balancer;
    }

    /** @return whether close() has begun. */
    public boolean closed()
    {
        return closed;
    }

    private void checkOpen(final String what)
    {
        if (closed)
        {
            throw new NodeClosedException("node " + nodeId + " is closed: cannot " + what);
        }
    }

    /**
     * Spawns a process.
     *
     * @param body    its code.
     * @param options priority and binding.
     * @return its pid.
     */
    public Pid spawn(final ProcessBody body, final SpawnOptions options)
    {
        return spawn(body, options, null);
    }

    /**
     * Spawns a process, optionally linked to the calling process before it can run.
     *
     * @param body     its code.
     * @param options  priority and binding.
     * @param linkWith the calling process to link with, or null.
     * @return its pid.
     */
    public Pid spawn(final ProcessBody body, final SpawnOptions options, final ControlBlock linkWith)
    {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(options, "options");
        checkOpen("spawn");
        final int bound = options.boundScheduler();
        if (bound >= schedulers.length)
        {
            throw new IllegalArgumentException("scheduler " + bound + " does not exist: this node has " +
                schedulers.length + " schedulers (0.." + (schedulers.length - 1) + ")");
        }
        final Scheduler from = callerScheduler();
        final Pid pid = table.reserve(from == null ? null : from.free);
        final ControlBlock cb = new ControlBlock(pid, options.priority().ordinal(), bound, false);
        cb.continuation = new ProcessContinuation(cb, body);
        final int target = placeTarget(bound >= 0 ? bound : from != null ? from.id : Math.floorMod(roundRobin.getAndIncrement(), online));
        cb.home = target;
        if (linkWith != null)
        {
            Signals.linkAtSpawn(linkWith, cb);
        }
        table.publish(cb);
        enqueue(cb, target, from);
        return pid;
    }

    /** @return the scheduler of the calling thread if it belongs to this node, else null. */
    private Scheduler callerScheduler()
    {
        final Scheduler s = Scheduler.currentOrNull();
        return s != null && s.group == this ? s : null;
    }

    private void enqueue(final ControlBlock cb, final int target, final Scheduler from)
    {
        if (from != null && from.id == target)
        {
            from.pushHere(cb);
        }
        else
        {
            queues.pushRemote(target, cb.index, cb.priority);
        }
    }

    /**
     * Sends a message; a dead or unknown pid drops it silently.
     *
     * @param to      the receiver.
     * @param message not null.
     */
    public void send(final Pid to, final Object message)
    {
        Objects.requireNonNull(to, "pid");
        Objects.requireNonNull(message, "message");
        checkOpen("send");
        if (to.node() != nodeId)
        {
            throw new IllegalArgumentException("pid " + to + " belongs to node " + to.node() + ", not to this node (" + nodeId + ")");
        }
        final ControlBlock cb = table.lookup(to);
        if (cb == null)
        {
            return;
        }
        cb.mailbox.put(message);
        if (cb.tryWake())
        {
            wake(cb, callerScheduler());
        }
    }

    /**
     * Enqueues a process whose WAITING to RUNNABLE CAS the caller won on a thread that is not one
     * of this node's schedulers (dirty threads, timers of other nodes).
     *
     * @param cb the process.
     */
    void wakeFromOutside(final ControlBlock cb)
    {
        wake(cb, null);
    }

    /**
     * In a process: runs blocking work on the dirty pool and waits for it like a receive, so this
     * scheduler keeps running other processes meanwhile.
     *
     * @param p    the calling process.
     * @param work the work.
     * @param <T>  result type.
     * @return the work's result.
     * @throws Exception whatever the work threw.
     */
    public <T> T dirty(final ControlBlock p, final java.util.concurrent.Callable<T> work) throws Exception
    {
        Objects.requireNonNull(work, "work");
        checkOpen("run dirty work");
        final DirtyPool.Task<T> task = dirtyPool.submit(p, work);
        while (!task.done)
        {
            p.clearWakeFlag();
            if (task.done)
            {
                break;
            }
            ((Scheduler)p.scheduler).waitForMessage(p, 0);
            if (p.signalsPending())
            {
                p.mailbox.drainToSaved(p); // an exit signal may end the process while it waits
            }
        }
        p.clearWakeFlag();
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

    private void wake(final ControlBlock cb, final Scheduler from)
    {
        if (cb.inbox())
        {
            LockSupport.unpark(cb.waiter);
            return;
        }
        final int target = placeTarget(cb.boundScheduler >= 0 ? cb.boundScheduler : from != null ? from.id : cb.home);
        cb.home = target;
        if (from != null && from.id == target)
        {
            from.wakeHere(cb);
        }
        else
        {
            queues.pushRemote(target, cb.index, cb.priority);
        }
    }

    /**
     * Registers a mailbox for a plain thread.
     *
     * @return its control block.
     */
    public ControlBlock newInbox()
    {
        checkOpen("create an inbox");
        final Pid pid = table.reserve(null);
        final ControlBlock cb = new ControlBlock(pid, 2, -1, true);
        table.publish(cb);
        inboxes.add(cb);
        return cb;
    }

    /**
     * Removes an inbox; later messages to its pid are dropped.
     *
     * @param cb the inbox.
     */
    public void closeInbox(final ControlBlock cb)
    {
        if (!cb.isExited())
        {
            cb.setExited();
            table.release(cb, null);
            inboxes.remove(cb);
        }
    }

    void exited(final ControlBlock p, final Scheduler on)
    {
        signals.exited(p, p.exitReason);
        p.setExited();
        p.continuation = null;
        table.release(p, on.free);
        p.mailbox.clear();
    }

    /** Stops every scheduler, waits for their threads, frees the queues. Idempotent. */
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
        stopping = true;
        for (int i = 0; i < schedulers.length; i++)
        {
            queues.unpark(i);
        }
        boolean allStopped = false;
        try
        {
            allStopped = stoppedLatch.await(30, TimeUnit.SECONDS);
            for (final Scheduler s : schedulers)
            {
                s.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        dirtyPool.shutdown();
        for (final ControlBlock inbox : inboxes)
        {
            final Thread waiter = inbox.waiter;
            if (waiter != null)
            {
                LockSupport.unpark(waiter);
            }
        }
        if (allStopped)
        {
            queues.close();
        }
        else
        {
            // A process that never gives way keeps its scheduler busy; freeing the queues under it
            // would crash the JVM, so they are left to the process exit.
            LOG.log(Level.WARNING, "node {0}: a scheduler did not stop within 30 s (a process that never yields?)", nodeId);
        }
    }
}
