package dev.spindle.internal.runqueue;

/**
 * The schedulers' run queues. Per scheduler: per priority a ring of unbound entries (the owner
 * pushes; the owner and thieves take) and a FIFO of bound entries (the owner only); an inject
 * queue for unbound pushes from other threads (the owner drains it, thieves rescue from it while
 * the owner is stalled); a bound inject queue (the owner only); an overflow list; and a parker.
 * Entries are process-table indices. Two implementations with one contract,
 * native/include/spindle/spindle.h (docs/native-core.md has the protocol), checked on both by
 * {@code RunQueueContractTest}: {@link NativeRunQueueSet} and {@link JavaRunQueueSet}.
 *
 * <p>Threading: {@code pushLocal}, {@code next} and {@code park} for scheduler {@code s} are
 * called only by scheduler {@code s}'s thread; the rest from any thread.
 *
 * <p>Arguments: a scheduler index outside {@code [0, count())} or a priority outside
 * {@code 0..3} (with or without {@link #BOUND}) throws {@link IllegalArgumentException}.
 */
public interface RunQueueSet extends AutoCloseable
{
    /** Priority max (the BEAM's max): always before the others. */
    int PRIO_MAX = 0;
    /** Priority high. */
    int PRIO_HIGH = 1;
    /** Priority normal. */
    int PRIO_NORMAL = 2;
    /** Priority low: one turn in {@link #LOW_TURN} beside normal. */
    int PRIO_LOW = 3;

    /**
     * OR'ed into the priority of {@link #pushLocal} / {@link #pushRemote}: the entry is bound to
     * the scheduler it is queued on, which alone may run it. Thieves never take bound entries. At
     * one priority, bound entries go before unbound ones, except that unbound gets one pick in
     * {@link #BOUND_TURN} (so a bound process that keeps yielding cannot starve them).
     */
    int BOUND = 4;

    /** When normal and low are both runnable, low gets one pick in this many. */
    int LOW_TURN = 8;
    /** At a priority whose bound FIFO is non-empty, unbound gets the first pick once in this many. */
    int BOUND_TURN = 8;
    /** Every this many {@code next} calls take from the overflow list first. */
    int OVERFLOW_TURN = 61;
    /** A scheduler awake and not polling ({@code next}/{@code park}) this long is stalled. */
    long STALL_NANOS = 50_000L;
    /** The watcher's longest sleep while another scheduler is awake (see {@link #park}). */
    long WATCH_NANOS = 1_000_000L;

    /** Counter (owner): entries returned by next(). */
    int EXECUTED = 0;
    /** Counter (owner): pushLocal calls. */
    int PUSHED_LOCAL = 1;
    /** Counter (owner): entries this scheduler took from other schedulers' rings. */
    int STOLEN = 2;
    /** Counter (owner): times it actually slept in park. */
    int PARKS = 3;
    /** Counter (owner): steal victims probed. */
    int STEAL_ATTEMPTS = 4;
    /** Counter (owner): entries it took from stalled schedulers' inject queues and overflow lists. */
    int RESCUED = 5;
    /** Counter (owner): sleeps it took as the watcher. */
    int WATCHES = 6;
    /** Counter (any thread): pushRemote calls targeting this scheduler. */
    int INJECTED = 8;
    /** Counter (any thread): wake-ups sent to it that found no wake pending. */
    int WAKEUPS = 9;
    /** Counter (any thread): entries that went to its overflow list. */
    int OVERFLOWED = 10;
    /** Counter (any thread): entries thieves rescued from it while it was stalled. */
    int RESCUED_AWAY = 11;
    /** Number of counter slots (7 is unused: it separates owner-written from shared counters). */
    int COUNTERS = 12;

    /**
     * Names the thread that owns scheduler {@code s}, before it starts. Optional: a wake-up sent
     * before the owner's first park is kept as a permit either way.
     *
     * @param s     scheduler.
     * @param owner its thread.
     */
    default void register(final int s, final Thread owner)
    {
    }

    /** @return number of schedulers. */
    int count();

    /**
     * Owner only: queue {@code pid} on {@code s}. A push that leaves a ring with two or more
     * entries wakes one sleeping scheduler to steal if none is searching.
     *
     * @param s    scheduler.
     * @param pid  process index.
     * @param prio 0..3, optionally | {@link #BOUND}.
     */
    void pushLocal(int s, int pid, int prio);

    /**
     * Any thread: queue {@code pid} on {@code s} through its inject queue; wakes {@code s} if it
     * sleeps (and, for an unbound entry to an awake {@code s}, a sleeper to watch it if nobody does).
     *
     * @param s    scheduler.
     * @param pid  process index.
     * @param prio 0..3, optionally | {@link #BOUND}.
     */
    void pushRemote(int s, int pid, int prio);

    /**
     * Owner only: the next process to run: drains the inject queues, then by priority (bound
     * before unbound at each), the overflow list, then (if {@code steal}) steals or rescues.
     *
     * @param s     scheduler.
     * @param steal may steal from other schedulers.
     * @return next process index, or -1.
     */
    int next(int s, boolean steal);

    /**
     * Owner only: sleep until woken or the timeout passes. While some other online scheduler is
     * awake, one sleeper (the watcher) sleeps at most {@link #WATCH_NANOS} so a stalled scheduler
     * is noticed.
     *
     * @param s            scheduler.
     * @param timeoutNanos &lt; 0 for no timeout.
     * @return true when it returned at once because work was visible.
     */
    boolean park(int s, long timeoutNanos);

    /** Any thread. @param s scheduler to wake */
    void unpark(int s);

    /** @param n schedulers that may steal, be stolen from and watch (clamped to 1..count) */
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

    /**
     * @param s     scheduler index to check.
     * @param count schedulers.
     * @throws IllegalArgumentException naming the bad index.
     */
    static void checkScheduler(final int s, final int count)
    {
        if (s < 0 || s >= count)
        {
            throw new IllegalArgumentException("scheduler " + s + " out of range [0, " + count + ")");
        }
    }

    /**
     * @param prio priority to check, optionally | {@link #BOUND}.
     * @throws IllegalArgumentException naming the bad priority.
     */
    static void checkPriority(final int prio)
    {
        if ((prio & ~BOUND) >>> 2 != 0)
        {
            throw new IllegalArgumentException("priority " + prio + " is not 0..3, optionally | BOUND (4)");
        }
    }
}
