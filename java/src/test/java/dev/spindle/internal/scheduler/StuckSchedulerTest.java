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

    private static volatile boolean stopHog;
    private static volatile boolean hogSettled;

    /**
     * A pause of every thread (a GC, the monitor itself descheduled) makes the monitor's clock jump
     * while adding one tick: it must not mark a busy scheduler stuck (it did: the stall test read
     * only the clock). A second monitor, never started, is driven with a synthetic clock; the node's own
     * monitor has a 2 s threshold here (the longest time slice, 1 s, doubled), so it never marks the
     * stall itself while the probe runs (well under a second), though it may clear the probe's mark
     * once (below).
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aPauseOfEveryThreadIsNotAStall(final RunQueues kind) throws Exception
    {
        stopHog = false;
        hogSettled = false;
        try (Node node = Node.start(NodeConfig.builder().schedulers(2).pinned(false).runQueues(kind)
                .timeSlice(Duration.ofSeconds(1)).build());
             Inbox inbox = node.inbox())
        {
            final Schedulers group = dev.spindle.TestAccess.runtime(node).schedulers();
            node.spawn(() ->
            {
                Proc.send(inbox.pid(), "running");
                hogSettled = true; // the send has returned, its reduction charged: no runtime call from here on
                final long until = System.nanoTime() + 20_000_000_000L;
                while (!stopHog && System.nanoTime() < until)
                {
                    Thread.onSpinWait(); // one long schedule on scheduler 0
                }
            }, SpawnOptions.defaults().scheduler(0));
            assertEquals("running", inbox.receive(Duration.ofSeconds(10)));
            final long settleBy = System.nanoTime() + 10_000_000_000L;
            while (!hogSettled && System.nanoTime() < settleBy)
            {
                Thread.sleep(1);
            }
            assertTrue(hogSettled, "the hog's send never returned");
            try
            {
                final Sysmon probe = new Sysmon(group, new ThreadGroup("probe"));
                final long t = System.nanoTime();
                probe.tick(t);
                probe.tick(t + 3_000_000_000L); // 3 s later by the clock, one tick later by the count
                assertFalse(group.active().stalled(0), "a clock jump of one tick marked a busy scheduler stuck");
                final long ticks = 2_000_000_000L / Sysmon.BUSY_TICK_NANOS + 1;
                long k = 1;
                for (; k <= ticks; k++)
                {
                    probe.tick(t + 3_000_000_000L + k * Sysmon.BUSY_TICK_NANOS);
                }
                // The loop above ends on the threshold's last tick, so it holds only if the probe saw one
                // schedule throughout. The probe's tick at 3 s ends the 1 s slice (budget 0), and a hog
                // still inside the send that delivered "running", before that send's reduction is
                // charged, then gives way once: a second schedule, and the probe's count starts again
                // mid-loop. Traced under load (two CPU hogs): schedule 1 before the loop, 2 after it,
                // in 2 of 27 runs (an earlier round of ticks, a tick per 20 ms up to 25, covered only
                // a restart in the loop's first ticks). So the probe starts only once the hog's send
                // has returned; the hog makes no runtime call after it, so it never gives way. The
                // stalled mark is also the node's, shared with the node's own monitor, which clears it
                // when it first sees the hog's schedule (if that comes late); the probe marks it again
                // on its next tick, hence a few more ticks, a tick per 20 ms, until the mark holds. The
                // node's own threshold (2 s) is far beyond these rounds, so only the probe sets it.
                boolean stalled = group.active().stalled(0);
                for (int round = 0; !stalled && round < 25; round++)
                {
                    Thread.sleep(20);
                    probe.tick(t + 3_000_000_000L + k++ * Sysmon.BUSY_TICK_NANOS);
                    stalled = group.active().stalled(0);
                }
                assertTrue(stalled, "seen stuck over the whole threshold's ticks: stalled");
            }
            finally
            {
                stopHog = true;
            }
        }
    }
}
