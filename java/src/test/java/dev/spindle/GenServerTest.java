package dev.spindle;

import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.spindle.testing.InProcess.*;
import static org.junit.jupiter.api.Assertions.*;

/** The GenServer behaviour: init, calls, casts, info, terminate, start/startLink/stop. */
class GenServerTest
{
    /** A list server that records every callback in {@code log}. */
    private static GenServer<List<Object>> recorder(final List<String> log)
    {
        return new GenServer<>()
        {
            @Override
            public List<Object> init()
            {
                log.add("init");
                return new ArrayList<>();
            }

            @Override
            public Reply<List<Object>> handleCall(final Object request, final Pid from, final List<Object> state)
            {
                if ("fail".equals(request))
                {
                    throw new IllegalStateException("call failed");
                }
                return new Reply<>(List.copyOf(state), state);
            }

            @Override
            public List<Object> handleCast(final Object message, final List<Object> state)
            {
                state.add(message);
                return state;
            }

            @Override
            public List<Object> handleInfo(final Object message, final List<Object> state)
            {
                state.add("info:" + (message instanceof Down d ? "down " + d.reason() : message));
                return state;
            }

            @Override
            public void terminate(final Object reason, final List<Object> state)
            {
                log.add("terminate " + (reason instanceof Throwable t ? t.getMessage() : reason) + " " + state.size());
            }
        };
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void callsCastsInfoInOrderAndStop(final RunQueues kind) throws Exception
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid server = GenServer.start(node, recorder(log));
            final Object r = inProcess(node, inbox, () ->
            {
                GenServer.cast(server, "a");
                Proc.send(server, "plain");
                GenServer.cast(server, "b");
                final Pid dying = Proc.spawn(() -> Proc.exit("watched"));
                Proc.sendAfter(Duration.ofMillis(1), server, "timer"); // info, like any message
                Proc.receive(Duration.ofMillis(20));
                final Object state = GenServer.call(server, "get", T);
                GenServer.stop(server, "done", T);
                return state + " " + dying.equals(dying);
            });
            assertEquals("[a, info:plain, b, info:timer] true", r);
            assertEquals(List.of("init", "terminate done 4"), log);
        }
    }

    /** A failing callback ends the server: terminate runs with the Throwable, the caller gets CallFailedException. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void failingCallbackEndsTheServer(final RunQueues kind) throws Exception
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid server = GenServer.start(recorder(log));
            try
            {
                GenServer.call(server, "fail", T);
                return "answered";
            }
            catch (final CallFailedException e)
            {
                return ((Throwable)e.reason()).getMessage();
            }
        });
        assertEquals("call failed", r);
        assertEquals(List.of("init", "terminate call failed 0"), log);
    }

    /** startLink ties the server to its starter; an exit signal runs terminate; kill does not. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void linkedServersAndExitSignals(final RunQueues kind) throws Exception
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        final Object r = inProcess(kind, 2, () ->
        {
            Proc.trapExit(true);
            final Pid a = GenServer.startLink(recorder(log));
            Proc.exit(a, "told");
            final Object ra = exitFrom(a, T).reason();
            final Pid b = GenServer.startLink(recorder(log));
            Proc.exit(b, Reason.KILL);
            final Object rb = exitFrom(b, T).reason();
            return ra + " " + rb;
        });
        assertEquals("told killed", r);
        assertEquals(List.of("init", "terminate told 0", "init"), log);
    }
}
