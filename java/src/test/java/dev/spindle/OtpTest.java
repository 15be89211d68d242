package dev.spindle;

import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Names, timers (timer_bif_SUITE), the receive marker (receive_SUITE), calls, info, GenServer. */
class OtpTest
{
    private static final Duration T = Duration.ofSeconds(10);

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void namesRegisterResolveAndFreeOnExit(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid p = node.spawn(() ->
            {
                Proc.register("echo");
                for (;;)
                {
                    final Object m = Proc.receive();
                    if (m.equals("stop"))
                    {
                        return;
                    }
                    Proc.send((Pid)m, "hi");
                }
            });
            while (node.whereis("echo") == null)
            {
                Thread.sleep(1);
            }
            assertEquals(p, node.whereis("echo"));
            node.send("echo", inbox.pid());
            assertEquals("hi", inbox.receive(T));
            final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> node.send("nobody", "x"));
            assertTrue(unknown.getMessage().contains("no process registered as 'nobody'"));
            node.spawn(() ->
            {
                final List<String> errors = new ArrayList<>();
                try
                {
                    Proc.register("echo");
                }
                catch (final IllegalArgumentException e)
                {
                    errors.add("taken");
                }
                final Pid dead = Proc.spawn(() -> { });
                final Ref m = Proc.monitor(dead);
                Proc.receive(x -> x instanceof Down d && d.ref().equals(m));
                try
                {
                    Proc.register("ghost", dead);
                }
                catch (final IllegalArgumentException e)
                {
                    errors.add("dead");
                }
                try
                {
                    Proc.register("");
                }
                catch (final IllegalArgumentException e)
                {
                    errors.add("empty");
                }
                Proc.send(inbox.pid(), errors);
            });
            assertEquals(List.of("taken", "dead", "empty"), inbox.receive(T));
            node.send("echo", "stop");
            final long deadline = System.nanoTime() + T.toNanos();
            while (node.whereis("echo") != null && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertNull(node.whereis("echo"), "a name is freed when its process exits");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void timersFireOnceCancelReportsTimeLeftAndDeadTargetsLeakNothing(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                final List<Object> out = new ArrayList<>();
                final TimerRef t1 = Proc.sendAfter(Duration.ofMillis(20), Proc.self(), "tick");
                out.add(Proc.receive(T));
                out.add(Proc.cancelTimer(t1));                         // fired: null
                final TimerRef t2 = Proc.sendAfter(Duration.ofSeconds(60), Proc.self(), "never");
                final Duration left = Proc.cancelTimer(t2);
                out.add(left != null && left.toSeconds() > 50);
                out.add(Proc.cancelTimer(t2));                         // already cancelled: null
                out.add(Proc.receive(Duration.ofMillis(100)));         // nothing arrives
                Proc.register("named");
                Proc.sendAfter(Duration.ofMillis(10), "named", "by-name");
                out.add(Proc.receive(T));
                Proc.send(inbox.pid(), out);
            });
            final List<Object> expected = new ArrayList<>();
            expected.add("tick");
            expected.add(null);
            expected.add(true);
            expected.add(null);
            expected.add(null);
            expected.add("by-name");
            assertEquals(expected, inbox.receive(T));
            // 1,000 long timers aimed at a process that then exits: all leave the wheels.
            final Pid target = node.spawn(() -> Proc.receive());
            node.spawn(() ->
            {
                for (int i = 0; i < 1_000; i++)
                {
                    Proc.sendAfter(Duration.ofHours(1), target, i);
                }
                Proc.send(inbox.pid(), "armed");
            });
            assertEquals("armed", inbox.receive(T));
            assertTrue(node.pendingTimers() >= 1_000);
            node.send(target, "exit now");
            final long deadline = System.nanoTime() + T.toNanos();
            while (node.pendingTimers() != 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(0, node.pendingTimers(), "timers to a dead process were not freed");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void callsReplyFailAndTimeOutClearly(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid server = node.spawn(() ->
            {
                for (;;)
                {
                    final Call c = (Call)Proc.receive();
                    switch ((String)c.request())
                    {
                        case "ping" -> Proc.reply(c, "pong");
                        case "crash" -> throw new IllegalStateException("server crashed");
                        default ->
                        {
                            // "slow": never answers
                        }
                    }
                }
            });
            node.spawn(() ->
            {
                final List<String> out = new ArrayList<>();
                out.add((String)Proc.call(server, "ping", T));
                try
                {
                    Proc.call(server, "slow", Duration.ofMillis(50));
                }
                catch (final CallTimeoutException e)
                {
                    out.add("timeout");
                }
                try
                {
                    Proc.call(server, "crash", T);
                }
                catch (final CallFailedException e)
                {
                    out.add(e.getMessage().contains("exited") ? "failed:" + e.reason().getClass().getSimpleName() : e.getMessage());
                }
                try
                {
                    Proc.call(server, "ping", T);
                }
                catch (final CallFailedException e)
                {
                    out.add("noproc:" + e.reason());
                }
                Proc.send(inbox.pid(), out);
            });
            assertEquals(List.of("pong", "timeout", "failed:IllegalStateException", "noproc:noproc"), inbox.receive(T));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void infoAndGenServer(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final GenServer<Integer> counter = new GenServer<>()
            {
                @Override
                public Integer init()
                {
                    return 0;
                }

                @Override
                public Reply<Integer> handleCall(final Object request, final Pid from, final Integer n)
                {
                    return new Reply<>(n, n);
                }

                @Override
                public Integer handleCast(final Object message, final Integer n)
                {
                    return n + (Integer)message;
                }
            };
            final Pid server = node.spawn(GenServer.body(counter));
            node.spawn(() ->
            {
                Proc.register("client");
                Proc.link(server);
                for (int i = 1; i <= 10; i++)
                {
                    GenServer.cast(server, i);
                }
                Proc.send(inbox.pid(), GenServer.call(server, "get", T));
                Proc.receive();
            });
            assertEquals(55, inbox.receive(T));
            final Pid client = node.whereis("client");
            ProcessInfo info = node.info(client);
            final long deadline = System.nanoTime() + T.toNanos();
            while (info != null && !info.status().equals("waiting") && System.nanoTime() < deadline)
            {
                Thread.sleep(1); // it may still be running toward its receive
                info = node.info(client);
            }
            assertNotNull(info);
            assertEquals("client", info.registeredName());
            assertEquals(List.of(server), info.links());
            assertEquals("waiting", info.status());
            assertTrue(info.reductions() > 0);
            assertNull(node.info(new Pid(node.id(), 999_999, 0)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void genServerTerminateRunsWhenACallbackFailsAndReasonsPrintAsAtoms(final RunQueues kind) throws Exception
    {
        assertEquals("normal kill killed noproc shutdown",
            Reason.NORMAL + " " + Reason.KILL + " " + Reason.KILLED + " " + Reason.NOPROC + " " + Reason.SHUTDOWN);
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final GenServer<String> fragile = new GenServer<>()
            {
                @Override
                public String init()
                {
                    return "state-1";
                }

                @Override
                public String handleCast(final Object message, final String state)
                {
                    throw new IllegalStateException("bad cast " + message);
                }

                @Override
                public void terminate(final Object reason, final String state)
                {
                    Proc.send(inbox.pid(), state + " terminated: " + ((Throwable)reason).getMessage());
                }
            };
            final Pid server = node.spawn(GenServer.body(fragile));
            node.spawn(() -> GenServer.cast(server, "x"));
            assertEquals("state-1 terminated: bad cast x", inbox.receive(T));
        }
    }
}
