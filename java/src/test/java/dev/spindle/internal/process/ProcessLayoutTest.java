package dev.spindle.internal.process;

import dev.spindle.internal.scheduler.ProcessContinuation;
import jdk.internal.misc.Unsafe;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every process is a {@link Process} and a {@link ProcessContinuation}, so each 8 bytes of either
 * is 8 MB per million processes (docs/performance.md, "Memory per process"). This reads the layout
 * HotSpot chose and checks where the last field ends, with compressed references (the default
 * below 32 GB of heap). A field added to either object fails it; so did the int {@code yieldReason},
 * {@code home} and {@code priority} and the int {@code boundScheduler} (Process ended at 92, so 96
 * bytes) and a second boolean in the continuation (it ended at 65, so 72 bytes).
 */
class ProcessLayoutTest
{
    private static final Unsafe UNSAFE = Unsafe.getUnsafe();

    @Test
    void aProcessIs80Bytes()
    {
        assumeTrue(Unsafe.ARRAY_OBJECT_INDEX_SCALE == 4, "compressed references");
        final long end = fieldsEnd(Process.class);
        assertTrue(end <= 80, () -> "Process's fields end at byte " + end + ", so it takes " + align(end) + " bytes, not 80");
    }

    @Test
    void aProcessContinuationIs64Bytes()
    {
        assumeTrue(Unsafe.ARRAY_OBJECT_INDEX_SCALE == 4, "compressed references");
        final long end = fieldsEnd(ProcessContinuation.class);
        assertTrue(end <= 64, () -> "ProcessContinuation's fields end at byte " + end + ", so it takes " + align(end) + " bytes, not 64");
    }

    /** @return the offset just past the instance field that ends last, over the class and its supers. */
    private static long fieldsEnd(final Class<?> type)
    {
        long end = 0;
        for (Class<?> c = type; c != null; c = c.getSuperclass())
        {
            for (final Field f : c.getDeclaredFields())
            {
                if (!Modifier.isStatic(f.getModifiers()))
                {
                    end = Math.max(end, UNSAFE.objectFieldOffset(f) + size(f.getType()));
                }
            }
        }
        return end;
    }

    private static int size(final Class<?> t)
    {
        if (!t.isPrimitive())
        {
            return Unsafe.ARRAY_OBJECT_INDEX_SCALE;
        }
        if (t == long.class || t == double.class)
        {
            return 8;
        }
        if (t == int.class || t == float.class)
        {
            return 4;
        }
        return t == short.class || t == char.class ? 2 : 1;
    }

    private static long align(final long end)
    {
        return (end + 7) & ~7L;
    }
}
