package dev.spindle.bench.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The other side of the remote case: {@link RemoteChild} in a JVM of its own, started with this
 * JVM's class path and flags. It prints {@code READY <address>}, serves until its standard input
 * closes, and is killed by {@link #close()} in any case.
 */
final class ChildJvm implements AutoCloseable
{
    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    final String address;

    ChildJvm(final String... args) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // Its own small heap: not the parent's -Xms (larger than 512m, the child would not
            // start) nor its pre-touch (the spindle command's fixed bench heap).
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xmx") && !a.startsWith("-Xms") &&
                !a.equals("-XX:+AlwaysPreTouch"))
            {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), RemoteChild.class.getName()));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final CompletableFuture<String> ready = new CompletableFuture<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    output.add(line);
                    if (line.startsWith("READY "))
                    {
                        ready.complete(line.substring(6).trim());
                    }
                }
            }
            catch (final IOException ignored)
            {
                // gone
            }
            ready.complete(null);
        }, "remote-child");
        reader.setDaemon(true);
        reader.start();
        String a;
        try
        {
            a = ready.get(60, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            a = null;
        }
        if (a == null)
        {
            close();
            throw new IOException("the remote child did not start: " + String.join(" | ", output));
        }
        address = a;
    }

    @Override
    public void close()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
