package dev.spindle.samples.preempt;

import dev.spindle.Proc;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Processes' code that never calls the runtime (or does so holding a monitor), loaded instrumented by the scheduler tests. */
public final class Hogs
{
    private Hogs()
    {
    }

    /**
     * Loops until told to stop, calling no Spindle method.
     *
     * @param stop the flag.
     * @return a checksum.
     */
    public static long loop(final AtomicBoolean stop)
    {
        long x = 1;
        while (!stop.get())
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    /**
     * Loops {@code n} times inside a monitor, counting how many threads are inside it.
     *
     * @param lock   the monitor.
     * @param inside processes inside now.
     * @param n      iterations.
     * @return how many others it saw inside at the same time.
     */
    public static int loopInMonitor(final Object lock, final AtomicInteger inside, final long n)
    {
        synchronized (lock)
        {
            int overlap = inside.incrementAndGet() - 1;
            long x = 1;
            for (long i = 0; i < n; i++)
            {
                x = x * 6364136223846793005L + 1442695040888963407L;
                if ((i & 4095) == 0 && inside.get() != 1)
                {
                    overlap++;
                }
            }
            inside.decrementAndGet();
            return x == 42 ? -1 : overlap;
        }
    }

    /**
     * Waits for a message while holding a monitor (a raw process then waits on its carrier).
     *
     * @param lock   the monitor.
     * @param inside processes inside now.
     * @return how many others it saw inside at the same time.
     */
    public static int receiveInMonitor(final Object lock, final AtomicInteger inside)
    {
        synchronized (lock)
        {
            int overlap = inside.incrementAndGet() - 1;
            Proc.receive();
            if (inside.get() != 1)
            {
                overlap++;
            }
            inside.decrementAndGet();
            return overlap;
        }
    }
}
