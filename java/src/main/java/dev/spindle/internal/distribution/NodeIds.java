package dev.spindle.internal.distribution;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM-wide table of node ids, the first number of every {@link dev.spindle.Pid} and
 * {@link dev.spindle.Ref}: a small JVM-local alias. Local nodes take the next id when they start;
 * a named node binds its id to its (name, creation); every (name, creation) of another node seen in
 * a pid or ref on the wire gets an id of its own from the same counter, for as long as the JVM
 * lives. A restarted node has a new creation, so its pids get a new id and never alias the old
 * incarnation's. Ids are never reused.
 */
public final class NodeIds
{
    /**
     * A node incarnation as the wire knows it.
     *
     * @param name     the node's name.
     * @param creation chosen at random when the node starts (never 0).
     */
    public record Key(String name, int creation)
    {
    }

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ConcurrentHashMap<Key, Integer> BY_KEY = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Integer, Key> BY_ID = new ConcurrentHashMap<>();

    private NodeIds()
    {
    }

    /** @return a fresh id for a node starting in this JVM. */
    public static int newLocal()
    {
        return NEXT.getAndIncrement();
    }

    /**
     * Binds a starting named node's id to its name and a new creation, one that no pid in this JVM
     * has carried for that name.
     *
     * @param id   the node's id from {@link #newLocal()}.
     * @param name its name.
     * @return its creation.
     */
    public static int bindLocal(final int id, final String name)
    {
        for (;;)
        {
            final int creation = ThreadLocalRandom.current().nextInt();
            if (creation == 0)
            {
                continue;
            }
            final Key key = new Key(name, creation);
            if (BY_KEY.putIfAbsent(key, id) == null)
            {
                BY_ID.put(id, key);
                return creation;
            }
        }
    }

    /**
     * @param name     a node's name.
     * @param creation its creation.
     * @return its id in this JVM, made on first sight.
     */
    public static int alias(final String name, final int creation)
    {
        final Key key = new Key(name, creation);
        final Integer id = BY_KEY.get(key);
        if (id != null)
        {
            return id;
        }
        return BY_KEY.computeIfAbsent(key, k ->
        {
            final int fresh = NEXT.getAndIncrement();
            BY_ID.put(fresh, k);
            return fresh;
        });
    }

    /**
     * @param id a node id.
     * @return the node's name, or null for an unnamed local node.
     */
    public static String name(final int id)
    {
        final Key k = BY_ID.get(id);
        return k == null ? null : k.name();
    }

    /**
     * @param id a node id.
     * @return its name and creation, or null for an unnamed local node (or an id never handed out).
     */
    public static Key key(final int id)
    {
        return BY_ID.get(id);
    }
}
