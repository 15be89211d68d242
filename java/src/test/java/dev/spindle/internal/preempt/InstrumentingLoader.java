package dev.spindle.internal.preempt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the classes under the given name prefixes itself (child first), rewritten by
 * {@link Instrumenter} or, with {@code instrument == false}, unchanged; everything else comes from
 * the test class path. So a test holds an instrumented and a plain copy of the same code side by
 * side. Every rewritten class also passes the class-file API's verifier.
 */
final class InstrumentingLoader extends ClassLoader
{
    static
    {
        registerAsParallelCapable();
    }

    private final List<String> prefixes;
    private final Instrumenter instrumenter;
    final Map<String, Instrumenter.Result> results = new ConcurrentHashMap<>();

    InstrumentingLoader(final boolean instrument, final String... prefixes)
    {
        this(instrument, Instrumenter.Policy.DEFAULT, prefixes);
    }

    InstrumentingLoader(final boolean instrument, final Instrumenter.Policy policy, final String... prefixes)
    {
        this(instrument ? new Instrumenter(ClassHierarchyResolver.ofResourceParsing(InstrumentingLoader.class.getClassLoader()),
            policy) : null, prefixes);
    }

    /** @param instrumenter the rewriter, or null to load the classes unchanged. */
    InstrumentingLoader(final Instrumenter instrumenter, final String... prefixes)
    {
        super("preempt-test-" + (instrumenter != null ? "instrumented" : "plain"), InstrumentingLoader.class.getClassLoader());
        this.prefixes = List.of(prefixes);
        this.instrumenter = instrumenter;
    }

    @Override
    protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
    {
        if (prefixes.stream().noneMatch(name::startsWith))
        {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name))
        {
            Class<?> c = findLoadedClass(name);
            if (c == null)
            {
                byte[] bytes = read(name);
                if (instrumenter != null)
                {
                    final Instrumenter.Result r = instrumenter.instrument(bytes);
                    results.put(name, r);
                    if (r.status() == Instrumenter.Status.REWRITTEN)
                    {
                        final var errors = ClassFile.of().verify(r.bytes());
                        if (!errors.isEmpty())
                        {
                            throw new VerifyError(name + ": " + errors);
                        }
                        bytes = r.bytes();
                    }
                }
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve)
            {
                resolveClass(c);
            }
            return c;
        }
    }

    static byte[] read(final String name) throws ClassNotFoundException
    {
        try (InputStream in = InstrumentingLoader.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class"))
        {
            if (in == null)
            {
                throw new ClassNotFoundException(name);
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Loads, links and initializes a class (so the JVM's verifier runs) and returns it. */
    Class<?> load(final String name)
    {
        try
        {
            return Class.forName(name, true, this);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
