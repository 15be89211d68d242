package dev.spindle.jmx;

import dev.spindle.Node;
import dev.spindle.ProcessInfo;

import java.util.List;

/**
 * The figures every bean of one node reads, taken at most once per {@link SpindleMBeans#SNAPSHOT_MILLIS}:
 * a JMX client reads attributes one by one, and each {@code node.stats()} walks every scheduler.
 * All methods synchronize on this object; the beans of one node share one instance.
 */
final class Readings
{
    /** Utilization windows shorter than this repeat the previous value (a window of a few ms is noise). */
    static final long MIN_WINDOW_NANOS = 1_000_000_000L;
    /** How many of the longest mailboxes the high-water reading looks at. */
    static final int TOP_MAILBOXES = 10;

    private final Node node;
    private final long maxAgeNanos;
    private long takenAt;
    private List<Node.SchedulerStats> stats;
    private List<Node.Placement> placement;
    private List<ProcessInfo> topMailboxes;
    private long topTakenAt;

    // The utilization window: idle time per scheduler at its start, and the last result.
    private long markAt;
    private long[] markIdle;
    private double[] utilization;
    /** Idle time per scheduler, never decreasing (see {@link #idle}). */
    private final long[] maxIdle;

    Readings(final Node node, final long maxAgeNanos)
    {
        this.node = node;
        this.maxAgeNanos = maxAgeNanos;
        this.takenAt = System.nanoTime();
        this.stats = node.stats();
        this.placement = node.placement();
        this.maxIdle = new long[stats.size()];
        this.markAt = takenAt;
        this.markIdle = idle(stats);
        this.utilization = new double[stats.size()];
    }

    Node node()
    {
        return node;
    }

    synchronized List<Node.SchedulerStats> stats()
    {
        refresh();
        return stats;
    }

    synchronized Node.SchedulerStats stats(final int scheduler)
    {
        return stats().get(scheduler);
    }

    synchronized Node.Placement placement(final int scheduler)
    {
        refresh();
        return placement.get(scheduler);
    }

    /** @return the scheduler's idle nanoseconds, never less than a previous answer */
    synchronized long idleNanos(final int scheduler)
    {
        refresh();
        return idle(stats)[scheduler];
    }

    /** @return utilization per scheduler over the window since the previous read, at least {@link #MIN_WINDOW_NANOS}. */
    synchronized double[] utilization()
    {
        refresh();
        final long elapsed = takenAt - markAt;
        if (elapsed >= MIN_WINDOW_NANOS)
        {
            final long[] now = idle(stats);
            for (int i = 0; i < now.length; i++)
            {
                utilization[i] = Math.min(1.0, Math.max(0.0, 1.0 - (double)(now[i] - markIdle[i]) / elapsed));
            }
            markAt = takenAt;
            markIdle = now;
        }
        return utilization.clone();
    }

    synchronized List<ProcessInfo> topMailboxes()
    {
        final long now = System.nanoTime();
        if (topMailboxes == null || now - topTakenAt > maxAgeNanos)
        {
            topMailboxes = node.topProcesses(ProcessInfo.Sort.MAILBOX, TOP_MAILBOXES);
            topTakenAt = now;
        }
        return topMailboxes;
    }

    private void refresh()
    {
        final long now = System.nanoTime();
        if (now - takenAt > maxAgeNanos)
        {
            stats = node.stats();
            placement = node.placement();
            takenAt = now;
        }
    }

    /**
     * Idle time per scheduler, kept from going back: {@code idleNanos} read while an idle period
     * ends may count that period twice for a moment, and a counter that steps back reads as a reset
     * to an exporter.
     */
    private long[] idle(final List<Node.SchedulerStats> stats)
    {
        final long[] idle = new long[stats.size()];
        for (int i = 0; i < idle.length; i++)
        {
            idle[i] = Math.max(maxIdle[i], stats.get(i).idleNanos());
            maxIdle[i] = idle[i];
        }
        return idle;
    }
}
