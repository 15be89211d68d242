package dev.spindle.internal.signals;

import dev.spindle.Down;
import dev.spindle.Exit;
import dev.spindle.Pid;
import dev.spindle.Reason;
import dev.spindle.Ref;
import dev.spindle.internal.mailbox.Mailbox;
import dev.spindle.internal.process.ProcessExit;
import dev.spindle.internal.process.ProcessHandle;
import dev.spindle.internal.process.ProcessTable;
import dev.spindle.internal.process.SignalState;
import dev.spindle.internal.timer.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Links, monitors, exit signals and names for one node, with the BEAM's rules
 * (docs/links.md, monitors.md, exits.md, names.md).
 *
 * <h2>Protocol</h2>
 * <ul>
 * <li>Delivery: a signal is put into the target's mailbox under the target's lock, unless the
 *     target has closed its signal path (it is exiting); then the sender gets the BEAM's answer
 *     for a dead process instead (an exit signal {@code noproc} for a link, an immediate
 *     {@code noproc} Down for a monitor). Signals ride the mailbox with messages, so everything one
 *     process sends another arrives in the order sent. Plain messages never take the lock.</li>
 * <li>Handling: the owner handles a signal when its receive dequeues it ({@link #handle}), under
 *     its own lock; that may append an {@link Exit} or {@link Down} message or end the process.</li>
 * <li>Exit: the exit path closes the signal path and takes the state out under the lock, answers
 *     the requests still queued, then signals its links and monitors; no lock is held while it
 *     signals others, so two processes exiting at once never wait on each other.</li>
 * </ul>
 */
public final class Signals
{
    private final int nodeId;
    private final ProcessTable table;
    private final Wakeup wakeup;
    private final Registry registry;
    private final AtomicLong refs = new AtomicLong();
    private volatile Remote remote; // set once, when distribution starts; read on every foreign send

    /**
     * @param nodeId node id.
     * @param table  process table.
     * @param wakeup gets a process running after a signal was put in its mailbox.
     */
    public Signals(final int nodeId, final ProcessTable table, final Wakeup wakeup)
    {
        this.nodeId = nodeId;
        this.table = table;
        this.wakeup = wakeup;
        this.registry = new Registry(nodeId, table);
    }

    /** @return this node's registered names. */
    public Registry registry()
    {
        return registry;
    }

    /**
     * Routes signals (and, through {@link #remote()}, messages) for pids of other nodes.
     *
     * @param remote the distribution layer, or null to stop routing.
     */
    public void setRemote(final Remote remote)
    {
        this.remote = remote;
    }

    /** @return where pids of other nodes are routed, or null when this node is not distributed. */
    public Remote remote()
    {
        return remote;
    }

    /** @return a new reference, unique in this node. */
    public Ref makeRef()
    {
        return new Ref(nodeId, refs.incrementAndGet());
    }

    private ProcessHandle live(final Pid pid)
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
        final Remote r;
        if (to.node() != nodeId && (r = remote) != null)
        {
            r.signal(to, signal);
            return;
        }
        final ProcessHandle h = live(to);
        boolean delivered = false;
        if (h != null)
        {
            if (h.isInbox())
            {
                toMailboxOnly(h, signal);
                return;
            }
            synchronized (h)
            {
                if (!h.signalsClosed())
                {
                    h.mailbox.put(signal);
                    h.addSignalPending();
                    delivered = true;
                }
            }
        }
        if (delivered)
        {
            wakeup.afterSignal(h);
        }
        else
        {
            answerDead(to, signal);
        }
    }

    /**
     * A plain thread's inbox (or a callback handle) has no process to handle signals as it
     * receives: they are handled here, on the sender's thread, under the handle's lock. It can
     * watch (a Down for an active monitor becomes a message) and be watched (monitors fire when it
     * closes, with reason normal); it cannot be linked to (the linker gets {@code noproc}) and exit
     * signals do not affect it.
     */
    private void toMailboxOnly(final ProcessHandle h, final Signal signal)
    {
        boolean put = false;
        boolean dead = false;
        synchronized (h)
        {
            if (h.signalsClosed())
            {
                dead = true;
            }
            else
            {
                switch (signal)
                {
                    case Signal.DownSignal d ->
                    {
                        final SignalState st = h.signalsOrNull();
                        if (st != null && st.monitoring.remove(d.ref()) != null)
                        {
                            h.mailbox.put(new Down(d.ref(), d.pid(), d.reason()));
                            put = true;
                        }
                    }
                    case Signal.Monitor m -> h.signals().monitoredBy.put(m.ref(), m.watcher());
                    case Signal.Demonitor d ->
                    {
                        final SignalState st = h.signalsOrNull();
                        if (st != null)
                        {
                            st.monitoredBy.remove(d.ref());
                        }
                    }
                    case Signal.Link l -> dead = true; // not linkable: the linker gets noproc
                    default ->
                    {
                        // exit signals and unlinks do not apply to a mailbox without a process
                    }
                }
            }
        }
        if (put)
        {
            wakeup.afterSignal(h);
        }
        else if (dead)
        {
            answerDead(h.pid, signal);
        }
    }

    /**
     * A plain thread's inbox (or a callback handle) closes: monitors on it fire with reason
     * normal, and the processes it monitors forget it.
     *
     * @param h the handle, no longer receiving.
     */
    public void closedMailboxOnly(final ProcessHandle h)
    {
        final SignalState st;
        synchronized (h)
        {
            st = h.closeSignals();
        }
        if (st == null)
        {
            return;
        }
        for (final Map.Entry<Ref, Pid> e : st.monitoredBy.entrySet())
        {
            send(e.getValue(), new Signal.DownSignal(e.getKey(), h.pid, Reason.NORMAL));
        }
        for (final Map.Entry<Ref, Pid> e : st.monitoring.entrySet())
        {
            send(e.getValue(), new Signal.Demonitor(e.getKey()));
        }
    }

    /**
     * Sets up a monitor before the child is published, so spawnMonitor has no window.
     *
     * @param parent the spawning process.
     * @param child  the new process, not yet runnable.
     * @return the monitor's reference.
     */
    public Ref monitorAtSpawn(final ProcessHandle parent, final ProcessHandle child)
    {
        final Ref ref = makeRef();
        synchronized (parent)
        {
            parent.signals().monitoring.put(ref, child.pid);
        }
        synchronized (child)
        {
            child.signals().monitoredBy.put(ref, parent.pid);
        }
        return ref;
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
    public static void handle(final ProcessHandle self, final Signal signal)
    {
        self.signalHandled();
        final Mailbox mailbox = self.mailbox;
        synchronized (self)
        {
            final SignalState st = self.signals();
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

    /**
     * @param self the process
     * @param on whether to trap
     * @return the previous value
     */
    public static boolean trapExit(final ProcessHandle self, final boolean on)
    {
        synchronized (self)
        {
            final SignalState st = self.signals();
            final boolean old = st.trapExit;
            st.trapExit = on;
            return old;
        }
    }

    /**
     * @param self caller.
     * @param to   process to link to.
     */
    public void link(final ProcessHandle self, final Pid to)
    {
        if (to.equals(self.pid))
        {
            return;
        }
        synchronized (self)
        {
            if (!self.signals().links.add(to))
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
    public void unlink(final ProcessHandle self, final Pid to)
    {
        synchronized (self)
        {
            self.signals().links.remove(to);
        }
        send(to, new Signal.Unlink(self.pid));
    }

    /**
     * A link set up before the child is published, so spawnLink has no window.
     *
     * @param parent the spawning process.
     * @param child  the new process, not yet runnable.
     */
    public static void linkAtSpawn(final ProcessHandle parent, final ProcessHandle child)
    {
        synchronized (parent)
        {
            parent.signals().links.add(child.pid);
        }
        synchronized (child)
        {
            child.signals().links.add(parent.pid);
        }
    }

    /**
     * @param self caller.
     * @param to   process to monitor.
     * @return the monitor's reference.
     */
    public Ref monitor(final ProcessHandle self, final Pid to)
    {
        return monitor(self, to, makeRef());
    }

    /**
     * As {@link #monitor(ProcessHandle, Pid)} with a reference made beforehand (a callback handle
     * must know it before the first Down can arrive).
     *
     * @param self caller.
     * @param to   process to monitor.
     * @param ref  a reference from {@link #makeRef()}.
     * @return {@code ref}.
     */
    public Ref monitor(final ProcessHandle self, final Pid to, final Ref ref)
    {
        synchronized (self)
        {
            self.signals().monitoring.put(ref, to);
        }
        send(to, new Signal.Monitor(self.pid, ref));
        return ref;
    }

    /**
     * @param self caller.
     * @param ref  monitor.
     * @return whether it was active.
     */
    public boolean demonitor(final ProcessHandle self, final Ref ref)
    {
        final Pid target;
        synchronized (self)
        {
            final SignalState st = self.signalsOrNull();
            target = st == null ? null : st.monitoring.remove(ref);
        }
        if (target != null)
        {
            send(target, new Signal.Demonitor(ref));
        }
        return target != null;
    }

    /**
     * Ties a sendAfter timer to its target pid, so that the target's exit cancels it (the BEAM
     * cancels timers aimed at a pid that dies). A dead target, or a foreign one on a node without
     * distribution, gets the timer cancelled at once: it could only be dropped when it fired. Inboxes keep their timers to the deadline.
     *
     * @param target the timer's target.
     * @param timer  the timer, already in a heap.
     */
    public void trackTimer(final Pid target, final Timer timer)
    {
        final ProcessHandle h = live(target);
        if ((h != null && h.isInbox()) || (target.node() != nodeId && remote != null))
        {
            return; // inboxes keep their timers; a remote target's node decides when it fires
        }
        if (h != null)
        {
            synchronized (h)
            {
                if (!h.signalsClosed())
                {
                    h.signals().addTimer(timer);
                    return;
                }
            }
        }
        timer.cancel();
    }

    /**
     * The exit path, on the scheduler thread after the continuation finished (or on the thread
     * that closes an inbox with signals, never).
     *
     * @param p      the process.
     * @param reason its exit reason.
     */
    public void exited(final ProcessHandle p, final Object reason)
    {
        final SignalState st;
        synchronized (p)
        {
            st = p.closeSignals(); // from here on only this thread touches st
        }
        if (st != null)
        {
            for (final Timer t : st.timers())
            {
                t.cancel(); // timers to a dead pid leave their heaps (no-op for fired ones)
            }
        }
        // Requests still queued get the dead-process answers; the rest of the mailbox is dropped.
        // Every signal was put under the lock before it closed, so a tail that has not moved from
        // head (the usual exit: nothing queued) means there is nothing to answer.
        if (p.mailbox.hasInbound())
        {
            answerLate(p, st);
        }
        if (st == null)
        {
            return;
        }
        registry.exited(st.name, p.pid);
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
     * The exit path's mailbox: drain up to now, waiting out producers of earlier messages still
     * linking their nodes (else a signal behind them would be lost), and answer the signals found
     * as a dead process would; messages are dropped.
     */
    private void answerLate(final ProcessHandle p, final SignalState st)
    {
        final List<Signal> late = new ArrayList<>();
        p.mailbox.drainForExit(m ->
        {
            if (m instanceof Signal s)
            {
                p.signalHandled();
                late.add(s);
            }
        });
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
    }

    /**
     * @param h a process.
     * @return links, monitors, monitored-by and name, copied under its lock.
     */
    public static SignalSnapshot snapshot(final ProcessHandle h)
    {
        synchronized (h)
        {
            final SignalState st = h.signalsOrNull();
            if (st == null)
            {
                return SignalSnapshot.EMPTY;
            }
            return new SignalSnapshot(List.copyOf(st.links), List.copyOf(st.monitoring.values()),
                List.copyOf(st.monitoredBy.values()), st.name, st.trapExit);
        }
    }
}
