package dev.spindle.internal.signals;

import dev.spindle.Pid;
import dev.spindle.internal.process.ProcessHandle;
import dev.spindle.internal.process.ProcessTable;
import dev.spindle.internal.process.SignalState;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Registered names of one node (docs/names.md): name to pid, and the name in the holder's
 * {@link SignalState}, both changed under the holder's lock, so a process has at most one name and
 * a name at most one live holder. A holder that is exiting still appears in the map until its
 * exit path removes it; a register that finds such a holder takes the name over with an atomic
 * replace, so of two processes racing for a freed name exactly one wins.
 */
public final class Registry
{
    private final int nodeId;
    private final ProcessTable table;
    private final ConcurrentHashMap<String, Pid> names = new ConcurrentHashMap<>();

    Registry(final int nodeId, final ProcessTable table)
    {
        this.nodeId = nodeId;
        this.table = table;
    }

    /**
     * Registers a name.
     *
     * @param name non-empty.
     * @param pid  a live process of this node.
     * @throws IllegalArgumentException for an empty name, a dead or foreign pid, a pid that already
     *                                  has a name, or a name held by a live process.
     */
    public void register(final String name, final Pid pid)
    {
        if (name == null || name.isEmpty())
        {
            throw new IllegalArgumentException("a registered name must be a non-empty string");
        }
        final ProcessHandle h = pid.node() == nodeId ? table.lookup(pid) : null;
        if (h == null || h.isInbox())
        {
            throw new IllegalArgumentException("cannot register '" + name + "': " + pid + " is not a live process");
        }
        synchronized (h)
        {
            if (h.signalsClosed())
            {
                throw new IllegalArgumentException("cannot register '" + name + "': " + pid + " is not a live process");
            }
            final SignalState st = h.signals();
            if (st.name != null)
            {
                throw new IllegalArgumentException(pid + " is already registered as '" + st.name + "'");
            }
            for (;;)
            {
                final Pid holder = names.putIfAbsent(name, pid);
                if (holder == null)
                {
                    break;
                }
                if (alive(holder))
                {
                    throw new IllegalArgumentException("the name '" + name + "' is already registered to " + holder);
                }
                if (names.replace(name, holder, pid))
                {
                    break; // the holder died and its exit path has not removed the name yet
                }
            }
            st.name = name;
        }
    }

    // Without the holder's lock: register already holds the registrant's, and two registrants
    // checking each other's names must not deadlock. The exiting flag only ever turns true.
    private boolean alive(final Pid pid)
    {
        final ProcessHandle h = table.lookup(pid);
        return h != null && !h.exitingVolatile();
    }

    /**
     * @param name a name
     * @return whether it was registered
     */
    public boolean unregister(final String name)
    {
        if (name == null)
        {
            return false;
        }
        final Pid pid = names.remove(name);
        if (pid == null)
        {
            return false;
        }
        final ProcessHandle h = table.lookup(pid);
        if (h != null)
        {
            synchronized (h)
            {
                final SignalState st = h.signalsOrNull();
                if (st != null && name.equals(st.name))
                {
                    st.name = null;
                }
            }
        }
        return true;
    }

    /**
     * @param name a name
     * @return its pid, or null
     */
    public Pid whereis(final String name)
    {
        return name == null ? null : names.get(name);
    }

    /** Exit path: the dead process's name (taken from its detached state) is freed. */
    void exited(final String name, final Pid pid)
    {
        if (name != null)
        {
            names.remove(name, pid);
        }
    }
}
