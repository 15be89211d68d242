package dev.spindle.internal.timer;

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

/** Ports the intent of OTP's timer_bif_SUITE (start_timer_1, send_after_2, registered_process, cleanup). */
class TimerTest
{
    /** send_after: the message arrives once, never before its delay; cancelling after it fired gives null. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void sendAfterDeliversOnceAfterTheDelay(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final List<Object> out = new ArrayList<>();
            final long t0 = System.nanoTime();
            final TimerRef t = Proc.sendAfter(Duration.ofMillis(30), Proc.self(), "tick");
            out.add(Proc.receive(T));
            out.add(System.nanoTime() - t0 >= Duration.ofMillis(30).toNanos()); // never early
            out.add(Proc.cancelTimer(t));
            out.add(Proc.receive(Duration.ofMillis(50))); // delivered once
            out.add(t.ref().toString().startsWith("#Ref<"));
            return out;
        });
        final List<Object> expected = new ArrayList<>();
        expected.add("tick");
        expected.add(true);
        expected.add(null);
        expected.add(null);
        expected.add(true);
        assertEquals(expected, r);
    }

    /** start_timer cancel: cancel returns the time left (at most the delay), the message never comes, a second cancel gives null. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void cancelReturnsTheTimeLeft(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final TimerRef t = Proc.sendAfter(Duration.ofSeconds(10), Proc.self(), "never");
            final Duration left = Proc.cancelTimer(t);
            final boolean sane = left != null && left.compareTo(Duration.ofSeconds(10)) <= 0 && left.compareTo(Duration.ofSeconds(5)) > 0;
            final Duration again = Proc.cancelTimer(t);
            // many timers, every second one cancelled: exactly the others arrive
            final List<TimerRef> timers = new ArrayList<>();
            for (int i = 0; i < 1_000; i++)
            {
                timers.add(Proc.sendAfter(Duration.ofMillis(5 + i % 20), Proc.self(), i));
            }
            int cancelled = 0;
            for (int i = 0; i < timers.size(); i += 2)
            {
                cancelled += Proc.cancelTimer(timers.get(i)) != null ? 1 : 0;
            }
            int odd = 0;
            int even = 0;
            Object m;
            while ((m = Proc.receive(Duration.ofMillis(200))) != null)
            {
                if (m instanceof Integer i)
                {
                    if (i % 2 == 0)
                    {
                        even++;
                    }
                    else
                    {
                        odd++;
                    }
                }
                else
                {
                    return "unexpected " + m;
                }
            }
            // a timer that fired before its cancel was delivered, and its cancel answered null
            return sane + " " + again + " " + odd + " " + (even + cancelled);
        });
        assertEquals("true null 500 500", r);
    }

    /** registered_process: a name is resolved when the timer fires; nobody registered then, and the message is dropped. */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void namesAreResolvedWhenTheTimerFires(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            final Pid me = Proc.self();
            Proc.sendAfter(Duration.ofMillis(50), "later", "to-later");
            Proc.sendAfter(Duration.ofMillis(1), "nobody", "dropped"); // no exception: dropped at fire
            Proc.register("later");
            final Object first = Proc.receive(T);
            Proc.unregister("later");
            final Pid relay = Proc.spawn(() ->
            {
                Proc.register("later");
                Proc.send(me, "registered");
                Proc.send(me, "relay got " + Proc.receive());
            });
            Proc.receive(m -> m.equals("registered"), T);
            Proc.sendAfter(Duration.ofMillis(5), "later", "x");
            return first + " " + Proc.receive(m -> m instanceof String s && s.startsWith("relay"), T) + " " + relay.equals(relay);
        });
        assertEquals("to-later relay got x true", r);
    }

    /**
     * cleanup: timers aimed at a process that exits leave the wheels (nothing leaks); timers
     * started by a process that exits still fire (as on the BEAM).
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void timersToDeadProcessesLeakNothing(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            final Pid target = node.spawn(() -> Proc.receive());
            inProcess(node, inbox, () ->
            {
                for (int i = 0; i < 2_000; i++)
                {
                    Proc.sendAfter(Duration.ofHours(1), target, i);
                }
                return "armed";
            });
            assertTrue(node.pendingTimers() >= 2_000);
            node.send(target, "exit now");
            await(() -> node.pendingTimers() == 0, "timers to a dead process leave the wheels");
            // a timer to a dead pid is freed at once
            inProcess(node, inbox, () ->
            {
                Proc.sendAfter(Duration.ofHours(1), target, "x");
                return "ok";
            });
            await(() -> node.pendingTimers() == 0, "a timer to a dead pid is freed");
            // the setter's death does not cancel its timers
            node.spawn(() -> Proc.sendAfter(Duration.ofMillis(20), inbox.pid(), "from the grave"));
            assertEquals("from the grave", inbox.receive(T));
            // a long-lived target of many fired timers: all delivered, none left
            final Object count = inProcess(node, inbox, () ->
            {
                for (int i = 0; i < 5_000; i++)
                {
                    Proc.sendAfter(Duration.ofMillis(i % 10), Proc.self(), "t");
                }
                int got = 0;
                while (got < 5_000 && Proc.receive(T) != null)
                {
                    got++;
                }
                return got;
            });
            assertEquals(5_000, count);
            await(() -> node.pendingTimers() == 0, "fired timers leave the wheels");
        }
    }
}
