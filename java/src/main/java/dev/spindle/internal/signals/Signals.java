package dev.spindle.internal.signals;

import dev.spindle.Down;
import dev.spindle.Exit;
import dev.spindle.Pid;
import dev.spindle.Reason;
import dev.spindle.Ref;
import dev.spindle.internal.mailbox.Mailbox;
import dev.spindle.internal.process.ControlBlock;
import dev.spindle.internal.process.ProcessTable;
import dev.spindle.internal.timer.MessageTimer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Links, monitors, exit signals and names for one node, with the BEAM's rules
 * (docs/links.md, monitors.md, exits.md, names.md).
 *
 * <p>Delivery: a signal is put into the target's mailbox under the target's control-block lock,
 * unless the target has closed its signal path (it is exiting); then the sender gets the BEAM's
 * answer for a dead process instead (an exit signal {@code noproc} for a link, an immediate
 * {@code noproc} Down for a monitor). An exiting process closes the path under the same lock,
 * answers the requests still queued, then signals its links and monitors. Plain messages never
 * take the lock.
 */
public final class Signals
{
    private final int nodeId;
    private final ProcessTable table;
    private final Consumer<ControlBlock> wakeAfterPut;
    private final AtomicLong refs = new AtomicLong();
    private final Map<String, Pid> names = new ConcurrentHashMap<>();

    /**
     * @param nodeId       node id.
     * @param table        process table.
     * @param wakeAfterPut wakes a process after something was put in its mailbox (tryWake + enqueue).
     */
    public Signals(final int nodeId, final ProcessTable table, final Consumer<ControlBlock> wakeAfterPut)
    {
        this.nodeId = nodeId;
        this.table = table;
        this.wakeAfterPut = wakeAfterPut;
    }

    /** @return a new reference, unique in this node. */
    public Ref makeRef()
    {
        return new Ref(nodeId, refs.incrementAndGet());
    }

    private static SignalState state(final ControlBlock cb)
    {
        SignalState s = cb.signals;
        if (s == null)
        {
            s = new SignalState();
            cb.signals = s;
        }
        return s;
    }

    private ControlBlock live(final Pid pid)
    {
        return pid.node() == nodeId ? table.lookup(pid) : null;
    }

    /**
     * Sends a signal; a dead or unknown target gets the dead-process answer.
     *
     * @param to     target.
     * @param signal the signal.
     */
    public void send(final Pid to, final Signal signal)
    {
        final ControlBlock cb = live(to);
        boolean delivered = false;
        if (cb != null)
        {
            if (cb.inbox())
            {
                return; // inboxes are not processes: they take no signals
            }
            synchronized (cb)
            {
                if (!cb.signalsClosed)
                {
                    cb.mailbox.put(signal);
                    cb.addSignalPending();
                    delivered = true;
                }
            }
        }
        if (delivered)
        {
            wakeAfterPut.accept(cb);
        }
        else
        {
            answerDead(to, signal);
        }
    }

    private void answerDead(final Pid to, final Signal signal)
    {
        if (signal instanceof Signal.Link link)
        {
            send(link.from(), new Signal.ExitSignal(to, Reason.NOPROC, true));
        }
        else if (signal instanceof Signal.Monitor monitor)
        {
            send(monitor.watcher(), new Signal.DownSignal(monitor.ref(), to, Reason.NOPROC));
        }
    }

    /**
     * The owner process handles a signal it dequeued. May append a message (Exit, Down) to its
     * mailbox, or throw {@link ProcessExit}.
     *
     * @param self   the process.
     * @param signal the signal.
     */
    public static void handle(final ControlBlock self, final Signal signal)
    {
        self.signalHandled();
        final Mailbox mailbox = self.mailbox;
        synchronized (self)
        {
            final SignalState st = state(self);
            switch (signal)
            {
                case Signal.Link l -> st.links.add(l.from());
                case Signal.Unlink u -> st.links.remove(u.from());
                case Signal.Monitor m -> st.monitoredBy.put(m.ref(), m.watcher());
                case Signal.Demonitor d -> st.monitoredBy.remove(d.ref());
                case Signal.DownSignal d ->
                {
                    // Only while the monitor is active: after demonitor no Down is ever received.
                    if (st.monitoring.remove(d.ref()) != null)
                    {
                        mailbox.appendSaved(new Down(d.ref(), d.pid(), d.reason()));
                    }
                }
                case Signal.ExitSignal e ->
                {
                    if (e.viaLink())
                    {
                        if (!st.links.remove(e.from()))
                        {
                            return; // unlinked meanwhile: the link's exit signal no longer applies
                        }
                    }
                    else if (e.reason() == Reason.KILL)
                    {
                        throw new ProcessExit(Reason.KILLED); // untrappable
                    }
                    if (st.trapExit)
                    {
                        mailbox.appendSaved(new Exit(e.from(), e.reason()));
                    }
                    else if (e.reason() == Reason.NORMAL)
                    {
                        if (e.from().equals(self.pid) && !e.viaLink())
                        {
                            throw new ProcessExit(Reason.NORMAL); // exit(self(), normal) ends the caller
                        }
                    }
                    else
                    {
                        // A kill that arrives through a link is not converted to killed.
                        throw new ProcessExit(e.reason());
                    }
                }
            }
        }
    }

    /** @param self the process @param on whether to trap @return the previous value */
    public static boolean trapExit(final ControlBlock self, final boolean on)
    {
        synchronized (self)
        {
            final SignalState st = state(self);
            final boolean old = st.trapExit;
            st.trapExit = on;
            return old;
        }
    }

    /**
     * @param self caller.
     * @param to   process to link to.
     */
    public void link(final ControlBlock self, final Pid to)
    {
        if (to.equals(self.pid))
        {
            return;
        }
        synchronized (self)
        {
            if (!state(self).links.add(to))
            {
                return; // at most one link per pair
            }
        }
        send(to, new Signal.Link(self.pid));
    }

    /**
     * @param self caller.
     * @param to   process to unlink from.
     */
    public void unlink(final ControlBlock self, final Pid to)
    {
        synchronized (self)
        {
            state(self).links.remove(to);
        }
        send(to, new Signal.Unlink(self.pid));
    }

    /**
     * A link set up before the child is published, so spawnLink has no window.
     *
     * @param parent the spawning process.
     * @param child  the new process, not yet runnable.
     */
    public static void linkAtSpawn(final ControlBlock parent, final ControlBlock child)
    {
        synchronized (parent)
        {
            state(parent).links.add(child.pid);
        }
        synchronized (child)
        {
            state(child).links.add(parent.pid);
        }
    }

    /**
     * @param self caller.
     * @param to   process to monitor.
     * @return the monitor's reference.
     */
    public Ref monitor(final ControlBlock self, final Pid to)
    {
        final Ref ref = makeRef();
        synchronized (self)
        {
            state(self).monitoring.put(ref, to);
        }
        send(to, new Signal.Monitor(self.pid, ref));
        return ref;
    }

    /**
     * @param self caller.
     * @param ref  monitor.
     * @return whether it was active.
     */
    public boolean demonitor(final ControlBlock self, final Ref ref)
    {
        final Pid target;
        synchronized (self)
        {
            target = self.signals == null ? null : self.signals.monitoring.remove(ref);
        }
        if (target != null)
        {
            send(target, new Signal.Demonitor(ref));
        }
        return target != null;
    }

    /**
     * Ties a sendAfter timer to its target pid, so that the target's exit cancels it (the BEAM
     * cancels timers aimed at a pid that dies). A dead or foreign target gets the timer cancelled
     * at once: it could only be dropped when it fired.
     *
     * @param target the timer's target.
     * @param timer  the timer, already in a wheel.
     */
    public void trackTimer(final Pid target, final MessageTimer timer)
    {
        final ControlBlock cb = live(target);
        if (cb != null && !cb.inbox())
        {
            synchronized (cb)
            {
                if (!cb.signalsClosed)
                {
                    final SignalState st = state(cb);
                    List<MessageTimer> ts = st.timers;
                    if (ts == null)
                    {
                        ts = new ArrayList<>(4);
                        st.timers = ts;
                    }
                    else if (ts.size() >= st.timersPruneAt)
                    {
                        ts.removeIf(t -> !t.pending()); // amortised: runs when the list has doubled
                        st.timersPruneAt = Math.max(8, ts.size() * 2);
                    }
                    ts.add(timer);
                    return;
                }
            }
        }
        if (cb == null || !cb.inbox())
        {
            timer.cancel();
        }
    }

    /**
     * Registers a name.
     *
     * @param name non-empty.
     * @param pid  a live process of this node.
     */
    public void register(final String name, final Pid pid)
    {
        if (name == null || name.isEmpty())
        {
            throw new IllegalArgumentException("a registered name must be a non-empty string");
        }
        final ControlBlock cb = live(pid);
        if (cb == null || cb.inbox())
        {
            throw new IllegalArgumentException("cannot register '" + name + "': " + pid + " is not a live process");
        }
        synchronized (cb)
        {
            if (cb.signalsClosed)
            {
                throw new IllegalArgumentException("cannot register '" + name + "': " + pid + " is not a live process");
            }
            final SignalState st = state(cb);
            if (st.name != null)
            {
                throw new IllegalArgumentException(pid + " is already registered as '" + st.name + "'");
            }
            final Pid holder = names.putIfAbsent(name, pid);
            if (holder != null)
            {
                throw new IllegalArgumentException("the name '" + name + "' is already registered to " + holder);
            }
            st.name = name;
        }
    }

    /** @param name a name @return whether it was registered */
    public boolean unregister(final String name)
    {
        final Pid pid = names.remove(name);
        if (pid == null)
        {
            return false;
        }
        final ControlBlock cb = live(pid);
        if (cb != null)
        {
            synchronized (cb)
            {
                if (cb.signals != null && name.equals(cb.signals.name))
                {
                    cb.signals.name = null;
                }
            }
        }
        return true;
    }

    /** @param name a name @return its pid, or null */
    public Pid whereis(final String name)
    {
        return name == null ? null : names.get(name);
    }

    /**
     * The exit path, on the scheduler thread after the continuation finished.
     *
     * @param p      the process.
     * @param reason its exit reason.
     */
    public void exited(final ControlBlock p, final Object reason)
    {
        final SignalState st;
        synchronized (p)
        {
            p.signalsClosed = true;
            st = p.signals;
        }
        if (st != null && st.timers != null)
        {
            for (final MessageTimer t : st.timers)
            {
                t.cancel(); // timers to a dead pid leave their wheels (no-op for fired ones)
            }
            st.timers = null;
        }
        // Requests still queued get the dead-process answers; the rest of the mailbox is dropped.
        final List<Signal> late = new ArrayList<>();
        Object m;
        while ((m = p.mailbox.pollInbound()) != null)
        {
            if (m instanceof Signal s)
            {
                late.add(s);
            }
        }
        for (final Signal s : late)
        {
            switch (s)
            {
                case Signal.Link l ->
                {
                    if (st == null || !st.links.contains(l.from()))
                    {
                        send(l.from(), new Signal.ExitSignal(p.pid, Reason.NOPROC, true));
                    }
                }
                case Signal.Monitor mon -> send(mon.watcher(), new Signal.DownSignal(mon.ref(), p.pid, Reason.NOPROC));
                case Signal.Demonitor d ->
                {
                    if (st != null)
                    {
                        st.monitoredBy.remove(d.ref());
                    }
                }
                case Signal.Unlink u ->
                {
                    if (st != null)
                    {
                        st.links.remove(u.from());
                    }
                }
                default ->
                {
                    // exit signals and downs for a dead process have no effect
                }
            }
        }
        if (st == null)
        {
            return;
        }
        if (st.name != null)
        {
            names.remove(st.name, p.pid);
        }
        for (final Pid linked : st.links)
        {
            send(linked, new Signal.ExitSignal(p.pid, reason, true));
        }
        for (final Map.Entry<Ref, Pid> e : st.monitoredBy.entrySet())
        {
            send(e.getValue(), new Signal.DownSignal(e.getKey(), p.pid, reason));
        }
        for (final Map.Entry<Ref, Pid> e : st.monitoring.entrySet())
        {
            send(e.getValue(), new Signal.Demonitor(e.getKey())); // targets forget a dead watcher
        }
    }

    /**
     * @param cb a process.
     * @return links, monitors, monitored-by and name, copied under its lock.
     */
    public static Object[] snapshot(final ControlBlock cb)
    {
        synchronized (cb)
        {
            final SignalState st = cb.signals;
            if (st == null)
            {
                return new Object[] {List.of(), List.of(), List.of(), null, false};
            }
            return new Object[] {List.copyOf(st.links), List.copyOf(st.monitoring.values()),
                List.copyOf(st.monitoredBy.values()), st.name, st.trapExit};
        }
    }
}
