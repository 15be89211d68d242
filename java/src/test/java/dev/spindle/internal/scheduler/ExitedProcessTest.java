package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.internal.process.Process;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What happens to an exited process's index: a late waker must not queue it (the index may already
 * belong to another process), and a virtual-thread process's index goes back where any thread may
 * take it (its exit path can unmount and go on on another carrier, where the scheduler it started
 * on is not its owner).
 */
class ExitedProcessTest
{
    /**
     * A waker that won a process's wake CAS and stalled, while the process (a virtual-thread one,
     * woken meanwhile by a leftover park permit) ran to its end, then calls wake: it must do
     * nothing. It used to queue the dead process's index, which a spawn may already have reused.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLateWakeOfAnExitedProcessQueuesNothing(final boolean virtualThread) throws Exception
    {
        try (Node node = Nodes.start(RunQueues.NATIVE, 1); Inbox inbox = node.inbox())
        {
            final Schedulers group = dev.spindle.TestAccess.runtime(node).schedulers();
            final Pid pid = node.spawn(() -> Proc.receive(m -> m.equals("go")), SpawnOptions.defaults().virtualThread(virtualThread));
            InProcess.awaitWaiting(node, pid);
            final Process p = (Process)group.table().lookup(pid);
            node.send(pid, "go");
            InProcess.await(() -> node.info(pid) == null, "it exited");
            final long before = node.stats().get(0).injected();
            group.wake(p, null, Placement.Cause.OUTSIDE);
            assertEquals(before, node.stats().get(0).injected(), "nothing queued for an exited process");
        }
    }

    /** A virtual-thread process's index is reusable by any thread once it exited: a plain thread's spawn takes it. */
    @Test
    void aVirtualThreadProcessReleasesItsIndexToTheSharedList() throws Exception
    {
        try (Node node = Nodes.start(RunQueues.NATIVE, 1); Inbox inbox = node.inbox())
        {
            final Pid vt = node.spawn(() -> { }, SpawnOptions.defaults().virtualThread(true));
            InProcess.await(() -> node.info(vt) == null, "it exited");
            final Pid next = node.spawn(() -> Proc.receive(m -> false)); // from this plain thread: the shared list or a fresh index
            assertEquals(vt.index(), next.index(), "the plain thread's spawn reused the virtual process's index");
        }
    }
}
