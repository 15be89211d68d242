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
 * As {@link TimerRearmVsStaleExpiryTest}, but the process moved: the owner cancels the due arming
 * and arms the timer again in another scheduler's heap, while a thread expiring the old heap may
 * be popping the old arming. The timer must end up consistent in the new heap: the arbiter's
 * cancel there succeeds and leaves both heaps empty. (The popper once cleared the timer's heap
 * before its index; an owner that saw no heap re-armed at once and the late "index -1" broke the
 * next cancel. TimerHeapTest pins that interleaving with a hook; this checks the handshake under
 * real scheduling.) Results: (cancel returned true, fire() calls, the arbiter's cancel in the new
 * heap: 1 done, 0 refused, -1 threw; timers left in both heaps).
 */
@JCStressTest
@Description("Timer cancel + re-arm in another heap vs an expiry of the old heap: Timer.cancel(), TimerHeap.add(t, later) on a second heap against TimerHeap.expire.")
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "cancel won; the new arming was in the new heap and is cancelled there")
@Outcome(id = "0, 1, 1, 0", expect = ACCEPTABLE, desc = "the old arming fired first; the new arming was in the new heap and is cancelled there")
@Outcome(expect = FORBIDDEN, desc = "the new arming broken (its cancel threw or found nothing), fired early, or a timer left behind")
@State
public class TimerRearmElsewhereVsStaleExpiryTest
{
    private static final long LATER = TimeUnit.HOURS.toNanos(1);

    private final CountingTimer timer = new CountingTimer();
    private final TimerHeap old = new TimerHeap();
    private final TimerHeap next = new TimerHeap();
    private final TimerHeap.Expired scratch = new TimerHeap.Expired(4);

    /** The first arming, already due, in the old scheduler's heap. */
    public TimerRearmElsewhereVsStaleExpiryTest()
    {
        old.add(timer, System.nanoTime());
    }

    /** The owner, now on another scheduler: cancel, then arm again there. @param r results */
    @Actor
    public void owner(final IIII_Result r)
    {
        r.r1 = timer.cancel() ? 1 : 0;
        next.add(timer, System.nanoTime() + LATER);
    }

    /** A thread expiring the old heap (an idle scheduler, or the monitor). */
    @Actor
    public void expirer()
    {
        old.expire(System.nanoTime(), scratch);
    }

    /** After both. @param r results */
    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        r.r2 = timer.fires;
        try
        {
            r.r3 = timer.cancel() ? 1 : 0;
        }
        catch (final RuntimeException e)
        {
            r.r3 = -1;
        }
        r.r4 = old.size() + next.size();
    }
}
