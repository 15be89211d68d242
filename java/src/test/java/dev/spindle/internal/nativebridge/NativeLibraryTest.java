package dev.spindle.internal.nativebridge;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class NativeLibraryTest
{
    @Test
    void loadsFromTheJarResourceAndMatchesTheAbi()
    {
        NativeLibrary.load();
        assertTrue(NativeLibrary.isLoaded());
        assertEquals(SpindleNative.ABI_VERSION, SpindleNative.abiVersion());
        assertEquals("/META-INF/native/linux-x86_64/libspindle.so", NativeLibrary.resourcePath());
    }

    /** Runs a JVM whose class path lacks the library resource: one clear error naming both tries. */
    @Test
    void missingLibraryFailsWithOneMessageSayingWhatWasTried() throws Exception
    {
        final Path classes = Files.createTempDirectory("spindle-noresource");
        // Copy only the classes, not META-INF/native.
        final Path src = Path.of(NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (var walk = Files.walk(src))
        {
            for (final Path p : (Iterable<Path>)walk::iterator)
            {
                final Path rel = src.relativize(p);
                if (rel.toString().startsWith("META-INF"))
                {
                    continue;
                }
                final Path dst = classes.resolve(rel.toString());
                if (Files.isDirectory(p))
                {
                    Files.createDirectories(dst);
                }
                else
                {
                    Files.copy(p, dst);
                }
            }
        }
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
            "-Dspindle.library.path=/nonexistent/libspindle.so",
            "-cp", classes + File.pathSeparator + System.getProperty("java.class.path").replace(src.toString(), "/nonexistent-classes"),
            Probe.class.getName()));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        final String out = new String(p.getInputStream().readAllBytes());
        assertTrue(out.contains("Spindle native library could not be loaded"), out);
        assertTrue(out.contains("/nonexistent/libspindle.so"), out);
        assertTrue(out.contains("classpath resource /META-INF/native/"), out);
        assertTrue(out.contains("RunQueues.JAVA"), out);
    }

    /** Entry point of the child JVM. */
    public static final class Probe
    {
        public static void main(final String[] args)
        {
            try
            {
                NativeLibrary.load();
                System.out.println("loaded?!");
            }
            catch (final UnsatisfiedLinkError e)
            {
                System.out.println(e.getMessage());
            }
        }
    }
}
