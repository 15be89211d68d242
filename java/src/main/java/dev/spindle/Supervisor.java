package dev.spindle;

import dev.spindle.internal.messages.ExemptMessage;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * OTP-style supervision. A supervisor is a process body that traps exits, starts its children
 * linked, in order, and restarts them by its strategy when they exit:
 *
 * <pre>{@code
 * Pid sup = node.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(5),
 *     new Supervisor.ChildSpec("db", Db::run, Supervisor.Restart.PERMANENT),
 *     new Supervisor.ChildSpec("cache", Cache::run, Supervisor.Restart.TRANSIENT)));
 * // in a process:
 * Pid audit = Supervisor.startChild(sup, new Supervisor.ChildSpec("audit", Audit::run, Supervisor.Restart.PERMANENT), T);
 * List<Supervisor.ChildInfo> children = Supervisor.whichChildren(sup, T);
 * Supervisor.terminateChild(sup, "cache", T);
 * }</pre>
 *
 * More than {@code maxRestarts} restarts within {@code period} and the supervisor stops all
 * children (in reverse start order) and exits with {@link Reason#SHUTDOWN}. An exit signal from
 * anything but a child (its parent's death through the link made by {@code spawnLink}, or
 * {@code exit(sup, reason)}) also stops the children and ends it with that reason, unless the
 * reason is {@link Reason#NORMAL}, which is ignored as a non-trapping process would.
 *
 * <p>A running supervisor answers calls ({@link #startChild}, {@link #terminateChild},
 * {@link #restartChild}, {@link #deleteChild}, {@link #whichChildren}) between restarts, with
 * OTP's semantics; refusals are {@link SupervisorException}s. It logs, through
 * {@link System.Logger} {@code dev.spindle.supervisor}, OTP's supervisor reports: a child that
 * exited and was restarted or, with an abnormal reason, was not ({@code child_terminated},
 * ERROR), giving up after too many restarts ({@code shutdown}, ERROR), and a child that did not
 * stop with {@code shutdown} when told to ({@code shutdown_error}, ERROR). See docs/supervisors.md.
 */
public final class Supervisor
{
    /** How long a child gets to stop after {@code shutdown} before it is killed. */
    public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger("dev.spindle.supervisor");

    private Supervisor()
    {
    }

    /** Which children restart when one exits. */
    public enum Strategy
    {
        /** Only that child. */
        ONE_FOR_ONE,
        /** All children: the others are stopped (reverse order) and all restarted in order. */
        ONE_FOR_ALL,
        /** That child and those started after it. */
        REST_FOR_ONE
    }

    /** When a child is restarted. */
    public enum Restart
    {
        /** Always. */
        PERMANENT,
        /** Only after an abnormal exit (not normal, not shutdown). */
        TRANSIENT,
        /** Never; the supervisor forgets it once it has exited. */
        TEMPORARY
    }

    /**
     * A child.
     *
     * @param id      unique within the supervisor.
     * @param body    its code.
     * @param restart when to restart it.
     */
    public record ChildSpec(String id, ProcessBody body, Restart restart)
    {
        /** Checks the arguments. */
        public ChildSpec
        {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(restart, "restart");
        }
    }

    /**
     * A child as {@link #whichChildren} reports it (OTP's {@code which_children}).
     *
     * @param id      its id.
     * @param pid     its pid, or null when it is not running (it exited and was not restarted,
     *                or was terminated with {@link #terminateChild}).
     * @param restart its restart type.
     */
    public record ChildInfo(String id, Pid pid, Restart restart)
    {
    }

    /**
     * @param strategy    restart strategy.
     * @param maxRestarts restarts allowed within {@code period} (>= 0).
     * @param period      the intensity window, positive.
     * @param children    children, started in this order.
     * @return the supervisor's process body.
     */
    public static ProcessBody of(final Strategy strategy, final int maxRestarts, final Duration period, final ChildSpec... children)
    {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero())
        {
            throw new IllegalArgumentException("the restart period must be positive, was " + period);
        }
        if (maxRestarts < 0)
        {
            throw new IllegalArgumentException("maxRestarts must be >= 0, was " + maxRestarts);
        }
        Objects.requireNonNull(children, "children");
        for (int i = 0; i < children.length; i++)
        {
            Objects.requireNonNull(children[i], "children[" + i + "]");
        }
        final List<ChildSpec> specs = List.of(children.clone());
        for (int i = 0; i < specs.size(); i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (specs.get(i).id().equals(specs.get(j).id()))
                {
                    throw new IllegalArgumentException("duplicate child id '" + specs.get(i).id() + "'");
                }
            }
        }
        return () -> new Run(strategy, maxRestarts, period, specs).loop();
    }

    // ---- calls to a running supervisor (OTP's start_child, terminate_child, ...) ----

    /**
     * How a helper reaches the supervisor: {@link Proc#call} from a process. Each helper has a
     * package-private form taking this, so a plain thread's variant is one overload passing the
     * node's call (e.g. {@code startChild(node::call, sup, spec, timeout)}); the rest is shared.
     */
    @FunctionalInterface
    interface Caller
    {
        Object call(Pid server, Object request, Duration timeout);
    }

    private record StartChild(ChildSpec spec) implements ExemptMessage // carries code, as spawn's body does
    {
    }

    private record TerminateChild(String id)
    {
    }

    private record RestartChild(String id)
    {
    }

    private record DeleteChild(String id)
    {
    }

    private enum WhichChildren
    {
        REQUEST
    }

    private enum Done
    {
        OK
    }

    /** A refusal, turned into a {@link SupervisorException} on the caller's side. */
    private record Refused(SupervisorException.Kind kind, String id, Pid child)
    {
    }

    /**
     * In a process: adds a child to a running supervisor and starts it, last in start order (so
     * {@link Strategy#ONE_FOR_ALL} and {@link Strategy#REST_FOR_ONE} treat it as started after
     * the others). It is then supervised like the children given to {@link #of}.
     *
     * @param supervisor the supervisor.
     * @param spec       the child; its id must be new to the supervisor.
     * @param timeout    how long to wait for the answer.
     * @return the child's pid.
     * @throws SupervisorException  {@link SupervisorException.Kind#ALREADY_STARTED} or
     *                              {@link SupervisorException.Kind#ALREADY_PRESENT} when the id is taken.
     * @throws CallFailedException  when the supervisor is not alive (or exits first).
     * @throws CallTimeoutException when it did not answer in time (it may still add the child).
     */
    public static Pid startChild(final Pid supervisor, final ChildSpec spec, final Duration timeout)
    {
        return startChild(Proc::call, supervisor, spec, timeout);
    }

    static Pid startChild(final Caller caller, final Pid supervisor, final ChildSpec spec, final Duration timeout)
    {
        Objects.requireNonNull(spec, "spec");
        return (Pid)ask(caller, supervisor, new StartChild(spec), timeout);
    }

    /**
     * In a process: stops a child in order ({@code shutdown}, then {@code kill} after
     * {@link #SHUTDOWN_TIMEOUT}) and does not restart it. Its spec is kept, so that
     * {@link #restartChild} can start it again (and a later {@link Strategy#ONE_FOR_ALL} or
     * {@link Strategy#REST_FOR_ONE} restart of its siblings starts it too, as in OTP), except for a
     * {@link Restart#TEMPORARY} child, which is forgotten. A child that is not running is left as
     * it is.
     *
     * @param supervisor the supervisor.
     * @param id         the child's id.
     * @param timeout    how long to wait (stopping a child may take {@link #SHUTDOWN_TIMEOUT}).
     * @throws SupervisorException  {@link SupervisorException.Kind#NOT_FOUND}.
     * @throws CallFailedException  when the supervisor is not alive (or exits first).
     * @throws CallTimeoutException when it did not answer in time.
     */
    public static void terminateChild(final Pid supervisor, final String id, final Duration timeout)
    {
        terminateChild(Proc::call, supervisor, id, timeout);
    }

    static void terminateChild(final Caller caller, final Pid supervisor, final String id, final Duration timeout)
    {
        ask(caller, supervisor, new TerminateChild(Objects.requireNonNull(id, "id")), timeout);
    }

    /**
     * In a process: starts again a child that is not running (terminated, or exited and not
     * restarted), in its place in the start order. Not counted against the restart intensity.
     *
     * @param supervisor the supervisor.
     * @param id         the child's id.
     * @param timeout    how long to wait.
     * @return the child's new pid.
     * @throws SupervisorException  {@link SupervisorException.Kind#NOT_FOUND} or
     *                              {@link SupervisorException.Kind#RUNNING}.
     * @throws CallFailedException  when the supervisor is not alive (or exits first).
     * @throws CallTimeoutException when it did not answer in time.
     */
    public static Pid restartChild(final Pid supervisor, final String id, final Duration timeout)
    {
        return restartChild(Proc::call, supervisor, id, timeout);
    }

    static Pid restartChild(final Caller caller, final Pid supervisor, final String id, final Duration timeout)
    {
        return (Pid)ask(caller, supervisor, new RestartChild(Objects.requireNonNull(id, "id")), timeout);
    }

    /**
     * In a process: forgets the spec of a child that is not running.
     *
     * @param supervisor the supervisor.
     * @param id         the child's id.
     * @param timeout    how long to wait.
     * @throws SupervisorException  {@link SupervisorException.Kind#NOT_FOUND} or
     *                              {@link SupervisorException.Kind#RUNNING}.
     * @throws CallFailedException  when the supervisor is not alive (or exits first).
     * @throws CallTimeoutException when it did not answer in time.
     */
    public static void deleteChild(final Pid supervisor, final String id, final Duration timeout)
    {
        deleteChild(Proc::call, supervisor, id, timeout);
    }

    static void deleteChild(final Caller caller, final Pid supervisor, final String id, final Duration timeout)
    {
        ask(caller, supervisor, new DeleteChild(Objects.requireNonNull(id, "id")), timeout);
    }

    /**
     * In a process: the supervisor's children in start order, with their pids now.
     *
     * @param supervisor the supervisor.
     * @param timeout    how long to wait.
     * @return an immutable list.
     * @throws CallFailedException  when the supervisor is not alive (or exits first).
     * @throws CallTimeoutException when it did not answer in time.
     */
    public static List<ChildInfo> whichChildren(final Pid supervisor, final Duration timeout)
    {
        return whichChildren(Proc::call, supervisor, timeout);
    }

    @SuppressWarnings("unchecked")
    static List<ChildInfo> whichChildren(final Caller caller, final Pid supervisor, final Duration timeout)
    {
        return (List<ChildInfo>)ask(caller, supervisor, WhichChildren.REQUEST, timeout);
    }

    // ---- the same from any thread (an HTTP handler, an admin endpoint): through node.call ----

    /**
     * {@link #startChild(Pid, ChildSpec, Duration)} from any thread.
     *
     * @param node       the supervisor's node.
     * @param supervisor the supervisor.
     * @param spec       the child.
     * @param timeout    how long to wait.
     * @return the child's pid.
     */
    public static Pid startChild(final Node node, final Pid supervisor, final ChildSpec spec, final Duration timeout)
    {
        return startChild(caller(node), supervisor, spec, timeout);
    }

    /**
     * {@link #terminateChild(Pid, String, Duration)} from any thread.
     *
     * @param node       the supervisor's node.
     * @param supervisor the supervisor.
     * @param id         the child's id.
     * @param timeout    how long to wait.
     */
    public static void terminateChild(final Node node, final Pid supervisor, final String id, final Duration timeout)
    {
        terminateChild(caller(node), supervisor, id, timeout);
    }

    /**
     * {@link #restartChild(Pid, String, Duration)} from any thread.
     *
     * @param node       the supervisor's node.
     * @param supervisor the supervisor.
     * @param id         the child's id.
     * @param timeout    how long to wait.
     * @return the child's new pid.
     */
    public static Pid restartChild(final Node node, final Pid supervisor, final String id, final Duration timeout)
    {
        return restartChild(caller(node), supervisor, id, timeout);
    }

    /**
     * {@link #deleteChild(Pid, String, Duration)} from any thread.
     *
     * @param node       the supervisor's node.
     * @param supervisor the supervisor.
     * @param id         the child's id.
     * @param timeout    how long to wait.
     */
    public static void deleteChild(final Node node, final Pid supervisor, final String id, final Duration timeout)
    {
        deleteChild(caller(node), supervisor, id, timeout);
    }

    /**
     * {@link #whichChildren(Pid, Duration)} from any thread.
     *
     * @param node       the supervisor's node.
     * @param supervisor the supervisor.
     * @param timeout    how long to wait.
     * @return an immutable list.
     */
    public static List<ChildInfo> whichChildren(final Node node, final Pid supervisor, final Duration timeout)
    {
        return whichChildren(caller(node), supervisor, timeout);
    }

    private static Caller caller(final Node node)
    {
        Objects.requireNonNull(node, "node");
        return node::call;
    }

    private static Object ask(final Caller caller, final Pid supervisor, final Object request, final Duration timeout)
    {
        Objects.requireNonNull(supervisor, "supervisor");
        Objects.requireNonNull(timeout, "timeout");
        final Object reply = caller.call(supervisor, request, timeout);
        if (reply instanceof Refused r)
        {
            throw new SupervisorException(r.kind(), supervisor, r.id(), r.child());
        }
        return reply;
    }

    // ---- the supervisor process ----

    /** A child the supervisor knows: its spec, and its pid while it runs. */
    private static final class Child
    {
        final ChildSpec spec;
        Pid pid;

        Child(final ChildSpec spec)
        {
            this.spec = spec;
        }

        String id()
        {
            return spec.id();
        }

        Restart restart()
        {
            return spec.restart();
        }
    }

    /** The supervisor's state; only its process touches it. */
    private static final class Run
    {
        private final Strategy strategy;
        private final int maxRestarts;
        private final Duration period;
        private final List<ChildSpec> initial;
        private final List<Child> children = new ArrayList<>(); // start order
        private final Map<String, Child> byId = new HashMap<>();
        private final Map<Pid, Child> byPid = new HashMap<>();
        private final Deque<Long> restarts = new ArrayDeque<>();
        private Pid self;

        Run(final Strategy strategy, final int maxRestarts, final Duration period, final List<ChildSpec> initial)
        {
            this.strategy = strategy;
            this.maxRestarts = maxRestarts;
            this.period = period;
            this.initial = initial;
        }

        void loop()
        {
            self = Proc.self();
            Proc.trapExit(true);
            for (final ChildSpec spec : initial)
            {
                start(add(spec));
            }
            for (;;)
            {
                final Object m = Proc.receive();
                if (m instanceof Exit exit)
                {
                    exited(exit);
                }
                else if (m instanceof Call call)
                {
                    answer(call);
                }
                else
                {
                    LOG.log(Level.WARNING, () -> "supervisor " + self + ": unexpected message ignored: " + m);
                }
            }
        }

        // ---- exits ----

        private void exited(final Exit exit)
        {
            final Child c = byPid.get(exit.from());
            final Object reason = exit.reason();
            if (c == null)
            {
                if (reason == Reason.NORMAL)
                {
                    return; // a linked helper that finished: no reason to take the tree down
                }
                LOG.log(Level.INFO, () -> "supervisor " + self + ": exit signal from " + exit.from() + " with reason " + reason +
                    ": stopping all children and exiting with that reason");
                stopAll();
                Proc.exit(reason); // its parent died, or exit(sup, reason): go down with it
            }
            final Pid old = c.pid;
            stopped(c);
            if (!restartWanted(c.restart(), reason))
            {
                if (abnormal(reason))
                {
                    LOG.log(Level.ERROR, () -> "supervisor " + self + ": child_terminated: child '" + c.id() + "' " + old +
                        " exited with reason " + reason + "; not restarted (" + c.restart() + ")");
                }
                if (c.restart() == Restart.TEMPORARY)
                {
                    forget(c);
                }
                return;
            }
            if (!allowRestart())
            {
                LOG.log(Level.ERROR, () -> "supervisor " + self + ": shutdown: reached_max_restart_intensity (more than " + maxRestarts +
                    " restarts within " + period + "): child '" + c.id() + "' " + old + " exited with reason " + reason +
                    "; stopping all children and exiting with shutdown");
                stopAll();
                Proc.exit(Reason.SHUTDOWN);
            }
            final String others = switch (strategy)
            {
                case ONE_FOR_ONE ->
                {
                    start(c);
                    yield "";
                }
                case ONE_FOR_ALL -> restartFrom(0, c);
                case REST_FOR_ONE -> restartFrom(children.indexOf(c), c);
            };
            LOG.log(Level.ERROR, () -> "supervisor " + self + ": child_terminated: child '" + c.id() + "' " + old +
                " exited with reason " + reason + "; restarted as " + c.pid + others);
        }

        /**
         * Stops the children from {@code first} on (reverse order) and starts them again in order,
         * but for the temporary ones, which are forgotten.
         *
         * @return what happened to the others, for the log.
         */
        private String restartFrom(final int first, final Child failed)
        {
            final List<Child> affected = List.copyOf(children.subList(first, children.size()));
            final Map<Child, Pid> before = new HashMap<>();
            for (int k = affected.size() - 1; k >= 0; k--)
            {
                final Child c = affected.get(k);
                if (c.pid != null)
                {
                    before.put(c, c.pid);
                }
                stop(c);
            }
            final StringJoiner others = new StringJoiner(", ", "; " + strategy.name().toLowerCase() + " also restarted ", "");
            others.setEmptyValue("");
            for (final Child c : affected)
            {
                if (c == failed)
                {
                    start(c);
                }
                else if (c.restart() == Restart.TEMPORARY)
                {
                    forget(c);
                    others.add("'" + c.id() + "' " + before.get(c) + " -> stopped (temporary)");
                }
                else
                {
                    start(c);
                    others.add("'" + c.id() + "' " + before.get(c) + " -> " + c.pid);
                }
            }
            return others.toString();
        }

        private static boolean restartWanted(final Restart restart, final Object reason)
        {
            return switch (restart)
            {
                case PERMANENT -> true;
                case TEMPORARY -> false;
                case TRANSIENT -> abnormal(reason);
            };
        }

        private static boolean abnormal(final Object reason)
        {
            return reason != Reason.NORMAL && reason != Reason.SHUTDOWN;
        }

        private boolean allowRestart()
        {
            final long now = System.nanoTime();
            restarts.addLast(now);
            while (!restarts.isEmpty() && now - restarts.peekFirst() > period.toNanos())
            {
                restarts.removeFirst();
            }
            return restarts.size() <= maxRestarts;
        }

        // ---- calls ----

        private void answer(final Call call)
        {
            final Object reply = switch (call.request())
            {
                case StartChild r -> startChild(r.spec());
                case TerminateChild r -> terminateChild(r.id());
                case RestartChild r -> restartChild(r.id());
                case DeleteChild r -> deleteChild(r.id());
                case WhichChildren r -> whichChildren();
                default -> null;
            };
            if (reply == null)
            {
                LOG.log(Level.WARNING, () -> "supervisor " + self + ": unexpected call from " + call.from() + " ignored: " + call.request());
                return;
            }
            Proc.reply(call, reply);
        }

        private Object startChild(final ChildSpec spec)
        {
            final Child existing = byId.get(spec.id());
            if (existing != null)
            {
                return existing.pid != null ?
                    new Refused(SupervisorException.Kind.ALREADY_STARTED, spec.id(), existing.pid) :
                    new Refused(SupervisorException.Kind.ALREADY_PRESENT, spec.id(), null);
            }
            final Child c = add(spec);
            start(c);
            LOG.log(Level.DEBUG, () -> "supervisor " + self + ": started child '" + c.id() + "' " + c.pid);
            return c.pid;
        }

        private Object terminateChild(final String id)
        {
            final Child c = byId.get(id);
            if (c == null)
            {
                return new Refused(SupervisorException.Kind.NOT_FOUND, id, null);
            }
            final Pid old = c.pid;
            stop(c);
            if (c.restart() == Restart.TEMPORARY)
            {
                forget(c);
            }
            LOG.log(Level.DEBUG, () -> "supervisor " + self + ": terminated child '" + id + "' " + old);
            return Done.OK;
        }

        private Object restartChild(final String id)
        {
            final Child c = byId.get(id);
            if (c == null)
            {
                return new Refused(SupervisorException.Kind.NOT_FOUND, id, null);
            }
            if (c.pid != null)
            {
                return new Refused(SupervisorException.Kind.RUNNING, id, c.pid);
            }
            start(c);
            return c.pid;
        }

        private Object deleteChild(final String id)
        {
            final Child c = byId.get(id);
            if (c == null)
            {
                return new Refused(SupervisorException.Kind.NOT_FOUND, id, null);
            }
            if (c.pid != null)
            {
                return new Refused(SupervisorException.Kind.RUNNING, id, c.pid);
            }
            forget(c);
            return Done.OK;
        }

        private List<ChildInfo> whichChildren()
        {
            final List<ChildInfo> out = new ArrayList<>(children.size());
            for (final Child c : children)
            {
                out.add(new ChildInfo(c.id(), c.pid, c.restart()));
            }
            return List.copyOf(out);
        }

        // ---- the children table ----

        private Child add(final ChildSpec spec)
        {
            final Child c = new Child(spec);
            children.add(c);
            byId.put(spec.id(), c);
            return c;
        }

        private void forget(final Child c)
        {
            children.remove(c);
            byId.remove(c.id());
        }

        private void start(final Child c)
        {
            c.pid = Proc.spawnLink(c.spec.body());
            byPid.put(c.pid, c);
        }

        private void stopped(final Child c)
        {
            byPid.remove(c.pid);
            c.pid = null;
        }

        private void stopAll()
        {
            for (int k = children.size() - 1; k >= 0; k--)
            {
                stop(children.get(k));
            }
        }

        /**
         * Stops a running child in order: {@code shutdown}, then {@code kill} after
         * {@link #SHUTDOWN_TIMEOUT}, and waits for it to be gone. Waits on a monitor, not on the
         * link's Exit, so that a child that unlinked itself cannot hang the supervisor (as OTP's
         * supervisor does); then takes the child's Exit if it is here already (its reason is the
         * one reported) and unlinks, which drops one still on its way. After this no Exit from
         * the child remains to be mistaken for a stranger's.
         */
        private void stop(final Child c)
        {
            final Pid child = c.pid;
            if (child == null)
            {
                return;
            }
            stopped(c);
            final Ref mon = Proc.monitor(child);
            Proc.exit(child, Reason.SHUTDOWN);
            Down down = (Down)Proc.receive(m -> m instanceof Down d && d.ref().equals(mon), SHUTDOWN_TIMEOUT);
            final boolean killed = down == null;
            if (killed)
            {
                Proc.exit(child, Reason.KILL);
                down = (Down)Proc.receive(m -> m instanceof Down d && d.ref().equals(mon));
            }
            // Its Exit, if here already, carries the reason (a Down of a child found dead says noproc);
            // then unlink, so that one still on its way is dropped.
            final Exit exit = (Exit)Proc.receive(m -> m instanceof Exit e && e.from().equals(child), Duration.ZERO);
            Proc.unlink(child);
            final Object reason = exit != null ? exit.reason() : down.reason();
            if (killed)
            {
                LOG.log(Level.ERROR, () -> "supervisor " + self + ": shutdown_error: child '" + c.id() + "' " + child +
                    " did not stop within " + SHUTDOWN_TIMEOUT + " of shutdown: killed");
            }
            else if (reason != Reason.SHUTDOWN && !(reason == Reason.NORMAL && c.restart() != Restart.PERMANENT))
            {
                LOG.log(Level.ERROR, () -> "supervisor " + self + ": shutdown_error: child '" + c.id() + "' " + child +
                    " told to shut down exited with reason " + reason);
            }
        }
    }
}
