/**
 * Spindle's public API. The entry points ({@link dev.spindle.Node}, {@link dev.spindle.Proc},
 * {@link dev.spindle.Inbox}, {@link dev.spindle.GenServer}, {@link dev.spindle.Supervisor})
 * validate their arguments and delegate to {@code dev.spindle.internal.runtime}; the value types
 * ({@link dev.spindle.Pid}, {@link dev.spindle.Ref}, {@link dev.spindle.Reason},
 * {@link dev.spindle.Down}, {@link dev.spindle.Exit}, {@link dev.spindle.Call}, the configuration
 * and option types and the exceptions) depend on nothing internal and are the only part of this
 * package the internal packages use. docs/architecture.md draws the layers.
 */
package dev.spindle;
