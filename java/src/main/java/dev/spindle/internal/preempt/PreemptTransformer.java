package dev.spindle.internal.preempt;

import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.constant.ClassDesc;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's class-file transformer: rewrites the selected classes as they load (and, when the
 * agent is attached late, as they are retransformed). It leaves alone the JDK (classes of the
 * boot and platform loaders), Spindle's runtime, classes whose loader cannot see
 * {@link Preemption}, and anything it fails to rewrite: a failure is counted and logged, and the
 * class loads unchanged.
 */
public final class PreemptTransformer implements ClassFileTransformer
{
    // Created on first use, not in premain: an early System.Logger initializes java.util.logging
    // before the application could choose its LogManager.
    private static final class Log
    {
        static final System.Logger LOG = System.getLogger("dev.spindle.agent");
    }

    private final ClassSelector selector;
    private final Instrumenter.Policy policy;
    // One instrumenter (and hierarchy cache) per defining loader; weak so loaders can be collected.
    private final Map<ClassLoader, Instrumenter> instrumenters = new WeakHashMap<>();
    private final Map<ClassLoader, Boolean> seesPreemption = new WeakHashMap<>();
    private volatile boolean announced;

    /** Classes offered that the selector picked. */
    public final LongAdder selected = new LongAdder();
    /** Classes rewritten. */
    public final LongAdder rewritten = new LongAdder();
    /** Classes that carried the marker already (rewritten at build time). */
    public final LongAdder alreadyRewritten = new LongAdder();
    /** Classes left whole after an error. */
    public final LongAdder failed = new LongAdder();
    /** Methods rewritten. */
    public final LongAdder methods = new LongAdder();
    /** Poll sites inserted. */
    public final LongAdder polls = new LongAdder();
    /** Methods left alone for the code-size limit. */
    public final LongAdder skippedLarge = new LongAdder();
    /** Time spent rewriting, in nanoseconds (all threads). */
    public final LongAdder nanos = new LongAdder();

    /**
     * @param selector which classes.
     * @param policy   where the polls go.
     */
    public PreemptTransformer(final ClassSelector selector, final Instrumenter.Policy policy)
    {
        this.selector = selector;
        this.policy = policy;
    }

    @Override
    public byte[] transform(final ClassLoader loader, final String className, final Class<?> classBeingRedefined,
        final ProtectionDomain protectionDomain, final byte[] classfileBuffer)
    {
        if (loader == null || loader == ClassLoader.getPlatformClassLoader() || className == null ||
            !selector.selects(className))
        {
            return null;
        }
        if (!announced)
        {
            announced = true;
            Log.LOG.log(System.Logger.Level.DEBUG, () -> "Spindle agent rewriting " + selector);
        }
        selected.increment();
        final long start = System.nanoTime();
        try
        {
            if (!canSee(loader))
            {
                failed.increment();
                Log.LOG.log(System.Logger.Level.DEBUG, () -> "not rewriting " + className + ": its loader " + loader +
                    " cannot see " + Preemption.class.getName());
                return null;
            }
            final Instrumenter.Result result = instrumenter(loader).instrument(classfileBuffer);
            switch (result.status())
            {
                case REWRITTEN ->
                {
                    rewritten.increment();
                    methods.add(result.methods());
                    polls.add(result.polls());
                    skippedLarge.add(result.skippedLarge());
                    Log.LOG.log(System.Logger.Level.TRACE, () -> "rewrote " + className + ": " + result.methods() +
                        " methods, " + result.polls() + " polls");
                    return result.bytes();
                }
                case ALREADY_REWRITTEN -> alreadyRewritten.increment();
                case FAILED ->
                {
                    failed.increment();
                    skippedLarge.add(result.skippedLarge());
                    Log.LOG.log(System.Logger.Level.DEBUG, () -> "left " + className + " unpreemptible: " + result.detail());
                }
                case NOTHING_TO_DO ->
                {
                }
            }
            return null;
        }
        catch (final Throwable t)
        {
            // Never break class loading: whatever went wrong, the class loads as it was.
            failed.increment();
            Log.LOG.log(System.Logger.Level.DEBUG, () -> "left " + className + " unpreemptible after an error", t);
            return null;
        }
        finally
        {
            nanos.add(System.nanoTime() - start);
        }
    }

    private Instrumenter instrumenter(final ClassLoader loader)
    {
        synchronized (instrumenters)
        {
            return instrumenters.computeIfAbsent(loader, l -> new Instrumenter(resolver(l), policy));
        }
    }

    /**
     * Super types for stack maps come from the loader's class-file resources (no class is loaded
     * while another is being defined), cached per loader.
     */
    static ClassHierarchyResolver resolver(final ClassLoader loader)
    {
        // Weak: the cache is the value of a weak map keyed by this loader and must not pin it.
        final WeakReference<ClassLoader> ref = new WeakReference<>(loader);
        return new CachingResolver(ClassHierarchyResolver.ofResourceParsing((ClassDesc desc) -> resource(ref.get(), desc)));
    }

    private static InputStream resource(final ClassLoader loader, final ClassDesc desc)
    {
        final String name = desc.descriptorString();
        // "Lcom/example/Foo;" -> "com/example/Foo.class"
        final String path = name.substring(1, name.length() - 1) + ".class";
        return loader != null ? loader.getResourceAsStream(path) : ClassLoader.getSystemResourceAsStream(path);
    }

    /** A thread-safe cache in front of a resolver (the API's own cache wants a map it can fill with nulls). */
    private record CachingResolver(ClassHierarchyResolver delegate, Map<ClassDesc, Object> cache)
        implements ClassHierarchyResolver
    {
        private static final Object UNKNOWN = new Object();

        CachingResolver(final ClassHierarchyResolver delegate)
        {
            this(delegate, new ConcurrentHashMap<>());
        }

        @Override
        public ClassHierarchyInfo getClassInfo(final ClassDesc desc)
        {
            final Object cached = cache.get(desc);
            if (cached != null)
            {
                return cached == UNKNOWN ? null : (ClassHierarchyInfo)cached;
            }
            final ClassHierarchyInfo info = delegate.getClassInfo(desc);
            cache.put(desc, info == null ? UNKNOWN : info);
            return info;
        }
    }

    /**
     * @return whether code defined by this loader resolves {@link Preemption} (a loader below the
     * agent's delegates to it; an isolated one may not see it at all).
     */
    private boolean canSee(final ClassLoader loader)
    {
        final ClassLoader own = Preemption.class.getClassLoader();
        for (ClassLoader l = loader; l != null; l = l.getParent())
        {
            if (l == own)
            {
                return true;
            }
        }
        synchronized (seesPreemption)
        {
            final Boolean known = seesPreemption.get(loader);
            if (known != null)
            {
                return known;
            }
        }
        boolean sees;
        try
        {
            sees = Class.forName(Preemption.class.getName(), false, loader) != null;
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            sees = false;
        }
        synchronized (seesPreemption)
        {
            seesPreemption.put(loader, sees);
        }
        return sees;
    }

    /** @return one line with the counts, for {@code verbose}. */
    public String summary()
    {
        return String.format("spindle-agent: %s: rewrote %d of %d selected classes (%d methods, %d polls); " +
                "%d already rewritten, %d left unpreemptible, %d large methods skipped; %.1f ms rewriting",
            selector, rewritten.sum(), selected.sum(), methods.sum(), polls.sum(), alreadyRewritten.sum(), failed.sum(),
            skippedLarge.sum(), nanos.sum() / 1e6);
    }
}
