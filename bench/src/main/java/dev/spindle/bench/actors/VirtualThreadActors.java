package dev.spindle.bench.actors;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * JDK virtual threads, one per actor, each blocking on its own {@link LinkedTransferQueue}: the
 * "no runtime" way to write sequential actors on JDK 25 (the default ForkJoinPool carrier
 * scheduler, no pinning, no priorities; {@code Main} sets its parallelism to the run's scheduler
 * count before the first virtual thread starts).
 *
 * <p>Timers the JDK way: a receive timeout is {@code LinkedTransferQueue.poll(timeout)} (a timed
 * park of the virtual thread), a delayed message comes from a {@link ScheduledThreadPoolExecutor}
 * with one platform thread, and a call times out in {@code poll(timeout)} on a reply queue.
 */
public final class VirtualThreadActors implements Actors, TimerProbes
{
    private static final Object STOP = new Object();

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private ScheduledThreadPoolExecutor timers;

    private static final class QueueRef implements Ref
    {
        final LinkedTransferQueue<Object> queue = new LinkedTransferQueue<>();
    }

    @Override
    public String name()
    {
        return "vthreads";
    }

    @Override
    public Ref spawn(final Handler handler, final int placement)
    {
        final QueueRef ref = new QueueRef();
        executor.execute(() ->
        {
            try
            {
                handler.onStart(ref);
                while (handler.onMessage(ref, ref.queue.take()))
                {
                    // loop until the handler stops
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        return ref;
    }

    @Override
    public void tell(final Ref to, final Object msg)
    {
        ((QueueRef)to).queue.add(msg);
    }

    @Override
    public boolean yieldNow()
    {
        Thread.yield(); // in a virtual thread: lets the carrier run another runnable virtual thread
        return true;
    }

    private synchronized ScheduledThreadPoolExecutor timers()
    {
        if (timers == null)
        {
            timers = new ScheduledThreadPoolExecutor(1, r ->
            {
                final Thread t = new Thread(r, "vthreads-timer");
                t.setDaemon(true);
                return t;
            });
            timers.setRemoveOnCancelPolicy(true);
        }
        return timers;
    }

    @Override
    public Probe probe(final TimerProbes.Kind timer, final Duration delay, final Consumer<Fired> sink)
    {
        final long nanos = delay.toNanos();
        final ScheduledThreadPoolExecutor scheduler = timers();
        final LinkedTransferQueue<Object> inbox = new LinkedTransferQueue<>();
        final LinkedTransferQueue<Object> server = new LinkedTransferQueue<>(); // takes requests, never answers
        executor.execute(() ->
        {
            try
            {
                for (Object m = inbox.take(); m instanceof Arm arm; m = inbox.take())
                {
                    long seq = arm.seq();
                    do
                    {
                        final long deadline = System.nanoTime() + nanos;
                        String error = null;
                        switch (timer)
                        {
                            case RECEIVE ->
                            {
                                final Object got = inbox.poll(nanos, TimeUnit.NANOSECONDS);
                                error = got == null ? null : "poll(timeout) returned " + got;
                            }
                            case SEND_AFTER ->
                            {
                                final Object tick = new Object();
                                scheduler.schedule(() -> inbox.add(tick), nanos, TimeUnit.NANOSECONDS);
                                while (inbox.take() != tick)
                                {
                                    // only this timer's tick ends the wait
                                }
                            }
                            case CALL ->
                            {
                                final LinkedTransferQueue<Object> reply = new LinkedTransferQueue<>();
                                server.add(reply);
                                final Object got = reply.poll(nanos, TimeUnit.NANOSECONDS);
                                error = got == null ? null : "call answered: " + got;
                            }
                        }
                        sink.accept(new Fired(seq++, deadline, System.nanoTime(), error));
                    }
                    while (arm.more().get());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        return new Probe()
        {
            @Override
            public void arm(final Arm arm)
            {
                inbox.add(arm);
            }

            @Override
            public void close()
            {
                inbox.add(STOP);
            }
        };
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            if (timers != null)
            {
                timers.shutdownNow();
            }
        }
        executor.shutdownNow();
        try
        {
            // Bounded: an actor stuck in CPU-bound code cannot be interrupted; don't hang the run on it.
            executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
