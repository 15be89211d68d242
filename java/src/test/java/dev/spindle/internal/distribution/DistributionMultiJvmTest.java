package dev.spindle.internal.distribution;

import dev.spindle.*;
import dev.spindle.testing.InProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.spindle.testing.InProcess.T;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Nodes in separate JVMs on this machine (loopback only): each child is a {@link ChildNode} forked
 * with the test class path and the runtime's JVM flags, killed in the finally of every test.
 * {@code -Dspindle.soak.messages=N} sets the soak's size (default 100,000, the CI size;
 * docs/distribution.md has the full 1,000,000 run).
 */
class DistributionMultiJvmTest
{
    private static final long HEARTBEAT_TIMEOUT_MS = 1000;

    private final List<Process> children = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private Path tmp;

    /** A child JVM running a node. */
    private record Child(Process process, String address, String creation, List<String> output)
    {
    }

    private Child fork(final String name, final String cookie) throws IOException
    {
        if (tmp == null)
        {
            tmp = Files.createTempDirectory("spindle-multijvm-");
        }
        final String javaBin = ProcessHandle.current().info().command().orElse("java");
        final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(Arrays.asList(System.getProperty("spindle.jvm.flags", "").trim().split("\\s+")));
        cmd.addAll(List.of("-Xss1m", "-Xmx256m", "-XX:+UseSerialGC", "-Dspindle.tmpdir=" + tmp, "-cp", cp,
            ChildNode.class.getName(), name, cookie, Long.toString(HEARTBEAT_TIMEOUT_MS)));
        cmd.removeIf(String::isEmpty);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        // Copy-on-write: tests stream over it while the reader thread appends (a synchronizedList's
        // stream is not synchronized: a ConcurrentModificationException failed CI once).
        final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
        final BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        final java.util.concurrent.CompletableFuture<String> ready = new java.util.concurrent.CompletableFuture<>();
        final Thread reader = new Thread(() ->
        {
            try
            {
                String line;
                while ((line = r.readLine()) != null)
                {
                    output.add(line);
                    if (line.startsWith("READY "))
                    {
                        ready.complete(line);
                    }
                }
            }
            catch (final IOException ignored)
            {
                // the child is gone
            }
            ready.complete(null);
        }, "child-" + name);
        reader.setDaemon(true);
        reader.start();
        final String line;
        try
        {
            line = ready.get(60, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            throw new AssertionError("child " + name + " did not start: " + output, e);
        }
        assertNotNull(line, "child " + name + " exited: " + output);
        final String[] parts = line.split(" ");
        return new Child(p, parts[1], parts[2], output);
    }

    private Node parent(final String cookie)
    {
        final Node n = Node.start(NodeConfig.builder().schedulers(1).pinned(false).name("parent").cookie(cookie)
            .heartbeat(Duration.ofMillis(HEARTBEAT_TIMEOUT_MS / 5), Duration.ofMillis(HEARTBEAT_TIMEOUT_MS)).build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void cleanUp() throws Exception
    {
        for (final Process p : children)
        {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (final Node n : nodes)
        {
            n.close();
        }
        if (tmp != null)
        {
            try (Stream<Path> files = Files.walk(tmp))
            {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static Object inProcess(final Node node, final InProcess.Body body) throws Exception
    {
        try (Inbox inbox = node.inbox())
        {
            return InProcess.inProcess(node, inbox, body);
        }
    }

    @Test
    void sendCallLinkAndMonitorAcrossJvms() throws Exception
    {
        final Child child = fork("c1", "secret");
        final Node parent = parent("secret");
        parent.connect("c1", child.address());
        final RemoteName control = new RemoteName("c1", "control");
        final Object r = inProcess(parent, () ->
        {
            final Pid sleeper = (Pid)Proc.call(control, "sleeper", T);
            final Ref ref = Proc.monitor(sleeper);
            Proc.trapExit(true);
            Proc.link(sleeper);
            Proc.exit(sleeper, "stop now");
            final Down d = InProcess.down(ref);
            final Exit e = InProcess.exitFrom(sleeper, T);
            return Node.nameOf(sleeper) + " " + (d == null ? "no down" : d.reason()) + " " + (e == null ? "no exit" : e.reason());
        });
        assertEquals("c1 stop now stop now", r);
        assertEquals(List.of("c1"), parent.nodes());
    }

    @Test
    void killMinusNineFiresNoconnectionAndARestartedNodeHasANewCreation() throws Exception
    {
        final Child first = fork("c1", "secret");
        final Node parent = parent("secret");
        parent.connect("c1", first.address());
        try (Inbox inbox = parent.inbox())
        {
            final Pid[] sleeper = new Pid[1];
            parent.spawn(() ->
            {
                sleeper[0] = (Pid)Proc.call(new RemoteName("c1", "control"), "sleeper", T);
                final Ref ref = Proc.monitor(sleeper[0]);
                Proc.monitorNode("c1");
                Proc.send(inbox.pid(), "watching");
                final Down d = InProcess.down(ref, Duration.ofSeconds(30));
                final long at = System.nanoTime();
                final NodeDown nd = (NodeDown)Proc.receive(m -> m instanceof NodeDown, Duration.ofSeconds(30));
                Proc.send(inbox.pid(), List.of(String.valueOf(d == null ? null : d.reason()), String.valueOf(nd), at));
            });
            assertEquals("watching", inbox.receive(T));
            final long killed = System.nanoTime();
            first.process().destroyForcibly(); // SIGKILL
            @SuppressWarnings("unchecked") final List<Object> got = (List<Object>)inbox.receive(Duration.ofSeconds(40));
            assertNotNull(got, "no Down after kill -9");
            assertEquals("noconnection", got.get(0));
            assertTrue(String.valueOf(got.get(1)).startsWith("NodeDown[node=c1"), got.toString());
            final long detectedMs = TimeUnit.NANOSECONDS.toMillis((Long)got.get(2) - killed);
            System.out.println("kill -9 detected after " + detectedMs + " ms (heartbeat timeout " + HEARTBEAT_TIMEOUT_MS + " ms)");
            // Restart under the same name: a new creation; the old incarnation's pids stay dead.
            final Child second = fork("c1", "secret");
            assertNotEquals(first.creation(), second.creation());
            parent.connect("c1", second.address());
            final Object r = inProcess(parent, () ->
            {
                final Pid fresh = (Pid)Proc.call(new RemoteName("c1", "control"), "sleeper", T);
                final Down old = InProcess.down(Proc.monitor(sleeper[0]));
                return (fresh.node() != sleeper[0].node()) + " " + Node.nameOf(fresh) + " " + old.reason();
            });
            assertEquals("true c1 noproc", r);
        }
    }

    @Test
    void aWrongCookieIsRefusedAndLogged() throws Exception
    {
        final Child child = fork("c1", "right");
        final Node parent = parent("wrong");
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> parent.connect("c1", child.address()));
        assertTrue(e.getMessage().contains("cookie"), e.getMessage());
        InProcess.await(() -> child.output().stream().anyMatch(l -> l.contains("refused") && l.contains("cookie")),
            "the child logs the refusal: " + child.output());
        assertEquals(List.of(), parent.nodes());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 30, unit = TimeUnit.MINUTES) // the full 1,000,000 run
    void soakWithSupervisorsKillingWorkersOnBothSides() throws Exception
    {
        final int total = Integer.getInteger("spindle.soak.messages", 100_000);
        final int senders = 8;
        final Child child = fork("c1", "secret");
        final Node parent = parent("secret");
        parent.connect("c1", child.address());
        Soak.startWorkers(parent);
        final long[] kills = new long[1];
        final Pid killer = Soak.startKiller(parent, 20, kills);
        final long t0 = System.nanoTime();
        final Pid control = parent.whereis(new RemoteName("c1", "control"));
        assertNotNull(control);
        // Both directions at once: the child's senders call the parent's workers, ours call the child's.
        final java.util.concurrent.CompletableFuture<Object> childSide =
            parent.ask(control, "soak parent " + total / 2 + " " + senders + " 20", Duration.ofMinutes(5));
        final String ours = Soak.send(parent, "c1", total - total / 2, senders);
        final String theirs = String.valueOf(childSide.get(5, TimeUnit.MINUTES));
        parent.send(killer, "stop");
        final double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("soak: %d calls in %.1f s; parent->child %s kills here=%d; child->parent %s%n", total, secs, ours, kills[0], theirs);
        assertTrue(ours.startsWith("acked=" + (total - total / 2) + " "), ours);
        assertTrue(ours.endsWith(" wrong=0"), ours);
        assertTrue(theirs.startsWith("acked=" + total / 2 + " "), theirs);
        assertTrue(theirs.contains(" wrong=0 "), theirs);
    }
}
