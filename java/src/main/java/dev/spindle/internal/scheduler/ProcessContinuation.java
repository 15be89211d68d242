package dev.spindle.internal.scheduler;

import dev.spindle.internal.mailbox.Mailbox;
import dev.spindle.internal.process.Process;
import dev.spindle.internal.signals.Signal;
import dev.spindle.internal.signals.Signals;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The continuation of one process, and how code inside a process finds itself: {@link #current()}
 * asks the JDK for the mounted continuation. It also carries the owner-side state that belongs to
 * the scheduling layer: the scheduler running it now and its receive timer.
 *
 * <p>Why not {@code Thread.currentThread()} or a ThreadLocal: a process migrates between scheduler
 * threads at every yield, and C2 treats {@code Thread.currentThread()} as constant within a
 * compiled frame, so a hot loop in a process keeps seeing the carrier it first ran on (measured:
 * 2.4 million wrong answers in 5 million yields across two carriers;
 * bench/.../experiments/CarrierThreadCache). {@code Continuation.getCurrentContinuation} reads the
 * carrier through {@code currentCarrierThread}, which C2 does not cache, and was right every time.
 */
public sealed class ProcessContinuation extends Continuation implements Mailbox.SignalSink permits VirtualProcess
{
    /** The continuation scope of every Spindle process. */
    public static final ContinuationScope SCOPE = new ContinuationScope("spindle");

    /** The process this continuation runs. */
    public final Process process;
    // Owner state, written by the scheduler before each run and read by the process's own code.
    Scheduler scheduler;
    ReceiveTimer timer;     // made on the first timed receive, armed again by later ones
    ReceiveTimer waitTimer; // the timer of the wait in progress, null for an untimed wait
    // Set around yields that may be refused (preemption, Proc.yield): a pinned continuation then
    // just keeps running instead of failing (Continuation.yield returns false). One boolean keeps
    // the object at 64 bytes; a second one made it 72.
    boolean mayStayPinned;
    // The carrier a pinned wait blocks (a raw process holding a lock in instrumented code), or null.
    // The waker that won the wake CAS takes it (getAndSet); the waiter clears it itself only when it
    // left the wait on its own (its WAITING to RUNNING CAS won, so no waker is coming).
    volatile Thread pinnedWaiter;

    private static final java.lang.invoke.VarHandle PINNED_WAITER;

    static
    {
        try
        {
            PINNED_WAITER = java.lang.invoke.MethodHandles.lookup().findVarHandle(ProcessContinuation.class, "pinnedWaiter", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The waker that won the wake CAS: takes the pinned waiter's carrier (or null if not a pinned wait). */
    final Thread takePinnedWaiter()
    {
        return (Thread)PINNED_WAITER.getAndSet(this, null);
    }

    /**
     * @param process the process, whose {@code run()} is the continuation's body.
     */
    public ProcessContinuation(final Process process)
    {
        super(SCOPE, process);
        this.process = process;
        process.continuation = this;
    }

    /**
     * @return the process running on the calling thread (a continuation mounted on it, or the
     * virtual thread of a {@link VirtualProcess}), or null outside processes.
     */
    public static ProcessContinuation current()
    {
        if (Continuation.getCurrentContinuation(SCOPE) instanceof ProcessContinuation pc)
        {
            return pc;
        }
        // A virtual-thread process: its thread is stable (the JDK keeps currentThread right there).
        return Thread.currentThread().isVirtual() && VirtualProcess.CURRENT.isBound() ? VirtualProcess.CURRENT.get() : null;
    }

    /** @return the scheduler running this process now (owner only). */
    public Scheduler scheduler()
    {
        return scheduler;
    }

    @Override
    protected void onPinned(final Continuation.Pinned reason)
    {
        if (mayStayPinned)
        {
            return; // the yield returns false and the process keeps its carrier
        }
        throw new IllegalStateException("a Spindle process cannot wait here: its continuation is pinned (" + reason +
            "): a native frame (JNI, a JDK method called back into Java) or a critical section is on its stack");
    }

    @Override
    public boolean consumeSignal(final Object item)
    {
        if (item instanceof Signal s)
        {
            Signals.handle(process, s);
            return true;
        }
        return false;
    }
}
