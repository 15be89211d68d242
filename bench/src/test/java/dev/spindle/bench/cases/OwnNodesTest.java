package dev.spindle.bench.cases;

import dev.spindle.IdleMode;
import dev.spindle.Node;
import dev.spindle.RunQueues;
import dev.spindle.bench.actors.SpindleActors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cases that start their own nodes (timers per idle mode) run them pinned: the peer's shared
 * node gives its CPUs back first. Before, every such node found the CPUs held by the shared node
 * and ran unpinned, with a warning per scheduler.
 */
class OwnNodesTest
{
    @Test
    void theTimersCaseStartsItsNodesOnFreeCpus() throws Exception
    {
        final List<String> conflicts = new CopyOnWriteArrayList<>();
        final Handler h = new Handler()
        {
            @Override
            public void publish(final LogRecord r)
            {
                final String m = r.getMessage();
                if (m != null && m.contains("is held by"))
                {
                    conflicts.add(m);
                }
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        final Logger log = Logger.getLogger("dev.spindle");
        log.addHandler(h);
        try (SpindleActors shared = new SpindleActors("spindle", RunQueues.NATIVE, new int[] {0}, 1, IdleMode.BACKOFF))
        {
            final Node.Placement p = shared.node().placement().get(0);
            assumeTrue(p.requestedCpu() == 0 && p.error() == null, "CPU 0 cannot be pinned here: " + p);
            final Result r = new Timers(1).run(shared, new Scale(true, 60));
            assertNull(r.note(), r.toString());
            assertEquals(List.of(), conflicts, "the timers case's nodes found their CPU held");
            // The shared node is back on next use, pinned again.
            assertEquals(0, shared.node().placement().get(0).requestedCpu());
        }
        finally
        {
            log.removeHandler(h);
        }
    }
}
