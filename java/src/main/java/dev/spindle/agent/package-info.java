/**
 * Preemption for application code that loops without calling Spindle: the Java agent
 * ({@link dev.spindle.agent.SpindleAgent}, {@code -javaagent:spindle-runtime.jar=include=...})
 * rewrites the selected classes as they load, and the build-time rewriter
 * ({@link dev.spindle.agent.Rewrite}) applies the same rewriting to a directory of compiled
 * classes for services that cannot add an agent. Rewritten code spends reductions at method
 * entries and loop back-edges and gives way when its budget is spent, never while it holds a
 * monitor or a {@code java.util.concurrent} lock. The rewriting itself lives in
 * {@code dev.spindle.internal.preempt}; docs/preemption.md describes both ways in and their costs.
 */
package dev.spindle.agent;
