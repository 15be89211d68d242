package dev.spindle.bench.actors;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A runtime's timer primitives as its own code uses them, for the timers case: a probe is an actor
 * (process, virtual thread, thread) that, each time it is armed, reads the clock, arms one timer of
 * its kind, waits for it the runtime's way, and reports when its code ran again. The case measures
 * lateness from that report: {@code firedNanos - deadlineNanos}, both {@link System#nanoTime()}.
 *
 * <p>Runtimes that have no such primitive do not implement this interface (the case is then n/a).
 */
public interface TimerProbes
{
    /** The three timers a service waits on. */
    enum Kind
    {
        /** A receive with a timeout that expires (Spindle {@code Proc.receive(Duration)}, Erlang {@code receive after}). */
        RECEIVE("receive"),
        /** A message sent to itself after a delay (Spindle {@code Proc.sendAfter}, Erlang {@code erlang:send_after}). */
        SEND_AFTER("sendafter"),
        /** A call to a server that never answers, timing out (Spindle {@code Proc.call}, Erlang {@code gen_server:call}). */
        CALL("call");

        private final String key;

        Kind(final String key)
        {
            this.key = key;
        }

        /** @return the name used in result keys and tables. */
        public String key()
        {
            return key;
        }
    }

    /**
     * What a probe reports once its timer fired (or what went wrong instead).
     *
     * @param seq           the arm it answers.
     * @param deadlineNanos when the timer was due: the clock read just before arming, plus the delay.
     * @param firedNanos    when the waiting code ran again.
     * @param error         null, or what happened instead of a timeout (a reply to a call that must not get one).
     */
    record Fired(long seq, long deadlineNanos, long firedNanos, String error)
    {
    }

    /**
     * What a probe is asked to do: arm one timer, then keep arming the next one as soon as the last
     * fired (numbering them {@code seq}, {@code seq + 1}, ...) for as long as {@code more} reads true.
     *
     * @param seq  the first timer's number.
     * @param more read after each timer; false for exactly one.
     */
    record Arm(long seq, AtomicBoolean more)
    {
    }

    /** One probe actor. */
    interface Probe
    {
        /**
         * Sends the probe an {@link Arm}, from a plain thread; it reports each timer through its sink.
         *
         * @param arm what to do.
         */
        void arm(Arm arm);

        /** Stops the probe (best effort: one stuck on a lost timer may stay until its runtime closes). */
        void close();
    }

    /**
     * Starts a probe.
     *
     * @param kind  which timer.
     * @param delay its delay.
     * @param sink  gets each report, on the runtime's own thread: must not block.
     * @return the probe.
     */
    Probe probe(Kind kind, Duration delay, Consumer<Fired> sink);
}
