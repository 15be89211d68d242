package dev.spindle.internal.distribution;

import dev.spindle.NodeConfig;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import net.openhft.affinity.Affinity;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Aeron for one node: the media driver (embedded by default, in a directory of the node's own
 * under the temp directory, deleted at close; or an external one), the client, the subscription
 * on the node's listen address and one publication per peer. UDP unicast: every peer publishes to
 * this node's endpoint (each peer is one image of the subscription) and this node publishes to
 * each peer's.
 *
 * <p>Threads: none of its own. The embedded driver runs in {@link ThreadingMode#INVOKER} mode and
 * the client with its conductor invoker, both driven by the node's distribution thread through
 * {@link #doWork()} (Aeron's SHARED mode, one duty cycle for the driver's conductor, sender and
 * receiver, run on the thread that also polls the subscription). Distribution shares the machine
 * with the schedulers: one thread that backs off when idle costs next to no CPU, where the
 * dedicated mode's three spinning threads would take three cores, and a message crosses one
 * polling thread per node instead of three (driver, client, distribution), which is what a round
 * trip pays when the threads are idle. That thread is pinned to the CPUs this JVM may use that no
 * scheduler is pinned to; when the schedulers take them all it is left unpinned (the kernel places
 * it) and the node says so in its log.
 */
final class Transport implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("dev.spindle.distribution");
    /** Stream id of node-to-node traffic (one stream: frames of a connection stay in order). */
    static final int STREAM = 0x5350;

    private final NodeConfig.Distribution config;
    private final BitSet cpus;
    private final Path root;
    private final MediaDriver driver;
    private final org.agrona.concurrent.AgentInvoker driverWork;
    private final org.agrona.concurrent.AgentInvoker clientWork;
    final Aeron aeron;
    final Subscription inbound;
    /** The address peers reach this node at, with the port the system chose for port 0. */
    final String address;

    /**
     * @param config  the node's distribution settings.
     * @param cpus    CPUs the distribution threads may run on (empty: unpinned).
     * @param onError Aeron's asynchronous errors (a driver timeout ends distribution).
     */
    Transport(final NodeConfig.Distribution config, final BitSet cpus, final Consumer<Throwable> onError)
    {
        this.config = config;
        this.cpus = cpus;
        final String dir;
        if (config.aeronDirectory() == null)
        {
            root = tempRoot(config.name());
            dir = root.resolve("aeron").toString();
            final MediaDriver.Context ctx = new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .threadingMode(ThreadingMode.INVOKER)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .termBufferSparseFile(true)
                .errorHandler(onError::accept);
            driver = MediaDriver.launch(ctx);
            driverWork = driver.sharedAgentInvoker();
        }
        else
        {
            root = null;
            dir = config.aeronDirectory();
            driver = null;
            driverWork = null;
        }
        Aeron client = null;
        try
        {
            client = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(dir)
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(driverWork) // synchronous calls (addPublication) run the driver meanwhile
                .errorHandler(onError::accept));
            final Subscription sub = client.addSubscription(channel(config.listen()), STREAM);
            String resolved = config.listen();
            if (config.listen().endsWith(":0"))
            {
                final long deadline = System.nanoTime() + 5_000_000_000L;
                String ep;
                while ((ep = sub.resolvedEndpoint()) == null && System.nanoTime() < deadline)
                {
                    if (driverWork != null)
                    {
                        driverWork.invoke();
                    }
                    client.conductorAgentInvoker().invoke();
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
                if (ep == null)
                {
                    throw new IllegalStateException("Aeron did not report the port it bound for " + config.listen());
                }
                resolved = ep;
            }
            aeron = client;
            clientWork = client.conductorAgentInvoker();
            inbound = sub;
            address = resolved;
        }
        catch (final RuntimeException | Error e)
        {
            if (client != null)
            {
                client.close();
            }
            closeDriver();
            throw e;
        }
    }

    /**
     * One duty cycle of the embedded driver (conductor, sender, receiver) and of the client's
     * conductor. Distribution thread only.
     *
     * @return work done (0: idle).
     */
    int doWork()
    {
        int work = clientWork.invoke();
        if (driverWork != null)
        {
            work += driverWork.invoke();
        }
        return work;
    }

    /**
     * @param address {@code host:port}
     * @return the channel publishing to it or listening on it
     */
    String channel(final String address)
    {
        return "aeron:udp?endpoint=" + address + "|term-length=" + config.termLength();
    }

    /**
     * @param address a peer's {@code host:port}.
     * @return a publication to it that any thread may offer to (a concurrent one: senders offer
     * directly from their own threads); a new Aeron session once the previous one is closed.
     */
    Publication publication(final String address)
    {
        return aeron.addPublication(channel(address), STREAM);
    }

    /** Pins the calling thread to the CPUs no scheduler uses (nothing when there are none). */
    void pin()
    {
        if (!cpus.isEmpty())
        {
            try
            {
                Affinity.setAffinity(cpus);
            }
            catch (final RuntimeException | LinkageError e)
            {
                LOG.log(Level.DEBUG, "could not pin {0} to CPUs {1}: {2}", Thread.currentThread().getName(), cpus, e);
            }
        }
    }

    private static Path tempRoot(final String name)
    {
        final String configured = System.getProperty("spindle.tmpdir");
        Path base = Path.of(configured != null ? configured : System.getProperty("java.io.tmpdir"));
        final Path shm = Path.of("/dev/shm");
        if (configured == null && Files.isDirectory(shm) && Files.isWritable(shm))
        {
            base = shm; // Aeron's log buffers are memory-mapped: tmpfs keeps them off the disk
        }
        try
        {
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "spindle-" + name + "-");
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot make the Aeron directory of node '" + name + "' under " + base + ": " + e, e);
        }
    }

    private void closeDriver()
    {
        if (driver != null)
        {
            driver.close();
        }
        if (root != null)
        {
            try (Stream<Path> files = Files.walk(root))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            catch (final IOException | RuntimeException ignored)
            {
                // best effort: the driver deleted its own files already
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            aeron.close();
        }
        finally
        {
            closeDriver();
        }
    }
}
