package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A scheduler stuck in one long call (here: a loop that never calls the runtime) must not strand
 * work another, idle scheduler could run: the process in its LIFO slot, and its timers. The hog
 * runs 2 s; the stranded work used to wait all of it.
 */
class StuckSchedulerTest
{
    private static void hog(final long millis)
    {
        final long until = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void theLifoSlotOfAStuckSchedulerIsRescued(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                final Pid partner = Proc.spawn(() -> Proc.send(inbox.pid(), Proc.receive())); // starts here, on 0
                Proc.receive(Duration.ofMillis(50)); // let it wait
                Proc.send(partner, System.nanoTime()); // wakes it into this scheduler's LIFO slot...
                hog(2_000);                            // ...and this scheduler is stuck
            }, SpawnOptions.defaults().scheduler(0));
            final long sent = (Long)inbox.receive(Duration.ofSeconds(10));
            final long waitedMs = (System.nanoTime() - sent) / 1_000_000L;
            assertTrue(waitedMs < 1_000, "the woken process waited " + waitedMs + " ms behind a stuck scheduler");
            assertTrue(node.stats().get(0).stalls() >= 1);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void timersOfAStuckSchedulerStillFire(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                Proc.spawn(() ->
                {
                    final long t0 = System.nanoTime();
                    Proc.receive(Duration.ofMillis(50)); // its timer lives in scheduler 0's heap
                    Proc.send(inbox.pid(), (System.nanoTime() - t0) / 1_000_000L);
                });
                Proc.receive(Duration.ofMillis(10));
                hog(2_000);
            }, SpawnOptions.defaults().scheduler(0));
            final long took = (Long)inbox.receive(Duration.ofSeconds(10));
            assertTrue(took < 1_000, "a 50 ms timeout took " + took + " ms behind a stuck scheduler");
        }
    }
}
