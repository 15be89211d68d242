package dev.spindle.internal.mailbox;

import jdk.internal.misc.Unsafe;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Senders exchange the mailbox's {@code tail} on every put while its owner writes {@code head} and
 * {@code dequeued} on every take. On one cache line, the line moves between the cores on every
 * message: a one-sender stream ran at an eighth of its padded rate (docs/mailbox.md, "False
 * sharing"). This checks the layout HotSpot actually chose: every owner field at least a cache
 * line from every field other threads write (padding made of longs failed it: an owner int filled
 * the alignment gap before them). {@code highWater}, which the owner writes only at a new peak,
 * sits on the senders' side, so the padding can be 56 bytes; moved back, or with less padding, it
 * fails here.
 */
class MailboxLayoutTest
{
    private static final int CACHE_LINE = 64;

    @Test
    void theOwnersFieldsAreACacheLineAwayFromTheFieldsSendersWrite()
    {
        final Unsafe unsafe = Unsafe.getUnsafe();
        final long tail = unsafe.objectFieldOffset(MailboxTailFields.class, "tail");
        final long hint = unsafe.objectFieldOffset(MailboxTailFields.class, "hint");
        final List<String> owner = new ArrayList<>();
        for (final Field f : Mailbox.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(f.getModifiers()))
            {
                owner.add(f.getName());
            }
        }
        assertTrue(owner.containsAll(List.of("head", "dequeued", "nextSample", "saved")), "owner fields: " + owner);
        for (final String name : owner)
        {
            final long at = unsafe.objectFieldOffset(Mailbox.class, name);
            assertTrue(Math.abs(at - tail) >= CACHE_LINE, () -> "Mailbox." + name + " at offset " + at + " shares a cache line with tail at " + tail);
            assertTrue(Math.abs(at - hint) >= CACHE_LINE, () -> "Mailbox." + name + " at offset " + at + " shares a cache line with hint at " + hint);
        }
    }
}
