package dev.spindle.internal.scheduler;

import dev.spindle.internal.jfr.JfrSupport;
import dev.spindle.internal.jfr.LongScheduleEvent;
import dev.spindle.internal.jfr.ProcessPinnedEvent;
import dev.spindle.internal.process.ProcessHandle;
import dev.spindle.internal.jfr.SchedulerSleepEvent;
import dev.spindle.internal.jfr.SchedulerStateEvent;
import dev.spindle.internal.placement.CpuPlan;
import dev.spindle.internal.placement.Topology;
import dev.spindle.internal.process.Process;
import dev.spindle.internal.process.ProcessTable;
import dev.spindle.internal.runqueue.RunQueueSet;
import dev.spindle.internal.timer.TimerHeap;
import jdk.internal.vm.Continuation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One scheduler: its loop, and the owner-only state the loop needs. A round: expire due timers,
 * take the next process (the LIFO slot, then the run queues: inject drained, by priority, then
 * steal), run it until it waits, gives way or exits, and requeue it; with nothing to run, idle by
 * the node's {@link IdlePolicy}. Where a process goes afterwards is {@link Placement}'s decision,
 * carried out by {@link Schedulers}.
 *
 * <p>Owner-only: the LIFO slot's streak, the slice clock, the expiry scratch space, the free list
 * of process indices, and the counters' writes. Shared: the timer heap (any thread may cancel or,
 * when this scheduler is stuck, expire), the LIFO slot itself (the node's monitor may rescue its
 * entry), and the {@code running} word (schedule number and running process), which the monitor
 * samples to see a stuck schedule.
 *
 * <p>Code inside a process finds its scheduler through its {@link ProcessContinuation}, never
 * through {@code Thread.currentThread()}.
 */
public final class Scheduler
{
    /** Every 32 reductions the slice's clock is checked (keeps nanoTime off most calls). */
    static final int SLICE_CHECK_MASK = 31;
    /** While spinning idle, a steal attempt every this many rounds (a power of two). */
    static final int STEAL_EVERY = 32;
    /** Loop failures in a row after which the thread gives up (and dies loudly). */
    static final int MAX_CONSECUTIVE_ERRORS = 100;
    /** Fault injection for tests only ({@code -Dspindle.testHooks=true}); folded away otherwise. */
    private static final boolean TEST_HOOKS = Boolean.getBoolean("spindle.testHooks");

    private static final System.Logger LOG = System.getLogger("dev.spindle");
    private static final VarHandle RUNNING;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            RUNNING = l.findVarHandle(Scheduler.class, "running", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final Schedulers group;
    final int id;
    private final CpuPlan.Pin pin;
    private volatile int cpu; // the planned CPU until the thread pins; then the CPU it holds, or -1
    final SchedulerThread thread;
    final TimerHeap timers = new TimerHeap();
    final LifoSlot lifo = new LifoSlot();
    final ProcessTable.FreeList free = new ProcessTable.FreeList();
    private final RunQueueSet queues;
    private final ProcessTable table;
    private final IdlePolicy idle;
    private final SchedulerCounters counters = new SchedulerCounters();
    private final TimerHeap.Expired expired = new TimerHeap.Expired(64);
    private final int reductions;
    // A slice also ends after this long, so a process doing heavy work between calls gives way.
    private final long sliceNanos;

    private long sliceStart;
    private int placementRounds;
    private int balanceRounds;
    private int consecutiveErrors;
    private int idleRounds;
    private boolean idled;    // an idle period may be open: the next process run ends it
    private boolean skipIdle; // fromQueues took an entry it did not run (stale, or sent home)
    // Opaque, the monitor samples it: the schedule number (schedule-ins so far, 32 bits, wrapping)
    // in the high half, the running process's table index + 1 in the low half, 0 between schedules.
    // One primitive word and two plain stores per schedule, no reference store (and no GC barrier).
    @SuppressWarnings("unused") private long running;
    private int schedules; // owner only: the count behind running's high half
    private volatile long jfrReported;     // the schedule number the node's monitor reported to JFR as long
    private volatile long monitorReported; // ... and to the system monitor
    private volatile RuntimeException injectedFault; // tests only
    private volatile int observedCpu = -1;
    private volatile String pinError;

    Scheduler(final Schedulers group, final int id, final CpuPlan.Pin pin, final ThreadGroup threads)
    {
        this.group = group;
        this.id = id;
        this.pin = pin;
        this.cpu = pin.cpu();
        this.queues = group.queues();
        this.table = group.table();
        this.reductions = group.config().reductions();
        this.sliceNanos = group.config().timeSlice().toNanos();
        this.idle = new IdlePolicy(group.config().idleStrategy());
        this.thread = new SchedulerThread(threads, "spindle-" + group.nodeId() + "-scheduler-" + id, this);
    }

    /**
     * @param group a node's schedulers.
     * @return the scheduler of the calling thread if it is one of {@code group}'s, else null. Inside
     * a process this reads the process's continuation, never {@code Thread.currentThread()}.
     */
    static Scheduler ofCallingThread(final Schedulers group)
    {
        return ofCaller(ProcessContinuation.current(), group);
    }

    /**
     * @param pc    {@link ProcessContinuation#current()}, already looked up by the caller.
     * @param group a node's schedulers.
     * @return as {@link #ofCallingThread}.
     */
    static Scheduler ofCaller(final ProcessContinuation pc, final Schedulers group)
    {
        final Scheduler s;
        if (pc != null)
        {
            s = pc.scheduler;
        }
        else
        {
            // Not in a continuation: this frame cannot migrate, so the thread is stable.
            s = Thread.currentThread() instanceof SchedulerThread t ? t.scheduler() : null;
        }
        return s != null && s.group == group ? s : null;
    }

    /** @return whether the calling thread is some node's scheduler or process (it must not block). */
    public static boolean onSchedulerThread()
    {
        return ProcessContinuation.current() != null || Thread.currentThread() instanceof SchedulerThread;
    }

    /** @return 0-based scheduler index. */
    public int index()
    {
        return id;
    }

    /** @return the node's schedulers this one belongs to. */
    public Schedulers group()
    {
        return group;
    }

    /** @return its statistics. */
    public SchedulerCounters counters()
    {
        return counters;
    }

    /** @return the CPU this scheduler is pinned to (and holds), or -1 when unpinned. */
    public int requestedCpu()
    {
        return cpu;
    }

    /** @return the CPU it read back with sched_getcpu (-1 before start or when unknown). */
    public int observedCpu()
    {
        return observedCpu;
    }

    /** @return why it is not pinned to its planned CPU (held by another, or pinning failed), or null. */
    public String pinError()
    {
        return pinError;
    }

    /** @return whether its thread is alive (false before start and after it stopped or died). */
    public boolean threadAlive()
    {
        return thread.isAlive();
    }

    /** @return timers armed in its heap. */
    public int pendingTimers()
    {
        return timers.size();
    }

    // ---- what the node's monitor samples ----

    /** @return the running word (see the field), opaque. */
    long runningOpaque()
    {
        return (long)RUNNING.getOpaque(this);
    }

    /** @param word a running word. @return its schedule number. */
    static long scheduleOf(final long word)
    {
        return word >>> 32;
    }

    /**
     * @param word a running word this scheduler published.
     * @return the process it names, if that schedule is still running now (so the index was not
     * reused by a process spawned after it exited), else null.
     */
    Process runningProcess(final long word)
    {
        final int index = (int)word - 1;
        if (index < 0)
        {
            return null;
        }
        final Process p = table.process(index);
        return p != null && (long)RUNNING.getOpaque(this) == word ? p : null;
    }

    /** @return the process running now, or null (any thread; the owner gets an exact answer). */
    Process currentOpaque()
    {
        return runningProcess(runningOpaque());
    }

    /** Owner: a schedule of {@code p} begins. @return its running word */
    private long beginSchedule(final Process p)
    {
        final long word = (long)++schedules << 32 | (p.index + 1L);
        RUNNING.setOpaque(this, word);
        return word;
    }

    /** Owner: the schedule that began with {@code word} is over. */
    private void endSchedule(final long word)
    {
        RUNNING.setOpaque(this, word & 0xFFFF_FFFF_0000_0000L);
    }

    StackTraceElement[] stack()
    {
        return thread.getStackTrace();
    }

    void markLongScheduleReported(final long schedule, final boolean toSystemMonitor)
    {
        if (toSystemMonitor)
        {
            monitorReported = schedule;
        }
        else
        {
            jfrReported = schedule;
        }
    }

    // ---- the thread ----

    void start()
    {
        thread.start();
    }

    /**
     * The thread's body: pin (holding the CPU's lock until the thread ends, even when it outlives
     * its node's close in a stuck process), loop until the node stops, and never die silently.
     */
    void runThread()
    {
        final CpuPlan.Pinned pinned = pin.apply();
        cpu = pinned.cpu();
        pinError = pinned.note();
        observedCpu = Topology.currentCpu();
        JfrSupport.refresh();
        group.started(this);
        Throwable died = null;
        try
        {
            loop();
        }
        catch (final Throwable t)
        {
            died = t;
        }
        finally
        {
            try
            {
                group.stopped(this, died);
            }
            finally
            {
                pinned.release();
            }
        }
    }

    // The round is written out in the loop, not called: the loop runs once per thread, so C2
    // compiles it on stack replacement, after a separate round() would have been compiled on its
    // own, and a compiled method larger than InlineSmallCode (2,500 bytes) is never inlined into
    // a later compilation. That call cost ~11 ns per schedule (docs/performance.md, "The
    // same-core gap and the JIT's inlining limit"). The rare parts live in their own methods, so
    // the loop stays small enough for the methods it calls (run, fromQueues) to be inlined.
    private void loop()
    {
        while (!group.stopping())
        {
            try
            {
                if (TEST_HOOKS && injectedFault != null)
                {
                    throw injectedFault;
                }
                if (id >= group.active().active())
                {
                    offlineRound();
                }
                else
                {
                    if ((++placementRounds & 0xFFFF) == 0 && cpu >= 0)
                    {
                        checkPlacement(); // busy schedulers that never sleep are verified too
                    }
                    final long next = timers.nextDeadline();
                    if (next != TimerHeap.NONE)
                    {
                        expireDue(next);
                    }
                    Process p = lifo.take();
                    if (p == null)
                    {
                        p = fromQueues();
                    }
                    if (p != null)
                    {
                        if (idled)
                        {
                            endIdle();
                        }
                        run(p);
                    }
                    else if (skipIdle)
                    {
                        skipIdle = false; // the queues held something, just not for us to run now: look again
                    }
                    else
                    {
                        idled = true;
                        idleRounds = idle.idle(this) ? 0 : idleRounds + 1; // after a sleep: steal at once (a push may have woken us to)
                    }
                }
                consecutiveErrors = 0;
            }
            catch (final Throwable t)
            {
                counters.error();
                if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS)
                {
                    throw t;
                }
                try
                {
                    LOG.log(System.Logger.Level.ERROR, "scheduler " + id + ": error in its loop (it keeps running)", t);
                }
                catch (final Throwable ignored)
                {
                    // logging failed too (e.g. out of memory): the counter still says it happened
                }
            }
        }
    }

    /**
     * Tests only (needs {@code -Dspindle.testHooks=true}): every later round of this scheduler fails
     * with {@code fault}, so its thread dies after {@link #MAX_CONSECUTIVE_ERRORS} rounds.
     *
     * @param fault the failure, or null to stop injecting.
     */
    void injectFault(final RuntimeException fault)
    {
        if (!TEST_HOOKS)
        {
            throw new IllegalStateException("fault injection needs -Dspindle.testHooks=true");
        }
        injectedFault = fault;
    }

    private void expireDue(final long next)
    {
        final long now = System.nanoTime();
        if (now - next >= 0)
        {
            timers.expire(now, expired);
        }
    }

    /** @return the next process from the run queues (queueing the LIFO slot's first if its streak is spent), or null. */
    private Process fromQueues()
    {
        if (lifo.streakSpent())
        {
            final Process slot = lifo.takeForQueue();
            if (slot != null)
            {
                queues.pushLocal(id, slot.index, Schedulers.queueClass(slot)); // behind the others, like anyone
            }
        }
        // Steal on the first idle round, then only every STEAL_EVERY rounds while spinning: a
        // steal attempt touches other cores' queue lines (and the shared searching count), and an
        // idle scheduler polling them on every spin slows the very hand-offs it waits for.
        final int index = queues.next(id, idleRounds == 0 || (idleRounds & (STEAL_EVERY - 1)) == 0);
        if (index < 0)
        {
            return null;
        }
        lifo.resetStreak();
        final Process p = table.process(index);
        if (p == null)
        {
            skipIdle = true; // a stale entry of a process that exited
            return null;
        }
        if (p.boundScheduler >= 0)
        {
            final int home = group.placement().forward(p, id);
            if (home != id)
            {
                // Thieves never take bound entries; this one was queued here while its own
                // scheduler was offline, and that one is back (or the other way round).
                group.enqueueRemote(p, home);
                skipIdle = true;
                return null;
            }
        }
        return p;
    }

    private void endIdle()
    {
        idled = false;
        counters.idleEnd();
        idle.reset();
        idleRounds = 0;
    }

    /**
     * An offline (or inactive) scheduler runs nothing: it forwards whatever is still queued for it
     * (processes queued before it went offline, wake-ups in flight) to an active scheduler, keeps
     * expiring the timers it holds, and otherwise sleeps until woken or its next deadline.
     */
    private void offlineRound()
    {
        final Process slot = lifo.steal();
        if (slot != null)
        {
            forward(slot);
        }
        final long next = timers.nextDeadline();
        if (next != TimerHeap.NONE && System.nanoTime() - next >= 0)
        {
            timers.expire(System.nanoTime(), expired);
        }
        final int index = queues.next(id, false);
        if (index >= 0)
        {
            final Process p = table.process(index);
            if (p != null)
            {
                forward(p);
            }
            return;
        }
        idled = true;
        counters.idleBegin(System.nanoTime());
        sleep(timers.nextDeadline());
    }

    private void forward(final Process p)
    {
        final int target = group.placement().forward(p, id);
        counters.migration();
        if (target == id)
        {
            queues.pushLocal(id, p.index, Schedulers.queueClass(p));
        }
        else
        {
            group.enqueueRemote(p, target);
        }
    }

    /**
     * Sleeps in the run queues' parker until woken or {@code deadline} (TimerHeap.NONE: no deadline).
     *
     * @param deadline System.nanoTime() to wake at.
     */
    void sleep(final long deadline)
    {
        final SchedulerSleepEvent event = JfrSupport.schedulerSleep() ? new SchedulerSleepEvent() : null;
        if (event != null)
        {
            event.begin();
        }
        long timeout = -1;
        if (deadline != TimerHeap.NONE)
        {
            timeout = Math.max(0, deadline - System.nanoTime());
            if (timeout == 0)
            {
                return; // due already: the next round expires it
            }
        }
        final boolean slept = !queues.park(id, timeout);
        if (slept)
        {
            // The kernel may have moved us while asleep (a cgroup change, CPU hot-unplug): verify.
            checkPlacement();
            JfrSupport.refresh();
        }
        if (event != null)
        {
            event.scheduler = id;
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
            counters.drift();
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

    private void run(final Process p)
    {
        final ProcessContinuation c = (ProcessContinuation)p.continuation;
        if (c instanceof VirtualProcess v)
        {
            runVirtual(p, v);
            return;
        }
        if (c.scheduler != this)
        {
            c.scheduler = this; // only when it moved: a reference store costs GC barriers every schedule
        }
        p.setHomeOpaque(id);
        scheduleIn(p);
        p.setRunningOpaque();
        counters.contextSwitch();
        final long word = beginSchedule(p);
        final long started = JfrSupport.longSchedule() || group.hasSystemMonitor() ? System.nanoTime() : 0;
        try
        {
            c.run();
        }
        catch (final Throwable t)
        {
            machineryFailed(p, word, t);
            throw t;
        }
        endSchedule(word);
        if (started != 0)
        {
            reportLongSchedule(p, scheduleOf(word), System.nanoTime() - started);
        }
        scheduleOut(p);
        if (c.isDone())
        {
            group.exited(p, this);
            return;
        }
        if ((++balanceRounds & (Balancer.CHECK_EVERY_ROUNDS - 1)) == 0)
        {
            group.balancer().offerCheck();
        }
        final boolean requeue;
        if (p.yieldReason == Process.YIELD_REQUEUE)
        {
            p.setRunnableOpaque();
            requeue = true;
        }
        else
        {
            p.setWaitingVolatile();
            // Dekker with every wake source: WAITING is published (volatile) before we look at the
            // mailbox, the wake flag and the receive timer; each source publishes first (a put, the
            // flag, the timer's FIRED CAS) and then reads the state in tryWake.
            final ReceiveTimer timer = c.waitTimer;
            requeue = (p.mailbox.hasInbound() || p.wakeFlagVolatile() || (timer != null && timer.fired())) && p.tryWake();
        }
        if (requeue)
        {
            group.requeue(p, this); // one call site: inlined once, which keeps run small enough to inline into the loop
        }
    }

    /**
     * Process.run catches everything its body throws; this is the continuation machinery itself
     * failing (e.g. out of memory while freezing the stack). The process ends. Out of line: it
     * never runs, and inlined it made run() larger.
     */
    private void machineryFailed(final Process p, final long word, final Throwable t)
    {
        endSchedule(word);
        scheduleOut(p);
        if (p.exitReason() == null)
        {
            p.setExitReason(t);
        }
        group.exited(p, this);
    }

    /** Schedule-in: a fresh slice, and the locks the process's instrumented code held when it left. */
    private void scheduleIn(final Process p)
    {
        thread.budget = reductions;
        thread.unsafeDepth = p.unsafeDepth;
        sliceStart = 0;
    }

    /** Schedule-out: reductions spent, the lock depth goes back to the process, the carrier is clean. */
    private void scheduleOut(final Process p)
    {
        p.addReductions(Math.max(0L, (long)reductions - thread.budget));
        p.unsafeDepth = thread.unsafeDepth;
        thread.unsafeDepth = 0;
        thread.budget = Integer.MAX_VALUE; // the scheduler's own code never gives way
    }

    /**
     * Runs a virtual-thread process: its thread mounts here until it parks, yields, blocks or ends.
     * What happens next is the JDK's and the process's own business: a yield or an unblocking
     * resubmits it through {@link VirtualProcess#execute}, a wait in receive parks it until a waker
     * unparks it, and its end runs the exit path on the virtual thread itself.
     */
    private void runVirtual(final Process p, final VirtualProcess v)
    {
        v.scheduler = this;
        p.setHomeOpaque(id);
        scheduleIn(p);
        p.setRunningOpaque();
        counters.contextSwitch();
        final long word = beginSchedule(p);
        try
        {
            v.runTask();
        }
        finally
        {
            endSchedule(word);
        }
        scheduleOut(p);
        if ((++balanceRounds & (Balancer.CHECK_EVERY_ROUNDS - 1)) == 0)
        {
            group.balancer().offerCheck();
        }
    }

    /**
     * A virtual-thread process waits by parking: WAITING first, then one more look at every wake
     * source, then park. A waker wins WAITING to RUNNABLE and unparks; the park permit covers an
     * unpark that comes before the park. Spurious returns are fine: receive looks again.
     */
    private static void awaitVirtual(final ProcessContinuation pc, final ReceiveTimer timer)
    {
        final Process p = pc.process;
        try
        {
            p.setWaitingVolatile();
            if (!p.mailbox.hasInbound() && !p.wakeFlagVolatile() && (timer == null || !timer.fired()))
            {
                java.util.concurrent.locks.LockSupport.park();
            }
            p.setRunningOpaque();
        }
        finally
        {
            pc.waitTimer = null;
            if (timer != null)
            {
                timer.cancel();
            }
        }
    }

    /**
     * A raw process whose instrumented code holds a monitor or lock must not unmount (the lock is
     * the carrier thread's): it waits on its carrier, which blocks this scheduler for that long, as
     * the JDK pins a virtual thread. A waker unparks the carrier instead of queueing the process;
     * the node's monitor moves the scheduler's other work away meanwhile. Reported as a
     * {@code dev.spindle.ProcessPinned} JFR event.
     */
    /**
     * The park returned (woken, a deadline, or spuriously). Leave only when no other thread holds
     * the state: WAITING to RUNNING if nobody came; while an inspector holds it (INSPECTING), wait
     * for its WAITING, since the stack is being read; if a waker won (RUNNABLE), wait until it has
     * taken {@code pinnedWaiter}, or, reading nothing there, it would queue this running process.
     */
    private static void leavePinnedWait(final ProcessContinuation pc)
    {
        final Process p = pc.process;
        int spins = 0;
        for (;;)
        {
            if (p.casState(ProcessHandle.WAITING, ProcessHandle.RUNNING))
            {
                return;
            }
            final int st = p.stateVolatile();
            if (st != ProcessHandle.INSPECTING && st != ProcessHandle.WAITING && pc.pinnedWaiter == null)
            {
                p.setRunningOpaque(); // a waker won and has taken the waiter: its unpark is a spare permit
                return;
            }
            if (++spins < 128)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield(); // the other thread may be descheduled
            }
        }
    }

    private static void awaitPinned(final ProcessContinuation pc, final ReceiveTimer timer, final boolean timed, final long deadline)
    {
        final Process p = pc.process;
        final Scheduler s = pc.scheduler;
        final ProcessPinnedEvent event = JfrSupport.processPinned() ? new ProcessPinnedEvent() : null;
        if (event != null)
        {
            event.begin();
        }
        pc.pinnedWaiter = s.thread;
        try
        {
            p.setWaitingVolatile();
            if (!p.mailbox.hasInbound() && !p.wakeFlagVolatile() && (timer == null || !timer.fired()))
            {
                if (timed)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.max(1, deadline - System.nanoTime()));
                }
                else
                {
                    java.util.concurrent.locks.LockSupport.park();
                }
            }
            leavePinnedWait(pc);
        }
        finally
        {
            pc.pinnedWaiter = null;
            pc.waitTimer = null;
            if (timer != null)
            {
                timer.cancel();
            }
        }
        if (event != null)
        {
            event.pid = p.pid.toString();
            event.scheduler = s.id;
            event.commit();
        }
    }

    /** A long schedule the monitor did not see while it ran (it was asleep): report it without a stack. */
    private void reportLongSchedule(final Process p, final long schedule, final long ran)
    {
        final Schedulers.SystemMonitorTarget monitor = group.systemMonitor();
        if (monitor != null && monitor.settings().longSchedule() != null && ran > monitor.settings().longSchedule().toNanos() &&
            monitorReported != schedule)
        {
            group.report(new dev.spindle.SystemMonitor.LongSchedule(p.pid, id, java.time.Duration.ofNanos(ran), java.util.List.of()));
        }
        if (JfrSupport.longSchedule() && ran > group.config().longScheduleThreshold().toNanos() && jfrReported != schedule)
        {
            final LongScheduleEvent e = new LongScheduleEvent();
            e.pid = p.pid.toString();
            e.scheduler = id;
            e.ranFor = ran;
            e.stack = "(ended before the node's monitor sampled it)";
            e.commit();
        }
    }

    // ---- called from inside a process (on this scheduler's thread) ----

    /**
     * In a process: one reduction for a runtime call. A process that has spent its budget, or its
     * time slice, gives way here; pending signals are handled first, so a process that only sends
     * still obeys exit signals.
     *
     * @param pc the calling process.
     */
    public void charge(final ProcessContinuation pc)
    {
        if (pc.process.signalsPendingVolatile())
        {
            pc.process.mailbox.drainToSaved(pc);
        }
        final int left = --thread.budget;
        if ((left <= 0 || ((left & SLICE_CHECK_MASK) == 0 && sliceExpired())) && thread.unsafeDepth == 0)
        {
            yieldNow(pc); // (holding a lock in instrumented code: stay, give way at the next safe call)
        }
    }

    /**
     * In a process: its instrumented code spent the budget at a safe point (the agent's poll).
     * Pending signals first (an exit signal ends a process that never calls the runtime here),
     * then give way; a continuation pinned by a native frame cannot, and gets a fresh slice.
     *
     * @param pc the running process.
     */
    static void preempt(final ProcessContinuation pc)
    {
        final Scheduler s = pc.scheduler;
        if (pc.process.signalsPendingVolatile())
        {
            pc.process.mailbox.drainToSaved(pc);
        }
        if (!yieldNow(pc))
        {
            s.thread.budget = s.reductions; // a native frame on the stack: try again a slice later
        }
    }

    /**
     * Called every 32 reductions: the first call of a slice starts its clock, later ones compare.
     *
     * @return whether the running process has used up its time slice.
     */
    private boolean sliceExpired()
    {
        final long now = System.nanoTime();
        if (sliceStart == 0)
        {
            sliceStart = now;
            return false;
        }
        return now - sliceStart > sliceNanos;
    }

    /**
     * In a process: give way to the other runnable processes. A pinned continuation (a native frame
     * on its stack) cannot give way and keeps running.
     *
     * @param pc the running process.
     * @return false when the continuation was pinned and kept running (the JDK's own answer, so
     * the process object needs no flag for it).
     */
    public static boolean yieldNow(final ProcessContinuation pc)
    {
        if (pc instanceof VirtualProcess)
        {
            Thread.yield(); // the JDK unmounts it and resubmits it through VirtualProcess.execute
            return true;
        }
        pc.process.yieldReason = Process.YIELD_REQUEUE;
        pc.mayStayPinned = true;
        try
        {
            return Continuation.yield(ProcessContinuation.SCOPE);
        }
        finally
        {
            pc.mayStayPinned = false;
        }
    }

    /**
     * In a process: starts a sendAfter timer in this scheduler's heap.
     *
     * @param t        the timer.
     * @param deadline System.nanoTime() deadline.
     */
    public void startTimer(final dev.spindle.internal.timer.Timer t, final long deadline)
    {
        timers.add(t, deadline);
    }

    /** In a process: spend one reduction without any other effect (Proc.yield's accounting). */
    public void spendOne()
    {
        thread.budget--;
    }

    /**
     * In a process: arm the receive timeout if {@code timed}, then yield until woken (a message, a
     * signal, the timeout or the wake flag). Returns on whatever scheduler resumed the process.
     *
     * @param pc       the running process.
     * @param timed    whether {@code deadline} applies.
     * @param deadline System.nanoTime() deadline.
     */
    public static void await(final ProcessContinuation pc, final boolean timed, final long deadline)
    {
        // Kept small: every receive inlines this, and a receive compiled over the JIT's inlining
        // limit is called, not inlined, and adds a frame to every waiting process's stack. So the
        // timer's setup and teardown are out of line, and an untimed wait (waitTimer stays null
        // between waits) stores no reference.
        final ReceiveTimer timer = timed ? armTimer(pc, deadline) : null;
        if (pc instanceof VirtualProcess)
        {
            awaitVirtual(pc, timer);
            return;
        }
        if (pc.scheduler.thread.unsafeDepth > 0)
        {
            awaitPinned(pc, timer, timed, deadline);
            return;
        }
        pc.process.yieldReason = Process.YIELD_WAIT;
        try
        {
            Continuation.yield(ProcessContinuation.SCOPE);
        }
        finally
        {
            if (timer != null)
            {
                disarmTimer(pc, timer);
            }
        }
    }

    private static ReceiveTimer armTimer(final ProcessContinuation pc, final long deadline)
    {
        ReceiveTimer timer = pc.timer;
        if (timer == null)
        {
            timer = new ReceiveTimer(pc);
            pc.timer = timer;
        }
        pc.scheduler.timers.add(timer, deadline);
        pc.waitTimer = timer;
        return timer;
    }

    private static void disarmTimer(final ProcessContinuation pc, final ReceiveTimer timer)
    {
        pc.waitTimer = null;
        timer.cancel(); // out of whatever heap it is in, at once; no-op when it fired
    }
}
