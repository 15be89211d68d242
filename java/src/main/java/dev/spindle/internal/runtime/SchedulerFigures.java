package dev.spindle.internal.runtime;

/**
 * One scheduler's placement and counters, read by {@link NodeRuntime#figures()} for
 * {@code node.stats()} and {@code node.placement()} (see {@code Node.SchedulerStats} for the
 * meaning of each).
 *
 * @param scheduler       index.
 * @param online          whether it is online.
 * @param queued          queue length per priority.
 * @param executed        entries taken from its queues.
 * @param stolen          entries it stole.
 * @param migrations      processes it handed to others.
 * @param contextSwitches processes it resumed.
 * @param injected        remote pushes to it.
 * @param parks           sleeps.
 * @param wakeups         wake-ups sent to it.
 * @param idleNanos       idle time.
 * @param pushedLocal     local pushes.
 * @param overflowed      entries spilled to overflow.
 * @param stealAttempts   victims probed.
 * @param timers          timers in its heap.
 * @param stalls          times seen stuck.
 * @param errors          loop failures survived.
 * @param alive           whether its thread is alive (or not yet dead).
 * @param requestedCpu    CPU asked for, -1 unpinned.
 * @param observedCpu     CPU read back, -1 unknown.
 * @param drifts          times found off its CPU.
 * @param pinError        why pinning failed, or null.
 * @param spawned         processes spawned onto it.
 * @param exited          processes whose exit path ran on it.
 * @param rescued         entries it rescued from stalled schedulers.
 * @param rescuedAway     entries rescued from it while stalled.
 * @param watches         sleeps it took as the watcher.
 */
public record SchedulerFigures(int scheduler, boolean online, long[] queued, long executed, long stolen, long migrations,
                               long contextSwitches, long injected, long parks, long wakeups, long idleNanos, long pushedLocal,
                               long overflowed, long stealAttempts, int timers, long stalls, long errors, boolean alive,
                               int requestedCpu, int observedCpu, long drifts, String pinError, long spawned, long exited,
                               long rescued, long rescuedAway, long watches)
{
}
