package dev.spindle.jcstress;

import dev.spindle.internal.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Per-sender order with two producers: A puts a1, a2; B (on the owner's thread, so the owner takes
 * while A still puts) puts b1, b2 and then takes what it finds; the arbiter takes the rest. Every
 * message arrives once, and each producer's two in the order it sent them. Result: the order taken.
 */
@JCStressTest
@Description("Mailbox per-producer FIFO with two producers, the owner taking concurrently with one of them.")
@Outcome(id = "a1 a2 b1 b2", expect = ACCEPTABLE, desc = "A's puts first")
@Outcome(id = "a1 b1 a2 b2", expect = ACCEPTABLE, desc = "interleaved")
@Outcome(id = "a1 b1 b2 a2", expect = ACCEPTABLE, desc = "interleaved")
@Outcome(id = "b1 a1 a2 b2", expect = ACCEPTABLE, desc = "interleaved")
@Outcome(id = "b1 a1 b2 a2", expect = ACCEPTABLE, desc = "interleaved")
@Outcome(id = "b1 b2 a1 a2", expect = ACCEPTABLE, desc = "B's puts first")
@Outcome(expect = FORBIDDEN, desc = "a producer's order broken, or a message lost or duplicated")
@State
public class MailboxTwoProducersOrderTest
{
    private final Mailbox mailbox = new Mailbox();
    private final StringBuilder taken = new StringBuilder(); // the owner's thread, then the arbiter

    /** Producer A. */
    @Actor
    public void producerA()
    {
        mailbox.put("a1");
        mailbox.put("a2");
    }

    /** Producer B, then the owner taking what is there. */
    @Actor
    public void producerBThenOwner()
    {
        mailbox.put("b1");
        mailbox.put("b2");
        drain();
    }

    /** The rest, after both. @param r the order taken */
    @Arbiter
    public void arbiter(final L_Result r)
    {
        drain();
        r.r1 = taken.toString();
    }

    private void drain()
    {
        Object m;
        while ((m = mailbox.takeAny()) != null)
        {
            if (!taken.isEmpty())
            {
                taken.append(' ');
            }
            taken.append(m);
        }
    }
}
