package dev.spindle.internal.runtime;

import dev.spindle.NodeClosedException;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Priority;
import dev.spindle.ProcessBody;
import dev.spindle.ProcessInfo;
import dev.spindle.SpawnOptions;
import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.process.InboxHandle;
import dev.spindle.internal.process.Process;
import dev.spindle.internal.process.ProcessHandle;
import dev.spindle.internal.runqueue.RunQueueSet;
import dev.spindle.internal.scheduler.Scheduler;
import dev.spindle.internal.scheduler.SchedulerCounters;
import dev.spindle.internal.scheduler.Schedulers;
import dev.spindle.internal.signals.SignalSnapshot;
import dev.spindle.internal.signals.Signals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

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
    private final int id;
    private final NodeConfig config;
    private final Schedulers schedulers;
    private final Set<InboxHandle> inboxes = ConcurrentHashMap.newKeySet();

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
        return schedulers.spawn(body, options, schedulers.callerScheduler(), null);
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
        schedulers.send(to, message, schedulers.callerScheduler());
    }

    /**
     * @param name    a registered name.
     * @param message not null.
     */
    public void send(final String name, final Object message)
    {
        send(resolve(whereis(name), name), message);
    }

    /** @param name a name @return its holder, or null */
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
        final SignalSnapshot s = Signals.snapshot(p);
        final String status = switch (p.stateVolatile())
        {
            case ProcessHandle.RUNNING -> "running";
            case ProcessHandle.WAITING -> "waiting";
            default -> "runnable";
        };
        return new ProcessInfo(pid, status, (int)Math.min(Integer.MAX_VALUE, p.mailbox.depth()), p.reductionsOpaque(),
            p.homeOpaque(), Priority.values()[p.priorityOpaque()], s.links(), s.monitoring(), s.monitoredBy(), s.name(), s.trapExit());
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
        final Pid pid = schedulers.table().reserve(null);
        final InboxHandle h = new InboxHandle(pid);
        schedulers.table().publish(h);
        inboxes.add(h);
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
            inboxes.remove(h);
            schedulers.table().release(h, null);
            if (h.claimReceiver(Thread.currentThread()) == null)
            {
                h.mailbox.clear(); // nobody inside receive: drop the messages now (else at GC)
                h.releaseReceiver();
            }
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

    /** @param n schedulers online @return the previous number */
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

    /** @param i scheduler @return its idle time so far */
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
                s.requestedCpu(), s.observedCpu(), c.drifts(), s.pinError()));
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
