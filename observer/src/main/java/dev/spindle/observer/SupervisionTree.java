package dev.spindle.observer;

import dev.spindle.Node;
import dev.spindle.Pid;
import dev.spindle.ProcessInfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the node's supervision trees from the public API alone and writes them for the page.
 *
 * <p>A supervisor ({@code Supervisor.of}) traps exits and links the children it spawns, so here a
 * supervisor is a process that traps exits and is linked to processes whose {@code parent} is it;
 * its children are those processes. Finding the top ones needs every process's info, so the node
 * is scanned a slice per frame ({@link #SCAN_PER_FRAME} processes) and the trap-exit processes
 * with links are remembered as candidates; each frame then walks down from the candidates, which
 * costs one {@code node.info} per supervisor and per link, so a child restarted since the last frame
 * shows up at once under its supervisor, marked new. Supervisors below a known one are found by
 * the walk itself; a new top-level one within a full pass of the scan (one frame up to
 * {@value #SCAN_PER_FRAME} processes, twenty frames for 100,000). A supervisor once found stays
 * one while it lives and traps exits, drawn with no children when it has none for the moment (a
 * restart under way), so that the restarted child is still marked new and counted.
 *
 * <p>Used by the sampler's thread only.
 */
final class SupervisionTree
{
    /** Processes scanned per frame for new top-level supervisors. */
    static final int SCAN_PER_FRAME = 5_000;
    /** Links of one supervisor looked at per frame. */
    static final int MAX_LINKS = 200;
    /** Children drawn per supervisor (the rest are counted). */
    static final int MAX_CHILDREN = 50;
    /** Boxes drawn in all. */
    static final int MAX_NODES = 400;
    /** How long a child that appeared under a watched supervisor stays marked new. */
    static final long NEW_MILLIS = 60_000;

    private static final Comparator<ProcessInfo> ORDER = Comparator
        .comparing((ProcessInfo p) -> p.registeredName() == null ? 1 : 0)
        .thenComparing(p -> p.registeredName() == null ? "" : p.registeredName())
        .thenComparingInt(p -> p.pid().index())
        .thenComparingInt(p -> p.pid().serial());

    private final Node node;
    private final Set<Pid> candidates = new LinkedHashSet<>();
    private List<Pid> scan = List.of();
    private int cursor;
    private boolean scannedOnce;
    /** Per supervisor, its children in the previous frame. */
    private Map<Pid, Set<Pid>> childrenSeen = new HashMap<>();
    /** Children that appeared under a supervisor already watched: when (epoch ms). */
    private final Map<Pid, Long> appeared = new HashMap<>();
    /** Per supervisor, children that appeared since it was first seen (restarts, or children added). */
    private final Map<Pid, Integer> restarts = new HashMap<>();

    SupervisionTree(final Node node)
    {
        this.node = node;
    }

    /** Looks at the next slice of processes for trap-exit processes with links. */
    void scan(final int budget)
    {
        for (int n = 0; n < budget; n++)
        {
            if (cursor >= scan.size())
            {
                if (!scan.isEmpty())
                {
                    scannedOnce = true;
                }
                scan = node.processes();
                cursor = 0;
                if (scan.isEmpty())
                {
                    scannedOnce = true;
                    return;
                }
            }
            final Pid pid = scan.get(cursor++);
            final ProcessInfo info = node.info(pid);
            if (info != null && info.trapExit() && !info.links().isEmpty())
            {
                candidates.add(pid);
            }
        }
    }

    /** A supervisor found this frame: its info, the children drawn (in order), how many more, all their pids. */
    private record Sup(ProcessInfo info, List<ProcessInfo> children, int hidden, Set<Pid> all)
    {
    }

    /**
     * Writes {@code "tree":[...], "treeScan":{...}} into an open JSON object.
     *
     * @param j   the frame.
     * @param now epoch milliseconds, for the "new" marks.
     */
    void write(final Json j, final long now)
    {
        final Map<Pid, ProcessInfo> infos = new HashMap<>();
        final Map<Pid, Sup> sups = new HashMap<>();
        final ArrayDeque<Pid> work = new ArrayDeque<>(candidates);
        final Set<Pid> visited = new HashSet<>();
        while (!work.isEmpty())
        {
            final Pid c = work.poll();
            if (!visited.add(c))
            {
                continue;
            }
            final ProcessInfo info = infos.computeIfAbsent(c, node::info);
            // A supervisor drawn last frame stays one while it lives and traps exits, even with no
            // child for the moment (its only child died and the restart is under way): forgetting
            // it would lose its children's "before" and its count, and the restart would go unseen.
            final boolean known = childrenSeen.containsKey(c);
            if (info == null || !info.trapExit() || (info.links().isEmpty() && !known))
            {
                candidates.remove(c); // gone, or no longer a supervisor's shape
                continue;
            }
            final List<ProcessInfo> kids = new ArrayList<>();
            int looked = 0;
            for (final Pid l : info.links())
            {
                if (looked++ == MAX_LINKS)
                {
                    break;
                }
                final ProcessInfo li = infos.computeIfAbsent(l, node::info);
                if (li != null && c.equals(li.parent()))
                {
                    kids.add(li);
                    if (li.trapExit() && (li.links().size() > 1 || childrenSeen.containsKey(l)))
                    {
                        work.add(l); // may supervise children of its own (or did last frame)
                    }
                }
            }
            if (!kids.isEmpty() || known)
            {
                candidates.add(c);
                kids.sort(ORDER);
                final int hidden = Math.max(0, kids.size() - MAX_CHILDREN) + Math.max(0, info.links().size() - MAX_LINKS);
                final Set<Pid> all = new HashSet<>();
                for (final ProcessInfo k : kids)
                {
                    all.add(k.pid());
                }
                sups.put(c, new Sup(info, kids.size() > MAX_CHILDREN ? List.copyOf(kids.subList(0, MAX_CHILDREN)) : kids, hidden, all));
            }
        }
        noteArrivals(sups, now);

        final List<ProcessInfo> roots = new ArrayList<>();
        for (final Sup s : sups.values())
        {
            final Pid parent = s.info().parent();
            if (parent == null || !sups.containsKey(parent))
            {
                roots.add(s.info());
            }
        }
        roots.sort(ORDER);
        j.key("tree").array();
        final int[] budget = {MAX_NODES};
        for (final ProcessInfo r : roots)
        {
            writeNode(j, r, sups, now, budget, new HashSet<>());
        }
        j.endArray();
        j.key("treeScan").object().field("complete", scannedOnce).field("scanned", cursor).field("of", scan.size())
            .field("supervisors", sups.size()).end();
    }

    private void writeNode(final Json j, final ProcessInfo p, final Map<Pid, Sup> sups, final long now, final int[] budget,
                           final Set<Pid> path)
    {
        budget[0]--;
        j.object().field("pid", p.pid().toString()).field("name", p.registeredName()).field("status", p.status())
            .field("mq", p.mailboxLength());
        final Long since = appeared.get(p.pid());
        if (since != null)
        {
            j.field("newMs", Math.max(0, now - since));
        }
        final Sup s = sups.get(p.pid());
        if (s != null && path.add(p.pid())) // path: a link cycle must not recurse forever
        {
            j.field("sup", true).field("restarts", restarts.getOrDefault(p.pid(), 0));
            j.key("children").array();
            int hidden = s.hidden();
            for (final ProcessInfo c : s.children())
            {
                if (budget[0] <= 0)
                {
                    hidden++;
                    continue;
                }
                writeNode(j, c, sups, now, budget, path);
            }
            j.endArray().field("more", hidden);
            path.remove(p.pid());
        }
        j.end();
    }

    /** Marks children that were not under their supervisor last frame (the supervisor being known then). */
    private void noteArrivals(final Map<Pid, Sup> sups, final long now)
    {
        final Map<Pid, Set<Pid>> seen = new HashMap<>();
        final Set<Pid> present = new HashSet<>();
        for (final Sup s : sups.values())
        {
            final Set<Pid> kids = s.all();
            present.addAll(kids);
            final Set<Pid> before = childrenSeen.get(s.info().pid());
            if (before != null)
            {
                for (final Pid k : kids)
                {
                    if (!before.contains(k))
                    {
                        appeared.put(k, now);
                        restarts.merge(s.info().pid(), 1, Integer::sum);
                    }
                }
            }
            seen.put(s.info().pid(), kids);
        }
        childrenSeen = seen;
        appeared.entrySet().removeIf(e -> !present.contains(e.getKey()) || now - e.getValue() > NEW_MILLIS);
        restarts.keySet().retainAll(seen.keySet());
    }
}
