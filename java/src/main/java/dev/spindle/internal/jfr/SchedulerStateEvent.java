package dev.spindle.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A scheduler changed state: drifted off its pinned CPU, or its thread died. Instant events; the
 * committing thread's stack says nothing about the scheduler, so none is recorded. Sleeps are
 * {@link SchedulerSleepEvent}s.
 */
@Name("dev.spindle.SchedulerState")
@Label("Scheduler State")
@Category({"Spindle", "Scheduler"})
@Description("A scheduler drifted off its CPU or died")
@StackTrace(false)
public final class SchedulerStateEvent extends Event
{
    /** 0-based scheduler index. */
    @Label("Scheduler")
    public int scheduler;

    /** DRIFT or DIED. */
    @Label("State")
    public String state;

    /** The CPU it was seen on (sched_getcpu). */
    @Label("CPU")
    public int cpu;
}
