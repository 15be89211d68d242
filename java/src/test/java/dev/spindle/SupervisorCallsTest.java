package dev.spindle;

import dev.spindle.Supervisor.ChildInfo;
import dev.spindle.Supervisor.ChildSpec;
import dev.spindle.Supervisor.Restart;
import dev.spindle.Supervisor.Strategy;
import dev.spindle.testing.LogCapture;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;

import static dev.spindle.testing.InProcess.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Calls to a running supervisor (startChild, terminateChild, restartChild, deleteChild,
 * whichChildren) with OTP's semantics, the reports it logs, and the races: a child crashing
 * while terminateChild for it is in flight, startChild while the supervisor is restarting.
 * Each test runs its body in a process; children report to it.
 */
class SupervisorCallsTest
{
    /** A child reports each start to the test process. */
    record Started(String id, Pid pid)
    {
    }

    /** A trapping child reports the exit signal that stops it. */
    record Stopped(String id, Pid pid, Object reason)
    {
    }

    /**
     * A child: reports its start to {@code tester}, crashes on "crash", exits normally on "stop".
     * With {@code trap} it traps exits and, told to stop by an exit signal, reports it and then
     * exits with that reason; with {@code hold} only once it gets "release" (so the supervisor
     * stays busy stopping it until the test says).
     */
    private static ProcessBody child(final String id, final Pid tester, final boolean trap, final boolean hold)
    {
        return () ->
        {
            if (trap)
            {
                Proc.trapExit(true);
            }
            Proc.send(tester, new Started(id, Proc.self()));
            for (;;)
            {
                final Object m = Proc.receive();
                if (m instanceof Exit e)
                {
                    Proc.send(tester, new Stopped(id, Proc.self(), e.reason()));
                    if (hold)
                    {
                        Proc.receive(x -> "release".equals(x), T);
                    }
                    Proc.exit(e.reason());
                }
                if ("crash".equals(m))
                {
                    throw new IllegalStateException(id + " crashed");
                }
                if ("stop".equals(m))
                {
                    return;
                }
            }
        };
    }

    private static ChildSpec spec(final String id, final Pid tester, final Restart restart)
    {
        return new ChildSpec(id, child(id, tester, true, false), restart);
    }

    /** In the test process: the next start of {@code id}. */
    private static Pid started(final String id)
    {
        final Started s = (Started)Proc.receive(m -> m instanceof Started st && st.id().equals(id), T);
        assertNotNull(s, "no start of '" + id + "'");
        return s.pid();
    }

    private static Stopped stoppedMessage(final String id)
    {
        final Stopped s = (Stopped)Proc.receive(m -> m instanceof Stopped st && st.id().equals(id), T);
        assertNotNull(s, "no stop of '" + id + "'");
        return s;
    }

    /** In the test process: whether {@code id} starts again within a short wait (it must not). */
    private static boolean startsAgainSoon(final String id)
    {
        return Proc.receive(m -> m instanceof Started st && st.id().equals(id), Duration.ofMillis(50)) != null;
    }

    /** In a process: polls whichChildren until {@code done} holds (a child's exit reaches the supervisor asynchronously). */
    private static void awaitChildren(final Pid sup, final java.util.function.Predicate<List<ChildInfo>> done)
    {
        final long deadline = System.nanoTime() + T.toNanos();
        List<ChildInfo> now;
        while (!done.test(now = Supervisor.whichChildren(sup, T)))
        {
            assertTrue(System.nanoTime() < deadline, "children never got there: " + now);
            Proc.receive(m -> false, Duration.ofMillis(1));
        }
    }

    /** On any thread or process: waits until {@code pid} waits in a receive (e.g. for a call's reply, its request sent). */
    private static void awaitWaiting(final Node node, final Pid pid)
    {
        final long deadline = System.nanoTime() + T.toNanos();
        while (!"waiting".equals(node.info(pid).status()))
        {
            assertTrue(System.nanoTime() < deadline, pid + " never waited");
            Thread.onSpinWait();
        }
    }

    private static List<String> ids(final List<ChildInfo> children)
    {
        return children.stream().map(ChildInfo::id).toList();
    }

    private static Map<String, Pid> pids(final List<ChildInfo> children)
    {
        final Map<String, Pid> out = new HashMap<>();
        children.forEach(c -> out.put(c.id(), c.pid()));
        return out;
    }

    private static void runInProcess(final RunQueues kind, final Body body) throws Exception
    {
        assertEquals("ok", inProcess(kind, 2, () ->
        {
            final Object r = body.run();
            return r == null ? "ok" : r;
        }));
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void startChildAddsASupervisedChildAndWhichChildrenListsThemInStartOrder(final RunQueues kind) throws Exception
    {
        runInProcess(kind, () ->
        {
            final Pid me = Proc.self();
            final Pid sup = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ONE, 10, Duration.ofSeconds(10),
                spec("a", me, Restart.PERMANENT), spec("b", me, Restart.TRANSIENT)));
            final Pid a = started("a");
            final Pid b = started("b");
            final Pid c = Supervisor.startChild(sup, spec("c", me, Restart.TEMPORARY), T);
            assertEquals(c, started("c"));
            assertEquals(List.of(new ChildInfo("a", a, Restart.PERMANENT), new ChildInfo("b", b, Restart.TRANSIENT),
                new ChildInfo("c", c, Restart.TEMPORARY)), Supervisor.whichChildren(sup, T));
            // the added child is supervised: a permanent one is restarted
            final Pid d = Supervisor.startChild(sup, spec("d", me, Restart.PERMANENT), T);
            assertEquals(d, started("d"));
            Proc.send(d, "crash");
            final Pid d2 = started("d");
            assertNotEquals(d, d2);
            assertEquals(d2, pids(Supervisor.whichChildren(sup, T)).get("d"));
            // a temporary one is forgotten once it exits, crashed or not
            Proc.send(c, "crash");
            awaitChildren(sup, l -> ids(l).equals(List.of("a", "b", "d")));
            assertFalse(startsAgainSoon("c"));
            // a transient one that exits normally stays, not running
            Proc.send(b, "stop");
            awaitChildren(sup, l -> l.get(1).equals(new ChildInfo("b", null, Restart.TRANSIENT)));
            assertFalse(startsAgainSoon("b"));
            return null;
        });
    }

    @Test
    void refusalsAreClearAndLeaveTheSupervisorRunning() throws Exception
    {
        runInProcess(RunQueues.NATIVE, () ->
        {
            final Pid me = Proc.self();
            final Pid sup = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ONE, 10, Duration.ofSeconds(10),
                spec("a", me, Restart.PERMANENT), spec("b", me, Restart.PERMANENT)));
            final Pid a = started("a");
            final Pid b = started("b");

            SupervisorException e = assertThrows(SupervisorException.class, () -> Supervisor.startChild(sup, spec("a", me, Restart.PERMANENT), T));
            assertEquals(SupervisorException.Kind.ALREADY_STARTED, e.kind());
            assertEquals(a, e.child());
            assertEquals("supervisor " + sup + " already has a child 'a', running as " + a, e.getMessage());
            assertFalse(startsAgainSoon("a"), "the refused spec was not started");

            Supervisor.terminateChild(sup, "a", T);
            assertEquals(Reason.SHUTDOWN, stoppedMessage("a").reason());
            e = assertThrows(SupervisorException.class, () -> Supervisor.startChild(sup, spec("a", me, Restart.PERMANENT), T));
            assertEquals(SupervisorException.Kind.ALREADY_PRESENT, e.kind());
            assertNull(e.child());
            assertTrue(e.getMessage().contains("already has a child 'a', not running"), e.getMessage());

            e = assertThrows(SupervisorException.class, () -> Supervisor.restartChild(sup, "b", T));
            assertEquals(SupervisorException.Kind.RUNNING, e.kind());
            assertEquals(b, e.child());
            e = assertThrows(SupervisorException.class, () -> Supervisor.deleteChild(sup, "b", T));
            assertEquals(SupervisorException.Kind.RUNNING, e.kind());
            assertEquals("supervisor " + sup + ": child 'b' is running as " + b + " (terminateChild it first)", e.getMessage());

            for (final Runnable call : List.<Runnable>of(() -> Supervisor.terminateChild(sup, "nope", T),
                () -> Supervisor.restartChild(sup, "nope", T), () -> Supervisor.deleteChild(sup, "nope", T)))
            {
                e = assertThrows(SupervisorException.class, call::run);
                assertEquals(SupervisorException.Kind.NOT_FOUND, e.kind());
                assertEquals("supervisor " + sup + " has no child 'nope'", e.getMessage());
                assertEquals("nope", e.childId());
                assertEquals(sup, e.supervisor());
            }

            // restart a terminated child: a new pid, in its place
            final Pid a2 = Supervisor.restartChild(sup, "a", T);
            assertEquals(a2, started("a"));
            assertEquals(List.of(new ChildInfo("a", a2, Restart.PERMANENT), new ChildInfo("b", b, Restart.PERMANENT)),
                Supervisor.whichChildren(sup, T));
            // delete a terminated child: gone, and its id free again
            Supervisor.terminateChild(sup, "a", T);
            Supervisor.terminateChild(sup, "a", T); // not running: nothing to do, no error (OTP)
            Supervisor.deleteChild(sup, "a", T);
            assertEquals(List.of("b"), ids(Supervisor.whichChildren(sup, T)));
            final Pid a3 = Supervisor.startChild(sup, spec("a", me, Restart.PERMANENT), T);
            assertEquals(a3, started("a"));
            assertEquals(List.of("b", "a"), ids(Supervisor.whichChildren(sup, T)), "an added child goes last");

            // bad arguments, and a supervisor that is gone
            assertThrows(NullPointerException.class, () -> Supervisor.startChild(sup, null, T));
            assertThrows(NullPointerException.class, () -> Supervisor.terminateChild(sup, null, T));
            assertThrows(NullPointerException.class, () -> Supervisor.whichChildren(null, T));
            assertThrows(NullPointerException.class, () -> Supervisor.whichChildren(sup, null));
            final Ref supMon = Proc.monitor(sup);
            Proc.exit(sup, Reason.KILL);
            assertNotNull(down(supMon));
            final CallFailedException gone = assertThrows(CallFailedException.class, () -> Supervisor.whichChildren(sup, T));
            assertEquals(Reason.NOPROC, gone.reason());
            return null;
        });
    }

    @Test
    void helpersOutsideAProcessSaySo()
    {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> Supervisor.whichChildren(new Pid(0, 1, 1), T));
        assertTrue(e.getMessage().contains("inside a Spindle process"), e.getMessage());
    }

    /**
     * The helpers are written over a call function, so a plain thread's variant is one overload
     * passing the node's call. Here a stand-in for it: a process makes the call for the thread.
     */
    @Test
    void helpersWorkOverAnyCallFunctionSoAPlainThreadVariantIsAnOverload() throws Exception
    {
        try (Node node = Nodes.start(RunQueues.NATIVE, 2); Inbox starts = node.inbox())
        {
            final Supervisor.Caller viaProcess = (server, request, timeout) ->
            {
                try (Inbox reply = node.inbox())
                {
                    node.spawn(() ->
                    {
                        Object r;
                        try
                        {
                            r = Proc.call(server, request, timeout);
                        }
                        catch (final RuntimeException e)
                        {
                            r = e;
                        }
                        Proc.send(reply.pid(), r);
                    });
                    final Object r = reply.receive(timeout.plusSeconds(1));
                    if (r instanceof RuntimeException e)
                    {
                        throw e;
                    }
                    return r;
                }
            };
            final Pid sup = node.spawn(Supervisor.of(Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(5)));
            final Pid w = Supervisor.startChild(viaProcess, sup, spec("w", starts.pid(), Restart.PERMANENT), T);
            assertEquals(new Started("w", w), starts.receive(T));
            assertEquals(List.of(new ChildInfo("w", w, Restart.PERMANENT)), Supervisor.whichChildren(viaProcess, sup, T));
            Supervisor.terminateChild(viaProcess, sup, "w", T);
            assertEquals(new Stopped("w", w, Reason.SHUTDOWN), starts.receive(T));
            final Pid w2 = Supervisor.restartChild(viaProcess, sup, "w", T);
            assertEquals(new Started("w", w2), starts.receive(T));
            assertEquals(SupervisorException.Kind.RUNNING,
                assertThrows(SupervisorException.class, () -> Supervisor.deleteChild(viaProcess, sup, "w", T)).kind());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void terminateChildStopsInOrderAndDoesNotRestart(final RunQueues kind) throws Exception
    {
        runInProcess(kind, () ->
        {
            final Pid me = Proc.self();
            final Pid sup = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ALL, 10, Duration.ofSeconds(10),
                spec("a", me, Restart.PERMANENT), spec("b", me, Restart.PERMANENT), spec("t", me, Restart.TEMPORARY)));
            final Pid a = started("a");
            started("b");
            final Pid t = started("t");
            Supervisor.terminateChild(sup, "a", T);
            final Stopped s = stoppedMessage("a");
            assertEquals(new Stopped("a", a, Reason.SHUTDOWN), s);
            assertFalse(startsAgainSoon("a"));
            assertFalse(startsAgainSoon("b"), "terminating a child is no exit to restart for: ONE_FOR_ALL did nothing");
            assertEquals(null, pids(Supervisor.whichChildren(sup, T)).get("a"));
            // a temporary child is forgotten when terminated
            Supervisor.terminateChild(sup, "t", T);
            assertEquals(new Stopped("t", t, Reason.SHUTDOWN), stoppedMessage("t"));
            assertEquals(List.of("a", "b"), ids(Supervisor.whichChildren(sup, T)));
            return null;
        });
    }

    /**
     * A child that unlinked itself from its supervisor sends it no Exit; stopping it must not wait
     * for one (the supervisor waits on a monitor, as OTP's does). Before, a ONE_FOR_ALL restart
     * hung here forever.
     */
    @Test
    void aChildThatUnlinkedItselfDoesNotHangItsSupervisor() throws Exception
    {
        runInProcess(RunQueues.NATIVE, () ->
        {
            final Pid me = Proc.self();
            final AtomicReference<Pid> supRef = new AtomicReference<>();
            final ProcessBody naughty = () ->
            {
                Proc.unlink(supRef.get());
                Proc.send(me, new Started("naughty", Proc.self()));
                Proc.receive(m -> false);
            };
            final ProcessBody sup = Supervisor.of(Strategy.ONE_FOR_ALL, 10, Duration.ofSeconds(10),
                new ChildSpec("naughty", naughty, Restart.PERMANENT), spec("b", me, Restart.PERMANENT));
            supRef.set(Proc.spawn(() ->
            {
                while (supRef.get() == null)
                {
                    Proc.receive(Duration.ofMillis(1));
                }
                sup.run();
            }));
            final Pid n = started("naughty");
            final Pid b = started("b");
            Proc.send(b, "crash");
            final Pid n2 = started("naughty");
            final Pid b2 = started("b");
            assertNotEquals(n, n2);
            assertNotEquals(b, b2);
            Supervisor.terminateChild(supRef.get(), "naughty", T);
            assertNull(pids(Supervisor.whichChildren(supRef.get(), T)).get("naughty"));
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void addedChildrenTakePartInOneForAllAndRestForOneInStartOrder(final RunQueues kind) throws Exception
    {
        runInProcess(kind, () ->
        {
            final Pid me = Proc.self();
            final Pid all = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ALL, 10, Duration.ofSeconds(10),
                spec("a", me, Restart.PERMANENT), spec("b", me, Restart.PERMANENT)));
            final Pid a = started("a");
            started("b");
            Supervisor.startChild(all, spec("c", me, Restart.PERMANENT), T);
            started("c");
            Proc.send(a, "crash");
            // the others stop in reverse start order: c (the added one, last), then b
            assertEquals(List.of("c", "b"), List.of(nextStopped(), nextStopped()));
            started("a");
            started("b");
            final Pid c2 = started("c");
            Proc.send(c2, "crash"); // the added child's crash restarts all
            assertEquals(List.of("b", "a"), List.of(nextStopped(), nextStopped()));
            started("a");
            started("b");
            started("c");

            final Pid rest = Proc.spawn(Supervisor.of(Strategy.REST_FOR_ONE, 10, Duration.ofSeconds(10),
                spec("x", me, Restart.PERMANENT), spec("y", me, Restart.PERMANENT)));
            started("x");
            final Pid y = started("y");
            Supervisor.startChild(rest, spec("z", me, Restart.PERMANENT), T);
            final Pid z = started("z");
            Proc.send(y, "crash"); // y and the children after it, z among them
            assertEquals("z", nextStopped());
            started("y");
            final Pid z2 = started("z");
            assertNotEquals(z, z2);
            assertFalse(startsAgainSoon("x"));
            Proc.send(z2, "crash"); // the last: only itself
            started("z");
            assertFalse(startsAgainSoon("y"));
            assertFalse(startsAgainSoon("x"));
            return null;
        });
    }

    private static String nextStopped()
    {
        final Stopped s = (Stopped)Proc.receive(m -> m instanceof Stopped, T);
        assertNotNull(s, "no child stopped");
        return s.id();
    }

    @Test
    void restartsAndGivingUpAreLoggedAsOtpReportsThem() throws Exception
    {
        try (LogCapture log = new LogCapture("dev.spindle.supervisor"))
        {
            runInProcess(RunQueues.NATIVE, () ->
            {
                final Pid me = Proc.self();
                final Pid sup = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ALL, 2, Duration.ofSeconds(60),
                    spec("a", me, Restart.PERMANENT), spec("b", me, Restart.PERMANENT), spec("t", me, Restart.TEMPORARY)));
                final Pid a = started("a");
                final Pid b = started("b");
                final Pid t = started("t");
                Proc.send(a, "crash");
                final Pid a2 = started("a");
                final Pid b2 = started("b");
                assertFalse(startsAgainSoon("t"));
                awaitLog(log, 1);
                assertEquals("supervisor " + sup + ": child_terminated: child 'a' " + a + " exited with reason " +
                    "java.lang.IllegalStateException: a crashed; restarted as " + a2 + "; one_for_all also restarted 'b' " + b +
                    " -> " + b2 + ", 't' " + t + " -> stopped (temporary)", log.messages(Level.SEVERE).get(0));
                Proc.send(b2, "crash");
                final Pid a3 = started("a");
                started("b");
                awaitLog(log, 2);
                final Ref supMon = Proc.monitor(sup);
                Proc.send(a3, "crash"); // the third restart within the period: too many
                assertEquals(Reason.SHUTDOWN, down(supMon).reason());
                awaitLog(log, 3);
                assertEquals("supervisor " + sup + ": shutdown: reached_max_restart_intensity (more than 2 restarts within PT1M): " +
                    "child 'a' " + a3 + " exited with reason java.lang.IllegalStateException: a crashed; stopping all children and " +
                    "exiting with shutdown", log.messages(Level.SEVERE).get(2));
                return null;
            });
        }
    }

    private static void awaitLog(final LogCapture log, final int errors)
    {
        final long deadline = System.nanoTime() + T.toNanos();
        while (log.messages(Level.SEVERE).size() < errors && System.nanoTime() < deadline)
        {
            Proc.receive(m -> false, Duration.ofMillis(1));
        }
        assertEquals(errors, log.messages(Level.SEVERE).size(), log.messages().toString());
    }

    @Test
    void aTemporaryChildsAbnormalExitAndAShutdownErrorAreLogged() throws Exception
    {
        try (LogCapture log = new LogCapture("dev.spindle.supervisor"))
        {
            runInProcess(RunQueues.NATIVE, () ->
            {
                final Pid me = Proc.self();
                final ProcessBody defiant = () ->
                {
                    Proc.trapExit(true);
                    Proc.send(me, new Started("d", Proc.self()));
                    Proc.receive(m -> m instanceof Exit);
                    throw new IllegalStateException("will not shut down quietly");
                };
                final Pid sup = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ONE, 2, Duration.ofSeconds(60),
                    spec("t", me, Restart.TEMPORARY), new ChildSpec("d", defiant, Restart.PERMANENT)));
                final Pid t = started("t");
                final Pid d = started("d");
                Proc.send(t, "crash");
                awaitLog(log, 1);
                assertEquals("supervisor " + sup + ": child_terminated: child 't' " + t + " exited with reason " +
                    "java.lang.IllegalStateException: t crashed; not restarted (TEMPORARY)", log.messages(Level.SEVERE).get(0));
                Supervisor.terminateChild(sup, "d", T);
                awaitLog(log, 2);
                assertEquals("supervisor " + sup + ": shutdown_error: child 'd' " + d + " told to shut down exited with reason " +
                    "java.lang.IllegalStateException: will not shut down quietly", log.messages(Level.SEVERE).get(1));
                assertFalse(startsAgainSoon("d"));
                return null;
            });
        }
    }

    /**
     * A child crashes while terminateChild for it is on its way, in both orders (the Exit before
     * the call, the call before the Exit) many times: terminateChild returns, the child ends up
     * not running and is not restarted afterwards, no child process is left behind, and the
     * supervisor never mistakes the late Exit of a child it stopped for a stranger's (which would
     * take it down).
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aChildCrashingWhileTerminateChildIsInFlightEndsTerminated(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            assertEquals("ok", inProcess(node, inbox, () ->
            {
                final Pid me = Proc.self();
                final Pid sup = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ONE, 100_000, Duration.ofSeconds(1),
                    new ChildSpec("w", child("w", me, false, false), Restart.PERMANENT)));
                final Ref supMon = Proc.monitor(sup);
                final Set<Pid> unverified = new HashSet<>();
                Pid w = started("w");
                unverified.add(w);
                for (int i = 0; i < 200; i++)
                {
                    Proc.send(w, "crash");
                    if (i % 3 == 1)
                    {
                        Proc.yield(); // let the crash get ahead of the call
                    }
                    else if (i % 3 == 2)
                    {
                        Proc.receive(m -> false, Duration.ofMillis(1));
                    }
                    Supervisor.terminateChild(sup, "w", T);
                    assertNull(pids(Supervisor.whichChildren(sup, T)).get("w"), "round " + i);
                    // starts that happened before the terminate (a restart after the crash): collect them
                    Object s;
                    while ((s = Proc.receive(m -> m instanceof Started, Duration.ZERO)) != null)
                    {
                        unverified.add(((Started)s).pid());
                    }
                    for (final Pid p : unverified) // each one is gone (a Down comes at once, or soon)
                    {
                        assertNotNull(down(Proc.monitor(p)), "round " + i + ": child " + p + " still alive");
                    }
                    unverified.clear();
                    w = Supervisor.restartChild(sup, "w", T);
                    assertEquals(w, started("w"));
                    unverified.add(w);
                }
                assertFalse(startsAgainSoon("w"));
                assertNull(down(supMon, Duration.ZERO), "the supervisor survived");
                return "ok";
            }));
        }
    }

    /**
     * The deterministic form of the race: the terminateChild call is already queued at the
     * supervisor (busy stopping another, slow child) when the child crashes, so its Exit comes
     * behind the call. The supervisor finds it dead when it gets to the call: terminated, not
     * restarted, reported as a shutdown_error with the crash's reason (not noproc).
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aChildThatCrashesAfterTerminateChildWasQueuedIsTerminatedNotRestarted(final RunQueues kind) throws Exception
    {
        try (LogCapture log = new LogCapture("dev.spindle.supervisor"); Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            assertEquals("ok", inProcess(node, inbox, () ->
            {
                final Pid me = Proc.self();
                final Pid sup = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ONE, 10, Duration.ofSeconds(10),
                    new ChildSpec("slow", child("slow", me, true, true), Restart.PERMANENT),
                    new ChildSpec("w", child("w", me, false, false), Restart.PERMANENT)));
                final Pid slow = started("slow");
                final Pid w = started("w");
                Proc.spawn(() -> Supervisor.terminateChild(sup, "slow", T));
                stoppedMessage("slow"); // the supervisor now waits for it to stop
                final Ref wMon = Proc.monitor(w);
                Proc.spawn(() ->
                {
                    awaitWaiting(node, me); // our terminateChild call is queued at the supervisor
                    Proc.send(w, "crash");
                    assertNotNull(down(Proc.monitor(w)));
                    Proc.send(slow, "release"); // and now the supervisor gets to the call
                });
                Supervisor.terminateChild(sup, "w", T);
                assertTrue(down(wMon).reason() instanceof IllegalStateException, "it crashed, before being told to stop");
                assertFalse(startsAgainSoon("w"));
                assertEquals(List.of(new ChildInfo("slow", null, Restart.PERMANENT), new ChildInfo("w", null, Restart.PERMANENT)),
                    Supervisor.whichChildren(sup, T));
                assertEquals(List.of("supervisor " + sup + ": shutdown_error: child 'w' " + w + " told to shut down exited with reason " +
                    "java.lang.IllegalStateException: w crashed"), log.messages(Level.SEVERE));
                return "ok";
            }));
        }
    }

    /**
     * startChild calls arrive while the supervisor is inside a ONE_FOR_ALL restart (waiting for a
     * slow child to stop): they wait in its mailbox and are answered after the restart, each child
     * started once, added last, and the next restart includes them. Concurrent startChild calls
     * for one id: exactly one wins, the others are told it is running.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void startChildWhileTheSupervisorIsRestarting(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            assertEquals("ok", inProcess(node, inbox, () ->
            {
                final Pid me = Proc.self();
                final Pid sup = Proc.spawn(Supervisor.of(Strategy.ONE_FOR_ALL, 100, Duration.ofSeconds(10),
                    new ChildSpec("slow", child("slow", me, true, true), Restart.PERMANENT),
                    spec("b", me, Restart.PERMANENT)));
                final Pid slow = started("slow");
                final Pid b = started("b");
                Proc.send(b, "crash");
                stoppedMessage("slow"); // the supervisor is inside the restart, waiting for it to stop
                final int clients = 6;
                final List<Pid> callers = new ArrayList<>();
                for (int i = 0; i < clients; i++)
                {
                    final String id = i < 3 ? "dyn" + i : "same";
                    callers.add(Proc.spawn(() ->
                    {
                        Object r;
                        try
                        {
                            r = Supervisor.startChild(sup, spec(id, me, Restart.PERMANENT), T);
                        }
                        catch (final SupervisorException e)
                        {
                            r = e.kind() + " " + e.child();
                        }
                        Proc.send(me, List.of("answer", id, r));
                    }));
                }
                for (final Pid c : callers)
                {
                    awaitWaiting(node, c); // its call is queued at the supervisor
                }
                Proc.send(slow, "release");
                final Map<String, List<Object>> answers = new HashMap<>();
                for (int i = 0; i < clients; i++)
                {
                    @SuppressWarnings("unchecked")
                    final List<Object> a = (List<Object>)Proc.receive(m -> m instanceof List<?> l && "answer".equals(l.get(0)), T);
                    assertNotNull(a, "answers: " + answers);
                    answers.computeIfAbsent((String)a.get(1), k -> new ArrayList<>()).add(a.get(2));
                }
                final List<ChildInfo> now = Supervisor.whichChildren(sup, T);
                assertEquals(List.of("slow", "b"), ids(now).subList(0, 2), "the restart finished first: " + now);
                assertEquals(Set.of("dyn0", "dyn1", "dyn2", "same"), new HashSet<>(ids(now).subList(2, now.size())));
                assertEquals(pids(now).get("slow"), started("slow"));
                assertEquals(pids(now).get("b"), started("b"));
                final Pid same = pids(now).get("same");
                final List<Object> sameAnswers = answers.get("same");
                assertEquals(1, sameAnswers.stream().filter(same::equals).count(), sameAnswers.toString());
                assertEquals(2, sameAnswers.stream().filter(("ALREADY_STARTED " + same)::equals).count(), sameAnswers.toString());
                for (final String id : List.of("dyn0", "dyn1", "dyn2", "same"))
                {
                    assertEquals(pids(now).get(id), started(id));
                    assertFalse(startsAgainSoon(id), id + " started once");
                    if (!id.equals("same"))
                    {
                        assertEquals(List.of(pids(now).get(id)), answers.get(id));
                    }
                }
                // the next restart includes the added children
                Proc.send(pids(now).get("b"), "crash");
                stoppedMessage("slow");
                Proc.send(pids(now).get("slow"), "release");
                for (final String id : List.of("slow", "b", "dyn0", "dyn1", "dyn2", "same"))
                {
                    assertNotEquals(pids(now).get(id), started(id));
                }
                return "ok";
            }));
        }
    }
}
