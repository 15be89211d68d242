package dev.spindle.bench.peers;

import dev.spindle.bench.cases.Case;
import dev.spindle.bench.cases.Result;
import dev.spindle.bench.cases.Scale;

/** A runtime compared in the same run: Spindle itself, or a peer. */
public interface Peer extends AutoCloseable
{
    /** @return name used by {@code --peers} and in the table. */
    String name();

    /** @return one line for {@code --help}: what it is and where it runs. */
    String description();

    /** @return null if it can run here, else why not (one line). */
    String unavailable();

    /**
     * @param c     the case.
     * @param scale sizes.
     * @return its result, or {@link Result#none} when this peer does not run that case.
     * @throws Exception on failure or timeout.
     */
    Result run(Case c, Scale scale) throws Exception;

    /** @return whether a warm-up run at quick size should precede the measured one (JIT warm-up). */
    default boolean wantsWarmUp()
    {
        return true;
    }

    /** Releases the peer's threads; a later {@link #run} starts it afresh (each {@code --repeat} round does). */
    @Override
    void close();
}
