/**
 * Preemption by counting reductions in rewritten code (JDK 25 cannot preempt a continuation).
 * {@link dev.spindle.internal.preempt.Instrumenter} rewrites a class with the JDK's class-file API
 * so that its code calls {@link dev.spindle.internal.preempt.Preemption}: a poll at method entries
 * and loop back-edges, and enter/exit-unsafe around monitors, synchronized methods, class
 * initializers and (through {@link dev.spindle.internal.preempt.Guarded}) the JDK locks and calls
 * that hold a lock for the caller. {@link dev.spindle.internal.preempt.PreemptTransformer} applies
 * it as the agent's transformer, to the classes {@link dev.spindle.internal.preempt.ClassSelector}
 * selects from {@link dev.spindle.internal.preempt.AgentOptions}; the public entry points are in
 * {@code dev.spindle.agent}.
 *
 * <p>Who owns what: the budget and the unsafe depth are plain fields of the carrier thread
 * ({@link dev.spindle.internal.preempt.PreemptibleCarrier}, which the scheduler thread extends),
 * written only by the code running on it; the scheduler sets them when a process is scheduled in
 * and saves the depth in the process when it is scheduled out. A process gives way only when its
 * budget is spent and its unsafe depth is 0, so it never yields while its carrier holds a lock.
 * The poll finds the carrier through the JDK's {@code currentCarrierThread()}, not
 * {@code Thread.currentThread()}, which C2 caches across a yield. docs/preemption.md has the
 * protocol and its measurements.
 */
package dev.spindle.internal.preempt;
