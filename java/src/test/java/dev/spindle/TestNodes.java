package dev.spindle;

import java.util.stream.Stream;

/** Shared helpers: every behaviour test runs on both run-queue implementations. */
final class TestNodes
{
    private TestNodes()
    {
    }

    static Stream<RunQueues> kinds()
    {
        return Stream.of(RunQueues.NATIVE, RunQueues.JAVA);
    }

    static Node start(final RunQueues kind, final int schedulers)
    {
        return Node.start(NodeConfig.builder().schedulers(schedulers).pinned(false).runQueues(kind).build());
    }

    static Node start(final RunQueues kind, final int schedulers, final int reductions)
    {
        return Node.start(NodeConfig.builder().schedulers(schedulers).pinned(false).runQueues(kind)
            .reductions(reductions).build());
    }
}
