package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class BalancingTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void compactionSleepsSchedulersUnderLightLoadAndWakesThemUnderHeavy(final RunQueues kind) throws Exception
    {
        try (Node node = Node.start(NodeConfig.builder().schedulers(2).pinned(false).runQueues(kind).compaction(true).build());
            Inbox inbox = node.inbox())
        {
            assertEquals(2, node.schedulersActive());
            // Light load: one process that mostly sleeps in receive timeouts.
            final AtomicBoolean stop = new AtomicBoolean();
            node.spawn(() ->
            {
                while (!stop.get())
                {
                    for (int i = 0; i < 5_000; i++)
                    {
                        Proc.yield();
                    }
                    Proc.receive(Duration.ofMillis(2));
                }
            });
            assertTrue(waitFor(() -> node.schedulersActive() == 1), "light load compacts to one scheduler");
            // Heavy load: four CPU-bound processes.
            for (int i = 0; i < 4; i++)
            {
                node.spawn(() ->
                {
                    while (!stop.get())
                    {
                        Proc.yield();
                    }
                });
            }
            assertTrue(waitFor(() -> node.schedulersActive() == 2), "heavy load spreads to both schedulers");
            stop.set(true);
            node.spawn(() -> Proc.send(inbox.pid(), "still serving"));
            assertEquals("still serving", inbox.receive(Duration.ofSeconds(10)));
        }
    }

    private static boolean waitFor(final java.util.function.BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline)
        {
            if (condition.getAsBoolean())
            {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
