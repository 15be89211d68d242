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

/** Ports the intent of OTP's monitor_SUITE (mon_1, demon_1, demon_2, demonitor_flush, large_exit) and erl_link_SUITE process_monitors. */
class MonitorTest
{
    /** mon_1: every monitor call is independent and each gets its own Down with the exit reason. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void eachMonitorGetsItsOwnDown(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid t = sleeper();
            final Ref a = Proc.monitor(t);
            final Ref b = Proc.monitor(t);
            Proc.exit(t, "gone");
            final Down da = down(a);
            final Down db = down(b);
            return List.of(!a.equals(b), da.pid().equals(t), da.reason(), db.reason(), down(a, Duration.ofMillis(50)) == null);
        });
        assertEquals(List.of(true, true, "gone", "gone", true), r);
    }

    /** A dead or never-existing target gives an immediate noproc Down. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void deadTargetsGiveNoproc(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid dead = Proc.spawn(() -> { });
            final Ref first = Proc.monitor(dead);
            down(first); // normal or noproc: gone now
            final Down late = down(Proc.monitor(dead));
            final Pid never = new Pid(Proc.self().node(), 3_000_000, 7);
            final Down unknown = down(Proc.monitor(never));
            return late.reason() + " " + late.pid().equals(dead) + " " + unknown.reason();
        });
        assertEquals("noproc true noproc", r);
    }

    /** demon_1: demonitor before the exit, and no Down is ever received; it reports whether it was active. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void demonitorBeforeExitMeansNoDown(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final List<Object> out = new ArrayList<>();
            final Pid t = sleeper();
            final Ref ref = Proc.monitor(t);
            out.add(Proc.demonitor(ref));
            out.add(Proc.demonitor(ref)); // no longer active
            final Ref keep = Proc.monitor(t);
            Proc.exit(t, "bye");
            out.add(down(keep).reason());
            out.add(down(ref, Duration.ofMillis(100)));
            // demonitor racing an exit that is already under way: once it returns true (the
            // monitor was still active), no Down for it ever arrives. (When it returns false the
            // Down was already in the mailbox, which the BEAM allows too: that is what flush is for.)
            final java.util.Set<Ref> cancelled = new java.util.HashSet<>();
            for (int i = 0; i < 200; i++)
            {
                final Pid quick = Proc.spawn(() -> Proc.exit("quick"));
                final Ref q = Proc.monitor(quick);
                if (Proc.demonitor(q))
                {
                    cancelled.add(q);
                }
            }
            if (Proc.receive(m -> m instanceof Down d && cancelled.contains(d.ref()), Duration.ofMillis(200)) != null)
            {
                out.add("Down after demonitor");
            }
            return out;
        });
        final List<Object> expected = new ArrayList<>(List.of(true, false, "bye"));
        expected.add(null);
        assertEquals(expected, r);
    }

    /** demon_2 and demonitor_flush: a Down already queued stays without flush and goes with it. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void demonitorFlushRemovesAQueuedDown(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final List<Object> out = new ArrayList<>();
            for (final boolean flush : new boolean[] {false, true})
            {
                final Pid t = sleeper();
                final Ref ref = Proc.monitor(t);
                final Ref probe = Proc.monitor(t);
                Proc.exit(t, "x");
                down(probe); // the Down for ref was sent before this one: it is in the mailbox now
                Proc.send(Proc.self(), "after");
                out.add(Proc.demonitor(ref, flush));
                final Object next = Proc.receive(T);
                out.add(next instanceof Down d ? "Down " + d.ref().equals(ref) : next);
            }
            return out;
        });
        // without flush: demonitor finds no active monitor (it fired) and the Down stays;
        // with flush: it is removed, the next message is the one sent after it
        assertEquals(List.of(false, "Down true", false, "after"), r);
    }

    /** large_exit: a big exit reason reaches every monitor intact (the same object: no copying). */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void largeExitReasons(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final List<Integer> big = new ArrayList<>();
            for (int i = 0; i < 1_000_000; i++)
            {
                big.add(i);
            }
            final Pid t = Proc.spawn(() ->
            {
                Proc.receive();
                Proc.exit(big);
            });
            final List<Ref> refs = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                refs.add(Proc.monitor(t));
            }
            Proc.send(t, "go");
            int same = 0;
            for (final Ref ref : refs)
            {
                same += down(ref).reason() == big ? 1 : 0;
            }
            return same;
        });
        assertEquals(100, r);
    }

    /**
     * The exit race for monitors: monitors set up while the target exits each get exactly one
     * Down, with the real reason or noproc.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void monitorsRacingAnExitEachGetExactlyOneDown(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid me = Proc.self();
            final Map<Object, Integer> answers = new HashMap<>();
            for (int round = 0; round < 20; round++)
            {
                final Pid target = Proc.spawn(() ->
                {
                    Proc.receive();
                    Proc.exit("target-died");
                });
                for (int i = 0; i < 50; i++)
                {
                    Proc.spawn(() ->
                    {
                        final Ref ref = Proc.monitor(target);
                        final Down first = down(ref);
                        final Down second = down(ref, Duration.ofMillis(20));
                        Proc.send(me, first == null ? "none" : second != null ? "two" : first.reason());
                    });
                    if (i == 25)
                    {
                        Proc.send(target, "die");
                    }
                }
                for (int i = 0; i < 50; i++)
                {
                    answers.merge(Proc.receive(T), 1, Integer::sum);
                }
            }
            answers.remove("target-died");
            answers.remove(Reason.NOPROC);
            return answers.isEmpty() ? "ok" : "bad answers: " + answers;
        });
        assertEquals("ok", r);
    }

    /** A monitor is removed from its target when the watcher exits or demonitors (no leak in long-lived servers). */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void targetsForgetWatchersThatLeave(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid server = node.spawn(() ->
            {
                for (;;)
                {
                    Proc.receive();
                }
            });
            inProcess(node, inbox, () ->
            {
                for (int i = 0; i < 100; i++)
                {
                    final Pid w = Proc.spawn(() ->
                    {
                        Proc.monitor(server);
                        Proc.monitor(server);
                    });
                    down(Proc.monitor(w));
                    Proc.demonitor(Proc.monitor(server));
                }
                return "done";
            });
            await(() -> node.info(server).monitoredBy().isEmpty(), "the server forgets monitors of watchers that left");
        }
    }
}
