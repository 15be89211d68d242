package dev.spindle;

/**
 * Immutable, chainable options for spawning a process:
 * {@code SpawnOptions.defaults().priority(Priority.HIGH).scheduler(1)}.
 */
public final class SpawnOptions
{
    private static final SpawnOptions DEFAULTS = new SpawnOptions(Priority.NORMAL, -1);

    private final Priority priority;
    private final int scheduler;

    private SpawnOptions(final Priority priority, final int scheduler)
    {
        this.priority = priority;
        this.scheduler = scheduler;
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
        return new SpawnOptions(priority, scheduler);
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
        return new SpawnOptions(priority, schedulerId);
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
        return "SpawnOptions[priority=" + priority + (scheduler >= 0 ? ", scheduler=" + scheduler : "") + "]";
    }
}
