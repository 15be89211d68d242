package dev.spindle.observer;

import com.sun.net.httpserver.HttpServer;
import dev.spindle.Node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A live page about a running node, served by the JDK's own HTTP server ({@code jdk.httpserver})
 * on the observer's threads, never a scheduler's:
 *
 * <pre>{@code
 * try (Node node = Node.start(); Observer observer = Observer.start(node, 8080)) {
 *     System.out.println("watch at " + observer.uri());   // http://127.0.0.1:8080/
 *     ...
 * }
 * }</pre>
 *
 * The page shows scheduler utilization over time, run queues, steals, migrations, stalls and the
 * CPU each scheduler runs on; the processes that spend the most reductions, hold the longest
 * mailboxes or the most memory, with a search, each process's details and stack, and a kill
 * button; and the supervision trees. Updates are pushed (Server-Sent Events) once per refresh
 * period (default one second) while a page is open; with none open the observer samples only the
 * schedulers' counters, for the charts' history. docs/observability.md has the page, its cost
 * and its HTTP interface.
 *
 * <p>It listens on the loopback address unless told otherwise ({@link Options.Builder#bind}),
 * and then accepts requests only for a loopback host name (a page on another site cannot reach it
 * through DNS rebinding); a kill needs a POST with a header no cross-site form can send, and can be
 * switched off ({@link Options.Builder#allowKill}).
 */
public final class Observer implements AutoCloseable
{
    /** Pages that may be open at once; more get 503. */
    static final int MAX_PAGES = 8;

    private final Node node;
    private final Options options;
    private final HttpServer server;
    private final ExecutorService http;
    private final ScheduledThreadPoolExecutor sampling;
    private final Feed feed;
    private final Sampler sampler;
    private final URI uri;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Observer(final Node node, final Options options)
    {
        Page.html(); // a jar built without its page fails here, not at the first request
        this.node = node;
        this.options = options;
        this.feed = new Feed(MAX_PAGES);
        this.sampler = new Sampler(node, feed, options.refresh().toMillis(), options.allowKill());
        final String prefix = "spindle-observer-" + node.id() + "-";
        this.sampling = new ScheduledThreadPoolExecutor(1, threads(prefix + "sampler"));
        this.sampling.setRemoveOnCancelPolicy(true);
        // One thread per open page (it waits on the feed) plus a few for the other requests.
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_PAGES + 4, MAX_PAGES + 4, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), threads(prefix + "http"));
        pool.allowCoreThreadTimeOut(true);
        this.http = pool;
        try
        {
            this.server = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 16);
        }
        catch (final IOException ex)
        {
            sampling.shutdownNow();
            http.shutdownNow();
            throw new UncheckedIOException("observer cannot listen on " + options.bind().getHostAddress() + ":" + options.port()
                + ": " + ex.getMessage(), ex);
        }
        final Routes routes = new Routes(node, options, feed, sampler, sampling);
        server.createContext("/", routes);
        server.setExecutor(http);
        server.start();
        final InetSocketAddress at = server.getAddress();
        final String host = at.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress() : at.getAddress().getHostAddress();
        this.uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + at.getPort() + "/");
        final long period = options.refresh().toMillis();
        sampling.scheduleAtFixedRate(sampler::tick, 0, period, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory threads(final String name)
    {
        final AtomicInteger n = new AtomicInteger();
        return r ->
        {
            final Thread t = new Thread(r, name.endsWith("sampler") ? name : name + "-" + n.incrementAndGet());
            t.setDaemon(true); // an observer left open must not keep the JVM alive
            return t;
        };
    }

    /**
     * Serves the page on the loopback address, kill allowed, refreshed every second.
     *
     * @param node the node to watch.
     * @param port the TCP port, or 0 for any free one ({@link #port()} tells which).
     * @return the running observer; close it to stop serving.
     * @throws UncheckedIOException when the port cannot be had.
     */
    public static Observer start(final Node node, final int port)
    {
        return start(node, Options.builder().port(port).build());
    }

    /**
     * Serves the page as configured.
     *
     * @param node    the node to watch.
     * @param options address, port, kill, refresh period.
     * @return the running observer; close it to stop serving.
     * @throws UncheckedIOException when the address or port cannot be had.
     */
    public static Observer start(final Node node, final Options options)
    {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(options, "options");
        return new Observer(node, options);
    }

    /** @return where the page is, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri()
    {
        return uri;
    }

    /** @return the port it listens on. */
    public int port()
    {
        return server.getAddress().getPort();
    }

    /** @return how it was configured. */
    public Options options()
    {
        return options;
    }

    /** @return the node it watches. */
    public Node node()
    {
        return node;
    }

    /** @return pages open now. */
    public int openPages()
    {
        return feed.clients();
    }

    /** Stops serving: open pages see the stream end; the observer's threads end. Idempotent. */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        feed.close(); // the pages' threads leave their waits
        sampling.shutdownNow();
        server.stop(0);
        http.shutdown();
        try
        {
            if (!http.awaitTermination(2, TimeUnit.SECONDS))
            {
                http.shutdownNow();
            }
            sampling.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString()
    {
        return "Observer[" + uri + ", node " + node.id() + (closed.get() ? ", closed" : "") + "]";
    }

    /**
     * How an observer serves: made with {@link #builder()}.
     *
     * @param bind      the address to listen on (default: loopback).
     * @param port      the TCP port (0: any free one).
     * @param allowKill whether the page may kill processes.
     * @param refresh   how often an open page is updated.
     */
    public record Options(InetAddress bind, int port, boolean allowKill, Duration refresh)
    {
        /** The shortest refresh period. */
        public static final Duration MIN_REFRESH = Duration.ofMillis(100);
        /** The longest refresh period. */
        public static final Duration MAX_REFRESH = Duration.ofMinutes(1);

        /**
         * @throws IllegalArgumentException for a port outside 0..65535 or a refresh period outside
         *                                  {@link #MIN_REFRESH}..{@link #MAX_REFRESH}.
         */
        public Options
        {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(refresh, "refresh");
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("port must be in 0..65535, was " + port);
            }
            if (refresh.compareTo(MIN_REFRESH) < 0 || refresh.compareTo(MAX_REFRESH) > 0)
            {
                throw new IllegalArgumentException("refresh must be between " + MIN_REFRESH.toMillis() + " ms and "
                    + MAX_REFRESH.toSeconds() + " s, was " + refresh);
            }
        }

        /** @return whether it listens on a loopback address only. */
        public boolean loopbackOnly()
        {
            return bind.isLoopbackAddress();
        }

        /** @return a builder with the defaults: loopback, port 0, kill allowed, one second. */
        public static Builder builder()
        {
            return new Builder();
        }

        /** Builds {@link Options}. */
        public static final class Builder
        {
            private InetAddress bind = InetAddress.getLoopbackAddress();
            private int port;
            private boolean allowKill = true;
            private Duration refresh = Duration.ofSeconds(1);

            private Builder()
            {
            }

            /**
             * @param address where to listen: anything but a loopback address exposes the page
             *                (and its kill button, unless switched off) to the network.
             * @return this.
             */
            public Builder bind(final InetAddress address)
            {
                this.bind = Objects.requireNonNull(address, "address");
                return this;
            }

            /**
             * @param host a host name or address to listen on, e.g. {@code "0.0.0.0"}.
             * @return this.
             * @throws IllegalArgumentException when it does not resolve.
             */
            public Builder bind(final String host)
            {
                Objects.requireNonNull(host, "host");
                try
                {
                    return bind(InetAddress.getByName(host));
                }
                catch (final UnknownHostException ex)
                {
                    throw new IllegalArgumentException("cannot resolve bind address '" + host + "'", ex);
                }
            }

            /** @param port TCP port, 0 for any free one @return this */
            public Builder port(final int port)
            {
                this.port = port;
                return this;
            }

            /** @param allowKill whether the page may kill processes (default true) @return this */
            public Builder allowKill(final boolean allowKill)
            {
                this.allowKill = allowKill;
                return this;
            }

            /** @param refresh how often an open page is updated (default one second) @return this */
            public Builder refresh(final Duration refresh)
            {
                this.refresh = refresh;
                return this;
            }

            /** @return the options. @throws IllegalArgumentException for a bad port or period */
            public Options build()
            {
                return new Options(bind, port, allowKill, refresh);
            }
        }
    }
}
