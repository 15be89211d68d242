package dev.spindle.internal.runtime;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Inboxes: close racing receive, double close, slot reuse, one receiver at a time, errors that match the docs. */
class InboxTest
{
    /** A thread blocked in receive wakes when another thread closes the inbox (it used to stay parked). */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void closeWakesABlockedReceiver(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1))
        {
            for (int round = 0; round < 200; round++)
            {
                final Inbox inbox = node.inbox();
                final CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        inbox.receive();
                        return null;
                    }
                    catch (final Throwable t)
                    {
                        return t;
                    }
                });
                if (round % 2 == 0)
                {
                    Thread.sleep(0, 200_000); // sometimes close before the receiver parks, sometimes after
                }
                inbox.close();
                final Throwable t = outcome.get(10, TimeUnit.SECONDS);
                assertTrue(t instanceof IllegalStateException && t.getMessage().contains("closed"), "round " + round + ": " + t);
            }
        }
    }

    /** Closing twice, also from two threads at once, releases the slot once; the process count comes back exactly. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void doubleCloseReleasesOnce(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1))
        {
            final int before = node.processCount();
            final Inbox a = node.inbox();
            a.close();
            a.close();
            assertEquals(before, node.processCount());
            final AtomicReference<Inbox> target = new AtomicReference<>();
            final AtomicInteger phase = new AtomicInteger();
            final Thread other = new Thread(() ->
            {
                for (int round = 1; round <= 5_000; round++)
                {
                    while (phase.get() != 2 * round - 1)
                    {
                        Thread.onSpinWait();
                    }
                    target.get().close();
                    phase.incrementAndGet();
                }
            });
            other.start();
            for (int round = 1; round <= 5_000; round++)
            {
                target.set(node.inbox());
                phase.incrementAndGet(); // both threads close it at once
                target.get().close();
                while (phase.get() != 2 * round)
                {
                    Thread.onSpinWait();
                }
                assertEquals(before, node.processCount(), "round " + round);
            }
            other.join();
        }
    }

    /** Receive on a closed inbox throws IllegalStateException, as its Javadoc says; on a closed node NodeClosedException. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void errorsMatchTheDocs(final RunQueues kind) throws Exception
    {
        final Node node = Nodes.start(kind, 1);
        final Inbox closed = node.inbox();
        closed.close();
        assertThrows(IllegalStateException.class, closed::receive);
        assertThrows(IllegalStateException.class, () -> closed.receive(Duration.ZERO));
        final Inbox open = node.inbox();
        final CompletableFuture<Throwable> waiting = new CompletableFuture<>();
        final Thread receiver = new Thread(() ->
        {
            try
            {
                open.receive();
                waiting.complete(null);
            }
            catch (final Throwable t)
            {
                waiting.complete(t);
            }
        }, "inbox-test-first-receiver");
        receiver.start();
        // Blocked in its receive before the second one tries (a fixed sleep raced on a loaded machine).
        InProcess.await(() -> receiver.getState() == Thread.State.WAITING || receiver.getState() == Thread.State.TIMED_WAITING,
            "the first receiver blocked");
        assertThrows(IllegalStateException.class, () -> open.receive(Duration.ofMillis(10)), "a second receiver");
        node.close();
        assertTrue(waiting.get(10, TimeUnit.SECONDS) instanceof NodeClosedException);
        assertThrows(NodeClosedException.class, open::receive);
        assertThrows(NodeClosedException.class, node::inbox);
    }
}
