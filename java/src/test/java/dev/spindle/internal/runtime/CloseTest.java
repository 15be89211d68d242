package dev.spindle.internal.runtime;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The close protocol: no call on a closed node touches native memory (these used to crash the
 * JVM with SIGSEGV, which fails the whole test run), close is bounded with a process that never
 * gives way, and what close cannot stop is reported.
 */
class CloseTest
{
    /** Dirty work that ignores interrupts and finishes after close must not push into freed queues. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void dirtyWorkFinishingAfterCloseDoesNothing(final RunQueues kind) throws Exception
    {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch finished = new CountDownLatch(1);
        final Node node = Nodes.start(kind, 2);
        node.spawn(() -> Proc.dirty(() ->
        {
            started.countDown();
            final long until = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < until)
            {
                Thread.onSpinWait(); // deaf to the interrupt close sends
            }
            finished.countDown();
            return 1;
        }));
        assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS));
        node.close();
        assertTrue(finished.await(10, java.util.concurrent.TimeUnit.SECONDS));
        Thread.sleep(100); // the completion's wake-up ran by now: it must have found the gate shut
        assertTrue(node.isClosed());
    }

    /** node.stats() after close reads the figures captured at close, not freed memory. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void statsAfterCloseAreTheFinalFigures(final RunQueues kind) throws Exception
    {
        final Node node = Nodes.start(kind, 2);
        try (Inbox inbox = node.inbox())
        {
            node.spawn(() -> Proc.send(inbox.pid(), "hi"));
            assertEquals("hi", inbox.receive(Duration.ofSeconds(10)));
        }
        node.close();
        final List<Node.SchedulerStats> stats = node.stats();
        assertEquals(2, stats.size());
        assertTrue(stats.stream().mapToLong(Node.SchedulerStats::contextSwitches).sum() >= 1);
        assertNotNull(node.placement());
    }

    /** Plain threads sending while the node closes: each send works or fails with NodeClosedException. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void sendsRacingCloseNeverTouchFreedQueues(final RunQueues kind) throws Exception
    {
        for (int round = 0; round < 30; round++)
        {
            final Node node = Nodes.start(kind, 2);
            final Pid sink = node.spawn(() ->
            {
                for (;;)
                {
                    Proc.receive();
                }
            });
            final AtomicReference<Throwable> unexpected = new AtomicReference<>();
            final Thread[] senders = new Thread[2];
            final CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < senders.length; t++)
            {
                senders[t] = new Thread(() ->
                {
                    try
                    {
                        go.await();
                        for (;;)
                        {
                            node.send(sink, "m");
                            node.spawn(() -> { });
                        }
                    }
                    catch (final NodeClosedException expected)
                    {
                        // the only way out
                    }
                    catch (final Throwable e)
                    {
                        unexpected.set(e);
                    }
                });
                senders[t].start();
            }
            go.countDown();
            Thread.sleep(round % 5);
            node.close();
            for (final Thread t : senders)
            {
                t.join(10_000);
                assertFalse(t.isAlive());
            }
            assertNull(unexpected.get());
        }
    }

    /** A process that never gives way: close waits at most its timeout and names the process. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void closeIsBoundedAndReportsProcessesThatNeverGiveWay(final RunQueues kind) throws Exception
    {
        final AtomicBoolean spin = new AtomicBoolean(true);
        final CountDownLatch running = new CountDownLatch(1);
        final Node node = Nodes.start(kind, 2);
        final Pid hog = node.spawn(() ->
        {
            running.countDown();
            while (spin.get())
            {
                Thread.onSpinWait(); // no runtime call: cannot be preempted without the agent
            }
        });
        assertTrue(running.await(10, java.util.concurrent.TimeUnit.SECONDS));
        final long t0 = System.nanoTime();
        final List<Pid> stuck = node.close(Duration.ofMillis(300));
        final long tookMs = (System.nanoTime() - t0) / 1_000_000L;
        assertEquals(List.of(hog), stuck);
        assertTrue(tookMs < 5_000, "close took " + tookMs + " ms");
        assertTrue(node.isClosed());
        assertThrows(NodeClosedException.class, () -> node.spawn(() -> { }));
        assertEquals(List.of(), node.close(Duration.ofMillis(1)), "a second close reports nothing");
        spin.set(false); // the process ends; its scheduler thread then leaves too
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!threads(node).isEmpty() && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertEquals(Set.of(), threads(node));
    }

    private static Set<String> threads(final Node node)
    {
        final String prefix = "spindle-" + node.id() + "-";
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive())
            .map(Thread::getName).collect(Collectors.toSet());
    }
}
