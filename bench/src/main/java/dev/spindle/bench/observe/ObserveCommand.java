package dev.spindle.bench.observe;

import dev.spindle.GenServer;
import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.ProcessBody;
import dev.spindle.Supervisor;
import dev.spindle.observer.Observer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./spindle observe}: a node with a small live workload and the observer page on it, so
 * there is something to watch. The workload: a supervision tree whose servers crash now and then
 * (and are restarted), two ping-pong pairs, a consumer slower than its producer (its mailbox grows,
 * then it catches up), a process busy in bursts, and a crowd of idle processes.
 */
public final class ObserveCommand
{
    private ObserveCommand()
    {
    }

    /** The options. */
    record Options(int port, String bind, boolean kill, int seconds, int schedulers, int idle, boolean help)
    {
    }

    static Options parse(final String[] args) 
    {
        int port = 8080;
        String bind = null;
        boolean kill = true;
        int seconds = 0;
        int schedulers = 0;
        int idle = 1000;
        boolean help = false;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--port" -> port = number(args, ++i, a, 0, 65_535);
                case "--bind" -> bind = value(args, ++i, a);
                case "--no-kill" -> kill = false;
                case "--seconds" -> seconds = number(args, ++i, a, 1, 86_400);
                case "--schedulers" -> schedulers = number(args, ++i, a, 1, 1024);
                case "--processes" -> idle = number(args, ++i, a, 0, 2_000_000);
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option '" + a + "' for observe (see ./spindle observe --help)");
            }
        }
        return new Options(port, bind, kill, seconds, schedulers, idle, help);
    }

    private static String value(final String[] args, final int i, final String option) 
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(final String[] args, final int i, final String option, final int min, final int max) 
    {
        final String v = value(args, i, option);
        try
        {
            final int n = Integer.parseInt(v);
            if (n < min || n > max)
            {
                throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", was " + n);
            }
            return n;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " needs a number, was '" + v + "'");
        }
    }

    /** @param out where the usage goes */
    public static void usage(final PrintStream out)
    {
        out.println("usage: ./spindle observe [--port N] [--bind ADDR] [--no-kill] [--seconds N] [--schedulers N] [--processes N]");
        out.println("  Starts a node with a small live workload and serves the observer page on it (default");
        out.println("  http://127.0.0.1:8080/, loopback only); runs until Ctrl-C, or for --seconds N.");
        out.println("  --port 0 picks a free port; --bind 0.0.0.0 exposes the page (and its kill button,");
        out.println("  unless --no-kill) to the network; --processes N idle processes to list (default 1000).");
    }

    /**
     * Runs the command.
     *
     * @param args its options.
     * @param out  the URL and progress.
     * @return exit code.
     * @throws IllegalArgumentException for bad options (one line for the user).
     * @throws InterruptedException when interrupted while running.
     */
    public static int run(final String[] args, final PrintStream out) throws InterruptedException
    {
        final Options o = parse(args);
        if (o.help())
        {
            usage(out);
            return 0;
        }
        final Observer.Options.Builder ob = Observer.Options.builder().port(o.port()).allowKill(o.kill());
        if (o.bind() != null)
        {
            ob.bind(o.bind());
        }
        final Observer.Options options = ob.build();
        final NodeConfig config = o.schedulers() > 0 ? NodeConfig.builder().schedulers(o.schedulers()).pinned(false).build() : NodeConfig.defaults();
        final Node node = Node.start(config);
        final Observer observer;
        try
        {
            start(node, o.idle());
            observer = Observer.start(node, options);
        }
        catch (final java.io.UncheckedIOException ex)
        {
            node.close();
            throw new IllegalArgumentException(ex.getMessage() + " (try --port N, or --port 0 for any free one)", ex);
        }
        catch (final RuntimeException ex)
        {
            node.close();
            throw ex;
        }
        final CountDownLatch done = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            observer.close();
            node.close();
            done.countDown();
        }, "spindle-observe-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("observer: " + observer.uri() + "  (node " + node.id() + ", " + node.schedulers() + " schedulers, "
            + node.processCount() + " processes" + (o.kill() ? "" : ", kill switched off")
            + (options.loopbackOnly() ? "" : "; listening on " + options.bind().getHostAddress()) + ")");
        out.println(o.seconds() > 0 ? "running for " + o.seconds() + " s" : "Ctrl-C to stop");
        out.flush();
        if (o.seconds() > 0)
        {
            done.await(o.seconds(), TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
        }
        else
        {
            done.await();
        }
        return 0;
    }

    /**
     * Starts the workload on a node.
     *
     * @param node where.
     * @param idle how many idle processes to add.
     */
    public static void start(final Node node, final int idle)
    {
        node.spawn(appSupervisor());
        for (int i = 0; i < 2; i++)
        {
            node.spawn(pingPong("ping-" + (i + 1)));
        }
        node.spawn(slowConsumer());
        node.spawn(busyInBursts());
        node.spawn(() ->
        {
            Proc.register("idle-crowd");
            for (int i = 0; i < idle; i++)
            {
                Proc.spawn(Proc::receive);
            }
            Proc.receive();
        });
    }

    /** app_sup: the cache and the db, and sessions_sup over three session servers. */
    static ProcessBody appSupervisor()
    {
        final ProcessBody sessions = Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 20, Duration.ofSeconds(10),
            server("session-1", 8), server("session-2", 12), server("session-3", 20));
        final ProcessBody app = Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 20, Duration.ofSeconds(10),
            server("cache", 15), server("db", 0),
            new Supervisor.ChildSpec("sessions", named("sessions_sup", sessions), Supervisor.Restart.PERMANENT));
        return named("app_sup", app);
    }

    private static ProcessBody named(final String name, final ProcessBody body)
    {
        return () ->
        {
            Proc.register(name);
            body.run();
        };
    }

    /**
     * A GenServer that counts ticks it sends itself and crashes about once every
     * {@code crashEverySeconds} (never when 0).
     */
    private static Supervisor.ChildSpec server(final String name, final int crashEverySeconds)
    {
        final GenServer<long[]> s = new GenServer<>()
        {
            @Override
            public long[] init()
            {
                Proc.sendAfter(Duration.ofMillis(100), Proc.self(), "tick");
                return new long[1];
            }

            @Override
            public long[] handleInfo(final Object message, final long[] state)
            {
                if ("tick".equals(message))
                {
                    state[0]++;
                    if (crashEverySeconds > 0 && ThreadLocalRandom.current().nextInt(crashEverySeconds * 10) == 0)
                    {
                        Proc.exit(new Crash(name)); // abnormal: its supervisor restarts it (an exit, not an exception: no log line)
                    }
                    Proc.sendAfter(Duration.ofMillis(100), Proc.self(), "tick");
                }
                return state;
            }
        };
        return new Supervisor.ChildSpec(name, named(name, GenServer.body(s)), Supervisor.Restart.PERMANENT);
    }

    /** The reason a demo server exits with when it "crashes". @param server its name */
    record Crash(String server)
    {
        @Override
        public String toString()
        {
            return server + " crashed on purpose (the observer's demo workload)";
        }
    }

    /** A pair that bounces a message, resting 2 ms between round trips. */
    private static ProcessBody pingPong(final String name)
    {
        return () ->
        {
            Proc.register(name);
            final Pid me = Proc.self();
            final Pid pong = Proc.spawnLink(() ->
            {
                for (;;)
                {
                    Proc.send(me, Proc.receive());
                }
            });
            for (long n = 0; ; n++)
            {
                Proc.send(pong, n);
                Proc.receive();
                Proc.receive(m -> false, Duration.ofMillis(2));
            }
        };
    }

    /**
     * A producer sends 40 messages a second; its consumer takes 20 a second for 45 s (its mailbox
     * grows to about 900), then drains it and starts over.
     */
    private static ProcessBody slowConsumer()
    {
        return () ->
        {
            Proc.register("slow-consumer");
            final Pid me = Proc.self();
            Proc.spawnLink(() ->
            {
                Proc.register("producer");
                for (long n = 0; ; n++)
                {
                    Proc.send(me, n);
                    Proc.receive(m -> false, Duration.ofMillis(25));
                }
            });
            for (;;)
            {
                final long slowUntil = System.nanoTime() + 45_000_000_000L;
                while (System.nanoTime() < slowUntil)
                {
                    Proc.receive();
                    Proc.receive(m -> false, Duration.ofMillis(50));
                }
                while (Proc.receive(Duration.ofMillis(1)) != null)
                {
                    // drain
                }
            }
        };
    }

    /** Busy for 300 ms (yielding every 200 us), then resting 700 ms. */
    private static ProcessBody busyInBursts()
    {
        return () ->
        {
            Proc.register("busy-loop");
            double x = 0;
            for (;;)
            {
                final long end = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < end)
                {
                    final long slice = System.nanoTime() + 200_000L;
                    while (System.nanoTime() < slice)
                    {
                        x += Math.sqrt(x + 1);
                    }
                    Proc.yield();
                }
                Proc.receive(m -> false, Duration.ofMillis(700));
                if (x < 0)
                {
                    return; // never: keeps the loop's work from being optimized away
                }
            }
        };
    }
}
