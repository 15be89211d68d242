package dev.spindle.internal.signals;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static dev.spindle.testing.InProcess.*;
import static org.junit.jupiter.api.Assertions.*;

/** Registered names, with the rules of OTP's process_SUITE bad_register. */
class RegistryTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void badRegistrationsThrow(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final List<String> out = new ArrayList<>();
            final Pid other = sleeper();
            Proc.register("taken");
            final Pid dead = Proc.spawn(() -> { });
            reasonOf(dead);
            final Runnable[] bad = {
                () -> Proc.register("taken", other),       // name taken
                () -> Proc.register("second"),              // the caller already has a name
                () -> Proc.register("ghost", dead),         // dead pid
                () -> Proc.register(""),                    // empty
                () -> Proc.register(null, other),           // null
                () -> Proc.send("nobody", "x"),             // unknown name
            };
            for (final Runnable b : bad)
            {
                try
                {
                    b.run();
                    out.add("accepted");
                }
                catch (final IllegalArgumentException e)
                {
                    out.add(e.getMessage().contains("nobody") ? e.getMessage() : "rejected");
                }
            }
            out.add(String.valueOf(Proc.whereis("ghost")));
            out.add(String.valueOf(Proc.unregister("taken")));
            out.add(String.valueOf(Proc.unregister("taken")));
            Proc.register("taken", other); // free again: anyone may take it
            out.add(String.valueOf(other.equals(Proc.whereis("taken"))));
            Proc.exit(other, Reason.KILL);
            return out;
        });
        assertEquals(List.of("rejected", "rejected", "rejected", "rejected", "rejected",
            "no process registered as 'nobody'", "null", "true", "false", "true"), r);
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void namesResolveFromProcessesAndThreadsAndAreFreedOnExit(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid p = node.spawn(() ->
            {
                Proc.register("echo");
                for (;;)
                {
                    final Object m = Proc.receive();
                    if ("stop".equals(m))
                    {
                        Proc.exit("stopped");
                    }
                    Proc.send((Pid)m, "echo:" + Proc.self());
                }
            });
            await(() -> node.whereis("echo") != null, "registration");
            node.send("echo", inbox.pid());
            assertEquals("echo:" + p, inbox.receive(T));
            assertEquals("echo:" + p, inProcess(node, inbox, () ->
            {
                Proc.send("echo", Proc.self());
                return Proc.receive(T);
            }));
            assertEquals("echo", node.info(p).registeredName());
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> node.send("nobody", "x"));
            assertEquals("no process registered as 'nobody'", e.getMessage());
            node.send("echo", "stop");
            await(() -> node.whereis("echo") == null, "the name freed at exit");
            inProcess(node, inbox, () ->
            {
                Proc.register("echo"); // reusable once freed
                return "ok";
            });
        }
    }

    /** Many processes race for one name: exactly one wins, and whereis names the winner. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void oneWinnerPerName(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid me = Proc.self();
            final int n = 200;
            for (int i = 0; i < n; i++)
            {
                Proc.spawn(() ->
                {
                    boolean won;
                    try
                    {
                        Proc.register("contested");
                        won = true;
                    }
                    catch (final IllegalArgumentException e)
                    {
                        won = false;
                    }
                    Proc.send(me, won ? Proc.self() : "lost");
                    Proc.receive(m -> false);
                });
            }
            Pid winner = null;
            int wins = 0;
            for (int i = 0; i < n; i++)
            {
                final Object m = Proc.receive(T);
                if (m instanceof Pid p)
                {
                    winner = p;
                    wins++;
                }
            }
            return wins + " " + (winner != null && winner.equals(Proc.whereis("contested")));
        });
        assertEquals("1 true", r);
    }
}
