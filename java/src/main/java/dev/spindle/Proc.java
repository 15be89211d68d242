package dev.spindle;

import dev.spindle.internal.process.ControlBlock;
import dev.spindle.internal.signals.ProcessExit;
import dev.spindle.internal.signals.Signal;
import dev.spindle.internal.signals.Signals;
import dev.spindle.internal.timer.MessageTimer;
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
        if (p.signalsPending())
        {
            p.mailbox.drainToSaved(p); // a process that only sends still obeys exit signals
        }
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
        if (p.signalsPending())
        {
            p.mailbox.drainToSaved(p);
        }
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
        return receive(p, match, timeoutNanos, 0);
    }

    private static Object receive(final ControlBlock p, final Predicate<Object> match, final long timeoutNanos, final int skipSaved)
    {
        final long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        for (;;)
        {
            final Object m = match == null ? p.mailbox.takeAny(p) : p.mailbox.take(match, skipSaved, p);
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

    // ---- links, exits, monitors (docs/links.md, exits.md, monitors.md) ----

    private static Signals signals(final ControlBlock p)
    {
        return ((Scheduler)p.scheduler).group().signals();
    }

    /**
     * Spawns a process linked to the caller, atomically: the link exists before the child runs.
     *
     * @param body its code.
     * @return its pid.
     */
    public static Pid spawnLink(final ProcessBody body)
    {
        final ControlBlock p = self("spawnLink(body)");
        final Pid pid = ((Scheduler)p.scheduler).group().spawn(body, SpawnOptions.defaults(), p);
        charge(p);
        return pid;
    }

    /**
     * Links the caller and {@code pid}: bidirectional, at most one per pair, linking to self does
     * nothing, and linking to a dead process gives the caller an exit signal {@code noproc}.
     *
     * @param pid the other process.
     */
    public static void link(final Pid pid)
    {
        Objects.requireNonNull(pid, "pid");
        final ControlBlock p = self("link(pid)");
        signals(p).link(p, pid);
        charge(p);
    }

    /**
     * Removes the link with {@code pid}, if any; an exit signal from it that is already on its way
     * no longer applies.
     *
     * @param pid the other process.
     */
    public static void unlink(final Pid pid)
    {
        Objects.requireNonNull(pid, "pid");
        final ControlBlock p = self("unlink(pid)");
        signals(p).unlink(p, pid);
        charge(p);
    }

    /**
     * Ends the caller with {@code reason} (linked processes and monitors are told).
     *
     * @param reason any object; {@link Reason#NORMAL} is a normal exit.
     */
    public static void exit(final Object reason)
    {
        self("exit(reason)");
        throw new ProcessExit(Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Sends an exit signal to {@code pid}. A non-trapping target dies with {@code reason}, except
     * that {@link Reason#NORMAL} is ignored (unless the target is the caller itself);
     * {@link Reason#KILL} cannot be trapped and the target dies with {@link Reason#KILLED}.
     *
     * @param pid    target.
     * @param reason reason.
     */
    public static void exit(final Pid pid, final Object reason)
    {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(reason, "reason");
        final ControlBlock p = self("exit(pid, reason)");
        signals(p).send(pid, new Signal.ExitSignal(p.pid, reason, false));
        charge(p);
    }

    /**
     * Turns exit signals into {@link Exit} messages (except {@link Reason#KILL}).
     *
     * @param on whether to trap.
     * @return the previous setting.
     */
    public static boolean trapExit(final boolean on)
    {
        return Signals.trapExit(self("trapExit(on)"), on);
    }

    /**
     * Monitors {@code pid}: when it exits the caller gets a {@link Down} with this reference (at
     * once, with {@link Reason#NOPROC}, if it is not alive). Every call makes a new monitor.
     *
     * @param pid target.
     * @return the monitor's reference.
     */
    public static Ref monitor(final Pid pid)
    {
        Objects.requireNonNull(pid, "pid");
        final ControlBlock p = self("monitor(pid)");
        p.marker = p.mailbox.drainToSaved(p); // a receive for this ref need not scan older messages
        final Ref ref = signals(p).monitor(p, pid);
        charge(p);
        return ref;
    }

    /**
     * Removes a monitor; no Down for it is received afterwards (one already in the mailbox stays,
     * see {@link #demonitor(Ref, boolean)}).
     *
     * @param ref the monitor.
     * @return whether it was active.
     */
    public static boolean demonitor(final Ref ref)
    {
        return demonitor(ref, false);
    }

    /**
     * Removes a monitor and, with {@code flush}, a Down for it already in the mailbox.
     *
     * @param ref   the monitor.
     * @param flush whether to remove a queued Down too.
     * @return whether it was active.
     */
    public static boolean demonitor(final Ref ref, final boolean flush)
    {
        Objects.requireNonNull(ref, "ref");
        final ControlBlock p = self("demonitor(ref)");
        final boolean active = signals(p).demonitor(p, ref);
        if (flush)
        {
            p.mailbox.take(m -> m instanceof Down d && d.ref().equals(ref), 0, p);
        }
        return active;
    }

    // ---- names (docs/names.md) ----

    /**
     * Registers the caller under {@code name}; freed when it exits.
     *
     * @param name non-empty, not taken.
     */
    public static void register(final String name)
    {
        final ControlBlock p = self("register(name)");
        signals(p).register(name, p.pid);
    }

    /**
     * Registers {@code pid} under {@code name}.
     *
     * @param name non-empty, not taken.
     * @param pid  a live process.
     */
    public static void register(final String name, final Pid pid)
    {
        Objects.requireNonNull(pid, "pid");
        final ControlBlock p = self("register(name, pid)");
        signals(p).register(name, pid);
    }

    /** @param name a name @return whether it was registered */
    public static boolean unregister(final String name)
    {
        return signals(self("unregister(name)")).unregister(name);
    }

    /** @param name a name @return its pid, or null when unknown */
    public static Pid whereis(final String name)
    {
        return signals(self("whereis(name)")).whereis(name);
    }

    /**
     * Sends to a registered name.
     *
     * @param name    a registered name.
     * @param message not null.
     * @throws IllegalArgumentException when no process is registered under it.
     */
    public static void send(final String name, final Object message)
    {
        final ControlBlock p = self("send(name, message)");
        send(resolve(signals(p).whereis(name), name), message);
    }

    static Pid resolve(final Pid pid, final String name)
    {
        if (pid == null)
        {
            throw new IllegalArgumentException("no process registered as '" + name + "'");
        }
        return pid;
    }

    // ---- timers and references (docs/timers.md) ----

    /** @return a new unique reference; also a receive marker (see {@link #call}). */
    public static Ref makeRef()
    {
        final ControlBlock p = self("makeRef()");
        p.marker = p.mailbox.drainToSaved(p);
        return signals(p).makeRef();
    }

    /**
     * Sends {@code message} to {@code pid} after {@code delay}, from this scheduler's timer wheel (no
     * thread per timer). The timer is dropped if {@code pid} exits first.
     *
     * @param delay   how long.
     * @param pid     target.
     * @param message not null.
     * @return the timer.
     */
    public static TimerRef sendAfter(final Duration delay, final Pid pid, final Object message)
    {
        Objects.requireNonNull(pid, "pid");
        return startTimer("sendAfter(delay, pid, message)", delay, pid, message);
    }

    /**
     * Sends {@code message} to whoever is registered as {@code name} when the timer fires (dropped
     * if nobody is).
     *
     * @param delay   how long.
     * @param name    a name.
     * @param message not null.
     * @return the timer.
     */
    public static TimerRef sendAfter(final Duration delay, final String name, final Object message)
    {
        Objects.requireNonNull(name, "name");
        return startTimer("sendAfter(delay, name, message)", delay, name, message);
    }

    private static TimerRef startTimer(final String op, final Duration delay, final Object target, final Object message)
    {
        Objects.requireNonNull(message, "message");
        final long nanos = nanos(delay);
        final ControlBlock p = self(op);
        final Scheduler s = (Scheduler)p.scheduler;
        final MessageTimer timer = s.startTimer(target, message, System.nanoTime() + nanos);
        if (target instanceof Pid pid)
        {
            signals(p).trackTimer(pid, timer); // the target's exit cancels it; a dead target frees it now
        }
        charge(p);
        return new TimerRef(signals(p).makeRef(), timer);
    }

    /**
     * Cancels a timer.
     *
     * @param timer the timer.
     * @return the time that was left, or null if it had fired (or was cancelled) already.
     */
    public static Duration cancelTimer(final TimerRef timer)
    {
        Objects.requireNonNull(timer, "timer");
        self("cancelTimer(timer)");
        final long left = timer.timer.cancel();
        return left < 0 ? null : Duration.ofNanos(left);
    }

    // ---- calls (docs/calls.md) ----

    /** The reply to a call, matched by the caller on its ref. */
    private record Reply(Ref ref, Object value)
    {
    }

    /**
     * Calls a server: monitors it, sends it a {@link Call}, and waits for the reply matched by
     * reference. Only messages that arrived after the call began are scanned (the receive marker),
     * so a long mailbox does not slow it down.
     *
     * @param server  the server.
     * @param request the request.
     * @param timeout how long to wait.
     * @return the reply.
     * @throws CallTimeoutException when no reply came in time.
     * @throws CallFailedException  when the server exited or did not exist.
     */
    public static Object call(final Pid server, final Object request, final Duration timeout)
    {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(request, "request");
        final long nanos = nanos(timeout);
        final ControlBlock p = self("call(server, request, timeout)");
        final Ref ref = monitor(server);
        final int mark = p.marker; // everything before it is older than the call: never scanned
        send(server, new Call(p.pid, ref, request));
        final Object answer = receive(p, m -> (m instanceof Reply r && r.ref().equals(ref)) || (m instanceof Down d && d.ref().equals(ref)),
            nanos, mark);
        if (answer instanceof Down d)
        {
            throw new CallFailedException("server " + server + " exited: " + d.reason(), d.reason());
        }
        signals(p).demonitor(p, ref);
        p.mailbox.take(m -> m instanceof Down d && d.ref().equals(ref), mark, p); // flush, from the marker
        if (answer instanceof Reply r)
        {
            return r.value();
        }
        throw new CallTimeoutException("no reply from " + server + " within " + timeout + " to " + request);
    }

    /**
     * Calls a registered server.
     *
     * @param name    registered name.
     * @param request the request.
     * @param timeout how long to wait.
     * @return the reply.
     */
    public static Object call(final String name, final Object request, final Duration timeout)
    {
        return call(resolve(whereis(name), name), request, timeout);
    }

    /**
     * Answers a call.
     *
     * @param call  the call as received.
     * @param value the answer (not null).
     */
    public static void reply(final Call call, final Object value)
    {
        Objects.requireNonNull(call, "call");
        send(call.from(), new Reply(call.ref(), Objects.requireNonNull(value, "value")));
    }
}
