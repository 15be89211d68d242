package dev.spindle.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A raw process waited on its carrier thread because its instrumented code held a monitor or lock
 * (it could not unmount without handing the lock to the next process there): its scheduler ran
 * nothing else meanwhile. The model is the JDK's {@code jdk.VirtualThreadPinned}.
 */
@Name("dev.spindle.ProcessPinned")
@Label("Process Pinned")
@Category({"Spindle", "Scheduler"})
@Description("A process waited on its scheduler thread while holding a lock in instrumented code")
@StackTrace(false)
public final class ProcessPinnedEvent extends Event
{
    /** The process. */
    @Label("Process")
    public String pid;

    /** Its scheduler. */
    @Label("Scheduler")
    public int scheduler;
}
