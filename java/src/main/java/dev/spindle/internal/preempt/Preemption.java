package dev.spindle.internal.preempt;

import jdk.internal.access.JavaLangAccess;
import jdk.internal.access.SharedSecrets;

/**
 * The calls instrumented code makes (the agent and {@code Rewrite} insert them): {@link #poll()}
 * at method entries and loop back-edges, {@link #enterUnsafe()} / {@link #exitUnsafe()} around
 * monitors, synchronized methods and class initializers. Each finds the thread it runs on and,
 * when that is a {@link PreemptibleCarrier}, works on its plain counters; on any other thread it
 * does nothing.
 *
 * <p>Finding the thread: inside a process {@code Thread.currentThread()} is the carrier, but C2
 * treats it as a constant within a compiled frame, so after the process has moved to another
 * carrier a hot loop keeps seeing the first one (measured: 2.4 million wrong answers in 5 million
 * migrations). Charging that stale carrier would race with its owner, and an {@code enterUnsafe}
 * counted on one carrier and a poll checked on another would give way inside a monitor. The
 * JDK's own {@code currentCarrierThread()} loads the thread anew after every call, so it is right
 * after a migration (0 wrong answers in the same test) and costs the same two loads: it is what
 * the poll uses. It needs {@code java.base/jdk.internal.access} exported to this class's module:
 * the agent does that itself; without it (the build-time rewriter run without
 * {@code --add-exports java.base/jdk.internal.access=ALL-UNNAMED}) these calls do nothing and one
 * warning says so.
 *
 * <p>Fast path of {@link #poll()}: on a plain thread, a type check of {@code Thread.currentThread()}
 * (which C2 keeps for the whole compiled frame, see {@link #onCarrier()}); on a carrier, that and
 * one carrier load, a type check, a plain decrement and a compare.
 */
public final class Preemption
{
    /** Whether the carrier can be found (jdk.internal.access is exported to this module). */
    private static final boolean ENABLED = Object.class.getModule().isExported("jdk.internal.access",
        Preemption.class.getModule());

    static
    {
        if (!ENABLED)
        {
            System.getLogger("dev.spindle.preempt").log(System.Logger.Level.WARNING,
                "Spindle preemption is off: java.base does not export jdk.internal.access to " +
                    Preemption.class.getModule() + "; start the JVM with -javaagent:<spindle-runtime jar> or add " +
                    "--add-exports java.base/jdk.internal.access=ALL-UNNAMED. Instrumented code runs unpreempted.");
        }
    }

    /** Default back-edges per loop poll (see {@link Instrumenter.Policy#loopBatch()}). */
    public static final int LOOP_BATCH = 64;

    private Preemption()
    {
    }

    /** Touched only when ENABLED, so an unexported package never fails to link. */
    private static final class Access
    {
        // A trusted static final: C2 folds it and devirtualizes the call to the intrinsic.
        static final JavaLangAccess JLA = SharedSecrets.getJavaLangAccess();
    }

    /**
     * The cheap filter in front of the exact lookup. {@code Thread.currentThread()} may be stale
     * inside a process (the carrier it started on), but it is still a carrier: processes only
     * ever run on carriers, and a plain thread never runs one. So "is it a carrier" is answered
     * right by the value C2 hoists out of loops and keeps across calls, and a plain thread pays a
     * type check per compiled frame rather than a lookup per poll; only code on a carrier goes on
     * to {@code currentCarrierThread()} for the exact one.
     */
    private static boolean onCarrier()
    {
        return ENABLED && Thread.currentThread() instanceof PreemptibleCarrier;
    }

    /** @return whether instrumented code can give way in this JVM. */
    public static boolean enabled()
    {
        return ENABLED;
    }

    /**
     * @return the platform thread the caller runs on: inside a process its carrier, right even
     * after the process has moved; null when {@link #enabled()} is false.
     */
    public static Thread carrierThread()
    {
        return ENABLED ? Access.JLA.currentCarrierThread() : null;
    }

    /**
     * Spends one reduction of the running process's budget and, when it is spent and the process
     * holds nothing (no monitor, lock or class initializer), gives way. On a plain thread: nothing.
     */
    public static void poll()
    {
        if (onCarrier() && Access.JLA.currentCarrierThread() instanceof PreemptibleCarrier c && --c.budget <= 0)
        {
            c.spent();
        }
    }

    /**
     * A loop back-edge: {@code count} is the method's back-edge counter (a local variable the
     * rewriter increments); every {@code batch}-th back-edge spends {@code batch} reductions at
     * once and gives way as {@link #poll()} does. Between those it is a register test.
     *
     * @param count back-edges so far in this method call.
     * @param batch a power of two (a constant at each call site).
     */
    public static void loop(final int count, final int batch)
    {
        if ((count & (batch - 1)) == 0)
        {
            spend(batch);
        }
    }

    private static void spend(final int reductions)
    {
        if (onCarrier() && Access.JLA.currentCarrierThread() instanceof PreemptibleCarrier c && (c.budget -= reductions) <= 0)
        {
            c.spent();
        }
    }

    /** The process has entered a monitor, lock or class initializer: no giving way until it leaves. */
    public static void enterUnsafe()
    {
        if (onCarrier() && Access.JLA.currentCarrierThread() instanceof PreemptibleCarrier c)
        {
            c.unsafeDepth++;
        }
    }

    /**
     * The process has left what {@link #enterUnsafe()} counted. Never goes below 0: a lock taken
     * in uninstrumented code and released in instrumented code is not counted at all.
     */
    public static void exitUnsafe()
    {
        if (onCarrier() && Access.JLA.currentCarrierThread() instanceof PreemptibleCarrier c && c.unsafeDepth > 0)
        {
            c.unsafeDepth--;
        }
    }
}
