package dev.spindle;

import dev.spindle.testing.InProcess;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.spindle.testing.InProcess.T;
import static org.junit.jupiter.api.Assertions.*;

/** NodeConfig.messageCheck at every way a message is sent (docs/messages.md). */
class MessageCheckTest
{
    record Order(String id, List<String> lines)
    {
    }

    private static Node node(final MessageCheck check, final Class<?>... trusted)
    {
        return Node.start(NodeConfig.builder().schedulers(2).pinned(false).messageCheck(check, trusted).build());
    }

    /** The behaviour the check exists for: a message is the sender's object, not a copy. */
    @Test
    void withTheCheckOffAMessageIsSharedNotCopied() throws Exception
    {
        try (Node node = node(MessageCheck.OFF); Inbox inbox = node.inbox())
        {
            final List<String> lines = new ArrayList<>(List.of("a"));
            final Pid holder = node.spawn(() ->
            {
                final Order o = (Order)Proc.receive();
                Proc.receive(m -> m.equals("look"));
                Proc.send(inbox.pid(), String.join(",", o.lines()));
            });
            node.send(holder, new Order("o1", lines));
            lines.add("changed after send");
            node.send(holder, "look");
            assertEquals("a,changed after send", inbox.receive(T));
        }
    }

    @Test
    void rejectRefusesEverySendPathAndDeliversNothing() throws Exception
    {
        try (Node node = node(MessageCheck.REJECT); Inbox inbox = node.inbox())
        {
            final Pid sink = node.spawn(() ->
            {
                for (;;)
                {
                    final Object m = Proc.receive();
                    Proc.send(inbox.pid(), "sink got " + m);
                }
            });
            node.send(sink, "sink"); // registers nothing; just proves it runs
            assertEquals("sink got sink", inbox.receive(T));
            // from a plain thread: Node.send and Inbox.send
            final IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> node.send(sink, new Order("o1", new ArrayList<>())));
            assertEquals("message not deeply immutable: Order.lines -> java.util.ArrayList (mutable collection)", plain.getMessage());
            assertThrows(IllegalArgumentException.class, () -> inbox.send(sink, new int[] {1}));
            // immutable messages go through
            node.send(sink, new Order("o2", List.of("x")));
            assertEquals("sink got Order[id=o2, lines=[x]]", inbox.receive(T));
            // from a process: send, send by name, sendAfter (at the call, not when it fires), cast, call, reply
            final Object r = InProcess.inProcess(node, inbox, () ->
            {
                final List<String> out = new ArrayList<>();
                Proc.register("sink2", Proc.spawn(() -> Proc.receive(m -> false)));
                out.add(refused(() -> Proc.send(sink, new ArrayList<>())));
                out.add(refused(() -> Proc.send("sink2", new ArrayList<>())));
                out.add(refused(() -> Proc.sendAfter(Duration.ofMillis(1), sink, new ArrayList<>())));
                out.add(refused(() -> Proc.sendAfter(Duration.ofMillis(1), "sink2", new ArrayList<>())));
                out.add(refused(() -> GenServer.cast(sink, new ArrayList<>())));
                out.add(refused(() -> GenServer.stop(sink, new StringBuilder("reason"), T)));
                out.add(refused(() -> Proc.call(sink, new ArrayList<>(), T)));
                out.add("monitors left: " + node.info(Proc.self()).monitors()); // a refused call or stop leaves none
                return String.join("\n", out);
            });
            assertEquals(String.join("\n",
                "message not deeply immutable: java.util.ArrayList (mutable collection)",
                "message not deeply immutable: java.util.ArrayList (mutable collection)",
                "message not deeply immutable: java.util.ArrayList (mutable collection)",
                "message not deeply immutable: java.util.ArrayList (mutable collection)",
                "message not deeply immutable: Cast.message -> java.util.ArrayList (mutable collection)",
                "message not deeply immutable: Stop.reason -> java.lang.StringBuilder (a JDK class not known to be immutable)",
                "message not deeply immutable: Call.request -> java.util.ArrayList (mutable collection)",
                "monitors left: []"), r);
            assertNull(inbox.receive(Duration.ofMillis(50)), "nothing refused was delivered, timers included");
        }
    }

    private static String refused(final Runnable send)
    {
        try
        {
            send.run();
            return "sent";
        }
        catch (final IllegalArgumentException e)
        {
            return e.getMessage();
        }
    }

    @Test
    void aServerWhoseReplyIsRefusedGetsTheErrorAndTheCallerAFailedCall() throws Exception
    {
        try (Node node = node(MessageCheck.REJECT); Inbox inbox = node.inbox())
        {
            final Pid server = node.spawn(() ->
            {
                final Call c = (Call)Proc.receive();
                try
                {
                    Proc.reply(c, new ArrayList<>(List.of("shared")));
                }
                catch (final IllegalArgumentException e)
                {
                    Proc.send(inbox.pid(), e.getMessage());
                    Proc.exit("reply refused");
                }
            });
            final Object r = InProcess.inProcess(node, inbox, () ->
            {
                try
                {
                    return Proc.call(server, "get", T);
                }
                catch (final CallFailedException e)
                {
                    return "call failed: " + e.reason();
                }
            });
            // the inbox gets both: the server's error and the caller's result, in either order
            final List<Object> got = List.of(r, inbox.receive(T));
            assertTrue(got.contains("call failed: reply refused"), got.toString());
            assertTrue(got.contains("message not deeply immutable: Reply.value -> java.util.ArrayList (mutable collection)"), got.toString());
        }
    }

    @Test
    void warnDeliversAndLogsOnce() throws Exception
    {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        final Handler h = new Handler()
        {
            @Override
            public void publish(final LogRecord r)
            {
                records.add(r);
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        final Logger logger = Logger.getLogger("dev.spindle.messages");
        logger.addHandler(h);
        try (Node node = node(MessageCheck.WARN); Inbox inbox = node.inbox())
        {
            for (int i = 0; i < 5; i++)
            {
                inbox.send(inbox.pid(), new Order("o" + i, new ArrayList<>()));
                assertInstanceOf(Order.class, inbox.receive(T));
            }
            assertEquals(1, records.size(), records.toString());
        }
        finally
        {
            logger.removeHandler(h);
        }
    }

    static final class Pool
    {
        final List<String> connections = new ArrayList<>(); // shared on purpose: trusted below
    }

    record UsePool(Pool pool)
    {
    }

    @Test
    void trustedClassesPassAndSupervisorCallsCarryTheirBodies() throws Exception
    {
        try (Node node = node(MessageCheck.REJECT, Pool.class); Inbox inbox = node.inbox())
        {
            inbox.send(inbox.pid(), new UsePool(new Pool()));
            assertInstanceOf(UsePool.class, inbox.receive(T));
            // a child body capturing mutable state is code, as spawn's body is: startChild is not refused
            final List<String> log = new CopyOnWriteArrayList<>();
            final Pid sup = node.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(5)));
            final Object r = InProcess.inProcess(node, inbox, () ->
            {
                final Pid child = Supervisor.startChild(sup, new Supervisor.ChildSpec("w", () ->
                {
                    log.add("started");
                    Proc.receive(m -> false);
                }, Supervisor.Restart.PERMANENT), T);
                return Supervisor.whichChildren(sup, T).equals(List.of(new Supervisor.ChildInfo("w", child, Supervisor.Restart.PERMANENT)));
            });
            assertEquals(Boolean.TRUE, r);
        }
    }
}
