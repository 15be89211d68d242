package dev.spindle.observer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/** The observer's event stream as a page reads it: events parsed, waited for with a deadline. */
final class EventStream implements AutoCloseable
{
    record Event(String name, String data)
    {
        Map<String, Object> json()
        {
            return MiniJson.object(data);
        }
    }

    private final HttpURLConnection connection;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    EventStream(final URI base) throws IOException
    {
        connection = (HttpURLConnection)base.resolve("events").toURL().openConnection();
        connection.setReadTimeout(0);
        assertEquals(200, connection.getResponseCode());
        assertTrue(connection.getContentType().startsWith("text/event-stream"), connection.getContentType());
        final BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
        reader = new Thread(() ->
        {
            String name = "message";
            final StringBuilder data = new StringBuilder();
            try
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    if (line.isEmpty())
                    {
                        if (!data.isEmpty())
                        {
                            events.add(new Event(name, data.toString()));
                        }
                        name = "message";
                        data.setLength(0);
                    }
                    else if (line.startsWith("event: "))
                    {
                        name = line.substring(7);
                    }
                    else if (line.startsWith("data: "))
                    {
                        data.append(line.substring(6));
                    }
                }
            }
            catch (final IOException ex)
            {
                // closed
            }
            ended = true;
        }, "test-event-stream");
        reader.setDaemon(true);
        reader.start();
    }

    Event next(final Duration timeout) throws InterruptedException
    {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the first frame (event "frame") that matches, failing after the timeout. */
    Map<String, Object> awaitFrame(final Predicate<Map<String, Object>> match, final Duration timeout, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> last = null;
        while (System.nanoTime() < deadline)
        {
            final Event e = next(Duration.ofMillis(200));
            if (e != null && e.name().equals("frame"))
            {
                last = e.json();
                if (match.test(last))
                {
                    return last;
                }
            }
        }
        return fail("no frame " + what + " within " + timeout + "; last frame: " + last);
    }

    boolean ended()
    {
        return ended;
    }

    void awaitEnd(final Duration timeout) throws InterruptedException
    {
        reader.join(timeout.toMillis());
        assertTrue(ended, "the stream did not end");
    }

    @Override
    public void close()
    {
        connection.disconnect();
    }
}
