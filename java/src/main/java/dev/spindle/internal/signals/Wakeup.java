package dev.spindle.internal.signals;

import dev.spindle.internal.process.ProcessHandle;

/**
 * How the signals protocol gets a process running after it put a signal into its mailbox;
 * implemented by the schedulers (internal/scheduler), which own the rule of where it runs.
 */
public interface Wakeup
{
    /**
     * After a put into {@code h}'s mailbox by the calling thread: wake it if it waits, and ask a
     * running process to reach a safe point soon (an exit signal must reach a busy process).
     *
     * @param h the receiver.
     */
    void afterSignal(ProcessHandle h);
}
