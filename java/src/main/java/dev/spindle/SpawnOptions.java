package dev.spindle;

/**
 * Immutable, chainable options for spawning a process:
 * {@code SpawnOptions.defaults().priority(Priority.HIGH).scheduler(1)}.
 */
public final class SpawnOptions
{
    private static final SpawnOptions DEFAULTS = new SpawnOptions(Priority.NORMAL, -1, false);

    private final Priority priority;
    private final int scheduler;
    private final boolean virtualThread;

    private SpawnOptions(final Priority priority, final int scheduler, final boolean virtualThread)
    {
        this.priority = priority;
        this.scheduler = scheduler;
        this.virtualThread = virtualThread;
    }

    /**
     * Normal priority, not bound to a scheduler.
     *
     * @return the default options.
     */
    public static SpawnOptions defaults()
    {
        return DEFAULTS;
    }

    /**
     * Returns options with the given priority.
     *
     * @param priority the new process's priority; not null.
     * @return new options.
     */
    public SpawnOptions priority(final Priority priority)
    {
        if (priority == null)
        {
            throw new NullPointerException("priority");
        }
        return new SpawnOptions(priority, scheduler, virtualThread);
    }

    /**
     * Returns options that bind the process to one scheduler (0-based): it runs only there and is
     * never stolen or migrated. For hand-placed hot processes.
     *
     * @param schedulerId 0-based scheduler index, checked against the node at spawn.
     * @return new options.
     */
    public SpawnOptions scheduler(final int schedulerId)
    {
        if (schedulerId < 0)
        {
            throw new IllegalArgumentException("scheduler id must be >= 0, was " + schedulerId);
        }
        return new SpawnOptions(priority, schedulerId, virtualThread);
    }

    /**
     * Returns options that run the process as a virtual thread on Spindle's schedulers, so that
     * ordinary Java behaves inside it: locks it holds are its own (mutual exclusion holds across
     * waits and migrations), {@code Thread.sleep} and blocking I/O unmount it instead of stalling
     * its scheduler, {@code Thread.currentThread()} and thread-locals are its own. It costs more
     * memory and a slower switch than the default raw continuation (docs/java-in-processes.md).
     * Needs the JVM flag {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
     *
     * @param on whether to run as a virtual thread.
     * @return new options.
     */
    public SpawnOptions virtualThread(final boolean on)
    {
        return new SpawnOptions(priority, scheduler, on);
    }

    /** @return whether the process runs as a virtual thread. */
    public boolean virtualThread()
    {
        return virtualThread;
    }

    /** @return the priority. */
    public Priority priority()
    {
        return priority;
    }

    /** @return the bound scheduler, or -1 when unbound. */
    public int boundScheduler()
    {
        return scheduler;
    }

    @Override
    public String toString()
    {
        return "SpawnOptions[priority=" + priority + (scheduler >= 0 ? ", scheduler=" + scheduler : "") +
            (virtualThread ? ", virtualThread" : "") + "]";
    }
}
