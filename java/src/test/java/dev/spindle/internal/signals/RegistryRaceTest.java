package dev.spindle.internal.signals;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** A name freed by its holder's death is taken by exactly one of the processes racing for it. */
class RegistryRaceTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void exactlyOneRegistrantWinsAFreedName(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2); Inbox inbox = node.inbox())
        {
            for (int round = 0; round < 200; round++)
            {
                final Pid holder = node.spawn(() ->
                {
                    Proc.register("x");
                    Proc.receive(); // dies when told
                });
                while (!holder.equals(node.whereis("x")))
                {
                    Thread.onSpinWait();
                }
                final int racers = 4;
                for (int r = 0; r < racers; r++)
                {
                    node.spawn(() ->
                    {
                        final Ref ref = Proc.monitor(holder);
                        Proc.receive(m -> m instanceof Down d && d.ref().equals(ref));
                        boolean won;
                        try
                        {
                            Proc.register("x"); // right after the holder's death
                            won = true;
                        }
                        catch (final IllegalArgumentException lost)
                        {
                            won = false;
                        }
                        Proc.send(inbox.pid(), new Object[] {Proc.self(), won});
                        Proc.receive(); // stay alive until the round ends
                    });
                }
                Thread.sleep(1);
                node.send(holder, "die");
                final Set<Pid> winners = new HashSet<>();
                final Set<Pid> all = new HashSet<>();
                for (int r = 0; r < racers; r++)
                {
                    final Object[] m = (Object[])inbox.receive(Duration.ofSeconds(10));
                    assertNotNull(m, "round " + round);
                    all.add((Pid)m[0]);
                    if ((Boolean)m[1])
                    {
                        winners.add((Pid)m[0]);
                    }
                }
                assertEquals(1, winners.size(), "round " + round + ": winners " + winners);
                assertEquals(winners.iterator().next(), node.whereis("x"));
                for (final Pid p : all)
                {
                    node.send(p, "done");
                }
                while (node.whereis("x") != null)
                {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
