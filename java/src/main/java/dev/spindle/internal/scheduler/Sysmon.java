package dev.spindle.internal.scheduler;

import dev.spindle.SystemMonitor;
import dev.spindle.internal.jfr.JfrSupport;
import dev.spindle.internal.jfr.LongScheduleEvent;
import dev.spindle.internal.jfr.SchedulerStateEvent;
import dev.spindle.internal.process.Process;
import dev.spindle.internal.timer.TimerHeap;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The node's monitor thread (Go's sysmon): it watches the schedulers from outside so that nothing
 * depends on one scheduler's loop. Each tick it
 * <ul>
 * <li>sees a scheduler stuck in one schedule (a process in a long JNI call, {@code Thread.sleep},
 *     blocking I/O or a loop that never calls the runtime) for longer than the stall threshold
 *     (twice the time slice, at least 2 ms, and seen over that many of this thread's own ticks):
 *     marks it stalled (placement stops sending it work), takes the process from its LIFO slot to
 *     another scheduler, and wakes an idle scheduler to steal what is queued there;</li>
 * <li>expires timers that are overdue by more than {@link #GRACE_NANOS} in any scheduler's heap
 *     (normally each scheduler expires its own on time; this covers stuck and dead ones);</li>
 * <li>reports a schedule longer than {@code longScheduleThreshold} once, as a JFR event naming the
 *     process and carrying the process's stack (sampled while it runs).</li>
 * </ul>
 * It ticks every {@link #BUSY_TICK_NANOS} while a process is running, and otherwise sleeps until
 * the earliest timer deadline (plus grace) or {@link #IDLE_TICK_NANOS}, so an idle node costs ~0
 * CPU. A schedule that starts while it sleeps is seen at most one idle tick late; a long schedule
 * that ends before it is seen is reported by its scheduler instead (without the stack).
 * It never touches a scheduler's owner-only state.
 */
final class Sysmon implements Runnable
{
    static final long BUSY_TICK_NANOS = 1_000_000L;
    static final long IDLE_TICK_NANOS = 10_000_000L; // Go's sysmon backs off to 10 ms too
    static final long GRACE_NANOS = 1_000_000L;

    private final Schedulers group;
    private final Thread thread;
    private final long stallNanos;
    private final int stallTicks;
    private final long longScheduleNanos;
    private final long sliceNanos;
    private final TimerHeap.Expired expired = new TimerHeap.Expired(64);
    private final long[] lastSchedules;
    private final long[] firstSeen;
    private final int[] ticksSeen; // ticks that saw the same schedule running, after the first
    private final boolean[] reported;
    private final boolean[] monitorReported;
    private final boolean[] stallReported;
    private volatile boolean stopping;

    Sysmon(final Schedulers group, final ThreadGroup threads)
    {
        this.group = group;
        final int n = group.count();
        this.lastSchedules = new long[n];
        this.firstSeen = new long[n];
        this.ticksSeen = new int[n];
        this.reported = new boolean[n];
        this.monitorReported = new boolean[n];
        this.stallReported = new boolean[n];
        // A process that calls the runtime gives way within a time slice; twice that, and at
        // least 2 ms (twice the tick), means it is stuck in something that never calls us.
        this.stallNanos = Math.max(2 * BUSY_TICK_NANOS, 2 * group.config().timeSlice().toNanos());
        // ... and seen that long by this thread's own ticks: a pause that stops every thread (a
        // GC, this thread descheduled) makes the clock jump but adds one tick, so it cannot make a
        // busy scheduler look stuck (and have its LIFO process moved to another core).
        this.stallTicks = (int)(stallNanos / BUSY_TICK_NANOS) + 1;
        this.longScheduleNanos = group.config().longScheduleThreshold().toNanos();
        this.sliceNanos = group.config().timeSlice().toNanos();
        this.thread = new Thread(threads, this, "spindle-" + group.nodeId() + "-monitor");
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /** @return whether the thread has ended (it touches the run queues: they may be freed then). */
    boolean stop()
    {
        stopping = true;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    @Override
    public void run()
    {
        while (!stopping)
        {
            long sleep;
            try
            {
                sleep = tick(System.nanoTime());
            }
            catch (final Throwable t)
            {
                sleep = IDLE_TICK_NANOS; // a failed tick must not end the monitor; the next one retries
            }
            LockSupport.parkNanos(this, sleep);
        }
    }

    /**
     * One look at every scheduler. Package-private: StuckSchedulerTest drives a second, unstarted
     * monitor with a synthetic clock.
     *
     * @param now System.nanoTime() of this tick.
     * @return how long to sleep before the next tick.
     */
    long tick(final long now)
    {
        long sleep = IDLE_TICK_NANOS;
        final ActiveSet active = group.active();
        for (int i = 0; i < group.count(); i++)
        {
            final Scheduler s = group.scheduler(i);
            final long word = s.runningOpaque();
            final Process running = s.runningProcess(word);
            final long schedules = Scheduler.scheduleOf(word);
            if (running != null && !active.dead(i))
            {
                sleep = BUSY_TICK_NANOS;
                if (schedules != lastSchedules[i])
                {
                    lastSchedules[i] = schedules;
                    firstSeen[i] = now;
                    ticksSeen[i] = 0;
                    reported[i] = false;
                    monitorReported[i] = false;
                    stallReported[i] = false;
                    unstall(s);
                }
                else
                {
                    ticksSeen[i]++;
                    watch(s, running, now - firstSeen[i]);
                }
            }
            else
            {
                lastSchedules[i] = schedules;
                firstSeen[i] = now;
                ticksSeen[i] = 0;
                unstall(s);
            }
            final long due = s.timers.nextDeadline();
            if (due != TimerHeap.NONE)
            {
                if (now - due > GRACE_NANOS)
                {
                    s.timers.expire(now, expired); // its owner is late: do it from here
                }
                else
                {
                    sleep = Math.min(sleep, Math.max(BUSY_TICK_NANOS, due + GRACE_NANOS - now));
                }
            }
        }
        return sleep;
    }

    private void watch(final Scheduler s, final Process running, final long ranFor)
    {
        final ActiveSet active = group.active();
        if (ranFor > sliceNanos)
        {
            // The slice is over: ask for a safe point (instrumented code polls the budget without a
            // clock; a racy hint the owner may overwrite, repeated every tick).
            s.thread.budget = 0;
        }
        if (ranFor > stallNanos && ticksSeen[s.id] >= stallTicks && !active.stalled(s.id))
        {
            active.setStalled(s.id, true);
            s.counters().stall();
        }
        if (active.stalled(s.id))
        {
            // Rescue what would wait for the stuck loop: the LIFO slot's process, and (by waking
            // an idle scheduler, whose steal takes from stalled victims) its queued work.
            final Process slot = s.lifo.steal();
            if (slot != null)
            {
                group.enqueueRemote(slot, group.placement().forward(slot, s.id));
            }
            group.unparkOne(s.id);
        }
        final Schedulers.SystemMonitorTarget monitor = group.systemMonitor();
        if (monitor != null)
        {
            final SystemMonitor settings = monitor.settings();
            if (settings.longSchedule() != null && ranFor > settings.longSchedule().toNanos() && !monitorReported[s.id])
            {
                monitorReported[s.id] = true;
                s.markLongScheduleReported(lastSchedules[s.id], true);
                group.report(new SystemMonitor.LongSchedule(running.pid, s.id, Duration.ofNanos(ranFor), processFrames(s.stack())));
            }
            if (settings.schedulerStall() && active.stalled(s.id) && !stallReported[s.id])
            {
                stallReported[s.id] = true;
                group.report(new SystemMonitor.SchedulerStalled(s.id, running.pid, Duration.ofNanos(ranFor)));
            }
        }
        if (ranFor > longScheduleNanos && !reported[s.id])
        {
            reported[s.id] = true;
            s.markLongScheduleReported(lastSchedules[s.id], false);
            if (JfrSupport.longSchedule())
            {
                final LongScheduleEvent e = new LongScheduleEvent();
                e.pid = running.pid.toString();
                e.scheduler = s.id;
                e.ranFor = ranFor;
                e.stack = describe(s.stack());
                e.commit();
            }
        }
    }

    private void unstall(final Scheduler s)
    {
        if (group.active().stalled(s.id))
        {
            group.active().setStalled(s.id, false);
        }
    }

    void schedulerDied(final Scheduler s, final Throwable cause)
    {
        if (JfrSupport.schedulerState())
        {
            final SchedulerStateEvent e = new SchedulerStateEvent();
            e.scheduler = s.id;
            e.state = "DIED";
            e.cpu = s.observedCpu();
            e.commit();
        }
        LockSupport.unpark(thread);
    }

    /** @return the process's frames: the carrier's stack above the continuation's entry. */
    static java.util.List<StackTraceElement> processFrames(final StackTraceElement[] stack)
    {
        final java.util.List<StackTraceElement> out = new java.util.ArrayList<>();
        for (final StackTraceElement f : stack)
        {
            if (f.getClassName().startsWith("jdk.internal.vm.Continuation") && f.getMethodName().startsWith("enter") ||
                f.getClassName().equals("java.lang.VirtualThread") && f.getMethodName().equals("run"))
            {
                break;
            }
            out.add(f);
            if (out.size() == 64)
            {
                break;
            }
        }
        return out;
    }

    /** @return the process's frames (the carrier's stack above the continuation's entry), one per line. */
    static String describe(final StackTraceElement[] stack)
    {
        final StringBuilder b = new StringBuilder();
        int shown = 0;
        for (final StackTraceElement f : stack)
        {
            if (f.getClassName().startsWith("jdk.internal.vm.Continuation") && f.getMethodName().startsWith("enter"))
            {
                break; // below this are the scheduler's own frames
            }
            b.append(f).append('\n');
            if (++shown == 32)
            {
                b.append("...\n");
                break;
            }
        }
        return b.toString();
    }
}
