package dev.spindle.bench.jmh;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.internal.process.ProcessHandle;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code Footprint} reaches one process through the node's internals for JOL's object graph. When
 * the node's fields were reshaped, that lookup failed and the cross-check printed only "not
 * reachable"; this keeps it working.
 */
class FootprintTest
{
    @Test
    void findsTheProcessBehindAPid() throws Exception
    {
        try (Node node = Node.start(NodeConfig.builder().schedulers(1).pinned(false).build()))
        {
            final Pid pid = node.spawn(() -> Proc.receive());
            final Object process = Footprint.processOf(node, pid);
            assertInstanceOf(ProcessHandle.class, process);
            assertEquals(pid, ((ProcessHandle)process).pid);
        }
    }
}
