package dev.spindle.internal.jfr;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;

/**
 * Whether Spindle's JFR events are being recorded, as plain volatile reads for the scheduler's
 * hot path: timing every schedule costs two clock reads, so it is done only while a recording
 * has {@code dev.spindle.LongSchedule} enabled.
 */
public final class JfrSupport
{
    private static volatile boolean longSchedule;
    private static volatile boolean schedulerState;
    private static volatile boolean processPinned;
    private static volatile boolean schedulerSleep;

    static
    {
        try
        {
            FlightRecorder.addListener(new FlightRecorderListener()
            {
                @Override
                public void recordingStateChanged(final Recording recording)
                {
                    refresh();
                }
            });
            refresh();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            // JFR absent from this runtime image: events stay off.
        }
    }

    private JfrSupport()
    {
    }

    /**
     * Re-reads whether the events are enabled. The recording listener alone is not enough: it can
     * run before a new recording's settings apply, so schedulers also call this when they start
     * and after each sleep.
     */
    public static void refresh()
    {
        try
        {
            longSchedule = EventType.getEventType(LongScheduleEvent.class).isEnabled();
            schedulerState = EventType.getEventType(SchedulerStateEvent.class).isEnabled();
            processPinned = EventType.getEventType(ProcessPinnedEvent.class).isEnabled();
            schedulerSleep = EventType.getEventType(SchedulerSleepEvent.class).isEnabled();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            // JFR absent from this runtime image: events stay off
        }
    }

    /** @return whether long schedules are recorded. */
    public static boolean longSchedule()
    {
        return longSchedule;
    }

    /** @return whether scheduler state changes are recorded. */
    public static boolean schedulerState()
    {
        return schedulerState;
    }

    /** @return whether dev.spindle.SchedulerSleep is enabled. */
    public static boolean schedulerSleep()
    {
        return schedulerSleep;
    }

    /** @return whether dev.spindle.ProcessPinned is enabled. */
    public static boolean processPinned()
    {
        return processPinned;
    }
}
