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

class SchedulingTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void yieldingHogDoesNotStarveAPingPong(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong hogYields = new AtomicLong();
            node.spawn(() ->
            {
                while (!stop.get())
                {
                    Proc.yield();
                    hogYields.incrementAndGet();
                }
            });
            final Pid pong = node.spawn(() ->
            {
                for (;;)
                {
                    final Pid from = (Pid)Proc.receive();
                    Proc.send(from, "pong");
                }
            });
            final int rounds = 2_000;
            node.spawn(() ->
            {
                for (int i = 0; i < rounds; i++)
                {
                    Proc.send(pong, Proc.self());
                    Proc.receive();
                }
                Proc.send(inbox.pid(), "done");
            });
            assertEquals("done", inbox.receive(Duration.ofSeconds(60)), "ping-pong starved by a yielding hog");
            stop.set(true);
            assertTrue(hogYields.get() > 0, "the hog ran too");
        }
    }

    /**
     * One scheduler, budget 10: a sink takes 400 messages from two senders that never wait, each
     * sending 200 with {@code Proc.send}, or {@code Node.send} when {@code viaNode}.
     * @return the order the sink got them in ("a" and "b")
     */
    private static String interleaving(final RunQueues kind, final boolean viaNode) throws Exception
    {
        try (Node node = Nodes.start(kind, 1, 10); Inbox inbox = node.inbox())
        {
            final java.util.function.BiConsumer<Pid, String> send = viaNode ? node::send : Proc::send;
            final Pid sink = node.spawn(() ->
            {
                final StringBuilder order = new StringBuilder();
                for (int i = 0; i < 400; i++)
                {
                    order.append((String)Proc.receive());
                }
                Proc.send(inbox.pid(), order.toString());
            });
            node.spawn(() ->
            {
                node.spawn(() ->
                {
                    for (int i = 0; i < 200; i++)
                    {
                        send.accept(sink, "b");
                    }
                });
                for (int i = 0; i < 200; i++)
                {
                    send.accept(sink, "a");
                }
            });
            return (String)inbox.receive(Duration.ofSeconds(30));
        }
    }

    private static int longestRun(final String order)
    {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < order.length(); i++)
        {
            run = i > 0 && order.charAt(i) == order.charAt(i - 1) ? run + 1 : 1;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void reductionBudgetMakesSendersInterleave(final RunQueues kind) throws Exception
    {
        // Two senders that never wait must alternate in bursts of ~10.
        final String order = interleaving(kind, false);
        assertTrue(longestRun(order) <= 20, "a sender ran " + longestRun(order) + " sends without giving way: " + order);
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void nodeSendFromAProcessCostsAReductionToo(final RunQueues kind) throws Exception
    {
        // The same through the Node API from inside processes: it used to cost nothing, so each
        // sender held the scheduler for all its sends.
        final String order = interleaving(kind, true);
        assertTrue(longestRun(order) <= 20, "a sender ran " + longestRun(order) + " sends without giving way: " + order);
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void boundProcessRunsOnlyWhereBound(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            for (int target = 0; target < 2; target++)
            {
                final int bound = target;
                node.spawn(() ->
                {
                    boolean only = true;
                    for (int i = 0; i < 2_000; i++)
                    {
                        only &= Proc.schedulerId() == bound;
                        Proc.yield();
                    }
                    Proc.send(inbox.pid(), only);
                }, SpawnOptions.defaults().scheduler(bound));
            }
            // Busy unbound processes give the other scheduler reasons to steal.
            for (int i = 0; i < 50; i++)
            {
                node.spawn(() ->
                {
                    for (int k = 0; k < 500; k++)
                    {
                        Proc.yield();
                    }
                });
            }
            assertEquals(Boolean.TRUE, inbox.receive(Duration.ofSeconds(30)));
            assertEquals(Boolean.TRUE, inbox.receive(Duration.ofSeconds(30)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void spawnedChildrenStartOnTheParentsScheduler(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                final int parent = Proc.schedulerId();
                final Pid me = Proc.self();
                Proc.spawn(() -> Proc.send(me, Proc.schedulerId()));
                // The parent keeps its scheduler busy only briefly; the child may be stolen, but
                // when it was not, it ran where the parent runs.
                final Object child = Proc.receive();
                Proc.send(inbox.pid(), new int[] {parent, (Integer)child});
            }, SpawnOptions.defaults().scheduler(1));
            final int[] where = (int[])inbox.receive(Duration.ofSeconds(10));
            assertEquals(1, where[0]);
            assertTrue(where[1] == 0 || where[1] == 1);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void workSpreadsAcrossSchedulersByStealing(final RunQueues kind) throws Exception
    {
        // A burst spawned on scheduler 0 must reach scheduler 1. The children keep busy (yielding)
        // until one of them has run there, or 10 s: on a 2-core machine an idle scheduler may get
        // no CPU for milliseconds, so a fixed short burst would test the OS, not the stealing.
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final java.util.concurrent.atomic.AtomicBoolean spread = new java.util.concurrent.atomic.AtomicBoolean();
            node.spawn(() ->
            {
                final Pid me = Proc.self();
                for (int i = 0; i < 200; i++)
                {
                    Proc.spawn(() ->
                    {
                        final long until = System.nanoTime() + 10_000_000_000L;
                        while (!spread.get() && System.nanoTime() < until)
                        {
                            if (Proc.schedulerId() == 1)
                            {
                                spread.set(true);
                            }
                            Proc.yield();
                        }
                        Proc.send(me, "done");
                    });
                }
                for (int i = 0; i < 200; i++)
                {
                    Proc.receive();
                }
                Proc.send(inbox.pid(), "done");
            }, SpawnOptions.defaults().scheduler(0));
            assertEquals("done", inbox.receive(Duration.ofSeconds(60)));
            assertTrue(spread.get(), "children spawned on scheduler 0 never ran on scheduler 1");
            assertTrue(node.stats().get(1).stolen() > 0 || node.stats().get(1).executed() > 0);
        }
    }
}
