package dev.spindle.internal.distribution;

import dev.spindle.Pid;

/**
 * The answer to a remote {@code whereis}: sent by the node that holds (or not) the name, as a
 * message to the asking process, matched there by request number.
 *
 * @param request the request's number, unique in the asking node.
 * @param pid     the holder, or null.
 */
record WhereisReply(long request, Pid pid)
{
}
