package dev.spindle;

import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SupervisorTest
{
    private static final Duration T = Duration.ofSeconds(10);

    /** A child that registers under its id and reports each start to the test's inbox. */
    private static ProcessBody child(final String id, final Pid report)
    {
        return () ->
        {
            Proc.register(id);
            Proc.send(report, id + ":" + Proc.self());
            for (;;)
            {
                final Object m = Proc.receive();
                if ("stop-normal".equals(m))
                {
                    return;
                }
                if ("crash".equals(m))
                {
                    throw new IllegalStateException(id + " crashed");
                }
            }
        };
    }

    private static Map<String, Pid> starts(final Inbox inbox, final int n) throws Exception
    {
        final Map<String, Pid> out = new HashMap<>();
        for (int i = 0; i < n; i++)
        {
            final String s = (String)inbox.receive(T);
            assertNotNull(s, "expected " + n + " child starts, got " + i);
            final String[] parts = s.split(":", 2);
            out.put(parts[0], node == null ? null : node.whereis(parts[0]));
        }
        return out;
    }

    private static Node node;

    private static Node start()
    {
        node = Nodes.start(RunQueues.NATIVE, 2);
        return node;
    }

    @Test
    void strategiesRestartTheRightChildren() throws Exception
    {
        for (final Supervisor.Strategy strategy : Supervisor.Strategy.values())
        {
            try (Node n = start(); Inbox inbox = n.inbox())
            {
                n.spawn(Supervisor.of(strategy, 10, Duration.ofSeconds(10),
                    new Supervisor.ChildSpec("a", child("a", inbox.pid()), Supervisor.Restart.PERMANENT),
                    new Supervisor.ChildSpec("b", child("b", inbox.pid()), Supervisor.Restart.PERMANENT),
                    new Supervisor.ChildSpec("c", child("c", inbox.pid()), Supervisor.Restart.PERMANENT)));
                starts(inbox, 3);
                n.send("b", "crash");
                final Set<String> expected = switch (strategy)
                {
                    case ONE_FOR_ONE -> Set.of("b");
                    case ONE_FOR_ALL -> Set.of("a", "b", "c");
                    case REST_FOR_ONE -> Set.of("b", "c");
                };
                final Set<String> restarted = new HashSet<>();
                Object m;
                // The expected restarts however slowly they come, then a quiet half second for any extra.
                while (!restarted.containsAll(expected) && (m = inbox.receive(T)) != null)
                {
                    restarted.add(((String)m).split(":")[0]);
                }
                while ((m = inbox.receive(Duration.ofMillis(500))) != null)
                {
                    restarted.add(((String)m).split(":")[0]);
                }
                assertEquals(expected, restarted, strategy.toString());
            }
        }
    }

    @Test
    void restartTypesAndIntensity() throws Exception
    {
        try (Node n = start(); Inbox inbox = n.inbox())
        {
            final Pid sup = n.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 2, Duration.ofSeconds(30),
                new Supervisor.ChildSpec("perm", child("perm", inbox.pid()), Supervisor.Restart.PERMANENT),
                new Supervisor.ChildSpec("trans", child("trans", inbox.pid()), Supervisor.Restart.TRANSIENT),
                new Supervisor.ChildSpec("temp", child("temp", inbox.pid()), Supervisor.Restart.TEMPORARY)));
            starts(inbox, 3);
            n.send("trans", "stop-normal");                 // transient, normal exit: not restarted
            n.send("temp", "crash");                         // temporary: never restarted
            assertNull(inbox.receive(Duration.ofMillis(300)));
            n.send("perm", "crash");                         // restart 1
            assertTrue(((String)inbox.receive(T)).startsWith("perm:"));
            n.send("perm", "crash");                         // restart 2
            assertTrue(((String)inbox.receive(T)).startsWith("perm:"));
            final Pid lastPerm = n.whereis("perm");
            n.spawn(() ->
            {
                final Ref m = Proc.monitor(sup);
                final Ref mc = Proc.monitor(lastPerm);
                Proc.send(lastPerm, "crash");               // restart 3 > 2 in the period: supervisor gives up
                final Down d = (Down)Proc.receive(x -> x instanceof Down dd && dd.ref().equals(m), T);
                Proc.send(inbox.pid(), "sup:" + d.reason());
            });
            Object got;
            do
            {
                got = inbox.receive(T);
            }
            while (got != null && !((String)got).startsWith("sup:"));
            assertEquals("sup:shutdown", got);
        }
    }

    @Test
    void childrenStopInReverseStartOrder() throws Exception
    {
        final List<String> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Node n = start(); Inbox inbox = n.inbox())
        {
            final Supervisor.ChildSpec[] specs = new Supervisor.ChildSpec[3];
            for (int i = 0; i < 3; i++)
            {
                final String id = "w" + i;
                specs[i] = new Supervisor.ChildSpec(id, () ->
                {
                    Proc.trapExit(true);
                    Proc.send(inbox.pid(), "up");
                    final Exit e = (Exit)Proc.receive(m -> m instanceof Exit);
                    stopped.add(id);
                }, Supervisor.Restart.PERMANENT);
            }
            final Pid sup = n.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 1, Duration.ofSeconds(1), specs));
            for (int i = 0; i < 3; i++)
            {
                assertEquals("up", inbox.receive(T));
            }
            n.spawn(() ->
            {
                final Ref m = Proc.monitor(sup);
                Proc.exit(sup, Reason.SHUTDOWN);           // as a parent would
                Proc.receive(x -> x instanceof Down d && d.ref().equals(m), T);
                Proc.send(inbox.pid(), "down");
            });
            assertEquals("down", inbox.receive(T));
            assertEquals(List.of("w2", "w1", "w0"), stopped);
        }
    }

    /**
     * A supervision tree of 1,000 workers under random kills: every request is either processed
     * exactly once and answered, or reported to its caller as a failed call. Nothing is lost silently.
     */
    @Test
    void chaosNothingIsSilentlyLost() throws Exception
    {
        final int workers = 1_000;
        final int clients = 20;
        final int requestsPerClient = 300;
        final Map<Long, AtomicInteger> processed = new ConcurrentHashMap<>();
        try (Node n = Nodes.start(RunQueues.NATIVE, 2); Inbox inbox = n.inbox())
        {
            final Supervisor.ChildSpec[] specs = new Supervisor.ChildSpec[workers];
            for (int i = 0; i < workers; i++)
            {
                final String name = "worker-" + i;
                specs[i] = new Supervisor.ChildSpec(name, () ->
                {
                    Proc.register(name);
                    for (;;)
                    {
                        final Call c = (Call)Proc.receive();
                        processed.computeIfAbsent((Long)c.request(), k -> new AtomicInteger()).incrementAndGet();
                        Proc.reply(c, c.request());
                    }
                }, Supervisor.Restart.PERMANENT);
            }
            n.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 1_000_000, Duration.ofSeconds(1), specs));
            while (n.whereis("worker-" + (workers - 1)) == null)
            {
                Thread.sleep(5);
            }
            for (int c = 0; c < clients; c++)
            {
                final long base = (long)c * requestsPerClient;
                n.spawn(() ->
                {
                    int ok = 0;
                    int failed = 0;
                    int unknown = 0;
                    for (int r = 0; r < requestsPerClient; r++)
                    {
                        final long id = base + r;
                        final Pid w = Proc.whereis("worker-" + ThreadLocalRandom.current().nextInt(workers));
                        if (w == null)
                        {
                            unknown++; // restarting right now: the request was never sent
                            continue;
                        }
                        try
                        {
                            final Object reply = Proc.call(w, id, T);
                            ok += reply.equals(id) ? 1 : 0;
                        }
                        catch (final CallFailedException e)
                        {
                            failed++;
                        }
                    }
                    Proc.send(inbox.pid(), new int[] {ok, failed, unknown});
                });
            }
            // The chaos monkey: 200 rounds of killing a random worker.
            n.spawn(() ->
            {
                for (int round = 0; round < 200; round++)
                {
                    final Pid victim = Proc.whereis("worker-" + ThreadLocalRandom.current().nextInt(workers));
                    if (victim != null)
                    {
                        Proc.exit(victim, Reason.KILL);
                    }
                    Proc.receive(Duration.ofMillis(1));
                }
            });
            int ok = 0;
            int failed = 0;
            int unknown = 0;
            for (int c = 0; c < clients; c++)
            {
                final int[] r = (int[])inbox.receive(Duration.ofSeconds(60));
                assertNotNull(r, "a client never finished: a call hung");
                ok += r[0];
                failed += r[1];
                unknown += r[2];
            }
            assertEquals(clients * requestsPerClient, ok + failed + unknown, "every request has exactly one outcome");
            for (final Map.Entry<Long, AtomicInteger> e : processed.entrySet())
            {
                assertEquals(1, e.getValue().get(), "request " + e.getKey() + " processed more than once");
            }
            assertTrue(processed.size() >= ok, "every answered request was processed");
            assertTrue(ok > clients * requestsPerClient / 2, "most requests succeed: ok=" + ok + " failed=" + failed);
        }
    }
}
