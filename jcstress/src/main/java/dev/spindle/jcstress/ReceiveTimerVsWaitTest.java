package dev.spindle.jcstress;

import dev.spindle.internal.process.Process;
import dev.spindle.internal.timer.Timer;
import dev.spindle.internal.timer.TimerHeap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A receive timeout expiring while its process goes WAITING: the expiring thread pops the timer,
 * wins its FIRED CAS and then tries the wake CAS ({@code ReceiveTimer.fire}, modelled here because
 * that class is package-private); the scheduler publishes WAITING, then reads {@code fired()}.
 * Results: (expiring thread queues, scheduler requeues).
 */
@JCStressTest
@Description("Receive timer fire vs going WAITING: TimerHeap.expire -> Timer FIRED CAS -> fire() -> tryWake against Scheduler.run's wait branch (setWaitingVolatile, timer.fired(), tryWake).")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the expiring thread won the wake CAS and queues the process")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the scheduler saw the fired timer after publishing WAITING and requeues")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: the timeout never resumes the process")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double enqueue")
@State
public class ReceiveTimerVsWaitTest
{
    /** internal/scheduler/ReceiveTimer.java's fire(): the wake CAS; the winner queues. */
    static final class WakeTimer extends Timer
    {
        private final Process p;
        int woke; // written by the expiring thread only

        WakeTimer(final Process p)
        {
            this.p = p;
        }

        @Override
        protected void fire()
        {
            if (p.tryWake())
            {
                woke = 1;
            }
        }
    }

    private final Process p = Handshakes.runningProcess();
    private final WakeTimer timer = new WakeTimer(p);
    private final TimerHeap heap = new TimerHeap();
    private final TimerHeap.Expired scratch = new TimerHeap.Expired(4);

    /** The process armed its receive timeout before yielding: due at once. */
    public ReceiveTimerVsWaitTest()
    {
        heap.add(timer, System.nanoTime());
    }

    /** Whoever expires the heap (its scheduler, an idle one, the node's monitor). @param r results */
    @Actor
    public void expirer(final II_Result r)
    {
        heap.expire(System.nanoTime(), scratch);
        r.r1 = timer.woke;
    }

    /** The process's scheduler after the continuation yielded to wait. @param r results */
    @Actor
    public void scheduler(final II_Result r)
    {
        r.r2 = Handshakes.schedulerWaits(p, timer) ? 1 : 0;
    }
}
