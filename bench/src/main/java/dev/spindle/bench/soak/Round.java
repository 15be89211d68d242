package dev.spindle.bench.soak;

import dev.spindle.Down;
import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.Reason;
import dev.spindle.Ref;
import dev.spindle.SpawnOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One round on a running node, driven from a plain thread:
 * <ol>
 * <li>start the supervision tree and wait for every name;</li>
 * <li>start the accountants (producers, clients, timer processes, the chain coordinator, inbox
 *     threads) and the monkey;</li>
 * <li>for the round's length, take schedulers offline and back at random;</li>
 * <li>stop: all schedulers back online, every accountant drains and reports {@link RoundContext.Done};</li>
 * <li>shut the tree down; then no process may be left ({@code node.processCount() == 0}) and no
 *     timer ({@code node.pendingTimers() == 0});</li>
 * <li>verify the ledger.</li>
 * </ol>
 */
final class Round
{
    static final int PRODUCERS = 4;
    static final int CONSUMERS = 6;
    static final int CLIENTS = 4;
    static final int SERVERS = 4;
    static final int GROUP = 3;
    static final int TIMER_PROCESSES = 3;
    static final int INBOX_THREADS = 2;
    private static final long START_NANOS = 10_000_000_000L;
    private static final long FINISH_NANOS = 60_000_000_000L;
    private static final long SETTLE_NANOS = 10_000_000_000L;
    /** A wait this long past its timeout counts as a lost wake-up ({@link Failures#STUCK_RECEIVE}). */
    static final long STUCK_NANOS = 5_000_000_000L;
    /** --inject leak-heap: what a leaking round keeps. */
    private static final List<byte[]> LEAKED = new ArrayList<>();

    /** What a round leaves behind: numbers only, so that nothing of the round stays reachable. */
    static final class Result
    {
        int round;
        int node;
        String queues;
        double seconds;
        Map<Tally.Count, Long> counts;
        long timerLateMaxNanos;
        long[] timerLateness;
        SeqLog.Verdict pipes;
        SeqLog.Verdict calls;
        Failures failures;
        int processesLeft;
        long timersLeft;
        /** Time the whole JVM or machine stood still during the round ({@link Stalls}). */
        long stalledNanos;
        Vitals alive;
        Vitals closed;
        String loadAverage;
    }

    private Round()
    {
    }

    static Result run(final Node node, final int round, final int nodeIndex, final String queues, final SoakOptions o, final Stalls stalls)
    {
        final Result r = new Result();
        r.round = round;
        r.node = nodeIndex;
        r.queues = queues;
        final long started = System.nanoTime();
        final RoundContext ctx;
        final SplittableRandom rnd;
        try (Inbox driver = node.inbox())
        {
            ctx = new RoundContext(round, o, node, stalls, driver.pid());
            rnd = ctx.random("driver", 0);
            try
            {
                drive(node, ctx, driver, rnd, o);
            }
            catch (final RuntimeException | Error ex)
            {
                ctx.fail(Failures.UNEXPECTED, "round driver: " + ex);
            }
            if ("leak-process".equals(o.inject))
            {
                node.spawn(() -> Proc.receive()); // lives on: processCount() must catch it
            }
        }
        if ("leak-heap".equals(o.inject))
        {
            LEAKED.add(new byte[32 << 20]);
        }
        r.processesLeft = settle(node::processCount);
        if (r.processesLeft != 0)
        {
            ctx.fail(Failures.LEAK, r.processesLeft + " processes (or inboxes) still alive " + SETTLE_NANOS / 1_000_000_000L +
                " s after the round ended");
        }
        r.timersLeft = settle(node::pendingTimers);
        if (r.timersLeft != 0)
        {
            ctx.fail(Failures.LEAK, r.timersLeft + " timers still pending in the wheels after the round ended");
        }
        r.pipes = ctx.ledger.verifyPipes(ctx.failures);
        r.calls = ctx.ledger.verifyCalls(ctx.failures);
        r.counts = ctx.tally.snapshot();
        r.timerLateMaxNanos = ctx.tally.timerLateMaxNanos.get();
        r.timerLateness = new long[ctx.tally.timerLateness.length];
        for (int i = 0; i < r.timerLateness.length; i++)
        {
            r.timerLateness[i] = ctx.tally.timerLateness[i].sum();
        }
        r.failures = ctx.failures;
        r.stalledNanos = stalls.within(started, System.nanoTime());
        r.seconds = (System.nanoTime() - started) / 1e9;
        return r;
    }

    private static void drive(final Node node, final RoundContext ctx, final Inbox driver, final SplittableRandom rnd, final SoakOptions o)
    {
        final Pid top = node.spawn(Monkey.tree(ctx, CONSUMERS, SERVERS, GROUP));
        if (!awaitNames(node))
        {
            ctx.fail(Failures.TREE, "the supervision tree did not register every name within " + START_NANOS / 1_000_000_000L + " s");
        }
        final Set<String> waiting = new LinkedHashSet<>();
        final Map<String, Pid> accountants = new LinkedHashMap<>();
        final int n = node.schedulers();
        for (int i = 0; i < PRODUCERS; i++)
        {
            // bound: churn makes them run elsewhere while their scheduler is offline
            accountants.put("producer " + i, node.spawn(Pipes.producer(ctx, i, CONSUMERS), SpawnOptions.defaults().scheduler(i % n)));
        }
        for (int i = 0; i < CLIENTS; i++)
        {
            accountants.put("client " + i, node.spawn(Calls.client(ctx, i, SERVERS, GROUP)));
        }
        for (int i = 0; i < TIMER_PROCESSES; i++)
        {
            accountants.put("timer " + i, node.spawn(Timers.timerProcess(ctx, i), SpawnOptions.defaults().scheduler((i + 1) % n)));
        }
        accountants.put("chains", node.spawn(Chains.coordinator(ctx)));
        accountants.put("monkey", node.spawn(Monkey.monkey(ctx, CONSUMERS, SERVERS, GROUP), Monkey.options()));
        waiting.addAll(accountants.keySet());
        // How each one ended, for a hang report: an accountant that never reports done has died
        // (its reason says how) or is stuck (no Down).
        final Map<String, Object> ended = new java.util.concurrent.ConcurrentHashMap<>();
        for (final Map.Entry<String, Pid> e : accountants.entrySet())
        {
            node.monitor(e.getValue(), d -> ended.put(e.getKey(), d.reason()));
        }
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < INBOX_THREADS; i++)
        {
            final Thread t = Echoes.thread(ctx, node, i);
            t.start();
            threads.add(t);
            waiting.add("inbox " + i);
        }

        final long end = System.nanoTime() + (long)(o.roundSeconds() * 1e9);
        while (System.nanoTime() - end < 0)
        {
            sleepNanos(10_000_000L + rnd.nextLong(140_000_000L));
            node.schedulersOnline(1 + rnd.nextInt(n));
            ctx.tally.add(Tally.Count.CHURNS);
            watchdog(node, ctx, accountants);
        }
        node.schedulersOnline(n);
        ctx.stopping = true;

        awaitDone(ctx, driver, waiting, FINISH_NANOS, () -> watchdog(node, ctx, accountants));
        if (!waiting.isEmpty())
        {
            final StringBuilder sb = new StringBuilder();
            for (final String w : waiting)
            {
                final Pid pid = accountants.get(w);
                sb.append("\n      ").append(w).append(": ").append(pid == null ? "a thread" : pid + " " + node.info(pid))
                    .append("; waiting in: ").append(describe(ctx.watch(w), System.nanoTime()));
                final Object reason = ended.get(w);
                if (reason != null)
                {
                    sb.append("; it exited: ").append(reason instanceof Throwable t ? t + " at " + java.util.Arrays.toString(t.getStackTrace()) : reason);
                }
            }
            sb.append("\n      schedulers online ").append(node.schedulersOnline()).append(" of ").append(n).append(", pending timers ")
                .append(node.pendingTimers());
            for (final Node.SchedulerStats st : node.stats())
            {
                sb.append("\n      ").append(st);
            }
            ctx.fail(Failures.HANG, "not finished " + FINISH_NANOS / 1_000_000_000L + " s after the round stopped: " + waiting + sb);
        }
        if (node.info(top) == null)
        {
            ctx.fail(Failures.TREE, "the top supervisor " + top + " died during the round");
        }
        else
        {
            final Pid closer = node.spawn(() ->
            {
                final Ref ref = Proc.monitor(top);
                Proc.exit(top, Reason.SHUTDOWN);
                final Object d = Proc.receive(m -> m instanceof Down down && down.ref().equals(ref), Duration.ofSeconds(60));
                Proc.send(ctx.driver, new RoundContext.Done(d == null ? "closer timed out" : "closer"));
            });
            final Set<String> close = new LinkedHashSet<>(List.of("closer"));
            awaitDone(ctx, driver, close, 90_000_000_000L, () -> { });
            if (!close.isEmpty())
            {
                ctx.fail(Failures.HANG, "the supervision tree did not shut down (closer " + closer + ")");
            }
        }
        for (final Thread t : threads)
        {
            try
            {
                t.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive())
            {
                ctx.fail(Failures.HANG, "thread " + t.getName() + " did not end");
            }
        }
    }

    private static boolean awaitNames(final Node node)
    {
        final List<String> names = new ArrayList<>(List.of(Monkey.SUPERVISORS));
        for (int i = 0; i < CONSUMERS; i++)
        {
            names.add(Pipes.consumerName(i));
        }
        for (int i = 0; i < SERVERS; i++)
        {
            names.add(Calls.serverName(i));
        }
        for (int i = 0; i < GROUP; i++)
        {
            names.add(Calls.groupName(i));
        }
        final long deadline = System.nanoTime() + START_NANOS;
        while (System.nanoTime() - deadline < 0)
        {
            if (names.stream().allMatch(name -> node.whereis(name) != null))
            {
                return true;
            }
            sleepNanos(2_000_000L);
        }
        return false;
    }

    /**
     * Finds accountants whose receive with a timeout (or call) has not returned
     * {@link #STUCK_NANOS} after its timeout: a lost wake-up. Reports each such wait once and
     * sends the process a {@link RoundContext.Nudge}, a message, so that it wakes and the round
     * can finish (the failure stays reported).
     */
    private static void watchdog(final Node node, final RoundContext ctx, final Map<String, Pid> accountants)
    {
        final long now = System.nanoTime();
        for (final Map.Entry<String, Pid> e : accountants.entrySet())
        {
            final RoundContext.Watch w = ctx.watch(e.getKey());
            if (w.overdueNs(now) - ctx.stalls.within(w.startNs(), now) > STUCK_NANOS)
            {
                if (w.reportedStartNs != w.startNs())
                {
                    w.reportedStartNs = w.startNs();
                    ctx.fail(Failures.STUCK_RECEIVE, e.getKey() + " " + e.getValue() + ": " + describe(w, now) + "; " + node.info(e.getValue()) +
                        "; nudged with a message");
                }
                node.send(e.getValue(), new RoundContext.Nudge());
            }
        }
    }

    private static String describe(final RoundContext.Watch w, final long now)
    {
        final long overdue = w.overdueNs(now);
        return overdue == -1 ? "no wait with a timeout" : w.what() + " with a timeout of " + (now - w.startNs() - overdue) / 1000 +
            " us, begun " + (now - w.startNs()) / 1_000_000 + " ms ago";
    }

    /** Takes Done messages off the driver's inbox until {@code waiting} is empty or time is up; runs {@code tick} every second. */
    private static void awaitDone(final RoundContext ctx, final Inbox driver, final Set<String> waiting, final long nanos, final Runnable tick)
    {
        final long deadline = System.nanoTime() + nanos;
        while (!waiting.isEmpty())
        {
            tick.run();
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                return;
            }
            final long wait = Math.min(left, 1_000_000_000L);
            final long t0 = System.nanoTime();
            final Object m = driver.receive(Duration.ofNanos(wait));
            if (m == null)
            {
                ctx.checkWaited("driver inbox", t0, wait);
            }
            else if (m instanceof RoundContext.Done d)
            {
                if (!waiting.remove(d.who()))
                {
                    ctx.fail(Failures.UNEXPECTED, "driver got Done from '" + d.who() + "', which it was not waiting for");
                }
            }
            else
            {
                ctx.fail(Failures.UNEXPECTED, "driver got " + m);
            }
        }
    }

    /** Polls until the count is 0 (exits and timer pruning are asynchronous), at most {@link #SETTLE_NANOS}. */
    private static int settle(final java.util.function.LongSupplier count)
    {
        final long deadline = System.nanoTime() + SETTLE_NANOS;
        long c;
        while ((c = count.getAsLong()) != 0 && System.nanoTime() - deadline < 0)
        {
            sleepNanos(5_000_000L);
        }
        return (int)c;
    }

    static void sleepNanos(final long nanos)
    {
        try
        {
            Thread.sleep(nanos / 1_000_000, (int)(nanos % 1_000_000));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
