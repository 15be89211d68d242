/**
 * Processes as data: who a process is and who may touch which part of it.
 *
 * <ul>
 * <li>{@link dev.spindle.internal.process.ProcessHandle}: identity (final) and the state any thread
 *     may touch, through accessors named by memory mode: the state word (RUNNABLE, RUNNING,
 *     WAITING, EXITED; only the winner of the WAITING-to-RUNNABLE CAS enqueues), the wake flag, the
 *     pending-signal count, the home scheduler and priority (opaque hints), and the
 *     {@link dev.spindle.internal.process.SignalState} guarded by the handle's monitor.</li>
 * <li>{@link dev.spindle.internal.process.Process}: the owner-only part (its continuation, the
 *     receive marker, the yield reason, reductions). The owner is the thread running it; the run
 *     queues hand it between schedulers with release/acquire.</li>
 * <li>{@link dev.spindle.internal.process.InboxHandle}: a plain thread's mailbox with a pid.</li>
 * <li>{@link dev.spindle.internal.process.ProcessTable}: index to handle; run queues hold indices,
 *     pids hold index and serial, so a released slot never aliases an old pid.</li>
 * </ul>
 * Depends on the mailbox and timer packages and the API's value types only.
 */
package dev.spindle.internal.process;
