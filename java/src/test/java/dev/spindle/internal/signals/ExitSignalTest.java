package dev.spindle.internal.signals;

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

/** Ports the intent of OTP's process_SUITE exit cases (and signal_SUITE kill2killed). */
class ExitSignalTest
{
    /** process_SUITE t_exit_2_other_normal: exit(Other, normal) does not end a non-trapping process. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void normalFromAnotherProcessIsIgnored(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid echo = Proc.spawn(() ->
            {
                for (;;)
                {
                    final Call c = (Call)Proc.receive();
                    Proc.reply(c, "alive");
                }
            });
            final Ref mon = Proc.monitor(echo);
            Proc.exit(echo, Reason.NORMAL);
            final Object answer = Proc.call(echo, "ping", T); // handled after the signal: still alive
            Proc.exit(echo, "other");
            return answer + " " + down(mon).reason();
        });
        assertEquals("alive other", r);
    }

    /** process_SUITE normal_suicide_exit and self_exit: exit(self(), R) ends the caller with R, normal included. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void exitToSelfEndsTheCaller(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid me = Proc.self();
            final List<Object> out = new ArrayList<>();
            for (final Object reason : new Object[] {Reason.NORMAL, "suicide"})
            {
                final Pid p = Proc.spawn(() ->
                {
                    Proc.receive(); // wait for "go" so the monitor is in place
                    Proc.exit(Proc.self(), reason);
                    Proc.send(me, "survived " + reason); // the send's own check ends it, at the latest
                    Proc.send(me, "survived twice " + reason);
                });
                final Ref ref = Proc.monitor(p);
                Proc.send(p, "go");
                out.add(down(ref).reason());
            }
            out.add(Proc.receive(m -> m instanceof String s && s.startsWith("survived twice"), Duration.ofMillis(100)));
            return out;
        });
        final List<Object> expected = new ArrayList<>(List.of(Reason.NORMAL, "suicide"));
        expected.add(null);
        assertEquals(expected, r);
    }

    /** Proc.exit(reason) ends the caller; a normal one does not take its (non-trapping) links with it. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void exitEndsTheCallerAndNormalSparesItsLinks(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid partner = sleeper();
            final Ref partnerMon = Proc.monitor(partner);
            final Pid quitter = Proc.spawn(() ->
            {
                Proc.receive(); // "go", once monitored
                Proc.link(partner);
                Proc.exit(Reason.NORMAL);
            });
            final Ref quitMon = Proc.monitor(quitter);
            Proc.send(quitter, "go");
            final Object quitReason = down(quitMon).reason();
            final boolean partnerAlive = down(partnerMon, Duration.ofMillis(100)) == null;
            final Pid crasher = Proc.spawn(() ->
            {
                Proc.link(partner);
                Proc.exit("crash");
            });
            return quitReason + " " + partnerAlive + " " + down(partnerMon).reason() + " " + reasonOf(crasher);
        });
        assertEquals("normal true crash noproc", r);
    }

    /** process_SUITE exit_and_timeout: a process waiting in a receive with a timeout dies at once when told. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void aWaitingProcessIsWokenToDie(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid me = Proc.self();
            final Pid timed = Proc.spawn(() ->
            {
                Proc.receive(m -> false, Duration.ofSeconds(60));
                Proc.send(me, "the receive returned");
            });
            final Pid untimed = Proc.spawn(() ->
            {
                Proc.receive(m -> false);
                Proc.send(me, "the receive returned");
            });
            final Ref m1 = Proc.monitor(timed);
            final Ref m2 = Proc.monitor(untimed);
            Proc.receive(Duration.ofMillis(20)); // let both block
            Proc.exit(timed, "bye");
            Proc.exit(untimed, Reason.KILL);
            return down(m1).reason() + " " + down(m2).reason() + " " +
                Proc.receive(m -> m instanceof String, Duration.ofMillis(100));
        });
        assertEquals("bye killed null", r);
    }

    /** kill is untrappable: the victim exits killed, and its links see killed. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void killCannotBeTrapped(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            Proc.trapExit(true);
            final Pid victim = Proc.spawnLink(() ->
            {
                Proc.trapExit(true);
                for (;;)
                {
                    Proc.receive(); // would turn any trappable signal into a message
                }
            });
            Proc.exit(victim, "trappable");
            Proc.exit(victim, Reason.KILL);
            return exitFrom(victim, T).reason();
        });
        assertEquals(Reason.KILLED, r);
    }

    /**
     * signal_SUITE kill2killed: a process that exits with reason kill sends kill through its
     * links, where it is an ordinary reason: a trapping partner gets Exit(kill), a non-trapping one
     * dies with kill (not killed).
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void killThroughALinkIsNotConverted(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            Proc.trapExit(true);
            final Pid me = Proc.self();
            final Pid middle = Proc.spawnLink(() ->
            {
                final Pid last = Proc.spawnLink(() -> Proc.receive(m -> false));
                Proc.send(me, last);
                Proc.receive(m -> false);
            });
            final Pid last = (Pid)Proc.receive(m -> m instanceof Pid, T);
            final Ref lastMon = Proc.monitor(last);
            final Pid killer = Proc.spawn(() ->
            {
                Proc.link(middle);
                Proc.exit(Reason.KILL);
            });
            final Exit e = exitFrom(middle, T);
            return e.reason() + " " + down(lastMon).reason() + " " + reasonOf(killer);
        });
        // middle died with kill through the link (not killed), and passed kill on to last
        assertEquals("kill kill noproc", r);
    }

    /** Trapping turns every exit signal but kill into an Exit message; trapExit returns the old value. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void trappingTurnsSignalsIntoMessages(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final List<Object> out = new ArrayList<>();
            out.add(Proc.trapExit(true));
            out.add(Proc.trapExit(true));
            final Pid me = Proc.self();
            final Pid other = Proc.spawn(() ->
            {
                Proc.exit(me, Reason.NORMAL);
                Proc.exit(me, "custom");
            });
            out.add(Proc.receive(T));
            out.add(Proc.receive(T));
            Proc.exit(me, Reason.NORMAL); // to self while trapping: a message too
            out.add(Proc.receive(T));
            out.add(Proc.trapExit(false));
            out.add(other.equals(((Exit)out.get(2)).from()));
            return out;
        });
        final List<?> out = (List<?>)r;
        assertEquals(7, out.size(), String.valueOf(r));
        assertEquals(false, out.get(0));
        assertEquals(true, out.get(1));
        assertEquals(Reason.NORMAL, ((Exit)out.get(2)).reason());
        assertEquals("custom", ((Exit)out.get(3)).reason());
        assertEquals(Reason.NORMAL, ((Exit)out.get(4)).reason());
        assertEquals(true, out.get(5));
        assertEquals(true, out.get(6));
    }

    /** An uncaught exception's reason is the Throwable; catch (Exception) in process code does not stop an exit. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void reasonsOfThrowablesAndExitsThatCodeCannotSwallow(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final IllegalStateException boom = new IllegalStateException("boom");
            final Pid thrower = Proc.spawn(() ->
            {
                Proc.receive();
                throw boom;
            });
            final Ref tm = Proc.monitor(thrower);
            Proc.send(thrower, "go");
            final Object thrown = down(tm).reason();
            final Pid stubborn = Proc.spawn(() ->
            {
                for (;;)
                {
                    try
                    {
                        Proc.receive();
                    }
                    catch (final Exception e)
                    {
                        // ordinary error handling must not swallow an exit
                    }
                }
            });
            final Ref sm = Proc.monitor(stubborn);
            Proc.exit(stubborn, "stop");
            return (thrown == boom) + " " + down(sm).reason();
        });
        assertEquals("true stop", r);
    }

    /** A process that only sends, or only yields, still obeys an exit signal at its next Spindle call. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void processesThatNeverReceiveCanBeKilled(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid sink = Proc.spawn(() ->
            {
                for (;;)
                {
                    Proc.receive();
                }
            });
            final Pid sender = Proc.spawn(() ->
            {
                for (;;)
                {
                    Proc.send(sink, "x");
                }
            });
            final Pid yielder = Proc.spawn(() ->
            {
                for (;;)
                {
                    Proc.yield();
                }
            });
            final Pid spawner = Proc.spawn(() ->
            {
                for (;;)
                {
                    Proc.spawn(() -> { });
                }
            });
            final Ref a = Proc.monitor(sender);
            final Ref b = Proc.monitor(yielder);
            final Ref c = Proc.monitor(spawner);
            Proc.exit(sender, "s");
            Proc.exit(yielder, Reason.KILL);
            Proc.exit(spawner, "p");
            final String out = down(a).reason() + " " + down(b).reason() + " " + down(c).reason();
            Proc.exit(sink, Reason.KILL);
            return out;
        });
        assertEquals("s killed p", r);
    }
}
