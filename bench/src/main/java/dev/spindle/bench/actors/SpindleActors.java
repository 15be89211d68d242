package dev.spindle.bench.actors;

import dev.spindle.IdleMode;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.RunQueues;
import dev.spindle.SpawnOptions;

/** Spindle: each actor is a process looping on {@code Proc.receive()}. */
public final class SpindleActors implements Actors
{
    private final String name;
    private final Node node;

    /**
     * @param name   peer name.
     * @param kind   run queues.
     * @param cpus   CPUs to pin schedulers to, or null for unpinned with {@code schedulers}.
     * @param schedulers scheduler count when unpinned.
     * @param idle   idle strategy.
     */
    public SpindleActors(final String name, final RunQueues kind, final int[] cpus, final int schedulers, final IdleMode idle)
    {
        this.name = name;
        final NodeConfig.Builder b = NodeConfig.builder().runQueues(kind).idleStrategy(idle);
        if (cpus != null)
        {
            b.cpus(cpus);
        }
        else
        {
            b.schedulers(schedulers).pinned(false);
        }
        this.node = Node.start(b.build());
    }

    /** @return the node, for placement reports. */
    public Node node()
    {
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
        final SpawnOptions options = placement >= 0 ? SpawnOptions.defaults().scheduler(placement % node.schedulers()) :
            SpawnOptions.defaults();
        final Pid pid = node.spawn(() ->
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
        node.send(((PidRef)to).pid(), msg);
    }

    @Override
    public boolean yieldNow()
    {
        Proc.yield();
        return true;
    }

    @Override
    public int schedulerOfCaller()
    {
        return Proc.schedulerId();
    }

    @Override
    public void close()
    {
        node.close();
    }
}
