package dev.spindle;

import dev.spindle.internal.runqueue.RunQueueSet;
import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.placement.Topology;
import dev.spindle.internal.scheduler.Scheduler;
import dev.spindle.internal.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import dev.spindle.internal.process.ControlBlock;
import dev.spindle.internal.signals.Signals;
import java.util.concurrent.atomic.AtomicInteger;

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

    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final int id;
    private final NodeConfig config;
    private final Schedulers schedulers;

    private Node(final NodeConfig config)
    {
        final CpuPlan plan = CpuPlan.of(config, Topology.allowedCpus());
        this.id = NEXT_ID.getAndIncrement();
        this.config = config;
        this.schedulers = new Schedulers(id, config, plan, DEFAULT_PROCESS_LIMIT);
    }

    /**
     * Starts a node with the defaults: one pinned scheduler per CPU this JVM may use.
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
     * @throws UnsatisfiedLinkError     when native run queues were asked for and libspindle cannot be loaded.
     */
    public static Node start(final NodeConfig config)
    {
        if (config == null)
        {
            throw new NullPointerException("config");
        }
        return new Node(config);
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
        return schedulers.count();
    }

    /**
     * @return schedulers carrying work now: {@link #schedulersOnline()}, or fewer while load
     * compaction ({@link NodeConfig.Builder#compaction(boolean)}) lets the rest sleep.
     */
    public int schedulersActive()
    {
        return schedulers.active();
    }

    /** @return the number of schedulers online now. */
    public int schedulersOnline()
    {
        return schedulers.online();
    }

    /**
     * Takes schedulers {@code n..schedulers()-1} offline, or brings them back online, at run time
     * and under load. Offline schedulers hand every queued process to an online one and sleep; no
     * message is lost. A process bound to an offline scheduler runs on scheduler
     * {@code bound % n} until its own is back.
     *
     * @param n 1..{@link #schedulers()}.
     * @return the previous number online.
     */
    public int schedulersOnline(final int n)
    {
        return schedulers.setOnline(n);
    }

    /**
     * Spawns a process with default options.
     *
     * @param body its code.
     * @return its pid.
     */
    public Pid spawn(final ProcessBody body)
    {
        return schedulers.spawn(body, SpawnOptions.defaults());
    }

    /**
     * Spawns a process.
     *
     * @param body    its code.
     * @param options priority and scheduler binding.
     * @return its pid.
     */
    public Pid spawn(final ProcessBody body, final SpawnOptions options)
    {
        return schedulers.spawn(body, options);
    }

    /**
     * Sends a message. Messages from one sender arrive in the order sent; a message to a process
     * that has exited is dropped silently.
     *
     * @param to      receiver.
     * @param message not null.
     * @throws NullPointerException for a null pid or message.
     */
    public void send(final Pid to, final Object message)
    {
        schedulers.send(to, message);
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
        send(Proc.resolve(schedulers.signals().whereis(name), name), message);
    }

    /** @param name a name @return its pid, or null when unknown */
    public Pid whereis(final String name)
    {
        return schedulers.signals().whereis(name);
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
        if (pid.node() != id)
        {
            return null;
        }
        final ControlBlock cb = schedulers.table().lookup(pid);
        if (cb == null || cb.isExited() || cb.inbox())
        {
            return null;
        }
        final Object[] s = Signals.snapshot(cb);
        final String status = switch (cb.state())
        {
            case ControlBlock.RUNNING -> "running";
            case ControlBlock.WAITING -> "waiting";
            default -> "runnable";
        };
        @SuppressWarnings("unchecked")
        final ProcessInfo info = new ProcessInfo(pid, status, cb.mailbox.size(), cb.reductions, cb.home,
            Priority.values()[cb.priority], (List<Pid>)s[0], (List<Pid>)s[1], (List<Pid>)s[2], (String)s[3], (Boolean)s[4]);
        return info;
    }

    /** @return sendAfter timers pending in the schedulers' wheels. */
    public long pendingTimers()
    {
        return schedulers.pendingTimers();
    }

    /**
     * Creates a mailbox with a pid for a plain Java thread, so it can exchange messages with
     * processes.
     *
     * @return a new inbox; close it when done.
     */
    public Inbox inbox()
    {
        if (Scheduler.currentOrNull() != null)
        {
            throw new IllegalStateException("node.inbox() blocks a thread and must not be used inside a process: use Proc.receive()");
        }
        return new Inbox(schedulers, schedulers.newInbox());
    }

    /** @return live processes and inboxes. */
    public int processCount()
    {
        return schedulers.table().live();
    }

    /**
     * Where each scheduler runs: the CPU it was pinned to and the CPU it read back with
     * sched_getcpu when it started.
     *
     * @return one entry per scheduler.
     */
    public List<Placement> placement()
    {
        final List<Placement> out = new ArrayList<>();
        for (int i = 0; i < schedulers.count(); i++)
        {
            final Scheduler s = schedulers.scheduler(i);
            out.add(new Placement(i, s.requestedCpu(), s.observedCpu(), s.drifts(), s.pinError()));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Counters per scheduler, read without stopping anything: cumulative since start.
     *
     * @return one entry per scheduler.
     */
    public List<SchedulerStats> stats()
    {
        final List<SchedulerStats> out = new ArrayList<>();
        final RunQueueSet q = schedulers.queuesView();
        for (int i = 0; i < schedulers.count(); i++)
        {
            final Scheduler s = schedulers.scheduler(i);
            final long[] lengths = new long[4];
            for (int p = 0; p < 4; p++)
            {
                lengths[p] = q.queueLength(i, p);
            }
            out.add(new SchedulerStats(i, i < schedulers.online(), lengths, q.counter(i, RunQueueSet.EXECUTED),
                q.counter(i, RunQueueSet.STOLEN), s.migrations(), s.contextSwitches(), q.counter(i, RunQueueSet.INJECTED),
                q.counter(i, RunQueueSet.PARKS), q.counter(i, RunQueueSet.WAKEUPS), s.idleNanos()));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Scheduler utilization over a window, like the BEAM's {@code scheduler:utilization(Seconds)}:
     * for each scheduler the fraction of the window it was not idle (running processes, stealing,
     * handling timers). Blocks the caller for the window.
     *
     * @param window how long to sample.
     * @return one value in [0, 1] per scheduler.
     * @throws IllegalStateException when called inside a process (it would block a scheduler).
     */
    public double[] utilization(final java.time.Duration window)
    {
        if (Scheduler.currentOrNull() != null)
        {
            throw new IllegalStateException("node.utilization(window) blocks and must not be called inside a process");
        }
        final int n = schedulers.count();
        final long[] idle0 = new long[n];
        for (int i = 0; i < n; i++)
        {
            idle0[i] = schedulers.scheduler(i).idleNanos();
        }
        final long t0 = System.nanoTime();
        java.util.concurrent.locks.LockSupport.parkNanos(window.toNanos());
        final long elapsed = Math.max(1, System.nanoTime() - t0);
        final double[] util = new double[n];
        for (int i = 0; i < n; i++)
        {
            final long idle = schedulers.scheduler(i).idleNanos() - idle0[i];
            util[i] = Math.min(1.0, Math.max(0.0, 1.0 - (double)idle / elapsed));
        }
        return util;
    }

    /**
     * Stops every scheduler and waits for their threads. Processes still alive are abandoned.
     * Idempotent.
     *
     * @throws IllegalStateException when called from one of this node's processes.
     */
    @Override
    public void close()
    {
        final Scheduler s = Scheduler.currentOrNull();
        if (s != null && schedulers.owns(s))
        {
            throw new IllegalStateException("node.close() called from inside one of its own processes; close it from another thread");
        }
        schedulers.close();
    }

    /** @return whether the node is closed. */
    public boolean isClosed()
    {
        return schedulers.closed();
    }

    Schedulers core()
    {
        return schedulers;
    }

    @Override
    public String toString()
    {
        return "Node[" + id + ", " + schedulers.count() + " schedulers" + (isClosed() ? ", closed" : "") + "]";
    }

    /**
     * Where a scheduler runs.
     *
     * @param scheduler    0-based index.
     * @param requestedCpu CPU it was pinned to, -1 when unpinned.
     * @param observedCpu  CPU last read back with sched_getcpu (at start, after each sleep and
     *                     every 65,536 rounds), -1 if unknown.
     * @param drifts       times it was found off its pinned CPU.
     * @param error        why pinning failed, or null.
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
     */
    public record SchedulerStats(int scheduler, boolean online, long[] queued, long executed, long stolen, long migrations,
                                 long contextSwitches, long injected, long parks, long wakeups, long idleNanos)
    {
    }
}
