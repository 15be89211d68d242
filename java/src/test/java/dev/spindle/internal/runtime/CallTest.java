package dev.spindle.internal.runtime;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.spindle.testing.InProcess.*;
import static org.junit.jupiter.api.Assertions.*;

/** Proc.call and Proc.reply: replies matched by ref, clear failures, no monitors left behind. */
class CallTest
{
    private static Pid server()
    {
        return server("server");
    }

    private static Pid server(final String name)
    {
        return Proc.spawn(() ->
        {
            if (name != null)
            {
                Proc.register(name);
            }
            for (;;)
            {
                final Call c = (Call)Proc.receive();
                switch (c.request())
                {
                    case Integer i -> Proc.reply(c, i * 2);
                    case Pid other -> Proc.reply(c, Proc.call(other, 21, T)); // a call from inside a call
                    case String str when str.equals("crash") -> throw new IllegalStateException("crashed on request");
                    case String str when str.equals("stop") -> Proc.exit("stopped");
                    default ->
                    {
                        // no answer
                    }
                }
            }
        });
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void outcomes(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final List<Object> out = new ArrayList<>();
            final Pid s = server();
            out.add(Proc.call(s, 5, T));
            out.add(Proc.call("server", 6, T));
            out.add(Proc.call(s, server(null), T)); // a server that calls another while serving
            try
            {
                Proc.call(s, "silence", Duration.ofMillis(30));
            }
            catch (final CallTimeoutException e)
            {
                out.add("timeout");
            }
            try
            {
                Proc.call(s, "stop", T);
            }
            catch (final CallFailedException e)
            {
                out.add(e.getMessage().equals("server " + s + " exited: stopped") + " " + e.reason());
            }
            try
            {
                Proc.call(s, 1, T);
            }
            catch (final CallFailedException e)
            {
                out.add(e.reason());
            }
            try
            {
                Proc.call("server", 1, T);
            }
            catch (final CallFailedException e)
            {
                out.add(e.getMessage() + " " + e.reason());
            }
            return out;
        });
        assertEquals(List.of(10, 12, 42, "timeout", "true stopped", Reason.NOPROC, "no process registered as 'server' noproc"), r);
    }

    /** A crash while serving fails exactly the callers it had, with the Throwable as reason. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aCrashFailsTheCaller(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid s = server();
            try
            {
                Proc.call(s, "crash", T);
                return "no failure";
            }
            catch (final CallFailedException e)
            {
                return e.reason().getClass().getSimpleName() + " " + e.getMessage().startsWith("server " + s + " exited: ");
            }
        });
        assertEquals("IllegalStateException true", r);
    }

    /** Many concurrent callers: every one gets its own answer; the server holds no monitors afterwards. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void concurrentCallersAndNoLeftoverMonitors(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Object r = inProcess(node, inbox, () ->
            {
                final Pid s = server();
                final Pid me = Proc.self();
                final int clients = 100;
                for (int c = 0; c < clients; c++)
                {
                    final int base = c * 1_000;
                    Proc.spawn(() ->
                    {
                        int wrong = 0;
                        for (int i = 0; i < 100; i++)
                        {
                            wrong += ((Integer)Proc.call(s, base + i, T)) == 2 * (base + i) ? 0 : 1;
                        }
                        Proc.send(me, wrong);
                    });
                }
                int wrong = 0;
                for (int c = 0; c < clients; c++)
                {
                    wrong += (Integer)Proc.receive(T);
                }
                return wrong + " " + node.info(Proc.self()).monitors().size() + " " + s;
            });
            final String[] parts = ((String)r).split(" ");
            assertEquals("0", parts[0]);
            assertEquals("0", parts[1]);
            final Pid server = node.whereis("server");
            await(() -> node.info(server).monitoredBy().isEmpty(), "the server forgets finished callers' monitors");
        }
    }
}
