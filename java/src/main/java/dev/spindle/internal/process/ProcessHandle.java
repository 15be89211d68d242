package dev.spindle.internal.process;

import dev.spindle.Pid;
import dev.spindle.internal.mailbox.Mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What any thread may know and touch of a process (or of an inbox): its identity, its mailbox's
 * put side, its state word, its wake flag, and its signal state under its lock. The owner-only
 * part is {@link Process}; a plain thread's mailbox is {@link InboxHandle}. Senders, wakers and
 * signal senders get a {@code ProcessHandle} from {@link ProcessTable#lookup}; only the scheduler
 * that dequeued a process gets the {@link Process} itself.
 *
 * <h2>The state word</h2>
 * <pre>
 *   RUNNABLE --scheduler picks it--> RUNNING --yield--> RUNNABLE (requeued by its scheduler)
 *                                    RUNNING --wait---> WAITING  --wake CAS--> RUNNABLE
 *                                    RUNNING --done---> EXITED
 * </pre>
 * Only the thread whose CAS moves WAITING to RUNNABLE enqueues the process ({@link #tryWake()}),
 * so it is in at most one run queue and never resumed twice. A waiting process is published as
 * WAITING by its scheduler only after the continuation has yielded ({@link #setWaitingVolatile()},
 * then a second look at the mailbox and the wake flag): with the sender's "put, then
 * {@code tryWake}" that is a Dekker pair, and no wake-up is lost.
 *
 * <h2>Who owns the other fields</h2>
 * <ul>
 * <li>{@code home}, {@code priority}: written by whoever holds the run token (the scheduler running
 *     or requeuing it, or the winner of the wake CAS), read by wakers to choose a queue (opaque: a
 *     stale value costs one turn on another scheduler or at the old priority, never a loss).</li>
 * <li>{@link #signals()}, {@code signalsClosed}: guarded by this object's monitor. The owner
 *     mutates them (through the signals protocol); others read them under the same lock.</li>
 * <li>{@code exitReason}: written by the owner before {@link #setExitedVolatile()}; read after
 *     seeing EXITED.</li>
 * </ul>
 */
public abstract sealed class ProcessHandle permits Process, InboxHandle, CallbackHandle
{
    /** Queued, or about to be queued by the holder of its run token. */
    public static final int RUNNABLE = 0;
    /** Mounted on a scheduler. */
    public static final int RUNNING = 1;
    /** Blocked in receive (or an inbox's thread parked). */
    public static final int WAITING = 2;
    /** Finished (or an inbox closed). */
    public static final int EXITED = 3;
    /**
     * Waiting, and held still for a moment by a thread reading its stack ({@code node.stack}):
     * a waker spins until it is WAITING again (the JDK's SUSPENDED bit for virtual threads).
     */
    public static final int INSPECTING = 4;

    private static final VarHandle STATE;
    private static final VarHandle SIGNALS_PENDING;
    private static final VarHandle WAKE_FLAG;
    private static final VarHandle HOME;
    private static final VarHandle PRIORITY;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(ProcessHandle.class, "state", int.class);
            SIGNALS_PENDING = l.findVarHandle(ProcessHandle.class, "signalsPending", int.class);
            WAKE_FLAG = l.findVarHandle(ProcessHandle.class, "wakeFlag", boolean.class);
            HOME = l.findVarHandle(ProcessHandle.class, "home", short.class);
            PRIORITY = l.findVarHandle(ProcessHandle.class, "priority", byte.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // ---- identity: final, any thread ----

    /** This process's id. */
    public final Pid pid;
    /** Slot in the process table (also the run-queue entry). */
    public final int index;
    /** Scheduler this process is bound to, or -1 (a short: at most 4,096 schedulers, NodeConfig). */
    public final short boundScheduler;
    /** Messages: any thread puts, the owner takes. */
    public final Mailbox mailbox = new Mailbox();

    // ---- shared: accessed only through the methods below, named by memory mode ----

    @SuppressWarnings("unused")
    private int state;
    @SuppressWarnings("unused")
    private int signalsPending;
    @SuppressWarnings("unused")
    private boolean wakeFlag;
    // home and priority (and boundScheduler above) are narrow so that they share words with the
    // booleans and Process's yield reason: a process is 80 bytes, not 96 (ProcessLayoutTest). At
    // most 4,096 schedulers; priorities are 0..3.
    @SuppressWarnings("unused")
    private short home;
    @SuppressWarnings("unused")
    private byte priority;

    // ---- guarded by this object's monitor ----

    private SignalState signals;
    private volatile boolean signalsClosed; // written under the monitor; volatile for lock-free hints

    // ---- written by the owner before EXITED ----

    private Object exitReason;

    ProcessHandle(final Pid pid, final int priority, final int boundScheduler)
    {
        this.pid = pid;
        this.index = pid.index();
        this.boundScheduler = (short)boundScheduler;
        HOME.set(this, (short)Math.max(boundScheduler, 0));
        PRIORITY.set(this, (byte)priority);
    }

    /** @return whether this is a plain thread's inbox rather than a process. */
    public abstract boolean isInbox();

    /** @return the state (volatile read). */
    public final int stateVolatile()
    {
        return (int)STATE.getVolatile(this);
    }

    /** @return whether the process has exited (volatile read). */
    public final boolean isExited()
    {
        return stateVolatile() == EXITED;
    }

    /** Scheduler that dequeued it: the process is mounted. Only the token holder writes here. */
    public final void setRunningOpaque()
    {
        STATE.setOpaque(this, RUNNING);
    }

    /** Scheduler: the process gave way and is being requeued by the same thread. */
    public final void setRunnableOpaque()
    {
        STATE.setOpaque(this, RUNNABLE);
    }

    /**
     * Scheduler (after the continuation yielded to wait): publish WAITING with a volatile store,
     * which must precede the re-check of the mailbox and the wake flag (the Dekker pair with
     * {@link #tryWake()}).
     */
    public final void setWaitingVolatile()
    {
        STATE.setVolatile(this, WAITING);
    }

    /**
     * @param expect the state expected.
     * @param update the new state.
     * @return whether the CAS succeeded.
     */
    public final boolean casState(final int expect, final int update)
    {
        return STATE.compareAndSet(this, expect, update);
    }

    /**
     * @param update the new state.
     * @return the state before (an atomic exchange).
     */
    public final int getAndSetState(final int update)
    {
        return (int)STATE.getAndSet(this, update);
    }

    /** Marks the process exited (volatile: senders that read it stop waking it). */
    public final void setExitedVolatile()
    {
        STATE.setVolatile(this, EXITED);
    }

    /**
     * Moves WAITING to RUNNABLE. The volatile read after the caller's put (or wake-flag store) is
     * the other half of the Dekker pair with {@link #setWaitingVolatile()}.
     *
     * @return true if this caller won and must now enqueue (or unpark) the process.
     */
    public final boolean tryWake()
    {
        for (;;)
        {
            final int s = (int)STATE.getVolatile(this);
            if (s == WAITING)
            {
                if (STATE.compareAndSet(this, WAITING, RUNNABLE))
                {
                    return true;
                }
            }
            else if (s == INSPECTING)
            {
                Thread.onSpinWait(); // a stack is being read: microseconds
            }
            else
            {
                return false;
            }
        }
    }

    /**
     * Holds a waiting process still so that its stack can be read: WAITING to INSPECTING.
     *
     * @return true if it was waiting; then {@link #endInspection()} must follow.
     */
    public final boolean tryInspect()
    {
        return STATE.compareAndSet(this, WAITING, INSPECTING);
    }

    /** After {@link #tryInspect()}: back to WAITING (wakers spinning meanwhile then win it). */
    public final void endInspection()
    {
        STATE.setVolatile(this, WAITING);
    }

    /**
     * Any thread: record a wake reason that is not a message (finished dirty work). Must precede
     * {@link #tryWake()}; the scheduler reads it after {@link #setWaitingVolatile()}.
     */
    public final void setWakeFlagVolatile()
    {
        WAKE_FLAG.setVolatile(this, true);
    }

    /** Owner: forget a consumed wake reason before it checks its condition again. */
    public final void clearWakeFlagVolatile()
    {
        WAKE_FLAG.setVolatile(this, false);
    }

    /** @return whether a non-message wake reason is pending (volatile). */
    public final boolean wakeFlagVolatile()
    {
        return (boolean)WAKE_FLAG.getVolatile(this);
    }

    /** Signal sender: one more signal is queued, so a process that never receives still sees it. */
    public final void addSignalPending()
    {
        SIGNALS_PENDING.getAndAdd(this, 1);
    }

    /** Owner: one queued signal was handled. */
    public final void signalHandled()
    {
        SIGNALS_PENDING.getAndAdd(this, -1);
    }

    /** @return whether signals wait in the mailbox (one plain-cost volatile read per runtime call). */
    public final boolean signalsPendingVolatile()
    {
        return (int)SIGNALS_PENDING.getVolatile(this) > 0;
    }

    /** @return the scheduler it last ran on or was queued for (opaque). */
    public final int homeOpaque()
    {
        return (short)HOME.getOpaque(this);
    }

    /** Run-token holder: where it runs or was queued. @param s scheduler index */
    public final void setHomeOpaque(final int s)
    {
        HOME.setOpaque(this, (short)s);
    }

    /** @return 0..3 (see {@code dev.spindle.Priority}), opaque. */
    public final int priorityOpaque()
    {
        return (byte)PRIORITY.getOpaque(this);
    }

    /** Owner: takes effect the next time it is queued. @param p 0..3 */
    public final void setPriorityOpaque(final int p)
    {
        PRIORITY.setOpaque(this, (byte)p);
    }

    /**
     * Holder of this object's monitor only.
     *
     * @return links, monitors, name and trap-exit flag, created on first use.
     */
    public final SignalState signals()
    {
        assert Thread.holdsLock(this);
        SignalState s = signals;
        if (s == null)
        {
            s = new SignalState();
            signals = s;
        }
        return s;
    }

    /** Holder of the monitor. @return the signal state, or null if never used */
    public final SignalState signalsOrNull()
    {
        assert Thread.holdsLock(this);
        return signals;
    }

    /** Holder of the monitor. @return whether the exit path has closed the signal path */
    public final boolean signalsClosed()
    {
        assert Thread.holdsLock(this);
        return signalsClosed;
    }

    /**
     * Any thread, without the lock: whether the exit path has begun (a hint that stays true).
     *
     * @return true once the signal path is closed.
     */
    public final boolean exitingVolatile()
    {
        return signalsClosed;
    }

    /**
     * Holder of the monitor, on the exit path: closes the signal path and hands over the state;
     * nobody mutates it afterwards, so the exit path may read it without the lock.
     *
     * @return the signal state, or null if never used.
     */
    public final SignalState closeSignals()
    {
        assert Thread.holdsLock(this);
        signalsClosed = true;
        final SignalState s = signals;
        signals = null;
        return s;
    }

    /** Owner, before {@link #setExitedVolatile()}. @param reason why it ended */
    public final void setExitReason(final Object reason)
    {
        this.exitReason = reason;
    }

    /** @return the exit reason; meaningful after seeing EXITED. */
    public final Object exitReason()
    {
        return exitReason;
    }

    @Override
    public String toString()
    {
        return (isInbox() ? "Inbox" : "Process") + pid;
    }
}
