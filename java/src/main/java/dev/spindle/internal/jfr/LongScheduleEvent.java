package dev.spindle.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * A process ran longer than the node's {@code longScheduleThreshold} without giving way: it
 * delayed every other process queued on that scheduler by as much.
 */
@Name("dev.spindle.LongSchedule")
@Label("Long Schedule")
@Category({"Spindle", "Scheduler"})
@Description("A process ran past the threshold without yielding, waiting or exiting")
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
    @Timespan(Timespan.NANOSECONDS)
    public long ranFor;
}
