package dev.spindle;

/** The server of a {@link Proc#call} exited (or did not exist) before it replied. */
public final class CallFailedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Object reason;

    /**
     * @param message what failed.
     * @param reason  the server's exit reason.
     */
    public CallFailedException(final String message, final Object reason)
    {
        super(message);
        this.reason = reason;
    }

    /** @return the server's exit reason ({@link Reason#NOPROC} if it did not exist). */
    public Object reason()
    {
        return reason;
    }
}
