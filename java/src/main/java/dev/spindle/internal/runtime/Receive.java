package dev.spindle.internal.runtime;

import dev.spindle.internal.process.Process;
import dev.spindle.internal.scheduler.ProcessContinuation;
import dev.spindle.internal.scheduler.Scheduler;

import java.util.function.Predicate;

/**
 * The receive protocol, in one place. The owner takes from its mailbox (saved messages first,
 * then inbound; signals met on the way are handled by the process's signal sink, which may end it
 * or turn them into Exit/Down messages in arrival order); with nothing that matches it waits
 * ({@link Scheduler#await}: a receive timer in its scheduler's heap if timed, then a yield) and
 * looks again when woken. A message taken costs one reduction. Wake-ups may be spurious (a timer
 * of an earlier wait): the deadline is always checked against the clock.
 */
final class Receive
{
    private Receive()
    {
    }

    /**
     * @param pc           the calling process.
     * @param match        selection, or null for the oldest message.
     * @param timeoutNanos 0 polls; {@link Deadlines#FOREVER} or more waits forever.
     * @param skipSaved    saved messages known not to match (a receive marker), 0 for none.
     * @return the message, or null on timeout.
     */
    static Object receive(final ProcessContinuation pc, final Predicate<Object> match, final long timeoutNanos, final int skipSaved)
    {
        final Process p = pc.process;
        final boolean timed = timeoutNanos < Deadlines.FOREVER;
        final long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
        for (;;)
        {
            final Object m = match == null ? p.mailbox.takeAny(pc) : p.mailbox.take(match, skipSaved, pc);
            if (m != null)
            {
                pc.scheduler().charge(pc);
                return m;
            }
            if (timeoutNanos == 0 || (timed && System.nanoTime() - deadline >= 0))
            {
                return null;
            }
            Scheduler.await(pc, timed, deadline);
        }
    }
}
