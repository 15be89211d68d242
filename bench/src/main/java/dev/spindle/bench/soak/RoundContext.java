package dev.spindle.bench.soak;

import dev.spindle.Down;
import dev.spindle.Node;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.Ref;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the processes and threads of one round share: the stop flag, the seeded randomness, the
 * counters, the failures, the ledger, and the pids the chaos monkey may pick from.
 */
final class RoundContext
{
    /** Sent to the round's driver inbox by each process or thread that must finish before the round ends. */
    record Done(String who)
    {
    }

    /**
     * What the driver sends a process whose receive with a timeout has not returned long after
     * its time ({@link Failures#STUCK_RECEIVE}): a message wakes it, so the round can go on.
     * Every accountant ignores it.
     */
    record Nudge()
    {
    }

    /**
     * One accountant's current wait: set before a receive with a timeout (or a call), cleared
     * after; the driver reads it to find waits that never end.
     */
    static final class Watch
    {
        final String who;
        private volatile String what;
        private volatile long startNs;
        private volatile long timeoutNs = -1;
        /** Waits already reported, so each is reported once. */
        long reportedStartNs;

        Watch(final String who)
        {
            this.who = who;
        }

        void begin(final String what, final long timeoutNs)
        {
            this.what = what;
            this.startNs = System.nanoTime();
            this.timeoutNs = timeoutNs;
        }

        void end()
        {
            timeoutNs = -1;
        }

        /** @return how far past its timeout the current wait is, ns; negative when none is overdue. */
        long overdueNs(final long now)
        {
            final long t = timeoutNs;
            return t < 0 ? -1 : now - startNs - t;
        }

        long startNs()
        {
            return startNs;
        }

        String what()
        {
            return what;
        }
    }

    final int round;
    final SoakOptions options;
    /** For diagnostics only ({@code node.info} in a failure's details). */
    final Node node;
    /** Stalls of the JVM or machine, excused from the lateness checks. */
    final Stalls stalls;
    final Pid driver;
    final Tally tally = new Tally();
    final Failures failures = new Failures();
    final Ledger ledger = new Ledger();
    /** Chain members and timer sleepers, for the monkey: stale pids are harmless (an exit to a dead pid does nothing). */
    final Targets chainTargets = new Targets(64);
    final Targets sleeperTargets = new Targets(64);
    private final Map<String, AtomicInteger> incarnations = new ConcurrentHashMap<>();
    /** Each accountant's current wait, watched by the driver. */
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    /** Set when the activity phase ends: every loop then drains and reports {@link Done}. */
    volatile boolean stopping;

    RoundContext(final int round, final SoakOptions options, final Node node, final Stalls stalls, final Pid driver)
    {
        this.round = round;
        this.node = node;
        this.stalls = stalls;
        this.options = options;
        this.driver = driver;
    }

    /**
     * A random source fixed by the seed, the round, the role and the index: a run with the same
     * seed makes the same choices in each process (the interleaving of processes still varies).
     */
    SplittableRandom random(final String role, final int index)
    {
        return new SplittableRandom(mix(mix(mix(options.seed, round), role.hashCode()), index));
    }

    /** @return 0 for the first process started under this name in this round, then 1, 2, ... */
    int incarnation(final String name)
    {
        return incarnations.computeIfAbsent(name, k -> new AtomicInteger()).getAndIncrement();
    }

    /**
     * In a process: registers the caller under {@code name}, first waiting for a previous holder
     * to die. A supervisor killed with its children restarts at once, while the old children may
     * still be on their way out (exit signals are asynchronous, on the BEAM too).
     */
    void claim(final String name)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Proc.register(name);
                return;
            }
            catch (final IllegalArgumentException taken)
            {
                final Pid old = Proc.whereis(name);
                if (old != null)
                {
                    final Ref ref = Proc.monitor(old);
                    if (Proc.receive(m -> m instanceof Down d && d.ref().equals(ref), Duration.ofSeconds(10)) == null)
                    {
                        Proc.demonitor(ref, true);
                        fail(Failures.HANG, "the previous holder " + old + " of '" + name + "' did not die within 10 s");
                    }
                }
                if (attempt == 100)
                {
                    throw taken;
                }
            }
        }
    }

    /** @return the watch of accountant {@code who}, made on first use. */
    Watch watch(final String who)
    {
        return watches.computeIfAbsent(who, Watch::new);
    }

    Map<String, Watch> watches()
    {
        return watches;
    }

    /** In a process: tells the driver this part of the round finished. */
    void done(final String who)
    {
        Proc.send(driver, new Done(who));
    }

    void fail(final String category, final String detail)
    {
        failures.add(category, "round " + round + ": " + detail);
    }

    /**
     * A timeout returned null: it must not have returned before its time.
     *
     * @param where   what waited.
     * @param startNs System.nanoTime() taken before the wait began.
     * @param timeoutNs the timeout.
     */
    void checkWaited(final String where, final long startNs, final long timeoutNs)
    {
        final long now = System.nanoTime();
        final long waited = now - startNs;
        tally.add(Tally.Count.TIMEOUTS_CHECKED);
        if (waited < timeoutNs)
        {
            fail(Failures.EARLY_TIMEOUT, where + " timed out after " + waited + " ns, before its timeout of " + timeoutNs + " ns");
        }
        else
        {
            late(where + " with a timeout of " + timeoutNs / 1000 + " us returned", startNs, now, waited - timeoutNs);
        }
    }

    /**
     * Reports {@code lateNs} of lateness beyond --timer-late-ms, less the JVM or machine stalls
     * during the wait ({@link Stalls}): a plain thread was late then too.
     *
     * @param what    what came late, for the message.
     * @param startNs when the wait began.
     * @param now     when it ended.
     * @param lateNs  how late it was.
     */
    void late(final String what, final long startNs, final long now, final long lateNs)
    {
        final long stalled = stalls.within(startNs, now);
        if (lateNs - stalled > options.timerLateMs * 1_000_000L)
        {
            fail(Failures.LATE_TIMER, what + " " + lateNs / 1_000_000 + " ms late" + (stalled > 0 ? " (" + stalled / 1_000_000 +
                " ms of it the whole JVM stalled)" : ""));
        }
    }

    static long mix(final long a, final long b)
    {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A fixed ring of recent pids of one kind; writers overwrite the oldest. */
    static final class Targets
    {
        private final AtomicReferenceArray<Pid> slots;
        private final AtomicInteger next = new AtomicInteger();

        Targets(final int size)
        {
            slots = new AtomicReferenceArray<>(size);
        }

        void add(final Pid pid)
        {
            slots.set(Math.floorMod(next.getAndIncrement(), slots.length()), pid);
        }

        /** @return a random recent pid, or null. */
        Pid pick(final SplittableRandom rnd)
        {
            return slots.get(rnd.nextInt(slots.length()));
        }
    }
}
