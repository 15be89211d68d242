package dev.spindle.internal.process;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

class ProcBasicsTest
{
    @Test
    void procMethodsOutsideAProcessThrowClearly()
    {
        final List<Runnable> calls = List.of(
            Proc::self, Proc::receive, Proc::yield, Proc::schedulerId,
            () -> Proc.receive(Duration.ZERO), () -> Proc.receive(m -> true),
            () -> Proc.receive(m -> true, Duration.ZERO), () -> Proc.spawn(() -> { }),
            () -> Proc.send(new Pid(0, 0, 0), "x"));
        for (final Runnable call : calls)
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, call::run);
            assertTrue(ex.getMessage().contains("inside a Spindle process"), ex.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void nullsAreRejected(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            assertThrows(NullPointerException.class, () -> node.send(inbox.pid(), null));
            assertThrows(NullPointerException.class, () -> node.send((Pid)null, "x"));
            assertThrows(NullPointerException.class, () -> node.spawn(null));
            assertThrows(NullPointerException.class, () -> inbox.receive(null));
            node.spawn(() ->
            {
                try
                {
                    Proc.send(inbox.pid(), null);
                    Proc.send(inbox.pid(), "no exception");
                }
                catch (final NullPointerException ex)
                {
                    Proc.send(inbox.pid(), "npe");
                }
            });
            assertEquals("npe", inbox.receive(Duration.ofSeconds(10)));
        }
    }

    @Test
    void badSpawnOptionsAndForeignPidsFailClearly() throws Exception
    {
        try (Node a = Nodes.start(RunQueues.NATIVE, 2); Node b = Nodes.start(RunQueues.NATIVE, 1))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> a.spawn(() -> { }, SpawnOptions.defaults().scheduler(2)));
            assertTrue(ex.getMessage().contains("2 schedulers"), ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SpawnOptions.defaults().scheduler(-1));
            final Pid onB = b.spawn(Proc::receive);
            final IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> a.send(onB, "x"));
            assertTrue(foreign.getMessage().contains("belongs to node"), foreign.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void pidsPrintLikeTheBeamAndStayComparableAfterDeath(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final Pid pid = node.spawn(() -> Proc.send(inbox.pid(), Proc.self()));
            assertEquals(pid, inbox.receive(Duration.ofSeconds(10)));
            assertTrue(pid.toString().matches("<\\d+\\.\\d+\\.\\d+>"), pid.toString());
            assertEquals("<" + node.id() + "." + pid.index() + "." + pid.serial() + ">", pid.toString());
            // Dead now (or about to be): sending to it is silently dropped, and its slot's reuse
            // gets a different pid.
            Thread.sleep(20);
            node.send(pid, "dropped");
            final Pid reused = node.spawn(() -> Proc.send(inbox.pid(), Proc.self()));
            assertEquals(reused, inbox.receive(Duration.ofSeconds(10)));
            assertNotEquals(pid, reused);
            assertEquals(new Pid(pid.node(), pid.index(), pid.serial()), pid);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void anUncaughtExceptionEndsOnlyThatProcessAndIsLoggedWithItsPid(final RunQueues kind) throws Exception
    {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        final Logger jul = Logger.getLogger("dev.spindle");
        final Handler handler = new Handler()
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
        jul.addHandler(handler);
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            final Pid survivor = node.spawn(() ->
            {
                final Object m = Proc.receive();
                Proc.send(inbox.pid(), "survivor got " + m);
            });
            final Pid crasher = node.spawn(() ->
            {
                throw new IllegalArgumentException("boom");
            });
            Thread.sleep(50);
            node.send(survivor, "ping");
            assertEquals("survivor got ping", inbox.receive(Duration.ofSeconds(10)));
            final Consumer<String> noop = s -> { };
            noop.accept("");
            final boolean logged = records.stream().anyMatch(r ->
                r.getMessage() != null && r.getMessage().contains(crasher.toString()) && r.getThrown() != null &&
                "boom".equals(r.getThrown().getMessage()));
            assertTrue(logged, "expected a log record naming " + crasher + ", got " + records.size() + " records");
        }
        finally
        {
            jul.removeHandler(handler);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void negativeTimeoutsAreRejected(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            assertThrows(IllegalArgumentException.class, () -> inbox.receive(Duration.ofMillis(-1)));
            node.spawn(() ->
            {
                try
                {
                    Proc.receive(Duration.ofMillis(-5));
                }
                catch (final IllegalArgumentException ex)
                {
                    Proc.send(inbox.pid(), "iae");
                }
            });
            assertEquals("iae", inbox.receive(Duration.ofSeconds(10)));
        }
    }
}
