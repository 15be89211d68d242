package dev.spindle;

/**
 * Thrown when work is offered to a node that has been closed.
 */
public final class NodeClosedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused.
     */
    public NodeClosedException(final String message)
    {
        super(message);
    }
}
