package dev.spindle.internal.placement;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.*;

class TopologyTest
{
    /** Without libspindle and without a working fallback: -1, and nothing is tried again. */
    @Test
    void aMissingLibraryIsTriedOnceThenTheAnswerIsMinusOne()
    {
        final AtomicInteger loads = new AtomicInteger();
        final AtomicInteger fallbacks = new AtomicInteger();
        final IntSupplier source = Topology.chooseCpuSource(() ->
        {
            loads.incrementAndGet();
            throw new UnsatisfiedLinkError("no libspindle here");
        }, () -> fail("the native source must not be used"), () ->
        {
            fallbacks.incrementAndGet();
            throw new UnsupportedOperationException("no JNA either");
        });
        for (int i = 0; i < 1_000; i++)
        {
            assertEquals(-1, source.getAsInt());
        }
        assertEquals(1, loads.get(), "the library load was retried");
        assertEquals(1, fallbacks.get(), "the failing fallback was retried");
    }

    @Test
    void aFallbackThatAnswersIsUsedAndOneThatStopsAnsweringGivesMinusOne()
    {
        final AtomicInteger calls = new AtomicInteger();
        final IntSupplier source = Topology.chooseCpuSource(() ->
        {
            throw new UnsatisfiedLinkError("no libspindle here");
        }, () -> fail("the native source must not be used"), () ->
        {
            if (calls.incrementAndGet() > 2)
            {
                throw new IllegalStateException("gone");
            }
            return 3;
        });
        assertEquals(3, source.getAsInt());
        assertEquals(-1, source.getAsInt());
        final IntSupplier none = Topology.chooseCpuSource(() ->
        {
            throw new UnsatisfiedLinkError("no libspindle here");
        }, () -> 0, () -> -1);
        assertEquals(-1, none.getAsInt());
    }

    @Test
    void theLoadedLibraryIsAskedDirectly()
    {
        final IntSupplier source = Topology.chooseCpuSource(() -> { }, () -> 5, () -> fail("no fallback needed"));
        assertEquals(5, source.getAsInt());
        final int cpu = Topology.currentCpu(); // this JVM has libspindle
        assertTrue(cpu >= 0, "sched_getcpu through libspindle: " + cpu);
        assertArrayEquals(Topology.allowedCpus(), Topology.allowedCpus());
    }
}
