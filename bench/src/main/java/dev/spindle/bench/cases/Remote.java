package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;
import dev.spindle.bench.remote.PekkoRemote;
import dev.spindle.bench.remote.SpindleRemote;

/**
 * Two nodes in two JVMs (or two BEAM nodes) on this machine, over loopback: round trips between a
 * process here and an echo process there (headline: median, ns; p99 in the extras), then one-way
 * throughput: one sender streams {@link #messages} numbers to a sink there, which acknowledges
 * every {@link #WINDOW}th; at most {@link #WINDOWS} windows are in flight (the same flow control on
 * every peer, so a transport that drops under overload, as Artery does when its queue is full,
 * is measured at the rate it sustains). Spindle: named nodes over Aeron UDP; Pekko: Artery over
 * Aeron UDP; Erlang: distribution between two {@code -sname} nodes. docs/distribution.md.
 */
public final class Remote implements Case
{
    /** Acknowledge every this many messages. */
    public static final int WINDOW = 1000;
    /** Windows in flight at most. */
    public static final int WINDOWS = 16;

    /** @param s scale @return round trips measured */
    public static int rounds(final Scale s)
    {
        return s.quick() ? 2_000 : 20_000;
    }

    /** @param s scale @return messages streamed one way */
    public static int messages(final Scale s)
    {
        return s.quick() ? 50_000 : 1_000_000;
    }

    @Override
    public String name()
    {
        return "remote";
    }

    @Override
    public String description()
    {
        return "two nodes, two JVMs (BEAM: two nodes) on loopback: round trip median (p99, one-way msg/s in the extras)";
    }

    @Override
    public String unit()
    {
        return "ns";
    }

    @Override
    public boolean wantsWarmUp()
    {
        return false; // each run warms up its own connection first
    }

    @Override
    public Result run(final Actors actors, final Scale scale) throws Exception
    {
        return switch (actors.name())
        {
            case "spindle" -> SpindleRemote.run(scale);
            case "pekko" -> PekkoRemote.run(scale);
            default -> Result.none("n/a");
        };
    }
}
