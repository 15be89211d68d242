package dev.spindle.internal.scheduler;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The close gate ({@link Gate}, the runtime's own class: this test sits in its package because
 * the gate is package-private): an outside thread enters, touches "native
 * memory" and exits, while close shuts the gate, drains it and then frees the memory. A thread
 * that got in must never see the memory freed. Results: (entered, saw it freed, drain succeeded).
 */
@JCStressTest
@Description("Close gate: Gate.enter (increment, read closed) / exit against Gate.close (write closed) then drain (wait for zero) and free.")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "entered before the close; drain waited for it")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "refused: the gate was closed")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "use after free: memory freed while a thread was inside")
@Outcome(expect = FORBIDDEN, desc = "drain gave up")
@State
public class GateEnterVsCloseTest
{
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Gate gate = new Gate();
    private volatile boolean freed;

    /** A plain thread sending, a dirty thread finishing, a statistics reader. @param r results */
    @Actor
    public void outsider(final III_Result r)
    {
        if (gate.enter())
        {
            r.r1 = 1;
            r.r2 = freed ? 1 : 0; // the touch of native memory
            gate.exit();
        }
    }

    /** Node.close: shut, drain, free. @param r results */
    @Actor
    public void closer(final III_Result r)
    {
        gate.close();
        if (gate.drain(DRAIN_NANOS))
        {
            freed = true;
            r.r3 = 1;
        }
    }
}
