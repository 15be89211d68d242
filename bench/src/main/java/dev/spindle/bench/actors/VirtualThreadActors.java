package dev.spindle.bench.actors;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;

/**
 * JDK virtual threads, one per actor, each blocking on its own {@link LinkedTransferQueue}: the
 * "no runtime" way to write sequential actors on JDK 25 (the default ForkJoinPool carrier
 * scheduler, no pinning, no priorities; {@code Main} sets its parallelism to the run's scheduler
 * count before the first virtual thread starts).
 */
public final class VirtualThreadActors implements Actors
{
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

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

    @Override
    public void close()
    {
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
