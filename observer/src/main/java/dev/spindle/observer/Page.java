package dev.spindle.observer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The observer's one page: {@code page.html} with its stylesheet, its script and uPlot (unpacked
 * from the uPlot WebJar into the jar at build time) inlined, so the browser fetches nothing else
 * and nothing from a network. Built once per class load.
 */
final class Page
{
    private static final String BASE = "/dev/spindle/observer/";

    private Page()
    {
    }

    private static volatile byte[] html;

    /**
     * @return the page, UTF-8.
     * @throws IllegalStateException when the build did not put its parts on the class path.
     */
    static byte[] html()
    {
        byte[] h = html;
        if (h == null)
        {
            h = build().getBytes(StandardCharsets.UTF_8); // racing builders make the same bytes
            html = h;
        }
        return h;
    }

    static String build()
    {
        return resource("page.html")
            .replace("/*{{uplot.css}}*/", resource("uplot/uPlot.min.css"))
            .replace("/*{{page.css}}*/", resource("page.css"))
            .replace("/*{{uplot.js}}*/", resource("uplot/uPlot.iife.min.js"))
            .replace("/*{{page.js}}*/", resource("page.js"));
    }

    private static String resource(final String name)
    {
        try (InputStream in = Page.class.getResourceAsStream(BASE + name))
        {
            if (in == null)
            {
                throw new IllegalStateException(BASE + name + " is not on the class path: build spindle-observer with Maven " +
                    "(it unpacks uPlot from its WebJar at build time)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
