package dev.spindle.internal.runtime;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Plain threads (HTTP, Netty, Kafka threads) talking to processes: calls, asks and monitors from
 * outside, with the same semantics as from a process, and no thread made per call.
 */
class PlainThreadTest
{
    private static final Duration T = Duration.ofSeconds(10);

    /** A counter server: answers "get" with its count, "inc" adds one, "die" exits with reason "bye". */
    private static GenServer<Integer> counter()
    {
        return new GenServer<>()
        {
            @Override
            public Integer init()
            {
                return 0;
            }

            @Override
            public Reply<Integer> handleCall(final Object request, final Pid from, final Integer n)
            {
                if ("die".equals(request))
                {
                    Proc.exit("bye");
                }
                if ("slow".equals(request))
                {
                    Proc.receive(m -> false, Duration.ofMillis(300)); // sleeps, leaving the mailbox alone
                }
                return new Reply<>("inc".equals(request) ? n + 1 : n, "inc".equals(request) ? n + 1 : n);
            }
        };
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void nodeCallHasProcCallsSemantics(final RunQueues kind)
    {
        try (Node node = Nodes.start(kind, 2))
        {
            final Pid server = GenServer.start(node, "counter", counter());
            assertEquals(1, node.call(server, "inc", T));
            assertEquals(2, node.call("counter", "inc", T));
            final CallFailedException noName = assertThrows(CallFailedException.class, () -> node.call("nobody", "x", T));
            assertSame(Reason.NOPROC, noName.reason());
            assertThrows(CallTimeoutException.class, () -> node.call(server, "slow", Duration.ofMillis(20)));
            final CallFailedException died = assertThrows(CallFailedException.class, () -> node.call(server, "die", T));
            assertEquals("bye", died.reason());
            final CallFailedException gone = assertThrows(CallFailedException.class, () -> node.call(server, "get", T));
            assertSame(Reason.NOPROC, gone.reason());
            assertThrows(IllegalArgumentException.class, () -> node.call(42, "x", T));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void procCallToAnUnknownNameFailsWithNoproc(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                try
                {
                    Proc.call("nobody", "x", T);
                    Proc.send(inbox.pid(), "no exception");
                }
                catch (final CallFailedException e)
                {
                    Proc.send(inbox.pid(), e.reason());
                }
            });
            assertSame(Reason.NOPROC, inbox.receive(T));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void inboxCallLeavesOtherMessagesInOrder(final RunQueues kind)
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final Pid server = node.spawn(() ->
            {
                final Call c = (Call)Proc.receive(m -> m instanceof Call);
                Proc.send(c.from(), "first");  // unrelated messages arrive before the reply
                Proc.send(c.from(), "second");
                Proc.reply(c, "answer");
            });
            assertEquals("answer", inbox.call(server, "q", T));
            assertEquals("first", inbox.receive(T));
            assertEquals("second", inbox.receive(T));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void askNeverBlocksAndCompletesOnAPoolThread(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2))
        {
            final Pid server = GenServer.start(node, "counter", counter());
            final int before = node.processCount();
            final int threadsBefore = Thread.activeCount();
            final List<CompletableFuture<Object>> futures = new ArrayList<>();
            for (int i = 0; i < 10_000; i++)
            {
                futures.add(node.ask(server, "inc", T));
            }
            int max = 0;
            for (final CompletableFuture<Object> f : futures)
            {
                max = Math.max(max, (Integer)f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(10_000, max);
            assertTrue(Thread.activeCount() - threadsBefore < 16, "threads grew by " + (Thread.activeCount() - threadsBefore));
            final AtomicReference<String> thread = new AtomicReference<>();
            node.ask("counter", "get", T).thenAccept(v -> thread.set(Thread.currentThread().getName())).get(10, TimeUnit.SECONDS);
            assertFalse(thread.get().startsWith("spindle-"), "completed on " + thread.get());
            final ExecutionException timeout = assertThrows(ExecutionException.class, () -> node.ask(server, "slow", Duration.ofMillis(20)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(CallTimeoutException.class, timeout.getCause());
            final ExecutionException noName = assertThrows(ExecutionException.class, () -> node.ask("nobody", "x", T).get(10, TimeUnit.SECONDS));
            assertSame(Reason.NOPROC, ((CallFailedException)noName.getCause()).reason());
            final ExecutionException died = assertThrows(ExecutionException.class, () -> node.ask(server, "die", T).get(10, TimeUnit.SECONDS));
            assertEquals("bye", ((CallFailedException)died.getCause()).reason());
            Thread.sleep(400); // the slow call's server is gone; its late reply finds no one
            assertEquals(before - 1, node.processCount(), "asks leave no handles behind (the server exited)");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void monitorsFromOutside(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid p = node.spawn(() -> Proc.exit(Proc.receive()));
            final Ref ref = inbox.monitor(p);
            final CompletableFuture<Down> viaCallback = new CompletableFuture<>();
            final Ref cbRef = node.monitor(p, viaCallback::complete);
            final Pid q = node.spawn(Proc::receive);
            final CountDownLatch never = new CountDownLatch(1);
            final Ref cancelled = node.monitor(q, d -> never.countDown());
            assertTrue(node.demonitor(cancelled));
            assertFalse(node.demonitor(cancelled));
            node.send(p, "reason-x");
            final Down d = (Down)inbox.receive(T);
            assertEquals(ref, d.ref());
            assertEquals("reason-x", d.reason());
            final Down cb = viaCallback.get(10, TimeUnit.SECONDS);
            assertEquals(cbRef, cb.ref());
            assertEquals("reason-x", cb.reason());
            node.exit(q, Reason.KILL);
            assertFalse(never.await(200, TimeUnit.MILLISECONDS), "a removed monitor's callback ran");
            // A dead target: an immediate noproc Down.
            final Ref late = inbox.monitor(p);
            final Down dead = (Down)inbox.receive(x -> x instanceof Down dd && dd.ref().equals(late), T);
            assertSame(Reason.NOPROC, dead.reason());
            // Demonitor: no Down afterwards.
            final Pid r = node.spawn(Proc::receive);
            final Ref rRef = inbox.monitor(r);
            assertTrue(inbox.demonitor(rRef));
            node.exit(r, Reason.KILL);
            assertNull(inbox.receive(Duration.ofMillis(200)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void spawnMonitorSeesAnImmediateExit(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                final List<Object> reasons = new ArrayList<>();
                for (int i = 0; i < 100; i++)
                {
                    final MonitoredPid m = Proc.spawnMonitor(() -> Proc.exit("early"));
                    final Down d = (Down)Proc.receive(x -> x instanceof Down dd && dd.ref().equals(m.ref()), T);
                    reasons.add(d == null ? "no down" : d.pid().equals(m.pid()) ? d.reason() : "wrong pid");
                }
                Proc.send(inbox.pid(), reasons.stream().allMatch("early"::equals));
            });
            assertEquals(true, inbox.receive(T));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void namedGenServerStartsRegisteredOrSaysWhy(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid a = GenServer.start(node, "svc", counter());
            assertEquals(a, node.whereis("svc"), "registered when start returns");
            final IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> GenServer.start(node, "svc", counter()));
            assertTrue(taken.getMessage().contains(a.toString()), taken.getMessage());
            final CallFailedException initFailed = assertThrows(CallFailedException.class, () -> GenServer.start(node, "bad", new GenServer<Object>()
            {
                @Override
                public Object init()
                {
                    throw new IllegalStateException("no config");
                }
            }));
            assertInstanceOf(IllegalStateException.class, initFailed.reason());
            node.spawn(() ->
            {
                final Pid b = GenServer.startLink("svc2", counter());
                boolean ok = b.equals(Proc.whereis("svc2")) && (Integer)GenServer.call("svc2", "inc", T) == 1;
                // A refused name is an error for the starter, not an exit signal through the link:
                // the refused server ends normally (it used to exit with the error and take the starter down).
                for (final String name : List.of("svc2", ""))
                {
                    try
                    {
                        GenServer.startLink(name, counter());
                        ok = false;
                    }
                    catch (final IllegalArgumentException e)
                    {
                        ok &= e.getMessage().contains(name.isEmpty() ? "non-empty" : b.toString());
                    }
                }
                Proc.receive(m -> false, Duration.ofMillis(200)); // an exit signal on its way would end this process here
                Proc.send(inbox.pid(), ok);
            });
            assertEquals(true, inbox.receive(T), "the starter survives refused names, with clear errors");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void exitFromOutside(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final Pid trapper = node.spawn(() ->
            {
                Proc.trapExit(true);
                Proc.send(inbox.pid(), Proc.receive());
            });
            final Pid plain = node.spawn(Proc::receive);
            final Ref ref = inbox.monitor(plain);
            Thread.sleep(50);
            node.exit(trapper, "shutdown-please");
            final Exit e = (Exit)inbox.receive(T);
            assertEquals(node.pid(), e.from());
            assertEquals("shutdown-please", e.reason());
            node.exit(plain, Reason.KILL);
            assertEquals(Reason.KILLED, ((Down)inbox.receive(T)).reason());
            assertNotNull(ref);
        }
    }

    /** A running supervisor answers calls from a plain thread too (an admin endpoint). */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void supervisorCallsFromAPlainThread(final RunQueues kind)
    {
        try (Node node = Nodes.start(kind, 2))
        {
            final Pid sup = node.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(5),
                new Supervisor.ChildSpec("a", () -> Proc.receive(m -> false), Supervisor.Restart.PERMANENT)));
            final Pid b = Supervisor.startChild(node, sup,
                new Supervisor.ChildSpec("b", () -> Proc.receive(m -> false), Supervisor.Restart.PERMANENT), T);
            final List<Supervisor.ChildInfo> children = Supervisor.whichChildren(node, sup, T);
            assertEquals(List.of("a", "b"), children.stream().map(Supervisor.ChildInfo::id).toList());
            assertEquals(b, children.get(1).pid());
            Supervisor.terminateChild(node, sup, "b", T);
            assertNull(Supervisor.whichChildren(node, sup, T).get(1).pid());
            assertNotNull(Supervisor.restartChild(node, sup, "b", T));
        }
    }
}
