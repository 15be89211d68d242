package dev.spindle.jcstress;

import dev.spindle.internal.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The mailbox alone: a put that returned, then a volatile flag; the owner reads the flag, then
 * {@code hasInbound} and {@code takeAny}. Once the owner has seen the flag, the message must be
 * both announced and takeable (put links its node before it returns). Nothing is lost or taken
 * twice. Results: (saw flag, hasInbound, owner took it, taken in all after the arbiter's take).
 */
@JCStressTest
@Description("Mailbox put vs the owner's hasInbound/takeAny, ordered by a volatile flag written after put returned.")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "saw the flag: the message is there")
@Outcome(id = "0, [01], [01], 1", expect = ACCEPTABLE, desc = "before the flag: the message may or may not be visible yet")
@Outcome(id = "1, 0, ., .", expect = FORBIDDEN, desc = "a put that returned is invisible to hasInbound")
@Outcome(id = "1, 1, 0, .", expect = FORBIDDEN, desc = "a put that returned cannot be taken")
@Outcome(expect = FORBIDDEN, desc = "lost or taken twice")
@State
public class MailboxPutVsTakeTest
{
    private final Mailbox mailbox = new Mailbox();
    private volatile boolean put;
    private int taken;

    /** Any thread sending. */
    @Actor
    public void producer()
    {
        mailbox.put("m");
        put = true;
    }

    /** The owner. @param r results */
    @Actor
    public void owner(final IIII_Result r)
    {
        r.r1 = put ? 1 : 0;
        r.r2 = mailbox.hasInbound() ? 1 : 0;
        final Object m = mailbox.takeAny();
        r.r3 = m != null ? 1 : 0;
        taken = r.r3;
    }

    /** After both: take the rest. @param r results */
    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        int n = taken;
        while (mailbox.takeAny() != null)
        {
            n++;
        }
        r.r4 = n;
    }
}
