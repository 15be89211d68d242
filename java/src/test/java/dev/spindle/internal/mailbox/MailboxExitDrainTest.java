package dev.spindle.internal.mailbox;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The exit path's drain must not stop at a producer that has exchanged the tail but not yet linked
 * its node: a signal queued behind that message would be lost (the soak found monitors whose Down
 * never came, because the old drain stopped at the first null poll).
 */
class MailboxExitDrainTest
{
    @Test
    void theExitDrainWaitsForAProducerStillLinking() throws Exception
    {
        final Mailbox box = new Mailbox();
        box.put("before");
        // A producer half-way through put: tail exchanged, its node not linked yet.
        final VarHandle tail = MethodHandles.privateLookupIn(Mailbox.class, MethodHandles.lookup())
            .findVarHandle(Mailbox.class, "tail", Link.class);
        final Node stalled = new Node("stalled message");
        final Link prev = (Link)tail.getAndSet(box, stalled);
        box.put("signal behind it"); // links itself to the stalled node: unreachable for now
        assertNull(pollAll(box, 1), "a plain poll sees only what is linked");

        final List<Object> drained = new ArrayList<>();
        final CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> box.drainForExit(drained::add));
        Thread.sleep(50);
        assertFalse(drain.isDone(), "the drain must wait for the link, not stop");
        prev.linkRelease(stalled); // the producer finishes
        drain.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("stalled message", "signal behind it"), drained);
        assertEquals(0, box.depth());
    }

    /** @return null after taking {@code n} linked items, or the first missing one. */
    private static Object pollAll(final Mailbox box, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            if (box.takeAny() == null)
            {
                return "nothing";
            }
        }
        return box.takeAny();
    }
}
