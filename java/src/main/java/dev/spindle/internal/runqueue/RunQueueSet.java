package dev.spindle.internal.runqueue;

/**
 * The schedulers' run queues: per scheduler, four priority rings (owner pushes, owner and thieves
 * take), an inject queue for pushes from other threads, an overflow list, and a parker. Entries
 * are process-table indices. Two implementations with one contract (native/include/spindle/spindle.h):
 * {@link NativeRunQueueSet} and {@link JavaRunQueueSet}.
 *
 * <p>Threading: {@code pushLocal}, {@code next} and {@code park} for scheduler {@code s} are
 * called only by scheduler {@code s}'s thread; the rest from any thread.
 */
public interface RunQueueSet extends AutoCloseable
{
    /** Counter: entries returned by next(). */
    int EXECUTED = 0;
    /** Counter: pushLocal calls. */
    int PUSHED_LOCAL = 1;
    /** Counter: pushRemote calls targeting this scheduler. */
    int INJECTED = 2;
    /** Counter: entries this scheduler stole. */
    int STOLEN = 3;
    /** Counter: times it slept. */
    int PARKS = 4;
    /** Counter: wake-ups sent to it. */
    int WAKEUPS = 5;
    /** Counter: entries that went to overflow. */
    int OVERFLOWED = 6;
    /** Counter: steal victims probed. */
    int STEAL_ATTEMPTS = 7;
    /** Number of counters. */
    int COUNTERS = 8;

    /**
     * Names the thread that owns scheduler {@code s}, before it starts, so a wake-up sent before
     * its first park is not lost (the native parker keeps a permit and ignores this).
     *
     * @param s     scheduler.
     * @param owner its thread.
     */
    default void register(final int s, final Thread owner)
    {
    }

    /** @return number of schedulers. */
    int count();

    /** Owner only. @param s scheduler @param pid process index @param prio 0..3 */
    void pushLocal(int s, int pid, int prio);

    /** Any thread. @param s scheduler @param pid process index @param prio 0..3 */
    void pushRemote(int s, int pid, int prio);

    /** Owner only. @param s scheduler @param steal may steal @return next process index, or -1 */
    int next(int s, boolean steal);

    /**
     * Owner only: sleep until woken or the timeout passes.
     *
     * @param s            scheduler.
     * @param timeoutNanos &lt; 0 for no timeout.
     * @return true when it returned at once because work was visible.
     */
    boolean park(int s, long timeoutNanos);

    /** Any thread. @param s scheduler to wake */
    void unpark(int s);

    /**
     * @param n schedulers that may steal and be stolen from
     */
    void setOnline(int n);

    /**
     * @param s scheduler
     * @param prio 0..3
     * @return approximate queued entries
     */
    long queueLength(int s, int prio);

    /**
     * @param s scheduler
     * @param counter one of the counter constants
     * @return its value
     */
    long counter(int s, int counter);

    /** Frees the queues; no call may follow. */
    @Override
    void close();
}
