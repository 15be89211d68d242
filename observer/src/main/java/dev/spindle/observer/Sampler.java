package dev.spindle.observer;

import dev.spindle.Node;
import dev.spindle.Pid;
import dev.spindle.ProcessInfo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the page shows, sampled on the observer's own thread once per refresh period:
 *
 * <ul>
 *   <li>always: {@code node.stats()} into a ring of {@value #HISTORY} points (utilization per
 *       scheduler from consecutive {@code idleNanos} deltas, run-queue length per priority, process
 *       count, steals and migrations per second), so a page opened later draws the recent past;</li>
 *   <li>while a page is open ({@link Feed#watched()}): a frame with the schedulers, the top
 *       processes by reductions, mailbox and memory ({@code node.topProcesses}, {@value #TOP} each;
 *       above {@value #ALL_LISTS_UP_TO} processes one list is renewed per frame, in turn) and the
 *       supervision trees, published to the {@link Feed}.</li>
 * </ul>
 *
 * {@link #tick()} and {@link #frame()} run on the sampler thread only; {@link #hello()} (any thread)
 * reads the history under its lock.
 */
final class Sampler
{
    /** Points of history kept (five minutes at the default one per second). */
    static final int HISTORY = 300;
    /** Processes per measure in the process table. */
    static final int TOP = 25;
    /** Up to this many processes every top list is renewed every frame; above, one per frame in turn. */
    static final int ALL_LISTS_UP_TO = 20_000;
    /** Priorities, in the order of {@code SchedulerStats.queued()}. */
    static final String[] PRIORITIES = {"max", "high", "normal", "low"};

    private final Node node;
    private final Feed feed;
    private final SupervisionTree tree;
    private final long periodMillis;
    private final boolean killAllowed;
    private final int schedulers;

    // Sampler thread only.
    private List<Node.SchedulerStats> prev;
    private long prevAt;
    private long[] maxIdle;
    private double[] util;
    private double[] stealRate;
    private double[] migrationRate;
    private double[] switchRate;
    private Map<Pid, Long> prevReductions = new HashMap<>();
    /** The processes on each top list, renewed in turn on a large node. */
    private final Map<ProcessInfo.Sort, List<Pid>> members = new EnumMap<>(ProcessInfo.Sort.class);
    private int rotation;
    private long prevFrameAt;
    private String error;
    private long lastSampleWall;

    // History ring: guarded by this.
    private final long[] times = new long[HISTORY];
    private final double[][] utilHistory;
    private final long[][] queueHistory = new long[PRIORITIES.length][HISTORY];
    private final long[] processHistory = new long[HISTORY];
    private final double[] stealHistory = new double[HISTORY];
    private final double[] migrationHistory = new double[HISTORY];
    private int head;
    private int size;

    Sampler(final Node node, final Feed feed, final long periodMillis, final boolean killAllowed)
    {
        this.node = node;
        this.feed = feed;
        this.tree = new SupervisionTree(node);
        this.periodMillis = periodMillis;
        this.killAllowed = killAllowed;
        this.schedulers = node.schedulers();
        this.utilHistory = new double[schedulers][HISTORY];
        this.maxIdle = new long[schedulers];
        this.util = new double[schedulers];
        this.stealRate = new double[schedulers];
        this.migrationRate = new double[schedulers];
        this.switchRate = new double[schedulers];
    }

    /** Sampler thread: one point of history, and a frame if a page is open. Never throws. */
    void tick()
    {
        try
        {
            sample();
            error = null;
        }
        catch (final RuntimeException ex)
        {
            error = "sampling failed: " + ex; // shown on the page; the next tick tries again
        }
        if (feed.watched())
        {
            frame();
        }
    }

    private void sample()
    {
        final long now = System.nanoTime();
        final List<Node.SchedulerStats> stats = node.stats();
        if (prev != null)
        {
            final double dt = Math.max(1, now - prevAt);
            final double seconds = dt / 1e9;
            long[] queued = new long[PRIORITIES.length];
            double steals = 0;
            double migrations = 0;
            for (int i = 0; i < schedulers; i++)
            {
                final Node.SchedulerStats s = stats.get(i);
                final Node.SchedulerStats p = prev.get(i);
                // idleNanos may step back a little when read while an idle period ends: never count backwards.
                final long idle = Math.max(maxIdle[i], s.idleNanos());
                util[i] = Math.min(1, Math.max(0, 1 - (idle - maxIdle[i]) / dt));
                maxIdle[i] = idle;
                stealRate[i] = Math.max(0, s.stolen() - p.stolen()) / seconds;
                migrationRate[i] = Math.max(0, s.migrations() - p.migrations()) / seconds;
                switchRate[i] = Math.max(0, s.contextSwitches() - p.contextSwitches()) / seconds;
                steals += stealRate[i];
                migrations += migrationRate[i];
                for (int q = 0; q < queued.length && q < s.queued().length; q++)
                {
                    queued[q] += s.queued()[q];
                }
            }
            record(System.currentTimeMillis(), queued, node.processCount(), steals, migrations);
        }
        else
        {
            for (int i = 0; i < schedulers; i++)
            {
                maxIdle[i] = stats.get(i).idleNanos();
            }
        }
        prev = stats;
        prevAt = now;
    }

    private synchronized void record(final long at, final long[] queued, final long processes, final double steals, final double migrations)
    {
        times[head] = at;
        lastSampleWall = at;
        for (int i = 0; i < schedulers; i++)
        {
            utilHistory[i][head] = util[i];
        }
        for (int q = 0; q < queued.length; q++)
        {
            queueHistory[q][head] = queued[q];
        }
        processHistory[head] = processes;
        stealHistory[head] = steals;
        migrationHistory[head] = migrations;
        head = (head + 1) % HISTORY;
        size = Math.min(HISTORY, size + 1);
    }

    private synchronized long sampledAt()
    {
        return lastSampleWall;
    }

    /** @return the greeting a new page gets: the node's shape, what it may do, and the history. */
    synchronized String hello()
    {
        final Json j = new Json(16_384 + size * 64 * (schedulers + 8));
        j.object().field("node", node.id()).field("schedulers", schedulers).field("kill", killAllowed)
            .field("refreshMs", periodMillis).field("historyMax", HISTORY);
        j.key("priorities").array();
        for (final String p : PRIORITIES)
        {
            j.value(p);
        }
        j.endArray();
        j.key("history").object();
        j.key("t").array();
        for (int k = 0; k < size; k++)
        {
            j.value(times[at(k)] / 1000.0);
        }
        j.endArray();
        j.key("util").array();
        for (int i = 0; i < schedulers; i++)
        {
            j.array();
            for (int k = 0; k < size; k++)
            {
                j.value(utilHistory[i][at(k)] * 100);
            }
            j.endArray();
        }
        j.endArray();
        j.key("queued").array();
        for (final long[] q : queueHistory)
        {
            j.array();
            for (int k = 0; k < size; k++)
            {
                j.value(q[at(k)]);
            }
            j.endArray();
        }
        j.endArray();
        series(j, "processes", processHistory);
        series(j, "steals", stealHistory);
        series(j, "migrations", migrationHistory);
        j.end().end();
        return j.toString();
    }

    private int at(final int k)
    {
        return (head - size + k + HISTORY) % HISTORY;
    }

    private void series(final Json j, final String key, final long[] values)
    {
        j.key(key).array();
        for (int k = 0; k < size; k++)
        {
            j.value(values[at(k)]);
        }
        j.endArray();
    }

    private void series(final Json j, final String key, final double[] values)
    {
        j.key(key).array();
        for (int k = 0; k < size; k++)
        {
            j.value(values[at(k)]);
        }
        j.endArray();
    }

    /** Sampler thread: builds the frame a page shows now and publishes it. Never throws. */
    void frame()
    {
        try
        {
            feed.publish(buildFrame());
        }
        catch (final RuntimeException ex)
        {
            final Json j = new Json(256);
            j.object().field("t", System.currentTimeMillis() / 1000.0).field("error", "observer failed: " + ex).end();
            feed.publish(j.toString());
        }
    }

    private String buildFrame()
    {
        final long wall = System.currentTimeMillis();
        final long now = System.nanoTime();
        final Json j = new Json(32_768);
        j.object().field("t", wall / 1000.0);
        final long sampled = sampledAt();
        if (sampled > 0)
        {
            j.field("sampleT", sampled / 1000.0); // the charts' newest point: the time of the last sample
        }
        if (error != null)
        {
            j.field("error", error);
        }
        j.key("node").object().field("id", node.id()).field("schedulers", schedulers).field("online", node.schedulersOnline())
            .field("active", node.schedulersActive()).field("processes", node.processCount()).field("timers", node.pendingTimers())
            .field("dirty", node.dirtyQueued()).field("closed", node.isClosed()).end();
        writeSchedulers(j);
        writeProcesses(j, now);
        tree.scan(SupervisionTree.SCAN_PER_FRAME);
        tree.write(j, wall);
        j.end();
        return j.toString();
    }

    private void writeSchedulers(final Json j)
    {
        final List<Node.Placement> placement = node.placement();
        j.key("sched").array();
        for (int i = 0; i < schedulers; i++)
        {
            final Node.SchedulerStats s = prev == null ? null : prev.get(i);
            final Node.Placement p = placement.get(i);
            j.object().field("id", i);
            if (s != null)
            {
                j.field("online", s.online()).field("alive", s.alive()).field("util", util[i] * 100);
                j.key("queued").array();
                for (final long q : s.queued())
                {
                    j.value(q);
                }
                j.endArray();
                j.field("steals", s.stolen()).field("stealRate", stealRate[i]).field("migrations", s.migrations())
                    .field("migrationRate", migrationRate[i]).field("switchRate", switchRate[i]).field("stalls", s.stalls())
                    .field("errors", s.errors()).field("timers", s.timers());
            }
            j.field("cpu", p.requestedCpu()).field("ranOn", p.observedCpu()).field("drifts", p.drifts())
                .field("verified", p.verified()).field("pinError", p.error());
            j.end();
        }
        j.endArray();
    }

    private void writeProcesses(final Json j, final long now)
    {
        // Each topProcesses walks every process (about 3 ms per 100,000 here): on a large node one
        // measure's list is renewed per frame, in turn, and every listed process's figures are read
        // afresh with node.info (cheap), so the numbers are always current and a newcomer to a list
        // shows up within three frames.
        final boolean everyList = node.processCount() <= ALL_LISTS_UP_TO;
        final Map<Pid, ProcessInfo> fresh = new HashMap<>();
        final ProcessInfo.Sort[] sorts = ProcessInfo.Sort.values();
        for (int k = 0; k < sorts.length; k++)
        {
            final ProcessInfo.Sort sort = sorts[k];
            if (!everyList && k != rotation % sorts.length && members.containsKey(sort))
            {
                continue;
            }
            final List<Pid> list = new ArrayList<>();
            for (final ProcessInfo p : node.topProcesses(sort, TOP))
            {
                // An empty mailbox or no reductions is no reason to be listed: keep the table to what stands out.
                if (sort == ProcessInfo.Sort.MAILBOX && p.mailboxLength() == 0 || sort == ProcessInfo.Sort.REDUCTIONS && p.reductions() == 0)
                {
                    continue;
                }
                list.add(p.pid());
                fresh.put(p.pid(), p);
            }
            members.put(sort, list);
        }
        rotation++;
        final Map<Pid, ProcessInfo> rows = new LinkedHashMap<>();
        for (final List<Pid> list : members.values())
        {
            for (final Pid pid : list)
            {
                if (!rows.containsKey(pid))
                {
                    final ProcessInfo p = fresh.containsKey(pid) ? fresh.get(pid) : node.info(pid);
                    if (p != null) // null: it exited since its list was renewed
                    {
                        rows.put(pid, p);
                    }
                }
            }
        }
        final double seconds = prevFrameAt == 0 ? 0 : (now - prevFrameAt) / 1e9;
        final Map<Pid, Long> reductions = new HashMap<>();
        j.key("procs").array();
        for (final ProcessInfo p : rows.values())
        {
            reductions.put(p.pid(), p.reductions());
            final Long before = prevReductions.get(p.pid());
            j.object().field("pid", p.pid().toString()).field("name", p.registeredName()).field("status", p.status())
                .field("mq", p.mailboxLength()).field("hw", p.mailboxHighWater()).field("red", p.reductions())
                .field("rps", before == null || seconds <= 0 ? -1 : Math.max(0, p.reductions() - before) / seconds)
                .field("mem", p.memory()).field("sched", p.scheduler()).field("prio", p.priority().name().toLowerCase(java.util.Locale.ROOT))
                .field("parent", p.parent() == null ? null : p.parent().toString()).field("trap", p.trapExit())
                .field("vt", p.virtualThread()).end();
        }
        j.endArray();
        prevReductions = reductions;
        prevFrameAt = now;
    }
}
