package dev.spindle.bench.actors;

import dev.spindle.CallTimeoutException;
import dev.spindle.IdleMode;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.RunQueues;
import dev.spindle.SpawnOptions;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Spindle: each actor is a process looping on {@code Proc.receive()}; the timers case's probes are
 * processes using {@code Proc.receive(Duration)}, {@code Proc.sendAfter} and {@code Proc.call}.
 */
public final class SpindleActors implements Actors, TimerProbes
{
    private static final Object STOP = new Object();

    private final String name;
    private final RunQueues kind;
    private final int[] cpus;
    private final int schedulers;
    private final IdleMode idle;
    private final boolean virtualThreads;
    private final boolean rewritesLoops;
    private final NodeConfig config;
    // Started on first use, from the bench's driver thread (cases spawn before anything sends, so
    // process and sender threads see it through spawn / Thread.start): a case that starts its own
    // nodes (timers, placement) then leaves the CPUs free for them.
    private Node node;

    /**
     * @param name   peer name.
     * @param kind   run queues.
     * @param cpus   CPUs to pin schedulers to, or null for unpinned with {@code schedulers}.
     * @param schedulers scheduler count when unpinned.
     * @param idle   idle strategy.
     */
    public SpindleActors(final String name, final RunQueues kind, final int[] cpus, final int schedulers, final IdleMode idle)
    {
        this(name, kind, cpus, schedulers, idle, false);
    }

    /**
     * @param name           peer name.
     * @param kind           run queues.
     * @param cpus           CPUs to pin schedulers to, or null for unpinned with {@code schedulers}.
     * @param schedulers     scheduler count when unpinned.
     * @param idle           idle strategy.
     * @param virtualThreads every process a virtual thread (NodeConfig.virtualThreads).
     */
    public SpindleActors(final String name, final RunQueues kind, final int[] cpus, final int schedulers, final IdleMode idle,
                         final boolean virtualThreads)
    {
        this(name, kind, cpus, schedulers, idle, virtualThreads, false);
    }

    /**
     * @param name           peer name.
     * @param kind           run queues.
     * @param cpus           CPUs to pin schedulers to, or null for unpinned with {@code schedulers}.
     * @param schedulers     scheduler count when unpinned.
     * @param idle           idle strategy.
     * @param virtualThreads every process a virtual thread (NodeConfig.virtualThreads).
     * @param rewritesLoops  run the fairness-hogs case's plain loops as the preemption agent rewrites them.
     */
    public SpindleActors(final String name, final RunQueues kind, final int[] cpus, final int schedulers, final IdleMode idle,
                         final boolean virtualThreads, final boolean rewritesLoops)
    {
        this.name = name;
        this.rewritesLoops = rewritesLoops;
        this.virtualThreads = virtualThreads;
        this.kind = kind;
        this.cpus = cpus;
        this.schedulers = schedulers;
        this.idle = idle;
        final NodeConfig.Builder b = NodeConfig.builder().runQueues(kind).idleStrategy(idle).virtualThreads(virtualThreads);
        if (cpus != null)
        {
            b.cpus(cpus);
        }
        else
        {
            b.schedulers(schedulers).pinned(false);
        }
        this.config = b.build();
    }

    /**
     * @param name peer name of the new node.
     * @param mode its idle strategy.
     * @return a new node like this one but for its idle strategy (the caller closes it).
     */
    public SpindleActors withIdle(final String name, final IdleMode mode)
    {
        return new SpindleActors(name, kind, cpus, schedulers, mode, virtualThreads, rewritesLoops);
    }

    /** @return the idle strategy of this node. */
    public IdleMode idle()
    {
        return idle;
    }

    /** @return the node (started now if it was not yet), for placement reports. */
    public Node node()
    {
        if (node == null)
        {
            node = Node.start(config);
        }
        return node;
    }

    @Override
    public String name()
    {
        return name;
    }

    private record PidRef(Pid pid) implements Ref
    {
    }

    @Override
    public Ref spawn(final Handler handler, final int placement)
    {
        final SpawnOptions options = placement >= 0 ? SpawnOptions.defaults().scheduler(placement % node().schedulers()) :
            SpawnOptions.defaults();
        final Pid pid = node().spawn(() ->
        {
            final PidRef self = new PidRef(Proc.self());
            handler.onStart(self);
            while (handler.onMessage(self, Proc.receive()))
            {
                // loop until the handler stops
            }
        }, options);
        return new PidRef(pid);
    }

    @Override
    public void tell(final Ref to, final Object msg)
    {
        node().send(((PidRef)to).pid(), msg);
    }

    @Override
    public boolean yieldNow()
    {
        Proc.yield();
        return true;
    }

    @Override
    public boolean rewritesLoops()
    {
        return rewritesLoops;
    }

    @Override
    public int schedulerOfCaller()
    {
        return Proc.schedulerId();
    }

    @Override
    public Probe probe(final TimerProbes.Kind timer, final Duration delay, final Consumer<Fired> sink)
    {
        final long nanos = delay.toNanos();
        // A call's server takes every request and never answers, so each call times out.
        final Pid server = timer != TimerProbes.Kind.CALL ? null : node().spawn(() ->
        {
            while (Proc.receive() != STOP)
            {
                // swallow the request
            }
        });
        final Pid probe = node().spawn(() ->
        {
            for (Object m = Proc.receive(); m instanceof Arm arm; m = Proc.receive())
            {
                long seq = arm.seq();
                do
                {
                    final long deadline = System.nanoTime() + nanos;
                    String error = null;
                    switch (timer)
                    {
                        case RECEIVE ->
                        {
                            final Object got = Proc.receive(delay);
                            error = got == null ? null : "receive(timeout) returned " + got;
                        }
                        case SEND_AFTER ->
                        {
                            final Object tick = new Object(); // this timer's own: a stale tick never matches
                            Proc.sendAfter(delay, Proc.self(), tick);
                            Proc.receive(x -> x == tick);
                        }
                        case CALL ->
                        {
                            try
                            {
                                error = "call answered: " + Proc.call(server, "never answered", delay);
                            }
                            catch (final CallTimeoutException expected)
                            {
                                // the timeout is what is measured
                            }
                        }
                    }
                    sink.accept(new Fired(seq++, deadline, System.nanoTime(), error));
                }
                while (arm.more().get());
            }
            if (server != null)
            {
                Proc.send(server, STOP);
            }
        });
        return new Probe()
        {
            @Override
            public void arm(final Arm arm)
            {
                node().send(probe, arm);
            }

            @Override
            public void close()
            {
                node().send(probe, STOP);
            }
        };
    }

    @Override
    public void close()
    {
        if (node != null)
        {
            node.close();
            node = null;
        }
    }
}
