package dev.spindle.jcstress;

import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.NodeClosedException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A node closed while a thread receives on one of its inboxes (public API, a node per sample:
 * jcstress's termination mode starts the receiver, then closes the node). The receiver must end
 * with {@link NodeClosedException} well before its timeout; a timeout, any other ending (ERROR)
 * or a receiver still inside (STALE) fails.
 */
@JCStressTest(Mode.Termination)
@Description("Inbox receive vs node close: Inbox.receive(timeout) (claim the receiver slot, read closed, park) against Node.close() (set closed, unpark every receiver).")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the receiver got NodeClosedException")
@Outcome(id = "ERROR", expect = FORBIDDEN, desc = "the receive timed out (lost wake-up) or ended otherwise than with NodeClosedException")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "the receiver is still inside receive")
@State
public class InboxReceiveVsNodeCloseTest
{
    private final Node node = Handshakes.newNode();
    private final Inbox inbox = node.inbox();

    /**
     * The inbox's thread.
     *
     * @throws Exception (an ERROR outcome) unless the receive ended with NodeClosedException.
     */
    @Actor
    public void receiver() throws Exception
    {
        final long t0 = System.nanoTime();
        try
        {
            final Object m = inbox.receive(Duration.ofNanos(Handshakes.RECEIVE_NANOS));
            throw new Exception("receive returned " + m + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms on a node being closed");
        }
        catch (final NodeClosedException expected)
        {
            // the only good ending
        }
    }

    /** Closes the node (jcstress calls it once the receiver's thread has started). */
    @Signal
    public void close()
    {
        node.close();
    }
}
