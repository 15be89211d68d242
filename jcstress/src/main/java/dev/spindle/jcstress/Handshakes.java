package dev.spindle.jcstress;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.internal.process.Process;
import dev.spindle.internal.timer.Timer;

/**
 * The runtime's sides of each handshake, as call sequences the tests share, and the fixtures they
 * run on. Each sequence mirrors the runtime's code line for line and names the file it comes
 * from: when that code changes, change the copy here.
 */
final class Handshakes
{
    /**
     * An inbox receive's timeout in the inbox tests: long enough that a receiver woken in the
     * first half of it cannot plausibly sit out the rest because its thread got no CPU.
     */
    static final long RECEIVE_NANOS = 5_000_000_000L;

    /** A timestamp field's value before the side it belongs to has acted. */
    static final long NOT_YET = Long.MIN_VALUE;

    private static final Pid PID = new Pid(0, 1, 1);

    private Handshakes()
    {
    }

    /**
     * A process as its scheduler holds it just before running it: dequeued, so RUNNING
     * ({@code Scheduler.run} calls {@code setRunningOpaque} first).
     *
     * @return a mounted process that no scheduler will ever run.
     */
    static Process runningProcess()
    {
        final Process p = new Process(PID, 2, -1, () -> { });
        p.setRunningOpaque();
        return p;
    }

    /**
     * The scheduler after a process's continuation yielded to wait: internal/scheduler/Scheduler.java,
     * the {@code YIELD_WAIT} branch at the end of {@code run(Process)}: publish WAITING, then look
     * once more at every wake source, and requeue if it wins the wake CAS.
     *
     * @param p     the process that yielded.
     * @param timer its receive timer ({@code ProcessContinuation.waitTimer}), or null.
     * @return true if the scheduler requeues it.
     */
    static boolean schedulerWaits(final Process p, final Timer timer)
    {
        p.setWaitingVolatile();
        return (p.mailbox.hasInbound() || p.wakeFlagVolatile() || (timer != null && timer.fired())) && p.tryWake();
    }

    /**
     * A sender: internal/scheduler/Schedulers.java {@code send}: put, then the wake CAS.
     *
     * @param p       the receiver.
     * @param message the message.
     * @return true if the sender enqueues it.
     */
    static boolean send(final Process p, final Object message)
    {
        p.mailbox.put(message);
        return p.tryWake();
    }

    /**
     * A dirty thread finishing: internal/scheduler/DirtyPool.java {@code Task.run}: the wake
     * flag, then the wake CAS.
     *
     * @param p the process that submitted the work.
     * @return true if the dirty thread enqueues it.
     */
    static boolean dirtyDone(final Process p)
    {
        p.setWakeFlagVolatile();
        return p.tryWake();
    }

    /**
     * The one node the inbox tests share per JVM (jcstress runs each test in its own JVM): one
     * scheduler, not pinned, so many test JVMs can share a small machine. Its threads are daemons.
     */
    static final class SharedNode
    {
        static final Node NODE = Node.start(NodeConfig.builder().schedulers(1).pinned(false).build());

        private SharedNode()
        {
        }
    }

    /** @return a fresh node for one test that closes it: one scheduler, not pinned. */
    static Node newNode()
    {
        return Node.start(NodeConfig.builder().schedulers(1).pinned(false).build());
    }

    /**
     * Grades a bounded wait that ran out although the other side acted. If the other side's call
     * had returned (its wake sent) within the first half of the wait, the waiter slept on through
     * a wake-up: lost, unless its thread was kept off the CPU for half the wait, which the waits'
     * lengths make unlikely on a loaded machine. Otherwise the other side was late (its thread
     * descheduled), which says nothing.
     *
     * @param waitStart  System.nanoTime() when the wait began.
     * @param waitNanos  the wait's timeout.
     * @param otherDone  System.nanoTime() when the other side's call returned, or {@link #NOT_YET}.
     * @param lost       the outcome to report for a lost wake-up.
     * @param late       the outcome to report otherwise.
     * @return one of the two.
     */
    static String gradeTimeout(final long waitStart, final long waitNanos, final long otherDone, final String lost, final String late)
    {
        return otherDone != NOT_YET && otherDone - waitStart < waitNanos / 2 ? lost : late;
    }
}
