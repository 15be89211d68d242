package dev.spindle.jmx;

import dev.spindle.Node;

/** {@link SchedulerMXBean} for one scheduler, over its node's shared {@link Readings}. */
final class SchedulerBean implements SchedulerMXBean
{
    private final Readings readings;
    private final int scheduler;

    SchedulerBean(final Readings readings, final int scheduler)
    {
        this.readings = readings;
        this.scheduler = scheduler;
    }

    private Node.SchedulerStats s()
    {
        return readings.stats(scheduler);
    }

    private long queued(final int priority)
    {
        final long[] q = s().queued();
        return priority < q.length ? q[priority] : 0;
    }

    @Override
    public int getScheduler()
    {
        return scheduler;
    }

    @Override
    public boolean isOnline()
    {
        return s().online();
    }

    @Override
    public boolean isAlive()
    {
        return s().alive();
    }

    @Override
    public double getUtilization()
    {
        return readings.utilization()[scheduler];
    }

    @Override
    public long getIdleNanos()
    {
        return readings.idleNanos(scheduler);
    }

    // queued() is indexed by priority: max, high, normal, low (Node.SchedulerStats).
    @Override
    public long getQueuedMax()
    {
        return queued(0);
    }

    @Override
    public long getQueuedHigh()
    {
        return queued(1);
    }

    @Override
    public long getQueuedNormal()
    {
        return queued(2);
    }

    @Override
    public long getQueuedLow()
    {
        return queued(3);
    }

    @Override
    public long getExecuted()
    {
        return s().executed();
    }

    @Override
    public long getContextSwitches()
    {
        return s().contextSwitches();
    }

    @Override
    public long getSteals()
    {
        return s().stolen();
    }

    @Override
    public long getStealAttempts()
    {
        return s().stealAttempts();
    }

    @Override
    public long getMigrations()
    {
        return s().migrations();
    }

    @Override
    public long getInjected()
    {
        return s().injected();
    }

    @Override
    public long getParks()
    {
        return s().parks();
    }

    @Override
    public long getWakeups()
    {
        return s().wakeups();
    }

    @Override
    public long getOverflowed()
    {
        return s().overflowed();
    }

    @Override
    public int getTimers()
    {
        return s().timers();
    }

    @Override
    public long getStalls()
    {
        return s().stalls();
    }

    @Override
    public long getErrors()
    {
        return s().errors();
    }

    @Override
    public int getRequestedCpu()
    {
        return readings.placement(scheduler).requestedCpu();
    }

    @Override
    public int getObservedCpu()
    {
        return readings.placement(scheduler).observedCpu();
    }

    @Override
    public long getDrifts()
    {
        return readings.placement(scheduler).drifts();
    }

    @Override
    public String getPinError()
    {
        return readings.placement(scheduler).error();
    }
}
