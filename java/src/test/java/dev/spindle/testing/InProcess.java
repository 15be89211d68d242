package dev.spindle.testing;

import dev.spindle.*;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Helpers for the signal and OTP tests: run a test body inside a process, wait for Downs. */
public final class InProcess
{
    /** Generous wait for anything that must happen (never a timed assertion). */
    public static final Duration T = Duration.ofSeconds(10);

    private InProcess()
    {
    }

    /** A test body run in a process; what it returns is the test's result. */
    public interface Body
    {
        Object run() throws Exception;
    }

    /**
     * Runs {@code body} in a process on a fresh node and returns what it returned, or a string
     * describing what it threw.
     */
    public static Object inProcess(final RunQueues kind, final int schedulers, final Body body) throws Exception
    {
        try (Node node = Nodes.start(kind, schedulers); Inbox inbox = node.inbox())
        {
            return inProcess(node, inbox, body);
        }
    }

    public static Object inProcess(final Node node, final Inbox inbox, final Body body) throws Exception
    {
        node.spawn(() ->
        {
            Object result;
            try
            {
                result = body.run();
            }
            catch (final Exception | AssertionError e)
            {
                result = "test process failed: " + e;
            }
            Proc.send(inbox.pid(), result == null ? "null" : result);
        });
        final Object r = inbox.receive(Duration.ofSeconds(30));
        if (r == null)
        {
            fail("the test process did not finish");
        }
        return r;
    }

    /** In a process: a process that waits forever (until a signal ends it). */
    public static Pid sleeper()
    {
        return Proc.spawn(() -> Proc.receive(m -> false));
    }

    /** In a process: the Down for {@code ref}, or null after {@link #T}. */
    public static Down down(final Ref ref)
    {
        return (Down)Proc.receive(m -> m instanceof Down d && d.ref().equals(ref), T);
    }

    /** In a process: the Down for {@code ref} if one arrives within {@code wait}. */
    public static Down down(final Ref ref, final Duration wait)
    {
        return (Down)Proc.receive(m -> m instanceof Down d && d.ref().equals(ref), wait);
    }

    /** In a process: the Exit from {@code from}, or null after {@code wait}. */
    public static Exit exitFrom(final Pid from, final Duration wait)
    {
        return (Exit)Proc.receive(m -> m instanceof Exit e && e.from().equals(from), wait);
    }

    /** In a process: the reason {@code pid} exits with (monitors it). */
    public static Object reasonOf(final Pid pid)
    {
        final Down d = down(Proc.monitor(pid));
        return d == null ? "no Down within " + T : d.reason();
    }

    /** On a thread: waits until {@code condition} holds, failing after {@link #T}. */
    public static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + T.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    /**
     * On a thread: waits until {@code pid} waits in a receive, failing after {@link #T}. A fixed
     * sleep is no substitute: on a loaded machine the process may not have run yet (it reads
     * "runnable") or still be running.
     */
    public static void awaitWaiting(final Node node, final Pid pid) throws InterruptedException
    {
        await(() ->
        {
            final ProcessInfo info = node.info(pid);
            return info != null && "waiting".equals(info.status());
        }, pid + " waiting in a receive");
    }
}
