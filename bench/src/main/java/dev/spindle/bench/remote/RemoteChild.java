package dev.spindle.bench.remote;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.bench.cases.Remote;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

/**
 * The far side of the remote case, in its own JVM: {@code spindle <cookie>} (a named node with
 * processes registered as {@code echo} and {@code sink}) or {@code pekko} (an Artery actor system
 * with actors {@code /user/echo} and {@code /user/sink}). Prints {@code READY <address>}.
 */
public final class RemoteChild
{
    private RemoteChild()
    {
    }

    /** @param args {@code spindle <cookie>} or {@code pekko} */
    public static void main(final String[] args) throws Exception
    {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        if (args[0].equals("spindle"))
        {
            final Node node = Node.start(SpindleRemote.config("bench-b", args[1], args[2]).build());
            node.spawn(() ->
            {
                Proc.register("echo");
                while (true)
                {
                    final Object[] ping = (Object[])Proc.receive();
                    Proc.send((Pid)ping[0], ping[1]);
                }
            });
            node.spawn(() ->
            {
                Proc.register("sink");
                Pid from = null;
                long count = 0;
                while (true)
                {
                    final Object m = Proc.receive();
                    if (m instanceof Pid p)
                    {
                        from = p; // a new stream starts
                        count = 0;
                    }
                    else if (++count % Remote.WINDOW == 0)
                    {
                        Proc.send(from, count);
                    }
                }
            });
            while (node.whereis("sink") == null || node.whereis("echo") == null)
            {
                Thread.sleep(1);
            }
            System.out.println("READY " + node.address());
        }
        else
        {
            final ActorSystem system = ActorSystem.create("bench", PekkoRemote.config(0));
            system.actorOf(Props.create(Echo.class), "echo");
            system.actorOf(Props.create(Sink.class), "sink");
            System.out.println("READY " + org.apache.pekko.actor.ExtendedActorSystem.class.cast(system).provider().getDefaultAddress().port().get());
        }
        System.out.flush();
        while (System.in.read() >= 0)
        {
            // the parent is alive
        }
        System.exit(0);
    }

    /** Answers every number with itself. */
    public static final class Echo extends AbstractActor
    {
        @Override
        public Receive createReceive()
        {
            return receiveBuilder().matchAny(m -> getSender().tell(m, getSelf())).build();
        }
    }

    /** Counts a stream, acknowledging every window; "start" begins a stream. */
    public static final class Sink extends AbstractActor
    {
        private long count;

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .matchEquals("start", m -> count = 0)
                .matchAny(m ->
                {
                    if (++count % Remote.WINDOW == 0)
                    {
                        getSender().tell(count, ActorRef.noSender());
                    }
                })
                .build();
        }
    }
}
