package dev.spindle;

import dev.spindle.internal.distribution.Distribution;
import dev.spindle.internal.runtime.Deadlines;
import dev.spindle.internal.runtime.ProcessOps;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * What a process can do from inside its body: know itself, send, spawn, receive (selectively,
 * with timeouts) and give way. Every method throws {@link IllegalStateException} when called
 * outside a Spindle process.
 *
 * <p>Reductions: {@code send}, {@code receive}, {@code spawn}, links, monitors, exit signals,
 * timers and {@code dirty} each cost one; a process that has spent the node's budget (default
 * 4000), or its time slice, gives way at the next of these calls. {@link #yield()} always gives
 * way. A loop that calls none of them is preempted only when its classes are instrumented by the
 * agent (docs/preemption.md).
 */
public final class Proc
{
    private Proc()
    {
    }

    /** @return whether the caller runs inside a Spindle process (where the other methods work). */
    public static boolean inProcess()
    {
        return ProcessOps.inProcess();
    }

    /** @return the calling process's pid. */
    public static Pid self()
    {
        return ProcessOps.self("self()").process.pid;
    }

    /**
     * @return the 0-based index of the scheduler the caller runs on now.
     */
    public static int schedulerId()
    {
        return ProcessOps.self("schedulerId()").scheduler().index();
    }

    /**
     * Sends a message (see {@link Node#send}).
     *
     * @param to      receiver.
     * @param message not null.
     */
    public static void send(final Pid to, final Object message)
    {
        Objects.requireNonNull(to, "pid");
        Objects.requireNonNull(message, "message");
        ProcessOps.send(ProcessOps.self("send(pid, message)"), to, message);
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
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(options, "options");
        return ProcessOps.spawn(ProcessOps.self("spawn(body)"), body, options, false);
    }

    /**
     * Spawns a process monitored by the caller from before it runs (Erlang's {@code spawn_monitor}):
     * however early it exits, the caller gets its {@link Down}.
     *
     * @param body its code.
     * @return its pid and the monitor's reference.
     */
    public static MonitoredPid spawnMonitor(final ProcessBody body)
    {
        return spawnMonitor(body, SpawnOptions.defaults());
    }

    /**
     * As {@link #spawnMonitor(ProcessBody)}, with priority and binding.
     *
     * @param body    its code.
     * @param options priority and binding.
     * @return its pid and the monitor's reference.
     */
    public static MonitoredPid spawnMonitor(final ProcessBody body, final SpawnOptions options)
    {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(options, "options");
        return ProcessOps.spawnMonitor(ProcessOps.self("spawnMonitor(body)"), body, options);
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
        return ProcessOps.setPriority(ProcessOps.self("setPriority(priority)"), priority);
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
    public static <T> T dirty(final Callable<T> work) throws Exception
    {
        Objects.requireNonNull(work, "work");
        return ProcessOps.dirty(ProcessOps.self("dirty(work)"), work);
    }

    /** Gives way to the other runnable processes on this scheduler; always yields. */
    public static void yield()
    {
        ProcessOps.yield(ProcessOps.self("yield()"));
    }

    /**
     * Waits for the oldest message.
     *
     * @return the message.
     */
    public static Object receive()
    {
        return ProcessOps.receive(ProcessOps.self("receive()"), null, Deadlines.FOREVER);
    }

    /**
     * Waits at most {@code timeout} for the oldest message. A timeout of 73 years or more waits
     * forever.
     *
     * @param timeout {@link Duration#ZERO} only polls.
     * @return the message, or null on timeout.
     */
    public static Object receive(final Duration timeout)
    {
        final long nanos = Deadlines.nanos(timeout, "timeout");
        return ProcessOps.receive(ProcessOps.self("receive(timeout)"), null, nanos);
    }

    /**
     * Waits for the oldest message that matches; the others stay in the mailbox, in order.
     *
     * @param match the selection.
     * @return the message.
     */
    public static Object receive(final Predicate<Object> match)
    {
        Objects.requireNonNull(match, "match");
        return ProcessOps.receive(ProcessOps.self("receive(match)"), match, Deadlines.FOREVER);
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
        Objects.requireNonNull(match, "match");
        final long nanos = Deadlines.nanos(timeout, "timeout");
        return ProcessOps.receive(ProcessOps.self("receive(match, timeout)"), match, nanos);
    }

    /**
     * Makes the caller the node's system monitor (see {@link Node#systemMonitor(Pid, SystemMonitor)}).
     *
     * @param settings what to report ({@link SystemMonitor#OFF} stops).
     * @return the previous receiver, or null.
     */
    public static Pid systemMonitor(final SystemMonitor settings)
    {
        Objects.requireNonNull(settings, "settings");
        return ProcessOps.systemMonitor(ProcessOps.self("systemMonitor(settings)"), settings);
    }

    // ---- the process dictionary (docs/java-in-processes.md) ----

    /**
     * Stores a value in the caller's process dictionary (the BEAM's {@code put/2}): state that
     * belongs to this process wherever it runs. Inside a raw process, thread-locals belong to the
     * scheduler thread and are shared by every process on it; use this instead (or run the process
     * as a virtual thread, {@link SpawnOptions#virtualThread(boolean)}).
     *
     * @param key   not null.
     * @param value not null.
     * @return the previous value, or null.
     */
    public static Object put(final Object key, final Object value)
    {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return ProcessOps.put(ProcessOps.self("put(key, value)"), key, value);
    }

    /**
     * @param key a key
     * @return its value in the caller's process dictionary, or null
     */
    public static Object get(final Object key)
    {
        Objects.requireNonNull(key, "key");
        return ProcessOps.get(ProcessOps.self("get(key)"), key);
    }

    /**
     * @param key a key
     * @return the value it had in the caller's process dictionary, or null
     */
    public static Object erase(final Object key)
    {
        Objects.requireNonNull(key, "key");
        return ProcessOps.erase(ProcessOps.self("erase(key)"), key);
    }

    // ---- links, exits, monitors (docs/links.md, exits.md, monitors.md) ----

    /**
     * Spawns a process linked to the caller, atomically: the link exists before the child runs.
     *
     * @param body its code.
     * @return its pid.
     */
    public static Pid spawnLink(final ProcessBody body)
    {
        Objects.requireNonNull(body, "body");
        return ProcessOps.spawn(ProcessOps.self("spawnLink(body)"), body, SpawnOptions.defaults(), true);
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
        ProcessOps.link(ProcessOps.self("link(pid)"), pid);
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
        ProcessOps.unlink(ProcessOps.self("unlink(pid)"), pid);
    }

    /**
     * Ends the caller with {@code reason} (linked processes and monitors are told).
     *
     * @param reason any object; {@link Reason#NORMAL} is a normal exit.
     */
    public static void exit(final Object reason)
    {
        Objects.requireNonNull(reason, "reason");
        ProcessOps.self("exit(reason)");
        throw ProcessOps.exit(reason);
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
        ProcessOps.exit(ProcessOps.self("exit(pid, reason)"), pid, reason);
    }

    /**
     * Turns exit signals into {@link Exit} messages (except {@link Reason#KILL}).
     *
     * @param on whether to trap.
     * @return the previous setting.
     */
    public static boolean trapExit(final boolean on)
    {
        return ProcessOps.trapExit(ProcessOps.self("trapExit(on)"), on);
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
        return ProcessOps.monitor(ProcessOps.self("monitor(pid)"), pid);
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
        return ProcessOps.demonitor(ProcessOps.self("demonitor(ref)"), ref, flush);
    }

    // ---- names (docs/names.md) ----

    /**
     * Registers the caller under {@code name}; freed when it exits.
     *
     * @param name non-empty, not taken.
     */
    public static void register(final String name)
    {
        final var pc = ProcessOps.self("register(name)");
        ProcessOps.register(pc, name, pc.process.pid);
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
        ProcessOps.register(ProcessOps.self("register(name, pid)"), name, pid);
    }

    /**
     * @param name a name
     * @return whether it was registered
     */
    public static boolean unregister(final String name)
    {
        return ProcessOps.unregister(ProcessOps.self("unregister(name)"), name);
    }

    /**
     * @param name a name
     * @return its pid, or null when unknown
     */
    public static Pid whereis(final String name)
    {
        return ProcessOps.whereis(ProcessOps.self("whereis(name)"), name);
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
        Objects.requireNonNull(message, "message");
        ProcessOps.send(ProcessOps.self("send(name, message)"), name, message);
    }

    // ---- other nodes (docs/distribution.md) ----

    /**
     * Sends to a name registered on another node ({@code {Name, Node} ! Msg}); dropped silently
     * when nobody holds it there, or the node cannot be reached.
     *
     * @param to      node and name.
     * @param message not null.
     * @throws IllegalStateException when this node has no name.
     */
    public static void send(final RemoteName to, final Object message)
    {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        Distribution.of(ProcessOps.self("send(remoteName, message)")).send(to, message);
    }

    /**
     * Asks another node who holds a name there: a round trip of at most the node's connect timeout,
     * during which this process waits as in a receive (other messages stay).
     *
     * @param name node and name.
     * @return the holder, or null when nobody holds it or the node did not answer.
     */
    public static Pid whereis(final RemoteName name)
    {
        Objects.requireNonNull(name, "name");
        final Distribution d = Distribution.of(ProcessOps.self("whereis(remoteName)"));
        return d.whereis(null, name, d.connectTimeoutNanos());
    }

    /**
     * Calls a server registered on another node: {@link #whereis(RemoteName)}, then
     * {@link #call(Pid, Object, Duration)}.
     *
     * @param name    node and name.
     * @param request the request.
     * @param timeout how long to wait for the reply.
     * @return the reply.
     * @throws CallFailedException with {@link Reason#NOPROC} when nobody holds the name.
     */
    public static Object call(final RemoteName name, final Object request, final Duration timeout)
    {
        final Pid server = whereis(name);
        if (server == null)
        {
            throw new CallFailedException("no process registered as " + name, Reason.NOPROC);
        }
        return call(server, request, timeout);
    }

    /**
     * Monitors a node (the BEAM's {@code monitor_node(Node, true)}): one {@link NodeDown} message
     * when the connection to it goes down, at once if it cannot be reached. Each call adds one.
     *
     * @param node the node's name.
     * @throws IllegalStateException when this node has no name.
     */
    public static void monitorNode(final String node)
    {
        Objects.requireNonNull(node, "node");
        final var pc = ProcessOps.self("monitorNode(node)");
        Distribution.of(pc).monitorNode(pc.process.pid, node);
    }

    /**
     * Removes one monitor of a node made by {@link #monitorNode(String)}.
     *
     * @param node the node's name.
     * @return whether one was active.
     */
    public static boolean demonitorNode(final String node)
    {
        Objects.requireNonNull(node, "node");
        final var pc = ProcessOps.self("demonitorNode(node)");
        return Distribution.of(pc).demonitorNode(pc.process.pid, node);
    }

    // ---- timers and references (docs/timers.md) ----

    /** @return a new unique reference; also a receive marker (see {@link #call}). */
    public static Ref makeRef()
    {
        return ProcessOps.makeRef(ProcessOps.self("makeRef()"));
    }

    /**
     * Sends {@code message} to {@code pid} after {@code delay}, from this scheduler's timer heap
     * (no thread per timer). The timer is dropped if {@code pid} exits first. A delay of 73 years
     * or more never fires.
     *
     * @param delay   how long.
     * @param pid     target.
     * @param message not null.
     * @return the timer.
     */
    public static TimerRef sendAfter(final Duration delay, final Pid pid, final Object message)
    {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(message, "message");
        final long nanos = Deadlines.nanos(delay, "delay");
        return ProcessOps.sendAfter(ProcessOps.self("sendAfter(delay, pid, message)"), nanos, pid, null, message);
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
        Objects.requireNonNull(message, "message");
        final long nanos = Deadlines.nanos(delay, "delay");
        return ProcessOps.sendAfter(ProcessOps.self("sendAfter(delay, name, message)"), nanos, null, name, message);
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
        ProcessOps.self("cancelTimer(timer)");
        return ProcessOps.cancelTimer(timer);
    }

    // ---- calls (docs/calls.md) ----

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
        final long nanos = Deadlines.nanos(timeout, "timeout");
        return ProcessOps.call(ProcessOps.self("call(server, request, timeout)"), server, request, nanos, timeout);
    }

    /**
     * Calls a registered server.
     *
     * @param name    registered name.
     * @param request the request.
     * @param timeout how long to wait.
     * @return the reply.
     * @throws CallFailedException with {@link Reason#NOPROC} when nobody holds the name.
     */
    public static Object call(final String name, final Object request, final Duration timeout)
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(request, "request");
        final long nanos = Deadlines.nanos(timeout, "timeout");
        return ProcessOps.call(ProcessOps.self("call(name, request, timeout)"), name, request, nanos, timeout);
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
        Objects.requireNonNull(value, "value");
        ProcessOps.reply(ProcessOps.self("reply(call, value)"), call, value);
    }
}
