package dev.spindle.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A process ran longer than the node's {@code longScheduleThreshold} without giving way: it
 * delayed every other process queued on that scheduler by as much.
 */
@Name("dev.spindle.LongSchedule")
@Label("Long Schedule")
@Category({"Spindle", "Scheduler"})
@Description("A process ran past the threshold without yielding, waiting or exiting; reported by the node's monitor while it runs")
@StackTrace(false) // committed by the node's monitor or the scheduler: the process's stack is in 'stack'
public final class LongScheduleEvent extends Event
{
    /** The process. */
    @Label("Process")
    public String pid;

    /** 0-based scheduler index. */
    @Label("Scheduler")
    public int scheduler;

    /** How long it ran. */
    @Label("Ran For")
    @Description("How long the schedule had run when it was seen (it may run on)")
    @Timespan(Timespan.NANOSECONDS)
    public long ranFor;

    @Label("Process Stack")
    @Description("The process's frames, sampled while it ran")
    public String stack;
}
