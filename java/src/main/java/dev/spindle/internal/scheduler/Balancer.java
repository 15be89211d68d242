package dev.spindle.internal.scheduler;

import dev.spindle.internal.runqueue.RunQueueSet;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Periodic load balancing and optional load compaction, after the BEAM's {@code check_balance}.
 *
 * <p>Every {@link #CHECK_EVERY_ROUNDS} schedule-ins a scheduler offers to run a check; one runs at
 * a time (a CAS on {@code checking}) and at most one per {@link #MIN_PERIOD_NANOS}. A check reads
 * every active scheduler's run-queue length, pairs the most loaded (more than {@link #SLACK} above
 * the mean) with the least loaded (below the mean) and sets a migration path: until the next
 * check, an overloaded scheduler that queues a process while its queue is longer than the mean
 * sends it to its partner instead (emigration on enqueue, as on the BEAM). Stealing still covers
 * schedulers that run dry between checks.
 *
 * <p>Compaction ({@code NodeConfig.compaction(true)}, the BEAM's {@code +scl}): the same check
 * measures each active scheduler's utilization since the last check and sets the number of active
 * schedulers to {@code ceil(total busy / COMPACT_TARGET)}, between 1 and the schedulers online.
 * Inactive schedulers behave like offline ones: they forward what reaches them and sleep.
 */
final class Balancer
{
    /** Schedule-ins per scheduler between offers to check (the BEAM checks every ~8M reductions). */
    static final int CHECK_EVERY_ROUNDS = 4096;
    /** At most one check per this many nanoseconds, node-wide. */
    static final long MIN_PERIOD_NANOS = 5_000_000L;
    /** Queue entries above the mean before a scheduler counts as overloaded. */
    static final int SLACK = 2;
    /** Utilization each active scheduler should carry under compaction. */
    static final double COMPACT_TARGET = 0.75;

    private final Schedulers group;
    private final RunQueueSet queues;
    private final ActiveSet active;
    private final boolean compaction;
    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicIntegerArray emigrateTo;
    private final AtomicLongArray limit;
    private final long[] lastIdle; // guarded by checking
    private volatile long lastCheck;

    Balancer(final Schedulers group, final RunQueueSet queues, final ActiveSet active, final boolean compaction)
    {
        final int count = active.count();
        this.group = group;
        this.queues = queues;
        this.active = active;
        this.compaction = compaction;
        this.emigrateTo = new AtomicIntegerArray(count);
        this.limit = new AtomicLongArray(count);
        this.lastIdle = new long[count];
        clearPaths();
    }

    /** The online count changed: paths are cleared (compaction restarts from it in ActiveSet). */
    void clearPaths()
    {
        for (int i = 0; i < emigrateTo.length(); i++)
        {
            emigrateTo.set(i, -1);
        }
    }

    /**
     * @param s scheduler about to queue an unbound process locally.
     * @return where to send it instead, or -1 to keep it.
     */
    int emigrationTarget(final int s)
    {
        final int to = emigrateTo.getOpaque(s);
        if (to < 0 || !active.usable(to))
        {
            return -1;
        }
        return queueLength(s) > limit.getOpaque(s) ? to : -1;
    }

    private long queueLength(final int s)
    {
        long n = 0;
        for (int p = 0; p < 4; p++)
        {
            n += queues.queueLength(s, p);
        }
        return n;
    }

    /** Called by a scheduler every {@link #CHECK_EVERY_ROUNDS} schedule-ins. */
    void offerCheck()
    {
        final long now = System.nanoTime();
        if (now - lastCheck < MIN_PERIOD_NANOS || !checking.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            final long elapsed = now - lastCheck;
            lastCheck = now;
            final int n = active.active();
            final long[] len = new long[n];
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                len[i] = queueLength(i);
                sum += len[i];
                emigrateTo.setOpaque(i, -1);
            }
            final long mean = (sum + n - 1) / n;
            final boolean[] used = new boolean[n];
            for (;;)
            {
                int over = -1;
                int under = -1;
                for (int i = 0; i < n; i++)
                {
                    if (!used[i] && len[i] > mean + SLACK && (over < 0 || len[i] > len[over]))
                    {
                        over = i;
                    }
                    if (!used[i] && len[i] < mean && (under < 0 || len[i] < len[under]))
                    {
                        under = i;
                    }
                }
                if (over < 0 || under < 0)
                {
                    break;
                }
                used[over] = true;
                used[under] = true;
                limit.setOpaque(over, mean);
                emigrateTo.setOpaque(over, under);
            }
            if (compaction)
            {
                compact(elapsed);
            }
        }
        finally
        {
            checking.set(false);
        }
    }

    private void compact(final long elapsed)
    {
        final int n = active.active();
        double busy = 0;
        for (int i = 0; i < lastIdle.length; i++)
        {
            final long idle = group.scheduler(i).counters().idleNanos();
            if (i < n)
            {
                busy += Math.max(0.0, 1.0 - (double)(idle - lastIdle[i]) / Math.max(1, elapsed));
            }
            lastIdle[i] = idle;
        }
        active.setWish(Math.max(1, (int)Math.ceil(busy / COMPACT_TARGET))); // ActiveSet clamps to online
    }
}
