package dev.spindle.jmx;

/**
 * One scheduler, as JMX shows it: {@code dev.spindle:type=Scheduler,node=<id>,scheduler=<i>}.
 * Counters are cumulative since the node started (a JMX exporter turns them into rates); queue
 * lengths are approximate, read without stopping anything.
 */
public interface SchedulerMXBean
{
    /** @return the scheduler's 0-based index. */
    int getScheduler();

    /** @return whether it is online. */
    boolean isOnline();

    /** @return false once its thread died (its work moved to the others). */
    boolean isAlive();

    /**
     * @return the fraction of time it was not idle (0..1), over the window since the previous read
     * of a utilization attribute of this node, at least one second long.
     */
    double getUtilization();

    /** @return nanoseconds it spent idle since start (its rate is 1 - utilization). */
    long getIdleNanos();

    /** @return processes queued now at priority max. */
    long getQueuedMax();

    /** @return processes queued now at priority high. */
    long getQueuedHigh();

    /** @return processes queued now at priority normal. */
    long getQueuedNormal();

    /** @return processes queued now at priority low. */
    long getQueuedLow();

    /** @return entries taken from its run queues. */
    long getExecuted();

    /** @return processes it resumed. */
    long getContextSwitches();

    /** @return processes it stole from other schedulers. */
    long getSteals();

    /** @return victims it probed while stealing. */
    long getStealAttempts();

    /** @return processes it handed to other schedulers. */
    long getMigrations();

    /** @return wake-ups pushed to it from other threads. */
    long getInjected();

    /** @return times it slept. */
    long getParks();

    /** @return wake-ups sent to it. */
    long getWakeups();

    /** @return entries that went to its overflow list. */
    long getOverflowed();

    /** @return timers pending in its heap now. */
    int getTimers();

    /** @return times the node's monitor saw it stuck in one long call. */
    long getStalls();

    /** @return failures caught in its loop (it kept running). */
    long getErrors();

    /** @return the CPU it was pinned to, or -1 when unpinned. */
    int getRequestedCpu();

    /** @return the CPU it last read back with sched_getcpu, or -1 if unknown. */
    int getObservedCpu();

    /** @return times it was found off its pinned CPU. */
    long getDrifts();

    /** @return why pinning failed, or null. */
    String getPinError();
}
