package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SchedulerControlTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void schedulersGoOfflineAndOnlineUnderLoadWithEveryMessageDelivered(final RunQueues kind) throws Exception
    {
        final int pairs = 50;
        final int rounds = 2_000;
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            assertEquals(2, node.schedulersOnline());
            for (int i = 0; i < pairs; i++)
            {
                final Pid echo = node.spawn(() ->
                {
                    for (;;)
                    {
                        final Object[] m = (Object[])Proc.receive();
                        Proc.send((Pid)m[0], m[1]);
                    }
                });
                node.spawn(() ->
                {
                    for (int r = 0; r < rounds; r++)
                    {
                        Proc.send(echo, new Object[] {Proc.self(), r});
                        final int got = (Integer)Proc.receive();
                        if (got != r)
                        {
                            Proc.send(inbox.pid(), "wrong reply " + got + " for " + r);
                            return;
                        }
                    }
                    Proc.send(inbox.pid(), "ok");
                });
            }
            for (int flip = 0; flip < 20; flip++)
            {
                node.schedulersOnline(flip % 2 == 0 ? 1 : 2);
                Thread.sleep(5);
            }
            node.schedulersOnline(1);
            for (int i = 0; i < pairs; i++)
            {
                assertEquals("ok", inbox.receive(Duration.ofSeconds(60)), "pair " + i);
            }
            // With one scheduler online, new work runs on scheduler 0 only.
            for (int i = 0; i < 20; i++)
            {
                node.spawn(() -> Proc.send(inbox.pid(), Proc.schedulerId()));
                assertEquals(0, inbox.receive(Duration.ofSeconds(10)));
            }
            assertTrue(node.stats().get(1).migrations() >= 0);
            assertEquals(1, node.schedulersOnline(2));
        }
    }

    @Test
    void badOnlineCountsFailClearly() throws Exception
    {
        try (Node node = Nodes.start(RunQueues.NATIVE, 2))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> node.schedulersOnline(3));
            assertTrue(ex.getMessage().contains("1..2"), ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> node.schedulersOnline(0));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void boundProcessOnAnOfflineSchedulerKeepsRunning(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid bound = node.spawn(() ->
            {
                for (;;)
                {
                    final Pid from = (Pid)Proc.receive();
                    Proc.send(from, Proc.schedulerId());
                }
            }, SpawnOptions.defaults().scheduler(1));
            node.send(bound, inbox.pid());
            assertEquals(1, inbox.receive(Duration.ofSeconds(10)));
            node.schedulersOnline(1);
            InProcess.awaitWaiting(node, bound); // it finished its reply and waits again: a running process moves when it next waits or yields
            node.send(bound, inbox.pid());
            assertEquals(0, inbox.receive(Duration.ofSeconds(10)), "bound to an offline scheduler: runs on an online one");
            node.schedulersOnline(2);
            InProcess.awaitWaiting(node, bound); // it finished its reply and waits again: a running process moves when it next waits or yields
            node.send(bound, inbox.pid());
            assertEquals(1, inbox.receive(Duration.ofSeconds(10)), "back home once its scheduler is online");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void dirtyWorkRunsOffTheSchedulersAndReturnsItsResult(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final AtomicInteger ticks = new AtomicInteger();
            node.spawn(() ->
            {
                final String where = Proc.dirty(() ->
                {
                    Thread.sleep(200); // blocking: must not stall the only scheduler
                    return Thread.currentThread().getName();
                });
                Proc.send(inbox.pid(), where);
                try
                {
                    Proc.dirty(() ->
                    {
                        throw new IOException("disk gone");
                    });
                }
                catch (final IOException ex)
                {
                    Proc.send(inbox.pid(), ex.getMessage());
                }
            });
            node.spawn(() ->
            {
                for (int i = 0; i < 50; i++)
                {
                    ticks.incrementAndGet();
                    Proc.receive(Duration.ofMillis(1));
                }
            });
            final String where = (String)inbox.receive(Duration.ofSeconds(10));
            assertTrue(where.contains("dirty"), where);
            assertTrue(ticks.get() > 10, "the scheduler kept running other processes during dirty work: " + ticks.get());
            assertEquals("disk gone", inbox.receive(Duration.ofSeconds(10)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void statsAndUtilizationReport(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2))
        {
            final List<Node.SchedulerStats> before = node.stats();
            assertEquals(2, before.size());
            final double[] idle = node.utilization(Duration.ofMillis(100));
            for (final double u : idle)
            {
                assertTrue(u >= 0 && u <= 1, "utilization " + u);
            }
            node.spawn(() ->
            {
                final long until = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < until)
                {
                    Proc.yield();
                }
            });
            final double[] busy = node.utilization(Duration.ofMillis(150));
            assertTrue(busy[0] + busy[1] > 0.5, "a spinning process shows as utilization: " + busy[0] + ", " + busy[1]);
            final long switches = node.stats().stream().mapToLong(Node.SchedulerStats::contextSwitches).sum();
            assertTrue(switches > 100, "context switches counted: " + switches);
        }
    }
}
