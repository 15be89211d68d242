package dev.spindle;

import dev.spindle.internal.runtime.NodeRuntime;

/** Tests only: reaches a node's runtime from test packages that mirror the internal ones. */
public final class TestAccess
{
    private TestAccess()
    {
    }

    /** @param node a node @return its runtime */
    public static NodeRuntime runtime(final Node node)
    {
        return node.runtime();
    }
}
