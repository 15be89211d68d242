package dev.spindle.internal.nativebridge;

import java.nio.ByteBuffer;

/**
 * JNI entry points of libspindle (native/src/jni_bridge.c). Thin: every method maps to one
 * function of native/include/spindle/spindle.h, whose comments are the contract. Callers validate
 * arguments; the native side trusts them. Call {@link NativeLibrary#load()} before any of these.
 */
public final class SpindleNative
{
    /** The native ABI this class was written against. */
    public static final int ABI_VERSION = 2;

    private SpindleNative()
    {
    }

    /** @return SP_ABI_VERSION of the loaded library. */
    public static native int abiVersion();

    /**
     * @return a handle to a new set of run queues, or 0 on failure.
     * @param n schedulers.
     * @param localCapacity per-priority ring capacity.
     * @param injectCapacity inject queue capacity.
     */
    public static native long create(int n, int localCapacity, int injectCapacity);

    /**
     * @param h handle; no call may follow.
     */
    public static native void destroy(long h);

    /** Owner only. @param h handle @param s scheduler @param pid process index @param prio 0..3, optionally | 4 (bound) */
    public static native void pushLocal(long h, int s, int pid, int prio);

    /** Any thread. @param h handle @param s scheduler @param pid process index @param prio 0..3, optionally | 4 (bound) */
    public static native void pushRemote(long h, int s, int pid, int prio);

    /** Owner only. @param h handle @param s scheduler @param steal whether to steal @return pid or -1 */
    public static native int next(long h, int s, boolean steal);

    /** Owner only. @param h handle @param s scheduler @param timeoutNanos &lt;0 for none @return true if it did not sleep because work was visible */
    public static native boolean park(long h, int s, long timeoutNanos);

    /** Any thread. @param h handle @param s scheduler */
    public static native void unpark(long h, int s);

    /**
     * @param h handle
     * @param n schedulers online
     */
    public static native void setOnline(long h, int n);

    /**
     * @param h handle
     * @return schedulers online
     */
    public static native int online(long h);

    /**
     * @param h handle
     * @param s scheduler
     * @param prio 0..3
     * @return approximate length
     */
    public static native long queueLength(long h, int s, int prio);

    /** @param h handle @return direct buffer over n * 128 bytes of sp_counters */
    public static native ByteBuffer counters(long h);

    /** @return sched_getcpu() or -1 */
    public static native int currentCpu();

    /** @return CPUs of this thread's affinity mask, ascending, or null */
    public static native int[] allowedCpus();
}
