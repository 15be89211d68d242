package dev.spindle.jmx;

import dev.spindle.Node;
import dev.spindle.ProcessInfo;

/** {@link NodeMXBean} over a node's shared {@link Readings}. */
final class NodeBean implements NodeMXBean
{
    private final Readings readings;
    private final Node node;

    NodeBean(final Readings readings)
    {
        this.readings = readings;
        this.node = readings.node();
    }

    @Override
    public int getId()
    {
        return node.id();
    }

    @Override
    public boolean isClosed()
    {
        return node.isClosed();
    }

    @Override
    public int getSchedulers()
    {
        return node.schedulers();
    }

    @Override
    public int getSchedulersOnline()
    {
        return node.schedulersOnline();
    }

    @Override
    public int getSchedulersActive()
    {
        return node.schedulersActive();
    }

    @Override
    public int getProcessCount()
    {
        return node.processCount();
    }

    @Override
    public long getPendingTimers()
    {
        return node.pendingTimers();
    }

    @Override
    public int getDirtyQueued()
    {
        return node.dirtyQueued();
    }

    @Override
    public long getRunQueueLength()
    {
        long sum = 0;
        for (final Node.SchedulerStats s : readings.stats())
        {
            for (final long q : s.queued())
            {
                sum += q;
            }
        }
        return sum;
    }

    @Override
    public double getUtilization()
    {
        final double[] u = readings.utilization();
        double sum = 0;
        for (final double v : u)
        {
            sum += v;
        }
        return u.length == 0 ? 0 : sum / u.length;
    }

    @Override
    public long getContextSwitches()
    {
        long sum = 0;
        for (final Node.SchedulerStats s : readings.stats())
        {
            sum += s.contextSwitches();
        }
        return sum;
    }

    @Override
    public long getSteals()
    {
        long sum = 0;
        for (final Node.SchedulerStats s : readings.stats())
        {
            sum += s.stolen();
        }
        return sum;
    }

    @Override
    public long getMigrations()
    {
        long sum = 0;
        for (final Node.SchedulerStats s : readings.stats())
        {
            sum += s.migrations();
        }
        return sum;
    }

    @Override
    public long getStalls()
    {
        long sum = 0;
        for (final Node.SchedulerStats s : readings.stats())
        {
            sum += s.stalls();
        }
        return sum;
    }

    @Override
    public long getDrifts()
    {
        long sum = 0;
        for (int i = 0; i < node.schedulers(); i++)
        {
            sum += readings.placement(i).drifts();
        }
        return sum;
    }

    @Override
    public long getLargestMailbox()
    {
        long max = 0;
        for (final ProcessInfo p : readings.topMailboxes())
        {
            max = Math.max(max, p.mailboxLength());
        }
        return max;
    }

    @Override
    public long getLargestMailboxHighWater()
    {
        long max = 0;
        for (final ProcessInfo p : readings.topMailboxes())
        {
            max = Math.max(max, p.mailboxHighWater());
        }
        return max;
    }
}
