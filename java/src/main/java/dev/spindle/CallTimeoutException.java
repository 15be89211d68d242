package dev.spindle;

/** A {@link Proc#call} got no reply in time. A reply that arrives later stays in the caller's mailbox. */
public final class CallTimeoutException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what timed out.
     */
    public CallTimeoutException(final String message)
    {
        super(message);
    }
}
