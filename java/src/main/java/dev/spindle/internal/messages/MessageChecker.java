package dev.spindle.internal.messages;

import dev.spindle.MessageCheck;
import dev.spindle.NodeConfig;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's message check ({@link NodeConfig#messageCheck()}): at send, is the message deeply
 * immutable? See the package documentation for the rules and the costs.
 *
 * <p>Thread-safe: any sending thread calls {@link #check}; the per-class plans live in a
 * {@link ClassValue} shared by every node with the same trusted classes.
 */
public final class MessageChecker
{
    /** Objects one check may look at; past it the message is refused as too large to check. */
    static final int MAX_OBJECTS = 1 << 20;
    /** Containers and objects walked before the walk starts remembering what it saw (cycle guard). */
    private static final int UNGUARDED = 64;
    /** Distinct warnings logged in WARN mode, after which they are suppressed. */
    private static final int MAX_WARNINGS = 1024;
    private static final System.Logger LOG = System.getLogger("dev.spindle.messages");
    private static final ClassPlans UNTRUSTING = new ClassPlans(List.of());

    private final boolean reject;
    private final ClassPlans plans;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private MessageChecker(final boolean reject, final ClassPlans plans)
    {
        this.reject = reject;
        this.plans = plans;
    }

    /**
     * @param config a node's configuration.
     * @return its checker, or null when the check is off (the send path then tests one final field).
     */
    public static MessageChecker of(final NodeConfig config)
    {
        return of(config.messageCheck(), config.messageCheckTrusted());
    }

    /**
     * @param mode    the mode.
     * @param trusted classes taken as immutable, with their subclasses.
     * @return the checker, or null for {@link MessageCheck#OFF}.
     */
    public static MessageChecker of(final MessageCheck mode, final List<Class<?>> trusted)
    {
        if (mode == MessageCheck.OFF)
        {
            return null;
        }
        return new MessageChecker(mode == MessageCheck.REJECT, trusted.isEmpty() ? UNTRUSTING : new ClassPlans(trusted));
    }

    /**
     * Checks a message about to be sent.
     *
     * @param message not null.
     * @throws IllegalArgumentException in REJECT mode, when it is not deeply immutable (naming the
     *                                  path to the first mutable part found).
     */
    public void check(final Object message)
    {
        if (plans.get(message.getClass()) == Plan.IMMUTABLE)
        {
            return; // the common case after the first send of a class: one ClassValue lookup
        }
        final Failure first = walk(message, false);
        if (first == null)
        {
            return;
        }
        // Again, recording the path: everything above the offender is immutable, so the same one is found.
        final Failure named = walk(message, true);
        final Failure f = named != null ? named : first;
        final String text = f.describe();
        if (reject)
        {
            throw new IllegalArgumentException(text);
        }
        warn(message, f, text);
    }

    private void warn(final Object message, final Failure f, final String text)
    {
        final String key = message.getClass().getName() + " " + f.key();
        if (warned.size() < MAX_WARNINGS && warned.add(key))
        {
            LOG.log(Level.WARNING, text + (warned.size() == MAX_WARNINGS ?
                " (" + MAX_WARNINGS + " distinct warnings logged: no more will be)" : " (logged once per message class and offender)"));
        }
    }

    /** One step of a recorded path: a field, an index or a key below {@code parent}. */
    private record Step(Step parent, String label)
    {
        String render()
        {
            final java.util.ArrayDeque<String> labels = new java.util.ArrayDeque<>();
            for (Step s = this; s != null; s = s.parent)
            {
                labels.addFirst(s.label);
            }
            return String.join("", labels);
        }
    }

    /** What the walk found: the offender and where, or that the message was too large. */
    private record Failure(Object offender, Plan.Refuse refuse, Step at, Object root)
    {
        String describe()
        {
            final String prefix = "message not deeply immutable: ";
            if (refuse == null)
            {
                return "message too large to check for immutability: more than " + MAX_OBJECTS + " objects reachable from " +
                    root.getClass().getName() + "; trust its class in NodeConfig.messageCheck or send less";
            }
            if (refuse.field() != null)
            {
                return prefix + (at == null ? "?" : at.render()) + "." + refuse.field() + " (" + refuse.why() + ")";
            }
            final String what = offender.getClass().getTypeName() + " (" + refuse.why() + ")";
            return prefix + (at == null || at.parent() == null ? what : at.render() + " -> " + what);
        }

        String key()
        {
            return refuse == null ? "too large" : offender.getClass().getName() + (refuse.field() == null ? "" : "." + refuse.field());
        }
    }

    /**
     * Walks the message depth first with an explicit stack (no recursion, so a long chain cannot
     * overflow the thread's stack), counting every object met against {@link #MAX_OBJECTS}.
     * Objects whose plan is immutable are never pushed. After {@link #UNGUARDED} objects have been
     * opened, each opened object is remembered by identity, so a cycle or a shared sub-tree is
     * opened once.
     *
     * @param root  the message.
     * @param paths whether to record the path (only for the error: it allocates).
     * @return null when deeply immutable, else what was found.
     */
    private Failure walk(final Object root, final boolean paths)
    {
        Object[] stack = new Object[16];
        Step[] steps = paths ? new Step[16] : null;
        int top = 0;
        stack[top++] = root;
        if (paths)
        {
            steps[0] = new Step(null, rootName(root.getClass()));
        }
        int seen = 1;
        int opened = 0;
        IdentityHashMap<Object, Boolean> visited = null;
        while (top > 0)
        {
            final Object o = stack[--top];
            final Step at = paths ? steps[top] : null;
            stack[top] = null;
            final Plan plan = plans.get(o.getClass());
            if (plan instanceof Plan.Refuse r)
            {
                return new Failure(o, r, at, root);
            }
            if (plan == Plan.IMMUTABLE)
            {
                continue; // only the root gets here: children are filtered before being pushed
            }
            if (++opened > UNGUARDED)
            {
                if (visited == null)
                {
                    visited = new IdentityHashMap<>();
                }
                if (visited.put(o, Boolean.TRUE) != null)
                {
                    continue;
                }
            }
            // children: each counted, immutable ones dropped at once, the rest pushed
            final Object[] children;
            final String[] labels;
            if (plan instanceof Plan.Fields f)
            {
                children = new Object[f.fields().length];
                for (int i = 0; i < children.length; i++)
                {
                    try
                    {
                        children[i] = f.fields()[i].get(o);
                    }
                    catch (final IllegalAccessException e)
                    {
                        return new Failure(o, new Plan.Refuse("its field " + f.names()[i] + " cannot be read: " + e.getMessage(), null), at, root);
                    }
                }
                labels = paths ? dotted(f.names()) : null;
            }
            else
            {
                final Object[][] elements = elements(o, ((Plan.Elements)plan).how(), paths);
                children = elements[0];
                labels = paths ? (String[])elements[1] : null;
            }
            seen += children.length;
            if (seen > MAX_OBJECTS)
            {
                return new Failure(root, null, null, root);
            }
            for (int i = children.length - 1; i >= 0; i--) // reversed, so the first child is looked at first
            {
                final Object child = children[i];
                if (child == null || plans.get(child.getClass()) == Plan.IMMUTABLE)
                {
                    continue;
                }
                if (top == stack.length)
                {
                    stack = Arrays.copyOf(stack, top * 2);
                    if (paths)
                    {
                        steps = Arrays.copyOf(steps, top * 2);
                    }
                }
                stack[top] = child;
                if (paths)
                {
                    steps[top] = new Step(at, labels[i]);
                }
                top++;
            }
        }
        return null;
    }

    private static String[] dotted(final String[] names)
    {
        final String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++)
        {
            out[i] = "." + names[i];
        }
        return out;
    }

    /** @return {children, labels (or null)} of a known immutable JDK container. */
    private static Object[][] elements(final Object o, final JdkTypes.Container how, final boolean paths)
    {
        switch (how)
        {
            case COLLECTION ->
            {
                final Object[] items = ((Collection<?>)o).toArray();
                String[] labels = null;
                if (paths)
                {
                    labels = new String[items.length];
                    for (int i = 0; i < items.length; i++)
                    {
                        labels[i] = "[" + i + "]";
                    }
                }
                return new Object[][] {items, labels};
            }
            case MAP ->
            {
                final Map<?, ?> map = (Map<?, ?>)o;
                final Object[] items = new Object[map.size() * 2];
                final String[] labels = paths ? new String[items.length] : null;
                int i = 0;
                for (final Map.Entry<?, ?> e : map.entrySet())
                {
                    if (i + 1 >= items.length)
                    {
                        break; // cannot grow: the map is immutable; this only guards the array
                    }
                    items[i] = e.getKey();
                    items[i + 1] = e.getValue();
                    if (paths)
                    {
                        labels[i] = ".keys[" + i / 2 + "]";
                        labels[i + 1] = "[" + shortText(e.getKey()) + "]";
                    }
                    i += 2;
                }
                return new Object[][] {items, labels};
            }
            case ENTRY ->
            {
                final Map.Entry<?, ?> e = (Map.Entry<?, ?>)o;
                return new Object[][] {{e.getKey(), e.getValue()}, paths ? new String[] {".key", ".value"} : null};
            }
            case OPTIONAL ->
            {
                return new Object[][] {{((Optional<?>)o).orElse(null)}, paths ? new String[] {".get()"} : null};
            }
            default -> throw new AssertionError(how);
        }
    }

    private static String shortText(final Object key)
    {
        if (key == null)
        {
            return "null";
        }
        final String s = key instanceof String str ? '"' + str + '"' : String.valueOf(key);
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static String rootName(final Class<?> c)
    {
        final String simple = c.getSimpleName();
        return simple.isEmpty() || c.isHidden() ? c.getName() : simple;
    }
}
