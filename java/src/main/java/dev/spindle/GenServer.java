package dev.spindle;

import dev.spindle.internal.process.ProcessExit;

import java.time.Duration;
import java.util.Objects;

/**
 * A server process in the OTP gen_server style: state threaded through callbacks, synchronous
 * calls, asynchronous casts, other messages as info, and {@code terminate} on the way out.
 *
 * <pre>{@code
 * GenServer<Integer> counter = new GenServer<>() {
 *     public Integer init() { return 0; }
 *     public Reply<Integer> handleCall(Object req, Pid from, Integer n) { return new Reply<>(n, n); }
 *     public Integer handleCast(Object msg, Integer n) { return n + 1; }
 * };
 * Pid pid = GenServer.start(node, counter);   // or GenServer.start(counter) / startLink(counter) in a process
 * // in a process:
 * GenServer.cast(pid, "inc");
 * int now = (Integer) GenServer.call(pid, "get", Duration.ofSeconds(1));
 * }</pre>
 *
 * @param <S> the state.
 */
public interface GenServer<S>
{
    /**
     * A call's answer and the new state.
     *
     * @param value the reply (not null).
     * @param state the new state.
     * @param <S>   state type.
     */
    record Reply<S>(Object value, S state)
    {
    }

    /** A cast as the server receives it. */
    record Cast(Object message)
    {
    }

    /**
     * The request {@link #stop} sends: the server runs terminate and exits with this reason.
     *
     * @param reason the exit reason.
     */
    record Stop(Object reason)
    {
    }

    /**
     * @return the initial state.
     * @throws Exception ends the server.
     */
    S init() throws Exception;

    /**
     * @param request the request.
     * @param from    the caller.
     * @param state   current state.
     * @return the reply and new state.
     * @throws Exception ends the server (the caller gets a CallFailedException).
     */
    default Reply<S> handleCall(final Object request, final Pid from, final S state) throws Exception
    {
        throw new UnsupportedOperationException("no handleCall for " + request);
    }

    /**
     * @param message the cast.
     * @param state   current state.
     * @return the new state.
     * @throws Exception ends the server.
     */
    default S handleCast(final Object message, final S state) throws Exception
    {
        return state;
    }

    /**
     * @param message any other message (Exit, Down, timers).
     * @param state   current state.
     * @return the new state.
     * @throws Exception ends the server.
     */
    default S handleInfo(final Object message, final S state) throws Exception
    {
        return state;
    }

    /**
     * Called when the server ends (a callback threw, it was told to stop, or an exit signal ended
     * it; not after {@code kill}).
     *
     * @param reason why.
     * @param state  last state.
     */
    default void terminate(final Object reason, final S state)
    {
    }

    /**
     * @param server the callbacks.
     * @param <S>    state type.
     * @return a process body running them.
     */
    static <S> ProcessBody body(final GenServer<S> server)
    {
        Objects.requireNonNull(server, "server");
        return () -> serve(server, server.init());
    }

    /** The body of a named server: register, init, tell the starter (or why not), serve. */
    private static <S> ProcessBody body(final GenServer<S> server, final String name, final Pid starter, final Object tag)
    {
        return () ->
        {
            try
            {
                Proc.register(name);
            }
            catch (final IllegalArgumentException refused)
            {
                // The name is taken or invalid: report it and end normally, so that a starter linked
                // to this process gets the error from startLink and is not taken down by the link
                // (OTP's gen_server does the same for already_started).
                Proc.send(starter, new Object[] {tag, refused});
                return;
            }
            final S state;
            try
            {
                state = server.init();
            }
            catch (final Exception | Error e)
            {
                if (!(e instanceof ProcessExit))
                {
                    Proc.send(starter, new Object[] {tag, e});
                }
                throw e;
            }
            Proc.send(starter, tag);
            serve(server, state);
        };
    }

    private static <S> void serve(final GenServer<S> server, final S initial) throws Exception
    {
        S state = initial;
        boolean stopping = false;
        try
        {
            for (;;)
            {
                final Object m = Proc.receive();
                if (m instanceof Call call)
                {
                    final Reply<S> r = server.handleCall(call.request(), call.from(), state);
                    state = r.state();
                    Proc.reply(call, r.value());
                }
                else if (m instanceof Cast cast)
                {
                    state = server.handleCast(cast.message(), state);
                }
                else if (m instanceof Stop stop)
                {
                    stopping = true; // terminate runs here: the catches below must not run it again
                    server.terminate(stop.reason(), state);
                    Proc.exit(stop.reason());
                }
                else
                {
                    state = server.handleInfo(m, state);
                }
            }
        }
        catch (final ProcessExit exit)
        {
            if (!stopping && exit.reason() != Reason.KILLED)
            {
                server.terminate(exit.reason(), state);
            }
            throw exit;
        }
        catch (final Exception | Error e)
        {
            if (!stopping)
            {
                server.terminate(e, state);
            }
            throw e;
        }
    }

    /** How long a named start waits for the server to register and initialise. */
    Duration START_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Starts a server registered as {@code name}, from any thread (in a process too), and waits
     * until it has registered and initialised (as OTP's {@code gen_server:start({local, Name}, ...)}):
     * callers can use the name as soon as this returns.
     *
     * @param node   the node.
     * @param name   the name to register.
     * @param server the callbacks.
     * @param <S>    state type.
     * @return its pid.
     * @throws IllegalArgumentException when the name is taken (the message names the holder).
     * @throws CallFailedException      when {@code init} failed (the reason is its exception).
     * @throws CallTimeoutException     when it did not initialise within {@link #START_TIMEOUT}
     *                                  (the server is then killed).
     */
    static <S> Pid start(final Node node, final String name, final GenServer<S> server)
    {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(server, "server");
        if (Proc.inProcess())
        {
            return startNamed(name, server, false);
        }
        try (Inbox inbox = node.inbox())
        {
            final Object tag = new Object();
            final Pid pid = node.spawn(body(server, name, inbox.pid(), tag));
            final Ref ref = inbox.monitor(pid);
            final Object r = inbox.receive(m -> m == tag || (m instanceof Object[] a && a.length == 2 && a[0] == tag) ||
                (m instanceof Down d && d.ref().equals(ref)), START_TIMEOUT);
            return started(pid, name, r, () -> node.exit(pid, Reason.KILL));
        }
    }

    /**
     * In a process: starts a server registered as {@code name} and waits until it has registered
     * and initialised (see {@link #start(Node, String, GenServer)}).
     *
     * @param name   the name.
     * @param server the callbacks.
     * @param <S>    state type.
     * @return its pid.
     */
    static <S> Pid start(final String name, final GenServer<S> server)
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(server, "server");
        return startNamed(name, server, false);
    }

    /**
     * In a process: as {@link #start(String, GenServer)}, linked to the caller. A name that is taken
     * or invalid is an {@link IllegalArgumentException} here, not an exit signal: the refused server
     * ends normally, so the link does not take the caller down (as OTP's {@code already_started}).
     *
     * @param name   the name.
     * @param server the callbacks.
     * @param <S>    state type.
     * @return its pid.
     * @throws IllegalArgumentException when the name is taken (the message names the holder) or invalid.
     */
    static <S> Pid startLink(final String name, final GenServer<S> server)
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(server, "server");
        return startNamed(name, server, true);
    }

    private static <S> Pid startNamed(final String name, final GenServer<S> server, final boolean link)
    {
        final Object tag = new Object();
        final ProcessBody body = body(server, name, Proc.self(), tag);
        final Pid pid;
        final Ref ref;
        if (link)
        {
            pid = Proc.spawnLink(body);
            ref = Proc.monitor(pid);
        }
        else
        {
            final MonitoredPid m = Proc.spawnMonitor(body);
            pid = m.pid();
            ref = m.ref();
        }
        final Object r = Proc.receive(m -> m == tag || (m instanceof Object[] a && a.length == 2 && a[0] == tag) ||
            (m instanceof Down d && d.ref().equals(ref)), START_TIMEOUT);
        try
        {
            return started(pid, name, r, () -> Proc.exit(pid, Reason.KILL));
        }
        finally
        {
            Proc.demonitor(ref, true);
        }
    }

    private static Pid started(final Pid pid, final String name, final Object answer, final Runnable kill)
    {
        if (answer instanceof Object[] a)
        {
            final Object failure = a[1];
            if (failure instanceof IllegalArgumentException taken)
            {
                throw new IllegalArgumentException("cannot start server '" + name + "': " + taken.getMessage(), taken);
            }
            throw new CallFailedException("server '" + name + "' failed in init: " + failure, failure);
        }
        if (answer instanceof Down d)
        {
            throw new CallFailedException("server '" + name + "' exited during init: " + d.reason(), d.reason());
        }
        if (answer == null)
        {
            kill.run();
            throw new CallTimeoutException("server '" + name + "' did not initialise within " + START_TIMEOUT);
        }
        return pid;
    }

    /**
     * Starts a server from outside a process (or from any thread).
     *
     * @param node   the node.
     * @param server the callbacks.
     * @param <S>    state type.
     * @return its pid.
     */
    static <S> Pid start(final Node node, final GenServer<S> server)
    {
        return Objects.requireNonNull(node, "node").spawn(body(server));
    }

    /**
     * In a process: starts a server (not linked).
     *
     * @param server the callbacks.
     * @param <S>    state type.
     * @return its pid.
     */
    static <S> Pid start(final GenServer<S> server)
    {
        return Proc.spawn(body(server));
    }

    /**
     * In a process: starts a server linked to the caller (as a supervisor's child would be).
     *
     * @param server the callbacks.
     * @param <S>    state type.
     * @return its pid.
     */
    static <S> Pid startLink(final GenServer<S> server)
    {
        return Proc.spawnLink(body(server));
    }

    /**
     * In a process: stops a server in order: it runs {@code terminate(reason, state)} and exits
     * with {@code reason}; this waits for that exit.
     *
     * @param server  the server.
     * @param reason  the exit reason.
     * @param timeout how long to wait for it to exit.
     * @throws CallTimeoutException when it has not exited in time.
     * @throws CallFailedException  when it exited with another reason first, or was not alive.
     */
    static void stop(final Pid server, final Object reason, final Duration timeout)
    {
        Objects.requireNonNull(reason, "reason");
        final Ref ref = Proc.monitor(server);
        try
        {
            Proc.send(server, new Stop(reason));
        }
        catch (final RuntimeException e)
        {
            Proc.demonitor(ref, true); // refused (the message check): leave no monitor behind
            throw e;
        }
        final Object m = Proc.receive(x -> x instanceof Down d && d.ref().equals(ref), timeout);
        if (m == null)
        {
            Proc.demonitor(ref, true);
            throw new CallTimeoutException("server " + server + " did not stop within " + timeout);
        }
        final Object got = ((Down)m).reason();
        if (got != reason && !got.equals(reason))
        {
            throw new CallFailedException("server " + server + " exited: " + got, got);
        }
    }

    /**
     * In a process: a synchronous call.
     *
     * @param server  the server.
     * @param request the request.
     * @param timeout how long to wait.
     * @return the reply.
     */
    static Object call(final Pid server, final Object request, final Duration timeout)
    {
        return Proc.call(server, request, timeout);
    }

    /**
     * In a process: an asynchronous request.
     *
     * @param server  the server.
     * @param message the message.
     */
    static void cast(final Pid server, final Object message)
    {
        Proc.send(server, new Cast(Objects.requireNonNull(message, "message")));
    }

    /**
     * In a process: calls a server by its registered name.
     *
     * @param name    the name.
     * @param request the request.
     * @param timeout how long to wait.
     * @return the reply.
     * @throws CallFailedException with {@link Reason#NOPROC} when nobody holds the name.
     */
    static Object call(final String name, final Object request, final Duration timeout)
    {
        return Proc.call(name, request, timeout);
    }

    /**
     * In a process: casts to a server by its registered name.
     *
     * @param name    the name.
     * @param message the message.
     * @throws IllegalArgumentException when nobody holds the name.
     */
    static void cast(final String name, final Object message)
    {
        Proc.send(name, new Cast(Objects.requireNonNull(message, "message")));
    }
}
