package dev.spindle.internal.distribution;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.spindle.testing.InProcess.T;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two named nodes in one JVM, talking over Aeron UDP on loopback: everything of docs/distribution.md
 * that does not need a second JVM (DistributionMultiJvmTest forks those).
 */
class DistributionTest
{
    /** An application message. */
    public record Order(long id, String symbol, Pid replyTo)
    {
    }

    /** Holds something not registered. */
    public record Wrapper(String label, List<Object> items)
    {
    }

    /** Never registered. */
    public record Secret(int value)
    {
    }

    private final List<Node> nodes = new ArrayList<>();

    static NodeConfig.Builder named(final String name, final String cookie)
    {
        return NodeConfig.builder().schedulers(1).pinned(false).name(name).cookie(cookie)
            .heartbeat(Duration.ofMillis(100), Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(3))
            .messageClasses(Order.class, Wrapper.class);
    }

    private Node start(final NodeConfig.Builder b)
    {
        final Node n = Node.start(b.build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void close()
    {
        for (final Node n : nodes)
        {
            n.close();
        }
    }

    @Test
    void sendAndReplyAcrossNodes() throws Exception
    {
        final Node a = start(named("a", "secret"));
        final Node b = start(named("b", "secret"));
        a.connect("b", b.address());
        assertEquals(List.of("b"), a.nodes());
        InProcess.await(() -> b.nodes().equals(List.of("a")), "b sees a");
        final Pid echo = b.spawn(() ->
        {
            while (true)
            {
                final Order o = (Order)Proc.receive();
                Proc.send(o.replyTo(), new Order(o.id() + 1, o.symbol(), Proc.self()));
            }
        });
        assertEquals("b", Node.nameOf(echo));
        try (Inbox inbox = a.inbox())
        {
            a.send(echo, new Order(41, "ACME", inbox.pid()));
            final Order back = (Order)inbox.receive(T);
            assertNotNull(back, "no reply");
            assertEquals(42, back.id());
            assertEquals(echo, back.replyTo(), "a pid comes back equal to the one that went out");
        }
    }

    /** Two connected nodes. */
    private Node[] pair()
    {
        final Node a = start(named("a", "secret"));
        final Node b = start(named("b", "secret"));
        a.connect("b", b.address());
        return new Node[] {a, b};
    }

    private static Object inProcess(final Node node, final InProcess.Body body) throws Exception
    {
        try (Inbox inbox = node.inbox())
        {
            return InProcess.inProcess(node, inbox, body);
        }
    }

    @Test
    void callsAndGenServerCallsAcrossNodes() throws Exception
    {
        final Node[] n = pair();
        final Pid server = GenServer.start(n[1], new GenServer<Integer>()
        {
            @Override
            public Integer init()
            {
                return 0;
            }

            @Override
            public Reply<Integer> handleCall(final Object request, final Pid from, final Integer state)
            {
                return new Reply<>(state + (Integer)request, state + (Integer)request);
            }

            @Override
            public Integer handleCast(final Object message, final Integer state)
            {
                return state + 100;
            }
        });
        final Object r = inProcess(n[0], () ->
        {
            final Object first = GenServer.call(server, 5, T);
            GenServer.cast(server, "bump");
            final Object second = Proc.call(server, 1, T);
            return first + "," + second;
        });
        assertEquals("5,106", r);
        assertEquals(106, n[0].call(server, 0, T), "a plain thread's call crosses too");
    }

    @Test
    void callToADeadRemoteServerFailsWithNoproc() throws Exception
    {
        final Node[] n = pair();
        final Pid dead = n[1].spawn(() -> { });
        // Gone from its node's table first: a call that reached it still exiting would read its exit reason.
        InProcess.await(() -> n[1].info(dead) == null, "the server gone");
        final Object r = inProcess(n[0], () ->
        {
            try
            {
                return Proc.call(dead, "x", T);
            }
            catch (final CallFailedException e)
            {
                return e.reason();
            }
        });
        assertEquals(Reason.NOPROC, r);
    }

    @Test
    void linksPropagateExitsBothWays() throws Exception
    {
        final Node[] n = pair();
        // A remote process that dies kills its local link partner, with its reason.
        final Object r = inProcess(n[0], () ->
        {
            Proc.trapExit(true);
            final Pid remote = n[1].spawn(() -> Proc.exit("remote failure"));
            Proc.link(remote);
            final Exit e = (Exit)Proc.receive(m -> m instanceof Exit, T);
            return e == null ? "no exit" : e.from().equals(remote) + " " + e.reason();
        });
        // remote may be dead before the link arrives: then the reason is noproc
        assertTrue(r.equals("true remote failure") || r.equals("true noproc"), String.valueOf(r));
        // A local process that dies kills the remote process linked to it.
        final Object r2 = inProcess(n[0], () ->
        {
            final Pid remote = n[1].spawn(() -> Proc.receive());
            final Ref watch = Proc.monitor(remote);
            final Pid local = Proc.spawn(() ->
            {
                Proc.link(remote);
                Proc.receive(Duration.ofMillis(100));
                Proc.exit("local failure");
            });
            final Down d = InProcess.down(watch);
            return d == null ? "no down" : d.reason();
        });
        assertEquals("local failure", r2);
    }

    @Test
    void monitorsSeeRemoteExitsAndNoprocForDeadPids() throws Exception
    {
        final Node[] n = pair();
        final Object r = inProcess(n[0], () ->
        {
            final Pid remote = n[1].spawn(() -> Proc.receive());
            final Ref ref = Proc.monitor(remote);
            Proc.exit(remote, Reason.KILL);
            final Down d = InProcess.down(ref);
            final Ref again = Proc.monitor(remote);
            final Down d2 = InProcess.down(again);
            return d.pid().equals(remote) + " " + d.reason() + " " + d2.reason();
        });
        assertEquals("true killed noproc", r);
    }

    @Test
    void closingANodeFiresNoconnectionAndNodeDown() throws Exception
    {
        final Node[] n = pair();
        final Pid remote = n[1].spawn(() -> Proc.receive());
        try (Inbox inbox = n[0].inbox())
        {
            final Pid watcher = n[0].spawn(() ->
            {
                Proc.trapExit(true);
                Proc.monitorNode("b");
                final Ref ref = Proc.monitor(remote);
                Proc.link(remote);
                Proc.send(inbox.pid(), "ready");
                final Object down = Proc.receive(m -> m instanceof Down d && d.ref().equals(ref), T);
                final Object exit = Proc.receive(m -> m instanceof Exit, T);
                final Object nodeDown = Proc.receive(m -> m instanceof NodeDown, T);
                Proc.send(inbox.pid(), List.of(String.valueOf(down), String.valueOf(exit), String.valueOf(nodeDown)));
            });
            assertEquals("ready", inbox.receive(T));
            Thread.sleep(200); // the link and monitor reach b
            n[1].close();
            @SuppressWarnings("unchecked") final List<String> got = (List<String>)inbox.receive(T);
            assertNotNull(got, "the watcher got nothing");
            assertTrue(got.get(0).contains("noconnection"), got.toString());
            assertTrue(got.get(1).contains("noconnection"), got.toString());
            assertTrue(got.get(2).startsWith("NodeDown[node=b"), got.toString());
            assertEquals(List.of(), n[0].nodes());
        }
    }

    @Test
    void monitoringAPidOfAnUnreachableNodeGivesNoconnection() throws Exception
    {
        final Node a = start(named("a", "secret").peer("ghost", "127.0.0.1:9").connectTimeout(Duration.ofMillis(500)));
        final Node b = start(named("b", "secret"));
        a.connect("b", b.address());
        final Pid ghostPid = new Pid(NodeIds.alias("ghost", 7), 1, 0);
        final Object r = inProcess(a, () ->
        {
            final Down d = InProcess.down(Proc.monitor(ghostPid));
            Proc.monitorNode("nowhere");
            final NodeDown nd = (NodeDown)Proc.receive(m -> m instanceof NodeDown, T);
            return d.reason() + " " + nd.node();
        });
        assertEquals("noconnection nowhere", r);
    }

    @Test
    void aWrongCookieIsRefused()
    {
        final Node a = start(named("a", "secret"));
        final Node b = start(named("b", "other"));
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.connect("b", b.address()));
        assertTrue(e.getMessage().contains("cookie"), e.getMessage());
        assertEquals(List.of(), a.nodes());
        assertEquals(List.of(), b.nodes());
    }

    @Test
    void aMessageThatCannotBeEncodedFailsTheSenderNamingTheField() throws Exception
    {
        final Node[] n = pair();
        final Pid remote = n[1].spawn(() -> Proc.receive());
        final RemoteSendException e = assertThrows(RemoteSendException.class,
            () -> n[0].send(remote, new Wrapper("w", new ArrayList<>(List.of("ok", new Secret(3))))));
        assertTrue(e.getMessage().contains("Wrapper.items[1]"), e.getMessage());
        assertTrue(e.getMessage().contains(Secret.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("messageClasses"), e.getMessage());
    }

    @Test
    void aMessageLargerThanAConnectionCarriesIsRefused() throws Exception
    {
        final Node a = start(named("a", "secret").termLength(64 << 10));
        final Node b = start(named("b", "secret").termLength(64 << 10));
        a.connect("b", b.address());
        final Pid remote = b.spawn(() -> Proc.receive());
        final RemoteSendException e = assertThrows(RemoteSendException.class, () -> a.send(remote, new byte[64 << 10]));
        assertTrue(e.getMessage().contains("larger than a connection carries"), e.getMessage());
        // a message just under the limit is fragmented by Aeron and arrives whole
        try (Inbox inbox = b.inbox())
        {
            a.send(inbox.pid(), new byte[(8 << 10) - 64]);
            assertEquals((8 << 10) - 64, ((byte[])inbox.receive(T)).length);
        }
    }

    @Test
    void namesOnOtherNodes() throws Exception
    {
        final Node[] n = pair();
        try (Inbox inbox = n[1].inbox())
        {
            final Pid server = n[1].spawn(() ->
            {
                Proc.register("limits");
                while (true)
                {
                    final Object m = Proc.receive();
                    if (m instanceof Call c)
                    {
                        Proc.reply(c, "limit:" + c.request());
                    }
                    else
                    {
                        Proc.send(inbox.pid(), m);
                    }
                }
            });
            InProcess.await(() -> n[1].whereis("limits") != null, "registered");
            assertEquals(server, n[0].whereis(new RemoteName("b", "limits")));
            assertNull(n[0].whereis(new RemoteName("b", "nobody")));
            n[0].send(new RemoteName("b", "limits"), "hello");
            assertEquals("hello", inbox.receive(T));
            final Object r = inProcess(n[0], () ->
            {
                Proc.send(new RemoteName("b", "nobody"), "dropped silently");
                return Proc.whereis(new RemoteName("b", "limits")) + " " + Proc.call(new RemoteName("b", "limits"), "x", T);
            });
            assertEquals(server + " limit:x", r);
        }
    }

    @Test
    void messagesBetweenOnePairArriveInOrder() throws Exception
    {
        final Node[] n = pair();
        final int count = 20_000;
        try (Inbox inbox = n[1].inbox())
        {
            final Pid sink = n[1].spawn(() ->
            {
                int expected = 0;
                while (expected < count)
                {
                    final Object m = Proc.receive();
                    if (!(m instanceof Integer i) || i != expected)
                    {
                        Proc.send(inbox.pid(), "out of order: expected " + expected + ", got " + m);
                        return;
                    }
                    expected++;
                }
                Proc.send(inbox.pid(), "all " + count);
            });
            n[0].spawn(() ->
            {
                for (int i = 0; i < count; i++)
                {
                    Proc.send(sink, i);
                }
            });
            assertEquals("all " + count, inbox.receive(Duration.ofSeconds(60)));
        }
    }

    @Test
    void connectingOnFirstUseAndTimersToRemotePids() throws Exception
    {
        final Node b = start(named("b", "secret"));
        final Node a = start(named("a", "secret").peer("b", b.address()));
        try (Inbox inbox = b.inbox())
        {
            assertEquals(List.of(), a.nodes());
            a.send(inbox.pid(), "first"); // the pid's node is known by its address: connects, then sends
            assertEquals("first", inbox.receive(T));
            a.spawn(() -> Proc.sendAfter(Duration.ofMillis(20), inbox.pid(), "later"));
            assertEquals("later", inbox.receive(T));
            assertEquals(List.of("b"), a.nodes());
        }
    }

    @Test
    void aNodeWithoutANameSaysSo()
    {
        final Node plain = start(NodeConfig.builder().schedulers(1).pinned(false));
        assertThrows(IllegalStateException.class, () -> plain.connect("b", "127.0.0.1:1"));
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.builder().name("a").build(), "a name needs a cookie");
        assertNull(plain.name());
        assertEquals(List.of(), plain.nodes());
    }

    @Test
    void aFullConnectionFailsOrBlocksTheSenderAsConfigured() throws Exception
    {
        // A node that never answers: frames wait in the connecting buffer (twice the term length).
        final Pid ghost = new Pid(NodeIds.alias("ghost", 11), 1, 0);
        final Node failing = start(named("a", "secret").termLength(64 << 10).peer("ghost", "127.0.0.1:9")
            .connectTimeout(Duration.ofSeconds(2)).sendWhenFull(NodeConfig.WhenFull.FAIL));
        final byte[] kb = new byte[1024];
        final RemoteSendException e = assertThrows(RemoteSendException.class, () ->
        {
            for (int i = 0; i < 1000; i++)
            {
                failing.send(ghost, kb);
            }
        });
        assertTrue(e.getMessage().contains("is full") && e.getMessage().contains("nothing was sent"), e.getMessage());
        // BLOCK: the sender waits until the connection is settled (here: the connect fails), then goes on.
        final Node blocking = start(named("b", "secret").termLength(64 << 10).peer("ghost", "127.0.0.1:9")
            .connectTimeout(Duration.ofMillis(500)));
        final long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++)
        {
            blocking.send(ghost, kb);
        }
        assertTrue(System.nanoTime() - t0 >= 400_000_000L, "the sender did not wait for the full buffer");
    }
}
