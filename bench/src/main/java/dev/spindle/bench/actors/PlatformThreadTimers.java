package dev.spindle.bench.actors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The floor for the timers case (the {@code limit} peer): what the kernel and the JDK give with no
 * runtime in between. A receive timeout and a call timeout are a platform thread parked with
 * {@link LockSupport#parkNanos} until the deadline; a delayed message is a task on a
 * {@link ScheduledThreadPoolExecutor} with one thread, reporting from that thread. Its load is
 * platform threads that {@link Thread#yield()} in a loop plus one that yields after each 1 ms of work.
 */
public final class PlatformThreadTimers implements TimerProbes, AutoCloseable
{
    private static final Object STOP = new Object();

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "limit-timer"));
    private final List<Thread> threads = new ArrayList<>();
    /** Keeps the load's busy work from being optimised away. */
    static volatile long blackhole;

    private static Thread daemon(final Runnable r, final String name)
    {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public Probe probe(final Kind timer, final Duration delay, final Consumer<Fired> sink)
    {
        final long nanos = delay.toNanos();
        final LinkedTransferQueue<Object> inbox = new LinkedTransferQueue<>();
        final Thread t = daemon(() ->
        {
            try
            {
                for (Object m = inbox.take(); m instanceof Arm arm; m = inbox.take())
                {
                    long seq = arm.seq();
                    do
                    {
                        final long deadline = System.nanoTime() + nanos;
                        if (timer == Kind.SEND_AFTER)
                        {
                            // The task reports from the executor's thread; this thread waits for it.
                            final ArrayBlockingQueue<Fired> done = new ArrayBlockingQueue<>(1);
                            final long s = seq;
                            scheduler.schedule(() -> done.add(new Fired(s, deadline, System.nanoTime(), null)), nanos, TimeUnit.NANOSECONDS);
                            sink.accept(done.take()); // interruptible: close() ends a wait whose task was cancelled
                        }
                        else
                        {
                            for (long left = nanos; left > 0; left = deadline - System.nanoTime())
                            {
                                LockSupport.parkNanos(left); // may return early (spuriously): park again
                            }
                            sink.accept(new Fired(seq, deadline, System.nanoTime(), null));
                        }
                        seq++;
                    }
                    while (arm.more().get());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "limit-probe-" + timer.key());
        synchronized (threads)
        {
            threads.add(t);
        }
        t.start();
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

    /**
     * Starts the load: {@code yielders} threads calling {@link Thread#yield()} in a loop and one
     * yielding after each 1 ms of work.
     *
     * @param yielders how many pure yielders.
     * @return stops them.
     */
    public AutoCloseable load(final int yielders)
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> load = new ArrayList<>();
        for (int i = 0; i <= yielders; i++)
        {
            final long slice = i == yielders ? 1_000_000 : 0;
            load.add(daemon(() ->
            {
                long x = 0;
                while (!stop.get())
                {
                    final long until = System.nanoTime() + slice;
                    while (System.nanoTime() < until)
                    {
                        x += until ^ x;
                    }
                    Thread.yield();
                }
                blackhole = x;
            }, "limit-load-" + i));
        }
        load.forEach(Thread::start);
        return () ->
        {
            stop.set(true);
            for (final Thread t : load)
            {
                t.join(1_000);
            }
        };
    }

    @Override
    public void close()
    {
        scheduler.shutdownNow();
        synchronized (threads)
        {
            threads.forEach(Thread::interrupt);
            threads.clear();
        }
    }
}
