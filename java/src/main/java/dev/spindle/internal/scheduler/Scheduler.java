package dev.spindle.internal.scheduler;

import dev.spindle.internal.runqueue.RunQueueSet;
import dev.spindle.IdleMode;
import dev.spindle.internal.jfr.JfrSupport;
import dev.spindle.internal.jfr.LongScheduleEvent;
import dev.spindle.internal.jfr.SchedulerStateEvent;
import dev.spindle.internal.placement.Topology;
import dev.spindle.internal.process.ControlBlock;
import dev.spindle.internal.process.ProcessContinuation;
import dev.spindle.internal.process.ProcessTable;
import dev.spindle.internal.timer.MessageTimer;
import dev.spindle.internal.timer.MessageTimers;
import dev.spindle.internal.timer.ReceiveTimers;
import jdk.internal.vm.Continuation;
import net.openhft.affinity.Affinity;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * One scheduler thread. Its round: expire due receive timers, take the next process from its run
 * queues (inject queue drained first, then by priority, then steal), run it until it waits, gives
 * way or exits, and requeue or park it. With nothing to run it idles by the node's
 * {@link IdleMode}.
 *
 * <p>Code inside a process finds its process through the mounted continuation and its scheduler
 * through the control block's {@code scheduler} field, never through {@code Thread.currentThread()}
 * (see {@link ProcessContinuation}).
 */
public final class Scheduler extends Thread
{
    // BACKOFF: spin for SPIN_NANOS of idleness, then Thread.yield until YIELD_NANOS, then sleep in
    // the native parker, which a push wakes. Time-based, not count-based: a futex wake costs tens
    // of microseconds on a VM, and a cross-core request/response must find its peer still
    // spinning or it pays that on every hop. (Agrona's BackoffIdleStrategy is not used here: its
    // last phase is parkNanos, which sleeps >= ~50 us on Linux and cannot be woken by new work.)
    static final long SPIN_NANOS = 100_000L;
    static final long YIELD_NANOS = 200_000L;
    private static final int TIMER_POLL_MASK = 63;

    final Schedulers group;
    final int id;
    final int cpu;
    private final RunQueueSet queues;
    private final ProcessTable table;
    final ProcessTable.FreeList free = new ProcessTable.FreeList();
    final ReceiveTimers timers;
    final MessageTimers messageTimers;
    private final IdleMode idleMode;
    private final IdleStrategy spinPhase;
    private final int reductions;
    // A slice also ends after this long, so a process doing heavy work between calls gives way.
    private final long sliceNanos;

    /** Every 32 reductions the slice's clock is checked (keeps nanoTime off most calls). */
    public static final int SLICE_CHECK_MASK = 31;

    /** Processes taken from the LIFO slot in a row before the run queues get a turn (Tokio: 3). */
    static final int LIFO_MAX_STREAK = 3;

    private long sliceStart;
    // The LIFO slot: the process most recently woken by a message sent from this scheduler runs
    // next, from a plain field, without a run-queue round trip (Tokio's LIFO slot, Go's runnext).
    // Owner-only, invisible to thieves: the request/response partner stays on this core.
    private ControlBlock lifo;
    private int lifoStreak;
    private int tick;
    private volatile int observedCpu = -1;
    private volatile String pinError;
    // Statistics: single writer (this thread), read by node.stats() from any thread.
    volatile long contextSwitches;
    volatile long migrations;
    private volatile long idleNanos;
    private volatile long idleSince;
    private volatile long drifts;
    private int placementRounds;
    private int balanceRounds;

    Scheduler(final Schedulers group, final int id, final int cpu)
    {
        super(group.threadGroup(), null, "spindle-" + group.nodeId() + "-scheduler-" + id, 0, false);
        setDaemon(true);
        this.group = group;
        this.id = id;
        this.cpu = cpu;
        this.queues = group.queues();
        this.table = group.table();
        this.idleMode = group.config().idleStrategy();
        this.reductions = group.config().reductions();
        this.sliceNanos = group.config().timeSlice().toNanos();
        this.spinPhase = new BusySpinIdleStrategy();
        this.timers = new ReceiveTimers(this::requeueTimedOut);
        this.messageTimers = new MessageTimers(group::deliver);
    }

    /**
     * @return the scheduler running the calling code, or null on any other thread. Inside a process
     * this is the process's scheduler field, never {@code Thread.currentThread()}: see
     * {@link ProcessContinuation} for why.
     */
    public static Scheduler currentOrNull()
    {
        final ControlBlock p = ProcessContinuation.current();
        if (p != null)
        {
            return (Scheduler)p.scheduler;
        }
        // Not in a continuation: this frame cannot migrate, so the thread is stable.
        return Thread.currentThread() instanceof Scheduler s ? s : null;
    }

    /** @return the process running on the calling thread, or null. */
    public static ControlBlock current()
    {
        return ProcessContinuation.current();
    }

    /**
     * Called every 32 reductions: the first call of a slice starts its clock, later ones compare.
     *
     * @return whether the running process has used up its time slice.
     */
    public boolean sliceExpired()
    {
        final long now = System.nanoTime();
        if (sliceStart == 0)
        {
            sliceStart = now;
            return false;
        }
        return now - sliceStart > sliceNanos;
    }

    /** @return the node's schedulers this one belongs to. */
    public Schedulers group()
    {
        return group;
    }

    /** @return 0-based scheduler index. */
    public int index()
    {
        return id;
    }

    /** @return the CPU this scheduler was asked to run on, or -1 when unpinned. */
    public int requestedCpu()
    {
        return cpu;
    }

    /** @return the CPU it read back with sched_getcpu after pinning (-1 before start). */
    public int observedCpu()
    {
        return observedCpu;
    }

    /** @return why pinning failed, or null. */
    public String pinError()
    {
        return pinError;
    }

    @Override
    public void run()
    {
        if (cpu >= 0)
        {
            try
            {
                Affinity.setAffinity(cpu);
            }
            catch (final RuntimeException | LinkageError ex)
            {
                pinError = "could not pin to CPU " + cpu + ": " + ex;
            }
        }
        observedCpu = Topology.currentCpu();
        JfrSupport.refresh();
        group.started(this);
        try
        {
            loop();
        }
        finally
        {
            group.stopped(this);
        }
    }

    private void loop()
    {
        final Schedulers group = this.group;
        while (!group.stopping())
        {
            if (id >= group.active())
            {
                offlineRound();
                continue;
            }
            if ((++placementRounds & 0xFFFF) == 0 && cpu >= 0)
            {
                checkPlacement(); // busy schedulers that never sleep are verified too
            }
            if ((timers.pending() != 0 || messageTimers.pending() != 0 || messageTimers.hasCancellations()) &&
                (++tick & TIMER_POLL_MASK) == 0)
            {
                pollTimers();
            }
            final ControlBlock fromSlot = takeLifo();
            if (fromSlot != null)
            {
                if (idleSince != 0)
                {
                    endIdle();
                }
                run(fromSlot);
                continue;
            }
            final int index = queues.next(id, true);
            if (index >= 0)
            {
                lifoStreak = 0;
                final ControlBlock p = table.get(index);
                if (idleSince != 0)
                {
                    endIdle();
                }
                if (p != null)
                {
                    final int home = p.boundScheduler >= 0 ? group.placeTarget(p.boundScheduler) : id;
                    if (home != id)
                    {
                        // A bound process stolen along with others: send it home, it never runs here.
                        queues.pushRemote(home, index, p.priority);
                    }
                    else
                    {
                        run(p);
                    }
                }
                continue;
            }
            if ((timers.pending() != 0 || messageTimers.pending() != 0 || messageTimers.hasCancellations()) && pollTimers() > 0)
            {
                continue;
            }
            idle();
        }
    }

    /**
     * An offline scheduler runs nothing: it forwards whatever is still queued for it (processes
     * that were queued before it went offline, wake-ups in flight) to an online scheduler, keeps
     * expiring the timers it holds, and otherwise sleeps.
     */
    private ControlBlock takeLifo()
    {
        final ControlBlock p = lifo;
        if (p == null)
        {
            return null;
        }
        lifo = null;
        if (lifoStreak < LIFO_MAX_STREAK)
        {
            lifoStreak++;
            return p;
        }
        // Streak used up: the slot's process queues behind the others like anyone else.
        lifoStreak = 0;
        queues.pushLocal(id, p.index, p.priority);
        return null;
    }

    /**
     * Owner only: a process woken by a message sent from this scheduler. It takes the LIFO slot;
     * a process already there moves to the run queue. Emigration paths still apply.
     *
     * @param p the woken process, RUNNABLE.
     */
    void wakeHere(final ControlBlock p)
    {
        if (p.boundScheduler < 0 && group.balancer().emigrationTarget(id) >= 0)
        {
            pushHere(p);
            return;
        }
        final ControlBlock previous = lifo;
        lifo = p;
        if (previous != null)
        {
            queues.pushLocal(id, previous.index, previous.priority);
        }
    }

    private int pollTimers()
    {
        final long now = System.nanoTime();
        return timers.poll(now) + messageTimers.poll(now);
    }

    /**
     * In a process: starts a sendAfter timer in this scheduler's wheel.
     *
     * @param target   Pid or name.
     * @param message  the message.
     * @param deadline System.nanoTime() deadline.
     * @return the timer.
     */
    public MessageTimer startTimer(final Object target, final Object message, final long deadline)
    {
        return messageTimers.start(target, message, deadline);
    }

    private void offlineRound()
    {
        final ControlBlock slot = lifo;
        if (slot != null)
        {
            lifo = null;
            queues.pushLocal(id, slot.index, slot.priority); // forwarded below like any queued process
        }
        if (timers.pending() != 0 || messageTimers.pending() != 0 || messageTimers.hasCancellations())
        {
            pollTimers();
        }
        final int index = queues.next(id, false);
        if (index >= 0)
        {
            final ControlBlock p = table.get(index);
            if (p != null)
            {
                final int target = group.placeTarget(p.boundScheduler >= 0 ? p.boundScheduler : id);
                p.home = target;
                queues.pushRemote(target, index, p.priority);
                migrations++;
            }
            return;
        }
        if (idleSince == 0)
        {
            idleSince = System.nanoTime();
        }
        sleep();
    }

    private void endIdle()
    {
        idleNanos += System.nanoTime() - idleSince;
        idleSince = 0;
    }

    /** @return nanoseconds spent idle so far, including the current idle period. Any thread. */
    public long idleNanos()
    {
        final long since = idleSince;
        final long total = idleNanos;
        return since == 0 ? total : total + Math.max(0, System.nanoTime() - since);
    }

    /** @return processes run so far (schedule-ins). */
    public long contextSwitches()
    {
        return contextSwitches;
    }

    /** @return processes this scheduler handed to another one (offline evacuation, balancing). */
    public long migrations()
    {
        return migrations;
    }

    private void idle()
    {
        if (idleSince == 0)
        {
            idleSince = System.nanoTime();
        }
        switch (idleMode)
        {
            case SPIN -> spinPhase.idle();
            case BACKOFF ->
            {
                final long idleFor = System.nanoTime() - idleSince;
                if (idleFor < SPIN_NANOS)
                {
                    spinPhase.idle();
                }
                else if (idleFor < YIELD_NANOS)
                {
                    Thread.yield();
                }
                else
                {
                    sleep();
                }
            }
            case PARK -> sleep();
        }
    }

    private void sleep()
    {
        final SchedulerStateEvent event = JfrSupport.schedulerState() ? new SchedulerStateEvent() : null;
        if (event != null)
        {
            event.begin();
        }
        // With timers pending, wake at the next wheel tick; otherwise only a push or close wakes us.
        final boolean slept = !queues.park(id, timers.pending() != 0 || messageTimers.pending() != 0 ? ReceiveTimers.TICK_NANOS : -1);
        spinPhase.reset();
        if (slept)
        {
            // The kernel may have moved us while asleep (a cgroup change, CPU hot-unplug): verify.
            checkPlacement();
            JfrSupport.refresh();
        }
        if (event != null)
        {
            event.scheduler = id;
            event.state = "SLEEP";
            event.cpu = observedCpu;
            event.commit();
        }
    }

    /** Reads back the CPU this thread runs on and counts a drift when it is not the pinned one. */
    private void checkPlacement()
    {
        final int now = Topology.currentCpu();
        observedCpu = now;
        if (cpu >= 0 && now >= 0 && now != cpu)
        {
            drifts = drifts + 1; // single writer
            if (JfrSupport.schedulerState())
            {
                final SchedulerStateEvent e = new SchedulerStateEvent();
                e.scheduler = id;
                e.state = "DRIFT";
                e.cpu = now;
                e.commit();
            }
        }
    }

    /** @return times this scheduler was found off its pinned CPU. */
    public long drifts()
    {
        return drifts;
    }

    private void run(final ControlBlock p)
    {
        sliceStart = 0;
        p.scheduler = this;
        p.home = id;
        p.budget = reductions;
        p.setRunning();
        contextSwitches = contextSwitches + 1; // single writer
        final Continuation c = p.continuation;
        if (JfrSupport.longSchedule())
        {
            final long start = System.nanoTime();
            c.run();
            final long ran = System.nanoTime() - start;
            if (ran > group.config().longScheduleThreshold().toNanos())
            {
                final LongScheduleEvent e = new LongScheduleEvent();
                e.pid = p.pid.toString();
                e.scheduler = id;
                e.ranFor = ran;
                e.commit();
            }
        }
        else
        {
            c.run();
        }
        p.reductions += reductions - p.budget;
        if (c.isDone())
        {
            group.exited(p, this);
            return;
        }
        if ((++balanceRounds & (Balancer.CHECK_EVERY_ROUNDS - 1)) == 0)
        {
            group.balancer().offerCheck();
        }
        if (p.yieldReason == ControlBlock.YIELD_REQUEUE)
        {
            p.setRunnable();
            pushHere(p);
        }
        else
        {
            p.setWaiting();
            // Dekker with Schedulers.send: WAITING is published (volatile) before we look at the
            // mailbox; a sender publishes its message before it looks at the state.
            if ((p.mailbox.hasInbound() || p.wakeFlag()) && p.tryWake())
            {
                pushHere(p);
            }
        }
    }

    private void requeueTimedOut(final ControlBlock p)
    {
        if (p.boundScheduler >= 0 && group.placeTarget(p.boundScheduler) != id)
        {
            queues.pushRemote(group.placeTarget(p.boundScheduler), p.index, p.priority);
        }
        else
        {
            p.home = id;
            pushHere(p);
        }
    }

    /**
     * Owner only: queue a runnable process on this scheduler, unless the balancer has set a
     * migration path for this (overloaded) scheduler; bound processes never emigrate.
     *
     * @param p the process, RUNNABLE and owned by the caller.
     */
    void pushHere(final ControlBlock p)
    {
        if (p.boundScheduler < 0)
        {
            final int to = group.balancer().emigrationTarget(id);
            if (to >= 0)
            {
                p.home = to;
                migrations = migrations + 1; // single writer
                queues.pushRemote(to, p.index, p.priority);
                return;
            }
        }
        queues.pushLocal(id, p.index, p.priority);
    }

    /**
     * In a process: arm a timer if there is a deadline, then yield until woken.
     *
     * @param p        the running process.
     * @param deadline {@link System#nanoTime()} deadline, or 0 for none.
     */
    public void waitForMessage(final ControlBlock p, final long deadline)
    {
        if (deadline != 0)
        {
            timers.arm(p, deadline);
        }
        p.yieldReason = ControlBlock.YIELD_WAIT;
        Continuation.yield(ControlBlock.SCOPE);
        // Resumed, perhaps on another scheduler: the one that resumed us wrote p.scheduler.
        if (p.timerId != -1)
        {
            ((Scheduler)p.scheduler).timers.disarm(p);
        }
    }

    /**
     * In a process: give way to the other runnable processes.
     *
     * @param p the running process.
     */
    public static void yieldNow(final ControlBlock p)
    {
        p.yieldReason = ControlBlock.YIELD_REQUEUE;
        Continuation.yield(ControlBlock.SCOPE);
    }
}
