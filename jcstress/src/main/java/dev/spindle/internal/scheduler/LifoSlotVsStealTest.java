package dev.spindle.internal.scheduler;

import dev.spindle.Pid;
import dev.spindle.internal.process.Process;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The LIFO slot ({@link LifoSlot}, package-private: these tests sit in its package). Its owner
 * fills an empty slot with a plain release store and displaces a full one with an exchange, and
 * takes with an exchange; the node's monitor steals (an exchange) when it sees the owner stuck.
 * Every process put must be taken exactly once, by the owner (taken or displaced), the thief, or
 * the arbiter emptying the slot at the end. Results: (times A was taken, times B was taken).
 */
public class LifoSlotVsStealTest
{
    static final Process A = new Process(new Pid(0, 1, 1), 2, -1, () -> { });
    static final Process B = new Process(new Pid(0, 2, 1), 2, -1, () -> { });

    static int times(final Process p, final Process... taken)
    {
        int n = 0;
        for (final Process t : taken)
        {
            n += t == p ? 1 : 0;
        }
        return n;
    }

    /** The slot holds A; the owner puts B (the exchange path), then takes twice. */
    @JCStressTest
    @Description("LIFO slot: owner displaces a full slot (exchange) and takes, against the monitor's steal.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "each process taken exactly once")
    @Outcome(expect = FORBIDDEN, desc = "a process lost or taken twice")
    @State
    public static class Displace
    {
        private final LifoSlot slot = new LifoSlot();
        private Process displaced;
        private Process took;
        private Process tookAgain;
        private Process stolen;

        /** A process woken earlier in this schedule waits in the slot. */
        public Displace()
        {
            slot.put(A);
        }

        /** The owner: a process it runs wakes B, then its loop takes the slot, twice. */
        @Actor
        public void owner()
        {
            displaced = slot.put(B);
            took = slot.take();
            tookAgain = slot.take();
        }

        /** The node's monitor rescuing the slot of a scheduler it sees stuck. */
        @Actor
        public void thief()
        {
            stolen = slot.steal();
        }

        /** @param r how often A and B were taken */
        @Arbiter
        public void count(final II_Result r)
        {
            final Process left = slot.steal();
            r.r1 = times(A, displaced, took, tookAgain, stolen, left);
            r.r2 = times(B, displaced, took, tookAgain, stolen, left);
        }
    }

    /** The slot is empty; the owner fills it (the release-store path), takes, fills again, takes. */
    @JCStressTest
    @Description("LIFO slot: owner fills an empty slot (release store) and takes, twice, against the monitor's steal.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "each process taken exactly once")
    @Outcome(expect = FORBIDDEN, desc = "a process lost or taken twice")
    @State
    public static class Fill
    {
        private final LifoSlot slot = new LifoSlot();
        private Process displaced1;
        private Process took1;
        private Process displaced2;
        private Process took2;
        private Process stolen;

        /** The owner: fill, take, fill again, take. */
        @Actor
        public void owner()
        {
            displaced1 = slot.put(A);
            took1 = slot.take();
            displaced2 = slot.put(B);
            took2 = slot.take();
        }

        /** The node's monitor. */
        @Actor
        public void thief()
        {
            stolen = slot.steal();
        }

        /** @param r how often A and B were taken */
        @Arbiter
        public void count(final II_Result r)
        {
            final Process left = slot.steal();
            r.r1 = times(A, displaced1, took1, displaced2, took2, stolen, left);
            r.r2 = times(B, displaced1, took1, displaced2, took2, stolen, left);
        }
    }
}
