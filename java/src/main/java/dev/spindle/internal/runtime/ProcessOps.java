package dev.spindle.internal.runtime;

import dev.spindle.Call;
import dev.spindle.CallFailedException;
import dev.spindle.CallTimeoutException;
import dev.spindle.Down;
import dev.spindle.MonitoredPid;
import dev.spindle.Pid;
import dev.spindle.Priority;
import dev.spindle.ProcessBody;
import dev.spindle.Reason;
import dev.spindle.Ref;
import dev.spindle.SpawnOptions;
import dev.spindle.TimerRef;
import dev.spindle.internal.process.Process;
import dev.spindle.internal.process.ProcessExit;
import dev.spindle.internal.scheduler.ProcessContinuation;
import dev.spindle.internal.scheduler.Scheduler;
import dev.spindle.internal.scheduler.Schedulers;
import dev.spindle.internal.signals.Signal;
import dev.spindle.internal.signals.Signals;
import dev.spindle.internal.timer.MessageTimer;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * What {@code dev.spindle.Proc} does, for the process calling it: the one runtime entry point of
 * code inside a process. {@code Proc} validates arguments and finds the caller
 * ({@link #self(String)}); everything else happens here or in the protocol classes this delegates
 * to ({@link Receive}, the signals package, the schedulers). Every method runs on the caller's
 * scheduler thread, inside its continuation.
 *
 * <p>Reductions: send, spawn, receive (per message taken), link, unlink, exit signals, monitor,
 * sendAfter and dirty cost one each ({@link Scheduler#charge}); yield always gives way.
 */
public final class ProcessOps
{
    /** The reply to a call, matched by the caller on its ref. */
    record Reply(Ref ref, Object value)
    {
    }

    private ProcessOps()
    {
    }

    /**
     * @param op the Proc method, for the error message.
     * @return the calling process's continuation.
     * @throws IllegalStateException outside a Spindle process.
     */
    public static ProcessContinuation self(final String op)
    {
        final ProcessContinuation pc = ProcessContinuation.current();
        if (pc == null)
        {
            throw new IllegalStateException("Proc." + op + " must be called inside a Spindle process; it was called on thread '" +
                Thread.currentThread().getName() + "'");
        }
        return pc;
    }

    /** @return whether the caller runs inside a Spindle process. */
    public static boolean inProcess()
    {
        return ProcessContinuation.current() != null;
    }

    private static Schedulers group(final ProcessContinuation pc)
    {
        return pc.scheduler().group();
    }

    private static Signals signals(final ProcessContinuation pc)
    {
        return pc.scheduler().group().signals();
    }

    // ---- messages and processes ----

    /**
     * @param pc caller
     * @param to receiver
     * @param message not null
     */
    public static void send(final ProcessContinuation pc, final Pid to, final Object message)
    {
        group(pc).send(to, message, pc.scheduler());
        pc.scheduler().charge(pc);
    }

    /**
     * @param pc      caller.
     * @param name    a registered name.
     * @param message not null.
     * @throws IllegalArgumentException when nobody holds the name.
     */
    public static void send(final ProcessContinuation pc, final String name, final Object message)
    {
        send(pc, NodeRuntime.resolve(signals(pc).registry().whereis(name), name), message);
    }

    /**
     * @param pc      caller.
     * @param body    the child's code.
     * @param options priority and binding.
     * @param link    whether to link the child to the caller before it runs.
     * @return the child's pid.
     */
    public static Pid spawn(final ProcessContinuation pc, final ProcessBody body, final SpawnOptions options, final boolean link)
    {
        final Pid pid = group(pc).spawn(body, options, pc.scheduler(), pc.process.pid, link ? pc.process : null);
        pc.scheduler().charge(pc);
        return pid;
    }

    /**
     * @param pc      caller.
     * @param body    the child's code.
     * @param options priority and binding.
     * @return the child's pid and the monitor set up before it ran.
     */
    public static MonitoredPid spawnMonitor(final ProcessContinuation pc, final ProcessBody body, final SpawnOptions options)
    {
        final MonitoredPid spawned = group(pc).spawnMonitor(body, options, pc.scheduler(), pc.process);
        pc.scheduler().charge(pc);
        return spawned;
    }

    /**
     * @param pc caller
     * @param priority new priority
     * @return the previous one
     */
    public static Priority setPriority(final ProcessContinuation pc, final Priority priority)
    {
        final Process p = pc.process;
        final Priority old = Priority.values()[p.priorityOpaque()];
        p.setPriorityOpaque(priority.ordinal());
        return old;
    }

    /**
     * @param pc caller: gives way to the other runnable processes
     */
    public static void yield(final ProcessContinuation pc)
    {
        pc.scheduler().spendOne();
        Scheduler.yieldNow(pc);
        if (pc.process.signalsPendingVolatile())
        {
            pc.process.mailbox.drainToSaved(pc);
        }
    }

    /**
     * @param pc   caller.
     * @param work runs on a dirty thread.
     * @param <T>  result type.
     * @return its result.
     * @throws Exception what it threw.
     */
    public static <T> T dirty(final ProcessContinuation pc, final Callable<T> work) throws Exception
    {
        final T result = group(pc).dirty(pc, work);
        pc.scheduler().charge(pc);
        return result;
    }

    /**
     * @param pc           caller.
     * @param match        selection, or null for the oldest message.
     * @param timeoutNanos 0 polls; {@link Deadlines#FOREVER} waits forever.
     * @return the message, or null on timeout.
     */
    public static Object receive(final ProcessContinuation pc, final Predicate<Object> match, final long timeoutNanos)
    {
        return Receive.receive(pc, match, timeoutNanos, 0);
    }

    /**
     * @param pc caller
     * @param settings what to report
     * @return the previous receiver
     */
    public static Pid systemMonitor(final ProcessContinuation pc, final dev.spindle.SystemMonitor settings)
    {
        return group(pc).setSystemMonitor(settings.on() ? pc.process.pid : null, settings);
    }

    // ---- the process dictionary ----

    /**
     * @param pc caller
     * @param key key
     * @param value value
     * @return the previous value, or null
     */
    public static Object put(final ProcessContinuation pc, final Object key, final Object value)
    {
        return pc.process.dictionary(true).put(key, value);
    }

    /**
     * @param pc caller
     * @param key key
     * @return its value, or null
     */
    public static Object get(final ProcessContinuation pc, final Object key)
    {
        final java.util.Map<Object, Object> d = pc.process.dictionary(false);
        return d == null ? null : d.get(key);
    }

    /**
     * @param pc caller
     * @param key key
     * @return the value it had, or null
     */
    public static Object erase(final ProcessContinuation pc, final Object key)
    {
        final java.util.Map<Object, Object> d = pc.process.dictionary(false);
        return d == null ? null : d.remove(key);
    }

    // ---- links, exits, monitors ----

    /**
     * @param pc caller
     * @param pid other process
     */
    public static void link(final ProcessContinuation pc, final Pid pid)
    {
        signals(pc).link(pc.process, pid);
        pc.scheduler().charge(pc);
    }

    /**
     * @param pc caller
     * @param pid other process
     */
    public static void unlink(final ProcessContinuation pc, final Pid pid)
    {
        signals(pc).unlink(pc.process, pid);
        pc.scheduler().charge(pc);
    }

    /**
     * Ends the caller.
     *
     * @param reason the exit reason.
     * @return never: throws.
     */
    public static RuntimeException exit(final Object reason)
    {
        throw new ProcessExit(reason);
    }

    /**
     * @param pc caller
     * @param pid target
     * @param reason reason
     */
    public static void exit(final ProcessContinuation pc, final Pid pid, final Object reason)
    {
        signals(pc).send(pid, new Signal.ExitSignal(pc.process.pid, reason, false));
        pc.scheduler().charge(pc);
    }

    /**
     * @param pc caller
     * @param on whether to trap
     * @return the previous setting
     */
    public static boolean trapExit(final ProcessContinuation pc, final boolean on)
    {
        return Signals.trapExit(pc.process, on);
    }

    /**
     * @param pc caller
     * @param pid target
     * @return the monitor's ref
     */
    public static Ref monitor(final ProcessContinuation pc, final Pid pid)
    {
        final Process p = pc.process;
        p.marker = p.mailbox.drainToSaved(pc); // a receive for this ref need not scan older messages
        final Ref ref = signals(pc).monitor(p, pid);
        pc.scheduler().charge(pc);
        return ref;
    }

    /**
     * @param pc caller
     * @param ref monitor
     * @param flush remove a queued Down too
     * @return whether active
     */
    public static boolean demonitor(final ProcessContinuation pc, final Ref ref, final boolean flush)
    {
        final boolean active = signals(pc).demonitor(pc.process, ref);
        if (flush)
        {
            pc.process.mailbox.take(m -> m instanceof Down d && d.ref().equals(ref), 0, pc);
        }
        return active;
    }

    // ---- names ----

    /**
     * @param pc caller
     * @param name name
     * @param pid holder
     */
    public static void register(final ProcessContinuation pc, final String name, final Pid pid)
    {
        signals(pc).registry().register(name, pid);
    }

    /**
     * @param pc caller
     * @param name name
     * @return whether it was registered
     */
    public static boolean unregister(final ProcessContinuation pc, final String name)
    {
        return signals(pc).registry().unregister(name);
    }

    /**
     * @param pc caller
     * @param name name
     * @return its holder or null
     */
    public static Pid whereis(final ProcessContinuation pc, final String name)
    {
        return signals(pc).registry().whereis(name);
    }

    // ---- refs and timers ----

    /**
     * @param pc caller
     * @return a new reference, also a receive marker
     */
    public static Ref makeRef(final ProcessContinuation pc)
    {
        final Process p = pc.process;
        p.marker = p.mailbox.drainToSaved(pc);
        return signals(pc).makeRef();
    }

    /**
     * Starts a sendAfter timer in the caller's scheduler's heap.
     *
     * @param pc      caller.
     * @param nanos   delay ({@link Deadlines#FOREVER}: never fires).
     * @param pid     target pid, or null.
     * @param name    target name, or null.
     * @param message the message.
     * @return the timer.
     */
    public static TimerRef sendAfter(final ProcessContinuation pc, final long nanos, final Pid pid, final String name, final Object message)
    {
        final Schedulers group = group(pc);
        group.checkMessage(message); // here, not when it fires: the caller must get the error
        final MessageTimer timer = new MessageTimer(group.signals().makeRef(), pid, name, message, group);
        pc.scheduler().startTimer(timer, System.nanoTime() + nanos);
        if (pid != null)
        {
            group.signals().trackTimer(pid, timer); // the target's exit cancels it; a dead target frees it now
        }
        pc.scheduler().charge(pc);
        return timer;
    }

    /**
     * @param timer a timer made by sendAfter.
     * @return the time that was left, or null if it had fired or was cancelled already.
     * @throws IllegalArgumentException for a TimerRef this runtime did not make.
     */
    public static Duration cancelTimer(final TimerRef timer)
    {
        if (!(timer instanceof MessageTimer t))
        {
            throw new IllegalArgumentException("not a timer made by Proc.sendAfter: " + timer);
        }
        if (!t.cancel())
        {
            return null;
        }
        return Duration.ofNanos(Math.max(0, t.deadline() - System.nanoTime()));
    }

    // ---- calls (docs/calls.md) ----

    /**
     * Calls a server: monitors it, sends it a {@link Call}, and waits for the reply matched by
     * reference. Only messages that arrived after the call began are scanned (the receive marker).
     *
     * @param pc      caller.
     * @param server  the server.
     * @param request the request.
     * @param nanos   timeout in nanoseconds.
     * @param timeout the timeout as given, for the message.
     * @return the reply.
     */
    public static Object call(final ProcessContinuation pc, final Pid server, final Object request, final long nanos, final Duration timeout)
    {
        final Process p = pc.process;
        final Ref ref = monitor(pc, server);
        final int mark = p.marker; // everything before it is older than the call: never scanned
        try
        {
            send(pc, server, new Call(p.pid, ref, request));
        }
        catch (final RuntimeException e)
        {
            signals(pc).demonitor(p, ref); // the send was refused (message check, foreign pid): leave no monitor behind
            p.mailbox.take(m -> m instanceof Down d && d.ref().equals(ref), mark, pc);
            throw e;
        }
        final Object answer = Receive.receive(pc, m -> (m instanceof Reply r && r.ref().equals(ref)) ||
            (m instanceof Down d && d.ref().equals(ref)), nanos, mark);
        if (answer instanceof Down d)
        {
            throw new CallFailedException("server " + server + " exited: " + d.reason(), d.reason());
        }
        signals(pc).demonitor(p, ref);
        p.mailbox.take(m -> m instanceof Down d && d.ref().equals(ref), mark, pc); // flush, from the marker
        if (answer instanceof Reply r)
        {
            return r.value();
        }
        throw new CallTimeoutException("no reply from " + server + " within " + timeout + " to " + request);
    }

    /**
     * Calls a registered server.
     *
     * @param pc      caller.
     * @param name    its name.
     * @param request the request.
     * @param nanos   timeout.
     * @param timeout as given.
     * @return the reply.
     */
    public static Object call(final ProcessContinuation pc, final String name, final Object request, final long nanos, final Duration timeout)
    {
        final Pid server = signals(pc).registry().whereis(name);
        if (server == null)
        {
            throw new CallFailedException("no process registered as '" + name + "'", Reason.NOPROC);
        }
        return call(pc, server, request, nanos, timeout);
    }

    /**
     * @param pc caller
     * @param call the call as received
     * @param value the answer
     */
    public static void reply(final ProcessContinuation pc, final Call call, final Object value)
    {
        send(pc, call.from(), new Reply(call.ref(), value));
    }
}
