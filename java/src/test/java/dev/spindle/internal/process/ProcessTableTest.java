package dev.spindle.internal.process;

import dev.spindle.Pid;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The process table: released slots are reused (also those of plain threads' inboxes), old pids never alias. */
class ProcessTableTest
{
    @Test
    void slotsReleasedWithoutAFreeListAreReused()
    {
        final ProcessTable table = new ProcessTable(0, 1_000);
        for (int i = 0; i < 100_000; i++)
        {
            final Pid pid = table.reserve(null);
            final InboxHandle h = new InboxHandle(pid);
            table.publish(h);
            table.release(h, null); // an inbox's close: no scheduler free list
        }
        assertEquals(0, table.live());
        assertTrue(table.freshIssued() <= 2, "fresh indices issued: " + table.freshIssued());
    }

    @Test
    void aReusedSlotGetsANewSerialSoOldPidsFindNothing()
    {
        final ProcessTable table = new ProcessTable(0, 10);
        final Pid first = table.reserve(null);
        final InboxHandle h = new InboxHandle(first);
        table.publish(h);
        assertSame(h, table.lookup(first));
        table.release(h, null);
        assertNull(table.lookup(first));
        final Pid second = table.reserve(null);
        assertEquals(first.index(), second.index());
        assertNotEquals(first.serial(), second.serial());
        table.publish(new InboxHandle(second));
        assertNull(table.lookup(first));
        assertNotNull(table.lookup(second));
    }

    @Test
    void theLimitIsEnforcedWithAClearMessage()
    {
        final ProcessTable table = new ProcessTable(0, 2);
        table.publish(new InboxHandle(table.reserve(null)));
        table.publish(new InboxHandle(table.reserve(null)));
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.reserve(null));
        assertTrue(e.getMessage().contains("process limit"), e.getMessage());
    }
}
