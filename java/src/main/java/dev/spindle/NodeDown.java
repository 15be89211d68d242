package dev.spindle;

/**
 * The message a process that monitors a node ({@link Proc#monitorNode(String)}) receives when the
 * connection to it goes down, or could not be made: the BEAM's {@code {nodedown, Node}}. One per
 * {@code monitorNode} call; the monitor is then gone.
 *
 * @param node   the node's name.
 * @param reason why: {@code "heartbeat timeout"}, {@code "closed by peer"}, {@code "connect failed: ..."},
 *               {@code "unknown address"}, {@code "node closed"}, ...
 */
public record NodeDown(String node, String reason)
{
}
