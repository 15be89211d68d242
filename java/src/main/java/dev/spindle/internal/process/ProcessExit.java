package dev.spindle.internal.process;

/**
 * Unwinds a process that exits by {@code Proc.exit(reason)} or by a fatal exit signal. An Error,
 * so that ordinary {@code catch (Exception e)} blocks in process code do not swallow it.
 */
public final class ProcessExit extends Error
{
    private static final long serialVersionUID = 1L;

    private final transient Object reason;

    /**
     * @param reason the exit reason.
     */
    public ProcessExit(final Object reason)
    {
        super("process exit: " + reason, null, false, false);
        this.reason = reason;
    }

    /** @return the exit reason. */
    public Object reason()
    {
        return reason;
    }
}
