package dev.spindle.internal.mailbox;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The saved part of a mailbox: a ring that keeps arrival order through growth, wrap-around and
 * removal from the middle, checked against a list; and the mailbox's use of it, which makes it
 * only when a selective receive first leaves a message behind.
 */
class SavedListTest
{
    @Test
    void keepsArrivalOrderAgainstAModel()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final SavedList ring = new SavedList();
        final List<Integer> model = new ArrayList<>();
        int next = 0;
        for (int step = 0; step < 200_000; step++)
        {
            final int op = random.nextInt(10);
            if (op < 5 || model.isEmpty())
            {
                ring.add(next);
                model.add(next++);
            }
            else if (op < 8)
            {
                assertEquals(model.remove(0), ring.poll());
            }
            else
            {
                final int i = random.nextInt(model.size());
                assertEquals(model.get(i), ring.get(i));
                ring.removeAt(i);
                model.remove(i);
            }
            assertEquals(model.size(), ring.size());
        }
        for (int i = 0; i < model.size(); i++)
        {
            assertEquals(model.get(i), ring.get(i), "index " + i);
        }
    }

    @Test
    void growsFromAWrappedRingInOrder()
    {
        final SavedList ring = new SavedList();
        for (int i = 0; i < 6; i++)
        {
            ring.add(i);
        }
        for (int i = 0; i < 5; i++)
        {
            assertEquals(i, ring.poll()); // head at 5 of 8: the next adds wrap
        }
        for (int i = 6; i < 40; i++)
        {
            ring.add(i);
        }
        assertEquals(64, ring.capacity());
        for (int i = 5; i < 40; i++)
        {
            assertEquals(i, ring.poll());
        }
        assertEquals(0, ring.size());
    }

    @Test
    void aMailboxMakesItOnlyWhenASelectiveReceiveLeavesAMessage()
    {
        final Mailbox box = new Mailbox();
        box.put("a");
        assertEquals("a", box.takeAny());
        assertEquals(0, box.savedCapacity(), "no saved part for a plain receive");
        for (int i = 0; i < 20; i++)
        {
            box.put(i);
        }
        box.put("want");
        assertEquals("want", box.take("want"::equals, 0));
        assertEquals(32, box.savedCapacity(), "the 20 skipped messages are saved, in a grown ring");
        assertEquals(7, box.take(x -> x.equals(7), 0), "taken from the middle of the saved part");
        assertEquals(13, box.take(x -> x.equals(13), 5), "a marker skips saved messages known not to match");
        assertNull(box.take(x -> x.equals(3), 10), "skipped past: not seen");
        for (int i = 0; i < 20; i++)
        {
            if (i != 7 && i != 13)
            {
                assertEquals(i, box.takeAny(), "the rest in arrival order");
            }
        }
        assertNull(box.takeAny());
        box.put("x");
        assertEquals(1, box.drainToSaved(null));
        box.clear();
        assertEquals(0, box.savedCapacity(), "clear drops the saved part");
        assertNull(box.takeAny());
    }
}
