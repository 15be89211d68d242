package dev.spindle.internal.scheduler;

import dev.spindle.*;
import dev.spindle.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.spindle.testing.InProcess.T;
import static org.junit.jupiter.api.Assertions.*;

/** Proc.dirty's hand-back: the dirty thread's announcement of a finished task and the waiting process's wake-up. */
class DirtyWorkTest
{
    /** Both process kinds get their result: a virtual-thread process waits by parking, and must be unparked. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void dirtyWorkReturnsToEitherKindOfProcess(final boolean virtualThread) throws Exception
    {
        try (Node node = Nodes.start(RunQueues.NATIVE, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                int sum = 0;
                for (int i = 0; i < 20; i++)
                {
                    final int k = i;
                    sum += Proc.dirty(() ->
                    {
                        Thread.sleep(k % 3); // some finish before the process waits, some after
                        return k;
                    });
                }
                Proc.send(inbox.pid(), sum);
            }, SpawnOptions.defaults().virtualThread(virtualThread));
            assertEquals(190, inbox.receive(T), "every dirty call returned its result");
        }
    }

    /**
     * The dirty thread announced "done" before it set the process's wake flag. A process that saw
     * "done" returned from dirty and cleared the flag; the flag set after that stayed, and every
     * later wait of the process (an untimed receive here) found it set and was requeued at once:
     * the process spun on its scheduler until a message came. A hook holds the dirty thread
     * between its two announcements.
     */
    @Test
    void aDirtyThreadSlowBetweenItsAnnouncementsLeavesNoWakeUpBehind() throws Exception
    {
        try (Node node = Nodes.start(RunQueues.NATIVE, 1); Inbox inbox = node.inbox())
        {
            DirtyPool.finishingHook = () ->
            {
                try
                {
                    Thread.sleep(100);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            };
            // And the process slow to look: the work is done by the time it does, so it sees
            // "done" while the dirty thread is still between its announcements.
            DirtyPool.submittedHook = () ->
            {
                try
                {
                    Thread.sleep(50);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            };
            node.spawn(() ->
            {
                Proc.send(inbox.pid(), Proc.dirty(() -> "done"));
                Proc.receive(); // untimed: nothing will come
            });
            assertEquals("done", inbox.receive(T));
            DirtyPool.submittedHook = null;
            DirtyPool.finishingHook = null;
            Thread.sleep(300); // the hook is over: the dirty thread has done whatever it does next
            final long before = node.stats().get(0).contextSwitches();
            Thread.sleep(300);
            final long resumed = node.stats().get(0).contextSwitches() - before;
            assertTrue(resumed < 20, "a process waiting in an untimed receive with nothing sent was resumed " + resumed + " times in 300 ms");
        }
        finally
        {
            DirtyPool.submittedHook = null;
            DirtyPool.finishingHook = null;
        }
    }
}
