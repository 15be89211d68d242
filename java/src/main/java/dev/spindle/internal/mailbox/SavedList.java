package dev.spindle.internal.mailbox;

import java.util.function.Predicate;

/**
 * The mailbox's saved part: messages the owner took from inbound that a selective receive did not
 * match, oldest first, in a ring that doubles when full (never shrinks). Owner only, so plain
 * fields; only {@link #capacity()} is read by others, racily. Its own object, made on the first
 * message saved: most processes never save one, and inline its two counters made every mailbox 8
 * bytes larger (docs/performance.md, eighth round).
 */
final class SavedList
{
    private Object[] items = new Object[8]; // a power of two
    private int head;
    private int size;

    /** @return messages saved. */
    int size()
    {
        return size;
    }

    /**
     * @return the array's length. Other threads call this racily, for a memory estimate: the list
     * reached them by a plain store, so they may see it before its array (0 then).
     */
    int capacity()
    {
        final Object[] a = items;
        return a == null ? 0 : a.length;
    }

    /** @param i 0 for the oldest, below {@link #size()}. @return that message */
    Object get(final int i)
    {
        return items[(head + i) & (items.length - 1)];
    }

    /**
     * @param match predicate.
     * @param from  the first index to test.
     * @return the index of the oldest message from {@code from} on that matches, or -1.
     */
    int indexOf(final Predicate<Object> match, final int from)
    {
        for (int i = from; i < size; i++)
        {
            if (match.test(items[(head + i) & (items.length - 1)]))
            {
                return i;
            }
        }
        return -1;
    }

    /** Removes and returns the oldest; the list must not be empty. @return it */
    Object poll()
    {
        final Object m = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return m;
    }

    /** @param m appended behind the others. */
    void add(final Object m)
    {
        if (size == items.length)
        {
            final Object[] bigger = new Object[items.length * 2];
            for (int i = 0; i < size; i++)
            {
                bigger[i] = get(i);
            }
            items = bigger;
            head = 0;
        }
        items[(head + size) & (items.length - 1)] = m;
        size++;
    }

    /**
     * Removes the {@code i}th oldest, keeping the others in order.
     *
     * @param i below {@link #size()}.
     * @return the message removed.
     */
    Object removeAt(final int i)
    {
        if (i == 0)
        {
            return poll();
        }
        final Object m = get(i);
        final int mask = items.length - 1;
        for (int k = i; k < size - 1; k++) // shift the younger ones left by one
        {
            items[(head + k) & mask] = items[(head + k + 1) & mask];
        }
        items[(head + size - 1) & mask] = null;
        size--;
        return m;
    }
}
