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
        return () ->
        {
            S state = server.init();
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
        };
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
}
