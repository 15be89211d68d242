package dev.spindle.bench.remote;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.spindle.bench.cases.Latency;
import dev.spindle.bench.cases.Remote;
import dev.spindle.bench.cases.Result;
import dev.spindle.bench.cases.Scale;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The remote case on Apache Pekko: two classic actor systems in two JVMs, Artery over Aeron UDP
 * (embedded media driver, default idle CPU level) on loopback. The outbound queue is raised to hold
 * the case's flow-control window, so no message is dropped.
 */
public final class PekkoRemote
{
    private PekkoRemote()
    {
    }

    static Config config(final int port)
    {
        return ConfigFactory.parseString(String.join("\n",
            "pekko.loglevel = WARNING", "pekko.stdout-loglevel = WARNING", "pekko.log-dead-letters = off",
            "pekko.actor.provider = remote", "pekko.remote.artery.transport = aeron-udp",
            "pekko.remote.artery.canonical.hostname = 127.0.0.1", "pekko.remote.artery.canonical.port = " + port,
            "pekko.remote.artery.advanced.outbound-message-queue-size = " + 2 * Remote.WINDOW * Remote.WINDOWS,
            "pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 1 }"))
            .withFallback(ConfigFactory.load());
    }

    /**
     * @param scale sizes.
     * @return round-trip median, p99 and one-way throughput.
     */
    public static Result run(final Scale scale) throws Exception
    {
        final ActorSystem system = ActorSystem.create("bench", config(0));
        try (ChildJvm child = new ChildJvm("pekko"))
        {
            final String base = "pekko://bench@127.0.0.1:" + child.address + "/user/";
            final Duration wait = Duration.ofSeconds(30);
            final ActorRef echo = system.actorSelection(base + "echo").resolveOne(wait).toCompletableFuture().get();
            final ActorRef sink = system.actorSelection(base + "sink").resolveOne(wait).toCompletableFuture().get();
            final int rounds = Remote.rounds(scale);
            final CompletableFuture<Histogram> latency = new CompletableFuture<>();
            system.actorOf(Props.create(Pinger.class, () -> new Pinger(echo, rounds, latency)));
            final Histogram h = latency.get(Math.max(60, scale.timeoutSeconds()), TimeUnit.SECONDS);
            final int messages = Remote.messages(scale);
            final CompletableFuture<Double> warm = new CompletableFuture<>();
            system.actorOf(Props.create(Streamer.class, () -> new Streamer(sink, messages / 10, warm)));
            warm.get(Math.max(60, scale.timeoutSeconds()), TimeUnit.SECONDS);
            final CompletableFuture<Double> rate = new CompletableFuture<>();
            system.actorOf(Props.create(Streamer.class, () -> new Streamer(sink, messages, rate)));
            final Result r = Latency.of(h);
            r.extra().put("oneway_msgs_per_s", rate.get(Math.max(60, scale.timeoutSeconds()), TimeUnit.SECONDS));
            return r;
        }
        finally
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Round trips to the echo actor, the first half as warm-up. */
    static final class Pinger extends AbstractActor
    {
        private final ActorRef echo;
        private final int rounds;
        private final CompletableFuture<Histogram> done;
        private final Histogram h = new Histogram(3);
        private long i;
        private long t0;

        Pinger(final ActorRef echo, final int rounds, final CompletableFuture<Histogram> done)
        {
            this.echo = echo;
            this.rounds = rounds;
            this.done = done;
            this.i = -rounds / 2;
        }

        @Override
        public void preStart()
        {
            t0 = System.nanoTime();
            echo.tell(i, getSelf());
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(Long.class, m ->
            {
                if (i >= 0)
                {
                    h.recordValue(System.nanoTime() - t0);
                }
                if (++i < rounds)
                {
                    t0 = System.nanoTime();
                    echo.tell(i, getSelf());
                }
                else
                {
                    done.complete(h);
                    getContext().stop(getSelf());
                }
            }).build();
        }
    }

    /** Streams numbers to the sink, at most the case's window ahead of its acknowledgements. */
    static final class Streamer extends AbstractActor
    {
        private final ActorRef sink;
        private final long n;
        private final CompletableFuture<Double> done;
        private long sent;
        private long t0;

        Streamer(final ActorRef sink, final long n, final CompletableFuture<Double> done)
        {
            this.sink = sink;
            this.n = n;
            this.done = done;
        }

        @Override
        public void preStart()
        {
            sink.tell("start", getSelf());
            t0 = System.nanoTime();
            fill(0);
        }

        private void fill(final long acked)
        {
            while (sent < n && sent - acked < (long)Remote.WINDOW * Remote.WINDOWS)
            {
                sink.tell(++sent, getSelf());
            }
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder().match(Long.class, acked ->
            {
                if (acked >= n - n % Remote.WINDOW)
                {
                    done.complete(n / ((System.nanoTime() - t0) / 1e9));
                    getContext().stop(getSelf());
                }
                else
                {
                    fill(acked);
                }
            }).build();
        }
    }
}
