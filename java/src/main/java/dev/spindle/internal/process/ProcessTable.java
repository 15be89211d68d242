package dev.spindle.internal.process;

import dev.spindle.Pid;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps process-table indices (the entries of the run queues, and the middle number of a pid) to
 * control blocks. Segmented so it grows without copying and a lookup is two array reads.
 *
 * <p>Index allocation is per scheduler: a process exits on the scheduler that runs it, which
 * pushes its index on that scheduler's {@link FreeList}; spawns on that scheduler reuse it, with
 * the slot's serial bumped so old pids never reach the new process. Threads that are not
 * schedulers (and schedulers with an empty free list) take fresh indices from a shared counter.
 */
public final class ProcessTable
{
    private static final int SEGMENT_BITS = 14;
    private static final int SEGMENT_SIZE = 1 << SEGMENT_BITS;
    private static final int SEGMENT_MASK = SEGMENT_SIZE - 1;
    private static final int SPILL_AT = 4096;
    private static final int REFILL = 256;

    private final int node;
    private final int limit;
    private final AtomicReferenceArray<AtomicReferenceArray<ProcessHandle>> segments;
    private final AtomicReferenceArray<int[]> serials;
    private final AtomicInteger nextFresh = new AtomicInteger();
    private final AtomicInteger live = new AtomicInteger();
    // Indices spilled by schedulers whose free list grew large (processes that exit elsewhere than
    // they were spawned); the lock also orders the serial bump before the reuse.
    private final FreeList shared = new FreeList();

    /** A scheduler's private stack of reusable indices. */
    public static final class FreeList
    {
        private int[] items = new int[64];
        private int size;

        int pop()
        {
            return size == 0 ? -1 : items[--size];
        }

        int size()
        {
            return size;
        }

        void push(final int index)
        {
            if (size == items.length)
            {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            items[size++] = index;
        }
    }

    /**
     * @param node  node id put into every pid.
     * @param limit maximum number of live processes and inboxes.
     */
    public ProcessTable(final int node, final int limit)
    {
        this.node = node;
        this.limit = limit;
        final int nseg = (limit + SEGMENT_SIZE - 1) >>> SEGMENT_BITS;
        segments = new AtomicReferenceArray<>(nseg);
        serials = new AtomicReferenceArray<>(nseg);
    }

    /** @return the node id. */
    public int node()
    {
        return node;
    }

    /** @return fresh indices handed out so far (tests: released slots must be reused first). */
    int freshIssued()
    {
        return nextFresh.get();
    }

    /** @return processes and inboxes alive now. */
    public int live()
    {
        return live.get();
    }

    /**
     * Reserves a slot and makes its pid. The caller then {@link #publish publishes} a block.
     *
     * @param free the calling scheduler's free list, or null from other threads.
     * @return the new pid.
     * @throws IllegalStateException when the process limit is reached.
     */
    public Pid reserve(final FreeList free)
    {
        if (live.incrementAndGet() > limit)
        {
            live.decrementAndGet();
            throw new IllegalStateException("process limit reached: " + limit + " processes alive");
        }
        int index = free == null ? -1 : free.pop();
        if (index < 0)
        {
            index = takeShared(free);
        }
        if (index < 0)
        {
            index = nextFresh.getAndIncrement();
            if (index >= limit)
            {
                // Every fresh index is used; live < limit means some are free on a scheduler's list
                // below the spill threshold. Rare: fail clearly rather than search other threads' lists.
                nextFresh.decrementAndGet();
                live.decrementAndGet();
                throw new IllegalStateException("process limit reached: all " + limit +
                    " table slots are in use or waiting on another scheduler's free list");
            }
        }
        final int[] serialSeg = serialSegment(index >>> SEGMENT_BITS);
        return new Pid(node, index, serialSeg[index & SEGMENT_MASK]);
    }

    /**
     * Makes a control block reachable by its pid (release store: its fields are visible to any
     * thread that finds it).
     *
     * @param cb the block.
     */
    public void publish(final ProcessHandle cb)
    {
        segment(cb.index >>> SEGMENT_BITS).setRelease(cb.index & SEGMENT_MASK, cb);
    }

    /**
     * @param index table index.
     * @return the block, or null.
     */
    public ProcessHandle get(final int index)
    {
        final AtomicReferenceArray<ProcessHandle> seg = segments.getAcquire(index >>> SEGMENT_BITS);
        return seg == null ? null : seg.getAcquire(index & SEGMENT_MASK);
    }

    /**
     * For the scheduler that dequeued {@code index}: run queues hold processes only, never inboxes.
     *
     * @param index table index from a run queue.
     * @return the process, or null if it has exited meanwhile (a stale entry).
     */
    public Process process(final int index)
    {
        return get(index) instanceof Process p ? p : null;
    }

    /**
     * @param pid a pid of this node (checked by the caller).
     * @return the live block for exactly this pid, or null if it exited or never existed.
     */
    public ProcessHandle lookup(final Pid pid)
    {
        final int index = pid.index();
        if (index < 0 || index >= limit)
        {
            return null;
        }
        final ProcessHandle cb = get(index);
        return cb != null && cb.pid.serial() == pid.serial() ? cb : null;
    }

    /**
     * Visits every live process and inbox (weakly consistent: ones published or released meanwhile
     * may or may not be seen). For observers; O(slots ever used).
     *
     * @param visitor what to do with each.
     */
    public void forEachLive(final java.util.function.Consumer<ProcessHandle> visitor)
    {
        final int issued = Math.min(limit, nextFresh.get());
        for (int s = 0; s <= (issued - 1) >>> SEGMENT_BITS && issued > 0; s++)
        {
            final AtomicReferenceArray<ProcessHandle> seg = segments.getAcquire(s);
            if (seg == null)
            {
                continue;
            }
            final int end = Math.min(SEGMENT_SIZE, issued - (s << SEGMENT_BITS));
            for (int i = 0; i < end; i++)
            {
                final ProcessHandle h = seg.getAcquire(i);
                if (h != null)
                {
                    visitor.accept(h);
                }
            }
        }
    }

    /**
     * Frees a slot; its serial is bumped before the index is reused.
     *
     * @param cb   the exited block.
     * @param free the calling scheduler's free list, or null to return the index to the shared list.
     */
    public void release(final ProcessHandle cb, final FreeList free)
    {
        final int index = cb.index;
        final AtomicReferenceArray<ProcessHandle> seg = segment(index >>> SEGMENT_BITS);
        seg.compareAndSet(index & SEGMENT_MASK, cb, null);
        final int[] serialSeg = serialSegment(index >>> SEGMENT_BITS);
        serialSeg[index & SEGMENT_MASK]++;
        live.decrementAndGet();
        if (free == null)
        {
            synchronized (shared)
            {
                shared.push(index); // inboxes and plain-thread releases: reusable by anyone
            }
        }
        else
        {
            free.push(index);
            if (free.size() > SPILL_AT)
            {
                synchronized (shared)
                {
                    for (int i = 0; i < SPILL_AT / 2; i++)
                    {
                        shared.push(free.pop());
                    }
                }
            }
        }
    }

    private int takeShared(final FreeList free)
    {
        synchronized (shared)
        {
            if (shared.size() == 0)
            {
                return -1;
            }
            if (free != null)
            {
                for (int i = 0; i < REFILL && shared.size() > 1; i++)
                {
                    free.push(shared.pop());
                }
            }
            return shared.pop();
        }
    }

    private AtomicReferenceArray<ProcessHandle> segment(final int s)
    {
        AtomicReferenceArray<ProcessHandle> seg = segments.getAcquire(s);
        if (seg == null)
        {
            seg = new AtomicReferenceArray<>(SEGMENT_SIZE);
            final AtomicReferenceArray<ProcessHandle> witness = segments.compareAndExchange(s, null, seg);
            if (witness != null)
            {
                seg = witness;
            }
        }
        return seg;
    }

    private int[] serialSegment(final int s)
    {
        int[] seg = serials.getAcquire(s);
        if (seg == null)
        {
            seg = new int[SEGMENT_SIZE];
            final int[] witness = serials.compareAndExchange(s, null, seg);
            if (witness != null)
            {
                seg = witness;
            }
        }
        return seg;
    }
}
