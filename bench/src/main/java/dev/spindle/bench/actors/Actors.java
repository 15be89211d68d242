package dev.spindle.bench.actors;

/**
 * The one abstraction every peer implements so that each benchmark case is written once and runs
 * the same work on every runtime: spawn an actor from a handler, send it messages, stop it by
 * returning false. Spindle implements it with a process looping on {@code Proc.receive()}, virtual
 * threads with a blocking queue each, Pekko with a typed behavior.
 */
public interface Actors extends AutoCloseable
{
    /** @return the peer's name as shown in the table. */
    String name();

    /**
     * Spawns an actor. Called from outside or from inside a handler (then it should start near its
     * parent, as each runtime does by default).
     *
     * @param handler   its behaviour.
     * @param placement -1 for the runtime's choice, else a scheduler/core index to bind to where the
     *                  runtime supports binding (others ignore it).
     * @return its address.
     */
    Ref spawn(Handler handler, int placement);

    /**
     * Sends a message from anywhere.
     *
     * @param to  address.
     * @param msg not null.
     */
    void tell(Ref to, Object msg);

    /**
     * Gives the CPU to other runnable actors, from inside a handler, where the runtime has a
     * cooperative yield (Spindle: {@code Proc.yield()}, virtual threads: {@code Thread.yield()}).
     *
     * @return false where the runtime has none (Pekko): the caller then gives way by messaging itself.
     */
    default boolean yieldNow()
    {
        return false;
    }

    /**
     * @return whether plain CPU loops should run rewritten by Spindle's preemption agent (the
     *         fairness-hogs case's {@code spindle-preempt} peer); false: as compiled.
     */
    default boolean rewritesLoops()
    {
        return false;
    }

    /** @return the scheduler the calling actor runs on, or -1 where the runtime does not say. */
    default int schedulerOfCaller()
    {
        return -1;
    }

    /** Stops the runtime and releases its threads. */
    @Override
    void close();

    /** An actor's address. */
    interface Ref
    {
    }

    /** An actor's behaviour. */
    interface Handler
    {
        /**
         * Runs once before the first message.
         *
         * @param self own address.
         * @throws Exception ends the actor.
         */
        default void onStart(final Ref self) throws Exception
        {
        }

        /**
         * @param self own address.
         * @param msg  the message.
         * @return false to stop.
         * @throws Exception ends the actor.
         */
        boolean onMessage(Ref self, Object msg) throws Exception;
    }
}
