package dev.spindle.internal.nativebridge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JVM flags Spindle needs, checked before a node loads anything that needs them, so that a
 * missing flag is one message naming the flags to add instead of an {@link IllegalAccessError}
 * from deep inside the JDK or Agrona. Checked through the module system, which sees the command
 * line, {@code JDK_JAVA_OPTIONS}, argument files and an executable jar's manifest alike:
 * <ul>
 *     <li>{@code --add-exports java.base/jdk.internal.vm=<spindle>}: processes are
 *     {@code jdk.internal.vm.Continuation}s;</li>
 *     <li>{@code --add-exports} (or {@code --add-opens}) {@code java.base/jdk.internal.misc=<agrona>}:
 *     Agrona's buffers and queues use {@code jdk.internal.misc.Unsafe};</li>
 *     <li>{@code --enable-native-access=<spindle>[,<jna>]} when a node uses native code (native
 *     run queues through JNI, pinning through OpenHFT's JNA). JDK 25 without it only warns, but with
 *     {@code --illegal-native-access=deny} (a future JDK's default) libspindle fails to load and
 *     OpenHFT silently falls back to no pinning at all, so it is required here.</li>
 * </ul>
 * {@code <spindle>} is {@code ALL-UNNAMED} on the class path, else the module's name.
 */
public final class JvmFlags
{
    private JvmFlags()
    {
    }

    /**
     * @param nativeCode whether the node uses native code (native run queues or pinned schedulers).
     * @throws IllegalStateException listing the missing flags as one line to paste, then why each is needed.
     */
    public static void check(final boolean nativeCode)
    {
        final List<String> missing = missing(nativeCode);
        if (!missing.isEmpty())
        {
            throw new IllegalStateException("Spindle needs JVM flags that are missing; add to the java command line:\n    " +
                String.join(" ", missing) + "\n(jdk.internal.vm: processes are JDK continuations; jdk.internal.misc: " +
                "Agrona's Unsafe; native access: libspindle (JNI) and OpenHFT affinity (JNA). See the README, 'Using " +
                "Spindle in your service'.)");
        }
    }

    /**
     * @param nativeCode whether native access is needed.
     * @return the missing flags, in the README's order; empty when all are in effect.
     */
    public static List<String> missing(final boolean nativeCode)
    {
        final Module base = Object.class.getModule();
        final Module spindle = JvmFlags.class.getModule();
        final Module agrona = moduleOf("org.agrona.UnsafeApi", spindle);
        final List<String> out = new ArrayList<>();
        if (!base.isExported("jdk.internal.vm", spindle))
        {
            out.add("--add-exports java.base/jdk.internal.vm=" + name(spindle));
        }
        // --add-opens also exports at run time: either flag is enough for Agrona, the README gives both.
        if (!base.isExported("jdk.internal.misc", agrona))
        {
            out.add("--add-exports java.base/jdk.internal.misc=" + name(agrona));
            out.add("--add-opens java.base/jdk.internal.misc=" + name(agrona));
        }
        if (nativeCode)
        {
            final Set<String> need = new LinkedHashSet<>();
            for (final Module m : new Module[] {spindle, moduleOf("com.sun.jna.Native", spindle)})
            {
                if (!m.isNativeAccessEnabled())
                {
                    need.add(name(m));
                }
            }
            if (!need.isEmpty())
            {
                out.add("--enable-native-access=" + String.join(",", need));
            }
        }
        return out;
    }

    /** @return the module of {@code className} without initialising it, or {@code fallback} when absent. */
    private static Module moduleOf(final String className, final Module fallback)
    {
        try
        {
            return Class.forName(className, false, JvmFlags.class.getClassLoader()).getModule();
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            return fallback;
        }
    }

    private static String name(final Module m)
    {
        return m.isNamed() ? m.getName() : "ALL-UNNAMED";
    }
}
