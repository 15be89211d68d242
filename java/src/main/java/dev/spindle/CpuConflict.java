package dev.spindle;

/**
 * What a pinned scheduler does when its CPU is already held by another pinned thread: a scheduler
 * of another node in this JVM, another JVM on this host, or any other user of OpenHFT's
 * {@code AffinityLock} (holders are found through OpenHFT's lock files in {@code java.io.tmpdir}).
 * Whatever the policy, Spindle never pins two schedulers to one CPU silently: every move and every
 * unpinned scheduler is logged at WARNING and shown in {@link Node#placement()}.
 */
public enum CpuConflict
{
    /**
     * The default: take a free CPU instead. The plan puts schedulers on free CPUs first (in the
     * bind policy's order); a scheduler that still finds its CPU taken when it starts takes another
     * free candidate CPU, and runs unpinned when none is left. An explicit {@code cpus(...)} list is
     * never widened: a held listed CPU leaves its scheduler unpinned.
     */
    FREE_CPUS,
    /** Keep the planned CPUs; a scheduler whose CPU is held runs unpinned. */
    UNPINNED,
    /**
     * {@link Node#start(NodeConfig)} fails with an {@link IllegalStateException} naming the holder
     * (thread, or process id and command line) when any planned CPU is held, or when the holders
     * cannot be known (OpenHFT's lock inventory unavailable).
     */
    FAIL
}
