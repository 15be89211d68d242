package dev.spindle;

import dev.spindle.internal.process.ControlBlock;
import dev.spindle.internal.scheduler.Scheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a process can do from inside its body: know itself, send, spawn, receive (selectively,
 * with timeouts) and give way. Every method throws {@link IllegalStateException} when called
 * outside a Spindle process.
 *
 * <p>Reductions: {@code send}, {@code receive}, {@code spawn} and {@code yield} each cost one; a
 * process that has spent the node's budget (default 4000) gives way at the next of these calls.
 * {@link #yield()} always gives way. A loop that calls none of them cannot be preempted: the JDK
 * has no continuation preemption.
 */
public final class Proc
{
    private Proc()
    {
    }

    private static ControlBlock self(final String op)
    {
        final ControlBlock p = Scheduler.current();
        if (p == null)
        {
            throw new IllegalStateException("Proc." + op + " must be called inside a Spindle process; it was called on thread '" +
                Thread.currentThread().getName() + "'");
        }
        return p;
    }

    private static void charge(final ControlBlock p)
    {
        final int left = --p.budget;
        if (left <= 0 || ((left & Scheduler.SLICE_CHECK_MASK) == 0 && ((Scheduler)p.scheduler).sliceExpired()))
        {
            Scheduler.yieldNow(p);
        }
    }

    /** @return the calling process's pid. */
    public static Pid self()
    {
        return self("self()").pid;
    }

    /**
     * @return the 0-based index of the scheduler the caller runs on now.
     */
    public static int schedulerId()
    {
        return ((Scheduler)self("schedulerId()").scheduler).index();
    }

    /**
     * Sends a message (see {@link Node#send}).
     *
     * @param to      receiver.
     * @param message not null.
     */
    public static void send(final Pid to, final Object message)
    {
        final ControlBlock p = self("send(pid, message)");
        ((Scheduler)p.scheduler).group().send(to, message);
        charge(p);
    }

    /**
     * Spawns a process on the caller's scheduler.
     *
     * @param body its code.
     * @return its pid.
     */
    public static Pid spawn(final ProcessBody body)
    {
        return spawn(body, SpawnOptions.defaults());
    }

    /**
     * Spawns a process.
     *
     * @param body    its code.
     * @param options priority and binding.
     * @return its pid.
     */
    public static Pid spawn(final ProcessBody body, final SpawnOptions options)
    {
        final ControlBlock p = self("spawn(body)");
        final Pid pid = ((Scheduler)p.scheduler).group().spawn(body, options);
        charge(p);
        return pid;
    }

    /**
     * Changes the caller's priority; it takes effect the next time the caller is queued.
     *
     * @param priority the new priority.
     * @return the previous priority.
     */
    public static Priority setPriority(final Priority priority)
    {
        Objects.requireNonNull(priority, "priority");
        final ControlBlock p = self("setPriority(priority)");
        final Priority old = Priority.values()[p.priority];
        p.priority = priority.ordinal();
        return old;
    }

    /**
     * Runs blocking or long native work on the node's dirty threads and returns its result here,
     * so that this process's scheduler keeps running other processes meanwhile (the BEAM's dirty
     * schedulers). Messages that arrive meanwhile stay in the mailbox.
     *
     * @param work the work; its exception is rethrown in this process.
     * @param <T>  result type.
     * @return what the work returned.
     * @throws Exception what the work threw.
     */
    public static <T> T dirty(final java.util.concurrent.Callable<T> work) throws Exception
    {
        final ControlBlock p = self("dirty(work)");
        final T result = ((Scheduler)p.scheduler).group().dirty(p, work);
        charge(p);
        return result;
    }

    /** Gives way to the other runnable processes on this scheduler; always yields. */
    public static void yield()
    {
        final ControlBlock p = self("yield()");
        p.budget--;
        Scheduler.yieldNow(p);
    }

    /**
     * Waits for the oldest message.
     *
     * @return the message.
     */
    public static Object receive()
    {
        return receive(self("receive()"), null, -1);
    }

    /**
     * Waits at most {@code timeout} for the oldest message.
     *
     * @param timeout {@link Duration#ZERO} only polls.
     * @return the message, or null on timeout.
     */
    public static Object receive(final Duration timeout)
    {
        final ControlBlock p = self("receive(timeout)");
        return receive(p, null, nanos(timeout));
    }

    /**
     * Waits for the oldest message that matches; the others stay in the mailbox, in order.
     *
     * @param match the selection.
     * @return the message.
     */
    public static Object receive(final Predicate<Object> match)
    {
        final ControlBlock p = self("receive(match)");
        return receive(p, Objects.requireNonNull(match, "match"), -1);
    }

    /**
     * Waits at most {@code timeout} for the oldest message that matches.
     *
     * @param match   the selection.
     * @param timeout {@link Duration#ZERO} only polls.
     * @return the message, or null on timeout.
     */
    public static Object receive(final Predicate<Object> match, final Duration timeout)
    {
        final ControlBlock p = self("receive(match, timeout)");
        return receive(p, Objects.requireNonNull(match, "match"), nanos(timeout));
    }

    private static long nanos(final Duration timeout)
    {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return Inbox.saturatedNanos(timeout);
    }

    private static Object receive(final ControlBlock p, final Predicate<Object> match, final long timeoutNanos)
    {
        final long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        for (;;)
        {
            final Object m = match == null ? p.mailbox.takeAny() : p.mailbox.take(match, 0);
            if (m != null)
            {
                charge(p);
                return m;
            }
            if (timeoutNanos == 0)
            {
                return null;
            }
            if (timeoutNanos > 0 && System.nanoTime() - deadline >= 0)
            {
                return null;
            }
            ((Scheduler)p.scheduler).waitForMessage(p, deadline);
        }
    }
}
