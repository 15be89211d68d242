package dev.spindle.testing;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.RunQueues;

import java.util.stream.Stream;

/** Shared helpers: every behaviour test runs on both run-queue implementations. */
public final class Nodes
{
    private Nodes()
    {
    }

    public static Stream<RunQueues> kinds()
    {
        return Stream.of(RunQueues.NATIVE, RunQueues.JAVA);
    }

    public static Node start(final RunQueues kind, final int schedulers)
    {
        return Node.start(NodeConfig.builder().schedulers(schedulers).pinned(false).runQueues(kind).build());
    }

    public static Node start(final RunQueues kind, final int schedulers, final int reductions)
    {
        return Node.start(NodeConfig.builder().schedulers(schedulers).pinned(false).runQueues(kind)
            .reductions(reductions).build());
    }
}
