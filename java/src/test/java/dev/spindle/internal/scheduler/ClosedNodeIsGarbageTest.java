package dev.spindle.internal.scheduler;

import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.Proc;
import dev.spindle.RunQueues;
import dev.spindle.TestAccess;
import dev.spindle.testing.Nodes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.ref.WeakReference;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A closed node, once the application drops it, is garbage with everything it held. The soak found
 * the Java run queues' nodes kept for ever (10 MiB each): the Cleaner registered for native memory
 * held the Java twin, whose parkers hold the scheduler threads, which hold the node.
 */
class ClosedNodeIsGarbageTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aClosedNodeIsCollected(final RunQueues kind) throws Exception
    {
        final WeakReference<Schedulers> ref = startUseAndClose(kind);
        for (int i = 0; i < 50 && ref.get() != null; i++)
        {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(ref.get(), "the closed node's schedulers are still reachable");
    }

    private static WeakReference<Schedulers> startUseAndClose(final RunQueues kind) throws Exception
    {
        final Node node = Nodes.start(kind, 2);
        try (Inbox inbox = node.inbox())
        {
            node.spawn(() -> Proc.send(inbox.pid(), "up"));
            assertEquals("up", inbox.receive(Duration.ofSeconds(10)));
        }
        final WeakReference<Schedulers> ref = new WeakReference<>(TestAccess.runtime(node).schedulers());
        node.close();
        return ref;
    }
}
