package dev.spindle.jcstress;

import dev.spindle.internal.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A depth reader counting (and numbering) forward while producers link: one message is queued
 * first; A puts one more; B puts one and at once reads the depth. B counts what is linked, so it
 * may stop at a producer that has exchanged the tail and not linked yet. The numbers the walk
 * leaves behind must be right: the arbiter's depth is 3 and the next counted put is number 4.
 * Results: (the depth B read, the arbiter's depth * 10 + the next number).
 */
@JCStressTest
@Description("Mailbox depth walk: a reader numbering forward while producers link.")
@Outcome(id = "3, 34", expect = ACCEPTABLE, desc = "B counted all three")
@Outcome(id = "2, 34", expect = ACCEPTABLE, desc = "B put first and counted before A's link")
@Outcome(id = "1, 34", expect = ACCEPTABLE, desc = "A exchanged first and had not linked: B's message sat behind it")
@Outcome(expect = FORBIDDEN, desc = "a depth out of range, or a walk that left a wrong number behind")
@State
public class MailboxDepthWalkTest
{
    private final Mailbox mailbox = new Mailbox();

    /** One message already queued. */
    public MailboxDepthWalkTest()
    {
        mailbox.put("first");
    }

    /** Producer A. */
    @Actor
    public void producerA()
    {
        mailbox.put("a");
    }

    /** Producer B, then a depth reader. @param r results */
    @Actor
    public void producerBThenReader(final II_Result r)
    {
        mailbox.put("b");
        r.r1 = (int)mailbox.depth();
    }

    /** @param r the depth now and the next put's number */
    @Arbiter
    public void after(final II_Result r)
    {
        r.r2 = (int)mailbox.depth() * 10 + (int)mailbox.putCounted("c");
    }
}
