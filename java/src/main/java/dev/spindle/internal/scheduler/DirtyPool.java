package dev.spindle.internal.scheduler;

import dev.spindle.internal.process.Process;

import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for blocking or long native work ({@code Proc.dirty}), so scheduler threads never block
 * on I/O. One pool per node (the BEAM has separate dirty CPU and dirty I/O pools; one pool sized
 * max(2, schedulers) plus an unbounded queue serves both here: a process waiting for dirty work
 * already holds its own place, and refusing work would only move the queue into the callers).
 * {@code node.stats()} shows the queue and the busy threads, so growth is visible. The calling process waits like in
 * a receive and is woken on its last scheduler when the work is done.
 */
final class DirtyPool
{
    /** Test hook points ({@code -Dspindle.testHooks=true}); folded away otherwise. */
    private static final boolean TEST_HOOKS = Boolean.getBoolean("spindle.testHooks");
    /** Tests only: runs on the dirty thread between its two announcements of a finished task. */
    static volatile Runnable finishingHook;
    /** Tests only: runs in the calling process right after it submitted its task, before it looks. */
    static volatile Runnable submittedHook;

    /** Tests only (see {@link #submittedHook}). */
    static void submitted()
    {
        if (TEST_HOOKS && submittedHook != null)
        {
            submittedHook.run();
        }
    }

    private final ThreadPoolExecutor executor;
    private final Schedulers group;

    DirtyPool(final Schedulers group, final int threads)
    {
        this.group = group;
        final AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r ->
        {
            final Thread t = new Thread(r, "spindle-" + group.nodeId() + "-dirty-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** A unit of dirty work and its outcome, handed back to the waiting process. */
    static final class Task<T> implements Runnable
    {
        private final Process process;
        private final Callable<T> work;
        private final Schedulers group;
        T result;
        Throwable failure;
        volatile boolean done;

        Task(final Process process, final Callable<T> work, final Schedulers group)
        {
            this.process = process;
            this.work = work;
            this.group = group;
        }

        @Override
        public void run()
        {
            try
            {
                result = work.call();
            }
            catch (final Throwable t)
            {
                failure = t;
            }
            // The wake flag before "done": a process that sees done returns and clears the flag,
            // so the flag must already be set then. Set after, it outlived the call and every
            // later wait of the process found it and was requeued at once (a spin until a message).
            process.setWakeFlagVolatile();
            if (TEST_HOOKS && finishingHook != null)
            {
                finishingHook.run();
            }
            done = true;                    // volatile: publishes result/failure
            if (process.tryWake())          // then the state: Dekker with the waiting scheduler
            {
                group.wakeFromOutside(process); // through the gate: a no-op once the node is closed
            }
        }
    }

    <T> Task<T> submit(final Process p, final Callable<T> work)
    {
        final Task<T> task = new Task<>(p, work, group);
        executor.execute(task);
        return task;
    }

    /** @return {queued tasks, threads running one} (statistics). */
    int[] load()
    {
        return new int[] {executor.getQueue().size(), executor.getActiveCount()};
    }

    /**
     * Interrupts the dirty threads and waits briefly. Work that ignores the interrupt finishes later
     * on its own: its completion goes through the node's gate and does nothing once it is closed,
     * so close need not wait for it.
     */
    void shutdown()
    {
        executor.shutdownNow();
        try
        {
            executor.awaitTermination(100, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
