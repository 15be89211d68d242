package dev.spindle.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a main class in a second JVM with this JVM's class path and {@code java.io.tmpdir} (so both
 * see the same CPU lock files), and the JVM flags a test chooses, for what one JVM cannot show:
 * missing flags, {@code -XX:ActiveProcessorCount}, a second process competing for CPUs.
 */
public final class ForkedJvm
{
    /** The flags Spindle needs (the README's list). */
    public static final List<String> SPINDLE_FLAGS = List.of(
        "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED");

    private ForkedJvm()
    {
    }

    /**
     * @param flags JVM flags.
     * @param main  the class whose main runs.
     * @param args  its arguments.
     * @return the started process (stderr merged into stdout).
     */
    public static Process start(final List<String> flags, final Class<?> main, final String... args) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /**
     * Runs to the end (at most 60 s).
     *
     * @return everything it printed.
     */
    public static String run(final List<String> flags, final Class<?> main, final String... args) throws Exception
    {
        final Process p = start(flags, main, args);
        p.getOutputStream().close();
        final byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the forked JVM did not end");
        return new String(out, StandardCharsets.UTF_8);
    }

    /** @return {@link #SPINDLE_FLAGS} plus {@code more}. */
    public static List<String> withSpindleFlags(final String... more)
    {
        final List<String> l = new ArrayList<>(SPINDLE_FLAGS);
        l.addAll(List.of(more));
        return l;
    }
}
