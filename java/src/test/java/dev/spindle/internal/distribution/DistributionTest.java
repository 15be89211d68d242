package dev.spindle.internal.distribution;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.spindle.testing.InProcess.T;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two named nodes in one JVM, talking over Aeron UDP on loopback: everything of docs/distribution.md
 * that does not need a second JVM (DistributionMultiJvmTest forks those).
 */
class DistributionTest
{
    /** An application message. */
    public record Order(long id, String symbol, Pid replyTo)
    {
    }

    /** Holds something not registered. */
    public record Wrapper(String label, List<Object> items)
    {
    }

    /** Never registered. */
    public record Secret(int value)
    {
    }

    private final List<Node> nodes = new ArrayList<>();

    static NodeConfig.Builder named(final String name, final String cookie)
    {
        return NodeConfig.builder().schedulers(1).pinned(false).name(name).cookie(cookie)
            .heartbeat(Duration.ofMillis(100), Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(3))
            .messageClasses(Order.class, Wrapper.class);
    }

    private Node start(final NodeConfig.Builder b)
    {
        final Node n = Node.start(b.build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void close()
    {
        for (final Node n : nodes)
        {
            n.close();
        }
    }

    @Test
    void sendAndReplyAcrossNodes() throws Exception
    {
        final Node a = start(named("a", "secret"));
        final Node b = start(named("b", "secret"));
        a.connect("b", b.address());
        assertEquals(List.of("b"), a.nodes());
        InProcess.await(() -> b.nodes().equals(List.of("a")), "b sees a");
        final Pid echo = b.spawn(() ->
        {
            while (true)
            {
                final Order o = (Order)Proc.receive();
                Proc.send(o.replyTo(), new Order(o.id() + 1, o.symbol(), Proc.self()));
            }
        });
        assertEquals("b", Node.nameOf(echo));
        try (Inbox inbox = a.inbox())
        {
            a.send(echo, new Order(41, "ACME", inbox.pid()));
            final Order back = (Order)inbox.receive(T);
            assertNotNull(back, "no reply");
            assertEquals(42, back.id());
            assertEquals(echo, back.replyTo(), "a pid comes back equal to the one that went out");
        }
    }
}
