package dev.spindle.internal.process;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ReceiveTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void selectiveReceiveLeavesOthersInTheirOrder(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid p = node.spawn(() ->
            {
                Proc.receive(m -> m.equals("go"));
                final List<Object> got = new ArrayList<>();
                got.add(Proc.receive(m -> m instanceof Integer i && i == 3));
                got.add(Proc.receive(m -> m instanceof String));
                got.add(Proc.receive(m -> m instanceof Integer i && i % 2 == 0));
                for (int k = 0; k < 3; k++)
                {
                    got.add(Proc.receive());
                }
                got.add(Proc.receive(m -> true, Duration.ZERO));
                Proc.send(inbox.pid(), got);
            });
            for (final Object m : new Object[] {1, 2, "a", 3, 4, "b"})
            {
                node.send(p, m);
            }
            node.send(p, "go");
            // 3 first, then the oldest String "a", then the oldest even 2; the rest in arrival order.
            assertEquals(java.util.Arrays.asList(3, "a", 2, 1, 4, "b", null), inbox.receive(Duration.ofSeconds(10)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void selectiveReceiveWaitsForALaterMatch(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid p = node.spawn(() ->
            {
                final Object m = Proc.receive(x -> x.equals("wanted"));
                Proc.send(inbox.pid(), m);
                Proc.send(inbox.pid(), Proc.receive());
            });
            node.send(p, "noise");
            Thread.sleep(20);
            node.send(p, "wanted");
            assertEquals("wanted", inbox.receive(Duration.ofSeconds(10)));
            assertEquals("noise", inbox.receive(Duration.ofSeconds(10)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void zeroTimeoutPolls(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            assertNull(inbox.receive(Duration.ZERO));
            node.spawn(() ->
            {
                final Object none = Proc.receive(Duration.ZERO);
                Proc.send(Proc.self(), "mine");
                final Object mine = Proc.receive(Duration.ZERO);
                final Object unmatched = Proc.receive(m -> false, Duration.ZERO);
                Proc.send(inbox.pid(), new Object[] {none, mine, unmatched});
            });
            assertArrayEquals(new Object[] {null, "mine", null}, (Object[])inbox.receive(Duration.ofSeconds(10)));
            node.send(inbox.pid(), "x");
            assertEquals("x", inbox.receive(Duration.ZERO));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void timeoutsFireOnceAndOnlyOnce(final RunQueues kind) throws Exception
    {
        final int processes = 2_000;
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final AtomicInteger timeouts = new AtomicInteger();
            final AtomicInteger messages = new AtomicInteger();
            final AtomicInteger wrong = new AtomicInteger();
            for (int i = 0; i < processes; i++)
            {
                final boolean gets = (i & 1) == 0;
                final Pid p = node.spawn(() ->
                {
                    final long start = System.nanoTime();
                    final Object m = Proc.receive(Duration.ofMillis(gets ? 5_000 : 30));
                    final long waited = System.nanoTime() - start;
                    if (m == null)
                    {
                        timeouts.incrementAndGet();
                        if (waited < Duration.ofMillis(30).toNanos() || gets)
                        {
                            wrong.incrementAndGet(); // fired early, or fired although a message came
                        }
                    }
                    else
                    {
                        messages.incrementAndGet();
                    }
                    // A second, longer wait: a stale timer from the first wait must not end it.
                    final Object later = Proc.receive(Duration.ofMillis(100));
                    if (later != null)
                    {
                        wrong.incrementAndGet();
                    }
                    Proc.send(inbox.pid(), Boolean.TRUE);
                });
                if (gets)
                {
                    node.send(p, "msg");
                }
            }
            for (int i = 0; i < processes; i++)
            {
                assertNotNull(inbox.receive(Duration.ofSeconds(30)), "process " + i + " never finished");
            }
            assertEquals(processes / 2, timeouts.get());
            assertEquals(processes / 2, messages.get());
            assertEquals(0, wrong.get());
            assertNull(inbox.receive(Duration.ofMillis(200)), "a process reported twice");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void matchingMessageBeforeTheDeadlineWins(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid p = node.spawn(() ->
            {
                final Object m = Proc.receive(x -> x instanceof Integer, Duration.ofSeconds(10));
                Proc.send(inbox.pid(), m == null ? "timeout" : m);
            });
            node.send(p, "ignored");
            Thread.sleep(30);
            node.send(p, 42);
            assertEquals(42, inbox.receive(Duration.ofSeconds(10)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void inboxTimeoutReturnsNull(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final long t0 = System.nanoTime();
            assertNull(inbox.receive(Duration.ofMillis(20)));
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(20).toNanos());
        }
    }
}
