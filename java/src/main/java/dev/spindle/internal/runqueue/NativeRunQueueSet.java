package dev.spindle.internal.runqueue;

import dev.spindle.internal.nativebridge.NativeLibrary;
import dev.spindle.internal.nativebridge.SpindleNative;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Run queues in native memory (libspindle), one JNI call per operation. Counters are read
 * straight from native memory through a direct buffer, with no JNI call. Arguments are checked
 * here (two compares): the native side trusts them, and a bad index there would corrupt memory.
 */
public final class NativeRunQueueSet implements RunQueueSet
{
    /** sizeof(sp_counters): two cache lines per scheduler, counter i at byte 8 * i. */
    static final int COUNTERS_STRIDE = 128;

    private final long handle;
    private final int count;
    private final UnsafeBuffer counters;
    private boolean closed;

    /**
     * @param count          schedulers.
     * @param localCapacity  per-priority ring capacity.
     * @param injectCapacity inject queue capacity.
     */
    public NativeRunQueueSet(final int count, final int localCapacity, final int injectCapacity)
    {
        NativeLibrary.load();
        this.handle = SpindleNative.create(count, localCapacity, injectCapacity);
        if (handle == 0)
        {
            throw new OutOfMemoryError("native run queues for " + count + " schedulers could not be allocated");
        }
        this.count = count;
        final ByteBuffer buffer = SpindleNative.counters(handle);
        if (buffer.capacity() != count * COUNTERS_STRIDE)
        {
            SpindleNative.destroy(handle);
            throw new IllegalStateException("native counters span " + buffer.capacity() + " bytes, expected " +
                count + " x " + COUNTERS_STRIDE + ": libspindle and this class disagree on sp_counters");
        }
        this.counters = new UnsafeBuffer(buffer);
    }

    @Override
    public int count()
    {
        return count;
    }

    @Override
    public void pushLocal(final int s, final int pid, final int prio)
    {
        RunQueueSet.checkScheduler(s, count);
        RunQueueSet.checkPriority(prio);
        SpindleNative.pushLocal(handle, s, pid, prio);
    }

    @Override
    public void pushRemote(final int s, final int pid, final int prio)
    {
        RunQueueSet.checkScheduler(s, count);
        RunQueueSet.checkPriority(prio);
        SpindleNative.pushRemote(handle, s, pid, prio);
    }

    @Override
    public int next(final int s, final boolean steal)
    {
        RunQueueSet.checkScheduler(s, count);
        return SpindleNative.next(handle, s, steal);
    }

    @Override
    public boolean park(final int s, final long timeoutNanos)
    {
        RunQueueSet.checkScheduler(s, count);
        return SpindleNative.park(handle, s, timeoutNanos);
    }

    @Override
    public void unpark(final int s)
    {
        RunQueueSet.checkScheduler(s, count);
        SpindleNative.unpark(handle, s);
    }

    @Override
    public void setOnline(final int n)
    {
        SpindleNative.setOnline(handle, n);
    }

    @Override
    public long queueLength(final int s, final int prio)
    {
        RunQueueSet.checkScheduler(s, count);
        if (prio < 0 || prio > PRIO_LOW)
        {
            throw new IllegalArgumentException("priority " + prio + " is not 0..3");
        }
        return SpindleNative.queueLength(handle, s, prio);
    }

    @Override
    public long counter(final int s, final int counter)
    {
        RunQueueSet.checkScheduler(s, count);
        if (counter < 0 || counter >= COUNTERS_STRIDE / Long.BYTES)
        {
            throw new IllegalArgumentException("counter " + counter + " out of range");
        }
        // Statistics only: a volatile read of a 64-bit slot the native side updates atomically.
        return counters.getLongVolatile(s * COUNTERS_STRIDE + counter * Long.BYTES);
    }

    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            SpindleNative.destroy(handle);
        }
    }
}
