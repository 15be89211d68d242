package dev.spindle.bench.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.TimeUnit;

/**
 * Apache Pekko typed 1.x. With {@code affinity=false} the default dispatcher (fork-join,
 * throughput 5); with {@code affinity=true} Pekko's affinity-pool executor (one bounded queue per
 * worker, actors hashed to workers, no stealing; it does not pin threads to CPUs). Children spawned
 * from inside a handler use the parent's context, others are system actors.
 */
public final class PekkoActors implements Actors
{
    private static final ThreadLocal<ActorContext<Object>> CURRENT = new ThreadLocal<>();

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
