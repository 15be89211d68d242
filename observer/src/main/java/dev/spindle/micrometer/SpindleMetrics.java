package dev.spindle.micrometer;

import dev.spindle.Node;
import dev.spindle.ProcessInfo;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * A node's figures as Micrometer meters, tagged {@code node=<id>} (plus any tags given):
 *
 * <pre>{@code
 * new SpindleMetrics(node).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>spindle.processes</td><td>gauge</td><td></td><td>live processes and inboxes</td></tr>
 *   <tr><td>spindle.schedulers.online</td><td>gauge</td><td></td><td>schedulers online</td></tr>
 *   <tr><td>spindle.schedulers.active</td><td>gauge</td><td></td><td>schedulers carrying work</td></tr>
 *   <tr><td>spindle.timers.pending</td><td>gauge</td><td></td><td>sendAfter and receive timers pending</td></tr>
 *   <tr><td>spindle.dirty.queued</td><td>gauge</td><td></td><td>tasks waiting for a dirty thread</td></tr>
 *   <tr><td>spindle.mailbox.depth</td><td>gauge</td><td>rank</td><td>the rank-th longest mailbox now (rank 1..N)</td></tr>
 *   <tr><td>spindle.mailbox.high.water</td><td>gauge</td><td>rank</td><td>the rank-th largest mailbox peak among the processes
 *       whose mailboxes are longest now</td></tr>
 *   <tr><td>spindle.scheduler.utilization</td><td>gauge</td><td>scheduler</td><td>fraction of time not idle (0..1), over the
 *       window since the previous read, at least one second</td></tr>
 *   <tr><td>spindle.scheduler.idle</td><td>counter, seconds</td><td>scheduler</td><td>time idle; {@code 1 - rate(idle)} is
 *       the utilization over any window</td></tr>
 *   <tr><td>spindle.scheduler.queued</td><td>gauge</td><td>scheduler, priority</td><td>run-queue length per priority</td></tr>
 *   <tr><td>spindle.scheduler.context.switches</td><td>counter</td><td>scheduler</td><td>processes resumed</td></tr>
 *   <tr><td>spindle.scheduler.steals</td><td>counter</td><td>scheduler</td><td>processes taken from other schedulers</td></tr>
 *   <tr><td>spindle.scheduler.migrations</td><td>counter</td><td>scheduler</td><td>processes handed to other schedulers</td></tr>
 *   <tr><td>spindle.scheduler.parks</td><td>counter</td><td>scheduler</td><td>times it slept</td></tr>
 *   <tr><td>spindle.scheduler.stalls</td><td>counter</td><td>scheduler</td><td>times seen stuck in one long call</td></tr>
 *   <tr><td>spindle.scheduler.errors</td><td>counter</td><td>scheduler</td><td>failures caught in its loop</td></tr>
 * </table>
 *
 * Mailboxes are ranked, not tagged by pid: pids come and go, and a tag per pid would grow the
 * registry without bound; the observer page names the processes. Meters hold the node weakly (a
 * dropped node's meters read NaN); {@link #close()} removes them from the registry. One reading of
 * the node's counters serves every meter for 100 ms, and one ranking of mailboxes for a second, so
 * a scrape costs one {@code node.stats()} and at most one {@code node.topProcesses}.
 */
public final class SpindleMetrics implements MeterBinder, AutoCloseable
{
    /** Mailboxes ranked by default. */
    public static final int DEFAULT_TOP_MAILBOXES = 5;
    private static final String[] PRIORITIES = {"max", "high", "normal", "low"};
    private static final long STATS_MAX_AGE_NANOS = 100_000_000L;
    private static final long TOP_MAX_AGE_NANOS = 1_000_000_000L;
    private static final long MIN_WINDOW_NANOS = 1_000_000_000L;

    private final java.lang.ref.WeakReference<Node> nodeRef;
    private final int nodeId;
    private final int schedulers;
    private final Tags tags;
    private final int topMailboxes;
    private final Readings readings;
    private final List<Registered> registered = new ArrayList<>();

    private record Registered(MeterRegistry registry, Meter meter)
    {
    }

    /** @param node the node to measure */
    public SpindleMetrics(final Node node)
    {
        this(node, Tags.empty());
    }

    /**
     * @param node the node to measure.
     * @param tags tags added to every meter (besides {@code node}).
     */
    public SpindleMetrics(final Node node, final Iterable<Tag> tags)
    {
        this(node, tags, DEFAULT_TOP_MAILBOXES);
    }

    /**
     * @param node         the node to measure.
     * @param tags         tags added to every meter (besides {@code node}).
     * @param topMailboxes how many of the longest mailboxes to rank (0..100).
     */
    public SpindleMetrics(final Node node, final Iterable<Tag> tags, final int topMailboxes)
    {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(tags, "tags");
        if (topMailboxes < 0 || topMailboxes > 100)
        {
            throw new IllegalArgumentException("topMailboxes must be in 0..100, was " + topMailboxes);
        }
        this.nodeRef = new java.lang.ref.WeakReference<>(node);
        this.nodeId = node.id();
        this.schedulers = node.schedulers();
        this.tags = Tags.concat(tags, "node", Integer.toString(node.id()));
        this.topMailboxes = topMailboxes;
        this.readings = new Readings(schedulers, topMailboxes);
    }

    @Override
    public void bindTo(final MeterRegistry registry)
    {
        Objects.requireNonNull(registry, "registry");
        final Node node = nodeRef.get();
        if (node == null)
        {
            throw new IllegalStateException("node " + nodeId + " is gone (no longer reachable): nothing to measure");
        }
        gauge(registry, node, "spindle.processes", "processes", "Live processes and inboxes", tags, Node::processCount);
        gauge(registry, node, "spindle.schedulers.online", "schedulers", "Schedulers online", tags, Node::schedulersOnline);
        gauge(registry, node, "spindle.schedulers.active", "schedulers", "Schedulers carrying work (compaction lets the rest sleep)",
            tags, Node::schedulersActive);
        gauge(registry, node, "spindle.timers.pending", "timers", "sendAfter and receive timers pending", tags, Node::pendingTimers);
        gauge(registry, node, "spindle.dirty.queued", "tasks", "Tasks waiting for a dirty thread", tags, Node::dirtyQueued);
        for (int r = 0; r < topMailboxes; r++)
        {
            final int rank = r;
            final Tags t = tags.and("rank", Integer.toString(r + 1));
            gauge(registry, node, "spindle.mailbox.depth", "messages", "The rank-th longest mailbox now", t,
                n -> readings.mailboxDepth(n, rank));
            gauge(registry, node, "spindle.mailbox.high.water", "messages",
                "The rank-th largest mailbox peak among the processes whose mailboxes are longest now", t,
                n -> readings.mailboxHighWater(n, rank));
        }
        for (int i = 0; i < schedulers; i++)
        {
            final int s = i;
            final Tags t = tags.and("scheduler", Integer.toString(i));
            gauge(registry, node, "spindle.scheduler.utilization", null,
                "Fraction of time not idle (0..1), over the window since the previous read, at least one second", t,
                n -> readings.utilization(n)[s]);
            counter(registry, node, "spindle.scheduler.idle", "seconds", "Time spent idle", t, n -> readings.idleNanos(n, s) / 1e9);
            for (int p = 0; p < PRIORITIES.length; p++)
            {
                final int prio = p;
                gauge(registry, node, "spindle.scheduler.queued", "processes", "Processes in its run queue, per priority",
                    t.and("priority", PRIORITIES[p]), n -> queued(readings.stats(n).get(s), prio));
            }
            counter(registry, node, "spindle.scheduler.context.switches", "processes", "Processes resumed", t,
                n -> readings.stats(n).get(s).contextSwitches());
            counter(registry, node, "spindle.scheduler.steals", "processes", "Processes taken from other schedulers", t,
                n -> readings.stats(n).get(s).stolen());
            counter(registry, node, "spindle.scheduler.migrations", "processes", "Processes handed to other schedulers", t,
                n -> readings.stats(n).get(s).migrations());
            counter(registry, node, "spindle.scheduler.parks", null, "Times it slept", t, n -> readings.stats(n).get(s).parks());
            counter(registry, node, "spindle.scheduler.stalls", null, "Times the node's monitor saw it stuck in one long call", t,
                n -> readings.stats(n).get(s).stalls());
            counter(registry, node, "spindle.scheduler.errors", null, "Failures caught in its loop", t,
                n -> readings.stats(n).get(s).errors());
        }
    }

    private static double queued(final Node.SchedulerStats s, final int priority)
    {
        return priority < s.queued().length ? s.queued()[priority] : 0;
    }

    private void gauge(final MeterRegistry registry, final Node node, final String name, final String unit, final String description,
                       final Tags t, final ToDoubleFunction<Node> f)
    {
        final Gauge g = Gauge.builder(name, node, f).tags(t).baseUnit(unit).description(description).register(registry);
        remember(registry, g);
    }

    private void counter(final MeterRegistry registry, final Node node, final String name, final String unit, final String description,
                         final Tags t, final ToDoubleFunction<Node> f)
    {
        final FunctionCounter c = FunctionCounter.builder(name, node, f).tags(t).baseUnit(unit).description(description).register(registry);
        remember(registry, c);
    }

    private synchronized void remember(final MeterRegistry registry, final Meter m)
    {
        registered.add(new Registered(registry, m));
    }

    /** Removes every meter this binder registered, from every registry it was bound to. */
    @Override
    public synchronized void close()
    {
        for (final Registered r : registered)
        {
            r.registry().remove(r.meter());
        }
        registered.clear();
    }

    /**
     * Readings shared by the meters of one binder. Holds no reference to the node (the meters pass
     * it in), so the registry does not keep a dropped node alive.
     */
    private static final class Readings
    {
        private final int top;
        private List<Node.SchedulerStats> stats;
        private long statsAt;
        private List<ProcessInfo> byDepth = List.of();
        private long[] highWaters = new long[0];
        private long topAt;
        private boolean topRead;
        private final long[] maxIdle;
        private long markAt;
        private long[] markIdle;
        private final double[] utilization;

        Readings(final int schedulers, final int top)
        {
            this.top = top;
            this.maxIdle = new long[schedulers];
            this.utilization = new double[schedulers];
        }

        synchronized List<Node.SchedulerStats> stats(final Node node)
        {
            final long now = System.nanoTime();
            if (stats == null || now - statsAt > STATS_MAX_AGE_NANOS)
            {
                stats = node.stats();
                statsAt = now;
            }
            return stats;
        }

        /**
         * Idle time never goes back here: {@code idleNanos} read while an idle period ends may count
         * that period twice for a moment, and a counter that steps back looks like a reset.
         */
        synchronized long idleNanos(final Node node, final int scheduler)
        {
            final long idle = Math.max(maxIdle[scheduler], stats(node).get(scheduler).idleNanos());
            maxIdle[scheduler] = idle;
            return idle;
        }

        synchronized double[] utilization(final Node node)
        {
            final List<Node.SchedulerStats> s = stats(node);
            final long[] idle = new long[utilization.length];
            for (int i = 0; i < idle.length; i++)
            {
                idle[i] = idleNanos(node, i);
            }
            if (markIdle == null)
            {
                markAt = statsAt;
                markIdle = idle;
            }
            else if (statsAt - markAt >= MIN_WINDOW_NANOS)
            {
                final double window = statsAt - markAt;
                for (int i = 0; i < idle.length; i++)
                {
                    utilization[i] = Math.min(1, Math.max(0, 1 - (idle[i] - markIdle[i]) / window));
                }
                markAt = statsAt;
                markIdle = idle;
            }
            return s.isEmpty() ? utilization : utilization.clone();
        }

        private void rank(final Node node)
        {
            final long now = System.nanoTime();
            if (!topRead || now - topAt > TOP_MAX_AGE_NANOS)
            {
                // Twice as many as ranked: a peak of a process just below the deepest few still counts.
                byDepth = node.topProcesses(ProcessInfo.Sort.MAILBOX, 2 * top);
                highWaters = byDepth.stream().sorted(Comparator.comparingInt(ProcessInfo::mailboxHighWater).reversed())
                    .mapToLong(ProcessInfo::mailboxHighWater).toArray();
                topAt = now;
                topRead = true;
            }
        }

        synchronized double mailboxDepth(final Node node, final int rank)
        {
            rank(node);
            return rank < byDepth.size() && rank < top ? byDepth.get(rank).mailboxLength() : 0;
        }

        synchronized double mailboxHighWater(final Node node, final int rank)
        {
            rank(node);
            return rank < highWaters.length ? highWaters[rank] : 0;
        }
    }
}
