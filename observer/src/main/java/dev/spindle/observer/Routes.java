package dev.spindle.observer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.spindle.Node;
import dev.spindle.NodeClosedException;
import dev.spindle.Pid;
import dev.spindle.ProcessInfo;
import dev.spindle.Reason;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The observer's HTTP interface:
 *
 * <pre>
 * GET  /                     the page
 * GET  /events               Server-Sent Events: "hello" (node shape, history), then a "frame" per refresh
 * GET  /api/frame            one frame as JSON (for scripts)
 * GET  /api/process?q=PID|NAME  one process: info, links with names, stack; {"alive":false} once it exited
 * POST /api/kill?pid=PID     node.exit(pid, Reason.KILL); needs the header X-Spindle-Observer: kill
 * </pre>
 *
 * Answers are JSON ({@code {"error": "..."}} on failure) except the page and the stream.
 */
final class Routes implements HttpHandler
{
    /** A stream with nothing new says so this often, so proxies and browsers keep it open. */
    static final long KEEP_ALIVE_MILLIS = 15_000;
    /** The header a kill must carry: a page of another origin cannot send it without a CORS preflight, which is never granted. */
    static final String KILL_HEADER = "X-Spindle-Observer";
    /** Links, monitors shown by name in a process's details, at most. */
    static final int MAX_NAMED = 100;

    private final Node node;
    private final Observer.Options options;
    private final Feed feed;
    private final Sampler sampler;
    private final ExecutorService sampling;

    Routes(final Node node, final Observer.Options options, final Feed feed, final Sampler sampler, final ExecutorService sampling)
    {
        this.node = node;
        this.options = options;
        this.feed = feed;
        this.sampler = sampler;
        this.sampling = sampling;
    }

    @Override
    public void handle(final HttpExchange ex) throws IOException
    {
        try (ex)
        {
            if (!hostAllowed(ex))
            {
                error(ex, 403, "this observer listens on loopback only and answers only requests for localhost, 127.0.0.1 or [::1]");
                return;
            }
            final String path = ex.getRequestURI().getPath();
            final String method = ex.getRequestMethod();
            switch (path)
            {
                case "/" -> { if (get(ex, method)) page(ex); }
                case "/events" -> { if (getOnly(ex, method)) events(ex); }
                case "/api/frame" -> { if (get(ex, method)) frame(ex); }
                case "/api/process" -> { if (get(ex, method)) process(ex); }
                case "/api/kill" -> kill(ex, method);
                default -> error(ex, 404, "no such page: " + path);
            }
        }
        catch (final IOException closedByPeer)
        {
            // the browser went away mid-answer: nothing to tell it
        }
        catch (final IllegalArgumentException badEscape) // URLDecoder: a malformed %xx in the query
        {
            try
            {
                error(ex, 400, "malformed query: " + badEscape.getMessage());
            }
            catch (final IOException | RuntimeException ignored)
            {
                // headers already sent: the connection just ends
            }
        }
        catch (final RuntimeException bug)
        {
            try
            {
                error(ex, 500, "observer failed: " + bug);
            }
            catch (final IOException | RuntimeException ignored)
            {
                // headers already sent: the connection just ends
            }
        }
    }

    /**
     * DNS rebinding: a page of another site whose name resolves to 127.0.0.1 reaches us with its own
     * host name. Listening on loopback means the user only ever means a loopback name.
     */
    private boolean hostAllowed(final HttpExchange ex)
    {
        if (!options.loopbackOnly())
        {
            return true; // bound to a network address on purpose: any name for it is fine
        }
        final String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null)
        {
            return true; // HTTP/1.0 without Host: not a browser
        }
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("["))
        {
            name = name.substring(0, name.indexOf(']') + 1);
        }
        else if (name.indexOf(':') >= 0)
        {
            name = name.substring(0, name.indexOf(':'));
        }
        return name.equals("localhost") || name.equals("[::1]") || name.startsWith("127.");
    }

    private static boolean get(final HttpExchange ex, final String method) throws IOException
    {
        if (method.equals("GET") || method.equals("HEAD"))
        {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        error(ex, 405, method + " is not allowed here");
        return false;
    }

    private static boolean getOnly(final HttpExchange ex, final String method) throws IOException
    {
        if (method.equals("GET"))
        {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET");
        error(ex, 405, method + " is not allowed here");
        return false;
    }

    private static void page(final HttpExchange ex) throws IOException
    {
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        // Everything is inline; nothing may be fetched from elsewhere.
        ex.getResponseHeaders().set("Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:");
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        send(ex, 200, Page.html());
    }

    private void events(final HttpExchange ex) throws IOException
    {
        if (!feed.join())
        {
            error(ex, 503, "too many open observer pages (at most " + Observer.MAX_PAGES + ")");
            return;
        }
        try
        {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            final OutputStream out = ex.getResponseBody();
            long seq = feed.seq();
            write(out, "retry: 2000\nevent: hello\ndata: " + sampler.hello() + "\n\n");
            sampling.execute(sampler::frame); // the first frame now, not at the next tick
            for (;;)
            {
                final Feed.Frame f = feed.next(seq, KEEP_ALIVE_MILLIS);
                if (f == Feed.Frame.CLOSED)
                {
                    return;
                }
                if (f == null)
                {
                    write(out, ": keep-alive\n\n");
                    continue;
                }
                seq = f.seq();
                write(out, "event: frame\ndata: " + f.json() + "\n\n");
            }
        }
        catch (final InterruptedException stop)
        {
            Thread.currentThread().interrupt();
        }
        catch (final java.util.concurrent.RejectedExecutionException closing)
        {
            // the observer is closing
        }
        finally
        {
            feed.leave();
        }
    }

    private static void write(final OutputStream out, final String s) throws IOException
    {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void frame(final HttpExchange ex) throws IOException
    {
        final Feed.Frame f;
        try
        {
            final long seq = feed.seq();
            sampling.submit(sampler::frame).get(5, TimeUnit.SECONDS);
            f = feed.next(seq, 5_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            error(ex, 503, "interrupted");
            return;
        }
        catch (final ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e)
        {
            error(ex, 503, "no frame: " + e);
            return;
        }
        if (f == null || f == Feed.Frame.CLOSED)
        {
            error(ex, 503, "no frame: the observer is closing");
            return;
        }
        json(ex, 200, f.json());
    }

    private void process(final HttpExchange ex) throws IOException
    {
        final String q = query(ex, "q");
        if (q == null || q.isBlank())
        {
            error(ex, 400, "give q=<pid> (like <0.42.0>) or q=<registered name>");
            return;
        }
        Pid pid = PidText.parse(q);
        if (pid == null)
        {
            pid = node.whereis(q.strip());
            if (pid == null)
            {
                error(ex, 404, "no process is registered as '" + q.strip() + "' (and it is not a pid like <0.42.0>)");
                return;
            }
        }
        if (pid.node() != node.id())
        {
            error(ex, 404, pid + " is not a process of node " + node.id());
            return;
        }
        final ProcessInfo p = node.info(pid);
        if (p == null)
        {
            // A process that exited is an answer, not an error: the page's drawer says so.
            final Json gone = new Json(64);
            gone.object().field("pid", pid.toString()).field("alive", false).end();
            json(ex, 200, gone.toString());
            return;
        }
        final List<StackTraceElement> stack = node.stack(pid);
        final Json j = new Json(4096);
        j.object().field("pid", p.pid().toString()).field("alive", true).field("name", p.registeredName()).field("status", p.status())
            .field("mq", p.mailboxLength()).field("hw", p.mailboxHighWater()).field("red", p.reductions())
            .field("mem", p.memory()).field("sched", p.scheduler()).field("prio", p.priority().name().toLowerCase(Locale.ROOT))
            .field("trap", p.trapExit()).field("vt", p.virtualThread()).field("kill", options.allowKill());
        j.key("parent");
        if (p.parent() == null)
        {
            j.value((String)null);
        }
        else
        {
            named(j, p.parent());
        }
        pids(j, "links", p.links());
        pids(j, "monitors", p.monitors());
        pids(j, "monitoredBy", p.monitoredBy());
        j.key("stack").array();
        if (stack != null)
        {
            for (final StackTraceElement e : stack)
            {
                j.value(e.toString());
            }
        }
        j.endArray().end();
        json(ex, 200, j.toString());
    }

    private void pids(final Json j, final String key, final List<Pid> pids)
    {
        j.key(key).array();
        int n = 0;
        for (final Pid p : pids)
        {
            if (n++ == MAX_NAMED)
            {
                break;
            }
            named(j, p);
        }
        j.endArray().field(key + "Count", pids.size());
    }

    private void named(final Json j, final Pid pid)
    {
        final ProcessInfo i = pid.node() == node.id() ? node.info(pid) : null;
        j.object().field("pid", pid.toString()).field("name", i == null ? null : i.registeredName()).field("alive", i != null).end();
    }

    private void kill(final HttpExchange ex, final String method) throws IOException
    {
        if (!method.equals("POST"))
        {
            ex.getResponseHeaders().set("Allow", "POST");
            error(ex, 405, "a kill is a POST");
            return;
        }
        if (!options.allowKill())
        {
            error(ex, 403, "kill is switched off on this observer");
            return;
        }
        if (!"kill".equals(ex.getRequestHeaders().getFirst(KILL_HEADER)))
        {
            error(ex, 403, "a kill needs the header " + KILL_HEADER + ": kill");
            return;
        }
        final String origin = ex.getRequestHeaders().getFirst("Origin");
        final String host = ex.getRequestHeaders().getFirst("Host");
        if (origin != null && host != null && !origin.equalsIgnoreCase("http://" + host))
        {
            error(ex, 403, "a kill from another origin (" + origin + ") is refused");
            return;
        }
        final String text = query(ex, "pid");
        final Pid pid = PidText.parse(text);
        if (pid == null)
        {
            error(ex, 400, "pid=" + text + " is not a pid like <0.42.0>");
            return;
        }
        if (pid.node() != node.id() || node.info(pid) == null)
        {
            error(ex, 404, "no process " + pid + " on node " + node.id());
            return;
        }
        try
        {
            node.exit(pid, Reason.KILL);
        }
        catch (final NodeClosedException closed)
        {
            error(ex, 409, "the node is closed");
            return;
        }
        final Json j = new Json(64);
        j.object().field("killed", pid.toString()).end();
        json(ex, 200, j.toString());
    }

    private static String query(final HttpExchange ex, final String name)
    {
        final String raw = ex.getRequestURI().getRawQuery();
        if (raw == null)
        {
            return null;
        }
        for (final String pair : raw.split("&"))
        {
            final int eq = pair.indexOf('=');
            final String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name))
            {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void json(final HttpExchange ex, final int status, final String body) throws IOException
    {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void error(final HttpExchange ex, final int status, final String message) throws IOException
    {
        final Json j = new Json(message.length() + 16);
        j.object().field("error", message).end();
        json(ex, status, j.toString());
    }

    private static void send(final HttpExchange ex, final int status, final byte[] body) throws IOException
    {
        final boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head)
        {
            try (OutputStream out = ex.getResponseBody())
            {
                out.write(body);
            }
        }
    }
}
