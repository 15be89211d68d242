package dev.spindle.internal.scheduler;

import dev.spindle.internal.runqueue.JavaRunQueueSet;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** One owner and one rule for the active count: active = max(1, min(online, compaction's wish)). */
class ActiveSetTest
{
    @Test
    void compactionNeverRaisesTheCountAboveOnline()
    {
        final ActiveSet a = new ActiveSet(4, new JavaRunQueueSet(4, 16, 16), () -> { });
        a.setOnline(2);
        a.setWish(4);
        assertEquals(2, a.active());
        a.setWish(1);
        assertEquals(1, a.active());
        a.setOnline(3); // a new online count restarts compaction from it
        assertEquals(3, a.active());
        a.setWish(0);
        assertEquals(1, a.active());
    }

    @Test
    void racingOnlineChangesAndCompactionKeepTheInvariant() throws Exception
    {
        final ActiveSet a = new ActiveSet(8, new JavaRunQueueSet(8, 16, 16), () -> { });
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> broken = new AtomicReference<>();
        final Thread compactor = new Thread(() ->
        {
            int w = 0;
            while (!stop.get())
            {
                a.setWish(1 + (w++ % 8));
            }
        });
        final Thread watcher = new Thread(() ->
        {
            while (!stop.get())
            {
                final int online = a.online();
                final int active = a.active();
                if (active > 8 || active < 1)
                {
                    broken.set("active " + active + " out of range");
                }
                if (active > online && a.online() == online && a.active() == active)
                {
                    broken.set("active " + active + " above online " + online);
                }
            }
        });
        compactor.start();
        watcher.start();
        for (int i = 0; i < 20_000; i++)
        {
            a.setOnline(1 + (i % 8));
        }
        stop.set(true);
        compactor.join();
        watcher.join();
        assertNull(broken.get());
        assertTrue(a.active() <= a.online());
    }

    @Test
    void placementSteersAroundStuckAndDeadSchedulers()
    {
        final ActiveSet a = new ActiveSet(3, new JavaRunQueueSet(3, 16, 16), () -> { });
        assertEquals(1, a.place(1));
        a.setStalled(1, true);
        assertEquals(2, a.place(1));
        assertEquals(1, a.placeBound(1), "a stall does not move bound processes");
        a.setStalled(1, false);
        a.setDead(2);
        assertEquals(0, a.place(2));
        assertEquals(0, a.placeBound(2), "death does");
        a.setOnline(2);
        assertEquals(0, a.place(2), "offline: 2 % 2");
    }
}
