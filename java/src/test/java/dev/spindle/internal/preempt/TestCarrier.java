package dev.spindle.internal.preempt;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test scheduler thread: runs {@link Proc}esses (continuations of its own scope) one schedule
 * at a time, following the protocol on {@link PreemptibleCarrier}: budget and saved unsafe depth
 * at schedule-in, depth saved and counters parked at schedule-out, a quiet {@code onPinned} for
 * preemption yields and a one-slice back-off when the yield is refused. It also checks, at every
 * preemption, that the process holds none of the locks a test watches.
 */
final class TestCarrier extends PreemptibleCarrier
{
    static final ContinuationScope SCOPE = new ContinuationScope("preempt-test");

    /** A process: a continuation plus what the scheduler keeps for it. */
    static final class Proc extends Continuation
    {
        int savedUnsafeDepth;
        boolean preempting;
        /** Preemption yields that succeeded / were refused (pinned). */
        final AtomicInteger yields = new AtomicInteger();
        final AtomicInteger pinned = new AtomicInteger();
        /** Preemptions while a watched lock was held, or on the wrong carrier. */
        final AtomicInteger violations = new AtomicInteger();
        /** Checks that must all be false whenever the process gives way (e.g. "holds lock X"). */
        volatile java.util.function.BooleanSupplier[] watched = new java.util.function.BooleanSupplier[0];

        Proc watch(final java.util.function.BooleanSupplier... held)
        {
            watched = held;
            return this;
        }

        Proc(final Runnable body)
        {
            super(SCOPE, body);
        }

        @Override
        protected void onPinned(final Continuation.Pinned reason)
        {
            if (!preempting)
            {
                throw new IllegalStateException("pinned: " + reason);
            }
            // A preemption attempt over a native frame: refused quietly, budgetSpent backs off.
        }
    }

    private final int reductions;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private Proc current;
    private volatile boolean stopped;

    TestCarrier(final String name, final int reductions)
    {
        super(null, name);
        this.reductions = reductions;
        setDaemon(true);
    }

    static TestCarrier start(final String name, final int reductions)
    {
        final TestCarrier c = new TestCarrier(name, reductions);
        c.start();
        return c;
    }

    @Override
    public void run()
    {
        while (!stopped)
        {
            try
            {
                final Runnable task = tasks.poll(100, TimeUnit.MILLISECONDS);
                if (task != null)
                {
                    task.run();
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    void shutdown()
    {
        stopped = true;
        interrupt();
    }

    /** Runs one schedule of p on this thread and waits for it to unmount. */
    void schedule(final Proc p) throws Exception
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() ->
        {
            try
            {
                runOnce(p);
                done.complete(null);
            }
            catch (final Throwable t)
            {
                done.completeExceptionally(t);
            }
        });
        done.get(60, TimeUnit.SECONDS);
    }

    /** Runs p to completion, always on this carrier. */
    void runToEnd(final Proc p) throws Exception
    {
        while (!p.isDone())
        {
            schedule(p);
        }
    }

    /** Runs p to completion, alternating between carriers at every schedule-in. */
    static void runMigrating(final Proc p, final TestCarrier... carriers) throws Exception
    {
        int i = 0;
        while (!p.isDone())
        {
            carriers[i++ % carriers.length].schedule(p);
        }
    }

    private void runOnce(final Proc p)
    {
        budget = reductions;
        unsafeDepth = p.savedUnsafeDepth;
        current = p;
        try
        {
            p.run();
        }
        finally
        {
            p.savedUnsafeDepth = unsafeDepth;
            current = null;
            budget = Integer.MAX_VALUE;
            unsafeDepth = 0;
        }
    }

    @Override
    protected void budgetSpent()
    {
        final Proc p = current;
        // The poll must have charged the carrier the calling process is mounted on.
        final Continuation mounted = Continuation.getCurrentContinuation(SCOPE);
        if (mounted != p && mounted instanceof Proc caller)
        {
            caller.violations.incrementAndGet();
        }
        if (p == null || mounted != p)
        {
            budget = Integer.MAX_VALUE;
            return;
        }
        for (final java.util.function.BooleanSupplier held : p.watched)
        {
            if (held.getAsBoolean())
            {
                p.violations.incrementAndGet();
            }
        }
        p.preempting = true;
        final boolean yielded = Continuation.yield(SCOPE);
        p.preempting = false;
        if (yielded)
        {
            // Resumed, perhaps on another carrier: 'this' is stale now, touch only p.
            p.yields.incrementAndGet();
        }
        else
        {
            p.pinned.incrementAndGet();
            budget = reductions; // still on this carrier: try again a slice later
        }
    }
}
