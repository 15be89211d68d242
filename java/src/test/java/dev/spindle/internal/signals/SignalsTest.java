package dev.spindle.internal.signals;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Ports the intent of OTP's process_SUITE exit cases, erl_link_SUITE, monitor_SUITE and signal_SUITE ordering. */
class SignalsTest
{
    private static final Duration T = Duration.ofSeconds(10);

    /** A test body run in a process; what it returns is the test's result. */
    interface Body
    {
        Object run() throws Exception;
    }

    private static Object run(final RunQueues kind, final Body body) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                Object result;
                try
                {
                    result = body.run();
                }
                catch (final Throwable t)
                {
                    result = "test process failed: " + t;
                }
                Proc.send(inbox.pid(), result);
            });
            return inbox.receive(T);
        }
    }

    private static Pid waiter()
    {
        return Proc.spawn(() ->
        {
            Proc.receive(m -> m.equals("never"));
        });
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void linkedProcessDeathKillsANonTrappingPartnerAndIsAnExitForATrappingOne(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                Proc.trapExit(true);
                final Pid middle = Proc.spawnLink(() ->
                {
                    Proc.spawnLink(() -> Proc.exit("boom")); // dies: kills middle, not trapping
                    Proc.receive();
                });
                final Exit e = (Exit)Proc.receive(m -> m instanceof Exit);
                Proc.send(inbox.pid(), e.from().equals(middle) + " " + e.reason());
            });
            assertEquals("true boom", inbox.receive(T));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void exitSignalRules(final RunQueues kind) throws Exception
    {
        final Object r = run(kind, () ->
        {
            final Pid me = Proc.self();
            final List<String> out = new ArrayList<>();
            // normal from another process is ignored by a non-trapping process
            final Pid a = waiter();
            final Ref ma = Proc.monitor(a);
            Proc.exit(a, Reason.NORMAL);
            out.add(Proc.receive(m -> m instanceof Down d && d.ref().equals(ma), Duration.ofMillis(200)) == null ? "normal-ignored" : "normal-killed");
            // any other reason kills it
            Proc.exit(a, "bye");
            out.add(((Down)Proc.receive(m -> m instanceof Down d && d.ref().equals(ma), T)).reason().toString());
            // kill cannot be trapped: the victim dies killed
            final Pid b = Proc.spawn(() ->
            {
                Proc.trapExit(true);
                Proc.receive(m -> m.equals("never"));
            });
            final Ref mb = Proc.monitor(b);
            Proc.exit(b, Reason.KILL);
            out.add(((Down)Proc.receive(m -> m instanceof Down d && d.ref().equals(mb), T)).reason().toString());
            // a trapping process gets exit signals as Exit messages, normal included
            final Pid c = Proc.spawn(() ->
            {
                Proc.trapExit(true);
                final Exit e1 = (Exit)Proc.receive();
                final Exit e2 = (Exit)Proc.receive();
                Proc.send(me, e1.reason() + "," + e2.reason());
            });
            Proc.exit(c, Reason.NORMAL);
            Proc.exit(c, "x");
            out.add((String)Proc.receive(m -> m instanceof String, T));
            // exit(self, normal) ends the caller
            final Pid d = Proc.spawn(() ->
            {
                Proc.exit(Proc.self(), Reason.NORMAL);
                Proc.receive(Duration.ofMillis(10));
                Proc.send(me, "still alive");
            });
            final Ref md = Proc.monitor(d);
            out.add(((Down)Proc.receive(m -> (m instanceof Down dd && dd.ref().equals(md)) || m.equals("still alive"), T)).reason().toString());
            // a kill arriving through a link is not converted
            final Pid e = Proc.spawn(() ->
            {
                Proc.trapExit(true);
                final Pid killer = Proc.spawnLink(() -> Proc.exit(Reason.KILL));
                final Exit ex = (Exit)Proc.receive(m -> m instanceof Exit);
                Proc.send(me, "via-link:" + ex.reason());
            });
            out.add((String)Proc.receive(m -> m instanceof String s && s.startsWith("via-link"), T));
            // an uncaught exception's reason is the Throwable
            final Pid f = Proc.spawn(() ->
            {
                Proc.receive();
                throw new IllegalStateException("oops");
            });
            final Ref mf = Proc.monitor(f);
            Proc.send(f, "go");
            final Object fr = ((Down)Proc.receive(m -> m instanceof Down dd && dd.ref().equals(mf), T)).reason();
            out.add(fr instanceof IllegalStateException ? "throwable" : String.valueOf(fr));
            return out;
        });
        assertEquals(List.of("normal-ignored", "bye", "killed", "normal,x", "normal", "via-link:kill", "throwable"), r);
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void linkRules(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            node.spawn(() ->
            {
                Proc.trapExit(true);
                final Pid me = Proc.self();
                Proc.link(me); // self: nothing
                final Pid other = Proc.spawn(() -> Proc.receive());
                Proc.link(other);
                Proc.link(other); // twice: one link
                final ProcessInfo info = node.info(me);
                // linking to a dead process gives noproc
                final Pid dead = Proc.spawn(() -> { });
                final Ref md = Proc.monitor(dead);
                Proc.receive(m -> m instanceof Down d && d.ref().equals(md));
                Proc.link(dead);
                final Exit noproc = (Exit)Proc.receive(m -> m instanceof Exit, T);
                // unlink: the other's death no longer reaches us
                Proc.unlink(other);
                Proc.send(other, "die");
                final Object late = Proc.receive(m -> m instanceof Exit e && e.from().equals(other), Duration.ofMillis(200));
                Proc.send(inbox.pid(), info.links() + " " + noproc.reason() + " " + (late == null));
            });
            final String r = (String)inbox.receive(T);
            assertTrue(r.matches("\\[<[0-9.]+>\\] noproc true"), r);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void monitorRules(final RunQueues kind) throws Exception
    {
        final Object r = run(kind, () ->
        {
            final Pid me = Proc.self();
            final List<Object> out = new ArrayList<>();
            final Pid t = waiter();
            final Ref r1 = Proc.monitor(t);
            final Ref r2 = Proc.monitor(t);
            out.add(!r1.equals(r2));                       // independent monitors
            out.add(Proc.demonitor(r2));                   // active
            Proc.exit(t, "gone");
            final Down d1 = (Down)Proc.receive(m -> m instanceof Down, T);
            out.add(d1.ref().equals(r1) && d1.reason().equals("gone"));
            out.add(Proc.receive(m -> m instanceof Down, Duration.ofMillis(200)) == null); // none for r2
            final Ref r3 = Proc.monitor(t);                // t is dead: immediate noproc
            out.add(((Down)Proc.receive(m -> m instanceof Down d && d.ref().equals(r3), T)).reason());
            final Pid u = waiter();
            final Ref r4 = Proc.monitor(u);
            Proc.exit(u, "x");
            Proc.receive(Duration.ofMillis(100));          // let the Down arrive
            out.add(Proc.demonitor(r4, true));             // flush removes it
            out.add(Proc.receive(m -> m instanceof Down, Duration.ofMillis(100)) == null);
            return out;
        });
        assertEquals(List.of(true, true, true, true, Reason.NOPROC, false, true), r);
    }

    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void signalsNeverOvertakeMessagesFromTheSameSender(final RunQueues kind) throws Exception
    {
        final Object r = run(kind, () ->
        {
            final Pid me = Proc.self();
            Proc.trapExit(true);
            final Pid sender = Proc.spawnLink(() ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    Proc.send(me, i);
                }
                Proc.exit("done-sending");
            });
            final Ref mon = Proc.monitor(sender);
            int expected = 0;
            boolean exitSeen = false;
            boolean downSeen = false;
            for (;;)
            {
                final Object m = Proc.receive(T);
                if (m instanceof Integer i)
                {
                    if (i != expected || exitSeen || downSeen)
                    {
                        return "out of order at " + i;
                    }
                    expected++;
                }
                else if (m instanceof Exit e)
                {
                    exitSeen = true;
                }
                else if (m instanceof Down d && d.ref().equals(mon))
                {
                    downSeen = true;
                }
                else if (m == null)
                {
                    return "timeout after " + expected;
                }
                if (exitSeen && downSeen)
                {
                    return expected == 10_000 ? "ordered" : "lost " + (10_000 - expected);
                }
            }
        });
        assertEquals("ordered", r);
    }
}
