package dev.spindle.internal.process;

import dev.spindle.Pid;
import dev.spindle.ProcessBody;
import dev.spindle.Reason;
import jdk.internal.vm.Continuation;

import java.lang.System.Logger.Level;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A process: its {@link ProcessHandle shared part} plus what only its owner touches. The owner is
 * the thread running it: its own code while mounted, and the scheduler that mounted it between
 * runs (the run queues hand the process from one scheduler to the next with release/acquire, so
 * these plain fields need no ordering of their own). {@code reductions} is also read by
 * {@code node.info} from other threads (opaque).
 *
 * <p>A process is its continuation's target: {@link #run()} runs the body and records why it
 * ended, so a crash is an exit reason, never an exception escaping into the scheduler.
 */
public final class Process extends ProcessHandle implements Runnable
{
    private static final System.Logger LOG = System.getLogger("dev.spindle");

    /** Why the continuation last yielded: to give way. */
    public static final byte YIELD_REQUEUE = 0;
    /** Why the continuation last yielded: to wait for a message, a timeout or a wake flag. */
    public static final byte YIELD_WAIT = 1;

    private static final VarHandle REDUCTIONS;

    static
    {
        try
        {
            REDUCTIONS = MethodHandles.lookup().findVarHandle(Process.class, "reductions", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The continuation running {@link #run()}; dropped at exit so a kept process retains little. */
    public Continuation continuation;
    private ProcessBody body;
    /**
     * Set by the process before it yields, read by its scheduler after. A byte: HotSpot puts it
     * beside {@code ProcessHandle}'s booleans, in a word that would otherwise be padding
     * (ProcessLayoutTest).
     */
    public byte yieldReason;
    /** Saved-list size at the last receive marker (a ref made just before a call). */
    public int marker;
    /** Monitors and locks instrumented code of this process holds, kept here between its runs. */
    public int unsafeDepth;
    @SuppressWarnings("unused")
    private long reductions;
    private java.util.HashMap<Object, Object> dictionary; // the process dictionary, made on first put
    /** The process that spawned it, or null when spawned from outside (for observers). Final after spawn. */
    public Pid parent;

    /**
     * @param pid            the pid.
     * @param priority       0..3.
     * @param boundScheduler scheduler index or -1.
     * @param body           its code.
     */
    public Process(final Pid pid, final int priority, final int boundScheduler, final ProcessBody body)
    {
        super(pid, priority, boundScheduler);
        this.body = body;
    }

    /** The continuation's target: runs the body and records the exit reason. */
    @Override
    public void run()
    {
        final ProcessBody b = body;
        body = null;
        Object reason;
        try
        {
            b.run();
            reason = Reason.NORMAL;
        }
        catch (final ProcessExit exit)
        {
            reason = exit.reason(); // Proc.exit or an exit signal: not a crash
        }
        catch (final Throwable t)
        {
            reason = t;
            try
            {
                LOG.log(Level.WARNING, () -> "process " + pid + " exited with an uncaught exception", t);
            }
            catch (final Throwable ignored)
            {
                // a logger that fails (or an OOM while formatting) must not turn a crash into two
            }
        }
        setExitReason(reason);
    }

    @Override
    public boolean isInbox()
    {
        return false;
    }

    /**
     * Owner: the process dictionary (the BEAM's {@code put/get}): per-process state for code that
     * would otherwise keep it in a thread-local, which inside a raw process is the carrier's.
     *
     * @param create whether to make it when absent.
     * @return the dictionary, or null when absent and not created.
     */
    public java.util.Map<Object, Object> dictionary(final boolean create)
    {
        if (dictionary == null && create)
        {
            dictionary = new java.util.HashMap<>();
        }
        return dictionary;
    }

    /** @return reductions spent in total (opaque: any thread may read it). */
    public long reductionsOpaque()
    {
        return (long)REDUCTIONS.getOpaque(this);
    }

    /** Scheduler, after a run. @param spent reductions spent in it */
    public void addReductions(final long spent)
    {
        REDUCTIONS.setOpaque(this, (long)REDUCTIONS.get(this) + spent);
    }
}
