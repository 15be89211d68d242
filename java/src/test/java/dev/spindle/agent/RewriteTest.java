package dev.spindle.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.classfile.ClassFile;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build-time rewriter over a copy of the sample classes. */
class RewriteTest
{
    private static final String PKG = "dev/spindle/samples/preempt";

    private static Path copySamples(final Path dir) throws Exception
    {
        final Path from = Path.of(RewriteTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve(PKG);
        final Path to = dir.resolve("classes").resolve(PKG);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path f : files.toList())
            {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return dir.resolve("classes");
    }

    private static String run(final String... args) throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        Rewrite.run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rewritesInPlaceOnceAndTheClassesRun(@TempDir final Path dir) throws Exception
    {
        final Path classes = copySamples(dir);
        final Path loops = classes.resolve(PKG).resolve("Loops.class");
        final byte[] original = Files.readAllBytes(loops);
        final String first = run("--in", classes.toString(), "--include", "dev.spindle.samples.**", "--exclude", "**.Init");
        assertTrue(first.matches("(?s).*: [1-9]\\d* rewritten, 0 already rewritten, \\d+ needed nothing, 0 failed, 1 not selected.*"), first);
        final byte[] once = Files.readAllBytes(loops);
        assertTrue(ClassFile.of().parse(once).attributes().stream().anyMatch(a -> a.attributeName().equalsString("dev.spindle.Preemptible")));
        assertTrue(original.length < once.length);
        assertArrayEquals(original, Files.readAllBytes(Path.of(RewriteTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve(PKG).resolve("Loops.class")), "the source was a copy");

        final String second = run("--in", classes.toString(), "--include", "dev.spindle.samples.**");
        assertTrue(second.matches("(?s).*: 1 rewritten, [1-9]\\d* already rewritten.*"), "only Init is new: " + second);
        assertArrayEquals(once, Files.readAllBytes(loops), "never rewritten twice");

        // The rewritten classes load, verify and compute what the originals compute (only the
        // runtime comes from the test class path).
        try (URLClassLoader l = new URLClassLoader(new URL[] {classes.toUri().toURL()}, RewriteTest.class.getClassLoader().getParent())
        {
            @Override
            protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
            {
                return name.startsWith("dev.spindle.internal.") ? RewriteTest.class.getClassLoader().loadClass(name)
                    : super.loadClass(name, resolve);
            }
        })
        {
            final long got = (long)Class.forName("dev.spindle.samples.preempt.Shapes", true, l).getMethod("checksum", int.class)
                .invoke(null, 50);
            assertEquals(dev.spindle.samples.preempt.Shapes.checksum(50), got);
        }
    }

    @Test
    void writesToAnotherDirectoryLeavingTheInputAlone(@TempDir final Path dir) throws Exception
    {
        final Path classes = copySamples(dir);
        final Path out = dir.resolve("out");
        final byte[] original = Files.readAllBytes(classes.resolve(PKG).resolve("Sync.class"));
        run("--in", classes.toString(), "--out", out.toString(), "--include", "dev.spindle.samples.preempt.Sync", "--quiet");
        assertArrayEquals(original, Files.readAllBytes(classes.resolve(PKG).resolve("Sync.class")));
        assertTrue(Files.readAllBytes(out.resolve(PKG).resolve("Sync.class")).length > original.length);
        assertArrayEquals(Files.readAllBytes(classes.resolve(PKG).resolve("Loops.class")),
            Files.readAllBytes(out.resolve(PKG).resolve("Loops.class")), "unselected classes are copied as they are");
    }

    @Test
    void badArgumentsNameTheProblem(@TempDir final Path dir)
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("--include", "a.**")).getMessage().contains("--in"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("--in", dir.toString())).getMessage().contains("--include"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("--in", dir.resolve("nope").toString(), "--include", "a.**"))
            .getMessage().contains("not a directory"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("--in", dir.toString(), "--include", "a.**", "--frob"))
            .getMessage().contains("--frob"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run("--in")).getMessage().contains("needs a value"));
    }
}
