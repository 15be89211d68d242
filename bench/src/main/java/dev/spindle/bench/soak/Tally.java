package dev.spindle.bench.soak;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one round, bumped by its processes and threads. */
final class Tally
{
    /** What is counted. The verified figures (processed, explained, unexplained) come from {@link Ledger}. */
    enum Count
    {
        PIPE_SENT, PIPE_ACKS, PIPE_DOWNS, PIPE_RETIRED,
        CALLS, CALL_OK, CALL_FAILED, CALL_FAILED_AFTER_PROCESSING, CALL_TIMEOUT, CALL_NO_SERVER, CASTS, STALE_REPLIES, BARRIERS,
        TIMERS_SET, TIMERS_FIRED, TIMERS_CANCELLED, TIMERS_CANCEL_TOO_LATE, TIMERS_BY_NAME, TIMERS_ORPHANED, TIMERS_TARGET_DIED, TIMERS_LOST,
        SLEEPERS, CHAINS, CHAINS_KILLED, CHAIN_MEMBERS_DOWN,
        ECHO_SENT, ECHO_RECEIVED,
        KILLS, KILLS_CONSUMER, KILLS_SERVER, KILLS_GROUP, KILLS_CHAIN, KILLS_SLEEPER, KILLS_SUPERVISOR, CRASHES,
        TIMEOUTS_CHECKED, CHURNS
    }

    private final Map<Count, LongAdder> counts = new EnumMap<>(Count.class);
    /** Worst lateness of a timer, ns after its due time. */
    final LongAccumulator timerLateMaxNanos = new LongAccumulator(Math::max, 0);
    /** Timers by lateness: under 2 ms, 10 ms, 100 ms, 1 s, and later. */
    final LongAdder[] timerLateness = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};

    Tally()
    {
        for (final Count c : Count.values())
        {
            counts.put(c, new LongAdder());
        }
    }

    void add(final Count c)
    {
        counts.get(c).increment();
    }

    long get(final Count c)
    {
        return counts.get(c).sum();
    }

    void timerLate(final long nanos)
    {
        timerLateMaxNanos.accumulate(nanos);
        final int bucket = nanos < 2_000_000 ? 0 : nanos < 10_000_000 ? 1 : nanos < 100_000_000 ? 2 : nanos < 1_000_000_000 ? 3 : 4;
        timerLateness[bucket].increment();
    }

    Map<Count, Long> snapshot()
    {
        final Map<Count, Long> m = new EnumMap<>(Count.class);
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
