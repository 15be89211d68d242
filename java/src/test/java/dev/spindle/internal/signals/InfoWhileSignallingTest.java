package dev.spindle.internal.signals;

import dev.spindle.*;
import dev.spindle.testing.Nodes;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** node.info reads signal state under the owner's lock while processes link, monitor, register and exit. */
class InfoWhileSignallingTest
{
    @ParameterizedTest
    @MethodSource("dev.spindle.testing.Nodes#kinds")
    void infoNeverSeesAStateBeingChanged(final RunQueues kind) throws Exception
    {
        try (Node node = Nodes.start(kind, 2))
        {
            final List<Pid> churners = new ArrayList<>();
            final AtomicBoolean stop = new AtomicBoolean();
            for (int i = 0; i < 4; i++)
            {
                final int id = i;
                churners.add(node.spawn(() ->
                {
                    Proc.trapExit(true);
                    int n = 0;
                    while (!stop.get())
                    {
                        final Pid child = Proc.spawnLink(() -> Proc.receive(java.time.Duration.ofMillis(1)));
                        final Ref ref = Proc.monitor(child);
                        if ((n++ & 1) == 0)
                        {
                            Proc.unlink(child);
                        }
                        Proc.register("churn-" + id + "-" + n);
                        Proc.unregister("churn-" + id + "-" + n);
                        Proc.receive(m -> m instanceof Down d && d.ref().equals(ref));
                        Proc.receive(java.time.Duration.ZERO);
                    }
                }));
            }
            final long until = System.nanoTime() + 1_000_000_000L;
            int infos = 0;
            while (System.nanoTime() < until)
            {
                for (final Pid p : churners)
                {
                    final ProcessInfo info = node.info(p);
                    assertNotNull(info);
                    assertNotNull(info.links());
                    infos++;
                }
            }
            stop.set(true);
            assertTrue(infos > 100);
        }
    }
}
