package dev.spindle.internal.process;

import dev.spindle.Pid;
import dev.spindle.internal.mailbox.Mailbox;
import dev.spindle.internal.signals.Signal;
import dev.spindle.internal.signals.SignalState;
import dev.spindle.internal.signals.Signals;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A process: its pid, continuation, mailbox and the small state machine that decides who may
 * put it on a run queue.
 *
 * <pre>
 *   RUNNABLE --scheduler picks it--> RUNNING --yield--> RUNNABLE (requeued by its scheduler)
 *                                    RUNNING --wait---> WAITING  --message/timer CAS--> RUNNABLE
 *                                    RUNNING --done---> EXITED
 * </pre>
 *
 * Only the thread whose CAS moves WAITING to RUNNABLE enqueues the process, so it is in at most one
 * run queue. A waiting process is published as WAITING by its scheduler only after the
 * continuation has yielded, so nobody can resume it while it is still mounted. An {@link #inbox()
 * inbox} is a control block without a continuation: a plain thread waits on it instead.
 */
public final class ControlBlock implements Mailbox.SignalSink
{
    /** The continuation scope of every Spindle process. */
    public static final ContinuationScope SCOPE = new ContinuationScope("spindle");

    /** Queued or about to be queued. */
    public static final int RUNNABLE = 0;
    /** Mounted on a scheduler. */
    public static final int RUNNING = 1;
    /** Blocked in receive. */
    public static final int WAITING = 2;
    /** Finished. */
    public static final int EXITED = 3;

    /** Why the continuation last yielded: to give way. */
    public static final int YIELD_REQUEUE = 0;
    /** Why the continuation last yielded: to wait for a message or timeout. */
    public static final int YIELD_WAIT = 1;

    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(ControlBlock.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** This process's id. */
    public final Pid pid;
    /** Slot in the process table (also the run-queue entry). */
    public final int index;
    /** Messages. */
    public final Mailbox mailbox = new Mailbox();

    private volatile int state;

    /** The body, or null for an inbox; dropped at exit so a kept pid retains little. */
    public Continuation continuation;
    /** 0..3, see {@code dev.spindle.Priority}. Written by the process itself. */
    public int priority;
    /** Scheduler this process is bound to, or -1. */
    public final int boundScheduler;
    private final boolean inbox;
    /**
     * The scheduler running it now (a {@code Scheduler}), written by that scheduler before each
     * resume. Code inside the process uses this, never {@code Thread.currentThread()}.
     */
    public Object scheduler;
    /** Scheduler it last ran on (or was queued for). */
    public int home;
    /** Reductions left in the current slice. */
    public int budget;
    /** Reductions spent in total. */
    public long reductions;
    /** Set by the process before it yields. */
    public int yieldReason;
    /** Id of the pending receive timer in {@link #timerOwner}'s wheel, or -1. */
    public long timerId = -1;
    /** The scheduler whose timer wheel holds {@link #timerId} (an opaque owner token). */
    public Object timerOwner;
    /** Set (volatile) by a non-message wake source, e.g. finished dirty work; see {@link #setWakeFlag()}. */
    private volatile boolean wakeFlag;
    /** The thread waiting on an inbox. */
    public volatile Thread waiter;
    /** The exit reason once EXITED. */
    public Object exitReason;
    /** Links, monitors, name, trap-exit; null until first used. Guarded by this block's lock. */
    public SignalState signals;
    /** Set under this block's lock when the process starts exiting: later signals get dead answers. */
    public boolean signalsClosed;
    /** Saved-list size at the last receive marker (Proc.makeRef). Owner only. */
    public int marker;
    private volatile int signalsPending;

    private static final VarHandle SIGNALS_PENDING;

    static
    {
        try
        {
            SIGNALS_PENDING = MethodHandles.lookup().findVarHandle(ControlBlock.class, "signalsPending", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Signal sender: one more signal is queued (so a process that never receives still sees it). */
    public void addSignalPending()
    {
        SIGNALS_PENDING.getAndAdd(this, 1);
    }

    /** Owner: one queued signal was handled. */
    public void signalHandled()
    {
        SIGNALS_PENDING.getAndAdd(this, -1);
    }

    /** @return whether signals wait in the mailbox (one volatile read, checked at every Proc call). */
    public boolean signalsPending()
    {
        return signalsPending > 0;
    }

    @Override
    public boolean consumeSignal(final Object item)
    {
        if (item instanceof Signal s)
        {
            Signals.handle(this, s);
            return true;
        }
        return false;
    }

    /**
     * @param pid            the pid.
     * @param priority       0..3.
     * @param boundScheduler scheduler index or -1.
     * @param inbox          true for a plain thread's inbox.
     */
    public ControlBlock(final Pid pid, final int priority, final int boundScheduler, final boolean inbox)
    {
        this.inbox = inbox;
        this.pid = pid;
        this.index = pid.index();
        this.priority = priority;
        this.boundScheduler = boundScheduler;
        this.home = Math.max(boundScheduler, 0);
    }

    /** @return whether this is an inbox (a plain thread's mailbox) rather than a process. */
    public boolean inbox()
    {
        return inbox;
    }

    /** @return the state (volatile read). */
    public int state()
    {
        return state;
    }

    /** @return whether the process has exited. */
    public boolean isExited()
    {
        return state == EXITED;
    }

    /** Scheduler: the process is mounted. Only the scheduler that dequeued it writes here. */
    public void setRunning()
    {
        STATE.setOpaque(this, RUNNING);
    }

    /** Scheduler: the process gave way and is being requeued by the same thread. */
    public void setRunnable()
    {
        STATE.setOpaque(this, RUNNABLE);
    }

    /**
     * Scheduler (after the continuation yielded to wait) or inbox thread: publish WAITING with a
     * volatile store, which must precede the re-check of the mailbox (the Dekker pair with
     * {@link #tryWake()}).
     */
    public void setWaiting()
    {
        STATE.setVolatile(this, WAITING);
    }

    /**
     * Any thread: record a wake reason that is not a message. Must precede {@link #tryWake()};
     * the scheduler reads it after {@link #setWaiting()} (the same Dekker pair as the mailbox).
     */
    public void setWakeFlag()
    {
        wakeFlag = true;
    }

    /** The process itself: forget a consumed wake reason before it checks its condition again. */
    public void clearWakeFlag()
    {
        wakeFlag = false;
    }

    /** @return whether a non-message wake reason is pending. */
    public boolean wakeFlag()
    {
        return wakeFlag;
    }

    /** Marks the process exited (volatile: senders that read it stop waking it). */
    public void setExited()
    {
        STATE.setVolatile(this, EXITED);
    }

    /**
     * Moves WAITING to RUNNABLE. The volatile read after the caller's message put is the other
     * half of the Dekker pair with {@link #setWaiting()}.
     *
     * @return true if this caller won and must now enqueue (or unpark) the process.
     */
    public boolean tryWake()
    {
        return (int)STATE.getVolatile(this) == WAITING && STATE.compareAndSet(this, WAITING, RUNNABLE);
    }

    @Override
    public String toString()
    {
        return "Process" + pid;
    }
}
