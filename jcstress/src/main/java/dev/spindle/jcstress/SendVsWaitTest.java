package dev.spindle.jcstress;

import dev.spindle.internal.process.Process;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A message sent while its receiver goes WAITING: the sender puts, then tries the wake CAS; the
 * scheduler publishes WAITING, then looks at the mailbox and tries the CAS. Exactly one of them
 * must queue the process. Results: (sender queues, scheduler requeues).
 */
@JCStressTest
@Description("Send vs going WAITING: Schedulers.send (put, tryWake) against Scheduler.run's wait branch (setWaitingVolatile, hasInbound, tryWake).")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the sender won the wake CAS and queues the process")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the scheduler saw the message after publishing WAITING and requeues")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: nobody queues the process")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double enqueue: the process would be resumed twice")
@State
public class SendVsWaitTest
{
    private final Process p = Handshakes.runningProcess();

    /** A sender on any thread. @param r results */
    @Actor
    public void sender(final II_Result r)
    {
        r.r1 = Handshakes.send(p, "m") ? 1 : 0;
    }

    /** The process's scheduler after the continuation yielded to wait. @param r results */
    @Actor
    public void scheduler(final II_Result r)
    {
        r.r2 = Handshakes.schedulerWaits(p, null) ? 1 : 0;
    }
}
