package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JfrEventsTest
{
    @Test
    void longSchedulesAndSleepsAreRecorded() throws Exception
    {
        final Path file = Files.createTempFile("spindle", ".jfr");
        try (Recording recording = new Recording())
        {
            recording.enable("dev.spindle.LongSchedule");
            recording.enable("dev.spindle.SchedulerState");
            recording.enable("dev.spindle.SchedulerSleep").withThreshold(java.time.Duration.ZERO);
            recording.start();
            try (Node node = Node.start(NodeConfig.builder().schedulers(1).pinned(false).idleStrategy(IdleMode.PARK)
                .longScheduleThreshold(Duration.ofMillis(5)).build()); Inbox inbox = node.inbox())
            {
                final Pid hog = node.spawn(() ->
                {
                    final long until = System.nanoTime() + 30_000_000L; // 30 ms without a Proc call
                    while (System.nanoTime() < until)
                    {
                        Thread.onSpinWait();
                    }
                    Proc.send(inbox.pid(), "done");
                });
                assertEquals("done", inbox.receive(Duration.ofSeconds(10)));
                Thread.sleep(50); // let the scheduler sleep; a sleep event commits when the sleep ends:
                node.spawn(() -> Proc.send(inbox.pid(), "awake")); // so wake it before stopping
                assertEquals("awake", inbox.receive(Duration.ofSeconds(10)));
                recording.stop();
                recording.dump(file);
                final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
                assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.spindle.LongSchedule") &&
                    e.getString("pid").equals(hog.toString()) && e.getLong("ranFor") >= 5_000_000L), events.toString());
                assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.spindle.SchedulerSleep")));
            }
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }
}
