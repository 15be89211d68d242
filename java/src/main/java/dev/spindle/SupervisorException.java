package dev.spindle;

import java.util.Objects;

/**
 * A running supervisor refused a request about one of its children ({@link Supervisor#startChild},
 * {@link Supervisor#terminateChild}, {@link Supervisor#restartChild},
 * {@link Supervisor#deleteChild}), as OTP's supervisor answers {@code {error, ...}}. The
 * supervisor itself carries on.
 */
public final class SupervisorException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** Why, after OTP's error atoms. */
    public enum Kind
    {
        /** startChild: a child with that id exists and is running ({@code already_started}); {@link #child()} is its pid. */
        ALREADY_STARTED,
        /** startChild: a child with that id exists, not running ({@code already_present}). */
        ALREADY_PRESENT,
        /** No child with that id ({@code not_found}). */
        NOT_FOUND,
        /** restartChild, deleteChild: the child is running ({@code running}); {@link #child()} is its pid. */
        RUNNING
    }

    private final Kind kind;
    private final transient Pid supervisor;
    private final String childId;
    private final transient Pid child;

    /**
     * @param kind       why.
     * @param supervisor the supervisor.
     * @param childId    the child's id.
     * @param child      the running child's pid for {@link Kind#ALREADY_STARTED} and
     *                   {@link Kind#RUNNING}, else null.
     */
    public SupervisorException(final Kind kind, final Pid supervisor, final String childId, final Pid child)
    {
        super(text(kind, supervisor, childId, child));
        this.kind = kind;
        this.supervisor = supervisor;
        this.childId = childId;
        this.child = child;
    }

    private static String text(final Kind kind, final Pid supervisor, final String childId, final Pid child)
    {
        Objects.requireNonNull(kind, "kind");
        final String sup = "supervisor " + supervisor;
        final String id = "'" + childId + "'";
        return switch (kind)
        {
            case ALREADY_STARTED -> sup + " already has a child " + id + ", running as " + child;
            case ALREADY_PRESENT -> sup + " already has a child " + id + ", not running (restartChild or deleteChild it)";
            case NOT_FOUND -> sup + " has no child " + id;
            case RUNNING -> sup + ": child " + id + " is running as " + child + " (terminateChild it first)";
        };
    }

    /** @return why. */
    public Kind kind()
    {
        return kind;
    }

    /** @return the supervisor that refused. */
    public Pid supervisor()
    {
        return supervisor;
    }

    /** @return the child's id. */
    public String childId()
    {
        return childId;
    }

    /** @return the running child's pid ({@link Kind#ALREADY_STARTED}, {@link Kind#RUNNING}), else null. */
    public Pid child()
    {
        return child;
    }
}
