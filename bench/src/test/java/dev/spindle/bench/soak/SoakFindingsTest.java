package dev.spindle.bench.soak;

import dev.spindle.Down;
import dev.spindle.IdleMode;
import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.Ref;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Minimal reproductions of the runtime bugs the soak found (docs/soak.md, "Findings"), through the
 * public API only. All three are fixed (timers moved to exact per-scheduler heaps; the exit path
 * drains every signal queued before it closes); each test is the regression test of its bug
 * (each failed on the code the soak ran against). The bounds are liveness bounds, tens of times what a working runtime needs even on a loaded machine.
 */
class SoakFindingsTest
{
    /**
     * Lost wake-up: processes looping on {@code receive(0.1 to 1.1 ms)} on 4 schedulers. A timer
     * that fires leaves its id in the process ({@code ControlBlock.timerId}); the wheel reuses the
     * slot for another process's timer before the first process resumes, and its
     * {@code ReceiveTimers.disarm} then cancels the other process's timer: that process waits
     * forever. Seen within seconds: 7 of 8 processes stuck.
     */
    @Test
    void receiveTimeoutsAreNeverLost() throws Exception
    {
        final int procs = 8;
        final int loops = 5_000;
        try (Node node = Node.start(NodeConfig.builder().schedulers(4).pinned(false).build()); Inbox inbox = node.inbox())
        {
            final AtomicLongArray progress = new AtomicLongArray(procs);
            final List<Pid> pids = new ArrayList<>();
            for (int p = 0; p < procs; p++)
            {
                final int id = p;
                pids.add(node.spawn(() ->
                {
                    final SplittableRandom rnd = new SplittableRandom(42 + id);
                    for (int i = 0; i < loops; i++)
                    {
                        Proc.receive(Duration.ofNanos(100_000 + rnd.nextLong(1_000_000)));
                        progress.set(id, i + 1);
                    }
                    Proc.send(inbox.pid(), id);
                }));
            }
            int done = 0;
            while (done < procs && inbox.receive(Duration.ofSeconds(60)) != null)
            {
                done++;
            }
            final StringBuilder stuck = new StringBuilder();
            for (int p = 0; p < procs; p++)
            {
                if (progress.get(p) < loops)
                {
                    stuck.append(' ').append(pids.get(p)).append(" after ").append(progress.get(p)).append(" receives: ").append(node.info(pids.get(p)));
                }
            }
            assertEquals(procs, done, "processes waiting forever in receive(timeout):" + stuck);
        }
    }

    /**
     * Late timers: one process looping on {@code receive(500 us)} on one PARK scheduler.
     * {@code DeadlineTimerWheel.poll} advances one tick (about 1 ms) per call and the scheduler
     * polls once per wake-up, and not at all while its wheel is empty, so the wheel falls behind
     * the clock and each timer waits for its spoke to come round: up to 512 polls. The receives
     * take 100 ms and more each after a few seconds, and later ones longer still.
     */
    @Test
    void receiveTimeoutsKeepTimeOnAnIdleNode() throws Exception
    {
        final int loops = 1_000; // 0.5 s of timeouts
        try (Node node = Node.start(NodeConfig.builder().schedulers(1).pinned(false).idleStrategy(IdleMode.PARK).build());
             Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                for (int i = 0; i < loops; i++)
                {
                    Proc.receive(Duration.ofNanos(500_000));
                }
                Proc.send(inbox.pid(), "done");
            });
            assertNotNull(inbox.receive(Duration.ofSeconds(60)), loops + " receive timeouts of 0.5 ms did not finish within 60 s");
        }
    }

    /** Tells a blaster its next target. */
    private record Target(Pid pid)
    {
    }

    /**
     * Lost Down: 8 processes each take targets from their mailbox, monitor each and send it 64
     * plain messages; a target exits after fewer. {@code Signals.exited} drains the dead process's
     * inbound queue with {@code poll()} until it returns null, but the MPSC queue returns null at an
     * offer in flight (between its tail swap and its link), which a concurrent plain send leaves
     * now and then: Monitor signals queued behind it are neither handled nor answered with a
     * noproc Down, and {@code mailbox.clear()} then drops them, so the watcher waits forever. On
     * the soak's machine: 3 of 183,192 monitors lost in 30,000 targets (107 s); with the drain
     * spinning over in-flight offers, 0 of 240,000. No process here waits with a timeout, so the
     * lost receive timeouts above cannot mimic it.
     */
    @Test
    void everyMonitorOfAProcessThatExitsGetsItsDown() throws Exception
    {
        final int blasters = 8;
        final int targets = 10_000; // old code: ~1 Down lost per 60k monitors; MailboxExitDrainTest pins the cause deterministically
        final AtomicLongArray made = new AtomicLongArray(blasters);
        final AtomicLongArray got = new AtomicLongArray(blasters);
        try (Node node = Node.start(NodeConfig.builder().schedulers(4).pinned(false).build()); Inbox inbox = node.inbox())
        {
            final List<Pid> pids = new ArrayList<>();
            for (int b = 0; b < blasters; b++)
            {
                final int id = b;
                pids.add(node.spawn(() ->
                {
                    for (;;)
                    {
                        final Pid t = ((Target)Proc.receive(m -> m instanceof Target)).pid();
                        final Ref ref = Proc.monitor(t);
                        made.incrementAndGet(id);
                        for (int i = 0; i < 64; i++)
                        {
                            Proc.send(t, i);
                        }
                        Proc.receive(m -> m instanceof Down d && d.ref().equals(ref));
                        got.incrementAndGet(id);
                    }
                }));
            }
            final SplittableRandom rnd = new SplittableRandom(7);
            for (int n = 0; n < targets; n++)
            {
                final int limit = rnd.nextInt(64);
                final Pid t = node.spawn(() ->
                {
                    for (int k = 0; k < limit; k++)
                    {
                        Proc.receive();
                    }
                });
                for (final Pid b : pids)
                {
                    inbox.send(b, new Target(t));
                }
                while (node.info(t) != null)
                {
                    Thread.onSpinWait(); // the first blaster's messages end it
                }
            }
            // Every blaster must get through all its targets: one waiting for a lost Down never does.
            final long deadline = System.nanoTime() + 120_000_000_000L;
            long done = 0;
            while (System.nanoTime() - deadline < 0)
            {
                done = 0;
                for (int b = 0; b < blasters; b++)
                {
                    done += got.get(b);
                }
                if (done == (long)targets * blasters)
                {
                    break;
                }
                Thread.sleep(100);
            }
            final StringBuilder waiting = new StringBuilder();
            for (int b = 0; b < blasters; b++)
            {
                if (made.get(b) != got.get(b))
                {
                    waiting.append(' ').append(pids.get(b)).append(" after ").append(got.get(b)).append(" Downs");
                }
            }
            assertEquals((long)targets * blasters, done, "monitors of exited targets that never got their Down:" + waiting);
        }
    }
}
