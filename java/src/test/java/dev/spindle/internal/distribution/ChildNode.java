package dev.spindle.internal.distribution;

import dev.spindle.*;

import java.time.Duration;

/**
 * A node in a child JVM for {@link DistributionMultiJvmTest}: {@code ChildNode name cookie
 * heartbeatMillis}. It prints {@code READY <address> <creation>} and serves calls to its
 * registered process {@code control}:
 * <ul>
 *   <li>{@code "sleeper"}: spawns a process that waits forever; answers its pid.</li>
 *   <li>{@code "soak <peer> <total> <senders> <killEveryMillis>"}: starts the workers and the
 *       killer of {@link Soak}, runs the senders against the peer's workers, answers their result.</li>
 * </ul>
 * It runs until killed, or until its standard input closes (the test JVM died).
 */
public final class ChildNode
{
    private ChildNode()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String name = args[0];
        final Node node = Node.start(NodeConfig.builder().schedulers(1).pinned(false).name(name).cookie(args[1])
            .heartbeat(Duration.ofMillis(Long.parseLong(args[2]) / 5), Duration.ofMillis(Long.parseLong(args[2]))).build());
        node.spawn(() ->
        {
            Proc.register("control");
            while (true)
            {
                if (!(Proc.receive() instanceof Call c))
                {
                    continue;
                }
                final String[] cmd = String.valueOf(c.request()).split(" ");
                switch (cmd[0])
                {
                    case "sleeper" -> Proc.reply(c, Proc.spawn(() -> Proc.receive(m -> false)));
                    case "soak" ->
                    {
                        final Call call = c;
                        final Pid control = Proc.self();
                        // the senders wait on an inbox: run them on a plain thread, answer from there
                        final Thread t = new Thread(() ->
                        {
                            try
                            {
                                Soak.startWorkers(node);
                                final long[] kills = new long[1];
                                final Pid killer = Soak.startKiller(node, Long.parseLong(cmd[4]), kills);
                                final String r = Soak.send(node, cmd[1], Integer.parseInt(cmd[2]), Integer.parseInt(cmd[3]));
                                node.send(killer, "stop");
                                node.send(control, new CallReply(call, r + " kills=" + kills[0]));
                            }
                            catch (final Exception e)
                            {
                                node.send(control, new CallReply(call, "failed: " + e));
                            }
                        });
                        t.start();
                        final Object r = Proc.receive(m -> m instanceof CallReply cr && cr.call() == call);
                        Proc.reply(call, ((CallReply)r).value());
                    }
                    default -> Proc.reply(c, "unknown command " + cmd[0]);
                }
            }
        });
        while (node.whereis("control") == null)
        {
            Thread.sleep(1);
        }
        System.out.println("READY " + node.address() + " " + Integer.toUnsignedString(Distribution.of(TestAccess.runtime(node)).creation()));
        System.out.flush();
        while (System.in.read() >= 0)
        {
            // parent alive
        }
        System.exit(0);
    }

    /** A result from the soak thread to the control process (local only). */
    record CallReply(Call call, Object value)
    {
    }
}
