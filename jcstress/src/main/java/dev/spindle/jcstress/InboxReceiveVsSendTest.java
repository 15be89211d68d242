package dev.spindle.jcstress;

import dev.spindle.Inbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
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
 * A plain thread sends to an inbox whose thread is going to park (public API, one node per test
 * JVM): the sender's "put, then tryWake and unpark" against the receiver's "CAS to WAITING, then
 * re-check the mailbox, then park". The message must arrive before the receive's timeout.
 */
@JCStressTest
@Description("Inbox receive vs send: Inbox.receive(timeout) (CAS to WAITING, hasInbound, park) against Node.send (put, tryWake, unpark).")
@Outcome(id = "RECEIVED", expect = ACCEPTABLE, desc = "the message arrived")
@Outcome(id = "TIMEOUT_SEND_LATE", expect = ACCEPTABLE_INTERESTING, desc = "timed out before the sender had run (its thread was descheduled)")
@Outcome(id = "TIMEOUT_AFTER_SEND", expect = FORBIDDEN, desc = "lost wake-up: the receiver sat out its timeout after the send had returned")
@Outcome(expect = FORBIDDEN, desc = "a wrong message or an exception")
@State
public class InboxReceiveVsSendTest
{
    private final Inbox inbox = Handshakes.SharedNode.NODE.inbox();
    private volatile long sentAt = Handshakes.NOT_YET;

    /** The inbox's thread. @param r the outcome */
    @Actor
    public void receiver(final L_Result r)
    {
        final long t0 = System.nanoTime();
        try
        {
            final Object m = inbox.receive(Duration.ofNanos(Handshakes.RECEIVE_NANOS));
            r.r1 = "m".equals(m) ? "RECEIVED" : m == null
                ? Handshakes.gradeTimeout(t0, Handshakes.RECEIVE_NANOS, sentAt, "TIMEOUT_AFTER_SEND", "TIMEOUT_SEND_LATE")
                : "WRONG_MESSAGE";
        }
        catch (final RuntimeException e)
        {
            r.r1 = e.getClass().getSimpleName();
        }
    }

    /** A plain thread sending. */
    @Actor
    public void sender()
    {
        Handshakes.SharedNode.NODE.send(inbox.pid(), "m");
        sentAt = System.nanoTime();
    }

    /** Gives the inbox's slot back. */
    @Arbiter
    public void close()
    {
        inbox.close();
    }
}
