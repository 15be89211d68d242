package dev.spindle.bench.cases;

import dev.spindle.internal.preempt.Instrumenter;
import dev.spindle.internal.preempt.Preemption;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassHierarchyResolver;

/**
 * The {@code spindle-preempt} peer's copy of {@link SpinLoop}: the same class file, rewritten by
 * {@link Instrumenter} with the agent's default policy ({@link Instrumenter.Policy#DEFAULT}) and
 * defined by a child-first loader of its own. That is what
 * {@code -javaagent:spindle-runtime.jar=include=dev.spindle.bench.cases.SpinLoop} would do to the
 * class as it loads, without the bench JVM needing the agent: the plain {@code spindle} peer
 * keeps running the class as compiled, in the same JVM. The rewritten code needs
 * {@code java.base/jdk.internal.access} exported (the {@code ./spindle} launcher passes it);
 * without it the inserted calls do nothing, so {@link #spinLoop()} refuses rather than report a
 * starved ping-pong as Spindle's.
 */
final class AgentRewrite extends ClassLoader
{
    private static final String NAME = SpinLoop.class.getName();

    static
    {
        registerAsParallelCapable();
    }

    /** Loaded once per JVM: the class stays compiled (JIT) between cases and repeats. */
    private static final class Holder
    {
        static final Class<? extends FairnessHogs.Loop> REWRITTEN = new AgentRewrite().rewritten();
    }

    private Instrumenter.Result result;

    private AgentRewrite()
    {
        super("spindle-preempt-rewrite", SpinLoop.class.getClassLoader());
    }

    /**
     * @return {@link SpinLoop} as the agent would have rewritten it.
     * @throws IllegalStateException when preemption is off in this JVM or the class was not rewritten.
     */
    static Class<? extends FairnessHogs.Loop> spinLoop()
    {
        if (!Preemption.enabled())
        {
            throw new IllegalStateException("preemption is off: run with --add-exports java.base/jdk.internal.access=ALL-UNNAMED " +
                "(./spindle passes it)");
        }
        return Holder.REWRITTEN;
    }

    private Class<? extends FairnessHogs.Loop> rewritten()
    {
        try
        {
            final Class<?> c = loadClass(NAME);
            if (result == null || result.status() != Instrumenter.Status.REWRITTEN)
            {
                throw new IllegalStateException(NAME + " was not rewritten: " + (result == null ? "not loaded here" :
                    result.status() + (result.detail() == null ? "" : ": " + result.detail())));
            }
            return c.asSubclass(FairnessHogs.Loop.class);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
    {
        if (!name.equals(NAME))
        {
            return super.loadClass(name, resolve); // parent first: the runtime, the Loop interface, the JDK
        }
        synchronized (getClassLoadingLock(name))
        {
            Class<?> c = findLoadedClass(name);
            if (c == null)
            {
                final ClassLoader parent = getParent();
                final byte[] plain;
                try (InputStream in = parent.getResourceAsStream(name.replace('.', '/') + ".class"))
                {
                    if (in == null)
                    {
                        throw new ClassNotFoundException(name);
                    }
                    plain = in.readAllBytes();
                }
                catch (final IOException ex)
                {
                    throw new ClassNotFoundException(name, ex);
                }
                // The agent's transformer builds its Instrumenter the same way: super types from the
                // defining loader's class files, the policy from its options (default here).
                result = new Instrumenter(ClassHierarchyResolver.ofResourceParsing(parent), Instrumenter.Policy.DEFAULT).instrument(plain);
                final byte[] bytes = result.status() == Instrumenter.Status.REWRITTEN ? result.bytes() : plain;
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve)
            {
                resolveClass(c);
            }
            return c;
        }
    }
}
