package dev.spindle;

/**
 * Well-known exit reasons, printed as the BEAM's atoms. Any object may be a reason; an uncaught
 * exception's reason is the {@link Throwable} itself.
 */
public final class Reason
{
    /** A process that returned from its body. */
    public static final Reason NORMAL = new Reason("normal");
    /** An untrappable exit signal. */
    public static final Reason KILL = new Reason("kill");
    /** What a process killed with {@link #KILL} exits with. */
    public static final Reason KILLED = new Reason("killed");
    /** The target process did not exist. */
    public static final Reason NOPROC = new Reason("noproc");
    /**
     * The process's node could not be reached: the connection to it was lost (heartbeat timeout,
     * closed) or could not be made. Links and monitors across a lost connection fire with it
     * (docs/distribution.md).
     */
    public static final Reason NOCONNECTION = new Reason("noconnection");
    /** An orderly shutdown by a supervisor. */
    public static final Reason SHUTDOWN = new Reason("shutdown");

    private final String atom;

    private Reason(final String atom)
    {
        this.atom = atom;
    }

    @Override
    public String toString()
    {
        return atom;
    }
}
