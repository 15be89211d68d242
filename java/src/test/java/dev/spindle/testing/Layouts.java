package dev.spindle.testing;

import jdk.internal.misc.Unsafe;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/** Reads the field layout HotSpot chose, for tests that keep per-process objects small. */
public final class Layouts
{
    private static final Unsafe UNSAFE = Unsafe.getUnsafe();

    private Layouts()
    {
    }

    /** @return whether references take 4 bytes (compressed, the default below 32 GB of heap). */
    public static boolean compressedReferences()
    {
        return Unsafe.ARRAY_OBJECT_INDEX_SCALE == 4;
    }

    /**
     * @param type a class.
     * @return the offset just past the instance field that ends last, over the class and its supers.
     */
    public static long fieldsEnd(final Class<?> type)
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

    /** @param end where the fields end. @return the instance size: 8-byte aligned */
    public static long instanceSize(final long end)
    {
        return (end + 7) & ~7L;
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
}
