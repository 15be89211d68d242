package dev.spindle;

/**
 * What a scheduler does when it has nothing to run and nothing to steal.
 */
public enum IdleMode
{
    /**
     * Agrona {@code BusySpinIdleStrategy} forever: lowest wake-up latency, burns its core while
     * idle. For dedicated, isolated cores.
     */
    SPIN,
    /**
     * Agrona {@code BackoffIdleStrategy} (spin, then yield, then short parks) for a bounded
     * number of rounds, then sleep in the native parker until work arrives. The default: quick to
     * pick up bursts, burns no CPU once the node is idle.
     */
    BACKOFF,
    /** Sleep at once in the native parker: least CPU, highest wake-up latency. */
    PARK
}
