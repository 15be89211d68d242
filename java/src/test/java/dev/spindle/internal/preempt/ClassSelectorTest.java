package dev.spindle.internal.preempt;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassSelectorTest
{
    @Test
    void globsOverDottedNames()
    {
        final ClassSelector s = new ClassSelector(List.of("com.example.**", "org.lib.*", "net.One"), List.of("com.example.gen.**"));
        assertTrue(s.selects("com.example.App"));
        assertTrue(s.selects("com/example/deep/er/App$Inner"), "internal names too");
        assertFalse(s.selects("com.examples.App"));
        assertFalse(s.selects("com.example.gen.Parser"), "excluded");
        assertTrue(s.selects("org.lib.Util"));
        assertFalse(s.selects("org.lib.sub.Util"), "* stays in one package");
        assertTrue(s.selects("net.One"));
        assertFalse(s.selects("net.OneMore"));
    }

    @Test
    void theJdkAndTheRuntimeAreNeverSelected()
    {
        final ClassSelector all = new ClassSelector(List.of("**"), List.of());
        for (final String name : List.of("java.util.HashMap", "javax.net.X", "jdk.internal.vm.Continuation", "sun.misc.Unsafe",
            "com.sun.net.Y", "dev.spindle.Proc", "dev.spindle.Node", "dev.spindle.internal.scheduler.Scheduler",
            "dev.spindle.agent.Rewrite"))
        {
            assertFalse(all.selects(name), name);
        }
        assertTrue(all.selects("dev.spindle.bench.cases.Ring"), "Spindle's own benchmarks may be selected");
        assertTrue(all.selects("Main"), "the unnamed package");
    }

    @Test
    void emptyIncludeSelectsNothing()
    {
        final ClassSelector none = new ClassSelector(List.of(), List.of());
        assertTrue(none.isEmpty());
        assertFalse(none.selects("com.example.App"));
    }

    @Test
    void badPatternsAreRefusedWithTheReason()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClassSelector(List.of("com/example/**"), List.of()))
            .getMessage().contains("'/'"));
        assertThrows(IllegalArgumentException.class, () -> new ClassSelector(List.of(" "), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ClassSelector(List.of("com.(x)"), List.of()));
        assertEquals("com\\.example\\..*", ClassSelector.toRegex("com.example.**").pattern());
    }
}
