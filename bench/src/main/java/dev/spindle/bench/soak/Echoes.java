package dev.spindle.bench.soak;

import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.Pid;
import dev.spindle.ProcessBody;
import dev.spindle.Proc;

import java.time.Duration;
import java.util.SplittableRandom;

import static dev.spindle.bench.soak.Tally.Count.*;

/**
 * Plain threads with {@link Inbox}es talking to processes: each thread streams numbered requests
 * to its echo process (by pid, or by registered name through {@code node.send}) with a window of
 * {@link #WINDOW}, and the echo answers each. Neither is killed, so the contract is exact: every
 * request echoed once, both directions in order. Inbox receive timeouts must not return early.
 */
final class Echoes
{
    static final int WINDOW = 32;
    private static final long DRAIN_NANOS = 30_000_000_000L;
    private static final String STOP = "stop";

    /** A request from an inbox. */
    record Request(int seq, Pid replyTo)
    {
    }

    /** The echo's answer. */
    record Echo(int seq)
    {
    }

    private Echoes()
    {
    }

    static String echoName(final int i)
    {
        return "soak.echo." + i;
    }

    private static ProcessBody echo(final RoundContext ctx, final int index)
    {
        return () ->
        {
            Proc.register(echoName(index));
            int last = 0;
            for (;;)
            {
                final Object m = Proc.receive();
                if (STOP.equals(m))
                {
                    return;
                }
                if (!(m instanceof Request r))
                {
                    ctx.fail(Failures.UNEXPECTED, "echo " + index + " got " + m);
                    continue;
                }
                sequence(ctx, "echo " + index + " got request", last, r.seq());
                last = Math.max(last, r.seq());
                Proc.send(r.replyTo(), new Echo(r.seq()));
            }
        };
    }

    /** Checks that {@code seq} follows {@code last}; reports a duplicate, a reordering or a gap. */
    private static void sequence(final RoundContext ctx, final String what, final int last, final int seq)
    {
        if (seq == last + 1)
        {
            return;
        }
        ctx.fail(seq <= last ? Failures.DUPLICATE : Failures.LOSS, what + " " + seq + " after " + last +
            (seq <= last ? " (again, or out of order)" : " (the ones between never came)"));
    }

    /** A thread's work: runs until the round stops, drains, stops its echo and reports to the driver. */
    static Thread thread(final RoundContext ctx, final Node node, final int index)
    {
        final Thread t = new Thread(() -> run(ctx, node, index), "soak-inbox-" + index);
        t.setDaemon(true);
        return t;
    }

    private static void run(final RoundContext ctx, final Node node, final int index)
    {
        final SplittableRandom rnd = ctx.random("inbox", index);
        try (Inbox inbox = node.inbox())
        {
            final Pid echo = node.spawn(echo(ctx, index));
            int sent = 0;
            int got = 0;
            long deadline = 0;
            while (got < sent || !ctx.stopping)
            {
                if (ctx.stopping && deadline == 0)
                {
                    deadline = System.nanoTime() + DRAIN_NANOS;
                }
                if (deadline != 0 && System.nanoTime() - deadline > 0)
                {
                    ctx.fail(Failures.HANG, "inbox " + index + ": " + (sent - got) + " echoes missing " + DRAIN_NANOS / 1_000_000_000L +
                        " s after the round");
                    break;
                }
                long timeout = rnd.nextLong(2_000_000);
                if (!ctx.stopping && sent - got < WINDOW)
                {
                    final Request r = new Request(++sent, inbox.pid());
                    if (got > 0 && rnd.nextInt(8) == 0)
                    {
                        node.send(echoName(index), r); // registered once it answered
                    }
                    else
                    {
                        inbox.send(echo, r);
                    }
                    ctx.tally.add(ECHO_SENT);
                    timeout = 0;
                }
                final long t0 = System.nanoTime();
                final Object m = inbox.receive(Duration.ofNanos(timeout));
                if (m == null)
                {
                    if (timeout > 0)
                    {
                        ctx.checkWaited("inbox " + index + " receive", t0, timeout);
                    }
                    continue;
                }
                if (!(m instanceof Echo e))
                {
                    ctx.fail(Failures.UNEXPECTED, "inbox " + index + " got " + m);
                    continue;
                }
                sequence(ctx, "inbox " + index + " got echo", got, e.seq());
                got = Math.max(got, e.seq());
                ctx.tally.add(ECHO_RECEIVED);
            }
            inbox.send(echo, STOP);
        }
        catch (final RuntimeException | Error ex)
        {
            ctx.fail(Failures.UNEXPECTED, "inbox thread " + index + ": " + ex);
        }
        finally
        {
            try
            {
                node.send(ctx.driver, new RoundContext.Done("inbox " + index));
            }
            catch (final RuntimeException ex)
            {
                ctx.fail(Failures.UNEXPECTED, "inbox thread " + index + " could not report: " + ex);
            }
        }
    }
}
