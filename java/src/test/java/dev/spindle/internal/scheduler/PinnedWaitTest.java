package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.internal.preempt.Preemption;
import dev.spindle.internal.runtime.NodeRuntime;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.spindle.testing.InProcess.T;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A pinned wait (a raw process whose instrumented code holds a lock waits on its carrier) against
 * the two threads that may hold its state meanwhile: a waker that won its wake CAS, and the stack
 * inspector. Its park can return early (a timed receive's deadline), and it must then wait for
 * them instead of running on. Here the lock is counted by hand ({@link Preemption#enterUnsafe()},
 * what rewritten code calls at a monitorenter), and test hooks stall the other thread.
 */
class PinnedWaitTest
{
    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The inspector holds the waiter still (INSPECTING) while its deadline passes. The waiter
     * used to overwrite INSPECTING with RUNNING and run on while its stack was being read (and
     * the inspector then stored WAITING over a running process).
     */
    @Test
    void aPinnedWaiterStaysStillWhileItsStackIsRead() throws Exception
    {
        assumeLocksCounted();
        final Thread tester = Thread.currentThread();
        final AtomicBoolean inspected = new AtomicBoolean();
        try (Node node = Nodes.start(RunQueues.NATIVE, 1); Inbox inbox = node.inbox())
        {
            final Pid p = node.spawn(() ->
            {
                Preemption.enterUnsafe(); // "holds a lock": the wait below is pinned
                Proc.send(inbox.pid(), "waiting");
                Proc.receive(m -> false, Duration.ofMillis(100));
                Proc.send(inbox.pid(), inspected.get() ? "left after the inspection" : "left during the inspection");
                Preemption.exitUnsafe();
            });
            assertEquals("waiting", inbox.receive(T));
            InProcess.awaitWaiting(node, p);
            NodeRuntime.inspectingHook = () ->
            {
                if (Thread.currentThread() == tester)
                {
                    sleep(300); // the waiter's deadline passes meanwhile
                    inspected.set(true);
                }
            };
            node.stack(p);
            assertEquals("left after the inspection", inbox.receive(T));
        }
        finally
        {
            NodeRuntime.inspectingHook = null;
        }
    }

    /**
     * A sender wins the waiter's wake CAS and stalls; the waiter's deadline passes, its park
     * returns and it finds the message. It used to run on at once and clear its waiter field, and
     * the sender, reading no waiter, then queued the process while it ran: another scheduler
     * resumed a continuation mounted elsewhere.
     */
    @Test
    void aWakerStalledAfterWinningNeverQueuesARunningPinnedProcess() throws Exception
    {
        assumeLocksCounted();
        final Thread tester = Thread.currentThread();
        try (Node node = Nodes.start(RunQueues.NATIVE, 2); Inbox inbox = node.inbox())
        {
            final Pid p = node.spawn(() ->
            {
                Preemption.enterUnsafe();
                Proc.send(inbox.pid(), "waiting");
                final Object m = Proc.receive(x -> x.equals("m"), Duration.ofMillis(100));
                final long until = System.nanoTime() + 400_000_000L;
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait(); // still mounted here, running
                }
                Preemption.exitUnsafe();
                Proc.send(inbox.pid(), "survived with " + m);
                Proc.receive(x -> false);
            });
            assertEquals("waiting", inbox.receive(T));
            InProcess.awaitWaiting(node, p);
            Schedulers.wonWakeHook = () ->
            {
                if (Thread.currentThread() == tester)
                {
                    sleep(250); // the waiter's deadline passes meanwhile
                }
            };
            node.send(p, "m");
            Schedulers.wonWakeHook = null;
            assertEquals("survived with m", inbox.receive(T));
            assertNotNull(node.info(p), "still alive");
            assertEquals(0, node.stats().stream().mapToLong(Node.SchedulerStats::errors).sum(), "no scheduler error");
        }
        finally
        {
            Schedulers.wonWakeHook = null;
        }
    }

    private static void assumeLocksCounted()
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(Preemption.enabled(), "needs --add-exports java.base/jdk.internal.access");
    }
}
