package dev.spindle.bench.soak;

import dev.spindle.Pid;
import dev.spindle.Priority;
import dev.spindle.ProcessBody;
import dev.spindle.Proc;
import dev.spindle.Reason;
import dev.spindle.SpawnOptions;
import dev.spindle.Supervisor;

import java.time.Duration;
import java.util.SplittableRandom;

import static dev.spindle.bench.soak.Tally.Count.*;

/**
 * The supervision tree of a round and the chaos monkey that shakes it.
 *
 * <pre>
 * top (one_for_one)
 * ├── soak.sup.consumers (one_for_one): soak.consumer.0..     Pipes
 * ├── soak.sup.servers   (one_for_one): soak.server.0..       Calls
 * └── soak.sup.group     (one_for_all): soak.group.0..        Calls
 * </pre>
 *
 * The monkey, at high priority, waits a random pause (mean {@code --kill-every-ms}) and sends an
 * exit signal, {@code kill} or a custom reason, to a random consumer, server, group member, chain
 * member or timer sleeper, and rarely to a whole sub-supervisor. The accountants (producers,
 * clients, timer processes, the chain coordinator, the echoes) are never its targets.
 */
final class Monkey
{
    static final String[] SUPERVISORS = {"soak.sup.consumers", "soak.sup.servers", "soak.sup.group"};
    /** Restarts allowed per second: the tree must never give up under the monkey. */
    private static final int INTENSITY = 1_000_000;

    private Monkey()
    {
    }

    static ProcessBody tree(final RoundContext ctx, final int consumers, final int servers, final int group)
    {
        final Supervisor.ChildSpec[] c = new Supervisor.ChildSpec[consumers];
        for (int i = 0; i < consumers; i++)
        {
            c[i] = new Supervisor.ChildSpec("consumer-" + i, Pipes.consumer(ctx, i), Supervisor.Restart.PERMANENT);
        }
        final Supervisor.ChildSpec[] s = new Supervisor.ChildSpec[servers];
        for (int i = 0; i < servers; i++)
        {
            s[i] = new Supervisor.ChildSpec("server-" + i, Calls.server(ctx, Calls.serverName(i)), Supervisor.Restart.PERMANENT);
        }
        final Supervisor.ChildSpec[] g = new Supervisor.ChildSpec[group];
        for (int i = 0; i < group; i++)
        {
            g[i] = new Supervisor.ChildSpec("group-" + i, Calls.server(ctx, Calls.groupName(i)), Supervisor.Restart.PERMANENT);
        }
        final Duration second = Duration.ofSeconds(1);
        return Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, INTENSITY, second,
            new Supervisor.ChildSpec("consumers", registered(ctx, SUPERVISORS[0],
                Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, INTENSITY, second, c)), Supervisor.Restart.PERMANENT),
            new Supervisor.ChildSpec("servers", registered(ctx, SUPERVISORS[1],
                Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, INTENSITY, second, s)), Supervisor.Restart.PERMANENT),
            new Supervisor.ChildSpec("group", registered(ctx, SUPERVISORS[2],
                Supervisor.of(Supervisor.Strategy.ONE_FOR_ALL, INTENSITY, second, g)), Supervisor.Restart.PERMANENT));
    }

    private static ProcessBody registered(final RoundContext ctx, final String name, final ProcessBody body)
    {
        return () ->
        {
            ctx.claim(name);
            body.run();
        };
    }

    /** @return the monkey's options: high priority, so kills keep their pace on a busy node. */
    static SpawnOptions options()
    {
        return SpawnOptions.defaults().priority(Priority.HIGH);
    }

    static ProcessBody monkey(final RoundContext ctx, final int consumers, final int servers, final int group)
    {
        return () ->
        {
            final SplittableRandom rnd = ctx.random("monkey", 0);
            final long meanNs = (long)(ctx.options.killEveryMs * 1_000_000);
            final RoundContext.Watch watch = ctx.watch("monkey");
            while (!ctx.stopping)
            {
                final long pause = rnd.nextLong(2 * meanNs + 1);
                watch.begin("pause", pause);
                final long t0 = System.nanoTime();
                final Object m = Proc.receive(Duration.ofNanos(pause));
                watch.end();
                if (m == null)
                {
                    if (pause > 0)
                    {
                        ctx.checkWaited("monkey pause", t0, pause);
                    }
                }
                else if (!(m instanceof RoundContext.Nudge))
                {
                    ctx.fail(Failures.UNEXPECTED, "monkey got " + m);
                }
                final int dice = rnd.nextInt(100);
                final Pid victim;
                final Tally.Count kind;
                if (dice < 30)
                {
                    victim = Proc.whereis(Pipes.consumerName(rnd.nextInt(consumers)));
                    kind = KILLS_CONSUMER;
                }
                else if (dice < 48)
                {
                    victim = Proc.whereis(Calls.serverName(rnd.nextInt(servers)));
                    kind = KILLS_SERVER;
                }
                else if (dice < 55)
                {
                    victim = Proc.whereis(Calls.groupName(rnd.nextInt(group)));
                    kind = KILLS_GROUP;
                }
                else if (dice < 75)
                {
                    victim = ctx.chainTargets.pick(rnd);
                    kind = KILLS_CHAIN;
                }
                else if (dice < 99)
                {
                    victim = ctx.sleeperTargets.pick(rnd);
                    kind = KILLS_SLEEPER;
                }
                else
                {
                    victim = Proc.whereis(SUPERVISORS[rnd.nextInt(SUPERVISORS.length)]);
                    kind = KILLS_SUPERVISOR;
                }
                if (victim != null)
                {
                    Proc.exit(victim, rnd.nextBoolean() ? Reason.KILL : "chaos");
                    ctx.tally.add(KILLS);
                    ctx.tally.add(kind);
                }
            }
            ctx.done("monkey");
        };
    }
}
