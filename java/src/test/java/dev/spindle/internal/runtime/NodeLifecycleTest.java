package dev.spindle.internal.runtime;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class NodeLifecycleTest
{
    private static Set<Thread> spindleThreads(final Node node)
    {
        final String prefix = "spindle-" + node.id() + "-";
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void closeStopsEverySchedulerThread(final RunQueues kind) throws Exception
    {
        final Node node = Nodes.start(kind, 2);
        assertEquals(Set.of("spindle-" + node.id() + "-scheduler-0", "spindle-" + node.id() + "-scheduler-1", "spindle-" + node.id() + "-monitor"),
            spindleThreads(node).stream().map(Thread::getName).collect(Collectors.toSet()));
        try (Inbox inbox = node.inbox())
        {
            node.spawn(() -> Proc.send(inbox.pid(), "up"));
            assertEquals("up", inbox.receive(Duration.ofSeconds(10)));
        }
        node.spawn(Proc::receive); // left waiting: close abandons it
        node.close();
        assertTrue(node.isClosed());
        assertEquals(Set.of(), spindleThreads(node));
        node.close(); // idempotent
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void closedNodeRefusesNewWork(final RunQueues kind)
    {
        final Node node = Nodes.start(kind, 1);
        final Pid pid = node.spawn(Proc::receive);
        node.close();
        final NodeClosedException spawn = assertThrows(NodeClosedException.class, () -> node.spawn(() -> { }));
        assertTrue(spawn.getMessage().contains("closed"), spawn.getMessage());
        assertThrows(NodeClosedException.class, () -> node.send(pid, "x"));
        assertThrows(NodeClosedException.class, node::inbox);
    }

    @Test
    void inboxWaitingWhenNodeClosesIsReleased() throws Exception
    {
        final Node node = Nodes.start(RunQueues.NATIVE, 1);
        final Inbox inbox = node.inbox();
        final CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() ->
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
        Thread.sleep(50);
        node.close();
        assertInstanceOf(NodeClosedException.class, waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closeFromInsideAProcessIsRefused() throws Exception
    {
        try (Node node = Nodes.start(RunQueues.NATIVE, 1); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                try
                {
                    node.close();
                    Proc.send(inbox.pid(), "closed?!");
                }
                catch (final IllegalStateException ex)
                {
                    Proc.send(inbox.pid(), ex.getMessage());
                }
            });
            final Object answer = inbox.receive(Duration.ofSeconds(10));
            assertTrue(String.valueOf(answer).contains("inside one of its own processes"), String.valueOf(answer));
        }
    }

    @Test
    void nodeReportsWhereSchedulersRun()
    {
        final int[] allowed = dev.spindle.internal.placement.Topology.allowedCpus();
        try (Node node = Node.start(NodeConfig.builder().cpus(allowed[0]).build()))
        {
            final Node.Placement p = node.placement().get(0);
            assertEquals(allowed[0], p.requestedCpu());
            assertTrue(p.verified(), "scheduler 0 pinned to " + p.requestedCpu() + " but ran on " + p.observedCpu());
        }
    }
}
