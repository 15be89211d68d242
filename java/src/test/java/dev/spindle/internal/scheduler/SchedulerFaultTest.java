package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/** Schedulers never die silently: a process's crash ends only that process; a dying scheduler is loud and hands over its work. */
class SchedulerFaultTest
{
    /** An Error thrown while the crash of a process is logged used to kill the scheduler thread. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aFailingLoggerDoesNotKillTheScheduler(final RunQueues kind) throws Exception
    {
        final Logger jul = Logger.getLogger("dev.spindle");
        final Handler throwing = new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                throw new OutOfMemoryError("a logger that fails (simulated)");
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
        jul.addHandler(throwing);
        try (Node node = Nodes.start(kind, 1); Inbox inbox = node.inbox())
        {
            for (int i = 0; i < 3; i++)
            {
                node.spawn(() ->
                {
                    throw new IllegalStateException("a crash whose logging fails");
                });
            }
            node.spawn(() -> Proc.send(inbox.pid(), "still running"));
            assertEquals("still running", inbox.receive(Duration.ofSeconds(10)));
            assertTrue(node.stats().get(0).alive());
        }
        finally
        {
            jul.removeHandler(throwing);
        }
    }

    /** A scheduler whose loop keeps failing dies loudly (stats, log) and its bound work runs elsewhere. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aDeadSchedulerIsReportedAndItsWorkMoves(final RunQueues kind) throws Exception
    {
        final Logger jul = Logger.getLogger("dev.spindle");
        final Level level = jul.getLevel();
        jul.setLevel(Level.OFF); // a hundred logged loop failures are expected here
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid waiting = node.spawn(() -> Proc.send(inbox.pid(), "woken " + Proc.receive()), SpawnOptions.defaults().scheduler(1));
            Thread.sleep(50);
            TestAccess.runtime(node).schedulers().injectFault(1, new IllegalStateException("injected scheduler fault"));
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (node.stats().get(1).alive() && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            final Node.SchedulerStats dead = node.stats().get(1);
            assertFalse(dead.alive(), "scheduler 1 should be reported dead");
            assertTrue(dead.errors() >= 99, "errors " + dead.errors());
            node.send(waiting, "go"); // bound to the dead scheduler: runs on the live one
            assertEquals("woken go", inbox.receive(Duration.ofSeconds(10)));
            node.spawn(() -> Proc.send(inbox.pid(), "ran on " + Proc.schedulerId()), SpawnOptions.defaults().scheduler(1));
            assertEquals("ran on 0", inbox.receive(Duration.ofSeconds(10)));
        }
        finally
        {
            jul.setLevel(level);
        }
    }
}
