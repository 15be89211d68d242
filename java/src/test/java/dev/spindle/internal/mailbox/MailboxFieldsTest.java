package dev.spindle.internal.mailbox;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every spawn allocates a mailbox, so its constructor is on the spawn path. Its fields are reached
 * only through VarHandles with explicit access modes; one declared {@code volatile} with an
 * initial value makes that constructor pay a full fence (a {@code lock}-prefixed instruction on
 * x86), which cost spawning about 4 ns (docs/performance.md, sixth round).
 */
class MailboxFieldsTest
{
    @Test
    void noFieldIsDeclaredVolatile()
    {
        for (Class<?> c = Mailbox.class; c != Object.class; c = c.getSuperclass())
        {
            for (final Field f : c.getDeclaredFields())
            {
                assertFalse(Modifier.isVolatile(f.getModifiers()),
                    c.getSimpleName() + "." + f.getName() + " is volatile: its initial store in the constructor is a fence on every spawn; use its VarHandle's modes instead");
            }
        }
    }
}
