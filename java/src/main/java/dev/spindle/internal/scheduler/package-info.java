/**
 * Scheduling: who runs where, and the threads that run them.
 *
 * <ul>
 * <li>{@link dev.spindle.internal.scheduler.Scheduler}: one loop per CPU (timers, LIFO slot, run
 *     queues, run, requeue, idle), with its owner-only state; its thread is a
 *     {@link dev.spindle.internal.scheduler.SchedulerThread}, which holds the running process's
 *     reduction budget.</li>
 * <li>{@link dev.spindle.internal.scheduler.Placement}: the one decision of where a process runs
 *     next; {@link dev.spindle.internal.scheduler.ActiveSet}: the one owner of which schedulers are
 *     active, stuck or dead; {@link dev.spindle.internal.scheduler.Balancer}: migration paths and
 *     compaction; {@link dev.spindle.internal.scheduler.IdlePolicy}: spin, back off, park.</li>
 * <li>{@link dev.spindle.internal.scheduler.Schedulers}: the node's schedulers and what crosses
 *     them (spawn, send, wake, exit, close); {@link dev.spindle.internal.scheduler.Sysmon}: the
 *     monitor thread that rescues work from stuck schedulers and reports long schedules;
 *     {@link dev.spindle.internal.scheduler.Gate}: the close protocol's guard on native memory;
 *     {@link dev.spindle.internal.scheduler.DirtyPool}: blocking work off the schedulers.</li>
 * </ul>
 * Code inside a process finds itself through its
 * {@link dev.spindle.internal.scheduler.ProcessContinuation}, never through the current thread.
 * Depends on process, signals, timer, runqueue, placement, jfr.
 */
package dev.spindle.internal.scheduler;
