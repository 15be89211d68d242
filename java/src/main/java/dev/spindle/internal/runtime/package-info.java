/**
 * The runtime entry points behind the public API: {@link dev.spindle.internal.runtime.NodeRuntime}
 * (a node's operations for any thread, and close), {@link dev.spindle.internal.runtime.ProcessOps}
 * (what {@code Proc} does for the calling process), and the protocols that span packages, each in
 * one place: {@link dev.spindle.internal.runtime.Receive} (the receive loop; calls are built on it
 * in {@code ProcessOps}) and {@link dev.spindle.internal.runtime.InboxProtocol} (plain threads
 * waiting on inboxes). The API classes validate arguments and delegate here.
 */
package dev.spindle.internal.runtime;
