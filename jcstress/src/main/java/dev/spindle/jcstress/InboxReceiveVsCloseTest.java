package dev.spindle.jcstress;

import dev.spindle.Inbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * An inbox closed while its thread receives (public API, one node per test JVM): the receiver
 * must end with {@link IllegalStateException} saying the inbox is closed, whether close came
 * before or during the wait, and never sit until its timeout.
 */
@JCStressTest
@Description("Inbox receive vs close: Inbox.receive(timeout) (claim, CAS to WAITING, re-check, park) against Inbox.close() (exchange to EXITED, unpark the receiver).")
@Outcome(id = "CLOSED", expect = ACCEPTABLE, desc = "IllegalStateException: the inbox is closed")
@Outcome(id = "TIMEOUT_CLOSE_LATE", expect = ACCEPTABLE_INTERESTING, desc = "timed out before the closer had run (its thread was descheduled)")
@Outcome(id = "TIMEOUT_AFTER_CLOSE", expect = FORBIDDEN, desc = "lost wake-up: the receiver sat out its timeout after close had returned")
@Outcome(id = "BUSY", expect = FORBIDDEN, desc = "IllegalStateException blaming another receiver: close held the receiver slot, the receive was refused as a second receiver")
@Outcome(expect = FORBIDDEN, desc = "a message, another exception, or another message")
@State
public class InboxReceiveVsCloseTest
{
    private final Inbox inbox = Handshakes.SharedNode.NODE.inbox();
    private volatile long closedAt = Handshakes.NOT_YET;

    /** The inbox's thread. @param r the outcome */
    @Actor
    public void receiver(final L_Result r)
    {
        final long t0 = System.nanoTime();
        try
        {
            final Object m = inbox.receive(Duration.ofNanos(Handshakes.RECEIVE_NANOS));
            r.r1 = m != null ? "MESSAGE" : Handshakes.gradeTimeout(t0, Handshakes.RECEIVE_NANOS, closedAt, "TIMEOUT_AFTER_CLOSE", "TIMEOUT_CLOSE_LATE");
        }
        catch (final IllegalStateException e)
        {
            r.r1 = classify(e);
        }
        catch (final RuntimeException e)
        {
            r.r1 = e.getClass().getSimpleName();
        }
    }

    /** Another thread closing it. */
    @Actor
    public void closer()
    {
        inbox.close();
        closedAt = System.nanoTime();
    }

    static String classify(final IllegalStateException e)
    {
        final String m = String.valueOf(e.getMessage());
        if (m.contains("is closed"))
        {
            return "CLOSED";
        }
        return m.contains("already being received") ? "BUSY" : "ISE: " + m;
    }
}
