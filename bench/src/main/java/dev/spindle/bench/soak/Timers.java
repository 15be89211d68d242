package dev.spindle.bench.soak;

import dev.spindle.Down;
import dev.spindle.Pid;
import dev.spindle.ProcessBody;
import dev.spindle.Proc;
import dev.spindle.Reason;
import dev.spindle.Ref;
import dev.spindle.TimerRef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.spindle.bench.soak.Tally.Count.*;

/**
 * {@code sendAfter} timers and their accounting. A timer process keeps a dozen timers in flight,
 * aimed at itself by pid or by its registered name, or started by a short-lived process that exits
 * at once (a timer outlives its starter), and cancels some. Every timer must arrive exactly once,
 * never before its delay has passed since it was started, unless {@code cancelTimer} returned the
 * time left (then it must never arrive). Now and then it aims timers at a sleeper, a process the
 * monkey may kill, and monitors it: the sleeper checks its timers and exits normally once it has
 * them all; a Down with another reason explains the ones it never got.
 */
final class Timers
{
    private static final int IN_FLIGHT = 12;
    private static final long MAX_DELAY_NANOS = 30_000_000L;
    /** After the round, how long a timer that should still come may take. */
    private static final long DRAIN_NANOS = 10_000_000_000L;

    /** A timer's message to its timer process. */
    record Tick(long id)
    {
    }

    /** A timer's message to a sleeper: when it was started and its delay. */
    record SleeperTick(long startNs, long delayNs)
    {
    }

    /** Tells a sleeper how many timers to wait for. */
    record Expect(int count)
    {
    }

    /** A timer in flight. */
    private record Pending(long id, long startNs, long delayNs, TimerRef ref)
    {
    }

    /** A sleeper's count of its timers; the timer process reads it when the sleeper's Down comes. */
    private static final class SleeperLog
    {
        final int expected;
        volatile int received;

        SleeperLog(final int expected)
        {
            this.expected = expected;
        }
    }

    private Timers()
    {
    }

    static String timerName(final int i)
    {
        return "soak.timer." + i;
    }

    static ProcessBody timerProcess(final RoundContext ctx, final int index)
    {
        return () -> new TimerProcess(ctx, index).run();
    }

    private static final class TimerProcess
    {
        private final RoundContext ctx;
        private final int index;
        private final String name;
        private final SplittableRandom rnd;
        private final Map<Long, Pending> pending = new HashMap<>();
        private final List<Pending> cancellable = new ArrayList<>();
        private final Set<Long> cancelled = new HashSet<>();
        private final Map<Ref, SleeperLog> sleepers = new HashMap<>();
        private final Map<Ref, Pid> sleeperPids = new HashMap<>();
        private final RoundContext.Watch watch;
        private Pid self;
        private long nextId;

        TimerProcess(final RoundContext ctx, final int index)
        {
            this.ctx = ctx;
            this.index = index;
            this.name = timerName(index);
            this.rnd = ctx.random("timer", index);
            this.watch = ctx.watch("timer " + index);
        }

        void run()
        {
            Proc.register(name);
            self = Proc.self();
            while (!ctx.stopping)
            {
                if (pending.size() < IN_FLIGHT)
                {
                    start();
                }
                if (!cancellable.isEmpty() && rnd.nextInt(5) == 0)
                {
                    cancel(cancellable.remove(rnd.nextInt(cancellable.size())));
                }
                if (rnd.nextInt(40) == 0)
                {
                    sleeper();
                }
                handle(rnd.nextLong(3_000_000));
            }
            drain();
            ctx.done("timer " + index);
        }

        private long delay()
        {
            return rnd.nextInt(5) == 0 ? 0 : rnd.nextLong(MAX_DELAY_NANOS);
        }

        private void start()
        {
            final long id = nextId++;
            final long delay = delay();
            final int kind = rnd.nextInt(10);
            final long t0 = System.nanoTime();
            TimerRef ref = null;
            if (kind == 0)
            {
                final Pid owner = self;
                Proc.spawn(() -> Proc.sendAfter(Duration.ofNanos(delay), owner, new Tick(id))); // exits at once
                ctx.tally.add(TIMERS_ORPHANED);
            }
            else if (kind <= 2)
            {
                ref = Proc.sendAfter(Duration.ofNanos(delay), name, new Tick(id));
                ctx.tally.add(TIMERS_BY_NAME);
            }
            else
            {
                ref = Proc.sendAfter(Duration.ofNanos(delay), self, new Tick(id));
            }
            final Pending p = new Pending(id, t0, delay, ref);
            pending.put(id, p);
            if (ref != null)
            {
                cancellable.add(p);
            }
            ctx.tally.add(TIMERS_SET);
        }

        private void cancel(final Pending p)
        {
            final Duration left = Proc.cancelTimer(p.ref());
            if (left != null)
            {
                pending.remove(p.id());
                cancelled.add(p.id());
                ctx.tally.add(TIMERS_CANCELLED);
            }
            else
            {
                ctx.tally.add(TIMERS_CANCEL_TOO_LATE); // it fired: it must still arrive
            }
        }

        private void sleeper()
        {
            final int n = 1 + rnd.nextInt(4);
            final SleeperLog log = new SleeperLog(n);
            final Pid pid = Proc.spawn(() -> sleep(ctx, log));
            final Ref ref = Proc.monitor(pid);
            sleepers.put(ref, log);
            sleeperPids.put(ref, pid);
            ctx.sleeperTargets.add(pid);
            for (int i = 0; i < n; i++)
            {
                final long delay = delay();
                final long t0 = System.nanoTime();
                Proc.sendAfter(Duration.ofNanos(delay), pid, new SleeperTick(t0, delay));
                ctx.tally.add(TIMERS_SET);
            }
            Proc.send(pid, new Expect(n));
            ctx.tally.add(SLEEPERS);
        }

        private void handle(final long timeoutNs)
        {
            watch.begin("receive", timeoutNs);
            final long t0 = System.nanoTime();
            final Object m = Proc.receive(Duration.ofNanos(timeoutNs));
            watch.end();
            if (m == null)
            {
                if (timeoutNs > 0)
                {
                    ctx.checkWaited("timer process " + index + " receive", t0, timeoutNs);
                }
            }
            else if (m instanceof Tick t)
            {
                onTick(t);
            }
            else if (m instanceof Down d)
            {
                onDown(d);
            }
            else if (!(m instanceof RoundContext.Nudge))
            {
                ctx.fail(Failures.UNEXPECTED, "timer process " + index + " got " + m);
            }
        }

        private void onTick(final Tick t)
        {
            final long now = System.nanoTime();
            final Pending p = pending.remove(t.id());
            if (p == null)
            {
                ctx.fail(Failures.CANCELLED_TIMER, "timer " + t.id() + " of timer process " + index + (cancelled.contains(t.id()) ?
                    " arrived although cancelTimer returned the time left" : " arrived twice"));
                return;
            }
            cancellable.remove(p);
            ctx.tally.add(TIMERS_FIRED);
            arrived(ctx, now, p.startNs(), p.delayNs(), "timer " + t.id() + " of timer process " + index);
        }

        private void onDown(final Down d)
        {
            final SleeperLog log = sleepers.remove(d.ref());
            sleeperPids.remove(d.ref());
            if (log == null)
            {
                ctx.fail(Failures.UNEXPECTED, "timer process " + index + " got " + d + " for no monitor of its own");
                return;
            }
            final int got = log.received;
            if (d.reason() == Reason.NORMAL)
            {
                if (got != log.expected)
                {
                    ctx.fail(Failures.UNEXPECTED, "sleeper " + d.pid() + " exited normally with " + got + " of " + log.expected + " timers");
                }
            }
            else
            {
                for (int i = got; i < log.expected; i++)
                {
                    ctx.tally.add(TIMERS_TARGET_DIED);
                }
            }
        }

        /** After the round: every timer still due must come, and every sleeper must end. */
        private void drain()
        {
            final long deadline = System.nanoTime() + DRAIN_NANOS;
            while (!pending.isEmpty() || !sleepers.isEmpty())
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    for (final Pending p : pending.values())
                    {
                        ctx.tally.add(TIMERS_LOST);
                        ctx.fail(Failures.LOST_TIMER, "timer " + p.id() + " of timer process " + index + " (delay " + p.delayNs() / 1000 +
                            " us" + (p.ref() == null ? ", started by an exited process" : "") + ") not there " +
                            (System.nanoTime() - p.startNs()) / 1_000_000 + " ms after it was started");
                    }
                    for (final Map.Entry<Ref, SleeperLog> e : sleepers.entrySet())
                    {
                        for (int i = e.getValue().received; i < e.getValue().expected; i++)
                        {
                            ctx.tally.add(TIMERS_LOST);
                        }
                        ctx.fail(Failures.LOST_TIMER, "sleeper " + sleeperPids.get(e.getKey()) + " got " + e.getValue().received + " of its " +
                            e.getValue().expected + " timers in " + DRAIN_NANOS / 1_000_000_000L + " s and is still alive");
                        Proc.exit(sleeperPids.get(e.getKey()), Reason.KILL);
                    }
                    return;
                }
                handle(Math.min(left, 100_000_000L));
            }
        }
    }

    /** A sleeper: waits for its timers, checks each, exits normally once it has them all. */
    private static void sleep(final RoundContext ctx, final SleeperLog log)
    {
        int expected = -1;
        int got = 0;
        while (expected < 0 || got < expected)
        {
            final Object m = Proc.receive();
            final long now = System.nanoTime();
            if (m instanceof SleeperTick t)
            {
                got++;
                log.received = got;
                ctx.tally.add(TIMERS_FIRED);
                arrived(ctx, now, t.startNs(), t.delayNs(), "timer " + got + " of sleeper " + Proc.self());
            }
            else if (m instanceof Expect e)
            {
                expected = e.count();
            }
            else
            {
                ctx.fail(Failures.UNEXPECTED, "sleeper " + Proc.self() + " got " + m);
            }
        }
        if (got > expected)
        {
            ctx.fail(Failures.CANCELLED_TIMER, "sleeper " + Proc.self() + " got " + got + " timers, " + expected + " were started");
        }
    }

    /** A timer arrived at {@code now}: never before its delay, and not later than --timer-late-ms. */
    private static void arrived(final RoundContext ctx, final long now, final long startNs, final long delayNs, final String what)
    {
        final long late = now - startNs - delayNs;
        if (late < 0)
        {
            ctx.fail(Failures.EARLY_TIMER, what + " arrived " + (-late) + " ns before its delay of " + delayNs + " ns had passed");
            return;
        }
        ctx.tally.timerLate(late);
        ctx.late(what + " (delay " + delayNs / 1000 + " us) arrived", startNs, now, late);
    }
}
