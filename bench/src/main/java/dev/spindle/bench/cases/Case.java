package dev.spindle.bench.cases;

import dev.spindle.bench.actors.Actors;

/** A benchmark case: the same work on every peer that implements {@link Actors}. */
public interface Case
{
    /** @return the name used by {@code --cases}. */
    String name();

    /** @return one line for {@code --help} and the report. */
    String description();

    /** @return the unit of the headline figure. */
    String unit();

    /** @return whether a lower figure is better (times) or not (rates). */
    default boolean lowerIsBetter()
    {
        return true;
    }

    /** @return whether a JVM peer should run it once at quick size first (JIT warm-up); false where that buys nothing. */
    default boolean wantsWarmUp()
    {
        return true;
    }

    /**
     * Runs the case.
     *
     * @param actors the peer.
     * @param scale  sizes and timeout.
     * @return the result.
     * @throws Exception on failure or timeout.
     */
    Result run(Actors actors, Scale scale) throws Exception;
}
