package dev.spindle.internal.preempt;

import java.lang.classfile.ClassHierarchyResolver;

/**
 * Child-JVM main for {@code InstrumenterTest}: the rewriter is the first code in the JVM to touch
 * java.lang.constant (as in an agent's premain).
 */
final class FirstUseChild
{
    private FirstUseChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Instrumenter i = new Instrumenter(ClassHierarchyResolver.ofResourceParsing(FirstUseChild.class.getClassLoader()),
            Instrumenter.Policy.DEFAULT);
        System.out.println(i.instrument(InstrumentingLoader.read("dev.spindle.samples.preempt.Loops")).status());
    }
}
