package dev.spindle.agent;

import dev.spindle.internal.preempt.AgentOptions;
import dev.spindle.internal.preempt.PreemptTransformer;
import dev.spindle.internal.preempt.Preemption;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The preemption agent: {@code -javaagent:spindle-runtime-<version>.jar[=options]}. It rewrites
 * the selected classes as they load so that their loops and method entries spend reductions and
 * a process gives way at the next safe point when its budget is spent (docs/preemption.md). Options
 * are described on {@link AgentOptions}; without {@code include=} it rewrites the main class's
 * package and subpackages.
 *
 * <p>The agent also exports {@code jdk.internal.access} (the poll's carrier lookup),
 * {@code jdk.internal.vm} (continuations) and {@code jdk.internal.misc} (exported and opened, for
 * Agrona) from {@code java.base} to the module the runtime is loaded in, so that with the agent the
 * runtime needs none of its {@code --add-exports}/{@code --add-opens} flags.
 *
 * <p>Entry points: {@link #premain} (command line), {@link #agentmain} (attached to a running
 * JVM, or {@code Launcher-Agent-Class} of an executable jar, where the options come from the
 * {@code spindle.agent} system property).
 */
public final class SpindleAgent
{
    /** System property read when the agent gets no option string. */
    public static final String OPTIONS_PROPERTY = "spindle.agent";

    private static final AtomicReference<PreemptTransformer> INSTALLED = new AtomicReference<>();

    private SpindleAgent()
    {
    }

    /**
     * Called before {@code main} for {@code -javaagent}.
     *
     * @param args            the option string after {@code =}, or null.
     * @param instrumentation the JVM's instrumentation.
     */
    public static void premain(final String args, final Instrumentation instrumentation)
    {
        install(args, instrumentation, false);
    }

    /**
     * Called when the agent is attached to a running JVM or started by {@code Launcher-Agent-Class}.
     *
     * @param args            the option string, or null.
     * @param instrumentation the JVM's instrumentation.
     */
    public static void agentmain(final String args, final Instrumentation instrumentation)
    {
        install(args, instrumentation, true);
    }

    /**
     * @return the installed transformer's counts as one line, or a line saying the agent is not
     * installed.
     */
    public static String summary()
    {
        final PreemptTransformer t = INSTALLED.get();
        return t == null ? "spindle-agent: not installed" : t.summary();
    }

    private static void install(final String args, final Instrumentation instrumentation, final boolean late)
    {
        final String optionString = args == null || args.isBlank() ? System.getProperty(OPTIONS_PROPERTY) : args;
        final AgentOptions options = AgentOptions.parse(optionString, System.getProperty("sun.java.command"));
        final PreemptTransformer transformer = new PreemptTransformer(options.selector(), options.policy());
        if (!INSTALLED.compareAndSet(null, transformer))
        {
            System.getLogger("dev.spindle.agent").log(System.Logger.Level.WARNING,
                "Spindle agent given twice; the second ({0}) is ignored", optionString);
            return;
        }
        exportInternals(instrumentation);
        if (!Preemption.enabled())
        {
            throw new IllegalStateException("Spindle agent: could not export jdk.internal.access to " +
                SpindleAgent.class.getModule() + "; is the runtime on the class path of the agent's loader?");
        }
        if (options.selector().isEmpty())
        {
            // The one message premain logs, and only when the agent would do nothing at all.
            System.getLogger("dev.spindle.agent").log(System.Logger.Level.WARNING,
                "Spindle agent: no include= option and no main class to take the default from: nothing will be rewritten");
        }
        if (options.verbose())
        {
            System.err.println("spindle-agent: rewriting " + options.selector() +
                (options.defaulted() ? " (include defaulted from the main class)" : ""));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(transformer.summary()),
                "spindle-agent-summary"));
        }
        instrumentation.addTransformer(transformer, true);
        if (late && options.retransform() && instrumentation.isRetransformClassesSupported())
        {
            retransformLoaded(instrumentation, options);
        }
    }

    private static void exportInternals(final Instrumentation instrumentation)
    {
        final Module base = Object.class.getModule();
        final Set<Module> to = Set.of(SpindleAgent.class.getModule());
        if (instrumentation.isModifiableModule(base))
        {
            instrumentation.redefineModule(base, Set.of(),
                Map.of("jdk.internal.access", to, "jdk.internal.vm", to, "jdk.internal.misc", to),
                Map.of("jdk.internal.misc", to), Set.of(), Map.of());
        }
    }

    private static void retransformLoaded(final Instrumentation instrumentation, final AgentOptions options)
    {
        final List<Class<?>> batch = new ArrayList<>();
        for (final Class<?> c : instrumentation.getAllLoadedClasses())
        {
            if (!c.isArray() && !c.isHidden() && c.getClassLoader() != null &&
                c.getClassLoader() != ClassLoader.getPlatformClassLoader() &&
                options.selector().selects(c.getName()) && instrumentation.isModifiableClass(c))
            {
                batch.add(c);
            }
        }
        for (final Class<?> c : batch)
        {
            try
            {
                instrumentation.retransformClasses(c);
            }
            catch (final UnmodifiableClassException | RuntimeException | LinkageError ex)
            {
                System.getLogger("dev.spindle.agent").log(System.Logger.Level.DEBUG,
                    () -> "could not retransform " + c.getName(), ex);
            }
        }
    }
}
