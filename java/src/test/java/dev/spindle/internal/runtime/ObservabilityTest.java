package dev.spindle.internal.runtime;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The per-process facts, the process list, stacks, and the system monitor (erlang:system_monitor). */
class ObservabilityTest
{
    private static final Duration T = Duration.ofSeconds(10);

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void factsListsAndTopProcesses(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid hoarder = node.spawn(() ->
            {
                Proc.register("hoarder");
                Proc.spawn(() -> Proc.receive(m -> false)); // a child
                Proc.send(inbox.pid(), "hoarder ready");
                Proc.receive(m -> m.equals("go"));
                Proc.send(inbox.pid(), "bye");
            });
            for (int i = 0; i < 500; i++)
            {
                node.send(hoarder, i); // never received: the mailbox grows
            }
            final Pid busy = node.spawn(() ->
            {
                for (int i = 0; i < 20_000; i++)
                {
                    Proc.send(Proc.self(), i);
                    Proc.receive();
                }
                Proc.send(inbox.pid(), "busy done");
                Proc.receive(m -> false);
            });
            // Both must have run before their facts are read (a fixed sleep was a race on a loaded
            // machine: no name, no child yet).
            assertEquals("hoarder ready", inbox.receive(m -> m.equals("hoarder ready"), T));
            assertEquals("busy done", inbox.receive(m -> m.equals("busy done"), T));
            final ProcessInfo h = node.info(hoarder);
            assertEquals(500, h.mailboxLength());
            assertTrue(h.mailboxHighWater() >= 500);
            assertEquals("hoarder", h.registeredName());
            assertNull(h.parent());
            assertTrue(h.memory() > 500 * 24);
            assertFalse(h.virtualThread());
            assertTrue(node.processes().containsAll(List.of(hoarder, busy)));
            assertFalse(node.processes().contains(inbox.pid()), "inboxes are not processes");
            assertEquals(hoarder, node.topProcesses(ProcessInfo.Sort.MAILBOX, 1).get(0).pid());
            assertEquals(busy, node.topProcesses(ProcessInfo.Sort.REDUCTIONS, 1).get(0).pid());
            assertEquals(hoarder, node.topProcesses(ProcessInfo.Sort.MEMORY, 1).get(0).pid());
            assertEquals(List.of(), node.topProcesses(ProcessInfo.Sort.MEMORY, 0));
            final Pid child = node.processes().stream().filter(p -> hoarder.equals(node.info(p) == null ? null : node.info(p).parent()))
                .findFirst().orElseThrow();
            assertEquals(hoarder, node.info(child).parent());
            node.send(hoarder, "go");
            assertEquals("bye", inbox.receive(T));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void stacksOfWaitingRunningAndVirtualThreadProcesses(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2))
        {
            final Pid waiting = node.spawn(ObservabilityTest::waitHere);
            final Pid vt = node.spawn(ObservabilityTest::waitHere, SpawnOptions.defaults().virtualThread(true));
            final java.util.concurrent.atomic.AtomicBoolean spin = new java.util.concurrent.atomic.AtomicBoolean(true);
            final Pid running = node.spawn(() ->
            {
                while (spin.get())
                {
                    Thread.onSpinWait();
                }
            });
            // Polled, not slept on: on a loaded machine a process may not have reached the frame yet.
            for (final Pid p : List.of(waiting, vt))
            {
                dev.spindle.testing.InProcess.await(() -> node.stack(p).stream().anyMatch(f -> f.getMethodName().equals("waitHere")),
                    p + " in waitHere: " + node.stack(p));
            }
            dev.spindle.testing.InProcess.await(() -> node.stack(running).stream().anyMatch(f -> f.getClassName().contains("ObservabilityTest")),
                "running: " + node.stack(running));
            spin.set(false);
            // Reading stacks while messages arrive loses no wake-up.
            final Pid echo = node.spawn(() ->
            {
                for (;;)
                {
                    final Object[] m = (Object[])Proc.receive();
                    Proc.send((Pid)m[0], m[1]);
                }
            });
            try (Inbox inbox = node.inbox())
            {
                final Thread reader = new Thread(() ->
                {
                    while (!Thread.currentThread().isInterrupted())
                    {
                        node.stack(echo);
                    }
                });
                reader.start();
                for (int i = 0; i < 2_000; i++)
                {
                    node.send(echo, new Object[] {inbox.pid(), i});
                    assertEquals(i, inbox.receive(T));
                }
                reader.interrupt();
                reader.join();
            }
            assertNull(node.stack(new Pid(node.id(), 999_999, 0)));
        }
    }

    /** @return a process that forwards everything it receives (the system monitor's events) to the inbox. */
    private static Pid forwarderTo(final Node node, final Inbox inbox)
    {
        return node.spawn(() ->
        {
            for (;;)
            {
                Proc.send(inbox.pid(), Proc.receive());
            }
        });
    }

    private static void waitHere()
    {
        Proc.receive(m -> false);
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void theSystemMonitorReportsLongSchedulesQueuesAndStalls(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid monitor = forwarderTo(node, inbox);
            assertNull(node.systemMonitor(monitor, new SystemMonitor(Duration.ofMillis(5), 100, true)));
            final Pid hog = node.spawn(() ->
            {
                final long until = System.nanoTime() + 100_000_000L;
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait();
                }
            });
            final Pid sink = node.spawn(() -> Proc.receive(m -> false));
            for (int i = 0; i < 150; i++)
            {
                node.send(sink, i);
            }
            boolean longSchedule = false;
            boolean longQueue = false;
            boolean stalled = false;
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (!(longSchedule && longQueue && stalled) && System.nanoTime() < deadline)
            {
                final Object m = inbox.receive(Duration.ofMillis(500));
                if (m instanceof SystemMonitor.LongSchedule ls && ls.pid().equals(hog))
                {
                    longSchedule = true;
                }
                else if (m instanceof SystemMonitor.LongMessageQueue q)
                {
                    assertEquals(sink, q.pid());
                    assertEquals(100, q.depth());
                    assertFalse(longQueue, "once per rise");
                    longQueue = true;
                }
                else if (m instanceof SystemMonitor.SchedulerStalled st && hog.equals(st.running()))
                {
                    stalled = true;
                }
            }
            assertTrue(longSchedule && longQueue && stalled, "schedule " + longSchedule + " queue " + longQueue + " stall " + stalled);
            // The receiver's exit clears it.
            node.exit(monitor, Reason.KILL);
            // Gone from the table, not only signalled: a report sent before that reaches it alive.
            dev.spindle.testing.InProcess.await(() -> node.info(monitor) == null, "the monitor gone");
            final Pid sink2 = node.spawn(() -> Proc.receive(m -> false));
            for (int i = 0; i < 120; i++)
            {
                node.send(sink2, i); // a rise past 100: the report finds the receiver dead and clears it
            }
            assertNull(node.systemMonitor(null, SystemMonitor.OFF), "the dead receiver was cleared");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aLongQueueFedByConcurrentSendersIsReportedOnceAtItsDepth(final RunQueues kind) throws Exception
    {
        // Four processes (on both schedulers) and the test thread send at once: the mailbox's
        // counted puts must give each depth to exactly one put, so the rise past 1,000 is reported
        // once, at 1,000, though no sender numbers its own put.
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid monitor = forwarderTo(node, inbox);
            assertNull(node.systemMonitor(monitor, new SystemMonitor(null, 1_000, false)));
            final Pid sink = node.spawn(ObservabilityTest::waitHere);
            for (int s = 0; s < 4; s++)
            {
                node.spawn(() ->
                {
                    for (int i = 0; i < 500; i++)
                    {
                        Proc.send(sink, i);
                    }
                });
            }
            for (int i = 0; i < 500; i++)
            {
                node.send(sink, i);
            }
            dev.spindle.testing.InProcess.await(() -> node.info(sink).mailboxLength() == 2_500, "all 2,500 queued");
            final Object first = inbox.receive(Duration.ofSeconds(10));
            assertEquals(new SystemMonitor.LongMessageQueue(sink, 1_000), first);
            assertNull(inbox.receive(Duration.ofMillis(200)), "once per rise");
            node.systemMonitor(null, SystemMonitor.OFF);
        }
    }
}
