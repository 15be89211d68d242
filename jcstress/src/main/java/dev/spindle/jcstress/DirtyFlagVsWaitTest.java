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
 * Dirty work finishing while its process goes WAITING: the dirty thread sets the wake flag, then
 * tries the wake CAS; the scheduler publishes WAITING, then reads the flag and tries the CAS.
 * Results: (dirty thread queues, scheduler requeues).
 */
@JCStressTest
@Description("Dirty-work wake flag: DirtyPool.Task.run (setWakeFlagVolatile, tryWake) against Scheduler.run's wait branch (setWaitingVolatile, wakeFlagVolatile, tryWake).")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the dirty thread won the wake CAS and queues the process")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the scheduler saw the flag after publishing WAITING and requeues")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: nobody queues the process")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "double enqueue")
@State
public class DirtyFlagVsWaitTest
{
    private final Process p = Handshakes.runningProcess();

    /** The dirty thread that ran the process's blocking work. @param r results */
    @Actor
    public void dirtyThread(final II_Result r)
    {
        r.r1 = Handshakes.dirtyDone(p) ? 1 : 0;
    }

    /** The process's scheduler after the continuation yielded to wait. @param r results */
    @Actor
    public void scheduler(final II_Result r)
    {
        r.r2 = Handshakes.schedulerWaits(p, null) ? 1 : 0;
    }
}
