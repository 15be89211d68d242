package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Port of the intent of OTP scheduler_SUITE equal/few_low/many_low and process_SUITE low_prio. */
class PriorityTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void highStarvesNormalWhileRunnable(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final AtomicLong normalTurns = new AtomicLong();
            final AtomicBoolean stop = new AtomicBoolean();
            // A MAX starter queues everything before anything else runs on the one scheduler.
            node.spawn(() ->
            {
                Proc.spawn(() ->
                {
                    while (!stop.get())
                    {
                        normalTurns.incrementAndGet();
                        Proc.yield();
                    }
                });
                Proc.spawn(() ->
                {
                    Proc.yield(); // let the normal process start
                    final long before = normalTurns.get();
                    for (int i = 0; i < 5_000; i++)
                    {
                        Proc.yield();
                    }
                    Proc.send(inbox.pid(), normalTurns.get() - before);
                }, SpawnOptions.defaults().priority(Priority.HIGH));
            }, SpawnOptions.defaults().priority(Priority.MAX));
            assertEquals(0L, inbox.receive(Duration.ofSeconds(30)), "normal ran while a high process was runnable");
            stop.set(true);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void lowGetsAboutOneTurnInEightOfNormals(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final AtomicLong low = new AtomicLong();
            final AtomicLong normal = new AtomicLong();
            final AtomicBoolean stop = new AtomicBoolean();
            node.spawn(() ->
            {
                Proc.spawn(() ->
                {
                    while (!stop.get())
                    {
                        low.incrementAndGet();
                        Proc.yield();
                    }
                }, SpawnOptions.defaults().priority(Priority.LOW));
                Proc.spawn(() ->
                {
                    for (int i = 0; i < 16_000; i++)
                    {
                        normal.incrementAndGet();
                        Proc.yield();
                    }
                    stop.set(true);
                    Proc.send(inbox.pid(), "done");
                });
            }, SpawnOptions.defaults().priority(Priority.MAX));
            assertEquals("done", inbox.receive(Duration.ofSeconds(30)));
            final double ratio = (double)low.get() / normal.get();
            assertTrue(ratio >= 1.0 / 16 && ratio <= 1.0 / 4, "low/normal turns = " + low.get() + "/" + normal.get());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void setPriorityChangesTheCallersQueue(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                final Priority old = Proc.setPriority(Priority.LOW);
                final Priority now = Proc.setPriority(Priority.HIGH);
                Proc.send(inbox.pid(), old + "," + now);
            });
            assertEquals("NORMAL,LOW", inbox.receive(Duration.ofSeconds(10)));
        }
        assertThrows(NullPointerException.class, () -> SpawnOptions.defaults().priority(null));
        assertEquals(Priority.NORMAL, SpawnOptions.defaults().priority());
        assertEquals(Priority.HIGH, SpawnOptions.defaults().priority(Priority.HIGH).priority());
    }
}
