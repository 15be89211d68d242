package dev.spindle.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A scheduler slept in its parker (nothing to run). Frequent: by default only sleeps of 10 ms or
 * more are recorded; set a lower threshold to see every one.
 */
@Name("dev.spindle.SchedulerSleep")
@Label("Scheduler Sleep")
@Category({"Spindle", "Scheduler"})
@Description("A scheduler slept with nothing to run; the duration is the sleep")
@StackTrace(false)
@Threshold("10 ms")
public final class SchedulerSleepEvent extends Event
{
    /** 0-based scheduler index. */
    @Label("Scheduler")
    public int scheduler;

    /** The CPU it woke up on (sched_getcpu). */
    @Label("CPU")
    public int cpu;
}
