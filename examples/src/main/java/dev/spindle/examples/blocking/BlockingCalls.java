package dev.spindle.examples.blocking;

import com.sun.net.httpserver.HttpServer;
import dev.spindle.Inbox;
import dev.spindle.Node;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.SpawnOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * Processes that call ordinary blocking Java: each of 100 virtual-thread processes makes a
 * blocking HTTP request (100 ms of server time) with the JDK's {@link HttpClient}, keeping a
 * request id in a {@link ThreadLocal} across the wait, as a logger's MDC would. While they wait the
 * schedulers stay free: a raw heartbeat process keeps ticking, and the whole batch takes about
 * one request's time instead of 100 requests spread over the schedulers. One raw process does the
 * same call through {@link Proc#dirty}, the other way to block (docs/java-in-processes.md).
 *
 * <p>Run it: {@code examples/run blocking-calls}. Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}
 * (virtual-thread processes); {@code examples/run} passes it.
 */
public final class BlockingCalls
{
    static final int REQUESTS = 100;
    static final Duration SERVER_TIME = Duration.ofMillis(100);
    static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();

    private BlockingCalls()
    {
    }

    /**
     * @param args none.
     * @throws Exception on an unexpected failure (a failed check exits with 1).
     */
    public static void main(final String[] args) throws Exception
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/quote", exchange ->
        {
            try
            {
                Thread.sleep(SERVER_TIME);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            final byte[] body = exchange.getRequestURI().getQuery().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.start();
        final String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/quote?";
        int failures = 0;
        try (HttpClient http = HttpClient.newHttpClient(); Node node = Node.start(); Inbox inbox = node.inbox())
        {
            final Pid me = inbox.pid();
            // A raw process that ticks every 5 ms: it runs only if the schedulers are not blocked.
            final Pid heartbeat = node.spawn(() ->
            {
                int ticks = 0;
                while (!"stop".equals(Proc.receive(Duration.ofMillis(5))))
                {
                    ticks++;
                }
                Proc.send(me, new int[] {ticks});
            });
            final long t0 = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++)
            {
                final String id = "req-" + i;
                node.spawn(() ->
                {
                    REQUEST_ID.set(id); // the process's own thread-local, as an MDC would be
                    final String answer = get(http, base + id); // blocks this process only
                    Proc.send(me, new String[] {id, answer, REQUEST_ID.get()});
                }, SpawnOptions.defaults().virtualThread(true));
            }
            final List<String> wrong = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++)
            {
                final Object m = inbox.receive(Duration.ofSeconds(30));
                if (!(m instanceof String[] r && r[0].equals(r[1]) && r[0].equals(r[2])))
                {
                    wrong.add(m == null ? "no answer within 30 s" : String.join(",", (String[]) m));
                }
            }
            final double took = (System.nanoTime() - t0) / 1e6;
            node.send(heartbeat, "stop");
            final int ticks = ((int[]) inbox.receive(Duration.ofSeconds(5)))[0];

            // A raw process blocks through a dirty thread instead: it waits like in a receive.
            final Pid raw = node.spawn(() -> Proc.send(me, Proc.dirty(() -> get(http, base + "dirty"))));
            final Object dirty = inbox.receive(Duration.ofSeconds(30));

            final double blockedBound = REQUESTS * SERVER_TIME.toMillis() / (double) node.schedulers();
            System.out.printf("blocking-calls: %d virtual-thread processes, each a blocking HTTP call of %d ms, took %.0f ms " +
                    "(blocking %d schedulers would take at least %.0f ms); heartbeat ticked %d times meanwhile%n",
                REQUESTS, SERVER_TIME.toMillis(), took, node.schedulers(), blockedBound, ticks);
            System.out.println("blocking-calls: raw process " + raw + " through Proc.dirty got '" + dirty + "'");
            if (!wrong.isEmpty())
            {
                System.out.println("CHECK FAILED: wrong or missing answers (id, answer, thread-local after the wait): " + wrong);
                failures++;
            }
            if (took >= blockedBound)
            {
                System.out.println("CHECK FAILED: the requests took as long as if they had blocked the schedulers");
                failures++;
            }
            if (ticks == 0)
            {
                System.out.println("CHECK FAILED: the heartbeat process never ran while the requests waited");
                failures++;
            }
            if (!"dirty".equals(dirty))
            {
                System.out.println("CHECK FAILED: the dirty call answered " + dirty);
                failures++;
            }
        }
        finally
        {
            server.stop(0);
        }
        System.out.println(failures == 0 ? "blocking-calls: all checks passed" : "blocking-calls: " + failures + " checks FAILED");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static String get(final HttpClient http, final String uri) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
