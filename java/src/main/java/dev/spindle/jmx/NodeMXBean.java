package dev.spindle.jmx;

/**
 * A node, as JMX shows it: {@code dev.spindle:type=Node,node=<id>}. Counts are live; utilization
 * is over the window described at {@link #getUtilization()}.
 */
public interface NodeMXBean
{
    /** @return the node's id (the first number of its pids). */
    int getId();

    /** @return whether the node is closed (the figures are then those captured at close). */
    boolean isClosed();

    /** @return schedulers in all, online or not. */
    int getSchedulers();

    /** @return schedulers online. */
    int getSchedulersOnline();

    /** @return schedulers carrying work (fewer than online while compaction lets some sleep). */
    int getSchedulersActive();

    /** @return live processes and inboxes. */
    int getProcessCount();

    /** @return sendAfter and receive timers pending. */
    long getPendingTimers();

    /** @return tasks waiting for a dirty thread. */
    int getDirtyQueued();

    /** @return processes queued on all schedulers' run queues, every priority. */
    long getRunQueueLength();

    /**
     * @return the mean utilization of the schedulers (0..1): the fraction of time they were not
     * idle, over the window since the previous read of a utilization attribute of this node, at
     * least one second long (reads closer together repeat the last value).
     */
    double getUtilization();

    /** @return processes scheduler threads resumed, all schedulers, since start. */
    long getContextSwitches();

    /** @return processes stolen by one scheduler from another, since start. */
    long getSteals();

    /** @return processes handed from one scheduler to another (balancing, offline), since start. */
    long getMigrations();

    /** @return times the node's monitor saw a scheduler stuck in one long call, since start. */
    long getStalls();

    /** @return schedulers found running off the CPU they were pinned to, counted per finding. */
    long getDrifts();

    /** @return the longest mailbox now, of any process. */
    long getLargestMailbox();

    /**
     * @return the largest mailbox high-water mark among the processes whose mailboxes are longest
     * now (a process whose mailbox has drained since its peak is not among them).
     */
    long getLargestMailboxHighWater();
}
