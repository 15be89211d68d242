package dev.spindle.jcstress;

import dev.spindle.internal.timer.TimerHeap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A due timer cancelled by one thread while another expires its heap: exactly one wins, the
 * cancel's answer is exact, and the timer has left the heap either way. Results: (cancel returned
 * true, fire() calls, timers left in the heap, timer still pending).
 */
@JCStressTest
@Description("Timer cancel vs fire: Timer.cancel() against TimerHeap.expire(now, scratch) on a due timer.")
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "cancel won: no fire, removed from the heap")
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "the expiry won: fired once, cancel answered false")
@Outcome(expect = FORBIDDEN, desc = "both or neither won, fired twice, or the timer was left behind")
@State
public class TimerCancelVsFireTest
{
    private final CountingTimer timer = new CountingTimer();
    private final TimerHeap heap = new TimerHeap();
    private final TimerHeap.Expired scratch = new TimerHeap.Expired(4);

    /** Armed and already due. */
    public TimerCancelVsFireTest()
    {
        heap.add(timer, System.nanoTime());
    }

    /** Any thread cancelling (the process resumed for another reason). @param r results */
    @Actor
    public void canceller(final IIII_Result r)
    {
        r.r1 = timer.cancel() ? 1 : 0;
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
        r.r3 = heap.size();
        r.r4 = timer.pending() ? 1 : 0;
    }
}
