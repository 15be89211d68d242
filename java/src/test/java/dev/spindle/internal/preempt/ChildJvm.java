package dev.spindle.internal.preempt;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test class path in a fresh JVM (this JVM's java) and returns its output. */
final class ChildJvm
{
    private ChildJvm()
    {
    }

    /** The runtime's classes (target/classes) and the tests' (target/test-classes). */
    static String classPath()
    {
        return location(Preemption.class) + File.pathSeparator + location(ChildJvm.class);
    }

    static Path location(final Class<?> c)
    {
        try
        {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param jvmArgs options before the class path.
     * @param main    main class.
     * @param args    program arguments.
     * @return exit code and combined output.
     */
    static Result run(final List<String> jvmArgs, final String main, final String... args) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(main);
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IllegalStateException("child JVM timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), cmd);
    }

    record Result(int exit, String output, List<String> command)
    {
        @Override
        public String toString()
        {
            return "exit " + exit + " of " + command + ":\n" + output;
        }
    }
}
