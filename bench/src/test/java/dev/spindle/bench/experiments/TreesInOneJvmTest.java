package dev.spindle.bench.experiments;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two-trees harness runs end to end: this tree, twice, each copy in its own class loader with
 * its own libspindle, both probes, and the summary names both trees. Sizes are tiny: this checks
 * the loading and the bookkeeping, not speed.
 */
class TreesInOneJvmTest
{
    private static final String TREE = System.getProperty("java.class.path");

    @Test
    void runsTheSameTreeTwiceInSeparateLoaders() throws Throwable
    {
        for (final String probe : new String[] {"pingpong", "ring"})
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final String summary;
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
            {
                summary = TreesInOneJvm.compare(new String[] {probe, "0", "2", "2000", "2", "a=" + TREE, "b=" + TREE}, out);
            }
            assertTrue(summary.startsWith(probe + " cpu0, medians of alternations 2-2: a="), summary);
            assertTrue(summary.contains(" b/a="), summary);
            final String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
            assertEquals(4, lines.length, "two alternations of two trees: " + bytes);
            assertTrue(lines[0].startsWith("0 a cpu0 ") && lines[1].startsWith("0 b cpu0 "), bytes.toString());
            assertTrue(lines[2].startsWith("1 b cpu0 ") && lines[3].startsWith("1 a cpu0 "), "the order reverses: " + bytes);
        }
    }

    @Test
    void badArgumentsAreNamed()
    {
        final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TreesInOneJvm.compare(new String[] {"pingpong"}, out))
            .getMessage().startsWith("usage:"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TreesInOneJvm.compare(new String[] {"spawn", "0", "2", "1", "2", "a=x", "b=y"}, out)).getMessage().contains("not spawn"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TreesInOneJvm.compare(new String[] {"ring", "0", "2", "1", "2", "a=" + TREE, "b=/no/such.jar"}, out)).getMessage()
            .contains("tree b: no such file /no/such.jar"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TreesInOneJvm.compare(new String[] {"ring", "0", "2", "1", "2", "a=" + TREE, "nameless"}, out)).getMessage()
            .contains("NAME=CLASSPATH, not nameless"));
    }
}
