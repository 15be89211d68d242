package dev.spindle.bench.cases;

import dev.spindle.IdleMode;
import dev.spindle.RunQueues;
import dev.spindle.bench.actors.SpindleActors;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fairness-hogs case on Spindle, at quick size: without the agent's rewriting the ping-pong is
 * starved, the case still ends and its hogs stop (the node runs a ping-pong afterwards); with it,
 * the ping-pong gets through. No timing is asserted beyond the case's own bounds.
 */
class FairnessHogsTest
{
    private static final Scale QUICK = new Scale(true, 8);

    private static SpindleActors spindle(final boolean rewritesLoops)
    {
        return new SpindleActors(rewritesLoops ? "spindle-preempt" : "spindle", RunQueues.NATIVE, null, 2, IdleMode.BACKOFF, false,
            rewritesLoops);
    }

    @Test
    void theLoopIsTheAgentsRewriteOfTheSameClassInItsOwnLoader() throws Exception
    {
        final Class<? extends FairnessHogs.Loop> rewritten = AgentRewrite.spinLoop(); // throws unless REWRITTEN
        assertEquals(SpinLoop.class.getName(), rewritten.getName());
        assertNotSame(SpinLoop.class, rewritten);
        assertSame(AgentRewrite.spinLoop(), rewritten, "loaded once per JVM");
        // On a plain thread the inserted polls do nothing: it runs, counts and stops like the plain loop.
        final FairnessHogs.Loop loop = rewritten.getConstructor().newInstance();
        final Thread t = Thread.ofPlatform().start(loop::run);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (loop.iterations() == 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        loop.stop();
        t.join(10_000);
        assertFalse(t.isAlive(), "stopped by its flag");
        assertTrue(loop.iterations() > 0);
    }

    @Test
    void withoutTheRewriteThePingPongIsStarvedAndTheHogsStillStop() throws Exception
    {
        try (SpindleActors actors = spindle(false))
        {
            final Result r = new FairnessHogs(2).run(actors, QUICK);
            assertEquals("starved", r.note(), r.toString());
            assertEquals(0.0, r.extra().get("hogs_not_stopped"));
            assertTrue(r.extra().get("p99_without_ns") > 0, r.extra().toString());
            assertTrue(r.extra().get("hog_cpu_share") > 0, r.extra().toString());
            // The schedulers are free again: a ping-pong on the same node completes.
            final Result after = new PingPong(false).measure(actors, QUICK, 100, 0, Long.MAX_VALUE);
            assertEquals(100.0, after.extra().get("rounds"));
        }
    }

    @Test
    void withTheRewriteThePingPongGetsThroughTheHogs() throws Exception
    {
        try (SpindleActors actors = spindle(true))
        {
            final Result r = new FairnessHogs(2).run(actors, QUICK);
            assertTrue(r.ok(), r.note() + " " + r.extra());
            assertTrue(r.extra().get("rounds") > 0, r.extra().toString());
            assertTrue(r.extra().get("ratio_with_over_without") > 0, r.extra().toString());
            assertTrue(r.extra().get("hog_cpu_share") > 0, "the hogs ran too: " + r.extra());
            assertEquals(0.0, r.extra().get("hogs_not_stopped"));
        }
    }
}
