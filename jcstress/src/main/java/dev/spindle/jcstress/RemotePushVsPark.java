package dev.spindle.jcstress;

import dev.spindle.internal.runqueue.JavaRunQueueSet;
import dev.spindle.internal.runqueue.NativeRunQueueSet;
import dev.spindle.internal.runqueue.RunQueueSet;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A remote push to a scheduler that is going to sleep: one thread {@code pushRemote}s an entry;
 * the owner calls {@code next}, and while it finds nothing, {@code park}s with a bounded timeout
 * (the scheduler's idle loop). The push's "publish, then read sleeping" and the park's "announce
 * sleeping, then re-check the queues" are a Dekker pair: either the re-check sees the entry or the
 * pusher sees the sleeper and wakes it. A lost wake-up shows as a park that sleeps its whole
 * timeout, never as a hang.
 *
 * <p>Grading without guessing from timing alone: each sample has fresh queues, so the
 * {@code WAKEUPS} counter says whether the pusher sent a wake-up. A park that saw nothing after a
 * push had finished before it began, or that slept its whole timeout after a push that finished
 * in its first half and sent no wake-up, is a broken handshake whatever the machine's load. A
 * park that slept on although a wake-up was sent is a thread kept off the CPU (or a broken
 * parker, which the native ctest covers): interesting, not failed. One test per implementation.
 */
public final class RemotePushVsPark
{
    private static final int PID = 7;
    private static final int PRIO = 2;
    private static final long PARK_NANOS = 500_000_000L;
    private static final long GIVE_UP_NANOS = 4 * PARK_NANOS;

    private RemotePushVsPark()
    {
    }

    /** One owner: next, then park while empty, until the entry comes (the scheduler's idle loop). */
    static String own(final RunQueueSet q, final Probe probe)
    {
        int v = q.next(0, false);
        if (v >= 0)
        {
            return v == PID ? "TAKEN" : "WRONG_ENTRY";
        }
        String how = "WOKEN";
        final long giveUp = System.nanoTime() + GIVE_UP_NANOS;
        for (;;)
        {
            final long t0 = System.nanoTime();
            final boolean sawWork = q.park(0, PARK_NANOS);
            final long t1 = System.nanoTime();
            final long pushedAt = probe.pushedAt;
            if (sawWork)
            {
                how = "PARK_SAW_WORK";
            }
            else if (pushedAt != Handshakes.NOT_YET && pushedAt - t0 < 0)
            {
                return "RECHECK_MISSED_PUSH";
            }
            else if (t1 - t0 >= PARK_NANOS * 9 / 10)
            {
                if (Handshakes.gradeTimeout(t0, PARK_NANOS, pushedAt, "LOST", "LATE").equals("LOST"))
                {
                    return q.counter(0, RunQueueSet.WAKEUPS) == 0 ? "LOST_WAKEUP" : "WAKE_SENT_SLEPT_ON";
                }
                how = "PUSH_LATE";
            }
            // else: an early return with nothing seen (a permit left by an earlier wake-up)
            v = q.next(0, false);
            if (v >= 0)
            {
                return v == PID ? how : "WRONG_ENTRY";
            }
            if (t1 - giveUp > 0)
            {
                return pushedAt != Handshakes.NOT_YET && t1 - pushedAt > PARK_NANOS ? "ENTRY_LOST" : "PUSH_NEVER_CAME";
            }
        }
    }

    /** What both implementations' states share. */
    static class Probe
    {
        volatile long pushedAt = Handshakes.NOT_YET;

        void push(final RunQueueSet q)
        {
            q.pushRemote(0, PID, PRIO);
            pushedAt = System.nanoTime();
        }
    }

    /** The native run queues (libspindle, through JNI). */
    @JCStressTest
    @Description("Remote push vs park, native queues: sp_push_remote (push, fence, read sleeping, unpark) against sp_next / sp_park (announce, fence, re-check, futex).")
    @Outcome(id = "TAKEN", expect = ACCEPTABLE, desc = "the push came first: next found it")
    @Outcome(id = "PARK_SAW_WORK", expect = ACCEPTABLE, desc = "park's re-check after announcing sleep saw the push")
    @Outcome(id = "WOKEN", expect = ACCEPTABLE, desc = "the push woke the sleeping owner")
    @Outcome(id = "PUSH_LATE", expect = ACCEPTABLE_INTERESTING, desc = "a park timed out before the pusher had run (its thread was descheduled)")
    @Outcome(id = "PUSH_NEVER_CAME", expect = ACCEPTABLE_INTERESTING, desc = "the pusher did not finish within 2 s (its thread was descheduled)")
    @Outcome(id = "WAKE_SENT_SLEPT_ON", expect = ACCEPTABLE_INTERESTING, desc = "a wake-up was sent but the owner ran only after its timeout (kept off the CPU)")
    @Outcome(id = "LOST_WAKEUP", expect = FORBIDDEN, desc = "lost wake-up: the park slept its whole timeout, the push finished early in it and sent no wake-up")
    @Outcome(id = "RECHECK_MISSED_PUSH", expect = FORBIDDEN, desc = "park's re-check missed a push that had finished before the park began")
    @Outcome(expect = FORBIDDEN, desc = "the entry was lost (ENTRY_LOST) or corrupted (WRONG_ENTRY)")
    @State
    public static class Native extends Probe
    {
        private final NativeRunQueueSet q = new NativeRunQueueSet(1, 16, 16);

        /** Another thread (a sender's scheduler, a plain thread). */
        @Actor
        public void pusher()
        {
            push(q);
        }

        /** Scheduler 0's thread. @param r the outcome */
        @Actor
        public void owner(final L_Result r)
        {
            r.r1 = own(q, this);
        }

        /** Frees the native queues once both are done. */
        @Arbiter
        public void free()
        {
            q.close();
        }
    }

    /** The pure-Java twin (its InjectQueue and Parker, the same protocol as the native side). */
    @JCStressTest
    @Description("Remote push vs park, Java queues: JavaRunQueueSet.pushRemote (publish, fence, read sleeping, unpark) against next / park (announce, fence, re-check, Parker).")
    @Outcome(id = "TAKEN", expect = ACCEPTABLE, desc = "the push came first: next found it")
    @Outcome(id = "PARK_SAW_WORK", expect = ACCEPTABLE, desc = "park's re-check after announcing sleep saw the push")
    @Outcome(id = "WOKEN", expect = ACCEPTABLE, desc = "the push woke the sleeping owner")
    @Outcome(id = "PUSH_LATE", expect = ACCEPTABLE_INTERESTING, desc = "a park timed out before the pusher had run (its thread was descheduled)")
    @Outcome(id = "PUSH_NEVER_CAME", expect = ACCEPTABLE_INTERESTING, desc = "the pusher did not finish within 2 s (its thread was descheduled)")
    @Outcome(id = "WAKE_SENT_SLEPT_ON", expect = ACCEPTABLE_INTERESTING, desc = "a wake-up was sent but the owner ran only after its timeout (kept off the CPU)")
    @Outcome(id = "LOST_WAKEUP", expect = FORBIDDEN, desc = "lost wake-up: the park slept its whole timeout, the push finished early in it and sent no wake-up")
    @Outcome(id = "RECHECK_MISSED_PUSH", expect = FORBIDDEN, desc = "park's re-check missed a push that had finished before the park began")
    @Outcome(expect = FORBIDDEN, desc = "the entry was lost (ENTRY_LOST) or corrupted (WRONG_ENTRY)")
    @State
    public static class Java extends Probe
    {
        private final JavaRunQueueSet q = new JavaRunQueueSet(1, 16, 16);

        /** Another thread. */
        @Actor
        public void pusher()
        {
            push(q);
        }

        /** Scheduler 0's thread. @param r the outcome */
        @Actor
        public void owner(final L_Result r)
        {
            r.r1 = own(q, this);
        }
    }
}
