package dev.spindle.bench.jmh;

import dev.spindle.agent.SpindleAgent;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The agent's class-loading cost on a large library: starts a Pekko actor system (Pekko and the
 * Scala library are thousands of classes), asks an actor once, shuts down, and prints the time
 * from JVM start, the classes loaded and, with the agent, its counts. Run it with and without
 * the agent and compare (docs/preemption.md):
 *
 * <pre>
 * java -cp bench/target/spindle-bench.jar dev.spindle.bench.jmh.PreemptionStartup
 * java -javaagent:java/target/spindle-runtime-0.1.0-SNAPSHOT.jar=include=org.apache.pekko.**,include=scala.** \
 *      -cp bench/target/spindle-bench.jar dev.spindle.bench.jmh.PreemptionStartup
 * </pre>
 */
public final class PreemptionStartup
{
    private PreemptionStartup()
    {
    }

    /**
     * @param args unused.
     * @throws Exception if the actor does not answer.
     */
    public static void main(final String[] args) throws Exception
    {
        final ActorSystem<String> system = ActorSystem.create(Behaviors.receive(String.class)
            .onMessage(String.class, msg -> Behaviors.same()).build(), "startup");
        final ActorRef<Object> echo = system.systemActorOf(Behaviors.receive(Object.class)
            .onMessage(Ask.class, ask ->
            {
                ask.replyTo().tell("pong");
                return Behaviors.same();
            }).build(), "echo", org.apache.pekko.actor.typed.Props.empty());
        final String reply = AskPattern.<Object, String>ask(echo, Ask::new, Duration.ofSeconds(10), system.scheduler())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        final long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        final long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        System.out.printf("startup+ask+shutdown %d ms, %d classes loaded, reply %s%n", uptime, classes, reply);
        System.out.println(SpindleAgent.summary());
    }

    /** The question. */
    private record Ask(ActorRef<String> replyTo)
    {
    }
}
