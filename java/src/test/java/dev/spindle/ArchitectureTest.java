package dev.spindle;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The dependency rules of docs/architecture.md, read from the sources: the API's entry points on
 * top, the runtime packages under them in a fixed order, the API's value types at the bottom; no
 * package cycle, no file-level cycle across packages, no arrow back up.
 */
class ArchitectureTest
{
    /** The API classes that are entry points; everything else in dev.spindle is a value type. */
    private static final Set<String> FACADES = Set.of("Node", "Proc", "Inbox", "GenServer", "Supervisor");

    /** Internal packages from the bottom up: each may depend only on packages listed before it. */
    private static final List<String> LAYERS = List.of(
        "nativebridge", "jfr", "messages", "mailbox", "timer", "preempt", "placement", "process", "runqueue", "signals", "scheduler", "runtime", "distribution", "agent");

    /**
     * Packages beside the API that are built on it alone (the public API, never internals) and that
     * nothing in the runtime names: adapters to other tools.
     */
    private static final Set<String> ADAPTERS = Set.of("jmx");

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.spindle(?:\\.internal\\.(\\w+)|\\.(agent|jmx))?\\.([A-Z]\\w*)");

    private record Source(String pkg, String name, String text)
    {
        String layer()
        {
            if (pkg.equals("dev.spindle"))
            {
                return FACADES.contains(name) ? "api" : "values";
            }
            if (pkg.equals("dev.spindle.agent"))
            {
                return "agent";
            }
            if (ADAPTERS.contains(pkg.substring("dev.spindle.".length())))
            {
                return "adapter";
            }
            return pkg.substring("dev.spindle.internal.".length());
        }
    }

    private static List<Source> sources() throws IOException
    {
        final Path root = Path.of("src/main/java/dev/spindle");
        final List<Source> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList())
            {
                final String text = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                final Matcher m = PACKAGE.matcher(text);
                assertTrue(m.find(), "no package in " + f);
                final String file = f.getFileName().toString();
                out.add(new Source(m.group(1), file.substring(0, file.length() - 5), text));
            }
        }
        return out;
    }

    /** @return for each source, the sources of other packages it names (imports and qualified names). */
    private static Map<Source, Set<Source>> dependencies(final List<Source> all)
    {
        final Map<String, Source> byName = new HashMap<>();
        for (final Source s : all)
        {
            byName.put(s.pkg() + "." + s.name(), s);
        }
        final Map<Source, Set<Source>> deps = new HashMap<>();
        for (final Source s : all)
        {
            final Set<Source> to = new HashSet<>();
            final Matcher m = REFERENCE.matcher(s.text());
            while (m.find())
            {
                final String pkg = m.group(1) != null ? "dev.spindle.internal." + m.group(1) :
                    m.group(2) != null ? "dev.spindle." + m.group(2) : "dev.spindle";
                final Source target = byName.get(pkg + "." + m.group(3));
                if (target != null && !target.pkg().equals(s.pkg()))
                {
                    to.add(target);
                }
            }
            // Same-package names are not imported: the API's classes use each other freely, and
            // classes in dev.spindle name internal classes only through imports or qualified names.
            if (s.pkg().equals("dev.spindle"))
            {
                for (final Source other : all)
                {
                    if (other.pkg().equals("dev.spindle") && other != s && Pattern.compile("\\b" + other.name() + "\\b").matcher(s.text()).find())
                    {
                        to.add(other);
                    }
                }
            }
            deps.put(s, to);
        }
        return deps;
    }

    /** Value types name nothing internal; internals never name the facades; adapters name the public API only and nothing names them. */
    /** Each package states its protocol and who owns what in a package-info.java (docs/architecture.md). */
    @Test
    void everyPackageHasAPackageInfo() throws IOException
    {
        final List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(Path.of("src/main/java/dev/spindle")))
        {
            for (final Path d : dirs.filter(Files::isDirectory).toList())
            {
                try (Stream<Path> files = Files.list(d))
                {
                    if (files.anyMatch(f -> f.toString().endsWith(".java")) && !Files.exists(d.resolve("package-info.java")))
                    {
                        missing.add(d.toString());
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "packages without a package-info.java");
    }

    @Test
    void valueTypesDependOnNothingInternalAndInternalsNeverOnTheFacades() throws IOException
    {
        final List<String> violations = new ArrayList<>();
        for (final Map.Entry<Source, Set<Source>> e : dependencies(sources()).entrySet())
        {
            final Source from = e.getKey();
            for (final Source to : e.getValue())
            {
                if (from.layer().equals("values") && !to.layer().equals("values"))
                {
                    violations.add("value type " + from.name() + " -> " + to.pkg() + "." + to.name());
                }
                if (from.layer().equals("adapter"))
                {
                    if (!to.layer().equals("api") && !to.layer().equals("values") && !to.layer().equals("adapter"))
                    {
                        violations.add("adapter " + from.pkg() + "." + from.name() + " -> " + to.pkg() + "." + to.name() + " (only the public API)");
                    }
                    continue;
                }
                if (to.layer().equals("adapter"))
                {
                    violations.add(from.pkg() + "." + from.name() + " -> adapter " + to.pkg() + "." + to.name());
                }
                if (!from.pkg().equals("dev.spindle") && to.layer().equals("api"))
                {
                    violations.add(from.pkg() + "." + from.name() + " -> facade " + to.name());
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void internalPackagesDependOnlyDownwards() throws IOException
    {
        final List<String> violations = new ArrayList<>();
        final Map<String, Set<String>> graph = new TreeMap<>();
        for (final Map.Entry<Source, Set<Source>> e : dependencies(sources()).entrySet())
        {
            final String from = e.getKey().layer();
            for (final Source to : e.getValue())
            {
                final String target = to.layer();
                if (target.equals("values") || target.equals("api") || from.equals("api") || from.equals("values")
                    || from.equals("adapter") || target.equals("adapter")) // adapters: the test above
                {
                    continue;
                }
                graph.computeIfAbsent(from, k -> new TreeSet<>()).add(target);
                final int a = LAYERS.indexOf(from);
                final int b = LAYERS.indexOf(target);
                assertTrue(a >= 0 && b >= 0, "a package missing from LAYERS: " + from + " or " + target);
                if (b >= a)
                {
                    violations.add(e.getKey().pkg() + "." + e.getKey().name() + " (" + from + ") -> " + to.pkg() + "." + to.name() + " (" + target + ")");
                }
            }
        }
        assertEquals(List.of(), violations, "package graph: " + graph);
    }

    @Test
    void noFileLevelCycleAcrossPackages() throws IOException
    {
        final Map<Source, Set<Source>> deps = dependencies(sources());
        final List<String> cycles = new ArrayList<>();
        for (final Map.Entry<Source, Set<Source>> e : deps.entrySet())
        {
            for (final Source to : e.getValue())
            {
                if (deps.getOrDefault(to, Set.of()).contains(e.getKey()) && e.getKey().name().compareTo(to.name()) < 0)
                {
                    cycles.add(e.getKey().pkg() + "." + e.getKey().name() + " <-> " + to.pkg() + "." + to.name());
                }
            }
        }
        assertEquals(List.of(), cycles);
    }
}
