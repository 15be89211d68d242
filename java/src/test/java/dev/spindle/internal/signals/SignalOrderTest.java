package dev.spindle.internal.signals;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static dev.spindle.testing.InProcess.*;
import static org.junit.jupiter.api.Assertions.*;

/** Ports the intent of OTP's signal_SUITE ordering cases (xm_sig_order, monitor_order). */
class SignalOrderTest
{
    /**
     * xm_sig_order: messages and exit signals from one sender arrive in the order sent. A trapping
     * receiver sees the Exit exactly between the messages sent before and after it.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void exitSignalsKeepTheirPlaceAmongMessages(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            Proc.trapExit(true);
            final Pid me = Proc.self();
            final int n = 20_000;
            Proc.spawn(() ->
            {
                for (int i = 0; i < n; i++)
                {
                    Proc.send(me, i);
                    if (i % 1000 == 999)
                    {
                        Proc.exit(me, i); // a trapped exit signal carrying the last index sent
                    }
                }
            });
            int expected = 0;
            int exits = 0;
            while (expected < n)
            {
                final Object m = Proc.receive(T);
                if (m instanceof Integer i)
                {
                    if (i != expected)
                    {
                        return "message " + i + " arrived when " + expected + " was due";
                    }
                    expected++;
                }
                else if (m instanceof Exit e)
                {
                    if (!e.reason().equals(expected - 1))
                    {
                        return "Exit(" + e.reason() + ") arrived after message " + (expected - 1);
                    }
                    exits++;
                }
                else
                {
                    return "unexpected " + m;
                }
            }
            final Exit last = (Exit)Proc.receive(m -> m instanceof Exit, T);
            return exits + 1 + " " + last.reason();
        });
        assertEquals("20 19999", r);
    }

    /**
     * monitor_order: a Down (and a link's Exit) never overtakes the messages the dead process sent
     * before it died, with several senders dying at once.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void downAndExitComeAfterEveryMessageOfTheDeadProcess(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            Proc.trapExit(true);
            final Pid me = Proc.self();
            final int senders = 8;
            final int n = 5_000;
            final Pid[] pids = new Pid[senders];
            final Ref[] refs = new Ref[senders];
            for (int s = 0; s < senders; s++)
            {
                final int id = s;
                pids[s] = Proc.spawnLink(() ->
                {
                    Proc.receive(); // "go", once monitored
                    for (int i = 0; i < n; i++)
                    {
                        Proc.send(me, new int[] {id, i});
                    }
                    if (id % 2 == 0)
                    {
                        throw new IllegalStateException("sender " + id + " crashed");
                    }
                });
                refs[s] = Proc.monitor(pids[s]);
            }
            for (final Pid p : pids)
            {
                Proc.send(p, "go");
            }
            final int[] next = new int[senders];
            int done = 0;
            while (done < 2 * senders)
            {
                final Object m = Proc.receive(T);
                if (m instanceof int[] msg)
                {
                    if (next[msg[0]] != msg[1] || next[msg[0]] < 0)
                    {
                        return "sender " + msg[0] + ": message " + msg[1] + " out of order";
                    }
                    next[msg[0]]++;
                }
                else if (m instanceof Down d || m instanceof Exit)
                {
                    final Pid from = m instanceof Down d ? d.pid() : ((Exit)m).from();
                    for (int s = 0; s < senders; s++)
                    {
                        if (pids[s].equals(from) && next[s] != n)
                        {
                            return m + " overtook message " + next[s] + " of sender " + s;
                        }
                    }
                    done++;
                }
                else
                {
                    return "unexpected " + m;
                }
            }
            return "ordered";
        });
        assertEquals("ordered", r);
    }

    /**
     * Link, unlink and exit signals from one process are applied in the order sent: a sender that
     * links, unlinks, links again and then dies leaves exactly one Exit.
     */
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void linkSignalsAreAppliedInOrder(final RunQueues kind) throws Exception
    {
        final Object r = inProcess(kind, 2, () ->
        {
            Proc.trapExit(true);
            final Pid me = Proc.self();
            int exits = 0;
            for (int round = 0; round < 200; round++)
            {
                final Pid p = Proc.spawn(() ->
                {
                    Proc.link(me);
                    Proc.unlink(me);
                    Proc.link(me);
                    Proc.exit("round-over");
                });
                if (exitFrom(p, T) != null)
                {
                    exits++;
                }
                if (exitFrom(p, Duration.ZERO) != null)
                {
                    exits += 1_000; // a second Exit would be a bug
                }
            }
            return exits;
        });
        assertEquals(200, r);
    }
}
