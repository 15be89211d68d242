package dev.spindle.internal.nativebridge;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.RunQueues;
import dev.spindle.testing.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.InputStream;
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

    /** Runs a JVM whose class path lacks the library resource: one clear error saying what was tried. */
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
            "-cp", classes + File.pathSeparator + System.getProperty("java.class.path").replace(src.toString(), "/nonexistent-classes"),
            Probe.class.getName()));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        final String out = new String(p.getInputStream().readAllBytes());
        assertTrue(out.contains("Spindle native library could not be loaded"), out);
        assertTrue(out.contains("-Dspindle.library.path: not set"), out);
        assertTrue(out.contains("classpath resource /META-INF/native/linux-x86_64/libspindle.so: not found"), out);
        assertTrue(out.contains("RunQueues.JAVA"), out);
    }

    /**
     * The regression: a -Dspindle.library.path that does not load was skipped for the jar's copy.
     * Now Node.start fails naming the path and the reason, even though the jar has a library.
     */
    @Test
    void aLibraryPathThatDoesNotLoadFailsTheStartNamingPathAndReason() throws Exception
    {
        final String missing = ForkedJvm.run(ForkedJvm.withSpindleFlags("-Dspindle.library.path=/nonexistent/libspindle.so"),
            NativeNode.class);
        assertTrue(missing.contains("UnsatisfiedLinkError: Spindle native library could not be loaded from " +
            "-Dspindle.library.path=/nonexistent/libspindle.so: no such file (/nonexistent/libspindle.so)"), missing);
        assertFalse(missing.contains("started"), missing);

        final Path garbage = Files.createTempFile("libspindle-garbage", ".so");
        try
        {
            Files.writeString(garbage, "not an ELF file");
            final String bad = ForkedJvm.run(ForkedJvm.withSpindleFlags("-Dspindle.library.path=" + garbage), NativeNode.class);
            assertTrue(bad.contains("could not be loaded from -Dspindle.library.path=" + garbage + ": "), bad);
            // dlopen's own reason, e.g. "invalid ELF header" or "file too short"
            assertTrue(bad.contains("ELF") || bad.contains("too short"), bad);
            assertFalse(bad.contains("started"), bad);
        }
        finally
        {
            Files.deleteIfExists(garbage);
        }

        // The same path with the Java run queues: the node starts, and the bad path is still reported.
        final String java = ForkedJvm.run(ForkedJvm.withSpindleFlags("-Dspindle.library.path=/nonexistent/libspindle.so"),
            NativeNode.class, "JAVA");
        assertTrue(java.contains("started"), java);
        assertTrue(java.contains("WARNING: Spindle native library could not be loaded from -Dspindle.library.path=/nonexistent"), java);
    }

    @Test
    void aGoodLibraryPathLoads() throws Exception
    {
        final Path lib = Files.createTempFile("libspindle-copy", ".so");
        try (InputStream in = NativeLibrary.class.getResourceAsStream(NativeLibrary.resourcePath()))
        {
            assertNotNull(in);
            Files.copy(in, lib, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            final String out = ForkedJvm.run(ForkedJvm.withSpindleFlags("-Dspindle.library.path=" + lib), NativeNode.class);
            assertTrue(out.contains("started"), out);
        }
        finally
        {
            Files.deleteIfExists(lib);
        }
    }

    /** Entry point of a child JVM: starts a one-scheduler node (native run queues unless args[0] is JAVA). */
    public static final class NativeNode
    {
        public static void main(final String[] args)
        {
            final RunQueues kind = args.length > 0 ? RunQueues.valueOf(args[0]) : RunQueues.NATIVE;
            try (Node node = Node.start(NodeConfig.builder().schedulers(1).pinned(false).runQueues(kind).build()))
            {
                System.out.println("started " + node);
            }
            catch (final UnsatisfiedLinkError e)
            {
                System.out.println(e);
            }
        }
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
