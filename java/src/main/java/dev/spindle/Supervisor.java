package dev.spindle;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * OTP-style supervision. A supervisor is a process body that traps exits, starts its children
 * linked, in order, and restarts them by its strategy when they exit:
 *
 * <pre>{@code
 * Pid sup = node.spawn(Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(5),
 *     new Supervisor.ChildSpec("db", Db::run, Supervisor.Restart.PERMANENT),
 *     new Supervisor.ChildSpec("cache", Cache::run, Supervisor.Restart.TRANSIENT)));
 * }</pre>
 *
 * More than {@code maxRestarts} restarts within {@code period} and the supervisor stops all
 * children (in reverse start order) and exits with {@link Reason#SHUTDOWN}. An exit signal from
 * anything but a child (its parent's death through the link made by {@code spawnLink}, or
 * {@code exit(sup, reason)}) also stops the children and ends it with that reason, unless the
 * reason is {@link Reason#NORMAL}, which is ignored as a non-trapping process would.
 */
public final class Supervisor
{
    /** How long a child gets to stop after {@code shutdown} before it is killed. */
    public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

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
        /** Never. */
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
        return () -> new Run(strategy, maxRestarts, period.toNanos(), specs).loop();
    }

    private static final class Run
    {
        private final Strategy strategy;
        private final int maxRestarts;
        private final long periodNanos;
        private final List<ChildSpec> specs;
        private final Pid[] pids;
        private final Deque<Long> restarts = new ArrayDeque<>();

        Run(final Strategy strategy, final int maxRestarts, final long periodNanos, final List<ChildSpec> specs)
        {
            this.strategy = strategy;
            this.maxRestarts = maxRestarts;
            this.periodNanos = periodNanos;
            this.specs = specs;
            this.pids = new Pid[specs.size()];
        }

        void loop()
        {
            Proc.trapExit(true);
            for (int i = 0; i < specs.size(); i++)
            {
                pids[i] = Proc.spawnLink(specs.get(i).body());
            }
            for (;;)
            {
                final Object m = Proc.receive();
                if (!(m instanceof Exit exit))
                {
                    continue; // supervisors take no requests here
                }
                final int i = indexOf(exit.from());
                if (i < 0)
                {
                    if (exit.reason() == Reason.NORMAL)
                    {
                        continue; // a linked helper that finished: no reason to take the tree down
                    }
                    stopAll();
                    Proc.exit(exit.reason()); // its parent died, or exit(sup, reason): go down with it
                }
                pids[i] = null;
                if (!restartWanted(specs.get(i).restart(), exit.reason()))
                {
                    continue;
                }
                if (!allowRestart())
                {
                    stopAll();
                    Proc.exit(Reason.SHUTDOWN);
                }
                switch (strategy)
                {
                    case ONE_FOR_ONE -> pids[i] = Proc.spawnLink(specs.get(i).body());
                    case ONE_FOR_ALL -> restartFrom(0, i);
                    case REST_FOR_ONE -> restartFrom(i, i);
                }
            }
        }

        /** Stops children first.. (reverse order) and starts them again in order; temporary ones stay stopped. */
        private void restartFrom(final int first, final int failed)
        {
            for (int k = specs.size() - 1; k >= first; k--)
            {
                stop(k);
            }
            for (int k = first; k < specs.size(); k++)
            {
                if (k == failed || specs.get(k).restart() != Restart.TEMPORARY)
                {
                    pids[k] = Proc.spawnLink(specs.get(k).body());
                }
            }
        }

        private static boolean restartWanted(final Restart restart, final Object reason)
        {
            return switch (restart)
            {
                case PERMANENT -> true;
                case TEMPORARY -> false;
                case TRANSIENT -> reason != Reason.NORMAL && reason != Reason.SHUTDOWN;
            };
        }

        private boolean allowRestart()
        {
            final long now = System.nanoTime();
            restarts.addLast(now);
            while (!restarts.isEmpty() && now - restarts.peekFirst() > periodNanos)
            {
                restarts.removeFirst();
            }
            return restarts.size() <= maxRestarts;
        }

        private int indexOf(final Pid pid)
        {
            for (int i = 0; i < pids.length; i++)
            {
                if (pid.equals(pids[i]))
                {
                    return i;
                }
            }
            return -1;
        }

        private void stopAll()
        {
            for (int k = specs.size() - 1; k >= 0; k--)
            {
                stop(k);
            }
        }

        /** Stops child k: shutdown, then kill after the timeout; waits for its Exit. */
        private void stop(final int k)
        {
            final Pid child = pids[k];
            if (child == null)
            {
                return;
            }
            pids[k] = null;
            Proc.exit(child, Reason.SHUTDOWN);
            Object got = Proc.receive(m -> m instanceof Exit e && e.from().equals(child), SHUTDOWN_TIMEOUT);
            if (got == null)
            {
                Proc.exit(child, Reason.KILL);
                Proc.receive(m -> m instanceof Exit e && e.from().equals(child));
            }
        }
    }
}
