package dev.spindle.internal.signals;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.spindle.testing.InProcess.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A supervision tree of 1,000 workers (10 supervisors of 100 under a top supervisor) under a
 * fixed number of rounds of random kills (of workers and of whole sub-trees), while clients keep
 * calling random workers. Every request is either processed exactly once and answered, or
 * reported to its caller as a failed call (the server's Down): none times out, none is processed
 * twice. Afterwards the tree has healed.
 */
class ChaosTest
{
    // Hundreds of restarts are the point here: keep the supervisor's ERROR reports out of the build log.
    private static final java.util.logging.Logger SUPERVISOR_LOG = java.util.logging.Logger.getLogger("dev.spindle.supervisor");
    private static java.util.logging.Level level;

    @org.junit.jupiter.api.BeforeAll
    static void quiet()
    {
        level = SUPERVISOR_LOG.getLevel();
        SUPERVISOR_LOG.setLevel(java.util.logging.Level.OFF);
    }

    @org.junit.jupiter.api.AfterAll
    static void loud()
    {
        SUPERVISOR_LOG.setLevel(level);
    }

    private static final int GROUPS = 10;
    private static final int PER_GROUP = 100;
    private static final int ROUNDS = 300;
    private static final int CLIENTS = 20;

    private static String worker(final int g, final int i)
    {
        return "w-" + g + "-" + i;
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void nothingIsSilentlyLost(final RunQueues kind) throws Exception
    {
        final Map<Long, AtomicInteger> processed = new ConcurrentHashMap<>();
        final AtomicBoolean chaosOver = new AtomicBoolean();
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Supervisor.ChildSpec[] groups = new Supervisor.ChildSpec[GROUPS];
            for (int g = 0; g < GROUPS; g++)
            {
                final Supervisor.ChildSpec[] workers = new Supervisor.ChildSpec[PER_GROUP];
                for (int i = 0; i < PER_GROUP; i++)
                {
                    final String name = worker(g, i);
                    workers[i] = new Supervisor.ChildSpec(name, () ->
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
                final ProcessBody sup = Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 1_000_000, Duration.ofSeconds(1), workers);
                final String supName = "sup-" + g;
                groups[g] = new Supervisor.ChildSpec(supName, () ->
                {
                    Proc.register(supName);
                    sup.run();
                }, Supervisor.Restart.PERMANENT);
            }
            final Pid top = node.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 1_000_000, Duration.ofSeconds(1), groups));
            await(() -> allRegistered(node), "the tree to start");

            for (int c = 0; c < CLIENTS; c++)
            {
                final long base = c * 10_000_000L;
                node.spawn(() ->
                {
                    final long[] outcome = new long[4]; // ok, failed, not sent, lost
                    long id = base;
                    while (!chaosOver.get())
                    {
                        final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        final Pid w = Proc.whereis(worker(rnd.nextInt(GROUPS), rnd.nextInt(PER_GROUP)));
                        id++;
                        if (w == null)
                        {
                            outcome[2]++; // being restarted: nothing was sent
                            continue;
                        }
                        try
                        {
                            outcome[Proc.call(w, id, T).equals(id) ? 0 : 3]++;
                        }
                        catch (final CallFailedException e)
                        {
                            outcome[1]++; // reported: the worker died before answering
                        }
                        catch (final CallTimeoutException e)
                        {
                            outcome[3]++; // would be a request lost silently
                        }
                    }
                    Proc.send(inbox.pid(), new long[] {outcome[0], outcome[1], outcome[2], outcome[3], id - base});
                });
            }

            final Pid monkey = node.spawn(() ->
            {
                int kills = 0;
                for (int round = 0; round < ROUNDS; round++)
                {
                    final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    final String name = round % 30 == 29 ? "sup-" + rnd.nextInt(GROUPS) : worker(rnd.nextInt(GROUPS), rnd.nextInt(PER_GROUP));
                    final Pid victim = Proc.whereis(name);
                    if (victim != null)
                    {
                        Proc.exit(victim, rnd.nextBoolean() ? Reason.KILL : "chaos");
                        kills++;
                    }
                    Proc.receive(Duration.ofMillis(2));
                }
                Proc.send(inbox.pid(), "kills:" + kills);
            });
            final Object kills = inbox.receive(Duration.ofSeconds(60));
            assertNotNull(kills, "the chaos monkey " + monkey + " never finished");
            chaosOver.set(true);

            long ok = 0;
            long failed = 0;
            long notSent = 0;
            long lost = 0;
            long total = 0;
            for (int c = 0; c < CLIENTS; c++)
            {
                final long[] r = (long[])inbox.receive(Duration.ofSeconds(30));
                assertNotNull(r, "a client never finished: a call hung");
                ok += r[0];
                failed += r[1];
                notSent += r[2];
                lost += r[3];
                total += r[4];
            }
            final String summary = kills + " ok=" + ok + " failed=" + failed + " notSent=" + notSent + " lost=" + lost;
            assertTrue(Integer.parseInt(((String)kills).substring(6)) > ROUNDS / 2, summary);
            assertEquals(0, lost, "requests lost silently: " + summary);
            assertEquals(total, ok + failed + notSent, "every request has exactly one outcome: " + summary);
            assertTrue(ok > 0, summary);
            for (final Map.Entry<Long, AtomicInteger> e : processed.entrySet())
            {
                assertEquals(1, e.getValue().get(), "request " + e.getKey() + " processed more than once");
            }
            assertTrue(processed.size() >= ok && processed.size() <= ok + failed,
                "answered requests were processed; failed ones at most once: " + summary + " processed=" + processed.size());
            await(() -> allRegistered(node), "the tree to heal");
            assertNotNull(node.info(top), "the top supervisor survived");
        }
    }

    private static boolean allRegistered(final Node node)
    {
        for (int g = 0; g < GROUPS; g++)
        {
            if (node.whereis("sup-" + g) == null)
            {
                return false;
            }
            for (int i = 0; i < PER_GROUP; i++)
            {
                if (node.whereis(worker(g, i)) == null)
                {
                    return false;
                }
            }
        }
        return true;
    }
}
