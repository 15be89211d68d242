package dev.spindle.internal.preempt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentOptionsTest
{
    @Test
    void parsesRepeatedPatternsAndFlags()
    {
        final AgentOptions o = AgentOptions.parse("include=com.a.**, include=org.b.*,exclude=com.a.gen.**,verbose,entries=all,retransform=false,batch=1",
            "com.x.Main");
        assertEquals(List.of("com.a.**", "org.b.*"), o.selector().includes());
        assertEquals(List.of("com.a.gen.**"), o.selector().excludes());
        assertTrue(o.verbose());
        assertEquals(Instrumenter.Entries.ALL, o.policy().entries());
        assertEquals(1, o.policy().loopBatch());
        assertFalse(o.retransform());
        assertFalse(o.defaulted());
    }

    @Test
    void defaultsToTheMainClassPackage()
    {
        final AgentOptions o = AgentOptions.parse(null, "com.example.service.App --port 80");
        assertEquals(List.of("com.example.service.**"), o.selector().includes());
        assertTrue(o.defaulted());
        assertFalse(o.verbose());
        assertEquals(Instrumenter.Entries.BRANCHING, o.policy().entries());
        assertEquals(64, o.policy().loopBatch());
        assertTrue(o.retransform());
        assertEquals(List.of("*"), AgentOptions.parse("", "Main").selector().includes());
        assertEquals(Optional.of("com.m.Main"), AgentOptions.mainClass("my.module/com.m.Main"));
        assertTrue(AgentOptions.parse("verbose", null).selector().isEmpty(), "no main class: nothing");
    }

    @Test
    void readsTheMainClassOfAnExecutableJar(@TempDir final Path dir) throws Exception
    {
        final Path boot = jar(dir.resolve("boot.jar"), "org.springframework.boot.loader.JarLauncher", "com.shop.Application");
        assertEquals(List.of("com.shop.**"), AgentOptions.parse(null, boot + " arg").selector().includes());
        final Path plain = jar(dir.resolve("plain.jar"), "io.app.Main", null);
        assertEquals(List.of("io.app.**"), AgentOptions.parse(null, plain.toString()).selector().includes());
        assertEquals(Optional.empty(), AgentOptions.mainClass(dir.resolve("missing.jar").toString()));
    }

    private static Path jar(final Path path, final String main, final String start) throws Exception
    {
        final Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main);
        if (start != null)
        {
            m.getMainAttributes().putValue("Start-Class", start);
        }
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream j = new JarOutputStream(out, m))
        {
            j.flush();
        }
        return path;
    }

    @Test
    void badOptionsNameTheProblem()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("inclde=x.**", "M"))
            .getMessage().contains("unknown option 'inclde=x.**'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("include=", "M"))
            .getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("entries=some", "M"))
            .getMessage().contains("entries=all, callers or branching"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("batch=3", "M"))
            .getMessage().contains("power of two"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("batch=x", "M"))
            .getMessage().contains("not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("include=a/b", "M"))
            .getMessage().startsWith("Spindle agent: class pattern"));
    }
}
