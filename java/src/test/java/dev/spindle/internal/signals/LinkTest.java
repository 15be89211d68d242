package dev.spindle.internal.signals;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.spindle.testing.InProcess.*;
import static org.junit.jupiter.api.Assertions.*;

/** Ports the intent of OTP's erl_link_SUITE (links, otp_5772) and signal_SUITE unlink_exit. */
class LinkTest
{
    /** erl_link_SUITE links: a link is bidirectional, whichever side exits first. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void linksAreBidirectional(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            Proc.trapExit(true);
            // the child exits: the parent is told
            final Pid child = Proc.spawnLink(() -> Proc.exit("child-died"));
            final String first = String.valueOf(exitFrom(child, T).reason());
            // the other side exits: the process it linked to is taken down with it
            final Pid watcher = Proc.self();
            final Pid victim = sleeper();
            final Ref victimMon = Proc.monitor(victim);
            final Pid linker = Proc.spawn(() ->
            {
                Proc.link(victim);
                Proc.send(watcher, "linked");
                Proc.receive();
                Proc.exit("linker-died");
            });
            Proc.receive(m -> m.equals("linked"), T);
            Proc.send(linker, "go");
            return first + " " + down(victimMon).reason();
        });
        assertEquals("child-died linker-died", r);
    }

    /** At most one link per pair, linking to self does nothing, node.info shows links on both sides. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void oneLinkPerPairAndNoneToSelf(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Object r = inProcess(node, inbox, () ->
            {
                final Pid me = Proc.self();
                final Pid other = sleeper();
                Proc.link(me);
                Proc.link(other);
                Proc.link(other);
                Proc.call(Proc.spawn(() -> Proc.reply((Call)Proc.receive(), "ok")), "sync", T);
                final Map<String, Object> out = new HashMap<>();
                out.put("mine", node.info(me).links());
                // the link signal reaches other through its mailbox; wait until it has handled it
                final long deadline = System.nanoTime() + T.toNanos();
                while (node.info(other).links().isEmpty() && System.nanoTime() < deadline)
                {
                    Proc.receive(Duration.ofMillis(1));
                }
                out.put("theirs", node.info(other).links());
                Proc.unlink(other);
                Proc.unlink(other); // unlinking what is not linked is fine
                out.put("after", node.info(me).links());
                out.put("other", other);
                out.put("me", me);
                return out;
            });
            final Map<?, ?> out = (Map<?, ?>)r;
            assertEquals(List.of(out.get("other")), out.get("mine"));
            assertEquals(List.of(out.get("me")), out.get("theirs"));
            assertEquals(List.of(), out.get("after"));
        }
    }

    /** Linking to a dead process: a trapping caller gets Exit(noproc), a non-trapping one dies with noproc. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void linkToADeadProcessGivesNoproc(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid dead = Proc.spawn(() -> { });
            reasonOf(dead); // normal, or noproc if it was already gone: dead either way
            Proc.trapExit(true);
            Proc.link(dead);
            final Exit e = exitFrom(dead, T);
            final Pid nonTrapping = Proc.spawn(() ->
            {
                Proc.receive();
                Proc.link(dead);
                Proc.receive(m -> false);
            });
            final Ref mon = Proc.monitor(nonTrapping);
            Proc.send(nonTrapping, "go");
            return e.reason() + " " + down(mon).reason();
        });
        assertEquals("noproc noproc", r);
    }

    /**
     * signal_SUITE unlink_exit: after unlink returns, an exit signal from the old link has no
     * effect, even when the partner dies right after (one scheduler: the partner cannot run
     * before the unlink).
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void unlinkStopsExitSignalsFromTheLink(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 1, () ->
        {
            final List<Object> out = new ArrayList<>();
            // non-trapping: the partner's crash does not reach us
            final Pid a = Proc.spawnLink(() ->
            {
                Proc.receive();
                throw new IllegalStateException("a crashed");
            });
            Proc.send(a, "die");
            Proc.unlink(a);
            out.add(reasonOf(a) instanceof IllegalStateException || Reason.NOPROC.equals(reasonOf(a)));
            // trapping: no Exit message either
            Proc.trapExit(true);
            final Pid b = Proc.spawnLink(() ->
            {
                Proc.receive();
                Proc.exit("b-died");
            });
            final Ref bm = Proc.monitor(b);
            Proc.send(b, "die");
            Proc.unlink(b);
            out.add(down(bm).reason());
            out.add(exitFrom(b, Duration.ofMillis(100)));
            return out;
        });
        final List<Object> expected = new ArrayList<>(List.of(true, "b-died"));
        expected.add(null);
        assertEquals(expected, r);
    }

    /**
     * erl_link_SUITE otp_5772 style: link/unlink repeated many times between two processes leaves
     * exactly the last operation's state: after an unlink, the partner's death sends nothing; after
     * a link, exactly one Exit.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void repeatedLinkAndUnlinkLeaveTheLastState(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            Proc.trapExit(true);
            final List<Object> out = new ArrayList<>();
            for (final boolean endLinked : new boolean[] {false, true})
            {
                final Pid partner = Proc.spawn(() -> Proc.exit((String)Proc.receive()));
                for (int i = 0; i < 10_000; i++)
                {
                    Proc.link(partner);
                    Proc.unlink(partner);
                }
                if (endLinked)
                {
                    Proc.link(partner);
                }
                final Ref m = Proc.monitor(partner);
                Proc.send(partner, "bye");
                down(m);
                int exits = 0;
                while (exitFrom(partner, Duration.ofMillis(50)) != null)
                {
                    exits++;
                }
                out.add(exits);
            }
            return out;
        });
        assertEquals(List.of(0, 1), r);
    }

    /**
     * The exit race: many processes link to a process while it exits. Each gets exactly one Exit:
     * the real reason if its link arrived first, noproc if the process was already exiting.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void linksRacingAnExitEachGetExactlyOneAnswer(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid me = Proc.self();
            int bad = 0;
            final Map<Object, Integer> reasons = new HashMap<>();
            for (int round = 0; round < 20; round++)
            {
                final Pid target = Proc.spawn(() ->
                {
                    Proc.receive();
                    Proc.exit("target-died");
                });
                final int linkers = 50;
                for (int i = 0; i < linkers; i++)
                {
                    Proc.spawn(() ->
                    {
                        Proc.trapExit(true);
                        Proc.link(target);
                        final Exit first = exitFrom(target, T);
                        final Exit second = exitFrom(target, Duration.ofMillis(20));
                        Proc.send(me, first == null ? "none" : second != null ? "two" : first.reason());
                    });
                    if (i == linkers / 2)
                    {
                        Proc.send(target, "die");
                    }
                }
                for (int i = 0; i < linkers; i++)
                {
                    final Object answer = Proc.receive(T);
                    reasons.merge(answer, 1, Integer::sum);
                    if (!"target-died".equals(answer) && !Reason.NOPROC.equals(answer))
                    {
                        bad++;
                    }
                }
            }
            return bad == 0 ? "ok" : "bad answers: " + reasons;
        });
        assertEquals("ok", r);
    }
}
