package dev.spindle;

/**
 * Process priority, as on the BEAM. {@link #MAX} and {@link #HIGH} are strict: a runnable process
 * of a higher priority always runs first on its scheduler. {@link #NORMAL} and {@link #LOW} share:
 * when both are runnable, low gets one turn in eight.
 */
public enum Priority
{
    /** Strictly first; meant for runtime-critical processes. */
    MAX,
    /** Strictly before normal and low. */
    HIGH,
    /** The default. */
    NORMAL,
    /** Shares with normal, about one turn in eight. */
    LOW
}
