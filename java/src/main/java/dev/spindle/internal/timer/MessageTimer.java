package dev.spindle.internal.timer;

import dev.spindle.Pid;
import dev.spindle.Ref;
import dev.spindle.TimerRef;

/**
 * One {@code sendAfter} timer: when it fires, its message goes to a pid, or to whoever holds a
 * registered name at that moment (the BEAM resolves names when the timer fires).
 */
public final class MessageTimer extends Timer implements TimerRef
{
    /** Sends a fired timer's message; implemented by the runtime. */
    public interface Delivery
    {
        /**
         * @param pid     the target, or null when {@code name} is.
         * @param name    the target name, or null.
         * @param message the message.
         */
        void deliver(Pid pid, String name, Object message);
    }

    private final Ref ref;
    private final Pid pid;
    private final String name;
    private final Object message;
    private final Delivery delivery;

    /**
     * @param ref      the reference that names this timer.
     * @param pid      target pid, or null.
     * @param name     target name, or null.
     * @param message  the message.
     * @param delivery how to send it.
     */
    public MessageTimer(final Ref ref, final Pid pid, final String name, final Object message, final Delivery delivery)
    {
        this.ref = ref;
        this.pid = pid;
        this.name = name;
        this.message = message;
        this.delivery = delivery;
    }

    @Override
    public Ref ref()
    {
        return ref;
    }

    /** @return the target pid, or null when the target is a name. */
    public Pid targetPid()
    {
        return pid;
    }

    @Override
    protected void fire()
    {
        delivery.deliver(pid, name, message);
    }

    @Override
    public String toString()
    {
        return "TimerRef" + ref;
    }
}
