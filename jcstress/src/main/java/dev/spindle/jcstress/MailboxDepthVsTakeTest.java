package dev.spindle.jcstress;

import dev.spindle.internal.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A depth reader against the owner taking: three messages queued; the owner takes two (numbering
 * them and unlinking the nodes it leaves behind) while a reader counts forward from the head or
 * its hint, restarting when a node it stands on is taken. Results: (the depth the reader read,
 * the arbiter's depth after the owner's takes, the next counted put's number).
 */
@JCStressTest
@Description("Mailbox depth walk against the owner's takes: restarts from the new head, numbers stay right.")
@Outcome(id = {"3, 1, 4", "2, 1, 4", "1, 1, 4"}, expect = ACCEPTABLE, desc = "read before, between or after the takes")
@Outcome(expect = FORBIDDEN, desc = "a depth out of range, or a wrong number left behind")
@State
public class MailboxDepthVsTakeTest
{
    private final Mailbox mailbox = new Mailbox();

    /** Three messages queued; a first count leaves the hint on the last. */
    public MailboxDepthVsTakeTest()
    {
        mailbox.put("m1");
        mailbox.put("m2");
        mailbox.put("m3");
    }

    /** The owner. */
    @Actor
    public void owner()
    {
        mailbox.takeAny();
        mailbox.takeAny();
    }

    /** A statistics reader. @param r results */
    @Actor
    public void reader(final III_Result r)
    {
        r.r1 = (int)mailbox.depth();
    }

    /** @param r the depth after the takes and the next number */
    @Arbiter
    public void after(final III_Result r)
    {
        r.r2 = (int)mailbox.depth();
        r.r3 = (int)mailbox.putCounted("m4");
    }
}
