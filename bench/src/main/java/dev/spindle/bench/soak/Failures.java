package dev.spindle.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What went wrong in one round, by category, with the first few details verbatim. Safe to add to
 * from processes and threads at once.
 */
final class Failures
{
    /** A message, request or echo neither processed nor explained by a Down, an Exit or a failed call. */
    static final String LOSS = "loss";
    /** Processed more than once. */
    static final String DUPLICATE = "duplicate";
    /** Processed out of the order its sender sent it in, while both lived. */
    static final String ORDER = "order";
    /** A Down arrived before messages its process sent before dying, or after a demonitor. */
    static final String DOWN_ORDER = "down-order";
    /** A receive, call or inbox timeout returned before its time. */
    static final String EARLY_TIMEOUT = "early-timeout";
    /** A sendAfter timer arrived before its time. */
    static final String EARLY_TIMER = "early-timer";
    /** A timer never arrived although its target lived. */
    static final String LOST_TIMER = "lost-timer";
    /** A timer cancelled in time arrived anyway, or one arrived twice. */
    static final String CANCELLED_TIMER = "cancelled-timer";
    /**
     * A receive with a timeout (or a call) had not returned long after its timeout
     * ({@link Round#STUCK_NANOS}): a lost wake-up. The driver then nudges it with a message.
     */
    static final String STUCK_RECEIVE = "stuck-receive";
    /** A timer, or a receive timeout, came later than --timer-late-ms after its due time. */
    static final String LATE_TIMER = "late-timer";
    /** An exit signal did not travel along a link, or a trapping linker got no Exit. */
    static final String LINK = "link";
    /** Something did not finish in time: a process that should have ended, a drain, a call to a live server. */
    static final String HANG = "hang";
    /** The supervision tree died or did not come back. */
    static final String TREE = "tree";
    /** Processes, timers or spindle threads left after a round or a close. */
    static final String LEAK = "leak";
    /** Heap, RSS, native memory or threads grew across rounds beyond the tolerance. */
    static final String FLATNESS = "flatness";
    /** Anything else: an exception in the soak's own code, an unknown message. */
    static final String UNEXPECTED = "unexpected";

    private static final int SAMPLES = 20;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sampled = new AtomicInteger();

    void add(final String category, final String detail)
    {
        counts.computeIfAbsent(category, k -> new LongAdder()).increment();
        if (sampled.incrementAndGet() <= SAMPLES)
        {
            samples.add(category + ": " + detail);
        }
    }

    /** @return failures per category, sorted by name. */
    Map<String, Long> counts()
    {
        final Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** @return the first details, in the order they happened. */
    List<String> samples()
    {
        return new ArrayList<>(samples);
    }

    long total()
    {
        long n = 0;
        for (final LongAdder a : counts.values())
        {
            n += a.sum();
        }
        return n;
    }
}
