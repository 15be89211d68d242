package dev.spindle.internal.scheduler;

import dev.spindle.internal.process.Process;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;

/**
 * A process that runs as a virtual thread on Spindle's schedulers (docs/java-in-processes.md):
 * the JDK then gives it ordinary Java semantics. {@code Thread.currentThread()} is its own thread,
 * thread-locals are its own, a monitor or {@code ReentrantLock} it holds belongs to it wherever it
 * runs, and {@code Thread.sleep}, blocking socket reads or contended monitors unmount it instead of
 * stalling a scheduler.
 *
 * <p>How it is scheduled: the virtual thread's scheduler is this object ({@link Executor}). The JDK
 * submits the thread's run task whenever it becomes runnable (started, unparked, unblocked, after
 * a {@code Thread.yield}); {@link #execute} records the task and queues the process through
 * {@link Placement} like any other; the scheduler that takes it runs the task on its own thread,
 * which mounts the virtual thread there. The process waits in {@code receive} by parking, and a
 * waker that wins its WAITING-to-RUNNABLE CAS unparks it. Priorities, binding, reductions (the
 * carrier's budget), timers, signals and the exit path are the same as for a raw continuation.
 *
 * <p>It is still a {@link ProcessContinuation} (never run as one) so that the runtime's operations
 * take one type; the virtual thread finds it through a scoped value bound for its whole life.
 */
public final class VirtualProcess extends ProcessContinuation implements Executor
{
    /** The virtual-thread process running on the calling (virtual) thread. */
    static final ScopedValue<ProcessContinuation> CURRENT = ScopedValue.newInstance();

    /** The JDK's flag for "do not inherit inheritable thread-locals" (java.lang.Thread). */
    private static final int NO_INHERIT_THREAD_LOCALS = 1 << 2;
    private static final MethodHandle NEW_VIRTUAL_THREAD = findFactory();
    private static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    /** Where virtual threads that merely inherited a process's scheduler run. */
    private static final Executor FOREIGN = java.util.concurrent.ForkJoinPool.commonPool();

    final Thread thread;
    private final Schedulers group;
    private volatile Runnable task; // the JDK's run task for this thread (the same object every time)
    private volatile boolean starting;

    /**
     * @param process the process.
     * @param group   its node's schedulers.
     */
    VirtualProcess(final Process process, final Schedulers group)
    {
        super(process);
        this.group = group;
        this.thread = newThread(this, () -> ScopedValue.where(CURRENT, this).run(this::body));
    }

    private static MethodHandle findFactory()
    {
        try
        {
            final Class<?> builders = Class.forName("java.lang.ThreadBuilders");
            final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(builders, MethodHandles.lookup());
            return lookup.findStatic(builders, "newVirtualThread",
                MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null; // reported at the first spawn that needs it
        }
    }

    /** @return whether virtual-thread processes are available (the JVM flag is set). */
    public static boolean available()
    {
        return NEW_VIRTUAL_THREAD != null;
    }

    /**
     * @throws IllegalStateException naming the missing JVM flag.
     */
    static void checkAvailable()
    {
        if (NEW_VIRTUAL_THREAD == null)
        {
            throw new IllegalStateException("virtual-thread processes need the JVM flag " + FLAG +
                " (the JDK's per-scheduler virtual thread factory is not public); add it, or spawn without virtualThread(true)");
        }
    }

    private static Thread newThread(final Executor scheduler, final Runnable body)
    {
        try
        {
            return (Thread)NEW_VIRTUAL_THREAD.invokeExact(scheduler, (String)null, NO_INHERIT_THREAD_LOCALS, body);
        }
        catch (final RuntimeException | Error e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("could not create a virtual thread for a process", t);
        }
    }

    /** The virtual thread's body: the process, then the exit path on the same carrier. */
    private void body()
    {
        process.run();
        group.exited(process, scheduler);
    }

    /** Starts the thread: the JDK submits its task, which queues the process as a spawn. */
    void start()
    {
        starting = true;
        thread.start();
    }

    /**
     * The JDK submits the thread's run task: queue the process. Runs on the thread that made it
     * runnable: the spawner, a waker (unpark), the carrier after a yield, or a JDK thread (a timed
     * park's timer, the I/O poller, a monitor's unblocker).
     */
    @Override
    public void execute(final Runnable command)
    {
        final Placement.Cause cause;
        final Scheduler from = Scheduler.ofCallingThread(group);
        if (starting && task == null)
        {
            task = command;
            starting = false;
            cause = Placement.Cause.SPAWN;
        }
        else if (command != task)
        {
            // Another virtual thread, made from inside this process without a scheduler (the
            // user's Thread.ofVirtual(), or the JDK's I/O poller), inherited this one as its
            // scheduler: it is not a process, so it runs on the JDK's pool.
            FOREIGN.execute(command);
            return;
        }
        else if (from != null && from.currentOpaque() == process)
        {
            cause = Placement.Cause.YIELD; // resubmitted by its own carrier (Thread.yield, a park with a permit)
        }
        else
        {
            cause = from != null ? Placement.Cause.MESSAGE : Placement.Cause.OUTSIDE;
        }
        group.enqueueVirtual(this, from, cause);
    }

    /** @return the process's virtual thread. */
    public Thread thread()
    {
        return thread;
    }

    /** The scheduler runs the task: the virtual thread mounts on the calling scheduler thread. */
    void runTask()
    {
        task.run();
    }
}
