package dev.spindle.internal.process;

import dev.spindle.internal.mailbox.Mailbox;
import dev.spindle.internal.scheduler.ProcessContinuation;
import dev.spindle.testing.Layouts;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every process is a {@link Process}, a {@link ProcessContinuation} and a {@link Mailbox}, so each
 * 8 bytes of any of them is 8 MB per million processes (docs/performance.md, "Memory per
 * process"). This reads the layout HotSpot chose and checks where the last field ends, with
 * compressed references (the default below 32 GB of heap). A field added to any of them fails it;
 * so did the int {@code yieldReason}, {@code home} and {@code priority} and the int
 * {@code boundScheduler} (Process ended at 92, so 96 bytes), a second boolean in the continuation
 * (it ended at 65, so 72 bytes), and the saved list's two counters inline in the mailbox (112).
 */
class ProcessLayoutTest
{
    @Test
    void aProcessIs80Bytes()
    {
        assertAtMost(Process.class, 80);
    }

    @Test
    void aProcessContinuationIs64Bytes()
    {
        assertAtMost(ProcessContinuation.class, 64);
    }

    @Test
    void aMailboxIs104Bytes()
    {
        assertAtMost(Mailbox.class, 104);
    }

    private static void assertAtMost(final Class<?> type, final long bytes)
    {
        assumeTrue(Layouts.compressedReferences(), "compressed references");
        final long end = Layouts.fieldsEnd(type);
        assertTrue(end <= bytes, () -> type.getSimpleName() + "'s fields end at byte " + end + ", so it takes " +
            Layouts.instanceSize(end) + " bytes, not " + bytes);
    }
}
