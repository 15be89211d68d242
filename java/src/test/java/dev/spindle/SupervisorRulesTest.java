package dev.spindle;

import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.spindle.testing.InProcess.*;
import static org.junit.jupiter.api.Assertions.*;

/** Supervisor rules beyond SupervisorTest: parents, helpers, nested trees. */
class SupervisorRulesTest
{
    private static ProcessBody worker(final String name, final List<String> stopped)
    {
        return () ->
        {
            Proc.register(name);
            Proc.trapExit(true);
            final Exit e = (Exit)Proc.receive(m -> m instanceof Exit);
            stopped.add(name + ":" + e.reason());
        };
    }

    /**
     * The parent that started a supervisor with spawnLink dies: the supervisor stops its children
     * in reverse order and exits with the parent's reason. A linked helper that exits normally is
     * ignored.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void parentDeathStopsTheTreeAndNormalHelpersDoNot(final RunQueues kind) throws Exception
    {
        final List<String> stopped = new CopyOnWriteArrayList<>();
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid me = Proc.self();
            final Pid parent = Proc.spawn(() ->
            {
                final Pid sup = Proc.spawnLink(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 5, Duration.ofSeconds(5),
                    new Supervisor.ChildSpec("one", worker("one", stopped), Supervisor.Restart.PERMANENT),
                    new Supervisor.ChildSpec("two", worker("two", stopped), Supervisor.Restart.PERMANENT)));
                Proc.send(me, sup);
                Proc.receive();
                Proc.exit("parent-gone");
            });
            final Pid sup = (Pid)Proc.receive(m -> m instanceof Pid, T);
            final Ref supMon = Proc.monitor(sup);
            while (Proc.whereis("two") == null)
            {
                Proc.receive(Duration.ofMillis(1));
            }
            // a helper linked to the supervisor that finishes normally
            final Pid helper = Proc.spawn(() -> Proc.link(sup));
            reasonOf(helper);
            final boolean survivedHelper = down(supMon, Duration.ofMillis(100)) == null;
            Proc.send(parent, "die");
            return survivedHelper + " " + down(supMon).reason();
        });
        assertEquals("true parent-gone", r);
        assertEquals(List.of("two:shutdown", "one:shutdown"), stopped);
    }

    /** A nested tree: killing a sub-supervisor takes its workers down, and the top restarts the whole sub-tree. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void killingASubtreeRestartsIt(final RunQueues kind) throws Exception
    {
        final List<String> stopped = new CopyOnWriteArrayList<>();
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final ProcessBody sub = Supervisor.of(Supervisor.Strategy.ONE_FOR_ALL, 5, Duration.ofSeconds(5),
                new Supervisor.ChildSpec("leaf-a", worker("leaf-a", stopped), Supervisor.Restart.PERMANENT),
                new Supervisor.ChildSpec("leaf-b", worker("leaf-b", stopped), Supervisor.Restart.PERMANENT));
            node.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 5, Duration.ofSeconds(5),
                new Supervisor.ChildSpec("sub", () ->
                {
                    Proc.register("sub");
                    sub.run();
                }, Supervisor.Restart.PERMANENT)));
            await(() -> node.whereis("leaf-b") != null, "the tree to start");
            final Pid oldSub = node.whereis("sub");
            final Pid oldA = node.whereis("leaf-a");
            final Pid oldB = node.whereis("leaf-b");
            inProcess(node, inbox, () ->
            {
                Proc.exit(oldSub, Reason.KILL);
                return "killed";
            });
            await(() -> node.whereis("sub") != null && !oldSub.equals(node.whereis("sub")), "the sub-supervisor to restart");
            await(() -> node.whereis("leaf-a") != null && !oldA.equals(node.whereis("leaf-a")) &&
                node.whereis("leaf-b") != null && !oldB.equals(node.whereis("leaf-b")), "its workers to restart");
            // the killed supervisor could not stop them in order: they got its death through their links
            // (A restarted leaf may race its dying predecessor for its registered name and be restarted
            // once more by its ONE_FOR_ALL supervisor: such extra stops are "shutdown".)
            final List<String> reasons = stopped.stream().map(s -> s.substring(s.indexOf(':') + 1)).toList();
            assertEquals(2, reasons.stream().filter("killed"::equals).count(), reasons.toString());
            assertTrue(reasons.stream().allMatch(r -> r.equals("killed") || r.equals("shutdown")), reasons.toString());
        }
    }

    /** A negative or zero intensity period used to mean unlimited restarts; it is refused. */
    @org.junit.jupiter.api.Test
    void aNonPositivePeriodIsRefused()
    {
        final Supervisor.ChildSpec child = new Supervisor.ChildSpec("w", () -> { }, Supervisor.Restart.PERMANENT);
        assertThrows(IllegalArgumentException.class, () -> Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(-1), child));
        assertThrows(IllegalArgumentException.class, () -> Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 3, Duration.ZERO, child));
    }
}
