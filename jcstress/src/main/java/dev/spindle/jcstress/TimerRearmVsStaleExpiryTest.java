package dev.spindle.jcstress;

import dev.spindle.internal.timer.TimerHeap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A process reuses one receive timer: it cancels the due arming and arms the timer again (far in
 * the future) while another thread expires the heap and may have popped the old arming. The old
 * arming fires at most once and only if the cancel lost; the new arming must stay pending in the
 * heap (an expiry that popped the old arming must never fire it). Results: (cancel returned true,
 * fire() calls, new arming pending, timers in the heap).
 */
@JCStressTest
@Description("Timer cancel + re-arm vs an expiry that popped the old arming: Timer.cancel(), TimerHeap.add(t, later) against TimerHeap.expire.")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "cancel won; the new arming waits in the heap")
@Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE, desc = "the old arming fired first; the new arming waits in the heap")
@Outcome(expect = FORBIDDEN, desc = "the new arming fired early or vanished, or the old one fired after a successful cancel")
@State
public class TimerRearmVsStaleExpiryTest
{
    private static final long LATER = TimeUnit.HOURS.toNanos(1);

    private final CountingTimer timer = new CountingTimer();
    private final TimerHeap heap = new TimerHeap();
    private final TimerHeap.Expired scratch = new TimerHeap.Expired(4);

    /** The first arming, already due. */
    public TimerRearmVsStaleExpiryTest()
    {
        heap.add(timer, System.nanoTime());
    }

    /** The owner: cancel (the process resumed), then the next timed receive arms it again. @param r results */
    @Actor
    public void owner(final IIII_Result r)
    {
        r.r1 = timer.cancel() ? 1 : 0;
        heap.add(timer, System.nanoTime() + LATER);
    }

    /** The thread expiring the heap. */
    @Actor
    public void expirer()
    {
        heap.expire(System.nanoTime(), scratch);
    }

    /** After both. @param r results */
    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        r.r2 = timer.fires;
        r.r3 = timer.pending() ? 1 : 0;
        r.r4 = heap.size();
    }
}
