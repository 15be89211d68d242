package dev.spindle.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent in a fresh JVM, with no flag but {@code -javaagent} (the agent itself exports the
 * JDK internals the runtime and the test carrier use), and attached late to a running JVM.
 */
class AgentTest
{
    private static final String CHILD = "dev.spindle.internal.preempt.AgentChild";

    /** A jar with the runtime jar's agent manifest; the classes come from the class path. */
    private static Path agentJar(final Path dir) throws Exception
    {
        final Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Premain-Class", SpindleAgent.class.getName());
        m.getMainAttributes().putValue("Agent-Class", SpindleAgent.class.getName());
        m.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        final Path jar = dir.resolve("agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m))
        {
            j.flush();
        }
        return jar;
    }

    private static String classPath() throws URISyntaxException
    {
        return Path.of(SpindleAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + File.pathSeparator +
            Path.of(AgentTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String run(final List<String> jvmArgs, final String... args) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", classPath(), CHILD));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), cmd + "\n" + out);
        return out;
    }

    @Test
    void theOneFlagIsEnough(@TempDir final Path dir) throws Exception
    {
        final String out = run(List.of("-javaagent:" + agentJar(dir) + "=include=dev.spindle.samples.**,verbose"));
        assertTrue(out.contains("enabled=true"), out);
        // spin(1e6): 1e6 + 1 reductions (back-edges charged 64 at a time); inBlock's loops run
        // inside the monitor and end spent.
        assertTrue(out.matches("(?s).*yields=(24[89]|25[01])\\b.*"), out);
        assertTrue(out.contains("spindle-agent: rewriting include=[dev.spindle.samples.**]"), out);
        assertTrue(out.matches("(?s).*rewrote [1-9]\\d* of [1-9]\\d* selected classes.*"), out);
    }

    @Test
    void attachedLateItRewritesLoadedClasses(@TempDir final Path dir) throws Exception
    {
        final String out = run(List.of("-Djdk.attach.allowAttachSelf=true",
                "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"),
            "attach", agentJar(dir).toString(), "include=dev.spindle.samples.**");
        assertTrue(out.contains("before=0"), out);
        assertTrue(out.matches("(?s).*yields=(24[89]|25[01])\\b.*"), out);
    }

    @Test
    void badOptionsStopTheJvmWithTheReason(@TempDir final Path dir) throws Exception
    {
        final List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
            "-javaagent:" + agentJar(dir) + "=include=com.example.**,colour=red", "-cp", classPath(), CHILD);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0, out);
        assertTrue(out.contains("unknown option 'colour=red'"), out);
    }

    @Test
    void summaryWithoutAgent() throws Exception
    {
        final Method m = SpindleAgent.class.getMethod("summary");
        assertTrue(((String)m.invoke(null)).contains("not installed"));
    }
}
