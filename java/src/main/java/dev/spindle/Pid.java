package dev.spindle;

/**
 * A process identifier: the node it belongs to, its slot in the node's process table and the
 * slot's serial (bumped each time the slot is reused, so an old pid never reaches a new process).
 * A small immutable value, safe to keep, compare and hash after the process has died. Printed as
 * the BEAM prints pids: {@code <node.index.serial>}, e.g. {@code <0.42.0>}.
 *
 * @param node   id of the node that created the process (0 for the first node in this JVM).
 * @param index  slot in that node's process table.
 * @param serial reuse count of that slot.
 */
public record Pid(int node, int index, int serial)
{
    @Override
    public String toString()
    {
        return "<" + node + "." + index + "." + serial + ">";
    }
}
