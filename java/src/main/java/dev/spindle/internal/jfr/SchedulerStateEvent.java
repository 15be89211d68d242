package dev.spindle.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A scheduler changed state: went to sleep, woke, went offline or online, drifted off its CPU. */
@Name("dev.spindle.SchedulerState")
@Label("Scheduler State")
@Category({"Spindle", "Scheduler"})
@Description("Scheduler sleep/wake, online/offline and CPU drift")
public final class SchedulerStateEvent extends Event
{
    /** 0-based scheduler index. */
    @Label("Scheduler")
    public int scheduler;

    /** SLEEP (the event's duration is the sleep), OFFLINE, ONLINE or DRIFT. */
    @Label("State")
    public String state;

    /** The CPU it runs on at the end of the event (sched_getcpu). */
    @Label("CPU")
    public int cpu;
}
