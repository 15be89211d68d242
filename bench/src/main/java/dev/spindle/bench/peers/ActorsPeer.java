package dev.spindle.bench.peers;

import dev.spindle.bench.actors.Actors;
import dev.spindle.bench.cases.Case;
import dev.spindle.bench.cases.Result;
import dev.spindle.bench.cases.Scale;

import java.util.function.Supplier;

/** A peer that runs every case through the {@link Actors} abstraction; its runtime starts once. */
public final class ActorsPeer implements Peer
{
    private final String name;
    private final String description;
    private final Supplier<Actors> factory;
    private final java.util.Set<String> only;
    private Actors actors;

    /**
     * @param name        peer name.
     * @param description one line.
     * @param factory     starts the runtime (lazily, once).
     */
    public ActorsPeer(final String name, final String description, final Supplier<Actors> factory)
    {
        this(name, description, factory, null);
    }

    /**
     * @param name        peer name.
     * @param description one line.
     * @param factory     starts the runtime (lazily, once).
     * @param only        the cases it runs (the others are n/a and do not start the runtime), or null for all.
     */
    public ActorsPeer(final String name, final String description, final Supplier<Actors> factory, final java.util.Set<String> only)
    {
        this.name = name;
        this.description = description;
        this.factory = factory;
        this.only = only;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String description()
    {
        return description;
    }

    @Override
    public String unavailable()
    {
        return null;
    }

    /** @return the running runtime (started on first use). */
    public Actors actors()
    {
        if (actors == null)
        {
            actors = factory.get();
        }
        return actors;
    }

    @Override
    public Result run(final Case c, final Scale scale) throws Exception
    {
        if (only != null && !only.contains(c.name()))
        {
            return Result.none("n/a");
        }
        return c.run(actors(), scale);
    }

    @Override
    public void close()
    {
        if (actors != null)
        {
            actors.close();
            actors = null;
        }
    }
}
