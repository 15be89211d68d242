package dev.spindle.bench.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Apache Pekko typed 1.x. With {@code affinity=false} the default dispatcher (fork-join,
 * throughput 5); with {@code affinity=true} Pekko's affinity-pool executor (one bounded queue per
 * worker, actors hashed to workers, no stealing; it does not pin threads to CPUs). Children spawned
 * from inside a handler use the parent's context, others are system actors.
 *
 * <p>Timers the Pekko way, with its default scheduler settings (a 10 ms tick): a receive timeout is
 * {@code ActorContext.setReceiveTimeout}, a delayed message is {@code system.scheduler().scheduleOnce},
 * a call is {@code ActorContext.ask} with a timeout to an actor that never answers.
 */
public final class PekkoActors implements Actors, TimerProbes
{
    private static final ThreadLocal<ActorContext<Object>> CURRENT = new ThreadLocal<>();
    private static final Object STOP = new Object();
    private static final Object TIMED_OUT = new Object();

    /** A scheduled message, tagged with the arm it belongs to. */
    private record Tick(long seq)
    {
    }

    /** What an ask came back with. */
    private record Answer(long seq, Object reply, Throwable failure)
    {
    }

    private final String name;
    private final ActorSystem<Void> system;

    /**
     * @param affinity  use the affinity-pool executor.
     * @param threads   dispatcher parallelism.
     */
    public PekkoActors(final boolean affinity, final int threads)
    {
        this.name = affinity ? "pekko-affinity" : "pekko";
        final String executor = affinity ?
            "executor = \"affinity-pool-executor\"\naffinity-pool-executor { parallelism-min = " + threads +
                ", parallelism-max = " + threads + ", parallelism-factor = 1.0, task-queue-size = 1048576 }" :
            "executor = \"fork-join-executor\"\nfork-join-executor { parallelism-min = " + threads +
                ", parallelism-max = " + threads + ", parallelism-factor = 1.0 }";
        final Config config = ConfigFactory.parseString(
            "pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING\npekko.log-dead-letters = off\n" +
                "pekko.log-dead-letters-during-shutdown = off\npekko.actor.default-dispatcher {\n" + executor + "\n}\n")
            .withFallback(ConfigFactory.load());
        this.system = ActorSystem.create(Behaviors.empty(), "bench", config);
    }

    private record PekkoRef(ActorRef<Object> ref) implements Ref
    {
    }

    @Override
    public String name()
    {
        return name;
    }

    private Behavior<Object> behavior(final Handler handler)
    {
        return Behaviors.setup(ctx ->
        {
            final PekkoRef self = new PekkoRef(ctx.getSelf());
            CURRENT.set(ctx);
            try
            {
                handler.onStart(self);
            }
            finally
            {
                CURRENT.remove();
            }
            return Behaviors.receiveMessage(msg ->
            {
                CURRENT.set(ctx);
                try
                {
                    return handler.onMessage(self, msg) ? Behaviors.same() : Behaviors.stopped();
                }
                finally
                {
                    CURRENT.remove();
                }
            });
        });
    }

    @Override
    public Ref spawn(final Handler handler, final int placement)
    {
        final ActorContext<Object> ctx = CURRENT.get();
        if (ctx != null)
        {
            return new PekkoRef(ctx.spawnAnonymous(behavior(handler)));
        }
        return new PekkoRef(system.systemActorOf(behavior(handler), "a" + System.nanoTime() + "-" + Thread.currentThread().threadId(), Props.empty()));
    }

    @Override
    public void tell(final Ref to, final Object msg)
    {
        ((PekkoRef)to).ref().tell(msg);
    }

    @Override
    public Probe probe(final TimerProbes.Kind timer, final Duration delay, final Consumer<Fired> sink)
    {
        final ActorRef<Object> server = timer != TimerProbes.Kind.CALL ? null :
            system.systemActorOf(Behaviors.receiveMessage(m -> m == STOP ? Behaviors.stopped() : Behaviors.same()),
                "never-answers-" + System.nanoTime(), Props.empty());
        final Behavior<Object> behavior = Behaviors.setup(ctx -> new ProbeBehavior(ctx, timer, delay, sink, server));
        final ActorRef<Object> probe = system.systemActorOf(behavior, "timer-probe-" + System.nanoTime(), Props.empty());
        return new Probe()
        {
            @Override
            public void arm(final Arm arm)
            {
                probe.tell(arm);
            }

            @Override
            public void close()
            {
                probe.tell(STOP);
            }
        };
    }

    /** A timer probe: arms the timer on an {@link Arm}, reports when its message comes, re-arms while asked to. */
    private final class ProbeBehavior extends AbstractBehavior<Object>
    {
        private final TimerProbes.Kind timer;
        private final Duration delay;
        private final Consumer<Fired> sink;
        private final ActorRef<Object> server;
        private Arm arm;
        private long seq;
        private long deadline;

        ProbeBehavior(final ActorContext<Object> ctx, final TimerProbes.Kind timer, final Duration delay, final Consumer<Fired> sink,
            final ActorRef<Object> server)
        {
            super(ctx);
            this.timer = timer;
            this.delay = delay;
            this.sink = sink;
            this.server = server;
        }

        private void start(final long next)
        {
            seq = next;
            deadline = System.nanoTime() + delay.toNanos();
            final ActorContext<Object> ctx = getContext();
            switch (timer)
            {
                case RECEIVE -> ctx.setReceiveTimeout(delay, TIMED_OUT);
                case SEND_AFTER -> system.scheduler().scheduleOnce(delay, () -> ctx.getSelf().tell(new Tick(next)), system.executionContext());
                case CALL -> ctx.ask(Object.class, server, delay, replyTo -> replyTo, (reply, failure) -> new Answer(next, reply, failure));
            }
        }

        private void fired(final long now, final String error)
        {
            sink.accept(new Fired(seq, deadline, now, error));
            if (arm.more().get())
            {
                start(seq + 1);
            }
        }

        @Override
        public Receive<Object> createReceive()
        {
            return newReceiveBuilder()
                .onMessage(Arm.class, a ->
                {
                    arm = a;
                    start(a.seq());
                    return this;
                })
                .onMessageEquals(TIMED_OUT, () ->
                {
                    getContext().cancelReceiveTimeout();
                    fired(System.nanoTime(), null);
                    return this;
                })
                .onMessage(Tick.class, t -> t.seq() == seq, t ->
                {
                    fired(System.nanoTime(), null);
                    return this;
                })
                .onMessage(Answer.class, a -> a.seq() == seq, a ->
                {
                    fired(System.nanoTime(), a.failure() instanceof TimeoutException ? null :
                        "ask answered: " + (a.failure() != null ? a.failure() : a.reply()));
                    return this;
                })
                .onMessageEquals(STOP, () ->
                {
                    if (server != null)
                    {
                        server.tell(STOP);
                    }
                    return Behaviors.stopped();
                })
                .build();
        }
    }

    @Override
    public void close()
    {
        system.terminate();
        try
        {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            // best effort: the JVM exits after the run anyway
        }
    }
}
